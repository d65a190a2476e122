//! The person-centric repository's types and rules, without I/O: persons and their identifiers,
//! the protected classes (8 U.S.C. 1367, 8 CFR 208.6) and how cases make a person protected,
//! consent, agreements with their in-force days and allowed fields, and the compact minutiae
//! the matcher reads.

use chrono::{DateTime, NaiveDate, Utc};

use crate::kernel::error::InvalidInput;

/// IDENT's fingerprint identification number: 1 to 40 letters, digits or hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fin(String);

impl Fin {
    /// Parses a FIN (surrounding spaces ignored, letters upper-cased).
    ///
    /// # Errors
    /// Empty, longer than 40 or holding other characters.
    pub fn parse(text: &str) -> Result<Fin, InvalidInput> {
        let t = text.trim().to_ascii_uppercase();
        if t.is_empty() || t.len() > 40 || !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(InvalidInput::new("fin", "A FIN is 1 to 40 letters, digits or hyphens."));
        }
        Ok(Fin(t))
    }

    /// As stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A protected status or class: its people are never disclosed to a partner (R-IS-04).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProtectedClass {
    /// T nonimmigrant (trafficking victims), Form I-914.
    T,
    /// U nonimmigrant (crime victims), Form I-918.
    U,
    /// VAWA self-petitioner, Form I-360.
    Vawa,
    /// Asylum applicant or asylee, Form I-589.
    Asylum,
    /// Refugee, Form I-590, and follow-to-join relatives, Form I-730.
    Refugee,
}

impl ProtectedClass {
    /// Every class.
    pub const ALL: [ProtectedClass; 5] =
        [ProtectedClass::T, ProtectedClass::U, ProtectedClass::Vawa, ProtectedClass::Asylum, ProtectedClass::Refugee];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            ProtectedClass::T => "t",
            ProtectedClass::U => "u",
            ProtectedClass::Vawa => "vawa",
            ProtectedClass::Asylum => "asylum",
            ProtectedClass::Refugee => "refugee",
        }
    }

    /// The class of a stored code.
    pub fn parse(code: &str) -> Option<ProtectedClass> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The class a case of this form puts its applicant in, if any. Cases carry the form, not
    /// the I-360's category, so every I-360 the person holds counts as a self-petition: a wrong
    /// "protected" withholds an answer, a wrong "not protected" would disclose.
    pub fn of_form(form_code: &str) -> Option<ProtectedClass> {
        match form_code {
            "I-914" => Some(ProtectedClass::T),
            "I-918" => Some(ProtectedClass::U),
            "I-360" => Some(ProtectedClass::Vawa),
            "I-589" => Some(ProtectedClass::Asylum),
            "I-590" | "I-730" => Some(ProtectedClass::Refugee),
            _ => None,
        }
    }
}

/// The protection a person has: the records office's flag first, else the first case whose form
/// makes the person protected.
pub fn protection<'a>(
    flag: Option<ProtectedClass>,
    forms: impl IntoIterator<Item = &'a str>,
) -> Option<ProtectedClass> {
    flag.or_else(|| forms.into_iter().find_map(ProtectedClass::of_form))
}

/// Written consent to share, or a waiver of the protection, when one is on record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    /// The person consented in writing.
    Consent,
    /// The protection was waived.
    Waiver,
}

impl Consent {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Consent::Consent => "consent",
            Consent::Waiver => "waiver",
        }
    }

    /// The value of a stored code.
    pub fn parse(code: &str) -> Option<Consent> {
        match code {
            "consent" => Some(Consent::Consent),
            "waiver" => Some(Consent::Waiver),
            _ => None,
        }
    }
}

/// A name as partners write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName {
    /// Surname.
    pub surname: String,
    /// Given names.
    pub given_names: String,
}

