//! Demo data: `cris seed demo --cases N` and `cris serve --demo` build a deterministic, realistic
//! data set. Large sets load in bulk: the generator runs on its own thread while the database
//! writes them, one transaction per batch: on a SQLite file, prepared statements run on a thread
//! and a connection of the loader's own (no async hop per statement); on PostgreSQL, COPY.

pub mod generate;
pub mod lobby;
pub mod rng;
pub mod scripts;

use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, NaiveTime};
use sqlx::Connection;

use crate::case_status::service as cases;
use crate::kernel::clock::monotonic;
use crate::kernel::db::{Db, DbError, meta};
use crate::kernel::progress::Progress;
use crate::processing_times::DecisionDays;
use crate::reference::Catalog;
use generate::{Batch, Plan};

/// Marks a database that holds the demo data set.
const DEMO_MARKER: &str = "demo_seeded";

/// What a seed run did.
#[derive(Debug, Clone)]
pub struct SeedReport {
    /// Cases written.
    pub cases: u64,
    /// History entries written.
    pub history: u64,
    /// Mailed items written.
    pub mail: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// Every decision in the database, counted as it was generated: present when the load went
    /// into a database without cases, so that [`demo_extras_after`] suggests processing times
    /// without reading the whole history back.
    pub decisions: Option<DecisionDays>,
}

/// Seeding failures.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The database already holds the demo data.
    #[error("the demo data set is already loaded ({0}); use a new database to load another")]
    AlreadyLoaded(String),
    /// Storage failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The writer's thread stopped before it finished.
    #[error("the demo loader's writer stopped: {0}")]
    Writer(String),
}

impl From<sqlx::Error> for SeedError {
    fn from(e: sqlx::Error) -> Self {
        SeedError::Db(DbError::Query(e))
    }
}

/// Whether the demo data set has been loaded into this database.
pub async fn demo_loaded(db: &Db) -> Result<bool, DbError> {
    Ok(meta::get(db, DEMO_MARKER).await?.is_some())
}

/// Cases per transaction: large enough to amortise commits, small enough to keep memory flat.
const BATCH_CASES: usize = 50_000;

/// Loads `cases` demo cases built around `as_of`.
pub async fn load_demo(db: &Db, catalog: &Catalog, cases: u64, as_of: NaiveDate) -> Result<SeedReport, SeedError> {
    load_demo_with(db, catalog, cases, as_of, &Progress::hidden()).await
}

/// [`load_demo`], counting the cases written on `progress`.
pub async fn load_demo_with(
    db: &Db,
    catalog: &Catalog,
    cases: u64,
    as_of: NaiveDate,
    progress: &Progress,
) -> Result<SeedReport, SeedError> {
    if let Some(previous) = meta::get(db, DEMO_MARKER).await? {
        return Err(SeedError::AlreadyLoaded(previous));
    }
    let started = crate::kernel::clock::Stopwatch::start();
    let first_id = cases::next_id(db).await?;
    let plan = Arc::new(Plan::new(catalog));
    // Only a load into an empty database knows every decision in it.
    let mut tally = Tally::new(&plan, first_id == 1, as_of);
    progress.set_total(cases + generate::sandbox_receipts().len() as u64);
    let generating = match db.bulk_writer() {
        // A SQLite file: the batches are written on a thread of their own through a connection of
        // its own, so the two cores run the generator and SQLite and nothing else.
        Some(conn) => {
            let mut conn = conn?;
            let (tx, rx) = std::sync::mpsc::sync_channel::<Batch>(2);
            let producer = spawn_generator(plan.clone(), cases, as_of, first_id, move |batch| tx.send(batch).is_ok());
            let (plan, progress) = (plan.clone(), progress.clone());
            let writer = tokio::task::spawn_blocking(move || {
                let written = write_here(&mut conn, &plan, &rx, &mut tally, &progress);
                (written, tally)
            });
            let (written, back) = writer.await.map_err(|e| SeedError::Writer(e.to_string()))?;
            tally = back;
            let generating = producer.join().unwrap_or_default();
            written?;
            generating
        }
        None => {
            let (tx, mut rx) = tokio::sync::mpsc::channel::<Batch>(2);
            let producer =
                spawn_generator(plan.clone(), cases, as_of, first_id, move |batch| tx.blocking_send(batch).is_ok());
            let written = write_all(db, &plan, &mut rx, &mut tally, progress).await;
            drop(rx);
            let generating = producer.join().unwrap_or_default();
            written?;
            generating
        }
    };
    tracing::info!(
        generate_s = generating.busy.as_secs_f64(),
        generator_waited_s = generating.waited.as_secs_f64(),
        write_s = tally.writing.as_secs_f64(),
        writer_waited_s = tally.waiting.as_secs_f64(),
        "demo cases written"
    );
    progress.note("finishing");
    // Ids were given explicitly; the identity moves past them.
    cases::after_bulk(db).await?;
    if let Db::Postgres(pool) = db {
        sqlx::query("ANALYZE").execute(pool).await?;
    }
    meta::set(db, DEMO_MARKER, &format!("{cases} cases as of {as_of}")).await?;
    progress.finish();
    Ok(SeedReport {
        cases: tally.cases,
        history: tally.history,
        mail: tally.mail,
        decisions: tally.decisions.map(|d| d.into_days(&plan)),
        elapsed: started.elapsed(),
    })
}

