//! The database: SQLite (embedded, one instance; the default) or PostgreSQL (several
//! instances behind a proxy), chosen by the URL's scheme.
//!
//! Each store keeps its SQL in its own module. The SQL is written once, with `$1`
//! placeholders (both sqlx drivers read them), and runs through [`on_db!`] or
//! [`on_conn!`]: the macro compiles the body once per backend, so each copy is checked
//! against its own driver's types, with no `sqlx::Any` in between. Where the dialects
//! differ, this module gives each backend its own piece: opening and migrating
//! ([`sqlite`], [`postgres`]) and beginning a write transaction ([`WritePool`]).

pub mod postgres;
pub mod sqlite;
#[cfg(any(test, feature = "test-support"))]
pub mod test_cluster;

use sqlx::{PgConnection, PgPool, SqliteConnection, SqlitePool};
use std::time::Duration;

/// A pool of either backend. Cloning shares the pool.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Which backend a [`Db`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a database URL names, if any.
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// How the pool behaves (configuration keys `database.pool_size`,
/// `database.statement_timeout_ms`, `database.connect_timeout_ms`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolOptions {
    pub max_connections: u32,
    /// PostgreSQL stops a statement that runs longer (a lock wait counts).
    pub statement_timeout: Duration,
    /// How long a request waits for a connection, a new one included.
    pub connect_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_connections: 8,
            statement_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
        }
    }
}

impl Db {
    /// Opens the database at `url` and brings its schema up to date. A SQLite file is
    /// created if missing; several PostgreSQL instances starting at once migrate once.
    pub async fn open(url: &str, options: &PoolOptions) -> Result<Db, sqlx::Error> {
        match Backend::of_url(url) {
            Some(Backend::Sqlite) => sqlite::open(url, options).await.map(Db::Sqlite),
            Some(Backend::Postgres) => postgres::open(url, options).await.map(Db::Postgres),
            None => Err(sqlx::Error::Configuration(
                "the database URL must start with sqlite: or postgres://".into(),
            )),
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Waits for the connections in use, then closes them all.
    pub async fn close(&self) {
        on_db!(self, |pool| pool.close().await)
    }

    /// One round trip: whether the database answers.
    /// How far this database's schema is, read through the pool (`/readyz`).
    pub async fn schema_version(&self) -> Result<SchemaStatus, sqlx::Error> {
        const APPLIED: &str = "SELECT MAX(version) FROM _sqlx_migrations WHERE success";
        let (applied, latest): (Option<i64>, i64) = match self {
            Db::Sqlite(pool) => (
                sqlx::query_scalar(APPLIED).fetch_one(pool).await?,
                sqlite::latest_version(),
            ),
            Db::Postgres(pool) => (
                sqlx::query_scalar(APPLIED).fetch_one(pool).await?,
                postgres::latest_version(),
            ),
        };
        Ok(SchemaStatus {
            applied: applied.unwrap_or(0),
            latest,
        })
    }

    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        on_db!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(|_| ()))
    }
}

impl Db {
    /// Runs `job` unless another instance is running the job named `key` right now
    /// (PostgreSQL `pg_try_advisory_lock`); then returns `None` at once. SQLite has one
    /// instance: the job always runs.
    pub async fn unless_running_elsewhere<T>(
        &self,
        key: i64,
        job: impl std::future::Future<Output = T>,
    ) -> Result<Option<T>, sqlx::Error> {
        let Db::Postgres(pool) = self else {
            return Ok(Some(job.await));
        };
        // A session-level lock belongs to one connection: hold that connection throughout.
        let mut conn = pool.acquire().await?;
        let held: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(key)
            .fetch_one(&mut *conn)
            .await?;
        if !held {
            return Ok(None);
        }
        // Never back to the pool holding the lock (a panic in the job, a failed unlock):
        // closing the connection is what releases it then. One new connection an hour.
        conn.close_on_drop();
        let done = job.await;
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(key)
            .execute(&mut *conn)
            .await?;
        Ok(Some(done))
    }
}

