//! The queue's SQL: tickets, each visit's segments, the days' ticket numbers and visit notes;
//! and the readings of the retention engine (a ticket past its time loses what identifies the
//! customer, confirmation number, A-Number and ZIP code, and keeps the officer, the day and the
//! times, R-RT-03; visit notes past their time are deleted) and of the productivity report.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::QueryBuilder;

use super::model::{Note, Segment, Status, Step, Ticket};
use crate::infopass::calendar::Service;
use crate::kernel::db::{Db, DbError, Extent, Tx};

#[derive(sqlx::FromRow)]
pub(super) struct Row {
    id: i64,
    office_code: String,
    label: String,
    service: String,
    booked: i32,
    confirmation: Option<String>,
    a_number: Option<String>,
    appointment_at: Option<String>,
    zip: Option<String>,
    party: i32,
    status: String,
    arrived_at: DateTime<Utc>,
    called_at: Option<DateTime<Utc>>,
    started_at: Option<DateTime<Utc>>,
    ended_at: Option<DateTime<Utc>>,
    calls: i32,
    counter: Option<String>,
    officer_id: Option<i64>,
}

/// The statement that applies a step's change (`$1` the time, `$2` the ticket) to the visit's
/// open segment, whole at compile time (`concat!`).
macro_rules! segment_set {
    ($set:literal) => {
        concat!("UPDATE lobby_segments SET ", $set, " WHERE ticket_id = $2 AND ended_at IS NULL")
    };
}

/// The columns of a row, as a macro so that statements are whole `&'static str`s (`concat!`),
/// with no SQL assembled at run time.
macro_rules! columns {
    () => {
        "id, office_code, label, service, booked, confirmation, a_number, appointment_at, zip, party, status, \
                       arrived_at, called_at, started_at, ended_at, calls, counter, officer_id"
    };
}

/// The ticket of a row; `None` for a service or status this version does not know.
pub(super) fn ticket(r: Row) -> Option<Ticket> {
    Some(Ticket {
        id: r.id,
        office_code: r.office_code,
        label: r.label,
        service: Service::parse(&r.service)?,
        booked: r.booked == 1,
        confirmation: r.confirmation,
        a_number: r.a_number,
        appointment_at: r.appointment_at.map(|a| a.replace('T', " ")),
        zip: r.zip,
        party: r.party,
        status: Status::parse(&r.status)?,
        arrived_at: r.arrived_at,
        called_at: r.called_at,
        started_at: r.started_at,
        ended_at: r.ended_at,
        calls: r.calls,
        counter: r.counter,
        officer_id: r.officer_id,
    })
}

/// Takes the next ticket number of an office's day (`YYYY-MM-DD`).
pub async fn next_number(tx: &mut Tx, office: &str, day: &str) -> Result<i32, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query("INSERT INTO lobby_sequences (office_code, day, last) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING")
            .bind(office)
            .bind(day)
            .execute(&mut *conn)
            .await?;
        sqlx::query_scalar("UPDATE lobby_sequences SET last = last + 1 WHERE office_code = $1 AND day = $2 RETURNING last")
            .bind(office)
            .bind(day)
            .fetch_one(&mut *conn)
            .await?
    }))
}

/// A ticket to issue.
pub struct NewTicket<'a> {
    /// Office.
    pub office: &'a str,
    /// The office's day, `YYYY-MM-DD`.
    pub day: &'a str,
    /// Number of the day.
    pub number: i32,
    /// Label, `D012`.
    pub label: &'a str,
    /// Service.
    pub service: Service,
    /// Queued as booked.
    pub booked: bool,
    /// The appointment's id, confirmation number and slot key, when it has one.
    pub appointment: Option<(i64, String, String)>,
    /// A-Number.
    pub a_number: Option<String>,
    /// ZIP code.
    pub zip: Option<&'a str>,
    /// People in the party.
    pub party: i32,
    /// Place in the queue.
    pub priority_at: DateTime<Utc>,
    /// Checked in.
    pub arrived_at: DateTime<Utc>,
}

