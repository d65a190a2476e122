//! The typed views on a known transaction (the fuzzers' `full.an2` seed), their errors, and the
//! Type-2 templates.

#![expect(clippy::unwrap_used, reason = "test fixtures fail loudly")]

use ansi_nist::{
    Compression, Date, Descriptive, Gender, MinutiaKind, Priority, TaggedRecord, Template, Transaction, Value, read,
    type2_fields as f, write,
};

fn seed(name: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds").join(name)).unwrap()
}

fn full() -> Transaction {
    read(&seed("full.an2")).unwrap()
}

/// The transaction with one field of one record replaced (position as in the file, Type-1 is 1).
fn with_field(index: usize, number: u16, text: &str) -> Transaction {
    let t = full();
    let mut header = t.header().clone();
    if index == 1 {
        header.set(number, Value::Text(text.as_bytes().to_vec())).unwrap();
    }
    let mut out = Transaction::new(header).unwrap();
    for (i, r) in t.records().iter().enumerate() {
        let mut r = r.as_tagged().unwrap().clone();
        if i + 2 == index {
            r.set(number, Value::Text(text.as_bytes().to_vec())).unwrap();
        }
        out.push_tagged(r).unwrap();
    }
    read(&write(&out)).unwrap()
}

// R-IS-07: a request's requestor, date, reason, priority, name, date and country of birth,
// gender, aliases and encounter identifier travel in the uniform template's Type-2 fields.
#[test]
fn the_seed_transaction_reads_into_every_typed_view() {
    let t = full();
    assert_eq!(write(&t), seed("full.an2"), "the seed is canonical");
    let info = t.info().unwrap();
    assert_eq!(info.version, "0500");
    assert_eq!(info.transaction_type, "CPQ");
    assert_eq!(info.date, Date::new(2026, 1, 15).unwrap());
    assert_eq!(info.priority, Some(2));
    assert_eq!(info.control_number, "CRIS-2026-000001");
    assert_eq!(info.domain, Some(("CRIS".into(), Some("1.0".into()))));
    assert_eq!(info.gmt.as_deref(), Some("20260115120000Z"));

    let d = &t.descriptive_records().unwrap()[0];
    assert_eq!(d.name.as_ref().map(|n| (n.surname.as_str(), n.given.as_str())), Some(("DOE", "JANE")));
    assert_eq!(d.aliases.len(), 2);
    assert_eq!(d.date_of_birth, Date::new(1980, 2, 29));
    assert_eq!(d.gender, Some(Gender::Female));
    assert_eq!(d.priority, Some(Priority::High));
    assert_eq!(d.a_number.as_deref(), Some("A123456789"));
    assert_eq!(d.country_of_birth.as_deref(), Some("CA"));
    assert_eq!(d.reason.as_deref(), Some("ASYLUM"));
    assert_eq!(d.request_date, Date::new(2026, 1, 15));
    assert_eq!(d.encounter_id.as_deref(), Some("ENC-1"));
    assert_eq!(d.requestor.as_ref().map(|r| r.contact.as_str()), Some("officer@example.gov"));
    assert_eq!(d.query_sequence, Some(1));
    assert_eq!(Template::uniform().check(t.records()[0].as_tagged().unwrap(), 2), Ok(()));

    let m = &t.finger_minutiae().unwrap()[0];
    assert_eq!((m.finger, m.width, m.height, m.minutiae.len()), (2, 500, 500, 12));
    assert_eq!(m.minutiae[1].x, 17);
    assert_eq!(m.minutiae[1].degrees(), 74);
    assert_eq!(m.minutiae[1].kind, MinutiaKind::RidgeEnding);

    let i = &t.fingerprint_images().unwrap()[0];
    assert_eq!(i.compression, Compression::Wsq20);
    assert_eq!(i.positions, [2]);
    assert_eq!(i.data.len(), 80);
    assert!(i.data.ends_with(&[0x1c, 0x1d, 0x1e, 0x1f]));
}

