//! A partner asks USCIS (R-IS-04, R-IS-05, R-IS-07, R-IS-08), and ICTS's answers leave.
//!
//! A query IDENT posts is refused (403, stored and logged) without an agreement in force that day;
//! otherwise it is stored whole and its fingers searched (CPMS). A protected person is answered
//! "no match" and recorded internally as withheld with the reason (nothing disclosed); nobody
//! found, "no match" too, the same way, so a withheld answer looks exactly like any other; a match
//! opens a case in the analysts' queue. An answer is written to `icts_outbox` in the transaction
//! that decides it and sent through IDENT after commit; one IDENT did not take is tried again by
//! the minutely job, each wait doubling up to an hour.

use chrono::{DateTime, Duration, Utc};

use super::model::{DISCLOSABLE, MediaType, Priority, Stage, StepError, cut, offered, parse_fields};
use super::service::{CaseView, Offer, today};
use super::store::{self, NewCase};
use crate::cpms::gallery::Gallery;
use crate::cpms::model::{Agreement, Direction, ExchangeKind, NewDisclosure, NewExchange, Outcome as Shared};
use crate::cpms::service as cpms;
use crate::ident::client::{Client, IdentError};
use crate::ident::model::{Answer, Document, Partner, Query, new_tcn};
use crate::kernel::access::{Actor, Capability, entry, permit};
use crate::kernel::audit::{self, Category, Entry, Outcome};
use crate::kernel::db::{Db, DbError, Tx};
use crate::kernel::error::{InvalidInput, ServiceError};
use crate::reference::Catalog;

/// What became of a partner's query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// No agreement in force: refused (403), stored and logged.
    Refused,
    /// Answered "no match" at once: nobody matched.
    NoMatch,
    /// Answered "no match" at once: the person is protected (R-IS-04).
    Withheld,
    /// A case opened in the queue (R-IS-05).
    Opened(i64),
}

/// The result of receiving a query: what was decided and the answer queued, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    /// What was decided.
    pub decision: Decision,
    /// The `icts_outbox` row of an automatic answer, to send after commit.
    pub outbox: Option<i64>,
}

/// An audit entry of IDENT's doing (no staff actor): the partner as who, the exchange as record.
fn ident_entry<'a>(
    category: Category,
    event: &'a str,
    who: &'a str,
    record: &'a str,
    outcome: Outcome,
    detail: &'a str,
) -> Entry<'a> {
    Entry { category, event, username: who, ip: "-", office: "-", record, outcome, detail }
}

