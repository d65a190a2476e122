//! Scripts as headquarters writes them and call-centre staff read them: topics, drafts, versions,
//! return reasons, the record of a call, and the search a staff member asks for, each parsed once.
//! No I/O.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::kernel::error::{InvalidInput, keep, optional};
use crate::kernel::i18n::Lang;
use crate::kernel::ids::ReceiptNumber;
use crate::reference::Catalog;

/// What a script is about: the subjects callers ask about (000, 001).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    /// Where a case stands.
    CaseStatus,
    /// Moving (AR-11).
    ChangeOfAddress,
    /// InfoPass and other appointments.
    Appointments,
    /// Filing fees and waivers.
    Fees,
    /// Which form, editions, how to file.
    Forms,
    /// Laws and regulations.
    Laws,
    /// Biometrics appointments.
    Biometrics,
    /// Service requests (e-Request).
    ServiceRequests,
    /// Travel documents and advance parole.
    Travel,
    /// Naturalisation and citizenship.
    Citizenship,
}

impl Topic {
    /// Every topic, in the order pages list them.
    pub const ALL: [Topic; 10] = [
        Topic::CaseStatus,
        Topic::ChangeOfAddress,
        Topic::Appointments,
        Topic::Fees,
        Topic::Forms,
        Topic::Laws,
        Topic::Biometrics,
        Topic::ServiceRequests,
        Topic::Travel,
        Topic::Citizenship,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Topic::CaseStatus => "case_status",
            Topic::ChangeOfAddress => "change_of_address",
            Topic::Appointments => "appointments",
            Topic::Fees => "fees",
            Topic::Forms => "forms",
            Topic::Laws => "laws",
            Topic::Biometrics => "biometrics",
            Topic::ServiceRequests => "service_requests",
            Topic::Travel => "travel",
            Topic::Citizenship => "citizenship",
        }
    }

    /// The topic's name in a language (staff pages use English; the Spanish name is searchable).
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Topic::CaseStatus, Lang::En) => "Case status",
            (Topic::CaseStatus, Lang::Es) => "Estado del caso",
            (Topic::ChangeOfAddress, Lang::En) => "Change of address",
            (Topic::ChangeOfAddress, Lang::Es) => "Cambio de dirección",
            (Topic::Appointments, Lang::En) => "Appointments",
            (Topic::Appointments, Lang::Es) => "Citas",
            (Topic::Fees, Lang::En) => "Fees",
            (Topic::Fees, Lang::Es) => "Tarifas",
            (Topic::Forms, Lang::En) => "Forms",
            (Topic::Forms, Lang::Es) => "Formularios",
            (Topic::Laws, Lang::En) => "Laws and regulations",
            (Topic::Laws, Lang::Es) => "Leyes y reglamentos",
            (Topic::Biometrics, Lang::En) => "Biometrics",
            (Topic::Biometrics, Lang::Es) => "Datos biométricos",
            (Topic::ServiceRequests, Lang::En) => "Service requests",
            (Topic::ServiceRequests, Lang::Es) => "Solicitudes de servicio",
            (Topic::Travel, Lang::En) => "Travel",
            (Topic::Travel, Lang::Es) => "Viajes",
            (Topic::Citizenship, Lang::En) => "Citizenship",
            (Topic::Citizenship, Lang::Es) => "Ciudadanía",
        }
    }

    /// The English name, for staff pages.
    pub fn name(self) -> &'static str {
        self.label(Lang::En)
    }

    /// Parses a stored or submitted code.
    pub fn parse(s: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.code() == s.trim())
    }
}

/// Where a version stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Written, waiting for an approver.
    Pending,
    /// Sent back to the authors with a reason.
    Returned,
    /// Approved: shown to call-centre staff while it is the script's latest.
    Approved,
}

impl Status {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Returned => "returned",
            Status::Approved => "approved",
        }
    }

    /// Parses a stored code (the database's check constraint allows no other).
    pub fn parse(s: &str) -> Status {
        match s {
            "approved" => Status::Approved,
            "returned" => Status::Returned,
            _ => Status::Pending,
        }
    }
}

/// The longest title, in characters: a line on the call-centre screen.
const TITLE_MAX: usize = 150;
/// The longest body, in characters: an answer read aloud, not a manual.
const BODY_MAX: usize = 10_000;
/// The longest note or reason, in characters.
const NOTE_MAX: usize = 1_000;

