//! A service request as asked and as parsed once: the issue types (R-SR-01), the case check of
//! step one (R-SR-02), and the details each issue type collects, and only those (R-SR-04). No I/O.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::kernel::address::{Prefix, UsAddress};
use crate::kernel::contact::{Email, Phone, Zip};
use crate::kernel::error::{InvalidInput, keep};
use crate::kernel::ids::{ANumber, ReceiptNumber};
use crate::kernel::person::{birth_date, name};

/// Days USCIS gives itself to answer, and a customer waits before asking again (R-SR-05, R-SR-06).
pub const RESPONSE_DAYS: i64 = 30;
/// Longest free text (a description, a correction).
const TEXT_MAX: usize = 1_000;
/// Longest country name.
const COUNTRY_MAX: usize = 60;

/// What a request is about (R-SR-01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Issue {
    /// The case is outside posted processing times.
    Late,
    /// An expected ASC appointment notice or other notice did not arrive.
    Notice,
    /// A notice carries a typographical error.
    Typo,
    /// A card or document did not arrive.
    Card,
    /// Beneficiary information changed.
    Beneficiary,
    /// An accommodation for a disability at an appointment or interview; flagged to the office.
    Accommodation,
}

/// A field a request may collect in step two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Given and family name.
    Name,
    /// Date of birth.
    BirthDate,
    /// Country of birth.
    BirthCountry,
    /// Country of citizenship.
    Citizenship,
    /// A-Number.
    ANumber,
    /// Where letters reach the customer.
    MailingAddress,
    /// Which notice did not arrive.
    NoticeKind,
    /// Which item of a notice is wrong, and what it should say.
    Correction,
    /// What changed or what is needed, in the customer's words.
    Description,
    /// The accommodation needed.
    AccommodationKind,
}

impl Issue {
    /// Every issue type, in the order the form offers them.
    pub const ALL: [Issue; 6] =
        [Issue::Late, Issue::Notice, Issue::Typo, Issue::Card, Issue::Beneficiary, Issue::Accommodation];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Issue::Late => "late",
            Issue::Notice => "notice",
            Issue::Typo => "typo",
            Issue::Card => "card",
            Issue::Beneficiary => "beneficiary",
            Issue::Accommodation => "accommodation",
        }
    }

    /// From a stored or posted code.
    pub fn parse(code: &str) -> Option<Issue> {
        Issue::ALL.into_iter().find(|i| i.code() == code.trim())
    }

    /// What step two asks, beyond how to answer: the minimum the office needs (R-SR-04).
    pub fn fields(self) -> &'static [Field] {
        use Field::*;
        match self {
            Issue::Late => &[Name, BirthDate],
            Issue::Notice => &[Name, BirthDate, NoticeKind, MailingAddress],
            Issue::Typo => &[Name, BirthDate, ANumber, Correction],
            Issue::Card => &[Name, BirthDate, ANumber, MailingAddress],
            Issue::Beneficiary => &[Name, BirthDate, BirthCountry, Citizenship, ANumber, Description],
            Issue::Accommodation => &[Name, AccommodationKind, Description],
        }
    }

    /// Whether step two asks `field`.
    pub fn asks(self, field: Field) -> bool {
        self.fields().contains(&field)
    }

    /// Whether the office must see the request flagged (disability accommodations).
    pub fn flagged(self) -> bool {
        self == Issue::Accommodation
    }
}

/// How a request came in (R-SR-07).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// e-Request, by the customer.
    Online,
    /// A call to the contact centre.
    Phone,
    /// A letter.
    Letter,
    /// A visit to a local office.
    Office,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 4] = [Channel::Online, Channel::Phone, Channel::Letter, Channel::Office];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Phone => "phone",
            Channel::Letter => "letter",
            Channel::Office => "office",
        }
    }

    /// From a stored or posted code.
    pub fn parse(code: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == code.trim())
    }
}

/// How the customer wants the answer, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// By email.
    Email(Email),
    /// By telephone.
    Phone(Phone),
    /// By letter to the mailing address (which step two then asks).
    Mail,
}

/// Step one, checked: the case as the customer knows it, and the issue (R-SR-02).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseCheck {
    /// Receipt number.
    pub receipt: ReceiptNumber,
    /// Form number, e.g. `I-485`.
    pub form: String,
    /// Date filed.
    pub filed: NaiveDate,
    /// Mailing ZIP code.
    pub zip: Zip,
    /// What it is about.
    pub issue: Issue,
}

