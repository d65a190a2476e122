//! Focus groups, the form that defines one, and the acceptance form; no I/O.

use chrono::{Duration, NaiveDate};

use crate::kernel::contact::Phone;
use crate::kernel::error::InvalidInput;

/// Largest group that may be drawn.
pub const MAX_SIZE: i32 = 50;
/// How far ahead a group may meet: its contacts must outlive the meeting, and they are purged
/// within [`CONTACT_DAYS`] of being contacted.
pub const MAX_DAYS_AHEAD: i64 = 90;
/// Days a contact of someone who accepted is kept, counted from the day they were contacted
/// (R-RT-02). The retention engine purges with `today - CONTACT_DAYS`.
pub const CONTACT_DAYS: i64 = 120;

/// The Paperwork Reduction Act approval a group is held under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pra {
    /// OMB control number, `NNNN-NNNN`.
    pub omb_number: String,
    /// The last day the approval covers.
    pub expires_on: NaiveDate,
    /// Estimated minutes of the burden.
    pub burden_minutes: i32,
}

/// A focus group as headquarters defined it, with the counts of its draw (never who).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FocusGroup {
    /// Id.
    pub id: i64,
    /// Field office whose customers are drawn.
    pub office_code: String,
    /// The day it meets.
    pub held_on: NaiveDate,
    /// Where (and when in the day) it meets, as headquarters wrote it.
    pub place: String,
    /// How many customers are drawn and invited.
    pub size: i32,
    /// The last day an invitation may be answered.
    pub reply_by: NaiveDate,
    /// The PRA approval, when the group is held under one.
    pub pra: Option<Pra>,
    /// Status of the draw: counts only.
    pub counts: Counts,
    /// The day it was defined and drawn.
    pub created_on: NaiveDate,
}

/// What became of a group's invitations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Invited.
    pub drawn: i64,
    /// Accepted (their first name and telephone are kept).
    pub accepted: i64,
    /// Declined.
    pub declined: i64,
    /// Did not answer by the reply-by day.
    pub unanswered: i64,
}

impl Counts {
    /// Invitations still open.
    pub fn awaiting(&self) -> i64 {
        (self.drawn - self.accepted - self.declined - self.unanswered).max(0)
    }
}

/// The definition form, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct FocusGroupForm {
    /// Field office code.
    #[serde(default)]
    pub office: String,
    /// Meeting day, `YYYY-MM-DD`.
    #[serde(default)]
    pub held_on: String,
    /// Place.
    #[serde(default)]
    pub place: String,
    /// Number to draw.
    #[serde(default)]
    pub size: String,
    /// Reply-by day, `YYYY-MM-DD`.
    #[serde(default)]
    pub reply_by: String,
    /// OMB control number (optional).
    #[serde(default)]
    pub omb_number: String,
    /// OMB approval's expiry (with the number).
    #[serde(default)]
    pub omb_expires_on: String,
    /// Burden in minutes (with the number).
    #[serde(default)]
    pub burden_minutes: String,
}

fn day(field: &'static str, raw: &str) -> Result<NaiveDate, InvalidInput> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| InvalidInput::new(field, "Enter the date as YYYY-MM-DD."))
}