/// The draft form as typed, every field a string, kept to show back.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DraftForm {
    pub csrf: String,
    pub topic: String,
    pub form_code: String,
    pub title_en: String,
    pub body_en: String,
    pub title_es: String,
    pub body_es: String,
    pub note: String,
}

/// A script's text and classification as an author wrote it, every part checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// What it is about.
    pub topic: Topic,
    /// The form it explains, when it is about one (a code of the reference catalogue).
    pub form_code: Option<String>,
    /// English title.
    pub title_en: String,
    /// English text.
    pub body_en: String,
    /// Spanish title.
    pub title_es: String,
    /// Spanish text.
    pub body_es: String,
    /// What changed, for the approver.
    pub note: String,
}

impl DraftForm {
    /// Checks every field; all the problems at once.
    pub fn parse(&self, catalog: &Catalog) -> Result<Draft, Vec<InvalidInput>> {
        let mut errors = Vec::new();
        let topic = Topic::parse(&self.topic);
        if topic.is_none() {
            errors.push(InvalidInput::new("topic", "Choose the topic the script answers."));
        }
        let form_code = keep(&mut errors, optional_form(catalog, &self.form_code, "form_code")).flatten();
        let mut text = |field: &'static str, value: &str, min: usize, max: usize, what: &str| -> String {
            keep(&mut errors, text(field, value, min, max, what)).unwrap_or_default()
        };
        let title_en = text("title_en", &self.title_en, 3, TITLE_MAX, "The English title");
        let body_en = text("body_en", &self.body_en, 20, BODY_MAX, "The English text");
        let title_es = text("title_es", &self.title_es, 3, TITLE_MAX, "The Spanish title");
        let body_es = text("body_es", &self.body_es, 20, BODY_MAX, "The Spanish text");
        let note = text("note", &self.note, 0, NOTE_MAX, "The note");
        match topic {
            Some(topic) if errors.is_empty() => {
                Ok(Draft { topic, form_code, title_en, body_en, title_es, body_es, note })
            }
            _ => Err(errors),
        }
    }
}

impl Draft {
    /// The draft as the form shows it, to start the next version from.
    pub fn typed(&self) -> DraftForm {
        DraftForm {
            csrf: String::new(),
            topic: self.topic.code().to_owned(),
            form_code: self.form_code.clone().unwrap_or_default(),
            title_en: self.title_en.clone(),
            body_en: self.body_en.clone(),
            title_es: self.title_es.clone(),
            body_es: self.body_es.clone(),
            note: self.note.clone(),
        }
    }
}

/// A form code of the catalogue, or none when the field is empty.
fn optional_form(catalog: &Catalog, typed: &str, field: &'static str) -> Result<Option<String>, InvalidInput> {
    let code = typed.trim().to_uppercase();
    if code.is_empty() {
        return Ok(None);
    }
    catalog
        .form(&code)
        .map(|f| Some(f.code.clone()))
        .ok_or_else(|| InvalidInput::new(field, "Choose a form from the list, or none."))
}

/// Text of `min` to `max` characters: lines kept (bodies are paragraphs), other control
/// characters refused, Windows line ends made plain.
fn text(field: &'static str, value: &str, min: usize, max: usize, what: &str) -> Result<String, InvalidInput> {
    let value = value.replace("\r\n", "\n");
    let value = value.trim();
    let length = value.chars().count();
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(InvalidInput::new(field, format!("{what} has characters that cannot be shown.")));
    }
    if length < min || length > max {
        let reason = if min == 0 {
            format!("{what} can be at most {max} characters.")
        } else {
            format!("{what} must be {min} to {max} characters.")
        };
        return Err(InvalidInput::new(field, reason));
    }
    Ok(value.to_owned())
}

/// Why an approver returns a draft: 5 to 1,000 characters.
pub fn return_reason(typed: &str) -> Result<String, InvalidInput> {
    text("reason", typed, 5, NOTE_MAX, "The reason")
}

