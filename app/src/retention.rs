//! The hourly clean-up of the database (issue 30): [`clean_up`] runs every part of it.
//! Trusted networks, password attempts and device cookies are removed by their own
//! rules' modules; what nothing else ends is here: codes a day after they stopped
//! working, and security events older than the retention period. (Sessions are ended
//! by their store, in the server.)

use crate::clock::UnixSeconds;
use crate::limits::AuditRetention;
use crate::trusted_networks::store::DAY;

/// How long a code's row stays after its expiry, whatever became of it (used, voided or
/// never answered). Its rows count the codes sent in the last quarter-hour and hold a
/// pending sign-in's tries, and a pending sign-in lives in a session of at most a working
/// day: a day after expiry, no rule reads the row again.
pub const CODES_KEPT_AFTER_EXPIRY: i64 = DAY;
const _: () = assert!(CODES_KEPT_AFTER_EXPIRY >= crate::limits::LIMIT_WINDOW_SECONDS);

/// What one run deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub codes: u64,
    pub events: u64,
}

/// Every part of the database's clean-up, each logged; one failing does not stop the
/// others (each runs again within the hour).
pub async fn clean_up(state: &crate::state::AppState) {
    let now = state.clock.now();
    match crate::security_settings::store::remove_expired_trust(state).await {
        Ok(0) => {}
        Ok(removed) => tracing::info!(removed, "expired trusted networks removed"),
        Err(error) => tracing::error!(?error, "the trusted-network clean-up failed"),
    }
    if let Err(error) = crate::auth::throttle::forget_old(&state.db, &state.policy.throttle, now).await {
        tracing::error!(%error, "the throttle clean-up failed");
    }
    match crate::auth::device::remove_expired(&state.db, now).await {
        Ok(0) => {}
        Ok(removed) => tracing::info!(removed, "expired device cookies removed"),
        Err(error) => tracing::error!(%error, "the device-cookie clean-up failed"),
    }
    match prune(&state.db, state.policy.audit_retention, now).await {
        Ok(pruned) if pruned == Pruned::default() => {}
        Ok(pruned) => tracing::info!(
            codes = pruned.codes,
            events = pruned.events,
            "old codes and security events removed"
        ),
        Err(error) => tracing::error!(%error, "the code and security-event clean-up failed"),
    }
}

/// Deletes the codes whose expiry is more than [`CODES_KEPT_AFTER_EXPIRY`] before `now`,
/// and the security events that happened before `retention`'s cutoff.
pub async fn prune(
    db: &crate::db::Db,
    retention: AuditRetention,
    now: UnixSeconds,
) -> Result<Pruned, sqlx::Error> {
    let codes_before = now - CODES_KEPT_AFTER_EXPIRY;
    // Far in the past for `KeepAll`: the same statement, deleting nothing.
    let events_before = retention.cutoff(now).unwrap_or(i64::MIN);
    let codes = delete_in_batches(
        db,
        "DELETE FROM codes WHERE id IN (SELECT id FROM codes WHERE expires_at < $1 LIMIT $2)",
        codes_before,
    )
    .await?;
    let events = delete_in_batches(
        db,
        "DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < $1 LIMIT $2)",
        events_before,
    )
    .await?;
    Ok(Pruned { codes, events })
}

/// Rows deleted per statement: a year's backlog (the first run after an upgrade) never
/// holds SQLite's one writer for long, so sign-ins go on between the batches.
const BATCH: i64 = 5_000;

