//! Configuration: command-line flags, then `CRIS_*` environment variables, then an optional TOML
//! file, then defaults. Every setting is listed in the README; a bad one stops the program with a
//! one-line reason and exit status 2.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Deserialize;

/// The `cris` command line.
#[derive(Debug, Parser)]
#[command(name = "cris", version, about = "CRIS: case status, appointments, lobby and service requests")]
pub struct Cli {
    /// Settings shared by every subcommand.
    #[command(flatten)]
    pub common: CommonArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Settings every subcommand reads (flags override `CRIS_*` variables, which override the file).
#[derive(Debug, Args, Default)]
pub struct CommonArgs {
    /// TOML configuration file.
    #[arg(long, env = "CRIS_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Folder for the embedded database and ingest inboxes (default ./cris-data).
    #[arg(long, env = "CRIS_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB (default: SQLite in the data folder).
    #[arg(long, env = "CRIS_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Largest number of pooled database connections.
    #[arg(long, env = "CRIS_DB_MAX_CONNECTIONS", global = true)]
    pub db_max_connections: Option<u32>,
    /// Log filter, as for `RUST_LOG` (default `info`).
    #[arg(long, env = "CRIS_LOG", global = true)]
    pub log: Option<String>,
    /// Log format.
    #[arg(long, env = "CRIS_LOG_FORMAT", global = true, value_enum)]
    pub log_format: Option<LogFormat>,
    /// SMTP server for email: smtp://host:port, smtp://user:pass@host:587?tls=required
    /// (STARTTLS) or smtps://host:465 (TLS). Without it, email waits in the outbox.
    #[arg(long, env = "CRIS_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,
    /// Sender of email.
    #[arg(long, env = "CRIS_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,
    /// Days without a sign-in after which a staff account is deactivated.
    #[arg(long, env = "CRIS_UNUSED_ACCOUNT_DAYS", global = true)]
    pub unused_account_days: Option<i64>,
    /// SMS gateway URL that texts are posted to (docs/SMS.md). Without it, texts wait.
    #[arg(long, env = "CRIS_SMS_URL", global = true)]
    pub sms_url: Option<String>,
    /// Bearer token CRIS sends to the SMS gateway.
    #[arg(long, env = "CRIS_SMS_TOKEN", global = true, hide_env_values = true)]
    pub sms_token: Option<String>,
    /// Allow email (smtp:// without tls=required) and texts (http://) to go unencrypted to a
    /// host other than this machine.
    #[arg(long, env = "CRIS_ALLOW_PLAIN_RELAYS", global = true)]
    pub allow_plain_relays: bool,
    /// IDENT's root URL (`docs/IDENT.md`): queries to partners and answers go there.
    #[arg(long, env = "CRIS_IDENT_URL", global = true)]
    pub ident_url: Option<String>,
    /// Bearer token CRIS sends to IDENT.
    #[arg(long, env = "CRIS_IDENT_TOKEN", global = true, hide_env_values = true)]
    pub ident_token: Option<String>,
    /// Bearer token IDENT sends with partners' queries to /ident/v1/transactions.
    #[arg(long, env = "CRIS_IDENT_INBOUND_TOKEN", global = true, hide_env_values = true)]
    pub ident_inbound_token: Option<String>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
#[expect(clippy::large_enum_variant, reason = "parsed once at start; the serve settings are many")]
pub enum Command {
    /// Serve the web pages, the JSON API and the background workers.
    Serve(ServeArgs),
    /// Apply database migrations and refresh reference data, then exit.
    Migrate,
    /// Load data sets.
    #[command(subcommand)]
    Seed(SeedCommand),
    /// Administration: staff accounts, API clients, jobs.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// The audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Bring data in from files.
    #[command(subcommand)]
    Import(ImportCommand),
    /// The retention engine: plan or run a purge of records past their time.
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Ingest data feeds.
    #[command(subcommand)]
    Ingest(IngestCommand),
    /// International biometric sharing: agreements with foreign partners.
    #[command(subcommand)]
    Sharing(SharingCommand),
}

/// `cris sharing ...`.
#[derive(Debug, Subcommand)]
pub enum SharingCommand {
    /// Agreements with foreign partners (R-IS-08): list, add, end.
    #[command(subcommand)]
    Agreement(AgreementCommand),
}

/// `cris sharing agreement ...`: the same rules and audit as headquarters' page, the operator
/// recorded as `command:<user>`.
#[derive(Debug, Subcommand)]
pub enum AgreementCommand {
    /// List every agreement, ended ones too.
    List,
    /// Enter an agreement.
    Add(AgreementAddArgs),
    /// End an agreement: its last day in force becomes today or a later day.
    End(AgreementEndArgs),
}

/// `cris sharing agreement add` settings.
#[derive(Debug, Args)]
pub struct AgreementAddArgs {
    /// Partner code: CAN or AUS.
    #[arg(long)]
    pub partner: String,
    /// First day in force, YYYY-MM-DD.
    #[arg(long)]
    pub from: String,
    /// Last day in force, YYYY-MM-DD.
    #[arg(long)]
    pub to: String,
    /// Type-2 fields USCIS may send, comma-separated (18,22 or 2.018,2.022).
    #[arg(long)]
    pub outbound: String,
    /// Type-2 fields the partner may send, comma-separated.
    #[arg(long)]
    pub inbound: String,
    /// The request template (default: the partner's own).
    #[arg(long)]
    pub template: Option<String>,
}

/// `cris sharing agreement end` settings.
#[derive(Debug, Args)]
pub struct AgreementEndArgs {
    /// The agreement's number, as `list` shows it.
    #[arg(long)]
    pub id: i64,
    /// Its new last day in force, YYYY-MM-DD (today or later).
    #[arg(long)]
    pub last_day: String,
}

/// `cris ingest ...`.
#[derive(Debug, Subcommand)]
pub enum IngestCommand {
    /// Ingest a USPS tracking extract file (version 1.5); prints the run's report.
    Usps {
        /// The file.
        file: PathBuf,
    },
}

/// `cris import ...`.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Apply case status events from a JSON Lines file (one event a line).
    CaseEvents {
        /// The file.
        file: PathBuf,
    },
}

/// `cris admin ...`.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a staff account (the first administrator, typically). The password is read from
    /// standard input.
    CreateUser(CreateUserArgs),
    /// Register a machine client of the APIs; prints its id and secret once.
    CreateClient(CreateClientArgs),
    /// Deactivate staff accounts unused for the configured period, and list them.
    DeactivateUnused,
}

