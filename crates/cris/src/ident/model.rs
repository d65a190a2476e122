//! The partners and the two transactions CRIS exchanges with them through IDENT: the
//! international query request (1.004 TOT `IQR`) and its answer (`IQA`), encoded and decoded over
//! `ansi_nist` (which computes every LEN and the CNT). No I/O.

use ansi_nist::{
    Date, Error, ErrorKind, FieldRef, FieldSpec, FingerMinutiae, FingerprintImage, RecordRef, TaggedRecord, Template,
    Transaction, TransactionInfo, VERSION_2011, type2_fields as f,
};
use chrono::{Datelike, NaiveDate};

/// 1.004 TOT of a query.
pub const TOT_QUERY: &str = "IQR";
/// 1.004 TOT of an answer.
pub const TOT_ANSWER: &str = "IQA";
/// 1.011 NSR and 1.012 NTR: 500 ppi in pixels per millimetre.
const RESOLUTION: &str = "19.69";

/// A foreign partner CRIS shares with through IDENT (R-IS-08: today Canada and Australia).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Partner {
    /// Canada (IRCC).
    Canada,
    /// Australia (Home Affairs).
    Australia,
}

impl Partner {
    /// Every partner.
    pub const ALL: [Partner; 2] = [Partner::Canada, Partner::Australia];

    /// ISO 3166-1 alpha-3 code, as the envelope and the records write it.
    pub const fn code(self) -> &'static str {
        match self {
            Partner::Canada => "CAN",
            Partner::Australia => "AUS",
        }
    }

    /// Reads a code (`CAN`, `AUS`).
    pub fn parse(code: &str) -> Option<Partner> {
        Partner::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The partner's name in English.
    pub const fn name(self) -> &'static str {
        match self {
            Partner::Canada => "Canada",
            Partner::Australia => "Australia",
        }
    }

    /// The partner's agency identifier (1.007 DAI / 1.008 ORI).
    pub const fn agency(self) -> &'static str {
        match self {
            Partner::Canada => "CAIRCC0000",
            Partner::Australia => "AUDHA00000",
        }
    }

    /// The Type-2 fields of a query to or from this partner (its published request template,
    /// `docs/IDENT.md`).
    pub fn request_template(self) -> Template {
        let s = FieldSpec::new;
        let fields = match self {
            Partner::Canada => vec![
                s(f::NAM, "NAM", true, 1, 100),
                s(f::AKA, "AKA", false, 5, 100),
                s(f::POB, "POB", false, 1, 3),
                s(f::DOB, "DOB", true, 1, 8),
                s(f::SEX, "SEX", true, 1, 1),
                s(f::RFP, "RFP", true, 1, 300),
                s(f::RQR, "RQR", true, 1, 200),
                s(f::RQD, "RQD", true, 1, 8),
                s(f::PRI, "PRI", true, 1, 1),
                s(f::ENC, "ENC", false, 1, 40),
                s(f::FPN, "FPN", false, 1, 40),
                s(f::QSQ, "QSQ", true, 1, 1),
            ],
            Partner::Australia => vec![
                s(f::NAM, "NAM", true, 1, 60),
                s(f::AKA, "AKA", false, 3, 60),
                s(f::POB, "POB", true, 1, 3),
                s(f::DOB, "DOB", true, 1, 8),
                s(f::SEX, "SEX", false, 1, 1),
                s(f::RFP, "RFP", false, 1, 200),
                s(f::RQR, "RQR", true, 1, 200),
                s(f::RQD, "RQD", true, 1, 8),
                s(f::PRI, "PRI", true, 1, 1),
                s(f::ENC, "ENC", false, 1, 40),
                s(f::FPN, "FPN", false, 1, 40),
                s(f::QSQ, "QSQ", true, 1, 1),
            ],
        };
        Template { name: self.code().into(), fields }
    }

    /// The Type-2 fields this partner discloses in an answer to query `sequence` (its
    /// allow-list): RES and QSQ always, its reference for the person (FPN) on a match, and on a
    /// query for more information (2 or 3) the identity data sets it shares.
    pub fn answer_template(self, sequence: u8) -> Template {
        let s = FieldSpec::new;
        let mut fields =
            vec![s(f::RES, "RES", true, 1, 1), s(f::QSQ, "QSQ", true, 1, 1), s(f::FPN, "FPN", false, 1, 40)];
        if sequence >= 2 {
            fields.extend([
                s(f::NAM, "NAM", false, 1, 100),
                s(f::DOB, "DOB", false, 1, 8),
                s(f::POB, "POB", false, 1, 3),
            ]);
            if self == Partner::Canada {
                fields.extend([
                    s(f::AKA, "AKA", false, 5, 100),
                    s(f::SEX, "SEX", false, 1, 1),
                    s(f::ENC, "ENC", false, 1, 40),
                ]);
            }
        }
        fields.sort_by_key(|spec| spec.number);
        Template { name: format!("{} answer", self.code()), fields }
    }
}

