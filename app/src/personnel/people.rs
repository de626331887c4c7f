//! People as the rest of the app reads them: the sign-in lookup, the signed-in person,
//! where a code can go and what they hold; the one INSERT into `users`; and the first
//! administrator.

use crate::audit::{self, Event, EventKind};
use crate::auth::password::{HashError, PasswordHasher, StoredHash, random_password};
use crate::clock::UnixSeconds;
use crate::i18n::Lang;
use crate::permissions::{CurrentUser, Permission};

/// The case-insensitive form a username is looked up and kept unique by.
pub fn username_key(username: &str) -> String {
    username.trim().to_lowercase()
}

/// Where a person can be sent a code, and the name to greet them by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    pub email: Option<String>,
    /// E.164, as Personnel stores it.
    pub mobile: Option<String>,
    /// The language they chose to read Twostep in, if they chose one.
    pub language: Option<Lang>,
}

/// A [`Contact`] as the database holds it.
#[derive(sqlx::FromRow)]
struct ContactRow {
    name: String,
    email: Option<String>,
    mobile: Option<String>,
    language: Option<String>,
}

impl ContactRow {
    fn into_contact(self) -> Contact {
        Contact {
            name: self.name,
            email: self.email,
            mobile: self.mobile,
            language: Lang::from_saved(self.language.as_deref()),
        }
    }
}

/// What the password step needs to know about a person.
pub struct SignInRecord {
    pub id: i64,
    pub password_hash: StoredHash,
    pub session_epoch: i64,
    pub contact: Contact,
}

#[derive(sqlx::FromRow)]
struct SignInRow {
    id: i64,
    password_hash: String,
    session_epoch: i64,
    name: String,
    email: Option<String>,
    mobile: Option<String>,
    language: Option<String>,
}

/// A person with what they hold, read in one query (permissions comma-joined: they are
/// fixed words, a CHECK in the schema, never containing a comma).
#[derive(sqlx::FromRow)]
pub struct Holding {
    pub id: i64,
    pub name: String,
    pub username: String,
    held: Option<String>,
}

impl Holding {
    /// The permissions, sorted.
    pub fn permissions(&self) -> Vec<Permission> {
        parse_permissions(self.held.as_deref().unwrap_or("").split(','))
    }
}

/// The active person with this username, if any.
pub async fn find_for_sign_in(db: &crate::db::Db, key: &str) -> Result<Option<SignInRecord>, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        let row: Option<SignInRow> = sqlx::query_as(
            "SELECT id, password_hash, session_epoch, name, email, mobile, language
         FROM users WHERE username_key = $1 AND active = TRUE",
        )
        .bind(key)
        .fetch_optional(pool)
        .await?;
        Ok(row.map(|row| SignInRecord {
            id: row.id,
            password_hash: StoredHash::from_stored(row.password_hash),
            session_epoch: row.session_epoch,
            contact: Contact {
                name: row.name,
                email: row.email,
                mobile: row.mobile,
                language: Lang::from_saved(row.language.as_deref()),
            },
        }))
    })
}

/// The active person with id `id`: their username key and session epoch (a passkey
/// signing in alone names its person by id, through their handle).
pub async fn active_by_id(db: &crate::db::Db, id: i64) -> Result<Option<(String, i64)>, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        sqlx::query_as("SELECT username_key, session_epoch FROM users WHERE id = $1 AND active = TRUE")
            .bind(id)
            .fetch_optional(pool)
            .await
    })
}

/// An active person and where a code could reach them.
pub struct Reachable {
    pub id: i64,
    pub username: String,
    pub contact: Contact,
}

/// Every active person with their contact, by name.
pub async fn active_contacts(db: &crate::db::Db) -> Result<Vec<Reachable>, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            username: String,
            name: String,
            email: Option<String>,
            mobile: Option<String>,
            language: Option<String>,
        }
        let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, username, name, email, mobile, language FROM users WHERE active = TRUE ORDER BY lower(name), id",
    )
    .fetch_all(pool)
    .await?;
        Ok(rows
            .into_iter()
            .map(|row| Reachable {
                id: row.id,
                username: row.username,
                contact: Contact {
                    name: row.name,
                    email: row.email,
                    mobile: row.mobile,
                    language: Lang::from_saved(row.language.as_deref()),
                },
            })
            .collect())
    })
}

