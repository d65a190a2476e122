//! What a status lookup shows, in both languages. Built once per lookup by the service; pages and
//! wire formats only arrange it.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::kernel::html::escape;
use crate::kernel::i18n::Lang;
use crate::reference::{Catalog, DescriptionContext};

/// A status title and its description (an HTML fragment: text escaped, tracking links as anchors).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wording {
    /// Title, plain text.
    pub title: String,
    /// Description, HTML.
    pub description_html: String,
}

/// A document mailed for the case.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize, Deserialize)]
pub struct Mailed {
    /// USPS tracking number.
    #[serde(rename = "t")]
    pub tracking_number: String,
    /// `card` or `document`.
    #[serde(rename = "k")]
    pub kind: String,
    /// Day mailed.
    #[serde(rename = "d")]
    pub mailed_on: NaiveDate,
}

/// A history row: the status code and date, and the source's own wording when it sent text.
/// Short names in the stored report (`Facts`), where it is repeated millions of times.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize, Deserialize)]
pub struct HistoryRow {
    /// Status code (`CUSTOM` for text from an older source).
    #[serde(rename = "c")]
    pub status_code: String,
    /// When.
    #[serde(rename = "d")]
    pub occurred_on: NaiveDate,
    /// Source's title, English.
    #[serde(rename = "te", default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    /// Source's description (sanitised HTML), English.
    #[serde(rename = "de", default, skip_serializing_if = "Option::is_none")]
    pub desc_en: Option<String>,
    /// Source's title, Spanish.
    #[serde(rename = "ts", default, skip_serializing_if = "Option::is_none")]
    pub title_es: Option<String>,
    /// Source's description (sanitised HTML), Spanish.
    #[serde(rename = "ds", default, skip_serializing_if = "Option::is_none")]
    pub desc_es: Option<String>,
}

/// What a lookup shows of a case beyond its own row, kept beside the case (`cases.report`) and
/// rewritten in the transaction that changes any of it, so that a lookup is one read (issue 18):
/// the history (oldest first), the mailed items (by day mailed) and the USPS scans worth showing
/// (newest first). Language-free facts: wording comes from the catalogue in memory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// History, oldest first.
    #[serde(rename = "h", default)]
    pub history: Vec<HistoryRow>,
    /// Mailed items.
    #[serde(rename = "m", default, skip_serializing_if = "Vec::is_empty")]
    pub mailed: Vec<Mailed>,
    /// Scans shown, newest first.
    #[serde(rename = "s", default, skip_serializing_if = "Vec::is_empty")]
    pub scans: Vec<super::scans::model::Shown>,
}

impl Facts {
    /// The stored form (compact JSON).
    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// What [`Facts::encode`] writes for facts with only status codes and days in their history
    /// (no source wording), mailed items and no scans, written straight from borrowed parts
    /// (`history` oldest first, `mailed` by day mailed) without building the facts: the demo
    /// loader encodes tens of millions of them.
    pub fn encode_plain(history: &[(&str, NaiveDate)], mailed: &[(&str, &str, NaiveDate)]) -> String {
        fn text(out: &mut Vec<u8>, s: &str) {
            // Codes and numbers need no escape; anything else is escaped as serde_json does.
            if s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
                out.push(b'"');
                out.extend_from_slice(s.as_bytes());
                out.push(b'"');
            } else {
                let _ = serde_json::to_writer(&mut *out, s);
            }
        }
        fn day(out: &mut Vec<u8>, d: NaiveDate) {
            match crate::kernel::db::text::Day::of(d) {
                crate::kernel::db::text::Day::Short(b) => {
                    out.push(b'"');
                    out.extend_from_slice(&b);
                    out.push(b'"');
                }
                crate::kernel::db::text::Day::Long(_) => {
                    let _ = serde_json::to_writer(&mut *out, &d);
                }
            }
        }
        let mut out = Vec::with_capacity(16 + history.len() * 36 + mailed.len() * 60);
        out.extend_from_slice(b"{\"h\":[");
        for (i, (code, on)) in history.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"c\":");
            text(&mut out, code);
            out.extend_from_slice(b",\"d\":");
            day(&mut out, *on);
            out.push(b'}');
        }
        out.push(b']');
        if !mailed.is_empty() {
            out.extend_from_slice(b",\"m\":[");
            for (i, (tracking, kind, on)) in mailed.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(b"{\"t\":");
                text(&mut out, tracking);
                out.extend_from_slice(b",\"k\":");
                text(&mut out, kind);
                out.extend_from_slice(b",\"d\":");
                day(&mut out, *on);
                out.push(b'}');
            }
            out.push(b']');
        }
        out.push(b'}');
        String::from_utf8(out).unwrap_or_default()
    }

    /// Reads the stored form; `None` when it cannot be read (the lookup then reads the tables).
    pub fn decode(stored: &str) -> Option<Facts> {
        serde_json::from_str(stored).ok()
    }
}