impl std::fmt::Display for Partner {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        out.write_str(self.code())
    }
}

/// An international query request (IQR): who is asked about, with which fingers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// 1.009 TCN.
    pub tcn: String,
    /// 1.005 DAT.
    pub date: NaiveDate,
    /// 2.208 QSQ: 1 first, 2 more information, 3 further.
    pub sequence: u8,
    /// The Type-2 record (the sender's request template's fields); QSQ is written from
    /// `sequence`.
    pub text: TaggedRecord,
    /// Type-9: one finger's minutiae each.
    pub fingers: Vec<FingerMinutiae>,
    /// Type-14: the images as captured, kept as given.
    pub images: Vec<FingerprintImage>,
}

/// An international query answer (IQA).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// 1.009 TCN: the answer's own.
    pub tcn: String,
    /// 1.010 TCR: the query's TCN.
    pub tcr: String,
    /// 1.005 DAT.
    pub date: NaiveDate,
    /// 2.209 RES: M (true) or N.
    pub matched: bool,
    /// The Type-2 record: only what the agreement allows; RES is written from `matched` (and
    /// is in the record read back).
    pub text: TaggedRecord,
    /// Type-21: documents the partner asked for (scanned, as given), in order.
    pub documents: Vec<Document>,
}

/// A document an answer carries (Type-21 associated context): a scanned page or file, kept as
/// given, labelled by format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// 21.015 AFM: `PDF`, `JPEG` or `PNG`.
    pub format: String,
    /// 21.016 ACD: what it is, up to 100 characters.
    pub description: String,
    /// 21.999 DATA.
    pub data: Vec<u8>,
}

/// Type-21 fields CRIS writes.
mod type21 {
    /// 21.004 SRC: the agency that holds the document.
    pub const SRC: u16 = 4;
    /// 21.015 AFM: format.
    pub const AFM: u16 = 15;
    /// 21.016 ACD: description.
    pub const ACD: u16 = 16;
    /// The formats an answer's documents may have.
    pub const FORMATS: [&str; 3] = ["PDF", "JPEG", "PNG"];
}

impl Document {
    fn to_record(&self, idc: u8, source: &str) -> Result<TaggedRecord, EncodeError> {
        if !type21::FORMATS.contains(&self.format.as_str()) {
            return Err(EncodeError(format!("document format {:?} is not PDF, JPEG or PNG", self.format)));
        }
        if self.data.is_empty() {
            return Err(EncodeError("a document has no content".into()));
        }
        let mut r = TaggedRecord::new(21, idc)?;
        r.set_text(type21::SRC, source)?
            .set_text(type21::AFM, &self.format)?
            .set_text(type21::ACD, &self.description)?
            .set(ansi_nist::tags::DATA, ansi_nist::Value::Binary(self.data.clone()))?;
        Ok(r)
    }

    fn from_record(r: &TaggedRecord, index: usize) -> Result<Document, Error> {
        let rec = RecordRef { index, record_type: 21 };
        let format = r.text(type21::AFM).ok_or_else(|| missing(index, 21, type21::AFM))?;
        if !type21::FORMATS.contains(&format) {
            return Err(invalid(rec, type21::AFM, format!("is not PDF, JPEG or PNG: {format:?}")));
        }
        let description = r.text(type21::ACD).unwrap_or_default();
        if description.chars().count() > 100 {
            return Err(invalid(rec, type21::ACD, "is longer than 100 characters"));
        }
        let data = match r.value(ansi_nist::tags::DATA) {
            Some(v) if !v.as_bytes().is_empty() => v.as_bytes().to_vec(),
            _ => return Err(missing(index, 21, ansi_nist::tags::DATA)),
        };
        Ok(Document { format: format.to_owned(), description: description.to_owned(), data })
    }
}

/// Why a query or answer could not be encoded (a value the writer refuses).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot encode the transaction: {0}")]
pub struct EncodeError(pub String);

impl From<ansi_nist::BuildError> for EncodeError {
    fn from(e: ansi_nist::BuildError) -> Self {
        EncodeError(e.to_string())
    }
}