/// `cris admin create-user` settings.
#[derive(Debug, Args)]
pub struct CreateUserArgs {
    /// Sign-in name.
    #[arg(long)]
    pub username: String,
    /// Full name.
    #[arg(long)]
    pub name: String,
    /// Work email.
    #[arg(long)]
    pub email: String,
    /// Role, e.g. global_admin, district_admin, siio, iso, reception, tier1.
    #[arg(long)]
    pub role: String,
    /// Office code, e.g. NYC.
    #[arg(long)]
    pub office: String,
}

/// `cris admin create-client` settings.
#[derive(Debug, Args)]
pub struct CreateClientArgs {
    /// Application name.
    #[arg(long)]
    pub name: String,
    /// Requests a second.
    #[arg(long, default_value_t = 10)]
    pub rate_per_second: i64,
    /// Requests a day.
    #[arg(long, default_value_t = 5_000)]
    pub daily_quota: i64,
    /// What it may do, space-separated: case_status (read), case_events (push status changes).
    #[arg(long, default_value = "case_status")]
    pub scopes: String,
}

/// `cris retention ...`.
#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Show what a run would remove now: counts by kind, oldest and newest dates; deletes nothing.
    Plan,
    /// Remove every record past its time and print the purge certificate.
    Run,
}

/// `cris audit ...`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain; exit 1 and name the first broken row if any.
    Verify,
}

