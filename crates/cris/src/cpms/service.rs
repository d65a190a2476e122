//! The repository's use cases. For the partner side (ICTS): the 1:N match of an inbound query
//! with the protected check first, the agreement in force, exchanges and disclosures written in
//! the caller's transaction, and the audited read of a person. For USCIS's side: the sharing
//! record of a case, visible to the officer assigned to it and to fraud analysts only (R-IS-03,
//! R-IS-09), and the accounting of disclosures (R-IS-06). Retention's `expired_persons` and
//! `purge_persons_before` (R-RT-04).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::model::{
    Agreement, Disclosure, Exchange, Fin, Finger, NewDisclosure, NewExchange, NewPerson, OutboundQuery, Outcome,
    Person, PersonName, ProtectedClass, protection, xyt,
};
use super::store;
use crate::kernel::access::{self, Actor, Capability, Denial, Places, entry, permit};
use crate::kernel::audit::{self, Category, Outcome as AuditOutcome};
use crate::kernel::db::{Db, DbError, Extent, Tx};
use crate::kernel::error::ServiceError;

/// The partners, by code and name (the request form's choices).
pub const PARTNERS: [(&str, &str); 2] = [("CAN", "Canada"), ("AUS", "Australia")];

/// The day an agreement must be in force: the day at USCIS headquarters.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&chrono_tz::America::New_York).date_naive()
}

/// What the 1:N search found for an inbound query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inbound {
    /// The person whose fingers matched best, if any reached the threshold.
    pub person: Option<i64>,
    /// Their protected class, if any: such a person is answered "no match" (R-IS-04). Checked
    /// before anything else is read of the person.
    pub protected: Option<ProtectedClass>,
    /// The summed score of the matching fingers.
    pub score: u32,
}

impl Inbound {
    /// Whether the person found (if any) is protected.
    pub fn is_protected(&self) -> bool {
        self.protected.is_some()
    }
}

/// Threads the 1:N search uses: the machine's cores, as the matcher's benchmark does.
fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// One-to-many search of a query's fingers over every enrolled finger of the same position
/// (R-IS-04, R-IS-05); the person with the highest summed score wins. The protected class of
/// that person is derived at once (flag, or cases of a protected form), so the caller can answer
/// "no match" before reading anything else.
///
/// # Errors
/// Storage failures.
pub async fn match_inbound(db: &Db, fingers: &[ansi_nist::FingerMinutiae]) -> Result<Inbound, DbError> {
    let mut scores: HashMap<i64, u32> = HashMap::new();
    for probe in fingers {
        let gallery = store::gallery(db, probe.finger).await?;
        if gallery.is_empty() {
            continue;
        }
        let probe_xyt = fingerprint::matcher::to_xyt(probe);
        let (ids, prints): (Vec<i64>, Vec<Vec<fingerprint::matcher::XytMinutia>>) =
            gallery.into_iter().map(|(id, f)| (id, xyt(&f.minutiae))).unzip();
        // The matcher is CPU-bound: off the async workers.
        let found = tokio::task::spawn_blocking(move || fingerprint::matcher::search(&probe_xyt, &prints, threads()))
            .await
            .unwrap_or_default();
        for c in found {
            if let Some(id) = ids.get(c.index) {
                *scores.entry(*id).or_default() += c.score;
            }
        }
    }
    let best = scores.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
    let Some((person, score)) = best else { return Ok(Inbound { person: None, protected: None, score: 0 }) };
    let protected = protected_class(db, person).await?;
    Ok(Inbound { person: Some(person), protected, score })
}

