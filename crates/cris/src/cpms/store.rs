//! The repository's SQL: every `cpms_*` table, and nothing else. Writes take the caller's
//! transaction; reads take the pool.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::QueryBuilder;

use super::model::{
    Agreement, Consent, Disclosure, Exchange, Finger, NewDisclosure, NewExchange, NewPerson, OutboundQuery, Person,
    PersonName, ProtectedClass, fields_list, fields_text, parse_fields,
};
use crate::kernel::db::{Db, DbError, Extent, Tx, push_not_in};

macro_rules! person_columns {
    () => {
        "id, fin, a_number, surname, given_names, birth_date, birth_country, gender, protected_class, consent, \
         consent_note, keep_until, created_at"
    };
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: i64,
    fin: String,
    a_number: Option<String>,
    surname: String,
    given_names: String,
    birth_date: NaiveDate,
    birth_country: String,
    gender: String,
    protected_class: Option<String>,
    consent: Option<String>,
    consent_note: Option<String>,
    keep_until: NaiveDate,
    created_at: DateTime<Utc>,
}

impl From<PersonRow> for Person {
    fn from(r: PersonRow) -> Person {
        Person {
            id: r.id,
            fin: r.fin,
            a_number: r.a_number,
            name: PersonName { surname: r.surname, given_names: r.given_names },
            birth_date: r.birth_date,
            birth_country: r.birth_country,
            gender: r.gender,
            flag: r.protected_class.as_deref().and_then(ProtectedClass::parse),
            consent: r.consent.as_deref().and_then(Consent::parse),
            consent_note: r.consent_note,
            keep_until: r.keep_until,
            created_at: r.created_at,
        }
    }
}

/// Persons a multi-row insert takes at once (13 values each, well under SQLite's 32,766).
const PERSON_BATCH: usize = 500;

/// Inserts persons with their aliases and fingers; returns their ids in order.
pub async fn insert_persons(tx: &mut Tx, people: &[NewPerson], now: DateTime<Utc>) -> Result<Vec<i64>, DbError> {
    let mut ids = Vec::with_capacity(people.len());
    for chunk in people.chunks(PERSON_BATCH) {
        let chunk_ids: Vec<i64> = crate::with_tx!(tx, conn => {
            let mut q = QueryBuilder::new(
                "INSERT INTO cpms_persons (fin, a_number, surname, given_names, birth_date, birth_country, gender, \
                 protected_class, consent, consent_note, keep_until, created_at) ",
            );
            q.push_values(chunk, |mut b, p| {
                b.push_bind(p.fin.as_str().to_owned())
                    .push_bind(p.a_number.clone())
                    .push_bind(p.name.surname.clone())
                    .push_bind(p.name.given_names.clone())
                    .push_bind(p.birth_date)
                    .push_bind(p.birth_country.clone())
                    .push_bind(p.gender.clone())
                    .push_bind(p.flag.map(ProtectedClass::code))
                    .push_bind(p.consent.as_ref().map(|(c, _)| c.code()))
                    .push_bind(p.consent.as_ref().map(|(_, n)| n.clone()))
                    .push_bind(p.keep_until)
                    .push_bind(now);
            });
            q.push(" RETURNING id");
            q.build_query_scalar().fetch_all(&mut *conn).await?
        });
        // RETURNING gives rows in insertion order on both engines for a single VALUES list.
        let pairs: Vec<(i64, &NewPerson)> = chunk_ids.iter().copied().zip(chunk.iter()).collect();
        insert_fingers(tx, &pairs).await?;
        insert_aliases(tx, &pairs).await?;
        ids.extend(chunk_ids);
    }
    Ok(ids)
}

