//! Contact details customers give: ZIP codes, phone numbers and email addresses.
//!
//! They are parsed once, where they enter the system, into types that hold only valid values in
//! one canonical form, so that lookups, comparisons and notifications never deal with the many
//! ways people write them. A value that does not parse becomes an [`InvalidInput`] saying why.

use std::str::FromStr;

use email_address::{EmailAddress, Options};
use phonenumber::{Mode, country};

use crate::kernel::error::InvalidInput;
use crate::kernel::ids::string_value;

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

// ---------------------------------------------------------------------------------------------
// ZIP codes
// ---------------------------------------------------------------------------------------------

const ZIP_FIELD: &str = "zip";
const ZIP_FORMAT: &str = "A ZIP code is 5 digits, such as 20529, or ZIP+4, such as 20529-2000.";

/// A US ZIP code, `12345`, or ZIP+4, held as `12345-6789` (R-IP-01, R-SR-02).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Zip(String);

string_value!(Zip);

impl FromStr for Zip {
    type Err = InvalidInput;

    /// Accepts `12345`, `12345-6789` and `123456789`, with surrounding whitespace.
    fn from_str(input: &str) -> Result<Self, InvalidInput> {
        let text = input.trim();
        if text.is_empty() {
            return Err(InvalidInput::new(ZIP_FIELD, "Enter a ZIP code."));
        }
        let (five, plus4) = match text.len() {
            5 => (text, None),
            9 => match text.split_at_checked(5) {
                Some((five, plus4)) => (five, Some(plus4)),
                None => return Err(InvalidInput::new(ZIP_FIELD, ZIP_FORMAT)),
            },
            10 => match text.split_once('-') {
                Some((five, plus4)) => (five, Some(plus4)),
                None => return Err(InvalidInput::new(ZIP_FIELD, ZIP_FORMAT)),
            },
            _ => return Err(InvalidInput::new(ZIP_FIELD, ZIP_FORMAT)),
        };
        let well_formed = five.len() == 5 && is_digits(five) && plus4.is_none_or(|p| p.len() == 4 && is_digits(p));
        if !well_formed {
            return Err(InvalidInput::new(ZIP_FIELD, ZIP_FORMAT));
        }
        if five == "00000" {
            return Err(InvalidInput::new(ZIP_FIELD, "00000 is not a ZIP code."));
        }
        Ok(Zip(match plus4 {
            Some(plus4) => format!("{five}-{plus4}"),
            None => five.to_owned(),
        }))
    }
}

impl Zip {
    /// The canonical form: `12345` or `12345-6789`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 5-digit ZIP code.
    pub fn five(&self) -> &str {
        self.0.get(..5).unwrap_or_default()
    }

    /// The 4 extra digits of a ZIP+4, if given.
    pub fn plus4(&self) -> Option<&str> {
        self.0.get(6..).filter(|p| !p.is_empty())
    }
}

// ---------------------------------------------------------------------------------------------
// Phone numbers
// ---------------------------------------------------------------------------------------------

const PHONE_FIELD: &str = "phone";
const PHONE_FORMAT: &str = "Enter a phone number such as (202) 555-0143, or one starting with + \
     and the country code, such as +52 55 1234 5678, for a number outside the US.";
const PHONE_INVALID: &str = "This is not a valid phone number: please check the area code and \
     the number of digits.";

/// The most characters a typed phone number may have. Generous for any real number written with
/// spaces and punctuation; it keeps odd input away from the phone-number library.
const PHONE_MAX_LEN: usize = 32;

/// A telephone number that libphonenumber's metadata says is valid, held in E.164 form
/// (`+12025550143`). Numbers without a `+` country code are read as US numbers (R-CS-10, R-IP-02).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

string_value!(Phone);

/// Whether `text` uses only what people write in phone numbers: digits, spaces, dashes, dots,
/// brackets, and `+` only in front. Letters (vanity numbers, "ext.") and everything else are
/// refused before the phone-number library sees them, which keeps its parser on familiar ground.
fn is_phone_text(text: &str) -> bool {
    let body = text.strip_prefix('+').unwrap_or(text);
    text.len() <= PHONE_MAX_LEN
        && body.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')'))
        && body.chars().any(|c| c.is_ascii_digit())
}

impl FromStr for Phone {
    type Err = InvalidInput;

