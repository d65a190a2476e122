//! Lobby alerts (R-QM-07): the measures a supervisor watches (longest wait, customers waiting,
//! appointments running late), each against its office's warning and critical thresholds. An
//! alert is raised once, when a measure reaches a level (the office's supervisors are emailed),
//! escalated once to critical, and cleared when the measure falls back below the warning level.
//! Evaluated after every lobby event and every minute, since waits grow with no event at all.

use chrono::{DateTime, NaiveDate, Utc};

use super::queue::local_day;
use super::rules::{self, Level, Measure, OfficeRules};
use crate::kernel::access::{Capability, Role};
use crate::kernel::db::{Db, DbError, Tx};
use crate::kernel::i18n::{ArgValue, I18n, Lang};
use crate::notify::{self, Channel, Message};
use crate::reference::{Catalog, Office};

/// The measures of an office's lobby at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Measures {
    /// Minutes the longest-waiting customer has waited.
    pub longest_wait: i64,
    /// Customers waiting.
    pub waiting: i64,
    /// Customers with an appointment still waiting after its time.
    pub running_late: i64,
}

impl Measures {
    /// One measure's value.
    pub fn value(&self, m: Measure) -> i64 {
        match m {
            Measure::LongestWait => self.longest_wait,
            Measure::Waiting => self.waiting,
            Measure::RunningLate => self.running_late,
        }
    }
}

/// Measures an office's lobby on its day.
pub async fn measures(db: &Db, office: &str, day: NaiveDate, now: DateTime<Utc>) -> Result<Measures, DbError> {
    let (waiting, running_late): (i64, i64) = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN booked = 1 AND priority_at < $3 THEN 1 ELSE 0 END), 0) \
             FROM lobby_tickets WHERE office_code = $1 AND day = $2 AND status = 'waiting'",
        )
        .bind(office)
        .bind(day.to_string())
        .bind(now)
        .fetch_one(pool)
        .await?
    });
    let first: Option<DateTime<Utc>> = crate::with_db!(db, pool => {
        sqlx::query_scalar(
            "SELECT arrived_at FROM lobby_tickets WHERE office_code = $1 AND day = $2 AND status = 'waiting' ORDER BY arrived_at LIMIT 1",
        )
        .bind(office)
        .bind(day.to_string())
        .fetch_optional(pool)
        .await?
    });
    let longest_wait = first.map_or(0, |t| (now - t).num_minutes().max(0));
    Ok(Measures { longest_wait, waiting, running_late })
}

/// An alert, open or cleared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// Row id.
    pub id: i64,
    /// What is measured.
    pub measure: Measure,
    /// Warning or critical.
    pub level: Level,
    /// The measure's value when raised (or escalated).
    pub value: i64,
    /// Raised.
    pub raised_at: DateTime<Utc>,
    /// Cleared, once the measure fell back.
    pub cleared_at: Option<DateTime<Utc>>,
}

type AlertRow = (i64, String, String, i32, DateTime<Utc>, Option<DateTime<Utc>>);

fn alert((id, measure, level, value, raised_at, cleared_at): AlertRow) -> Option<Alert> {
    Some(Alert {
        id,
        measure: Measure::parse(&measure)?,
        level: Level::parse(&level)?,
        value: value.into(),
        raised_at,
        cleared_at,
    })
}

/// An office's latest alerts, open ones first.
pub async fn recent(db: &Db, office: &str, limit: i64) -> Result<Vec<Alert>, DbError> {
    let rows: Vec<AlertRow> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, measure, level, value, raised_at, cleared_at FROM lobby_alerts WHERE office_code = $1 \
             ORDER BY CASE WHEN cleared_at IS NULL THEN 0 ELSE 1 END, raised_at DESC, id DESC LIMIT $2",
        )
        .bind(office)
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().filter_map(alert).collect())
}

/// What an evaluation changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Raised, or escalated to critical: supervisors were emailed.
    Raised(Measure, Level, i64),
    /// Fell back below warning.
    Cleared(Measure),
}

/// Measures an office, then raises, escalates and clears its alerts (see [`apply`]).
pub async fn evaluate(db: &Db, office: &Office, now: DateTime<Utc>) -> Result<Vec<Change>, DbError> {
    let rules = rules::of_office(db, &office.code).await?;
    let m = measures(db, &office.code, local_day(office.tz, now), now).await?;
    apply(db, office, now, &m, &rules).await
}

