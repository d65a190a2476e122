//! The scripts' SQL: scripts and their versions, the approvals' sequence, and the calls they
//! answered. Writes take the service's transaction; reads take the pool.

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::model::{CallUse, Draft, Status, Topic, Version};
use crate::kernel::db::{Db, DbError, Tx};

/// The columns of a version, as a macro so that statements are whole `&'static str`s
/// (`concat!`), with no SQL assembled at run time.
macro_rules! version_columns {
    () => {
        "v.id, v.script_id, v.version, v.status, v.topic, v.form_code, v.title_en, v.body_en, \
     v.title_es, v.body_es, v.note, v.drafted_by, v.drafted_at, v.revised_by, v.revised_at, v.decided_by, \
     v.decided_at, v.return_reason"
    };
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    id: i64,
    script_id: i64,
    version: i64,
    status: String,
    topic: String,
    form_code: Option<String>,
    title_en: String,
    body_en: String,
    title_es: String,
    body_es: String,
    note: String,
    drafted_by: String,
    drafted_at: DateTime<Utc>,
    revised_by: Option<String>,
    revised_at: Option<DateTime<Utc>>,
    decided_by: Option<String>,
    decided_at: Option<DateTime<Utc>>,
    return_reason: Option<String>,
}

impl VersionRow {
    /// The model's version; `None` for a topic this build does not know (written by a newer one).
    fn into_version(self) -> Option<Version> {
        Some(Version {
            id: self.id,
            script_id: self.script_id,
            version: self.version,
            status: Status::parse(&self.status),
            content: Draft {
                topic: Topic::parse(&self.topic)?,
                form_code: self.form_code,
                title_en: self.title_en,
                body_en: self.body_en,
                title_es: self.title_es,
                body_es: self.body_es,
                note: self.note,
            },
            drafted_by: self.drafted_by,
            drafted_at: self.drafted_at,
            revised: self.revised_by.zip(self.revised_at),
            decided: self.decided_by.zip(self.decided_at),
            return_reason: self.return_reason,
        })
    }
}

/// Binds a draft's seven columns in their order: topic, form, titles and texts, note.
trait BindDraft<'q> {
    fn bind_draft(self, d: &'q Draft) -> Self;
}

impl<'q, DB, O> BindDraft<'q> for sqlx::query::QueryAs<'q, DB, O, <DB as sqlx::Database>::Arguments>
where
    DB: sqlx::Database,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<&'q str>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    fn bind_draft(self, d: &'q Draft) -> Self {
        self.bind(d.topic.code())
            .bind(d.form_code.as_deref())
            .bind(d.title_en.as_str())
            .bind(d.body_en.as_str())
            .bind(d.title_es.as_str())
            .bind(d.body_es.as_str())
            .bind(d.note.as_str())
    }
}

fn versions(rows: Vec<VersionRow>) -> Vec<Version> {
    rows.into_iter().filter_map(VersionRow::into_version).collect()
}

/// A new script, without a version yet; returns its id.
pub async fn insert_script(tx: &mut Tx, by: &str, now: DateTime<Utc>) -> Result<i64, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_scalar("INSERT INTO scripts (created_by, created_at) VALUES ($1, $2) RETURNING id")
            .bind(by)
            .bind(now)
            .fetch_one(&mut *conn)
            .await?
    }))
}

/// A new pending version of a script (the next number); returns (version id, version number).
/// `None` when the script already has an open draft (the unique index refuses a second).
pub async fn insert_version(
    tx: &mut Tx,
    script_id: i64,
    d: &Draft,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Option<(i64, i64)>, DbError> {
    let inserted: Result<(i64, i64), sqlx::Error> = crate::with_tx!(tx, conn => {
        sqlx::query_as(
            "INSERT INTO script_versions (script_id, version, topic, form_code, title_en, body_en, title_es, body_es, note, \
             status, drafted_by, drafted_at) \
             VALUES ($1, (SELECT COALESCE(MAX(version), 0) + 1 FROM script_versions WHERE script_id = $1), \
             $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $10) RETURNING id, version",
        )
        .bind(script_id)
        .bind_draft(d)
        .bind(by)
        .bind(now)
        .fetch_one(&mut *conn)
        .await
    });
    match inserted {
        Ok(ids) => Ok(Some(ids)),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Rewrites a script's open draft (pending or returned) and sends it back for approval; returns
/// (version id, version number), or `None` when the script has no open draft.
pub async fn revise_open(
    tx: &mut Tx,
    script_id: i64,
    d: &Draft,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Option<(i64, i64)>, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_as(
            "UPDATE script_versions SET topic = $1, form_code = $2, title_en = $3, body_en = $4, title_es = $5, \
             body_es = $6, note = $7, status = 'pending', revised_by = $8, revised_at = $9, return_reason = NULL, \
             decided_by = NULL, decided_at = NULL \
             WHERE script_id = $10 AND status <> 'approved' RETURNING id, version",
        )
        .bind_draft(d)
        .bind(by)
        .bind(now)
        .bind(script_id)
        .fetch_optional(&mut *conn)
        .await?
    }))
}

