//! Device cookies (spec §2 "Password step", after OWASP's "Slow Down Online Guessing
//! Attacks with Device Cookies"): after a full sign-in the browser keeps a cookie that
//! names that person. Password attempts that present it are counted against it alone,
//! so someone who knows a username cannot lock its owner out of their own browser; ten
//! wrong passwords through one cookie void it. A device cookie never skips the code.
//!
//! The cookie is `<id>.<secret>`: 256 random bits, of which the database keeps only a
//! SHA-256 digest. It cannot be forged without the secret, and a database copy does not
//! give one out.

use crate::auth::tokens::{digest, new_secret};
use crate::clock::UnixSeconds;
use subtle::ConstantTimeEq;
use tower_cookies::Cookies;
use tower_cookies::cookie::{Cookie, SameSite};

/// How long a device cookie lasts from the sign-in that made it.
pub const LIFETIME_SECONDS: i64 = 90 * 24 * 60 * 60;

/// The cookie's name: `__Host-` prefixed when the site is served over https, so that no
/// other host or path can plant one.
pub fn cookie_name(secure: bool) -> &'static str {
    crate::cookie_names::DEVICE.on(secure)
}

/// A cookie value as `(id, secret)`, if it has that shape.
fn parse(presented: Option<&str>) -> Option<(i64, &str)> {
    let (id, secret) = presented?.split_once('.')?;
    Some((id.parse().ok()?, secret))
}

/// The id of the valid device cookie `presented` for the active person `username_key`,
/// if it is one.
pub async fn recognise(
    db: &crate::db::Db,
    presented: Option<&str>,
    username_key: &str,
    now: UnixSeconds,
) -> Result<Option<i64>, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        let Some((id, secret)) = parse(presented) else {
            return Ok(None);
        };
        let stored: Option<Vec<u8>> = sqlx::query_scalar(
            "SELECT d.digest FROM device_cookies d JOIN users u ON u.id = d.user_id
         WHERE d.id = $1 AND d.expires_at > $2 AND u.username_key = $3 AND u.active = TRUE",
        )
        .bind(id)
        .bind(now)
        .bind(username_key)
        .fetch_optional(pool)
        .await?;
        Ok(stored
            .filter(|stored| bool::from(stored.ct_eq(&digest(secret))))
            .map(|_| id))
    })
}

/// After a full sign-in of `user_id`: a new device cookie value to give the browser,
/// unless the one it presented is already theirs and valid.
pub async fn remember(
    db: &crate::db::Db,
    user_id: i64,
    presented: Option<&str>,
    now: UnixSeconds,
) -> Result<Option<String>, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        if let Some((id, secret)) = parse(presented) {
            let stored: Option<Vec<u8>> = sqlx::query_scalar(
                "SELECT digest FROM device_cookies WHERE id = $1 AND user_id = $2 AND expires_at > $3",
            )
            .bind(id)
            .bind(user_id)
            .bind(now)
            .fetch_optional(pool)
            .await?;
            if stored.is_some_and(|stored| bool::from(stored.ct_eq(&digest(secret)))) {
                return Ok(None);
            }
        }
        let secret = new_secret();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO device_cookies (user_id, digest, created_at, expires_at) VALUES ($1, $2, $3, $4)
         RETURNING id",
        )
        .bind(user_id)
        .bind(digest(&secret))
        .bind(now)
        .bind(now + LIFETIME_SECONDS)
        .fetch_one(pool)
        .await?;
        Ok(Some(format!("{id}.{secret}")))
    })
}

/// After a full sign-in of `user_id` in the current request: hands out a device cookie
/// unless the browser presented a valid one of theirs (`Secure` when `secure`).
pub async fn after_sign_in(
    db: &crate::db::Db,
    user_id: i64,
    presented: Option<&str>,
    now: UnixSeconds,
    secure: bool,
) -> Result<(), sqlx::Error> {
    if let Some(value) = remember(db, user_id, presented, now).await? {
        hand_out(value, secure).await;
    }
    Ok(())
}

