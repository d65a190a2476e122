//! Round-trip properties over generated transactions: whatever is built writes and reads back
//! equal, the writer's output reads and writes back byte for byte, a cut transaction never reads,
//! and the typed views (Type-1, 2, 9, 14) survive the trip. Images are generated full of
//! separator bytes, since that is what the LEN slicing is for.

#![expect(clippy::expect_used, reason = "generators build only valid values; a failure is a bug to see")]

use ansi_nist::{
    BinaryRecord, Compression, Date, Descriptive, FingerMinutiae, FingerprintImage, Gender, Minutia, MinutiaKind, Name,
    Priority, Record, Requestor, TaggedRecord, Transaction, TransactionInfo, Value, read, write,
};
use proptest::prelude::*;

/// Bytes with a heavy share of the four separators.
fn binary(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop_oneof![3 => 0x1Cu8..=0x1F, 1 => any::<u8>()], 0..max)
}

/// An item: any characters but the four separators.
fn item() -> impl Strategy<Value = String> {
    "[^\u{1c}-\u{1f}]{0,10}"
}

fn text_value() -> impl Strategy<Value = Value> {
    prop::collection::vec(prop::collection::vec(item(), 1..4), 1..4)
        .prop_map(|subfields| Value::subfields(subfields).expect("items hold no separator"))
}

fn tagged_record() -> impl Strategy<Value = TaggedRecord> {
    let record_type = prop_oneof![Just(2u8), Just(9u8), Just(14u8), 10u8..=99];
    (record_type, 0u8..=99, prop::collection::btree_map(3u16..=998, text_value(), 0..6), binary(300)).prop_map(
        |(t, idc, fields, data)| {
            let mut r = TaggedRecord::new(t, idc).expect("a tagged type");
            for (n, v) in fields {
                r.set(n, v).expect("a text field");
            }
            if t == 2 {
                r.set_text(999, "type-2 field 999 is text").expect("text");
            } else {
                r.set(999, Value::Binary(data)).expect("binary data");
            }
            r
        },
    )
}

fn binary_record() -> impl Strategy<Value = BinaryRecord> {
    (3u8..=8, 0u8..=99, binary(100)).prop_map(|(t, idc, rest)| {
        let body = std::iter::once(idc).chain(rest).collect();
        BinaryRecord::new(t, body).expect("a binary record")
    })
}

fn transaction() -> impl Strategy<Value = Transaction> {
    let header_fields = prop::collection::btree_map(prop_oneof![Just(2u16), 4u16..=999], text_value(), 0..8);
    let records = prop::collection::vec(
        prop_oneof![3 => tagged_record().prop_map(Record::Tagged), 1 => binary_record().prop_map(Record::Binary)],
        0..6,
    );
    (header_fields, records).prop_map(|(fields, records)| {
        let mut header = TaggedRecord::header();
        for (n, v) in fields {
            header.set(n, v).expect("a text field");
        }
        let mut t = Transaction::new(header).expect("a Type-1 record");
        for r in records {
            t.push(r).expect("few records");
        }
        t
    })
}

fn date() -> impl Strategy<Value = Date> {
    (1900u16..=2100, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| Date::new(y, m, d).expect("a real date"))
}

/// A single value: 1 to `max` characters, no separators.
fn value(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[^\u{1c}-\u{1f}]{{1,{max}}}")).expect("a regex")
}

fn info() -> impl Strategy<Value = TransactionInfo> {
    (
        ("[0-9]{4}", "[A-Z0-9]{1,16}", date(), prop::option::of(1u8..=9)),
        (value(35), value(35), value(40), prop::option::of(value(40))),
        ("[0-9]{2}\\.[0-9]{2}", "[0-9]{2}\\.[0-9]{2}", prop::option::of((item(), prop::option::of(item())))),
        prop::option::of((date(), "[0-9]{6}")),
    )
        .prop_map(|((version, tot, date, priority), (dai, ori, tcn, tcr), (nsr, ntr, domain), gmt)| {
            TransactionInfo {
                version,
                transaction_type: tot,
                date,
                priority,
                destination: dai,
                originator: ori,
                control_number: tcn,
                control_reference: tcr,
                native_scanning_resolution: nsr,
                nominal_transmitting_resolution: ntr,
                domain: domain.map(|(n, v)| (format!("D{n}"), v)),
                gmt: gmt.map(|(d, hms)| format!("{d}{hms}Z")),
            }
        })
}

fn image() -> impl Strategy<Value = FingerprintImage> {
    let compression = prop_oneof![
        Just(Compression::None),
        Just(Compression::Wsq20),
        Just(Compression::JpegB),
        Just(Compression::JpegL),
        Just(Compression::Jp2),
        Just(Compression::Jp2L),
        Just(Compression::Png),
        "[A-Z][A-Z0-9]{0,4}".prop_map(|l| Compression::parse(&l).expect("a label")),
    ];
    (
        (0u8..=99, value(35), prop::option::of(date()), 10u32..=99_999, 10u32..=99_999),
        (0u8..=2, 1u32..=99_999, 1u32..=99_999, compression, 1u8..=99),
        (prop::collection::vec(0u8..=99, 1..=6), binary(2000), 0u8..=99),
    )
        .prop_map(|((imp, src, fcd, w, h), (slc, th, tv, cga, bpx), (positions, data, idc))| FingerprintImage {
            idc,
            impression: imp,
            source: src,
            capture_date: fcd,
            width: w,
            height: h,
            scale_units: slc,
            horizontal_scale: th,
            vertical_scale: tv,
            compression: cga,
            bits_per_pixel: bpx,
            positions,
            data,
        })
}