/// `cris serve` settings.
#[derive(Debug, Args, Default)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long, env = "CRIS_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Load the demo data set the first time (into an empty database).
    #[arg(long, env = "CRIS_DEMO")]
    pub demo: bool,
    /// Number of demo cases to generate with --demo (default 20000).
    #[arg(long, env = "CRIS_DEMO_CASES")]
    pub demo_cases: Option<u64>,
    /// PEM certificate chain; with --tls-key, serve HTTPS only.
    #[arg(long, env = "CRIS_TLS_CERT")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, env = "CRIS_TLS_KEY")]
    pub tls_key: Option<PathBuf>,
    /// Seconds a request may take before it is answered 503.
    #[arg(long, env = "CRIS_REQUEST_TIMEOUT_SECS")]
    pub request_timeout_secs: Option<u64>,
    /// Seconds to let requests in flight finish on shutdown.
    #[arg(long, env = "CRIS_SHUTDOWN_GRACE_SECS")]
    pub shutdown_grace_secs: Option<u64>,
    /// Minutes without a request after which a session ends.
    #[arg(long, env = "CRIS_SESSION_IDLE_MINUTES")]
    pub session_idle_minutes: Option<i64>,
    /// Hours after sign-in after which a session ends regardless.
    #[arg(long, env = "CRIS_SESSION_ABSOLUTE_HOURS")]
    pub session_absolute_hours: Option<i64>,
    /// The address people reach CRIS at, for links in email (default http://LISTEN).
    #[arg(long, env = "CRIS_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Token the SMS provider sends with replies (STOP, HELP) to /api/v1/sms/inbound.
    #[arg(long, env = "CRIS_SMS_INBOUND_TOKEN", hide_env_values = true)]
    pub sms_inbound_token: Option<String>,
    /// Hours when no text is sent, e.g. 21:00-08:00.
    #[arg(long, env = "CRIS_SMS_QUIET_HOURS")]
    pub sms_quiet_hours: Option<String>,
    /// Time zone of the quiet hours.
    #[arg(long, env = "CRIS_SMS_TIME_ZONE")]
    pub sms_time_zone: Option<String>,
    /// Emails sent a second at most.
    #[arg(long, env = "CRIS_EMAIL_PER_SECOND")]
    pub email_per_second: Option<u32>,
    /// Texts sent a second at most.
    #[arg(long, env = "CRIS_SMS_PER_SECOND")]
    pub sms_per_second: Option<u32>,
    /// Connections held at once, in all (default 2048).
    #[arg(long, env = "CRIS_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Connections held at once from one client address (default 64).
    #[arg(long, env = "CRIS_MAX_CONNECTIONS_PER_ADDRESS")]
    pub max_connections_per_address: Option<usize>,
    /// Seconds a client has to send a request's headers (default 10).
    #[arg(long, env = "CRIS_HEADER_READ_TIMEOUT_SECS")]
    pub header_read_timeout_secs: Option<u64>,
    /// Proxies in front whose X-Forwarded-For is believed: addresses or networks, comma-separated.
    #[arg(long, env = "CRIS_TRUSTED_PROXIES")]
    pub trusted_proxies: Option<String>,
    /// Bearer token that opens /metrics.
    #[arg(long, env = "CRIS_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Networks that may read /metrics without the token (default this machine).
    #[arg(long, env = "CRIS_METRICS_NETWORKS")]
    pub metrics_networks: Option<String>,
}

/// `cris seed ...`.
#[derive(Debug, Subcommand)]
pub enum SeedCommand {
    /// Generate the deterministic demo data set.
    Demo(SeedDemoArgs),
}

/// `cris seed demo` settings.
#[derive(Debug, Args)]
pub struct SeedDemoArgs {
    /// How many cases to generate.
    #[arg(long, default_value_t = DEFAULT_DEMO_CASES)]
    pub cases: u64,
    /// The day the data set is built around, YYYY-MM-DD (default: today). Same day and size give
    /// the same data.
    #[arg(long)]
    pub as_of: Option<chrono::NaiveDate>,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object a line.
    Json,
}

/// The demo data set's default size.
pub const DEFAULT_DEMO_CASES: u64 = 20_000;

/// The optional TOML file: the same settings, by the same names as the long flags.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    db_max_connections: Option<u32>,
    log: Option<String>,
    log_format: Option<LogFormat>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    unused_account_days: Option<i64>,
    sms_url: Option<String>,
    sms_token: Option<String>,
    retention: Option<std::collections::BTreeMap<String, u64>>,
    allow_plain_relays: Option<bool>,
    sms_inbound_token: Option<String>,
    sms_quiet_hours: Option<String>,
    sms_time_zone: Option<String>,
    email_per_second: Option<u32>,
    sms_per_second: Option<u32>,
    public_url: Option<String>,
    session_idle_minutes: Option<i64>,
    session_absolute_hours: Option<i64>,
    listen: Option<SocketAddr>,
    demo: Option<bool>,
    demo_cases: Option<u64>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    request_timeout_secs: Option<u64>,
    shutdown_grace_secs: Option<u64>,
    max_connections: Option<usize>,
    max_connections_per_address: Option<usize>,
    header_read_timeout_secs: Option<u64>,
    trusted_proxies: Option<String>,
    metrics_token: Option<String>,
    metrics_networks: Option<String>,
    ident: Option<IdentFile>,
}

/// The `[ident]` table of the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentFile {
    url: Option<String>,
    token: Option<String>,
    inbound_token: Option<String>,
}

/// How CRIS reaches IDENT and how IDENT proves itself to CRIS (`docs/IDENT.md`).
#[derive(Clone, Default)]
pub struct IdentSettings {
    /// IDENT's root URL; without it (and the token) nothing goes to partners.
    pub url: Option<String>,
    /// The token CRIS sends.
    pub token: Option<String>,
    /// The token IDENT sends; without it the inbound endpoint refuses every call.
    pub inbound_token: Option<String>,
}

