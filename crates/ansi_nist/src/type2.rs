//! Type-2, user-defined descriptive text: the biographic part of a query or answer. Which fields a
//! Type-2 record holds is for the parties to agree: each partner has its own request template,
//! and CRIS has a uniform one ([`Template::uniform`]). A [`Template`] checks a record against its
//! field list and cuts a record down to the fields an agreement allows.
//!
//! Field numbers follow the FBI's EBTS where it has the same meaning (2.018 NAM, 2.019 AKA, 2.020
//! POB, 2.022 DOB, 2.024 SEX, 2.037 RFP); the rest are in the user-defined range 2.200 and above.

use crate::error::{BuildError, Error, ErrorKind, RecordRef};
use crate::record::{TaggedRecord, Transaction, Value};
use crate::tags::IDC;
use crate::view::{Date, Reader, narrow};

/// Field numbers of CRIS's uniform template.
pub mod fields {
    /// 2.018 NAM: name, `surname US given names`.
    pub const NAM: u16 = 18;
    /// 2.019 AKA: aliases, one subfield each, `surname US given names`.
    pub const AKA: u16 = 19;
    /// 2.020 POB: country of birth (ISO 3166-1 alpha-2 or alpha-3).
    pub const POB: u16 = 20;
    /// 2.022 DOB: date of birth, YYYYMMDD.
    pub const DOB: u16 = 22;
    /// 2.024 SEX: gender, M, F, X or U (unknown).
    pub const SEX: u16 = 24;
    /// 2.037 RFP: reason for the request.
    pub const RFP: u16 = 37;
    /// 2.201 RQR: requestor, `name US contact`.
    pub const RQR: u16 = 201;
    /// 2.202 RQD: date of the request, YYYYMMDD.
    pub const RQD: u16 = 202;
    /// 2.203 PRI: priority, H, M or L.
    pub const PRI: u16 = 203;
    /// 2.204 ENC: encounter identifier.
    pub const ENC: u16 = 204;
    /// 2.205 FIN: IDENT fingerprint identification number.
    pub const FIN: u16 = 205;
    /// 2.206 ANU: A-Number (A followed by 8 or 9 digits).
    pub const ANU: u16 = 206;
    /// 2.207 FPN: the foreign partner's identification number for the person.
    pub const FPN: u16 = 207;
    /// 2.208 QSQ: which query of a sequence this is (1 first, 2 more information, 3 further).
    pub const QSQ: u16 = 208;
    /// 2.209 RES: an answer's result, M (match) or N (no match). Not in the uniform template,
    /// which is a request's; answers add it.
    pub const RES: u16 = 209;
}

use fields::{AKA, ANU, DOB, ENC, FIN, FPN, NAM, POB, PRI, QSQ, RFP, RQD, RQR, SEX};

/// One field a template allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSpec {
    /// Field number (2.NNN).
    pub number: u16,
    /// Mnemonic, for messages and documents.
    pub mnemonic: String,
    /// Whether every record must carry it.
    pub required: bool,
    /// How many subfields it may repeat (1 for a single value).
    pub max_subfields: usize,
    /// The longest a subfield may be, in characters (separators included).
    pub max_len: usize,
}

impl FieldSpec {
    /// A field spec.
    #[must_use]
    pub fn new(number: u16, mnemonic: &str, required: bool, max_subfields: usize, max_len: usize) -> Self {
        Self { number, mnemonic: mnemonic.to_owned(), required, max_subfields, max_len }
    }
}

/// A partner's (or the uniform) Type-2 template: the fields a record may carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// Name, for messages ("uniform", "CAN", "AUS").
    pub name: String,
    /// Allowed fields, with their rules.
    pub fields: Vec<FieldSpec>,
}

impl Template {
    /// CRIS's uniform template: every field of [`Descriptive`], name and date of birth required.
    #[must_use]
    pub fn uniform() -> Self {
        let f = FieldSpec::new;
        Self {
            name: "uniform".into(),
            fields: vec![
                f(NAM, "NAM", true, 1, 100),
                f(AKA, "AKA", false, 10, 100),
                f(POB, "POB", false, 1, 3),
                f(DOB, "DOB", true, 1, 8),
                f(SEX, "SEX", false, 1, 1),
                f(RFP, "RFP", false, 1, 300),
                f(RQR, "RQR", false, 1, 200),
                f(RQD, "RQD", false, 1, 8),
                f(PRI, "PRI", false, 1, 1),
                f(ENC, "ENC", false, 1, 40),
                f(FIN, "FIN", false, 1, 40),
                f(ANU, "ANU", false, 1, 10),
                f(FPN, "FPN", false, 1, 40),
                f(QSQ, "QSQ", false, 1, 1),
            ],
        }
    }

