//! Recovery codes (spec §2 "Authenticator apps and recovery codes"): ten one-time codes
//! `xxxxx-xxxxx` from an alphabet without look-alikes, for when the phone is lost.
//!
//! Kept only as a keyed digest: HMAC-SHA256 under the secret key (kept outside the
//! database) of a random salt and the code. About 49 bits per code is plenty against
//! guessing online (each use is throttled with the sign-in); the key makes a copy of the
//! database alone useless for guessing offline.

use crate::clock::UnixSeconds;
use crate::db::{Conn, Db, on_conn, on_db};
use crate::secret_key::SecretKey;
use subtle::ConstantTimeEq;

pub const COUNT: usize = 10;
/// No 0/o, 1/l/i: read aloud or typed from paper without doubt.
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// At or below this many left, the person is told after signing in.
pub const FEW_LEFT: i64 = crate::limits::FEW_RECOVERY_CODES;

/// One fresh code, `xxxxx-xxxxx`, from the OS random source.
fn generate() -> String {
    let mut os = rand::TryRngCore::unwrap_err(rand::rngs::OsRng);
    let mut group = || {
        (0..5)
            .map(|_| ALPHABET[rand::Rng::random_range(&mut os, 0..ALPHABET.len())] as char)
            .collect::<String>()
    };
    let first = group();
    format!("{first}-{}", group())
}

/// The code as typed, in the stored form: lower case, without spaces or the dash, if it
/// is ten characters of the alphabet.
pub fn normalise(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (code.len() == 10 && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// Makes a new set of ten for `user_id`, voiding the old set; the codes, to show once.
/// Inside the caller's write transaction (which checked the person may still do it).
pub async fn create(
    conn: impl Into<crate::db::Conn<'_>>,
    key: &SecretKey,
    user_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let codes: Vec<String> = (0..COUNT).map(|_| generate()).collect();
    crate::db::on_conn!(conn.into(), |tx| {
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        for code in &codes {
            let mut salt = [0u8; 16];
            rand::RngCore::fill_bytes(&mut rand::TryRngCore::unwrap_err(rand::rngs::OsRng), &mut salt);
            let digest = key.mac(&[
                b"recovery code",
                &salt,
                normalise(code).unwrap_or_default().as_bytes(),
            ]);
            sqlx::query("INSERT INTO recovery_codes (user_id, salt, digest) VALUES ($1, $2, $3)")
                .bind(user_id)
                .bind(&salt[..])
                .bind(&digest[..])
                .execute(&mut *tx)
                .await?;
        }
        Ok::<_, sqlx::Error>(())
    })?;
    Ok(codes)
}

/// How many of `user_id`'s recovery codes are unused; `None` when they never made a set.
pub async fn status(db: &Db, user_id: i64) -> Result<Option<i64>, sqlx::Error> {
    on_db!(db, |pool| {
        let (made, unused): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE used_at IS NULL) FROM recovery_codes WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_one(pool)
        .await?;
        Ok((made > 0).then_some(unused))
    })
}

/// How many of `user_id`'s recovery codes are unused.
pub async fn left(db: &Db, user_id: i64) -> Result<i64, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
            .bind(user_id)
            .fetch_one(pool)
            .await
    })
}