/// A person's protected class: the records office's flag, else one derived from the cases CRIS
/// holds for them (I-914, I-918, I-360, I-589, I-590, I-730), read through the case service.
///
/// # Errors
/// Storage failures.
pub async fn protected_class(db: &Db, person_id: i64) -> Result<Option<ProtectedClass>, DbError> {
    let Some(person) = store::person(db, person_id).await? else { return Ok(None) };
    if person.flag.is_some() {
        return Ok(person.flag);
    }
    let receipts: Vec<String> = store::cases_of(db, person_id).await?.into_iter().map(|(r, _)| r).collect();
    if receipts.is_empty() {
        return Ok(None);
    }
    let forms = crate::case_status::service::forms_of(db, &receipts).await?;
    Ok(protection(None, forms.iter().map(|(_, f)| f.as_str())))
}

/// The partner's agreement in force on `day`, if any (R-IS-08).
///
/// # Errors
/// Storage failures.
pub async fn agreement_in_force(db: &Db, partner: &str, day: NaiveDate) -> Result<Option<Agreement>, DbError> {
    store::agreement_in_force(db, partner, day).await
}

/// Stores an exchange whole, in the caller's transaction (R-IS-06); returns its id.
///
/// # Errors
/// Storage failures.
pub async fn record_exchange(tx: &mut Tx, e: &NewExchange<'_>) -> Result<i64, DbError> {
    store::insert_exchange(tx, e).await
}

/// Sets what came of a stored exchange (an inbound query once matched, withheld or refused).
///
/// # Errors
/// Storage failures.
pub async fn settle_exchange(
    tx: &mut Tx,
    exchange_id: i64,
    person_id: Option<i64>,
    outcome: Outcome,
    reason: Option<&str>,
) -> Result<(), DbError> {
    store::settle_exchange(tx, exchange_id, person_id, outcome, reason).await
}

/// Records a disclosure, in the transaction of the exchange that carries it (R-IS-06).
///
/// # Errors
/// Storage failures.
pub async fn record_disclosure(tx: &mut Tx, d: &NewDisclosure<'_>) -> Result<i64, DbError> {
    store::insert_disclosure(tx, d).await
}

/// One stored exchange (for the partner side's pages, after their own check).
///
/// # Errors
/// Storage failures.
pub async fn exchange(db: &Db, id: i64) -> Result<Option<Exchange>, DbError> {
    store::exchange(db, id).await
}

/// A person's record as an analyst sees it.
#[derive(Debug, Clone)]
pub struct PersonRecord {
    /// The person.
    pub person: Person,
    /// Aliases.
    pub aliases: Vec<PersonName>,
    /// Encounters: when, where, system, encounter id.
    pub encounters: Vec<(DateTime<Utc>, String, String, String)>,
    /// Fingers enrolled (positions).
    pub fingers: Vec<u8>,
    /// Protected class, flag or derived.
    pub protected: Option<ProtectedClass>,
    /// Cases CRIS holds for them (receipt numbers).
    pub cases: Vec<String>,
}

async fn record_of(db: &Db, person_id: i64) -> Result<Option<PersonRecord>, DbError> {
    let Some(person) = store::person(db, person_id).await? else { return Ok(None) };
    let protected = protected_class(db, person_id).await?;
    Ok(Some(PersonRecord {
        aliases: store::aliases(db, person_id).await?,
        encounters: store::encounters(db, person_id).await?,
        fingers: store::fingers(db, person_id).await?.iter().map(|f| f.position).collect(),
        cases: store::cases_of(db, person_id).await?.into_iter().map(|(r, _)| r).collect(),
        protected,
        person,
    }))
}

/// Writes the audit row of a read of partner data (R-IS-09: every read audited).
async fn audit_read(db: &Db, actor: &Actor, now: DateTime<Utc>, event: &str, record: &str) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    audit::record(&mut tx, now, &entry(actor, Category::Access, event, record, AuditOutcome::Ok, "")).await?;
    tx.commit().await
}

