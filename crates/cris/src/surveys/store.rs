//! The survey tables' SQL (`surveys`, `survey_questions`, `survey_invitations`, `survey_tokens`,
//! `survey_responses`, `survey_answers`, `survey_opt_outs`), on both engines.

use chrono::{DateTime, NaiveDate, Utc};

use super::model::{Answer, Kind, Question, QuestionCounts, Survey};
use crate::kernel::db::{Db, DbError, Tx};

type SurveyRow = (i64, String, String, String, NaiveDate, i32, String, String);
type QuestionRow = (i64, i32, String, String, String, String, String);

fn split(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_owned).collect()
}

fn question(r: QuestionRow) -> Option<(i64, Question)> {
    let lines = |s: &str| -> Vec<String> { s.lines().map(str::to_owned).collect() };
    Some((
        r.0,
        Question {
            position: r.1,
            kind: Kind::parse(&r.2)?,
            text_en: r.3,
            text_es: r.4,
            choices_en: lines(&r.5),
            choices_es: lines(&r.6),
        },
    ))
}

/// Stores a new survey and its questions; returns its id.
pub async fn insert(tx: &mut Tx, s: &Survey, by: &str, now: DateTime<Utc>) -> Result<i64, DbError> {
    crate::with_tx!(tx, conn => {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO surveys (title_en, title_es, omb_number, expires_on, burden_minutes, offices, services, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(&s.title_en)
        .bind(&s.title_es)
        .bind(&s.omb_number)
        .bind(s.expires_on)
        .bind(s.burden_minutes)
        .bind(s.offices.join(" "))
        .bind(s.services.join(" "))
        .bind(by)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
        for q in &s.questions {
            sqlx::query(
                "INSERT INTO survey_questions (survey_id, position, kind, text_en, text_es, choices_en, choices_es) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(q.position)
            .bind(q.kind.as_str())
            .bind(&q.text_en)
            .bind(&q.text_es)
            .bind(q.choices_en.join("\n"))
            .bind(q.choices_es.join("\n"))
            .execute(&mut *conn)
            .await?;
        }
        Ok(id)
    })
}

/// Every survey with its questions, newest first; only those whose approval runs on `active_on`
/// when it is given.
pub async fn surveys(db: &Db, active_on: Option<NaiveDate>) -> Result<Vec<Survey>, DbError> {
    // PostgreSQL's dates start in 4713 BC, chrono's earlier: a plain old date stands for "any".
    let floor = active_on.or(NaiveDate::from_ymd_opt(1900, 1, 1)).unwrap_or_default();
    let (rows, qs): (Vec<SurveyRow>, Vec<QuestionRow>) = crate::with_db!(db, pool => {
        let rows = sqlx::query_as(
            "SELECT id, title_en, title_es, omb_number, expires_on, burden_minutes, offices, services FROM surveys \
             WHERE expires_on >= $1 ORDER BY id DESC",
        )
        .bind(floor)
        .fetch_all(pool)
        .await?;
        let qs = sqlx::query_as(
            "SELECT q.survey_id, q.position, q.kind, q.text_en, q.text_es, q.choices_en, q.choices_es FROM survey_questions q \
             JOIN surveys s ON s.id = q.survey_id WHERE s.expires_on >= $1 ORDER BY q.survey_id, q.position",
        )
        .bind(floor)
        .fetch_all(pool)
        .await?;
        (rows, qs)
    });
    let qs: Vec<(i64, Question)> = qs.into_iter().filter_map(question).collect();
    Ok(rows
        .into_iter()
        .map(|r| Survey {
            id: r.0,
            title_en: r.1,
            title_es: r.2,
            omb_number: r.3,
            expires_on: r.4,
            burden_minutes: r.5,
            offices: split(&r.6),
            services: split(&r.7),
            questions: qs.iter().filter(|(s, _)| *s == r.0).map(|(_, q)| q.clone()).collect(),
        })
        .collect())
}

/// One survey.
pub async fn survey(db: &Db, id: i64) -> Result<Option<Survey>, DbError> {
    Ok(surveys(db, None).await?.into_iter().find(|s| s.id == id))
}

/// Records the invitation of a visit and its token, unless the visit was invited before or the
/// address's hash is on the opt-out list (checked here, in SQL, R-SV-04). Returns whether it was
/// recorded (and the email may go).
#[expect(clippy::too_many_arguments, reason = "one row's columns")]
pub async fn invite(
    tx: &mut Tx,
    appointment_id: i64,
    survey_id: i64,
    office: &str,
    appointment_day: NaiveDate,
    today: NaiveDate,
    email_hash: &str,
    token_hash: &str,
) -> Result<bool, DbError> {
    crate::with_tx!(tx, conn => {
        let done = sqlx::query(
            "INSERT INTO survey_invitations (appointment_id, survey_id, appointment_day, invited_on) \
             SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM survey_opt_outs WHERE email_hash = $5) \
             ON CONFLICT (appointment_id) DO NOTHING",
        )
        .bind(appointment_id)
        .bind(survey_id)
        .bind(appointment_day)
        .bind(today)
        .bind(email_hash)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if done == 0 {
            return Ok(false);
        }
        sqlx::query("INSERT INTO survey_tokens (token_hash, appointment_id, survey_id, office_code) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(appointment_id)
            .bind(survey_id)
            .bind(office)
            .execute(&mut *conn)
            .await?;
        Ok(true)
    })
}

/// Invitations sent on or before `invited_by` that have had no reminder and are not known to be
/// answered or opted out: `(appointment, survey, office of its token or None when the token was
/// used)`.
pub async fn due_reminders(
    db: &Db,
    invited_by: NaiveDate,
    limit: i64,
) -> Result<Vec<(i64, i64, Option<String>)>, DbError> {
    crate::with_db!(db, pool => {
        Ok(sqlx::query_as(
            "SELECT i.appointment_id, i.survey_id, (SELECT MIN(t.office_code) FROM survey_tokens t WHERE t.appointment_id = i.appointment_id) \
             FROM survey_invitations i WHERE i.reminded = $1 AND i.answered = $1 AND i.opted_out = $1 AND i.invited_on <= $2 \
             ORDER BY i.appointment_id LIMIT $3",
        )
        .bind(false)
        .bind(invited_by)
        .bind(limit)
        .fetch_all(pool)
        .await?)
    })
}

/// What became of an invitation due for its reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// The token was used: flagged answered, nothing sent. Flags are set only here, in batches
    /// four days on, never when the answer is stored, so no row changes at the moment of answering.
    Answered,
    /// The address is on the opt-out list: flagged, nothing sent.
    OptedOut,
    /// A reminder may go with the new token: flagged reminded.
    Remind,
}

/// Settles one invitation due for its reminder, checking the opt-out list in SQL; on `Remind`, the
/// invitation's tokens are replaced by `new_token_hash` (the first link stops working, the
/// reminder's works; hashes only, so the first token cannot be sent again).
pub async fn settle(
    tx: &mut Tx,
    appointment_id: i64,
    email_hash: &str,
    new_token_hash: &str,
) -> Result<Settled, DbError> {
    crate::with_tx!(tx, conn => {
        let token: Option<(i64, String)> = sqlx::query_as(
            "SELECT survey_id, office_code FROM survey_tokens WHERE appointment_id = $1 LIMIT 1",
        )
        .bind(appointment_id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some((survey_id, office)) = token else {
            sqlx::query("UPDATE survey_invitations SET answered = $1 WHERE appointment_id = $2")
                .bind(true)
                .bind(appointment_id)
                .execute(&mut *conn)
                .await?;
            return Ok(Settled::Answered);
        };
        let opted = sqlx::query(
            "UPDATE survey_invitations SET opted_out = $1 WHERE appointment_id = $2 \
             AND EXISTS (SELECT 1 FROM survey_opt_outs WHERE email_hash = $3)",
        )
        .bind(true)
        .bind(appointment_id)
        .bind(email_hash)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if opted > 0 {
            sqlx::query("DELETE FROM survey_tokens WHERE appointment_id = $1").bind(appointment_id).execute(&mut *conn).await?;
            return Ok(Settled::OptedOut);
        }
        sqlx::query("DELETE FROM survey_tokens WHERE appointment_id = $1").bind(appointment_id).execute(&mut *conn).await?;
        sqlx::query("INSERT INTO survey_tokens (token_hash, appointment_id, survey_id, office_code) VALUES ($1, $2, $3, $4)")
            .bind(new_token_hash)
            .bind(appointment_id)
            .bind(survey_id)
            .bind(office)
            .execute(&mut *conn)
            .await?;
        sqlx::query("UPDATE survey_invitations SET reminded = $1 WHERE appointment_id = $2")
            .bind(true)
            .bind(appointment_id)
            .execute(&mut *conn)
            .await?;
        Ok(Settled::Remind)
    })
}

/// The survey and office a live token gives the right to answer.
pub async fn token(db: &Db, token_hash: &str) -> Result<Option<(i64, String)>, DbError> {
    crate::with_db!(db, pool => {
        Ok(sqlx::query_as("SELECT survey_id, office_code FROM survey_tokens WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(pool)
            .await?)
    })
}

/// Burns a token (and any other of the same invitation): returns the survey and office it was
/// for, or `None` when it was not live. Nothing else about the invitation changes.
pub async fn burn(tx: &mut Tx, token_hash: &str) -> Result<Option<(i64, String)>, DbError> {
    crate::with_tx!(tx, conn => {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "DELETE FROM survey_tokens WHERE appointment_id IN (SELECT appointment_id FROM survey_tokens WHERE token_hash = $1) \
             RETURNING survey_id, office_code",
        )
        .bind(token_hash)
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows.into_iter().next())
    })
}

/// Stores one response under a random id, with its survey, office and ISO week only.
pub async fn insert_response(
    tx: &mut Tx,
    id: &str,
    survey_id: i64,
    office: &str,
    iso_week: &str,
    answers: &[(i32, Answer)],
) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("INSERT INTO survey_responses (id, survey_id, office_code, iso_week) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(survey_id)
            .bind(office)
            .bind(iso_week)
            .execute(&mut *conn)
            .await?;
        for (position, a) in answers {
            let (scale, choice, text) = match a {
                Answer::Scale(v) => (Some(*v), None, None),
                Answer::Choice(v) => (None, Some(*v), None),
                Answer::Text(t) => (None, None, Some(t.clone())),
            };
            sqlx::query("INSERT INTO survey_answers (response_id, position, scale, choice, text) VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(position)
                .bind(scale)
                .bind(choice)
                .bind(text)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    })
}

/// Adds a hash to the opt-out list (once).
pub async fn add_opt_out(tx: &mut Tx, email_hash: &str, today: NaiveDate) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("INSERT INTO survey_opt_outs (email_hash, since) VALUES ($1, $2) ON CONFLICT (email_hash) DO NOTHING")
            .bind(email_hash)
            .bind(today)
            .execute(&mut *conn)
            .await?;
        Ok(())
    })
}

