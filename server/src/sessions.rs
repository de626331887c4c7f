//! Sessions, kept in the same database as everything else: tower-sessions' SQLite or
//! PostgreSQL store behind one type, so the router does not care which.

use app::db::Db;
use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// The table's name on both backends (in the `public` schema on PostgreSQL).
pub const TABLE: &str = "sessions";

#[derive(Clone, Debug)]
pub enum Sessions {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl Sessions {
    /// The store over `db`, its table made if missing. On PostgreSQL an advisory lock
    /// keeps instances that start together from making it at the same time.
    pub async fn open(db: &Db) -> Result<Sessions, String> {
        let failed = |e: &dyn std::fmt::Display| format!("session store: {e}");
        match db {
            Db::Sqlite(pool) => {
                let store = SqliteStore::new(pool.clone())
                    .with_table_name(TABLE)
                    .map_err(|e| failed(&e))?;
                store.migrate().await.map_err(|e| failed(&e))?;
                Ok(Sessions::Sqlite(store))
            }
            Db::Postgres(pool) => {
                let store = PostgresStore::new(pool.clone())
                    .with_schema_name("public")
                    .and_then(|store| store.with_table_name(TABLE))
                    .map_err(|e| failed(&e))?;
                let mut lock = pool.acquire().await.map_err(|e| failed(&e))?;
                sqlx::query("SELECT pg_advisory_lock($1)")
                    .bind(app::db::postgres::SESSION_SCHEMA_LOCK)
                    .execute(&mut *lock)
                    .await
                    .map_err(|e| failed(&e))?;
                let made = store.migrate().await;
                sqlx::query("SELECT pg_advisory_unlock($1)")
                    .bind(app::db::postgres::SESSION_SCHEMA_LOCK)
                    .execute(&mut *lock)
                    .await
                    .map_err(|e| failed(&e))?;
                made.map_err(|e| failed(&e))?;
                Ok(Sessions::Postgres(store))
            }
        }
    }
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(store) => store.create(record).await,
            Sessions::Postgres(store) => store.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(store) => store.save(record).await,
            Sessions::Postgres(store) => store.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Sessions::Sqlite(store) => store.load(id).await,
            Sessions::Postgres(store) => store.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(store) => store.delete(id).await,
            Sessions::Postgres(store) => store.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for Sessions {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(store) => store.delete_expired().await,
            Sessions::Postgres(store) => store.delete_expired().await,
        }
    }
}
