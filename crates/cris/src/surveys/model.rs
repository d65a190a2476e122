//! Surveys, questions, answers and the rules about them; no I/O.

use chrono::{Datelike, NaiveDate};

use crate::kernel::contact::Email;
use crate::kernel::error::InvalidInput;
use crate::kernel::i18n::Lang;

/// Days after the invitation when the one reminder goes (R-SV-02).
pub const REMINDER_AFTER_DAYS: i64 = 4;
/// Groups with fewer answers than this are not shown (R-SV-06).
pub const SUPPRESS_BELOW: i64 = 5;
/// Question slots on the survey form.
pub const MAX_QUESTIONS: usize = 8;
/// Longest free-text answer kept.
pub const MAX_TEXT: usize = 2_000;

/// The kind of a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A 1–5 agreement scale (1 strongly disagree, 5 strongly agree).
    Scale,
    /// One choice of several.
    Choice,
    /// Free text.
    Text,
}

impl Kind {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Scale => "scale",
            Kind::Choice => "choice",
            Kind::Text => "text",
        }
    }

    /// Parses a stored code.
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "scale" => Some(Kind::Scale),
            "choice" => Some(Kind::Choice),
            "text" => Some(Kind::Text),
            _ => None,
        }
    }
}

/// A question, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// Its place in the survey, from 1.
    pub position: i32,
    /// Kind.
    pub kind: Kind,
    /// English wording.
    pub text_en: String,
    /// Spanish wording.
    pub text_es: String,
    /// Choices in English (choice questions).
    pub choices_en: Vec<String>,
    /// The same choices in Spanish.
    pub choices_es: Vec<String>,
}

impl Question {
    /// The wording in a language.
    pub fn text(&self, lang: Lang) -> &str {
        if lang == Lang::Es { &self.text_es } else { &self.text_en }
    }

    /// The choices in a language.
    pub fn choices(&self, lang: Lang) -> &[String] {
        if lang == Lang::Es { &self.choices_es } else { &self.choices_en }
    }
}

/// A survey as written by headquarters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Survey {
    /// Id.
    pub id: i64,
    /// English title.
    pub title_en: String,
    /// Spanish title.
    pub title_es: String,
    /// OMB control number (Paperwork Reduction Act), e.g. `1615-0122`.
    pub omb_number: String,
    /// The last day the OMB approval covers.
    pub expires_on: NaiveDate,
    /// Estimated minutes to answer.
    pub burden_minutes: i32,
    /// Office codes covered; empty covers every office.
    pub offices: Vec<String>,
    /// Service codes covered; empty covers every service.
    pub services: Vec<String>,
    /// Questions in order.
    pub questions: Vec<Question>,
}

impl Survey {
    /// The title in a language.
    pub fn title(&self, lang: Lang) -> &str {
        if lang == Lang::Es { &self.title_es } else { &self.title_en }
    }

    /// Whether its approval still runs on `today`: an expired survey neither invites nor takes
    /// answers.
    pub fn active(&self, today: NaiveDate) -> bool {
        today <= self.expires_on
    }

    /// Whether it covers a visit of a service at an office.
    pub fn covers(&self, office: &str, service: &str) -> bool {
        (self.offices.is_empty() || self.offices.iter().any(|o| o == office))
            && (self.services.is_empty() || self.services.iter().any(|s| s == service))
    }
}

/// One question slot of the survey form, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct QuestionForm {
    /// `scale`, `choice` or `text`; empty leaves the slot unused.
    pub kind: String,
    /// English wording.
    pub text_en: String,
    /// Spanish wording.
    pub text_es: String,
    /// English choices, one a line.
    pub choices_en: String,
    /// Spanish choices, one a line.
    pub choices_es: String,
}

