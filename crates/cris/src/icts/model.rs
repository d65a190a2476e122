//! ICTS's rules, without I/O: priorities and due dates, a case's stages (each step only from the
//! stage it follows, the approver never the preparer), the fields a response may carry, and the
//! documents an analyst may attach.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use crate::kernel::error::InvalidInput;

/// A partner request's priority (2.203 PRI, R-IS-07).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// H: answered within 2 working days.
    High,
    /// M, and a request that names none: 5 working days.
    Medium,
    /// L: 10 working days.
    Low,
}

impl Priority {
    /// Every priority, highest first.
    pub const ALL: [Priority; 3] = [Priority::High, Priority::Medium, Priority::Low];

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::High => "high",
            Priority::Medium => "medium",
            Priority::Low => "low",
        }
    }

    /// Parses a stored code.
    pub fn parse(s: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The priority a query carries; none said is medium.
    pub fn of_wire(p: Option<ansi_nist::Priority>) -> Priority {
        match p {
            Some(ansi_nist::Priority::High) => Priority::High,
            Some(ansi_nist::Priority::Low) => Priority::Low,
            Some(ansi_nist::Priority::Medium) | None => Priority::Medium,
        }
    }

    /// Working days the analysts have to answer.
    pub fn working_days(self) -> u32 {
        match self {
            Priority::High => 2,
            Priority::Medium => 5,
            Priority::Low => 10,
        }
    }

    /// The day the answer is due for a request received on `received`: that many working days
    /// later, weekends and observed federal holidays not counted.
    pub fn due_on(self, received: NaiveDate) -> NaiveDate {
        let mut day = received;
        let mut left = self.working_days();
        while left > 0 {
            day += Duration::days(1);
            if is_working_day(day) {
                left -= 1;
            }
        }
        day
    }
}

/// Monday to Friday, not a federal holiday.
pub fn is_working_day(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && crate::offices::holidays::on(day).is_none()
}

/// A case's state as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// In the queue, nobody's yet.
    Received,
    /// An analyst works it.
    Assigned,
    /// The response is prepared and waits for a second analyst.
    Prepared,
    /// Approved; leaving through IDENT.
    Approved,
    /// IDENT took the answer.
    Sent,
}

impl State {
    /// Every state, in order.
    pub const ALL: [State; 5] = [State::Received, State::Assigned, State::Prepared, State::Approved, State::Sent];

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Received => "received",
            State::Assigned => "assigned",
            State::Prepared => "prepared",
            State::Approved => "approved",
            State::Sent => "sent",
        }
    }

    /// Parses a stored code.
    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// A case in the queue, nobody's yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received;

/// A case an analyst works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assigned {
    /// The analyst (staff user id).
    pub to: i64,
}

/// A prepared response waiting for a second analyst.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prepared {
    /// The analyst the case is assigned to.
    pub to: i64,
    /// Who prepared it.
    pub by: i64,
}

/// An approved response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Approved {
    /// Who prepared it.
    pub prepared_by: i64,
    /// Who approved it: never the preparer.
    pub by: i64,
}

/// A sent response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    /// Who prepared it.
    pub prepared_by: i64,
    /// Who approved it.
    pub approved_by: i64,
}

/// Why a step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    /// Only the analyst the case is assigned to prepares its response.
    #[error("only the analyst the case is assigned to may prepare its response")]
    NotAssignee,
    /// The second analyst must not be the one who prepared the response.
    #[error("a second analyst, not the one who prepared the response, must approve it")]
    SameAnalyst,
    /// The case is not at the stage the step follows.
    #[error("the case is not at a stage where this can be done")]
    WrongStage,
}

impl Received {
    /// Gives the case to an analyst.
    pub fn assign(self, to: i64) -> Assigned {
        Assigned { to }
    }
}

impl Assigned {
    /// Gives the case to another analyst.
    pub fn reassign(self, to: i64) -> Assigned {
        Assigned { to }
    }

    /// The assigned analyst prepares the response.
    pub fn prepare(self, by: i64) -> Result<Prepared, StepError> {
        if by == self.to { Ok(Prepared { to: self.to, by }) } else { Err(StepError::NotAssignee) }
    }
}

impl Prepared {
    /// The assigned analyst changes the prepared response before it is approved.
    pub fn revise(self, by: i64) -> Result<Prepared, StepError> {
        Assigned { to: self.to }.prepare(by)
    }

