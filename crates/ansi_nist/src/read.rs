//! The reader: bytes → [`Transaction`], every record sliced by its LEN field.
//!
//! Records are never found by scanning for separators: a Type-14 image is binary and holds
//! 0x1C–0x1F anywhere. The Type-1 record is read first; its CNT field says which records follow
//! and of which type; each is then cut to the length its LEN field gives (4 bytes big-endian for
//! binary types 3 to 8), checked to end with FS, and split into fields. Field 999 of a record
//! that carries data runs from its tag to the record's last byte.
//!
//! Nothing is allocated from a number the input gives: lengths are compared with the bytes that
//! remain before any slice is taken, and CNT's record count is capped ([`MAX_RECORDS`]) and
//! checked against the subfields that list them.

use crate::error::{Error, ErrorKind, RecordRef};
use crate::record::{
    BinaryRecord, FS, GS, MAX_RECORDS, Record, TaggedRecord, Transaction, Value, is_separator, parse_idc,
};
use crate::tags::{self, DATA, IDC, LEN, type1::CNT};

/// Reads a whole transaction.
///
/// # Errors
/// The first rule the input breaks, naming the record and field: see [`ErrorKind`].
pub fn read(input: &[u8]) -> Result<Transaction, Error> {
    if input.is_empty() {
        return Err(Error::transaction(ErrorKind::Empty));
    }
    let first = RecordRef { index: 1, record_type: 1 };
    let (record, len_end) = slice_tagged(input, first, false)?;
    let mut fields = parse_fields(record, len_end, first)?;
    let cnt_at =
        fields.iter().position(|(n, _)| *n == CNT).ok_or_else(|| Error::field(first, CNT, ErrorKind::Missing))?;
    let (_, cnt_value) = fields.remove(cnt_at);
    let listed = parse_cnt(&cnt_value, first)?;
    let header = TaggedRecord::from_checked(1, fields);

    let mut pos = record.len();
    let mut records = Vec::new();
    for (k, &(record_type, idc)) in listed.iter().enumerate() {
        let rec = RecordRef { index: k + 2, record_type };
        let rest = input.get(pos..).unwrap_or_default();
        if rest.is_empty() {
            return Err(Error::transaction(ErrorKind::MissingRecords { listed: listed.len(), found: k }));
        }
        let (record, taken) = if tags::is_binary(record_type) {
            let (r, taken) = read_binary(rest, rec)?;
            (Record::Binary(r), taken)
        } else if tags::is_tagged(record_type) && record_type != 1 {
            let (bytes, len_end) = slice_tagged(rest, rec, true)?;
            let fields = parse_fields(bytes, len_end, rec)?;
            let idc_text = fields.iter().find(|(n, _)| *n == IDC).map(|(_, v)| v.as_bytes());
            let Some(idc_text) = idc_text else {
                return Err(Error::field(rec, IDC, ErrorKind::Missing));
            };
            if parse_idc(idc_text).is_none() {
                return Err(Error::invalid(rec, IDC, format!("is not a number from 0 to 99: {}", shown(idc_text))));
            }
            (Record::Tagged(TaggedRecord::from_checked(record_type, fields)), bytes.len())
        } else {
            return Err(Error::record(rec, ErrorKind::UnsupportedRecordType { record_type }));
        };
        if record.idc() != idc {
            return Err(Error::field(rec, IDC, ErrorKind::IdcMismatch { listed: idc, found: record.idc() }));
        }
        records.push(record);
        pos += taken;
    }
    if pos < input.len() {
        return Err(Error::transaction(ErrorKind::TrailingBytes { count: input.len() - pos }));
    }
    Ok(Transaction::from_checked(header, records))
}

/// A tag `T.NNN:` at the start of some bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Tag {
    record_type: u8,
    field: u16,
    /// Bytes the tag takes, colon included.
    len: usize,
}

enum TagParse {
    Found(Tag),
    /// The bytes end before the tag is complete (and nothing in them is wrong yet).
    Incomplete,
    Malformed,
}

