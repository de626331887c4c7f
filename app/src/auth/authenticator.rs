//! A person's authenticator app: set up, confirmed with one code, checked at sign-in
//! (each time step once), removed. The secret is stored only sealed with the secret key
//! (`crate::secret_key`), bound to the person's id.

use super::totp;
use crate::clock::UnixSeconds;
use crate::db::{Conn, Db, WritePool, on_conn, on_db};
use crate::secret_key::SecretKey;

/// How long a set-up waits for its confirming code; after that it is as if never begun
/// (a set-up left open by someone else must not greet the owner later).
pub const SETUP_SECONDS: i64 = 10 * 60;

fn owner(user_id: i64) -> Vec<u8> {
    user_id.to_string().into_bytes()
}

/// Why the server must not start with this key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the database holds authenticator secrets sealed with the key {expected}, but the key \
     given is {given}: start with the key that sealed them (TWOSTEP_SECRET_KEY or the key file)"
)]
pub struct WrongKey {
    pub expected: String,
    pub given: String,
}

/// At start: the key must be the one that sealed the secrets already stored (authenticator
/// secrets, recovery-code digests). A database without any takes this key as its own.
pub async fn check_key(db: &Db, key: &SecretKey) -> Result<Result<(), WrongKey>, sqlx::Error> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let recorded = crate::settings::secret_key_id(&mut tx).await?;
        // Recovery codes count too: their digests are keyed, so under another key every
        // one of them would silently stop working.
        let secrets: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM authenticators) + (SELECT COUNT(*) FROM recovery_codes)",
        )
        .fetch_one(&mut *tx)
        .await?;
        match recorded {
            Some(expected) if expected != key.id() && secrets > 0 => {
                return Ok(Err(WrongKey {
                    expected,
                    given: key.id().to_string(),
                }));
            }
            Some(expected) if expected == key.id() => return Ok(Ok(())),
            _ => {}
        }
        crate::settings::set_secret_key_id(&mut tx, key.id()).await?;
        tx.commit().await?;
        Ok(Ok(()))
    })
}

/// A new secret for `user_id`, not on until confirmed; replaces a set-up left
/// unconfirmed. `None` when an app is already on (it must be removed first). Inside the
/// caller's write transaction.
pub async fn begin_setup(
    conn: impl Into<Conn<'_>>,
    key: &SecretKey,
    user_id: i64,
    now: UnixSeconds,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    let secret = totp::new_secret();
    let sealed = key.seal(&secret, &owner(user_id));
    crate::db::on_conn!(conn.into(), |tx| {
        let on: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM authenticators WHERE user_id = $1 AND confirmed_at IS NOT NULL",
        )
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
        if on > 0 {
            return Ok(None);
        }
        sqlx::query(
            "INSERT INTO authenticators (user_id, sealed, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (user_id) DO UPDATE SET sealed = excluded.sealed, created_at = excluded.created_at,
                 confirmed_at = NULL, last_step = NULL",
        )
        .bind(user_id)
        .bind(&sealed)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        Ok(Some(secret))
    })
}

/// The result of a code typed for the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppCode {
    Accepted,
    Wrong,
    /// No app set up (or, at sign-in, none confirmed).
    NoApp,
}

/// Checks `typed` against `user_id`'s app and, when right, uses its time step up. With
/// `confirming`, the set-up still unconfirmed is the one checked, and a right code turns
/// it on. One write transaction: the same code sent twice at once is accepted once.
pub async fn check(
    db: &Db,
    key: &SecretKey,
    user_id: i64,
    typed: &str,
    confirming: bool,
    now: UnixSeconds,
) -> Result<AppCode, sqlx::Error> {
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let checked = use_step(&mut tx, key, user_id, typed, confirming, now).await?;
        tx.commit().await?;
        Ok(checked)
    })
}

/// A person's app as `use_step` reads it.
#[derive(sqlx::FromRow)]
struct StoredApp {
    sealed: Vec<u8>,
    created_at: i64,
    confirmed_at: Option<i64>,
    last_step: Option<i64>,
}

