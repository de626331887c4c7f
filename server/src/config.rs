//! The runtime configuration (spec §3): `Leptos.toml`, every key overridable by its
//! environment variable. An empty value means "unset".

use app::db::{Backend, PoolOptions};
use app::request::client_addr::{ClientIpHeader, TrustedProxies};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Where the configuration file is, unless `TWOSTEP_CONFIG` names another.
pub const DEFAULT_CONFIG_FILE: &str = "Leptos.toml";

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub site_addr: SocketAddr,
    /// Where cargo-leptos put the compiled site (`pkg/` with the JS, WASM and CSS).
    pub site_root: String,
    /// The address people use, e.g. `https://plan.example.com`. Sets the Secure cookie
    /// flag when it is https, and is the only origin accepted for state changes.
    pub public_origin: Option<String>,
    pub database_url: String,
    /// Pool size and timeouts of the database connections.
    pub database_pool: PoolOptions,
    pub smtp_url: Option<String>,
    pub outbox_dir: PathBuf,
    pub mail_from: String,
    pub sms_url: Option<String>,
    pub sms_token: Option<String>,
    pub trusted_proxies: TrustedProxies,
    /// The one header read from a trusted proxy.
    pub client_ip_header: ClientIpHeader,
    pub admin_password: Option<String>,
    pub admin_email: Option<String>,
    /// The key that seals authenticator secrets (base64, 32 bytes), from the environment
    /// only; unset: the key file `secret.key` in the data folder.
    pub secret_key: Option<String>,
    /// Password checks that may wait for a core before new ones get 503.
    pub password_hash_queue: usize,
    /// Region of phone numbers typed in national form (`BE`); unset: international only.
    pub default_region: Option<phonenumber::country::Id>,
    /// The language of pages and mail when nothing else says which (spec §3).
    pub default_language: app::i18n::Lang,
    /// How long security events are kept (spec §3 `TWOSTEP_AUDIT_RETENTION_DAYS`).
    pub audit_retention: app::limits::AuditRetention,
    pub log_format: LogFormat,
    /// Where `GET /metrics` is served (spec §3 `TWOSTEP_METRICS_ADDR`); unset: nowhere.
    pub metrics_addr: Option<SocketAddr>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("the configuration file is not valid: {0}")]
    Parse(String),
    #[error("{key}: {reason}")]
    Invalid { key: &'static str, reason: String },
}

