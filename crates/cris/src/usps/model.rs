//! The tracking extract file, version 1.5 (`../shared/interfaces/usps-tracking.md`): fixed-width
//! fields, each wrapped in quotes and separated by `","`, 393 bytes a detail record. And what each
//! event code means to a customer.

use chrono::NaiveDate;

/// Length of a detail record.
pub const RECORD_LEN: usize = 393;

/// 1-based inclusive positions of the fields, in order.
const FIELDS: [(usize, usize); 23] = [
    (2, 4),
    (8, 41),
    (45, 78),
    (82, 90),
    (94, 113),
    (117, 121),
    (125, 128),
    (132, 136),
    (140, 170),
    (174, 175),
    (179, 218),
    (222, 229),
    (233, 236),
    (240, 248),
    (252, 281),
    (285, 286),
    (290, 309),
    (313, 346),
    (350, 350),
    (354, 362),
    (366, 373),
    (377, 380),
    (384, 392),
];

/// One scan event of a detail record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    /// Tracking number.
    pub tracking_number: String,
    /// Facility ZIP (where the scan happened).
    pub facility_zip: String,
    /// Facility name.
    pub facility_name: String,
    /// Event code.
    pub event_code: String,
    /// Event name as USPS gives it.
    pub event_name: String,
    /// Day.
    pub date: NaiveDate,
    /// Time `HHMM`, local to the facility.
    pub time: String,
    /// The mailer's own key: the receipt number.
    pub customer_reference: String,
}

/// What a line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// A detail record.
    Scan(Scan),
    /// A header or trailer record (shorter than a detail record): counted, not used.
    Other,
}

/// Reads one line. Errors say what is wrong, for the run's report.
pub fn parse_line(line: &str) -> Result<Line, String> {
    let bytes = line.trim_end_matches(['\r', '\n']).as_bytes();
    if bytes.len() < RECORD_LEN {
        return Ok(Line::Other);
    }
    if bytes.len() > RECORD_LEN {
        return Err(format!("{} bytes, a detail record has {RECORD_LEN}", bytes.len()));
    }
    if bytes.first() != Some(&b'"') || bytes.last() != Some(&b'"') {
        return Err("a record starts and ends with a quote".into());
    }
    for pair in FIELDS.windows(2) {
        let (end, next) = (pair[0].1, pair[1].0);
        if bytes.get(end..next - 1) != Some(b"\",\"".as_slice()) {
            return Err(format!("no field separator at position {}", end + 1));
        }
    }
    let field = |i: usize| -> Result<String, String> {
        let (a, b) = FIELDS[i];
        let raw = bytes.get(a - 1..b).ok_or("record too short")?;
        std::str::from_utf8(raw).map(|s| s.trim().to_owned()).map_err(|_| format!("field at position {a} is not text"))
    };
    if field(0)? != "015" {
        return Err(format!("file version {:?}, expected 015", field(0)?));
    }
    let tracking_number = field(1)?;
    if tracking_number.is_empty() {
        return Err("no tracking number".into());
    }
    let date = field(11)?;
    let date =
        NaiveDate::parse_from_str(&date, "%Y%m%d").map_err(|_| format!("event date {date:?} is not YYYYMMDD"))?;
    let time = field(12)?;
    let valid_time = time.len() == 4
        && time.bytes().all(|b| b.is_ascii_digit())
        && time.get(..2).and_then(|h| h.parse::<u8>().ok()).is_some_and(|h| h < 24)
        && time.get(2..).and_then(|m| m.parse::<u8>().ok()).is_some_and(|m| m < 60);
    if !valid_time {
        return Err(format!("event time {time:?} is not HHMM"));
    }
    let event_code = field(9)?.to_uppercase();
    if event_code.is_empty() {
        return Err("no event code".into());
    }
    Ok(Line::Scan(Scan {
        tracking_number,
        facility_zip: field(7)?,
        facility_name: field(8)?,
        event_code,
        event_name: field(10)?,
        date,
        time,
        customer_reference: field(14)?,
    }))
}

pub use crate::case_status::scans::model::Meaning;

/// Builds a detail record (for tests and the benchmark's extract generator).
#[expect(clippy::too_many_arguments, reason = "the fields a test sets")]
pub fn record(
    tracking: &str,
    facility_zip: &str,
    facility: &str,
    code: &str,
    name: &str,
    date: &str,
    time: &str,
    reference: &str,
) -> String {
    let values: [&str; 23] = [
        "015",
        tracking,
        "EFN0001",
        "901234567",
        "USCIS",
        "20500",
        "0001",
        facility_zip,
        facility,
        code,
        name,
        date,
        time,
        "901234567",
        reference,
        "US",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ];
    let cells: Vec<String> = FIELDS
        .iter()
        .zip(values)
        .map(|((a, b), v)| {
            let width = b - a + 1;
            format!("{:<width$}", v.chars().take(width).collect::<String>())
        })
        .collect();
    format!("\"{}\"", cells.join("\",\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_bad_lines_say_why() {
        let r = record(
            "9400111201080805483016",
            "20500",
            "WASHINGTON DC P&DC",
            "01",
            "DELIVERED",
            "20261102",
            "1432",
            "EAC9999103403",
        );
        assert_eq!(r.len(), RECORD_LEN);
        let Line::Scan(s) = parse_line(&r).unwrap() else { panic!("a scan") };
        assert_eq!(
            (s.event_code.as_str(), s.time.as_str(), s.customer_reference.as_str()),
            ("01", "1432", "EAC9999103403")
        );
        assert_eq!(s.date, NaiveDate::from_ymd_opt(2026, 11, 2).unwrap());
        assert_eq!(parse_line("\"H1\",\"header\"").unwrap(), Line::Other);
        assert!(parse_line(&format!("{r}X")).unwrap_err().contains("394 bytes"));
        assert!(parse_line(&r.replacen("\",\"", "\";\"", 1)).unwrap_err().contains("separator"));
        assert!(parse_line(&r.replace("20261102", "20261399")).unwrap_err().contains("YYYYMMDD"));
        assert!(parse_line(&r.replace("1432", "2561")).unwrap_err().contains("HHMM"));
        assert!(parse_line(&r.replacen("015", "014", 1)).unwrap_err().contains("version"));
        // A multi-byte character shifts the fields: refused, never a panic.
        assert!(parse_line(&r.replacen("WASHINGTON", "WASHİNGTON", 1)).is_err());
    }

    #[test]
    fn codes_mean_what_the_table_says() {
        assert_eq!(Meaning::of("17"), Meaning::Delivered);
        assert_eq!(Meaning::of("43"), Meaning::Delivered);
        assert_eq!(Meaning::of("27"), Meaning::Returned);
        assert_eq!(Meaning::of("GX"), Meaning::NotShown);
        assert_eq!(Meaning::of("Z9"), Meaning::Other);
        assert_eq!(Meaning::of("53"), Meaning::Attempted);
    }
}
