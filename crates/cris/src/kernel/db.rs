//! The database: one storage layer over SQLite (the embedded default) and PostgreSQL (the store a
//! deployment moves to when it outgrows one machine). SQL is written once in the portable subset;
//! the [`with_db!`](crate::with_db) macro runs the same code against whichever pool is in use, and
//! only the few statements whose dialects truly differ branch on [`Engine`].

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// SQLite, in a file.
    Sqlite,
    /// PostgreSQL or a PostgreSQL-compatible engine.
    Postgres,
}

/// A connection pool on one of the two engines.
#[derive(Debug, Clone)]
pub enum Db {
    /// SQLite pool, and the file's connections for reads on the calling thread.
    Sqlite(SqlitePool, Readers),
    /// PostgreSQL pool.
    Postgres(PgPool),
}

/// Storage failures. Constraint violations that mean something to a user are mapped by the
/// capability that expects them; everything else is an internal error.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The database URL could not be understood.
    #[error("database URL is not valid: {0}")]
    Url(String),
    /// The database could not be reached or opened.
    #[error("cannot open the database: {0}")]
    Connect(#[source] sqlx::Error),
    /// A migration failed.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A query failed.
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
    /// A read on the calling thread failed.
    #[error("database error: {0}")]
    Read(#[from] rusqlite::Error),
}

/// Runs `$body` with `$pool` bound to the concrete pool (`&SqlitePool` or `&PgPool`). The body is
/// compiled once per engine, so it must only use SQL both engines accept.
#[macro_export]
macro_rules! with_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::kernel::db::Db::Sqlite($pool, _) => $body,
            $crate::kernel::db::Db::Postgres($pool) => $body,
        }
    };
}

/// A transaction on either engine. Services open one, hand it to the stores they use (their own
/// and the audit trail's), and commit once, so a change and its audit row land together or not
/// at all.
#[derive(Debug)]
pub enum Tx {
    /// SQLite transaction, and this process's turn to write (none for an in-memory database).
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>, Option<WriteTurn>),
    /// PostgreSQL transaction.
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Runs `$body` with `$conn` bound to the transaction's connection (`&mut SqliteConnection` or
/// `&mut PgConnection`); like [`with_db!`](crate::with_db), the body is compiled once per engine.
#[macro_export]
macro_rules! with_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::kernel::db::Tx::Sqlite(t, _) => {
                let $conn: &mut sqlx::SqliteConnection = &mut *t;
                $body
            }
            $crate::kernel::db::Tx::Postgres(t) => {
                let $conn: &mut sqlx::PgConnection = &mut *t;
                $body
            }
        }
    };
}

