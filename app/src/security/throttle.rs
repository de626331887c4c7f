//! Failed-password throttles (spec §2 "Password step"): at most 10 failures per person
//! and 50 per network in 15 minutes. Past that the answer stays the ordinary refusal, so
//! the throttle tells an attacker nothing. Counted by the typed username, known or not,
//! so an unknown name is throttled exactly like a real one.

use crate::clock::UnixSeconds;
use sqlx::SqlitePool;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub per_person: i64,
    pub per_network: i64,
    pub window_seconds: i64,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            per_person: 10,
            per_network: 50,
            window_seconds: 15 * 60,
        }
    }
}

impl ThrottlePolicy {
    /// Whether a new attempt may be checked, given the failures already in the window.
    pub fn allows(&self, person_failures: i64, network_failures: i64) -> bool {
        person_failures < self.per_person && network_failures < self.per_network
    }
}

/// Whether a password attempt for `username_key` from `network` may go ahead at `now`.
pub async fn allows_attempt(
    pool: &SqlitePool,
    policy: &ThrottlePolicy,
    username_key: &str,
    network: &str,
    now: UnixSeconds,
) -> Result<bool, sqlx::Error> {
    let since = now - policy.window_seconds;
    let (person, network): (i64, i64) = sqlx::query_as(
        "SELECT
            (SELECT COUNT(*) FROM login_failures WHERE username_key = ?1 AND at > ?3),
            (SELECT COUNT(*) FROM login_failures WHERE network = ?2 AND at > ?3)",
    )
    .bind(username_key)
    .bind(network)
    .bind(since)
    .fetch_one(pool)
    .await?;
    Ok(policy.allows(person, network))
}

/// Counts one failed attempt, and forgets failures older than the window.
pub async fn record_failure(
    pool: &SqlitePool,
    policy: &ThrottlePolicy,
    username_key: &str,
    network: &str,
    now: UnixSeconds,
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("INSERT INTO login_failures (username_key, network, at) VALUES (?1, ?2, ?3)")
        .bind(username_key)
        .bind(network)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM login_failures WHERE at <= ?1")
        .bind(now - policy.window_seconds)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// A correct password clears that person's failures (not the network's).
pub async fn clear_person(pool: &SqlitePool, username_key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE username_key = ?1")
        .bind(username_key)
        .execute(pool)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::open_temporary;

    const NET: &str = "203.0.113.7/32";
    const T0: i64 = 1_800_000_000;

    #[tokio::test]
    async fn the_tenth_failure_for_a_person_blocks_the_eleventh_attempt() {
        let (pool, _db) = open_temporary().await;
        let policy = ThrottlePolicy::default();
        for i in 0..9 {
            record_failure(&pool, &policy, "jdoe", &format!("198.51.100.{i}/32"), T0 + i)
                .await
                .unwrap();
        }
        assert!(
            allows_attempt(&pool, &policy, "jdoe", NET, T0 + 10)
                .await
                .unwrap(),
            "9 failures: allowed"
        );
        record_failure(&pool, &policy, "jdoe", NET, T0 + 10)
            .await
            .unwrap();
        assert!(
            !allows_attempt(&pool, &policy, "jdoe", NET, T0 + 11)
                .await
                .unwrap(),
            "10 failures: blocked"
        );
        // Another person on another network is not affected.
        assert!(
            allows_attempt(&pool, &policy, "asmith", "192.0.2.1/32", T0 + 11)
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn failures_leave_the_window_after_fifteen_minutes() {
        let (pool, _db) = open_temporary().await;
        let policy = ThrottlePolicy::default();
        for i in 0..10 {
            record_failure(&pool, &policy, "jdoe", NET, T0 + i).await.unwrap();
        }
        // The oldest failure is at T0: still counted at T0 + 900 - 1, gone at T0 + 900.
        assert!(
            !allows_attempt(&pool, &policy, "jdoe", NET, T0 + 899)
                .await
                .unwrap()
        );
        assert!(
            allows_attempt(&pool, &policy, "jdoe", NET, T0 + 900)
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn fifty_failures_from_one_network_block_every_username_there() {
        let (pool, _db) = open_temporary().await;
        let policy = ThrottlePolicy::default();
        for i in 0..49 {
            record_failure(&pool, &policy, &format!("user{i}"), NET, T0)
                .await
                .unwrap();
        }
        assert!(
            allows_attempt(&pool, &policy, "fresh", NET, T0 + 1)
                .await
                .unwrap()
        );
        record_failure(&pool, &policy, "user49", NET, T0).await.unwrap();
        assert!(
            !allows_attempt(&pool, &policy, "fresh", NET, T0 + 1)
                .await
                .unwrap()
        );
        assert!(
            allows_attempt(&pool, &policy, "fresh", "192.0.2.1/32", T0 + 1)
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn a_success_clears_only_that_persons_failures() {
        let (pool, _db) = open_temporary().await;
        let policy = ThrottlePolicy::default();
        for _ in 0..10 {
            record_failure(&pool, &policy, "jdoe", NET, T0).await.unwrap();
            record_failure(&pool, &policy, "asmith", NET, T0).await.unwrap();
        }
        clear_person(&pool, "jdoe").await.unwrap();
        assert!(
            allows_attempt(&pool, &policy, "jdoe", "192.0.2.1/32", T0 + 1)
                .await
                .unwrap()
        );
        assert!(
            !allows_attempt(&pool, &policy, "asmith", "192.0.2.1/32", T0 + 1)
                .await
                .unwrap()
        );
    }
}