/// Where a step that may be part of a bigger write runs: a borrowed connection of either
/// backend (often a transaction's), or a pool to take one from.
pub enum Conn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
    SqlitePool(&'c SqlitePool),
    PgPool(&'c PgPool),
}

impl<'c> From<&'c mut SqliteConnection> for Conn<'c> {
    fn from(conn: &'c mut SqliteConnection) -> Self {
        Conn::Sqlite(conn)
    }
}

impl<'c> From<&'c mut PgConnection> for Conn<'c> {
    fn from(conn: &'c mut PgConnection) -> Self {
        Conn::Postgres(conn)
    }
}

impl<'c> From<&'c SqlitePool> for Conn<'c> {
    fn from(pool: &'c SqlitePool) -> Self {
        Conn::SqlitePool(pool)
    }
}

impl<'c> From<&'c PgPool> for Conn<'c> {
    fn from(pool: &'c PgPool) -> Self {
        Conn::PgPool(pool)
    }
}

impl<'c> From<&'c Db> for Conn<'c> {
    fn from(db: &'c Db) -> Self {
        match db {
            Db::Sqlite(pool) => Conn::SqlitePool(pool),
            Db::Postgres(pool) => Conn::PgPool(pool),
        }
    }
}

impl<'c, 't> From<&'c mut sqlx::Transaction<'t, sqlx::Sqlite>> for Conn<'c> {
    fn from(tx: &'c mut sqlx::Transaction<'t, sqlx::Sqlite>) -> Self {
        Conn::Sqlite(&mut *tx)
    }
}

impl<'c, 't> From<&'c mut sqlx::Transaction<'t, sqlx::Postgres>> for Conn<'c> {
    fn from(tx: &'c mut sqlx::Transaction<'t, sqlx::Postgres>) -> Self {
        Conn::Postgres(&mut *tx)
    }
}

/// Runs `body` with `pool` bound to the [`Db`]'s typed pool: the body is compiled once
/// per backend.
#[macro_export]
macro_rules! on_db {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs `body` with `conn` bound to a typed `&mut` connection: the [`Conn`]'s own, or
/// one taken from its pool for the body's length. The enclosing function returns
/// `sqlx::Error` when no connection can be had.
#[macro_export]
macro_rules! on_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::Conn::Sqlite($c) => $body,
            $crate::db::Conn::Postgres($c) => $body,
            $crate::db::Conn::SqlitePool(pool) => {
                let mut acquired = pool.acquire().await?;
                let $c = &mut *acquired;
                $body
            }
            $crate::db::Conn::PgPool(pool) => {
                let mut acquired = pool.acquire().await?;
                let $c = &mut *acquired;
                $body
            }
        }
    };
}

pub use crate::{on_conn, on_db};

/// A write transaction that no other writer interleaves with, on either backend: every
/// check-then-write rule (a code checked and consumed, attempt counters, caps, the
/// last-holder rules) reads and writes inside one.
///
/// SQLite: `BEGIN IMMEDIATE` takes the database's write lock at the start. PostgreSQL: a
/// transaction-scoped advisory lock ([`postgres::WRITE_LOCK`]) taken first, which every
/// instance's write transactions share, so they run one at a time as on SQLite; reads
/// under READ COMMITTED then see every earlier writer's commit. These transactions are
/// short (no password hash runs inside one), and the statement timeout bounds the wait.
pub trait WritePool {
    type Database: sqlx::Database;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = Result<sqlx::Transaction<'static, Self::Database>, sqlx::Error>> + Send;
}

impl WritePool for SqlitePool {
    type Database = sqlx::Sqlite;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error>> + Send
    {
        let pool = self.clone();
        async move { pool.begin_with("BEGIN IMMEDIATE").await }
    }
}