/// Reads `T.NNN:`: a record type of 1 or 2 digits, a field number of 1 to 3 digits.
fn parse_tag(bytes: &[u8]) -> TagParse {
    let mut record_type: u16 = 0;
    let mut field: u16 = 0;
    let mut digits = 0usize;
    let mut in_field = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                digits += 1;
                let d = u16::from(b - b'0');
                if in_field {
                    if digits > 3 {
                        return TagParse::Malformed;
                    }
                    field = field * 10 + d;
                } else {
                    if digits > 2 {
                        return TagParse::Malformed;
                    }
                    record_type = record_type * 10 + d;
                }
            }
            b'.' if !in_field && digits > 0 => {
                in_field = true;
                digits = 0;
            }
            b':' if in_field && digits > 0 => {
                let Ok(record_type) = u8::try_from(record_type) else { return TagParse::Malformed };
                return TagParse::Found(Tag { record_type, field, len: i + 1 });
            }
            _ => return TagParse::Malformed,
        }
    }
    TagParse::Incomplete
}

/// Up to 16 bytes, lossily decoded and quoted, for messages.
fn shown(bytes: &[u8]) -> String {
    let cut = bytes.get(..16).unwrap_or(bytes);
    let text = String::from_utf8_lossy(cut);
    if cut.len() < bytes.len() { format!("{text:?}…") } else { format!("{text:?}") }
}

/// The bytes where a tag was expected, up to the next separator, for messages.
fn tag_found(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|b| is_separator(*b)).unwrap_or(bytes.len());
    let cut = bytes.get(..end.min(16)).unwrap_or_default();
    String::from_utf8_lossy(cut).into_owned()
}

/// Cuts a tagged record from the start of `input` by its LEN field. Returns the record (final FS
/// included) and the position of the GS that ends the LEN field.
fn slice_tagged(input: &[u8], rec: RecordRef, listed: bool) -> Result<(&[u8], usize), Error> {
    let tag = match parse_tag(input) {
        TagParse::Found(tag) => tag,
        TagParse::Incomplete => return Err(Error::field(rec, LEN, ErrorKind::Truncated)),
        TagParse::Malformed => return Err(Error::record(rec, ErrorKind::MalformedTag { found: tag_found(input) })),
    };
    if tag.record_type != rec.record_type {
        let kind = if listed {
            ErrorKind::RecordTypeMismatch { listed: rec.record_type, found: tag.record_type }
        } else {
            ErrorKind::TagRecordType { found: tag.record_type }
        };
        return Err(Error::record(rec, kind));
    }
    if tag.field != LEN {
        let found = format!("{}.{:03}", tag.record_type, tag.field);
        return Err(Error::record(rec, ErrorKind::LenNotFirst { found }));
    }
    let after_tag = input.get(tag.len..).unwrap_or_default();
    let digits = after_tag.iter().take_while(|b| b.is_ascii_digit()).count();
    let Some(&terminator) = after_tag.get(digits) else {
        return Err(Error::field(rec, LEN, ErrorKind::Truncated));
    };
    if digits == 0 || terminator != GS {
        let value_end = after_tag.iter().position(|b| is_separator(*b)).unwrap_or(after_tag.len());
        let value = after_tag.get(..value_end).unwrap_or_default();
        if digits > 0 && digits == value_end && terminator == FS {
            let reason = "is followed by FS: the record holds no field after LEN".to_owned();
            return Err(Error::field(rec, LEN, ErrorKind::Invalid { reason }));
        }
        return Err(Error::field(rec, LEN, ErrorKind::LenNotNumber { found: String::from_utf8_lossy(value).into() }));
    }
    let says =
        after_tag.iter().take(digits).fold(0u64, |n, d| n.saturating_mul(10).saturating_add(u64::from(d - b'0')));
    let len_end = tag.len + digits;
    // LEN field, its GS, at least one byte of a next tag, and the FS.
    let minimum = len_end as u64 + 3;
    if says < minimum {
        return Err(Error::field(rec, LEN, ErrorKind::LenTooSmall { says, minimum }));
    }
    let remain = input.len() as u64;
    let Some(record) = usize::try_from(says).ok().and_then(|n| input.get(..n)) else {
        return Err(Error::field(rec, LEN, ErrorKind::LenBeyondInput { says, remain }));
    };
    match record.last() {
        Some(&FS) => Ok((record, len_end)),
        Some(&found) => Err(Error::field(rec, LEN, ErrorKind::MissingRecordSeparator { says, found })),
        None => Err(Error::field(rec, LEN, ErrorKind::Truncated)),
    }
}

