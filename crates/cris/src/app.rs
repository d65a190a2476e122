//! Start-up and the subcommands: open the database, migrate, refresh reference data, then serve
//! (with the background workers) or seed; and the router, assembled here from every
//! capability's routes and handed to the web shell, which imports no capability. Shared by the
//! binary and the tests, so the tests start the real thing.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;

use crate::config::{ServeSettings, Settings};
use crate::kernel::clock::Clock;
use crate::kernel::db::Db;
use crate::kernel::i18n::I18n;
use crate::notify::Mailer;
use crate::reference::Catalog;
use crate::web::{self, AppState};

/// Connects, applies migrations and writes the reference data (offices) the tables refer to.
pub async fn open(database_url: &str, max_connections: u32) -> anyhow::Result<(Db, Arc<Catalog>)> {
    let catalog = Arc::new(Catalog::load().context("reference data")?);
    crate::staff::service::install_alerts();
    crate::staff::service::install_sessions();
    install_hooks();
    let db = Db::connect(database_url, max_connections).await?;
    db.migrate().await?;
    crate::offices::sync_from_catalog(&db, &catalog).await.context("writing offices")?;
    crate::infopass::calendar::ensure_defaults(&db, &catalog).await.context("office calendars")?;
    Ok((db, catalog))
}

/// Installs the calls that run against the import direction (cases sit below the capabilities
/// that ask them): portfolio alerts on a status change, the case page's service requests, and
/// the decisions processing-time suggestions are computed from.
fn install_hooks() {
    crate::portfolio::service::install_alerts();
    crate::service_requests::service::install_case_page();
    crate::processing_times::on_decisions(|db, since, until| {
        Box::pin(crate::case_status::service::decisions_between(db, since, until))
    });
}

/// The whole application: every capability's routes, mounted into the web shell under its
/// layers (`web::shell`). Installs what the shell asks of staff (who holds a staff session).
pub fn router(state: AppState, request_timeout: Duration) -> axum::Router {
    crate::staff::service::install_sessions();
    install_hooks();
    let capabilities = axum::Router::new()
        .merge(crate::staff::routes::routes())
        .merge(crate::staff_home::routes())
        .merge(crate::api_clients::routes::routes())
        .merge(crate::case_status::routes::routes())
        .merge(crate::case_status::wire::routes())
        .merge(crate::processing_times::routes::routes())
        .merge(crate::processing_times::pages::routes())
        .merge(crate::portfolio::routes::routes())
        .merge(crate::infopass::calendar::routes::routes())
        .merge(crate::change_of_address::routes::routes())
        .merge(crate::service_requests::routes::routes())
        .merge(crate::service_requests::staff_routes::routes())
        .merge(crate::infopass::booking::routes::routes())
        .merge(crate::lobby::routes::routes())
        .merge(crate::lobby::dashboard::routes())
        .merge(crate::reports::routes::routes())
        .merge(crate::infopass::calendar::staff_routes::routes())
        .merge(crate::infopass::kiosk::routes())
        .merge(crate::infopass::representatives::routes::routes())
        .merge(crate::script_gateway::routes::routes())
        .merge(crate::notify::routes::routes())
        .merge(crate::surveys::routes::routes())
        .merge(crate::retention::routes::routes())
        .merge(crate::icts::routes::routes())
        .merge(crate::cpms::routes::routes())
        .merge(crate::openapi::routes());
    web::shell(state, capabilities, request_timeout)
}