impl WritePool for PgPool {
    type Database = sqlx::Postgres;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error>> + Send
    {
        let pool = self.clone();
        async move {
            let mut tx = pool.begin().await?;
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(postgres::WRITE_LOCK)
                .execute(&mut *tx)
                .await?;
            Ok(tx)
        }
    }
}

/// A write transaction of either backend ([`Db::begin_write`]), for code that only
/// hands it to store steps (`&mut tx` is a [`Conn`]).
pub enum WriteTx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Db {
    /// Begins a write transaction (see [`WritePool`]).
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(pool) => WriteTx::Sqlite(pool.begin_write().await?),
            Db::Postgres(pool) => WriteTx::Postgres(pool.begin_write().await?),
        })
    }
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            WriteTx::Sqlite(tx) => tx.commit().await,
            WriteTx::Postgres(tx) => tx.commit().await,
        }
    }
}

impl<'c> From<&'c mut WriteTx> for Conn<'c> {
    fn from(tx: &'c mut WriteTx) -> Self {
        match tx {
            WriteTx::Sqlite(tx) => Conn::Sqlite(tx),
            WriteTx::Postgres(tx) => Conn::Postgres(tx),
        }
    }
}

/// A `LIKE … ESCAPE '\\'` pattern that finds `search` anywhere. `%` and `_` typed into a
/// search box are literal characters, not wildcards. Compare `lower(column) LIKE
/// lower($n)`: SQLite's LIKE ignores ASCII case and PostgreSQL's none, and one function
/// lowering both sides (the database's own) agrees with itself on every letter.
pub fn like_pattern(search: &str) -> String {
    let escaped = search
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// How far an existing database's schema is, for `twostep check`: the newest migration
/// applied, against the newest this binary carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaStatus {
    pub applied: i64,
    pub latest: i64,
}

/// Reads how far the schema at `url` is, without creating or migrating anything.
pub async fn schema_status(url: &str) -> Result<SchemaStatus, sqlx::Error> {
    match Backend::of_url(url) {
        Some(Backend::Postgres) => postgres::schema_status(url).await,
        _ => sqlite::schema_status(url).await,
    }
}

/// A migrated database of its own on `backend` (tests only: never in a release build):
/// a fresh SQLite file, or a fresh database in the test cluster.
#[cfg(any(test, feature = "test-support"))]
pub async fn open_temporary_on(backend: Backend) -> (Db, TempDb) {
    match backend {
        Backend::Sqlite => {
            let (pool, dir) = sqlite::open_temporary().await;
            (Db::Sqlite(pool), dir)
        }
        Backend::Postgres => {
            let pool = test_cluster::fresh_database().await;
            (Db::Postgres(pool), TempDb::folder())
        }
    }
}

/// A migrated SQLite database in a fresh file of its own (tests only).
#[cfg(any(test, feature = "test-support"))]
pub async fn open_temporary() -> (Db, TempDb) {
    open_temporary_on(Backend::Sqlite).await
}

/// A test's folder (the SQLite file, an outbox), removed when dropped.
#[cfg(any(test, feature = "test-support"))]
pub struct TempDb(std::path::PathBuf);

#[cfg(any(test, feature = "test-support"))]
impl TempDb {
    /// A fresh empty folder.
    pub fn folder() -> TempDb {
        use rand::Rng;
        let name: u64 = rand::rng().random();
        let dir = std::env::temp_dir().join(format!("twostep-test-{name:016x}"));
        std::fs::create_dir_all(&dir).expect("temporary folder");
        TempDb(dir)
    }

    /// The folder, removed with it: a place for a test's outbox too.
    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

#[cfg(any(test, feature = "test-support"))]
impl Drop for TempDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Declares `name` as a test on each backend: `<name>::sqlite` and `<name>::postgres`
/// both run the one body, an `async fn(Backend)`, on two worker threads (so requests
/// spawned at once really race).
#[cfg(any(test, feature = "test-support"))]
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::db::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::db::Backend::Postgres).await
                }
            }
        )+
    };
}
