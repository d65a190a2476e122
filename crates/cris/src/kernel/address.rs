//! US mailing addresses, parsed once (R-CA-01): lines normalised the way the USPS writes them
//! (upper case, single spaces, common street words abbreviated), a real state or territory code,
//! and a ZIP code that the embedded ZIP data set places in that state.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::contact::Zip;
use super::error::InvalidInput;
use super::i18n::Lang;

/// The most characters an address line may have (USPS: 64 is generous).
const LINE_MAX: usize = 64;

/// USPS codes of the states, the District of Columbia, the territories and the military post
/// offices (Armed Forces Americas, Europe, Pacific).
pub const STATES: [&str; 59] = [
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA",
    "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR",
    "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR", "VI", "GU", "AS", "MP", "AA",
    "AE", "AP",
];

/// The name of each code in `STATES`, in English and Spanish, shown beside the code where a
/// customer chooses a state (a code alone is not plain language).
const STATE_NAMES: [(&str, &str, &str); 59] = [
    ("AL", "Alabama", "Alabama"),
    ("AK", "Alaska", "Alaska"),
    ("AZ", "Arizona", "Arizona"),
    ("AR", "Arkansas", "Arkansas"),
    ("CA", "California", "California"),
    ("CO", "Colorado", "Colorado"),
    ("CT", "Connecticut", "Connecticut"),
    ("DE", "Delaware", "Delaware"),
    ("DC", "District of Columbia", "Distrito de Columbia"),
    ("FL", "Florida", "Florida"),
    ("GA", "Georgia", "Georgia"),
    ("HI", "Hawaii", "Hawái"),
    ("ID", "Idaho", "Idaho"),
    ("IL", "Illinois", "Illinois"),
    ("IN", "Indiana", "Indiana"),
    ("IA", "Iowa", "Iowa"),
    ("KS", "Kansas", "Kansas"),
    ("KY", "Kentucky", "Kentucky"),
    ("LA", "Louisiana", "Luisiana"),
    ("ME", "Maine", "Maine"),
    ("MD", "Maryland", "Maryland"),
    ("MA", "Massachusetts", "Massachusetts"),
    ("MI", "Michigan", "Míchigan"),
    ("MN", "Minnesota", "Minnesota"),
    ("MS", "Mississippi", "Misisipi"),
    ("MO", "Missouri", "Misuri"),
    ("MT", "Montana", "Montana"),
    ("NE", "Nebraska", "Nebraska"),
    ("NV", "Nevada", "Nevada"),
    ("NH", "New Hampshire", "Nuevo Hampshire"),
    ("NJ", "New Jersey", "Nueva Jersey"),
    ("NM", "New Mexico", "Nuevo México"),
    ("NY", "New York", "Nueva York"),
    ("NC", "North Carolina", "Carolina del Norte"),
    ("ND", "North Dakota", "Dakota del Norte"),
    ("OH", "Ohio", "Ohio"),
    ("OK", "Oklahoma", "Oklahoma"),
    ("OR", "Oregon", "Oregón"),
    ("PA", "Pennsylvania", "Pensilvania"),
    ("RI", "Rhode Island", "Rhode Island"),
    ("SC", "South Carolina", "Carolina del Sur"),
    ("SD", "South Dakota", "Dakota del Sur"),
    ("TN", "Tennessee", "Tennessee"),
    ("TX", "Texas", "Texas"),
    ("UT", "Utah", "Utah"),
    ("VT", "Vermont", "Vermont"),
    ("VA", "Virginia", "Virginia"),
    ("WA", "Washington", "Washington"),
    ("WV", "West Virginia", "Virginia Occidental"),
    ("WI", "Wisconsin", "Wisconsin"),
    ("WY", "Wyoming", "Wyoming"),
    ("PR", "Puerto Rico", "Puerto Rico"),
    ("VI", "U.S. Virgin Islands", "Islas Vírgenes de EE. UU."),
    ("GU", "Guam", "Guam"),
    ("AS", "American Samoa", "Samoa Americana"),
    ("MP", "Northern Mariana Islands", "Islas Marianas del Norte"),
    ("AA", "Armed Forces Americas", "Fuerzas Armadas (América)"),
    ("AE", "Armed Forces Europe", "Fuerzas Armadas (Europa)"),
    ("AP", "Armed Forces Pacific", "Fuerzas Armadas (Pacífico)"),
];

