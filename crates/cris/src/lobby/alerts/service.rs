//! Lobby alerts (R-QM-07): the measures a supervisor watches (longest wait, customers waiting,
//! appointments running late), each against its office's warning and critical thresholds. An
//! alert is raised once, when a measure reaches a level (the office's supervisors are emailed),
//! escalated once to critical, and cleared when the measure falls back below the warning level.
//! Evaluated after every lobby event and every minute, since waits grow with no event at all.

use chrono::{DateTime, NaiveDate, Utc};

use super::model::{Alert, Change, Measures};
use super::store;
use crate::kernel::access::{Capability, Role};
use crate::kernel::db::{Db, DbError, Tx};
use crate::kernel::i18n::{ArgValue, I18n, Lang};
use crate::lobby::queue::local_day;
use crate::lobby::rules::{self, Level, Measure, OfficeRules};
use crate::notify::{self, Channel, Message};
use crate::reference::{Catalog, Office};

/// Measures an office's lobby on its day.
pub async fn measures(db: &Db, office: &str, day: NaiveDate, now: DateTime<Utc>) -> Result<Measures, DbError> {
    let (waiting, running_late, first) = store::waiting_counts(db, office, day, now).await?;
    let longest_wait = first.map_or(0, |t| (now - t).num_minutes().max(0));
    Ok(Measures { longest_wait, waiting, running_late })
}

/// An office's latest alerts, open ones first.
pub async fn recent(db: &Db, office: &str, limit: i64) -> Result<Vec<Alert>, DbError> {
    store::recent(db, office, limit).await
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
        let changed = match current {
            Some(a) if level == Level::Normal => store::clear(&mut tx, a.id, now).await?,
            // Down from critical to warning is no news for anyone; up to critical is raised again.
            Some(a) => store::relevel(&mut tx, a.id, level, stored).await?,
            None => store::raise(&mut tx, &office.code, (measure, level, stored), now).await?,
        };
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
    let codes = store::offices_to_watch(db).await?;
    let mut changed = 0;
    for office in codes.iter().filter_map(|c| catalog.field_office(c)) {
        changed += evaluate(db, office, now).await?.len();
    }
    Ok(changed)
}
