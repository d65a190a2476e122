//! What a customer gives to book (R-IP-02), parsed once from the form, and what an appointment
//! holds once booked.

use chrono::{NaiveDate, NaiveDateTime};

use super::calendar::Service;
use crate::kernel::contact::{Email, Phone, Zip};
use crate::kernel::error::{InvalidInput, keep, optional};
use crate::kernel::i18n::Lang;
use crate::kernel::ids::{ANumber, Confirmation, ReceiptNumber};
pub use crate::kernel::person::birth_date;
use crate::kernel::person::name;
use crate::kernel::tokens::TokenKey;

/// The longest free-text answer (country, purpose of visit).
const TEXT_MAX: usize = 300;

/// The booking form as typed, every field a string; kept as typed so a page can show it back.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct DetailsForm {
    /// Given name.
    #[serde(default)]
    pub first_name: String,
    /// Family name.
    #[serde(default)]
    pub last_name: String,
    /// Month of birth, 1 to 12.
    #[serde(default)]
    pub birth_month: String,
    /// Day of birth.
    #[serde(default)]
    pub birth_day: String,
    /// Year of birth, four digits.
    #[serde(default)]
    pub birth_year: String,
    /// ZIP code.
    #[serde(default)]
    pub zip: String,
    /// Telephone.
    #[serde(default)]
    pub phone: String,
    /// Email (optional).
    #[serde(default)]
    pub email: String,
    /// A-Number (optional).
    #[serde(default)]
    pub a_number: String,
    /// Receipt number (optional).
    #[serde(default)]
    pub receipt_number: String,
    /// Country of residence (optional).
    #[serde(default)]
    pub country: String,
    /// Purpose of visit (optional).
    #[serde(default)]
    pub purpose: String,
}

/// The booking form once every field checks out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details {
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// ZIP code.
    pub zip: Zip,
    /// Telephone.
    pub phone: Phone,
    /// Email.
    pub email: Option<Email>,
    /// A-Number.
    pub a_number: Option<ANumber>,
    /// Receipt number.
    pub receipt_number: Option<ReceiptNumber>,
    /// Country of residence.
    pub country: Option<String>,
    /// Purpose of visit.
    pub purpose: Option<String>,
}

/// A free-text answer: optional, single line, bounded.
fn free_text(field: &'static str, text: &str) -> Result<Option<String>, InvalidInput> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > TEXT_MAX || text.chars().any(char::is_control) {
        return Err(InvalidInput::new(field, "Shorten this answer."));
    }
    Ok(Some(text))
}

impl DetailsForm {
    /// Checks every field; all the problems at once, so the customer fixes them in one go.
    pub fn parse(&self, today: NaiveDate) -> Result<Details, Vec<InvalidInput>> {
        let mut errors = Vec::new();
        let first_name = keep(&mut errors, name("first_name", &self.first_name));
        let last_name = keep(&mut errors, name("last_name", &self.last_name));
        let birth_date = keep(&mut errors, birth_date(&self.birth_month, &self.birth_day, &self.birth_year, today));
        let zip = keep(&mut errors, self.zip.parse::<Zip>());
        let phone = keep(&mut errors, self.phone.parse::<Phone>());
        let email = keep(&mut errors, optional::<Email>(&self.email));
        let a_number = keep(&mut errors, optional::<ANumber>(&self.a_number));
        let receipt_number = keep(&mut errors, optional::<ReceiptNumber>(&self.receipt_number));
        let country = keep(&mut errors, free_text("country", &self.country));
        let purpose = keep(&mut errors, free_text("purpose", &self.purpose));
        match (first_name, last_name, birth_date, zip, phone, email, a_number, receipt_number, country, purpose) {
            (
                Some(first_name),
                Some(last_name),
                Some(birth_date),
                Some(zip),
                Some(phone),
                Some(email),
                Some(a_number),
                Some(receipt_number),
                Some(country),
                Some(purpose),
            ) => Ok(Details {
                first_name,
                last_name,
                birth_date,
                zip,
                phone,
                email,
                a_number,
                receipt_number,
                country,
                purpose,
            }),
            _ => Err(errors),
        }
    }
}

