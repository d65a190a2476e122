//! ICTS's SQL: its cases, their documents and the answers waiting to leave (`icts_*`, migration
//! 0032). Each step's UPDATE names the stage it follows, so a case that moved on meanwhile (another
//! analyst, another tab) is left alone and the caller is told.

use chrono::{DateTime, NaiveDate, Utc};

use crate::kernel::db::{Db, DbError, Tx};

/// The columns a queue row reads.
macro_rules! summary_cols {
    () => {
        "id, partner, query_tcn, priority, state, name, requested_on, received_at, due_on, assigned_to, prepared_by"
    };
}

/// A case as the queue lists it.
#[derive(Debug, Clone, sqlx::FromRow, PartialEq, Eq)]
pub struct Summary {
    /// Row id: the case number.
    pub id: i64,
    /// `CAN`, `AUS`.
    pub partner: String,
    /// The partner query's TCN.
    pub query_tcn: String,
    /// `high`, `medium`, `low`.
    pub priority: String,
    /// `received` … `sent`.
    pub state: String,
    /// The name the partner gave (`surname, given`).
    pub name: Option<String>,
    /// The request's date, as the partner gave it.
    pub requested_on: Option<NaiveDate>,
    /// When it came in.
    pub received_at: DateTime<Utc>,
    /// When the answer is due.
    pub due_on: NaiveDate,
    /// The analyst working it.
    pub assigned_to: Option<i64>,
    /// Who prepared the response.
    pub prepared_by: Option<i64>,
}

impl Summary {
    /// Whether the answer is late.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        Summary::overdue_on(&self.state, self.due_on, today)
    }

    /// Whether a case in `state` due on `due_on` is late on `today`: approved and sent ones
    /// have left the analysts' hands.
    pub fn overdue_on(state: &str, due_on: NaiveDate, today: NaiveDate) -> bool {
        state != "sent" && state != "approved" && due_on < today
    }
}

/// A case, whole.
#[derive(Debug, Clone, sqlx::FromRow, PartialEq, Eq)]
pub struct Case {
    /// Row id.
    pub id: i64,
    /// `CAN`, `AUS`.
    pub partner: String,
    /// The partner query's TCN.
    pub query_tcn: String,
    /// CPMS's exchange holding the query.
    pub query_exchange: i64,
    /// CPMS's person the fingerprints matched.
    pub person_id: i64,
    /// The agreement in force when the query came.
    pub agreement_id: i64,
    /// 2.201 RQR, `name (contact)`.
    pub requestor: Option<String>,
    /// 2.202 RQD.
    pub requested_on: Option<NaiveDate>,
    /// 2.037 RFP.
    pub reason: Option<String>,
    /// 2.203 PRI.
    pub priority: String,
    /// 2.018 NAM.
    pub name: Option<String>,
    /// 2.022 DOB.
    pub birth_date: Option<NaiveDate>,
    /// 2.020 POB.
    pub birth_country: Option<String>,
    /// 2.024 SEX.
    pub gender: Option<String>,
    /// 2.019 AKA, one a line.
    pub aliases: String,
    /// 2.204 ENC.
    pub encounter_id: Option<String>,
    /// 2.208 QSQ.
    pub sequence: i64,
    /// When it came in.
    pub received_at: DateTime<Utc>,
    /// When the answer is due.
    pub due_on: NaiveDate,
    /// The person's hundredth birthday (R-RT-04).
    pub keep_until: Option<NaiveDate>,
    /// Stage.
    pub state: String,
    /// Analyst working it.
    pub assigned_to: Option<i64>,
    /// Who prepared the response.
    pub prepared_by: Option<i64>,
    /// When.
    pub prepared_at: Option<DateTime<Utc>>,
    /// The Type-2 fields chosen (`18,22`).
    pub response_fields: Option<String>,
    /// Who approved it.
    pub approved_by: Option<i64>,
    /// When.
    pub approved_at: Option<DateTime<Utc>>,
    /// The answer's TCN.
    pub answer_tcn: Option<String>,
    /// CPMS's exchange holding the answer.
    pub answer_exchange: Option<i64>,
    /// When IDENT took it.
    pub sent_at: Option<DateTime<Utc>>,
}

/// A case to open.
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    /// `CAN`, `AUS`.
    pub partner: &'a str,
    /// The query's TCN.
    pub query_tcn: &'a str,
    /// CPMS's exchange of the query.
    pub query_exchange: i64,
    /// CPMS's person.
    pub person_id: i64,
    /// The agreement in force.
    pub agreement_id: i64,
    /// Requestor.
    pub requestor: Option<String>,
    /// Date of the request.
    pub requested_on: Option<NaiveDate>,
    /// Reason.
    pub reason: Option<String>,
    /// Priority code.
    pub priority: &'a str,
    /// Name.
    pub name: Option<String>,
    /// Birth date.
    pub birth_date: Option<NaiveDate>,
    /// Birth country.
    pub birth_country: Option<String>,
    /// Gender code.
    pub gender: Option<String>,
    /// Aliases, one a line.
    pub aliases: String,
    /// Encounter identifier.
    pub encounter_id: Option<String>,
    /// Query sequence.
    pub sequence: i64,
    /// Received.
    pub received_at: DateTime<Utc>,
    /// Due.
    pub due_on: NaiveDate,
    /// Kept until.
    pub keep_until: Option<NaiveDate>,
}