/// `check` as one part of a bigger write transaction (a pending sign-in's tries are
/// counted in the same one).
pub async fn use_step(
    conn: impl Into<Conn<'_>>,
    key: &SecretKey,
    user_id: i64,
    typed: &str,
    confirming: bool,
    now: UnixSeconds,
) -> Result<AppCode, sqlx::Error> {
    on_conn!(conn.into(), |c| {
        let row: Option<StoredApp> = sqlx::query_as(
            "SELECT sealed, created_at, confirmed_at, last_step FROM authenticators WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(&mut *c)
        .await?;
        let Some(StoredApp {
            sealed,
            created_at,
            confirmed_at,
            last_step,
        }) = row
        else {
            return Ok(AppCode::NoApp);
        };
        if confirmed_at.is_some() == confirming || (confirming && now - created_at >= SETUP_SECONDS) {
            return Ok(AppCode::NoApp);
        }
        let Some(secret) = key.open(&sealed, &owner(user_id)) else {
            tracing::error!(user_id, "an authenticator secret does not open with this key");
            return Ok(AppCode::Wrong);
        };
        let Some(step) = totp::matching_step(&secret, typed, now, last_step) else {
            return Ok(AppCode::Wrong);
        };
        sqlx::query(
            "UPDATE authenticators SET last_step = $2,
                 confirmed_at = COALESCE(confirmed_at, $3) WHERE user_id = $1",
        )
        .bind(user_id)
        .bind(step)
        .bind(now)
        .execute(&mut *c)
        .await?;
        Ok(AppCode::Accepted)
    })
}

/// The secret of a set-up not yet confirmed, to show again (a page reloaded between
/// **Set up** and **Confirm**). `None` when there is none, it is older than
/// `SETUP_SECONDS`, or the app is already on.
pub async fn unconfirmed_secret(
    db: &Db,
    key: &SecretKey,
    user_id: i64,
    now: UnixSeconds,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    let sealed: Option<Vec<u8>> = on_db!(db, |pool| {
        sqlx::query_scalar(
            "SELECT sealed FROM authenticators WHERE user_id = $1 AND confirmed_at IS NULL AND created_at > $2",
        )
        .bind(user_id)
        .bind(now - SETUP_SECONDS)
        .fetch_optional(pool)
        .await
    })?;
    Ok(sealed.and_then(|sealed| key.open(&sealed, &owner(user_id))))
}

/// Everyone whose app is on.
pub async fn people_with_app(db: &Db) -> Result<std::collections::HashSet<i64>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar("SELECT user_id FROM authenticators WHERE confirmed_at IS NOT NULL")
            .fetch_all(pool)
            .await
            .map(|ids: Vec<i64>| ids.into_iter().collect())
    })
}

/// Removes `user_id`'s app (its owner, after their password). Whether there was one.
pub async fn remove(conn: impl Into<Conn<'_>>, user_id: i64) -> Result<bool, sqlx::Error> {
    on_conn!(conn.into(), |c| {
        sqlx::query("DELETE FROM authenticators WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *c)
            .await
            .map(|done| done.rows_affected() > 0)
    })
}

/// Whether `user_id` has an app that is on.
pub async fn has_app(db: &Db, user_id: i64) -> Result<bool, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM authenticators WHERE user_id = $1 AND confirmed_at IS NOT NULL",
        )
        .bind(user_id)
        .fetch_one(pool)
        .await
        .map(|n: i64| n > 0)
    })
}