/// One version of a script, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// The version's own id (what approvers decide).
    pub id: i64,
    /// The script.
    pub script_id: i64,
    /// 1, 2, 3… within the script.
    pub version: i64,
    /// Where it stands.
    pub status: Status,
    /// Its text and classification.
    pub content: Draft,
    /// Who wrote it first.
    pub drafted_by: String,
    /// When.
    pub drafted_at: DateTime<Utc>,
    /// Who changed it last, after a return, and when.
    pub revised: Option<(String, DateTime<Utc>)>,
    /// Who approved or returned it, and when.
    pub decided: Option<(String, DateTime<Utc>)>,
    /// Why it was returned.
    pub return_reason: Option<String>,
}

impl Version {
    /// Whether `username` wrote any of it: such a person may not approve or return it (four eyes).
    pub fn written_by(&self, username: &str) -> bool {
        self.drafted_by == username || self.revised.as_ref().is_some_and(|(by, _)| by == username)
    }
}

/// A text's paragraphs (blank lines between them), for pages.
pub fn paragraphs(text: &str) -> Vec<&str> {
    text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).collect()
}

/// The "used on this call" form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct UseForm {
    pub csrf: String,
    pub version: String,
    pub call_ref: String,
    pub receipt_number: String,
}

/// That a script answered a call: the version read, and optionally the call and the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallUse {
    /// The version the staff member had on screen.
    pub version: i64,
    /// The telephony system's reference of the call.
    pub call_ref: Option<String>,
    /// The caller's case.
    pub receipt: Option<ReceiptNumber>,
}

/// The longest call reference.
const CALL_REF_MAX: usize = 40;

impl UseForm {
    /// Checks every field; all the problems at once.
    pub fn parse(&self) -> Result<CallUse, Vec<InvalidInput>> {
        let mut errors = Vec::new();
        let version = self.version.trim().parse::<i64>().ok().filter(|v| *v > 0);
        if version.is_none() {
            errors.push(InvalidInput::new("version", "Reload the script and try again."));
        }
        let call_ref = self.call_ref.trim();
        let call_ref_ok = call_ref.len() <= CALL_REF_MAX
            && call_ref.chars().all(|c| c.is_ascii_alphanumeric() || "-_./#:".contains(c));
        if !call_ref_ok {
            errors.push(InvalidInput::new(
                "call_ref",
                format!("A call reference is up to {CALL_REF_MAX} letters, digits and - _ . / # :"),
            ));
        }
        let receipt = keep(&mut errors, optional::<ReceiptNumber>(&self.receipt_number)).flatten();
        match version {
            Some(version) if errors.is_empty() => {
                Ok(CallUse { version, call_ref: (!call_ref.is_empty()).then(|| call_ref.to_owned()), receipt })
            }
            _ => Err(errors),
        }
    }
}

/// The search box and filters of the scripts page as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SearchForm {
    pub q: String,
    pub topic: String,
    pub form: String,
    pub lang: String,
}

/// What a staff member looks for: words (possibly misspelt) and filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    /// The words typed; empty to browse.
    pub words: String,
    /// Only scripts of this topic.
    pub topic: Option<Topic>,
    /// Only scripts about this form.
    pub form_code: Option<String>,
    /// Only this language's text.
    pub lang: Option<Lang>,
}

/// The longest search, in characters.
const SEARCH_MAX: usize = 200;