/// The states to choose from, as (code, name in `lang`), in the order of `STATES`.
pub fn state_choices(lang: Lang) -> Vec<(&'static str, &'static str)> {
    STATE_NAMES.iter().map(|(code, en, es)| (*code, if lang == Lang::Es { *es } else { *en })).collect()
}

/// Five-digit ZIP code → state, from the `zipcodes` crate's data set.
static ZIP_STATES: LazyLock<HashMap<&'static str, &'static str>> =
    LazyLock::new(|| zipcodes::database().iter().map(|z| (z.zip_code.as_str(), z.state.as_str())).collect());

/// The state the data set places a five-digit ZIP code in, if it knows it.
pub fn state_of_zip(zip: &str) -> Option<&'static str> {
    ZIP_STATES.get(zip).copied()
}

/// Street words and their USPS abbreviations (Publication 28, the common ones).
const ABBREVIATIONS: [(&str, &str); 24] = [
    ("STREET", "ST"),
    ("AVENUE", "AVE"),
    ("ROAD", "RD"),
    ("BOULEVARD", "BLVD"),
    ("DRIVE", "DR"),
    ("LANE", "LN"),
    ("COURT", "CT"),
    ("PLACE", "PL"),
    ("TERRACE", "TER"),
    ("PARKWAY", "PKWY"),
    ("HIGHWAY", "HWY"),
    ("CIRCLE", "CIR"),
    ("SQUARE", "SQ"),
    ("APARTMENT", "APT"),
    ("SUITE", "STE"),
    ("BUILDING", "BLDG"),
    ("FLOOR", "FL"),
    ("NORTH", "N"),
    ("SOUTH", "S"),
    ("EAST", "E"),
    ("WEST", "W"),
    ("NORTHEAST", "NE"),
    ("NORTHWEST", "NW"),
    ("SOUTHEAST", "SE"),
];

/// One line as the USPS writes it: upper case, single spaces, no trailing punctuation, the
/// common street words abbreviated. `None` when it holds no letter or digit, or odd characters.
fn normalise_line(text: &str) -> Option<String> {
    let upper = text.to_uppercase();
    let words: Vec<String> = upper
        .split_whitespace()
        .map(|w| {
            let bare = w.trim_end_matches(['.', ',']);
            ABBREVIATIONS.iter().find(|(long, _)| *long == bare).map_or(bare, |(_, short)| short).to_owned()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let line = words.join(" ");
    let fine = line.chars().any(char::is_alphanumeric)
        && line.chars().count() <= LINE_MAX
        && line.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '#' | '-' | '/' | '\'' | '&' | '.' | ','));
    fine.then_some(line)
}

/// A US mailing address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsAddress {
    /// Street and number, or PO box.
    pub line1: String,
    /// Apartment, suite, unit, "in care of".
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// USPS state code.
    pub state: String,
    /// ZIP code.
    pub zip: Zip,
}