/// Opens a case in the queue; its id.
pub async fn open(tx: &mut Tx, c: &NewCase<'_>) -> Result<i64, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO icts_cases (partner, query_tcn, query_exchange, person_id, agreement_id, requestor, \
             requested_on, reason, priority, name, birth_date, birth_country, gender, aliases, encounter_id, sequence, \
             received_at, due_on, keep_until, state) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 'received') \
             RETURNING id",
        )
        .bind(c.partner)
        .bind(c.query_tcn)
        .bind(c.query_exchange)
        .bind(c.person_id)
        .bind(c.agreement_id)
        .bind(c.requestor.as_deref())
        .bind(c.requested_on)
        .bind(c.reason.as_deref())
        .bind(c.priority)
        .bind(c.name.as_deref())
        .bind(c.birth_date)
        .bind(c.birth_country.as_deref())
        .bind(c.gender.as_deref())
        .bind(c.aliases.as_str())
        .bind(c.encounter_id.as_deref())
        .bind(c.sequence)
        .bind(c.received_at)
        .bind(c.due_on)
        .bind(c.keep_until)
        .fetch_one(&mut *conn)
        .await?;
        id
    }))
}

/// Open cases (not yet sent), the earliest due first, then the highest priority.
pub async fn queue(db: &Db) -> Result<Vec<Summary>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as(concat!(
            "SELECT ", summary_cols!(), " FROM icts_cases WHERE state <> 'sent' ",
            "ORDER BY due_on, CASE priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, id"
        ))
        .fetch_all(pool)
        .await?
    }))
}

/// Cases sent, the latest first (at most `limit`).
pub async fn sent(db: &Db, limit: i64) -> Result<Vec<Summary>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as(concat!(
            "SELECT ", summary_cols!(), " FROM icts_cases WHERE state = 'sent' ORDER BY sent_at DESC, id DESC LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(pool)
        .await?
    }))
}

/// One case.
pub async fn get(db: &Db, id: i64) -> Result<Option<Case>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as("SELECT * FROM icts_cases WHERE id = $1").bind(id).fetch_optional(pool).await?
    }))
}

/// The case opened for a partner's query, if one was.
pub async fn by_query(db: &Db, partner: &str, tcn: &str) -> Result<Option<Case>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as("SELECT * FROM icts_cases WHERE partner = $1 AND query_tcn = $2")
            .bind(partner)
            .bind(tcn)
            .fetch_optional(pool)
            .await?
    }))
}

/// Assigns a case not yet prepared (received or assigned) to an analyst; false if it had moved on.
pub async fn assign(tx: &mut Tx, id: i64, to: i64) -> Result<bool, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query(
            "UPDATE icts_cases SET state = 'assigned', assigned_to = $2 \
             WHERE id = $1 AND state IN ('received', 'assigned')",
        )
        .bind(id)
        .bind(to)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1
    }))
}

/// Records the prepared response (the fields chosen) by the assigned analyst; false if the case
/// is not theirs or no longer open to preparing.
pub async fn prepare(tx: &mut Tx, id: i64, by: i64, fields: &str, at: DateTime<Utc>) -> Result<bool, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query(
            "UPDATE icts_cases SET state = 'prepared', prepared_by = $2, prepared_at = $4, response_fields = $3 \
             WHERE id = $1 AND assigned_to = $2 AND state IN ('assigned', 'prepared')",
        )
        .bind(id)
        .bind(by)
        .bind(fields)
        .bind(at)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1
    }))
}

/// Records the approval by a second analyst, with the answer's TCN and exchange; false if the
/// case is not prepared or the approver prepared it.
pub async fn approve(
    tx: &mut Tx,
    id: i64,
    by: i64,
    at: DateTime<Utc>,
    answer_tcn: &str,
    answer_exchange: i64,
) -> Result<bool, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query(
            "UPDATE icts_cases SET state = 'approved', approved_by = $2, approved_at = $3, answer_tcn = $4, \
             answer_exchange = $5 WHERE id = $1 AND state = 'prepared' AND prepared_by <> $2",
        )
        .bind(id)
        .bind(by)
        .bind(at)
        .bind(answer_tcn)
        .bind(answer_exchange)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1
    }))
}

/// Marks an approved case sent.
pub async fn mark_sent(tx: &mut Tx, id: i64, at: DateTime<Utc>) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("UPDATE icts_cases SET state = 'sent', sent_at = $2 WHERE id = $1 AND state = 'approved'")
            .bind(id)
            .bind(at)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

// ---------------------------------------------------------------- documents

