//! Whatever reads writes back to bytes that read to the same transaction, and writing that again
//! gives the same bytes (the writer's output is canonical and stable). Typed views that read
//! build records that read back equal.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(t) = ansi_nist::read(data) else { return };
    let written = ansi_nist::write(&t);
    let again = match ansi_nist::read(&written) {
        Ok(again) => again,
        Err(e) => panic!("written transaction does not read: {e}"),
    };
    assert_eq!(again, t, "read(write(t)) != t");
    assert_eq!(ansi_nist::write(&again), written, "write is not stable");

    if let Ok(info) = t.info() {
        let record = info.to_record().expect("a read Type-1 builds");
        assert_eq!(ansi_nist::TransactionInfo::from_record(&record).as_ref(), Ok(&info));
    }
    for (index, record) in t.tagged_of_type(14) {
        if let Ok(image) = ansi_nist::FingerprintImage::from_record(record, index) {
            let rebuilt = image.to_record().expect("a read Type-14 builds");
            assert_eq!(ansi_nist::FingerprintImage::from_record(&rebuilt, index).as_ref(), Ok(&image));
        }
    }
    for (index, record) in t.tagged_of_type(9) {
        if let Ok(m) = ansi_nist::FingerMinutiae::from_record(record, index) {
            let rebuilt = m.to_record().expect("a read Type-9 builds");
            assert_eq!(ansi_nist::FingerMinutiae::from_record(&rebuilt, index).as_ref(), Ok(&m));
        }
    }
    for (index, record) in t.tagged_of_type(2) {
        if let Ok(d) = ansi_nist::Descriptive::from_record(record, index) {
            let rebuilt = d.to_record().expect("a read Type-2 builds");
            assert_eq!(ansi_nist::Descriptive::from_record(&rebuilt, index).as_ref(), Ok(&d));
        }
    }
});