/// A person of the repository (R-IS-01).
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// Row id.
    pub id: i64,
    /// IDENT's number.
    pub fin: String,
    /// A-Number, when one is known.
    pub a_number: Option<String>,
    /// Name.
    pub name: PersonName,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// Country of birth, ISO 3166-1 alpha-3.
    pub birth_country: String,
    /// M, F, X or U.
    pub gender: String,
    /// The records office's flag.
    pub flag: Option<ProtectedClass>,
    /// Consent or waiver on record.
    pub consent: Option<Consent>,
    /// What the consent or waiver says.
    pub consent_note: Option<String>,
    /// Kept until (R-RT-04).
    pub keep_until: NaiveDate,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// A new person, as loaded or enrolled.
#[derive(Debug, Clone)]
pub struct NewPerson {
    /// IDENT's number.
    pub fin: Fin,
    /// A-Number, when known.
    pub a_number: Option<String>,
    /// Name.
    pub name: PersonName,
    /// Other names.
    pub aliases: Vec<PersonName>,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// Country of birth.
    pub birth_country: String,
    /// M, F, X or U.
    pub gender: String,
    /// The records office's flag.
    pub flag: Option<ProtectedClass>,
    /// Consent or waiver.
    pub consent: Option<(Consent, String)>,
    /// Fingers.
    pub fingers: Vec<Finger>,
    /// Kept until: `retention::model::sharing_keep_until(birth_date)`, the hundredth birthday
    /// (R-RT-04), which the enrolling caller computes (the retention engine imports this module,
    /// not the other way round).
    pub keep_until: NaiveDate,
}

/// One enrolled finger: position, the image's size and its minutiae as the matcher reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finger {
    /// 1 right thumb to 10 left little, 0 unknown.
    pub position: u8,
    /// Image width, pixels.
    pub width: u16,
    /// Image height, pixels.
    pub height: u16,
    /// (x, y, angle in degrees).
    pub minutiae: Vec<(u16, u16, u16)>,
}

impl Finger {
    /// A Type-9 record's minutiae as the repository keeps them.
    pub fn from_type9(f: &ansi_nist::FingerMinutiae) -> Finger {
        Finger {
            position: f.finger,
            width: f.width,
            height: f.height,
            minutiae: f.minutiae.iter().map(|m| (m.x, m.y, m.degrees())).collect(),
        }
    }

    /// The stored form: three big-endian u16 a minutia.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.minutiae.len() * 6);
        for (x, y, a) in &self.minutiae {
            out.extend_from_slice(&x.to_be_bytes());
            out.extend_from_slice(&y.to_be_bytes());
            out.extend_from_slice(&a.to_be_bytes());
        }
        out
    }

    /// The minutiae of the stored form (a trailing partial minutia is ignored).
    pub fn decode(bytes: &[u8]) -> Vec<(u16, u16, u16)> {
        bytes
            .chunks_exact(6)
            .map(|c| {
                let n = |i: usize| u16::from_be_bytes([c[i], c[i + 1]]);
                (n(0), n(2), n(4))
            })
            .collect()
    }

    /// The matcher's minutiae.
    pub fn xyt(&self) -> Vec<fingerprint::matcher::XytMinutia> {
        xyt(&self.minutiae)
    }

    /// As a Type-9 record's fields, to send.
    ///
    /// # Errors
    /// A minutia outside the image.
    pub fn to_type9(&self) -> Result<ansi_nist::FingerMinutiae, fingerprint::matcher::FromXytError> {
        fingerprint::matcher::from_xyt(&self.xyt(), self.width, self.height, self.position)
    }
}

/// Minutiae as the matcher reads them.
pub fn xyt(points: &[(u16, u16, u16)]) -> Vec<fingerprint::matcher::XytMinutia> {
    points
        .iter()
        .map(|&(x, y, a)| fingerprint::matcher::XytMinutia { x: i32::from(x), y: i32::from(y), theta: i32::from(a) })
        .collect()
}

/// Which way an exchange went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From a partner to USCIS.
    In,
    /// From USCIS to a partner.
    Out,
}

impl Direction {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }
}

/// A query or its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExchangeKind {
    /// A query.
    Query,
    /// An answer.
    Answer,
}

