//! Reference data every capability names by code: benefit forms, case statuses and USCIS
//! offices, each in English and Spanish.
//!
//! The data lives in `data/*.toml` and is embedded in the binary, so a running server never
//! depends on files beside it. [`Catalog::load`] parses and checks everything once, at
//! start-up: a bad entry stops the start with an error naming the file and the entry, instead
//! of surfacing later as a blank title or a raw `{placeholder}` on a customer's page.

mod date;
mod form;
mod office;
mod status;
mod template;

pub use date::{Day, format_date, format_day_in_month, format_month, format_time};
pub use form::{FIELD, Form, Produces};
pub use office::{Office, OfficeKind};
pub use status::{CHANGE_ADDRESS_PATH, DescriptionContext, Stage, Status};

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use template::{Slot, Template};

/// Name of the forms file, as used in error messages.
pub const FORMS_FILE: &str = "forms.toml";
/// Name of the status catalogue file, as used in error messages.
pub const STATUSES_FILE: &str = "statuses.toml";
/// Name of the offices file, as used in error messages.
pub const OFFICES_FILE: &str = "offices.toml";

/// Status codes other modules refer to by name; loading fails if one is missing.
pub const REQUIRED_STATUS_CODES: [&str; 33] = [
    "CASE_RECEIVED",
    "RECEIPT_EMAILED",
    "FEES_WAIVED",
    "FINGERPRINT_FEE_RECEIVED",
    "BIOMETRICS_SCHEDULED",
    "FINGERPRINTS_TAKEN",
    "ACTIVELY_REVIEWED",
    "INITIAL_EVIDENCE_REQUESTED",
    "RFE_SENT",
    "RFE_RESPONSE_RECEIVED",
    "INTERVIEW_SCHEDULED",
    "INTERVIEW_COMPLETED",
    "INTERVIEW_CANCELLED",
    "CASE_TRANSFERRED",
    "NAME_UPDATED",
    "ADDRESS_UPDATED",
    "DUPLICATE_NOTICE_MAILED",
    "CASE_REOPENED",
    "CASE_APPROVED",
    "CASE_DENIED",
    "CASE_REJECTED",
    "WITHDRAWAL_ACKNOWLEDGED",
    "OATH_CEREMONY_SCHEDULED",
    "OATH_CEREMONY_COMPLETED",
    "CARD_PRODUCED",
    "CARD_MAILED",
    "CARD_PICKED_UP_BY_USPS",
    "CARD_DELIVERED",
    "CARD_RETURNED",
    "DOCUMENT_PRODUCED",
    "DOCUMENT_MAILED",
    "DOCUMENT_DELIVERED",
    "DOCUMENT_RETURNED",
];

/// Every receipt-number prefix in use and the code of the office that issues it; loading
/// fails unless each maps to exactly that office.
pub const RECEIPT_PREFIX_OFFICES: [(&str, &str); 12] = [
    ("EAC", "VSC"),
    ("VSC", "VSC"),
    ("WAC", "CSC"),
    ("CSC", "CSC"),
    ("LIN", "NSC"),
    ("NSC", "NSC"),
    ("SRC", "TSC"),
    ("TSC", "TSC"),
    ("MSC", "NBC"),
    ("NBC", "NBC"),
    ("IOE", "NBC"),
    ("YSC", "PSC"),
];

/// The regions offices roll up into, below the nation.
pub const REGIONS: [&str; 5] = ["NORTHEAST", "SOUTHEAST", "CENTRAL", "WEST", "NATIONAL"];

/// Reference data that cannot be used; the message names the file and the entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// The file is not TOML or does not have the expected shape (missing or unknown field,
    /// value of the wrong type or not one of the allowed words).
    #[error("{file}: {entry}: {reason}")]
    Parse {
        /// The data file.
        file: &'static str,
        /// The entry (by code when it can be found) and line where parsing stopped.
        entry: String,
        /// What the parser says.
        reason: String,
    },
    /// An entry parsed but breaks a rule of the catalogue.
    #[error("{file}: {entry}: {reason}")]
    Invalid {
        /// The data file.
        file: &'static str,
        /// The entry, by code (or position when it has none), or the missing code.
        entry: String,
        /// The rule broken.
        reason: String,
    },
}

impl ReferenceError {
    /// The data file at fault.
    pub fn file(&self) -> &'static str {
        match self {
            ReferenceError::Parse { file, .. } | ReferenceError::Invalid { file, .. } => file,
        }
    }

    /// The entry at fault, as named in the message.
    pub fn entry(&self) -> &str {
        match self {
            ReferenceError::Parse { entry, .. } | ReferenceError::Invalid { entry, .. } => entry,
        }
    }
}