impl Mailed {
    /// The public USPS tracking page.
    pub fn usps_url(&self) -> String {
        format!("https://tools.usps.com/go/TrackConfirmAction_input?origTrackNum={}", self.tracking_number)
    }
}

/// Everything a lookup answers: the case's facts and the catalogue they are worded from. The
/// wording is made on demand in the language asked (issue 18): a page renders one language, and
/// the history's titles are borrowed from the catalogue rather than copied line by line; the wire
/// formats that carry both languages ask for both.
#[derive(Debug, Clone)]
pub struct Report {
    catalog: Arc<Catalog>,
    /// The installation's public address (built-in descriptions link from it).
    public_url: String,
    /// The case's row id (what other capabilities know the case by; never shown).
    pub case_id: i64,
    /// Canonical receipt number.
    pub receipt: String,
    /// Form code (a form of the catalogue: a lookup answers nothing for any other).
    pub form: String,
    /// Office holding the case.
    pub office_code: String,
    /// Received.
    pub received_on: NaiveDate,
    /// The day of the current status: the date of the latest status event (what the developer
    /// API calls `modifiedDate`, whatever else about the case changed since).
    pub status_on: NaiveDate,
    /// Current status code.
    pub status_code: String,
    /// History, oldest first (as stored).
    history: Vec<HistoryRow>,
    /// Mailed documents.
    pub mailed: Vec<Mailed>,
    /// USPS scans of the mailed documents, newest first.
    pub scans: Vec<super::scans::model::Shown>,
    /// The posted processing time for the form at the office, if posted (shared with the
    /// copy of the posted times in memory).
    pub processing: Option<Arc<crate::processing_times::Posted>>,
    /// Filed electronically (receipt prefix IOE).
    pub electronic: bool,
}

/// What [`Report::new`] is made of beside the catalogue: the case row's facts and the report's.
#[derive(Debug)]
pub struct Parts {
    /// The case's row id.
    pub case_id: i64,
    /// Canonical receipt number.
    pub receipt: String,
    /// Form code.
    pub form: String,
    /// Office holding the case.
    pub office_code: String,
    /// Received.
    pub received_on: NaiveDate,
    /// Current status since.
    pub status_on: NaiveDate,
    /// Current status code.
    pub status_code: String,
    /// History, oldest first; mailed items; scans shown.
    pub facts: Facts,
    /// The posted processing time.
    pub processing: Option<Arc<crate::processing_times::Posted>>,
    /// Filed electronically.
    pub electronic: bool,
}

/// One step of the history as shown: its day and its title in either language, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct StepView<'a> {
    /// When.
    pub date: NaiveDate,
    row: &'a HistoryRow,
    catalog: &'a Catalog,
}

impl<'a> StepView<'a> {
    /// The step's title: the source's own (an older source's text), or the catalogue's.
    pub fn title(&self, lang: Lang) -> &'a str {
        if let Some((title_en, title_es)) = self.row.own_titles() {
            return match lang {
                Lang::En => title_en,
                Lang::Es => title_es,
            };
        }
        self.catalog.status(&self.row.status_code).map_or(&self.row.status_code, |s| s.title(lang))
    }
}

