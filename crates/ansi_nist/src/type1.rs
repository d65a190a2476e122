//! Type-1, the transaction information record: who sends what to whom, when, under which control
//! number. CNT (1.003) is not here: the writer lists the records itself.

use crate::error::{BuildError, Error};
use crate::record::{TaggedRecord, Transaction, Value};
use crate::tags::type1::{DAI, DAT, DOM, GMT, NSR, NTR, ORI, PRY, TCN, TCR, TOT, VER};
use crate::view::{Date, Reader, narrow};

/// The version ANSI/NIST-ITL 1-2011 writes in 1.002 VER.
pub const VERSION_2011: &str = "0500";

/// The Type-1 fields CRIS reads and writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionInfo {
    /// 1.002 VER: four digits ("0500" for 1-2011).
    pub version: String,
    /// 1.004 TOT: type of transaction (1 to 16 letters or digits).
    pub transaction_type: String,
    /// 1.005 DAT: the date the transaction was made.
    pub date: Date,
    /// 1.006 PRY: priority, 1 (highest) to 9.
    pub priority: Option<u8>,
    /// 1.007 DAI: destination agency identifier.
    pub destination: String,
    /// 1.008 ORI: originating agency identifier.
    pub originator: String,
    /// 1.009 TCN: transaction control number, unique to the sender.
    pub control_number: String,
    /// 1.010 TCR: the control number of the transaction this one answers.
    pub control_reference: Option<String>,
    /// 1.011 NSR: native scanning resolution, `dd.dd` pixels per millimetre.
    pub native_scanning_resolution: String,
    /// 1.012 NTR: nominal transmitting resolution, `dd.dd`.
    pub nominal_transmitting_resolution: String,
    /// 1.013 DOM: domain name and, optionally, its version.
    pub domain: Option<(String, Option<String>)>,
    /// 1.014 GMT: `YYYYMMDDhhmmssZ`.
    pub gmt: Option<String>,
}

impl TransactionInfo {
    /// Reads the Type-1 record.
    ///
    /// # Errors
    /// A missing mandatory field or a field that breaks its rule, named.
    pub fn from_record(record: &TaggedRecord) -> Result<Self, Error> {
        let r = Reader::new(record, 1);
        let version = r.text(VER)?;
        if version.len() != 4 || !version.bytes().all(|b| b.is_ascii_digit()) {
            return Err(r.invalid(VER, format!("is not four digits: {version:?}")));
        }
        let transaction_type = r.bounded(TOT, 16)?;
        if !transaction_type.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(r.invalid(TOT, format!("is not letters and digits: {transaction_type:?}")));
        }
        let resolution = |n| -> Result<String, Error> {
            let t = r.text(n)?;
            let ok =
                t.len() == 5 && t.bytes().enumerate().all(|(i, b)| if i == 2 { b == b'.' } else { b.is_ascii_digit() });
            if ok { Ok(t.to_owned()) } else { Err(r.invalid(n, format!("is not dd.dd: {t:?}"))) }
        };
        let domain = match record.value(DOM) {
            None => None,
            Some(v) => {
                let sub = v.subfield(0);
                let name = sub.and_then(|s| s.item_str(0)).filter(|n| !n.is_empty());
                let Some(name) = name else { return Err(r.invalid(DOM, "has no domain name")) };
                let version = sub.and_then(|s| s.item_str(1)).map(str::to_owned);
                Some((name.to_owned(), version))
            }
        };
        let gmt = r.text_opt(GMT)?;
        if let Some(g) = gmt {
            let ok = g.len() == 15
                && g.ends_with('Z')
                && g.get(..14).is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()))
                && g.get(..8).and_then(Date::parse).is_some();
            if !ok {
                return Err(r.invalid(GMT, format!("is not YYYYMMDDhhmmssZ: {g:?}")));
            }
        }
        Ok(Self {
            version: version.to_owned(),
            transaction_type: transaction_type.to_owned(),
            date: r.date(DAT)?,
            priority: r.number_opt(PRY, 1, 9)?.map(narrow),
            destination: r.bounded(DAI, 35)?.to_owned(),
            originator: r.bounded(ORI, 35)?.to_owned(),
            control_number: r.bounded(TCN, 40)?.to_owned(),
            control_reference: r.bounded_opt(TCR, 40)?.map(str::to_owned),
            native_scanning_resolution: resolution(NSR)?,
            nominal_transmitting_resolution: resolution(NTR)?,
            domain,
            gmt: gmt.map(str::to_owned),
        })
    }

    /// The Type-1 record holding these fields.
    ///
    /// # Errors
    /// If a text holds a separator byte.
    pub fn to_record(&self) -> Result<TaggedRecord, BuildError> {
        let mut r = TaggedRecord::header();
        r.set_text(VER, &self.version)?
            .set_text(TOT, &self.transaction_type)?
            .set_text(DAT, &self.date.to_string())?
            .set_text(DAI, &self.destination)?
            .set_text(ORI, &self.originator)?
            .set_text(TCN, &self.control_number)?
            .set_text(NSR, &self.native_scanning_resolution)?
            .set_text(NTR, &self.nominal_transmitting_resolution)?;
        if let Some(p) = self.priority {
            r.set_text(PRY, &p.to_string())?;
        }
        if let Some(tcr) = &self.control_reference {
            r.set_text(TCR, tcr)?;
        }
        if let Some((name, version)) = &self.domain {
            let items: Vec<&str> = std::iter::once(name.as_str()).chain(version.as_deref()).collect();
            r.set(DOM, Value::items(items)?)?;
        }
        if let Some(gmt) = &self.gmt {
            r.set_text(GMT, gmt)?;
        }
        Ok(r)
    }
}

impl Transaction {
    /// The Type-1 fields, read.
    ///
    /// # Errors
    /// As [`TransactionInfo::from_record`].
    pub fn info(&self) -> Result<TransactionInfo, Error> {
        TransactionInfo::from_record(self.header())
    }
}