    /// A second analyst approves it (R-IS-05: four eyes).
    pub fn approve(self, by: i64) -> Result<Approved, StepError> {
        if by == self.by { Err(StepError::SameAnalyst) } else { Ok(Approved { prepared_by: self.by, by }) }
    }
}

impl Approved {
    /// IDENT took it.
    pub fn sent(self) -> Sent {
        Sent { prepared_by: self.prepared_by, approved_by: self.by }
    }
}

/// A case's stage, with what each holds: read back from its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// See [`Received`].
    Received(Received),
    /// See [`Assigned`].
    Assigned(Assigned),
    /// See [`Prepared`].
    Prepared(Prepared),
    /// See [`Approved`].
    Approved(Approved),
    /// See [`Sent`].
    Sent(Sent),
}

impl Stage {
    /// The stage a stored row describes; `None` when its columns disagree with its state (the
    /// table's checks keep that from happening).
    pub fn of_row(
        state: &str,
        assigned_to: Option<i64>,
        prepared_by: Option<i64>,
        approved_by: Option<i64>,
    ) -> Option<Stage> {
        Some(match (State::parse(state)?, assigned_to, prepared_by, approved_by) {
            (State::Received, None, None, None) => Stage::Received(Received),
            (State::Assigned, Some(to), None, None) => Stage::Assigned(Assigned { to }),
            (State::Prepared, Some(to), Some(by), None) => Stage::Prepared(Prepared { to, by }),
            (State::Approved, _, Some(p), Some(a)) if p != a => Stage::Approved(Approved { prepared_by: p, by: a }),
            (State::Sent, _, Some(p), Some(a)) if p != a => Stage::Sent(Sent { prepared_by: p, approved_by: a }),
            _ => return None,
        })
    }

    /// Its stored state.
    pub fn state(&self) -> State {
        match self {
            Stage::Received(_) => State::Received,
            Stage::Assigned(_) => State::Assigned,
            Stage::Prepared(_) => State::Prepared,
            Stage::Approved(_) => State::Approved,
            Stage::Sent(_) => State::Sent,
        }
    }
}

// ---------------------------------------------------------------- responses

/// Type-2 fields a response can carry about a person, from the record CPMS holds: name, aliases,
/// country and date of birth, gender, encounter identifier, FIN and A-Number. What a partner's
/// request says of itself (reason, requestor, priority) is not the person's and never goes back.
pub const DISCLOSABLE: [u16; 8] = {
    use ansi_nist::type2_fields::{AKA, ANU, DOB, ENC, FIN, NAM, POB, SEX};
    [NAM, AKA, POB, DOB, SEX, ENC, FIN, ANU]
};

/// The fields the response form offers: disclosable, in the partner's template and allowed out
/// by its agreement, in the template's order.
pub fn offered(template: &ansi_nist::Template, allowed_out: &[u16]) -> Vec<u16> {
    template.fields.iter().map(|f| f.number).filter(|n| DISCLOSABLE.contains(n) && allowed_out.contains(n)).collect()
}

/// The fields an analyst chose (the form's `field` values, as `2.018` or `18`), each one offered;
/// at least one, since a match answer says something.
pub fn chosen(values: &[String], offered: &[u16]) -> Result<Vec<u16>, InvalidInput> {
    let mut out = Vec::new();
    for v in values {
        let t = v.trim();
        let n = t.strip_prefix("2.").unwrap_or(t).parse::<u16>().ok().filter(|n| offered.contains(n));
        let Some(n) = n else {
            return Err(InvalidInput::new("field", format!("{t} may not be disclosed to this partner")));
        };
        if !out.contains(&n) {
            out.push(n);
        }
    }
    if out.is_empty() {
        return Err(InvalidInput::new("field", "choose at least one field to disclose"));
    }
    out.sort_unstable();
    Ok(out)
}

/// Field numbers as stored (`18,22`).
pub fn fields_text(fields: &[u16]) -> String {
    fields.iter().map(u16::to_string).collect::<Vec<_>>().join(",")
}

/// Stored field numbers read back; anything unreadable is left out (so never disclosed).
pub fn parse_fields(text: &str) -> Vec<u16> {
    text.split(',').filter_map(|s| s.trim().parse().ok()).collect()
}

