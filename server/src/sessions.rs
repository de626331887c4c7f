//! Sessions, kept in the same database as everything else: tower-sessions' SQLite or
//! PostgreSQL store behind one type, so the router does not care which.
//!
//! The cookie's id is a bearer secret, so the table never holds it: a row's key, and the
//! id inside its record, are a keyed digest of it (see `StoredId`). A copy of the
//! database therefore names no session a browser could present.
//!
//! Every signed-in request reads its session. On SQLite the records this process wrote
//! are also kept in memory, so that read costs no query: this process is the only
//! writer of the sessions table (SQLite serves one instance, and the operator's command
//! line never touches sessions; it ends them through the person's epoch). On PostgreSQL
//! another instance may delete a session (a sign-out there), so every read goes to the
//! table.

use app::db::Db;
use app::secret_key::SecretKey;
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

/// Writes to different sessions need not wait for each other: the lock is one of these,
/// chosen by the id.
const WRITE_LOCKS: usize = 64;

#[derive(Clone, Debug)]
pub struct Sessions {
    store: Store,
    ids: StoredId,
}

/// What the table (and memory) know a session by: HMAC-SHA-256 of the cookie's id under a
/// key derived from the secret key, cut to the 128 bits tower-sessions' id holds. Keyed
/// rather than a plain hash so that even a guess at an id cannot be checked against a
/// copy of the table; the cost is that a new secret key signs everyone out.
#[derive(Clone)]
struct StoredId(Arc<SecretKey>);

impl StoredId {
    fn of(&self, id: &Id) -> Id {
        let mac = self.0.mac(&[b"session id", &id.0.to_le_bytes()]);
        let mut first = [0u8; 16];
        first.copy_from_slice(&mac[..16]);
        Id(i128::from_le_bytes(first))
    }

    /// The record as stored: under the digest of its id.
    fn stored(&self, record: &Record) -> Record {
        Record {
            id: self.of(&record.id),
            ..record.clone()
        }
    }
}

/// Never the key, nor any id.
impl std::fmt::Debug for StoredId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoredId")
    }
}

/// A stored record handed back under the id the cookie carries (tower-sessions saves it
/// under that id again).
fn as_presented(stored: Record, id: &Id) -> Record {
    Record { id: *id, ..stored }
}

#[derive(Clone, Debug)]
enum Store {
    /// The table, and the records this process wrote to it, in memory.
    Sqlite { table: SqliteStore, kept: Arc<Kept> },
    /// The pool too: a save is this module's own conditional update (see `save`).
    Postgres {
        table: PostgresStore,
        pool: sqlx::PgPool,
    },
}

/// The records in memory, under their stored ids as in the table. Every change to a session's row, and every copy of it from the
/// table into memory, happens under that session's write lock: so a read that did not
/// find its record in memory can never put back a record that a sign-out deleted, or an
/// older one over a newer save. Reads that find their record take no lock.
struct Kept {
    records: moka::sync::Cache<Id, Record>,
    writing: Vec<tokio::sync::Mutex<()>>,
}

impl Kept {
    fn new() -> Kept {
        Kept {
            records: moka::sync::Cache::builder()
                .max_capacity(KEPT_RECORDS)
                .expire_after(UntilRecordExpires)
                .build(),
            writing: (0..WRITE_LOCKS).map(|_| tokio::sync::Mutex::new(())).collect(),
        }
    }

    async fn lock(&self, id: &Id) -> tokio::sync::MutexGuard<'_, ()> {
        self.writing[id.0.rem_euclid(WRITE_LOCKS as i128) as usize]
            .lock()
            .await
    }

    /// The record in memory, unless it has expired by the wall clock (memory's own
    /// deadline runs on the monotonic clock, which a suspended machine does not advance).
    fn get(&self, id: &Id) -> Option<Record> {
        self.records
            .get(id)
            .filter(|record| record.expiry_date > time::OffsetDateTime::now_utc())
    }
}