#[test]
fn a_typed_field_that_breaks_its_rule_is_named() {
    let cases = [
        (1, 5, "2026-01-15", "record 1 (Type-1): field 1.005 DAT is not a date YYYYMMDD: \"2026-01-15\""),
        (1, 2, "5.0", "record 1 (Type-1): field 1.002 VER is not four digits: \"5.0\""),
        (1, 6, "0", "record 1 (Type-1): field 1.006 PRY is not a whole number from 1 to 9: \"0\""),
        (1, 11, "500", "record 1 (Type-1): field 1.011 NSR is not dd.dd: \"500\""),
        (1, 14, "2026", "record 1 (Type-1): field 1.014 GMT is not YYYYMMDDhhmmssZ: \"2026\""),
        (2, 24, "Q", "record 2 (Type-2): field 2.024 is not M, F, X or U: \"Q\""),
        (2, 203, "URGENT", "record 2 (Type-2): field 2.203 is not H, M or L: \"URGENT\""),
        (2, 206, "12345678", "record 2 (Type-2): field 2.206 is not A and 8 or 9 digits: \"12345678\""),
        (2, 20, "Canada", "record 2 (Type-2): field 2.020 is not an ISO 3166 country code: \"Canada\""),
        (3, 4, "U", "record 3 (Type-9): field 9.004 FMT is \"U\": only standard minutiae (S) are read"),
        (
            3,
            126,
            "1\u{1f}1",
            "record 3 (Type-9): field 9.126 CBI is not CBEFF owner 27, format type 513 (INCITS 378 minutiae)",
        ),
        (3, 136, "11", "record 3 (Type-9): field 9.137 FMD lists more minutiae than the 11 of 9.136 NOM"),
        (3, 136, "13", "record 3 (Type-9): field 9.137 FMD lists 12 minutiae but 9.136 NOM says 13"),
        (
            3,
            137,
            "1\u{1f}600\u{1f}1\u{1f}1\u{1f}1\u{1f}1",
            "record 3 (Type-9): field 9.137 FMD subfield 1 is not index 1 US x < HLL US y < VLL US angle 0-179 US type 0-2 US quality 0-100",
        ),
        (4, 6, "abc", "record 4 (Type-14): field 14.006 HLL is not a whole number from 10 to 99999: \"abc\""),
        (4, 11, "WSQ-20", "record 4 (Type-14): field 14.011 CGA is not a compression label: \"WSQ-20\""),
        (4, 13, "2\u{1e}x", "record 4 (Type-14): field 14.013 FGP subfield 2 is not a position from 0 to 99"),
        (4, 4, "", "record 4 (Type-14): field 14.004 SRC is empty"),
        (4, 8, "\u{ff}", "record 4 (Type-14): field 14.008 SLC is not a whole number from 0 to 2: \"ÿ\""),
    ];
    for (index, field, text, message) in cases {
        let t = with_field(index, field, text);
        let err = match index {
            1 => t.info().map(|_| ()),
            2 => t.descriptive_records().map(|_| ()),
            3 => t.finger_minutiae().map(|_| ()),
            _ => t.fingerprint_images().map(|_| ()),
        }
        .unwrap_err();
        assert_eq!(err.to_string(), message, "field {field}");
    }
}

#[test]
fn a_missing_mandatory_typed_field_is_named() {
    let t = full();
    let mut header = TaggedRecord::header();
    header.set_text(2, "0500").unwrap();
    let t2 = Transaction::new(header).unwrap();
    assert_eq!(t2.info().unwrap_err().to_string(), "record 1 (Type-1): field 1.004 TOT is missing");
    let mut image = TaggedRecord::new(14, 1).unwrap();
    for field in t.records()[2].as_tagged().unwrap().fields().iter().filter(|f| f.number() != 999 && f.number() != 2) {
        image.set(field.number(), field.value().clone()).unwrap();
    }
    let mut t3 = Transaction::new(t.header().clone()).unwrap();
    t3.push_tagged(image).unwrap();
    assert_eq!(t3.fingerprint_images().unwrap_err().to_string(), "record 2 (Type-14): field 14.999 DATA is missing");
}

// R-IS-07: each partner has its own template (a `Template` lists its fields) and a uniform one
// exists; a record is checked against it and cut down to what it allows.
#[test]
fn a_template_refuses_fields_it_does_not_list_and_requires_its_required_ones() {
    let uniform = Template::uniform();
    let mut r = TaggedRecord::new(2, 1).unwrap();
    r.set(f::NAM, Value::items(["DOE", "JOHN"]).unwrap()).unwrap();
    assert_eq!(uniform.check(&r, 2).unwrap_err().to_string(), "record 2 (Type-2): field 2.022 is missing");
    r.set_text(f::DOB, "19700101").unwrap();
    assert_eq!(uniform.check(&r, 2), Ok(()));
    r.set_text(300, "not agreed").unwrap();
    assert_eq!(
        uniform.check(&r, 2).unwrap_err().to_string(),
        "record 2 (Type-2): field 2.300 is not in the uniform template"
    );
    let restricted = uniform.restrict(&r);
    assert_eq!(restricted.field(300), None);
    assert_eq!(restricted.text(f::DOB), Some("19700101"));
    assert_eq!(restricted.idc(), Some(1));

    r.set(f::AKA, Value::subfields((0..11).map(|i| [format!("ALIAS{i}")])).unwrap()).unwrap();
    let mut r2 = uniform.restrict(&r);
    assert_eq!(
        uniform.check(&r2, 2).unwrap_err().to_string(),
        "record 2 (Type-2): field 2.019 repeats more than 10 times"
    );
    r2.set_text(f::AKA, &"X".repeat(101)).unwrap();
    assert_eq!(
        uniform.check(&r2, 2).unwrap_err().to_string(),
        "record 2 (Type-2): field 2.019 is longer than 100 characters"
    );
}

#[test]
fn builders_refuse_values_the_reader_would_refuse() {
    let t = full();
    let mut image = t.fingerprint_images().unwrap().remove(0);
    image.positions.clear();
    assert!(image.to_record().is_err());
    let mut m = t.finger_minutiae().unwrap().remove(0);
    m.minutiae[0].x = m.width;
    assert!(m.to_record().is_err());
    let d = Descriptive { query_sequence: Some(4), ..Descriptive::default() };
    assert!(d.to_record().is_err());
}