/// The survey form, as typed.
#[derive(Debug, Clone, Default)]
pub struct SurveyForm {
    /// English title.
    pub title_en: String,
    /// Spanish title.
    pub title_es: String,
    /// OMB control number.
    pub omb_number: String,
    /// Expiry date, `YYYY-MM-DD`.
    pub expires_on: String,
    /// Burden in minutes.
    pub burden_minutes: String,
    /// Office codes, separated by spaces or commas.
    pub offices: String,
    /// Service codes, separated by spaces or commas.
    pub services: String,
    /// Question slots.
    pub questions: Vec<QuestionForm>,
}

fn lines(s: &str) -> Vec<String> {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

fn codes(s: &str) -> Vec<String> {
    s.split(|c: char| c == ',' || c.is_whitespace()).filter(|c| !c.is_empty()).map(str::to_ascii_uppercase).collect()
}

fn required(field: &'static str, value: &str, what: &str) -> Result<String, InvalidInput> {
    let v = value.trim();
    if v.is_empty() {
        return Err(InvalidInput::new(field, format!("Enter {what}.")));
    }
    if v.chars().count() > 500 {
        return Err(InvalidInput::new(field, format!("Keep {what} under 500 characters.")));
    }
    Ok(v.to_owned())
}

impl SurveyForm {
    /// Checks the form: both languages for every text, a valid OMB number (`NNNN-NNNN`), an expiry
    /// after `today`, a burden of 1 to 120 minutes, at least one question, and choice questions
    /// with 2 to 10 choices, as many in Spanish as in English. `offices` and `services` are the
    /// codes that exist. The errors name each field.
    pub fn parse(&self, today: NaiveDate, offices: &[String], services: &[&str]) -> Result<Survey, Vec<InvalidInput>> {
        let mut errors = Vec::new();
        let mut ok = |r: Result<String, InvalidInput>| match r {
            Ok(v) => v,
            Err(e) => {
                errors.push(e);
                String::new()
            }
        };
        let title_en = ok(required("title_en", &self.title_en, "the English title"));
        let title_es = ok(required("title_es", &self.title_es, "the Spanish title"));
        let omb = self.omb_number.trim();
        let omb_ok =
            omb.len() == 9 && omb.char_indices().all(|(i, c)| if i == 4 { c == '-' } else { c.is_ascii_digit() });
        if !omb_ok {
            errors.push(InvalidInput::new(
                "omb_number",
                "Enter the OMB control number as 4 digits, a hyphen and 4 digits (1615-0122).",
            ));
        }
        let expires_on = match NaiveDate::parse_from_str(self.expires_on.trim(), "%Y-%m-%d") {
            Ok(d) if d > today => d,
            Ok(_) => {
                errors.push(InvalidInput::new("expires_on", "The approval must expire after today."));
                today
            }
            Err(_) => {
                errors.push(InvalidInput::new("expires_on", "Enter the expiry date as YYYY-MM-DD."));
                today
            }
        };
        let burden_minutes = match self.burden_minutes.trim().parse::<i32>() {
            Ok(m) if (1..=120).contains(&m) => m,
            _ => {
                errors.push(InvalidInput::new(
                    "burden_minutes",
                    "Enter the burden as a number of minutes from 1 to 120.",
                ));
                1
            }
        };
        let office_codes = codes(&self.offices);
        if let Some(bad) = office_codes.iter().find(|c| !offices.contains(c)) {
            errors.push(InvalidInput::new("offices", format!("{bad} is not a field office code.")));
        }
        let service_codes: Vec<String> = codes(&self.services).into_iter().map(|c| c.to_ascii_lowercase()).collect();
        if let Some(bad) = service_codes.iter().find(|c| !services.contains(&c.as_str())) {
            errors.push(InvalidInput::new("services", format!("{bad} is not an appointment service.")));
        }
        let mut questions = Vec::new();
        for q in &self.questions {
            let Some(kind) = Kind::parse(q.kind.trim()) else {
                if !q.kind.trim().is_empty() {
                    errors.push(InvalidInput::new("questions", "Choose the kind of each question."));
                }
                continue;
            };
            let position = i32::try_from(questions.len() + 1).unwrap_or(i32::MAX);
            let (text_en, text_es) = (q.text_en.trim().to_owned(), q.text_es.trim().to_owned());
            if text_en.is_empty() || text_es.is_empty() {
                errors.push(InvalidInput::new(
                    "questions",
                    format!("Question {position} needs its English and Spanish wording."),
                ));
            }
            let (choices_en, choices_es) = if kind == Kind::Choice {
                (lines(&q.choices_en), lines(&q.choices_es))
            } else {
                (Vec::new(), Vec::new())
            };
            if kind == Kind::Choice && (!(2..=10).contains(&choices_en.len()) || choices_en.len() != choices_es.len()) {
                errors.push(InvalidInput::new(
                    "questions",
                    format!("Question {position} needs 2 to 10 choices, one a line, as many in Spanish as in English."),
                ));
            }
            questions.push(Question { position, kind, text_en, text_es, choices_en, choices_es });
        }
        if questions.is_empty() {
            errors.push(InvalidInput::new("questions", "Write at least one question."));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Survey {
            id: 0,
            title_en,
            title_es,
            omb_number: omb.to_owned(),
            expires_on,
            burden_minutes,
            offices: office_codes,
            services: service_codes,
            questions,
        })
    }
}

/// One answer to one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// 1 to 5.
    Scale(i32),
    /// The index of the choice, from 0.
    Choice(i32),
    /// Free text.
    Text(String),
}

