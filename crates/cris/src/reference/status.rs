//! The case status catalogue: the title and description a customer sees for each step of a
//! case, in English and Spanish. Descriptions are templates filled with the case's date, form,
//! receipt number and, for some steps, an office or a USPS tracking link.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::date::format_date;
use super::form::Form;
use super::office::Office;
use super::template::{Piece, Slot, Template};
use crate::kernel::i18n::Lang;

/// Where customers report a new mailing address, below the public address; the caller makes
/// `{change_address_link}` an absolute link from it (the text travels to apps, email and other
/// sites, where a bare path means nothing).
pub const CHANGE_ADDRESS_PATH: &str = "/change-of-address";

/// The step of a case a status belongs to, in the order a case usually goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// The filing was received (or rejected at the door), fees handled.
    Intake,
    /// Fingerprints, photo and signature.
    Biometrics,
    /// An officer is reviewing the case.
    Review,
    /// Evidence was requested or received.
    Evidence,
    /// Interview scheduled, held or cancelled.
    Interview,
    /// The case moved to another office.
    Transfer,
    /// Name, address or notice updates that do not move the case forward.
    Update,
    /// Approved, denied, rejected or withdrawn.
    Decision,
    /// A card or document is being produced, or the oath ceremony is set.
    Production,
    /// The card or document is on its way or arrived.
    Delivery,
}

impl Stage {
    /// The name used in the data files (`intake`, `biometrics`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Intake => "intake",
            Stage::Biometrics => "biometrics",
            Stage::Review => "review",
            Stage::Evidence => "evidence",
            Stage::Interview => "interview",
            Stage::Transfer => "transfer",
            Stage::Update => "update",
            Stage::Decision => "decision",
            Stage::Production => "production",
            Stage::Delivery => "delivery",
        }
    }
}

/// A case status, as listed in `data/statuses.toml`.
///
/// Built only by the catalogue loader, which checks and parses the description templates.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// Unique code, e.g. `CASE_APPROVED`.
    pub code: String,
    /// The step of the case this status belongs to.
    pub stage: Stage,
    /// Whether nothing further normally happens on the case after this status.
    pub terminal: bool,
    /// English title, e.g. "Case Was Approved".
    pub title_en: String,
    /// Spanish title, e.g. "Caso Fue Aprobado".
    pub title_es: String,
    /// English description template; starts with "On {date},".
    pub desc_en: String,
    /// Spanish description template; starts with "El {date},".
    pub desc_es: String,
    pub(crate) template_en: Template,
    pub(crate) template_es: Template,
}

/// Context for rendering a status description.
#[derive(Debug, Clone, Copy)]
pub struct DescriptionContext<'a> {
    /// The date the status took effect.
    pub date: NaiveDate,
    /// The case's form.
    pub form: &'a Form,
    /// The case's receipt number.
    pub receipt: &'a str,
    /// The office the status refers to (interview, biometrics, transfer, ceremony), if any.
    pub office: Option<&'a Office>,
    /// The USPS tracking number, already rendered as a link by the caller, if any.
    pub tracking_html: Option<&'a str>,
    /// Where to report a new mailing address, rendered by the caller (an absolute link to
    /// [`CHANGE_ADDRESS_PATH`] under the public address).
    pub change_address_html: &'a str,
}

impl Status {
    /// The title in `lang`.
    pub fn title(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.title_en,
            Lang::Es => &self.title_es,
        }
    }

    /// The description template in `lang`, placeholders unfilled.
    pub fn description_template(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.desc_en,
            Lang::Es => &self.desc_es,
        }
    }

    /// Whether the description names an office (`{office}`), so the caller knows to pass one.
    pub fn mentions_office(&self) -> bool {
        self.template_en.uses(Slot::Office) || self.template_es.uses(Slot::Office)
    }

    /// Whether the description shows a USPS tracking link (`{tracking}`).
    pub fn mentions_tracking(&self) -> bool {
        self.template_en.uses(Slot::Tracking) || self.template_es.uses(Slot::Tracking)
    }

    /// The description in `lang` with every placeholder filled.
    ///
    /// The result is plain text for the page to escape, except for `ctx.tracking_html` and
    /// `ctx.change_address_html`, which are inserted as given; a missing tracking link becomes nothing; a missing office reads "a USCIS office" /
    /// "una oficina de USCIS".
    pub fn render_description(&self, lang: Lang, ctx: &DescriptionContext<'_>) -> String {
        let template = match lang {
            Lang::En => &self.template_en,
            Lang::Es => &self.template_es,
        };
        let mut out = String::with_capacity(self.description_template(lang).len() + 64);
        for piece in template.pieces() {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Slot(Slot::Date) => out.push_str(&format_date(ctx.date, lang)),
                Piece::Slot(Slot::Form) => out.push_str(&ctx.form.code),
                Piece::Slot(Slot::FormTitle) => out.push_str(ctx.form.title(lang)),
                Piece::Slot(Slot::Receipt) => out.push_str(ctx.receipt),
                Piece::Slot(Slot::Office) => match ctx.office {
                    Some(office) => out.push_str(&office.name_in_sentence(lang)),
                    None => out.push_str(match lang {
                        Lang::En => "a USCIS office",
                        Lang::Es => "una oficina de USCIS",
                    }),
                },
                Piece::Slot(Slot::Tracking) => out.push_str(ctx.tracking_html.unwrap_or_default()),
                Piece::Slot(Slot::ChangeAddressLink) => out.push_str(ctx.change_address_html),
            }
        }
        out
    }
}