impl ExchangeKind {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            ExchangeKind::Query => "query",
            ExchangeKind::Answer => "answer",
        }
    }
}

/// What came of an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The partner (or USCIS) knows the person.
    Match,
    /// Not known.
    NoMatch,
    /// Known but protected: answered "no match" (R-IS-04).
    Withheld,
    /// No agreement in force, or refused otherwise (R-IS-08).
    Refused,
}

impl Outcome {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Match => "match",
            Outcome::NoMatch => "no-match",
            Outcome::Withheld => "withheld",
            Outcome::Refused => "refused",
        }
    }

    /// The value of a stored code.
    pub fn parse(code: &str) -> Option<Outcome> {
        [Outcome::Match, Outcome::NoMatch, Outcome::Withheld, Outcome::Refused].into_iter().find(|o| o.code() == code)
    }
}

/// An exchange to store whole (R-IS-06).
#[derive(Debug, Clone)]
pub struct NewExchange<'a> {
    /// In or out.
    pub direction: Direction,
    /// Partner code (`CAN`, `AUS`).
    pub partner: &'a str,
    /// Query or answer.
    pub kind: ExchangeKind,
    /// 1.009 TCN.
    pub tcn: &'a str,
    /// 1.010 TCR (answers).
    pub tcr: Option<&'a str>,
    /// 2.208 QSQ.
    pub sequence: Option<u8>,
    /// The ANSI/NIST transaction, whole.
    pub transaction: &'a [u8],
    /// When.
    pub at: DateTime<Utc>,
    /// The person, when known.
    pub person_id: Option<i64>,
    /// The agreement in force.
    pub agreement_id: Option<i64>,
    /// What came of it.
    pub outcome: Option<Outcome>,
    /// Why (refusals, withheld answers): never personal data.
    pub reason: Option<&'a str>,
}

/// A stored exchange.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    /// Row id.
    pub id: i64,
    /// `in` or `out`.
    pub direction: String,
    /// Partner code.
    pub partner: String,
    /// `query` or `answer`.
    pub kind: String,
    /// TCN.
    pub tcn: String,
    /// TCR.
    pub tcr: Option<String>,
    /// QSQ.
    pub sequence: Option<i64>,
    /// The transaction, whole.
    pub transaction: Vec<u8>,
    /// When.
    pub at: DateTime<Utc>,
    /// Person.
    pub person_id: Option<i64>,
    /// Agreement.
    pub agreement_id: Option<i64>,
    /// Outcome code.
    pub outcome: Option<String>,
    /// Reason.
    pub reason: Option<String>,
}

/// A disclosure to record (R-IS-06).
#[derive(Debug, Clone)]
pub struct NewDisclosure<'a> {
    /// Whose data.
    pub person_id: i64,
    /// To whom.
    pub partner: &'a str,
    /// When.
    pub at: DateTime<Utc>,
    /// What: the Type-2 field numbers disclosed (fingerprints are `9`).
    pub fields: &'a [u16],
    /// Why.
    pub purpose: &'a str,
    /// Under which agreement.
    pub agreement_id: i64,
    /// Who approved, when someone did.
    pub approved_by: Option<&'a str>,
    /// The exchange that carried it.
    pub exchange_id: i64,
}

/// A line of the accounting of disclosures (5 U.S.C. 552a(c)).
#[derive(Debug, Clone, PartialEq)]
pub struct Disclosure {
    /// Row id.
    pub id: i64,
    /// To whom (partner code).
    pub partner: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Fields, as stored ("2.018 2.022").
    pub fields: String,
    /// Why.
    pub purpose: String,
    /// Agreement id.
    pub agreement_id: i64,
    /// Who approved.
    pub approved_by: Option<String>,
    /// The exchange.
    pub exchange_id: i64,
}

/// Field numbers as disclosures store them: `2.018 2.022 9`.
pub fn fields_text(fields: &[u16]) -> String {
    fields.iter().map(|f| if *f == 9 { "9".to_owned() } else { format!("2.{f:03}") }).collect::<Vec<_>>().join(" ")
}