impl FocusGroupForm {
    /// Checks the form: a field office of `offices`; a meeting day after `today` and at most 90
    /// days ahead; a place; a size of 1 to 50; a reply-by day from tomorrow to the day before the
    /// meeting; and either no OMB number or a valid one (`NNNN-NNNN`) with an expiry not before
    /// the meeting and a burden of 1 to 600 minutes. Every mistake is named by its field.
    pub fn parse(&self, today: NaiveDate, offices: &[String]) -> Result<FocusGroup, Vec<InvalidInput>> {
        let mut errors = Vec::new();
        let office = self.office.trim().to_ascii_uppercase();
        if !offices.contains(&office) {
            errors.push(InvalidInput::new("office", "Choose the field office whose customers are drawn."));
        }
        let held_on = match day("held_on", &self.held_on) {
            Ok(d) if d > today && d <= today + Duration::days(MAX_DAYS_AHEAD) => Some(d),
            Ok(_) => {
                errors.push(InvalidInput::new(
                    "held_on",
                    format!("The group must meet after today and within {MAX_DAYS_AHEAD} days."),
                ));
                None
            }
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let place = self.place.split_whitespace().collect::<Vec<_>>().join(" ");
        if place.is_empty() || place.chars().count() > 200 {
            errors.push(InvalidInput::new("place", "Enter where the group meets, in under 200 characters."));
        }
        let size = match self.size.trim().parse::<i32>() {
            Ok(n) if (1..=MAX_SIZE).contains(&n) => n,
            _ => {
                errors.push(InvalidInput::new("size", format!("Enter how many to invite, from 1 to {MAX_SIZE}.")));
                0
            }
        };
        let reply_by = match day("reply_by", &self.reply_by) {
            Ok(d) if d > today && held_on.is_none_or(|h| d < h) => Some(d),
            Ok(_) => {
                errors.push(InvalidInput::new(
                    "reply_by",
                    "The reply-by day must be after today and before the meeting.",
                ));
                None
            }
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let omb = self.omb_number.trim();
        let pra = if omb.is_empty() {
            None
        } else {
            let omb_ok =
                omb.len() == 9 && omb.char_indices().all(|(i, c)| if i == 4 { c == '-' } else { c.is_ascii_digit() });
            if !omb_ok {
                errors.push(InvalidInput::new(
                    "omb_number",
                    "Enter the OMB control number as 4 digits, a hyphen and 4 digits (1615-0122), or leave it empty.",
                ));
            }
            let expires_on = match day("omb_expires_on", &self.omb_expires_on) {
                Ok(d) if held_on.is_none_or(|h| d >= h) => Some(d),
                Ok(_) => {
                    errors.push(InvalidInput::new("omb_expires_on", "The approval must run until the meeting."));
                    None
                }
                Err(e) => {
                    errors.push(e);
                    None
                }
            };
            let burden = match self.burden_minutes.trim().parse::<i32>() {
                Ok(m) if (1..=600).contains(&m) => m,
                _ => {
                    errors.push(InvalidInput::new(
                        "burden_minutes",
                        "Enter the burden as a number of minutes from 1 to 600.",
                    ));
                    0
                }
            };
            expires_on.map(|expires_on| Pra { omb_number: omb.to_owned(), expires_on, burden_minutes: burden })
        };
        match (held_on, reply_by) {
            (Some(held_on), Some(reply_by)) if errors.is_empty() => Ok(FocusGroup {
                id: 0,
                office_code: office,
                held_on,
                place,
                size,
                reply_by,
                pra,
                counts: Counts::default(),
                created_on: today,
            }),
            _ => Err(errors),
        }
    }
}

/// What a customer may answer to an invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Takes part: the first name and the telephone to call, all that is kept.
    Accept {
        /// First name.
        first_name: String,
        /// Telephone.
        phone: Phone,
    },
    /// Does not take part: nothing is kept.
    Decline,
}

/// Reads the acceptance form: `answer` is `accept` (then a first name and a telephone are
/// needed) or `decline`. The errors name the fields (`first_name`, `phone`).
pub fn parse_reply(answer: &str, first_name: &str, phone: &str) -> Result<Reply, Vec<InvalidInput>> {
    if answer.trim() == "decline" {
        return Ok(Reply::Decline);
    }
    let name = crate::kernel::person::name("first_name", first_name);
    let phone = phone.parse::<Phone>();
    match (name, phone) {
        (Ok(first_name), Ok(phone)) => Ok(Reply::Accept { first_name, phone }),
        (n, p) => Err(n.err().into_iter().chain(p.err()).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()
    }

    fn form() -> FocusGroupForm {
        FocusGroupForm {
            office: "nyc".into(),
            held_on: "2026-12-10".into(),
            place: "  26 Federal Plaza,   room 8 ".into(),
            size: "12".into(),
            reply_by: "2026-12-01".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_form_parses() {
        let g = form().parse(today(), &["NYC".into()]).unwrap();
        assert_eq!((g.office_code.as_str(), g.size, g.place.as_str()), ("NYC", 12, "26 Federal Plaza, room 8"));
        assert!(g.pra.is_none());
    }

    #[test]
    fn every_mistake_is_named() {
        let mut f = form();
        f.office = "ZZZ".into();
        f.held_on = "2027-06-01".into();
        f.size = "0".into();
        f.reply_by = "2026-11-02".into();
        f.omb_number = "1615-01".into();
        let errs = f.parse(today(), &["NYC".into()]).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec!["office", "held_on", "size", "reply_by", "omb_number", "omb_expires_on", "burden_minutes"]
        );
    }

    #[test]
    fn the_reply_by_day_comes_before_the_meeting() {
        let mut f = form();
        f.reply_by = "2026-12-10".into();
        assert_eq!(f.parse(today(), &["NYC".into()]).unwrap_err()[0].field, "reply_by");
    }

    #[test]
    fn replies_need_a_name_and_a_phone_only_to_accept() {
        assert_eq!(parse_reply("decline", "", ""), Ok(Reply::Decline));
        let errs = parse_reply("accept", "", "12").unwrap_err();
        assert_eq!(errs.iter().map(|e| e.field).collect::<Vec<_>>(), vec!["first_name", "phone"]);
        let Reply::Accept { first_name, phone } = parse_reply("accept", " Zoraida ", "(202) 555-0143").unwrap() else {
            panic!("accepted")
        };
        assert_eq!((first_name.as_str(), phone.as_str()), ("Zoraida", "+12025550143"));
    }
}