/// Whether a script exists.
pub async fn script_exists(tx: &mut Tx, script_id: i64) -> Result<bool, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_scalar::<_, i64>("SELECT id FROM scripts WHERE id = $1")
            .bind(script_id)
            .fetch_optional(&mut *conn)
            .await?
    })
    .is_some())
}

/// A version by its id, inside a transaction.
pub async fn version_in(tx: &mut Tx, version_id: i64) -> Result<Option<Version>, DbError> {
    let sql = concat!("SELECT ", version_columns!(), " FROM script_versions v WHERE v.id = $1");
    let row: Option<VersionRow> = crate::with_tx!(tx, conn => {
        sqlx::query_as(sql).bind(version_id).fetch_optional(&mut *conn).await?
    });
    Ok(row.and_then(VersionRow::into_version))
}

/// Approves a pending version: it takes the next generation of the approvals' sequence and
/// becomes its script's current version. Returns the generation, or `None` when the version is
/// not pending (decided meanwhile).
pub async fn approve(tx: &mut Tx, version_id: i64, by: &str, now: DateTime<Utc>) -> Result<Option<i64>, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        // The head's row lock orders approvals: generations commit in the order they are taken.
        let generation: i64 = sqlx::query_scalar("UPDATE script_head SET generation = generation + 1 WHERE id = 1 RETURNING generation")
            .fetch_one(&mut *conn)
            .await?;
        let approved: Option<(i64, i64)> = sqlx::query_as(
            "UPDATE script_versions SET status = 'approved', decided_by = $1, decided_at = $2, generation = $3 \
             WHERE id = $4 AND status = 'pending' RETURNING script_id, version",
        )
        .bind(by)
        .bind(now)
        .bind(generation)
        .bind(version_id)
        .fetch_optional(&mut *conn)
        .await?;
        match approved {
            Some((script_id, version)) => {
                sqlx::query("UPDATE scripts SET current_version = $1 WHERE id = $2")
                    .bind(version)
                    .bind(script_id)
                    .execute(&mut *conn)
                    .await?;
                Some(generation)
            }
            None => None,
        }
    }))
}

/// Returns a pending version to its authors with a reason; false when it is not pending.
pub async fn return_version(
    tx: &mut Tx,
    version_id: i64,
    by: &str,
    now: DateTime<Utc>,
    reason: &str,
) -> Result<bool, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query(
            "UPDATE script_versions SET status = 'returned', decided_by = $1, decided_at = $2, return_reason = $3 \
             WHERE id = $4 AND status = 'pending'",
        )
        .bind(by)
        .bind(now)
        .bind(reason)
        .bind(version_id)
        .execute(&mut *conn)
        .await?
        .rows_affected()
    }) == 1)
}

/// Every version of a script, newest first.
pub async fn history(db: &Db, script_id: i64) -> Result<Vec<Version>, DbError> {
    let sql = concat!(
        "SELECT ",
        version_columns!(),
        " FROM script_versions v WHERE v.script_id = $1 ORDER BY v.version DESC"
    );
    let rows: Vec<VersionRow> = crate::with_db!(db, pool => {
        sqlx::query_as(sql).bind(script_id).fetch_all(pool).await?
    });
    Ok(versions(rows))
}

/// The version shown of a script: its latest approved one.
pub async fn current(db: &Db, script_id: i64) -> Result<Option<Version>, DbError> {
    let sql = concat!(
        "SELECT ",
        version_columns!(),
        " FROM scripts s JOIN script_versions v ON v.script_id = s.id AND v.version = s.current_version WHERE s.id = $1"
    );
    let row: Option<VersionRow> = crate::with_db!(db, pool => {
        sqlx::query_as(sql).bind(script_id).fetch_optional(pool).await?
    });
    Ok(row.and_then(VersionRow::into_version))
}

/// The drafts waiting for an approver, oldest first.
pub async fn pending(db: &Db) -> Result<Vec<Version>, DbError> {
    let sql = concat!(
        "SELECT ",
        version_columns!(),
        " FROM script_versions v WHERE v.status = 'pending' ORDER BY COALESCE(v.revised_at, v.drafted_at), v.id"
    );
    let rows: Vec<VersionRow> = crate::with_db!(db, pool => {
        sqlx::query_as(sql).fetch_all(pool).await?
    });
    Ok(versions(rows))
}