/// Raises, escalates and clears an office's alerts for measures just taken, and emails its
/// supervisors of each alert raised; all in one transaction, begun only when a level changed.
pub async fn apply(
    db: &Db,
    office: &Office,
    now: DateTime<Utc>,
    m: &Measures,
    rules: &OfficeRules,
) -> Result<Vec<Change>, DbError> {
    let open: Vec<Alert> = recent(db, &office.code, 3).await?.into_iter().filter(|a| a.cleared_at.is_none()).collect();
    let due: Vec<(Measure, i64, Level, Option<&Alert>)> = Measure::ALL
        .into_iter()
        .map(|measure| {
            let value = m.value(measure);
            (measure, value, rules.threshold(measure).level(value), open.iter().find(|a| a.measure == measure))
        })
        .filter(|(_, _, level, current)| match current {
            None => *level != Level::Normal,
            Some(a) => *level != a.level,
        })
        .collect();
    let mut changes = Vec::new();
    if due.is_empty() {
        return Ok(changes);
    }
    let mut tx = db.begin().await?;
    for (measure, value, level, current) in due {
        let stored = i32::try_from(value).unwrap_or(i32::MAX);
        let changed = crate::with_tx!(&mut tx, conn => {
            match current {
                Some(a) if level == Level::Normal => {
                    sqlx::query("UPDATE lobby_alerts SET cleared_at = $1 WHERE id = $2 AND cleared_at IS NULL")
                        .bind(now)
                        .bind(a.id)
                        .execute(&mut *conn)
                        .await?
                }
                // Down from critical to warning is no news for anyone; up to critical is raised again.
                Some(a) => {
                    sqlx::query("UPDATE lobby_alerts SET level = $1, value = $2 WHERE id = $3 AND cleared_at IS NULL")
                        .bind(level.as_str())
                        .bind(stored)
                        .bind(a.id)
                        .execute(&mut *conn)
                        .await?
                }
                None => {
                    sqlx::query(
                        "INSERT INTO lobby_alerts (office_code, measure, level, value, raised_at) VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(&office.code)
                    .bind(measure.as_str())
                    .bind(level.as_str())
                    .bind(stored)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?
                }
            }
            .rows_affected()
        });
        if changed != 1 {
            continue;
        }
        let change = match level {
            Level::Normal => Change::Cleared(measure),
            _ => Change::Raised(measure, level, value),
        };
        if matches!(change, Change::Raised(..)) && current.is_none_or(|a| level > a.level) {
            email_supervisors(&mut tx, now, office, rules, change).await?;
        }
        changes.push(change);
    }
    tx.commit().await?;
    Ok(changes)
}

async fn email_supervisors(
    tx: &mut Tx,
    now: DateTime<Utc>,
    office: &Office,
    rules: &OfficeRules,
    change: Change,
) -> Result<(), DbError> {
    let Change::Raised(measure, level, value) = change else { return Ok(()) };
    let mut staff: Vec<(i64, String, String)> = crate::staff::service::colleagues_at_in(tx, &office.code)
        .await?
        .into_iter()
        .filter(|c| c.active)
        .map(|c| (c.id, c.email, c.role))
        .collect();
    staff.sort_unstable();
    // Staff email is in English, like the staff pages, in the words of the catalogue.
    let Some(i18n) = I18n::shared() else {
        tracing::error!("message catalogues not loaded: lobby alert not emailed");
        return Ok(());
    };
    let t = rules.threshold(measure);
    let what = i18n.t(Lang::En, &format!("staff-measure-{}", measure.as_str()));
    let args: [(&str, &dyn ArgValue); 6] = [
        ("level", &level.as_str()),
        ("measure", &what),
        ("office", &office.name_en),
        ("value", &value),
        ("warning", &t.warning),
        ("critical", &t.critical),
    ];
    let subject = i18n.t_with(Lang::En, "staff-lobby-alert-subject", &args);
    let body = i18n.t_with(Lang::En, "staff-lobby-alert-body", &args) + "\n";
    let messages: Vec<Message> = staff
        .into_iter()
        .filter(|(_, _, role)| role.parse::<Role>().is_ok_and(|r| r.can(Capability::LobbyMonitor)))
        .map(|(_, email, _)| Message {
            channel: Channel::Email,
            recipient: email,
            subject: subject.clone(),
            body: body.clone(),
            customer_id: None,
            appointment_id: None,
            attachment: None,
        })
        .collect();
    notify::enqueue_many(tx, now, &messages).await
}

/// Evaluates every office with someone waiting or an alert open (the minutely job).
pub async fn evaluate_all(db: &Db, catalog: &Catalog, now: DateTime<Utc>) -> Result<usize, DbError> {
    let codes: Vec<String> = crate::with_db!(db, pool => {
        sqlx::query_scalar(
            "SELECT DISTINCT office_code FROM lobby_tickets WHERE status = 'waiting' \
             UNION SELECT office_code FROM lobby_alerts WHERE cleared_at IS NULL",
        )
        .fetch_all(pool)
        .await?
    });
    let mut changed = 0;
    for office in codes.iter().filter_map(|c| catalog.field_office(c)) {
        changed += evaluate(db, office, now).await?.len();
    }
    Ok(changed)
}
