//! What the operator does from the command line (`twostep admin …`, `twostep backup`):
//! the way back in when mail is down and nobody can pass the second step.
//!
//! Each change is one write transaction, audited with the actor "operator (command
//! line)", and the running server sees it on its very next request: it reads the
//! setting, the person's password and session epoch, their permissions and their
//! trusted networks from the database every time.

use crate::audit::{self, EventKind};
use crate::auth::password::PasswordHasher;
use crate::clock::UnixSeconds;
use crate::db::WritePool;
use crate::permissions::Permission;
use crate::personnel::people::username_key;
use crate::security_settings::Unreachable;
use crate::settings;
use crate::sign_in_details::{self, By, Change, Door, NewDetails};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    /// Bad input: said in words, and nothing was changed.
    #[error("{0}")]
    Refused(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("password hashing: {0}")]
    Hash(String),
}

fn refused(message: impl Into<String>) -> OperatorError {
    OperatorError::Refused(message.into())
}

/// The person with this username (as sign-in matches it): id, name, active.
async fn person_named(
    conn: impl Into<crate::db::Conn<'_>>,
    username: &str,
) -> Result<(i64, String, bool), OperatorError> {
    crate::db::on_conn!(conn.into(), |db| {
        sqlx::query_as("SELECT id, name, active FROM users WHERE username_key = $1")
            .bind(username_key(username))
            .fetch_optional(db)
            .await?
            .ok_or_else(|| refused(format!("Nobody has the username {username:?}.")))
    })
}

/// `twostep admin office-networks add`: the Security page's rules, as the operator.
/// Returns the name as kept.
pub async fn add_office_network(
    db: &crate::db::Db,
    proxies: &crate::request::client_addr::TrustedProxies,
    name: &str,
    ranges: &[String],
    now: UnixSeconds,
) -> Result<String, OperatorError> {
    use crate::office_networks::{AddOutcome, store};
    match store::add(db, proxies, By::Operator, name, &ranges.join("\n"), now).await? {
        AddOutcome::Added { name } => {
            crate::changes::tell_other_instances_of(db, crate::changes::TrustChange::Offices).await;
            Ok(name)
        }
        AddOutcome::Refused { message, .. } => Err(refused(message)),
    }
}

/// `twostep admin office-networks remove`, by name (any case).
pub async fn remove_office_network(
    db: &crate::db::Db,
    name: &str,
    now: UnixSeconds,
) -> Result<String, OperatorError> {
    use crate::office_networks::store;
    let missing = || refused(format!("No office network is named {name:?}."));
    let id = store::id_named(db, name).await?.ok_or_else(missing)?;
    let removed = store::remove(db, By::Operator, id, now)
        .await?
        .ok_or_else(missing)?;
    crate::changes::tell_other_instances_of(db, crate::changes::TrustChange::Offices).await;
    Ok(removed)
}

/// The System › Security toggle. Returns whether it changed.
pub async fn set_two_step(
    db: &crate::db::Db,
    enabled: bool,
    now: UnixSeconds,
) -> Result<bool, OperatorError> {
    Ok(crate::security_settings::store::switch_two_step(db, enabled, now, None).await?)
}

/// What a change from the command line did to one person: who, and the notices to mail
/// (the command line sends them through the configured transport and says how it went).
#[derive(Debug)]
pub struct Changed {
    pub subject: i64,
    pub revoked: crate::sign_in_details::Revoked,
    pub notices: Vec<crate::sign_in_details::Notice>,
}

/// Makes `change` to `username` through the owner of sign-in details, as the operator.
async fn change_person(
    db: &crate::db::Db,
    username: &str,
    change: Change,
    new: &NewDetails<'_>,
    now: UnixSeconds,
) -> Result<Changed, OperatorError> {
    let mut tx = db.begin_write().await?;
    let (id, _, _) = person_named(&mut tx, username).await?;
    let made = sign_in_details::make(&mut tx, &By::Operator, Door::CommandLine, id, &[change], new, now)
        .await?
        // The operator is refused nothing, and no username is written here.
        .map_err(|why| refused_by_rule(&why))?;
    tx.commit().await?;
    // Open Security and My account pages on the running instances re-read.
    crate::changes::tell_other_instances(db, id).await;
    Ok(Changed {
        subject: id,
        revoked: made.revoked,
        notices: made.notices,
    })
}

fn refused_by_rule(why: &sign_in_details::MakeRefused) -> OperatorError {
    refused(format!("refused: {why:?}"))
}

