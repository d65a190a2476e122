//! What a status lookup shows, in both languages. Built once per lookup by the service; pages and
//! wire formats only arrange it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::kernel::i18n::Lang;

/// A status title and its description (an HTML fragment: text escaped, tracking links as anchors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    /// Title, plain text.
    pub title: String,
    /// Description, HTML.
    pub description_html: String,
}

/// Both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Both {
    /// English.
    pub en: Wording,
    /// Spanish.
    pub es: Wording,
}

impl Both {
    /// The wording in a language.
    pub fn get(&self, lang: Lang) -> &Wording {
        match lang {
            Lang::En => &self.en,
            Lang::Es => &self.es,
        }
    }
}

/// One step of the history. Only the newest step (the current status) carries its description;
/// the others are shown by title and date, so their descriptions are not worded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// When.
    pub date: NaiveDate,
    /// What.
    pub wording: Both,
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

/// Everything a lookup answers.
#[derive(Debug, Clone)]
pub struct Report {
    /// Canonical receipt number.
    pub receipt: String,
    /// Form code.
    pub form: String,
    /// Form title, English.
    pub form_title_en: String,
    /// Form title, Spanish.
    pub form_title_es: String,
    /// Office holding the case.
    pub office_code: String,
    /// Office name, English.
    pub office_name_en: String,
    /// Office name, Spanish.
    pub office_name_es: String,
    /// Received.
    pub received_on: NaiveDate,
    /// The day of the current status: the date of the latest status event (what the developer
    /// API calls `modifiedDate`, whatever else about the case changed since).
    pub status_on: NaiveDate,
    /// Current status code.
    pub status_code: String,
    /// Current status wording.
    pub current: Both,
    /// History, newest first.
    pub history: Vec<Step>,
    /// Mailed documents.
    pub mailed: Vec<Mailed>,
    /// USPS scans of the mailed documents, newest first.
    pub scans: Vec<super::scans::model::Shown>,
    /// The posted processing time for the form at the office, if posted.
    pub processing: Option<crate::processing_times::Posted>,
    /// Filed electronically (receipt prefix IOE).
    pub electronic: bool,
}

impl Report {
    /// The form title in a language.
    pub fn form_title(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.form_title_en,
            Lang::Es => &self.form_title_es,
        }
    }

    /// The office name in a language.
    pub fn office_name(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.office_name_en,
            Lang::Es => &self.office_name_es,
        }
    }
}

#[cfg(test)]
mod tests {
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
