//! The `cris` binary: parses the command line and configuration, sets up logging, and runs a
//! subcommand. Configuration mistakes exit with status 2 and a one-line reason.

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;
use cris::config::{
    self, AdminCommand, AgreementCommand, AuditCommand, Cli, Command, ImportCommand, IngestCommand, LogFormat,
    SeedCommand, SharingCommand,
};
use cris::kernel::progress::Progress;

fn init_logging(filter: &str, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

/// Some lines of an import were refused (exit status 1; the others were applied).
#[derive(Debug, thiserror::Error)]
#[error("{0} event(s) refused; the others were applied")]
struct PartlyRefused(usize);

/// The audit chain is broken (exit status 1 with the row named).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct AuditBroken(String);

async fn admin(settings: &config::Settings, cmd: AdminCommand) -> anyhow::Result<()> {
    use cris::kernel::access::Role;
    use cris::staff::model::{NewStaff, Username};
    let (db, catalog) = cris::app::open(&settings.database_url, settings.db_max_connections).await?;
    let now = cris::kernel::clock::Clock::System.now();
    let result = async {
        match cmd {
            AdminCommand::CreateUser(a) => {
                let mut password = String::new();
                std::io::stdin().read_line(&mut password)?;
                let new = NewStaff {
                    username: Username::parse(&a.username)?,
                    display_name: a.name,
                    email: a.email.parse()?,
                    role: a.role.parse::<Role>()?,
                    office: a.office.trim().to_uppercase(),
                    password: password.trim_end_matches(['\r', '\n']).to_owned(),
                };
                let id = cris::staff::service::create(&db, &catalog, None, now, new).await?;
                println!(
                    "created staff account {} (id {id}); the authenticator is set up at the first sign-in",
                    a.username
                );
            }
            AdminCommand::CreateClient(a) => {
                let new = cris::api_clients::NewClient {
                    name: a.name,
                    client_id: None,
                    secret: None,
                    rate_per_second: a.rate_per_second,
                    daily_quota: a.daily_quota,
                    scopes: a.scopes,
                };
                let (id, secret) = cris::api_clients::register(&db, &catalog, None, now, new).await?;
                println!("client_id: {id}\nclient_secret: {secret}\n(the secret is not stored; keep it now)");
            }
            AdminCommand::DeactivateUnused => {
                let users =
                    cris::staff::service::deactivate_unused(&db, &catalog, now, settings.unused_account_after).await?;
                println!(
                    "deactivated {} account(s) unused for {} days",
                    users.len(),
                    settings.unused_account_after.num_days()
                );
                for u in users {
                    let last =
                        u.last_sign_in_at.map_or_else(|| "never".to_owned(), |t| t.format("%Y-%m-%d").to_string());
                    println!("{}\t{}\t{}\tlast sign-in {last}", u.username, u.display_name, u.office_code);
                }
            }
        }
        anyhow::Ok(())
    }
    .await;
    db.close().await;
    result
}

/// `cris sharing agreement list|add|end`: the staff page's rules and audit, as the operator.
async fn agreements(settings: &config::Settings, cmd: AgreementCommand) -> anyhow::Result<()> {
    use cris::cpms::model::{AgreementDraft, fields_list};
    use cris::cpms::service as cpms;
    let (db, catalog) = cris::app::open(&settings.database_url, settings.db_max_connections).await?;
    let now = cris::kernel::clock::Clock::System.now();
    let operator = cpms::operator(&std::env::var("USER").unwrap_or_else(|_| "unknown".into()));
    let show = |a: &cris::cpms::model::Agreement| {
        let in_force = if a.in_force(cpms::today(now)) { "in force" } else { "not in force" };
        format!(
            "{}\t{}\t{} to {}\t{in_force}\tout {}\tin {}\ttemplate {}",
            a.id,
            a.partner,
            a.in_force_from,
            a.in_force_to,
            fields_list(&a.outbound_fields),
            fields_list(&a.inbound_fields),
            a.template
        )
    };
    let result = async {
        match cmd {
            AgreementCommand::List => {
                for a in cpms::all_agreements(&db).await? {
                    println!("{}", show(&a));
                }
            }
            AgreementCommand::Add(a) => {
                let allowed = cpms::may_manage_agreements(&db, &catalog, &operator, now).await?;
                let draft = AgreementDraft {
                    template: a.template.unwrap_or_else(|| a.partner.clone()),
                    partner: a.partner,
                    in_force_from: a.from,
                    in_force_to: a.to,
                    outbound: vec![a.outbound],
                    inbound: vec![a.inbound],
                };
                match cpms::enter_agreement(&db, &allowed, &operator, now, &draft).await? {
                    Ok(a) => println!("entered {}", show(&a)),
                    Err(problems) => {
                        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
                        anyhow::bail!("the agreement was not entered: {}", lines.join("; "));
                    }
                }
            }
            AgreementCommand::End(e) => {
                let allowed = cpms::may_manage_agreements(&db, &catalog, &operator, now).await?;
                let a = match cpms::end_agreement(&db, &allowed, &operator, now, e.id, &e.last_day).await {
                    Err(cris::kernel::error::ServiceError::NotFound) => anyhow::bail!("no agreement {}", e.id),
                    done => done?,
                };
                println!("ended {}", show(&a));
            }
        }
        anyhow::Ok(())
    }
    .await;
    db.close().await;
    result
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) =>
        {
            e.exit()
        }
        Err(e) => {
            // One line, as for every configuration mistake: clap's first line names the problem.
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or("invalid arguments").trim_start_matches("error: ");
            eprintln!("cris: configuration error: {first}");
            return ExitCode::from(2);
        }
    };
    let serve_args = match &cli.command {
        Command::Serve(args) => Some(args),
        _ => None,
    };
    let (settings, serve) = match config::resolve(&cli.common, serve_args) {
        Ok(resolved) => resolved,
        Err(e) => {
            eprintln!("cris: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    init_logging(&settings.log, settings.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cris: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(_) => match serve {
                Some(serve) => cris::app::serve(&settings, &serve).await,
                None => Ok(()),
            },
            Command::Migrate => {
                let (db, catalog) = cris::app::open(&settings.database_url, settings.db_max_connections).await?;
                // Cases from before the stored reports (migration 0030) get theirs.
                let built = cris::case_status::service::backfill_reports(&db, &Progress::start("reports", 0)).await?;
                if built > 0 {
                    println!("built the stored report of {built} case(s)");
                }
                println!("database is up to date; {} offices", cris::offices::count(&db).await?);
                drop(catalog);
                db.close().await;
                Ok(())
            }
            Command::Admin(cmd) => admin(&settings, cmd).await,
            Command::Sharing(SharingCommand::Agreement(cmd)) => agreements(&settings, cmd).await,
            Command::Ingest(IngestCommand::Usps { file }) => {
                let bytes = std::fs::read(&file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
                let (db, catalog) = cris::app::open(&settings.database_url, settings.db_max_connections).await?;
                let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let started = cris::kernel::clock::Stopwatch::start();
                let report = cris::usps::service::ingest_with(
                    &db,
                    &catalog,
                    cris::kernel::clock::Clock::System.now(),
                    &name,
                    &String::from_utf8_lossy(&bytes),
                    &Progress::start("lines", 0),
                )
                .await?;
                db.close().await;
                print!("{}", report.to_text());
                println!("took {:.1} s", started.elapsed().as_secs_f64());
                Ok(())
            }
            Command::Import(ImportCommand::CaseEvents { file }) => {
                let text = std::fs::read_to_string(&file)
                    .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
                let (db, catalog) = cris::app::open(&settings.database_url, settings.db_max_connections).await?;
                let now = cris::kernel::clock::Clock::System.now();
                let prepared = cris::case_status::events::prepare(
                    cris::case_status::events::parse_lines(&text),
                    &catalog,
                    now.date_naive(),
                );
                let progress = Progress::start("events", 0);
                let outcome = cris::case_status::events::apply_with(&db, now, prepared, &progress).await?;
                db.close().await;
                println!(
                    "applied {}, already applied {}, refused {}",
                    outcome.applied,
                    outcome.duplicates,
                    outcome.rejected.len()
                );
                for r in &outcome.rejected {
                    println!(
                        "line {}: {}{}",
                        r.position,
                        r.event_id.as_deref().map(|i| format!("{i}: ")).unwrap_or_default(),
                        r.reason
                    );
                }
                if outcome.rejected.is_empty() { Ok(()) } else { Err(PartlyRefused(outcome.rejected.len()).into()) }
            }
            Command::Retention(cmd) => {
                let (db, _) = cris::app::open(&settings.database_url, settings.db_max_connections).await?;
                let clock = cris::kernel::clock::Clock::System;
                let result = cris::app::retention(&db, &settings.retention, &clock, &cmd).await;
                db.close().await;
                print!("{}", result?);
                Ok(())
            }
            Command::Audit(AuditCommand::Verify) => {
                let (db, _) = cris::app::open(&settings.database_url, settings.db_max_connections).await?;
                let v = cris::kernel::audit::verify(&db).await?;
                db.close().await;
                match v.broken {
                    None => {
                        println!("audit trail intact: {} rows verified", v.checked);
                        Ok(())
                    }
                    Some(b) => Err(AuditBroken(format!(
                        "audit trail broken at row {}: {} ({} rows verified before it)",
                        b.id, b.reason, v.checked
                    ))
                    .into()),
                }
            }
            Command::Seed(SeedCommand::Demo(args)) => {
                let (db, catalog) = cris::app::open(&settings.database_url, settings.db_max_connections).await?;
                let as_of = args
                    .as_of
                    .unwrap_or_else(|| cris::kernel::clock::Clock::System.today_in(chrono_tz::America::New_York));
                let progress = Progress::start("cases", args.cases);
                let report = cris::seed::load_demo_with(&db, &catalog, args.cases, as_of, &progress).await?;
                let now = cris::kernel::clock::Clock::System.now();
                cris::seed::demo_extras_after(&db, &catalog, as_of, now, Some(&report)).await?;
                let secs = report.elapsed.as_secs_f64();
                println!(
                    "loaded {} cases, {} history entries, {} mailed items in {secs:.1} s ({:.0} cases/s)",
                    report.cases,
                    report.history,
                    report.mail,
                    report.cases as f64 / secs.max(1e-9)
                );
                db.close().await;
                Ok(())
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<AuditBroken>().is_some() => {
            eprintln!("cris: {e:#}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("cris: {e:#}");
            ExitCode::FAILURE
        }
    }
}