/// A person's name and addresses, whatever their state (for a notice about them).
pub async fn contact(conn: impl Into<crate::db::Conn<'_>>, id: i64) -> Result<Option<Contact>, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |c| {
        let row: Option<ContactRow> =
            sqlx::query_as("SELECT name, email, mobile, language FROM users WHERE id = $1")
                .bind(id)
                .fetch_optional(c)
                .await?;
        Ok(row.map(ContactRow::into_contact))
    })
}

/// The contact of a person whose sign-in is under way, if they are still active and
/// nothing has ended their sessions since (`epoch`). Inside a write transaction too.
pub async fn contact_of(
    conn: impl Into<crate::db::Conn<'_>>,
    id: i64,
    epoch: i64,
) -> Result<Option<Contact>, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |c| {
        let row: Option<ContactRow> = sqlx::query_as(
            "SELECT name, email, mobile, language FROM users WHERE id = $1 AND active = TRUE AND session_epoch = $2",
        )
        .bind(id)
        .bind(epoch)
        .fetch_optional(c)
        .await?;
        Ok(row.map(ContactRow::into_contact))
    })
}

/// The person a session names, if they are still active and the session is still valid
/// for them (`epoch` is bumped to end all of a person's sessions at once).
pub async fn load_current(
    db: &crate::db::Db,
    id: i64,
    epoch: i64,
) -> Result<Option<CurrentUser>, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        // One query for the person and their permissions: this runs on every signed-in
        // request.
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            holding: Holding,
            language: Option<String>,
        }
        let row: Option<Row> = sqlx::query_as(
            "SELECT id, name, username, language,
                (SELECT string_agg(permission, ',') FROM user_permissions WHERE user_id = users.id) AS held
         FROM users WHERE id = $1 AND active = TRUE AND session_epoch = $2",
        )
        .bind(id)
        .bind(epoch)
        .fetch_optional(pool)
        .await?;
        Ok(row.map(|Row { holding, language }| CurrentUser {
            permissions: holding.permissions(),
            id: holding.id,
            name: holding.name,
            username: holding.username,
            language: Lang::from_saved(language.as_deref()),
        }))
    })
}

/// A person's own details, for My account.
pub async fn account_view(
    db: &crate::db::Db,
    id: i64,
) -> Result<crate::account::view::AccountView, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        sqlx::query_as("SELECT name, username, email, mobile FROM users WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
    })
}

/// A person's stored password hash (to check their current password).
pub async fn password_hash_of(db: &crate::db::Db, id: i64) -> Result<StoredHash, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .map(StoredHash::from_stored)
    })
}

/// An active person's stored hash and session epoch (to check their current password).
pub async fn password_and_epoch(
    db: &crate::db::Db,
    id: i64,
) -> Result<Option<(StoredHash, i64)>, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT password_hash, session_epoch FROM users WHERE id = $1 AND active = TRUE")
                .bind(id)
                .fetch_optional(pool)
                .await?;
        Ok(row.map(|(hash, epoch)| (StoredHash::from_stored(hash), epoch)))
    })
}

/// The stored hash of an active person, read inside the caller's write transaction.
pub async fn password_hash_of_in(
    conn: impl Into<crate::db::Conn<'_>>,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |c| {
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1 AND active = TRUE")
            .bind(id)
            .fetch_optional(c)
            .await
    })
}

/// Sets a new password and ends every session of the person, as a reset made elsewhere
/// (another instance, say) would: tests only. The product's one writer of passwords is
/// `sign_in_details`.
#[cfg(test)]
pub async fn set_password(
    conn: impl Into<crate::db::Conn<'_>>,
    id: i64,
    hash: &StoredHash,
    now: UnixSeconds,
) -> Result<i64, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |db| {
        sqlx::query_scalar(
            "UPDATE users SET password_hash = $2, session_epoch = session_epoch + 1, updated_at = $3
         WHERE id = $1 RETURNING session_epoch",
        )
        .bind(id)
        .bind(hash.as_str())
        .bind(now)
        .fetch_one(db)
        .await
    })
}