/// Whether a hash is on the opt-out list.
pub async fn opted_out(db: &Db, email_hash: &str) -> Result<bool, DbError> {
    crate::with_db!(db, pool => {
        let n: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM survey_opt_outs WHERE email_hash = $1")
            .bind(email_hash)
            .fetch_optional(pool)
            .await?;
        Ok(n.is_some())
    })
}

/// Which of these appointments have an invitation already.
pub async fn invited(db: &Db, appointment_ids: &[i64]) -> Result<Vec<i64>, DbError> {
    let mut out = Vec::new();
    for part in appointment_ids.chunks(500) {
        let ids: Vec<i64> = crate::with_db!(db, pool => {
            let mut q = sqlx::QueryBuilder::new("SELECT appointment_id FROM survey_invitations WHERE 1 = 1");
            crate::kernel::db::push_in(&mut q, "appointment_id", part);
            q.build_query_scalar().fetch_all(pool).await?
        });
        out.extend(ids);
    }
    Ok(out)
}

/// Deletes up to `batch` invitations (and their live tokens) of appointments dated before
/// `before`; returns how many went. For the retention engine: invitations are purged with the
/// appointment, in batches short enough not to hold locks for long; call until it returns 0.
pub async fn purge_invitations_before(db: &Db, before: NaiveDate, batch: i64) -> Result<u64, DbError> {
    crate::with_db!(db, pool => {
        sqlx::query(
            "DELETE FROM survey_tokens WHERE appointment_id IN \
             (SELECT appointment_id FROM survey_invitations WHERE appointment_day < $1 ORDER BY appointment_id LIMIT $2)",
        )
        .bind(before)
        .bind(batch)
        .execute(pool)
        .await?;
        Ok(sqlx::query(
            "DELETE FROM survey_invitations WHERE appointment_id IN \
             (SELECT appointment_id FROM survey_invitations WHERE appointment_day < $1 ORDER BY appointment_id LIMIT $2)",
        )
        .bind(before)
        .bind(batch)
        .execute(pool)
        .await?
        .rows_affected())
    })
}