/// What step two collected: only the fields of the issue type, stored as JSON (R-SR-04).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Details {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citizenship: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub a_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrong_item: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accommodation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Details {
    /// The customer's name as a letter addresses them, when it was asked.
    pub fn full_name(&self) -> Option<String> {
        match (&self.first_name, &self.last_name) {
            (Some(f), Some(l)) => Some(format!("{f} {l}")),
            _ => None,
        }
    }

    /// The collected fields as (label key, value) pairs, in the form's order, for staff pages
    /// (each key a message of the staff catalogue).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut push = |k: &'static str, v: Option<String>| {
            if let Some(v) = v {
                out.push((k, v));
            }
        };
        push("staff-sr-detail-name", self.full_name());
        push("staff-sr-detail-birth-date", self.birth_date.map(|d| d.to_string()));
        push("staff-sr-detail-birth-country", self.birth_country.clone());
        push("staff-sr-detail-citizenship", self.citizenship.clone());
        push("staff-sr-detail-a-number", self.a_number.clone());
        push("staff-sr-detail-address", self.address.as_ref().map(|a| a.join(", ")));
        push("staff-sr-detail-notice", self.notice.clone());
        push("staff-sr-detail-wrong-item", self.wrong_item.clone());
        push("staff-sr-detail-correction", self.correction.clone());
        push("staff-sr-detail-accommodation", self.accommodation.clone());
        push("staff-sr-detail-description", self.description.clone());
        out
    }
}

/// Notices that may fail to arrive.
pub const NOTICES: [&str; 4] = ["asc_appointment", "interview", "receipt", "other"];
/// Items of a notice that may be misprinted.
pub const WRONG_ITEMS: [&str; 5] = ["name", "address", "birth_date", "birth_country", "a_number"];
/// Accommodations asked for.
pub const ACCOMMODATIONS: [&str; 5] = ["deaf_hard_of_hearing", "blind_low_vision", "mobility", "cognitive", "other"];

/// The request form as typed, every field a string, kept to show back. Step one's fields ride
/// along (hidden) in step two, which checks them again: the pages keep no state between steps.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RequestForm {
    pub csrf: String,
    pub receipt: String,
    pub form: String,
    pub filed_month: String,
    pub filed_day: String,
    pub filed_year: String,
    pub zip: String,
    pub issue: String,
    pub channel: String,
    pub lang: String,
    pub first_name: String,
    pub last_name: String,
    pub birth_month: String,
    pub birth_day: String,
    pub birth_year: String,
    pub birth_country: String,
    pub citizenship: String,
    pub a_number: String,
    pub mail_line1: String,
    pub mail_line2: String,
    pub mail_city: String,
    pub mail_state: String,
    pub mail_zip: String,
    pub notice: String,
    pub wrong_item: String,
    pub correction: String,
    pub accommodation: String,
    pub description: String,
    pub reply: String,
    pub email: String,
    pub phone: String,
}

impl RequestForm {
    /// A field as typed, by name, to show back.
    pub fn value(&self, field: &str) -> &str {
        match field {
            "receipt" => &self.receipt,
            "form" => &self.form,
            "filed_month" => &self.filed_month,
            "filed_day" => &self.filed_day,
            "filed_year" => &self.filed_year,
            "zip" => &self.zip,
            "issue" => &self.issue,
            "channel" => &self.channel,
            "lang" => &self.lang,
            "first_name" => &self.first_name,
            "last_name" => &self.last_name,
            "birth_country" => &self.birth_country,
            "citizenship" => &self.citizenship,
            "a_number" => &self.a_number,
            "mail_line1" => &self.mail_line1,
            "mail_line2" => &self.mail_line2,
            "mail_city" => &self.mail_city,
            "mail_state" => &self.mail_state,
            "mail_zip" => &self.mail_zip,
            "notice" => &self.notice,
            "wrong_item" => &self.wrong_item,
            "correction" => &self.correction,
            "accommodation" => &self.accommodation,
            "description" => &self.description,
            "reply" => &self.reply,
            "email" => &self.email,
            "phone" => &self.phone,
            _ => "",
        }
    }
}

/// Free text: trimmed, not empty, bounded. `<`, `>` and `&` are text like any other (a customer
/// may well write "< 2 weeks"): every page escapes what it shows, and email and letters are
/// plain text, so refusing them would only lose what someone typed.
fn text(field: &'static str, value: &str, max: usize) -> Result<String, InvalidInput> {
    let t = value.trim();
    if t.is_empty() || t.chars().count() > max {
        return Err(InvalidInput::new(field, format!("Write 1 to {max} characters.")));
    }
    Ok(t.to_owned())
}