/// The text of the three data files. [`Sources::BUILTIN`] is what ships; tests and tools
/// can check other text with [`Catalog::from_sources`].
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// Text of `forms.toml`.
    pub forms: &'a str,
    /// Text of `statuses.toml`.
    pub statuses: &'a str,
    /// Text of `offices.toml`.
    pub offices: &'a str,
}

impl Sources<'static> {
    /// The data files embedded in the binary.
    pub const BUILTIN: Sources<'static> = Sources {
        forms: include_str!("../../data/forms.toml"),
        statuses: include_str!("../../data/statuses.toml"),
        offices: include_str!("../../data/offices.toml"),
    };
}

/// Forms, statuses and offices, checked, with lookups by code.
///
/// Lookups ignore ASCII case (`i-130` finds `I-130`); lists keep the order of the data files.
#[derive(Debug, Clone)]
pub struct Catalog {
    forms: Vec<Form>,
    statuses: Vec<Status>,
    offices: Vec<Office>,
    form_index: HashMap<String, usize>,
    status_index: HashMap<String, usize>,
    office_index: HashMap<String, usize>,
    prefix_index: HashMap<String, usize>,
}

static BUILTIN: OnceLock<Result<Catalog, ReferenceError>> = OnceLock::new();

impl Catalog {
    /// Parses the embedded TOML and validates it. This is the start-up call: its error says
    /// which file and entry are wrong.
    pub fn load() -> Result<Catalog, ReferenceError> {
        Catalog::from_sources(&Sources::BUILTIN)
    }

    /// The embedded catalogue, loaded on first use and shared afterwards.
    ///
    /// For code that cannot be handed the catalogue loaded at start-up. Returns the load
    /// error (the same one every time) rather than panicking; after a successful
    /// [`Catalog::load`] at start-up it cannot fail, since the data is compiled in.
    pub fn builtin() -> Result<&'static Catalog, &'static ReferenceError> {
        BUILTIN.get_or_init(Catalog::load).as_ref()
    }

    /// Parses and validates the given file contents.
    pub fn from_sources(sources: &Sources<'_>) -> Result<Catalog, ReferenceError> {
        let offices_file: OfficesFile = parse(OFFICES_FILE, sources.offices)?;
        let forms_file: FormsFile = parse(FORMS_FILE, sources.forms)?;
        let statuses_file: StatusesFile = parse(STATUSES_FILE, sources.statuses)?;

        let offices = offices_file
            .office
            .into_iter()
            .enumerate()
            .map(|(i, raw)| build_office(i, raw))
            .collect::<Result<Vec<_>, _>>()?;
        let office_index = index(OFFICES_FILE, &offices, |o| &o.code)?;
        check_hierarchy(&offices)?;
        let prefix_index = prefix_index(&offices)?;

        let forms = forms_file.form;
        for (i, form) in forms.iter().enumerate() {
            check_form(i, form, &office_index)?;
        }
        let form_index = index(FORMS_FILE, &forms, |f| &f.code)?;

        let statuses = statuses_file
            .status
            .into_iter()
            .enumerate()
            .map(|(i, raw)| build_status(i, raw))
            .collect::<Result<Vec<_>, _>>()?;
        let status_index = index(STATUSES_FILE, &statuses, |s| &s.code)?;
        if let Some(missing) = REQUIRED_STATUS_CODES.iter().find(|c| !status_index.contains_key(**c)) {
            return Err(invalid(STATUSES_FILE, format!("entry {missing:?}"), "is required but missing"));
        }

        Ok(Catalog { forms, statuses, offices, form_index, status_index, office_index, prefix_index })
    }

    /// Every form, in file order.
    pub fn forms(&self) -> &[Form] {
        &self.forms
    }

    /// The form with `code` (e.g. `I-130`).
    pub fn form(&self, code: &str) -> Option<&Form> {
        lookup(&self.forms, &self.form_index, code)
    }

    /// Every status, in file order.
    pub fn statuses(&self) -> &[Status] {
        &self.statuses
    }

    /// The status with `code` (e.g. `CASE_APPROVED`).
    pub fn status(&self, code: &str) -> Option<&Status> {
        lookup(&self.statuses, &self.status_index, code)
    }

    /// Every office, in file order.
    pub fn offices(&self) -> &[Office] {
        &self.offices
    }

    /// The office with `code` (e.g. `NSC`).
    pub fn office(&self, code: &str) -> Option<&Office> {
        lookup(&self.offices, &self.office_index, code)
    }

