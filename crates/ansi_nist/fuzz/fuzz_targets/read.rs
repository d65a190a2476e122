//! Any bytes: the reader and every typed view return a value or an error, never panic, and an
//! error always renders.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match ansi_nist::read(data) {
        Err(e) => {
            let _ = e.to_string();
        }
        Ok(t) => {
            let _ = t.info().map_err(|e| e.to_string());
            let _ = t.descriptive_records().map_err(|e| e.to_string());
            let _ = t.finger_minutiae().map_err(|e| e.to_string());
            let _ = t.fingerprint_images().map_err(|e| e.to_string());
            let template = ansi_nist::Template::uniform();
            for (index, record) in t.tagged_of_type(2) {
                let _ = template.check(record, index).map_err(|e| e.to_string());
                let _ = template.restrict(record);
            }
        }
    }
});
