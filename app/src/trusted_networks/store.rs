//! Trusted networks (spec §2 "Trusted networks"): one person, one network (IPv4 /32,
//! IPv6 /64), for the trust period from when it was added. An expired entry is never
//! honoured, whether or not the clean-up has removed it yet.

use super::{TrustedOrder, TrustedRow};
use crate::audit::{self, Event, EventKind};
use crate::clock::UnixSeconds;
use crate::error::AppError;
use crate::request::client_addr::{canonical, network_of};
use crate::state::AppState;
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
    conn: impl Into<crate::db::Conn<'_>>,
    user_id: i64,
    client_ip: IpAddr,
    period_days: i64,
    now: UnixSeconds,
) -> Result<i64, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |db| {
        sqlx::query_scalar(
            "INSERT INTO trusted_networks (user_id, network, created_at, expires_at, created_from)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id, network) DO UPDATE SET
             created_at = excluded.created_at, expires_at = excluded.expires_at,
             created_from = excluded.created_from, last_used_at = NULL
         RETURNING id",
        )
        .bind(user_id)
        .bind(network_of(client_ip).to_string())
        .bind(now)
        .bind(now + period_days * DAY)
        .bind(canonical(client_ip).to_string())
        .fetch_one(db)
        .await
    })
}

/// Whether `user_id` trusts the network of `client_ip` at `now`; if so the use is
/// recorded and the entry's id returned.
pub async fn honour(
    db: &crate::db::Db,
    user_id: i64,
    client_ip: IpAddr,
    now: UnixSeconds,
) -> Result<Option<i64>, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        sqlx::query_scalar(
            "UPDATE trusted_networks SET last_used_at = $3
         WHERE user_id = $1 AND network = $2 AND expires_at > $3
         RETURNING id",
        )
        .bind(user_id)
        .bind(network_of(client_ip).to_string())
        .bind(now)
        .fetch_optional(pool)
        .await
    })
}

/// An entry in force, as the code-skip decision reads it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InForce {
    pub id: i64,
    pub user_id: i64,
    /// The person's name.
    pub name: String,
    /// As stored (`203.0.113.7/32`, `2001:db8:1:2::/64`).
    pub network: String,
    pub expires_at: UnixSeconds,
}

/// The entries in force at `now` for the network of `client_ip`, of active people
/// (only `user_id`'s when given). Reads only: a sign-in records its use with [`honour`].
pub async fn in_force(
    db: &crate::db::Db,
    user_id: Option<i64>,
    client_ip: IpAddr,
    now: UnixSeconds,
) -> Result<Vec<InForce>, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT t.id, t.user_id, u.name, t.network, t.expires_at
             FROM trusted_networks t JOIN users u ON u.id = t.user_id
             WHERE t.network = $1 AND t.expires_at > $2 AND u.active = TRUE
               AND ($3 IS NULL OR t.user_id = $3)
             ORDER BY t.user_id",
        )
        .bind(network_of(client_ip).to_string())
        .bind(now)
        .bind(user_id)
        .fetch_all(pool)
        .await
    })
}

/// Recomputes the expiry of every entry still in force for a new trust period, counted
/// from when the entry was added (an expired one stays expired). Returns whose entries
/// there were, so their open pages can re-read.
pub async fn apply_period(
    conn: impl Into<crate::db::Conn<'_>>,
    period_days: i64,
    now: UnixSeconds,
) -> Result<Vec<i64>, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |db| {
        sqlx::query_scalar(
        "UPDATE trusted_networks SET expires_at = created_at + $1 WHERE expires_at > $2 RETURNING user_id",
    )
    .bind(period_days * DAY)
    .bind(now)
    .fetch_all(db)
    .await
    .map(|mut ids: Vec<i64>| {
        ids.sort_unstable();
        ids.dedup();
        ids
    })
    })
}

/// Removes every entry past its expiry and returns them (the caller audits each).
pub async fn remove_expired(db: &crate::db::Db, now: UnixSeconds) -> Result<Vec<Expired>, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        let rows: Vec<(i64, i64, String)> = sqlx::query_as(
            "DELETE FROM trusted_networks WHERE expires_at <= $1 RETURNING id, user_id, network",
        )
        .bind(now)
        .fetch_all(pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, user_id, network)| Expired { id, user_id, network })
            .collect())
    })
}