/// What person `id` holds now (inside a transaction, what they hold in it).
pub async fn permissions_of(
    conn: impl Into<crate::db::Conn<'_>>,
    id: i64,
) -> Result<Vec<Permission>, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |db| {
        let stored: Vec<(String,)> =
            sqlx::query_as("SELECT permission FROM user_permissions WHERE user_id = $1")
                .bind(id)
                .fetch_all(db)
                .await?;
        Ok(parse_permissions(stored.iter().map(|(p,)| p.as_str())))
    })
}

/// Stored permission names as the sorted list a `CurrentUser` carries.
fn parse_permissions<'a>(stored: impl Iterator<Item = &'a str>) -> Vec<Permission> {
    let mut permissions: Vec<_> = stored.filter_map(Permission::parse).collect();
    permissions.sort();
    permissions
}

/// A person to create. Validation happens before this (the Personnel page).
pub struct NewPerson<'a> {
    pub name: &'a str,
    pub username: &'a str,
    pub email: Option<&'a str>,
    pub password_hash: &'a StoredHash,
    pub permissions: &'a [Permission],
}

/// A person's own columns, as the one INSERT into `users` takes them.
pub struct Row<'a> {
    pub name: &'a str,
    pub username: &'a str,
    pub email: Option<&'a str>,
    /// E.164.
    pub phone: Option<&'a str>,
    pub mobile: Option<&'a str>,
    pub password_hash: &'a StoredHash,
    pub active: bool,
}

/// The one place a person is added to `users` (Personnel's editor, the first admin).
/// A taken username is the database's unique violation, for the caller to name.
pub async fn insert(
    conn: impl Into<crate::db::Conn<'_>>,
    row: Row<'_>,
    now: UnixSeconds,
) -> Result<i64, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |db| {
        sqlx::query_scalar(
            "INSERT INTO users (name, username, username_key, email, phone, mobile, password_hash, active,
                            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(row.name)
        .bind(row.username.trim())
        .bind(username_key(row.username))
        .bind(row.email)
        .bind(row.phone)
        .bind(row.mobile)
        .bind(row.password_hash.as_str())
        .bind(row.active)
        .bind(now)
        .fetch_one(db)
        .await
    })
}

/// Creates an active person with `permissions` (the first admin; test fixtures).
pub async fn create(db: &crate::db::Db, person: NewPerson<'_>, now: UnixSeconds) -> Result<i64, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let id = create_in(&mut tx, person, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`create`], as a step of the caller's write transaction.
async fn create_in(
    conn: impl Into<crate::db::Conn<'_>>,
    person: NewPerson<'_>,
    now: UnixSeconds,
) -> Result<i64, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |tx| {
        let row = Row {
            name: person.name,
            username: person.username,
            email: person.email,
            phone: None,
            mobile: None,
            password_hash: person.password_hash,
            active: true,
        };
        let id = insert(&mut *tx, row, now).await?;
        for permission in person.permissions {
            crate::permissions::held::hold(&mut *tx, id, *permission).await?;
        }
        audit::record(
            &mut *tx,
            now,
            Event {
                kind: EventKind::PersonCreated,
                actor_id: None,
                subject_id: Some(id),
                client_ip: None,
                detail: person.username.to_string(),
            },
        )
        .await?;
        Ok(id)
    })
}

/// After `user_id`'s password changed: if they are the first administrator (the first
/// person of the database), the file that held their generated password is removed.
pub async fn forget_first_admin_password(
    state: &crate::state::AppState,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    let Some(file) = state.first_admin_password_file.as_deref() else {
        return Ok(());
    };
    let first: Option<i64> =
        crate::db::on_db!(&state.db, |pool| sqlx::query_scalar("SELECT MIN(id) FROM users")
            .fetch_one(pool)
            .await)?;
    if first == Some(user_id) && file.exists() {
        match std::fs::remove_file(file) {
            Ok(()) => {
                tracing::info!(file = %file.display(), "the first admin changed their password: file removed")
            }
            Err(error) => {
                tracing::error!(file = %file.display(), %error, "could not remove the first admin's password file")
            }
        }
    }
    Ok(())
}