/// The responses of a survey in a period (ISO weeks, inclusive), at one office or all.
pub async fn count_responses(
    db: &Db,
    survey_id: i64,
    office: Option<&str>,
    from_week: &str,
    to_week: &str,
) -> Result<i64, DbError> {
    crate::with_db!(db, pool => {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM survey_responses WHERE survey_id = $1 AND iso_week >= $2 AND iso_week <= $3 \
             AND ($4 = '' OR office_code = $4)",
        )
        .bind(survey_id)
        .bind(from_week)
        .bind(to_week)
        .bind(office.unwrap_or(""))
        .fetch_one(pool)
        .await?;
        Ok(n)
    })
}

/// Per-question figures of a group: `(position, scale, choice, count)` and the free texts in
/// alphabetical order (never storage order).
pub async fn question_counts(
    db: &Db,
    survey: &Survey,
    office: Option<&str>,
    from_week: &str,
    to_week: &str,
) -> Result<Vec<QuestionCounts>, DbError> {
    type Row = (i32, Option<i32>, Option<i32>, i64);
    let (rows, texts): (Vec<Row>, Vec<(i32, String)>) = crate::with_db!(db, pool => {
        let rows = sqlx::query_as(
            "SELECT a.position, a.scale, a.choice, COUNT(*) FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id \
             WHERE r.survey_id = $1 AND r.iso_week >= $2 AND r.iso_week <= $3 AND ($4 = '' OR r.office_code = $4) \
             AND a.text IS NULL GROUP BY a.position, a.scale, a.choice",
        )
        .bind(survey.id)
        .bind(from_week)
        .bind(to_week)
        .bind(office.unwrap_or(""))
        .fetch_all(pool)
        .await?;
        let texts = sqlx::query_as(
            "SELECT a.position, a.text FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id \
             WHERE r.survey_id = $1 AND r.iso_week >= $2 AND r.iso_week <= $3 AND ($4 = '' OR r.office_code = $4) \
             AND a.text IS NOT NULL ORDER BY a.position, a.text",
        )
        .bind(survey.id)
        .bind(from_week)
        .bind(to_week)
        .bind(office.unwrap_or(""))
        .fetch_all(pool)
        .await?;
        (rows, texts)
    });
    Ok(survey
        .questions
        .iter()
        .map(|q| {
            let slots = match q.kind {
                Kind::Scale => 5,
                Kind::Choice => q.choices_en.len(),
                Kind::Text => 0,
            };
            let mut counts = vec![0i64; slots];
            for (p, scale, choice, n) in rows.iter().filter(|r| r.0 == q.position) {
                let _ = p;
                let i = match (q.kind, scale, choice) {
                    (Kind::Scale, Some(v), _) => usize::try_from(*v - 1).ok(),
                    (Kind::Choice, _, Some(v)) => usize::try_from(*v).ok(),
                    _ => None,
                };
                if let Some(c) = i.and_then(|i| counts.get_mut(i)) {
                    *c += n;
                }
            }
            let texts: Vec<String> = texts.iter().filter(|(p, _)| *p == q.position).map(|(_, t)| t.clone()).collect();
            let answered = if q.kind == Kind::Text { texts.len() as i64 } else { counts.iter().sum() };
            QuestionCounts { question: q.clone(), counts, texts, answered }
        })
        .collect())
}

/// Invitations of appointments dated before `before` (the retention engine's plan).
pub async fn expired_invitations(db: &Db, before: NaiveDate) -> Result<crate::kernel::db::Extent, DbError> {
    let (n, lo, hi): (i64, Option<NaiveDate>, Option<NaiveDate>) = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT COUNT(*), MIN(appointment_day), MAX(appointment_day) FROM survey_invitations WHERE appointment_day < $1",
        )
        .bind(before)
        .fetch_one(pool)
        .await?
    });
    Ok(crate::kernel::db::Extent { count: n, oldest: lo, newest: hi })
}