/// Inserts a waiting ticket; `None` when its appointment already has one.
pub(super) async fn insert_ticket(tx: &mut Tx, t: &NewTicket<'_>) -> Result<Option<Row>, DbError> {
    let row: Result<Row, sqlx::Error> = crate::with_tx!(tx, conn => {
        sqlx::query_as(concat!("INSERT INTO lobby_tickets (office_code, day, number, label, service, booked, appointment_id, confirmation, a_number, \
             appointment_at, zip, party, status, priority_at, arrived_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'waiting', $13, $14) RETURNING ", columns!()))
        .bind(t.office)
        .bind(t.day)
        .bind(t.number)
        .bind(t.label)
        .bind(t.service.code())
        .bind(i32::from(t.booked))
        .bind(t.appointment.as_ref().map(|a| a.0))
        .bind(t.appointment.as_ref().map(|a| a.1.clone()))
        .bind(t.a_number.clone())
        .bind(t.appointment.as_ref().map(|a| a.2.clone()))
        .bind(t.zip)
        .bind(t.party)
        .bind(t.priority_at)
        .bind(t.arrived_at)
        .fetch_one(&mut *conn)
        .await
    });
    match row {
        Ok(r) => Ok(Some(r)),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The label of the ticket an appointment was checked in with.
pub async fn label_of_appointment(db: &Db, appointment: i64) -> Result<Option<String>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT label FROM lobby_tickets WHERE appointment_id = $1").bind(appointment).fetch_optional(pool).await?
    }))
}

/// A ticket of an office by id.
pub async fn ticket_of(db: &Db, office: &str, id: i64) -> Result<Option<Ticket>, DbError> {
    let row: Option<Row> = crate::with_db!(db, pool => {
        sqlx::query_as(concat!("SELECT ", columns!(), " FROM lobby_tickets WHERE office_code = $1 AND id = $2"))
            .bind(office)
            .bind(id)
            .fetch_optional(pool)
            .await?
    });
    Ok(row.and_then(ticket))
}

/// Tickets of an office's day in a state, in queue order for the waiting ones.
pub async fn of_day(db: &Db, office: &str, day: NaiveDate, status: Status) -> Result<Vec<Ticket>, DbError> {
    let rows: Vec<Row> = crate::with_db!(db, pool => {
        sqlx::query_as(concat!("SELECT ", columns!(), " FROM lobby_tickets WHERE office_code = $1 AND day = $2 AND status = $3 ORDER BY booked DESC, priority_at, id"))
        .bind(office)
        .bind(day.to_string())
        .bind(status.as_str())
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().filter_map(ticket).collect())
}

/// How many wait in an office's lobby on a day.
pub async fn waiting(db: &Db, office: &str, day: NaiveDate) -> Result<i64, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM lobby_tickets WHERE office_code = $1 AND day = $2 AND status = 'waiting'")
            .bind(office)
            .bind(day.to_string())
            .fetch_one(pool)
            .await?
    }))
}