/// Writes a generated first-admin password to `file`, readable by its owner only.
pub fn write_first_admin_password(file: &std::path::Path, password: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // A fresh file, never one (or a link) already there: its mode might not be ours.
    match std::fs::remove_file(file) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)?;
    writeln!(
        out,
        "Username: admin\nPassword: {password}\n\nSign in and change this password; this file is then removed."
    )
}

/// What the first-admin bootstrap did.
#[derive(Debug, PartialEq, Eq)]
pub enum Bootstrap {
    /// People exist already: nothing was done.
    NotNeeded,
    /// `admin` was created; `generated_password` is set when none was given.
    Created { generated_password: Option<String> },
}

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("hashing the first admin's password: {0}")]
    Hash(#[from] HashError),
}

/// Whether anybody is in the database yet.
pub async fn anyone(db: &crate::db::Db) -> Result<bool, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        let people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(pool)
            .await?;
        Ok(people > 0)
    })
}

/// On an empty database, creates user `admin` with every permission (spec §3).
pub async fn bootstrap_admin(
    db: &crate::db::Db,
    hasher: &PasswordHasher,
    password: Option<String>,
    email: Option<String>,
    now: UnixSeconds,
) -> Result<Bootstrap, BootstrapError> {
    let (password, generated) = match password.filter(|p| !p.is_empty()) {
        Some(given) => (given, false),
        None => (random_password(), true),
    };
    // Hashed before the write lock is taken: instances starting together each hash,
    // and the one that counts nobody first creates the admin.
    let hash = hasher.hash(password.clone()).await?;
    let mut tx = db.begin_write().await?;
    let people: i64 = crate::db::on_conn!(crate::db::Conn::from(&mut tx), |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM users"
    )
    .fetch_one(c)
    .await)?;
    if people > 0 {
        return Ok(Bootstrap::NotNeeded);
    }
    create_in(
        &mut tx,
        NewPerson {
            name: "Administrator",
            username: "admin",
            email: email.as_deref().filter(|e| !e.trim().is_empty()),
            password_hash: &hash,
            permissions: &Permission::ALL,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Bootstrap::Created {
        generated_password: generated.then_some(password),
    })
}