/// Removes every entry of one person (password change or reset, new email or mobile,
/// deactivation). Returns how many there were.
pub async fn remove_all_of(conn: impl Into<crate::db::Conn<'_>>, user_id: i64) -> Result<u64, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |db| {
        Ok(sqlx::query("DELETE FROM trusted_networks WHERE user_id = $1")
            .bind(user_id)
            .execute(db)
            .await?
            .rows_affected())
    })
}

/// One entry as the Security and My account pages list it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Listed {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub username: String,
    pub network: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub expires_at: i64,
}

/// An entry as the pages show it.
pub fn row(listed: Listed) -> TrustedRow {
    TrustedRow {
        id: listed.id,
        network: display(&listed.network),
        name: listed.name,
        username: listed.username,
        added: listed.created_at,
        last_used: listed.last_used_at,
        expires: listed.expires_at,
    }
}

/// Deletes entry `id` (only `owner`'s, when given), audits who did it and tells open
/// pages. An entry that is not there (or not theirs) is 404: nothing tells them apart.
pub async fn delete_audited(
    state: &AppState,
    actor_id: i64,
    id: i64,
    owner: Option<i64>,
    client_ip: IpAddr,
) -> Result<(), AppError> {
    let Some((user_id, network)) = delete(&state.db, id, owner).await? else {
        return Err(AppError::NotFound.with_status());
    };
    let event = Event {
        kind: EventKind::NetworkDeleted,
        actor_id: Some(actor_id),
        subject_id: Some(user_id),
        client_ip: Some(client_ip),
        detail: display(&network),
    };
    audit::record(&state.db, state.clock.now(), event).await?;
    state.trust_changed(user_id);
    Ok(())
}

/// The SQL order of each order the table offers.
impl TrustedOrder {
    fn sql(self) -> &'static str {
        match self {
            TrustedOrder::NewestFirst => "t.created_at DESC, t.id DESC",
            TrustedOrder::Person => "lower(u.name), t.network, t.id",
            TrustedOrder::Address => "t.network, t.id",
            TrustedOrder::ExpiresFirst => "t.expires_at, t.id",
            TrustedOrder::LastUsed => "t.last_used_at DESC NULLS LAST, t.id DESC",
        }
    }
}

/// A page of live entries (expired ones are never shown, cleaned or not), filtered by a
/// person's name or username or by address text, with the total that matched.
pub async fn list(
    db: &crate::db::Db,
    filter: &str,
    order: TrustedOrder,
    offset: i64,
    limit: i64,
    now: UnixSeconds,
) -> Result<(Vec<Listed>, i64), sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        let pattern = crate::db::like_pattern(filter.trim());
        const MATCHES: &str = "t.expires_at > $1 AND ($2 = '%%' OR lower(u.name) LIKE lower($2) ESCAPE '\\'
        OR u.username_key LIKE lower($2) ESCAPE '\\' OR t.network LIKE lower($2) ESCAPE '\\')";
        let total: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM trusted_networks t JOIN users u ON u.id = t.user_id WHERE {MATCHES}"
        ))
        .bind(now)
        .bind(&pattern)
        .fetch_one(pool)
        .await?;
        let rows = sqlx::query_as(&format!(
        "SELECT t.id, t.user_id, u.name, u.username, t.network, t.created_at, t.last_used_at, t.expires_at
         FROM trusted_networks t JOIN users u ON u.id = t.user_id
         WHERE {MATCHES} ORDER BY {} LIMIT $3 OFFSET $4",
        order.sql()
    ))
        .bind(now)
        .bind(&pattern)
        .bind(limit)
        .bind(offset.max(0))
        .fetch_all(pool)
        .await?;
        Ok((rows, total))
    })
}

/// The live entries of one person, newest first (My account).
pub async fn list_of(db: &crate::db::Db, user_id: i64, now: UnixSeconds) -> Result<Vec<Listed>, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT t.id, t.user_id, u.name, u.username, t.network, t.created_at, t.last_used_at, t.expires_at
         FROM trusted_networks t JOIN users u ON u.id = t.user_id
         WHERE t.user_id = $1 AND t.expires_at > $2 ORDER BY t.created_at DESC, t.id DESC",
    )
    .bind(user_id)
    .bind(now)
    .fetch_all(pool)
    .await
    })
}