/// Calls the first ticket of an office's day (`YYYY-MM-DD`) to a counter for an officer: a
/// walk-in queued at or before `aged`, else a booked customer whose time is at or before `early`,
/// else anyone, each by priority time. On PostgreSQL a ticket another officer's call holds is
/// skipped.
pub(super) async fn call_first(
    tx: &mut Tx,
    (office, day): (&str, &str),
    now: DateTime<Utc>,
    (officer, counter): (i64, &str),
    (aged, early): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Option<Row>, DbError> {
    let skip_locked = if matches!(tx, Tx::Postgres(_)) { " FOR UPDATE SKIP LOCKED" } else { "" };
    Ok(crate::with_tx!(tx, conn => {
        let mut q = sqlx::QueryBuilder::new("UPDATE lobby_tickets SET status = 'called', calls = calls + 1, called_at = ");
        q.push_bind(now).push(", counter = ").push_bind(counter.to_owned()).push(", officer_id = ").push_bind(officer);
        // The first of: a walk-in who has waited past the ageing limit, a booked customer inside
        // their window, anyone by priority time. Three index seeks, not a sort of the day's queue.
        q.push(" WHERE id = COALESCE(");
        let classes = [Some((" AND booked = 0 AND priority_at <= ", aged)), Some((" AND booked = 1 AND priority_at <= ", early)), None];
        for (k, class) in classes.into_iter().enumerate() {
            if k > 0 {
                q.push(", ");
            }
            q.push("(SELECT id FROM lobby_tickets WHERE office_code = ").push_bind(office.to_owned());
            q.push(" AND day = ").push_bind(day.to_owned()).push(" AND status = 'waiting'");
            if let Some((condition, by)) = class {
                q.push(condition).push_bind(by);
            }
            q.push(" ORDER BY priority_at, id LIMIT 1").push(skip_locked).push(")");
        }
        q.push(") AND status = 'waiting' RETURNING ").push(columns!());
        q.build_query_as().fetch_optional(&mut *conn).await?
    }))
}

/// Calls one waiting ticket of an office to a counter, out of queue order, with the reason.
pub(super) async fn call_one(
    tx: &mut Tx,
    (office, id): (&str, i64),
    now: DateTime<Utc>,
    (officer, counter): (i64, &str),
    reason: &str,
) -> Result<Option<Row>, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_as(concat!("UPDATE lobby_tickets SET status = 'called', calls = calls + 1, called_at = $1, counter = $2, officer_id = $3, \
             out_of_order_reason = $4 WHERE office_code = $5 AND id = $6 AND status = 'waiting' RETURNING ", columns!()))
        .bind(now)
        .bind(counter)
        .bind(officer)
        .bind(reason)
        .bind(office)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    }))
}

/// Applies a step to a ticket still in status `from` and arrived by `now`; `exhausted` when a
/// recall has used the last call (the ticket becomes a no-show). Returns the rows changed.
pub async fn step_ticket(
    tx: &mut Tx,
    (id, from): (i64, Status),
    step: &Step,
    exhausted: bool,
    now: DateTime<Utc>,
) -> Result<u64, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        let mut q = sqlx::QueryBuilder::new("UPDATE lobby_tickets SET ");
        match step {
            Step::Recall if exhausted => q.push("status = 'no_show', ended_at = ").push_bind(now),
            Step::Recall => q.push("calls = calls + 1, called_at = ").push_bind(now),
            Step::Start => q.push("status = 'serving', started_at = ").push_bind(now),
            Step::Transfer(s) => q
                .push("status = 'waiting', service = ")
                .push_bind(s.code())
                .push(", counter = NULL, called_at = NULL, calls = 0, started_at = NULL, officer_id = NULL"),
            Step::Close(given) => q
                .push("status = 'done', ended_at = ")
                .push_bind(now)
                .push(", services_given = ")
                .push_bind(given.iter().map(|s| s.code()).collect::<Vec<_>>().join(",")),
            Step::NoShow => q.push("status = 'no_show', ended_at = ").push_bind(now),
        };
        q.push(" WHERE id = ").push_bind(id);
        q.push(" AND status = ").push_bind(from.as_str());
        q.push(" AND arrived_at <= ").push_bind(now);
        q.build().execute(&mut *conn).await?.rows_affected()
    }))
}