/// Where the generator's time went: building batches, and waiting for the writer to take them.
#[derive(Debug, Default)]
struct Generating {
    busy: Duration,
    waited: Duration,
}

/// Runs the generator on a thread of its own (CPU work, beside the writer, so both cores are
/// busy), each batch's reports built there too, handing batches to `send` until it refuses one.
fn spawn_generator(
    plan: Arc<Plan>,
    cases: u64,
    as_of: NaiveDate,
    first_id: i64,
    mut send: impl FnMut(Batch) -> bool + Send + 'static,
) -> std::thread::JoinHandle<Generating> {
    std::thread::spawn(move || {
        let mut spent = Generating::default();
        let mut lap = monotonic();
        generate::generate(&plan, cases, as_of, first_id, BATCH_CASES, |mut batch| {
            batch.fill_reports();
            let built = monotonic();
            spent.busy += built - lap;
            let sent = send(batch);
            lap = monotonic();
            spent.waited += lap - built;
            sent
        });
        spent.busy += lap.elapsed();
        spent
    })
}

/// What the writer counted: rows, the decisions among them (when the load knows them all), and
/// where its time went.
struct Tally {
    cases: u64,
    history: u64,
    mail: u64,
    decisions: Option<Decided>,
    since: NaiveDate,
    as_of: NaiveDate,
    writing: Duration,
    waiting: Duration,
}

impl Tally {
    fn new(plan: &Plan, count_decisions: bool, as_of: NaiveDate) -> Tally {
        Tally {
            cases: 0,
            history: 0,
            mail: 0,
            decisions: count_decisions.then(|| Decided::new(plan)),
            since: crate::processing_times::decisions_since(as_of),
            as_of,
            writing: Duration::ZERO,
            waiting: Duration::ZERO,
        }
    }

    /// Counts a batch once it is written.
    fn add(&mut self, batch: &Batch, progress: &Progress) {
        if let Some(by) = self.decisions.as_mut() {
            for &(form, office, received, decided) in &batch.decisions {
                if decided >= self.since && decided <= self.as_of {
                    by.push(form, office, (decided - received).num_days());
                }
            }
        }
        self.cases += batch.cases.len() as u64;
        self.history += batch.history.len() as u64;
        self.mail += batch.mail.len() as u64;
        progress.inc(batch.cases.len() as u64);
    }
}

/// Decision times by the plan's form and office indices (no key built per decision).
struct Decided {
    offices: usize,
    days: Vec<Vec<i64>>,
}

impl Decided {
    fn new(plan: &Plan) -> Decided {
        Decided { offices: plan.offices.len(), days: vec![Vec::new(); plan.forms.len() * plan.offices.len()] }
    }

    fn push(&mut self, form: usize, office: usize, days: i64) {
        if let Some(slot) = self.days.get_mut(form * self.offices + office) {
            slot.push(days);
        }
    }

    fn into_days(self, plan: &Plan) -> DecisionDays {
        let mut by = DecisionDays::default();
        for (i, days) in self.days.into_iter().enumerate().filter(|(_, d)| !d.is_empty()) {
            let key = (plan.forms[i / self.offices].clone(), plan.offices[i % self.offices].clone());
            by.entry(key).or_default().extend(days);
        }
        by
    }
}