    /// Accepts national US forms such as `(202) 555-0143` or `202-555-0143`, and international
    /// forms such as `+1 202 555 0143` or `+52 55 1234 5678`.
    fn from_str(input: &str) -> Result<Self, InvalidInput> {
        let text = input.trim();
        if text.is_empty() {
            return Err(InvalidInput::new(PHONE_FIELD, "Enter a phone number."));
        }
        if !is_phone_text(text) {
            return Err(InvalidInput::new(PHONE_FIELD, PHONE_FORMAT));
        }
        // The characters are right by now, so a number the library cannot read is a wrong number.
        let number = phonenumber::parse(Some(country::Id::US), text)
            .map_err(|_| InvalidInput::new(PHONE_FIELD, PHONE_INVALID))?;
        if number.extension().is_some() || !phonenumber::is_valid(&number) {
            return Err(InvalidInput::new(PHONE_FIELD, PHONE_INVALID));
        }
        let e164 = number.format().mode(Mode::E164).to_string();
        // The library may drop digits it takes for a dialling prefix ("+49 11 164000" becomes
        // +49164000) and leave a number it then finds invalid: only a form that reads back as a
        // valid number is kept, so that a stored number always parses again.
        match phonenumber::parse(Some(country::Id::US), &e164) {
            Ok(again) if phonenumber::is_valid(&again) && again.format().mode(Mode::E164).to_string() == e164 => {
                Ok(Phone(e164))
            }
            _ => Err(InvalidInput::new(PHONE_FIELD, PHONE_INVALID)),
        }
    }
}

impl Phone {
    /// The canonical E.164 form, such as `+12025550143`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The canonical E.164 form, such as `+12025550143`; the same as [`Phone::as_str`].
    pub fn e164(&self) -> &str {
        &self.0
    }

