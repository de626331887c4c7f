//! The `twostep` program: the server (configuration, database, first admin, then HTTP
//! until Ctrl-C or SIGTERM), or one of the operator's commands (`server::cli`).

use app::auth::password::PasswordHasher;
use app::clock::{Clock, SystemClock};
use app::personnel::people::{Bootstrap, bootstrap_admin};
use app::site_files::SiteFiles;
use app::sms::{SMS_TIMEOUT, SmsSender};
use app::state::{AppState, Policy, Services};
use clap::Parser;
use leptos::config::{Env, LeptosOptions};
use server::cli::{Cli, Command};
use server::config::{Config, LogFormat};
use server::sessions::Sessions;
use std::process::ExitCode;
use std::sync::Arc;
use tower_sessions::ExpiredDeletion;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::writer::BoxMakeWriter;

#[tokio::main]
async fn main() -> ExitCode {
    // Bad arguments: clap says why and exits 2.
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    let serving = matches!(command, Command::Serve);
    // A command's own output is its printed lines; the log says only what went wrong
    // (on stderr, so the lines stay clean to read or pipe).
    let default_filter = if serving {
        "info,sqlx=warn,tower_sessions=warn"
    } else {
        "warn,sqlx=error"
    };
    let (writer, terminal) = if serving {
        (
            BoxMakeWriter::new(std::io::stdout),
            std::io::IsTerminal::is_terminal(&std::io::stdout()),
        )
    } else {
        (
            BoxMakeWriter::new(std::io::stderr),
            std::io::IsTerminal::is_terminal(&std::io::stderr()),
        )
    };
    if !serving {
        init_logging(LogFormat::Text, writer, terminal, default_filter);
        return server::cli::run(command).await;
    }
    // The configuration first: it says how to log. A bad one is said on stderr.
    let config = match Config::from_process() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("twostep: configuration: {error}");
            return ExitCode::FAILURE;
        }
    };
    init_logging(config.log_format, writer, terminal, default_filter);
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("twostep: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Text lines (coloured only on a terminal: log files and CI output stay plain), or one
/// JSON object per line with the fields of the request it belongs to (its id among them).
fn init_logging(format: LogFormat, writer: BoxMakeWriter, terminal: bool, default_filter: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let lines = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_env_filter(filter);
    match format {
        LogFormat::Text => lines.with_ansi(terminal).init(),
        LogFormat::Json => lines.json().with_current_span(true).with_span_list(false).init(),
    }
}

async fn run(config: Config) -> Result<(), String> {
    // Counting starts before anything happens that counts.
    let metrics = match config.metrics_addr {
        Some(addr) => Some((addr, server::metrics::install()?)),
        None => None,
    };
    // Before the database is touched: a second server on this SQLite file stops here.
    let _only_server_on_this_file = server::sessions::claim_sqlite_file(&config.database_url)
        .map_err(|e| format!("database {}: {e}", config.database_shown()))?;
    let db = app::db::Db::open(&config.database_url, &config.database_pool)
        .await
        .map_err(|e| format!("database {}: {e}", config.database_shown()))?;
    // Before serving anyone: the key must open the secrets the database already holds.
    let (key, source) =
        app::secret_key::SecretKey::load(config.secret_key.as_deref(), &config.secret_key_file())
            .map_err(|e| format!("secret key: {e}"))?;
    match app::auth::authenticator::check_key(&db, &key)
        .await
        .map_err(|e| format!("secret key: {e}"))?
    {
        Ok(()) => tracing::info!(key = key.id(), from = %source, "secret key"),
        Err(wrong) => return Err(format!("secret key from {source}: {wrong}")),
    }
    for range in config.trusted_proxies.ranges() {
        tracing::warn!(
            %range,
            "trusted_proxies lists a range, not one address: a client inside it can forge its \
             address; list each proxy's exact address"
        );
    }
    let policy = policy(&config);
    // Passkeys are bound to the site's host name: an origin they cannot use stops the start.
    policy.relying_party().map_err(|_| {
        format!(
            "public_origin {:?} cannot be used for passkeys: it must be a URL naming the site by its host name",
            config.public_origin.as_deref().unwrap_or_default()
        )
    })?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let hasher = Arc::new(PasswordHasher::new(cores, config.password_hash_queue));
    let admin_password_file = Arc::new(config.data_dir().join("admin-password.txt"));
    create_first_admin(&config, &db, &hasher, clock.now(), &admin_password_file).await?;
    let key = Arc::new(key);
    let sessions = Sessions::open(&db, key.clone()).await?;
    let site_files = site_files();

    let state = AppState::from(Services {
        leptos_options: leptos_options(&config, &site_files),
        db: db.clone(),
        hasher,
        clock,
        policy: Arc::new(policy),
        mailer: Arc::new(config.mailer()?),
        secret_key: key,
        sms: sms(&config)?,
        trust_events: app::state::trust_events(),
        site_files: Arc::new(site_files),
        first_admin_password_file: Some(admin_password_file),
    });
    tokio::spawn(clean_up_hourly(state.clone(), sessions.clone()));
    if let app::db::Db::Postgres(pool) = &db {
        // Other instances' changes reach this one's open pages.
        tokio::spawn(app::changes::relay(pool.clone(), state.trust_events.clone()));
    }
    let router = server::router::build(state, sessions, config.secure_cookies());
    if let Some((addr, handle)) = metrics {
        // Ends with the process.
        server::metrics::serve(addr, handle, db.clone(), std::future::pending()).await?;
    }

    let listener = tokio::net::TcpListener::bind(config.site_addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.site_addr))?;
    tracing::info!("listening on http://{}", config.site_addr);
    server::listener::serve(listener, router, server::listener::HEADER_READ, shutdown_signal()).await;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// On an empty database, user `admin` with every permission; a generated password goes
/// into a file only its owner can read, and the log names the file, never the password.
async fn create_first_admin(
    config: &Config,
    db: &app::db::Db,
    hasher: &PasswordHasher,
    now: app::clock::UnixSeconds,
    password_file: &std::path::Path,
) -> Result<(), String> {
    // A configured password is held to the rule of every new password, but only when it
    // makes the first admin: once people exist it is not used.
    if let Some(password) = config.admin_password.as_deref()
        && !app::personnel::people::anyone(db)
            .await
            .map_err(|e| format!("reading the people: {e}"))?
    {
        let about = [
            "admin",
            "Administrator",
            config.admin_email.as_deref().unwrap_or_default(),
        ];
        if let Some(problem) = app::auth::new_password::problem(password, &about) {
            return Err(format!(
                "bootstrap.admin_password (TWOSTEP_ADMIN_PASSWORD): {problem}"
            ));
        }
    }
    let created = bootstrap_admin(
        db,
        hasher,
        config.admin_password.clone(),
        config.admin_email.clone(),
        now,
    )
    .await
    .map_err(|e| format!("creating the first administrator: {e}"))?;
    match created {
        Bootstrap::NotNeeded => {}
        Bootstrap::Created {
            generated_password: Some(password),
        } => {
            app::personnel::people::write_first_admin_password(password_file, &password)
                .map_err(|e| format!("writing {}: {e}", password_file.display()))?;
            tracing::warn!(
                file = %password_file.display(),
                "created the first administrator \"admin\"; the password is in this file (mode 0600)"
            );
        }
        Bootstrap::Created {
            generated_password: None,
        } => {
            tracing::info!("created the first administrator with the configured password");
        }
    }
    Ok(())
}

/// A release build names its files after their content (hash.txt beside this binary).
fn site_files() -> SiteFiles {
    let files = SiteFiles::beside_binary("twostep", "pkg", "hash.txt");
    tracing::info!(hashed = files.is_hashed(), "site file names");
    files
}

fn leptos_options(config: &Config, files: &SiteFiles) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("twostep")
        .hash_files(files.is_hashed())
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.site_addr)
        .env(
            if std::env::var("LEPTOS_ENV").is_ok_and(|e| e.eq_ignore_ascii_case("dev")) {
                Env::DEV
            } else {
                Env::PROD
            },
        )
        .reload_port(
            std::env::var("LEPTOS_RELOAD_PORT")
                .ok()
                .and_then(|p| p.parse().ok())
                .unwrap_or(3001),
        )
        .build()
}