/// The record cut down to `keep` (its IDC kept): what leaves is what was chosen AND is allowed
/// now, whatever the record held.
pub fn cut(record: &ansi_nist::TaggedRecord, keep: &[u16], allowed_out: &[u16]) -> ansi_nist::TaggedRecord {
    let spec = |n: u16| ansi_nist::FieldSpec::new(n, "", false, usize::MAX, usize::MAX);
    let template = ansi_nist::Template {
        name: "disclosure".into(),
        fields: keep.iter().copied().filter(|n| allowed_out.contains(n) && DISCLOSABLE.contains(n)).map(spec).collect(),
    };
    template.restrict(record)
}

// ---------------------------------------------------------------- documents

/// The largest document an analyst may attach: 5 MiB, ample for a scanned page or a photograph
/// and small enough to travel in one IDENT transaction.
pub const MAX_DOCUMENT_BYTES: usize = 5 * 1024 * 1024;

/// What a document is, by its content (never by its name or the browser's word).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    /// `%PDF-`.
    Pdf,
    /// `FF D8 FF`.
    Jpeg,
    /// The PNG signature.
    Png,
}

impl MediaType {
    /// The media type, as stored and served.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
        }
    }

    /// Its name in a Type-21 record's 21.015 AFM (IDENT's documents).
    pub fn wire(self) -> &'static str {
        match self {
            MediaType::Pdf => "PDF",
            MediaType::Jpeg => "JPEG",
            MediaType::Png => "PNG",
        }
    }

    /// Parses a stored media type.
    pub fn parse(s: &str) -> Option<MediaType> {
        [MediaType::Pdf, MediaType::Jpeg, MediaType::Png].into_iter().find(|m| m.as_str() == s)
    }

    /// What the bytes are, by their magic number.
    pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
        if bytes.starts_with(b"%PDF-") {
            Some(MediaType::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(MediaType::Jpeg)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(MediaType::Png)
        } else {
            None
        }
    }
}

/// A document that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Its label, as the analyst gave it (a file name or a description).
    pub label: String,
    /// What it is.
    pub media_type: MediaType,
    /// SHA-256, hex.
    pub sha256: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