/// Applies a step to the visit's open segment (`exhausted` as for [`step_ticket`]).
pub async fn step_segment(
    tx: &mut Tx,
    ticket: i64,
    step: &Step,
    exhausted: bool,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = match step {
        Step::Recall if exhausted => segment_set!("ended_at = $1, outcome = 'no_show'"),
        Step::NoShow => segment_set!("ended_at = $1, outcome = 'no_show'"),
        Step::Recall => segment_set!("calls = calls + 1, called_at = COALESCE(called_at, $1)"),
        Step::Start => segment_set!("started_at = COALESCE(started_at, $1)"),
        Step::Transfer(_) => segment_set!("ended_at = $1, outcome = 'transferred'"),
        Step::Close(_) => segment_set!("ended_at = $1, outcome = 'done'"),
    };
    crate::with_tx!(tx, conn => {
        sqlx::query(sql)
            .bind(now)
            .bind(ticket)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// Opens the next segment of a visit: a service it now waits for, from `now`.
pub async fn open_segment(tx: &mut Tx, ticket: i64, service: Service, now: DateTime<Utc>) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO lobby_segments (ticket_id, seq, service, queued_at, calls) \
             SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, 0 FROM lobby_segments WHERE ticket_id = $1",
        )
        .bind(ticket)
        .bind(service.code())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// A call of the open segment: its first call is kept (the end of its wait), later ones counted.
pub async fn segment_called(
    tx: &mut Tx,
    ticket: i64,
    now: DateTime<Utc>,
    (officer, counter): (i64, &str),
) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query(
            "UPDATE lobby_segments SET called_at = COALESCE(called_at, $1), calls = calls + 1, officer_id = $2, counter = $3 \
             WHERE ticket_id = $4 AND ended_at IS NULL",
        )
        .bind(now)
        .bind(officer)
        .bind(counter)
        .bind(ticket)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

type SegmentRow = (
    i32,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    i32,
    Option<i64>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<String>,
);

/// The timeline of a visit, in order.
pub async fn timeline(db: &Db, ticket: i64) -> Result<Vec<Segment>, DbError> {
    let rows: Vec<SegmentRow> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT seq, service, queued_at, called_at, calls, officer_id, started_at, ended_at, outcome \
             FROM lobby_segments WHERE ticket_id = $1 ORDER BY seq",
        )
        .bind(ticket)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|(seq, service, queued_at, called_at, calls, officer_id, started_at, ended_at, outcome)| Segment {
            seq,
            service,
            queued_at,
            called_at,
            calls,
            officer_id,
            started_at,
            ended_at,
            outcome,
        })
        .collect())
}

/// The latest 50 notes of an A-Number, newest first, but those of ticket `current`.
pub async fn notes(db: &Db, a_number: &str, current: i64) -> Result<Vec<Note>, DbError> {
    let rows: Vec<(String, String, String, DateTime<Utc>)> = crate::with_db!(db, pool => {
        sqlx::query_as("SELECT office_code, officer, note, created_at FROM visit_notes WHERE a_number = $1 AND (ticket_id IS NULL OR ticket_id <> $2) ORDER BY created_at DESC, id DESC LIMIT 50")
            .bind(a_number)
            .bind(current)
            .fetch_all(pool)
            .await?
    });
    Ok(rows
        .into_iter()
        .map(|(office_code, officer, note, created_at)| Note { office_code, officer, note, created_at })
        .collect())
}

/// Stores a visit note of an A-Number, written on a ticket at an office by an officer.
pub async fn insert_note(
    tx: &mut Tx,
    (office, ticket_id): (&str, i64),
    a_number: &str,
    (officer, note): (&str, &str),
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("INSERT INTO visit_notes (a_number, ticket_id, office_code, officer, note, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(a_number)
            .bind(ticket_id)
            .bind(office)
            .bind(officer)
            .bind(note)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// The appointments whose visits were closed on or after `since`.
pub async fn closed_appointments(db: &Db, since: NaiveDate) -> Result<Vec<i64>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar(
            "SELECT appointment_id FROM lobby_tickets WHERE day >= $1 AND status = 'done' AND appointment_id IS NOT NULL",
        )
        .bind(since.to_string())
        .fetch_all(pool)
        .await?
    }))
}

/// Tickets of days before `before` (an ISO day) that still hold personal data.
pub async fn expired_tickets(db: &Db, before: &str) -> Result<Extent, DbError> {
    let (n, lo, hi): (i64, Option<String>, Option<String>) = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT COUNT(*), MIN(day), MAX(day) FROM lobby_tickets WHERE day < $1 \
             AND (confirmation IS NOT NULL OR a_number IS NOT NULL OR zip IS NOT NULL)",
        )
        .bind(before)
        .fetch_one(pool)
        .await?
    });
    Ok(Extent::from_text(n, lo.as_deref(), hi.as_deref()))
}

/// Whether lobby ticket `id` exists (for a legal hold).
pub async fn ticket_exists(tx: &mut Tx, id: i64) -> Result<bool, DbError> {
    crate::kernel::db::counts_row(tx, "SELECT COUNT(*) FROM lobby_tickets WHERE id = $1", id).await
}

