//! The `cris` binary: parses the command line and configuration, sets up logging, and runs a
//! subcommand. Configuration mistakes exit with status 2 and a one-line reason.

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;
use cris::config::{self, Cli, Command, LogFormat, SeedCommand};

fn init_logging(filter: &str, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
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
            let first = text
                .lines()
                .next()
                .unwrap_or("invalid arguments")
                .trim_start_matches("error: ");
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
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
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
                println!("database is up to date; {} offices", cris::offices::count(&db).await?);
                drop(catalog);
                db.close().await;
                Ok(())
            }
            Command::Seed(SeedCommand::Demo(args)) => {
                let (db, catalog) = cris::app::open(&settings.database_url, settings.db_max_connections).await?;
                let as_of = args
                    .as_of
                    .unwrap_or_else(|| cris::kernel::clock::Clock::System.today_in(chrono_tz::America::New_York));
                let report = cris::seed::load_demo(&db, &catalog, args.cases, as_of).await?;
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
        Err(e) => {
            eprintln!("cris: {e:#}");
            ExitCode::FAILURE
        }
    }
}