/// One of a fixed list of codes.
fn one_of(field: &'static str, value: &str, list: &[&str]) -> Result<String, InvalidInput> {
    list.iter()
        .find(|c| **c == value.trim())
        .map(|c| (*c).to_owned())
        .ok_or_else(|| InvalidInput::new(field, "Choose one of the options."))
}

impl RequestForm {
    /// Step one (R-SR-02): receipt number, form, date filed, mailing ZIP code and the issue.
    pub fn start(&self, today: NaiveDate) -> Result<CaseCheck, Vec<InvalidInput>> {
        let mut errors = Vec::new();
        let receipt = keep(&mut errors, self.receipt.parse::<ReceiptNumber>().map_err(|e| e.for_field("receipt")));
        let form = self.form.trim().to_ascii_uppercase();
        let form_ok = (3..=12).contains(&form.len()) && form.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !form_ok {
            errors.push(InvalidInput::new("form", "Choose the form you filed."));
        }
        let filed = keep(&mut errors, filed_on(&self.filed_month, &self.filed_day, &self.filed_year, today));
        let zip = keep(&mut errors, self.zip.parse::<Zip>());
        let issue = Issue::parse(&self.issue);
        if issue.is_none() {
            errors.push(InvalidInput::new("issue", "Choose what your request is about."));
        }
        match (receipt, filed, zip, issue) {
            (Some(receipt), Some(filed), Some(zip), Some(issue)) if errors.is_empty() => {
                Ok(CaseCheck { receipt, form, filed, zip, issue })
            }
            _ => Err(errors),
        }
    }

    /// Step two (R-SR-04): the fields of `issue`, and nothing else, and how to answer.
    pub fn details(&self, issue: Issue, today: NaiveDate) -> Result<(Details, Reply), Vec<InvalidInput>> {
        let mut errors = Vec::new();
        let mut d = Details::default();
        if issue.asks(Field::Name) {
            d.first_name = keep(&mut errors, name("first_name", &self.first_name));
            d.last_name = keep(&mut errors, name("last_name", &self.last_name));
        }
        if issue.asks(Field::BirthDate) {
            d.birth_date = keep(&mut errors, birth_date(&self.birth_month, &self.birth_day, &self.birth_year, today));
        }
        if issue.asks(Field::BirthCountry) {
            d.birth_country = keep(&mut errors, text("birth_country", &self.birth_country, COUNTRY_MAX));
        }
        if issue.asks(Field::Citizenship) {
            d.citizenship = keep(&mut errors, text("citizenship", &self.citizenship, COUNTRY_MAX));
        }
        if issue.asks(Field::ANumber) {
            d.a_number = keep(&mut errors, self.a_number.parse::<ANumber>()).map(|a| a.as_str().to_owned());
        }
        if issue.asks(Field::NoticeKind) {
            d.notice = keep(&mut errors, one_of("notice", &self.notice, &NOTICES));
        }
        if issue.asks(Field::Correction) {
            d.wrong_item = keep(&mut errors, one_of("wrong_item", &self.wrong_item, &WRONG_ITEMS));
            d.correction = keep(&mut errors, text("correction", &self.correction, 200));
        }
        if issue.asks(Field::AccommodationKind) {
            d.accommodation = keep(&mut errors, one_of("accommodation", &self.accommodation, &ACCOMMODATIONS));
        }
        if issue.asks(Field::Description) {
            d.description = keep(&mut errors, text("description", &self.description, TEXT_MAX));
        }
        let reply = match self.reply.trim() {
            "email" => keep(&mut errors, self.email.parse::<Email>()).map(Reply::Email),
            "phone" => keep(&mut errors, self.phone.parse::<Phone>()).map(Reply::Phone),
            "mail" => Some(Reply::Mail),
            _ => {
                errors.push(InvalidInput::new("reply", "Choose how we should answer you."));
                None
            }
        };
        // A letter needs an address; so do the issue types that resend something.
        if issue.asks(Field::MailingAddress) || reply == Some(Reply::Mail) {
            let parts = (
                self.mail_line1.as_str(),
                self.mail_line2.as_str(),
                self.mail_city.as_str(),
                self.mail_state.as_str(),
                self.mail_zip.as_str(),
            );
            match UsAddress::parse(Prefix::Mailing, parts) {
                Ok(a) => d.address = Some(a.lines()),
                Err(e) => errors.extend(e),
            }
        }
        match reply {
            Some(reply) if errors.is_empty() => Ok((d, reply)),
            _ => Err(errors),
        }
    }
}

