//! The generic model: a transaction of records, a record of tagged fields, a field's text split
//! into subfields (RS) and items (US), or binary data.
//!
//! Any field of any record is reachable here, whether or not a typed view (Type-1, 2, 9, 14)
//! knows it. The model holds only what the writer cannot compute: every record's LEN and the
//! Type-1 CNT are left out and written afresh, so they cannot disagree with the content.
//! Constructors check the same rules the reader does, so whatever can be built can be written
//! and read back equal.

use crate::error::BuildError;
use crate::tags::{self, DATA, IDC, LEN};

/// File separator: ends every record.
pub const FS: u8 = 0x1C;
/// Group separator: between the fields of a tagged record.
pub const GS: u8 = 0x1D;
/// Record separator: between the subfields (repeated values) of a field.
pub const RS: u8 = 0x1E;
/// Unit separator: between the items of a subfield.
pub const US: u8 = 0x1F;

/// The most records a transaction may hold (Type-1 included), read or built. A ten-print
/// transaction with minutiae holds about 30; the limit only stops a hostile CNT early.
pub const MAX_RECORDS: usize = 1000;

/// A field's content: text (subfields of items) or the binary data of field 999.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Text as it is written: subfields separated by RS, items by US; never FS or GS.
    Text(Vec<u8>),
    /// Binary data (field 999 of records that carry an image), kept as given.
    Binary(Vec<u8>),
}

impl Value {
    /// A text field of one item.
    ///
    /// # Errors
    /// If the text holds a separator byte.
    pub fn text(text: &str) -> Result<Self, BuildError> {
        Self::subfields([[text]])
    }

    /// A text field of one subfield with these items.
    ///
    /// # Errors
    /// If an item holds a separator byte.
    pub fn items<I: AsRef<[u8]>>(items: impl IntoIterator<Item = I>) -> Result<Self, BuildError> {
        Self::subfields([items])
    }

    /// A text field of these subfields, each a list of items.
    ///
    /// # Errors
    /// If an item holds a separator byte.
    pub fn subfields<S, I>(subfields: impl IntoIterator<Item = S>) -> Result<Self, BuildError>
    where
        S: IntoIterator<Item = I>,
        I: AsRef<[u8]>,
    {
        let mut out = Vec::new();
        for (s, subfield) in subfields.into_iter().enumerate() {
            if s > 0 {
                out.push(RS);
            }
            for (i, item) in subfield.into_iter().enumerate() {
                if i > 0 {
                    out.push(US);
                }
                let item = item.as_ref();
                if let Some(&b) = item.iter().find(|b| is_separator(**b)) {
                    return Err(BuildError::SeparatorInItem(b));
                }
                out.extend_from_slice(item);
            }
        }
        Ok(Self::Text(out))
    }

    /// The bytes as written (text with its RS and US separators, or the binary data).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Text(b) | Self::Binary(b) => b,
        }
    }

    /// The whole text, if it is text and UTF-8.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Text(b) => std::str::from_utf8(b).ok(),
            Self::Binary(_) => None,
        }
    }

    /// The subfields of a text field (one, possibly empty, for a field without RS); none for
    /// binary data.
    pub fn subfields_iter(&self) -> impl Iterator<Item = Subfield<'_>> {
        let text = match self {
            Self::Text(b) => Some(b.as_slice()),
            Self::Binary(_) => None,
        };
        text.into_iter().flat_map(|t| t.split(|b| *b == RS)).map(Subfield)
    }

    /// Subfield `s` (0-based).
    #[must_use]
    pub fn subfield(&self, s: usize) -> Option<Subfield<'_>> {
        self.subfields_iter().nth(s)
    }

    /// Item `i` of subfield `s` (both 0-based), as bytes.
    #[must_use]
    pub fn item(&self, s: usize, i: usize) -> Option<&[u8]> {
        self.subfield(s).and_then(|sub| sub.item(i))
    }
}

/// One subfield of a text field: items separated by US.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subfield<'a>(&'a [u8]);

