//! Start-up and the subcommands: open the database, migrate, refresh reference data, then serve
//! or seed. Shared by the binary and the tests, so the tests start the real thing.

use std::sync::Arc;

use anyhow::Context as _;

use crate::config::{ServeSettings, Settings};
use crate::kernel::clock::Clock;
use crate::kernel::db::Db;
use crate::kernel::i18n::I18n;
use crate::reference::Catalog;
use crate::web::{self, AppState};

/// Connects, applies migrations and writes the reference data (offices) the tables refer to.
pub async fn open(database_url: &str, max_connections: u32) -> anyhow::Result<(Db, Arc<Catalog>)> {
    let catalog = Arc::new(Catalog::load().context("reference data")?);
    let db = Db::connect(database_url, max_connections).await?;
    db.migrate().await?;
    crate::offices::sync_from_catalog(&db, &catalog)
        .await
        .context("writing offices")?;
    Ok((db, catalog))
}

/// Loads the demo data set into a database that holds no cases yet.
pub async fn ensure_demo(
    db: &Db,
    catalog: &Catalog,
    cases: u64,
    clock: &Clock,
) -> anyhow::Result<()> {
    let empty = crate::with_db!(db, pool => {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM (SELECT 1 FROM cases LIMIT 1) AS any_case").fetch_one(pool).await?
    }) == 0;
    if empty && !crate::seed::demo_loaded(db).await? {
        let as_of = clock.today_in(chrono_tz::America::New_York);
        tracing::info!(cases, %as_of, "loading the demo data set");
        let report = crate::seed::load_demo(db, catalog, cases, as_of).await?;
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

/// `cris serve`: runs until Ctrl-C or SIGTERM, then finishes requests in flight.
pub async fn serve(settings: &Settings, serve: &ServeSettings) -> anyhow::Result<()> {
    let (db, catalog) = open(&settings.database_url, settings.db_max_connections).await?;
    let clock = Clock::System;
    if serve.demo {
        ensure_demo(&db, &catalog, serve.demo_cases, &clock).await?;
    }
    let i18n = Arc::new(I18n::load()?);
    let state = AppState::new(db.clone(), catalog, i18n, clock, serve.tls.is_some());
    let app = web::router(state, serve.request_timeout);
    let listen = web::server::Listen {
        addr: serve.listen,
        tls: serve.tls.clone(),
        grace: serve.shutdown_grace,
    };
    let (running, task) = web::server::start(app, &listen).await?;
    let scheme = if serve.tls.is_some() { "https" } else { "http" };
    tracing::info!(url = %format!("{scheme}://{}", running.addr), "CRIS is serving");
    println!("CRIS is serving at {scheme}://{}", running.addr);
    web::server::shutdown_signal().await;
    tracing::info!("shutting down: finishing requests in flight");
    running.shutdown(listen.grace);
    task.await??;
    db.close().await;
    Ok(())
}