/// An agreement with a partner (R-IS-08).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    /// Row id.
    pub id: i64,
    /// Partner code.
    pub partner: String,
    /// First day in force.
    pub in_force_from: NaiveDate,
    /// Last day in force.
    pub in_force_to: NaiveDate,
    /// Type-2 field numbers USCIS may send the partner.
    pub outbound_fields: Vec<u16>,
    /// Type-2 field numbers the partner may send USCIS.
    pub inbound_fields: Vec<u16>,
    /// The partner's request template's name.
    pub template: String,
}

impl Agreement {
    /// Whether it is in force on `day` (both ends included).
    pub fn in_force(&self, day: NaiveDate) -> bool {
        self.in_force_from <= day && day <= self.in_force_to
    }

    /// Whether USCIS may send the field.
    pub fn allows_out(&self, field: u16) -> bool {
        self.outbound_fields.contains(&field)
    }

    /// Whether the partner may send the field.
    pub fn allows_in(&self, field: u16) -> bool {
        self.inbound_fields.contains(&field)
    }
}

/// The Type-2 fields an agreement may name, with their mnemonics: those of CRIS's uniform
/// request template (every partner's template is a subset of it) and an answer's result (2.209
/// RES), in number order.
pub fn agreement_fields() -> Vec<(u16, String)> {
    let mut out: Vec<(u16, String)> =
        ansi_nist::Template::uniform().fields.into_iter().map(|f| (f.number, f.mnemonic)).collect();
    out.push((ansi_nist::type2_fields::RES, "RES".to_owned()));
    out.sort_by_key(|(n, _)| *n);
    out.dedup_by_key(|(n, _)| *n);
    out
}

/// An agreement as headquarters typed it (the staff form, the command line): kept as typed so a
/// refused form comes back unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgreementDraft {
    /// Partner code.
    pub partner: String,
    /// First day in force, `YYYY-MM-DD`.
    pub in_force_from: String,
    /// Last day in force, `YYYY-MM-DD`.
    pub in_force_to: String,
    /// Fields USCIS may send (`18` or `2.018` each).
    pub outbound: Vec<String>,
    /// Fields the partner may send.
    pub inbound: Vec<String>,
    /// The request template's name.
    pub template: String,
}

/// A day as forms and the command line give it.
///
/// # Errors
/// Not a date written `YYYY-MM-DD`.
pub fn parse_day(field: &'static str, text: &str) -> Result<NaiveDate, InvalidInput> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| InvalidInput::new(field, "Give a date written YYYY-MM-DD, such as 2027-01-31."))
}