impl<'a> Subfield<'a> {
    /// The items, in order (at least one, possibly empty).
    pub fn items(&self) -> impl Iterator<Item = &'a [u8]> + use<'a> {
        self.0.split(|b| *b == US)
    }

    /// Item `i` (0-based).
    #[must_use]
    pub fn item(&self, i: usize) -> Option<&'a [u8]> {
        self.items().nth(i)
    }

    /// Item `i` as UTF-8 text.
    #[must_use]
    pub fn item_str(&self, i: usize) -> Option<&'a str> {
        self.item(i).and_then(|b| std::str::from_utf8(b).ok())
    }

    /// The subfield's bytes, US separators included.
    #[must_use]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.0
    }
}

/// One tagged field: its number (the part after the dot) and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    number: u16,
    value: Value,
}

impl Field {
    /// The field number (1 to 999).
    #[must_use]
    pub fn number(&self) -> u16 {
        self.number
    }

    /// The value.
    #[must_use]
    pub fn value(&self) -> &Value {
        &self.value
    }
}

/// A tagged-field record (types 1, 2 and 9 to 99), its fields in increasing order, without LEN
/// (and, for Type-1, without CNT): the writer computes those.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaggedRecord {
    record_type: u8,
    fields: Vec<Field>,
}

impl TaggedRecord {
    /// An empty Type-1 (transaction information) record.
    #[must_use]
    pub fn header() -> Self {
        Self { record_type: 1, fields: Vec::new() }
    }

    /// A tagged record of another type, with its IDC.
    ///
    /// # Errors
    /// If the type is 1 (use [`TaggedRecord::header`]) or not a tagged type, or the IDC is over 99.
    pub fn new(record_type: u8, idc: u8) -> Result<Self, BuildError> {
        if record_type == 1 || !tags::is_tagged(record_type) {
            return Err(BuildError::RecordType(record_type));
        }
        let mut record = Self { record_type, fields: Vec::new() };
        record.set(IDC, Value::text(&format!("{idc:02}"))?)?;
        Ok(record)
    }

    /// Built by the reader from fields it has checked against the same rules as `set`.
    pub(crate) fn from_checked(record_type: u8, fields: Vec<(u16, Value)>) -> Self {
        let fields = fields.into_iter().map(|(number, value)| Field { number, value }).collect();
        Self { record_type, fields }
    }

    /// The record type.
    #[must_use]
    pub fn record_type(&self) -> u8 {
        self.record_type
    }

    /// The fields, in increasing order of number.
    #[must_use]
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// Field `number`, if present.
    #[must_use]
    pub fn field(&self, number: u16) -> Option<&Field> {
        self.fields.binary_search_by_key(&number, |f| f.number).ok().and_then(|i| self.fields.get(i))
    }

    /// The value of field `number`, if present.
    #[must_use]
    pub fn value(&self, number: u16) -> Option<&Value> {
        self.field(number).map(Field::value)
    }

    /// The whole text of field `number`, if present, text and UTF-8.
    #[must_use]
    pub fn text(&self, number: u16) -> Option<&str> {
        self.value(number).and_then(Value::as_str)
    }

    /// The IDC (field 002), for every type but 1.
    #[must_use]
    pub fn idc(&self) -> Option<u8> {
        if self.record_type == 1 {
            return None;
        }
        self.value(IDC).and_then(|v| parse_idc(v.as_bytes()))
    }