/// Loads the demo data set (cases, demo staff accounts, the demo API client) into a database
/// that holds no cases yet.
pub async fn ensure_demo(db: &Db, catalog: &Catalog, cases: u64, clock: &Clock) -> anyhow::Result<()> {
    let empty = !crate::case_status::service::any(db).await?;
    if empty && !crate::seed::demo_loaded(db).await? {
        let as_of = clock.today_in(chrono_tz::America::New_York);
        tracing::info!(cases, %as_of, "loading the demo data set");
        let report = crate::seed::load_demo(db, catalog, cases, as_of).await?;
        crate::seed::demo_extras(db, catalog, as_of, clock.now()).await?;
        // International sharing: agreements, a few thousand persons (fingers shared with the
        // stand-in partners' galleries), their asylum cases assigned to the demo asylum officer.
        let demo = crate::cpms::service::Demo {
            persons: 3_000,
            seeds: crate::ident::standin::person_finger_seed,
            keep_until: crate::retention::model::sharing_keep_until,
            officer: crate::staff::store::by_username(db, "asylum.nbc").await?.map(|u| u.id),
        };
        let persons = crate::cpms::service::load_demo(db, clock.now(), as_of, &demo).await?;
        tracing::info!(persons, "sharing demo loaded");
        tracing::info!(
            cases = report.cases,
            history = report.history,
            mail = report.mail,
            seconds = report.elapsed.as_secs_f64(),
            "demo data loaded"
        );
    }
    Ok(())
}

/// Runs the background jobs until `stop` changes: email delivery, the USPS inbox (every 30 s),
/// survey invitations (hourly), and daily the retention purge (sessions included) and the
/// deactivation of unused staff accounts.
pub fn spawn_workers(
    state: AppState,
    senders: crate::notify::Senders,
    unused_after: chrono::Duration,
    data_dir: std::path::PathBuf,
    retention: crate::retention::model::Policies,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut mail_tick = tokio::time::interval(Duration::from_secs(2));
        let mut hourly = tokio::time::interval(Duration::from_secs(3600));
        let mut daily = tokio::time::interval(Duration::from_secs(24 * 3600));
        let mut inbox = tokio::time::interval(Duration::from_secs(30));
        let mut minutely = tokio::time::interval(Duration::from_secs(60));
        loop {
            tokio::select! {
                _ = stop.changed() => break,
                _ = mail_tick.tick() => {
                    if let Err(e) = crate::notify::deliver_round(state.db(), &senders, state.clock().now(), 2).await {
                        tracing::warn!(error = %e, "outbox delivery failed");
                    }
                }
                _ = inbox.tick() => {
                    if let Err(e) = crate::usps::service::process_inbox(state.db(), state.catalog(), state.clock().now(), &data_dir).await {
                        tracing::warn!(error = %e, "USPS inbox failed");
                    }
                }
                _ = minutely.tick() => {
                    if let Err(e) = crate::infopass::booking::release_expired(state.db(), state.clock().now()).await {
                        tracing::warn!(error = %e, "releasing expired appointment holds failed");
                    }
                    // Waits grow with no event at all: measure the lobbies against their thresholds.
                    if let Err(e) = crate::lobby::alerts::evaluate_all(state.db(), state.catalog(), state.clock().now()).await {
                        tracing::warn!(error = %e, "lobby alert evaluation failed");
                    }
                    // ICTS's answers IDENT did not take yet (R-IS-04, R-IS-05).
                    if let Some(client) = state.ident()
                        && let Err(e) = crate::icts::inbound::deliver(state.db(), client, state.clock().now(), None).await
                    {
                        tracing::warn!(error = %e, "ICTS answers not sent");
                    }
                    // ICTS's answers IDENT did not take yet (R-IS-04, R-IS-05).
                }
                _ = hourly.tick() => {
                    // Survey invitations and reminders (R-SV-01, R-SV-02): counts only in the log.
                    match crate::surveys::service::run_invitations(state.db(), state.token_key(), state.public_url(), state.clock().now()).await {
                        Ok(r) if r.invited + r.reminded > 0 => tracing::info!(invited = r.invited, reminded = r.reminded, "survey invitations queued"),
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "survey invitations failed"),
                    }
                }
                _ = daily.tick() => {
                    // The retention engine (R-RT-01..04): everything past its time, in short
                    // batches, on its own task so the other jobs keep their rhythm.
                    let (db, clock, policies) = (state.db().clone(), state.clock().clone(), retention.clone());
                    tokio::spawn(async move {
                        match crate::retention::service::run(&db, &policies, &clock, "job:daily").await {
                            Ok(c) => tracing::info!(run = %c.id, removed = c.total(), "retention purge done"),
                            Err(e) => tracing::warn!(error = %e, "retention purge failed"),
                        }
                    });
                    // Reading a year of decisions takes a while on a full database: not in this loop.
                    let (db, now) = (state.db().clone(), state.clock().now());
                    tokio::spawn(async move {
                        match crate::processing_times::refresh_suggestions_if_stale(&db, now).await {
                            Ok(Some(n)) => tracing::info!(suggestions = n, "processing-time suggestions computed"),
                            Ok(None) => {}
                            Err(e) => tracing::warn!(error = %e, "processing-time suggestions failed"),
                        }
                    });
                    match crate::staff::service::deactivate_unused(state.db(), state.catalog(), state.clock().now(), unused_after).await {
                        Ok(users) if !users.is_empty() => {
                            let names: Vec<&str> = users.iter().map(|u| u.username.as_str()).collect();
                            tracing::info!(count = users.len(), accounts = ?names, "deactivated unused staff accounts");
                        }
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "unused-account job failed"),
                    }
                }
            }
        }
    })
}