impl Document {
    /// Checks a document: a PDF, JPEG or PNG by content, not empty, at most
    /// [`MAX_DOCUMENT_BYTES`]; its label 1 to 200 characters.
    pub fn check(label: &str, bytes: Vec<u8>) -> Result<Document, InvalidInput> {
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 200 {
            return Err(InvalidInput::new("label", "give the document a name of up to 200 characters"));
        }
        if bytes.is_empty() {
            return Err(InvalidInput::new("document", "choose a file"));
        }
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(InvalidInput::new("document", "the file is larger than 5 MB").with_code("icts-too-big"));
        }
        let Some(media_type) = MediaType::sniff(&bytes) else {
            return Err(
                InvalidInput::new("document", "the file is not a PDF, JPEG or PNG").with_code("icts-not-document")
            );
        };
        let sha256 = crate::kernel::random::sha256_hex(&bytes);
        Ok(Document { label: label.to_owned(), media_type, sha256, bytes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ansi_nist::Template;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn due_dates_count_working_days_only() {
        // Monday 7 December 2026.
        assert_eq!(Priority::High.due_on(d(2026, 12, 7)), d(2026, 12, 9));
        assert_eq!(Priority::Medium.due_on(d(2026, 12, 7)), d(2026, 12, 14));
        // Christmas (Friday) is skipped: 21 Dec + 5 working days = 29 Dec.
        assert_eq!(Priority::Medium.due_on(d(2026, 12, 21)), d(2026, 12, 29));
        // Received on a Saturday: counting starts on Monday.
        assert_eq!(Priority::High.due_on(d(2026, 12, 12)), d(2026, 12, 15));
        assert_eq!(Priority::Low.due_on(d(2026, 11, 30)), d(2026, 12, 14));
        assert_eq!(Priority::of_wire(None), Priority::Medium);
        for p in Priority::ALL {
            assert_eq!(Priority::parse(p.as_str()), Some(p));
        }
    }

    #[test]
    fn steps_follow_their_order_and_need_two_analysts() {
        let assigned = Received.assign(1);
        assert_eq!(assigned.prepare(2), Err(StepError::NotAssignee));
        let prepared = assigned.prepare(1).unwrap();
        assert_eq!(prepared.approve(1), Err(StepError::SameAnalyst));
        let approved = prepared.approve(2).unwrap();
        assert_eq!(approved.sent(), Sent { prepared_by: 1, approved_by: 2 });
        assert_eq!(assigned.reassign(3).prepare(3).unwrap().revise(3).unwrap().by, 3);
    }

    #[test]
    fn rows_read_back_as_their_stage_or_not_at_all() {
        assert_eq!(Stage::of_row("received", None, None, None), Some(Stage::Received(Received)));
        assert_eq!(Stage::of_row("prepared", Some(1), Some(1), None), Some(Stage::Prepared(Prepared { to: 1, by: 1 })));
        assert_eq!(Stage::of_row("approved", Some(1), Some(1), Some(1)), None);
        assert_eq!(Stage::of_row("sent", Some(1), Some(1), Some(2)).map(|s| s.state()), Some(State::Sent));
        assert_eq!(Stage::of_row("assigned", None, None, None), None);
        assert_eq!(Stage::of_row("lost", None, None, None), None);
    }

    #[test]
    fn a_response_never_carries_a_field_its_agreement_does_not_allow() {
        // R-IS-08
        let template = Template::uniform();
        let mut full = ansi_nist::Descriptive {
            idc: 1,
            name: Some(ansi_nist::Name { surname: "DOE".into(), given: "JANE".into() }),
            country_of_birth: Some("MEX".into()),
            gender: Some(ansi_nist::Gender::Female),
            encounter_id: Some("E1".into()),
            fin: Some("F1".into()),
            a_number: Some("A123456789".into()),
            reason: Some("asylum".into()),
            ..Default::default()
        };
        full.aliases.push(ansi_nist::Name { surname: "ROE".into(), given: String::new() });
        full.date_of_birth = ansi_nist::Date::new(1980, 2, 29);
        let record = full.to_record().unwrap();
        let every: Vec<u16> = template.fields.iter().map(|f| f.number).collect();
        for &barred in &every {
            let allowed: Vec<u16> = every.iter().copied().filter(|n| *n != barred).collect();
            let offer = offered(&template, &allowed);
            assert!(!offer.contains(&barred));
            assert!(chosen(&[barred.to_string()], &offer).is_err(), "2.{barred:03} chosen");
            // Even a choice that names it (a forged or stale form) is cut.
            let out = cut(&record, &every, &allowed);
            assert!(out.field(barred).is_none(), "2.{barred:03} left");
            assert!(out.fields().iter().all(|f| f.number() == 2 || DISCLOSABLE.contains(&f.number())));
        }
        // What is offered and chosen does leave.
        let out = cut(&record, &DISCLOSABLE, &every);
        assert_eq!(out.text(ansi_nist::type2_fields::POB), Some("MEX"));
        assert!(out.field(ansi_nist::type2_fields::RFP).is_none());
        assert_eq!(parse_fields(&fields_text(&[18, 22])), vec![18, 22]);
        assert_eq!(chosen(&["2.022".into(), "18".into()], &DISCLOSABLE).unwrap(), vec![18, 22]);
        assert!(chosen(&[], &DISCLOSABLE).is_err());
    }

    #[test]
    fn documents_are_checked_by_content_and_size() {
        let pdf = b"%PDF-1.7 rest".to_vec();
        let doc = Document::check(" passport.pdf ", pdf).unwrap();
        assert_eq!((doc.media_type, doc.label.as_str()), (MediaType::Pdf, "passport.pdf"));
        assert_eq!(doc.sha256.len(), 64);
        assert_eq!(MediaType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(MediaType::Jpeg));
        assert_eq!(MediaType::sniff(b"\x89PNG\r\n\x1a\n...."), Some(MediaType::Png));
        // A text file named like a PDF is not one.
        assert_eq!(Document::check("x.pdf", b"hello".to_vec()).unwrap_err().field, "document");
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_DOCUMENT_BYTES + 1, b' ');
        assert_eq!(Document::check("x.pdf", big).unwrap_err().code, Some("icts-too-big"));
        assert!(Document::check("", b"%PDF-".to_vec()).is_err());
        assert!(Document::check("x", Vec::new()).is_err());
        for m in [MediaType::Pdf, MediaType::Jpeg, MediaType::Png] {
            assert_eq!(MediaType::parse(m.as_str()), Some(m));
        }
    }
}