impl std::fmt::Debug for IdentSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The tokens are secrets: never in logs or error output.
        f.debug_struct("IdentSettings").field("url", &self.url).finish_non_exhaustive()
    }
}

/// A configuration mistake, worded for the operator.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// Settings every subcommand uses, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Data folder.
    pub data_dir: PathBuf,
    /// Database URL.
    pub database_url: String,
    /// Pool size.
    pub db_max_connections: u32,
    /// Log filter.
    pub log: String,
    /// Log format.
    pub log_format: LogFormat,
    /// SMTP URL, when email is configured.
    pub smtp_url: Option<String>,
    /// Sender address.
    pub mail_from: String,
    /// Staff accounts unused this long are deactivated.
    pub unused_account_after: chrono::Duration,
    /// SMS gateway URL.
    pub sms_url: Option<String>,
    /// Token for the SMS gateway.
    pub sms_token: Option<String>,
    /// How long each kind of record lives (`[retention]` in the file).
    pub retention: crate::retention::model::Policies,
    /// IDENT (`[ident]` in the file).
    pub ident: IdentSettings,
}

/// `cris serve` settings, resolved.
#[derive(Debug, Clone)]
pub struct ServeSettings {
    /// Listen address.
    pub listen: SocketAddr,
    /// Load demo data into an empty database.
    pub demo: bool,
    /// Demo size.
    pub demo_cases: u64,
    /// TLS certificate and key, when HTTPS is configured.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Per-request time limit.
    pub request_timeout: std::time::Duration,
    /// Shutdown grace period.
    pub shutdown_grace: std::time::Duration,
    /// Session time limits.
    pub session_limits: crate::kernel::session::Limits,
    /// Public address.
    pub public_url: String,
    /// Token for replies from the SMS provider.
    pub sms_inbound_token: Option<String>,
    /// Quiet hours for texts.
    pub quiet: crate::notify::QuietHours,
    /// Emails a second.
    pub email_per_second: u32,
    /// Texts a second.
    pub sms_per_second: u32,
    /// Bounds on connections.
    pub conn_limits: crate::web::server::ConnLimits,
    /// Proxies whose X-Forwarded-For is believed.
    pub trusted_proxies: crate::web::client_addr::TrustedProxies,
    /// Who may read /metrics.
    pub metrics_access: crate::web::metrics::Access,
}

/// The `[retention]` table: `<kind>_days` for any kind (see `retention::model::Kind`), `batch`
/// (rows a transaction) and `pause_ms` (between batches).
fn retention_policies(
    table: Option<&std::collections::BTreeMap<String, u64>>,
) -> Result<crate::retention::model::Policies, ConfigError> {
    use crate::retention::model::{Kind, Policies};
    let mut p = Policies::default();
    for (key, value) in table.into_iter().flatten() {
        if key == "batch" {
            if !(1..=100_000).contains(value) {
                return Err(ConfigError("retention batch must be between 1 and 100000".into()));
            }
            p.batch = i64::try_from(*value).unwrap_or(500);
        } else if key == "pause_ms" {
            p.pause = std::time::Duration::from_millis((*value).min(60_000));
        } else if let Some(kind) = key.strip_suffix("_days").and_then(Kind::parse) {
            p.set_days(kind, u32::try_from(*value).unwrap_or(u32::MAX)).map_err(ConfigError)?;
        } else {
            return Err(ConfigError(format!("unknown retention setting {key:?}")));
        }
    }
    Ok(p)
}

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("cannot read configuration file {}: {e}", path.display())))?;
    toml::from_str(&text).map_err(|e| {
        let reason = e.message().to_owned();
        ConfigError(format!("configuration file {}: {reason}", path.display()))
    })
}

