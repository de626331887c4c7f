//! "Someone's trusted networks changed": told to every open Security and My account page
//! (server-sent events), in this instance through a broadcast channel and, with
//! PostgreSQL, to every other instance through `NOTIFY`/`LISTEN`. A notice carries only
//! ids; a page that hears one re-reads its list through its own permission checks.

use crate::db::Db;
use crate::db::postgres::CHANGES_CHANNEL;
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::sync::broadcast;

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrustChange {
    /// This person's trusted networks.
    Person(i64),
    /// The office networks (heard by pages that see everyone's: Security).
    Offices,
    /// Anything: notices may have been missed (the listener lost PostgreSQL), so every
    /// page re-reads.
    Everyone,
}

/// The in-process channel every open event stream subscribes to.
pub fn channel() -> broadcast::Sender<TrustChange> {
    broadcast::channel(256).0
}

/// This process among the instances, so it skips its own notices (its pages heard them
/// already, through the broadcast).
fn this_instance() -> u64 {
    static ID: OnceLock<u64> = OnceLock::new();
    *ID.get_or_init(|| rand::Rng::random(&mut rand::rng()))
}

/// Tells this instance's pages at once and, with PostgreSQL, the other instances'
/// (in the background: the request does not wait; a notice lost on the way is the price
/// of not waiting, and the pages' own re-checks cover it).
pub fn announce(db: &Db, local: &broadcast::Sender<TrustChange>, user_id: i64) {
    announce_change(db, local, TrustChange::Person(user_id));
}

/// As [`announce`], for a change of the office networks.
pub fn announce_offices(db: &Db, local: &broadcast::Sender<TrustChange>) {
    announce_change(db, local, TrustChange::Offices);
}

fn announce_change(db: &Db, local: &broadcast::Sender<TrustChange>, change: TrustChange) {
    // No listener is not an error: nobody has the page open.
    let _ = local.send(change);
    if let Db::Postgres(_) = db {
        let db = db.clone();
        tokio::spawn(async move { tell_other_instances_of(&db, change).await });
    }
}

/// Tells the other instances (PostgreSQL) that `user_id`'s trusted networks changed, and
/// waits until it is sent: the operator's command line, which exits right after.
pub async fn tell_other_instances(db: &Db, user_id: i64) {
    tell_other_instances_of(db, TrustChange::Person(user_id)).await
}

/// What a notice between instances says: who sent it, and what changed.
fn payload(change: TrustChange) -> String {
    match change {
        TrustChange::Person(user_id) => format!("{}:{user_id}", this_instance()),
        TrustChange::Offices => format!("{}:{OFFICES}", this_instance()),
        TrustChange::Everyone => format!("{}:everyone", this_instance()),
    }
}

const OFFICES: &str = "offices";

/// Tells the other instances of `change` and waits until it is sent.
pub async fn tell_other_instances_of(db: &Db, change: TrustChange) {
    let Db::Postgres(pool) = db else {
        return;
    };
    if let Err(error) = sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANGES_CHANNEL)
        .bind(payload(change))
        .execute(pool)
        .await
    {
        tracing::warn!(%error, "could not tell the other instances of a trust change");
    }
}

/// A notice from another instance, if `payload` is one.
fn from_elsewhere(payload: &str) -> Option<TrustChange> {
    let (instance, what) = payload.split_once(':')?;
    let instance: u64 = instance.parse().ok()?;
    (instance != this_instance()).then_some(())?;
    match what {
        OFFICES => Some(TrustChange::Offices),
        "everyone" => Some(TrustChange::Everyone),
        user_id => user_id.parse().ok().map(TrustChange::Person),
    }
}

/// Relays other instances' notices into `local` for as long as the process runs. Each
/// time the listening connection is lost and made again, every page is told to re-read
/// (notices sent in between are lost by design).
pub async fn relay(pool: PgPool, local: broadcast::Sender<TrustChange>) {
    let mut connected_before = false;
    loop {
        let listening = async {
            let mut listener = PgListener::connect_with(&pool).await?;
            listener.listen(CHANGES_CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        }
        .await;
        let mut listener = match listening {
            Ok(listener) => listener,
            Err(error) => {
                tracing::debug!(%error, "cannot listen for changes yet");
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
        };
        if connected_before {
            tracing::info!("listening for changes again");
            let _ = local.send(TrustChange::Everyone);
        }
        connected_before = true;
        // `try_recv` answers `None` when the connection drops: then listen anew.
        while let Ok(Some(notice)) = listener.try_recv().await {
            if let Some(change) = from_elsewhere(notice.payload()) {
                let _ = local.send(change);
            }
        }
        // The pages are told once listening again: told now, they would re-read from a
        // database that may be down, and hear nothing of what changes until then.
        tracing::warn!("lost the connection that listens for changes");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instance_hears_others_and_skips_its_own() {
        assert_eq!(
            from_elsewhere(&format!("{}:7", this_instance().wrapping_add(1))),
            Some(TrustChange::Person(7))
        );
        assert_eq!(
            from_elsewhere(&format!("{}:offices", this_instance().wrapping_add(1))),
            Some(TrustChange::Offices)
        );
        assert_eq!(from_elsewhere(&format!("{}:7", this_instance())), None);
        assert_eq!(from_elsewhere("7"), None);
        assert_eq!(from_elsewhere("x:7"), None);
    }

    #[tokio::test]
    async fn a_notice_reaches_another_instance_and_a_lost_connection_says_everyone() {
        let db = crate::db::test_cluster::fresh_database().await;
        let other = channel();
        let mut heard = other.subscribe();
        tokio::spawn(relay(db.clone(), other));
        let listeners = "SELECT COUNT(*) FROM pg_stat_activity
                         WHERE datname = current_database() AND query LIKE 'LISTEN%'";
        // The relay must listen before the notice is sent.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while sqlx::query_scalar::<_, i64>(listeners)
            .fetch_one(&db)
            .await
            .unwrap()
            == 0
        {
            assert!(tokio::time::Instant::now() < deadline, "the relay never listened");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let payload = format!("{}:42", this_instance().wrapping_add(1));
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANGES_CHANNEL)
            .bind(payload)
            .execute(&db)
            .await
            .unwrap();
        let got = tokio::time::timeout(Duration::from_secs(2), heard.recv()).await;
        assert_eq!(got.unwrap().unwrap(), TrustChange::Person(42));
        // Cut the listening connection: the relay listens again, then says "everyone".
        sqlx::query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        )
        .execute(&db)
        .await
        .unwrap();
        let got = tokio::time::timeout(Duration::from_secs(5), heard.recv()).await;
        assert_eq!(got.unwrap().unwrap(), TrustChange::Everyone);
        while sqlx::query_scalar::<_, i64>(listeners)
            .fetch_one(&db)
            .await
            .unwrap()
            == 0
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(heard.try_recv().is_err(), "said once");
    }
}
