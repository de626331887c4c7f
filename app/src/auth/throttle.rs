//! Password-attempt throttles (spec §2 "Password step"): at most 10 failures per person
//! and 50 per network in 15 minutes, 200 per IPv6 /48 (one site: the /64s of one routed
//! /48 are thousands of "networks" to one attacker), and 10 per device cookie. Past that the answer stays
//! the ordinary refusal, so the throttle tells an attacker nothing. Counted by the typed
//! username, known or not, so an unknown name is throttled exactly like a real one. The
//! typed name is kept only as a keyed digest ([`TypedName`]): people type passwords into
//! the Username field, and a copy of the database must not show them.
//!
//! An attempt is *reserved* before its password is hashed: the count and the new row
//! are one write transaction, so fifty requests sent at once cannot all read "no
//! failures yet". A right password gives its reservation back, and so does one the
//! server could not check.

use crate::clock::UnixSeconds;
use crate::db::{Conn, Db, WritePool, on_conn, on_db};
use crate::secret_key::SecretKey;

/// A typed username as the failures table names it: HMAC-SHA-256 under the secret key,
/// as hex. The same name always gives the same digest, so it still counts per person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedName(String);

impl std::fmt::Display for TypedName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TypedName {
    /// `username_key` is the lower-cased username (`people::username_key`).
    pub fn of(key: &SecretKey, username_key: &str) -> TypedName {
        let mac = key.mac(&[b"typed username", username_key.as_bytes()]);
        TypedName(mac.iter().map(|b| format!("{b:02x}")).collect())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub per_person: i64,
    pub per_network: i64,
    /// Per IPv6 /48, across its /64 networks.
    pub per_site: i64,
    /// Attempts that present a device cookie count against that cookie only.
    pub per_device: i64,
    pub window_seconds: i64,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            per_person: 10,
            per_network: 50,
            per_site: 200,
            per_device: 10,
            window_seconds: crate::limits::LIMIT_WINDOW_SECONDS,
        }
    }
}

impl ThrottlePolicy {
    /// Whether a new attempt may be checked, given the attempts already in the window.
    pub fn allows(&self, person_attempts: i64, network_attempts: i64, site_attempts: i64) -> bool {
        self.refused_by(person_attempts, network_attempts, site_attempts)
            .is_none()
    }

    /// Which limit refuses a new attempt, if one does (named for the metrics).
    pub fn refused_by(
        &self,
        person_attempts: i64,
        network_attempts: i64,
        site_attempts: i64,
    ) -> Option<&'static str> {
        if person_attempts >= self.per_person {
            Some("person")
        } else if network_attempts >= self.per_network {
            Some("network")
        } else if site_attempts >= self.per_site {
            Some("site")
        } else {
            None
        }
    }
}

/// What an attempt is counted against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountedAgainst {
    /// The typed username and the client's network.
    PersonAndNetwork,
    /// The device cookie with this id.
    Device(i64),
}

/// One attempt, counted from before its hash. Hand it back with [`release`] when the
/// password was right or could not be checked; otherwise it stays, as a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    id: i64,
    pub against: CountedAgainst,
}

/// Where an attempt comes from, as the throttle counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// IPv4 /32 or IPv6 /64.
    pub network: String,
    /// The IPv6 /48 around the network; none for IPv4.
    pub site: Option<String>,
}

impl Source {
    pub fn ip(ip: std::net::IpAddr) -> Source {
        Source {
            network: crate::request::client_addr::network_of(ip).to_string(),
            site: crate::request::client_addr::site_of(ip).map(|site| site.to_string()),
        }
    }
}