    /// The field office with `code`, in any case: the offices that receive the public.
    pub fn field_office(&self, code: &str) -> Option<&Office> {
        self.office(&code.to_uppercase()).filter(|o| o.kind == OfficeKind::FieldOffice)
    }

    /// The office that issues receipt numbers starting with `receipt_prefix` (e.g. `LIN`).
    pub fn office_for_prefix(&self, receipt_prefix: &str) -> Option<&Office> {
        lookup(&self.offices, &self.prefix_index, receipt_prefix)
    }

    /// The office that issued `receipt` (e.g. `IOE0912345678`), from its first three letters.
    pub fn office_for_receipt(&self, receipt: &str) -> Option<&Office> {
        self.office_for_prefix(receipt.get(..3)?)
    }

    /// The offices of one kind, in file order.
    pub fn offices_of_kind(&self, kind: OfficeKind) -> impl Iterator<Item = &Office> + '_ {
        self.offices.iter().filter(move |o| o.kind == kind)
    }

    /// The offices of one district (e.g. `D-NYC`), in file order.
    pub fn offices_in_district<'a>(&'a self, district: &'a str) -> impl Iterator<Item = &'a Office> + 'a {
        self.offices.iter().filter(move |o| o.district == district)
    }

    /// The offices of one region (e.g. `WEST`), in file order.
    pub fn offices_in_region<'a>(&'a self, region: &'a str) -> impl Iterator<Item = &'a Office> + 'a {
        self.offices.iter().filter(move |o| o.region == region)
    }

    /// Every district with its region, sorted by district code.
    pub fn districts(&self) -> Vec<(&str, &str)> {
        let map: BTreeMap<&str, &str> = self.offices.iter().map(|o| (o.district.as_str(), o.region.as_str())).collect();
        map.into_iter().collect()
    }
}

// --- File shapes ---------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormsFile {
    #[serde(default)]
    form: Vec<Form>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusesFile {
    #[serde(default)]
    status: Vec<RawStatus>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OfficesFile {
    #[serde(default)]
    office: Vec<RawOffice>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatus {
    code: String,
    stage: Stage,
    terminal: bool,
    title_en: String,
    title_es: String,
    desc_en: String,
    desc_es: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOffice {
    code: String,
    kind: OfficeKind,
    name_en: String,
    name_es: String,
    street: String,
    city: String,
    state: String,
    zip: String,
    lat: f64,
    lon: f64,
    tz: String,
    district: String,
    region: String,
    #[serde(default)]
    receipt_prefixes: Vec<String>,
}

// --- Parsing and checks --------------------------------------------------------------------

fn parse<T: DeserializeOwned>(file: &'static str, text: &str) -> Result<T, ReferenceError> {
    toml::from_str(text).map_err(|e| ReferenceError::Parse {
        file,
        entry: locate(text, e.span()),
        reason: e.message().trim().to_owned(),
    })
}

/// Names the entry a parse error falls in: the `code` of the `[[...]]` block around the
/// error's position, with the line, so the message points at something a person can find.
fn locate(text: &str, span: Option<Range<usize>>) -> String {
    let Some(span) = span else {
        return "whole file".to_owned();
    };
    let start = span.start.min(text.len());
    let line = text.get(..start).map_or(1, |before| before.matches('\n').count() + 1);
    // Search up to the end of the error's line, so an error reported on a header line
    // belongs to the block that header opens.
    let line_end = text.get(start..).and_then(|rest| rest.find('\n')).map_or(text.len(), |i| start + i);
    let upto = text.get(..line_end).unwrap_or(text);
    let block_start = match upto.rfind("\n[[") {
        Some(i) => Some(i + 1),
        None => upto.starts_with("[[").then_some(0),
    };
    match block_start.and_then(|i| text.get(i..)).and_then(block_code) {
        Some(code) => format!("entry {code:?} (line {line})"),
        None => format!("line {line}"),
    }
}

/// The `code = "..."` value of the `[[...]]` block that `block` starts with.
fn block_code(block: &str) -> Option<String> {
    block.lines().skip(1).take_while(|l| !l.trim_start().starts_with("[[")).find_map(|l| {
        let value = l.trim().strip_prefix("code")?.trim_start().strip_prefix('=')?.trim();
        Some(value.strip_prefix('"')?.split('"').next()?.to_owned())
    })
}

fn invalid(file: &'static str, entry: String, reason: impl Into<String>) -> ReferenceError {
    ReferenceError::Invalid { file, entry, reason: reason.into() }
}

/// How an entry is named in messages: by code, or by position when the code is empty.
fn entry_name(position: usize, code: &str) -> String {
    if code.trim().is_empty() { format!("entry #{}", position + 1) } else { format!("entry {code:?}") }
}

/// Maps each item's code (upper-cased) to its position; duplicate codes are an error.
fn index<T>(
    file: &'static str,
    items: &[T],
    code: impl Fn(&T) -> &String,
) -> Result<HashMap<String, usize>, ReferenceError> {
    let mut map = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        if map.insert(code(item).to_ascii_uppercase(), i).is_some() {
            return Err(invalid(file, entry_name(i, code(item)), "has the same code as an earlier entry"));
        }
    }
    Ok(map)
}

fn lookup<'a, T>(items: &'a [T], index: &HashMap<String, usize>, code: &str) -> Option<&'a T> {
    // Codes are stored upper-cased; most callers already pass them that way.
    let position = match index.get(code) {
        Some(i) => *i,
        None => *index.get(&code.to_ascii_uppercase())?,
    };
    items.get(position)
}