/// A batch's rows as the case store takes them, borrowed from the batch.
fn rows<'a>(
    plan: &'a Plan,
    batch: &'a Batch,
) -> (Vec<cases::BulkCase<'a>>, Vec<cases::BulkStep<'a>>, Vec<cases::NewMail<'a>>) {
    let rows = batch
        .cases
        .iter()
        .zip(&batch.reports)
        .map(|(c, report)| cases::BulkCase {
            id: c.id,
            receipt: c.receipt.as_str(),
            form: plan.forms[c.form].as_str(),
            office: plan.offices[c.office].as_str(),
            status: c.status,
            received_on: c.received_on,
            status_on: c.status_on,
            mailing_zip: c.mailing_zip.as_str(),
            restricted: c.restricted,
            updated_at: c.status_on.and_time(NaiveTime::MIN).and_utc(),
            report: report.as_str(),
        })
        .collect();
    let history = batch.history.iter().map(|h| (h.case_id, h.seq, h.status, h.on)).collect();
    let mail = batch.mail.iter().map(|m| (m.tracking.as_str(), m.case_id, m.kind, m.on)).collect();
    (rows, history, mail)
}

/// Writes the batches on the loader's own connection to the SQLite file, on this thread, one
/// transaction per batch. The generator guarantees every reference; checking each of tens of
/// millions of history rows against its case would double the load time. A crash during the load
/// loses the load, not the database (WAL): synchronous off is safe for it. A large page cache
/// keeps the indexes' hot pages in memory. The connection's settings end with it.
fn write_here(
    conn: &mut rusqlite::Connection,
    plan: &Plan,
    rx: &std::sync::mpsc::Receiver<Batch>,
    tally: &mut Tally,
    progress: &Progress,
) -> Result<(), SeedError> {
    conn.execute_batch("PRAGMA foreign_keys = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; PRAGMA wal_autocheckpoint = 10000")
        .map_err(DbError::from)?;
    let mut lap = monotonic();
    while let Ok(batch) = rx.recv() {
        let received = monotonic();
        tally.waiting += received - lap;
        let (cases_rows, history, mail) = rows(plan, &batch);
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(DbError::from)?;
        cases::insert_bulk_here(&tx, &cases_rows, &history, &mail).map_err(DbError::from)?;
        tx.commit().map_err(DbError::from)?;
        tally.add(&batch, progress);
        lap = monotonic();
        tally.writing += lap - received;
    }
    Ok(())
}

/// Writes the batches through the pool's engine (PostgreSQL's COPY; an in-memory SQLite
/// database's multi-row inserts) on one connection of its own, set up for a bulk load (closed
/// afterwards, so its settings end with it), one transaction per batch.
async fn write_all(
    db: &Db,
    plan: &Plan,
    rx: &mut tokio::sync::mpsc::Receiver<Batch>,
    tally: &mut Tally,
    progress: &Progress,
) -> Result<(), SeedError> {
    crate::with_db!(db, pool => {
        let mut conn = pool.acquire().await?;
        conn.close_on_drop();
        match db {
            Db::Sqlite(..) => {
                // As in `write_here`.
                for pragma in ["PRAGMA foreign_keys = OFF", "PRAGMA synchronous = OFF", "PRAGMA cache_size = -262144"] {
                    sqlx::query(pragma).execute(&mut *conn).await?;
                }
            }
            Db::Postgres(_) => {
                // A crash loses at most the last batches of the load, which is then run again.
                sqlx::query("SET synchronous_commit = off").execute(&mut *conn).await?;
                // As on SQLite, the generator's references need no check per row. Replica mode
                // skips the foreign-key triggers; only a superuser may set it, and without it the
                // load is slower, not wrong.
                if let Err(e) = sqlx::query("SET session_replication_role = replica").execute(&mut *conn).await {
                    tracing::info!(error = %e, "loading with foreign-key checks");
                }
            }
        }
        let mut lap = monotonic();
        while let Some(batch) = rx.recv().await {
            let received = monotonic();
            tally.waiting += received - lap;
            let mut tx = conn.begin().await?;
            let (cases_rows, history, mail) = rows(plan, &batch);
            cases::insert_bulk(cases::BulkConn::from(&mut *tx), &cases_rows, &history, &mail).await?;
            tx.commit().await?;
            tally.add(&batch, progress);
            lap = monotonic();
            tally.writing += lap - received;
        }
        Ok(())
    })
}