/// Reserves a password attempt for the typed name `name` from `from`, or `None` when the
/// limit is reached. With `device` (a valid device cookie of this person) the attempt
/// counts against the cookie alone; a cookie that used up its own limit is void, and
/// the attempt counts as one without a cookie.
pub async fn reserve(
    db: &Db,
    policy: &ThrottlePolicy,
    name: &TypedName,
    from: &Source,
    device: Option<i64>,
    now: UnixSeconds,
) -> Result<Option<Reservation>, sqlx::Error> {
    let since = now - policy.window_seconds;
    on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        // Recognised before this transaction: another attempt may have voided it since
        // (ten failures through it). A void cookie counts as none.
        let device = match device {
            Some(device) => {
                let live: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM device_cookies WHERE id = $1 AND expires_at > $2",
                )
                .bind(device)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                (live > 0).then_some(device)
            }
            None => None,
        };
        if let Some(device) = device {
            let used: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE device_id = $1 AND at > $2")
                    .bind(device)
                    .bind(since)
                    .fetch_one(&mut *tx)
                    .await?;
            if used < policy.per_device {
                let id = insert(Conn::from(&mut *tx), name, from, Some(device), now).await?;
                tx.commit().await?;
                return Ok(Some(Reservation {
                    id,
                    against: CountedAgainst::Device(device),
                }));
            }
            // Ten wrong passwords through one cookie: whoever holds it is guessing.
            crate::telemetry::throttled("device");
            crate::auth::device::void(Conn::from(&mut *tx), device).await?;
            sqlx::query("DELETE FROM login_failures WHERE device_id = $1")
                .bind(device)
                .execute(&mut *tx)
                .await?;
        }
        let (person, network_count, site_count): (i64, i64, i64) = sqlx::query_as(
            "SELECT
            (SELECT COUNT(*) FROM login_failures WHERE username_key = $1 AND device_id IS NULL AND at > $3),
            (SELECT COUNT(*) FROM login_failures WHERE network = $2 AND device_id IS NULL AND at > $3),
            (SELECT COUNT(*) FROM login_failures WHERE site = $4 AND device_id IS NULL AND at > $3)",
        )
        .bind(&name.0)
        .bind(&from.network)
        .bind(since)
        .bind(&from.site)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(limit) = policy.refused_by(person, network_count, site_count) {
            tx.commit().await?;
            crate::telemetry::throttled(limit);
            return Ok(None);
        }
        let id = insert(Conn::from(&mut *tx), name, from, None, now).await?;
        tx.commit().await?;
        Ok(Some(Reservation {
            id,
            against: CountedAgainst::PersonAndNetwork,
        }))
    })
}

/// Forgets attempts older than the window (the hourly clean-up): the counts never look
/// past the window, so this only keeps the table small, off the sign-in path.
pub async fn forget_old(db: &Db, policy: &ThrottlePolicy, now: UnixSeconds) -> Result<u64, sqlx::Error> {
    on_db!(db, |pool| Ok(sqlx::query(
        "DELETE FROM login_failures WHERE at <= $1"
    )
    .bind(now - policy.window_seconds)
    .execute(pool)
    .await?
    .rows_affected()))
}

async fn insert(
    conn: Conn<'_>,
    name: &TypedName,
    from: &Source,
    device: Option<i64>,
    now: UnixSeconds,
) -> Result<i64, sqlx::Error> {
    on_conn!(conn, |c| sqlx::query_scalar(
        "INSERT INTO login_failures (username_key, network, site, device_id, at) VALUES ($1, $2, $5, $3, $4)
         RETURNING id",
    )
    .bind(&name.0)
    .bind(&from.network)
    .bind(device)
    .bind(now)
    .bind(&from.site)
    .fetch_one(c)
    .await)
}