impl Query {
    /// The transaction's bytes, from agency `from` to agency `to`.
    ///
    /// # Errors
    /// A date outside 1900-2999, a sequence outside 1-3, or a value the writer refuses.
    pub fn encode(&self, from: &str, to: &str) -> Result<Vec<u8>, EncodeError> {
        if !(1..=3).contains(&self.sequence) {
            return Err(EncodeError(format!("query sequence {} is not 1, 2 or 3", self.sequence)));
        }
        let mut text = self.text.clone();
        text.set_text(f::QSQ, &self.sequence.to_string())?;
        let mut t = Transaction::new(header(TOT_QUERY, self.date, from, to, &self.tcn, None)?)?;
        t.push_tagged(text)?;
        for finger in &self.fingers {
            t.push_tagged(finger.to_record()?)?;
        }
        for image in &self.images {
            t.push_tagged(image.to_record()?)?;
        }
        Ok(ansi_nist::write(&t))
    }

    /// Reads a query: an IQR of one Type-2 record (with QSQ), Type-9 fingers (at least one) and
    /// Type-14 images, nothing else.
    ///
    /// # Errors
    /// The first rule broken, naming the record and field.
    pub fn decode(bytes: &[u8]) -> Result<Query, Error> {
        let t = ansi_nist::read(bytes)?;
        let info = read_header(&t, TOT_QUERY)?;
        let (index, text) = only_text(&t)?;
        let sequence = ansi_nist::Descriptive::from_record(text, index)?
            .query_sequence
            .ok_or_else(|| missing(index, 2, f::QSQ))?;
        for (i, record) in t.records().iter().enumerate() {
            if !matches!(record.record_type(), 2 | 9 | 14) {
                return Err(not_carried(i + 2, record.record_type(), TOT_QUERY));
            }
        }
        let fingers = t.finger_minutiae()?;
        if fingers.is_empty() {
            let rec = RecordRef { index: 1, record_type: 1 };
            return Err(invalid(rec, 3, "lists no Type-9 record: a query carries at least one finger"));
        }
        Ok(Query {
            tcn: info.control_number,
            date: naive(info.date),
            sequence,
            text: text.clone(),
            fingers,
            images: t.fingerprint_images()?,
        })
    }

    /// The Type-2 fields read as the uniform template's (name, birth date, requestor...).
    ///
    /// # Errors
    /// A field that breaks its rule.
    pub fn descriptive(&self) -> Result<ansi_nist::Descriptive, Error> {
        ansi_nist::Descriptive::from_record(&self.text, 2)
    }
}

impl Answer {
    /// The transaction's bytes, from agency `from` to agency `to`.
    ///
    /// # Errors
    /// A date outside 1900-2999 or a value the writer refuses.
    pub fn encode(&self, from: &str, to: &str) -> Result<Vec<u8>, EncodeError> {
        let mut text = self.text.clone();
        text.set_text(f::RES, if self.matched { "M" } else { "N" })?;
        let mut t = Transaction::new(header(TOT_ANSWER, self.date, from, to, &self.tcn, Some(&self.tcr))?)?;
        t.push_tagged(text)?;
        for (i, d) in self.documents.iter().enumerate() {
            let idc = u8::try_from(i + 1)
                .ok()
                .filter(|n| *n <= 99)
                .ok_or_else(|| EncodeError("more than 99 documents".into()))?;
            t.push_tagged(d.to_record(idc, from)?)?;
        }
        Ok(ansi_nist::write(&t))
    }

    /// Reads an answer: an IQA with 1.010 TCR, one Type-2 record with RES, and Type-21
    /// documents.
    ///
    /// # Errors
    /// The first rule broken, naming the record and field.
    pub fn decode(bytes: &[u8]) -> Result<Answer, Error> {
        let t = ansi_nist::read(bytes)?;
        let info = read_header(&t, TOT_ANSWER)?;
        let tcr = info.control_reference.ok_or_else(|| missing(1, 1, ansi_nist::tags::type1::TCR))?;
        let (index, text) = only_text(&t)?;
        ansi_nist::Descriptive::from_record(text, index)?;
        let mut documents = Vec::new();
        for (i, record) in t.records().iter().enumerate() {
            match record.as_tagged() {
                Some(r) if r.record_type() == 2 => {}
                Some(r) if r.record_type() == 21 => documents.push(Document::from_record(r, i + 2)?),
                _ => return Err(not_carried(i + 2, record.record_type(), TOT_ANSWER)),
            }
        }
        let rec = RecordRef { index, record_type: 2 };
        let matched = match text.text(f::RES) {
            Some("M") => true,
            Some("N") => false,
            Some(other) => return Err(invalid(rec, f::RES, format!("is not M or N: {other:?}"))),
            None => return Err(missing(index, 2, f::RES)),
        };
        Ok(Answer { tcn: info.control_number, tcr, date: naive(info.date), matched, text: text.clone(), documents })
    }