/// The password of every demo staff account (stated in the README; demo data only).
pub const DEMO_STAFF_PASSWORD: &str = "demo staff password 2026";

/// What completes the demo data set once its cases are in: processing times posted from the
/// demo cases' own decision times, demo staff accounts (one per common role, at the New York
/// field office and the National Benefits Center, two at headquarters so that one approves the
/// other's scripts), approved call-centre scripts (when there are none yet) and the demo API
/// client (`demo-client` / `demo-secret`) with limits high enough for load tests. Existing
/// accounts are left as they are.
pub async fn demo_extras(
    db: &Db,
    catalog: &Catalog,
    as_of: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    demo_extras_after(db, catalog, as_of, now, None).await
}

/// [`demo_extras`] after a load: the processing times come from the load's own count of the
/// decisions when it has one (the same figures as reading them back, without the full read).
pub async fn demo_extras_after(
    db: &Db,
    catalog: &Catalog,
    as_of: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
    load: Option<&SeedReport>,
) -> anyhow::Result<()> {
    match load.and_then(|l| l.decisions.clone()) {
        Some(decisions) => crate::processing_times::post_suggestions_from(db, decisions, as_of, "system", now).await?,
        None => crate::processing_times::post_suggestions(db, as_of, "system", now).await?,
    };
    use crate::kernel::access::Role;
    use crate::staff::model::{NewStaff, Username};
    let accounts = [
        ("admin", "Demo Global Administrator", Role::GlobalAdmin, "NYC"),
        ("district.nyc", "Demo District Administrator", Role::DistrictAdmin, "NYC"),
        ("siio.nyc", "Demo Supervisory Officer", Role::Siio, "NYC"),
        ("iio.nyc", "Demo Information Officer", Role::Iio, "NYC"),
        ("iso.nyc", "Demo Service Officer", Role::Iso, "NYC"),
        ("iso2.nyc", "Demo Service Officer Two", Role::Iso, "NYC"),
        ("iso3.nyc", "Demo Service Officer Three", Role::Iso, "NYC"),
        ("reception.nyc", "Demo Reception Desk", Role::Reception, "NYC"),
        ("tier1", "Demo Call Centre Tier 1", Role::Tier1, "NBC"),
        ("hq.staff", "Demo Headquarters", Role::Headquarters, "NBC"),
        ("hq.reviewer", "Demo Headquarters Reviewer", Role::Headquarters, "NBC"),
        ("asylum.nbc", "Demo Asylum Officer", Role::AsylumOfficer, "NBC"),
        ("fdns.nbc", "Demo Fraud Analyst", Role::FraudAnalyst, "NBC"),
    ];
    for (username, name, role, office) in accounts {
        let username = Username::parse(username)?;
        if crate::staff::store::by_username(db, username.as_str()).await?.is_some() {
            continue;
        }
        let email = format!("{}@cris.example", username.as_str()).parse()?;
        let new = NewStaff {
            username,
            display_name: name.into(),
            email,
            role,
            office: office.into(),
            password: DEMO_STAFF_PASSWORD.into(),
        };
        crate::staff::service::create(db, catalog, None, now, new).await?;
    }
    demo_service_requests(db, now).await?;
    demo_lobby_history(db, catalog, as_of).await?;
    scripts::load(db, catalog, now).await?;
    demo_survey(db, catalog, now).await?;
    let client = crate::api_clients::NewClient {
        name: "Demo client".into(),
        client_id: Some("demo-client".into()),
        secret: Some("demo-secret".into()),
        rate_per_second: 100_000,
        daily_quota: 1_000_000_000,
        scopes: "case_status case_events".into(),
    };
    match crate::api_clients::register(db, catalog, None, now, client).await {
        Ok(_) | Err(crate::kernel::error::ServiceError::Invalid(_)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// A few service requests at the New York field office, one per issue type, so that the demo
/// supervisor (`siio.nyc`) has a queue to assign. Only into a database that has none.
async fn demo_service_requests(db: &Db, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<()> {
    use crate::service_requests::model::{Channel, Details, Issue, Reply};
    use crate::service_requests::store::{self, CaseRef, NewRequest};
    let any = store::any(db).await?;
    let cases: Vec<CaseRef> = cases::at_office(db, "NYC", 6)
        .await?
        .into_iter()
        .map(|c| CaseRef { id: c.id, office_code: c.office_code, status_code: c.status_code })
        .collect();
    if any {
        return Ok(());
    }
    let details = Details {
        first_name: Some("Demo".into()),
        last_name: Some("Customer".into()),
        birth_date: NaiveDate::from_ymd_opt(1985, 4, 12),
        description: Some("Demonstration request.".into()),
        address: Some(vec!["26 FEDERAL PLZ".into(), "NEW YORK NY 10278".into()]),
        ..Details::default()
    };
    // Answered by letter: the demo queues no email to a made-up address.
    let reply = Reply::Mail;
    for (case, issue) in cases.iter().zip(Issue::ALL) {
        let request = NewRequest {
            case,
            issue,
            channel: Channel::Online,
            details: &details,
            reply: &reply,
            lang: "en",
            taken_by: None,
        };
        let compose = |c: &str, due: NaiveDate| (format!("Service request {c}"), format!("We will answer by {due}."));
        store::file(db, &request, now, &compose).await?;
    }
    Ok(())
}

/// The New York field office's last 90 days of lobby visits (R-RP-01), served by its demo
/// officers at counters 1 to 4, and the appointments behind them (booked, missed, cancelled), so
/// that the productivity report shows real trends. Only into a database without visits in that
/// period.
async fn demo_lobby_history(db: &Db, catalog: &Catalog, as_of: NaiveDate) -> anyhow::Result<()> {
    let Some(office) = catalog.field_office("NYC") else { return Ok(()) };
    if crate::lobby::history::any_since(db, &office.code, as_of - chrono::Duration::days(lobby::DAYS)).await? {
        return Ok(());
    }
    let mut officers = Vec::new();
    for (username, counter) in [("iso.nyc", "1"), ("iso2.nyc", "2"), ("iso3.nyc", "3"), ("siio.nyc", "4")] {
        if let Some(user) = crate::staff::store::by_username(db, username).await? {
            officers.push((user.id, counter.to_owned()));
        }
    }
    let visits = lobby::visits(&office.code, office.tz, &officers, as_of, lobby::DAYS);
    crate::lobby::history::import(db, &visits).await?;
    crate::infopass::booking::import_past(db, &lobby::appointments(&visits)).await?;
    Ok(())
}

/// One active survey (R-SV-01), so the demo invites after visits and shows a report.
async fn demo_survey(db: &Db, catalog: &Catalog, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<()> {
    use crate::surveys::model::{QuestionForm, SurveyForm};
    let q = |kind: &str, en: &str, es: &str, choices_en: &str, choices_es: &str| QuestionForm {
        kind: kind.into(),
        text_en: en.into(),
        text_es: es.into(),
        choices_en: choices_en.into(),
        choices_es: choices_es.into(),
    };
    let form = SurveyForm {
        title_en: "Your visit to a USCIS office".into(),
        title_es: "Su visita a una oficina de USCIS".into(),
        omb_number: "1615-0122".into(),
        expires_on: (now.date_naive() + chrono::Duration::days(365)).to_string(),
        burden_minutes: "5".into(),
        offices: String::new(),
        services: String::new(),
        questions: vec![
            q("scale", "Booking my appointment was easy.", "Fue fácil reservar mi cita.", "", ""),
            q("scale", "The officer answered my questions.", "El oficial respondió mis preguntas.", "", ""),
            q(
                "choice",
                "How long did you wait after your appointment time?",
                "¿Cuánto esperó después de la hora de su cita?",
                "Less than 15 minutes\n15 to 30 minutes\n30 to 60 minutes\nMore than an hour",
                "Menos de 15 minutos\nDe 15 a 30 minutos\nDe 30 a 60 minutos\nMás de una hora",
            ),
            q("text", "What could we do better?", "¿Qué podríamos mejorar?", "", ""),
        ],
    };
    crate::surveys::service::import(db, catalog, &form, "hq.staff", now).await?;
    Ok(())
}