/// How a name is compared: case, accents' case and spacing do not matter.
pub fn fold(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The keyed hash that identifies a person for the one-appointment rule (R-IP-04) and the
/// reprint lookup (R-IP-08): name and date of birth, never stored in the clear for this use.
pub fn person_key(key: &TokenKey, first_name: &str, last_name: &str, birth_date: NaiveDate) -> String {
    key.digest("infopass-person", &format!("{}|{}|{}", fold(first_name), fold(last_name), birth_date))
}

/// The stored form of a PIN: a keyed hash bound to its confirmation number.
pub fn pin_hash(key: &TokenKey, confirmation: &Confirmation, pin: &str) -> String {
    key.digest("infopass-pin", &format!("{}|{pin}", confirmation.as_str()))
}

/// A booked appointment.
#[derive(Debug, Clone)]
pub struct Appointment {
    /// Row id.
    pub id: i64,
    /// Confirmation number.
    pub confirmation: Confirmation,
    /// Field office.
    pub office_code: String,
    /// Appointment type.
    pub service: Service,
    /// Start, the office's local time.
    pub starts: NaiveDateTime,
    /// The customer's details.
    pub details: Details,
    /// The language the customer booked in.
    pub lang: Lang,
}

/// The past appointments of one office, service and day as they remain once their day is gone:
/// counts, nothing about the people (R-RT-03). How a history of appointments is brought in (the
/// demo's quarter, or another system's books).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastAppointments {
    /// Field office.
    pub office: String,
    /// Appointment type.
    pub service: Service,
    /// The office's local day.
    pub day: NaiveDate,
    /// Kept on the books until their day, whether the customer came or not.
    pub booked: i64,
    /// Cancelled before their day.
    pub cancelled: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> DetailsForm {
        DetailsForm {
            first_name: " María  José ".into(),
            last_name: "O'Brien-Núñez".into(),
            birth_month: "2".into(),
            birth_day: "29".into(),
            birth_year: "1988".into(),
            zip: "60601".into(),
            phone: "(312) 555-0142".into(),
            ..DetailsForm::default()
        }
    }

    // R-IP-02: the required details, checked once; optional ones may be left empty.
    #[test]
    fn the_booking_form_is_checked_field_by_field() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        let d = form().parse(today).unwrap();
        assert_eq!(d.first_name, "María José");
        assert_eq!(d.birth_date, NaiveDate::from_ymd_opt(1988, 2, 29).unwrap());
        assert_eq!(d.phone.as_str(), "+13125550142");
        assert_eq!((d.email, d.a_number, d.country), (None, None, None));

        let bad = DetailsForm {
            first_name: "<script>".into(),
            birth_day: "30".into(),
            email: "not-an-email".into(),
            a_number: "A12".into(),
            ..form()
        };
        let errors = bad.parse(today).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["first_name", "birth_date", "email", "a_number"]);
        assert!(birth_date("1", "1", "2027", today).is_err(), "not born yet");
        assert!(birth_date("1", "1", "1899", today).is_err());
    }

    // R-IP-04: the same person however the name is typed.
    #[test]
    fn a_person_is_the_same_whatever_the_case_and_spacing() {
        let key = TokenKey::random();
        let born = NaiveDate::from_ymd_opt(1980, 1, 2).unwrap();
        let a = person_key(&key, "Maria Jose", "Smith", born);
        assert_eq!(a, person_key(&key, "MARIA  JOSE", "smith", born));
        assert_ne!(a, person_key(&key, "Maria Jose", "Smith", born.succ_opt().unwrap()));
        assert_ne!(a, person_key(&TokenKey::random(), "Maria Jose", "Smith", born), "keyed");
    }
}
