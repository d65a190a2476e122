//! The writer: [`Transaction`] → bytes, with every LEN and the Type-1 CNT computed here.
//!
//! A record's LEN counts the whole record, its own digits included, so it is found by fixing the
//! digit count: start from one digit and recompute until the length's digit count no longer
//! changes (a record of 98 bytes plus two digits is 100 bytes, which needs three). CNT lists the
//! records in the order written, each with the IDC its record holds, so it always matches.

use crate::record::{FS, GS, RS, Record, TaggedRecord, Transaction, US, Value};
use crate::tags::{LEN, type1::CNT};

/// Writes a transaction in the traditional encoding.
#[must_use]
pub fn write(transaction: &Transaction) -> Vec<u8> {
    let mut out = Vec::new();
    let cnt = content_listing(transaction);
    write_tagged(&mut out, transaction.header(), Some(&cnt));
    for record in transaction.records() {
        match record {
            Record::Tagged(r) => write_tagged(&mut out, r, None),
            Record::Binary(r) => {
                let len = u32::try_from(r.body().len() + 4).unwrap_or(u32::MAX);
                out.extend_from_slice(&len.to_be_bytes());
                out.extend_from_slice(r.body());
            }
        }
    }
    out
}

/// 1.003 CNT: `1 US count`, then `type US IDC` for each record, the IDC as its record writes it.
fn content_listing(transaction: &Transaction) -> Vec<u8> {
    let mut cnt = format!("1\u{1f}{}", transaction.records().len()).into_bytes();
    for record in transaction.records() {
        cnt.push(RS);
        cnt.extend_from_slice(record.record_type().to_string().as_bytes());
        cnt.push(US);
        match record {
            Record::Tagged(r) => match r.value(crate::tags::IDC) {
                Some(idc) => cnt.extend_from_slice(idc.as_bytes()),
                None => cnt.extend_from_slice(format!("{:02}", record.idc()).as_bytes()),
            },
            Record::Binary(r) => cnt.extend_from_slice(r.idc().to_string().as_bytes()),
        }
    }
    cnt
}

/// Writes one tagged record: LEN, its fields (CNT in its place for Type-1), FS.
fn write_tagged(out: &mut Vec<u8>, record: &TaggedRecord, cnt: Option<&[u8]>) {
    let record_type = record.record_type();
    let mut rest = Vec::new();
    let mut put = |number: u16, value: &[u8]| {
        rest.push(GS);
        rest.extend_from_slice(format!("{record_type}.{number:03}:").as_bytes());
        rest.extend_from_slice(value);
    };
    let mut cnt = cnt;
    for field in record.fields() {
        if let Some(c) = cnt.filter(|_| field.number() > CNT) {
            put(CNT, c);
            cnt = None;
        }
        match field.value() {
            Value::Text(b) | Value::Binary(b) => put(field.number(), b),
        }
    }
    if let Some(c) = cnt {
        put(CNT, c);
    }
    rest.push(FS);

    let tag = format!("{record_type}.{LEN:03}:");
    let len = stable_length(tag.len() + rest.len());
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(len.to_string().as_bytes());
    out.extend_from_slice(&rest);
}

/// The record length when everything but LEN's digits takes `fixed` bytes.
fn stable_length(fixed: usize) -> usize {
    let mut digits = 1;
    loop {
        let total = fixed + digits;
        let needed = total.to_string().len();
        if needed == digits {
            return total;
        }
        digits = needed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_counts_its_own_digits_across_a_power_of_ten() {
        assert_eq!(stable_length(5), 6);
        assert_eq!(stable_length(8), 9);
        // 9 + 1 digit = 10, which needs 2 digits: 11.
        assert_eq!(stable_length(9), 11);
        assert_eq!(stable_length(97), 99);
        // 98 + 2 = 100 needs three digits: 101.
        assert_eq!(stable_length(98), 101);
        assert_eq!(stable_length(99_995), 100_001);
        for fixed in 0..20_000 {
            let total = stable_length(fixed);
            assert_eq!(total, fixed + total.to_string().len(), "fixed {fixed}");
        }
    }
}
