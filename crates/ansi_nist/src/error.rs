//! The one error of the crate: what is wrong, in which record and which field.
//!
//! A partner's transaction that does not read must be answered with a message an engineer on the
//! other side can act on, so every error names the record (its position in the file, counting the
//! Type-1 record as 1, and its type) and the field (tag and mnemonic) where one is concerned:
//! `record 3 (Type-14): field 14.001 LEN says 5123 bytes but 4096 remain`.

use std::fmt;

use crate::tags;

/// Which record an error is about: its position in the transaction (the Type-1 record is 1) and
/// its record type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordRef {
    /// Position in the transaction, 1-based, in the order of the Type-1 CNT field.
    pub index: usize,
    /// Record type (1, 2, 9, 14, ...).
    pub record_type: u8,
}

/// Which field an error is about: `record_type.field` (e.g. 14.001).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldRef {
    /// Record type in the tag.
    pub record_type: u8,
    /// Field number in the tag (1 to 999).
    pub field: u16,
}

impl fmt::Display for FieldRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03}", self.record_type, self.field)?;
        if let Some(name) = tags::mnemonic(self.record_type, self.field) {
            write!(f, " {name}")?;
        }
        Ok(())
    }
}

/// What is wrong. Worded to follow "record N (Type-T): field T.NNN MNEMONIC", or "transaction".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// The input has no bytes.
    #[error("is empty")]
    Empty,
    /// The input ends inside a record's first field, before its length is known.
    #[error("is cut short: the input ends before the field is complete")]
    Truncated,
    /// A tag is not `digits.digits:`.
    #[error("has a malformed tag {found:?} (expected `type.field:`)")]
    MalformedTag {
        /// The bytes found where the tag should be (at most 16, lossily decoded).
        found: String,
    },
    /// A tagged record does not begin with its LEN field.
    #[error("does not begin with its LEN field (found tag {found})")]
    LenNotFirst {
        /// The tag found first.
        found: String,
    },
    /// A field's tag names another record type than the record's.
    #[error("has a tag naming record type {found}")]
    TagRecordType {
        /// The record type in the tag.
        found: u8,
    },
    /// The LEN value is not a number.
    #[error("is not a number: {found:?}")]
    LenNotNumber {
        /// The value found.
        found: String,
    },
    /// The LEN value is smaller than the record's own first field.
    #[error("says {says} bytes but the record needs at least {minimum}")]
    LenTooSmall {
        /// The length the field gives.
        says: u64,
        /// The least length possible.
        minimum: u64,
    },
    /// The LEN value goes past the end of the input.
    #[error("says {says} bytes but {remain} remain")]
    LenBeyondInput {
        /// The length the field gives.
        says: u64,
        /// Bytes left in the input from the record's start.
        remain: u64,
    },
    /// The byte LEN points at as the record's last is not the FS separator.
    #[error("says {says} bytes but the record's last byte is {found:#04x}, not the FS separator (0x1c)")]
    MissingRecordSeparator {
        /// The length the field gives.
        says: u64,
        /// The byte found instead.
        found: u8,
    },
    /// A field appears twice or out of numerical order.
    #[error("comes after field {previous:03}: fields go in increasing order, each once")]
    FieldOrder {
        /// The field number before it.
        previous: u16,
    },
    /// A text field holds the FS separator (only the record's end may).
    #[error("holds the FS separator (0x1c) inside its text")]
    SeparatorInText,
    /// A mandatory field is absent.
    #[error("is missing")]
    Missing,
    /// A field's content breaks its rule.
    #[error("{reason}")]
    Invalid {
        /// What is wrong, worded to follow the field's name (e.g. `is not a number: "x"`).
        reason: String,
    },
    /// The CNT field lists more records than the reader accepts.
    #[error("lists {count} records, more than the {max} accepted")]
    TooManyRecords {
        /// Records the field lists.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A record's type differs from the type CNT lists at its position.
    #[error("is listed in 1.003 CNT as Type-{listed} but its first tag says Type-{found}")]
    RecordTypeMismatch {
        /// The type CNT gives.
        listed: u8,
        /// The type the record's tag gives.
        found: u8,
    },
    /// A record's IDC differs from the one CNT lists at its position.
    #[error("is {found} but 1.003 CNT lists IDC {listed} for this record")]
    IdcMismatch {
        /// The IDC CNT gives.
        listed: u8,
        /// The IDC the record gives.
        found: u8,
    },
    /// CNT lists a record type this reader does not know how to slice.
    #[error("is listed in 1.003 CNT with record type {record_type}, which this reader does not accept")]
    UnsupportedRecordType {
        /// The record type listed.
        record_type: u8,
    },
    /// The input ends before every record CNT lists has been read.
    #[error("ends after {found} of the {listed} records listed in 1.003 CNT")]
    MissingRecords {
        /// Records listed after the Type-1 record.
        listed: usize,
        /// Records found after the Type-1 record.
        found: usize,
    },
    /// Bytes follow the last record CNT lists.
    #[error("has {count} bytes after the last record listed in 1.003 CNT")]
    TrailingBytes {
        /// How many.
        count: usize,
    },
}

