//! One-time codes of the second sign-in step (spec §2 "Codes"): issue, check, consume.
//!
//! Six digits from the OS random source, kept only as a salted HMAC under the secret key
//! (a plain hash of a million candidates is reversed at once from a copy of the
//! database; this one needs the key kept outside it), valid ten minutes
//! and once. A new code voids the previous one of the same browser only (spec §2 "Guessing
//! over time"), so sign-ins from elsewhere cannot void the owner's; a resend waits 30 s; at
//! most five codes per person in fifteen minutes, and five more for each browser with a
//! valid device cookie of the person; five wrong tries void a code, and a new code for the
//! same pending sign-in carries its tries on. Each step is one write transaction (SQLite's
//! write lock, or PostgreSQL's advisory lock: `Db::begin_write`), so two simultaneous
//! right answers give one success.
//!
//! A pending sign-in answered with an authenticator app or a recovery code has a row here
//! too, whose code is never sent: it binds the sign-in to the browser and counts its tries,
//! and it is what the per-window cap counts, so signing in again and again cannot buy
//! unlimited guesses at an app code.

use crate::auth::authenticator::{self, AppCode};
use crate::auth::{passkeys, recovery};
use crate::clock::UnixSeconds;
use crate::db::WritePool;
use crate::secret_key::SecretKey;
use rand::TryRngCore;
use subtle::ConstantTimeEq;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodePolicy {
    pub lifetime_seconds: i64,
    pub max_tries: i64,
    pub resend_cooldown_seconds: i64,
    pub max_codes_per_window: i64,
    pub window_seconds: i64,
}

impl Default for CodePolicy {
    fn default() -> Self {
        Self {
            lifetime_seconds: crate::limits::CODE_LIFETIME_SECONDS,
            max_tries: 5,
            resend_cooldown_seconds: 30,
            max_codes_per_window: 5,
            window_seconds: crate::limits::LIMIT_WINDOW_SECONDS,
        }
    }
}

/// A code just issued. `code` goes to the person and nowhere else (never a log).
pub struct Issued {
    pub id: i64,
    pub code: String,
    /// How many earlier live codes of the person this one voided (for the audit).
    pub voided: u64,
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issued")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// Why no code was issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotIssued {
    /// The last code went out less than the cooldown ago.
    TooSoon { retry_after_seconds: i64 },
    /// The person had the most codes the window allows.
    TooMany,
}

/// Why a code is asked for. Signing in again always gets a fresh code (within the
/// per-window cap); only **Send a new code** waits out the cooldown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    SignIn,
    Resend,
}

/// The result of checking a typed code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked {
    /// Right, and now used up.
    Accepted,
    /// Wrong (or not six digits); the code is still live.
    Wrong,
    /// Wrong, and the last try allowed: the code is now void.
    Voided,
    /// Expired, used, voided by a newer code or by too many tries, or not this
    /// browser's: it can no longer be used.
    Spent,
}

/// Six decimal digits, uniformly from the OS random source; leading zeros kept.
pub fn generate() -> String {
    let mut os = rand::rngs::OsRng.unwrap_err();
    let n = rand::Rng::random_range(&mut os, 0..1_000_000u32);
    format!("{n:06}")
}

/// The code as typed, without spaces, if it is exactly six ASCII digits.
pub fn normalise(typed: &str) -> Option<String> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    (code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())).then_some(code)
}

fn digest(key: &SecretKey, salt: &[u8], code: &str) -> Vec<u8> {
    key.mac(&[b"sign-in code", salt, code.as_bytes()]).to_vec()
}

/// A code row as `check` needs it.
#[derive(sqlx::FromRow)]
struct StoredCode {
    binding: Vec<u8>,
    salt: Vec<u8>,
    digest: Vec<u8>,
    expires_at: i64,
    tries: i64,
    state: String,
}

/// The browser a code is issued to (spec §2 "Guessing over time").
#[derive(Debug, Clone, Copy)]
pub struct Browser<'a> {
    /// The pending sign-in's binding: the code answers it and nothing else.
    pub binding: &'a [u8],
    /// The binding of the pending sign-in this one replaces in the same browser (a new
    /// sign-in over an unfinished one): its code is voided.
    pub replaces: Option<&'a [u8]>,
    /// The id of the browser's valid device cookie for this person: its codes count
    /// against the cookie's own allowance, so nobody else can use that up.
    pub device: Option<i64>,
}