async fn insert_fingers(tx: &mut Tx, people: &[(i64, &NewPerson)]) -> Result<(), DbError> {
    let rows: Vec<(i64, &Finger)> = people.iter().flat_map(|(id, p)| p.fingers.iter().map(move |f| (*id, f))).collect();
    for chunk in rows.chunks(2000) {
        crate::with_tx!(tx, conn => {
            let mut q = QueryBuilder::new("INSERT INTO cpms_biometrics (person_id, finger, width, height, minutiae) ");
            q.push_values(chunk, |mut b, (id, f)| {
                b.push_bind(*id)
                    .push_bind(i32::from(f.position))
                    .push_bind(i32::from(f.width))
                    .push_bind(i32::from(f.height))
                    .push_bind(f.encode());
            });
            q.build().execute(&mut *conn).await?;
        });
    }
    Ok(())
}

async fn insert_aliases(tx: &mut Tx, people: &[(i64, &NewPerson)]) -> Result<(), DbError> {
    let rows: Vec<(i64, &PersonName)> =
        people.iter().flat_map(|(id, p)| p.aliases.iter().map(move |a| (*id, a))).collect();
    for chunk in rows.chunks(2000) {
        crate::with_tx!(tx, conn => {
            let mut q = QueryBuilder::new("INSERT INTO cpms_aliases (person_id, surname, given_names) ");
            q.push_values(chunk, |mut b, (id, a)| {
                b.push_bind(*id).push_bind(a.surname.clone()).push_bind(a.given_names.clone());
            });
            q.build().execute(&mut *conn).await?;
        });
    }
    Ok(())
}

/// Links a case (by receipt number) to a person, with the officer assigned to it, if any.
pub async fn link_case(tx: &mut Tx, person_id: i64, receipt: &str, officer_id: Option<i64>) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO cpms_cases (person_id, receipt_number, officer_id) VALUES ($1, $2, $3) \
             ON CONFLICT (person_id, receipt_number) DO UPDATE SET officer_id = excluded.officer_id",
        )
        .bind(person_id)
        .bind(receipt)
        .bind(officer_id)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// A person.
pub async fn person(db: &Db, id: i64) -> Result<Option<Person>, DbError> {
    let row: Option<PersonRow> = crate::with_db!(db, pool => {
        sqlx::query_as(concat!("SELECT ", person_columns!(), " FROM cpms_persons WHERE id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?
    });
    Ok(row.map(Person::from))
}

/// The person with this FIN.
pub async fn person_id_by_fin(db: &Db, fin: &str) -> Result<Option<i64>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT id FROM cpms_persons WHERE fin = $1").bind(fin).fetch_optional(pool).await?
    }))
}

/// A person's aliases.
pub async fn aliases(db: &Db, person_id: i64) -> Result<Vec<PersonName>, DbError> {
    let rows: Vec<(String, String)> = crate::with_db!(db, pool => {
        sqlx::query_as("SELECT surname, given_names FROM cpms_aliases WHERE person_id = $1 ORDER BY id")
            .bind(person_id)
            .fetch_all(pool)
            .await?
    });
    Ok(rows.into_iter().map(|(surname, given_names)| PersonName { surname, given_names }).collect())
}

/// A person's encounters: (when, where, system, encounter id).
pub async fn encounters(db: &Db, person_id: i64) -> Result<Vec<(DateTime<Utc>, String, String, String)>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as("SELECT at, place, system, encounter_id FROM cpms_encounters WHERE person_id = $1 ORDER BY at")
            .bind(person_id)
            .fetch_all(pool)
            .await?
    }))
}

/// The cases linked to a person: (receipt number, assigned officer's id).
pub async fn cases_of(db: &Db, person_id: i64) -> Result<Vec<(String, Option<i64>)>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as("SELECT receipt_number, officer_id FROM cpms_cases WHERE person_id = $1 ORDER BY receipt_number")
            .bind(person_id)
            .fetch_all(pool)
            .await?
    }))
}

/// The person a case belongs to, and its assigned officer.
pub async fn person_of_case(db: &Db, receipt: &str) -> Result<Option<(i64, Option<i64>)>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as("SELECT person_id, officer_id FROM cpms_cases WHERE receipt_number = $1 ORDER BY person_id LIMIT 1")
            .bind(receipt)
            .fetch_optional(pool)
            .await?
    }))
}