/// Voids one device cookie (it was used to guess).
pub async fn void(conn: impl Into<crate::db::Conn<'_>>, id: i64) -> Result<(), sqlx::Error> {
    crate::db::on_conn!(conn.into(), |db| {
        sqlx::query("DELETE FROM device_cookies WHERE id = $1")
            .bind(id)
            .execute(db)
            .await
            .map(|_| ())
    })
}

/// Removes every device cookie of `user_id` (their password changed, their methods were
/// reset, they were made inactive): each browser earns its cookie again by a full
/// sign-in. Returns how many there were.
pub async fn remove_all_of(conn: impl Into<crate::db::Conn<'_>>, user_id: i64) -> Result<u64, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |db| {
        Ok(sqlx::query("DELETE FROM device_cookies WHERE user_id = $1")
            .bind(user_id)
            .execute(db)
            .await?
            .rows_affected())
    })
}

/// Removes device cookies past their 90 days (the hourly clean-up).
pub async fn remove_expired(db: &crate::db::Db, now: UnixSeconds) -> Result<u64, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        Ok(sqlx::query("DELETE FROM device_cookies WHERE expires_at <= $1")
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected())
    })
}

/// The device cookie the current request presented, if any.
pub async fn presented(secure: bool) -> Option<String> {
    let cookies = leptos_axum::extract::<Cookies>().await.ok()?;
    cookies.get(cookie_name(secure)).map(|c| c.value().to_string())
}

/// Gives the browser of the current request the device cookie `value`.
pub async fn hand_out(value: String, secure: bool) {
    let Ok(cookies) = leptos_axum::extract::<Cookies>().await else {
        tracing::error!("no cookie jar in front of a server function");
        return;
    };
    let cookie = Cookie::build((cookie_name(secure), value))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .max_age(tower_cookies::cookie::time::Duration::seconds(LIFETIME_SECONDS))
        .build();
    cookies.add(cookie);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Backend;
    use crate::permissions::Permission;
    use crate::testing::person;
    use crate::testing::state_on;

    const NOW: i64 = 1_800_000_000;

    async fn a_device_cookie_names_one_active_person_and_cannot_be_forged(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane Doe", "jdoe", &[]).await;
        person(&state, "Other", "other", &[Permission::Security]).await;
        let value = remember(&state.db, jdoe.id, None, NOW).await.unwrap().unwrap();
        let id = recognise(&state.db, Some(&value), "jdoe", NOW).await.unwrap();
        assert!(id.is_some());
        assert_eq!(
            recognise(&state.db, Some(&value), "other", NOW).await.unwrap(),
            None,
            "another person"
        );
        let (id_part, secret) = value.split_once('.').unwrap();
        let mut forged = secret.to_string();
        forged.replace_range(0..1, if secret.starts_with('0') { "1" } else { "0" });
        for bad in [
            format!("{id_part}.{forged}"),
            format!("{id_part}."),
            id_part.to_string(),
            "x.y".into(),
        ] {
            assert_eq!(
                recognise(&state.db, Some(&bad), "jdoe", NOW).await.unwrap(),
                None,
                "{bad}"
            );
        }
        assert_eq!(
            recognise(&state.db, Some(&value), "jdoe", NOW + LIFETIME_SECONDS)
                .await
                .unwrap(),
            None,
            "expired after 90 days"
        );
        assert_eq!(
            remember(&state.db, jdoe.id, Some(&value), NOW).await.unwrap(),
            None,
            "kept"
        );
        let stored: Vec<u8> = crate::db::on_db!(&state.db, |pool| sqlx::query_scalar(
            "SELECT digest FROM device_cookies"
        )
        .fetch_one(pool)
        .await)
        .unwrap();
        assert_ne!(stored, secret.as_bytes(), "only a digest is kept");
    }

    crate::on_both_backends!(a_device_cookie_names_one_active_person_and_cannot_be_forged,);
}