/// Receives a partner's query as IDENT posted it (`raw`: the ANSI/NIST transaction, stored whole).
///
/// # Errors
/// Storage failures (nothing is kept: IDENT is answered 503 and tries again).
pub async fn receive(
    db: &Db,
    gallery: &Gallery,
    now: DateTime<Utc>,
    partner: Partner,
    query: &Query,
    raw: &[u8],
) -> Result<Received, ServiceError> {
    let day = today(now);
    let who = format!("ident:{}", partner.code());
    let Some(agreement) = cpms::agreement_in_force(db, partner.code(), day).await? else {
        // R-IS-08: refused, and both stored and logged.
        let reason = format!("no agreement in force with {} on {day}", partner.code());
        let mut tx = db.begin().await?;
        let id = store_query(&mut tx, partner, query, raw, now, None, Some(Shared::Refused), Some(&reason)).await?;
        let record = format!("cpms_exchange:{id}");
        let e = ident_entry(Category::Security, "icts.query_refused", &who, &record, Outcome::Denied, &reason);
        audit::record(&mut tx, now, &e).await?;
        tx.commit().await?;
        tracing::warn!(partner = partner.code(), exchange = id, "partner query refused: no agreement in force");
        return Ok(Received { decision: Decision::Refused, outbox: None });
    };
    // The search is the slow part; nothing is held open while it runs.
    let found = cpms::match_inbound(db, gallery, &query.fingers).await?;
    let mut tx = db.begin().await?;
    let (decision, outcome, reason) = match (found.person, found.protected) {
        (Some(_), Some(class)) => (Decision::Withheld, Shared::Withheld, Some(format!("protected: {}", class.code()))),
        (None, _) => (Decision::NoMatch, Shared::NoMatch, None),
        (Some(_), None) => (Decision::Opened(0), Shared::Match, None),
    };
    let exchange =
        store_query(&mut tx, partner, query, raw, now, Some(&agreement), Some(outcome), reason.as_deref()).await?;
    if let Some(person) = found.person {
        cpms::settle_exchange(&mut tx, exchange, Some(person), outcome, reason.as_deref()).await?;
    }
    let received = match (decision, found.person) {
        (Decision::Opened(_), Some(person)) => {
            let id = open_case(&mut tx, partner, query, now, exchange, person, &agreement).await?;
            Received { decision: Decision::Opened(id), outbox: None }
        }
        _ => {
            // The same answer whether withheld or not found: RES N and the query's sequence.
            let answer = no_match(query, day)?;
            let out = store_answer(&mut tx, partner, &answer, now, found.person, &agreement, Shared::NoMatch).await?;
            let outbox = store::enqueue(&mut tx, partner.code(), out, None, now).await?;
            Received { decision, outbox: Some(outbox) }
        }
    };
    let record = format!("cpms_exchange:{exchange}");
    let e = ident_entry(Category::Change, "icts.query_received", &who, &record, Outcome::Ok, outcome.code());
    audit::record(&mut tx, now, &e).await?;
    tx.commit().await?;
    Ok(received)
}

/// The automatic "no match" to a query.
fn no_match(query: &Query, day: chrono::NaiveDate) -> Result<Answer, ServiceError> {
    let mut text = ansi_nist::TaggedRecord::new(2, 1).map_err(|e| ServiceError::Internal(e.to_string()))?;
    text.set_text(ansi_nist::type2_fields::QSQ, &query.sequence.to_string())
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok(Answer { tcn: new_tcn("USCIS"), tcr: query.tcn.clone(), date: day, matched: false, text, documents: Vec::new() })
}

#[expect(clippy::too_many_arguments, reason = "one exchange row's facts")]
async fn store_query(
    tx: &mut Tx,
    partner: Partner,
    query: &Query,
    raw: &[u8],
    now: DateTime<Utc>,
    agreement: Option<&Agreement>,
    outcome: Option<Shared>,
    reason: Option<&str>,
) -> Result<i64, DbError> {
    let e = NewExchange {
        direction: Direction::In,
        partner: partner.code(),
        kind: ExchangeKind::Query,
        tcn: &query.tcn,
        tcr: None,
        sequence: Some(query.sequence),
        transaction: raw,
        at: now,
        person_id: None,
        agreement_id: agreement.map(|a| a.id),
        outcome,
        reason,
    };
    cpms::record_exchange(tx, &e).await
}

async fn store_answer(
    tx: &mut Tx,
    partner: Partner,
    answer: &Answer,
    now: DateTime<Utc>,
    person: Option<i64>,
    agreement: &Agreement,
    outcome: Shared,
) -> Result<i64, ServiceError> {
    let bytes = answer
        .encode(crate::ident::USCIS_AGENCY, partner.agency())
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let e = NewExchange {
        direction: Direction::Out,
        partner: partner.code(),
        kind: ExchangeKind::Answer,
        tcn: &answer.tcn,
        tcr: Some(&answer.tcr),
        sequence: answer.sequence(),
        transaction: &bytes,
        at: now,
        person_id: person,
        agreement_id: Some(agreement.id),
        outcome: Some(outcome),
        reason: None,
    };
    Ok(cpms::record_exchange(tx, &e).await?)
}