/// `cris retention plan|run`: the text it prints. A run by hand is certified as
/// `command:<user>` (the operating-system user running it).
pub async fn retention(
    db: &Db,
    policies: &crate::retention::model::Policies,
    clock: &Clock,
    cmd: &crate::config::RetentionCommand,
) -> anyhow::Result<String> {
    use std::fmt::Write as _;
    let mut out = String::new();
    match cmd {
        crate::config::RetentionCommand::Plan => {
            let today = crate::retention::service::today(clock);
            let lines = crate::retention::service::plan(db, policies, clock.now(), today).await?;
            let _ = writeln!(out, "policy {}", policies.version());
            let _ = writeln!(
                out,
                "{:<20} {:>10} {:>12} {:>12} {:>12} {:>6}",
                "kind", "count", "before", "oldest", "newest", "held"
            );
            let day = |d: Option<chrono::NaiveDate>| d.map_or_else(|| "-".to_owned(), |d| d.to_string());
            for l in lines {
                let _ = writeln!(
                    out,
                    "{:<20} {:>10} {:>12} {:>12} {:>12} {:>6}",
                    l.kind.code(),
                    l.extent.count,
                    l.before.to_string(),
                    day(l.extent.oldest),
                    day(l.extent.newest),
                    l.held
                );
            }
        }
        crate::config::RetentionCommand::Run => {
            let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
            let watch = crate::kernel::clock::Stopwatch::start();
            let progress = crate::kernel::progress::Progress::start("rows removed", 0);
            let c =
                crate::retention::service::run_with(db, policies, clock, &format!("command:{user}"), &progress).await?;
            let _ = writeln!(out, "purge certificate {}", c.id);
            let _ = writeln!(out, "policy {}", c.policy_version);
            let _ = writeln!(out, "run by {} from {} to {}", c.run_by, c.started_at, c.finished_at);
            for n in &c.counts {
                let _ = writeln!(out, "{:<20} {:>10} (dated before {})", n.kind, n.removed, n.before);
            }
            let _ = writeln!(out, "removed {} in {:.1} s", c.total(), watch.elapsed().as_secs_f64());
        }
    }
    Ok(out)
}

