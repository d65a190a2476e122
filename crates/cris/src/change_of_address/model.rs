//! The AR-11 as typed and as parsed once. No I/O.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::kernel::address::{Prefix, UsAddress};
use crate::kernel::contact::Email;
use crate::kernel::error::{InvalidInput, keep};
use crate::kernel::ids::{ANumber, ReceiptNumber};
use crate::kernel::person::{birth_date, name};

/// The most receipt numbers one change may update.
pub const MAX_RECEIPTS: usize = 20;

/// The form as typed, every field a string, kept to show back.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Ar11Form {
    pub csrf: String,
    pub first_name: String,
    pub last_name: String,
    pub a_number: String,
    pub birth_month: String,
    pub birth_day: String,
    pub birth_year: String,
    pub previous_line1: String,
    pub previous_line2: String,
    pub previous_city: String,
    pub previous_state: String,
    pub previous_zip: String,
    pub new_line1: String,
    pub new_line2: String,
    pub new_city: String,
    pub new_state: String,
    pub new_zip: String,
    pub receipts: String,
    pub email: String,
    pub certify: String,
}

/// A change of address, every part checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeOfAddress {
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// A-Number.
    pub a_number: ANumber,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// Where they lived.
    pub previous: UsAddress,
    /// Where they live now.
    pub new: UsAddress,
    /// Pending cases to move to the new address, each once.
    pub receipts: Vec<ReceiptNumber>,
    /// Where the confirmation goes, if they want it by email.
    pub email: Option<Email>,
}

impl Ar11Form {
    /// Checks every field; all the problems at once.
    pub fn parse(&self, today: NaiveDate) -> Result<ChangeOfAddress, Vec<InvalidInput>> {
        fn keep_all<T>(errors: &mut Vec<InvalidInput>, r: Result<T, Vec<InvalidInput>>) -> Option<T> {
            r.map_err(|e| errors.extend(e)).ok()
        }
        let mut errors = Vec::new();
        let first_name = keep(&mut errors, name("first_name", &self.first_name));
        let last_name = keep(&mut errors, name("last_name", &self.last_name));
        let a_number = keep(&mut errors, self.a_number.parse::<ANumber>());
        let birth_date = keep(&mut errors, birth_date(&self.birth_month, &self.birth_day, &self.birth_year, today));
        let previous = keep_all(
            &mut errors,
            UsAddress::parse(
                Prefix::Previous,
                (
                    &self.previous_line1,
                    &self.previous_line2,
                    &self.previous_city,
                    &self.previous_state,
                    &self.previous_zip,
                ),
            ),
        );
        let new = keep_all(
            &mut errors,
            UsAddress::parse(
                Prefix::New,
                (&self.new_line1, &self.new_line2, &self.new_city, &self.new_state, &self.new_zip),
            ),
        );
        if let (Some(p), Some(n)) = (&previous, &new)
            && p == n
        {
            errors.push(InvalidInput::new("new_line1", "The new address is the same as the previous one."));
        }
        let receipts = keep(&mut errors, receipts(&self.receipts));
        let email = match self.email.trim() {
            "" => Some(None),
            text => keep(&mut errors, text.parse::<Email>()).map(Some),
        };
        if self.certify.trim() != "yes" {
            errors.push(InvalidInput::new("certify", "Confirm that what you wrote is true and correct."));
        }
        match (first_name, last_name, a_number, birth_date, previous, new, receipts, email) {
            (
                Some(first_name),
                Some(last_name),
                Some(a_number),
                Some(birth_date),
                Some(previous),
                Some(new),
                Some(receipts),
                Some(email),
            ) if errors.is_empty() => {
                Ok(ChangeOfAddress { first_name, last_name, a_number, birth_date, previous, new, receipts, email })
            }
            _ => Err(errors),
        }
    }
}

/// Receipt numbers separated by spaces, commas or lines; none is fine (no case pending), each
/// once, at most [`MAX_RECEIPTS`].
fn receipts(text: &str) -> Result<Vec<ReceiptNumber>, InvalidInput> {
    let mut out: Vec<ReceiptNumber> = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || c == ',' || c == ';').filter(|w| !w.is_empty()) {
        let r = word.parse::<ReceiptNumber>().map_err(|e| {
            let refusal = InvalidInput::new("receipts", format!("{word} is not a receipt number."));
            match e.code {
                Some(code) => refusal.with_code(code),
                None => refusal,
            }
        })?;
        if !out.contains(&r) {
            out.push(r);
        }
    }
    if out.len() > MAX_RECEIPTS {
        return Err(InvalidInput::new("receipts", format!("Give at most {MAX_RECEIPTS} receipt numbers.")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn form() -> Ar11Form {
        Ar11Form {
            first_name: "Lucía".into(),
            last_name: "Fernández".into(),
            a_number: "A012345678".into(),
            birth_month: "7".into(),
            birth_day: "4".into(),
            birth_year: "1990".into(),
            previous_line1: "100 W Randolph Street".into(),
            previous_city: "Chicago".into(),
            previous_state: "IL".into(),
            previous_zip: "60601".into(),
            new_line1: "350 Fifth Avenue".into(),
            new_line2: "Suite 7".into(),
            new_city: "New York".into(),
            new_state: "ny".into(),
            new_zip: "10118".into(),
            receipts: "EAC9999103403\nEAC9999103403, IOE0912345678".into(),
            certify: "yes".into(),
            ..Ar11Form::default()
        }
    }

    // R-CA-01: the AR-11 is checked field by field; receipt numbers are parsed once, each once.
    #[test]
    fn the_form_is_checked_once() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let c = form().parse(today).unwrap();
        assert_eq!(c.new.lines(), ["350 FIFTH AVE", "STE 7", "NEW YORK NY 10118"]);
        assert_eq!(c.receipts.iter().map(|r| r.as_str()).collect::<Vec<_>>(), ["EAC9999103403", "IOE0912345678"]);
        assert_eq!(c.email, None);
        let bad = Ar11Form {
            a_number: "12".into(),
            new_zip: "60601".into(),
            receipts: "EAC123".into(),
            certify: String::new(),
            ..form()
        };
        let fields: Vec<_> = bad.parse(today).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["a_number", "new_zip", "receipts", "certify"]);
        let same = Ar11Form {
            new_line1: "100 West Randolph St".into(),
            new_line2: String::new(),
            new_city: "chicago".into(),
            new_state: "IL".into(),
            new_zip: "60601".into(),
            ..form()
        };
        assert_eq!(same.parse(today).unwrap_err()[0].field, "new_line1");
        let many: Vec<String> = (0..21).map(|n| format!("EAC99991{n:05}")).collect();
        assert_eq!(receipts(&many.join(" ")).unwrap_err().field, "receipts");
    }
}