/// The date a case was filed: a real date, not in the future, not before 1990.
fn filed_on(month: &str, day: &str, year: &str, today: NaiveDate) -> Result<NaiveDate, InvalidInput> {
    let n = |s: &str| s.trim().parse::<u32>().ok();
    let date = match (n(month), n(day), year.trim().parse::<i32>().ok()) {
        (Some(m), Some(d), Some(y)) => NaiveDate::from_ymd_opt(y, m, d),
        _ => None,
    };
    match date {
        Some(d) if d.year() >= 1990 && d <= today => Ok(d),
        _ => Err(InvalidInput::new("filed", "Enter the date you filed, as on your receipt notice.")),
    }
}

/// Why a supervisor moves a request to another officer or office (R-SR-10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveReason {
    /// The officer left or changed duties.
    StaffChange,
    /// Another office is aligned with the customer's location.
    OfficeAlignment,
    /// The customer has a disability another officer or office serves better.
    Disability,
    /// The office has no capacity.
    Bandwidth,
}

impl MoveReason {
    /// Every reason.
    pub const ALL: [MoveReason; 4] =
        [MoveReason::StaffChange, MoveReason::OfficeAlignment, MoveReason::Disability, MoveReason::Bandwidth];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            MoveReason::StaffChange => "staff_change",
            MoveReason::OfficeAlignment => "office_alignment",
            MoveReason::Disability => "customer_disability",
            MoveReason::Bandwidth => "office_bandwidth",
        }
    }

    /// From a posted code.
    pub fn parse(code: &str) -> Option<MoveReason> {
        MoveReason::ALL.into_iter().find(|r| r.code() == code.trim())
    }
}

/// How an officer answers (R-SR-11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A response letter (PDF, in the customer's language).
    Letter,
    /// An email.
    Email,
    /// A telephone call, recorded.
    Phone,
}

impl Method {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Method::Letter => "letter",
            Method::Email => "email",
            Method::Phone => "phone",
        }
    }

    /// From a posted code.
    pub fn parse(code: &str) -> Option<Method> {
        [Method::Letter, Method::Email, Method::Phone].into_iter().find(|m| m.code() == code.trim())
    }
}

/// An officer's answer, checked.
pub fn response_text(value: &str) -> Result<String, InvalidInput> {
    text("body", value, 5_000)
}