/// Never the records: their ids are what the cookies carry.
impl std::fmt::Debug for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kept")
            .field("records", &self.records.entry_count())
            .finish()
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
    /// The store over `db`, its table made if missing, its rows keyed by digests under
    /// `key`. On PostgreSQL an advisory lock keeps instances that start together from
    /// making the table at the same time.
    pub async fn open(db: &Db, key: Arc<SecretKey>) -> Result<Sessions, String> {
        let ids = StoredId(key);
        let store = Self::open_table(db).await?;
        Ok(Sessions { store, ids })
    }

    async fn open_table(db: &Db) -> Result<Store, String> {
        let failed = |e: &dyn std::fmt::Display| format!("session store: {e}");
        match db {
            Db::Sqlite(pool) => {
                let store = SqliteStore::new(pool.clone())
                    .with_table_name(TABLE)
                    .map_err(|e| failed(&e))?;
                store.migrate().await.map_err(|e| failed(&e))?;
                Ok(Store::Sqlite {
                    table: store,
                    kept: Arc::new(Kept::new()),
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
                Ok(Store::Postgres {
                    table: store,
                    pool: pool.clone(),
                })
            }
        }
    }
}

/// Claims the SQLite file named by `database_url` for this server process, or says why
/// not: its sessions live in this process's memory too, so a second server on the same
/// file would not see the first one's sign-outs (more than one server needs PostgreSQL).
/// Called before the database is opened, so a refused server has migrated nothing. The
/// claim lasts while the returned file is open, and ends with the process however it
/// ends. The operator's commands do not claim it: they never touch sessions.
pub fn claim_sqlite_file(database_url: &str) -> Result<Option<std::fs::File>, String> {
    use sqlx::sqlite::SqliteConnectOptions;
    use std::str::FromStr;
    let is_sqlite = matches!(
        app::db::Backend::of_url(database_url),
        Some(app::db::Backend::Sqlite)
    );
    // An in-memory database is this process's alone.
    if !is_sqlite || database_url.contains(":memory:") || database_url.contains("mode=memory") {
        return Ok(None);
    }
    let options = SqliteConnectOptions::from_str(database_url).map_err(|e| e.to_string())?;
    let file = options.get_filename();
    let (Some(folder), Some(name)) = (file.parent(), file.file_name()) else {
        return Err(format!("{}: not a file name", file.display()));
    };
    let folder = if folder.as_os_str().is_empty() {
        std::path::Path::new(".")
    } else {
        folder
    };
    std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    // One lock for one file, however the URL spells its folder (`./`, a symlink).
    let folder = std::fs::canonicalize(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    let mut lock_name = name.to_owned();
    lock_name.push(".server-lock");
    let path = folder.join(lock_name);
    let lock = std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    match lock.try_lock() {
        Ok(()) => Ok(Some(lock)),
        Err(std::fs::TryLockError::WouldBlock) => Err(format!(
            "another twostep server is using {}: SQLite serves one server (use PostgreSQL \
             for more than one)",
            folder.join(name).display()
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(format!("{}: {e}", path.display())),
    }
}

/// PostgreSQL: writes the record only where its row is still there and unexpired, in
/// one statement, since another instance may delete it between a read and a write. The
/// encoding is the store's own (MessagePack of the whole record). `record` is as stored.
async fn save_existing_row(pool: &sqlx::PgPool, record: &Record) -> session_store::Result<()> {
    let data = rmp_serde::to_vec(record).map_err(|e| session_store::Error::Encode(e.to_string()))?;
    sqlx::query(&format!(
        r#"UPDATE "public"."{TABLE}" SET data = $2, expiry_date = $3
           WHERE id = $1 AND expiry_date > $4"#
    ))
    .bind(record.id.to_string())
    .bind(data)
    .bind(record.expiry_date)
    .bind(time::OffsetDateTime::now_utc())
    .execute(pool)
    .await
    .map_err(|e| session_store::Error::Backend(e.to_string()))?;
    Ok(())
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            let mut stored = self.ids.stored(record);
            let wanted = stored.id;
            match &self.store {
                Store::Sqlite { table, .. } => table.create(&mut stored).await?,
                Store::Postgres { table, .. } => table.create(&mut stored).await?,
            }
            if stored.id == wanted {
                if let Store::Sqlite { kept, .. } = &self.store {
                    // A new id: no other request knows it yet, so no lock.
                    kept.records.insert(stored.id, stored);
                }
                return Ok(());
            }
            // The digest was taken, and the table put the row under an id of its own that
            // no cookie maps to: remove that row and draw a new id.
            self.delete_stored(&stored.id).await?;
            record.id = Id::default();
        }
    }

    /// Saves a session that still exists. tower-sessions saves only ids it has just read,
    /// but a request that read its session before a sign-out deleted it may save after;
    /// the table's upsert would then bring the signed-out session back.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let stored = self.ids.stored(record);
        let (table, kept) = match &self.store {
            Store::Sqlite { table, kept } => (table, kept),
            Store::Postgres { pool, .. } => return save_existing_row(pool, &stored).await,
        };
        let _writing = kept.lock(&stored.id).await;
        if kept.get(&stored.id).is_none() && table.load(&stored.id).await?.is_none() {
            return Ok(());
        }
        // Forgotten first: if the write fails, memory does not hold what the table lacks.
        kept.records.invalidate(&stored.id);
        table.save(&stored).await?;
        kept.records.insert(stored.id, stored);
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let stored_id = self.ids.of(id);
        let found = match &self.store {
            Store::Sqlite { table, kept } => load_kept(table, kept, &stored_id).await?,
            Store::Postgres { table, .. } => table.load(&stored_id).await?,
        };
        Ok(found.map(|stored| as_presented(stored, id)))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.delete_stored(&self.ids.of(id)).await
    }
}

impl Sessions {
    async fn delete_stored(&self, stored_id: &Id) -> session_store::Result<()> {
        match &self.store {
            Store::Sqlite { table, kept } => {
                let _writing = kept.lock(stored_id).await;
                kept.records.invalidate(stored_id);
                table.delete(stored_id).await
            }
            Store::Postgres { table, .. } => table.delete(stored_id).await,
        }
    }
}

/// SQLite: the record from memory, else from the table (then kept).
async fn load_kept(table: &SqliteStore, kept: &Kept, id: &Id) -> session_store::Result<Option<Record>> {
    if let Some(record) = kept.get(id) {
        return Ok(Some(record));
    }
    // Not in memory (a restart, or dropped for room). An id the table does not know
    // (an old or made-up cookie) is answered without the lock, so a flood of them
    // cannot hold up sign-ins.
    if table.load(id).await?.is_none() {
        return Ok(None);
    }
    let _writing = kept.lock(id).await;
    if let Some(record) = kept.get(id) {
        return Ok(Some(record));
    }
    // Read again under the lock: what was read above may have been deleted since.
    let record = table.load(id).await?;
    if let Some(record) = &record {
        kept.records.insert(*id, record.clone());
    }
    Ok(record)
}

#[async_trait]
impl ExpiredDeletion for Sessions {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match &self.store {
            Store::Sqlite { table, .. } => table.delete_expired().await,
            Store::Postgres { table, .. } => table.delete_expired().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::db::{Backend, open_temporary_on};
    use std::collections::HashMap;

    /// One key for every store of these tests: a restarted store reads what the one
    /// before it wrote.
    fn key() -> Arc<SecretKey> {
        static KEY: std::sync::LazyLock<Arc<SecretKey>> =
            std::sync::LazyLock::new(|| Arc::new(SecretKey::random()));
        KEY.clone()
    }

    fn record(value: &str) -> Record {
        Record {
            id: Id::default(),
            data: HashMap::from([("signed_in".to_string(), serde_json::json!(value))]),
            expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(8),
        }
    }

    /// A record saved by one server process, and the store of the next one (nothing in
    /// its memory, so its reads go to the table).
    async fn saved_before_a_restart(db: &Db, value: &str) -> (Record, Sessions) {
        let mut saved = record(value);
        let before = Sessions::open(db, key()).await.unwrap();
        before.create(&mut saved).await.unwrap();
        (saved, Sessions::open(db, key()).await.unwrap())
    }

    /// The memory of a store on SQLite.
    fn kept_by(sessions: &Sessions) -> Arc<Kept> {
        match &sessions.store {
            Store::Sqlite { kept, .. } => kept.clone(),
            Store::Postgres { .. } => panic!("only SQLite keeps records in memory"),
        }
    }

    /// Fifty reads of `id` at once, as a cookie used from fifty tabs (or by an attacker).
    fn fifty_reads(sessions: &Sessions, id: Id) -> Vec<tokio::task::JoinHandle<Option<Record>>> {
        (0..50)
            .map(|_| {
                let sessions = sessions.clone();
                tokio::spawn(async move { sessions.load(&id).await.unwrap() })
            })
            .collect()
    }

    /// The row of the session whose cookie carries `id`, deleted as another instance would.
    async fn delete_row_behind_its_back(db: &Db, sessions: &Sessions, id: &Id) {
        let stored_id = sessions.ids.of(id);
        app::db::on_db!(db, |pool| sqlx::query(&format!(
            "DELETE FROM {TABLE} WHERE id = $1"
        ))
        .bind(stored_id.to_string())
        .execute(pool)
        .await
        .map(|_| ()))
        .unwrap();
    }

    /// On SQLite the record this process saved is read from memory; on PostgreSQL,
    /// where another instance may sign the session out, from the table every time.
    async fn where_a_read_comes_from(backend: Backend) {
        let (db, _dir) = open_temporary_on(backend).await;
        let sessions = Sessions::open(&db, key()).await.unwrap();
        let mut signed_in = record("jdoe");
        sessions.create(&mut signed_in).await.unwrap();
        delete_row_behind_its_back(&db, &sessions, &signed_in.id).await;
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
        let (signed_in, restarted) = saved_before_a_restart(&db, "jdoe").await;
        assert_eq!(
            restarted.load(&signed_in.id).await.unwrap(),
            Some(signed_in.clone())
        );
        delete_row_behind_its_back(&db, &restarted, &signed_in.id).await;
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
            let (signed_in, sessions) = saved_before_a_restart(&db, "jdoe").await;
            let reads = fifty_reads(&sessions, signed_in.id);
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
            let (pending, sessions) = saved_before_a_restart(&db, "pending").await;
            let reads = fifty_reads(&sessions, pending.id);
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

    /// A request read its session, the owner signed out, then the request saved what it
    /// read (cancelling a code, say): the session stays signed out.
    async fn a_save_after_a_sign_out_does_not_bring_the_session_back(backend: Backend) {
        let (db, _dir) = open_temporary_on(backend).await;
        let sessions = Sessions::open(&db, key()).await.unwrap();
        let mut signed_in = record("jdoe");
        sessions.create(&mut signed_in).await.unwrap();
        let read = sessions.load(&signed_in.id).await.unwrap().unwrap();
        // A save of a session that is there is kept, in the table's own encoding.
        let changed = Record {
            data: record("jdoe, changed").data,
            ..read.clone()
        };
        sessions.save(&changed).await.unwrap();
        let restarted = Sessions::open(&db, key()).await.unwrap();
        assert_eq!(restarted.load(&signed_in.id).await.unwrap(), Some(changed));
        sessions.delete(&signed_in.id).await.unwrap();
        sessions.save(&read).await.unwrap();
        assert_eq!(sessions.load(&signed_in.id).await.unwrap(), None);
        let restarted = Sessions::open(&db, key()).await.unwrap();
        assert_eq!(
            restarted.load(&signed_in.id).await.unwrap(),
            None,
            "nor in the table"
        );
    }
    app::on_both_backends!(a_save_after_a_sign_out_does_not_bring_the_session_back);

    /// The race above, step by step: a read finds the row, then waits while a sign-out
    /// holds the session's lock and deletes the row. It must read again, and find nothing.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_read_that_waited_for_a_sign_out_finds_nothing() {
        let (db, _dir) = open_temporary_on(Backend::Sqlite).await;
        let (signed_in, sessions) = saved_before_a_restart(&db, "jdoe").await;
        let kept = kept_by(&sessions);
        let stored_id = sessions.ids.of(&signed_in.id);
        let signing_out = kept.lock(&stored_id).await;
        let read = tokio::spawn({
            let (sessions, id) = (sessions.clone(), signed_in.id);
            async move { sessions.load(&id).await.unwrap() }
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            !read.is_finished(),
            "the read found the row and waits for the lock"
        );
        delete_row_behind_its_back(&db, &sessions, &signed_in.id).await;
        drop(signing_out);
        assert_eq!(read.await.unwrap(), None);
        assert_eq!(kept.get(&stored_id), None, "and put nothing in memory");
    }

    /// A made-up cookie is answered at once, even while a write holds its lock.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_unknown_id_never_waits_for_a_write() {
        let (db, _dir) = open_temporary_on(Backend::Sqlite).await;
        let sessions = Sessions::open(&db, key()).await.unwrap();
        let made_up = Id::default();
        let kept = kept_by(&sessions);
        let _writing = kept.lock(&sessions.ids.of(&made_up)).await;
        let read = tokio::time::timeout(Duration::from_secs(2), sessions.load(&made_up)).await;
        assert_eq!(read.expect("answered without the lock").unwrap(), None);
    }

    #[tokio::test]
    async fn an_expired_record_is_not_read_from_memory() {
        let (db, _dir) = open_temporary_on(Backend::Sqlite).await;
        let sessions = Sessions::open(&db, key()).await.unwrap();
        let mut short = Record {
            expiry_date: time::OffsetDateTime::now_utc() + time::Duration::seconds(2),
            ..record("jdoe")
        };
        sessions.create(&mut short).await.unwrap();
        assert!(sessions.load(&short.id).await.unwrap().is_some());
        tokio::time::sleep(Duration::from_millis(2500)).await;
        assert_eq!(sessions.load(&short.id).await.unwrap(), None);
    }

    /// Memory's own deadline runs on the monotonic clock; the record's expiry, by the
    /// wall clock, is checked on every read as well.
    #[test]
    fn a_kept_record_past_its_expiry_by_the_wall_clock_is_not_used() {
        let kept = Kept {
            records: moka::sync::Cache::builder().build(),
            writing: Vec::new(),
        };
        let mut past = record("jdoe");
        past.expiry_date = time::OffsetDateTime::now_utc() - time::Duration::seconds(1);
        kept.records.insert(past.id, past.clone());
        assert_eq!(kept.get(&past.id), None);
        let live = record("jane");
        kept.records.insert(live.id, live.clone());
        assert_eq!(kept.get(&live.id), Some(live));
    }

    /// What a copy of the table gives a reader: neither the row's key nor the record in it
    /// is the id a cookie carries, so presenting either opens nothing; the cookie's id
    /// still opens the session.
    async fn the_table_holds_only_digests_of_session_ids(backend: Backend) {
        let (db, _dir) = open_temporary_on(backend).await;
        let sessions = Sessions::open(&db, key()).await.unwrap();
        let mut signed_in = record("jdoe");
        sessions.create(&mut signed_in).await.unwrap();
        let rows: Vec<(String, Vec<u8>)> = app::db::on_db!(&db, |pool| sqlx::query_as(&format!(
            "SELECT id, data FROM {TABLE}"
        ))
        .fetch_all(pool)
        .await)
        .unwrap();
        assert_eq!(rows.len(), 1);
        let (row_id, data) = &rows[0];
        let cookie = signed_in.id.to_string();
        assert_ne!(row_id, &cookie);
        let kept: Record = rmp_serde::from_slice(data).unwrap();
        assert_ne!(kept.id, signed_in.id, "the record inside names no cookie either");
        for bytes in [signed_in.id.0.to_le_bytes(), signed_in.id.0.to_be_bytes()] {
            assert!(!contains(data, &bytes), "the id's bytes, either order");
        }
        assert!(!contains(data, cookie.as_bytes()));
        let restarted = Sessions::open(&db, key()).await.unwrap();
        for presented in [row_id.parse::<Id>().unwrap(), kept.id] {
            assert_eq!(restarted.load(&presented).await.unwrap(), None, "{presented}");
        }
        assert_eq!(
            restarted.load(&signed_in.id).await.unwrap(),
            Some(signed_in.clone())
        );
        let other_key = Sessions::open(&db, Arc::new(SecretKey::random())).await.unwrap();
        assert_eq!(
            other_key.load(&signed_in.id).await.unwrap(),
            None,
            "a new key, new digests"
        );
    }
    app::on_both_backends!(the_table_holds_only_digests_of_session_ids);

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn one_claim_per_sqlite_file_however_the_url_spells_it() {
        let dir = app::db::TempDb::folder();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("data"), dir.path().join("link")).unwrap();
        let url = |folder: &str| format!("sqlite://{}/{folder}/twostep.db", dir.path().display());
        let first = claim_sqlite_file(&url("data")).unwrap();
        assert!(first.is_some());
        for other in ["link", "data/../data"] {
            let refused = claim_sqlite_file(&url(other)).unwrap_err();
            assert!(refused.contains("another twostep server"), "{other}: {refused}");
        }
        assert!(
            claim_sqlite_file("sqlite::memory:").unwrap().is_none(),
            "nothing shared"
        );
        assert!(
            claim_sqlite_file("postgres://db.internal/twostep")
                .unwrap()
                .is_none()
        );
        drop(first);
        assert!(claim_sqlite_file(&url("link")).unwrap().is_some(), "free again");
    }

    #[test]
    fn the_debug_text_never_shows_a_session_id() {
        let kept = Kept::new();
        let record = record("jdoe");
        kept.records.insert(record.id, record.clone());
        let text = format!("{kept:?}");
        assert!(!text.contains(&record.id.to_string()), "{text}");
        assert!(!text.contains(&record.id.0.to_string()), "{text}");
    }
}