    /// The spec of field `number`, if the template allows it.
    #[must_use]
    pub fn spec(&self, number: u16) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.number == number)
    }

    /// Checks a Type-2 record (at `index` in its transaction) against the template: only allowed
    /// fields, every required one, subfield counts and lengths within bounds.
    ///
    /// # Errors
    /// The first field that breaks the template, named.
    pub fn check(&self, record: &TaggedRecord, index: usize) -> Result<(), Error> {
        let rec = RecordRef { index, record_type: record.record_type() };
        for field in record.fields().iter().filter(|f| f.number() != IDC) {
            let Some(spec) = self.spec(field.number()) else {
                return Err(Error::invalid(rec, field.number(), format!("is not in the {} template", self.name)));
            };
            let mut count = 0;
            for subfield in field.value().subfields_iter() {
                count += 1;
                if count > spec.max_subfields {
                    let reason = format!("repeats more than {} times", spec.max_subfields);
                    return Err(Error::invalid(rec, field.number(), reason));
                }
                let len = String::from_utf8_lossy(subfield.as_bytes()).chars().count();
                if len > spec.max_len {
                    let reason = format!("is longer than {} characters", spec.max_len);
                    return Err(Error::invalid(rec, field.number(), reason));
                }
            }
        }
        if let Some(missing) = self.fields.iter().find(|s| s.required && record.field(s.number).is_none()) {
            return Err(Error::field(rec, missing.number, ErrorKind::Missing));
        }
        Ok(())
    }

    /// The record cut down to the fields this template allows (the IDC kept): what an agreement's
    /// allow-list lets leave.
    #[must_use]
    pub fn restrict(&self, record: &TaggedRecord) -> TaggedRecord {
        let kept = record
            .fields()
            .iter()
            .filter(|f| f.number() == IDC || self.spec(f.number()).is_some())
            .map(|f| (f.number(), f.value().clone()))
            .collect();
        TaggedRecord::from_checked(record.record_type(), kept)
    }
}

/// A person's name: surname and given names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// Family name.
    pub surname: String,
    /// Given names, space-separated (may be empty).
    pub given: String,
}

/// 2.024 SEX.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    /// M.
    Male,
    /// F.
    Female,
    /// X: another gender.
    Other,
    /// U: unknown.
    Unknown,
}

/// 2.203 PRI: a partner request's priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// H.
    High,
    /// M.
    Medium,
    /// L.
    Low,
}

/// A requestor: name and contact (telephone or email).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requestor {
    /// The requesting officer's name.
    pub name: String,
    /// How to reach them.
    pub contact: String,
}

/// The fields of the uniform template, typed: a query's or answer's biographic part.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Descriptive {
    /// 2.002 IDC.
    pub idc: u8,
    /// 2.018 NAM.
    pub name: Option<Name>,
    /// 2.019 AKA.
    pub aliases: Vec<Name>,
    /// 2.020 POB: ISO 3166-1 country code.
    pub country_of_birth: Option<String>,
    /// 2.022 DOB.
    pub date_of_birth: Option<Date>,
    /// 2.024 SEX.
    pub gender: Option<Gender>,
    /// 2.037 RFP.
    pub reason: Option<String>,
    /// 2.201 RQR.
    pub requestor: Option<Requestor>,
    /// 2.202 RQD.
    pub request_date: Option<Date>,
    /// 2.203 PRI.
    pub priority: Option<Priority>,
    /// 2.204 ENC.
    pub encounter_id: Option<String>,
    /// 2.205 FIN.
    pub fin: Option<String>,
    /// 2.206 ANU.
    pub a_number: Option<String>,
    /// 2.207 FPN.
    pub partner_id: Option<String>,
    /// 2.208 QSQ: 1, 2 or 3.
    pub query_sequence: Option<u8>,
}