/// A new password for `username`: every session of theirs ends (their epoch moves on),
/// their codes are voided and their trusted networks go, as with a reset in Personnel.
pub async fn reset_password(
    db: &crate::db::Db,
    hasher: &PasswordHasher,
    username: &str,
    password: String,
    now: UnixSeconds,
) -> Result<Changed, OperatorError> {
    let (_, name, _) = person_named(db, username).await?;
    if let Some(problem) = crate::auth::new_password::problem(&password, &[&name, username]) {
        return Err(refused(format!("The new password is refused: {problem}")));
    }
    let hash = hasher
        .hash(password)
        .await
        .map_err(|e| OperatorError::Hash(e.to_string()))?;
    let new = NewDetails {
        password: Some(&hash),
        ..Default::default()
    };
    change_person(db, username, Change::PasswordReset, &new, now).await
}

/// Removes what lets `username` pass the second step without a mailed code (their
/// trusted networks, passkeys, authenticator app and recovery codes), voids their codes and ends
/// their sessions, as Reset two-step methods does in Personnel.
pub async fn reset_methods(
    db: &crate::db::Db,
    username: &str,
    now: UnixSeconds,
) -> Result<Changed, OperatorError> {
    change_person(db, username, Change::MethodsReset, &NewDetails::default(), now).await
}

/// The permission named `text` (any case): Personnel, Permissions or Security.
pub fn permission_named(text: &str) -> Result<Permission, OperatorError> {
    Permission::ALL
        .into_iter()
        .find(|p| p.label().eq_ignore_ascii_case(text.trim()))
        .ok_or_else(|| {
            let names: Vec<_> = Permission::ALL.iter().map(|p| p.label()).collect();
            refused(format!(
                "No permission is called {text:?}: use one of {}.",
                names.join(", ")
            ))
        })
}

/// Grants `permission` to an active person. Returns whether they did not hold it yet.
pub async fn grant(
    db: &crate::db::Db,
    username: &str,
    permission: Permission,
    now: UnixSeconds,
) -> Result<bool, OperatorError> {
    crate::db::on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let (id, name, active) = person_named(&mut *tx, username).await?;
        if !active {
            return Err(refused(format!(
                "{name} is not active: make them active in Personnel first."
            )));
        }
        let added = crate::permissions::held::hold(&mut tx, id, permission).await?;
        if added {
            audit::record_by_operator(
                &mut *tx,
                now,
                EventKind::PermissionGranted,
                Some(id),
                permission.label(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(added)
    })
}

/// An active person and what they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub name: String,
    pub username: String,
    pub permissions: Vec<Permission>,
}

/// Who holds which permission, and who no code can reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub two_step_enabled: bool,
    pub holders: Vec<Holder>,
    pub unreachable: Vec<Unreachable>,
}

pub async fn list(db: &crate::db::Db, sms_configured: bool) -> Result<Listing, OperatorError> {
    crate::db::on_db!(db, |pool| {
        let holders = crate::permissions::store::grid(db)
            .await?
            .into_iter()
            .filter(|row| !row.permissions.is_empty())
            .map(|row| Holder {
                name: row.name,
                username: row.username,
                permissions: row.permissions,
            })
            .collect();
        Ok(Listing {
            two_step_enabled: settings::two_step_enabled(pool).await?,
            holders,
            unreachable: crate::security_settings::store::unreachable(db, sms_configured).await?,
        })
    })
}

/// A copy of the SQLite database at `target`, taken while the server goes on writing
/// (SQLite `VACUUM INTO`). The copy is readable by its owner only and carries no session
/// and no code (spec §2 "Secrets at rest"): restored, it signs everyone out. It is made
/// under a temporary name beside `target`, scrubbed, then linked into place, so `target`
/// appears whole or not at all, and never over an existing file.
pub async fn backup(db: &crate::db::Db, target: &Path) -> Result<(), OperatorError> {
    let crate::db::Db::Sqlite(pool) = db else {
        return Err(refused(
            "twostep backup copies a SQLite database; back PostgreSQL up with pg_dump.",
        ));
    };
    if target.exists() {
        return Err(refused(format!(
            "{} already exists: name a new file (a backup never overwrites one).",
            target.display()
        )));
    }
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if !folder.is_dir() {
        return Err(refused(format!(
            "The folder {} does not exist.",
            folder.display()
        )));
    }
    let Some(name) = target.file_name().and_then(|n| n.to_str()) else {
        return Err(refused("The backup file's name must be valid UTF-8."));
    };
    // A private folder (0700) beside the target holds the copy while it is made: nobody
    // else can swap the file SQLite reopens by name, and a crash leaves only that folder.
    let workspace = private_folder(folder, name)?;
    let partial = workspace.join(name);
    let made = copy_without_secrets(pool, &partial).await;
    let placed = made.and_then(|()| {
        std::fs::hard_link(&partial, target).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => refused(format!(
                "{} already exists: name a new file (a backup never overwrites one).",
                target.display()
            )),
            _ => refused(format!("{}: {e}", target.display())),
        })
    });
    let _ = std::fs::remove_dir_all(&workspace);
    if placed.is_ok() {
        // The new name itself is durable once the folder is.
        let _ = std::fs::File::open(folder).and_then(|f| f.sync_all());
    }
    placed
}