impl SearchForm {
    /// Checks the words and filters; all the problems at once.
    pub fn parse(&self, catalog: &Catalog) -> Result<Search, Vec<InvalidInput>> {
        let mut errors = Vec::new();
        let words = self.q.trim();
        if words.chars().count() > SEARCH_MAX || words.chars().any(char::is_control) {
            errors.push(InvalidInput::new("q", format!("Search with at most {SEARCH_MAX} characters.")));
        }
        let topic = match self.topic.trim() {
            "" => None,
            typed => {
                let t = Topic::parse(typed);
                if t.is_none() {
                    errors.push(InvalidInput::new("topic", "Choose a topic from the list."));
                }
                t
            }
        };
        let form_code = keep(&mut errors, optional_form(catalog, &self.form, "form")).flatten();
        let lang = match self.lang.trim() {
            "" => None,
            typed => {
                let l = Lang::from_tag(typed);
                if l.is_none() {
                    errors.push(InvalidInput::new("lang", "Choose English or Spanish."));
                }
                l
            }
        };
        if errors.is_empty() { Ok(Search { words: words.to_owned(), topic, form_code, lang }) } else { Err(errors) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::load().unwrap()
    }

    fn draft() -> DraftForm {
        DraftForm {
            topic: "biometrics".into(),
            form_code: " i-485 ".into(),
            title_en: "  Biometrics appointment  ".into(),
            body_en: "Bring your appointment notice and a photo ID.\r\n\r\nArrive on time.".into(),
            title_es: "Cita biométrica".into(),
            body_es: "Traiga su aviso de cita y una identificación con foto.".into(),
            ..DraftForm::default()
        }
    }

    // R-GW-01: a draft is parsed once: topic and form from their lists, both languages' text
    // trimmed and bounded, line ends made plain.
    #[test]
    fn drafts_are_checked_field_by_field() {
        let catalog = catalog();
        let d = draft().parse(&catalog).unwrap();
        assert_eq!((d.topic, d.form_code.as_deref()), (Topic::Biometrics, Some("I-485")));
        assert_eq!(d.title_en, "Biometrics appointment");
        assert_eq!(paragraphs(&d.body_en), vec!["Bring your appointment notice and a photo ID.", "Arrive on time."]);
        let none = DraftForm { form_code: String::new(), ..draft() }.parse(&catalog).unwrap();
        assert_eq!(none.form_code, None);

        let bad = DraftForm {
            topic: "gossip".into(),
            form_code: "I-999".into(),
            title_en: "Hi".into(),
            body_es: "corto".into(),
            title_es: "Bell\u{7}".into(),
            ..draft()
        };
        let fields: Vec<&str> = bad.parse(&catalog).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["topic", "form_code", "title_en", "title_es", "body_es"]);
        let long = DraftForm { body_en: "x".repeat(BODY_MAX + 1), note: "n".repeat(NOTE_MAX + 1), ..draft() };
        let fields: Vec<&str> = long.parse(&catalog).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["body_en", "note"]);
        for t in Topic::ALL {
            assert_eq!(Topic::parse(t.code()), Some(t));
        }
        for s in [Status::Pending, Status::Returned, Status::Approved] {
            assert_eq!(Status::parse(s.code()), s);
        }
    }

    // R-GW-01: a return needs a reason; a call's record takes an optional reference and an
    // optional receipt number, parsed by the kernel's parser.
    #[test]
    fn reasons_and_calls() {
        assert_eq!(return_reason("  Cite the regulation.  ").unwrap(), "Cite the regulation.");
        assert_eq!(return_reason("no").unwrap_err().field, "reason");
        let used = UseForm {
            version: "3".into(),
            call_ref: " NCSC-2026/0042 ".into(),
            receipt_number: "eac 99-991-03403".into(),
            ..UseForm::default()
        }
        .parse()
        .unwrap();
        assert_eq!(used.version, 3);
        assert_eq!(used.call_ref.as_deref(), Some("NCSC-2026/0042"));
        assert_eq!(used.receipt.map(|r| r.as_str().to_owned()).as_deref(), Some("EAC9999103403"));
        let bare = UseForm { version: "1".into(), ..UseForm::default() }.parse().unwrap();
        assert_eq!((bare.call_ref, bare.receipt), (None, None));
        let bad = UseForm {
            version: "x".into(),
            call_ref: "drop table;".into(),
            receipt_number: "ABC".into(),
            ..UseForm::default()
        };
        let fields: Vec<&str> = bad.parse().unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["version", "call_ref", "receipt_number"]);
    }

    // R-GW-01: the search's filters come from their lists; bad ones are named.
    #[test]
    fn searches_are_checked() {
        let catalog = catalog();
        let s = SearchForm { q: " adress ".into(), topic: "fees".into(), form: "n-400".into(), lang: "es".into() }
            .parse(&catalog)
            .unwrap();
        assert_eq!(
            s,
            Search {
                words: "adress".into(),
                topic: Some(Topic::Fees),
                form_code: Some("N-400".into()),
                lang: Some(Lang::Es)
            }
        );
        assert_eq!(SearchForm::default().parse(&catalog).unwrap(), Search::default());
        let bad =
            SearchForm { q: "q".repeat(SEARCH_MAX + 1), topic: "x".into(), form: "Z-1".into(), lang: "fr".into() };
        let fields: Vec<&str> = bad.parse(&catalog).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["q", "topic", "form", "lang"]);
    }
}
