//! Site-wide settings kept in the `settings` table (two-step on or off, trust period).

const TWO_STEP_ENABLED: &str = "two_step_enabled";
const TRUST_DAYS: &str = "trust_days";
const SECRET_KEY_ID: &str = "secret_key_id";

/// The trust period when the stored value is missing or unreadable (spec §2).
pub const DEFAULT_TRUST_DAYS: i64 = 30;

async fn read(conn: impl Into<crate::db::Conn<'_>>, key: &str) -> Result<Option<String>, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |db| {
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(db)
            .await
    })
}

async fn write(conn: impl Into<crate::db::Conn<'_>>, key: &str, value: &str) -> Result<(), sqlx::Error> {
    crate::db::on_conn!(conn.into(), |db| {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(db)
        .await
        .map(|_| ())
    })
}

/// Whether sign-in asks for a code (off on a new database).
pub async fn two_step_enabled(conn: impl Into<crate::db::Conn<'_>>) -> Result<bool, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |db| {
        Ok(read(db, TWO_STEP_ENABLED).await?.as_deref() == Some("true"))
    })
}

pub async fn set_two_step_enabled(
    conn: impl Into<crate::db::Conn<'_>>,
    enabled: bool,
) -> Result<(), sqlx::Error> {
    crate::db::on_conn!(conn.into(), |db| {
        write(db, TWO_STEP_ENABLED, if enabled { "true" } else { "false" }).await
    })
}

/// How many days a trusted network lasts.
pub async fn trust_days(conn: impl Into<crate::db::Conn<'_>>) -> Result<i64, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |db| {
        Ok(read(db, TRUST_DAYS)
            .await?
            .and_then(|v| v.parse().ok())
            .filter(|days| crate::limits::TRUST_DAYS.contains(days))
            .unwrap_or(DEFAULT_TRUST_DAYS))
    })
}

pub async fn set_trust_days(conn: impl Into<crate::db::Conn<'_>>, days: i64) -> Result<(), sqlx::Error> {
    crate::db::on_conn!(conn.into(), |db| {
        write(db, TRUST_DAYS, &days.to_string()).await
    })
}

/// The id of the secret key that sealed the stored secrets (`secret_key.rs`), if any was
/// recorded.
pub async fn secret_key_id(conn: impl Into<crate::db::Conn<'_>>) -> Result<Option<String>, sqlx::Error> {
    read(conn, SECRET_KEY_ID).await
}

pub async fn set_secret_key_id(conn: impl Into<crate::db::Conn<'_>>, id: &str) -> Result<(), sqlx::Error> {
    write(conn, SECRET_KEY_ID, id).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Backend;

    use crate::testing::state_on;

    async fn a_new_database_has_two_step_off_and_thirty_days_of_trust(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        assert!(!two_step_enabled(&state.db).await.unwrap());
        assert_eq!(trust_days(&state.db).await.unwrap(), 30);
        set_two_step_enabled(&state.db, true).await.unwrap();
        set_trust_days(&state.db, 7).await.unwrap();
        assert!(two_step_enabled(&state.db).await.unwrap());
        assert_eq!(trust_days(&state.db).await.unwrap(), 7);
        set_two_step_enabled(&state.db, false).await.unwrap();
        assert!(!two_step_enabled(&state.db).await.unwrap());
    }

    crate::on_both_backends!(a_new_database_has_two_step_off_and_thirty_days_of_trust,);
}