/// Resolves the settings of every subcommand, and of `serve` when given.
pub fn resolve(
    common: &CommonArgs,
    serve: Option<&ServeArgs>,
) -> Result<(Settings, Option<ServeSettings>), ConfigError> {
    let file = match &common.config {
        Some(path) => read_file(path)?,
        None => FileConfig::default(),
    };
    let data_dir = common.data_dir.clone().or(file.data_dir).unwrap_or_else(|| PathBuf::from("./cris-data"));
    let database_url = match common.database_url.clone().or(file.database_url) {
        Some(url) => url,
        None => format!("sqlite://{}", data_dir.join("cris.db").display()),
    };
    if !(database_url.starts_with("sqlite:")
        || database_url.starts_with("postgres://")
        || database_url.starts_with("postgresql://"))
    {
        return Err(ConfigError("database URL must start with sqlite:, postgres:// or postgresql://".into()));
    }
    let db_max_connections = common.db_max_connections.or(file.db_max_connections).unwrap_or(8);
    if db_max_connections == 0 {
        return Err(ConfigError("db_max_connections must be at least 1".into()));
    }
    let log = common.log.clone().or(file.log).unwrap_or_else(|| "info".into());
    if tracing_subscriber::EnvFilter::try_new(&log).is_err() {
        return Err(ConfigError(format!("log filter {log:?} is not valid")));
    }
    let unused_days = common.unused_account_days.or(file.unused_account_days).unwrap_or(90);
    if !(1..=3650).contains(&unused_days) {
        return Err(ConfigError("unused_account_days must be between 1 and 3650".into()));
    }
    let smtp_url = common.smtp_url.clone().or(file.smtp_url);
    let mail_from = common.mail_from.clone().or(file.mail_from).unwrap_or_else(|| "CRIS <no-reply@localhost>".into());
    if let Some(url) = &smtp_url {
        crate::notify::Mailer::new(url, &mail_from).map_err(|e| ConfigError(e.0))?;
    }
    let settings = Settings {
        data_dir,
        database_url,
        db_max_connections,
        log,
        log_format: common.log_format.or(file.log_format).unwrap_or_default(),
        smtp_url,
        mail_from,
        unused_account_after: chrono::Duration::days(unused_days),
        sms_url: common.sms_url.clone().or(file.sms_url),
        sms_token: common.sms_token.clone().or(file.sms_token),
        retention: retention_policies(file.retention.as_ref())?,
        ident: {
            let table = file.ident.unwrap_or_default();
            IdentSettings {
                url: common.ident_url.clone().or(table.url),
                token: common.ident_token.clone().or(table.token),
                inbound_token: common.ident_inbound_token.clone().or(table.inbound_token),
            }
        },
    };
    if let Some(url) = &settings.ident.url {
        if settings.ident.token.as_deref().is_none_or(str::is_empty) {
            return Err(ConfigError("ident url needs ident token".into()));
        }
        crate::ident::Client::new(url, "").map_err(ConfigError)?;
    }
    if let Some(url) = &settings.sms_url {
        crate::notify::sms::Gateway::new(url, None).map_err(|e| ConfigError(e.0))?;
    }
    // R-AU-09: what leaves for another machine is encrypted, unless the operator says the network
    // between is trusted.
    if !(common.allow_plain_relays || file.allow_plain_relays.unwrap_or(false)) {
        for (name, url) in
            [("smtp_url", &settings.smtp_url), ("sms_url", &settings.sms_url), ("ident url", &settings.ident.url)]
        {
            if let Some(host) = url.as_deref().and_then(plain_remote_host) {
                return Err(ConfigError(format!(
                    "{name} sends in plain text to {host}; use smtps://, ?tls=required or https://, \
                     or set allow_plain_relays = true if the network between is trusted"
                )));
            }
        }
    }
    let Some(serve) = serve else {
        return Ok((settings, None));
    };
    let tls = match (serve.tls_cert.clone().or(file.tls_cert), serve.tls_key.clone().or(file.tls_key)) {
        (Some(cert), Some(key)) => {
            for path in [&cert, &key] {
                if !path.is_file() {
                    return Err(ConfigError(format!("TLS file {} does not exist", path.display())));
                }
            }
            Some((cert, key))
        }
        (None, None) => None,
        _ => {
            return Err(ConfigError("tls_cert and tls_key must be given together".into()));
        }
    };
    let secs = |v: Option<u64>, f: Option<u64>, default: u64, name: &str| -> Result<_, ConfigError> {
        let s = v.or(f).unwrap_or(default);
        if s == 0 {
            return Err(ConfigError(format!("{name} must be at least 1 second")));
        }
        Ok(std::time::Duration::from_secs(s))
    };
    let idle = serve.session_idle_minutes.or(file.session_idle_minutes).unwrap_or(15);
    let absolute = serve.session_absolute_hours.or(file.session_absolute_hours).unwrap_or(12);
    if !(1..=1440).contains(&idle) || !(1..=168).contains(&absolute) {
        return Err(ConfigError("session_idle_minutes must be 1 to 1440 and session_absolute_hours 1 to 168".into()));
    }
    let quiet = parse_quiet(
        serve.sms_quiet_hours.clone().or(file.sms_quiet_hours).as_deref().unwrap_or("21:00-08:00"),
        serve.sms_time_zone.clone().or(file.sms_time_zone).as_deref().unwrap_or("America/New_York"),
    )?;
    let email_per_second = serve.email_per_second.or(file.email_per_second).unwrap_or(50);
    let sms_per_second = serve.sms_per_second.or(file.sms_per_second).unwrap_or(10);
    if email_per_second == 0 || sms_per_second == 0 {
        return Err(ConfigError("email_per_second and sms_per_second must be at least 1".into()));
    }
    let listen = serve.listen.or(file.listen).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
    let public_url = serve.public_url.clone().or(file.public_url).unwrap_or_else(|| format!("http://{listen}"));
    if !(public_url.starts_with("https://") || public_url.starts_with("http://")) {
        return Err(ConfigError("public_url must start with https:// or http://".into()));
    }
    let trusted_proxies = crate::web::client_addr::TrustedProxies::parse(
        serve.trusted_proxies.as_deref().or(file.trusted_proxies.as_deref()).unwrap_or(""),
    )
    .map_err(|e| ConfigError(format!("trusted_proxies: {e}")))?;
    // R-AU-09: plain HTTP only where nothing crosses a network unencrypted: on this machine, or
    // behind a declared TLS-terminating proxy.
    if tls.is_none() && !listen.ip().is_loopback() && trusted_proxies.is_empty() {
        return Err(ConfigError(format!(
            "refusing plain HTTP on {listen}: set tls_cert and tls_key, or name the TLS proxy in front in trusted_proxies"
        )));
    }
    let defaults = crate::web::server::ConnLimits::default();
    let header_read_timeout = secs(
        serve.header_read_timeout_secs,
        file.header_read_timeout_secs,
        defaults.header_read_timeout.as_secs(),
        "header_read_timeout_secs",
    )?;
    let conn_limits = crate::web::server::ConnLimits {
        max_connections: serve.max_connections.or(file.max_connections).unwrap_or(defaults.max_connections),
        max_per_address: serve
            .max_connections_per_address
            .or(file.max_connections_per_address)
            .unwrap_or(defaults.max_per_address),
        header_read_timeout,
    };
    if conn_limits.max_connections == 0 || conn_limits.max_per_address == 0 {
        return Err(ConfigError("max_connections and max_connections_per_address must be at least 1".into()));
    }
    let metrics_access = crate::web::metrics::Access {
        token: serve.metrics_token.clone().or(file.metrics_token).filter(|t| !t.trim().is_empty()),
        networks: crate::web::client_addr::TrustedProxies::parse(
            serve
                .metrics_networks
                .as_deref()
                .or(file.metrics_networks.as_deref())
                .unwrap_or(crate::web::metrics::DEFAULT_NETWORKS),
        )
        .map_err(|e| ConfigError(format!("metrics_networks: {e}")))?,
    };
    let serve_settings = ServeSettings {
        listen,
        demo: serve.demo || file.demo.unwrap_or(false),
        demo_cases: serve.demo_cases.or(file.demo_cases).unwrap_or(DEFAULT_DEMO_CASES),
        tls,
        request_timeout: secs(serve.request_timeout_secs, file.request_timeout_secs, 30, "request_timeout_secs")?,
        shutdown_grace: secs(serve.shutdown_grace_secs, file.shutdown_grace_secs, 30, "shutdown_grace_secs")?,
        session_limits: crate::kernel::session::Limits {
            idle: chrono::Duration::minutes(idle),
            absolute: chrono::Duration::hours(absolute),
        },
        public_url,
        sms_inbound_token: serve.sms_inbound_token.clone().or(file.sms_inbound_token),
        quiet,
        email_per_second,
        sms_per_second,
        conn_limits,
        trusted_proxies,
        metrics_access,
    };
    Ok((settings, Some(serve_settings)))
}