impl<'a> Browser<'a> {
    /// A browser that replaces nothing and has no device cookie.
    pub fn bound_to(binding: &'a [u8]) -> Browser<'a> {
        Browser {
            binding,
            replaces: None,
            device: None,
        }
    }
}

/// Issues a new code for `user_id` to `browser`, and voids the earlier live code of that
/// browser only: sign-ins from elsewhere leave the owner's code alone. The window's cap
/// counts the codes of the browser's device cookie when it has one, else every code of
/// the person issued without one.
pub async fn issue(
    db: &crate::db::Db,
    key: &SecretKey,
    policy: &CodePolicy,
    user_id: i64,
    browser: Browser<'_>,
    purpose: Purpose,
    now: UnixSeconds,
) -> Result<Result<Issued, NotIssued>, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let (last, in_window): (Option<i64>, i64) = sqlx::query_as(
            "SELECT
            (SELECT MAX(created_at) FROM codes WHERE user_id = $1 AND binding = $2),
            (SELECT COUNT(*) FROM codes WHERE user_id = $1 AND created_at > $3
               AND (device_id = $4 OR ($4 IS NULL AND device_id IS NULL)))",
        )
        .bind(user_id)
        .bind(browser.binding)
        .bind(now - policy.window_seconds)
        .bind(browser.device)
        .fetch_one(&mut *tx)
        .await?;
        if purpose == Purpose::Resend
            && let Some(last) = last
            && now - last < policy.resend_cooldown_seconds
        {
            return Ok(Err(NotIssued::TooSoon {
                retry_after_seconds: policy.resend_cooldown_seconds - (now - last),
            }));
        }
        if in_window >= policy.max_codes_per_window {
            return Ok(Err(NotIssued::TooMany));
        }
        // Tries belong to the pending sign-in (one binding), not to one of its codes:
        // changing the way it is answered, or a new code, never hands out fresh tries.
        let tries: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(tries), 0) FROM codes WHERE user_id = $1 AND binding = $2",
        )
        .bind(user_id)
        .bind(browser.binding)
        .fetch_one(&mut *tx)
        .await?;
        let mut voided = void_bound(crate::db::Conn::from(&mut *tx), browser.binding, now).await?;
        if let Some(replaced) = browser.replaces {
            voided += void_bound(crate::db::Conn::from(&mut *tx), replaced, now).await?;
        }
        let code = generate();
        let mut salt = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng.unwrap_err(), &mut salt);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO codes (user_id, binding, salt, digest, created_at, expires_at, tries, device_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(user_id)
        .bind(browser.binding)
        .bind(&salt[..])
        .bind(digest(key, &salt, &code))
        .bind(now)
        .bind(now + policy.lifetime_seconds)
        .bind(tries)
        .bind(browser.device)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(Issued { id, code, voided }))
    })
}

/// Voids the live, unexpired code of one pending sign-in, whoever's it was (a sign-in
/// over another person's unfinished one in the same browser ends that one too).
async fn void_bound(
    conn: impl Into<crate::db::Conn<'_>>,
    binding: &[u8],
    now: UnixSeconds,
) -> Result<u64, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |db| {
        Ok(
            sqlx::query("UPDATE codes SET state = $3 WHERE binding = $1 AND state = $4 AND expires_at > $2")
                .bind(binding)
                .bind(now)
                .bind(CodeState::Voided.as_str())
                .bind(CodeState::Live.as_str())
                .execute(db)
                .await?
                .rows_affected(),
        )
    })
}

/// Voids every live, unexpired code of `user_id` (what the owner of sign-in details
/// revokes: a new address to send codes to, a new password). Returns how many there were.
pub async fn void_all_of(
    conn: impl Into<crate::db::Conn<'_>>,
    user_id: i64,
    now: UnixSeconds,
) -> Result<u64, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |db| {
        Ok(
            sqlx::query("UPDATE codes SET state = $3 WHERE user_id = $1 AND state = $4 AND expires_at > $2")
                .bind(user_id)
                .bind(now)
                .bind(CodeState::Voided.as_str())
                .bind(CodeState::Live.as_str())
                .execute(db)
                .await?
                .rows_affected(),
        )
    })
}