/// IDENT as configured; with `--demo` and no IDENT configured, the stand-ins (IDENT, Canada,
/// Australia with their demo galleries) started on loopback, posting partners' queries to this
/// server. The stand-ins stop when the returned value is dropped.
async fn ident_for(
    settings: &Settings,
    serve: &ServeSettings,
    clock: &Clock,
) -> anyhow::Result<(Option<crate::ident::Client>, Option<String>, Option<crate::ident::standin::StandIns>)> {
    let configured = &settings.ident;
    if let (Some(url), Some(token)) = (&configured.url, &configured.token) {
        let client = crate::ident::Client::new(url, token).map_err(anyhow::Error::msg)?;
        return Ok((Some(client), configured.inbound_token.clone(), None));
    }
    if !serve.demo {
        tracing::warn!("no IDENT configured ([ident] url and token): no queries to foreign partners");
        return Ok((None, configured.inbound_token.clone(), None));
    }
    let standins = crate::ident::standin::start(crate::ident::standin::Options {
        cris_inbound: Some(format!("{}/ident/v1/transactions", serve.public_url.trim_end_matches('/'))),
        gallery_size: None,
        clock: clock.clone(),
    })
    .await
    .context("starting the IDENT stand-ins")?;
    tracing::info!(url = %standins.ident_url, "demo: IDENT and partner stand-ins (CAN, AUS) started");
    let client = standins.client().map_err(anyhow::Error::msg)?;
    Ok((Some(client), Some(standins.inbound_token.clone()), Some(standins)))
}

/// `cris serve`: runs until Ctrl-C or SIGTERM, then finishes requests in flight.
pub async fn serve(settings: &Settings, serve: &ServeSettings) -> anyhow::Result<()> {
    let (db, catalog) = open(&settings.database_url, settings.db_max_connections).await?;
    let clock = Clock::System;
    tokio::task::spawn_blocking(crate::offices::nearest::warm);
    if serve.demo {
        ensure_demo(&db, &catalog, serve.demo_cases, &clock).await?;
    }
    let mailer = match &settings.smtp_url {
        Some(url) => Some(Mailer::new(url, &settings.mail_from)?),
        None => {
            tracing::warn!("no SMTP server configured (smtp_url): email waits in the outbox");
            None
        }
    };
    let sms = match &settings.sms_url {
        Some(url) => Some(crate::notify::sms::Gateway::new(url, settings.sms_token.clone())?),
        None => {
            tracing::warn!("no SMS gateway configured (sms_url): text messages wait in the outbox");
            None
        }
    };
    let senders = crate::notify::Senders {
        mailer,
        sms,
        quiet: serve.quiet,
        email_per_second: serve.email_per_second,
        sms_per_second: serve.sms_per_second,
    };
    let (ident, ident_inbound, _standins) = ident_for(settings, serve, &clock).await?;
    let i18n = Arc::new(I18n::load()?);
    let token_key = crate::kernel::tokens::TokenKey::load(&db).await?;
    let state = AppState::new(db.clone(), catalog, i18n, clock, serve.tls.is_some())
        .with_session_limits(serve.session_limits)
        .with_token_key(token_key)
        .with_public_url(&serve.public_url)
        .with_trusted_proxies(serve.trusted_proxies.clone())
        .with_metrics_access(serve.metrics_access.clone())
        .with_sms_inbound_token(serve.sms_inbound_token.clone())
        .with_ident(ident, ident_inbound);
    // The scripts' search index is built now rather than by the first search.
    let warm = state.clone();
    tokio::spawn(async move {
        if let Err(e) = warm.scripts().refresh(warm.db()).await {
            tracing::warn!(error = %e, "building the scripts' search index failed");
        }
    });
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let workers = spawn_workers(
        state.clone(),
        senders,
        settings.unused_account_after,
        settings.data_dir.clone(),
        settings.retention.clone(),
        stop_rx,
    );
    let app = router(state, serve.request_timeout);
    let listen = web::server::Listen {
        addr: serve.listen,
        tls: serve.tls.clone(),
        grace: serve.shutdown_grace,
        limits: serve.conn_limits,
        trusted_proxies: serve.trusted_proxies.clone(),
    };
    let (running, task) = web::server::start(app, &listen).await?;
    let scheme = if serve.tls.is_some() { "https" } else { "http" };
    tracing::info!(url = %format!("{scheme}://{}", running.addr), "CRIS is serving");
    println!("CRIS is serving at {scheme}://{}", running.addr);
    web::server::shutdown_signal().await;
    tracing::info!("shutting down: finishing requests in flight");
    running.shutdown(listen.grace);
    task.await??;
    let _ = stop_tx.send(true);
    let _ = workers.await;
    db.close().await;
    Ok(())
}
