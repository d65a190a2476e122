//! Errors shared by the kernel's parsers.
//!
//! Values from outside (forms, JSON, files) are parsed once at the edge; when one does not parse,
//! the person who typed it needs to know which field is wrong and why, in plain words.

/// A value from outside that does not parse: names the field and says why, in words fit for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct InvalidInput {
    /// The field the value was given for, such as `receipt_number`.
    pub field: &'static str,
    /// Why the value was refused, as an English sentence for the person who typed it.
    pub reason: String,
    /// A stable code for a refusal that pages word on their own, in every language, because the
    /// field's general message would mislead (`receipt-centre`: well formed, but the centre code
    /// is not one USCIS uses). Pages show the catalogue message `err-<code>`.
    pub code: Option<&'static str>,
}

impl InvalidInput {
    /// An error for `field`, explained by `reason`.
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self { field, reason: reason.into(), code: None }
    }

    /// The same refusal, marked with a stable code that pages word themselves.
    #[must_use]
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    /// The same refusal for another field (a form that names the field differently), code kept.
    #[must_use]
    pub fn for_field(mut self, field: &'static str) -> Self {
        self.field = field;
        self
    }

    /// The catalogue message of a coded refusal (`err-<code>`), if it has a code.
    pub fn message_id(&self) -> Option<String> {
        self.code.map(|c| format!("err-{c}"))
    }
}

/// The value of a parse that succeeded; the error of one that did not goes to `errors`, so that a
/// form can name every field that is wrong at once.
pub fn keep<T>(errors: &mut Vec<InvalidInput>, r: Result<T, InvalidInput>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

/// An optional field: nothing when left empty, else its parse.
pub fn optional<T: std::str::FromStr<Err = InvalidInput>>(text: &str) -> Result<Option<T>, InvalidInput> {
    if text.trim().is_empty() { Ok(None) } else { text.parse().map(Some) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_field_and_reason() {
        let err = InvalidInput::new("receipt_number", "Enter a receipt number.");
        assert_eq!(err.field, "receipt_number");
        assert_eq!(err.to_string(), "receipt_number: Enter a receipt number.");
    }
}