/// Saves the language person `id` chose (the Language menu while signed in, or My
/// account's field).
pub async fn save_language(
    db: &crate::db::Db,
    id: i64,
    lang: Lang,
    now: UnixSeconds,
) -> Result<(), sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        sqlx::query("UPDATE users SET language = $1, updated_at = $2 WHERE id = $3")
            .bind(lang.code())
            .bind(now)
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Backend;

    async fn the_first_admin_is_created_once_with_every_permission(backend: Backend) {
        let (pool, _db) = crate::db::open_temporary_on(backend).await;
        let hasher = PasswordHasher::new(1, 4);
        let first = bootstrap_admin(&pool, &hasher, None, None, 1).await.unwrap();
        let Bootstrap::Created {
            generated_password: Some(password),
        } = first
        else {
            panic!("expected a generated password, got {first:?}");
        };
        assert!(password.len() >= 20);
        let admin = find_for_sign_in(&pool, "ADMIN".to_lowercase().as_str())
            .await
            .unwrap()
            .unwrap();
        assert!(
            hasher
                .verify(
                    password,
                    Some(admin.password_hash),
                    crate::auth::password::Lane::Anyone
                )
                .await
                .unwrap()
        );
        let current = load_current(&pool, admin.id, 0).await.unwrap().unwrap();
        assert_eq!(current.permissions, Permission::ALL.to_vec());
        let again = bootstrap_admin(&pool, &hasher, Some("other".into()), None, 2)
            .await
            .unwrap();
        assert_eq!(again, Bootstrap::NotNeeded);
    }

    async fn a_given_admin_password_is_used_and_not_echoed(backend: Backend) {
        let (pool, _db) = crate::db::open_temporary_on(backend).await;
        let hasher = PasswordHasher::new(1, 4);
        let done = bootstrap_admin(
            &pool,
            &hasher,
            Some("given secret".into()),
            Some("a@example.com".into()),
            1,
        )
        .await
        .unwrap();
        assert_eq!(
            done,
            Bootstrap::Created {
                generated_password: None
            }
        );
        let admin = find_for_sign_in(&pool, "admin").await.unwrap().unwrap();
        assert!(
            hasher
                .verify(
                    "given secret".into(),
                    Some(admin.password_hash),
                    crate::auth::password::Lane::Anyone
                )
                .await
                .unwrap()
        );
    }

    async fn a_stale_session_epoch_or_an_inactive_person_loads_nobody(backend: Backend) {
        let (pool, _db) = crate::db::open_temporary_on(backend).await;
        let hasher = PasswordHasher::new(1, 4);
        bootstrap_admin(&pool, &hasher, Some("pw".into()), None, 1)
            .await
            .unwrap();
        let admin = find_for_sign_in(&pool, "admin").await.unwrap().unwrap();
        assert!(
            load_current(&pool, admin.id, 1).await.unwrap().is_none(),
            "wrong epoch"
        );
        crate::db::on_db!(&pool, |pool| sqlx::query("UPDATE users SET active = FALSE")
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))
        .unwrap();
        assert!(
            load_current(&pool, admin.id, 0).await.unwrap().is_none(),
            "inactive"
        );
        assert!(
            find_for_sign_in(&pool, "admin").await.unwrap().is_none(),
            "inactive cannot sign in"
        );
    }

    async fn the_current_person_carries_exactly_their_permissions(backend: Backend) {
        let (pool, _db) = crate::db::open_temporary_on(backend).await;
        // Never checked here: these people only need to exist.
        let hash = crate::auth::password::StoredHash::from_stored("unused".into());
        let mut ids = Vec::new();
        for (username, permissions) in [
            ("none", &[][..]),
            ("one", &[Permission::Security][..]),
            ("two", &[Permission::Security, Permission::Personnel][..]),
        ] {
            let person = NewPerson {
                name: username,
                username,
                email: None,
                password_hash: &hash,
                permissions,
            };
            ids.push(create(&pool, person, 1).await.unwrap());
        }
        let loaded = |id| {
            let pool = pool.clone();
            async move { load_current(&pool, id, 0).await.unwrap().unwrap().permissions }
        };
        assert_eq!(loaded(ids[0]).await, vec![]);
        assert_eq!(loaded(ids[1]).await, vec![Permission::Security]);
        let mut both = vec![Permission::Security, Permission::Personnel];
        both.sort();
        assert_eq!(loaded(ids[2]).await, both);
        assert_eq!(loaded(ids[2]).await, permissions_of(&pool, ids[2]).await.unwrap());
    }

    #[tokio::test]
    async fn the_first_admins_password_file_is_private_and_goes_with_their_new_password() {
        use std::os::unix::fs::PermissionsExt;
        let (state, db) = crate::testing::state().await;
        let file = db.path().join("data").join("admin-password.txt");
        let state = crate::state::AppState::from(crate::state::Services {
            first_admin_password_file: Some(std::sync::Arc::new(file.clone())),
            ..state.parts()
        });
        let first = crate::testing::person(&state, "Admin", "admin", &Permission::ALL).await;
        let other = crate::testing::person(&state, "Other", "other", &Permission::ALL).await;
        write_first_admin_password(&file, "generated secret").unwrap();
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "readable by its owner only");
        assert!(
            std::fs::read_to_string(&file)
                .unwrap()
                .contains("generated secret")
        );
        forget_first_admin_password(&state, other.id).await.unwrap();
        assert!(file.exists(), "someone else's new password keeps it");
        forget_first_admin_password(&state, first.id).await.unwrap();
        assert!(!file.exists());
    }

    #[test]
    fn usernames_compare_case_insensitively_and_trimmed() {
        assert_eq!(username_key("  JDoe "), "jdoe");
        assert_eq!(username_key("ÉLODIE"), "élodie");
    }

    crate::on_both_backends!(
        the_first_admin_is_created_once_with_every_permission,
        a_given_admin_password_is_used_and_not_echoed,
        a_stale_session_epoch_or_an_inactive_person_loads_nobody,
        the_current_person_carries_exactly_their_permissions,
    );
}