/// A new folder only its owner may enter, named after the backup, in `folder`.
fn private_folder(folder: &Path, name: &str) -> Result<std::path::PathBuf, OperatorError> {
    use std::os::unix::fs::DirBuilderExt;
    let mut random = [0u8; 8];
    rand::RngCore::fill_bytes(&mut rand::TryRngCore::unwrap_err(rand::rngs::OsRng), &mut random);
    let suffix: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let path = folder.join(format!(".{name}.partial-{suffix}"));
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&path)
        .map_err(|e| refused(format!("{}: {e}", path.display())))?;
    Ok(path)
}

/// `VACUUM INTO` a new 0600 file at `path`, then deletes the sessions and codes there
/// with `secure_delete` and compacts it, so not even free pages keep them.
async fn copy_without_secrets(pool: &sqlx::SqlitePool, path: &Path) -> Result<(), OperatorError> {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
    use sqlx::{ConnectOptions, Connection};
    use std::os::unix::fs::OpenOptionsExt;
    let io = |e: std::io::Error| refused(format!("{}: {e}", path.display()));
    let Some(text) = path.to_str() else {
        return Err(refused("The backup file's name must be valid UTF-8."));
    };
    // An empty file of this mode first: VACUUM INTO writes into it and keeps the mode.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(io)?;
    sqlx::query("VACUUM INTO $1").bind(text).execute(pool).await?;
    let mut copy = SqliteConnectOptions::new()
        .filename(path)
        .journal_mode(SqliteJournalMode::Delete)
        .connect()
        .await?;
    for step in [
        "PRAGMA secure_delete = ON",
        "DELETE FROM sessions",
        "DELETE FROM codes",
        "VACUUM",
    ] {
        sqlx::query(step).execute(&mut copy).await?;
    }
    copy.close().await?;
    std::fs::File::open(path).and_then(|f| f.sync_all()).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Backend;
    use crate::testing;

    const NOW: UnixSeconds = 1_800_000_000;

    async fn last_event(db: &crate::db::Db) -> (String, Option<String>, Option<i64>, String) {
        {
            crate::db::on_db!(db, |pool| sqlx::query_as(
                "SELECT kind, actor_label, subject_id, detail FROM audit ORDER BY id DESC LIMIT 1"
            )
            .fetch_one(pool)
            .await)
            .unwrap()
        }
    }

    async fn the_toggle_is_audited_as_the_operator_only_when_it_changes(backend: Backend) {
        let (state, _db) = testing::state_on(backend).await;
        assert!(set_two_step(&state.db, true, NOW).await.unwrap());
        assert!(settings::two_step_enabled(&state.db).await.unwrap());
        let (kind, actor, subject, _) = last_event(&state.db).await;
        assert_eq!(
            (kind.as_str(), actor.as_deref(), subject),
            ("two_step_enabled", Some(OPERATOR_LABEL), None)
        );
        let events = audit_count(&state.db).await;
        assert!(!set_two_step(&state.db, true, NOW).await.unwrap(), "already on");
        assert_eq!(audit_count(&state.db).await, events, "nothing to audit");
        assert!(set_two_step(&state.db, false, NOW).await.unwrap());
        assert!(!settings::two_step_enabled(&state.db).await.unwrap());
    }

    const OPERATOR_LABEL: &str = audit::OPERATOR;

    async fn audit_count(db: &crate::db::Db) -> i64 {
        {
            crate::db::on_db!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM audit")
                .fetch_one(pool)
                .await)
            .unwrap()
        }
    }

    /// `id` trusts the network of `address` for a day, as a sign-in with Trust this IP does.
    async fn trust(state: &crate::state::AppState, id: i64, address: &str) {
        crate::trusted_networks::store::trust(&state.db, id, address.parse().unwrap(), 1, NOW)
            .await
            .unwrap();
    }

    async fn trusted_count(db: &crate::db::Db, id: i64) -> i64 {
        {
            crate::db::on_db!(db, |pool| sqlx::query_scalar(
                "SELECT COUNT(*) FROM trusted_networks WHERE user_id = $1"
            )
            .bind(id)
            .fetch_one(pool)
            .await)
            .unwrap()
        }
    }

    async fn a_reset_password_signs_in_ends_every_session_and_forgets_trusted_networks(backend: Backend) {
        let (state, _db) = testing::state_on(backend).await;
        let jane = testing::person(&state, "Jane", "jane", &[]).await;
        trust(&state, jane.id, "203.0.113.7").await;
        let epoch = testing::epoch(&state, jane.id).await;
        reset_password(
            &state.db,
            &state.hasher,
            "JANE",
            "a brand new password".into(),
            NOW,
        )
        .await
        .unwrap();
        assert!(testing::password_works(&state, "jane", "a brand new password").await);
        assert!(!testing::password_works(&state, "jane", testing::PASSWORD).await);
        assert_eq!(
            testing::epoch(&state, jane.id).await,
            epoch + 1,
            "every session ended"
        );
        assert_eq!(trusted_count(&state.db, jane.id).await, 0);
        let (kind, actor, subject, detail) = last_event(&state.db).await;
        assert_eq!(
            (kind.as_str(), actor.as_deref(), subject),
            ("password_reset", Some(OPERATOR_LABEL), Some(jane.id))
        );
        assert!(!detail.contains("brand new"), "never the password");
        let removal: (String, Option<String>) = crate::db::on_db!(&state.db, |pool| sqlx::query_as(
            "SELECT detail, actor_label FROM audit WHERE kind = 'network_deleted' AND subject_id = $1"
        )
        .bind(jane.id)
        .fetch_one(pool)
        .await)
        .unwrap();
        assert_eq!(
            removal,
            (
                "1 trusted network(s): password reset".to_string(),
                Some(OPERATOR_LABEL.to_string())
            ),
            "the removed network is audited as from every other door"
        );
    }

    async fn bad_input_is_refused_in_words_and_changes_nothing(backend: Backend) {
        let (state, _db) = testing::state_on(backend).await;
        let jane = testing::person(&state, "Jane", "jane", &[]).await;
        let events = audit_count(&state.db).await;
        let epoch = testing::epoch(&state, jane.id).await;
        for outcome in [
            reset_password(
                &state.db,
                &state.hasher,
                "nobody",
                "a brand new password".into(),
                NOW,
            )
            .await
            .map(|_| ()),
            reset_password(&state.db, &state.hasher, "jane", "short".into(), NOW)
                .await
                .map(|_| ()),
            reset_password(&state.db, &state.hasher, "jane", "password123".into(), NOW)
                .await
                .map(|_| ()),
            reset_methods(&state.db, "nobody", NOW).await.map(|_| ()),
            grant(&state.db, "nobody", Permission::Security, NOW)
                .await
                .map(|_| ()),
        ] {
            assert!(matches!(outcome, Err(OperatorError::Refused(_))), "{outcome:?}");
        }
        assert!(
            matches!(permission_named("Admin"), Err(OperatorError::Refused(m)) if m.contains("Personnel, Permissions, Security"))
        );
        assert_eq!(permission_named(" security ").unwrap(), Permission::Security);
        assert_eq!(audit_count(&state.db).await, events);
        assert_eq!(testing::epoch(&state, jane.id).await, epoch);
    }

    async fn reset_methods_removes_only_that_persons_trusted_networks(backend: Backend) {
        let (state, _db) = testing::state_on(backend).await;
        let jane = testing::person(&state, "Jane", "jane", &[]).await;
        let john = testing::person(&state, "John", "john", &[]).await;
        trust(&state, jane.id, "203.0.113.7").await;
        trust(&state, jane.id, "2001:db8:1:2::5").await;
        trust(&state, john.id, "203.0.113.7").await;
        // Jane's authenticator app, on.
        use crate::auth::{authenticator, totp};
        let key =
            crate::secret_key::SecretKey::from_base64("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=", "test")
                .unwrap();
        let secret = authenticator::begin_setup(&state.db, &key, jane.id, NOW)
            .await
            .unwrap()
            .unwrap();
        let code = totp::code_at_step(&secret, NOW / totp::STEP_SECONDS, totp::DIGITS).unwrap();
        authenticator::check(&state.db, &key, jane.id, &code, true, NOW)
            .await
            .unwrap();
        assert!(authenticator::has_app(&state.db, jane.id).await.unwrap());
        let epoch = testing::epoch(&state, jane.id).await;
        let changed = reset_methods(&state.db, "jane", NOW).await.unwrap();
        assert_eq!(changed.revoked.trusted_networks, 2);
        assert_eq!(
            testing::epoch(&state, jane.id).await,
            epoch + 1,
            "her sessions ended"
        );
        assert_eq!(trusted_count(&state.db, jane.id).await, 0);
        assert!(
            !authenticator::has_app(&state.db, jane.id).await.unwrap(),
            "the app went too"
        );
        assert_eq!(trusted_count(&state.db, john.id).await, 1);
        let (kind, actor, subject, _) = last_event(&state.db).await;
        assert_eq!(
            (kind.as_str(), actor.as_deref(), subject),
            ("two_step_methods_reset", Some(OPERATOR_LABEL), Some(jane.id))
        );
    }

    async fn grant_adds_once_to_active_people_and_list_shows_it(backend: Backend) {
        let (state, _db) = testing::state_on(backend).await;
        let jane = testing::person(&state, "Jane", "jane", &[]).await;
        assert!(grant(&state.db, "jane", Permission::Security, NOW).await.unwrap());
        assert!(
            !grant(&state.db, "jane", Permission::Security, NOW).await.unwrap(),
            "already held"
        );
        let listing = list(&state.db, false).await.unwrap();
        let held = listing.holders.iter().find(|h| h.username == "jane").unwrap();
        assert_eq!(held.permissions, vec![Permission::Security]);
        crate::testing::deactivate(&state, jane.id).await;
        assert!(matches!(
            grant(&state.db, "jane", Permission::Personnel, NOW).await,
            Err(OperatorError::Refused(_))
        ));
    }

    #[tokio::test]
    async fn a_backup_is_a_whole_database_and_never_overwrites() {
        use std::os::unix::fs::PermissionsExt;
        let (state, db) = testing::state().await;
        let jane = testing::person(&state, "Jane", "jane", &[]).await;
        // A session row and a code, each with a marker that must not reach the copy.
        const MARK: &str = "session-row-that-must-not-be-copied";
        crate::db::on_db!(&state.db, |pool| {
            sqlx::query("INSERT INTO sessions (id, data, expiry_date) VALUES ($1, $2, $3)")
                .bind(MARK)
                .bind(MARK.as_bytes())
                .bind(NOW + 3600)
                .execute(pool)
                .await
                .unwrap();
            sqlx::query(
                "INSERT INTO codes (user_id, binding, salt, digest, created_at, expires_at)
                 VALUES ($1, $2, $2, $2, $3, $4)",
            )
            .bind(jane.id)
            .bind(MARK.as_bytes())
            .bind(NOW)
            .bind(NOW + 600)
            .execute(pool)
            .await
            .map(|_| ())
        })
        .unwrap();
        let target = db.path().join("copy.db");
        backup(&state.db, &target).await.unwrap();
        let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "readable by its owner only: {mode:o}");
        let bytes = std::fs::read(&target).unwrap();
        assert!(
            !bytes.windows(MARK.len()).any(|w| w == MARK.as_bytes()),
            "no session or code, not even in a free page"
        );
        let leftovers: Vec<_> = std::fs::read_dir(db.path())
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|name| name.contains("partial"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        let copy = crate::db::sqlite::open(&format!("sqlite://{}", target.display()), &Default::default())
            .await
            .unwrap();
        let people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&copy)
            .await
            .unwrap();
        let original: i64 =
            crate::db::on_db!(&state.db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM users")
                .fetch_one(pool)
                .await)
            .unwrap();
        assert_eq!(people, original);
        for table in ["sessions", "codes"] {
            let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&copy)
                .await
                .unwrap();
            assert_eq!(rows, 0, "{table}");
        }
        let before = std::fs::read(&target).unwrap();
        assert!(matches!(
            backup(&state.db, &target).await,
            Err(OperatorError::Refused(_))
        ));
        assert_eq!(std::fs::read(&target).unwrap(), before, "left as it was");
        assert!(matches!(
            backup(&state.db, &db.path().join("no/such/folder/copy.db")).await,
            Err(OperatorError::Refused(_))
        ));
    }

    crate::on_both_backends!(
        the_toggle_is_audited_as_the_operator_only_when_it_changes,
        a_reset_password_signs_in_ends_every_session_and_forgets_trusted_networks,
        bad_input_is_refused_in_words_and_changes_nothing,
        reset_methods_removes_only_that_persons_trusted_networks,
        grant_adds_once_to_active_people_and_list_shows_it,
    );
}
