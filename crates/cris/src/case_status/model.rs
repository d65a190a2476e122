//! What a status lookup shows, in both languages. Built once per lookup by the service; pages and
//! wire formats only arrange it.

use chrono::NaiveDate;

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

/// One step of the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// When.
    pub date: NaiveDate,
    /// What.
    pub wording: Both,
}

/// A document mailed for the case.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Mailed {
    /// USPS tracking number.
    pub tracking_number: String,
    /// `card` or `document`.
    pub kind: String,
    /// Day mailed.
    pub mailed_on: NaiveDate,
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
    pub scans: Vec<crate::usps::service::Shown>,
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