    /// Sets field `number`, replacing any value it had.
    ///
    /// # Errors
    /// If the field is LEN (or Type-1 CNT), outside 1 to 999, of the wrong kind (field 999 of a
    /// record that carries data is binary, every other field text), holds FS or GS in its text,
    /// or is an IDC that is not a number from 0 to 99.
    pub fn set(&mut self, number: u16, value: Value) -> Result<&mut Self, BuildError> {
        let record_type = self.record_type;
        if !(1..=999).contains(&number) {
            return Err(BuildError::FieldNumber(number));
        }
        if number == LEN || (record_type == 1 && number == tags::type1::CNT) {
            return Err(BuildError::Computed { record_type, field: number });
        }
        let binary = tags::carries_data(record_type) && number == DATA;
        match (&value, binary) {
            (Value::Binary(_), false) => {
                return Err(BuildError::WrongValueKind { record_type, field: number, expected: "text" });
            }
            (Value::Text(_), true) => {
                return Err(BuildError::WrongValueKind { record_type, field: number, expected: "binary" });
            }
            (Value::Text(t), false) => {
                if let Some(&b) = t.iter().find(|b| **b == FS || **b == GS) {
                    return Err(BuildError::SeparatorInItem(b));
                }
            }
            (Value::Binary(_), true) => {}
        }
        if number == IDC && record_type != 1 && parse_idc(value.as_bytes()).is_none() {
            return Err(BuildError::Idc(String::from_utf8_lossy(value.as_bytes()).into_owned()));
        }
        match self.fields.binary_search_by_key(&number, |f| f.number) {
            Ok(i) => {
                if let Some(f) = self.fields.get_mut(i) {
                    f.value = value;
                }
            }
            Err(i) => self.fields.insert(i, Field { number, value }),
        }
        Ok(self)
    }

    /// Sets field `number` to one item of text.
    ///
    /// # Errors
    /// As [`TaggedRecord::set`].
    pub fn set_text(&mut self, number: u16, text: &str) -> Result<&mut Self, BuildError> {
        self.set(number, Value::text(text)?)
    }
}

/// A binary record (types 3 to 8): a 4-byte big-endian length, then the IDC byte and the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinaryRecord {
    record_type: u8,
    body: Vec<u8>,
}

impl BinaryRecord {
    /// A binary record whose bytes after the length are `body` (its first byte is the IDC).
    ///
    /// # Errors
    /// If the type is not 3 to 8, the body is empty or too long for a 4-byte length, or the IDC
    /// byte is over 99.
    pub fn new(record_type: u8, body: Vec<u8>) -> Result<Self, BuildError> {
        if !tags::is_binary(record_type) {
            return Err(BuildError::RecordType(record_type));
        }
        if body.is_empty() || body.len() > MAX_BINARY_BODY {
            return Err(BuildError::BinaryLength(body.len()));
        }
        match body.first() {
            Some(&idc) if idc <= 99 => Ok(Self { record_type, body }),
            other => Err(BuildError::Idc(format!("{other:?}"))),
        }
    }

    /// The record type (3 to 8).
    #[must_use]
    pub fn record_type(&self) -> u8 {
        self.record_type
    }

    /// The bytes after the 4-byte length, IDC first.
    #[must_use]
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The IDC (first byte after the length).
    #[must_use]
    pub fn idc(&self) -> u8 {
        self.body.first().copied().unwrap_or_default()
    }
}

/// The longest body a binary record may have: its length, 4 bytes more, fits in a `u32`.
pub(crate) const MAX_BINARY_BODY: usize = u32::MAX as usize - 4;

/// A record after the Type-1 record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// Types 2 and 9 to 99.
    Tagged(TaggedRecord),
    /// Types 3 to 8.
    Binary(BinaryRecord),
}

impl Record {
    /// The record type.
    #[must_use]
    pub fn record_type(&self) -> u8 {
        match self {
            Self::Tagged(r) => r.record_type(),
            Self::Binary(r) => r.record_type(),
        }
    }

    /// The IDC.
    #[must_use]
    pub fn idc(&self) -> u8 {
        match self {
            Self::Tagged(r) => r.idc().unwrap_or_default(),
            Self::Binary(r) => r.idc(),
        }
    }

    /// The tagged record, if it is one.
    #[must_use]
    pub fn as_tagged(&self) -> Option<&TaggedRecord> {
        match self {
            Self::Tagged(r) => Some(r),
            Self::Binary(_) => None,
        }
    }
}