/// Reads the answers a customer gave, as `(position, value)` pairs from the form: each must
/// belong to a question and be valid for its kind; unanswered questions are skipped (every
/// question is optional, as the Paperwork Reduction Act asks of voluntary surveys).
pub fn parse_answers(survey: &Survey, given: &[(String, String)]) -> Result<Vec<(i32, Answer)>, InvalidInput> {
    let mut out = Vec::new();
    for q in &survey.questions {
        let name = format!("q{}", q.position);
        let Some(value) = given.iter().find(|(k, _)| *k == name).map(|(_, v)| v.trim()) else { continue };
        if value.is_empty() {
            continue;
        }
        let bad = || InvalidInput::new("answers", "An answer is not one of the choices offered.");
        let answer = match q.kind {
            Kind::Scale => Answer::Scale(value.parse().ok().filter(|v| (1..=5).contains(v)).ok_or_else(bad)?),
            Kind::Choice => {
                let n = i32::try_from(q.choices_en.len()).unwrap_or(0);
                Answer::Choice(value.parse().ok().filter(|v| (0..n).contains(v)).ok_or_else(bad)?)
            }
            Kind::Text => Answer::Text(value.chars().take(MAX_TEXT).collect()),
        };
        out.push((q.position, answer));
    }
    Ok(out)
}

/// The ISO week of a day, as `2026-W45`: the finest time an answer keeps (R-SV-03).
pub fn iso_week(day: NaiveDate) -> String {
    let w = day.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// A report's day as typed (`YYYY-MM-DD`).
pub fn parse_day(field: &'static str, raw: &str) -> Result<NaiveDate, InvalidInput> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| InvalidInput::new(field, "Enter the date as YYYY-MM-DD."))
}

/// The form an email address takes before it is hashed for the opt-out list: trimmed and in
/// lower case throughout, so `Ann@Example.com` and `ann@example.com` opt out together.
pub fn normalise_email(email: &Email) -> String {
    email.as_str().trim().to_lowercase()
}

/// The label of the opt-out hash, so it cannot be confused with another use of the key.
pub const OPT_OUT_LABEL: &str = "survey-opt-out";

/// Counts of one question in a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionCounts {
    /// The question.
    pub question: Question,
    /// Answers per value: scale 1..=5, or per choice in order (empty for free text).
    pub counts: Vec<i64>,
    /// Free-text answers (free-text questions).
    pub texts: Vec<String>,
    /// How many answered this question.
    pub answered: i64,
}