fn non_empty(file: &'static str, entry: &str, field: &str, value: &str) -> Result<(), ReferenceError> {
    if value.trim().is_empty() {
        return Err(invalid(file, entry.to_owned(), format!("{field} is empty")));
    }
    Ok(())
}

fn build_office(position: usize, raw: RawOffice) -> Result<Office, ReferenceError> {
    let entry = entry_name(position, &raw.code);
    let bad = |reason: String| invalid(OFFICES_FILE, entry.clone(), reason);

    let code_ok =
        (3..=4).contains(&raw.code.len()) && raw.code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !code_ok {
        return Err(bad("code must be 3 or 4 uppercase letters or digits".to_owned()));
    }
    for (field, value) in [
        ("name_en", &raw.name_en),
        ("name_es", &raw.name_es),
        ("street", &raw.street),
        ("city", &raw.city),
        ("district", &raw.district),
    ] {
        non_empty(OFFICES_FILE, &entry, field, value)?;
    }
    if office::spanish_article(&raw.name_es).is_none() {
        return Err(bad(
            "name_es must start with \"Oficina\" or \"Centro\" (its article is derived from that word)".to_owned()
        ));
    }
    if raw.state.len() != 2 || !raw.state.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(bad(format!("state {:?} is not a two-letter code", raw.state)));
    }
    if raw.zip.len() != 5 || !raw.zip.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(format!("zip {:?} is not five digits", raw.zip)));
    }
    if !(-90.0..=90.0).contains(&raw.lat) || !(-180.0..=180.0).contains(&raw.lon) {
        return Err(bad(format!("lat/lon {}, {} out of range", raw.lat, raw.lon)));
    }
    let tz: chrono_tz::Tz = raw.tz.parse().map_err(|_| bad(format!("tz {:?} is not an IANA time zone", raw.tz)))?;
    if !raw.district.starts_with("D-") {
        return Err(bad(format!("district {:?} must start with \"D-\"", raw.district)));
    }
    if !REGIONS.contains(&raw.region.as_str()) {
        return Err(bad(format!("region {:?} is not one of {}", raw.region, REGIONS.join(", "))));
    }
    if !raw.receipt_prefixes.is_empty() && !raw.kind.issues_receipts() {
        return Err(bad(format!("a {} does not issue receipt numbers", raw.kind.as_str())));
    }
    for prefix in &raw.receipt_prefixes {
        if prefix.len() != 3 || !prefix.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(bad(format!("receipt prefix {prefix:?} is not three uppercase letters")));
        }
    }

    Ok(Office {
        code: raw.code,
        kind: raw.kind,
        name_en: raw.name_en,
        name_es: raw.name_es,
        street: raw.street,
        city: raw.city,
        state: raw.state,
        zip: raw.zip,
        lat: raw.lat,
        lon: raw.lon,
        tz,
        district: raw.district,
        region: raw.region,
        receipt_prefixes: raw.receipt_prefixes,
    })
}

/// Each district must sit in exactly one region, so the hierarchy is a tree.
fn check_hierarchy(offices: &[Office]) -> Result<(), ReferenceError> {
    let mut region_of: HashMap<&str, &str> = HashMap::new();
    for (i, office) in offices.iter().enumerate() {
        let region = *region_of.entry(&office.district).or_insert(&office.region);
        if region != office.region {
            return Err(invalid(
                OFFICES_FILE,
                entry_name(i, &office.code),
                format!("district {} is in region {region} elsewhere, not {}", office.district, office.region),
            ));
        }
    }
    Ok(())
}

