//! SQLite: the embedded default, one instance.

use super::{PoolOptions, SchemaStatus};
use sqlx::SqlitePool;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// The migrations in `migrations/sqlite/`, compiled into the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations/sqlite");

/// The newest migration this program carries.
pub fn latest_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Opens (creating if missing) the database at `url` and brings its schema up to date.
///
/// WAL with `synchronous = NORMAL` keeps every committed transaction across a crash of
/// the process (kill -9); only an OS crash or power loss may lose the newest commits.
/// Writers wait for each other (`busy_timeout`) instead of failing with SQLITE_BUSY.
pub async fn open(url: &str, pool_options: &PoolOptions) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(pool_options.statement_timeout);
    if let Some(parent) = options.get_filename().parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(sqlx::Error::Io)?;
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(pool_options.max_connections)
        .acquire_timeout(pool_options.connect_timeout)
        // A local file cannot drop a connection: the default ping before every checkout
        // is a round trip to the connection's thread for nothing, on every query.
        .test_before_acquire(false)
        .connect_with(options)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// Opens the database at `url` read-only, without creating or migrating it, and reads
/// how far its schema is. An error when it does not exist or cannot be read.
pub async fn schema_status(url: &str) -> Result<SchemaStatus, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .read_only(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    let applied: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1")
            .fetch_one(&pool)
            .await
            .or_else(|error| match &error {
                // No migration table: nothing was ever applied.
                sqlx::Error::Database(db) if db.message().contains("no such table") => Ok(None),
                _ => Err(error),
            })?;
    pool.close().await;
    Ok(SchemaStatus {
        applied: applied.unwrap_or(0),
        latest: latest_version(),
    })
}

/// A migrated database in a fresh file of its own (tests only).
#[cfg(any(test, feature = "test-support"))]
pub async fn open_temporary() -> (SqlitePool, super::TempDb) {
    let dir = super::TempDb::folder();
    let url = format!("sqlite://{}/test.db", dir.path().display());
    let pool = open(&url, &PoolOptions::default())
        .await
        .expect("temporary database");
    (pool, dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn migrations_build_the_schema_on_an_empty_file() {
        let (pool, _dir) = open_temporary().await;
        let tables: Vec<(String,)> =
            sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .fetch_all(&pool)
                .await
                .unwrap();
        let tables: Vec<_> = tables.into_iter().map(|(n,)| n).collect();
        for expected in ["audit", "login_failures", "settings", "user_permissions", "users"] {
            assert!(
                tables.iter().any(|t| t == expected),
                "missing table {expected}: {tables:?}"
            );
        }
        let (enabled,): (String,) =
            sqlx::query_as("SELECT value FROM settings WHERE key = 'two_step_enabled'")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(enabled, "false", "two-step authentication starts off");
    }

    #[tokio::test]
    async fn opening_twice_is_harmless() {
        let (pool, dir) = open_temporary().await;
        pool.close().await;
        let url = format!("sqlite://{}/test.db", dir.path().display());
        open(&url, &PoolOptions::default())
            .await
            .expect("second open of a migrated file");
    }
}