/// A whole transaction: the Type-1 record and the records it lists, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    header: TaggedRecord,
    records: Vec<Record>,
}

impl Transaction {
    /// A transaction of this Type-1 record and no other yet.
    ///
    /// # Errors
    /// If `header` is not a Type-1 record.
    pub fn new(header: TaggedRecord) -> Result<Self, BuildError> {
        if header.record_type() != 1 {
            return Err(BuildError::RecordType(header.record_type()));
        }
        Ok(Self { header, records: Vec::new() })
    }

    /// Built by the reader.
    pub(crate) fn from_checked(header: TaggedRecord, records: Vec<Record>) -> Self {
        Self { header, records }
    }

    /// Appends a record (listed in CNT in this order).
    ///
    /// # Errors
    /// If the record is a Type-1 record or the transaction already holds [`MAX_RECORDS`].
    pub fn push(&mut self, record: Record) -> Result<&mut Self, BuildError> {
        if record.record_type() == 1 {
            return Err(BuildError::RecordType(1));
        }
        if self.records.len() + 1 >= MAX_RECORDS {
            return Err(BuildError::TooManyRecords(MAX_RECORDS));
        }
        self.records.push(record);
        Ok(self)
    }

    /// Appends a tagged record.
    ///
    /// # Errors
    /// As [`Transaction::push`].
    pub fn push_tagged(&mut self, record: TaggedRecord) -> Result<&mut Self, BuildError> {
        self.push(Record::Tagged(record))
    }

    /// The Type-1 record (without LEN and CNT).
    #[must_use]
    pub fn header(&self) -> &TaggedRecord {
        &self.header
    }

    /// The Type-1 record, to change.
    pub fn header_mut(&mut self) -> &mut TaggedRecord {
        &mut self.header
    }

    /// The records after the Type-1 record, in order.
    #[must_use]
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// The tagged records of one type, with their position in the transaction (Type-1 is 1).
    pub fn tagged_of_type(&self, record_type: u8) -> impl Iterator<Item = (usize, &TaggedRecord)> {
        self.records
            .iter()
            .enumerate()
            .filter_map(move |(i, r)| r.as_tagged().filter(|t| t.record_type() == record_type).map(|t| (i + 2, t)))
    }
}

/// Whether a byte is one of the four separators.
#[must_use]
pub fn is_separator(b: u8) -> bool {
    (FS..=US).contains(&b)
}