#[derive(sqlx::FromRow)]
struct FingerRow {
    person_id: i64,
    finger: i32,
    width: i32,
    height: i32,
    minutiae: Vec<u8>,
}

impl FingerRow {
    fn into_finger(self) -> (i64, Finger) {
        let narrow = |v: i32| u16::try_from(v).unwrap_or(0);
        let finger = Finger {
            position: u8::try_from(self.finger).unwrap_or(0),
            width: narrow(self.width),
            height: narrow(self.height),
            minutiae: Finger::decode(&self.minutiae),
        };
        (self.person_id, finger)
    }
}

/// A person's fingers.
pub async fn fingers(db: &Db, person_id: i64) -> Result<Vec<Finger>, DbError> {
    let rows: Vec<FingerRow> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT person_id, finger, width, height, minutiae FROM cpms_biometrics WHERE person_id = $1 ORDER BY finger",
        )
        .bind(person_id)
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().map(|r| r.into_finger().1).collect())
}

/// How many persons are enrolled and the highest id: whether the in-memory gallery is current.
pub async fn gallery_stamp(db: &Db) -> Result<GalleryStamp, DbError> {
    let (count, top): (i64, i64) = crate::with_db!(db, pool => {
        sqlx::query_as("SELECT COUNT(*), CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM cpms_persons").fetch_one(pool).await?
    });
    Ok(GalleryStamp { count, top, top_fin: fin_of(db, top).await? })
}

/// What the in-memory gallery compares to know whether the repository changed: how many persons,
/// the highest id, and that person's FIN (SQLite gives a purged newest id to the next person).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GalleryStamp {
    pub count: i64,
    pub top: i64,
    pub top_fin: Option<String>,
}

/// The FIN of a person, if they are enrolled.
pub async fn fin_of(db: &Db, id: i64) -> Result<Option<String>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT fin FROM cpms_persons WHERE id = $1").bind(id).fetch_optional(pool).await?
    }))
}

/// How many persons have an id in `(after, upto]`.
pub async fn persons_between(db: &Db, after: i64, upto: i64) -> Result<i64, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM cpms_persons WHERE id > $1 AND id <= $2")
            .bind(after)
            .bind(upto)
            .fetch_one(pool)
            .await?
    }))
}

/// Every enrolled finger of the persons with an id in `(after, upto]` (the 1:N search's gallery).
pub async fn fingers_between(db: &Db, after: i64, upto: i64) -> Result<Vec<(i64, Finger)>, DbError> {
    let rows: Vec<FingerRow> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT person_id, finger, width, height, minutiae FROM cpms_biometrics WHERE person_id > $1 AND person_id <= $2 ORDER BY person_id, finger",
        )
        .bind(after)
        .bind(upto)
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().map(FingerRow::into_finger).collect())
}

// ---------------------------------------------------------------- agreements

#[derive(sqlx::FromRow)]
struct AgreementRow {
    id: i64,
    partner: String,
    in_force_from: NaiveDate,
    in_force_to: NaiveDate,
    outbound_fields: String,
    inbound_fields: String,
    template: String,
}

impl From<AgreementRow> for Agreement {
    fn from(r: AgreementRow) -> Agreement {
        Agreement {
            id: r.id,
            partner: r.partner,
            in_force_from: r.in_force_from,
            in_force_to: r.in_force_to,
            outbound_fields: parse_fields(&r.outbound_fields),
            inbound_fields: parse_fields(&r.inbound_fields),
            template: r.template,
        }
    }
}

/// Records an agreement; returns its id.
pub async fn insert_agreement(tx: &mut Tx, a: &Agreement) -> Result<i64, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO cpms_agreements (partner, in_force_from, in_force_to, outbound_fields, inbound_fields, template) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&a.partner)
        .bind(a.in_force_from)
        .bind(a.in_force_to)
        .bind(fields_list(&a.outbound_fields))
        .bind(fields_list(&a.inbound_fields))
        .bind(&a.template)
        .fetch_one(&mut *conn)
        .await?
    }))
}

