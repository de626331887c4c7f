//! Sessions, kept in the same database as everything else: tower-sessions' SQLite or
//! PostgreSQL store behind one type, so the router does not care which.
//!
//! Every signed-in request reads its session. On SQLite the records this process wrote
//! are also kept in memory, so that read costs no query: this process is the only
//! writer of the sessions table (SQLite serves one instance, and the operator's command
//! line never touches sessions; it ends them through the person's epoch). On PostgreSQL
//! another instance may delete a session (a sign-out there), so every read goes to the
//! table.

use app::db::Db;
use async_trait::async_trait;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// The table's name on both backends (in the `public` schema on PostgreSQL).
pub const TABLE: &str = "sessions";

/// How many records are kept in memory; beyond that the least used are dropped and read
/// from the table again when asked for. A few hundred bytes each.
const KEPT_RECORDS: u64 = 20_000;

#[derive(Clone, Debug)]
pub struct Sessions {
    table: Table,
    /// SQLite only.
    kept: Option<Arc<Kept>>,
}

#[derive(Clone, Debug)]
enum Table {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

/// The records in memory. Every change to the table, and every copy from the table into
/// memory, happens under `writing`: so a read that did not find its record in memory can
/// never put back a record that a sign-out deleted, or an older one over a newer save.
/// Reads that find their record take no lock.
#[derive(Debug)]
struct Kept {
    records: moka::sync::Cache<Id, Record>,
    writing: tokio::sync::Mutex<()>,
}

impl Kept {
    fn new() -> Kept {
        Kept {
            records: moka::sync::Cache::builder()
                .max_capacity(KEPT_RECORDS)
                .expire_after(UntilRecordExpires)
                .build(),
            writing: tokio::sync::Mutex::new(()),
        }
    }
}

/// A record leaves memory when the record itself expires (the table's rows are removed
/// by the hourly clean-up; here it happens on its own).
struct UntilRecordExpires;

impl UntilRecordExpires {
    fn left(record: &Record) -> Duration {
        let left = record.expiry_date - time::OffsetDateTime::now_utc();
        left.try_into().unwrap_or(Duration::ZERO)
    }
}

impl moka::Expiry<Id, Record> for UntilRecordExpires {
    fn expire_after_create(&self, _: &Id, record: &Record, _: Instant) -> Option<Duration> {
        Some(Self::left(record))
    }

    fn expire_after_update(
        &self,
        _: &Id,
        record: &Record,
        _: Instant,
        _: Option<Duration>,
    ) -> Option<Duration> {
        Some(Self::left(record))
    }
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
                Ok(Sessions {
                    table: Table::Sqlite(store),
                    kept: Some(Arc::new(Kept::new())),
                })
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
                Ok(Sessions {
                    table: Table::Postgres(store),
                    kept: None,
                })
            }
        }
    }
}

#[async_trait]
impl SessionStore for Table {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Table::Sqlite(store) => store.create(record).await,
            Table::Postgres(store) => store.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Table::Sqlite(store) => store.save(record).await,
            Table::Postgres(store) => store.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Table::Sqlite(store) => store.load(id).await,
            Table::Postgres(store) => store.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Table::Sqlite(store) => store.delete(id).await,
            Table::Postgres(store) => store.delete(id).await,
        }
    }
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let Some(kept) = &self.kept else {
            return self.table.create(record).await;
        };
        let _writing = kept.writing.lock().await;
        self.table.create(record).await?;
        kept.records.insert(record.id, record.clone());
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let Some(kept) = &self.kept else {
            return self.table.save(record).await;
        };
        let _writing = kept.writing.lock().await;
        // Forgotten first: if the write fails, memory does not hold what the table lacks.
        kept.records.invalidate(&record.id);
        self.table.save(record).await?;
        kept.records.insert(record.id, record.clone());
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some(kept) = &self.kept else {
            return self.table.load(id).await;
        };
        if let Some(record) = kept.records.get(id) {
            return Ok(Some(record));
        }
        // Not in memory (a restart, or dropped for room). An id the table does not know
        // (an old or made-up cookie) is answered without the lock, so a flood of them
        // cannot hold up sign-ins.
        if self.table.load(id).await?.is_none() {
            return Ok(None);
        }
        let _writing = kept.writing.lock().await;
        if let Some(record) = kept.records.get(id) {
            return Ok(Some(record));
        }
        // Read again under the lock: what was read above may have been deleted since.
        let record = self.table.load(id).await?;
        if let Some(record) = &record {
            kept.records.insert(*id, record.clone());
        }
        Ok(record)
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let Some(kept) = &self.kept else {
            return self.table.delete(id).await;
        };
        let _writing = kept.writing.lock().await;
        kept.records.invalidate(id);
        self.table.delete(id).await
    }
}

#[async_trait]
impl ExpiredDeletion for Sessions {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match &self.table {
            Table::Sqlite(store) => store.delete_expired().await,
            Table::Postgres(store) => store.delete_expired().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::db::{Backend, open_temporary_on};
    use std::collections::HashMap;