/// The file's shape. Unknown keys are refused so that a typo is not silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    site: Site,
    #[serde(default)]
    database: Database,
    #[serde(default)]
    mail: Mail,
    #[serde(default)]
    sms: Sms,
    #[serde(default)]
    network: Network,
    #[serde(default)]
    bootstrap: Bootstrap,
    #[serde(default)]
    policy: PolicySection,
    #[serde(default)]
    log: LogSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Site {
    addr: Option<String>,
    root: Option<String>,
    public_origin: Option<String>,
    metrics_addr: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Database {
    url: Option<String>,
    pool_size: Option<String>,
    statement_timeout_ms: Option<String>,
    connect_timeout_ms: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Mail {
    smtp_url: Option<String>,
    outbox_dir: Option<String>,
    from: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sms {
    url: Option<String>,
    token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Network {
    trusted_proxies: Option<String>,
    client_ip_header: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Bootstrap {
    admin_password: Option<String>,
    admin_email: Option<String>,
}

/// The file's `[log]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LogSection {
    format: Option<String>,
}

/// How the server writes its log lines (`log.format`, `TWOSTEP_LOG_FORMAT`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Text,
    /// One JSON object per line, for a log collector to search.
    Json,
}

/// The file's `[policy]` table (the running server's policy is `app::state::Policy`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicySection {
    password_hash_queue: Option<String>,
    default_region: Option<String>,
    default_language: Option<String>,
    audit_retention_days: Option<String>,
}

impl Config {
    /// Reads `TWOSTEP_CONFIG` (or `Leptos.toml` when present) and the process environment.
    pub fn from_process() -> Result<Self, ConfigError> {
        let env = |name: &str| std::env::var(name).ok();
        let (path, required) = match env("TWOSTEP_CONFIG").filter(|p| !p.is_empty()) {
            Some(path) => (path, true),
            None => (DEFAULT_CONFIG_FILE.to_string(), false),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(ConfigError::Read {
                    path,
                    reason: e.to_string(),
                });
            }
        };
        Self::parse(text.as_deref(), env)
    }

    /// Builds the configuration from the file's text (if any) and an environment look-up:
    /// one reader per section of the file, each refusing a bad value by its key.
    pub fn parse(file: Option<&str>, env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let file: File = match file {
            Some(text) => toml::from_str(text).map_err(|e| ConfigError::Parse(e.to_string()))?,
            None => File::default(),
        };
        let values = Values(&env);
        let site = values.site(file.site)?;
        let (database_url, database_pool) = values.database(file.database)?;
        let (trusted_proxies, client_ip_header) = values.network(file.network)?;
        let default_language = values.default_language(&file.policy)?;
        let audit_retention = values.audit_retention(&file.policy)?;
        let log_format = values.log_format(file.log)?;
        let (password_hash_queue, default_region) = values.policy(file.policy)?;
        let (admin_password, admin_email) = values.bootstrap(file.bootstrap)?;
        Ok(Config {
            site_addr: site.addr,
            metrics_addr: site.metrics_addr,
            site_root: site.root,
            public_origin: site.public_origin,
            database_url,
            database_pool,
            smtp_url: values.pick(file.mail.smtp_url, "TWOSTEP_SMTP_URL"),
            outbox_dir: values
                .pick(file.mail.outbox_dir, "TWOSTEP_OUTBOX_DIR")
                .unwrap_or_else(|| "data/outbox".into())
                .into(),
            mail_from: values
                .pick(file.mail.from, "TWOSTEP_MAIL_FROM")
                .unwrap_or_else(|| "Twostep <no-reply@localhost>".into()),
            sms_url: values.pick(file.sms.url, "TWOSTEP_SMS_URL"),
            sms_token: values.pick(file.sms.token, "TWOSTEP_SMS_TOKEN"),
            trusted_proxies,
            client_ip_header,
            admin_password,
            admin_email,
            // Never from the file, which is usually committed.
            secret_key: env("TWOSTEP_SECRET_KEY").filter(|k| !k.trim().is_empty()),
            password_hash_queue,
            default_region,
            default_language,
            audit_retention,
            log_format,
        })
    }

    /// The SQLite database's file (`data/twostep.db` by default).
    pub fn database_file(&self) -> PathBuf {
        let path = self
            .database_url
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:");
        PathBuf::from(path.split('?').next().unwrap_or(path))
    }

    /// The database URL as it may be shown or logged: a password in it (before the last
    /// `@`, or as a `password=` parameter) is masked.
    pub fn database_shown(&self) -> String {
        mask_url_password(&self.database_url)
    }

    pub fn backend(&self) -> Backend {
        Backend::of_url(&self.database_url).unwrap_or(Backend::Sqlite)
    }

    /// Where the server keeps its files (`data/` by default): the folder of the SQLite
    /// file, or `data/` beside PostgreSQL.
    pub fn data_dir(&self) -> PathBuf {
        if self.backend() == Backend::Postgres {
            return PathBuf::from("data");
        }
        let path = self.database_file();
        match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// The key file used when `TWOSTEP_SECRET_KEY` is not set.
    pub fn secret_key_file(&self) -> PathBuf {
        self.data_dir().join("secret.key")
    }

    /// Cookies get the Secure flag when people reach the site over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_origin
            .as_deref()
            .is_some_and(|o| o.starts_with("https://"))
    }
}

impl Config {
    /// The mail transport this configuration names: the one builder the server and the
    /// command line share.
    pub fn mailer(&self) -> Result<app::mail::Mailer, String> {
        app::mail::Mailer::new(
            self.smtp_url.as_deref(),
            &self.outbox_dir,
            &self.mail_from,
            app::mail::SMTP_TIMEOUT,
        )
        .map_err(|e| format!("mail: {e}"))
    }
}

fn invalid(key: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key,
        reason: reason.into(),
    }
}

/// `[site]`, read.
struct SiteValues {
    addr: SocketAddr,
    root: String,
    public_origin: Option<String>,
    metrics_addr: Option<SocketAddr>,
}

/// The values of the file and of the environment together.
struct Values<'e, E: Fn(&str) -> Option<String>>(&'e E);