/// Every agreement, by partner then start.
pub async fn agreements(db: &Db) -> Result<Vec<Agreement>, DbError> {
    let rows: Vec<AgreementRow> = crate::with_db!(db, pool => {
        sqlx::query_as(AGREEMENTS).fetch_all(pool).await?
    });
    Ok(rows.into_iter().map(Agreement::from).collect())
}

const AGREEMENTS: &str = "SELECT id, partner, in_force_from, in_force_to, outbound_fields, inbound_fields, template \
                          FROM cpms_agreements ORDER BY partner, in_force_from, id";

/// Every agreement, read after taking the agreements' lock: two people entering agreements for
/// the same partner at once take turns, so the second sees the first's days and the overlap rule
/// holds (on PostgreSQL a transaction-scoped advisory lock; SQLite's `BEGIN IMMEDIATE` already
/// serialises writers).
pub async fn agreements_locked(tx: &mut Tx) -> Result<Vec<Agreement>, DbError> {
    if let Tx::Postgres(t) = tx {
        sqlx::query("SELECT pg_advisory_xact_lock(7240319002)").execute(&mut **t).await?;
    }
    let rows: Vec<AgreementRow> = crate::with_tx!(tx, conn => {
        sqlx::query_as(AGREEMENTS).fetch_all(&mut *conn).await?
    });
    Ok(rows.into_iter().map(Agreement::from).collect())
}

/// One agreement.
pub async fn agreement(db: &Db, id: i64) -> Result<Option<Agreement>, DbError> {
    let row: Option<AgreementRow> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, partner, in_force_from, in_force_to, outbound_fields, inbound_fields, template \
             FROM cpms_agreements WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?
    });
    Ok(row.map(Agreement::from))
}

/// Sets an agreement's last day in force, only if it is still `was` (a second person ending it
/// at the same time changes nothing); whether it changed. Agreements are never deleted.
pub async fn end_agreement(tx: &mut Tx, id: i64, last: NaiveDate, was: NaiveDate) -> Result<bool, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query("UPDATE cpms_agreements SET in_force_to = $2 WHERE id = $1 AND in_force_to = $3")
            .bind(id)
            .bind(last)
            .bind(was)
            .execute(&mut *conn)
            .await?
            .rows_affected()
            == 1
    }))
}

/// The partner's agreement in force on `day` (the latest started, if several).
pub async fn agreement_in_force(db: &Db, partner: &str, day: NaiveDate) -> Result<Option<Agreement>, DbError> {
    let row: Option<AgreementRow> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, partner, in_force_from, in_force_to, outbound_fields, inbound_fields, template \
             FROM cpms_agreements WHERE partner = $1 AND in_force_from <= $2 AND in_force_to >= $2 \
             ORDER BY in_force_from DESC, id DESC LIMIT 1",
        )
        .bind(partner)
        .bind(day)
        .fetch_optional(pool)
        .await?
    });
    Ok(row.map(Agreement::from))
}

// ---------------------------------------------------------------- exchanges, disclosures, queries

/// Stores an exchange whole; returns its id.
pub async fn insert_exchange(tx: &mut Tx, e: &NewExchange<'_>) -> Result<i64, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO cpms_exchanges (direction, partner, kind, tcn, tcr, sequence, body, at, person_id, \
             agreement_id, outcome, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(e.direction.code())
        .bind(e.partner)
        .bind(e.kind.code())
        .bind(e.tcn)
        .bind(e.tcr)
        .bind(e.sequence.map(i32::from))
        .bind(e.transaction)
        .bind(e.at)
        .bind(e.person_id)
        .bind(e.agreement_id)
        .bind(e.outcome.map(|o| o.code()))
        .bind(e.reason)
        .fetch_one(&mut *conn)
        .await?
    }))
}