/// Whether visit note `id` exists (for a legal hold).
pub async fn note_exists(tx: &mut Tx, id: i64) -> Result<bool, DbError> {
    crate::kernel::db::counts_row(tx, "SELECT COUNT(*) FROM visit_notes WHERE id = $1", id).await
}

/// Clears the personal data of up to `batch` tickets of days before `before` (not those in `keep`).
pub async fn scrub_tickets_before(tx: &mut Tx, before: &str, batch: i64, keep: &[i64]) -> Result<u64, DbError> {
    crate::with_tx!(tx, conn => {
        let mut q = QueryBuilder::new(
            "UPDATE lobby_tickets SET confirmation = NULL, a_number = NULL, zip = NULL WHERE id IN \
             (SELECT id FROM lobby_tickets WHERE (confirmation IS NOT NULL OR a_number IS NOT NULL OR zip IS NOT NULL) AND day < ",
        );
        q.push_bind(before.to_owned());
        crate::kernel::db::push_not_in(&mut q, "id", keep);
        q.push(" ORDER BY id LIMIT ").push_bind(batch).push(")");
        Ok(q.build().execute(&mut *conn).await?.rows_affected())
    })
}

/// Visit notes written before `before`.
pub async fn expired_notes(db: &Db, before: DateTime<Utc>) -> Result<Extent, DbError> {
    let (n, lo, hi): (i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>) = crate::with_db!(db, pool => {
        sqlx::query_as("SELECT COUNT(*), MIN(created_at), MAX(created_at) FROM visit_notes WHERE created_at < $1")
            .bind(before)
            .fetch_one(pool)
            .await?
    });
    Ok(Extent::from_times(n, lo, hi))
}

/// Deletes up to `batch` visit notes written before `before` (not those in `keep`).
pub async fn purge_notes_before(tx: &mut Tx, before: DateTime<Utc>, batch: i64, keep: &[i64]) -> Result<u64, DbError> {
    crate::with_tx!(tx, conn => {
        let mut q = QueryBuilder::new("DELETE FROM visit_notes WHERE id IN (SELECT id FROM visit_notes WHERE created_at < ");
        q.push_bind(before);
        crate::kernel::db::push_not_in(&mut q, "id", keep);
        q.push(" ORDER BY id LIMIT ").push_bind(batch).push(")");
        Ok(q.build().execute(&mut *conn).await?.rows_affected())
    })
}

/// A segment of a visit's timeline, with its visit's day, status and appointment (the
/// productivity report's rows).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportSegment {
    /// The visit.
    pub ticket_id: i64,
    /// The visit's day.
    pub day: String,
    /// The service of the segment.
    pub service: String,
    /// The visit's status.
    pub status: String,
    /// The appointment's confirmation number, if booked.
    pub confirmation: Option<String>,
    /// Queued.
    pub queued_at: DateTime<Utc>,
    /// First called.
    pub called_at: Option<DateTime<Utc>>,
    /// Started.
    pub started_at: Option<DateTime<Utc>>,
    /// Ended.
    pub ended_at: Option<DateTime<Utc>>,
    /// How it ended.
    pub outcome: Option<String>,
    /// The officer.
    pub officer_id: Option<i64>,
}

/// An office's segments of visits between two days (inclusive, `YYYY-MM-DD`), of one officer
/// (`officer` > 0) or all, by day, visit and segment.
pub async fn report_segments(
    db: &Db,
    office: &str,
    from: &str,
    to: &str,
    officer: i64,
) -> Result<Vec<ReportSegment>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT t.id AS ticket_id, t.day, s.service, t.status, t.confirmation, s.queued_at, s.called_at, s.started_at, \
             s.ended_at, s.outcome, s.officer_id \
             FROM lobby_tickets t JOIN lobby_segments s ON s.ticket_id = t.id \
             WHERE t.office_code = $1 AND t.day >= $2 AND t.day <= $3 AND ($4 = 0 OR s.officer_id = $4) ORDER BY t.day, t.id, s.seq",
        )
        .bind(office)
        .bind(from)
        .bind(to)
        .bind(officer)
        .fetch_all(pool)
        .await?
    }))
}
