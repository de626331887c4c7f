//! Site-wide settings kept in the `settings` table (two-step on or off, trust period).

use sqlx::SqliteExecutor;

const TWO_STEP_ENABLED: &str = "two_step_enabled";
const TRUST_DAYS: &str = "trust_days";

/// The trust period when the stored value is missing or unreadable (spec §2).
pub const DEFAULT_TRUST_DAYS: i64 = 30;

async fn read(db: impl SqliteExecutor<'_>, key: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT value FROM settings WHERE key = ?1")
        .bind(key)
        .fetch_optional(db)
        .await
}

async fn write(db: impl SqliteExecutor<'_>, key: &str, value: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(db)
    .await
    .map(|_| ())
}

/// Whether sign-in asks for a code (off on a new database).
pub async fn two_step_enabled(db: impl SqliteExecutor<'_>) -> Result<bool, sqlx::Error> {
    Ok(read(db, TWO_STEP_ENABLED).await?.as_deref() == Some("true"))
}

pub async fn set_two_step_enabled(db: impl SqliteExecutor<'_>, enabled: bool) -> Result<(), sqlx::Error> {
    write(db, TWO_STEP_ENABLED, if enabled { "true" } else { "false" }).await
}

/// How many days a trusted network lasts.
pub async fn trust_days(db: impl SqliteExecutor<'_>) -> Result<i64, sqlx::Error> {
    Ok(read(db, TRUST_DAYS)
        .await?
        .and_then(|v| v.parse().ok())
        .filter(|days| crate::limits::TRUST_DAYS.contains(days))
        .unwrap_or(DEFAULT_TRUST_DAYS))
}

pub async fn set_trust_days(db: impl SqliteExecutor<'_>, days: i64) -> Result<(), sqlx::Error> {
    write(db, TRUST_DAYS, &days.to_string()).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::state;

    #[tokio::test]
    async fn a_new_database_has_two_step_off_and_thirty_days_of_trust() {
        let (state, _db) = state().await;
        assert!(!two_step_enabled(&state.pool).await.unwrap());
        assert_eq!(trust_days(&state.pool).await.unwrap(), 30);
        set_two_step_enabled(&state.pool, true).await.unwrap();
        set_trust_days(&state.pool, 7).await.unwrap();
        assert!(two_step_enabled(&state.pool).await.unwrap());
        assert_eq!(trust_days(&state.pool).await.unwrap(), 7);
        set_two_step_enabled(&state.pool, false).await.unwrap();
        assert!(!two_step_enabled(&state.pool).await.unwrap());
    }
}