/// Sets what came of an exchange and whom it concerns (an inbound query, once matched).
pub async fn settle_exchange(
    tx: &mut Tx,
    id: i64,
    person_id: Option<i64>,
    outcome: super::model::Outcome,
    reason: Option<&str>,
) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("UPDATE cpms_exchanges SET person_id = COALESCE($2, person_id), outcome = $3, reason = $4 WHERE id = $1")
            .bind(id)
            .bind(person_id)
            .bind(outcome.code())
            .bind(reason)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ExchangeRow {
    id: i64,
    direction: String,
    partner: String,
    kind: String,
    tcn: String,
    tcr: Option<String>,
    sequence: Option<i32>,
    body: Vec<u8>,
    at: DateTime<Utc>,
    person_id: Option<i64>,
    agreement_id: Option<i64>,
    outcome: Option<String>,
    reason: Option<String>,
}

impl From<ExchangeRow> for Exchange {
    fn from(r: ExchangeRow) -> Exchange {
        Exchange {
            id: r.id,
            direction: r.direction,
            partner: r.partner,
            kind: r.kind,
            tcn: r.tcn,
            tcr: r.tcr,
            sequence: r.sequence.map(i64::from),
            transaction: r.body,
            at: r.at,
            person_id: r.person_id,
            agreement_id: r.agreement_id,
            outcome: r.outcome,
            reason: r.reason,
        }
    }
}

macro_rules! exchange_columns {
    () => {
        "id, direction, partner, kind, tcn, tcr, sequence, body, at, person_id, agreement_id, outcome, reason"
    };
}

/// One exchange.
pub async fn exchange(db: &Db, id: i64) -> Result<Option<Exchange>, DbError> {
    let row: Option<ExchangeRow> = crate::with_db!(db, pool => {
        sqlx::query_as(concat!("SELECT ", exchange_columns!(), " FROM cpms_exchanges WHERE id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?
    });
    Ok(row.map(Exchange::from))
}

/// A person's exchanges, in order.
pub async fn exchanges_of(db: &Db, person_id: i64) -> Result<Vec<Exchange>, DbError> {
    let rows: Vec<ExchangeRow> = crate::with_db!(db, pool => {
        sqlx::query_as(concat!("SELECT ", exchange_columns!(), " FROM cpms_exchanges WHERE person_id = $1 ORDER BY id"))
            .bind(person_id)
            .fetch_all(pool)
            .await?
    });
    Ok(rows.into_iter().map(Exchange::from).collect())
}

/// Exchanges of a partner, newest first (at most `limit`).
pub async fn exchanges_with(db: &Db, partner: &str, limit: i64) -> Result<Vec<Exchange>, DbError> {
    let rows: Vec<ExchangeRow> = crate::with_db!(db, pool => {
        sqlx::query_as(concat!(
            "SELECT ", exchange_columns!(), " FROM cpms_exchanges WHERE partner = $1 ORDER BY id DESC LIMIT $2"
        ))
        .bind(partner)
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().map(Exchange::from).collect())
}

/// Records a disclosure; returns its id.
pub async fn insert_disclosure(tx: &mut Tx, d: &NewDisclosure<'_>) -> Result<i64, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO cpms_disclosures (person_id, partner, at, fields, purpose, agreement_id, approved_by, exchange_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(d.person_id)
        .bind(d.partner)
        .bind(d.at)
        .bind(fields_text(d.fields))
        .bind(d.purpose)
        .bind(d.agreement_id)
        .bind(d.approved_by)
        .bind(d.exchange_id)
        .fetch_one(&mut *conn)
        .await?
    }))
}

/// id, partner, at, fields, purpose, agreement, approved by, exchange.
type DisclosureRow = (i64, String, DateTime<Utc>, String, String, i64, Option<String>, i64);

/// A person's disclosures, oldest first.
pub async fn disclosures_of(db: &Db, person_id: i64) -> Result<Vec<Disclosure>, DbError> {
    let rows: Vec<DisclosureRow> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, partner, at, fields, purpose, agreement_id, approved_by, exchange_id FROM cpms_disclosures \
             WHERE person_id = $1 ORDER BY at, id",
        )
        .bind(person_id)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|(id, partner, at, fields, purpose, agreement_id, approved_by, exchange_id)| Disclosure {
            id,
            partner,
            at,
            fields,
            purpose,
            agreement_id,
            approved_by,
            exchange_id,
        })
        .collect())
}