/// The password was right, or was never checked (the server was busy): the reservation
/// does not count. Earlier failures stay: a right password from the owner must not give
/// someone guessing elsewhere ten fresh tries.
pub async fn release(db: &Db, reservation: Reservation) -> Result<(), sqlx::Error> {
    on_db!(db, |pool| sqlx::query("DELETE FROM login_failures WHERE id = $1")
        .bind(reservation.id)
        .execute(pool)
        .await
        .map(|_| ()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Backend;
    use crate::testing::person;
    use crate::testing::state_on;

    const NET: &str = "203.0.113.7/32";
    const T0: i64 = 1_800_000_000;

    async fn try_once(
        pool: &Db,
        typed: &str,
        net: &str,
        device: Option<i64>,
        at: i64,
    ) -> Option<Reservation> {
        static KEY: std::sync::LazyLock<SecretKey> = std::sync::LazyLock::new(SecretKey::random);
        let name = TypedName::of(&KEY, typed);
        let from = Source {
            network: net.into(),
            site: None,
        };
        reserve(pool, &ThrottlePolicy::default(), &name, &from, device, at)
            .await
            .unwrap()
    }

    async fn two_hundred_failures_from_one_ipv6_site_block_its_other_networks(backend: Backend) {
        static KEY: std::sync::LazyLock<SecretKey> = std::sync::LazyLock::new(SecretKey::random);
        let (state, _db) = state_on(backend).await;
        let policy = ThrottlePolicy::default();
        let attempt = |ip: &str, typed: &str| {
            let (db, from, name) = (
                state.db.clone(),
                Source::ip(ip.parse().unwrap()),
                TypedName::of(&KEY, typed),
            );
            async move { reserve(&db, &policy, &name, &from, None, T0).await.unwrap() }
        };
        // Four /64s of one /48, fifty each: every /64 within its own limit.
        for net in 0..4 {
            for i in 0..50 {
                let ip = format!("2001:db8:7:{net}::{i:x}");
                assert!(attempt(&ip, &format!("user{i}")).await.is_some(), "{ip}");
            }
        }
        assert!(
            attempt("2001:db8:7:99::1", "fresh").await.is_none(),
            "a fifth /64 of that /48 is refused"
        );
        assert!(
            attempt("2001:db8:8::1", "fresh").await.is_some(),
            "the next /48 is another site"
        );
        assert!(attempt("203.0.113.1", "fresh").await.is_some());
    }

    async fn the_tenth_failure_for_a_person_blocks_the_eleventh_attempt(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let pool = &state.db;
        for i in 0..9 {
            assert!(
                try_once(pool, "jdoe", &format!("198.51.100.{i}/32"), None, T0 + i)
                    .await
                    .is_some()
            );
        }
        assert!(
            try_once(pool, "jdoe", NET, None, T0 + 10).await.is_some(),
            "the tenth is checked"
        );
        assert!(
            try_once(pool, "jdoe", NET, None, T0 + 11).await.is_none(),
            "the eleventh is not"
        );
        // Another person on another network is not affected.
        assert!(
            try_once(pool, "asmith", "192.0.2.1/32", None, T0 + 11)
                .await
                .is_some()
        );
    }

    async fn failures_leave_the_window_after_fifteen_minutes(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        for i in 0..10 {
            try_once(&state.db, "jdoe", NET, None, T0 + i).await.unwrap();
        }
        // The oldest failure is at T0: still counted at T0 + 900 - 1, gone at T0 + 900.
        assert!(try_once(&state.db, "jdoe", NET, None, T0 + 899).await.is_none());
        assert!(try_once(&state.db, "jdoe", NET, None, T0 + 900).await.is_some());
        // The clean-up forgets the ten old ones and keeps the new one.
        let policy = ThrottlePolicy::default();
        assert_eq!(forget_old(&state.db, &policy, T0 + 909).await.unwrap(), 10);
        assert!(try_once(&state.db, "jdoe", NET, None, T0 + 909).await.is_some());
    }

    async fn fifty_failures_from_one_network_block_every_username_there(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        for i in 0..50 {
            try_once(&state.db, &format!("user{i}"), NET, None, T0)
                .await
                .unwrap();
        }
        assert!(try_once(&state.db, "fresh", NET, None, T0 + 1).await.is_none());
        assert!(
            try_once(&state.db, "fresh", "192.0.2.1/32", None, T0 + 1)
                .await
                .is_some()
        );
    }

    async fn a_success_gives_back_only_its_own_reservation(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let pool = &state.db;
        for _ in 0..9 {
            try_once(pool, "jdoe", NET, None, T0).await.unwrap();
        }
        let right = try_once(pool, "jdoe", NET, None, T0).await.unwrap();
        release(pool, right).await.unwrap();
        // The nine failures stay: the tenth attempt is still allowed, the eleventh not.
        assert!(try_once(pool, "jdoe", NET, None, T0 + 1).await.is_some());
        assert!(try_once(pool, "jdoe", NET, None, T0 + 2).await.is_none());
    }

    async fn sixty_attempts_at_once_reserve_exactly_ten(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let attempts = (0..60).map(|_| {
            let pool = state.db.clone();
            tokio::spawn(async move { try_once(&pool, "jdoe", NET, None, T0).await.is_some() })
        });
        let mut allowed = 0;
        for attempt in attempts {
            allowed += usize::from(attempt.await.unwrap());
        }
        assert_eq!(allowed, 10);
    }

    /// Jane, and the device cookie her browser holds: its value and its id.
    async fn jane_with_a_device_cookie(state: &crate::state::AppState) -> (String, Option<i64>) {
        let jdoe = person(state, "Jane Doe", "jdoe", &[]).await;
        let value = crate::auth::device::remember(&state.db, jdoe.id, None, T0)
            .await
            .unwrap()
            .unwrap();
        let device = crate::auth::device::recognise(&state.db, Some(&value), "jdoe", T0)
            .await
            .unwrap();
        (value, device)
    }

    async fn a_device_cookie_counts_alone_and_is_void_after_ten_failures(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let pool = &state.db;
        let (value, device) = jane_with_a_device_cookie(&state).await;
        // Someone elsewhere used up the person's limit, and the office network's.
        for i in 0..50 {
            let username = if i < 10 {
                "jdoe".to_string()
            } else {
                format!("x{i}")
            };
            try_once(pool, &username, NET, None, T0).await.unwrap();
        }
        assert!(try_once(pool, "jdoe", "192.0.2.1/32", None, T0).await.is_none());
        // Jane's own browser, on that network, is still checked: ten times.
        for _ in 0..10 {
            let reserved = try_once(pool, "jdoe", NET, device, T0).await.unwrap();
            assert_eq!(reserved.against, CountedAgainst::Device(device.unwrap()));
        }
        // The eleventh through that cookie voids it and counts as a cookie-less attempt.
        assert!(try_once(pool, "jdoe", NET, device, T0).await.is_none());
        assert_eq!(
            crate::auth::device::recognise(pool, Some(&value), "jdoe", T0)
                .await
                .unwrap(),
            None,
            "void"
        );
    }

    async fn a_device_cookie_voided_after_it_was_recognised_counts_as_none(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let pool = &state.db;
        // Recognised by this attempt; voided by another (its eleventh failure) meanwhile.
        let (_, device) = jane_with_a_device_cookie(&state).await;
        crate::auth::device::void(pool, device.unwrap()).await.unwrap();
        let reserved = try_once(pool, "jdoe", NET, device, T0).await.unwrap();
        assert_eq!(
            reserved.against,
            CountedAgainst::PersonAndNetwork,
            "no fresh tries through a dead cookie"
        );
    }

    crate::on_both_backends!(
        a_device_cookie_voided_after_it_was_recognised_counts_as_none,
        the_tenth_failure_for_a_person_blocks_the_eleventh_attempt,
        failures_leave_the_window_after_fifteen_minutes,
        fifty_failures_from_one_network_block_every_username_there,
        a_success_gives_back_only_its_own_reservation,
        two_hundred_failures_from_one_ipv6_site_block_its_other_networks,
        sixty_attempts_at_once_reserve_exactly_ten,
        a_device_cookie_counts_alone_and_is_void_after_ten_failures,
    );
}
