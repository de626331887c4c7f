//! Trusted networks (spec §2 "Trusted networks"): one person, one network (IPv4 /32,
//! IPv6 /64), for the trust period from when it was added. An expired entry is never
//! honoured, whether or not the clean-up has removed it yet.

use super::client_addr::network_of;
use crate::clock::UnixSeconds;
use sqlx::{SqliteExecutor, SqlitePool};
use std::net::IpAddr;

pub const DAY: i64 = 24 * 60 * 60;

/// An entry removed by the clean-up, for the audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expired {
    pub id: i64,
    pub user_id: i64,
    pub network: String,
}

/// Trusts the network of `client_ip` for `user_id` for `period_days` from `now`.
/// Trusting a network again starts its period afresh.
pub async fn trust(
    db: impl SqliteExecutor<'_>,
    user_id: i64,
    client_ip: IpAddr,
    period_days: i64,
    now: UnixSeconds,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO trusted_networks (user_id, network, created_at, expires_at, created_from)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (user_id, network) DO UPDATE SET
             created_at = excluded.created_at, expires_at = excluded.expires_at,
             created_from = excluded.created_from, last_used_at = NULL
         RETURNING id",
    )
    .bind(user_id)
    .bind(network_of(client_ip).to_string())
    .bind(now)
    .bind(now + period_days * DAY)
    .bind(super::client_addr::canonical(client_ip).to_string())
    .fetch_one(db)
    .await
}

/// Whether `user_id` trusts the network of `client_ip` at `now`; if so the use is
/// recorded and the entry's id returned.
pub async fn honour(
    pool: &SqlitePool,
    user_id: i64,
    client_ip: IpAddr,
    now: UnixSeconds,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE trusted_networks SET last_used_at = ?3
         WHERE user_id = ?1 AND network = ?2 AND expires_at > ?3
         RETURNING id",
    )
    .bind(user_id)
    .bind(network_of(client_ip).to_string())
    .bind(now)
    .fetch_optional(pool)
    .await
}

/// Removes every entry past its expiry and returns them (the caller audits each).
pub async fn remove_expired(pool: &SqlitePool, now: UnixSeconds) -> Result<Vec<Expired>, sqlx::Error> {
    let rows: Vec<(i64, i64, String)> =
        sqlx::query_as("DELETE FROM trusted_networks WHERE expires_at <= ?1 RETURNING id, user_id, network")
            .bind(now)
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, user_id, network)| Expired { id, user_id, network })
        .collect())
}

/// Removes every entry of one person (password change or reset, new email or mobile,
/// deactivation). Returns how many there were.
pub async fn remove_all_of(db: impl SqliteExecutor<'_>, user_id: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM trusted_networks WHERE user_id = ?1")
        .bind(user_id)
        .execute(db)
        .await?
        .rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{person, state};

    const T0: i64 = 1_800_000_000;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[tokio::test]
    async fn trust_lasts_the_period_and_never_a_minute_more() {
        let (state, _db) = state().await;
        let jdoe = person(&state, "Jane", "jdoe", &[]).await.id;
        trust(&state.pool, jdoe, ip("203.0.113.7"), 30, T0).await.unwrap();
        let kept = T0 + 29 * DAY + 23 * 3600;
        assert!(
            honour(&state.pool, jdoe, ip("203.0.113.7"), kept)
                .await
                .unwrap()
                .is_some()
        );
        let gone = T0 + 30 * DAY + 60;
        assert!(
            honour(&state.pool, jdoe, ip("203.0.113.7"), gone)
                .await
                .unwrap()
                .is_none(),
            "expired, not yet cleaned"
        );

        assert!(
            remove_expired(&state.pool, kept).await.unwrap().is_empty(),
            "29 d 23 h: kept"
        );
        let removed = remove_expired(&state.pool, gone).await.unwrap();
        assert_eq!(removed.len(), 1);
        assert_eq!(removed[0].network, "203.0.113.7/32");
    }

    #[tokio::test]
    async fn trust_belongs_to_one_person() {
        let (state, _db) = state().await;
        let jdoe = person(&state, "Jane", "jdoe", &[]).await.id;
        let asmith = person(&state, "Anne", "asmith", &[]).await.id;
        trust(&state.pool, jdoe, ip("203.0.113.7"), 30, T0).await.unwrap();
        assert!(
            honour(&state.pool, asmith, ip("203.0.113.7"), T0 + 1)
                .await
                .unwrap()
                .is_none()
        );
    }

    #[tokio::test]
    async fn ipv4_mapped_and_same_slash_64_addresses_match() {
        let (state, _db) = state().await;
        let jdoe = person(&state, "Jane", "jdoe", &[]).await.id;
        trust(&state.pool, jdoe, ip("192.0.2.1"), 30, T0).await.unwrap();
        assert!(
            honour(&state.pool, jdoe, ip("::ffff:192.0.2.1"), T0 + 1)
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            honour(&state.pool, jdoe, ip("192.0.2.2"), T0 + 1)
                .await
                .unwrap()
                .is_none(),
            "IPv4 is /32"
        );

        trust(&state.pool, jdoe, ip("2001:db8:1:2::10"), 30, T0)
            .await
            .unwrap();
        assert!(
            honour(&state.pool, jdoe, ip("2001:db8:1:2:ffff::1"), T0 + 1)
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            honour(&state.pool, jdoe, ip("2001:db8:1:3::10"), T0 + 1)
                .await
                .unwrap()
                .is_none()
        );
    }

    #[tokio::test]
    async fn a_use_is_recorded_and_trusting_again_starts_afresh() {
        let (state, _db) = state().await;
        let jdoe = person(&state, "Jane", "jdoe", &[]).await.id;
        let id = trust(&state.pool, jdoe, ip("203.0.113.7"), 30, T0).await.unwrap();
        honour(&state.pool, jdoe, ip("203.0.113.7"), T0 + 50)
            .await
            .unwrap();
        let used: Option<i64> = sqlx::query_scalar("SELECT last_used_at FROM trusted_networks WHERE id = ?1")
            .bind(id)
            .fetch_one(&state.pool)
            .await
            .unwrap();
        assert_eq!(used, Some(T0 + 50));
        let again = trust(&state.pool, jdoe, ip("203.0.113.8"), 30, T0 + 20 * DAY)
            .await
            .unwrap();
        assert_ne!(again, id, "another /32 is another entry");
        trust(&state.pool, jdoe, ip("203.0.113.7"), 30, T0 + 20 * DAY)
            .await
            .unwrap();
        assert!(
            honour(&state.pool, jdoe, ip("203.0.113.7"), T0 + 45 * DAY)
                .await
                .unwrap()
                .is_some()
        );
    }

    #[tokio::test]
    async fn removing_a_persons_entries_leaves_everyone_elses() {
        let (state, _db) = state().await;
        let jdoe = person(&state, "Jane", "jdoe", &[]).await.id;
        let asmith = person(&state, "Anne", "asmith", &[]).await.id;
        trust(&state.pool, jdoe, ip("203.0.113.7"), 30, T0).await.unwrap();
        trust(&state.pool, jdoe, ip("2001:db8::1"), 30, T0).await.unwrap();
        trust(&state.pool, asmith, ip("203.0.113.7"), 30, T0)
            .await
            .unwrap();
        assert_eq!(remove_all_of(&state.pool, jdoe).await.unwrap(), 2);
        assert!(
            honour(&state.pool, asmith, ip("203.0.113.7"), T0 + 1)
                .await
                .unwrap()
                .is_some()
        );
    }
}