/// Records a USCIS query to a partner; returns its id.
#[expect(clippy::too_many_arguments, reason = "one row's columns")]
pub async fn insert_query(
    tx: &mut Tx,
    person_id: i64,
    receipt: &str,
    officer: &str,
    partner: &str,
    sequence: u8,
    exchange_out: i64,
    at: DateTime<Utc>,
) -> Result<i64, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO cpms_queries (person_id, receipt_number, officer, partner, sequence, exchange_out, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(person_id)
        .bind(receipt)
        .bind(officer)
        .bind(partner)
        .bind(i32::from(sequence))
        .bind(exchange_out)
        .bind(at)
        .fetch_one(&mut *conn)
        .await?
    }))
}

/// Withdraws the disclosure and the officer's query of an outbound query IDENT did not take
/// (nothing left CRIS); the exchange stays, settled as refused.
pub async fn withdraw_query(tx: &mut Tx, exchange_out: i64, query_id: i64) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("DELETE FROM cpms_disclosures WHERE exchange_id = $1").bind(exchange_out).execute(&mut *conn).await?;
        sqlx::query("DELETE FROM cpms_queries WHERE id = $1").bind(query_id).execute(&mut *conn).await?;
    });
    Ok(())
}

/// Attaches the answer to a query.
pub async fn answer_query(tx: &mut Tx, query_id: i64, exchange_in: i64, matched: bool) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("UPDATE cpms_queries SET exchange_in = $2, matched = $3 WHERE id = $1")
            .bind(query_id)
            .bind(exchange_in)
            .bind(matched)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// id, partner, sequence, officer, at, matched, answer's exchange.
type QueryRow = (i64, String, i32, String, DateTime<Utc>, Option<bool>, Option<i64>);

/// A person's queries to partners, in order.
pub async fn queries_of(db: &Db, person_id: i64) -> Result<Vec<OutboundQuery>, DbError> {
    let rows: Vec<QueryRow> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, partner, sequence, officer, at, matched, exchange_in FROM cpms_queries WHERE person_id = $1 \
             ORDER BY id",
        )
        .bind(person_id)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|(id, partner, sequence, officer, at, matched, exchange_in)| OutboundQuery {
            id,
            partner,
            sequence: i64::from(sequence),
            officer,
            at,
            matched,
            exchange_in,
        })
        .collect())
}

// ---------------------------------------------------------------- retention (R-RT-04)

/// Persons whose `keep_until` is before `day`: count and the oldest and newest such days.
pub async fn expired_persons(db: &Db, day: NaiveDate) -> Result<Extent, DbError> {
    // As text on both engines: SQLite's aggregates lose the column's type.
    let (count, oldest, newest): (i64, Option<String>, Option<String>) = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT COUNT(*), CAST(MIN(keep_until) AS TEXT), CAST(MAX(keep_until) AS TEXT) FROM cpms_persons \
             WHERE keep_until < $1",
        )
            .bind(day)
            .fetch_one(pool)
            .await?
    });
    Ok(Extent::from_text(count, oldest.as_deref(), newest.as_deref()))
}

/// Deletes at most `batch` persons whose `keep_until` is before `day`, except those in `keep`,
/// with everything of theirs (aliases, encounters, biometrics, cases, exchanges, disclosures,
/// queries go by foreign key); returns how many persons went.
pub async fn purge_persons_before(tx: &mut Tx, day: NaiveDate, batch: i64, keep: &[i64]) -> Result<u64, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        let mut q = QueryBuilder::new("DELETE FROM cpms_persons WHERE id IN (SELECT id FROM cpms_persons WHERE keep_until < ");
        q.push_bind(day);
        push_not_in(&mut q, "id", keep);
        q.push(" ORDER BY keep_until LIMIT ");
        q.push_bind(batch);
        q.push(")");
        q.build().execute(&mut *conn).await?.rows_affected()
    }))
}