fn minutiae() -> impl Strategy<Value = FingerMinutiae> {
    let kind = prop_oneof![Just(MinutiaKind::Other), Just(MinutiaKind::RidgeEnding), Just(MinutiaKind::Bifurcation)];
    let minutia = (0u16..400, 0u16..500, 0u8..=179, kind, 0u8..=100).prop_map(|(x, y, angle, kind, quality)| Minutia {
        x,
        y,
        angle,
        kind,
        quality,
    });
    (0u8..=99, 0u8..=99, 0u8..=2, 1u16..=1000, 1u16..=1000, 0u8..=10, prop::collection::vec(minutia, 0..80)).prop_map(
        |(idc, imp, slc, th, tv, finger, minutiae)| FingerMinutiae {
            idc,
            impression: imp,
            width: 400,
            height: 500,
            scale_units: slc,
            horizontal_scale: th,
            vertical_scale: tv,
            finger,
            minutiae,
        },
    )
}

fn name() -> impl Strategy<Value = Name> {
    (value(40), item()).prop_map(|(surname, given)| Name { surname, given })
}

fn descriptive() -> impl Strategy<Value = Descriptive> {
    let gender = prop_oneof![Just(Gender::Male), Just(Gender::Female), Just(Gender::Other), Just(Gender::Unknown)];
    let priority = prop_oneof![Just(Priority::High), Just(Priority::Medium), Just(Priority::Low)];
    (
        (0u8..=99, prop::option::of(name()), prop::collection::vec(name(), 0..4), prop::option::of("[A-Z]{2,3}")),
        (prop::option::of(date()), prop::option::of(gender), prop::option::of(value(300))),
        (prop::option::of((value(60), item())), prop::option::of(date()), prop::option::of(priority)),
        (prop::option::of(value(40)), prop::option::of(value(40)), prop::option::of("A[0-9]{8,9}")),
        (prop::option::of(value(40)), prop::option::of(1u8..=3)),
    )
        .prop_map(|((idc, name, aliases, pob), (dob, sex, rfp), (rqr, rqd, pri), (enc, fin, anu), (fpn, qsq))| {
            Descriptive {
                idc,
                name,
                aliases,
                country_of_birth: pob,
                date_of_birth: dob,
                gender: sex,
                reason: rfp,
                requestor: rqr.map(|(name, contact)| Requestor { name, contact }),
                request_date: rqd,
                priority: pri,
                encounter_id: enc,
                fin,
                a_number: anu,
                partner_id: fpn,
                query_sequence: qsq,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn written_transactions_read_back_equal(t in transaction()) {
        let bytes = write(&t);
        let back = read(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, &t);
        // The writer's output is canonical: reading and writing it again gives the same bytes.
        prop_assert_eq!(write(&back), bytes);
    }

    #[test]
    fn a_transaction_cut_short_never_reads(t in transaction(), cut in any::<prop::sample::Index>()) {
        let bytes = write(&t);
        let at = cut.index(bytes.len());
        prop_assert!(read(&bytes[..at]).is_err());
    }

    #[test]
    fn a_changed_byte_reads_to_an_error_or_to_a_transaction_that_round_trips(
        t in transaction(), at in any::<prop::sample::Index>(), byte in any::<u8>()
    ) {
        let mut bytes = write(&t);
        let i = at.index(bytes.len());
        bytes[i] = byte;
        match read(&bytes) {
            Ok(changed) => prop_assert_eq!(read(&write(&changed)), Ok(changed)),
            Err(e) => prop_assert!(e.to_string().starts_with("record ") || e.to_string().starts_with("transaction ")),
        }
    }

    #[test]
    fn any_bytes_read_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = read(&bytes);
        let mut with_header = b"1.001:".to_vec();
        with_header.extend_from_slice(&bytes);
        let _ = read(&with_header);
    }

    #[test]
    fn typed_records_survive_the_trip(
        info in info(), d in descriptive(), m in minutiae(), i in image()
    ) {
        let mut t = Transaction::new(info.to_record().unwrap()).unwrap();
        let mut i = i;
        i.idc = m.idc.wrapping_add(1) % 100;
        t.push_tagged(d.to_record().unwrap()).unwrap();
        t.push_tagged(m.to_record().unwrap()).unwrap();
        t.push_tagged(i.to_record().unwrap()).unwrap();
        let back = read(&write(&t)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back.info(), Ok(info));
        prop_assert_eq!(back.descriptive_records(), Ok(vec![d]));
        prop_assert_eq!(back.finger_minutiae(), Ok(vec![m]));
        prop_assert_eq!(back.fingerprint_images(), Ok(vec![i]));
    }
}