impl<E: Fn(&str) -> Option<String>> Values<'_, E> {
    /// The environment wins over the file; an empty value counts as unset.
    fn pick(&self, from_file: Option<String>, name: &str) -> Option<String> {
        (self.0)(name)
            .or(from_file)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// A whole number within `range`, or unset.
    fn whole_number(
        &self,
        from_file: Option<String>,
        name: &str,
        key: &'static str,
        range: std::ops::RangeInclusive<u64>,
    ) -> Result<Option<u64>, ConfigError> {
        self.pick(from_file, name)
            .map(|n| {
                n.parse::<u64>()
                    .ok()
                    .filter(|n| range.contains(n))
                    .ok_or_else(|| {
                        invalid(
                            key,
                            format!(
                                "must be a whole number from {} to {}, got {n:?}",
                                range.start(),
                                range.end()
                            ),
                        )
                    })
            })
            .transpose()
    }

    fn site(&self, site: Site) -> Result<SiteValues, ConfigError> {
        let addr = self
            .pick(site.addr, "LEPTOS_SITE_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .map_err(|e: std::net::AddrParseError| invalid("site.addr", e.to_string()))?;
        let public_origin = self
            .pick(site.public_origin, "TWOSTEP_PUBLIC_ORIGIN")
            .map(|origin| origin.trim_end_matches('/').to_string());
        if let Some(origin) = &public_origin
            && !(origin.starts_with("http://") || origin.starts_with("https://"))
        {
            let reason = format!("must start with http:// or https://, got {origin:?}");
            return Err(invalid("site.public_origin", reason));
        }
        let metrics_addr = self
            .pick(site.metrics_addr, "TWOSTEP_METRICS_ADDR")
            .map(|addr| addr.parse())
            .transpose()
            .map_err(|e: std::net::AddrParseError| invalid("site.metrics_addr", e.to_string()))?;
        if metrics_addr.is_some_and(|metrics| metrics == addr) {
            return Err(invalid(
                "site.metrics_addr",
                "must differ from site.addr: the metrics are never served to the public".to_string(),
            ));
        }
        Ok(SiteValues {
            addr,
            metrics_addr,
            root: self
                .pick(site.root, "LEPTOS_SITE_ROOT")
                .unwrap_or_else(|| "target/site".into()),
            public_origin,
        })
    }

    fn database(&self, database: Database) -> Result<(String, PoolOptions), ConfigError> {
        let url = self
            .pick(database.url, "TWOSTEP_DATABASE_URL")
            .unwrap_or_else(|| "sqlite://data/twostep.db".into());
        if Backend::of_url(&url).is_none() {
            let reason = format!(
                "must be a sqlite: or postgres:// URL, got {:?}",
                mask_url_password(&url)
            );
            return Err(invalid("database.url", reason));
        }
        let defaults = PoolOptions::default();
        let pool = PoolOptions {
            max_connections: self
                .whole_number(
                    database.pool_size,
                    "TWOSTEP_DATABASE_POOL_SIZE",
                    "database.pool_size",
                    // One connection can be held by the clean-up's lock while its work runs.
                    2..=1000,
                )?
                .map_or(defaults.max_connections, |n| n as u32),
            statement_timeout: self
                .whole_number(
                    database.statement_timeout_ms,
                    "TWOSTEP_DATABASE_STATEMENT_TIMEOUT_MS",
                    "database.statement_timeout_ms",
                    1..=3_600_000,
                )?
                .map_or(defaults.statement_timeout, std::time::Duration::from_millis),
            connect_timeout: self
                .whole_number(
                    database.connect_timeout_ms,
                    "TWOSTEP_DATABASE_CONNECT_TIMEOUT_MS",
                    "database.connect_timeout_ms",
                    1..=3_600_000,
                )?
                .map_or(defaults.connect_timeout, std::time::Duration::from_millis),
        };
        Ok((url, pool))
    }

    fn network(&self, network: Network) -> Result<(TrustedProxies, ClientIpHeader), ConfigError> {
        let proxies = self
            .pick(network.trusted_proxies, "TWOSTEP_TRUSTED_PROXIES")
            .unwrap_or_default();
        let trusted_proxies =
            TrustedProxies::parse(&proxies).map_err(|reason| invalid("network.trusted_proxies", reason))?;
        let client_ip_header = match self.pick(network.client_ip_header, "TWOSTEP_CLIENT_IP_HEADER") {
            Some(name) => {
                ClientIpHeader::parse(&name).map_err(|reason| invalid("network.client_ip_header", reason))?
            }
            None => ClientIpHeader::default(),
        };
        Ok((trusted_proxies, client_ip_header))
    }

    fn policy(
        &self,
        policy: PolicySection,
    ) -> Result<(usize, Option<phonenumber::country::Id>), ConfigError> {
        let queue = match self.pick(policy.password_hash_queue, "TWOSTEP_PASSWORD_HASH_QUEUE") {
            Some(n) => n.parse().map_err(|_| {
                invalid(
                    "policy.password_hash_queue",
                    format!("must be a whole number, got {n:?}"),
                )
            })?,
            None => 64,
        };
        let region = self
            .pick(policy.default_region, "TWOSTEP_DEFAULT_REGION")
            .map(|code| app::personnel::validate::region(&code))
            .transpose()
            .map_err(|reason| invalid("policy.default_region", reason))?;
        Ok((queue, region))
    }

    fn default_language(&self, policy: &PolicySection) -> Result<app::i18n::Lang, ConfigError> {
        match self.pick(policy.default_language.clone(), "TWOSTEP_DEFAULT_LANGUAGE") {
            None => Ok(app::i18n::Lang::En),
            Some(code) => app::i18n::Lang::from_code(&code).ok_or_else(|| {
                invalid(
                    "policy.default_language",
                    format!("must be en, nl or fr, got {code:?}"),
                )
            }),
        }
    }

    fn audit_retention(&self, policy: &PolicySection) -> Result<app::limits::AuditRetention, ConfigError> {
        use app::limits::AuditRetention;
        match self.pick(
            policy.audit_retention_days.clone(),
            "TWOSTEP_AUDIT_RETENTION_DAYS",
        ) {
            None => Ok(AuditRetention::default()),
            Some(days) => days.trim().parse().map(AuditRetention::from_days).map_err(|_| {
                invalid(
                    "policy.audit_retention_days",
                    format!("must be a whole number of days (0 keeps every event), got {days:?}"),
                )
            }),
        }
    }

    fn log_format(&self, log: LogSection) -> Result<LogFormat, ConfigError> {
        match self.pick(log.format, "TWOSTEP_LOG_FORMAT").as_deref() {
            None | Some("text") => Ok(LogFormat::Text),
            Some("json") => Ok(LogFormat::Json),
            Some(other) => Err(invalid(
                "log.format",
                format!("must be text or json, got {other:?}"),
            )),
        }
    }

    fn bootstrap(&self, bootstrap: Bootstrap) -> Result<(Option<String>, Option<String>), ConfigError> {
        // Only its length here: whether it is easy to guess matters only when it makes the
        // first admin (`main`), and an existing install must keep starting with it.
        let password = self.pick(bootstrap.admin_password, "TWOSTEP_ADMIN_PASSWORD");
        if let Some(problem) = password
            .as_deref()
            .and_then(|password| app::limits::password_length_problem(app::i18n::Lang::En, password))
        {
            return Err(invalid("bootstrap.admin_password", problem));
        }
        Ok((password, self.pick(bootstrap.admin_email, "TWOSTEP_ADMIN_EMAIL")))
    }
}

/// `url` with its password masked: the user-info part before the host (up to the last
/// `@`, so a password holding `@` is masked whole) and any `password=` parameter.
pub fn mask_url_password(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (address, query) = rest.split_once('?').map_or((rest, None), |(a, q)| (a, Some(q)));
    let address = match address.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split(':').next().unwrap_or_default();
            if user_info.contains(':') {
                format!("{user}:•••@{host}")
            } else {
                format!("{user}@{host}")
            }
        }
        None => address.to_string(),
    };
    let query = query.map(|query| {
        query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=•••"),
                _ => pair.to_string(),
            })
            .collect::<Vec<_>>()
            .join("&")
    });
    let scheme = if scheme.is_empty() {
        String::new()
    } else {
        format!("{scheme}://")
    };
    match query {
        Some(query) => format!("{scheme}{address}?{query}"),
        None => format!("{scheme}{address}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn without_file_or_environment_the_spec_defaults_apply() {
        let config = Config::parse(None, env(&[])).unwrap();
        assert_eq!(config.site_addr, "127.0.0.1:3000".parse().unwrap());
        assert_eq!(config.database_url, "sqlite://data/twostep.db");
        assert_eq!(config.smtp_url, None);
        assert_eq!(config.outbox_dir, PathBuf::from("data/outbox"));
        assert_eq!(config.mail_from, "Twostep <no-reply@localhost>");
        assert_eq!(config.sms_url, None);
        assert!(config.trusted_proxies.is_empty());
        assert_eq!(config.client_ip_header, ClientIpHeader::XForwardedFor);
        assert_eq!(config.admin_password, None);
        assert!(!config.secure_cookies());
        assert_eq!(config.default_region, None);
        assert_eq!(config.default_language, app::i18n::Lang::En);
        assert_eq!(config.audit_retention, app::limits::AuditRetention::Days(400));
        assert_eq!(config.log_format, LogFormat::Text);
        assert_eq!(config.metrics_addr, None);
    }

    #[test]
    fn the_committed_leptos_toml_parses_to_the_defaults() {
        let text = include_str!("../../Leptos.toml");
        assert_eq!(
            Config::parse(Some(text), env(&[])).unwrap(),
            Config::parse(None, env(&[])).unwrap()
        );
    }

    #[test]
    fn the_file_sets_keys_and_the_environment_overrides_them() {
        let file = r#"
            [site]
            addr = "0.0.0.0:8080"
            public_origin = "https://plan.example.com/"
            [database]
            url = "sqlite://from-file.db"
            [mail]
            smtp_url = "smtp://127.0.0.1:2525"
            [network]
            trusted_proxies = "10.0.0.0/8"
            client_ip_header = "x-real-ip"
        "#;
        let config = Config::parse(
            Some(file),
            env(&[
                ("TWOSTEP_DEFAULT_REGION", "be"),
                ("TWOSTEP_DEFAULT_LANGUAGE", "nl"),
                ("TWOSTEP_AUDIT_RETENTION_DAYS", "0"),
                ("TWOSTEP_LOG_FORMAT", "json"),
                ("TWOSTEP_METRICS_ADDR", "127.0.0.1:9464"),
                ("TWOSTEP_DATABASE_URL", "sqlite://from-env.db"),
                ("TWOSTEP_TRUSTED_PROXIES", "192.0.2.1, 2001:db8::/48"),
                ("TWOSTEP_CLIENT_IP_HEADER", "forwarded"),
            ]),
        )
        .unwrap();
        assert_eq!(config.client_ip_header, ClientIpHeader::Forwarded);
        assert_eq!(config.site_addr, "0.0.0.0:8080".parse().unwrap());
        assert_eq!(config.public_origin.as_deref(), Some("https://plan.example.com"));
        assert!(config.secure_cookies());
        assert_eq!(config.default_region, Some(phonenumber::country::Id::BE));
        assert_eq!(config.default_language, app::i18n::Lang::Nl);
        assert_eq!(config.audit_retention, app::limits::AuditRetention::KeepAll);
        assert_eq!(config.log_format, LogFormat::Json);
        assert_eq!(config.metrics_addr, Some("127.0.0.1:9464".parse().unwrap()));
        assert_eq!(config.database_url, "sqlite://from-env.db");
        assert_eq!(config.smtp_url.as_deref(), Some("smtp://127.0.0.1:2525"));
        assert!(
            config
                .trusted_proxies
                .contains("2001:db8:0:1::5".parse().unwrap())
        );
        assert!(
            !config.trusted_proxies.contains("10.1.1.1".parse().unwrap()),
            "the environment replaced the file's list"
        );
    }

    #[test]
    fn the_data_folder_is_the_databases() {
        let dir = |url: &str| {
            Config::parse(None, env(&[("TWOSTEP_DATABASE_URL", url)]))
                .unwrap()
                .data_dir()
        };
        assert_eq!(dir("sqlite://data/twostep.db"), PathBuf::from("data"));
        assert_eq!(
            dir("sqlite:///var/lib/twostep/t.db?mode=rwc"),
            PathBuf::from("/var/lib/twostep")
        );
        assert_eq!(dir("sqlite://t.db"), PathBuf::from("."));
    }

    #[test]
    fn a_postgres_url_and_its_pool_settings_are_read() {
        let config = Config::parse(
            Some("[database]\nurl = \"postgres://twostep@db.internal/twostep\"\npool_size = \"20\""),
            env(&[
                ("TWOSTEP_DATABASE_STATEMENT_TIMEOUT_MS", "2500"),
                ("TWOSTEP_DATABASE_CONNECT_TIMEOUT_MS", "750"),
            ]),
        )
        .unwrap();
        assert_eq!(config.backend(), Backend::Postgres);
        assert_eq!(config.database_pool.max_connections, 20);
        assert_eq!(
            config.database_pool.statement_timeout,
            std::time::Duration::from_millis(2500)
        );
        assert_eq!(
            config.database_pool.connect_timeout,
            std::time::Duration::from_millis(750)
        );
        assert_eq!(config.data_dir(), PathBuf::from("data"));
        assert_eq!(config.database_shown(), "postgres://twostep@db.internal/twostep");
        let with_password = Config::parse(
            None,
            env(&[(
                "TWOSTEP_DATABASE_URL",
                "postgres://twostep:s3cret@db.internal:5432/twostep",
            )]),
        )
        .unwrap();
        assert_eq!(
            with_password.database_shown(),
            "postgres://twostep:•••@db.internal:5432/twostep",
            "the password is never shown"
        );
        assert_eq!(
            mask_url_password("postgres://u:p@ss@h/db?sslmode=require&password=x"),
            "postgres://u:•••@h/db?sslmode=require&password=•••"
        );
        assert_eq!(
            mask_url_password("sqlite://data/twostep.db"),
            "sqlite://data/twostep.db"
        );
        let refused = Config::parse(
            None,
            env(&[("TWOSTEP_DATABASE_URL", "Postgres://u:hunter2@h/db")]),
        )
        .unwrap_err()
        .to_string();
        assert!(!refused.contains("hunter2"), "{refused}");
    }

    #[test]
    fn an_empty_environment_value_means_unset() {
        let config = Config::parse(
            Some("[mail]\nsmtp_url = \"smtp://h:25\""),
            env(&[("TWOSTEP_SMTP_URL", " ")]),
        )
        .unwrap();
        assert_eq!(config.smtp_url, None);
    }

    #[test]
    fn bad_values_are_refused_with_the_key_named() {
        let bad = |pairs: &[(&str, &str)]| Config::parse(None, env(pairs)).unwrap_err().to_string();
        assert!(bad(&[("LEPTOS_SITE_ADDR", "localhost")]).contains("site.addr"));
        assert!(bad(&[("TWOSTEP_TRUSTED_PROXIES", "10.0.0.1, proxy.local")]).contains("proxy.local"));
        assert!(bad(&[("TWOSTEP_DATABASE_URL", "mysql://x")]).contains("database.url"));
        assert!(bad(&[("TWOSTEP_DATABASE_POOL_SIZE", "0")]).contains("database.pool_size"));
        assert!(bad(&[("TWOSTEP_DATABASE_POOL_SIZE", "1")]).contains("database.pool_size"));
        assert!(
            bad(&[("TWOSTEP_DATABASE_STATEMENT_TIMEOUT_MS", "soon")])
                .contains("database.statement_timeout_ms")
        );
        assert!(bad(&[("TWOSTEP_PUBLIC_ORIGIN", "plan.example.com")]).contains("public_origin"));
        assert!(bad(&[("TWOSTEP_PASSWORD_HASH_QUEUE", "-1")]).contains("password_hash_queue"));
        assert!(bad(&[("TWOSTEP_DEFAULT_REGION", "Belgium")]).contains("default_region"));
        assert!(bad(&[("TWOSTEP_DEFAULT_LANGUAGE", "de")]).contains("default_language"));
        assert!(bad(&[("TWOSTEP_LOG_FORMAT", "JSON lines")]).contains("log.format"));
        assert!(bad(&[("TWOSTEP_METRICS_ADDR", "9464")]).contains("metrics_addr"));
        assert!(bad(&[("TWOSTEP_METRICS_ADDR", "127.0.0.1:3000")]).contains("must differ"));
        for days in ["-1", "a year", "1.5"] {
            assert!(
                bad(&[("TWOSTEP_AUDIT_RETENTION_DAYS", days)]).contains("audit_retention_days"),
                "{days:?}"
            );
        }
        assert!(bad(&[("TWOSTEP_CLIENT_IP_HEADER", "x-forwarded")]).contains("client_ip_header"));
        assert!(bad(&[("TWOSTEP_ADMIN_PASSWORD", "short")]).contains("admin_password"));
        let too_long = "x".repeat(app::limits::PASSWORD_MAX + 1);
        assert!(bad(&[("TWOSTEP_ADMIN_PASSWORD", &too_long)]).contains("admin_password"));
    }

    #[test]
    fn a_misspelt_key_in_the_file_is_an_error() {
        let err = Config::parse(Some("[database]\nulr = \"sqlite://x.db\""), env(&[])).unwrap_err();
        assert!(
            matches!(err, ConfigError::Parse(ref m) if m.contains("ulr")),
            "{err}"
        );
    }
}