    fn record(value: &str) -> Record {
        Record {
            id: Id::default(),
            data: HashMap::from([("signed_in".to_string(), serde_json::json!(value))]),
            expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(8),
        }
    }

    async fn delete_row_behind_its_back(db: &Db, id: &Id) {
        app::db::on_db!(db, |pool| sqlx::query(&format!(
            "DELETE FROM {TABLE} WHERE id = $1"
        ))
        .bind(id.to_string())
        .execute(pool)
        .await
        .map(|_| ()))
        .unwrap();
    }

    /// On SQLite the record this process saved is read from memory; on PostgreSQL,
    /// where another instance may sign the session out, from the table every time.
    async fn where_a_read_comes_from(backend: Backend) {
        let (db, _dir) = open_temporary_on(backend).await;
        let sessions = Sessions::open(&db).await.unwrap();
        let mut signed_in = record("jdoe");
        sessions.create(&mut signed_in).await.unwrap();
        delete_row_behind_its_back(&db, &signed_in.id).await;
        let read = sessions.load(&signed_in.id).await.unwrap();
        match backend {
            Backend::Sqlite => assert_eq!(read, Some(signed_in), "no query for a kept record"),
            Backend::Postgres => assert_eq!(read, None, "another instance's sign-out counts"),
        }
    }
    app::on_both_backends!(where_a_read_comes_from);

    /// After a restart memory is empty: the table answers, and what it answered is kept.
    #[tokio::test]
    async fn a_record_from_before_a_restart_is_read_from_the_table_once() {
        let (db, _dir) = open_temporary_on(Backend::Sqlite).await;
        let mut signed_in = record("jdoe");
        Sessions::open(&db)
            .await
            .unwrap()
            .create(&mut signed_in)
            .await
            .unwrap();
        let restarted = Sessions::open(&db).await.unwrap();
        assert_eq!(
            restarted.load(&signed_in.id).await.unwrap(),
            Some(signed_in.clone())
        );
        delete_row_behind_its_back(&db, &signed_in.id).await;
        assert_eq!(restarted.load(&signed_in.id).await.unwrap(), Some(signed_in));
        assert_eq!(
            restarted.load(&Id::default()).await.unwrap(),
            None,
            "an id nobody was given"
        );
    }

    /// A stolen cookie used fifty times at once while its owner signs out: once the
    /// sign-out is done, no read that raced it has put the record back in memory.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reads_racing_a_sign_out_never_bring_the_session_back() {
        let (db, _dir) = open_temporary_on(Backend::Sqlite).await;
        for _ in 0..20 {
            let mut signed_in = record("jdoe");
            Sessions::open(&db)
                .await
                .unwrap()
                .create(&mut signed_in)
                .await
                .unwrap();
            // Restarted: nothing in memory, so every read below goes to the table.
            let sessions = Sessions::open(&db).await.unwrap();
            let reads: Vec<_> = (0..50)
                .map(|_| {
                    let (sessions, id) = (sessions.clone(), signed_in.id);
                    tokio::spawn(async move { sessions.load(&id).await.unwrap() })
                })
                .collect();
            sessions.delete(&signed_in.id).await.unwrap();
            for read in reads {
                read.await.unwrap();
            }
            assert_eq!(sessions.load(&signed_in.id).await.unwrap(), None);
        }
    }

    /// Reads filling memory from the table while the session is saved anew: memory ends
    /// with the newer record, never the one the table held before.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reads_racing_a_save_never_put_back_the_older_record() {
        let (db, _dir) = open_temporary_on(Backend::Sqlite).await;
        for _ in 0..20 {
            let mut pending = record("pending");
            Sessions::open(&db)
                .await
                .unwrap()
                .create(&mut pending)
                .await
                .unwrap();
            let sessions = Sessions::open(&db).await.unwrap();
            let reads: Vec<_> = (0..50)
                .map(|_| {
                    let (sessions, id) = (sessions.clone(), pending.id);
                    tokio::spawn(async move { sessions.load(&id).await.unwrap() })
                })
                .collect();
            let newer = Record {
                data: record("signed in").data,
                ..pending.clone()
            };
            sessions.save(&newer).await.unwrap();
            for read in reads {
                read.await.unwrap();
            }
            assert_eq!(sessions.load(&pending.id).await.unwrap(), Some(newer));
        }
    }

    #[tokio::test]
    async fn an_expired_record_is_not_read_from_memory() {
        let (db, _dir) = open_temporary_on(Backend::Sqlite).await;
        let sessions = Sessions::open(&db).await.unwrap();
        let mut short = Record {
            expiry_date: time::OffsetDateTime::now_utc() + time::Duration::milliseconds(300),
            ..record("jdoe")
        };
        sessions.create(&mut short).await.unwrap();
        assert!(sessions.load(&short.id).await.unwrap().is_some());
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(sessions.load(&short.id).await.unwrap(), None);
    }
}