/// Maps receipt prefixes to offices: each prefix belongs to one office, and every prefix in
/// use maps to the office that issues it.
fn prefix_index(offices: &[Office]) -> Result<HashMap<String, usize>, ReferenceError> {
    let mut map = HashMap::new();
    for (i, office) in offices.iter().enumerate() {
        for prefix in &office.receipt_prefixes {
            if map.insert(prefix.clone(), i).is_some() {
                return Err(invalid(
                    OFFICES_FILE,
                    entry_name(i, &office.code),
                    format!("receipt prefix {prefix} is already used by another office"),
                ));
            }
        }
    }
    for (prefix, expected) in RECEIPT_PREFIX_OFFICES {
        let actual = map.get(prefix).and_then(|i| offices.get(*i)).map(|o| o.code.as_str());
        if actual != Some(expected) {
            return Err(invalid(
                OFFICES_FILE,
                format!("entry {expected:?}"),
                format!("must list receipt prefix {prefix} (found on {})", actual.unwrap_or("no office")),
            ));
        }
    }
    Ok(map)
}

fn check_form(position: usize, form: &Form, offices: &HashMap<String, usize>) -> Result<(), ReferenceError> {
    let entry = entry_name(position, &form.code);
    let code_ok =
        !form.code.is_empty() && form.code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
    if !code_ok {
        return Err(invalid(FORMS_FILE, entry, "code must be uppercase letters, digits and '-'"));
    }
    non_empty(FORMS_FILE, &entry, "title_en", &form.title_en)?;
    non_empty(FORMS_FILE, &entry, "title_es", &form.title_es)?;
    if form.processing_offices.is_empty() {
        return Err(invalid(FORMS_FILE, entry, "processing_offices is empty"));
    }
    let mut seen = HashSet::new();
    for code in &form.processing_offices {
        if code != FIELD && !offices.contains_key(code) {
            return Err(invalid(
                FORMS_FILE,
                entry,
                format!("processing office {code:?} is neither an office code nor \"{FIELD}\""),
            ));
        }
        if !seen.insert(code) {
            return Err(invalid(FORMS_FILE, entry, format!("processing office {code} is listed twice")));
        }
    }
    Ok(())
}

fn build_status(position: usize, raw: RawStatus) -> Result<Status, ReferenceError> {
    let entry = entry_name(position, &raw.code);
    let code_ok =
        !raw.code.is_empty() && raw.code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if !code_ok {
        return Err(invalid(STATUSES_FILE, entry, "code must be uppercase letters, digits and '_'"));
    }
    non_empty(STATUSES_FILE, &entry, "title_en", &raw.title_en)?;
    non_empty(STATUSES_FILE, &entry, "title_es", &raw.title_es)?;
    let template_en = description(&entry, "desc_en", &raw.desc_en, "On {date},")?;
    let template_es = description(&entry, "desc_es", &raw.desc_es, "El {date},")?;
    Ok(Status {
        code: raw.code,
        stage: raw.stage,
        terminal: raw.terminal,
        title_en: raw.title_en,
        title_es: raw.title_es,
        desc_en: raw.desc_en,
        desc_es: raw.desc_es,
        template_en,
        template_es,
    })
}

/// Parses one description: known placeholders only, starting with the date (a wire format
/// relies on that) and naming the receipt number (customers match it against their notice).
fn description(entry: &str, field: &str, text: &str, opening: &str) -> Result<Template, ReferenceError> {
    let bad = |reason: String| invalid(STATUSES_FILE, entry.to_owned(), format!("{field} {reason}"));
    let template = Template::parse(text).map_err(bad)?;
    if !text.starts_with(opening) {
        return Err(bad(format!("must start with {opening:?}")));
    }
    if !template.uses(Slot::Receipt) {
        return Err(bad("must contain {receipt}".to_owned()));
    }
    Ok(template)
}

impl Catalog {
    /// The offices an actor reaches; `None` for every office.
    pub fn reach(&self, actor: &crate::kernel::access::Actor) -> Option<Vec<String>> {
        use crate::kernel::access::{Level, Place};
        if actor.role.level() == Level::Nation {
            return None;
        }
        Some(self.offices().iter().map(Place::of).filter(|p| actor.reaches(p)).map(|p| p.office).collect())
    }

    /// The field offices an actor reaches, as (code, English name), for office pickers.
    pub fn field_offices_in_reach(&self, actor: &crate::kernel::access::Actor) -> Vec<(String, String)> {
        let within = self.reach(actor);
        self.offices_of_kind(OfficeKind::FieldOffice)
            .filter(|o| within.as_ref().is_none_or(|r| r.contains(&o.code)))
            .map(|o| (o.code.clone(), o.name_en.clone()))
            .collect()
    }
}