impl Tx {
    /// Makes the transaction's changes permanent.
    pub async fn commit(self) -> Result<(), DbError> {
        match self {
            Tx::Sqlite(t, _turn) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    /// Marks a point inside the transaction to roll back to, so that one part of a batch can fail
    /// without undoing the rest.
    pub async fn savepoint(&mut self) -> Result<(), DbError> {
        crate::with_tx!(self, conn => { sqlx::query("SAVEPOINT part").execute(&mut *conn).await?; });
        Ok(())
    }

    /// Keeps the work since the savepoint.
    pub async fn release(&mut self) -> Result<(), DbError> {
        crate::with_tx!(self, conn => { sqlx::query("RELEASE SAVEPOINT part").execute(&mut *conn).await?; });
        Ok(())
    }

    /// Undoes the work since the savepoint (and forgets it).
    pub async fn rollback_to_savepoint(&mut self) -> Result<(), DbError> {
        crate::with_tx!(self, conn => {
            sqlx::query("ROLLBACK TO SAVEPOINT part").execute(&mut *conn).await?;
            sqlx::query("RELEASE SAVEPOINT part").execute(&mut *conn).await?;
        });
        Ok(())
    }

    /// The engine of this transaction.
    pub fn engine(&self) -> Engine {
        match self {
            Tx::Sqlite(..) => Engine::Sqlite,
            Tx::Postgres(_) => Engine::Postgres,
        }
    }
}

impl Db {
    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads, then writes, could fail when another
    /// writer commits in between, instead of waiting its turn.
    pub async fn begin(&self) -> Result<Tx, DbError> {
        Ok(match self {
            Db::Sqlite(pool, file) => {
                // The connection first: a turn is not held while waiting for one.
                let conn = pool.acquire().await?;
                // This process's writers queue here, each woken as the one before commits.
                // SQLite's own wait for its write lock polls, sleeping up to 100 ms between tries,
                // which gave writes under load a p99 over 100 ms (issue 18's mixed load); it
                // still covers writers in other processes (a command beside the server).
                let turn = match &file.0 {
                    Some(f) => Some(
                        tokio::time::timeout(WRITE_WAIT, f.writer.clone().lock_owned())
                            .await
                            .map_err(|_| DbError::Query(sqlx::Error::PoolTimedOut))?,
                    ),
                    None => None,
                };
                let begin = sqlx::SqlSafeStr::into_sql_str("BEGIN IMMEDIATE");
                Tx::Sqlite(sqlx::Transaction::begin(conn, Some(begin)).await?, turn)
            }
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Opens a pool. SQLite files are created when missing, in WAL mode with foreign keys on, a
    /// busy timeout (writers wait rather than fail) and `synchronous=NORMAL` (safe with WAL).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db, DbError> {
        if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(|e| DbError::Url(e.to_string()))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("cache_size", "-65536")
                .pragma("temp_store", "memory")
                // Reads straight from the mapped file rather than copied through the page cache.
                .pragma("mmap_size", "17179869184")
                // Checkpoint every 40 MB of WAL rather than 4: bulk loads sync the file less often.
                .pragma("wal_autocheckpoint", "10000")
                // Deleted and overwritten rows are zeroed in the file, so purged personal data and
                // burnt survey tokens are gone from the disk, not only from the tables (R-RT-01).
                .pragma("secure_delete", "on");
            let file = opts.get_filename().to_path_buf();
            if let Some(parent) = file.parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent).map_err(|e| DbError::Url(format!("{}: {e}", parent.display())))?;
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(30))
                // A connection to a file cannot drop: no ping (a round trip to the connection's
                // thread) before every query (issue 18).
                .test_before_acquire(false)
                .connect_with(opts)
                .await
                .map_err(DbError::Connect)?;
            // An in-memory database (`sqlite::memory:`) has no file another connection could open.
            let in_memory = file.as_os_str() == ":memory:" || file.to_string_lossy().starts_with("file:");
            let readers = if in_memory { Readers(None) } else { Readers::on(file) };
            Ok(Db::Sqlite(pool, readers))
        } else {
            let opts = PgConnectOptions::from_str(url).map_err(|e| DbError::Url(e.to_string()))?;
            let pool = PgPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(opts)
                .await
                .map_err(DbError::Connect)?;
            Ok(Db::Postgres(pool))
        }
    }

    /// The engine behind this pool.
    pub fn engine(&self) -> Engine {
        match self {
            Db::Sqlite(..) => Engine::Sqlite,
            Db::Postgres(_) => Engine::Postgres,
        }
    }

    /// Runs `read` on a connection to the SQLite file, on this thread; `None` on PostgreSQL (and
    /// an in-memory SQLite database), whose callers read through the pool. Only for short point
    /// reads by key (see [`Readers`]).
    pub fn read_here<T>(
        &self,
        read: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
    ) -> Option<Result<T, DbError>> {
        match self {
            Db::Sqlite(_, Readers(Some(readers))) => Some(readers.run(read)),
            _ => None,
        }
    }

    /// A connection of its own to the SQLite file, for a bulk writer on a thread of its own (the
    /// demo load: prepared statements bound row by row, without sqlx's hop to its connection's
    /// thread); `None` on PostgreSQL and an in-memory SQLite database. It waits for other writers
    /// as the pool's connections do.
    pub fn bulk_writer(&self) -> Option<Result<rusqlite::Connection, DbError>> {
        match self {
            Db::Sqlite(_, Readers(Some(readers))) => Some(readers.open_writer()),
            _ => None,
        }
    }

    /// Applies the engine's migrations (embedded in the binary) that have not run yet.
    pub async fn migrate(&self) -> Result<(), DbError> {
        match self {
            Db::Sqlite(pool, _) => SQLITE_MIGRATIONS.run(pool).await?,
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> Result<(), DbError> {
        with_db!(self, pool => { sqlx::query("SELECT 1").execute(pool).await?; });
        Ok(())
    }

    /// Pool occupancy: (connections open, connections idle).
    pub fn pool_stats(&self) -> (u32, usize) {
        with_db!(self, pool => (pool.size(), pool.num_idle()))
    }

    /// Closes every connection (on shutdown, after requests have finished).
    pub async fn close(&self) {
        with_db!(self, pool => pool.close().await);
    }
}

/// Connections to a SQLite file for the hottest point reads (a case status lookup: issue 18), run
/// on the thread that asks. sqlx runs each SQLite statement on its connection's own thread and
/// wakes the asking task when it is done: two thread switches a query, which on two cores cost
/// several times the read itself (a lookup by a unique key from the mapped file takes a few
/// microseconds). So short reads run where they are asked, like any other short computation;
/// scans, writes and transactions stay on the pool. Each connection is read-only
/// (`query_only`), sees every committed write (WAL: a statement reads the last commit), and is
/// kept for the next read, its prepared statements with it.
///
/// Beside them, the queue of this process's writers: a transaction takes its turn here before
/// SQLite's write lock ([`Db::begin`]).
#[derive(Clone, Debug)]
pub struct Readers(Option<Arc<ReaderPool>>);

/// The idle connections of one file, and the queue of this process's writers.
#[derive(Debug)]
pub struct ReaderPool {
    file: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
    writer: Arc<tokio::sync::Mutex<()>>,
}

/// A transaction's turn to write to a SQLite file, held until it commits or is dropped.
pub type WriteTurn = tokio::sync::OwnedMutexGuard<()>;

/// How long a transaction waits for its turn to write (as long as SQLite's busy timeout).
const WRITE_WAIT: Duration = Duration::from_secs(10);

/// At most this many idle reader connections are kept (one per thread that reads at once: the
/// runtime's workers, a few blocking threads); more at once are opened and closed.
const IDLE_READERS: usize = 8;

impl Readers {
    fn on(file: PathBuf) -> Readers {
        Readers(Some(Arc::new(ReaderPool {
            file,
            idle: Mutex::new(Vec::new()),
            writer: Arc::new(tokio::sync::Mutex::new(())),
        })))
    }
}

impl ReaderPool {
    fn run<T>(&self, read: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>) -> Result<T, DbError> {
        let taken = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let conn = match taken {
            Some(conn) => conn,
            None => self.open()?,
        };
        let out = read(&conn)?;
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
        Ok(out)
    }

    fn open_writer(&self) -> Result<rusqlite::Connection, DbError> {
        Ok(self.connect(Duration::from_secs(10))?)
    }

    fn open(&self) -> Result<rusqlite::Connection, rusqlite::Error> {
        // A reader waits for a checkpoint briefly; it never waits for a writer (WAL).
        let conn = self.connect(Duration::from_secs(1))?;
        conn.execute_batch("PRAGMA query_only = ON; PRAGMA cache_size = -8192")?;
        // As the pool's connections: reads straight from the mapped file.
        conn.query_row("PRAGMA mmap_size = 17179869184", [], |_| Ok(()))?;
        Ok(conn)
    }

    /// A connection of its own to the file (readers and the bulk writer open it alike). Not
    /// SQLITE_OPEN_READ_ONLY: a read-only connection cannot create the WAL index if it is
    /// missing; readers refuse writes with `query_only` instead.
    fn connect(&self, busy: Duration) -> Result<rusqlite::Connection, rusqlite::Error> {
        use rusqlite::OpenFlags;
        let conn = rusqlite::Connection::open_with_flags(
            &self.file,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(busy)?;
        Ok(conn)
    }
}

/// Values as sqlx writes them to SQLite, formatted without an allocation, for writers that bind
/// them through rusqlite ([`Db::bulk_writer`]): the same text whichever path wrote a row.
pub mod text {
    use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Timelike, Utc};

    /// A day as `YYYY-MM-DD` (sqlx's `%F`).
    pub enum Day {
        /// Years 0 to 9999, on the stack.
        Short([u8; 10]),
        /// Any other year.
        Long(String),
    }

    fn digits(out: &mut [u8], mut n: u32) {
        for b in out.iter_mut().rev() {
            *b = b'0' + (n % 10) as u8;
            n /= 10;
        }
    }

    impl Day {
        /// Formats a day.
        pub fn of(day: NaiveDate) -> Day {
            match u32::try_from(day.year()) {
                Ok(year) if year <= 9999 => {
                    let mut b = *b"0000-00-00";
                    digits(&mut b[0..4], year);
                    digits(&mut b[5..7], day.month());
                    digits(&mut b[8..10], day.day());
                    Day::Short(b)
                }
                _ => Day::Long(day.format("%F").to_string()),
            }
        }

        /// The text.
        pub fn as_str(&self) -> &str {
            match self {
                Day::Short(b) => std::str::from_utf8(b).unwrap_or_default(),
                Day::Long(s) => s,
            }
        }
    }

    /// A UTC instant as RFC 3339 with `+00:00` and fractional seconds only when there are some
    /// (sqlx's `to_rfc3339_opts(SecondsFormat::AutoSi, false)`).
    pub enum Instant {
        /// Whole seconds in years 0 to 9999, on the stack.
        Short([u8; 25]),
        /// Any other.
        Long(String),
    }

    impl Instant {
        /// Formats an instant.
        pub fn of(at: DateTime<Utc>) -> Instant {
            match (Day::of(at.date_naive()), at.nanosecond()) {
                (Day::Short(day), 0) => {
                    let mut b = *b"0000-00-00T00:00:00+00:00";
                    b[..10].copy_from_slice(&day);
                    digits(&mut b[11..13], at.hour());
                    digits(&mut b[14..16], at.minute());
                    digits(&mut b[17..19], at.second());
                    Instant::Short(b)
                }
                _ => Instant::Long(at.to_rfc3339_opts(SecondsFormat::AutoSi, false)),
            }
        }

        /// The text.
        pub fn as_str(&self) -> &str {
            match self {
                Instant::Short(b) => std::str::from_utf8(b).unwrap_or_default(),
                Instant::Long(s) => s,
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use chrono::TimeZone;

        #[test]
        fn the_text_is_sqlxs() {
            for (y, m, d) in [(2026, 11, 1), (1, 1, 1), (999, 12, 31), (9999, 2, 28), (10_000, 1, 1), (-5, 3, 4)] {
                let day = NaiveDate::from_ymd_opt(y, m, d).unwrap();
                assert_eq!(Day::of(day).as_str(), day.format("%F").to_string());
            }
            let at = Utc.with_ymd_and_hms(2026, 11, 1, 7, 5, 9).unwrap();
            for at in
                [at, at + chrono::Duration::nanoseconds(1_500), Utc.with_ymd_and_hms(2026, 1, 2, 0, 0, 0).unwrap()]
            {
                assert_eq!(Instant::of(at).as_str(), at.to_rfc3339_opts(SecondsFormat::AutoSi, false));
            }
        }
    }
}

/// A small key/value table for facts about the installation itself (for instance whether the
/// demo data set has been loaded).
pub mod meta {
    use super::{Db, DbError};

    /// Reads a value.
    pub async fn get(db: &Db, key: &str) -> Result<Option<String>, DbError> {
        Ok(crate::with_db!(db, pool => {
            sqlx::query_scalar::<_, String>("SELECT value FROM app_meta WHERE key = $1")
                .bind(key)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Writes a value, replacing any earlier one.
    pub async fn set(db: &Db, key: &str, value: &str) -> Result<(), DbError> {
        crate::with_db!(db, pool => {
            sqlx::query("INSERT INTO app_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind(key)
                .bind(value)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Writes a value unless one is there already (two nodes starting at once: the first wins).
    pub async fn set_if_absent(db: &Db, key: &str, value: &str) -> Result<(), DbError> {
        crate::with_db!(db, pool => {
            sqlx::query("INSERT INTO app_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
                .bind(key)
                .bind(value)
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}

/// Adds `AND column IN (...)` for a list of values to a dynamic query; an empty list matches
/// nothing (SQL has no empty `IN ()`).
pub fn push_in<DB, T>(q: &mut sqlx::QueryBuilder<DB>, column: &str, values: &[T])
where
    DB: sqlx::Database,
    T: Clone + Send + 'static + for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    if values.is_empty() {
        q.push(" AND 1 = 0");
        return;
    }
    q.push(" AND ").push(column).push(" IN (");
    let mut sep = q.separated(", ");
    for v in values {
        sep.push_bind(v.clone());
    }
    q.push(")");
}

/// What a retention policy would remove from one owner's table: how many records and the dates
/// of the oldest and newest (for `cris retention plan`). Kept here so that owners need not
/// import the retention engine, which imports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Extent {
    /// Records past their time.
    pub count: i64,
    /// The earliest date among them.
    pub oldest: Option<chrono::NaiveDate>,
    /// The latest date among them.
    pub newest: Option<chrono::NaiveDate>,
}

impl Extent {
    /// From a count and the text of the smallest and largest ISO dates (their first ten
    /// characters are the day).
    pub fn from_text(count: i64, oldest: Option<&str>, newest: Option<&str>) -> Extent {
        let day = |s: Option<&str>| s.and_then(|s| s.get(..10)).and_then(|d| d.parse().ok());
        Extent { count, oldest: day(oldest), newest: day(newest) }
    }

    /// From a count and the earliest and latest instants.
    pub fn from_times(
        count: i64,
        oldest: Option<chrono::DateTime<chrono::Utc>>,
        newest: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Extent {
        Extent { count, oldest: oldest.map(|t| t.date_naive()), newest: newest.map(|t| t.date_naive()) }
    }
}

/// Whether `sql`, an owner's `SELECT COUNT(*) FROM <its table> WHERE id = $1`, counts the row
/// `id` (a legal hold must name a record that exists).
pub async fn counts_row(tx: &mut Tx, sql: &'static str, id: i64) -> Result<bool, DbError> {
    let n: i64 = crate::with_tx!(tx, conn => sqlx::query_scalar(sql).bind(id).fetch_one(&mut *conn).await?);
    Ok(n > 0)
}

/// Adds `AND column NOT IN (...)` for a list of values (nothing when the list is empty): the
/// records a legal hold keeps out of a purge.
pub fn push_not_in<DB, T>(q: &mut sqlx::QueryBuilder<DB>, column: &str, values: &[T])
where
    DB: sqlx::Database,
    T: Clone + Send + 'static + for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    if values.is_empty() {
        return;
    }
    q.push(" AND ").push(column).push(" NOT IN (");
    let mut sep = q.separated(", ");
    for v in values {
        sep.push_bind(v.clone());
    }
    q.push(")");
}