/// Opens the case of a matched, unprotected person with the partner's request (R-IS-07).
async fn open_case(
    tx: &mut Tx,
    partner: Partner,
    query: &Query,
    now: DateTime<Utc>,
    exchange: i64,
    person: i64,
    agreement: &Agreement,
) -> Result<i64, DbError> {
    // IDENT's reader already held the record to the uniform fields' rules; what does not read
    // is left blank for the analyst rather than refused after the fact.
    let d = query.descriptive().unwrap_or_default();
    let date =
        |x: Option<ansi_nist::Date>| x.and_then(|d| chrono::NaiveDate::parse_from_str(&d.to_string(), "%Y%m%d").ok());
    let name = |n: &ansi_nist::Name| {
        if n.given.is_empty() { n.surname.clone() } else { format!("{}, {}", n.surname, n.given) }
    };
    let priority = Priority::of_wire(d.priority);
    let birth_date = date(d.date_of_birth);
    let c = NewCase {
        partner: partner.code(),
        query_tcn: &query.tcn,
        query_exchange: exchange,
        person_id: person,
        agreement_id: agreement.id,
        requestor: d.requestor.as_ref().map(|r| format!("{} ({})", r.name, r.contact)),
        requested_on: date(d.request_date),
        reason: d.reason.clone(),
        priority: priority.as_str(),
        name: d.name.as_ref().map(name),
        birth_date,
        birth_country: d.country_of_birth.clone(),
        gender: d.gender.map(|g| gender_code(g).to_owned()),
        aliases: d.aliases.iter().map(name).collect::<Vec<_>>().join("\n"),
        encounter_id: d.encounter_id.clone(),
        sequence: i64::from(query.sequence),
        received_at: now,
        due_on: priority.due_on(today(now)),
        keep_until: birth_date.map(crate::retention::model::sharing_keep_until),
    };
    store::open(tx, &c).await
}

fn gender_code(g: ansi_nist::Gender) -> &'static str {
    match g {
        ansi_nist::Gender::Male => "M",
        ansi_nist::Gender::Female => "F",
        ansi_nist::Gender::Other => "X",
        ansi_nist::Gender::Unknown => "U",
    }
}

// ---------------------------------------------------------------- the analysts' side

/// The partner of a stored code.
fn partner_of(code: &str) -> Result<Partner, ServiceError> {
    Partner::parse(code).ok_or_else(|| ServiceError::Internal(format!("unknown partner {code}")))
}

/// The person's record and what the response form offers (R-IS-08: only what the partner's
/// template holds and its agreement allows out, today).
pub async fn record_and_offers(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    view: &mut CaseView,
) -> Result<(), ServiceError> {
    let partner = partner_of(&view.case.partner)?;
    let record = cpms::person_for_analyst(db, catalog, actor, now, view.case.person_id).await?;
    let allowed = cpms::agreement_in_force(db, partner.code(), today(now)).await?.map(|a| a.outbound_fields);
    let text = descriptive_of(&record);
    let p = &record.person;
    let mut facts = vec![
        ("staff-icts-record-fin", p.fin.clone()),
        ("staff-icts-record-a-number", p.a_number.clone().unwrap_or_default()),
        ("staff-icts-record-name", format!("{}, {}", p.name.surname, p.name.given_names)),
        ("staff-icts-record-birth", p.birth_date.to_string()),
        ("staff-icts-record-country", p.birth_country.clone()),
        ("staff-icts-record-gender", p.gender.clone()),
    ];
    let aliases: Vec<String> = record.aliases.iter().map(|a| format!("{}, {}", a.surname, a.given_names)).collect();
    facts.push(("staff-icts-record-aliases", aliases.join("; ")));
    let encounters: Vec<String> = record
        .encounters
        .iter()
        .map(|(at, place, system, id)| format!("{} {place} {system} {id}", at.date_naive()))
        .collect();
    facts.push(("staff-icts-record-encounters", encounters.join("; ")));
    view.record = facts;
    view.offers = match allowed {
        Some(allowed) => offered(&partner.request_template(), &allowed)
            .into_iter()
            .map(|n| Offer { number: n, value: shown(&text, n) })
            .collect(),
        // No agreement in force today: nothing may go (R-IS-08).
        None => Vec::new(),
    };
    Ok(())
}