/// What was typed at step 2, and what it is checked against.
#[derive(Clone, Copy)]
pub enum Answer<'a> {
    /// The code that was sent (its digest is keyed).
    Sent(&'a SecretKey, &'a str),
    /// A code of the person's authenticator app.
    App(&'a SecretKey, &'a str),
    /// One of the person's recovery codes.
    Recovery(&'a SecretKey, &'a str),
    /// A passkey's answer as webauthn-rs checked it (`None`: not a good answer); right
    /// if the passkey is still the person's and its counter moved on.
    Passkey(Option<&'a webauthn_rs::prelude::AuthenticationResult>),
}

/// Checks `answer` for the pending sign-in whose code row is `id` (of `user_id`, for the
/// browser holding `binding`), and consumes the row when right. The row counts the tries
/// whatever the answer is checked against: 5 wrong ones void the pending sign-in, an app
/// code or a recovery code alike. Anything malformed counts as a wrong try.
pub async fn check(
    db: &crate::db::Db,
    policy: &CodePolicy,
    id: i64,
    user_id: i64,
    binding: &[u8],
    answer: Answer<'_>,
    now: UnixSeconds,
) -> Result<Checked, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let row: Option<StoredCode> = sqlx::query_as(
        "SELECT binding, salt, digest, expires_at, tries, state FROM codes WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?;
        let Some(stored) = row else {
            return Ok(Checked::Spent);
        };
        if stored.state != CodeState::Live.as_str()
            || now >= stored.expires_at
            || !bool::from(stored.binding.ct_eq(binding))
        {
            return Ok(Checked::Spent);
        }
        // The app's step and the recovery code are used up in this same transaction.
        let right = match answer {
            Answer::Sent(key, typed) => normalise(typed)
                .is_some_and(|code| bool::from(digest(key, &stored.salt, &code).ct_eq(&stored.digest))),
            Answer::App(key, typed) => {
                authenticator::use_step(&mut tx, key, user_id, typed, false, now).await? == AppCode::Accepted
            }
            Answer::Recovery(key, typed) => recovery::use_code_in(&mut tx, key, user_id, typed, now)
                .await?
                .is_some(),
            Answer::Passkey(None) => false,
            Answer::Passkey(Some(checked)) => passkeys::record_use(&mut tx, user_id, checked, now).await?,
        };
        if right {
            sqlx::query("UPDATE codes SET state = $2 WHERE id = $1")
                .bind(id)
                .bind(CodeState::Used.as_str())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            return Ok(Checked::Accepted);
        }
        let tries = stored.tries + 1;
        let spent = tries >= policy.max_tries;
        sqlx::query("UPDATE codes SET tries = $2, state = CASE WHEN $3 THEN $4 ELSE state END WHERE id = $1")
            .bind(id)
            .bind(tries)
            .bind(spent)
            .bind(CodeState::Voided.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(if spent { Checked::Voided } else { Checked::Wrong })
    })
}

/// Where a code stands, as the `codes.state` column stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeState {
    /// Sent and not yet answered, used up or voided (it may still have expired).
    Live,
    Used,
    Voided,
}

impl CodeState {
    pub fn as_str(self) -> &'static str {
        match self {
            CodeState::Live => "live",
            CodeState::Used => "used",
            CodeState::Voided => "voided",
        }
    }
}

