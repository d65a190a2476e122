//! Benefit forms: the code a case is filed on, its official titles in both languages, what its
//! approval sends the customer and which offices decide it. Case status pages name the form in
//! every description, and the status flow after approval depends on what the form produces.

use serde::{Deserialize, Serialize};

use crate::kernel::i18n::Lang;

/// Stands for "any field office" in [`Form::processing_offices`]: forms decided after an
/// interview at the customer's local office are not tied to one office code.
pub const FIELD: &str = "FIELD";

/// What an approved case sends the customer by mail, which decides whether the case goes on to
/// card statuses, document statuses, or stops at the approval notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Produces {
    /// A card: permanent resident card, employment authorization document.
    Card,
    /// A document: travel document, certificate, replacement arrival-departure record.
    Document,
    /// Only the approval notice.
    None,
}

impl Produces {
    /// The name used in the data files and the database (`card`, `document`, `none`).
    pub fn as_str(self) -> &'static str {
        match self {
            Produces::Card => "card",
            Produces::Document => "document",
            Produces::None => "none",
        }
    }
}

/// A benefit form, as listed in `data/forms.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Form {
    /// The form number, e.g. `I-130`.
    pub code: String,
    /// The official English title.
    pub title_en: String,
    /// The title used on USCIS's Spanish pages.
    pub title_es: String,
    /// What approval mails to the customer.
    pub produces: Produces,
    /// Codes of the offices that adjudicate the form; [`FIELD`] means any field office.
    pub processing_offices: Vec<String>,
}

impl Form {
    /// The title in `lang`.
    pub fn title(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.title_en,
            Lang::Es => &self.title_es,
        }
    }

    /// Whether field offices (rather than only named centres) decide this form.
    pub fn decided_at_field_offices(&self) -> bool {
        self.processing_offices.iter().any(|code| code == FIELD)
    }

    /// Whether the office with `office_code` is listed as adjudicating this form.
    pub fn processed_by(&self, office_code: &str) -> bool {
        self.processing_offices.iter().any(|code| code == office_code)
    }
}