/// A field's value as the form shows it.
fn shown(record: &ansi_nist::TaggedRecord, n: u16) -> String {
    record
        .value(n)
        .map(|v| {
            v.subfields_iter()
                .map(|s| s.items().map(|i| String::from_utf8_lossy(i).into_owned()).collect::<Vec<_>>().join(", "))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

/// The person's facts as a Type-2 record of the uniform fields (cut before it leaves).
fn descriptive_of(r: &cpms::PersonRecord) -> ansi_nist::TaggedRecord {
    use chrono::Datelike;
    let p = &r.person;
    let name = |surname: &str, given: &str| ansi_nist::Name { surname: surname.to_owned(), given: given.to_owned() };
    let d = ansi_nist::Descriptive {
        idc: 1,
        name: Some(name(&p.name.surname, &p.name.given_names)),
        aliases: r.aliases.iter().map(|a| name(&a.surname, &a.given_names)).collect(),
        country_of_birth: Some(p.birth_country.clone()),
        date_of_birth: u16::try_from(p.birth_date.year()).ok().and_then(|y| {
            ansi_nist::Date::new(y, u8::try_from(p.birth_date.month()).ok()?, u8::try_from(p.birth_date.day()).ok()?)
        }),
        gender: match p.gender.as_str() {
            "M" => Some(ansi_nist::Gender::Male),
            "F" => Some(ansi_nist::Gender::Female),
            "X" => Some(ansi_nist::Gender::Other),
            _ => Some(ansi_nist::Gender::Unknown),
        },
        encounter_id: r.encounters.last().map(|e| e.3.clone()),
        fin: Some(p.fin.clone()),
        a_number: p.a_number.clone(),
        ..Default::default()
    };
    // A value the writer refuses (a separator byte in a name) leaves the record without it.
    d.to_record()
        .unwrap_or_else(|_| ansi_nist::TaggedRecord::new(2, 1).unwrap_or_else(|_| ansi_nist::TaggedRecord::header()))
}

/// The fields the response may carry now: the partner's template and its agreement in force today.
pub async fn offered_now(db: &Db, partner: &str, now: DateTime<Utc>) -> Result<Vec<u16>, ServiceError> {
    let p = partner_of(partner)?;
    let allowed =
        cpms::agreement_in_force(db, partner, today(now)).await?.map(|a| a.outbound_fields).unwrap_or_default();
    Ok(offered(&p.request_template(), &allowed))
}

/// A second analyst approves the prepared response (R-IS-05): the answer is made from the
/// person's record cut to the fields chosen and allowed by the agreement in force today
/// (R-IS-08), stored whole with its disclosure in one transaction (R-IS-06), and sent through
/// IDENT after commit (tried again later if IDENT is down).
pub async fn approve(
    db: &Db,
    catalog: &Catalog,
    client: Option<&Client>,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
) -> Result<(), ServiceError> {
    permit(db, catalog, actor, now, Capability::SharingRespond, ("icts.approve", None)).await?;
    let case = store::get(db, id).await?.ok_or(ServiceError::NotFound)?;
    let stage = Stage::of_row(&case.state, case.assigned_to, case.prepared_by, case.approved_by);
    let approved = match stage {
        Some(Stage::Prepared(p)) => p.approve(actor.user_id),
        _ => Err(StepError::WrongStage),
    };
    let approved = approved.map_err(super::service::step_refused)?;
    let partner = partner_of(&case.partner)?;
    let Some(agreement) = cpms::agreement_in_force(db, partner.code(), today(now)).await? else {
        return Err(InvalidInput::new("approve", "no agreement with this partner is in force today")
            .with_code("icts-no-agreement")
            .into());
    };
    let record = cpms::person_for_analyst(db, catalog, actor, now, case.person_id).await?;
    let chosen = parse_fields(case.response_fields.as_deref().unwrap_or_default());
    let mut text = cut(&descriptive_of(&record), &chosen, &agreement.outbound_fields);
    let sent_fields: Vec<u16> =
        text.fields().iter().map(ansi_nist::Field::number).filter(|n| DISCLOSABLE.contains(n)).collect();
    let qsq = u8::try_from(case.sequence).unwrap_or(1);
    text.set_text(ansi_nist::type2_fields::QSQ, &qsq.to_string()).map_err(|e| ServiceError::Internal(e.to_string()))?;
    // The documents asked for travel with the answer (Type-21), as stored.
    let documents: Vec<Document> = store::document_bytes(db, id)
        .await?
        .into_iter()
        .map(|(label, media_type, data)| Document {
            format: MediaType::parse(&media_type).map_or("PDF", MediaType::wire).to_owned(),
            description: label.chars().take(100).collect(),
            data,
        })
        .collect();
    let count = documents.len();
    let answer =
        Answer { tcn: new_tcn("USCIS"), tcr: case.query_tcn.clone(), date: today(now), matched: true, text, documents };
    let mut tx = db.begin().await?;
    let out = store_answer(&mut tx, partner, &answer, now, Some(case.person_id), &agreement, Shared::Match).await?;
    let purpose = format!("ICTS case {id}: answer to partner query {} ({count} documents)", case.query_tcn);
    let d = NewDisclosure {
        person_id: case.person_id,
        partner: partner.code(),
        at: now,
        fields: &sent_fields,
        purpose: &purpose,
        agreement_id: agreement.id,
        approved_by: Some(&actor.username),
        exchange_id: out,
    };
    cpms::record_disclosure(&mut tx, &d).await?;
    if !store::approve(&mut tx, id, approved.by, now, &answer.tcn, out).await? {
        return Err(super::service::step_refused(StepError::WrongStage));
    }
    let outbox = store::enqueue(&mut tx, partner.code(), out, Some(id), now).await?;
    let record = format!("icts_case:{id}");
    let detail = format!("exchange:{out} fields:{}", super::model::fields_text(&sent_fields));
    audit::record(&mut tx, now, &entry(actor, Category::Change, "icts.approve", &record, Outcome::Ok, &detail)).await?;
    tx.commit().await?;
    if let Some(client) = client {
        deliver(db, client, now, Some(outbox)).await?;
    }
    Ok(())
}

/// How long to wait after `attempts` failed tries: a minute, doubling, at most an hour.
fn backoff(attempts: i64) -> Duration {
    let minutes = 1_i64 << attempts.clamp(0, 6);
    Duration::minutes(minutes.min(60))
}

/// Sends answers due (or only `only`) through IDENT; returns how many IDENT took. A failure is
/// kept for the next try; a partner that refuses is tried again too, as the refusal may be
/// IDENT's passing state (the log says which).
///
/// # Errors
/// Storage failures.
pub async fn deliver(db: &Db, client: &Client, now: DateTime<Utc>, only: Option<i64>) -> Result<usize, ServiceError> {
    let mut sent = 0;
    for p in store::due(db, now, only, 50).await? {
        let Some(exchange) = cpms::exchange(db, p.exchange_id).await? else { continue };
        let outcome = match (Partner::parse(&p.partner), Answer::decode(&exchange.transaction)) {
            (Some(partner), Ok(answer)) => client.answer(partner, &answer).await.map(|_| ()),
            (_, Err(e)) => Err(IdentError::InvalidReply(e.to_string())),
            (None, _) => Err(IdentError::InvalidReply(format!("unknown partner {}", p.partner))),
        };
        match outcome {
            Ok(()) => {
                let mut tx = db.begin().await?;
                if store::outbox_sent(&mut tx, p.id, now).await? {
                    if let Some(case) = p.case_id {
                        store::mark_sent(&mut tx, case, now).await?;
                    }
                    sent += 1;
                }
                tx.commit().await?;
            }
            Err(e) => {
                tracing::warn!(outbox = p.id, partner = %p.partner, error = %e, "answer not taken by IDENT; will retry");
                store::outbox_failed(db, p.id, now + backoff(p.attempts), &e.to_string()).await?;
            }
        }
    }
    Ok(sent)
}