/// Field numbers as typed (`18`, `2.018`), each one an agreement may name, without repeats, in
/// order.
fn parse_agreement_fields(field: &'static str, values: &[String]) -> Result<Vec<u16>, InvalidInput> {
    let known = agreement_fields();
    let mut out = Vec::new();
    for v in values.iter().flat_map(|v| v.split(',')).map(str::trim).filter(|v| !v.is_empty()) {
        let n = v.strip_prefix("2.").unwrap_or(v).parse::<u16>().ok().filter(|n| known.iter().any(|(k, _)| k == n));
        let Some(n) = n else {
            return Err(InvalidInput::new(field, format!("{v} is not a Type-2 field the request templates know.")));
        };
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out.sort_unstable();
    Ok(out)
}

impl AgreementDraft {
    /// The agreement it describes (id 0), checked by [`check_agreement`] against `partners`
    /// (the codes the deployment knows, each its own request template) and the agreements
    /// already recorded; every mistake, each naming its field.
    ///
    /// # Errors
    /// Every field that does not check out.
    pub fn check(&self, partners: &[&str], recorded: &[Agreement]) -> Result<Agreement, Vec<InvalidInput>> {
        let mut problems = Vec::new();
        let from = parse_day("in_force_from", &self.in_force_from).map_err(|e| problems.push(e)).ok();
        let to = parse_day("in_force_to", &self.in_force_to).map_err(|e| problems.push(e)).ok();
        let outbound = parse_agreement_fields("outbound", &self.outbound).map_err(|e| problems.push(e)).ok();
        let inbound = parse_agreement_fields("inbound", &self.inbound).map_err(|e| problems.push(e)).ok();
        let a = Agreement {
            id: 0,
            partner: self.partner.trim().to_ascii_uppercase(),
            in_force_from: from.unwrap_or_default(),
            in_force_to: to.unwrap_or_default(),
            outbound_fields: outbound.clone().unwrap_or_default(),
            inbound_fields: inbound.clone().unwrap_or_default(),
            template: self.template.trim().to_ascii_uppercase(),
        };
        // The rules that need a value only where the value parsed (one message a field).
        for e in check_agreement(&a, partners, recorded) {
            let parsed = match e.field {
                "in_force_from" | "in_force_to" => from.is_some() && to.is_some(),
                "outbound" => outbound.is_some(),
                "inbound" => inbound.is_some(),
                _ => true,
            };
            if parsed && !problems.iter().any(|p: &InvalidInput| p.field == e.field) {
                problems.push(e);
            }
        }
        // In the form's order, as the page's summary lists them.
        const ORDER: [&str; 6] = ["partner", "in_force_from", "in_force_to", "outbound", "inbound", "template"];
        problems.sort_by_key(|p| ORDER.iter().position(|f| *f == p.field));
        if problems.is_empty() { Ok(a) } else { Err(problems) }
    }
}

/// The rules of an agreement (R-IS-08): a partner the deployment knows and a request template it
/// knows (partners' templates are named by their codes); its first day not after its last; at
/// least one field each way, each one the templates know; and no common day with another
/// agreement of the same partner, so that exactly one agreement governs a day's queries and the
/// accounting names it. An empty list when it checks out.
pub fn check_agreement(a: &Agreement, partners: &[&str], recorded: &[Agreement]) -> Vec<InvalidInput> {
    let mut problems = Vec::new();
    if !partners.contains(&a.partner.as_str()) {
        problems.push(InvalidInput::new("partner", format!("Choose one of the partners: {}.", partners.join(", "))));
    }
    if !partners.contains(&a.template.as_str()) {
        problems.push(InvalidInput::new("template", format!("Choose one of the templates: {}.", partners.join(", "))));
    }
    let known = agreement_fields();
    for (field, list) in [("outbound", &a.outbound_fields), ("inbound", &a.inbound_fields)] {
        if list.is_empty() {
            problems.push(InvalidInput::new(field, "Choose at least one field."));
        } else if let Some(n) = list.iter().find(|n| !known.iter().any(|(k, _)| k == *n)) {
            problems
                .push(InvalidInput::new(field, format!("2.{n:03} is not a Type-2 field the request templates know.")));
        }
    }
    if a.in_force_from > a.in_force_to {
        problems.push(InvalidInput::new("in_force_to", "The last day in force cannot be before the first."));
    } else if let Some(o) = recorded.iter().find(|o| {
        o.id != a.id && o.partner == a.partner && o.in_force_from <= a.in_force_to && a.in_force_from <= o.in_force_to
    }) {
        problems.push(InvalidInput::new(
            "in_force_from",
            format!(
                "Agreement {} with {} is in force from {} to {}: the days overlap. End it first, or choose days outside it.",
                o.id, o.partner, o.in_force_from, o.in_force_to
            ),
        ));
    }
    problems
}

/// Whether an agreement may be ended with `last` as its last day in force, on `today`: not in
/// the past (disclosures already made under it stand, and so must the days that covered them),
/// not before its first day, and not later than its current last day (ending never extends).
///
/// # Errors
/// The rule the day breaks, on the `last_day` field.
pub fn check_end(a: &Agreement, last: NaiveDate, today: NaiveDate) -> Result<(), InvalidInput> {
    if a.in_force_to < today {
        return Err(InvalidInput::new("last_day", format!("This agreement already ended on {}.", a.in_force_to)));
    }
    if last < today {
        return Err(InvalidInput::new(
            "last_day",
            format!("An agreement cannot be ended in the past: choose {today} or a later day."),
        ));
    }
    if last < a.in_force_from {
        return Err(InvalidInput::new(
            "last_day",
            format!("The last day cannot be before its first day, {}.", a.in_force_from),
        ));
    }
    if last > a.in_force_to {
        return Err(InvalidInput::new(
            "last_day",
            format!("The last day cannot be after its current last day, {}.", a.in_force_to),
        ));
    }
    Ok(())
}

/// Field numbers as agreements store them: `18,22,24`.
pub fn fields_list(fields: &[u16]) -> String {
    fields.iter().map(u16::to_string).collect::<Vec<_>>().join(",")
}

/// The stored list back (anything that is not a number is dropped).
pub fn parse_fields(text: &str) -> Vec<u16> {
    text.split(',').filter_map(|f| f.trim().parse().ok()).collect()
}

/// A USCIS query to a partner, as the officer's page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboundQuery {
    /// Row id.
    pub id: i64,
    /// Partner code.
    pub partner: String,
    /// 1, 2 or 3.
    pub sequence: i64,
    /// Who asked.
    pub officer: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The answer: a match, no match, or none yet.
    pub matched: Option<bool>,
    /// The answer's exchange.
    pub exchange_in: Option<i64>,
}