/// Uses `typed` up if it is one of `user_id`'s unused codes: how many are left then. Part
/// of a bigger write transaction (a pending sign-in's tries are counted in the same one),
/// so the same code sent twice at once works once.
pub async fn use_code_in(
    conn: impl Into<Conn<'_>>,
    key: &SecretKey,
    user_id: i64,
    typed: &str,
    now: UnixSeconds,
) -> Result<Option<i64>, sqlx::Error> {
    let Some(code) = normalise(typed) else {
        return Ok(None);
    };
    on_conn!(conn.into(), |c| {
        let unused: Vec<(i64, Vec<u8>, Vec<u8>)> = sqlx::query_as(
            "SELECT id, salt, digest FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user_id)
        .fetch_all(&mut *c)
        .await?;
        // Every unused code is compared, in constant time each.
        let mut found = None;
        for (id, salt, digest) in &unused {
            let candidate = key.mac(&[b"recovery code", salt, code.as_bytes()]);
            if bool::from(candidate.as_slice().ct_eq(digest)) && found.is_none() {
                found = Some(*id);
            }
        }
        let Some(id) = found else {
            return Ok(None);
        };
        sqlx::query("UPDATE recovery_codes SET used_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(&mut *c)
            .await?;
        Ok(Some(unused.len() as i64 - 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Backend;
    use crate::db::WritePool;
    use crate::testing::{person, state_on};

    fn key(byte: u8) -> SecretKey {
        use base64::Engine;
        SecretKey::from_base64(
            &base64::engine::general_purpose::STANDARD.encode([byte; 32]),
            "test",
        )
        .unwrap()
    }

    /// The function sign-in uses, in a write transaction of its own.
    async fn use_code(
        db: &Db,
        key: &SecretKey,
        user_id: i64,
        typed: &str,
        now: UnixSeconds,
    ) -> Result<Option<i64>, sqlx::Error> {
        on_db!(db, |pool| {
            let mut tx = pool.begin_write().await?;
            let used = use_code_in(&mut tx, key, user_id, typed, now).await?;
            if used.is_some() {
                tx.commit().await?;
            }
            Ok(used)
        })
    }

    const NOW: i64 = 1_800_000_000;

    async fn ten_codes_each_good_once_and_a_new_set_voids_the_old(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane Doe", "jdoe", &[]).await;
        let key = key(1);
        let codes = create(&state.db, &key, jdoe.id).await.unwrap();
        assert_eq!(codes.len(), COUNT);
        let distinct: std::collections::BTreeSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), COUNT);
        for code in &codes {
            let (a, b) = code.split_once('-').unwrap();
            assert!(
                a.len() == 5 && b.len() == 5 && normalise(code).is_some(),
                "{code}"
            );
        }
        assert_eq!(left(&state.db, jdoe.id).await.unwrap(), 10);
        // Typed from paper: capitals and spaces are fine.
        let typed = format!(" {} ", codes[3].to_uppercase().replace('-', " - "));
        assert_eq!(
            use_code(&state.db, &key, jdoe.id, &typed, NOW).await.unwrap(),
            Some(9)
        );
        assert_eq!(
            use_code(&state.db, &key, jdoe.id, &codes[3], NOW).await.unwrap(),
            None,
            "once"
        );
        assert_eq!(
            use_code(&state.db, &key, jdoe.id, "aaaaa-aaaaa", NOW)
                .await
                .unwrap(),
            None
        );
        let other = person(&state, "John", "john", &[]).await;
        assert_eq!(
            use_code(&state.db, &key, other.id, &codes[4], NOW).await.unwrap(),
            None,
            "Jane's, not John's"
        );
        assert_eq!(
            use_code(&state.db, &self::key(2), jdoe.id, &codes[4], NOW)
                .await
                .unwrap(),
            None,
            "another key"
        );
        let again = create(&state.db, &key, jdoe.id).await.unwrap();
        assert_eq!(
            use_code(&state.db, &key, jdoe.id, &codes[4], NOW).await.unwrap(),
            None,
            "the old set is void"
        );
        assert_eq!(
            use_code(&state.db, &key, jdoe.id, &again[0], NOW).await.unwrap(),
            Some(9)
        );
        // Only digests are kept: no code's text is in the table.
        let stored: Vec<Vec<u8>> = on_db!(&state.db, |pool| sqlx::query_scalar(
            "SELECT digest FROM recovery_codes"
        )
        .fetch_all(pool)
        .await)
        .unwrap();
        for code in again.iter().chain(&codes) {
            let text = normalise(code).unwrap();
            assert!(!stored.iter().any(|d| d.windows(10).any(|w| w == text.as_bytes())));
        }
    }

    async fn the_same_code_sent_twice_at_once_works_once(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane Doe", "jdoe", &[]).await;
        let key = key(1);
        let codes = create(&state.db, &key, jdoe.id).await.unwrap();
        for code in codes.iter().take(4) {
            let attempts: Vec<_> = (0..2)
                .map(|_| {
                    let (db, key, code) = (state.db.clone(), key.clone(), code.clone());
                    tokio::spawn(async move { use_code(&db, &key, jdoe.id, &code, NOW).await.unwrap() })
                })
                .collect();
            let mut worked = 0;
            for attempt in attempts {
                worked += usize::from(attempt.await.unwrap().is_some());
            }
            assert_eq!(worked, 1, "{code}");
        }
        assert_eq!(left(&state.db, jdoe.id).await.unwrap(), 6);
    }

    crate::on_both_backends!(
        ten_codes_each_good_once_and_a_new_set_voids_the_old,
        the_same_code_sent_twice_at_once_works_once,
    );
}