impl UsAddress {
    /// Parses an address's fields. Errors name the fields `{prefix}_line1`, `{prefix}_city`,
    /// `{prefix}_state` and `{prefix}_zip`; all of them at once.
    pub fn parse(
        prefix: Prefix,
        (line1, line2, city, state, zip): (&str, &str, &str, &str, &str),
    ) -> Result<UsAddress, Vec<InvalidInput>> {
        let mut errors = Vec::new();
        let line1 = normalise_line(line1);
        if line1.is_none() {
            errors.push(InvalidInput::new(prefix.field("line1"), "Enter the street address or PO box."));
        }
        let line2 = match line2.trim() {
            "" => Some(None),
            text => normalise_line(text).map(Some),
        };
        if line2.is_none() {
            errors.push(InvalidInput::new(prefix.field("line2"), "Check the apartment, suite or unit."));
        }
        let city = normalise_line(city).filter(|c| c.chars().all(|ch| !ch.is_ascii_digit()));
        if city.is_none() {
            errors.push(InvalidInput::new(prefix.field("city"), "Enter the city."));
        }
        let state = state.trim().to_uppercase();
        let state = STATES.contains(&state.as_str()).then_some(state);
        if state.is_none() {
            errors.push(InvalidInput::new(prefix.field("state"), "Choose the state or territory."));
        }
        let zip = match zip.parse::<Zip>() {
            Ok(z) => match (state.as_deref(), state_of_zip(z.five())) {
                (Some(s), Some(of_zip)) if s != of_zip => {
                    errors.push(InvalidInput::new(prefix.field("zip"), "This ZIP code is not in the state chosen."));
                    None
                }
                (_, None) => {
                    errors.push(InvalidInput::new(prefix.field("zip"), "We do not know this ZIP code. Check it."));
                    None
                }
                _ => Some(z),
            },
            Err(_) => {
                errors.push(InvalidInput::new(prefix.field("zip"), "Enter a ZIP code of 5 digits, or ZIP+4."));
                None
            }
        };
        match (line1, line2, city, state, zip) {
            (Some(line1), Some(line2), Some(city), Some(state), Some(zip)) if errors.is_empty() => {
                Ok(UsAddress { line1, line2, city, state, zip })
            }
            _ => Err(errors),
        }
    }

    /// The address on lines, as an envelope shows it.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![self.line1.clone()];
        out.extend(self.line2.clone());
        out.push(format!("{} {} {}", self.city, self.state, self.zip.as_str()));
        out
    }
}

/// Which address of a form: the field names' prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix {
    /// The address the person moved from.
    Previous,
    /// The address the person moved to.
    New,
    /// Where letters reach the person (service requests).
    Mailing,
}

impl Prefix {
    fn field(self, part: &str) -> &'static str {
        match (self, part) {
            (Prefix::Previous, "line1") => "previous_line1",
            (Prefix::Previous, "line2") => "previous_line2",
            (Prefix::Previous, "city") => "previous_city",
            (Prefix::Previous, "state") => "previous_state",
            (Prefix::Previous, _) => "previous_zip",
            (Prefix::New, "line1") => "new_line1",
            (Prefix::New, "line2") => "new_line2",
            (Prefix::New, "city") => "new_city",
            (Prefix::New, "state") => "new_state",
            (Prefix::New, _) => "new_zip",
            (Prefix::Mailing, "line1") => "mail_line1",
            (Prefix::Mailing, "line2") => "mail_line2",
            (Prefix::Mailing, "city") => "mail_city",
            (Prefix::Mailing, "state") => "mail_state",
            (Prefix::Mailing, _) => "mail_zip",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // R-CA-01: every state code a customer may choose has its name in both languages.
    #[test]
    fn every_state_code_has_its_names() {
        let codes: Vec<&str> = state_choices(Lang::En).iter().map(|(c, _)| *c).collect();
        assert_eq!(codes, STATES);
        assert!(state_choices(Lang::Es).contains(&("NY", "Nueva York")));
        assert!(state_choices(Lang::En).iter().all(|(c, n)| !n.is_empty() && n != c));
    }

    // R-CA-01: addresses are normalised and the ZIP code checked against the state.
    #[test]
    fn addresses_are_normalised_and_checked() {
        let a = UsAddress::parse(Prefix::New, ("  123 north  Main Street. ", "apartment 4b", "chicago", "il", "60601"))
            .unwrap();
        assert_eq!(a.lines(), ["123 N MAIN ST", "APT 4B", "CHICAGO IL 60601"]);
        let errors = UsAddress::parse(Prefix::New, ("123 Main St", "", "Chicago", "NY", "60601")).unwrap_err();
        assert_eq!(errors.iter().map(|e| e.field).collect::<Vec<_>>(), ["new_zip"]);
        let errors = UsAddress::parse(Prefix::Previous, ("", "<b>", "9", "ZZ", "1234")).unwrap_err();
        assert_eq!(
            errors.iter().map(|e| e.field).collect::<Vec<_>>(),
            ["previous_line1", "previous_line2", "previous_city", "previous_state", "previous_zip"]
        );
        assert!(UsAddress::parse(Prefix::New, ("1 Main St", "", "San Juan", "PR", "00901")).is_ok(), "territories");
        assert_eq!(state_of_zip("10001"), Some("NY"));
    }
}