    /// 2.208 QSQ of the query answered, when the answer repeats it.
    pub fn sequence(&self) -> Option<u8> {
        self.text.text(f::QSQ).and_then(|q| q.parse().ok())
    }
}

/// A new transaction control number: a prefix (the sender) and 32 random hexadecimal digits.
pub fn new_tcn(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

/// The Type-1 record of an exchange.
fn header(
    tot: &str,
    date: NaiveDate,
    from: &str,
    to: &str,
    tcn: &str,
    tcr: Option<&str>,
) -> Result<TaggedRecord, EncodeError> {
    let day = u8::try_from(date.day()).unwrap_or(0);
    let month = u8::try_from(date.month()).unwrap_or(0);
    let year = u16::try_from(date.year()).unwrap_or(0);
    let date = Date::new(year, month, day).ok_or_else(|| EncodeError(format!("date {date} is outside 1900-2999")))?;
    let info = TransactionInfo {
        version: VERSION_2011.into(),
        transaction_type: tot.into(),
        date,
        priority: None,
        destination: to.into(),
        originator: from.into(),
        control_number: tcn.into(),
        control_reference: tcr.map(str::to_owned),
        native_scanning_resolution: RESOLUTION.into(),
        nominal_transmitting_resolution: RESOLUTION.into(),
        domain: None,
        gmt: None,
    };
    Ok(info.to_record()?)
}

/// The Type-1 fields, with the TOT expected.
fn read_header(t: &Transaction, tot: &str) -> Result<TransactionInfo, Error> {
    let info = t.info()?;
    if info.transaction_type != tot {
        let rec = RecordRef { index: 1, record_type: 1 };
        let reason = format!("is {:?}, not {tot}", info.transaction_type);
        return Err(invalid(rec, ansi_nist::tags::type1::TOT, reason));
    }
    Ok(info)
}

/// The one Type-2 record, with its position.
fn only_text(t: &Transaction) -> Result<(usize, &TaggedRecord), Error> {
    let mut texts = t.tagged_of_type(2);
    let first = texts.next();
    let second = texts.next();
    let rec = RecordRef { index: 1, record_type: 1 };
    match (first, second) {
        (Some(one), None) => Ok(one),
        (None, _) => Err(invalid(rec, 3, "lists no Type-2 record: the exchange carries exactly one")),
        (Some(_), Some((index, _))) => {
            Err(invalid(RecordRef { index, record_type: 2 }, 2, "is a second Type-2 record: the exchange carries one"))
        }
    }
}

fn naive(d: Date) -> NaiveDate {
    NaiveDate::from_ymd_opt(i32::from(d.year()), u32::from(d.month()), u32::from(d.day())).unwrap_or_default()
}

fn invalid(record: RecordRef, field: u16, reason: impl Into<String>) -> Error {
    Error {
        record: Some(record),
        field: Some(FieldRef { record_type: record.record_type, field }),
        kind: ErrorKind::Invalid { reason: reason.into() },
    }
}

fn missing(index: usize, record_type: u8, field: u16) -> Error {
    Error {
        record: Some(RecordRef { index, record_type }),
        field: Some(FieldRef { record_type, field }),
        kind: ErrorKind::Missing,
    }
}

fn not_carried(index: usize, record_type: u8, tot: &str) -> Error {
    let rec = RecordRef { index, record_type };
    invalid(rec, 2, format!("belongs to a Type-{record_type} record, which an {tot} does not carry"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(sequence: u8) -> TaggedRecord {
        let d = ansi_nist::Descriptive {
            name: Some(ansi_nist::Name { surname: "DOE".into(), given: "JANE".into() }),
            date_of_birth: Date::new(1980, 2, 29),
            query_sequence: Some(sequence),
            ..Default::default()
        };
        d.to_record().unwrap()
    }

    fn query() -> Query {
        let finger = fingerprint::Finger::generate(7);
        let mut second = finger.impression(2, 2);
        second.idc = 2;
        let mut first = finger.impression(1, 1);
        first.idc = 1;
        Query {
            tcn: "USCIS-1".into(),
            date: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            sequence: 1,
            text: text(1),
            fingers: vec![first, second],
            images: vec![ansi_nist::FingerprintImage {
                idc: 3,
                impression: 0,
                source: "USCIS".into(),
                capture_date: None,
                width: 400,
                height: 500,
                scale_units: 1,
                horizontal_scale: 500,
                vertical_scale: 500,
                compression: ansi_nist::Compression::Wsq20,
                bits_per_pixel: 8,
                positions: vec![1],
                data: vec![0x1C, 0x1D, 0x1E, 0x1F, 0xFF, 0x00],
            }],
        }
    }

    #[test]
    fn a_query_encodes_and_decodes_to_the_same_content() {
        let q = query();
        let bytes = q.encode(crate::ident::USCIS_AGENCY, Partner::Canada.agency()).unwrap();
        assert_eq!(Query::decode(&bytes).unwrap(), q);
        let info = ansi_nist::read(&bytes).unwrap().info().unwrap();
        assert_eq!(info.transaction_type, "IQR");
        assert_eq!(info.destination, "CAIRCC0000");
        // The sequence is written from the field, whatever the record held.
        let mut other = q.clone();
        other.sequence = 3;
        assert_eq!(Query::decode(&other.encode("A", "B").unwrap()).unwrap().sequence, 3);
        other.sequence = 4;
        assert!(other.encode("A", "B").is_err());
    }

    #[test]
    fn an_answer_encodes_and_decodes_with_its_result_and_reference() {
        let mut t = TaggedRecord::new(2, 0).unwrap();
        t.set_text(f::QSQ, "2").unwrap().set_text(f::FPN, "UCI-1234").unwrap();
        let a = Answer {
            tcn: "CAN-9".into(),
            tcr: "USCIS-1".into(),
            date: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            matched: true,
            text: t,
            documents: vec![Document {
                format: "PDF".into(),
                description: "Travel document".into(),
                data: b"%PDF-1.7\x1c\x1d\x1e\x1f".to_vec(),
            }],
        };
        let bytes = a.encode(Partner::Canada.agency(), crate::ident::USCIS_AGENCY).unwrap();
        let back = Answer::decode(&bytes).unwrap();
        assert_eq!(back.documents, a.documents, "documents travel whole, separator bytes included");
        let mut odd = a.clone();
        odd.documents[0].format = "TIFF".into();
        assert!(odd.encode("A", "B").is_err());
        assert!(back.matched);
        assert_eq!(back.tcr, "USCIS-1");
        assert_eq!(back.sequence(), Some(2));
        assert_eq!(back.text.text(f::RES), Some("M"));
        // An answer is not a query, and the other way round.
        let e = Query::decode(&bytes).unwrap_err().to_string();
        assert_eq!(e, "record 1 (Type-1): field 1.004 TOT is \"IQA\", not IQR");
        let q = query().encode("A", "B").unwrap();
        assert!(Answer::decode(&q).unwrap_err().to_string().contains("1.004 TOT"));
    }

    #[test]
    fn a_query_without_its_sequence_or_fingers_is_refused_naming_the_field() {
        let mut q = query();
        q.fingers.clear();
        let e = Query::decode(&q.encode("A", "B").unwrap()).unwrap_err().to_string();
        assert!(e.contains("no Type-9 record"), "{e}");
        // Built by hand without QSQ.
        let mut t = Transaction::new(header("IQR", q.date, "A", "B", "T1", None).unwrap()).unwrap();
        t.push_tagged(TaggedRecord::new(2, 0).unwrap()).unwrap();
        let e = Query::decode(&ansi_nist::write(&t)).unwrap_err().to_string();
        assert_eq!(e, "record 2 (Type-2): field 2.208 is missing");
    }

    #[test]
    fn the_partners_templates_differ_and_answers_grow_with_the_sequence() {
        assert_eq!(Partner::parse("CAN"), Some(Partner::Canada));
        assert_eq!(Partner::parse("can"), None);
        let aus = Partner::Australia.request_template();
        assert!(aus.spec(f::ANU).is_none() && aus.spec(f::POB).is_some_and(|s| s.required));
        assert_eq!(Partner::Canada.request_template().spec(f::AKA).map(|s| s.max_subfields), Some(5));
        let first = Partner::Canada.answer_template(1);
        assert!(first.spec(f::NAM).is_none() && first.spec(f::FPN).is_some());
        assert!(Partner::Canada.answer_template(2).spec(f::AKA).is_some());
        assert!(Partner::Australia.answer_template(2).spec(f::AKA).is_none());
        assert!(Partner::Australia.answer_template(3).spec(f::NAM).is_some());
    }
}
