//! The `finsam` command line: serve (default), migrate, seed, token, schema,
//! backup, restore, import.

use std::path::PathBuf;
use std::time::Duration;

use chrono::Datelike;
use clap::{Parser, Subcommand};

use crate::auth::Role;
use crate::config::Settings;
use crate::service::{Clock, seed};

#[derive(Parser)]
#[command(
    name = "finsam",
    version,
    about = "GraphQL API shared by samordningsförbund"
)]
pub struct Cli {
    /// Directory holding default.toml and $FINSAM_ENV.toml.
    #[arg(long, global = true, env = "FINSAM_CONFIG_DIR")]
    pub config_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the API (the default). An empty database is migrated and, unless
    /// configured otherwise, loaded with the demo dataset.
    Serve,
    /// Apply the database migrations.
    Migrate,
    /// Load the demo dataset; loading it again changes nothing.
    Seed,
    /// Load the demo dataset and, with --national, beside it a national
    /// network generated for its size (about 80 förbund, ten years of
    /// insatser, meetings, DSO-rings and indicators), every value marked
    /// "exempeldata". The same seed gives the same data.
    Demo {
        #[arg(long)]
        national: bool,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Förbund to generate.
        #[arg(long, default_value_t = 80)]
        forbund: usize,
        /// Years to generate, up to last year.
        #[arg(long, default_value_t = 10)]
        years: i32,
    },
    /// Mint a development token signed with the configured HS256 secret.
    Token {
        /// member, editor, admin, dso, analyst or network_admin; repeatable.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// The förbund (slug) the tenant roles apply to.
        #[arg(long)]
        forbund: Option<String>,
        /// Subject of the token.
        #[arg(long, default_value = "developer")]
        sub: String,
        /// Lifetime, e.g. 30m, 8h, 7d.
        #[arg(long, default_value = "8h", value_parser = humantime::parse_duration)]
        ttl: Duration,
    },
    /// Print the GraphQL schema (SDL); with --federation the Apollo
    /// Federation 2 subgraph SDL (`schema.federation.graphql`).
    Schema {
        #[arg(long)]
        federation: bool,
    },
    /// Print the table of rules an input can break (`docs/rules.md`)
    Rules,
    /// Write a consistent copy of the SQLite database to FILE while it serves
    /// (on PostgreSQL: prints the pg_dump command to use).
    Backup { file: PathBuf },
    /// Replace the SQLite database with a checked backup; refuses while a
    /// server holds it (on PostgreSQL: prints the pg_restore command).
    Restore { file: PathBuf },
    /// Load a CSV file (docs/operations.md lists the columns): all rows or none.
    Import {
        #[arg(value_enum)]
        kind: crate::import::Kind,
        file: PathBuf,
    },
}

/// Runs the command line; `main` calls only this.
pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::load(cli.config_dir.as_deref())?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings).await,
        Command::Migrate => {
            crate::telemetry::init(&settings.log);
            let db = crate::db::connect(&settings.database, None).await?;
            crate::db::migrate(&db).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Seed => {
            crate::telemetry::init(&settings.log);
            let db = crate::db::connect(&settings.database, None).await?;
            crate::db::migrate(&db).await?;
            let report = seed::load(&db).await?;
            crate::db::refresh_statistics(&db).await?;
            println!("{report}");
            Ok(())
        }
        Command::Demo {
            national,
            seed: n,
            forbund,
            years,
        } => {
            crate::telemetry::init(&settings.log);
            let db = crate::db::connect(&settings.database, None).await?;
            crate::db::migrate(&db).await?;
            let report = if national {
                let last_year = Clock::System(settings.server.time_zone).today().year() - 1;
                let size = seed::national::Size {
                    forbund,
                    years: years.clamp(1, 30),
                    last_year,
                };
                seed::load_national(&db, n, size).await?
            } else {
                seed::load(&db).await?
            };
            crate::db::refresh_statistics(&db).await?;
            println!("{report}");
            Ok(())
        }
        Command::Token {
            roles,
            forbund,
            sub,
            ttl,
        } => {
            let mut parsed = Vec::new();
            for r in &roles {
                parsed.push(Role::parse(r).ok_or_else(|| anyhow::anyhow!("unknown role {r:?}"))?);
            }
            let token = crate::auth::jwt::mint_dev_token(
                &settings.auth,
                &sub,
                forbund.as_deref(),
                &parsed,
                ttl,
            )?;
            println!("{token}");
            Ok(())
        }
        Command::Import { kind, file } => {
            crate::telemetry::init(&settings.log);
            let clock = Clock::System(settings.server.time_zone);
            let state = crate::app::prepare_state(settings, clock).await?;
            let caller = crate::auth::Caller::command_line();
            let written = crate::import::import(state.service(), &caller, kind, &file).await?;
            crate::db::refresh_statistics(&state.service().db).await?;
            println!("{}: {written} rows loaded", file.display());
            Ok(())
        }
        Command::Backup { file } => {
            println!(
                "{}",
                crate::backup::backup(&settings.database, &file).await?
            );
            Ok(())
        }
        Command::Restore { file } => {
            println!(
                "{}",
                crate::backup::restore(&settings.database, &file).await?
            );
            Ok(())
        }
        Command::Rules => {
            print!("{}", crate::domain::rule::table());
            Ok(())
        }
        Command::Schema { federation } => {
            let clock = Clock::System(settings.server.time_zone);
            let state = crate::app::prepare_state(in_memory(settings), clock).await?;
            let schema = crate::graphql::build_schema(state.graphql.clone());
            if federation {
                print!("{}", crate::graphql::federation_sdl(&schema));
            } else {
                print!("{}", crate::graphql::sdl(&schema));
            }
            Ok(())
        }
    }
}

/// The SDL does not depend on data; printing it needs no database file.
fn in_memory(mut settings: Settings) -> Settings {
    settings.database.url = "sqlite::memory:".into();
    settings.database.max_connections = 1;
    settings
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    crate::telemetry::init(&settings.log);
    let app = crate::Application::build(settings.clone()).await?;
    let base = format!("http://{}:{}", settings.server.host, app.port());
    println!("finsam-graph is serving on {base}");
    if settings.server.graphiql {
        println!("  GraphiQL:   {base}/graphql");
    }
    println!("  schema:     {base}/schema.graphql");
    println!("  a token:    cargo run --release -- token --role editor --forbund varend");
    println!("              (send it as 'Authorization: Bearer <token>')");
    app.run_until_stopped().await?;
    Ok(())
}
