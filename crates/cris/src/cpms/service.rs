//! The repository's use cases. For the partner side (ICTS): the 1:N match of an inbound query
//! with the protected check first, the agreement in force, exchanges and disclosures written in
//! the caller's transaction, and the audited read of a person. For USCIS's side: the sharing
//! record of a case, visible to the officer assigned to it and to fraud analysts only (R-IS-03,
//! R-IS-09), and the accounting of disclosures (R-IS-06). Agreements entered and ended by
//! headquarters, checked and audited (R-IS-08). Retention's `expired_persons` and
//! `purge_persons_before` (R-RT-04).

use std::collections::HashMap;

use ansi_nist::type2_fields as f;
use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::gallery::Gallery;
use super::model::{
    Agreement, AgreementDraft, Direction, Disclosure, Exchange, ExchangeKind, Fin, Finger, NewDisclosure, NewExchange,
    NewPerson, OutboundQuery, Outcome, Person, PersonName, ProtectedClass, check_agreement, check_end, fields_list,
    next_sequence, parse_day, protection,
};
use super::store;
use crate::ident::model::new_tcn;
use crate::ident::{Answer, Client, Partner, Query, USCIS_AGENCY};
use crate::kernel::access::{self, Actor, Allowed, Capability, Denial, Places, Role, entry, permit};
use crate::kernel::audit::{self, Category, Outcome as AuditOutcome};
use crate::kernel::db::{Db, DbError, Extent, Tx};
use crate::kernel::error::{InvalidInput, ServiceError};
use fingerprint::matcher::Prepared;

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
/// (R-IS-04, R-IS-05), from the in-memory gallery, prefiltered before bozorth3; the person with
/// the highest summed score wins. The protected class of that person is derived at once (flag,
/// or cases of a protected form), so the caller can answer "no match" before reading anything
/// else.
///
/// # Errors
/// Storage failures.
pub async fn match_inbound(
    db: &Db,
    gallery: &Gallery,
    fingers: &[ansi_nist::FingerMinutiae],
) -> Result<Inbound, DbError> {
    let positions = gallery.current(db).await?;
    let mut scores: HashMap<i64, u32> = HashMap::new();
    for probe in fingers {
        let Some(position) = positions.get(&probe.finger).cloned() else { continue };
        let probe = Prepared::new(fingerprint::matcher::to_xyt(probe));
        // The matcher is CPU-bound: off the async workers.
        let found = tokio::task::spawn_blocking(move || {
            fingerprint::matcher::search_prepared(&probe, &position.fingers, threads())
                .into_iter()
                .filter_map(|c| position.persons.get(c.index).map(|id| (*id, c.score)))
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        for (id, score) in found {
            *scores.entry(id).or_default() += score;
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

/// The partner codes the deployment knows (IDENT's partners, each with its request template
/// named by its code): the agreements' partners and templates.
pub fn partner_codes() -> Vec<&'static str> {
    Partner::ALL.iter().map(|p| p.code()).collect()
}

/// Records an agreement without an actor: the demo loader and tests' set-up. The same rules as
/// headquarters' form (`model::check_agreement`); returns its id.
///
/// # Errors
/// The first rule it breaks, storage.
pub async fn record_agreement(db: &Db, a: &Agreement) -> Result<i64, ServiceError> {
    let mut tx = db.begin().await?;
    let recorded = store::agreements_locked(&mut tx).await?;
    if let Some(e) = check_agreement(a, &partner_codes(), &recorded).into_iter().next() {
        return Err(e.into());
    }
    let id = store::insert_agreement(&mut tx, a).await?;
    tx.commit().await?;
    Ok(id)
}

/// Every agreement: headquarters' list (`sharing.agreements`), which the analysts who apply
/// them read too (`sharing.disclosures`). A refusal is logged and alerted under the analysts'
/// capability.
///
/// # Errors
/// Refused (logged and alerted), storage.
pub async fn agreements(
    db: &Db,
    places: &dyn Places,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<Agreement>, ServiceError> {
    let cap = if actor.role.can(Capability::SharingAgreements) {
        Capability::SharingAgreements
    } else {
        Capability::SharingDisclosures
    };
    permit(db, places, actor, now, cap, ("cpms.agreements", None)).await?;
    Ok(store::agreements(db).await?)
}

/// The check before entering or ending an agreement (`sharing.agreements`, headquarters).
///
/// # Errors
/// Refused (logged and alerted).
pub async fn may_manage_agreements(
    db: &Db,
    places: &dyn Places,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Allowed, ServiceError> {
    permit(db, places, actor, now, Capability::SharingAgreements, ("cpms.agreements.manage", None)).await
}

/// The actor the command line acts as (`cris sharing agreement …`): the operator, named
/// `command:<user>` as the retention command names its runs, for headquarters, whose business
/// agreements are; checked like a person at the staff page.
pub fn operator(user: &str) -> Actor {
    let place = access::Place { office: "-".into(), district: "-".into(), region: "-".into() };
    Actor { user_id: 0, username: format!("command:{user}"), role: Role::Headquarters, place, ip: "-".into() }
}

fn agreement_record(id: i64) -> String {
    format!("cpms_agreement:{id}")
}

/// Headquarters enters an agreement (R-IS-08): checked by the model's rules against those
/// recorded, written and audited in one transaction. `Ok(Err(_))` holds every mistake, each
/// naming its field; nothing is written then.
///
/// # Errors
/// Storage.
pub async fn enter_agreement(
    db: &Db,
    _: &Allowed,
    actor: &Actor,
    now: DateTime<Utc>,
    draft: &AgreementDraft,
) -> Result<Result<Agreement, Vec<InvalidInput>>, ServiceError> {
    let mut tx = db.begin().await?;
    let recorded = store::agreements_locked(&mut tx).await?;
    let mut a = match draft.check(&partner_codes(), &recorded) {
        Ok(a) => a,
        Err(problems) => return Ok(Err(problems)),
    };
    a.id = store::insert_agreement(&mut tx, &a).await?;
    let detail = format!(
        "{} in force {} to {}; out {}; in {}; template {}",
        a.partner,
        a.in_force_from,
        a.in_force_to,
        fields_list(&a.outbound_fields),
        fields_list(&a.inbound_fields),
        a.template
    );
    let record = agreement_record(a.id);
    let e = entry(actor, Category::Change, "cpms.agreement.enter", &record, AuditOutcome::Ok, &detail);
    audit::record(&mut tx, now, &e).await?;
    tx.commit().await?;
    Ok(Ok(a))
}

/// One agreement, for headquarters' end form.
///
/// # Errors
/// Not found, storage.
pub async fn agreement(db: &Db, _: &Allowed, id: i64) -> Result<Agreement, ServiceError> {
    store::agreement(db, id).await?.ok_or(ServiceError::NotFound)
}

/// The agreement to end and its new last day, checked (`model::check_end`) without writing:
/// what the confirmation step shows.
///
/// # Errors
/// Not found, the day refused (on `last_day`), storage.
pub async fn end_preview(
    db: &Db,
    _: &Allowed,
    now: DateTime<Utc>,
    id: i64,
    last_day: &str,
) -> Result<(Agreement, NaiveDate), ServiceError> {
    let a = store::agreement(db, id).await?.ok_or(ServiceError::NotFound)?;
    let last = parse_day("last_day", last_day)?;
    check_end(&a, last, today(now))?;
    Ok((a, last))
}

/// Headquarters ends an agreement: its last day in force becomes `last_day` (today at the
/// earliest, never later than it was), audited in the same transaction. The agreement stays:
/// disclosures made under it still name it.
///
/// # Errors
/// Not found, the day refused (on `last_day`), changed meanwhile, storage.
pub async fn end_agreement(
    db: &Db,
    allowed: &Allowed,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    last_day: &str,
) -> Result<Agreement, ServiceError> {
    let (mut a, last) = end_preview(db, allowed, now, id, last_day).await?;
    let mut tx = db.begin().await?;
    if !store::end_agreement(&mut tx, id, last, a.in_force_to).await? {
        return Err(InvalidInput::new("last_day", "The agreement changed meanwhile: look at it again.").into());
    }
    let detail = format!("{} last day in force {last} (was {})", a.partner, a.in_force_to);
    let record = agreement_record(id);
    let e = entry(actor, Category::Change, "cpms.agreement.end", &record, AuditOutcome::Ok, &detail);
    audit::record(&mut tx, now, &e).await?;
    tx.commit().await?;
    a.in_force_to = last;
    Ok(a)
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
    Partner::ALL
        .iter()
        .map(|p| Agreement {
            id: 0,
            partner: p.code().to_owned(),
            in_force_from: day(2020),
            in_force_to: day(2099),
            outbound_fields: fields.clone(),
            inbound_fields: fields.clone(),
            template: p.code().to_owned(),
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
/// Storage failures (and a demo agreement breaking the rules, a mistake in the code).
pub async fn load_demo(db: &Db, now: DateTime<Utc>, as_of: NaiveDate, demo: &Demo) -> Result<u64, ServiceError> {
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

// ---------------------------------------------------------------- USCIS asks a partner (R-IS-02, R-IS-03, R-IS-10)

/// What an officer's request came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asked {
    /// The query sent at the officer's request: 1 or 3.
    pub sequence: u8,
    /// Its answer.
    pub matched: bool,
    /// The second query's answer, when a first query's match sent it by itself.
    pub followed: Option<bool>,
}

/// The purpose every outbound query and its disclosure state.
const PURPOSE: &str = "Asylum or refugee adjudication: identity and immigration history";

/// An officer assigned to the case asks a partner about its applicant (`sharing.query`): the
/// first query, or the third after a match; a first query's match sends the second by itself.
/// Without an agreement in force today the query is refused, stored as refused and written to
/// the security log (R-IS-08).
///
/// # Errors
/// Refused (logged and alerted), no agreement in force (a field message), the third already
/// sent, IDENT unavailable or refusing, storage.
pub async fn request_query(
    db: &Db,
    places: &dyn Places,
    actor: &Actor,
    now: DateTime<Utc>,
    client: Option<&Client>,
    receipt: &str,
    partner: &str,
) -> Result<Asked, ServiceError> {
    let person = check_case(db, places, actor, now, receipt, "cpms.query", true).await?;
    let Some(partner) = Partner::parse(partner.trim()) else {
        return Err(InvalidInput::new("partner", "Choose one of the partners listed.").into());
    };
    let Some(client) = client else {
        return Err(InvalidInput::new("partner", "IDENT is not configured: nothing was sent.").into());
    };
    let day = today(now);
    let Some(agreement) = store::agreement_in_force(db, partner.code(), day).await? else {
        refuse(db, actor, now, partner, person, receipt).await?;
        return Err(InvalidInput::new(
            "partner",
            "No agreement with this partner is in force today: nothing was sent.",
        )
        .into());
    };
    let sent: Vec<OutboundQuery> =
        store::queries_of(db, person).await?.into_iter().filter(|q| q.partner == partner.code()).collect();
    let sequence = next_sequence(&sent)?;
    let reference = match sequence {
        1 => None,
        _ => partner_reference(db, &sent).await?,
    };
    let matched =
        send(db, actor, now, client, receipt, person, partner, &agreement, sequence, reference.as_deref()).await?;
    let followed = if sequence == 1 && matched {
        // A match: the second query (more information) goes out by itself (R-IS-02).
        let sent: Vec<OutboundQuery> =
            store::queries_of(db, person).await?.into_iter().filter(|q| q.partner == partner.code()).collect();
        let reference = partner_reference(db, &sent).await?;
        Some(send(db, actor, now, client, receipt, person, partner, &agreement, 2, reference.as_deref()).await?)
    } else {
        None
    };
    Ok(Asked { sequence, matched, followed })
}

/// The partner's reference for the person (2.207 FPN), from its latest answer that matched.
async fn partner_reference(db: &Db, sent: &[OutboundQuery]) -> Result<Option<String>, DbError> {
    let Some(id) = sent.iter().filter(|q| q.matched == Some(true)).max_by_key(|q| q.id).and_then(|q| q.exchange_in)
    else {
        return Ok(None);
    };
    let Some(exchange) = store::exchange(db, id).await? else { return Ok(None) };
    Ok(Answer::decode(&exchange.transaction).ok().and_then(|a| a.text.text(f::FPN).map(str::to_owned)))
}

/// A query refused for want of an agreement: an exchange row with its outcome and reason, and a
/// security-log row, in one transaction.
async fn refuse(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    partner: Partner,
    person: i64,
    receipt: &str,
) -> Result<(), DbError> {
    let reason = format!("no agreement with {} in force on {}", partner.code(), today(now));
    let tcn = new_tcn("USCIS");
    let mut tx = db.begin().await?;
    store::insert_exchange(
        &mut tx,
        &NewExchange {
            direction: Direction::Out,
            partner: partner.code(),
            kind: ExchangeKind::Query,
            tcn: &tcn,
            tcr: None,
            sequence: None,
            transaction: &[],
            at: now,
            person_id: Some(person),
            agreement_id: None,
            outcome: Some(Outcome::Refused),
            reason: Some(&reason),
        },
    )
    .await?;
    let record = format!("case:{receipt}");
    audit::record(
        &mut tx,
        now,
        &entry(actor, Category::Security, "cpms.query.refused", &record, AuditOutcome::Denied, &reason),
    )
    .await?;
    tx.commit().await
}

/// The Type-2 record of a query about a person: the partner's request template, cut down to
/// the fields the agreement lets USCIS send (R-IS-08).
fn query_text(
    person: &Person,
    actor: &Actor,
    day: NaiveDate,
    partner: Partner,
    agreement: &Agreement,
    sequence: u8,
    reference: Option<&str>,
) -> Result<ansi_nist::TaggedRecord, ServiceError> {
    let date = |d: NaiveDate| {
        ansi_nist::Date::new(
            u16::try_from(d.year()).unwrap_or(1900),
            u8::try_from(d.month()).unwrap_or(1),
            u8::try_from(d.day()).unwrap_or(1),
        )
    };
    let gender = match person.gender.as_str() {
        "M" => ansi_nist::Gender::Male,
        "F" => ansi_nist::Gender::Female,
        "X" => ansi_nist::Gender::Other,
        _ => ansi_nist::Gender::Unknown,
    };
    let d = ansi_nist::Descriptive {
        name: Some(ansi_nist::Name { surname: person.name.surname.clone(), given: person.name.given_names.clone() }),
        country_of_birth: Some(person.birth_country.clone()),
        date_of_birth: date(person.birth_date),
        gender: Some(gender),
        reason: Some(PURPOSE.to_owned()),
        requestor: Some(ansi_nist::Requestor { name: actor.username.clone(), contact: "USCIS RAIO".to_owned() }),
        request_date: date(day),
        priority: Some(ansi_nist::Priority::Medium),
        partner_id: reference.map(str::to_owned),
        query_sequence: Some(sequence),
        ..ansi_nist::Descriptive::default()
    };
    let record = d.to_record().map_err(|e| ServiceError::Internal(e.to_string()))?;
    let mut template = partner.request_template();
    template.fields.retain(|spec| agreement.allows_out(spec.number) || spec.number == f::QSQ);
    Ok(template.restrict(&record))
}

/// Sends one query: the query, its disclosure and the officer's query are committed before the
/// call (a disclosure is never sent unaccounted for, R-IS-06), IDENT is called outside any
/// transaction (a slow partner must not hold SQLite's one writer lock and stall bookings), then
/// the answer settles them; a query IDENT did not take is marked refused and its disclosure and
/// query row withdrawn. Returns whether the partner matched.
#[expect(clippy::too_many_arguments, reason = "one query's every part, from the request")]
async fn send(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    client: &Client,
    receipt: &str,
    person_id: i64,
    partner: Partner,
    agreement: &Agreement,
    sequence: u8,
    reference: Option<&str>,
) -> Result<bool, ServiceError> {
    let person = store::person(db, person_id).await?.ok_or(ServiceError::NotFound)?;
    let day = today(now);
    let text = query_text(&person, actor, day, partner, agreement, sequence, reference)?;
    let mut fields: Vec<u16> = text.fields().iter().map(|f| f.number()).filter(|n| *n > 2).collect();
    let mut fingers = Vec::new();
    for (i, finger) in store::fingers(db, person_id).await?.iter().enumerate() {
        let mut m = finger.to_type9().map_err(|e| ServiceError::Internal(e.to_string()))?;
        m.idc = u8::try_from(i + 1).unwrap_or(1);
        fingers.push(m);
    }
    if !fingers.is_empty() {
        // Fingerprints are disclosed too: record type 9.
        fields.push(9);
    }
    let query = Query { tcn: new_tcn("USCIS"), date: day, sequence, text, fingers, images: Vec::new() };
    let bytes = query.encode(USCIS_AGENCY, partner.agency()).map_err(|e| ServiceError::Internal(e.to_string()))?;

    let mut tx = db.begin().await?;
    let out = store::insert_exchange(
        &mut tx,
        &NewExchange {
            direction: Direction::Out,
            partner: partner.code(),
            kind: ExchangeKind::Query,
            tcn: &query.tcn,
            tcr: None,
            sequence: Some(sequence),
            transaction: &bytes,
            at: now,
            person_id: Some(person_id),
            agreement_id: Some(agreement.id),
            outcome: None,
            reason: None,
        },
    )
    .await?;
    let purpose = format!("{PURPOSE} (case {receipt}, query {sequence})");
    store::insert_disclosure(
        &mut tx,
        &NewDisclosure {
            person_id,
            partner: partner.code(),
            at: now,
            fields: &fields,
            purpose: &purpose,
            agreement_id: agreement.id,
            approved_by: Some(&actor.username),
            exchange_id: out,
        },
    )
    .await?;
    let query_id =
        store::insert_query(&mut tx, person_id, receipt, &actor.username, partner.code(), sequence, out, now).await?;
    tx.commit().await?;
    let (_, envelope) = match client.query(partner, &query).await {
        Ok(done) => done,
        Err(e) => {
            tracing::warn!(partner = partner.code(), error = %e, "an outbound query was not taken");
            let mut tx = db.begin().await?;
            store::withdraw_query(&mut tx, out, query_id).await?;
            store::settle_exchange(&mut tx, out, None, Outcome::Refused, Some("not taken by IDENT")).await?;
            tx.commit().await?;
            return Err(InvalidInput::new(
                "partner",
                "IDENT did not take the query: nothing was sent. Try again later.",
            )
            .into());
        }
    };
    let answer = envelope.decode_answer().map_err(|e| ServiceError::Internal(e.to_string()))?;
    let outcome = if answer.matched { Outcome::Match } else { Outcome::NoMatch };
    let mut tx = db.begin().await?;
    let inbound = store::insert_exchange(
        &mut tx,
        &NewExchange {
            direction: Direction::In,
            partner: partner.code(),
            kind: ExchangeKind::Answer,
            tcn: &answer.tcn,
            tcr: Some(&answer.tcr),
            sequence: Some(sequence),
            transaction: &envelope.transaction,
            at: now,
            person_id: Some(person_id),
            agreement_id: Some(agreement.id),
            outcome: Some(outcome),
            reason: None,
        },
    )
    .await?;
    store::settle_exchange(&mut tx, out, None, outcome, None).await?;
    store::answer_query(&mut tx, query_id, inbound, answer.matched).await?;
    let record = format!("case:{receipt}");
    let detail = format!("query {sequence} to {}: {}", partner.code(), outcome.code());
    audit::record(&mut tx, now, &entry(actor, Category::Change, "cpms.query.sent", &record, AuditOutcome::Ok, &detail))
        .await?;
    tx.commit().await?;
    Ok(answer.matched)
}
