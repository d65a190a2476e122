//! Customer accounts and their rules. No I/O.

use chrono::{DateTime, Utc};

use crate::kernel::error::InvalidInput;
use crate::kernel::i18n::Lang;

/// Receipt numbers a portfolio holds at most (R-CS-08).
pub const MAX_CASES: i64 = 100;

/// Shortest customer password: it stands alone, with no second factor (NIST SP 800-63B).
pub const MIN_PASSWORD: usize = 15;

/// The security questions a customer chooses three of; their text is in the message catalogues.
pub const QUESTIONS: [&str; 8] = [
    "q-first-school",
    "q-birth-city",
    "q-first-pet",
    "q-childhood-street",
    "q-best-friend",
    "q-first-job",
    "q-favourite-teacher",
    "q-first-car",
];

/// How many questions an account has.
pub const QUESTIONS_PER_ACCOUNT: usize = 3;

/// A customer's sign-in name: 6 to 40 letters, digits, `.`, `_`, `-` or `@`, kept lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserId(String);

impl UserId {
    /// Parses a user ID.
    pub fn parse(s: &str) -> Result<UserId, InvalidInput> {
        let v = s.trim().to_lowercase();
        let ok = v.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
        if !(6..=40).contains(&v.len()) || !ok {
            return Err(InvalidInput::new("user_id", "Use 6 to 40 letters, digits, dots, dashes, underscores or @."));
        }
        Ok(UserId(v))
    }

    /// The ID.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An answer to a security question as it is compared: lower case, letters and digits only, so
/// that "Main St." and "main st" match.
pub fn normalise_answer(answer: &str) -> String {
    answer.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect()
}

/// A customer account as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Customer {
    /// Id.
    pub id: i64,
    /// Sign-in name.
    pub user_id: String,
    /// Argon2id hash.
    pub password_hash: String,
    /// Email (alerts and recovery links go here).
    pub email: String,
    /// Mobile number, E.164, only when the customer opted in to texts.
    pub mobile: Option<String>,
    /// `en` or `es`.
    pub lang: String,
    /// Email on every change.
    pub notify_email: bool,
    /// Text on every change.
    pub notify_sms: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last sign-in.
    pub last_sign_in_at: Option<DateTime<Utc>>,
}

impl Customer {
    /// The account's language.
    pub fn language(&self) -> Lang {
        Lang::from_tag(&self.lang).unwrap_or_default()
    }
}

/// What sign-up collects.
#[derive(Debug, Clone)]
pub struct NewCustomer {
    /// Sign-in name.
    pub user_id: UserId,
    /// Password.
    pub password: String,
    /// Email.
    pub email: crate::kernel::contact::Email,
    /// Whether status changes are also emailed (R-CS-09: the customer chooses at sign-up).
    pub email_alerts: bool,
    /// Mobile, only with the opt-in to texts.
    pub mobile: Option<crate::kernel::contact::Phone>,
    /// Language.
    pub lang: Lang,
    /// (question id, answer) × 3.
    pub questions: Vec<(String, String)>,
}

/// Checks the chosen questions: three different ones from the list, each answered.
pub fn check_questions(questions: &[(String, String)]) -> Result<(), InvalidInput> {
    if questions.len() != QUESTIONS_PER_ACCOUNT {
        return Err(InvalidInput::new("questions", "Choose three security questions and answer each."));
    }
    for (i, (q, a)) in questions.iter().enumerate() {
        if !QUESTIONS.contains(&q.as_str()) {
            return Err(InvalidInput::new("questions", "Choose each question from the list."));
        }
        if questions.iter().skip(i + 1).any(|(other, _)| other == q) {
            return Err(InvalidInput::new("questions", "Choose three different questions."));
        }
        if normalise_answer(a).chars().count() < 2 {
            return Err(InvalidInput::new("questions", "Answer each question (at least 2 letters or digits)."));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_answers_and_questions() {
        assert_eq!(UserId::parse(" Jane.Doe@Firm ").unwrap().as_str(), "jane.doe@firm");
        assert!(UserId::parse("short").is_err());
        assert_eq!(normalise_answer("  Main St. "), "mainst");
        let q = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert!(
            check_questions(&[q("q-first-pet", "Rex"), q("q-birth-city", "Ponce"), q("q-first-job", "cashier")])
                .is_ok()
        );
        assert!(
            check_questions(&[q("q-first-pet", "Rex"), q("q-first-pet", "Max"), q("q-first-job", "cashier")]).is_err()
        );
        assert!(check_questions(&[q("q-first-pet", "Rex"), q("q-birth-city", "Ponce")]).is_err());
        assert!(
            check_questions(&[q("q-first-pet", "!"), q("q-birth-city", "Ponce"), q("q-first-job", "cashier")]).is_err()
        );
        assert!(
            check_questions(&[q("q-mothers-maiden", "x1"), q("q-birth-city", "Ponce"), q("q-first-job", "cashier")])
                .is_err()
        );
    }
}