impl Descriptive {
    /// Reads the uniform template's fields from a Type-2 record (others are ignored; check the
    /// record against a [`Template`] to refuse them).
    ///
    /// # Errors
    /// A field that breaks its rule, named.
    pub fn from_record(record: &TaggedRecord, index: usize) -> Result<Self, Error> {
        let r = Reader::new(record, index);
        if record.record_type() != 2 {
            return Err(r.invalid(IDC, "belongs to a record that is not Type-2"));
        }
        let name_at = |n: u16, s: usize| -> Result<Name, Error> {
            let sub = record.value(n).and_then(|v| v.subfield(s));
            let surname = sub.and_then(|x| x.item_str(0)).filter(|t| !t.is_empty());
            let given = sub.and_then(|x| x.item_str(1)).unwrap_or_default();
            match surname {
                Some(surname) => Ok(Name { surname: surname.to_owned(), given: given.to_owned() }),
                None => Err(r.invalid(n, format!("subfield {} has no surname", s + 1))),
            }
        };
        let name = record.value(NAM).map(|_| name_at(NAM, 0)).transpose()?;
        let aliases = match record.value(AKA) {
            Some(v) => (0..v.subfields_iter().count()).map(|s| name_at(AKA, s)).collect::<Result<_, _>>()?,
            None => Vec::new(),
        };
        let country_of_birth = r.text_opt(POB)?;
        if let Some(c) = country_of_birth
            && !((2..=3).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_uppercase()))
        {
            return Err(r.invalid(POB, format!("is not an ISO 3166 country code: {c:?}")));
        }
        let gender = match r.text_opt(SEX)? {
            None => None,
            Some("M") => Some(Gender::Male),
            Some("F") => Some(Gender::Female),
            Some("X") => Some(Gender::Other),
            Some("U") => Some(Gender::Unknown),
            Some(other) => return Err(r.invalid(SEX, format!("is not M, F, X or U: {other:?}"))),
        };
        let priority = match r.text_opt(PRI)? {
            None => None,
            Some("H") => Some(Priority::High),
            Some("M") => Some(Priority::Medium),
            Some("L") => Some(Priority::Low),
            Some(other) => return Err(r.invalid(PRI, format!("is not H, M or L: {other:?}"))),
        };
        let requestor = match record.value(RQR) {
            None => None,
            Some(v) => match (v.item(0, 0), v.item(0, 1)) {
                (Some(n), Some(c)) if !n.is_empty() => Some(Requestor {
                    name: String::from_utf8_lossy(n).into_owned(),
                    contact: String::from_utf8_lossy(c).into_owned(),
                }),
                _ => return Err(r.invalid(RQR, "is not name US contact")),
            },
        };
        let a_number = r.text_opt(ANU)?;
        if let Some(a) = a_number {
            let digits = a.strip_prefix('A').unwrap_or_default();
            if !((8..=9).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())) {
                return Err(r.invalid(ANU, format!("is not A and 8 or 9 digits: {a:?}")));
            }
        }
        Ok(Self {
            idc: record.idc().unwrap_or_default(),
            name,
            aliases,
            country_of_birth: country_of_birth.map(str::to_owned),
            date_of_birth: r.date_opt(DOB)?,
            gender,
            reason: r.bounded_opt(RFP, 300)?.map(str::to_owned),
            requestor,
            request_date: r.date_opt(RQD)?,
            priority,
            encounter_id: r.bounded_opt(ENC, 40)?.map(str::to_owned),
            fin: r.bounded_opt(FIN, 40)?.map(str::to_owned),
            a_number: a_number.map(str::to_owned),
            partner_id: r.bounded_opt(FPN, 40)?.map(str::to_owned),
            query_sequence: r.number_opt(QSQ, 1, 3)?.map(narrow),
        })
    }

    /// The Type-2 record holding these fields.
    ///
    /// # Errors
    /// If a text holds a separator byte or a value is outside its field's rule.
    pub fn to_record(&self) -> Result<TaggedRecord, BuildError> {
        let mut r = TaggedRecord::new(2, self.idc)?;
        if let Some(n) = &self.name {
            r.set(NAM, Value::items([&n.surname, &n.given])?)?;
        }
        if !self.aliases.is_empty() {
            r.set(AKA, Value::subfields(self.aliases.iter().map(|n| [&n.surname, &n.given]))?)?;
        }
        let texts = [
            (POB, self.country_of_birth.as_deref()),
            (RFP, self.reason.as_deref()),
            (ENC, self.encounter_id.as_deref()),
            (FIN, self.fin.as_deref()),
            (ANU, self.a_number.as_deref()),
            (FPN, self.partner_id.as_deref()),
        ];
        for (n, text) in texts {
            if let Some(t) = text {
                r.set_text(n, t)?;
            }
        }
        if let Some(d) = self.date_of_birth {
            r.set_text(DOB, &d.to_string())?;
        }
        if let Some(d) = self.request_date {
            r.set_text(RQD, &d.to_string())?;
        }
        if let Some(g) = self.gender {
            let code = match g {
                Gender::Male => "M",
                Gender::Female => "F",
                Gender::Other => "X",
                Gender::Unknown => "U",
            };
            r.set_text(SEX, code)?;
        }
        if let Some(p) = self.priority {
            let code = match p {
                Priority::High => "H",
                Priority::Medium => "M",
                Priority::Low => "L",
            };
            r.set_text(PRI, code)?;
        }
        if let Some(q) = &self.requestor {
            r.set(RQR, Value::items([&q.name, &q.contact])?)?;
        }
        if let Some(q) = self.query_sequence {
            if !(1..=3).contains(&q) {
                return Err(BuildError::OutOfRange { field: "2.208 QSQ", reason: "is 1, 2 or 3" });
            }
            r.set_text(QSQ, &q.to_string())?;
        }
        Ok(r)
    }
}

impl Transaction {
    /// Every Type-2 record, read as the uniform template's fields, in order.
    ///
    /// # Errors
    /// The first record that does not read, named.
    pub fn descriptive_records(&self) -> Result<Vec<Descriptive>, Error> {
        self.tagged_of_type(2).map(|(index, r)| Descriptive::from_record(r, index)).collect()
    }
}
