//! PostgreSQL: one database shared by several instances.

use super::{PoolOptions, SchemaStatus};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool};
use std::str::FromStr;

/// The migrations in `migrations/postgres/`, compiled into the binary. sqlx's migrator
/// holds an advisory lock while it runs, so instances that start together migrate once.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations/postgres");

/// The advisory lock every write transaction takes first ([`super::WritePool`]). The
/// keys are arbitrary but fixed: every instance must use the same ones.
pub const WRITE_LOCK: i64 = 0x7477_6f73_7465_7001;
/// Held by the one instance running the hourly clean-up.
pub const CLEAN_UP_LOCK: i64 = 0x7477_6f73_7465_7002;
/// Held while the session table is made at start.
pub const SESSION_SCHEMA_LOCK: i64 = 0x7477_6f73_7465_7003;

/// The channel on which a change is announced to every instance (`LISTEN`/`NOTIFY`).
pub const CHANGES_CHANNEL: &str = "twostep_changes";

fn connect_options(url: &str, pool_options: &PoolOptions) -> Result<PgConnectOptions, sqlx::Error> {
    Ok(PgConnectOptions::from_str(url)?.options([(
        "statement_timeout",
        pool_options.statement_timeout.as_millis().to_string(),
    )]))
}

/// Connects to the database at `url` and brings its schema up to date.
pub async fn open(url: &str, pool_options: &PoolOptions) -> Result<PgPool, sqlx::Error> {
    let pool = PgPoolOptions::new()
        .max_connections(pool_options.max_connections)
        .acquire_timeout(pool_options.connect_timeout)
        .connect_with(connect_options(url, pool_options)?)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// How far the schema at `url` is, without migrating.
pub async fn schema_status(url: &str) -> Result<SchemaStatus, sqlx::Error> {
    let mut conn = connect_options(url, &PoolOptions::default())?.connect().await?;
    let migrated: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(&mut conn)
        .await?;
    let applied: Option<i64> = if migrated {
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut conn)
            .await?
    } else {
        None
    };
    Ok(SchemaStatus {
        applied: applied.unwrap_or(0),
        latest: MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0),
    })
}
