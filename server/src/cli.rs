//! The operator's command line: what to reach for first when mail breaks and nobody can
//! pass the second step. `twostep` alone (or `twostep serve`) runs the server; the other
//! commands read the same configuration, work while the server runs (WAL, busy timeout)
//! and print one plain line per result. Exit codes: 0 done, 1 a check or the work
//! failed, 2 bad input (nothing changed).

use crate::config::Config;
use app::operator::{self, OperatorError};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "twostep",
    version,
    about = "Two-step sign-in for the staff of a planning application.",
    after_help = "Without a command, runs the server. Every command reads Leptos.toml \
                  (or TWOSTEP_CONFIG) and the TWOSTEP_* environment variables."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs the server (what `twostep` alone does).
    Serve,
    /// Checks the configuration, the database (reachable, migrated) and the mail
    /// transport (a connection test, no mail sent); exit 1 if any fails.
    Check,
    /// Sends one test message through the configured mail transport.
    MailTest {
        /// The address to send it to.
        address: String,
    },
    /// Changes made straight in the database, for when nobody can sign in.
    Admin {
        #[command(subcommand)]
        action: Admin,
    },
    /// Security events for the records office.
    Audit {
        #[command(subcommand)]
        action: Audit,
    },
    /// Writes a consistent copy of the database to FILE while the server runs.
    Backup {
        /// A new file (an existing one is never overwritten).
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum Audit {
    /// Writes the events from DATE on (oldest first) as CSV to standard output, before
    /// the retention period (`TWOSTEP_AUDIT_RETENTION_DAYS`) deletes them.
    Export {
        /// The first day, YYYY-MM-DD (UTC).
        #[arg(long, value_name = "DATE")]
        since: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum Admin {
    /// Turns two-step authentication on or off for everyone (System › Security).
    TwoStep {
        #[arg(value_enum)]
        state: OnOff,
    },
    /// Gives a person a new random password, printed once, and ends their sessions.
    ResetPassword {
        username: String,
        /// Read the new password from the first line of standard input instead.
        #[arg(long)]
        stdin: bool,
    },
    /// Resets a person's two-step methods: removes their authenticator app, recovery codes
    /// and trusted networks, voids their codes and ends their sessions.
    ResetMethods { username: String },
    /// Grants a permission: Personnel, Permissions or Security.
    Grant { username: String, permission: String },
    /// Who holds which permission, and who has no channel for a code.
    List,
    /// Office networks (System › Security): from them no code is asked of people who
    /// hold neither Security nor Permissions.
    OfficeNetworks {
        #[command(subcommand)]
        action: Offices,
    },
}

#[derive(Debug, Subcommand)]
pub enum Offices {
    /// Every office network with its ranges.
    List,
    /// Adds an office network: a name and one or more IPv4/IPv6 ranges.
    Add {
        name: String,
        #[arg(required = true, num_args = 1..)]
        ranges: Vec<String>,
    },
    /// Removes the office network of that name.
    Remove { name: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

/// Exit code for bad input: nothing was changed.
const BAD_INPUT: u8 = 2;

/// Runs a command other than `serve`.
pub async fn run(command: Command) -> ExitCode {
    if matches!(command, Command::Check) {
        return check().await;
    }
    let config = match Config::from_process() {
        Ok(config) => config,
        Err(error) => return fail(format!("configuration: {error}")),
    };
    let outcome = match command {
        Command::Serve | Command::Check => unreachable!("handled by the caller and above"),
        Command::MailTest { address } => mail_test(&config, &address).await,
        Command::Admin { action } => run_admin(&config, action).await,
        Command::Backup { file } => backup(&config, &file).await,
        Command::Audit {
            action: Audit::Export { since },
        } => audit_export(&config, &since).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BadInput(message)) => {
            eprintln!("twostep: {message}");
            ExitCode::from(BAD_INPUT)
        }
        Err(Failure::Failed(message)) => fail(message),
    }
}

enum Failure {
    /// Said why; nothing was changed.
    BadInput(String),
    Failed(String),
}

impl From<OperatorError> for Failure {
    fn from(error: OperatorError) -> Self {
        match error {
            OperatorError::Refused(message) => Failure::BadInput(message),
            other => Failure::Failed(other.to_string()),
        }
    }
}

fn fail(message: String) -> ExitCode {
    eprintln!("twostep: {message}");
    ExitCode::FAILURE
}

async fn open_database(config: &Config) -> Result<app::db::Db, Failure> {
    let file = config.database_file();
    if config.backend() == app::db::Backend::Sqlite && !file.exists() {
        return Err(Failure::BadInput(format!(
            "there is no database at {} yet: the server creates it when it first starts",
            file.display()
        )));
    }
    app::db::Db::open(&config.database_url, &config.database_pool)
        .await
        .map_err(|e| Failure::Failed(format!("database {}: {e}", config.database_shown())))
}

fn now() -> app::clock::UnixSeconds {
    app::clock::Clock::now(&app::clock::SystemClock)
}

async fn run_admin(config: &Config, admin: Admin) -> Result<(), Failure> {
    let pool = open_database(config).await?;
    let outcome = admin_on(config, &pool, admin).await;
    pool.close().await;
    outcome
}

async fn admin_on(config: &Config, pool: &app::db::Db, admin: Admin) -> Result<(), Failure> {
    match admin {
        Admin::TwoStep { state } => {
            let enabled = state == OnOff::On;
            let changed = operator::set_two_step(pool, enabled, now()).await?;
            let word = if enabled { "on" } else { "off" };
            if changed {
                println!("Two-step authentication is now {word}.");
            } else {
                println!("Two-step authentication was already {word}; nothing changed.");
            }
            if enabled {
                let listing = operator::list(pool, config.sms_url.is_some()).await?;
                for person in listing.unreachable {
                    println!(
                        "warning: {} ({}) has no email address and cannot sign in now.",
                        person.name, person.username
                    );
                }
            }
        }
        Admin::ResetPassword { username, stdin } => {
            let (password, generated) = if stdin {
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .map_err(|e| Failure::Failed(format!("reading the password: {e}")))?;
                (line.trim_end_matches(['\r', '\n']).to_string(), false)
            } else {
                (app::auth::password::random_password(), true)
            };
            let hasher = app::auth::password::PasswordHasher::new(1, 1);
            let changed = operator::reset_password(pool, &hasher, &username, password.clone(), now()).await?;
            // Printed once, to the terminal only: never logged.
            if generated {
                println!("New password for {username}: {password}");
            } else {
                println!("The password of {username} was changed.");
            }
            println!(
                "Their sessions have ended, their codes are void and their trusted networks are removed."
            );
            tell(config, pool, &changed).await?;
        }
        Admin::ResetMethods { username } => {
            let changed = operator::reset_methods(pool, &username, now()).await?;
            println!(
                "{} trusted network(s), the authenticator app and the recovery codes of {username} removed, and their sessions ended; they get a mailed code at their next sign-in.",
                changed.revoked.trusted_networks
            );
            tell(config, pool, &changed).await?;
        }
        Admin::Grant { username, permission } => {
            let permission = operator::permission_named(&permission)?;
            if operator::grant(pool, &username, permission, now()).await? {
                println!("{username} now holds {}.", permission.label());
            } else {
                println!(
                    "{username} already holds {}; nothing changed.",
                    permission.label()
                );
            }
        }
        Admin::OfficeNetworks { action } => match action {
            Offices::List => {
                let offices = app::office_networks::store::list(pool)
                    .await
                    .map_err(operator::OperatorError::from)?;
                for office in &offices {
                    println!(
                        "{}: {} (added by {})",
                        office.name,
                        app::office_networks::store::joined(&office.ranges),
                        office.created_by
                    );
                }
                if offices.is_empty() {
                    println!("No office networks.");
                }
            }
            Offices::Add { name, ranges } => {
                let name = operator::add_office_network(pool, &config.trusted_proxies, &name, &ranges, now())
                    .await?;
                println!(
                    "Office network {name} added: from it, people who hold neither Security nor Permissions are asked no code."
                );
            }
            Offices::Remove { name } => {
                let name = operator::remove_office_network(pool, &name, now()).await?;
                println!("Office network {name} removed.");
            }
        },
        Admin::List => {
            let listing = operator::list(pool, config.sms_url.is_some()).await?;
            let state = if listing.two_step_enabled { "on" } else { "off" };
            println!("Two-step authentication: {state}");
            println!("Permissions:");
            for holder in &listing.holders {
                let held: Vec<_> = holder.permissions.iter().map(|p| p.label()).collect();
                println!("  {} ({}): {}", holder.name, holder.username, held.join(", "));
            }
            if listing.holders.is_empty() {
                println!("  (nobody)");
            }
            println!("No channel for a code (no email address):");
            for person in &listing.unreachable {
                println!("  {} ({})", person.name, person.username);
            }
            if listing.unreachable.is_empty() {
                println!("  (nobody)");
            }
        }
    }
    Ok(())
}

/// Mails the person the notices of a change just made (spec §2 "Notices"), through the
/// configured transport, and says how it went. The change stands either way.
async fn tell(config: &Config, pool: &app::db::Db, changed: &operator::Changed) -> Result<(), Failure> {
    let mailer = match config.mailer() {
        Ok(mailer) => mailer,
        Err(error) => {
            println!("warning: the person was not told by mail ({error}).");
            return Ok(());
        }
    };
    let sent = app::sign_in_details::notices::send_now(
        pool,
        &mailer,
        changed.subject,
        &changed.notices,
        now(),
        config.default_language,
    )
    .await
    .map_err(|e| Failure::Failed(format!("database: {e}")))?;
    if sent.is_empty() && !changed.notices.is_empty() {
        println!("No notice was mailed: they have no email address, or had too many notices this hour.");
    }
    for outcome in sent {
        match outcome {
            Ok(()) => println!("A notice was mailed to them."),
            Err(error) => println!("warning: a notice could not be mailed ({error})."),
        }
    }
    Ok(())
}

async fn backup(config: &Config, file: &Path) -> Result<(), Failure> {
    let pool = open_database(config).await?;
    let outcome = operator::backup(&pool, file).await;
    pool.close().await;
    outcome?;
    println!("Backup written to {}.", file.display());
    Ok(())
}

async fn audit_export(config: &Config, since: &str) -> Result<(), Failure> {
    let since = app::audit::export::start_of_day_utc(since).map_err(Failure::BadInput)?;
    let pool = open_database(config).await?;
    let written = app::audit::export::write_csv(&pool, since, std::io::stdout().lock()).await;
    pool.close().await;
    let written = written.map_err(|e| Failure::Failed(e.to_string()))?;
    eprintln!("{written} events written.");
    Ok(())
}

async fn mail_test(config: &Config, address: &str) -> Result<(), Failure> {
    if !app::mail::is_valid_address(address) {
        return Err(Failure::BadInput(format!("{address:?} is not an email address.")));
    }
    let mailer = config.mailer().map_err(Failure::Failed)?;
    match mailer.deliver(app::mail::test_letter(address)).await {
        Ok(app::mail::Delivery::Smtp) => {
            println!(
                "Sent to {address} through {}.",
                config
                    .smtp_url
                    .as_deref()
                    .map(crate::config::mask_url_password)
                    .unwrap_or_default()
            );
            Ok(())
        }
        Ok(app::mail::Delivery::Outbox(file)) => {
            println!(
                "No SMTP server is configured: the message is in {}.",
                file.display()
            );
            Ok(())
        }
        Err(error) => Err(Failure::Failed(error.to_string())),
    }
}

/// One line per item, `ok` or `FAIL`; exit 1 if any failed.
async fn check() -> ExitCode {
    let mut failed = false;
    let mut line = |ok: bool, item: &str, detail: String| {
        failed |= !ok;
        println!("{:<5} {item:<14} {detail}", if ok { "ok" } else { "FAIL" });
    };
    let config = match Config::from_process() {
        Ok(config) => {
            let file = std::env::var("TWOSTEP_CONFIG")
                .ok()
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| crate::config::DEFAULT_CONFIG_FILE.to_string());
            line(true, "configuration", format!("{file} and the environment"));
            config
        }
        Err(error) => {
            line(false, "configuration", error.to_string());
            return ExitCode::FAILURE;
        }
    };
    let file = config.database_file();
    match app::db::schema_status(&config.database_url).await {
        _ if config.backend() == app::db::Backend::Sqlite && !file.exists() => line(
            false,
            "database",
            format!(
                "{} does not exist yet: the server creates it when it first starts",
                file.display()
            ),
        ),
        Ok(status) if status.applied == status.latest => line(
            true,
            "database",
            format!("{} (schema version {})", config.database_shown(), status.applied),
        ),
        Ok(status) if status.applied < status.latest => line(
            false,
            "database",
            format!(
                "{}: schema version {} of {}; the server brings it up to date when it starts",
                config.database_shown(),
                status.applied,
                status.latest
            ),
        ),
        Ok(status) => line(
            false,
            "database",
            format!(
                "{}: schema version {} is newer than this program ({}): run the newer program",
                config.database_shown(),
                status.applied,
                status.latest
            ),
        ),
        Err(error) => line(false, "database", format!("{}: {error}", config.database_shown())),
    }
    match config.mailer() {
        Ok(mailer) => match mailer.check().await {
            Ok(detail) => line(
                true,
                "mail",
                match &config.smtp_url {
                    Some(url) => format!("{}: {detail}", crate::config::mask_url_password(url)),
                    None => detail,
                },
            ),
            Err(error) => line(false, "mail", error.to_string()),
        },
        Err(error) => line(false, "mail", error),
    }
    let pkg = Path::new(&config.site_root).join("pkg");
    if pkg.is_dir() {
        line(true, "site files", pkg.display().to_string());
    } else {
        line(
            false,
            "site files",
            format!("{} is missing: build the site (make build)", pkg.display()),
        );
    }
    line(
        true,
        "SMS",
        match &config.sms_url {
            Some(url) => format!(
                "codes may also go by SMS through {}",
                crate::config::mask_url_password(url)
            ),
            None => "not configured: codes go by email only".into(),
        },
    );
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed_and_lists_every_command() {
        Cli::command().debug_assert();
        let help = Cli::command().render_long_help().to_string();
        for name in ["serve", "check", "mail-test", "admin", "audit", "backup"] {
            assert!(help.contains(name), "{name} in --help");
        }
        let admin = Cli::command()
            .find_subcommand_mut("admin")
            .unwrap()
            .render_long_help()
            .to_string();
        for name in [
            "two-step",
            "reset-password",
            "reset-methods",
            "grant",
            "list",
            "office-networks",
        ] {
            assert!(admin.contains(name), "{name} in admin --help");
        }
    }

    #[test]
    fn no_command_means_serve_and_bad_input_is_refused() {
        assert!(Cli::try_parse_from(["twostep"]).unwrap().command.is_none());
        assert!(matches!(
            Cli::try_parse_from(["twostep", "admin", "two-step", "off"])
                .unwrap()
                .command,
            Some(Command::Admin {
                action: Admin::TwoStep { state: OnOff::Off }
            })
        ));
        let wrong = Cli::try_parse_from(["twostep", "admin", "two-step", "maybe"]).unwrap_err();
        assert_eq!(wrong.exit_code(), 2);
        assert_eq!(
            Cli::try_parse_from(["twostep", "admin", "grant", "jane"])
                .unwrap_err()
                .exit_code(),
            2
        );
    }

    #[test]
    fn a_printed_smtp_url_never_shows_its_password() {
        assert_eq!(
            crate::config::mask_url_password("smtps://mailer:s3cret@mail.example:465"),
            "smtps://mailer:•••@mail.example:465"
        );
        assert_eq!(
            crate::config::mask_url_password("smtp://127.0.0.1:2525"),
            "smtp://127.0.0.1:2525"
        );
    }
}