/// The most scripts one browse lists.
pub const BROWSE_LIMIT: i64 = 500;

/// The current versions of the scripts of a topic and/or a form, by title.
pub async fn browse(db: &Db, topic: Option<Topic>, form_code: Option<&str>) -> Result<Vec<Version>, DbError> {
    let rows: Vec<VersionRow> = crate::with_db!(db, pool => {
        let mut q = QueryBuilder::new(concat!(
            "SELECT ",
            version_columns!(),
            " FROM scripts s JOIN script_versions v ON v.script_id = s.id AND v.version = s.current_version WHERE 1 = 1"
        ));
        if let Some(t) = topic {
            q.push(" AND v.topic = ").push_bind(t.code());
        }
        if let Some(f) = form_code {
            q.push(" AND v.form_code = ").push_bind(f.to_owned());
        }
        q.push(" ORDER BY v.title_en, v.script_id LIMIT ").push_bind(BROWSE_LIMIT);
        q.build_query_as().fetch_all(pool).await?
    });
    Ok(versions(rows))
}

/// How many approved scripts each topic holds.
pub async fn topic_counts(db: &Db) -> Result<Vec<(Topic, i64)>, DbError> {
    let rows: Vec<(String, i64)> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT v.topic, COUNT(*) FROM scripts s JOIN script_versions v ON v.script_id = s.id AND v.version = s.current_version \
             GROUP BY v.topic",
        )
        .fetch_all(pool)
        .await?
    });
    let mut counts: Vec<(Topic, i64)> = rows.into_iter().filter_map(|(t, n)| Some((Topic::parse(&t)?, n))).collect();
    counts.sort();
    Ok(counts)
}

/// Records that a version answered a call; returns the record's id.
pub async fn insert_use(
    tx: &mut Tx,
    script_id: i64,
    u: &CallUse,
    (by, office): (&str, &str),
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO script_uses (script_id, version, used_by, office, used_at, call_ref, receipt_number) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(script_id)
        .bind(u.version)
        .bind(by)
        .bind(office)
        .bind(now)
        .bind(u.call_ref.as_deref())
        .bind(u.receipt.as_ref().map(|r| r.as_str().to_owned()))
        .fetch_one(&mut *conn)
        .await?
    }))
}

/// Whether `version` of a script is approved (calls are recorded only against what was shown).
pub async fn is_approved(tx: &mut Tx, script_id: i64, version: i64) -> Result<bool, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_scalar::<_, i64>("SELECT id FROM script_versions WHERE script_id = $1 AND version = $2 AND status = 'approved'")
            .bind(script_id)
            .bind(version)
            .fetch_optional(&mut *conn)
            .await?
    })
    .is_some())
}

/// How many calls a script answered.
pub async fn use_count(db: &Db, script_id: i64) -> Result<i64, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM script_uses WHERE script_id = $1").bind(script_id).fetch_one(pool).await?
    }))
}

/// The last generation of the approvals' sequence: one primary-key read, cheap enough for every
/// search to ask whether another node approved something.
pub async fn generation(db: &Db) -> Result<i64, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT generation FROM script_head WHERE id = 1").fetch_one(pool).await?
    }))
}

/// A script's current version as the search index holds it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Indexed {
    /// The script.
    pub script_id: i64,
    /// Its current version.
    pub version: i64,
    /// Topic code.
    pub topic: String,
    /// Form code.
    pub form_code: Option<String>,
    /// English title.
    pub title_en: String,
    /// English text.
    pub body_en: String,
    /// Spanish title.
    pub title_es: String,
    /// Spanish text.
    pub body_es: String,
    /// The approval's generation.
    pub generation: i64,
}

/// The scripts whose current version was approved after `generation` (every script for 0).
pub async fn approved_since(db: &Db, generation: i64) -> Result<Vec<Indexed>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT v.script_id, v.version, v.topic, v.form_code, v.title_en, v.body_en, v.title_es, v.body_es, v.generation \
             FROM scripts s JOIN script_versions v ON v.script_id = s.id AND v.version = s.current_version \
             WHERE v.generation > $1 ORDER BY v.generation",
        )
        .bind(generation)
        .fetch_all(pool)
        .await?
    }))
}

/// How many scripts exist (approved or not).
pub async fn count(db: &Db) -> Result<i64, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM scripts").fetch_one(pool).await?
    }))
}