    /// The number as people read it: national form for numbers in the North American Numbering
    /// Plan, which are dialled that way from the US (`(202) 555-0143`), and international form
    /// for the rest (`+52 55 1234 5678`).
    pub fn national_display(&self) -> String {
        match phonenumber::parse(None, &self.0) {
            Ok(number) => {
                let mode = if number.code().value() == 1 { Mode::National } else { Mode::International };
                number.format().mode(mode).to_string()
            }
            // The E.164 form always parses; should it not, it is still readable.
            Err(_) => self.0.clone(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Email addresses
// ---------------------------------------------------------------------------------------------

const EMAIL_FIELD: &str = "email";
const EMAIL_FORMAT: &str = "Enter an email address in the form name@example.com.";
/// The longest address that fits an SMTP path (RFC 5321).
const EMAIL_MAX_LEN: usize = 254;

/// An email address, held with its local part as typed (mail servers may treat it as case
/// sensitive) and its domain in lower case (R-CS-09, R-IP-11, R-SV-01).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

string_value!(Email);

impl FromStr for Email {
    type Err = InvalidInput;

    /// Accepts a bare address with surrounding whitespace. Display names (`Ann <ann@example.com>`)
    /// and IP-address domains are refused: neither belongs in a form field, and a domain must
    /// contain a dot so that mail can be routed on the public internet.
    fn from_str(input: &str) -> Result<Self, InvalidInput> {
        let text = input.trim();
        if text.is_empty() {
            return Err(InvalidInput::new(EMAIL_FIELD, "Enter an email address."));
        }
        if text.len() > EMAIL_MAX_LEN {
            return Err(InvalidInput::new(EMAIL_FIELD, "An email address can be at most 254 characters long."));
        }
        let options = Options::default().without_display_text().without_domain_literal().with_required_tld();
        let address = EmailAddress::parse_with_options(text, options)
            .map_err(|_| InvalidInput::new(EMAIL_FIELD, EMAIL_FORMAT))?;
        let domain = address.domain();
        if !domain.contains('.') {
            return Err(InvalidInput::new(EMAIL_FIELD, EMAIL_FORMAT));
        }
        // ASCII lower-casing only: it keeps the length and is idempotent, so the canonical form
        // always parses back to itself.
        Ok(Email(format!("{}@{}", address.local_part(), domain.to_ascii_lowercase())))
    }
}

impl Email {
    /// The canonical form: local part as typed, `@`, domain in lower case.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the last `@`, in lower case, such as `example.com`.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
    }

    /// The part before the last `@`, as typed.
    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map(|(l, _)| l).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // --- ZIP codes: R-IP-01, R-SR-02 ---

    #[test]
    fn r_ip_01_zip_forms() {
        for (input, canonical, five, plus4) in [
            ("20529", "20529", "20529", None),
            (" 20529 ", "20529", "20529", None),
            ("20529-2000", "20529-2000", "20529", Some("2000")),
            ("205292000", "20529-2000", "20529", Some("2000")),
            ("00501", "00501", "00501", None),
        ] {
            let zip = Zip::new(input).unwrap();
            assert_eq!(zip.as_str(), canonical, "input {input:?}");
            assert_eq!(zip.to_string(), canonical);
            assert_eq!(zip.five(), five);
            assert_eq!(zip.plus4(), plus4);
        }
    }

    #[test]
    fn r_ip_01_zip_bad_forms_are_refused() {
        assert_eq!(Zip::new("  ").unwrap_err().reason, "Enter a ZIP code.");
        assert_eq!(Zip::new("00000").unwrap_err().reason, "00000 is not a ZIP code.");
        assert!(Zip::new("00000-1234").is_err());
        for input in [
            "2052",
            "205290",
            "20529-200",
            "20529-20000",
            "2052a",
            "20529_2000",
            "2052-92000",
            "20529 2000",
            "２０５２９",
            "-2052",
        ] {
            let err = Zip::new(input).unwrap_err();
            assert_eq!(err.field, "zip");
            assert_eq!(err.reason, ZIP_FORMAT, "input {input:?}");
        }
    }

    #[test]
    fn zip_serde() {
        let zip: Zip = serde_json::from_str("\"205292000\"").unwrap();
        assert_eq!(serde_json::to_string(&zip).unwrap(), "\"20529-2000\"");
        assert!(serde_json::from_str::<Zip>("\"00000\"").is_err());
        assert!(serde_json::from_str::<Zip>("20529").is_err());
    }

    // --- Phone numbers: R-CS-10, R-IP-02, R-IP-11 ---

    #[test]
    fn r_cs_10_phone_us_forms_become_e164() {
        for input in [
            "(202) 555-0143",
            "202-555-0143",
            "202.555.0143",
            "2025550143",
            "+1 202 555 0143",
            "+12025550143",
            "1 202 555 0143",
            "  (202) 555-0143 ",
        ] {
            let phone = Phone::new(input).unwrap();
            assert_eq!(phone.e164(), "+12025550143", "input {input:?}");
            assert_eq!(phone.as_str(), "+12025550143");
            assert_eq!(phone.to_string(), "+12025550143");
            assert_eq!(phone.national_display(), "(202) 555-0143");
        }
    }

    #[test]
    fn r_cs_10_phone_international() {
        let phone = Phone::new("+52 55 1234 5678").unwrap();
        assert_eq!(phone.e164(), "+525512345678");
        assert_eq!(phone.national_display(), "+52 55 1234 5678");
        let phone = Phone::new("+44 20 7946 0958").unwrap();
        assert_eq!(phone.e164(), "+442079460958");
        assert_eq!(phone.national_display(), "+44 20 7946 0958");
    }

    #[test]
    fn r_cs_10_phone_bad_input_is_refused() {
        assert_eq!(Phone::new(" ").unwrap_err().reason, "Enter a phone number.");
        for input in [
            "555-0143", // too short for a US number
            "001 202 456 1111",
            "(000) 000-0000",
            "+1 202 555 01430",
        ] {
            let err = Phone::new(input).unwrap_err();
            assert_eq!(err.field, "phone");
            assert_eq!(err.reason, PHONE_INVALID, "input {input:?}");
        }
        for input in [
            "202-555-0143 ext. 12",
            "1-800-FLOWERS",
            "tel:+1-202-555-0143",
            "202+555+0143",
            "++1 202 555 0143",
            "+",
            "()",
            "+1 202 555 0143 0000 0000 0000 0000",
        ] {
            let err = Phone::new(input).unwrap_err();
            assert_eq!(err.reason, PHONE_FORMAT, "input {input:?}");
        }
    }

    #[test]
    fn phone_serde() {
        let phone: Phone = serde_json::from_str("\"(202) 555-0143\"").unwrap();
        assert_eq!(serde_json::to_string(&phone).unwrap(), "\"+12025550143\"");
        assert!(serde_json::from_str::<Phone>("\"555-0143\"").is_err());
        assert!(serde_json::from_str::<Phone>("\"call me\"").is_err());
    }

    // --- Email addresses: R-CS-09, R-IP-11, R-SV-01 ---

    #[test]
    fn r_cs_09_email_domain_is_lowercased_local_part_kept() {
        let email = Email::new("  Ann.Lee+uscis@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "Ann.Lee+uscis@example.com");
        assert_eq!(email.to_string(), "Ann.Lee+uscis@example.com");
        assert_eq!(email.domain(), "example.com");
        assert_eq!(email.local_part(), "Ann.Lee+uscis");
        // Only the domain is case-insensitive.
        assert_ne!(Email::new("ann@example.com").unwrap(), Email::new("ANN@example.com").unwrap());
        assert_eq!(Email::new("ann@EXAMPLE.com").unwrap(), Email::new("ann@example.com").unwrap());
    }

    #[test]
    fn r_cs_09_email_bad_input_is_refused() {
        assert_eq!(Email::new("\t").unwrap_err().reason, "Enter an email address.");
        for input in [
            "ann",
            "ann@",
            "@example.com",
            "ann@localhost",
            "ann@example..com",
            "ann@.example.com",
            "ann@example.com.",
            "ann lee@example.com",
            "Ann <ann@example.com>",
            "ann@[192.0.2.1]",
            "ann@@example.com",
        ] {
            let err = Email::new(input).unwrap_err();
            assert_eq!(err.field, "email");
            assert_eq!(err.reason, EMAIL_FORMAT, "input {input:?}");
        }
        let long = format!("{}@{}.com", "a".repeat(60), "b".repeat(200));
        assert_eq!(Email::new(&long).unwrap_err().reason, "An email address can be at most 254 characters long.");
    }

    #[test]
    fn email_serde() {
        let email: Email = serde_json::from_str("\"ann@Example.com\"").unwrap();
        assert_eq!(serde_json::to_string(&email).unwrap(), "\"ann@example.com\"");
        assert!(serde_json::from_str::<Email>("\"ann@localhost\"").is_err());
    }

    // --- Properties ---

    fn parse_all(input: &str) {
        let _ = Zip::new(input);
        let _ = Phone::new(input);
        let _ = Email::new(input);
    }

    proptest! {
        // R-IP-02: no input, however odd, makes a parser panic.
        #[test]
        fn r_ip_02_no_input_panics(input in any::<String>()) {
            parse_all(&input);
        }

        // R-IP-02: the same, with inputs close to real contact details.
        #[test]
        fn r_ip_02_no_contact_like_input_panics(
            input in "[0-9 \\-]{0,12}|\\+?[0-9 ()\\-.]{0,32}|[a-zA-Z0-9.+\"@\\- ]{0,40}",
        ) {
            parse_all(&input);
        }

        // R-IP-01: a ZIP code reads back as itself.
        #[test]
        fn r_ip_01_zip_round_trips(five in 1u32..=99_999, plus4 in proptest::option::of(0u32..=9_999)) {
            let input = match plus4 {
                Some(p) => format!("{five:05}{p:04}"),
                None => format!("{five:05}"),
            };
            let zip = Zip::new(&input).unwrap();
            prop_assert_eq!(zip.five(), format!("{five:05}"));
            prop_assert_eq!(zip.plus4().map(str::to_owned), plus4.map(|p| format!("{p:04}")));
            // Display gives the canonical form, which parses back to the same value.
            let shown = zip.to_string();
            prop_assert_eq!(Zip::new(&shown).unwrap(), zip.clone());
            let json = serde_json::to_string(&zip).unwrap();
            prop_assert_eq!(serde_json::from_str::<Zip>(&json).unwrap(), zip);
        }

        // R-CS-10: a phone number reads back as itself, from E.164 and from its display form.
        #[test]
        fn r_cs_10_phone_round_trips(
            input in "[2-9][0-9]{2}[2-9][0-9]{6}|\\+(52|44|33|49|63|91)[1-9][0-9]{7,9}",
        ) {
            // Only some generated numbers are valid; the property is about those.
            if let Ok(phone) = Phone::new(&input) {
                // Display gives the canonical form, which parses back to the same value.
                let shown = phone.to_string();
                prop_assert_eq!(Phone::new(&shown).unwrap(), phone.clone());
                prop_assert_eq!(Phone::new(&phone.national_display()).unwrap(), phone.clone());
                let json = serde_json::to_string(&phone).unwrap();
                prop_assert_eq!(serde_json::from_str::<Phone>(&json).unwrap(), phone);
            }
        }

        // R-CS-09: an email address reads back as itself.
        #[test]
        fn r_cs_09_email_round_trips(
            local in "[a-zA-Z0-9][a-zA-Z0-9._%+\\-]{0,20}",
            domain in "[a-zA-Z0-9]{1,10}(\\.[a-zA-Z0-9]{1,10}){0,2}\\.[a-zA-Z]{2,6}",
        ) {
            if let Ok(email) = Email::new(&format!("{local}@{domain}")) {
                prop_assert_eq!(email.domain(), domain.to_ascii_lowercase());
                // Display gives the canonical form, which parses back to the same value.
                let shown = email.to_string();
                prop_assert_eq!(Email::new(&shown).unwrap(), email.clone());
                let json = serde_json::to_string(&email).unwrap();
                prop_assert_eq!(serde_json::from_str::<Email>(&json).unwrap(), email);
            }
        }

        // Serde goes through the parser: deserialising accepts exactly what parsing accepts.
        #[test]
        fn serde_agrees_with_parser(input in "[0-9 \\-+()]{0,16}|[a-zA-Z0-9.@]{0,20}|.{0,30}") {
            let value = serde_json::Value::String(input.clone());
            prop_assert_eq!(
                serde_json::from_value::<Zip>(value.clone()).is_ok(),
                Zip::new(&input).is_ok()
            );
            prop_assert_eq!(
                serde_json::from_value::<Phone>(value.clone()).is_ok(),
                Phone::new(&input).is_ok()
            );
            prop_assert_eq!(
                serde_json::from_value::<Email>(value).is_ok(),
                Email::new(&input).is_ok()
            );
        }
    }
}