/// The next query an officer may send a partner about a person, given the queries already sent
/// to it (R-IS-02, R-IS-10): a first one (again) until a partner answers "match"; after a match,
/// the second (more information) that normally goes out by itself, then a third on request, and
/// no more.
///
/// # Errors
/// The third has been sent.
pub fn next_sequence(sent: &[OutboundQuery]) -> Result<u8, InvalidInput> {
    let last = sent.iter().max_by_key(|q| q.id);
    match last.map(|q| (q.sequence, q.matched)) {
        None | Some((1, Some(false) | None)) => Ok(1),
        Some((1, Some(true))) => Ok(2),
        Some((2, _)) => Ok(3),
        Some(_) => {
            Err(InvalidInput::new("partner", "This partner has already been sent the third query about this person."))
        }
    }
}

/// The Type-2 fields of a stored transaction, as `2.NNN` and their text (subfields and items
/// shown with ` / ` and ` ` between them), for the pages that show an answer; nothing when it
/// does not read.
pub fn descriptive_fields(transaction: &[u8]) -> Vec<(String, String)> {
    let Ok(t) = ansi_nist::read(transaction) else { return Vec::new() };
    t.tagged_of_type(2)
        .flat_map(|(_, r)| r.fields().iter().filter(|f| f.number() > 2))
        .map(|f| {
            let text = f
                .value()
                .subfields_iter()
                .map(|s| s.items().map(|i| String::from_utf8_lossy(i).into_owned()).collect::<Vec<_>>().join(" "))
                .collect::<Vec<_>>()
                .join(" / ");
            (format!("2.{:03}", f.number()), text)
        })
        .collect()
}

