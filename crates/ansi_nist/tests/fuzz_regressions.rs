//! Every input the fuzzers found a fault with (`tests/fuzz_regressions/`), run through the same
//! checks as the fuzz targets, so none comes back.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "test fixtures fail loudly")]

use ansi_nist::{Descriptive, FingerMinutiae, FingerprintImage, TransactionInfo, read, write};

/// The `read` and `roundtrip` fuzz targets' checks, as one function.
fn check(data: &[u8]) {
    let Ok(t) = read(data).map_err(|e| assert!(!e.to_string().is_empty())) else { return };
    let written = write(&t);
    let again = read(&written).expect("written transaction reads");
    assert_eq!(again, t);
    assert_eq!(write(&again), written);
    if let Ok(info) = t.info() {
        assert_eq!(TransactionInfo::from_record(&info.to_record().unwrap()), Ok(info));
    }
    for (index, record) in t.tagged_of_type(2) {
        if let Ok(d) = Descriptive::from_record(record, index) {
            assert_eq!(Descriptive::from_record(&d.to_record().unwrap(), index), Ok(d));
        }
    }
    for (index, record) in t.tagged_of_type(9) {
        if let Ok(m) = FingerMinutiae::from_record(record, index) {
            assert_eq!(FingerMinutiae::from_record(&m.to_record().unwrap(), index), Ok(m));
        }
    }
    for (index, record) in t.tagged_of_type(14) {
        if let Ok(i) = FingerprintImage::from_record(record, index) {
            assert_eq!(FingerprintImage::from_record(&i.to_record().unwrap(), index), Ok(i));
        }
    }
}

#[test]
fn inputs_the_fuzzers_found_faults_with_pass_the_fuzz_checks() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        check(&std::fs::read(&path).unwrap());
        count += 1;
    }
    assert!(count >= 1, "the regression inputs are there");
}

#[test]
fn a_single_value_field_holding_items_is_refused_by_the_typed_view() {
    // Found by the roundtrip fuzzer: a GS turned into US merged 2.204 ENC with the next field, the
    // typed view took "ENC-1<US>2.205:FIN123" as the encounter identifier, and building a record
    // from it failed.
    let data = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fuzz_regressions/roundtrip-single-value-with-items.an2"),
    )
    .unwrap();
    let t = read(&data).unwrap();
    let err = t.descriptive_records().unwrap_err();
    assert_eq!(
        err.to_string(),
        "record 2 (Type-2): field 2.204 holds several subfields or items where one value is expected"
    );
}