/// An IDC as written: one or two digits, 0 to 99.
pub(crate) fn parse_idc(bytes: &[u8]) -> Option<u8> {
    if bytes.is_empty() || bytes.len() > 2 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(bytes.iter().fold(0u8, |n, d| n * 10 + (d - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_join_subfields_and_items_with_their_separators() {
        let v = Value::subfields([vec!["1", "2"], vec!["14", "01"]]).unwrap();
        assert_eq!(v.as_bytes(), b"1\x1f2\x1e14\x1f01");
        assert_eq!(v.item(1, 0), Some(&b"14"[..]));
        assert_eq!(v.subfield(1).and_then(|s| s.item_str(1)), Some("01"));
        assert_eq!(v.subfields_iter().count(), 2);
        assert_eq!(v.item(2, 0), None);
    }

    #[test]
    fn an_item_may_not_hold_a_separator() {
        assert_eq!(Value::text("a\x1eb"), Err(BuildError::SeparatorInItem(RS)));
        assert_eq!(Value::items(["ok", "\x1c"]), Err(BuildError::SeparatorInItem(FS)));
    }

    #[test]
    fn set_keeps_fields_in_order_and_replaces() {
        let mut r = TaggedRecord::new(2, 1).unwrap();
        r.set_text(20, "b").unwrap().set_text(18, "a").unwrap().set_text(20, "c").unwrap();
        let numbers: Vec<u16> = r.fields().iter().map(Field::number).collect();
        assert_eq!(numbers, [2, 18, 20]);
        assert_eq!(r.text(20), Some("c"));
        assert_eq!(r.idc(), Some(1));
    }

    #[test]
    fn set_refuses_what_the_writer_computes_or_cannot_write() {
        let mut h = TaggedRecord::header();
        assert_eq!(h.set_text(1, "9").unwrap_err(), BuildError::Computed { record_type: 1, field: 1 });
        assert_eq!(h.set_text(3, "1").unwrap_err(), BuildError::Computed { record_type: 1, field: 3 });
        assert_eq!(h.set_text(1000, "x").unwrap_err(), BuildError::FieldNumber(1000));
        assert_eq!(h.set(5, Value::Text(b"a\x1db".to_vec())).unwrap_err(), BuildError::SeparatorInItem(GS));
        let mut r = TaggedRecord::new(14, 1).unwrap();
        assert!(matches!(r.set_text(999, "x"), Err(BuildError::WrongValueKind { expected: "binary", .. })));
        assert!(matches!(r.set(6, Value::Binary(vec![1])), Err(BuildError::WrongValueKind { expected: "text", .. })));
        assert_eq!(r.set_text(2, "100").unwrap_err(), BuildError::Idc("100".into()));
        assert!(r.set(999, Value::Binary(vec![FS, GS])).is_ok());
        // Type-2 field 999 is text: Type-2 carries no data.
        assert!(TaggedRecord::new(2, 0).unwrap().set_text(999, "user text").is_ok());
    }

    #[test]
    fn constructors_refuse_record_types_of_the_other_kind() {
        assert_eq!(TaggedRecord::new(1, 0).unwrap_err(), BuildError::RecordType(1));
        assert_eq!(TaggedRecord::new(4, 0).unwrap_err(), BuildError::RecordType(4));
        assert_eq!(TaggedRecord::new(100, 0).unwrap_err(), BuildError::RecordType(100));
        assert_eq!(BinaryRecord::new(14, vec![1]).unwrap_err(), BuildError::RecordType(14));
        assert_eq!(BinaryRecord::new(4, vec![]).unwrap_err(), BuildError::BinaryLength(0));
        assert!(BinaryRecord::new(4, vec![100]).is_err());
        assert_eq!(BinaryRecord::new(4, vec![7, 0, 1]).unwrap().idc(), 7);
        let header = TaggedRecord::new(2, 0).unwrap();
        assert_eq!(Transaction::new(header).unwrap_err(), BuildError::RecordType(2));
    }

    #[test]
    fn a_transaction_lists_records_in_order_up_to_the_limit() {
        let mut t = Transaction::new(TaggedRecord::header()).unwrap();
        assert_eq!(t.push(Record::Tagged(TaggedRecord::header())).unwrap_err(), BuildError::RecordType(1));
        for i in 0..MAX_RECORDS - 1 {
            let record_type = if i % 2 == 0 { 2 } else { 14 };
            t.push_tagged(TaggedRecord::new(record_type, (i % 100) as u8).unwrap()).unwrap();
        }
        let extra = TaggedRecord::new(2, 0).unwrap();
        assert_eq!(t.push_tagged(extra).unwrap_err(), BuildError::TooManyRecords(MAX_RECORDS));
        let positions: Vec<usize> = t.tagged_of_type(14).map(|(i, _)| i).take(3).collect();
        assert_eq!(positions, [3, 5, 7], "positions count the Type-1 record as 1");
        let read_back = crate::read(&crate::write(&t)).unwrap();
        assert_eq!(read_back.records().len(), MAX_RECORDS - 1);
    }

    #[test]
    fn idc_is_one_or_two_digits() {
        assert_eq!(parse_idc(b"0"), Some(0));
        assert_eq!(parse_idc(b"07"), Some(7));
        assert_eq!(parse_idc(b"99"), Some(99));
        assert_eq!(parse_idc(b""), None);
        assert_eq!(parse_idc(b"100"), None);
        assert_eq!(parse_idc(b"1a"), None);
    }
}