/// A transaction that does not read, or a record that does not hold what its type requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The record, when the error is about one.
    pub record: Option<RecordRef>,
    /// The field, when the error is about one.
    pub field: Option<FieldRef>,
    /// What is wrong.
    pub kind: ErrorKind,
}

impl Error {
    /// An error about the transaction as a whole.
    pub(crate) fn transaction(kind: ErrorKind) -> Self {
        Self { record: None, field: None, kind }
    }

    /// An error about a record as a whole.
    pub(crate) fn record(record: RecordRef, kind: ErrorKind) -> Self {
        Self { record: Some(record), field: None, kind }
    }

    /// An error about one field of a record.
    pub(crate) fn field(record: RecordRef, field: u16, kind: ErrorKind) -> Self {
        let field = FieldRef { record_type: record.record_type, field };
        Self { record: Some(record), field: Some(field), kind }
    }

    /// An invalid field, with its reason worded to follow the field's name.
    pub(crate) fn invalid(record: RecordRef, field: u16, reason: impl Into<String>) -> Self {
        Self::field(record, field, ErrorKind::Invalid { reason: reason.into() })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.record {
            Some(r) => write!(f, "record {} (Type-{})", r.index, r.record_type)?,
            None => f.write_str("transaction")?,
        }
        match self.field {
            Some(field) => write!(f, ": field {field} {}", self.kind),
            None => write!(f, " {}", self.kind),
        }
    }
}

impl std::error::Error for Error {}

/// Why a record or value could not be built (the writer's side of the reader's rules).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// Field numbers run from 1 to 999.
    #[error("field number {0} is outside 1 to 999")]
    FieldNumber(u16),
    /// The writer computes LEN (every record) and CNT (Type-1) itself.
    #[error("field {record_type}.{field:03} is computed by the writer and cannot be set")]
    Computed {
        /// The record type.
        record_type: u8,
        /// The field.
        field: u16,
    },
    /// Text may not hold the four separators (FS, GS, RS, US) inside an item.
    #[error("an item holds the separator byte {0:#04x}")]
    SeparatorInItem(u8),
    /// Binary content goes only in field 999 of a record that carries data; 999 of such a
    /// record is always binary.
    #[error("field {record_type}.{field:03} must be {expected}")]
    WrongValueKind {
        /// The record type.
        record_type: u8,
        /// The field.
        field: u16,
        /// "text" or "binary".
        expected: &'static str,
    },
    /// The IDC (field 002 of every record but Type-1) is a number from 0 to 99.
    #[error("IDC {0:?} is not a number from 0 to 99")]
    Idc(String),
    /// Record types: 1, 2 and 9 to 99 are tagged; 3 to 8 are binary.
    #[error("record type {0} is not accepted here")]
    RecordType(u8),
    /// A typed field's value is outside what its field allows (the reader would refuse it).
    #[error("field {field} {reason}")]
    OutOfRange {
        /// The field's tag and mnemonic (e.g. "14.013 FGP").
        field: &'static str,
        /// What it must be.
        reason: &'static str,
    },
    /// A transaction holds at most [`crate::MAX_RECORDS`] records.
    #[error("a transaction holds at most {0} records")]
    TooManyRecords(usize),
    /// A binary record (types 3 to 8) holds at least its IDC byte and fits a 4-byte length.
    #[error("a binary record holds 1 to 4294967291 bytes after its length, not {0}")]
    BinaryLength(usize),
}