/// A document's facts, without its bytes.
#[derive(Debug, Clone, sqlx::FromRow, PartialEq, Eq)]
pub struct DocumentInfo {
    /// Row id.
    pub id: i64,
    /// Label.
    pub label: String,
    /// Media type.
    pub media_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256, hex.
    pub sha256: String,
    /// Who attached it.
    pub added_by: i64,
    /// When.
    pub added_at: DateTime<Utc>,
}

/// Attaches a document; its id.
pub async fn add_document(
    tx: &mut Tx,
    case_id: i64,
    d: &super::model::Document,
    by: i64,
    at: DateTime<Utc>,
) -> Result<i64, DbError> {
    let size = i64::try_from(d.bytes.len()).unwrap_or(i64::MAX);
    Ok(crate::with_tx!(tx, conn => {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO icts_documents (case_id, label, media_type, size, sha256, bytes, added_by, added_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(case_id)
        .bind(d.label.as_str())
        .bind(d.media_type.as_str())
        .bind(size)
        .bind(d.sha256.as_str())
        .bind(d.bytes.as_slice())
        .bind(by)
        .bind(at)
        .fetch_one(&mut *conn)
        .await?;
        id
    }))
}

/// A case's documents, oldest first, without their bytes.
pub async fn documents(db: &Db, case_id: i64) -> Result<Vec<DocumentInfo>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, label, media_type, size, sha256, added_by, added_at FROM icts_documents \
             WHERE case_id = $1 ORDER BY id",
        )
        .bind(case_id)
        .fetch_all(pool)
        .await?
    }))
}

/// One document's media type and bytes, if it belongs to the case.
pub async fn document(db: &Db, case_id: i64, id: i64) -> Result<Option<(String, Vec<u8>)>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as("SELECT media_type, bytes FROM icts_documents WHERE case_id = $1 AND id = $2")
            .bind(case_id)
            .bind(id)
            .fetch_optional(pool)
            .await?
    }))
}

/// A case's documents with their bytes, oldest first: (label, media type, bytes), for the answer.
pub async fn document_bytes(db: &Db, case_id: i64) -> Result<Vec<(String, String, Vec<u8>)>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as("SELECT label, media_type, bytes FROM icts_documents WHERE case_id = $1 ORDER BY id")
            .bind(case_id)
            .fetch_all(pool)
            .await?
    }))
}

// ---------------------------------------------------------------- answers to send

/// An answer waiting to leave.
#[derive(Debug, Clone, sqlx::FromRow, PartialEq, Eq)]
pub struct Pending {
    /// Row id.
    pub id: i64,
    /// `CAN`, `AUS`.
    pub partner: String,
    /// CPMS's exchange holding the answer.
    pub exchange_id: i64,
    /// The case it answers, when an analyst answered.
    pub case_id: Option<i64>,
    /// Tries so far.
    pub attempts: i64,
}

/// Queues an answer in the transaction that decides it.
pub async fn enqueue(
    tx: &mut Tx,
    partner: &str,
    exchange_id: i64,
    case_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO icts_outbox (partner, exchange_id, case_id, created_at, next_at) \
             VALUES ($1, $2, $3, $4, $4) RETURNING id",
        )
        .bind(partner)
        .bind(exchange_id)
        .bind(case_id)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
        id
    }))
}

/// Answers due to be tried, oldest first (at most `limit`); `only` narrows to one.
pub async fn due(db: &Db, now: DateTime<Utc>, only: Option<i64>, limit: i64) -> Result<Vec<Pending>, DbError> {
    Ok(crate::with_db!(db, pool => {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT id, partner, exchange_id, case_id, attempts FROM icts_outbox WHERE sent_at IS NULL AND next_at <= ",
        );
        q.push_bind(now);
        if let Some(id) = only {
            q.push(" AND id = ").push_bind(id);
        }
        q.push(" ORDER BY id LIMIT ").push_bind(limit);
        q.build_query_as::<Pending>().fetch_all(pool).await?
    }))
}

/// Marks an answer sent; false if another node sent it first.
pub async fn outbox_sent(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<bool, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query("UPDATE icts_outbox SET sent_at = $2, attempts = attempts + 1 WHERE id = $1 AND sent_at IS NULL")
            .bind(id)
            .bind(now)
            .execute(&mut *conn)
            .await?
            .rows_affected()
            == 1
    }))
}

/// Records a failed try and when to try again.
pub async fn outbox_failed(db: &Db, id: i64, next_at: DateTime<Utc>, error: &str) -> Result<(), DbError> {
    crate::with_db!(db, pool => {
        sqlx::query("UPDATE icts_outbox SET attempts = attempts + 1, next_at = $2, last_error = $3 WHERE id = $1")
            .bind(id)
            .bind(next_at)
            .bind(error)
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// Answers not yet sent (for the queue page and tests).
pub async fn unsent(db: &Db) -> Result<i64, DbError> {
    Ok(crate::with_db!(db, pool => {
        let (n,): (i64,) =
            sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM icts_outbox WHERE sent_at IS NULL").fetch_one(pool).await?;
        n
    }))
}