fn policy(config: &Config) -> Policy {
    Policy {
        public_origin: config.public_origin.clone(),
        site_addr: Some(config.site_addr),
        trusted_proxies: config.trusted_proxies.clone(),
        client_ip_header: config.client_ip_header,
        default_region: config.default_region,
        default_language: config.default_language,
        audit_retention: config.audit_retention,
        // The rest (and the tests' probes, when they are compiled in) at their defaults.
        ..Default::default()
    }
}

/// `None` when no SMS provider is configured: email only.
fn sms(config: &Config) -> Result<Option<Arc<SmsSender>>, String> {
    let Some(url) = &config.sms_url else {
        return Ok(None);
    };
    SmsSender::new(url, config.sms_token.clone(), SMS_TIMEOUT)
        .map(|sender| Some(Arc::new(sender)))
        .map_err(|e| format!("SMS: {e}"))
}

/// What expires is removed at start and every hour: trusted networks (never honoured
/// once expired, whether removed yet or not), password attempts past the throttle
/// window, device cookies, codes a day after their expiry, security events past the
/// audit retention (`app::retention`), sessions, and this instance's day-old outbox messages. With
/// several instances, one at a time does the database's part.
async fn clean_up_hourly(state: AppState, sessions: Sessions) {
    let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        hourly.tick().await;
        let ran = state
            .db
            .unless_running_elsewhere(
                app::db::postgres::CLEAN_UP_LOCK,
                clean_up_database(&state, &sessions),
            )
            .await;
        match ran {
            Ok(Some(())) => {}
            Ok(None) => tracing::info!("another instance is cleaning up the database"),
            Err(error) => tracing::error!(%error, "the clean-up could not start"),
        }
        let old_mail = state.mailer.remove_old_outbox_files(app::mail::OUTBOX_KEEP);
        if old_mail > 0 {
            tracing::info!(removed = old_mail, "outbox messages older than a day removed");
        }
    }
}

async fn clean_up_database(state: &AppState, sessions: &Sessions) {
    app::retention::clean_up(state).await;
    if let Err(error) = sessions.delete_expired().await {
        tracing::error!(%error, "the session clean-up failed");
    }
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests finish and the database closes.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
    // Open event streams never end on their own.
    server::live::close_all();
}