/// Removes `user_id`'s app and recovery codes (a reset of their two-step methods, or the
/// app removed by its owner). Returns how many rows went.
pub async fn remove_all_of(conn: impl Into<Conn<'_>>, user_id: i64) -> Result<u64, sqlx::Error> {
    on_conn!(conn.into(), |c| {
        let app = sqlx::query("DELETE FROM authenticators WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *c)
            .await?
            .rows_affected();
        let codes = sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *c)
            .await?
            .rows_affected();
        Ok(app + codes)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Backend;
    use crate::testing::{person, state_on};
    use base64::Engine;

    const T0: i64 = 1_800_000_015;

    fn key(byte: u8) -> SecretKey {
        SecretKey::from_base64(
            &base64::engine::general_purpose::STANDARD.encode([byte; 32]),
            "test",
        )
        .unwrap()
    }

    fn code(secret: &[u8], at: i64) -> String {
        totp::code_at_step(secret, at / totp::STEP_SECONDS, totp::DIGITS).unwrap()
    }

    async fn an_app_is_on_only_once_confirmed_and_each_code_works_once(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane Doe", "jdoe", &[]).await;
        let key = key(1);
        let secret = begin_setup(&state.db, &key, jdoe.id, T0).await.unwrap().unwrap();
        assert!(
            !has_app(&state.db, jdoe.id).await.unwrap(),
            "not on before a code"
        );
        assert_eq!(
            check(&state.db, &key, jdoe.id, &code(&secret, T0), false, T0)
                .await
                .unwrap(),
            AppCode::NoApp,
            "a sign-in does not use an unconfirmed app"
        );
        assert_eq!(
            check(&state.db, &key, jdoe.id, "000000", true, T0).await.unwrap(),
            AppCode::Wrong
        );
        assert_eq!(
            check(&state.db, &key, jdoe.id, &code(&secret, T0), true, T0)
                .await
                .unwrap(),
            AppCode::Accepted
        );
        assert!(has_app(&state.db, jdoe.id).await.unwrap());
        assert_eq!(
            begin_setup(&state.db, &key, jdoe.id, T0).await.unwrap(),
            None,
            "remove it first"
        );
        // The confirming code's step is used up; the next step's code signs in, once.
        assert_eq!(
            check(&state.db, &key, jdoe.id, &code(&secret, T0), false, T0)
                .await
                .unwrap(),
            AppCode::Wrong,
            "replayed"
        );
        let later = T0 + 30;
        assert_eq!(
            check(&state.db, &key, jdoe.id, &code(&secret, later), false, later)
                .await
                .unwrap(),
            AppCode::Accepted
        );
        assert_eq!(
            check(&state.db, &key, jdoe.id, &code(&secret, later), false, later)
                .await
                .unwrap(),
            AppCode::Wrong
        );
        assert_eq!(remove_all_of(&state.db, jdoe.id).await.unwrap(), 1);
        assert!(!has_app(&state.db, jdoe.id).await.unwrap());
    }

    async fn the_same_code_sent_twice_at_once_is_accepted_once(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane Doe", "jdoe", &[]).await;
        let key = key(1);
        let secret = begin_setup(&state.db, &key, jdoe.id, T0).await.unwrap().unwrap();
        check(&state.db, &key, jdoe.id, &code(&secret, T0), true, T0)
            .await
            .unwrap();
        for round in 1..=5 {
            let at = T0 + round * 30;
            let attempts: Vec<_> = (0..2)
                .map(|_| {
                    let (db, key, typed) = (state.db.clone(), key.clone(), code(&secret, at));
                    tokio::spawn(async move { check(&db, &key, jdoe.id, &typed, false, at).await.unwrap() })
                })
                .collect();
            let mut accepted = 0;
            for attempt in attempts {
                accepted += usize::from(attempt.await.unwrap() == AppCode::Accepted);
            }
            assert_eq!(accepted, 1, "round {round}");
        }
    }

    async fn the_secret_is_stored_sealed_and_the_wrong_key_is_refused_at_start(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane Doe", "jdoe", &[]).await;
        let right = key(1);
        assert_eq!(
            check_key(&state.db, &right).await.unwrap(),
            Ok(()),
            "a new database takes the key"
        );
        let secret = begin_setup(&state.db, &right, jdoe.id, T0)
            .await
            .unwrap()
            .unwrap();
        let stored: Vec<u8> = on_db!(&state.db, |pool| sqlx::query_scalar(
            "SELECT sealed FROM authenticators WHERE user_id = $1"
        )
        .bind(jdoe.id)
        .fetch_one(pool)
        .await)
        .unwrap();
        assert!(
            !stored.windows(secret.len()).any(|w| w == secret),
            "sealed at rest"
        );
        assert_eq!(check_key(&state.db, &right).await.unwrap(), Ok(()));
        let wrong = key(2);
        assert_eq!(
            check_key(&state.db, &wrong).await.unwrap(),
            Err(WrongKey {
                expected: right.id().to_string(),
                given: wrong.id().to_string()
            })
        );
        assert_eq!(
            check(&state.db, &wrong, jdoe.id, &code(&secret, T0), true, T0)
                .await
                .unwrap(),
            AppCode::Wrong,
            "another key opens nothing"
        );
    }

    async fn recovery_codes_alone_hold_the_database_to_its_key(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane Doe", "jdoe", &[]).await;
        let (right, wrong) = (key(1), key(2));
        assert_eq!(check_key(&state.db, &right).await.unwrap(), Ok(()));
        // Without any secret yet, another key may take over (nothing would be lost).
        assert_eq!(check_key(&state.db, &wrong).await.unwrap(), Ok(()));
        assert_eq!(check_key(&state.db, &right).await.unwrap(), Ok(()));
        crate::auth::recovery::create(&state.db, &right, jdoe.id)
            .await
            .unwrap();
        assert!(
            check_key(&state.db, &wrong).await.unwrap().is_err(),
            "under another key every recovery code would stop working"
        );
    }

    async fn a_set_up_left_unconfirmed_lapses(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane Doe", "jdoe", &[]).await;
        let key = key(1);
        let secret = begin_setup(&state.db, &key, jdoe.id, T0).await.unwrap().unwrap();
        let late = T0 + SETUP_SECONDS;
        assert_eq!(
            unconfirmed_secret(&state.db, &key, jdoe.id, late - 1)
                .await
                .unwrap(),
            Some(secret.clone())
        );
        assert_eq!(
            unconfirmed_secret(&state.db, &key, jdoe.id, late).await.unwrap(),
            None
        );
        assert_eq!(
            check(&state.db, &key, jdoe.id, &code(&secret, late), true, late)
                .await
                .unwrap(),
            AppCode::NoApp,
            "too late to confirm"
        );
        assert!(!has_app(&state.db, jdoe.id).await.unwrap());
    }

    crate::on_both_backends!(
        a_set_up_left_unconfirmed_lapses,
        recovery_codes_alone_hold_the_database_to_its_key,
        an_app_is_on_only_once_confirmed_and_each_code_works_once,
        the_same_code_sent_twice_at_once_is_accepted_once,
        the_secret_is_stored_sealed_and_the_wrong_key_is_refused_at_start,
    );
}