/// The host a relay URL reaches without encryption, when it is not this machine: `smtp://`
/// without `tls=required` (plain or downgradable STARTTLS) and `http://`.
fn plain_remote_host(url: &str) -> Option<String> {
    let parsed = reqwest::Url::parse(url).ok()?;
    let plain = match parsed.scheme() {
        "smtp" => !parsed.query_pairs().any(|(k, v)| k == "tls" && v == "required"),
        "http" => true,
        _ => false,
    };
    let host = parsed.host_str()?.trim_start_matches('[').trim_end_matches(']').to_owned();
    let local =
        host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    (plain && !local).then_some(host)
}

/// Reads quiet hours such as `21:00-08:00` in a named time zone.
fn parse_quiet(hours: &str, zone: &str) -> Result<crate::notify::QuietHours, ConfigError> {
    let bad = || ConfigError(format!("sms_quiet_hours {hours:?} must look like 21:00-08:00"));
    let (a, b) = hours.split_once('-').ok_or_else(bad)?;
    let time = |t: &str| chrono::NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| bad());
    let tz =
        zone.parse::<chrono_tz::Tz>().map_err(|_| ConfigError(format!("sms_time_zone {zone:?} is not a time zone")))?;
    Ok(crate::notify::QuietHours { tz, start: time(a)?, end: time(b)? })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> PathBuf {
        let path = std::env::temp_dir().join(format!("cris-config-{}.toml", uuid::Uuid::new_v4()));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn flags_override_file_and_file_overrides_defaults() {
        let path = write("data_dir = \"/tmp/from-file\"\nlisten = \"127.0.0.1:9999\"\ndb_max_connections = 3\n");
        let common = CommonArgs { config: Some(path.clone()), db_max_connections: Some(5), ..Default::default() };
        let (s, serve) = resolve(&common, Some(&ServeArgs::default())).unwrap();
        assert_eq!(s.data_dir, PathBuf::from("/tmp/from-file"));
        assert_eq!(s.db_max_connections, 5);
        assert_eq!(s.database_url, "sqlite:///tmp/from-file/cris.db");
        assert_eq!(serve.unwrap().listen.port(), 9999);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn retention_settings_are_read_and_bad_ones_refused_with_a_reason() {
        // R-RT-01
        // R-RT-02
        use crate::retention::model::Kind;
        let path = write("[retention]\noutbox_days = 7\nthrottles_days = 2\nbatch = 50\npause_ms = 20\n");
        let common = CommonArgs { config: Some(path.clone()), ..Default::default() };
        let (s, _) = resolve(&common, None).unwrap();
        assert_eq!(s.retention.days(Kind::Outbox), 7);
        assert_eq!(s.retention.days(Kind::Throttles), 2);
        assert_eq!(s.retention.days(Kind::Appointments), 60, "the others keep their defaults");
        assert_eq!(s.retention.batch, 50);
        assert_eq!(s.retention.pause, std::time::Duration::from_millis(20));
        for (text, reason) in [
            ("appointments_days = 61", "at most 60"),
            ("focus_contacts_days = 121", "at most 120"),
            ("outbox_days = 5000000000", "at most 3650"),
            ("batch = 0", "between 1 and 100000"),
            ("batch = 100001", "between 1 and 100000"),
            ("frobs_days = 3", "unknown retention setting"),
            ("outbox = 3", "unknown retention setting"),
            ("outbox_days = -1", "configuration file"),
            ("outbox_days = \"ten\"", "configuration file"),
        ] {
            std::fs::write(&path, format!("[retention]\n{text}\n")).unwrap();
            let err = resolve(&common, None).unwrap_err();
            assert!(err.0.contains(reason) && !err.0.contains('\n'), "{text}: {err}");
        }
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused_with_a_reason() {
        let path = write("listen = \"nowhere\"\n");
        let common = CommonArgs { config: Some(path.clone()), ..Default::default() };
        let err = resolve(&common, None).unwrap_err();
        assert!(err.0.contains("configuration file"), "{err}");
        std::fs::write(&path, "lsiten = \"127.0.0.1:1\"\n").unwrap();
        let err = resolve(&common, None).unwrap_err();
        assert!(err.0.contains("unknown field"), "{err}");
        std::fs::remove_file(path).unwrap();

        let common = CommonArgs { database_url: Some("mysql://x".into()), ..Default::default() };
        assert!(resolve(&common, None).unwrap_err().0.contains("database URL"));
        let serve = ServeArgs { tls_cert: Some("/nonexistent.pem".into()), ..Default::default() };
        assert!(resolve(&CommonArgs::default(), Some(&serve)).unwrap_err().0.contains("together"));
    }

    // R-AU-09, issue 16 point 15: plain HTTP only on loopback, or behind a declared proxy.
    #[test]
    fn plain_http_on_a_public_address_is_refused() {
        let public = |extra: ServeArgs| {
            resolve(&CommonArgs::default(), Some(&ServeArgs { listen: Some("0.0.0.0:8080".parse().unwrap()), ..extra }))
        };
        let err = public(ServeArgs::default()).unwrap_err();
        assert!(err.0.contains("refusing plain HTTP on 0.0.0.0:8080"), "{err}");
        let behind = public(ServeArgs { trusted_proxies: Some("10.0.0.5".into()), ..Default::default() }).unwrap();
        assert!(behind.1.unwrap().trusted_proxies.contains("10.0.0.5".parse().unwrap()));
        assert!(public(ServeArgs { trusted_proxies: Some("proxy.local".into()), ..Default::default() }).is_err());
        // Loopback stays open for the demo.
        assert!(resolve(&CommonArgs::default(), Some(&ServeArgs::default())).is_ok());
        let v6 = ServeArgs { listen: Some("[::1]:8080".parse().unwrap()), ..Default::default() };
        assert!(resolve(&CommonArgs::default(), Some(&v6)).is_ok());
    }

    // R-AU-09, issue 16 point 15: relays to another machine are encrypted unless allowed.
    #[test]
    fn plain_relays_to_another_host_need_the_setting() {
        let with = |smtp: Option<&str>, sms: Option<&str>, allow: bool| {
            let common = CommonArgs {
                smtp_url: smtp.map(str::to_owned),
                sms_url: sms.map(str::to_owned),
                allow_plain_relays: allow,
                ..Default::default()
            };
            resolve(&common, None).map(|_| ()).map_err(|e| e.0)
        };
        let err = with(Some("smtp://mail.agency.gov:25"), None, false).unwrap_err();
        assert!(err.contains("smtp_url sends in plain text to mail.agency.gov"), "{err}");
        assert!(with(Some("smtp://mail.agency.gov:587?tls=opportunistic"), None, false).is_err());
        assert!(with(Some("smtp://mail.agency.gov:587?tls=required"), None, false).is_ok());
        assert!(with(Some("smtps://mail.agency.gov:465"), None, false).is_ok());
        assert!(with(Some("smtp://127.0.0.1:2525"), None, false).is_ok());
        assert!(with(Some("smtp://localhost:25"), None, false).is_ok());
        assert!(with(Some("smtp://mail.agency.gov:25"), None, true).is_ok());
        let err = with(None, Some("http://sms.example.com/send"), false).unwrap_err();
        assert!(err.contains("sms_url"), "{err}");
        assert!(with(None, Some("https://sms.example.com/send"), false).is_ok());
        assert!(with(None, Some("http://[::1]:9000/send"), false).is_ok());
        assert!(with(None, Some("http://sms.example.com/send"), true).is_ok());
    }

    // R-AU-09: IDENT is reached over HTTPS unless it is this machine; its tokens are read from
    // the [ident] table or the flags, and never shown.
    #[test]
    fn the_ident_table_is_read_and_plain_http_is_loopback_only() {
        let path = write(
            "[ident]\nurl = \"https://ident.dhs.example\"\ntoken = \"out-secret\"\ninbound_token = \"in-secret\"\n",
        );
        let common = CommonArgs { config: Some(path.clone()), ..Default::default() };
        let s = resolve(&common, None).unwrap().0;
        assert_eq!(s.ident.url.as_deref(), Some("https://ident.dhs.example"));
        assert_eq!(s.ident.token.as_deref(), Some("out-secret"));
        assert_eq!(s.ident.inbound_token.as_deref(), Some("in-secret"));
        assert!(!format!("{s:?}").contains("secret"));
        let flag = CommonArgs { ident_token: Some("flag".into()), ..common };
        assert_eq!(resolve(&flag, None).unwrap().0.ident.token.as_deref(), Some("flag"));
        std::fs::write(&path, "[ident]\nurl = \"http://ident.dhs.example\"\ntoken = \"t\"\n").unwrap();
        let common = CommonArgs { config: Some(path.clone()), ..Default::default() };
        assert!(resolve(&common, None).unwrap_err().0.contains("ident url sends in plain text"));
        std::fs::write(&path, "[ident]\nurl = \"http://127.0.0.1:9443\"\n").unwrap();
        assert!(resolve(&common, None).unwrap_err().0.contains("needs ident token"));
        std::fs::write(&path, "[ident]\nurl = \"http://127.0.0.1:9443\"\ntoken = \"t\"\nnope = 1\n").unwrap();
        assert!(resolve(&common, None).unwrap_err().0.contains("unknown field"));
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn connection_limits_and_metrics_access_are_read() {
        let serve = ServeArgs {
            max_connections: Some(100),
            max_connections_per_address: Some(7),
            header_read_timeout_secs: Some(3),
            metrics_token: Some("scrape".into()),
            metrics_networks: Some("10.1.0.0/16".into()),
            ..Default::default()
        };
        let s = resolve(&CommonArgs::default(), Some(&serve)).unwrap().1.unwrap();
        assert_eq!(
            s.conn_limits,
            crate::web::server::ConnLimits {
                max_connections: 100,
                max_per_address: 7,
                header_read_timeout: std::time::Duration::from_secs(3)
            }
        );
        assert_eq!(s.metrics_access.token.as_deref(), Some("scrape"));
        assert!(s.metrics_access.networks.contains("10.1.2.3".parse().unwrap()));
        assert!(!s.metrics_access.networks.contains("127.0.0.1".parse().unwrap()));
        let zero = ServeArgs { max_connections: Some(0), ..Default::default() };
        assert!(resolve(&CommonArgs::default(), Some(&zero)).is_err());
    }
}
