//! PostgreSQL: one database shared by several instances.

use super::{PoolOptions, SchemaStatus};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool};
use std::str::FromStr;

/// The migrations in `migrations/postgres/`, compiled into the binary. sqlx's migrator
/// holds an advisory lock while it runs, so instances that start together migrate once.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations/postgres");

/// The newest migration this program carries.
pub fn latest_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

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
    // Migrations run on a connection of their own with no statement timeout: a long
    // one (an index on a big table), or waiting for another instance's, is not a fault.
    let migrating = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(pool_options.connect_timeout)
        .connect_with(PgConnectOptions::from_str(url)?)
        .await?;
    MIGRATOR.run(&migrating).await?;
    migrating.close().await;
    PgPoolOptions::new()
        .max_connections(pool_options.max_connections)
        .acquire_timeout(pool_options.connect_timeout)
        .connect_with(connect_options(url, pool_options)?)
        .await
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
        latest: latest_version(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Db, test_cluster};
    use std::time::Duration;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn instances_starting_together_migrate_once() {
        let url = test_cluster::fresh_database_url().await;
        let opening: Vec<_> = (0..8)
            .map(|_| {
                let url = url.clone();
                tokio::spawn(async move { open(&url, &PoolOptions::default()).await })
            })
            .collect();
        let mut pools = Vec::new();
        for one in opening {
            pools.push(one.await.unwrap().expect("every instance starts"));
        }
        // Without sqlx's advisory lock, the second CREATE TABLE users would fail.
        let applied: Vec<(i64, bool)> =
            sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
                .fetch_all(&pools[0])
                .await
                .unwrap();
        let expected: Vec<(i64, bool)> = MIGRATOR.iter().map(|m| (m.version, true)).collect();
        assert_eq!(applied, expected, "each migration once");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_clean_up_runs_on_one_instance_at_a_time() {
        let url = test_cluster::fresh_database_url().await;
        let one = Db::Postgres(open(&url, &PoolOptions::default()).await.unwrap());
        let other = Db::Postgres(open(&url, &PoolOptions::default()).await.unwrap());
        let (started, wait_here) = tokio::sync::oneshot::channel::<()>();
        let (finish, finished) = tokio::sync::oneshot::channel::<()>();
        let long_job = tokio::spawn(async move {
            one.unless_running_elsewhere(CLEAN_UP_LOCK, async {
                started.send(()).unwrap();
                finished.await.unwrap();
            })
            .await
            .unwrap()
        });
        wait_here.await.unwrap();
        let meanwhile = other
            .unless_running_elsewhere(CLEAN_UP_LOCK, async { "ran" })
            .await
            .unwrap();
        assert_eq!(meanwhile, None, "skipped while the other instance cleans up");
        finish.send(()).unwrap();
        assert_eq!(long_job.await.unwrap(), Some(()));
        let afterwards = tokio::time::timeout(
            Duration::from_secs(5),
            other.unless_running_elsewhere(CLEAN_UP_LOCK, async { "ran" }),
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(afterwards, Some("ran"), "the lock was given back");
    }
}