impl crate::kernel::access::Places for Catalog {
    fn place(&self, office: &str) -> Option<crate::kernel::access::Place> {
        self.office(office).map(crate::kernel::access::Place::of)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::kernel::i18n::Lang;

    fn catalog() -> Catalog {
        Catalog::load().expect("the embedded reference data loads")
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    /// Loads the built-in data with one file replaced.
    fn with_statuses(text: &str) -> Result<Catalog, ReferenceError> {
        Catalog::from_sources(&Sources { statuses: text, ..Sources::BUILTIN })
    }

    const GOOD_STATUS: &str = r#"
[[status]]
code = "SOMETHING_HAPPENED"
stage = "review"
terminal = false
title_en = "Something Happened"
title_es = "Algo Sucedió"
desc_en = "On {date}, something happened to Receipt Number {receipt}."
desc_es = "El {date}, algo sucedió con el Número de Recibo {receipt}."
"#;

    #[test]
    fn load_succeeds_with_enough_entries() {
        let c = catalog();
        assert!(c.forms().len() >= 28, "forms: {}", c.forms().len());
        assert!(c.statuses().len() >= REQUIRED_STATUS_CODES.len());
        assert!(c.offices_of_kind(OfficeKind::FieldOffice).count() >= 40);
        assert_eq!(c.offices_of_kind(OfficeKind::ServiceCenter).count(), 5);
        assert_eq!(c.offices_of_kind(OfficeKind::BenefitsCenter).count(), 1);
        assert_eq!(c.offices_of_kind(OfficeKind::AsylumOffice).count(), 10);
        assert!(c.offices_of_kind(OfficeKind::Asc).count() >= 10);
    }

    #[test]
    fn builtin_is_the_loaded_catalogue() {
        let shared = Catalog::builtin().expect("builtin loads");
        assert_eq!(shared.forms().len(), catalog().forms().len());
        assert!(std::ptr::eq(shared, Catalog::builtin().expect("builtin loads")));
    }

    #[test]
    fn every_required_status_exists() {
        let c = catalog();
        for code in REQUIRED_STATUS_CODES {
            assert!(c.status(code).is_some(), "missing status {code}");
        }
    }

    #[test]
    fn required_forms_exist() {
        let c = catalog();
        for code in [
            "I-90", "I-102", "I-129", "I-129F", "I-130", "I-131", "I-131A", "I-140", "I-192", "I-212", "I-290B",
            "I-360", "I-485", "I-526", "I-539", "I-589", "I-600", "I-730", "I-751", "I-765", "I-800", "I-817",
            "I-821D", "I-824", "I-829", "I-914", "I-918", "N-400", "N-565", "N-600",
        ] {
            assert!(c.form(code).is_some(), "missing form {code}");
        }
        assert_eq!(c.form("i-765").map(|f| f.produces), Some(Produces::Card));
        assert_eq!(c.form("I-130").map(|f| f.produces), Some(Produces::None));
        assert!(c.form("N-400").is_some_and(Form::decided_at_field_offices));
    }

    #[test]
    fn every_text_exists_in_both_languages_and_spanish_is_translated() {
        let c = catalog();
        for f in c.forms() {
            assert!(!f.title(Lang::En).is_empty() && !f.title(Lang::Es).is_empty(), "{}", f.code);
            assert_ne!(f.title_en, f.title_es, "form {} title not translated", f.code);
        }
        for s in c.statuses() {
            for lang in Lang::ALL {
                assert!(!s.title(lang).trim().is_empty(), "{} {lang:?}", s.code);
                assert!(!s.description_template(lang).trim().is_empty(), "{} {lang:?}", s.code);
            }
            assert_ne!(s.title_en, s.title_es, "status {} title not translated", s.code);
            assert_ne!(s.desc_en, s.desc_es, "status {} description not translated", s.code);
            // Spanish descriptions use USCIS's own term for the receipt number.
            assert!(s.desc_es.contains("Número de Recibo {receipt}"), "{}", s.code);
            assert!(!s.desc_en.contains("  ") && !s.desc_es.contains("  "), "{}", s.code);
        }
        for o in c.offices() {
            assert!(!o.name(Lang::En).is_empty() && !o.name(Lang::Es).is_empty(), "{}", o.code);
            assert_ne!(o.name_en, o.name_es, "office {} name not translated", o.code);
        }
    }

    #[test]
    fn descriptions_render_with_receipt_and_date_in_both_languages() {
        let c = catalog();
        let form = c.form("I-485").expect("I-485");
        let office = c.office("CHI").expect("CHI");
        let ctx = DescriptionContext {
            date: date(2023, 9, 5),
            form,
            receipt: "IOE0912345678",
            office: Some(office),
            tracking_html: Some("<a href=\"https://tools.usps.com/\">9400100000000000000000</a>"),
            change_address_html: "https://cris.test/change-of-address",
        };
        for s in c.statuses() {
            let en = s.render_description(Lang::En, &ctx);
            let es = s.render_description(Lang::Es, &ctx);
            assert!(en.starts_with("On September 5, 2023, "), "{}: {en}", s.code);
            assert!(es.starts_with("El 5 de septiembre de 2023, "), "{}: {es}", s.code);
            for text in [&en, &es] {
                assert!(text.contains("IOE0912345678"), "{}: {text}", s.code);
                assert!(!text.contains('{') && !text.contains('}'), "{}: {text}", s.code);
            }
            assert!(es.contains(form.title_es.as_str()) && en.contains(form.title_en.as_str()));
            if s.mentions_office() {
                assert!(en.contains("the Chicago Field Office"), "{}: {en}", s.code);
                assert!(es.contains("la Oficina Local de Chicago"), "{}: {es}", s.code);
            }
        }
    }

    #[test]
    fn delivery_statuses_show_tracking_and_render_without_it() {
        let c = catalog();
        for code in ["CARD_MAILED", "CARD_PICKED_UP_BY_USPS", "CARD_DELIVERED", "DOCUMENT_MAILED", "DOCUMENT_DELIVERED"]
        {
            let s = c.status(code).expect("delivery status");
            assert!(s.mentions_tracking(), "{code} lacks {{tracking}}");
        }
        let form = c.form("I-765").expect("I-765");
        let s = c.status("CARD_MAILED").expect("CARD_MAILED");
        let ctx = DescriptionContext {
            date: date(2024, 1, 31),
            form,
            receipt: "EAC2490012345",
            office: None,
            tracking_html: None,
            change_address_html: "https://cris.test/change-of-address",
        };
        let en = s.render_description(Lang::En, &ctx);
        assert!(en.contains("EAC2490012345") && en.contains("go to https://cris.test/change-of-address to"), "{en}");
        let es = s.render_description(Lang::Es, &ctx);
        assert!(es.starts_with("El 31 de enero de 2024, le enviamos por correo su nueva tarjeta"), "{es}");
    }

    #[test]
    fn missing_office_reads_as_a_uscis_office() {
        let c = catalog();
        let s = c.status("INTERVIEW_SCHEDULED").expect("status");
        let ctx = DescriptionContext {
            date: date(2024, 3, 1),
            form: c.form("N-400").expect("N-400"),
            receipt: "IOE0912345678",
            office: None,
            tracking_html: None,
            change_address_html: "https://cris.test/change-of-address",
        };
        assert!(s.render_description(Lang::En, &ctx).contains("at a USCIS office."));
        assert!(s.render_description(Lang::Es, &ctx).contains("en una oficina de USCIS."));
        let nsc = c.office("NSC").expect("NSC");
        assert_eq!(nsc.name_in_sentence(Lang::Es), "el Centro de Servicio de Nebraska");
    }

    #[test]
    fn dates_format_for_every_month() {
        let en = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let es = [
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ];
        for (month, (name_en, name_es)) in (1..=12).zip(en.into_iter().zip(es)) {
            let d = date(2023, month, 5);
            assert_eq!(format_date(d, Lang::En), format!("{name_en} 5, 2023"));
            assert_eq!(format_date(d, Lang::Es), format!("5 de {name_es} de 2023"));
        }
        assert_eq!(format_date(date(2024, 12, 31), Lang::En), "December 31, 2024");
        assert_eq!(format_date(date(2024, 1, 1), Lang::Es), "1 de enero de 2024");
    }

    #[test]
    fn every_receipt_prefix_maps_to_its_office() {
        let c = catalog();
        for (prefix, office) in RECEIPT_PREFIX_OFFICES {
            assert_eq!(c.office_for_prefix(prefix).map(|o| o.code.as_str()), Some(office), "{prefix}");
        }
        for o in c.offices() {
            for prefix in &o.receipt_prefixes {
                assert_eq!(c.office_for_prefix(prefix).map(|x| &x.code), Some(&o.code));
            }
        }
        assert_eq!(c.office_for_receipt("lin2190012345").map(|o| o.code.as_str()), Some("NSC"));
        assert!(c.office_for_prefix("ZZZ").is_none());
        assert!(c.office_for_receipt("É").is_none());
    }

    #[test]
    fn offices_have_a_consistent_hierarchy_and_zones() {
        let c = catalog();
        assert_eq!(c.office("HHW").map(|o| o.tz), Some(chrono_tz::Pacific::Honolulu));
        assert_eq!(c.office("ANC").map(|o| o.tz), Some(chrono_tz::America::Anchorage));
        assert_eq!(c.office("SAJ").map(|o| o.tz), Some(chrono_tz::America::Puerto_Rico));
        let districts = c.districts();
        let field_districts = districts.iter().filter(|(_, r)| *r != "NATIONAL").count();
        assert!((10..=16).contains(&field_districts), "{districts:?}");
        for (district, region) in &districts {
            assert!(c.offices_in_district(district).all(|o| o.region == *region));
        }
        let regions: usize = REGIONS.iter().map(|r| c.offices_in_region(r).count()).sum();
        assert_eq!(regions, c.offices().len());
    }

    #[test]
    fn a_valid_snippet_still_needs_the_required_statuses() {
        let err = with_statuses(GOOD_STATUS).expect_err("required statuses are missing");
        assert_eq!(err.file(), STATUSES_FILE);
        assert_eq!(err.entry(), "entry \"CASE_RECEIVED\"");
    }

    #[test]
    fn a_broken_description_names_its_entry() {
        let broken = GOOD_STATUS
            .replace("SOMETHING_HAPPENED", "BROKEN_STATUS")
            .replace("desc_es = \"El {date}, algo", "desc_es = \"Algo");
        let err = with_statuses(&broken).expect_err("description must start with the date");
        let message = err.to_string();
        assert!(message.starts_with("statuses.toml: entry \"BROKEN_STATUS\": desc_es"), "{message}");
    }

    #[test]
    fn an_unknown_placeholder_names_its_entry() {
        let broken = GOOD_STATUS.replace("Receipt Number {receipt}", "Receipt Number {recipt}");
        let message = with_statuses(&broken).expect_err("unknown placeholder").to_string();
        assert!(message.contains("\"SOMETHING_HAPPENED\"") && message.contains("{recipt}"), "{message}");
    }

    #[test]
    fn a_parse_error_names_its_entry() {
        let text = format!(
            "{GOOD_STATUS}{}",
            GOOD_STATUS.replace("SOMETHING_HAPPENED", "SECOND").replace("\"review\"", "\"reveiw\"")
        );
        let err = with_statuses(&text).expect_err("bad stage");
        assert!(matches!(err, ReferenceError::Parse { .. }), "{err:?}");
        assert!(err.entry().starts_with("entry \"SECOND\" (line "), "{err}");

        let missing_field = GOOD_STATUS.replace("terminal = false\n", "");
        let err = with_statuses(&missing_field).expect_err("missing field");
        assert!(err.to_string().contains("SOMETHING_HAPPENED"), "{err}");

        let not_toml = with_statuses("[[status]\ncode = ").expect_err("not TOML");
        assert_eq!(not_toml.file(), STATUSES_FILE);
    }

    #[test]
    fn broken_forms_and_offices_name_their_entry() {
        let forms = Sources::BUILTIN.forms.replacen("\"PSC\", \"FIELD\"]", "\"XYZ\", \"FIELD\"]", 1);
        let err = Catalog::from_sources(&Sources { forms: &forms, ..Sources::BUILTIN }).expect_err("unknown office");
        assert_eq!((err.file(), err.entry()), (FORMS_FILE, "entry \"I-90\""), "{err}");

        let offices = Sources::BUILTIN.offices.replacen("America/Los_Angeles", "America/Los_Angles", 1);
        let err = Catalog::from_sources(&Sources { offices: &offices, ..Sources::BUILTIN }).expect_err("bad tz");
        assert_eq!((err.file(), err.entry()), (OFFICES_FILE, "entry \"CSC\""), "{err}");

        let offices = Sources::BUILTIN.offices.replacen("[\"YSC\"]", "[\"LIN\"]", 1);
        let err = Catalog::from_sources(&Sources { offices: &offices, ..Sources::BUILTIN }).expect_err("dup prefix");
        assert_eq!(err.entry(), "entry \"PSC\"", "{err}");

        let dup = format!("{}\n{}", Sources::BUILTIN.statuses, Sources::BUILTIN.statuses);
        let err = with_statuses(&dup).expect_err("duplicate codes");
        assert_eq!(err.entry(), "entry \"CASE_RECEIVED\"", "{err}");
    }
}