/// A report of one survey for one office (or all) over a period (R-SV-06).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The survey.
    pub survey: Survey,
    /// The office, or every office.
    pub office: Option<String>,
    /// First ISO week.
    pub from_week: String,
    /// Last ISO week.
    pub to_week: String,
    /// Responses in the group.
    pub responses: i64,
    /// Per-question figures; empty when the group is suppressed.
    pub questions: Vec<QuestionCounts>,
}

impl Report {
    /// Whether the group is too small to show (fewer than 5 responses).
    pub fn suppressed(&self) -> bool {
        self.responses < SUPPRESS_BELOW
    }

    /// The report as CSV: one line per question and value, or one line saying "fewer than 5".
    pub fn csv(&self) -> String {
        use crate::kernel::csv::line;
        let mut out = String::new();
        line(&mut out, &["question", "value", "count"]);
        if self.suppressed() {
            line(&mut out, &["all", "responses", "fewer than 5"]);
            return out;
        }
        line(&mut out, &["all", "responses", &self.responses.to_string()]);
        for q in &self.questions {
            let label = format!("{}. {}", q.question.position, q.question.text_en);
            match q.question.kind {
                Kind::Scale => {
                    for (i, c) in q.counts.iter().enumerate() {
                        line(&mut out, &[label.as_str(), &(i + 1).to_string(), &c.to_string()]);
                    }
                }
                Kind::Choice => {
                    for (choice, c) in q.question.choices_en.iter().zip(&q.counts) {
                        line(&mut out, &[label.as_str(), choice, &c.to_string()]);
                    }
                }
                Kind::Text => {
                    for t in &q.texts {
                        line(&mut out, &[label.as_str(), t, "1"]);
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SurveyForm {
        SurveyForm {
            title_en: "Your visit".into(),
            title_es: "Su visita".into(),
            omb_number: "1615-0122".into(),
            expires_on: "2027-06-30".into(),
            burden_minutes: "5".into(),
            offices: "nyc".into(),
            services: "".into(),
            questions: vec![
                QuestionForm {
                    kind: "scale".into(),
                    text_en: "Staff were helpful.".into(),
                    text_es: "El personal fue útil.".into(),
                    ..Default::default()
                },
                QuestionForm {
                    kind: "choice".into(),
                    text_en: "How did you book?".into(),
                    text_es: "¿Cómo reservó?".into(),
                    choices_en: "Online\nKiosk".into(),
                    choices_es: "En línea\nQuiosco".into(),
                },
                QuestionForm::default(),
            ],
        }
    }

    #[test]
    fn a_complete_form_parses_and_slots_left_empty_are_skipped() {
        let s = form().parse(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(), &["NYC".into()], &["information"]).unwrap();
        assert_eq!(s.questions.len(), 2);
        assert_eq!(s.offices, vec!["NYC".to_owned()]);
        assert!(s.covers("NYC", "info"));
        assert!(!s.covers("LOS", "info"));
    }

    #[test]
    fn every_mistake_is_named() {
        let mut f = form();
        f.omb_number = "16150122".into();
        f.expires_on = "2026-11-01".into();
        f.questions[1].choices_es = "Solo una".into();
        let errs =
            f.parse(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(), &["NYC".into()], &["information"]).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["omb_number", "expires_on", "questions"]);
    }

    #[test]
    fn answers_outside_the_choices_are_refused() {
        let s = form().parse(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(), &["NYC".into()], &["information"]).unwrap();
        assert!(parse_answers(&s, &[("q1".into(), "6".into())]).is_err());
        assert!(parse_answers(&s, &[("q2".into(), "2".into())]).is_err());
        let ok = parse_answers(&s, &[("q1".into(), "4".into()), ("q2".into(), "1".into())]).unwrap();
        assert_eq!(ok, vec![(1, Answer::Scale(4)), (2, Answer::Choice(1))]);
    }

    #[test]
    fn weeks_are_iso_weeks() {
        assert_eq!(iso_week(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()), "2026-W53");
        assert_eq!(iso_week(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()), "2026-W45");
    }
}