/// A person's record for an international analyst (`sharing.read`), audited.
///
/// # Errors
/// Refused (logged and alerted), not found, storage.
pub async fn person_for_analyst(
    db: &Db,
    places: &dyn Places,
    actor: &Actor,
    now: DateTime<Utc>,
    person_id: i64,
) -> Result<PersonRecord, ServiceError> {
    permit(db, places, actor, now, Capability::SharingRead, ("cpms.person", None)).await?;
    let record = record_of(db, person_id).await?.ok_or(ServiceError::NotFound)?;
    audit_read(db, actor, now, "cpms.person.read", &format!("cpms_person:{person_id}")).await?;
    Ok(record)
}

/// Enrolls persons with their aliases and fingers, each kept until their `keep_until` (R-RT-04);
/// returns their ids. For loads (demo, tests, the IDENT feed), not a staff action.
///
/// # Errors
/// Storage failures (a FIN already enrolled among them).
pub async fn enroll(db: &Db, people: &[NewPerson], now: DateTime<Utc>) -> Result<Vec<i64>, DbError> {
    let mut tx = db.begin().await?;
    let ids = store::insert_persons(&mut tx, people, now).await?;
    tx.commit().await?;
    Ok(ids)
}

/// Links a case CRIS holds to a person (the person's A-Number's case), with the asylum or refugee
/// officer assigned to it, if any.
///
/// # Errors
/// Storage failures.
pub async fn link_case(db: &Db, person_id: i64, receipt: &str, officer_id: Option<i64>) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    store::link_case(&mut tx, person_id, receipt, officer_id).await?;
    tx.commit().await
}

/// Records an agreement (seeds, tests; headquarters has no editor yet); returns its id.
///
/// # Errors
/// Storage failures.
pub async fn record_agreement(db: &Db, a: &Agreement) -> Result<i64, DbError> {
    let mut tx = db.begin().await?;
    let id = store::insert_agreement(&mut tx, a).await?;
    tx.commit().await?;
    Ok(id)
}