/// Demo person `index` (0-based), as of `as_of`: synthetic identity, fingers 1 and 2 from the
/// seeds the stand-in partners' galleries share (`ident::standin::gallery::person_finger_seed`),
/// so that the demo's queries about some persons match; every tenth flagged protected by the
/// records office (the class turning with the index). Pure and deterministic.
pub fn demo_person(index: u64, seeds: impl Fn(u64, u8) -> u64, as_of: NaiveDate) -> NewPerson {
    const SURNAMES: [&str; 12] = [
        "HADDAD", "NOURI", "ALVAREZ", "OKONKWO", "TRAN", "ABDI", "KARIMI", "MEDINA", "BEKELE", "RASHID", "SOTO",
        "ZAHIR",
    ];
    const GIVEN: [&str; 12] =
        ["LAYLA", "OMAR", "MARIA", "CHIDI", "MINH", "HODAN", "REZA", "LUCIA", "ABEBE", "SANA", "JORGE", "FARIDA"];
    const COUNTRIES: [&str; 6] = ["SYR", "AFG", "VEN", "ERI", "SOM", "IRN"];
    let pick = |list: &[&'static str], k: u64| -> &'static str {
        list.get(usize::try_from(k % list.len() as u64).unwrap_or(0)).copied().unwrap_or("X")
    };
    let mix = index.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 7;
    let birth = as_of - chrono::Duration::days(i64::try_from(6_570 + mix % 18_250).unwrap_or(6_570));
    let flag = (index % 10 == 3).then(|| ProtectedClass::ALL[usize::try_from(index / 10 % 5).unwrap_or(0)]);
    let fingers = [1u8, 2]
        .into_iter()
        .map(|f| Finger::from_type9(&fingerprint::synth::Finger::generate(seeds(index, f)).impression(index, f)))
        .collect();
    NewPerson {
        fin: Fin(format!("FIN{:09}", 100_000_000 + index)),
        a_number: Some(format!("A{:09}", 300_000_000 + index)),
        name: PersonName { surname: pick(&SURNAMES, mix).to_owned(), given_names: pick(&GIVEN, mix >> 5).to_owned() },
        aliases: Vec::new(),
        birth_date: birth,
        birth_country: pick(&COUNTRIES, mix >> 9).to_owned(),
        gender: if mix.is_multiple_of(2) { "F" } else { "M" }.to_owned(),
        flag,
        consent: None,
        fingers,
        keep_until: birth,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // R-IS-04
    #[test]
    fn protection_comes_from_the_flag_or_the_forms() {
        assert_eq!(ProtectedClass::of_form("I-914"), Some(ProtectedClass::T));
        assert_eq!(ProtectedClass::of_form("I-918"), Some(ProtectedClass::U));
        assert_eq!(ProtectedClass::of_form("I-360"), Some(ProtectedClass::Vawa));
        assert_eq!(ProtectedClass::of_form("I-589"), Some(ProtectedClass::Asylum));
        assert_eq!(ProtectedClass::of_form("I-590"), Some(ProtectedClass::Refugee));
        assert_eq!(ProtectedClass::of_form("I-730"), Some(ProtectedClass::Refugee));
        assert_eq!(ProtectedClass::of_form("I-485"), None);
        assert_eq!(protection(None, ["I-485", "I-589"]), Some(ProtectedClass::Asylum));
        assert_eq!(protection(Some(ProtectedClass::U), ["I-589"]), Some(ProtectedClass::U));
        assert_eq!(protection(None, ["I-485"]), None);
        for c in ProtectedClass::ALL {
            assert_eq!(ProtectedClass::parse(c.code()), Some(c));
        }
    }

    // R-IS-08
    #[test]
    fn agreements_are_in_force_between_their_days_and_allow_their_fields() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let a = Agreement {
            id: 1,
            partner: "CAN".into(),
            in_force_from: d(2026, 1, 1),
            in_force_to: d(2026, 12, 31),
            outbound_fields: parse_fields(&fields_list(&[18, 22])),
            inbound_fields: vec![18, 22, 24],
            template: "CAN".into(),
        };
        assert!(a.in_force(d(2026, 1, 1)) && a.in_force(d(2026, 12, 31)));
        assert!(!a.in_force(d(2025, 12, 31)) && !a.in_force(d(2027, 1, 1)));
        assert!(a.allows_out(18) && !a.allows_out(24) && a.allows_in(24));
        assert_eq!(fields_text(&[18, 22, 9]), "2.018 2.022 9");
    }

    // R-IS-08
    #[test]
    fn agreements_entered_follow_the_rules_and_end_only_forward() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let draft = |partner: &str, from: &str, to: &str, out: &[&str], inb: &[&str]| AgreementDraft {
            partner: partner.into(),
            in_force_from: from.into(),
            in_force_to: to.into(),
            outbound: out.iter().map(|s| (*s).to_owned()).collect(),
            inbound: inb.iter().map(|s| (*s).to_owned()).collect(),
            template: partner.into(),
        };
        let partners = ["CAN", "AUS"];
        let can = Agreement {
            id: 1,
            partner: "CAN".into(),
            in_force_from: d(2026, 1, 1),
            in_force_to: d(2026, 12, 31),
            outbound_fields: vec![18],
            inbound_fields: vec![18],
            template: "CAN".into(),
        };
        let ok = draft(" can ", "2027-01-01", "2027-12-31", &["2.022", "18", "18"], &["209"])
            .check(&partners, std::slice::from_ref(&can));
        let ok = ok.unwrap();
        assert_eq!(
            (ok.partner.as_str(), ok.outbound_fields.clone(), ok.inbound_fields.clone()),
            ("CAN", vec![18, 22], vec![209])
        );
        let fields =
            |r: Result<Agreement, Vec<InvalidInput>>| r.unwrap_err().iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(
            fields(
                draft("CAN", "2026-12-31", "2027-02-01", &["18"], &["18"]).check(&partners, std::slice::from_ref(&can))
            ),
            ["in_force_from"]
        );
        // The same partner's days may touch, not overlap; another partner's may.
        assert!(
            draft("AUS", "2026-06-01", "2027-02-01", &["18"], &["18"])
                .check(&partners, std::slice::from_ref(&can))
                .is_ok()
        );
        assert_eq!(
            fields(draft("CAN", "2027-02-01", "2027-01-01", &[], &["7"]).check(&partners, &[])),
            ["in_force_to", "outbound", "inbound"]
        );
        assert_eq!(
            fields(draft("FRA", "x", "2027-01-01", &["18"], &["18"]).check(&partners, &[])),
            ["partner", "in_force_from", "template"]
        );
        assert!(agreement_fields().iter().any(|(n, m)| *n == 209 && m == "RES"));
        assert!(
            check_agreement(&can, &partners, std::slice::from_ref(&can)).is_empty(),
            "an agreement does not overlap itself"
        );

        let today = d(2026, 11, 2);
        assert!(check_end(&can, today, today).is_ok() && check_end(&can, d(2026, 12, 31), today).is_ok());
        assert!(check_end(&can, d(2026, 11, 1), today).is_err());
        assert!(check_end(&can, d(2027, 1, 1), today).is_err());
        let later = Agreement { in_force_from: d(2026, 12, 1), ..can.clone() };
        assert!(check_end(&later, d(2026, 11, 30), today).is_err() && check_end(&later, d(2026, 12, 1), today).is_ok());
        let over = Agreement { in_force_to: d(2026, 11, 1), ..can };
        assert!(check_end(&over, today, today).unwrap_err().reason.contains("already ended"));
    }

    // R-IS-02
    // R-IS-10
    #[test]
    fn a_first_query_until_a_match_then_the_second_then_one_third() {
        let q = |id, sequence, matched| OutboundQuery {
            id,
            partner: "CAN".into(),
            sequence,
            officer: "ao".into(),
            at: DateTime::UNIX_EPOCH,
            matched,
            exchange_in: None,
        };
        assert_eq!(next_sequence(&[]), Ok(1));
        assert_eq!(next_sequence(&[q(1, 1, Some(false))]), Ok(1));
        assert_eq!(next_sequence(&[q(1, 1, Some(false)), q(2, 1, Some(true))]), Ok(2));
        assert_eq!(next_sequence(&[q(2, 2, Some(true)), q(1, 1, Some(true))]), Ok(3));
        assert!(next_sequence(&[q(1, 1, Some(true)), q(2, 2, Some(true)), q(3, 3, Some(true))]).is_err());
    }

    #[test]
    fn minutiae_survive_their_stored_form_and_fins_are_checked() {
        let f = Finger { position: 2, width: 400, height: 500, minutiae: vec![(1, 2, 358), (399, 499, 0)] };
        assert_eq!(Finger::decode(&f.encode()), f.minutiae);
        assert_eq!(Fin::parse(" ab-12 ").unwrap().as_str(), "AB-12");
        assert!(Fin::parse("").is_err() && Fin::parse("a b").is_err());
    }
}