impl HistoryRow {
    /// An older source's own titles (English, and Spanish or else English), when it sent its own
    /// wording (a title and a description).
    fn own_titles(&self) -> Option<(&str, &str)> {
        match (&self.title_en, &self.desc_en) {
            (Some(en), Some(_)) => Some((en, self.title_es.as_deref().unwrap_or(en))),
            _ => None,
        }
    }
}

impl Report {
    /// A report of a case whose form is in the catalogue.
    pub fn new(catalog: Arc<Catalog>, public_url: &str, parts: Parts) -> Report {
        let Parts {
            case_id,
            receipt,
            form,
            office_code,
            received_on,
            status_on,
            status_code,
            facts,
            processing,
            electronic,
        } = parts;
        Report {
            catalog,
            public_url: public_url.to_owned(),
            case_id,
            receipt,
            form,
            office_code,
            received_on,
            status_on,
            status_code,
            history: facts.history,
            mailed: facts.mailed,
            scans: facts.scans,
            processing,
            electronic,
        }
    }

    /// The form title in a language.
    pub fn form_title(&self, lang: Lang) -> &str {
        self.catalog.form(&self.form).map_or("", |f| f.title(lang))
    }

    /// The office name in a language (its code when the catalogue does not know it).
    pub fn office_name(&self, lang: Lang) -> &str {
        self.catalog.office(&self.office_code).map_or(&self.office_code, |o| o.name(lang))
    }

    /// The history, newest first.
    pub fn history(&self) -> impl ExactSizeIterator<Item = StepView<'_>> + DoubleEndedIterator {
        self.history.iter().rev().map(|row| StepView { date: row.occurred_on, row, catalog: &self.catalog })
    }

    /// The current status, title and description, in a language: the newest step's (an older
    /// source's own text as given, sanitised when it arrived), or the case's status.
    pub fn current(&self, lang: Lang) -> Wording {
        let Some(newest) = self.history.last() else {
            return self.worded(&self.status_code, self.status_on, lang);
        };
        match (newest.own_titles(), &newest.desc_en) {
            (Some((title_en, title_es)), Some(desc_en)) => match lang {
                Lang::En => Wording { title: title_en.to_owned(), description_html: desc_en.clone() },
                Lang::Es => Wording {
                    title: title_es.to_owned(),
                    description_html: newest.desc_es.as_ref().unwrap_or(desc_en).clone(),
                },
            },
            _ => self.worded(&newest.status_code, newest.occurred_on, lang),
        }
    }

    /// A catalogue status worded for this case: its description's placeholders filled, the
    /// text escaped, the tracking and change-of-address links made.
    fn worded(&self, code: &str, date: NaiveDate, lang: Lang) -> Wording {
        let Some(status) = self.catalog.status(code) else {
            return Wording { title: code.to_owned(), description_html: String::new() };
        };
        let Some(form) = self.catalog.form(&self.form) else {
            return Wording { title: status.title(lang).to_owned(), description_html: String::new() };
        };
        // A step names the item mailed on or before its date, if any (cards and documents).
        let mailed = self.mailed.iter().rev().find(|m| m.mailed_on <= date);
        let ctx = DescriptionContext {
            date,
            form,
            receipt: &self.receipt,
            office: self.catalog.office(&self.office_code),
            tracking_html: mailed.map(|_| TRACKING_SLOT),
            change_address_html: CHANGE_ADDRESS_SLOT,
        };
        let text = escape(&status.render_description(lang, &ctx));
        Wording { title: status.title(lang).to_owned(), description_html: fill_slots(&text, mailed, &self.public_url) }
    }
}

/// Stands where the tracking link goes while the rest is escaped.
const TRACKING_SLOT: &str = "\u{E000}";
/// Stands where the change-of-address link goes while the rest is escaped.
const CHANGE_ADDRESS_SLOT: &str = "\u{E001}";