/// Runs `delete` (its `$1` the cutoff, `$2` the batch size) until a batch deletes less
/// than a whole batch; returns how many rows went.
async fn delete_in_batches(
    db: &crate::db::Db,
    delete: &str,
    before: UnixSeconds,
) -> Result<u64, sqlx::Error> {
    let mut deleted = 0;
    loop {
        let batch = crate::db::on_db!(db, |pool| {
            sqlx::query(delete)
                .bind(before)
                .bind(BATCH)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })?;
        deleted += batch;
        if batch < BATCH as u64 {
            return Ok(deleted);
        }
        tokio::task::yield_now().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Event, EventKind, record};
    use crate::db::Backend;
    use crate::testing::{forget_events, person, state_on};

    async fn count(db: &crate::db::Db, table: &str) -> i64 {
        crate::db::on_db!(db, |pool| {
            sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(pool)
                .await
        })
        .unwrap()
    }

    async fn code_expiring_at(db: &crate::db::Db, user_id: i64, expires_at: i64, state: &str) {
        crate::db::on_db!(db, |pool| {
            sqlx::query(
                "INSERT INTO codes (user_id, binding, salt, digest, created_at, expires_at, state)
                 VALUES ($1, $2, $2, $2, $3, $4, $5)",
            )
            .bind(user_id)
            .bind(vec![expires_at as u8; 32])
            .bind(expires_at - crate::limits::CODE_LIFETIME_SECONDS)
            .bind(expires_at)
            .bind(state)
            .execute(pool)
            .await
            .map(|_| ())
        })
        .unwrap();
    }

    async fn event_at(db: &crate::db::Db, at: i64) {
        let event = Event {
            kind: EventKind::SignInOk,
            actor_id: None,
            subject_id: None,
            client_ip: None,
            detail: at.to_string(),
        };
        record(db, at, event).await.unwrap();
    }

    async fn codes_go_a_day_after_expiry_and_events_after_the_retention(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane Doe", "jdoe", &[]).await;
        forget_events(&state.db).await;
        let now = 1_900_000_000;
        let day_ago = now - DAY;
        // Past the day by a second (used, voided, never answered): gone. At the day, or
        // still live: kept.
        code_expiring_at(&state.db, jdoe.id, day_ago - 1, "used").await;
        code_expiring_at(&state.db, jdoe.id, day_ago - 2, "voided").await;
        code_expiring_at(&state.db, jdoe.id, day_ago - 3, "live").await;
        code_expiring_at(&state.db, jdoe.id, day_ago, "used").await;
        code_expiring_at(&state.db, jdoe.id, now + 60, "live").await;
        let cutoff = now - 400 * DAY;
        event_at(&state.db, cutoff - 1).await;
        event_at(&state.db, cutoff).await;
        event_at(&state.db, now).await;

        let pruned = prune(&state.db, AuditRetention::default(), now).await.unwrap();
        assert_eq!(pruned, Pruned { codes: 3, events: 1 });
        assert_eq!(count(&state.db, "codes").await, 2);
        let kept: Vec<String> = crate::db::on_db!(&state.db, |pool| {
            sqlx::query_scalar("SELECT detail FROM audit ORDER BY at")
                .fetch_all(pool)
                .await
        })
        .unwrap();
        assert_eq!(
            kept,
            [cutoff.to_string(), now.to_string()],
            "exactly 400 days old stays"
        );

        // Again at the same moment: nothing more to do.
        let again = prune(&state.db, AuditRetention::default(), now).await.unwrap();
        assert_eq!(again, Pruned::default());

        // `0` keeps every event, however old; codes still go.
        event_at(&state.db, 0).await;
        let later = now + 10 * 365 * DAY;
        let pruned = prune(&state.db, AuditRetention::from_days(0), later)
            .await
            .unwrap();
        assert_eq!(pruned, Pruned { codes: 2, events: 0 });
        assert_eq!(count(&state.db, "audit").await, 3);

        // A short period: a week.
        let pruned = prune(&state.db, AuditRetention::from_days(7), now + 7 * DAY)
            .await
            .unwrap();
        assert_eq!(pruned.events, 2, "the event at 0 and the one 400 days old");
        assert_eq!(count(&state.db, "audit").await, 1);
    }

    crate::on_both_backends!(codes_go_a_day_after_expiry_and_events_after_the_retention);

    #[test]
    fn zero_days_keeps_everything() {
        assert_eq!(AuditRetention::from_days(0).cutoff(1_000_000_000), None);
        assert_eq!(
            AuditRetention::from_days(1).cutoff(1_000_000_000),
            Some(1_000_000_000 - DAY)
        );
        assert_eq!(AuditRetention::default(), AuditRetention::Days(400));
    }
}
