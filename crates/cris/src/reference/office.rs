//! USCIS offices: where cases are decided, where customers go for biometrics, interviews and
//! oath ceremonies, and which office issued a receipt number. Appointments need each office's
//! time zone and place; reports roll offices up into districts and regions.

use serde::{Deserialize, Serialize};

use crate::kernel::access::{Located, Place};
use crate::kernel::i18n::Lang;

/// The kind of an office, which decides what it does for a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfficeKind {
    /// A national service centre that adjudicates cases filed by mail or online.
    ServiceCenter,
    /// The National Benefits Center, which prepares cases for field offices.
    BenefitsCenter,
    /// A local office where interviews and oath ceremonies take place.
    FieldOffice,
    /// An asylum office.
    AsylumOffice,
    /// An Application Support Center, where biometrics are taken.
    Asc,
}

impl OfficeKind {
    /// The name used in the data files (`service_center`, `field_office`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            OfficeKind::ServiceCenter => "service_center",
            OfficeKind::BenefitsCenter => "benefits_center",
            OfficeKind::FieldOffice => "field_office",
            OfficeKind::AsylumOffice => "asylum_office",
            OfficeKind::Asc => "asc",
        }
    }

    /// Whether offices of this kind issue receipt numbers (and so may have receipt prefixes).
    pub fn issues_receipts(self) -> bool {
        matches!(self, OfficeKind::ServiceCenter | OfficeKind::BenefitsCenter)
    }
}

/// An office, as listed in `data/offices.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Office {
    /// Unique code, 3 or 4 uppercase letters or digits (`NSC`, `CHI`, `ZAR`, `ADAL`).
    pub code: String,
    /// What the office does.
    pub kind: OfficeKind,
    /// English name, e.g. "Chicago Field Office".
    pub name_en: String,
    /// Spanish name, e.g. "Oficina Local de Chicago".
    pub name_es: String,
    /// Street address, with suite or room when there is one.
    pub street: String,
    /// City.
    pub city: String,
    /// Two-letter state or territory code.
    pub state: String,
    /// Five-digit ZIP code.
    pub zip: String,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// The office's time zone: appointment times are local to it.
    pub tz: chrono_tz::Tz,
    /// District code (`D-NYC`, `D-HQ`, `D-ASYLUM`, ...): the level above the office.
    pub district: String,
    /// Region code (`NORTHEAST`, `SOUTHEAST`, `CENTRAL`, `WEST`, `NATIONAL`): above the district.
    pub region: String,
    /// Three-letter receipt-number prefixes issued by this office; empty for most offices.
    pub receipt_prefixes: Vec<String>,
}

impl Office {
    /// The name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.name_en,
            Lang::Es => &self.name_es,
        }
    }

    /// The name as it reads inside a sentence, with its definite article: "the Chicago Field
    /// Office", "la Oficina Local de Chicago", "el Centro de Servicio de Nebraska".
    ///
    /// Spanish needs the article's gender, which follows the name's first word; the loader
    /// makes sure every Spanish name starts with a word this knows.
    pub fn name_in_sentence(&self, lang: Lang) -> String {
        match lang {
            Lang::En => format!("the {}", self.name_en),
            Lang::Es => match spanish_article(&self.name_es) {
                Some(article) => format!("{article} {}", self.name_es),
                None => self.name_es.clone(),
            },
        }
    }

    /// One-line postal address: "101 W Congress Parkway, Chicago, IL 60605".
    pub fn address_line(&self) -> String {
        format!("{}, {}, {} {}", self.street, self.city, self.state, self.zip)
    }
}

/// The definite article for a Spanish office name, from its first word; `None` when the word
/// is not one office names start with.
pub(crate) fn spanish_article(name_es: &str) -> Option<&'static str> {
    match name_es.split_whitespace().next()? {
        "Oficina" => Some("la"),
        "Centro" => Some("el"),
        _ => None,
    }
}

impl Located for Office {
    fn place(&self) -> Place {
        Place { office: self.code.clone(), district: self.district.clone(), region: self.region.clone() }
    }
}