/// The escaped description with its slots replaced by their links, in one pass. The slots are
/// private-use characters, which escaping leaves as they are.
fn fill_slots(text: &str, mailed: Option<&Mailed>, public_url: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(text.len() + 256);
    let mut rest = text;
    while let Some(at) = rest.find(['\u{E000}', '\u{E001}']) {
        out.push_str(rest.get(..at).unwrap_or_default());
        let after = rest.get(at..).unwrap_or_default();
        let tracking = after.starts_with(TRACKING_SLOT);
        // Both slots are three bytes long.
        rest = after.get(TRACKING_SLOT.len()..).unwrap_or_default();
        if tracking {
            if let Some(m) = mailed {
                let _ = write!(
                    out,
                    r#"<a href="{}" target="_blank">{}</a>"#,
                    escape(&m.usps_url()),
                    escape(&m.tracking_number)
                );
            }
        } else {
            // Absolute, from the configured public address: the text is read in apps, email
            // and on other sites, where a bare path means nothing.
            let url = escape(&format!("{}{}", public_url.trim_end_matches('/'), crate::reference::CHANGE_ADDRESS_PATH));
            let _ = write!(out, r#"<a href="{url}" target="_blank">{url}</a>"#);
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn plain_facts_encode_as_the_facts_do() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let step = |c: &str, on| HistoryRow {
            status_code: c.into(),
            occurred_on: on,
            title_en: None,
            desc_en: None,
            title_es: None,
            desc_es: None,
        };
        let mail = |t: &str, k: &str, on| Mailed { tracking_number: t.into(), kind: k.into(), mailed_on: on };
        type Plain<'a> = (Vec<(&'a str, NaiveDate)>, Vec<(&'a str, &'a str, NaiveDate)>);
        let cases: Vec<Plain<'_>> = vec![
            (vec![], vec![]),
            (vec![("CASE_RECEIVED", d(2024, 1, 2))], vec![]),
            (
                vec![
                    ("CASE_RECEIVED", d(2024, 1, 2)),
                    ("CARD_MAILED", d(2024, 3, 4)),
                    ("odd \"code\"\n é", d(999, 1, 1)),
                    ("CASE_DENIED", d(12_345, 6, 7)),
                ],
                vec![("9205590123456700000012", "card", d(2024, 3, 4)), ("x\\y", "document", d(2024, 3, 5))],
            ),
        ];
        for (history, mailed) in cases {
            let facts = Facts {
                history: history.iter().map(|(c, on)| step(c, *on)).collect(),
                mailed: mailed.iter().map(|(t, k, on)| mail(t, k, *on)).collect(),
                scans: Vec::new(),
            };
            assert_eq!(Facts::encode_plain(&history, &mailed), facts.encode());
        }
    }
    use super::*;

    // R-CS-01 (issue 18): the stored report reads back as written, custom wording included, and
    // what cannot be read is refused (the lookup then reads the tables).
    #[test]
    fn facts_round_trip() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap_or_default();
        let facts = Facts {
            history: vec![
                HistoryRow {
                    status_code: "CASE_RECEIVED".into(),
                    occurred_on: day,
                    title_en: None,
                    desc_en: None,
                    title_es: None,
                    desc_es: None,
                },
                HistoryRow {
                    status_code: "CUSTOM".into(),
                    occurred_on: day,
                    title_en: Some("Notice \"Mailed\"".into()),
                    desc_en: Some("<p>é</p>".into()),
                    title_es: None,
                    desc_es: None,
                },
            ],
            mailed: vec![Mailed {
                tracking_number: "9205590123456700000015".into(),
                kind: "card".into(),
                mailed_on: day,
            }],
            scans: Vec::new(),
        };
        let stored = facts.encode();
        assert!(stored.len() < 260, "compact: {stored}");
        assert_eq!(Facts::decode(&stored), Some(facts));
        assert_eq!(Facts::decode("{\"h\": 3}"), None);
    }
}