/// Every agreement (`sharing.disclosures`: headquarters' and the analysts' list).
///
/// # Errors
/// Refused (logged and alerted), storage.
pub async fn agreements(
    db: &Db,
    places: &dyn Places,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<Agreement>, ServiceError> {
    permit(db, places, actor, now, Capability::SharingDisclosures, ("cpms.agreements", None)).await?;
    Ok(store::agreements(db).await?)
}

/// Opens the page that finds a case's sharing record (`sharing.cases`); the record itself checks
/// the case.
///
/// # Errors
/// Refused (logged and alerted).
pub async fn may_find_cases(
    db: &Db,
    places: &dyn Places,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    permit(db, places, actor, now, Capability::SharingCases, ("cpms.cases", None)).await?;
    Ok(())
}

/// Opens the accounting's search page (`sharing.disclosures`).
///
/// # Errors
/// Refused (logged and alerted).
pub async fn may_account(db: &Db, places: &dyn Places, actor: &Actor, now: DateTime<Utc>) -> Result<(), ServiceError> {
    permit(db, places, actor, now, Capability::SharingDisclosures, ("cpms.accounting", None)).await?;
    Ok(())
}

/// Every agreement, for the command line (operators).
///
/// # Errors
/// Storage failures.
pub async fn all_agreements(db: &Db) -> Result<Vec<Agreement>, DbError> {
    store::agreements(db).await
}

// ---------------------------------------------------------------- a case's sharing record

/// What the sharing record of a case shows.
#[derive(Debug, Clone)]
pub struct CaseSharing {
    /// The applicant's record.
    pub record: PersonRecord,
    /// USCIS's queries to partners about them, in order, with their answers.
    pub queries: Vec<OutboundQuery>,
    /// Every exchange about them, in order.
    pub exchanges: Vec<Exchange>,
}

/// Who may see a case's sharing record (`sharing.cases`): the asylum or refugee officer assigned
/// to the case (those who hold `sharing.query` must be) or a fraud analyst; anyone else is
/// refused, logged and alerted (R-IS-03, R-IS-09). Returns the person.
async fn check_case(
    db: &Db,
    places: &dyn Places,
    actor: &Actor,
    now: DateTime<Utc>,
    receipt: &str,
    what: &str,
    query: bool,
) -> Result<i64, ServiceError> {
    let cap = if query { Capability::SharingQuery } else { Capability::SharingCases };
    permit(db, places, actor, now, cap, (what, None)).await?;
    let Some((person, officer)) = store::person_of_case(db, receipt).await? else { return Err(ServiceError::NotFound) };
    if actor.role.can(Capability::SharingQuery) && officer != Some(actor.user_id) {
        // An officer not assigned to the case: refused as a record out of reach.
        let denial = access::deny(db, places, actor, now, what, None, Denial::Reach).await;
        return Err(denial.into());
    }
    Ok(person)
}

/// The sharing record of a case, audited.
///
/// # Errors
/// Refused (logged and alerted), not found, storage.
pub async fn case_sharing(
    db: &Db,
    places: &dyn Places,
    actor: &Actor,
    now: DateTime<Utc>,
    receipt: &str,
) -> Result<CaseSharing, ServiceError> {
    let person = check_case(db, places, actor, now, receipt, "cpms.case", false).await?;
    let record = record_of(db, person).await?.ok_or(ServiceError::NotFound)?;
    let queries = store::queries_of(db, person).await?;
    let exchanges = store::exchanges_of(db, person).await?;
    audit_read(db, actor, now, "cpms.case.read", &format!("case:{receipt}")).await?;
    Ok(CaseSharing { record, queries, exchanges })
}

// ---------------------------------------------------------------- accounting (R-IS-06)

/// The Privacy Act accounting of disclosures of a person (5 U.S.C. 552a(c)).
#[derive(Debug, Clone)]
pub struct Accounting {
    /// The person.
    pub person: Person,
    /// Every disclosure, oldest first.
    pub disclosures: Vec<Disclosure>,
    /// The agreements they were made under, by id.
    pub agreements: HashMap<i64, Agreement>,
}

/// The accounting of disclosures of the person with this FIN (`sharing.disclosures`), audited.
///
/// # Errors
/// Refused (logged and alerted), not found, storage.
pub async fn accounting(
    db: &Db,
    places: &dyn Places,
    actor: &Actor,
    now: DateTime<Utc>,
    fin: &Fin,
) -> Result<Accounting, ServiceError> {
    permit(db, places, actor, now, Capability::SharingDisclosures, ("cpms.accounting", None)).await?;
    let person_id = store::person_id_by_fin(db, fin.as_str()).await?.ok_or(ServiceError::NotFound)?;
    let person = store::person(db, person_id).await?.ok_or(ServiceError::NotFound)?;
    let disclosures = store::disclosures_of(db, person_id).await?;
    let agreements = store::agreements(db).await?.into_iter().map(|a| (a.id, a)).collect();
    audit_read(db, actor, now, "cpms.accounting.read", &format!("cpms_person:{person_id}")).await?;
    Ok(Accounting { person, disclosures, agreements })
}

/// The accounting as CSV (RFC 4180, formula cells defused).
pub fn accounting_csv(a: &Accounting) -> String {
    use crate::kernel::csv::line;
    let mut out = String::new();
    line(&mut out, &["to", "when", "fields", "purpose", "agreement", "in force", "approved by", "exchange"]);
    for d in &a.disclosures {
        let agreement = a.agreements.get(&d.agreement_id);
        let in_force = agreement.map(|g| format!("{} to {}", g.in_force_from, g.in_force_to)).unwrap_or_default();
        let cells = [
            d.partner.clone(),
            d.at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            d.fields.clone(),
            d.purpose.clone(),
            d.agreement_id.to_string(),
            in_force,
            d.approved_by.clone().unwrap_or_default(),
            d.exchange_id.to_string(),
        ];
        line(&mut out, &cells);
    }
    out
}

// ---------------------------------------------------------------- retention (R-RT-04)

/// Persons past their hundredth birthday on `today` (for `cris retention plan`).
///
/// # Errors
/// Storage failures.
pub async fn expired_persons(db: &Db, today: NaiveDate) -> Result<Extent, DbError> {
    store::expired_persons(db, today).await
}

/// The retention engine's purge: at most `batch` persons past their hundredth birthday on
/// `today` (not those in `keep`), with their aliases, encounters, biometrics, case links,
/// exchanges, disclosures and queries.
///
/// # Errors
/// Storage failures.
pub async fn purge_persons_before(tx: &mut Tx, today: NaiveDate, batch: i64, keep: &[i64]) -> Result<u64, DbError> {
    store::purge_persons_before(tx, today, batch, keep).await
}

/// A person's fingers as the repository keeps them (to build an outbound query).
///
/// # Errors
/// Storage failures.
pub async fn fingers(db: &Db, person_id: i64) -> Result<Vec<Finger>, DbError> {
    store::fingers(db, person_id).await
}

// ---------------------------------------------------------------- the demo (R-IS-01)

/// The demo's agreements: Canada and Australia, in force from 2020 to 2099, each direction
/// carrying the fields of the partners' request templates and answers.
pub fn demo_agreements() -> Vec<Agreement> {
    let fields = vec![18, 19, 20, 22, 24, 37, 201, 202, 203, 204, 207, 208, 209];
    let day = |y| NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default();
    PARTNERS
        .iter()
        .map(|(code, _)| Agreement {
            id: 0,
            partner: (*code).to_owned(),
            in_force_from: day(2020),
            in_force_to: day(2099),
            outbound_fields: fields.clone(),
            inbound_fields: fields.clone(),
            template: (*code).to_owned(),
        })
        .collect()
}

/// How the demo is made: how many persons, their fingers' seeds (shared with the stand-in
/// partners' galleries), their retention day, and the asylum officer assigned to their cases.
pub struct Demo {
    /// Persons to enrol.
    pub persons: u64,
    /// The synth seed of finger `f` of person `i`.
    pub seeds: fn(u64, u8) -> u64,
    /// `retention::model::sharing_keep_until`.
    pub keep_until: fn(NaiveDate) -> NaiveDate,
    /// The demo asylum officer, assigned to the demo persons' asylum cases.
    pub officer: Option<i64>,
}

/// Loads the demo into a repository that holds no agreement yet: the agreements, `demo.persons`
/// persons with synthetic fingers (some flagged protected), and links from the first persons to
/// the demo's I-589 and I-914 cases (protected through their cases), assigned to the demo
/// officer. Returns how many persons were enrolled (0 when the demo was already there).
///
/// # Errors
/// Storage failures.
pub async fn load_demo(db: &Db, now: DateTime<Utc>, as_of: NaiveDate, demo: &Demo) -> Result<u64, DbError> {
    if !store::agreements(db).await?.is_empty() {
        return Ok(0);
    }
    for a in demo_agreements() {
        record_agreement(db, &a).await?;
    }
    let mut first_ids = Vec::new();
    let mut start = 0;
    while start < demo.persons {
        let end = (start + 500).min(demo.persons);
        let (seeds, keep) = (demo.seeds, demo.keep_until);
        // Synthetic fingers cost CPU: made off the async workers.
        let people = tokio::task::spawn_blocking(move || {
            (start..end)
                .map(|i| {
                    let mut p = super::model::demo_person(i, seeds, as_of);
                    p.keep_until = keep(p.birth_date);
                    p
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        let ids = enroll(db, &people, now).await?;
        if start == 0 {
            first_ids = ids;
        }
        start = end;
    }
    let cases = crate::case_status::service::receipts_of_forms(db, &["I-589", "I-914"], 40).await?;
    let mut tx = db.begin().await?;
    for (id, receipt) in first_ids.iter().zip(cases.iter()) {
        store::link_case(&mut tx, *id, receipt, demo.officer).await?;
    }
    tx.commit().await?;
    Ok(demo.persons)
}