/// Voids a code that could not be delivered: nobody may hold it.
pub async fn void(db: &crate::db::Db, id: i64) -> Result<(), sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        sqlx::query("UPDATE codes SET state = $2 WHERE id = $1 AND state = $3")
            .bind(id)
            .bind(CodeState::Voided.as_str())
            .bind(CodeState::Live.as_str())
            .execute(pool)
            .await
            .map(|_| ())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Backend;
    use crate::permissions::Permission;
    use crate::testing::person;
    use crate::testing::state_on;

    const T0: i64 = 1_800_000_000;
    const BROWSER: &[u8] = b"browser-one";

    /// The same key for every issue and check of a test.
    fn test_key() -> SecretKey {
        static KEY: std::sync::LazyLock<SecretKey> = std::sync::LazyLock::new(SecretKey::random);
        KEY.clone()
    }

    async fn setup(backend: Backend) -> (crate::state::AppState, crate::db::TempDb, i64) {
        let (state, db) = state_on(backend).await;
        let jdoe = person(&state, "Jane Doe", "jdoe", &[Permission::Personnel]).await;
        (state, db, jdoe.id)
    }

    async fn issue_ok(db: &crate::db::Db, user: i64, now: i64) -> Issued {
        {
            issue(
                db,
                &test_key(),
                &CodePolicy::default(),
                user,
                Browser::bound_to(BROWSER),
                Purpose::Resend,
                now,
            )
            .await
            .unwrap()
            .unwrap()
        }
    }

    async fn try_code(db: &crate::db::Db, issued: &Issued, user: i64, typed: &str, now: i64) -> Checked {
        {
            check(
                db,
                &CodePolicy::default(),
                issued.id,
                user,
                BROWSER,
                Answer::Sent(&test_key(), typed),
                now,
            )
            .await
            .unwrap()
        }
    }

    fn wrong_code(right: &str) -> String {
        format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000)
    }

    #[test]
    fn codes_are_six_digits_with_leading_zeros_kept() {
        for _ in 0..1000 {
            let code = generate();
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
        }
        assert_eq!(normalise(" 012 345 "), Some("012345".into()));
        for bad in ["12345", "1234567", "12a456", "١٢٣٤٥٦", "", "12-345"] {
            assert_eq!(normalise(bad), None, "{bad:?}");
        }
    }

    async fn the_code_is_never_stored_in_clear(backend: Backend) {
        let (state, _db, user) = setup(backend).await;
        let issued = issue_ok(&state.db, user, T0).await;
        let stored: Vec<u8> =
            crate::db::on_db!(&state.db, |pool| sqlx::query_scalar("SELECT digest FROM codes")
                .fetch_one(pool)
                .await)
            .unwrap();
        assert_ne!(stored, issued.code.as_bytes());
        assert_eq!(stored.len(), 32);
        assert!(
            !format!("{issued:?}").contains(&issued.code),
            "Debug hides the code"
        );
    }

    async fn a_code_works_once_until_the_tenth_minute(backend: Backend) {
        let (state, _db, user) = setup(backend).await;
        let issued = issue_ok(&state.db, user, T0).await;
        assert_eq!(
            try_code(&state.db, &issued, user, &issued.code, T0 + 599).await,
            Checked::Accepted
        );
        assert_eq!(
            try_code(&state.db, &issued, user, &issued.code, T0 + 599).await,
            Checked::Spent,
            "once"
        );

        let late = issue_ok(&state.db, user, T0 + 1000).await;
        assert_eq!(
            try_code(&state.db, &late, user, &late.code, T0 + 1600).await,
            Checked::Spent,
            "10 min"
        );
    }

    async fn the_fifth_wrong_try_voids_the_code(backend: Backend) {
        let (state, _db, user) = setup(backend).await;
        let issued = issue_ok(&state.db, user, T0).await;
        let wrong = wrong_code(&issued.code);
        for _ in 0..3 {
            assert_eq!(
                try_code(&state.db, &issued, user, &wrong, T0 + 1).await,
                Checked::Wrong
            );
        }
        assert_eq!(
            try_code(&state.db, &issued, user, "not digits", T0 + 1).await,
            Checked::Wrong,
            "4th try"
        );
        assert_eq!(
            try_code(&state.db, &issued, user, &wrong, T0 + 1).await,
            Checked::Voided,
            "5th try"
        );
        assert_eq!(
            try_code(&state.db, &issued, user, &issued.code, T0 + 2).await,
            Checked::Spent
        );
    }

    async fn four_wrong_tries_still_leave_the_right_code_working(backend: Backend) {
        let (state, _db, user) = setup(backend).await;
        let issued = issue_ok(&state.db, user, T0).await;
        for _ in 0..4 {
            try_code(&state.db, &issued, user, &wrong_code(&issued.code), T0 + 1).await;
        }
        assert_eq!(
            try_code(&state.db, &issued, user, &issued.code, T0 + 2).await,
            Checked::Accepted
        );
    }

    async fn a_resend_waits_thirty_seconds_and_voids_the_old_code(backend: Backend) {
        let (state, _db, user) = setup(backend).await;
        let policy = CodePolicy::default();
        let first = issue_ok(&state.db, user, T0).await;
        let early = issue(
            &state.db,
            &test_key(),
            &policy,
            user,
            Browser::bound_to(BROWSER),
            Purpose::Resend,
            T0 + 29,
        )
        .await
        .unwrap();
        assert_eq!(
            early.unwrap_err(),
            NotIssued::TooSoon {
                retry_after_seconds: 1
            }
        );
        let second = issue_ok(&state.db, user, T0 + 30).await;
        assert_eq!(
            try_code(&state.db, &first, user, &first.code, T0 + 31).await,
            Checked::Spent
        );
        assert_eq!(
            try_code(&state.db, &second, user, &second.code, T0 + 31).await,
            Checked::Accepted
        );
    }

    async fn the_sixth_code_in_fifteen_minutes_is_refused(backend: Backend) {
        let (state, _db, user) = setup(backend).await;
        let policy = CodePolicy::default();
        for i in 0..5 {
            issue_ok(&state.db, user, T0 + i * 30).await;
        }
        let sixth = issue(
            &state.db,
            &test_key(),
            &policy,
            user,
            Browser::bound_to(BROWSER),
            Purpose::Resend,
            T0 + 150,
        )
        .await
        .unwrap();
        assert_eq!(sixth.unwrap_err(), NotIssued::TooMany);
        // The first code leaves the window at T0 + 900.
        assert_eq!(
            issue(
                &state.db,
                &test_key(),
                &policy,
                user,
                Browser::bound_to(BROWSER),
                Purpose::Resend,
                T0 + 899
            )
            .await
            .unwrap()
            .unwrap_err(),
            NotIssued::TooMany
        );
        assert!(
            issue(
                &state.db,
                &test_key(),
                &policy,
                user,
                Browser::bound_to(BROWSER),
                Purpose::Resend,
                T0 + 900
            )
            .await
            .unwrap()
            .is_ok()
        );
    }

    async fn a_code_is_useless_to_another_person_or_another_browser(backend: Backend) {
        let (state, _db, user) = setup(backend).await;
        let other = person(&state, "Other", "other", &[]).await.id;
        let issued = issue_ok(&state.db, user, T0).await;
        assert_eq!(
            try_code(&state.db, &issued, other, &issued.code, T0 + 1).await,
            Checked::Spent
        );
        let elsewhere = check(
            &state.db,
            &CodePolicy::default(),
            issued.id,
            user,
            b"browser-two",
            Answer::Sent(&test_key(), &issued.code),
            T0 + 1,
        )
        .await;
        assert_eq!(elsewhere.unwrap(), Checked::Spent);
        assert_eq!(
            try_code(&state.db, &issued, user, &issued.code, T0 + 1).await,
            Checked::Accepted
        );
    }

    async fn two_simultaneous_right_answers_give_one_success(backend: Backend) {
        let (state, _db, user) = setup(backend).await;
        for round in 0..10 {
            let issued = Arc::new(issue_ok(&state.db, user, T0 + round * 1000).await);
            let attempts: Vec<_> = (0..2)
                .map(|_| {
                    let (pool, issued) = (state.db.clone(), issued.clone());
                    tokio::spawn(async move {
                        check(
                            &pool,
                            &CodePolicy::default(),
                            issued.id,
                            user,
                            BROWSER,
                            Answer::Sent(&test_key(), &issued.code),
                            T0 + round * 1000 + 1,
                        )
                        .await
                        .unwrap()
                    })
                })
                .collect();
            let mut accepted = 0;
            for attempt in attempts {
                if attempt.await.unwrap() == Checked::Accepted {
                    accepted += 1;
                }
            }
            assert_eq!(accepted, 1, "round {round}");
        }
    }

    async fn signing_in_again_gets_a_fresh_code_without_the_cooldown_but_within_the_cap(backend: Backend) {
        let (state, _db, user) = setup(backend).await;
        let policy = CodePolicy::default();
        let first = issue_ok(&state.db, user, T0).await;
        let again = issue(
            &state.db,
            &test_key(),
            &policy,
            user,
            Browser::bound_to(BROWSER),
            Purpose::SignIn,
            T0 + 5,
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(
            try_code(&state.db, &first, user, &first.code, T0 + 6).await,
            Checked::Spent,
            "the new sign-in voided the old code"
        );
        for i in 0..3 {
            issue(
                &state.db,
                &test_key(),
                &policy,
                user,
                Browser::bound_to(BROWSER),
                Purpose::SignIn,
                T0 + 10 + i,
            )
            .await
            .unwrap()
            .unwrap();
        }
        assert_eq!(
            issue(
                &state.db,
                &test_key(),
                &policy,
                user,
                Browser::bound_to(BROWSER),
                Purpose::SignIn,
                T0 + 20
            )
            .await
            .unwrap()
            .unwrap_err(),
            NotIssued::TooMany
        );
        drop(again);
    }

    async fn a_new_code_voids_only_the_earlier_code_of_the_same_browser(backend: Backend) {
        let (state, _db, user) = setup(backend).await;
        let policy = CodePolicy::default();
        let issue_to = |browser: Browser<'static>, now: i64| {
            let db = state.db.clone();
            async move {
                issue(&db, &test_key(), &policy, user, browser, Purpose::SignIn, now)
                    .await
                    .unwrap()
                    .unwrap()
            }
        };
        let check_at = |issued: &Issued, binding: &'static [u8], now: i64| {
            let (db, id, code) = (state.db.clone(), issued.id, issued.code.clone());
            async move {
                check(
                    &db,
                    &policy,
                    id,
                    user,
                    binding,
                    Answer::Sent(&test_key(), &code),
                    now,
                )
                .await
                .unwrap()
            }
        };
        let owner = issue_to(Browser::bound_to(b"owner"), T0).await;
        // Someone else signs in twice: each sign-in voids only their own earlier code.
        let elsewhere = issue_to(Browser::bound_to(b"elsewhere-1"), T0 + 1).await;
        assert_eq!(elsewhere.voided, 0, "the owner's code is not theirs to void");
        let again = Browser {
            binding: b"elsewhere-2",
            replaces: Some(b"elsewhere-1"),
            device: None,
        };
        assert_eq!(issue_to(again, T0 + 2).await.voided, 1);
        assert_eq!(check_at(&elsewhere, b"elsewhere-1", T0 + 3).await, Checked::Spent);
        assert_eq!(
            check_at(&owner, b"owner", T0 + 3).await,
            Checked::Accepted,
            "the owner's code survived sign-ins from elsewhere"
        );
    }

    async fn a_browser_with_a_device_cookie_has_its_own_allowance(backend: Backend) {
        let (state, _db, user) = setup(backend).await;
        let policy = CodePolicy::default();
        let issue_to = |binding: &'static [u8], device: Option<i64>, now: i64| {
            let db = state.db.clone();
            async move {
                let browser = Browser {
                    binding,
                    replaces: None,
                    device,
                };
                issue(&db, &test_key(), &policy, user, browser, Purpose::SignIn, now)
                    .await
                    .unwrap()
            }
        };
        // Someone with the password uses up the person's allowance from elsewhere.
        for i in 0..5 {
            assert!(issue_to(b"elsewhere", None, T0 + i).await.is_ok());
        }
        assert_eq!(
            issue_to(b"elsewhere", None, T0 + 5).await.unwrap_err(),
            NotIssued::TooMany
        );
        // The owner's browser, known by its device cookie, still gets its own five.
        for i in 0..5 {
            assert!(issue_to(b"owner", Some(7), T0 + 10 + i).await.is_ok(), "code {i}");
        }
        assert_eq!(
            issue_to(b"owner", Some(7), T0 + 20).await.unwrap_err(),
            NotIssued::TooMany,
            "the cookie's allowance is bounded too"
        );
        assert_eq!(
            issue_to(b"elsewhere", None, T0 + 21).await.unwrap_err(),
            NotIssued::TooMany,
            "the cookie's codes give nobody else more"
        );
    }

    async fn an_undelivered_code_is_void(backend: Backend) {
        let (state, _db, user) = setup(backend).await;
        let issued = issue_ok(&state.db, user, T0).await;
        void(&state.db, issued.id).await.unwrap();
        assert_eq!(
            try_code(&state.db, &issued, user, &issued.code, T0 + 1).await,
            Checked::Spent
        );
    }

    use std::sync::Arc;

    crate::on_both_backends!(
        two_simultaneous_right_answers_give_one_success,
        the_code_is_never_stored_in_clear,
        a_code_works_once_until_the_tenth_minute,
        the_fifth_wrong_try_voids_the_code,
        four_wrong_tries_still_leave_the_right_code_working,
        a_resend_waits_thirty_seconds_and_voids_the_old_code,
        the_sixth_code_in_fifteen_minutes_is_refused,
        a_code_is_useless_to_another_person_or_another_browser,
        signing_in_again_gets_a_fresh_code_without_the_cooldown_but_within_the_cap,
        an_undelivered_code_is_void,
        a_new_code_voids_only_the_earlier_code_of_the_same_browser,
        a_browser_with_a_device_cookie_has_its_own_allowance,
    );
}