/// Deletes entry `id`, only if it belongs to `owner` when one is given. Returns the
/// person and network it was, or `None` when there was no such entry (for them).
pub async fn delete(
    db: &crate::db::Db,
    id: i64,
    owner: Option<i64>,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        sqlx::query_as(
            "DELETE FROM trusted_networks WHERE id = $1 AND ($2 IS NULL OR user_id = $2)
         RETURNING user_id, network",
        )
        .bind(id)
        .bind(owner)
        .fetch_optional(pool)
        .await
    })
}

/// A network as people read it: an IPv4 /32 as its address, an IPv6 /64 with its prefix.
pub fn display(network: &str) -> String {
    network.strip_suffix("/32").unwrap_or(network).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Backend;
    use crate::testing::person;
    use crate::testing::state_on;

    const T0: i64 = 1_800_000_000;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    async fn trust_lasts_the_period_and_never_a_minute_more(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane", "jdoe", &[]).await.id;
        trust(&state.db, jdoe, ip("203.0.113.7"), 30, T0).await.unwrap();
        let kept = T0 + 29 * DAY + 23 * 3600;
        assert!(
            honour(&state.db, jdoe, ip("203.0.113.7"), kept)
                .await
                .unwrap()
                .is_some()
        );
        let gone = T0 + 30 * DAY + 60;
        assert!(
            honour(&state.db, jdoe, ip("203.0.113.7"), gone)
                .await
                .unwrap()
                .is_none(),
            "expired, not yet cleaned"
        );

        assert!(
            remove_expired(&state.db, kept).await.unwrap().is_empty(),
            "29 d 23 h: kept"
        );
        let removed = remove_expired(&state.db, gone).await.unwrap();
        assert_eq!(removed.len(), 1);
        assert_eq!(removed[0].network, "203.0.113.7/32");
    }

    async fn trust_belongs_to_one_person(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane", "jdoe", &[]).await.id;
        let asmith = person(&state, "Anne", "asmith", &[]).await.id;
        trust(&state.db, jdoe, ip("203.0.113.7"), 30, T0).await.unwrap();
        assert!(
            honour(&state.db, asmith, ip("203.0.113.7"), T0 + 1)
                .await
                .unwrap()
                .is_none()
        );
    }

    async fn ipv4_mapped_and_same_slash_64_addresses_match(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane", "jdoe", &[]).await.id;
        trust(&state.db, jdoe, ip("192.0.2.1"), 30, T0).await.unwrap();
        assert!(
            honour(&state.db, jdoe, ip("::ffff:192.0.2.1"), T0 + 1)
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            honour(&state.db, jdoe, ip("192.0.2.2"), T0 + 1)
                .await
                .unwrap()
                .is_none(),
            "IPv4 is /32"
        );

        trust(&state.db, jdoe, ip("2001:db8:1:2::10"), 30, T0)
            .await
            .unwrap();
        assert!(
            honour(&state.db, jdoe, ip("2001:db8:1:2:ffff::1"), T0 + 1)
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            honour(&state.db, jdoe, ip("2001:db8:1:3::10"), T0 + 1)
                .await
                .unwrap()
                .is_none()
        );
    }

    async fn a_use_is_recorded_and_trusting_again_starts_afresh(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane", "jdoe", &[]).await.id;
        let id = trust(&state.db, jdoe, ip("203.0.113.7"), 30, T0).await.unwrap();
        honour(&state.db, jdoe, ip("203.0.113.7"), T0 + 50).await.unwrap();
        let used: Option<i64> = crate::db::on_db!(&state.db, |pool| sqlx::query_scalar(
            "SELECT last_used_at FROM trusted_networks WHERE id = $1"
        )
        .bind(id)
        .fetch_one(pool)
        .await)
        .unwrap();
        assert_eq!(used, Some(T0 + 50));
        let again = trust(&state.db, jdoe, ip("203.0.113.8"), 30, T0 + 20 * DAY)
            .await
            .unwrap();
        assert_ne!(again, id, "another /32 is another entry");
        trust(&state.db, jdoe, ip("203.0.113.7"), 30, T0 + 20 * DAY)
            .await
            .unwrap();
        assert!(
            honour(&state.db, jdoe, ip("203.0.113.7"), T0 + 45 * DAY)
                .await
                .unwrap()
                .is_some()
        );
    }

    async fn listing_filters_pages_and_hides_expired_entries(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane Doe", "jdoe", &[]).await.id;
        let bob = person(&state, "Bob Stone", "bob", &[]).await.id;
        for i in 0..5 {
            trust(&state.db, jdoe, ip(&format!("203.0.113.{i}")), 30, T0 + i)
                .await
                .unwrap();
        }
        trust(&state.db, bob, ip("2001:db8:1:2::9"), 1, T0).await.unwrap();
        let (all, total) = list(&state.db, "", TrustedOrder::NewestFirst, 0, 100, T0 + 10)
            .await
            .unwrap();
        assert_eq!((all.len(), total), (6, 6));
        assert_eq!(all[0].network, "203.0.113.4/32", "newest first");

        let (page, total) = list(&state.db, "jane", TrustedOrder::Address, 2, 2, T0 + 10)
            .await
            .unwrap();
        assert_eq!(total, 5);
        assert_eq!(
            page.iter().map(|r| r.network.as_str()).collect::<Vec<_>>(),
            ["203.0.113.2/32", "203.0.113.3/32"]
        );
        let (by_address, _) = list(&state.db, "2001:db8", TrustedOrder::Person, 0, 100, T0 + 10)
            .await
            .unwrap();
        assert_eq!(by_address.len(), 1);
        assert_eq!(by_address[0].username, "bob");
        let (literal, total) = list(&state.db, "%", TrustedOrder::Person, 0, 100, T0 + 10)
            .await
            .unwrap();
        assert_eq!((literal.len(), total), (0, 0), "% is a character, not a wildcard");

        let (later, total) = list(&state.db, "", TrustedOrder::Person, 0, 100, T0 + DAY + 1)
            .await
            .unwrap();
        assert_eq!(total, 5, "bob's one-day entry is over, cleaned or not");
        assert!(later.iter().all(|r| r.user_id == jdoe));
        assert_eq!(display("203.0.113.4/32"), "203.0.113.4");
        assert_eq!(display("2001:db8:1:2::/64"), "2001:db8:1:2::/64");
    }

    async fn an_owner_deletes_only_their_own_entries(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane", "jdoe", &[]).await.id;
        let bob = person(&state, "Bob", "bob", &[]).await.id;
        let janes = trust(&state.db, jdoe, ip("203.0.113.7"), 30, T0).await.unwrap();
        assert_eq!(delete(&state.db, janes, Some(bob)).await.unwrap(), None);
        assert_eq!(delete(&state.db, 9999, None).await.unwrap(), None);
        assert_eq!(
            delete(&state.db, janes, Some(jdoe)).await.unwrap(),
            Some((jdoe, "203.0.113.7/32".to_string()))
        );
        assert!(list_of(&state.db, jdoe, T0).await.unwrap().is_empty());
    }

    async fn removing_a_persons_entries_leaves_everyone_elses(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane", "jdoe", &[]).await.id;
        let asmith = person(&state, "Anne", "asmith", &[]).await.id;
        trust(&state.db, jdoe, ip("203.0.113.7"), 30, T0).await.unwrap();
        trust(&state.db, jdoe, ip("2001:db8::1"), 30, T0).await.unwrap();
        trust(&state.db, asmith, ip("203.0.113.7"), 30, T0).await.unwrap();
        assert_eq!(remove_all_of(&state.db, jdoe).await.unwrap(), 2);
        assert!(
            honour(&state.db, asmith, ip("203.0.113.7"), T0 + 1)
                .await
                .unwrap()
                .is_some()
        );
    }

    crate::on_both_backends!(
        trust_lasts_the_period_and_never_a_minute_more,
        trust_belongs_to_one_person,
        ipv4_mapped_and_same_slash_64_addresses_match,
        a_use_is_recorded_and_trusting_again_starts_afresh,
        listing_filters_pages_and_hides_expired_entries,
        an_owner_deletes_only_their_own_entries,
        removing_a_persons_entries_leaves_everyone_elses,
    );
}