/// A hold's reason, checked (R-SR-12).
pub fn hold_reason(value: &str) -> Result<String, InvalidInput> {
    text("reason", value, 300)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The request page names a reason for moving a request by its message,
    /// `staff-sr-move-reason-<code>`; the details' labels are messages too.
    #[test]
    fn every_move_reason_and_detail_label_is_in_the_staff_catalogue() {
        let i18n = crate::kernel::i18n::I18n::load().unwrap();
        let en = crate::kernel::i18n::Lang::En;
        for r in MoveReason::ALL {
            let id = format!("staff-sr-move-reason-{}", r.code());
            assert_ne!(i18n.t(en, &id), id, "{id} is missing");
        }
        let details = Details { first_name: Some("Ana".into()), last_name: Some("Ruiz".into()), ..Details::default() };
        for (key, _) in details.pairs() {
            assert_ne!(i18n.t(en, key), key, "{key} is missing");
        }
    }

    // Issue 17, point 12: staff read codes as words, every code of every vocabulary a staff
    // page shows (issues, channels, statuses, steps of the trail, languages).
    #[test]
    fn every_code_staff_pages_show_has_its_words() {
        let i18n = crate::kernel::i18n::I18n::load().unwrap();
        let en = crate::kernel::i18n::Lang::En;
        let statuses = ["open", "assigned", "on_hold", "resolved"];
        let steps = [
            "filed",
            "routed",
            "assigned",
            "reassigned",
            "redirected",
            "held",
            "released",
            "letter",
            "email",
            "phone",
            "resolved",
        ];
        let mut ids: Vec<String> = Vec::new();
        ids.extend(Issue::ALL.iter().map(|i| format!("staff-sr-issue-{}", i.code())));
        ids.extend(Channel::ALL.iter().map(|c| format!("staff-sr-channel-{}", c.code())));
        ids.extend(statuses.iter().map(|c| format!("staff-sr-status-{c}")));
        ids.extend(steps.iter().map(|c| format!("staff-sr-event-{c}")));
        ids.extend(
            [Method::Letter, Method::Email, Method::Phone].iter().map(|m| format!("staff-sr-event-{}", m.code())),
        );
        ids.extend(crate::kernel::i18n::Lang::ALL.iter().map(|l| format!("staff-lang-{}", l.tag())));
        for id in ids {
            assert_ne!(i18n.t(en, &id), id, "{id} is missing");
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    /// A form with every field filled in, as a client might post whatever the issue.
    pub fn full() -> RequestForm {
        RequestForm {
            receipt: "EAC2690012345".into(),
            form: "i-485".into(),
            filed_month: "3".into(),
            filed_day: "2".into(),
            filed_year: "2026".into(),
            zip: "60601".into(),
            issue: "late".into(),
            first_name: "Ana".into(),
            last_name: "García".into(),
            birth_month: "1".into(),
            birth_day: "31".into(),
            birth_year: "1990".into(),
            birth_country: "Mexico".into(),
            citizenship: "Mexico".into(),
            a_number: "A012345678".into(),
            mail_line1: "100 W Randolph Street".into(),
            mail_city: "Chicago".into(),
            mail_state: "IL".into(),
            mail_zip: "60601".into(),
            notice: "asc_appointment".into(),
            wrong_item: "name".into(),
            correction: "Ana García".into(),
            accommodation: "mobility".into(),
            description: "Wheelchair access at the interview.".into(),
            reply: "email".into(),
            email: "ana@example.com".into(),
            ..RequestForm::default()
        }
    }

    // R-SR-02: step one is checked field by field, all the problems at once.
    #[test]
    fn step_one_is_checked() {
        let c = full().start(today()).unwrap();
        assert_eq!((c.form.as_str(), c.issue, c.zip.five()), ("I-485", Issue::Late, "60601"));
        let bad = RequestForm {
            receipt: "EAC1".into(),
            filed_year: "2027".into(),
            zip: "6".into(),
            issue: "x".into(),
            ..full()
        };
        let fields: Vec<_> = bad.start(today()).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["receipt", "filed", "zip", "issue"]);
    }

    // R-SR-04: every issue type keeps only its own fields, whatever else is posted.
    #[test]
    fn each_issue_collects_only_its_fields() {
        let keys = |issue: Issue| -> Vec<String> {
            let (d, _) = full().details(issue, today()).unwrap();
            let json = serde_json::to_value(&d).unwrap();
            json.as_object().unwrap().keys().cloned().collect()
        };
        assert_eq!(keys(Issue::Late), ["birth_date", "first_name", "last_name"]);
        assert_eq!(keys(Issue::Notice), ["address", "birth_date", "first_name", "last_name", "notice"]);
        assert_eq!(
            keys(Issue::Typo),
            ["a_number", "birth_date", "correction", "first_name", "last_name", "wrong_item"]
        );
        assert_eq!(keys(Issue::Card), ["a_number", "address", "birth_date", "first_name", "last_name"]);
        assert_eq!(
            keys(Issue::Beneficiary),
            ["a_number", "birth_country", "birth_date", "citizenship", "description", "first_name", "last_name"]
        );
        assert_eq!(keys(Issue::Accommodation), ["accommodation", "description", "first_name", "last_name"]);
        // Asking for a letter adds the address, and only then.
        let by_mail = RequestForm { reply: "mail".into(), ..full() };
        let (d, reply) = by_mail.details(Issue::Late, today()).unwrap();
        assert_eq!((reply, d.address.unwrap()[0].as_str()), (Reply::Mail, "100 W RANDOLPH ST"));
        assert!(Issue::Accommodation.flagged() && !Issue::Late.flagged());
    }

    // R-SR-04: what an issue asks must be given; what it does not ask may be missing or wrong.
    #[test]
    fn missing_fields_are_named() {
        let empty = RequestForm { reply: "phone".into(), phone: "12".into(), ..RequestForm::default() };
        let fields: Vec<_> = empty.details(Issue::Typo, today()).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["first_name", "last_name", "birth_date", "a_number", "wrong_item", "correction", "phone"]);
        let late = RequestForm { a_number: "nonsense".into(), notice: "nonsense".into(), ..full() };
        assert!(late.details(Issue::Late, today()).is_ok());
    }
}