/// Splits a sliced tagged record into its fields after LEN, checking tags, order and text.
fn parse_fields(record: &[u8], len_end: usize, rec: RecordRef) -> Result<Vec<(u16, Value)>, Error> {
    let body = record.get(..record.len().saturating_sub(1)).unwrap_or_default();
    let mut fields = Vec::new();
    let mut previous = LEN;
    let mut pos = len_end + 1;
    loop {
        let rest = body.get(pos..).unwrap_or_default();
        if rest.is_empty() {
            let reason = "ends with a GS separator and no field after it".to_owned();
            return Err(Error::record(rec, ErrorKind::Invalid { reason }));
        }
        let tag = match parse_tag(rest) {
            TagParse::Found(tag) => tag,
            TagParse::Incomplete | TagParse::Malformed => {
                return Err(Error::record(rec, ErrorKind::MalformedTag { found: tag_found(rest) }));
            }
        };
        if tag.record_type != rec.record_type {
            return Err(Error::field(rec, tag.field, ErrorKind::TagRecordType { found: tag.record_type }));
        }
        if tag.field <= previous {
            return Err(Error::field(rec, tag.field, ErrorKind::FieldOrder { previous }));
        }
        let value = rest.get(tag.len..).unwrap_or_default();
        if tags::carries_data(rec.record_type) && tag.field == DATA {
            fields.push((DATA, Value::Binary(value.to_vec())));
            return Ok(fields);
        }
        let end = value.iter().position(|b| *b == GS);
        let text = value.get(..end.unwrap_or(value.len())).unwrap_or_default();
        if text.contains(&FS) {
            return Err(Error::field(rec, tag.field, ErrorKind::SeparatorInText));
        }
        fields.push((tag.field, Value::Text(text.to_vec())));
        previous = tag.field;
        match end {
            Some(end) => pos += tag.len + end + 1,
            None => return Ok(fields),
        }
    }
}

/// Reads 1.003 CNT: `1 US n`, then n subfields `type US IDC`.
fn parse_cnt(value: &Value, rec: RecordRef) -> Result<Vec<(u8, u8)>, Error> {
    let invalid = |reason: String| Error::invalid(rec, CNT, reason);
    let mut subfields = value.subfields_iter();
    let first = subfields.next().map(|s| s.as_bytes()).unwrap_or_default();
    let count = match first.split(|b| *b == crate::record::US).collect::<Vec<_>>().as_slice() {
        [b"1", n] if !n.is_empty() && n.len() <= 4 && n.iter().all(u8::is_ascii_digit) => {
            n.iter().fold(0usize, |c, d| c * 10 + usize::from(d - b'0'))
        }
        _ => {
            return Err(invalid(format!("begins with {}, not 1<US>the number of other records", shown(first))));
        }
    };
    if count >= MAX_RECORDS {
        return Err(Error::field(rec, CNT, ErrorKind::TooManyRecords { count, max: MAX_RECORDS - 1 }));
    }
    let mut listed = Vec::new();
    for (k, subfield) in subfields.enumerate() {
        if k >= count {
            let lists = value.subfields_iter().count().saturating_sub(1);
            return Err(invalid(format!("says {count} records but lists {lists}")));
        }
        let mut items = subfield.items();
        let entry = match (items.next(), items.next(), items.next()) {
            (Some(t), Some(i), None) => parse_record_type(t).zip(parse_idc(i)),
            _ => None,
        };
        match entry {
            Some((1, _)) => return Err(invalid(format!("lists a second Type-1 record in subfield {}", k + 2))),
            Some(entry) => listed.push(entry),
            None => {
                return Err(invalid(format!(
                    "subfield {} is {}, not record type<US>IDC",
                    k + 2,
                    shown(subfield.as_bytes())
                )));
            }
        }
    }
    if listed.len() != count {
        return Err(invalid(format!("says {count} records but lists {}", listed.len())));
    }
    Ok(listed)
}

