//! ANSI/NIST-ITL 1-2011 transactions in the traditional encoding: a reader and a writer.
//!
//! CRIS exchanges fingerprint queries with IDENT and, through it, with foreign partners as
//! ANSI/NIST-ITL transactions: a Type-1 header, Type-2 descriptive text per the partner's
//! template, Type-9 minutiae and Type-14 fingerprint images. No maintained crate reads them, so
//! this one does, on its own (one dependency, `thiserror`), so it can be tested, fuzzed and
//! benchmarked apart from the rest of CRIS.
//!
//! - [`read`] slices every record by its LEN field (images hold separator bytes, so separators
//!   are never scanned for across records) and returns a [`Transaction`], or an [`Error`] naming
//!   the record and field: `record 3 (Type-14): field 14.001 LEN says 5123 bytes but 4096 remain`.
//! - [`write`] computes every LEN (until its digit count is stable) and the Type-1 CNT.
//! - The generic model ([`TaggedRecord`], [`Value`], [`Subfield`]) reaches any field, subfield
//!   and item; the typed views read and build what CRIS uses: [`TransactionInfo`] (Type-1),
//!   [`Descriptive`] and [`Template`] (Type-2), [`FingerMinutiae`] (Type-9, INCITS 378 block) and
//!   [`FingerprintImage`] (Type-14, image kept as given with its [`Compression`] label).
//!
//! Reading `write(t)` gives back `t`; writing what was read gives back the same bytes when the
//! input was canonical (field numbers of three digits, LEN without leading zeros, CNT's IDCs as
//! the records write them).

mod error;
mod read;
mod record;
pub mod tags;
mod type1;
mod type14;
mod type2;
mod type9;
mod view;
mod write;

pub use error::{BuildError, Error, ErrorKind, FieldRef, RecordRef};
pub use read::read;
pub use record::{
    BinaryRecord, FS, Field, GS, MAX_RECORDS, RS, Record, Subfield, TaggedRecord, Transaction, US, Value, is_separator,
};
pub use type1::{TransactionInfo, VERSION_2011};
pub use type2::{Descriptive, FieldSpec, Gender, Name, Priority, Requestor, Template, fields as type2_fields};
pub use type9::{CBEFF_INCITS_378, FingerMinutiae, MAX_MINUTIAE, Minutia, MinutiaKind};
pub use type14::{Compression, FingerprintImage};
pub use view::Date;
pub use write::write;