/// A record type as CNT writes it: 1 or 2 digits.
fn parse_record_type(bytes: &[u8]) -> Option<u8> {
    if bytes.is_empty() || bytes.len() > 2 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(bytes.iter().fold(0u8, |n, d| n * 10 + (d - b'0')))
}

/// Cuts a binary record (types 3 to 8) by its 4-byte big-endian length.
fn read_binary(input: &[u8], rec: RecordRef) -> Result<(BinaryRecord, usize), Error> {
    let Some(&[a, b, c, d]) = input.get(..4) else {
        return Err(Error::field(rec, LEN, ErrorKind::Truncated));
    };
    let says = u64::from(u32::from_be_bytes([a, b, c, d]));
    if says < 5 {
        return Err(Error::field(rec, LEN, ErrorKind::LenTooSmall { says, minimum: 5 }));
    }
    let remain = input.len() as u64;
    let Some(body) = usize::try_from(says).ok().and_then(|n| input.get(4..n)) else {
        return Err(Error::field(rec, LEN, ErrorKind::LenBeyondInput { says, remain }));
    };
    let record = BinaryRecord::new(rec.record_type, body.to_vec()).map_err(|_| {
        let idc = body.first().copied().unwrap_or_default();
        Error::invalid(rec, IDC, format!("is {idc}, not a number from 0 to 99"))
    })?;
    Ok((record, body.len() + 4))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{RS, US};

    /// A tagged record written by hand (independently of the crate's writer), LEN computed.
    fn tagged(t: u8, fields: &[(u16, &[u8])]) -> Vec<u8> {
        let mut rest = Vec::new();
        for (n, v) in fields {
            rest.push(GS);
            rest.extend(format!("{t}.{n:03}:").bytes());
            rest.extend_from_slice(v);
        }
        rest.push(FS);
        let tag = format!("{t}.001:");
        let fixed = tag.len() + rest.len();
        let mut len = fixed + 1;
        while len != fixed + len.to_string().len() {
            len = fixed + len.to_string().len();
        }
        [tag.as_bytes(), len.to_string().as_bytes(), &rest].concat()
    }

    fn header(cnt: &str) -> Vec<u8> {
        let cnt = cnt.replace('/', "\x1f").replace(';', "\x1e");
        tagged(1, &[(2, b"0500"), (3, cnt.as_bytes()), (4, b"CPQ"), (5, b"20260101")])
    }

    fn type2(idc: &[u8]) -> Vec<u8> {
        tagged(2, &[(2, idc), (18, b"DOE\x1fJANE")])
    }

    /// A Type-14 record whose image is every byte value, separators included, several times.
    fn type14(idc: &[u8]) -> Vec<u8> {
        let image: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        tagged(14, &[(2, idc), (3, b"0"), (999, &image)])
    }

    fn err(input: &[u8]) -> String {
        read(input).unwrap_err().to_string()
    }

    #[test]
    fn reads_records_by_their_length_though_the_image_holds_separators() {
        let input = [header("1/2;2/01;14/02"), type2(b"01"), type14(b"02")].concat();
        let t = read(&input).unwrap();
        assert_eq!(t.records().len(), 2);
        let image = t.records()[1].as_tagged().unwrap().value(DATA).unwrap();
        assert_eq!(image, &Value::Binary((0..=255u8).cycle().take(1000).collect()));
        assert_eq!(t.header().text(4), Some("CPQ"));
        assert_eq!(t.header().field(CNT), None, "CNT is the writer's to compute");
        assert_eq!(t.records()[0].as_tagged().unwrap().value(18).unwrap().item(0, 1), Some(&b"JANE"[..]));
        // Canonical input writes back byte for byte.
        assert_eq!(crate::write(&t), input);
    }

    #[test]
    fn an_empty_input_is_refused() {
        assert_eq!(err(b""), "transaction is empty");
    }

    #[test]
    fn an_input_cut_inside_the_first_len_is_named() {
        assert_eq!(
            err(b"1.00"),
            "record 1 (Type-1): field 1.001 LEN is cut short: the input ends before the field is complete"
        );
        assert_eq!(
            err(b"1.001:12"),
            "record 1 (Type-1): field 1.001 LEN is cut short: the input ends before the field is complete"
        );
    }

    #[test]
    fn a_malformed_first_tag_is_named() {
        assert_eq!(err(b"X.001:9\x1d"), "record 1 (Type-1) has a malformed tag \"X.001:9\" (expected `type.field:`)");
        assert_eq!(err(b"1.0001:9\x1d"), "record 1 (Type-1) has a malformed tag \"1.0001:9\" (expected `type.field:`)");
        assert_eq!(err(b"2.001:9\x1d"), "record 1 (Type-1) has a tag naming record type 2");
        assert_eq!(err(b"1.002:0500\x1d"), "record 1 (Type-1) does not begin with its LEN field (found tag 1.002)");
    }

    #[test]
    fn a_len_that_is_not_a_number_is_named() {
        assert_eq!(err(b"1.001:12a\x1d"), "record 1 (Type-1): field 1.001 LEN is not a number: \"12a\"");
        assert_eq!(err(b"1.001:\x1d"), "record 1 (Type-1): field 1.001 LEN is not a number: \"\"");
        assert_eq!(
            err(b"1.001:9\x1c"),
            "record 1 (Type-1): field 1.001 LEN is followed by FS: the record holds no field after LEN"
        );
    }

    #[test]
    fn a_len_too_small_or_too_large_is_named() {
        assert_eq!(
            err(b"1.001:5\x1d1.002:0500\x1c"),
            "record 1 (Type-1): field 1.001 LEN says 5 bytes but the record needs at least 10"
        );
        let h = header("1/0");
        let mut long = h.clone();
        let at = long.iter().position(|b| *b == GS).unwrap();
        long.splice(6..at, b"99999999999999999999999".iter().copied());
        assert_eq!(
            err(&long),
            format!("record 1 (Type-1): field 1.001 LEN says {} bytes but {} remain", u64::MAX, long.len())
        );
    }

    #[test]
    fn the_reported_example_names_record_3_and_its_len() {
        // A Type-14 record of exactly 4096 bytes whose LEN is changed to say 5123.
        let mut pad = 0;
        let record = loop {
            let image = vec![GS; 4000 + pad];
            let r = tagged(14, &[(2, b"02"), (999, &image)]);
            if r.len() >= 4096 {
                break r;
            }
            pad += 1;
        };
        assert_eq!(record.len(), 4096);
        let record = [b"14.001:5123".as_slice(), &record[11..]].concat();
        let input = [header("1/2;2/01;14/02"), type2(b"01"), record].concat();
        assert_eq!(err(&input), "record 3 (Type-14): field 14.001 LEN says 5123 bytes but 4096 remain");
    }

    #[test]
    fn a_record_whose_len_does_not_land_on_fs_is_named() {
        let mut r = type2(b"01");
        let len = r.len();
        let digits = len.to_string();
        let shorter = (len - 1).to_string();
        assert_eq!(digits.len(), shorter.len());
        r.splice(6..6 + digits.len(), shorter.bytes());
        let input = [header("1/1;2/01"), r].concat();
        assert_eq!(
            err(&input),
            format!(
                "record 2 (Type-2): field 2.001 LEN says {} bytes but the record's last byte is 0x45, not the FS separator (0x1c)",
                len - 1
            )
        );
    }

    #[test]
    fn fields_out_of_order_or_repeated_are_named() {
        let r = tagged(2, &[(2, b"01"), (20, b"USA"), (18, b"DOE")]);
        let input = [header("1/1;2/01"), r].concat();
        assert_eq!(
            err(&input),
            "record 2 (Type-2): field 2.018 comes after field 020: fields go in increasing order, each once"
        );
        let r = tagged(2, &[(2, b"01"), (18, b"A"), (18, b"B")]);
        let input = [header("1/1;2/01"), r].concat();
        assert_eq!(
            err(&input),
            "record 2 (Type-2): field 2.018 comes after field 018: fields go in increasing order, each once"
        );
    }

    #[test]
    fn a_tag_naming_another_record_type_is_named() {
        let r = tagged(2, &[(2, b"01")]);
        let r = [&r[..r.len() - 1], b"\x1d9.003:1\x1c"].concat();
        let mut fixed = r.clone();
        let len = r.len().to_string();
        fixed.splice(6..6 + len.len(), len.bytes());
        let input = [header("1/1;2/01"), fixed].concat();
        assert_eq!(err(&input), "record 2 (Type-2): field 2.003 has a tag naming record type 9");
    }

    #[test]
    fn fs_inside_a_text_field_is_named() {
        let r = tagged(2, &[(2, b"01"), (18, b"DO\x1cE")]);
        let input = [header("1/1;2/01"), r].concat();
        assert_eq!(err(&input), "record 2 (Type-2): field 2.018 holds the FS separator (0x1c) inside its text");
    }

    #[test]
    fn a_record_ending_with_an_empty_field_or_a_bad_tag_is_named() {
        let r = tagged(2, &[(2, b"01")]);
        let r = [&r[..r.len() - 1], b"\x1d\x1c"].concat();
        let mut fixed = r.clone();
        fixed.splice(6..8, r.len().to_string().bytes());
        let input = [header("1/1;2/01"), fixed].concat();
        assert_eq!(err(&input), "record 2 (Type-2) ends with a GS separator and no field after it");
        let r = tagged(2, &[(2, b"01"), (18, b"x")]);
        let r: Vec<u8> = r.iter().map(|b| if *b == b':' { b'=' } else { *b }).collect();
        let input = [header("1/1;2/01"), r].concat();
        assert!(err(&input).starts_with("record 2 (Type-2)"), "{}", err(&input));
    }

    #[test]
    fn a_missing_cnt_or_idc_is_named() {
        let h = tagged(1, &[(2, b"0500"), (4, b"CPQ")]);
        assert_eq!(err(&h), "record 1 (Type-1): field 1.003 CNT is missing");
        let r = tagged(2, &[(18, b"DOE")]);
        assert_eq!(err(&[header("1/1;2/01"), r].concat()), "record 2 (Type-2): field 2.002 IDC is missing");
        let r = tagged(2, &[(2, b"A1")]);
        assert_eq!(
            err(&[header("1/1;2/01"), r].concat()),
            "record 2 (Type-2): field 2.002 IDC is not a number from 0 to 99: \"A1\""
        );
    }

    #[test]
    fn a_malformed_cnt_is_named() {
        let cases = [
            (
                "2/1;2/01",
                "record 1 (Type-1): field 1.003 CNT begins with \"2\\u{1f}1\", not 1<US>the number of other records",
            ),
            ("1/2;2/01", "record 1 (Type-1): field 1.003 CNT says 2 records but lists 1"),
            ("1/1;2/01;14/02", "record 1 (Type-1): field 1.003 CNT says 1 records but lists 2"),
            ("1/1;2", "record 1 (Type-1): field 1.003 CNT subfield 2 is \"2\", not record type<US>IDC"),
            (
                "1/1;2/01/3",
                "record 1 (Type-1): field 1.003 CNT subfield 2 is \"2\\u{1f}01\\u{1f}3\", not record type<US>IDC",
            ),
            ("1/1;1/00", "record 1 (Type-1): field 1.003 CNT lists a second Type-1 record in subfield 2"),
            ("1/5000", "record 1 (Type-1): field 1.003 CNT lists 5000 records, more than the 999 accepted"),
            ("1/1000", "record 1 (Type-1): field 1.003 CNT lists 1000 records, more than the 999 accepted"),
        ];
        for (cnt, message) in cases {
            assert_eq!(err(&[header(cnt), type2(b"01")].concat()), message, "{cnt}");
        }
    }

    #[test]
    fn a_record_of_another_type_or_idc_than_listed_is_named() {
        let input = [header("1/2;2/01;9/02"), type2(b"01"), type14(b"02")].concat();
        assert_eq!(err(&input), "record 3 (Type-9) is listed in 1.003 CNT as Type-9 but its first tag says Type-14");
        let input = [header("1/2;2/01;14/03"), type2(b"01"), type14(b"02")].concat();
        assert_eq!(err(&input), "record 3 (Type-14): field 14.002 IDC is 2 but 1.003 CNT lists IDC 3 for this record");
        let input = [header("1/1;0/01"), type2(b"01")].concat();
        assert_eq!(
            err(&input),
            "record 2 (Type-0) is listed in 1.003 CNT with record type 0, which this reader does not accept"
        );
    }

    #[test]
    fn missing_records_and_trailing_bytes_are_named() {
        let input = [header("1/2;2/01;14/02"), type2(b"01")].concat();
        assert_eq!(err(&input), "transaction ends after 1 of the 2 records listed in 1.003 CNT");
        let input = [header("1/1;2/01"), type2(b"01"), b"\n\n".to_vec()].concat();
        assert_eq!(err(&input), "transaction has 2 bytes after the last record listed in 1.003 CNT");
        let mut cut = [header("1/1;14/01"), type14(b"01")].concat();
        cut.truncate(cut.len() - 10);
        assert!(err(&cut).starts_with("record 2 (Type-14): field 14.001 LEN says"), "{}", err(&cut));
    }

    #[test]
    fn binary_records_are_sliced_by_their_four_byte_length() {
        let mut type4 = (18u32).to_be_bytes().to_vec();
        type4.extend_from_slice(&[1, FS, GS, RS, US, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let input = [header("1/2;4/1;2/02"), type4.clone(), type2(b"02")].concat();
        let t = read(&input).unwrap();
        assert_eq!(t.records()[0].record_type(), 4);
        assert_eq!(t.records()[0].idc(), 1);
        assert_eq!(crate::write(&t), input);

        let mut short = type4.clone();
        short[..4].copy_from_slice(&4u32.to_be_bytes());
        assert_eq!(
            err(&[header("1/1;4/1"), short].concat()),
            "record 2 (Type-4): field 4.001 LEN says 4 bytes but the record needs at least 5"
        );
        let mut long = type4.clone();
        long[..4].copy_from_slice(&19u32.to_be_bytes());
        assert_eq!(
            err(&[header("1/1;4/1"), long].concat()),
            "record 2 (Type-4): field 4.001 LEN says 19 bytes but 18 remain"
        );
        assert_eq!(
            err(&[header("1/1;4/1"), vec![0, 0]].concat()),
            "record 2 (Type-4): field 4.001 LEN is cut short: the input ends before the field is complete"
        );
        let mut bad_idc = type4.clone();
        bad_idc[4] = 200;
        assert_eq!(
            err(&[header("1/1;4/1"), bad_idc].concat()),
            "record 2 (Type-4): field 4.002 IDC is 200, not a number from 0 to 99"
        );
    }

    #[test]
    fn short_field_numbers_are_read_and_written_back_in_three_digits() {
        let h = b"1.01:36\x1d1.2:0500\x1d1.03:1\x1f0\x1d1.004:CPQ\x1c".to_vec();
        assert_eq!(h.len(), 36);
        let t = read(&h).unwrap();
        assert_eq!(t.header().text(2), Some("0500"));
        assert_eq!(crate::write(&t), header_only());
    }

    fn header_only() -> Vec<u8> {
        tagged(1, &[(2, b"0500"), (3, b"1\x1f0"), (4, b"CPQ")])
    }
}
