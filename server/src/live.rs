//! Server-sent events that tell open pages their trusted-network list changed
//! (`GET /api/trusted_events`). The event carries no data: the page reloads the list
//! through its own server function, which checks permissions as always. A stream ends
//! when its session is signed out, expires or loses what opened it (a deactivation, a
//! password change, the Security permission): checked at every change (a check under a
//! second old serves) and every few seconds in between. A session's streams share that
//! check, so each ends at most two re-check periods (10 s) after its session does, while
//! the database answers.

use app::auth::session;
use app::changes::TrustChange;
use app::error::AppError;
use app::permissions::Permission;
use app::state::AppState;
use axum::Extension;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;
use tower_sessions::session::Id;
use tower_sessions::{Session, SessionStore};

/// Set once the server is shutting down: open streams end so the shutdown can finish.
fn shutdown() -> &'static watch::Sender<bool> {
    static SHUTDOWN: OnceLock<watch::Sender<bool>> = OnceLock::new();
    SHUTDOWN.get_or_init(|| watch::channel(false).0)
}

/// Ends every open event stream (graceful shutdown).
pub fn close_all() {
    shutdown().send_replace(true);
}

/// Streams one session may hold open on this instance; the next is refused with 429.
/// A few tabs need no more, and one session must not hold the server's streams (each
/// re-reads its session every few seconds).
pub const STREAMS_PER_SESSION: usize = 4;

/// What [`trusted_events`] answers a session already holding its streams.
pub const TOO_MANY_STREAMS: &str =
    "Too many pages of this session are open with live updates: close some, then reload.";

/// What a session's check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    /// Signed in as this person, holding Security or not.
    Person { user_id: i64, security: bool },
    /// Signed out, expired, or no longer valid.
    Nobody,
    /// The database was busy or away: nothing is concluded, and nothing kept.
    Unknown,
}

/// The last check of one session, shared by its streams on this instance: however many
/// pages it has open, the session is read at most once per re-check period.
#[derive(Default)]
struct SharedCheck {
    last: tokio::sync::Mutex<Option<(tokio::time::Instant, Seen)>>,
}

impl SharedCheck {
    /// What a read begun less than `fresh_for` ago found, else what `read` finds now.
    /// Streams asking at once wait for one read. A read is dated from its start, so a
    /// stream ticking once per `fresh_for` always reads afresh itself.
    async fn seen(&self, fresh_for: Duration, read: impl Future<Output = Seen>) -> Seen {
        let mut last = self.last.lock().await;
        if let Some((at, seen)) = *last
            && at.elapsed() < fresh_for
        {
            return seen;
        }
        let began = tokio::time::Instant::now();
        let seen = read.await;
        if seen != Seen::Unknown {
            *last = Some((began, seen));
        }
        seen
    }

    /// What a stream found when it opened, by a read begun at `began`: kept unless a
    /// later read is.
    async fn record(&self, began: tokio::time::Instant, seen: Seen) {
        let mut last = self.last.lock().await;
        if last.is_none_or(|(at, _)| at < began) {
            *last = Some((began, seen));
        }
    }
}

/// Each session's open streams on this instance (how many, and their shared check).
type OpenStreams = Mutex<HashMap<Id, (usize, Arc<SharedCheck>)>>;

fn open_streams() -> &'static OpenStreams {
    static OPEN: OnceLock<OpenStreams> = OnceLock::new();
    OPEN.get_or_init(Default::default)
}

/// One of a session's streams: taken when the stream opens, given back when it ends
/// (however it ends: the page closed, the session ended, the server stopping).
struct StreamSlot {
    session: Id,
    check: Arc<SharedCheck>,
    /// Counted in the open-streams gauge while it lives.
    _counted: app::telemetry::LiveStream,
}

impl StreamSlot {
    fn take(session: Id) -> Option<StreamSlot> {
        let mut open = open_streams()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (count, check) = open.entry(session).or_default();
        if *count >= STREAMS_PER_SESSION {
            return None;
        }
        *count += 1;
        Some(StreamSlot {
            session,
            check: check.clone(),
            _counted: app::telemetry::LiveStream::opened(),
        })
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = open_streams()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((count, _)) = open.get_mut(&self.session) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.session);
            }
        }
    }
}

struct Listener<Store> {
    slot: StreamSlot,
    changes: tokio::sync::broadcast::Receiver<TrustChange>,
    stop: watch::Receiver<bool>,
    recheck: tokio::time::Interval,
    recheck_every: Duration,
    state: AppState,
    store: Arc<Store>,
    session_id: Id,
    user_id: i64,
    sees_everyone: bool,
}

impl<Store: SessionStore> Listener<Store> {
    /// Waits for a change this person may hear of; `None` ends the stream.
    async fn next_change(&mut self) -> Option<()> {
        loop {
            let changed = tokio::select! {
                changed = self.changes.recv() => Some(changed),
                _ = self.recheck.tick() => None,
                _ = self.stop.wait_for(|stop| *stop) => return None,
            };
            let Some(changed) = changed else {
                self.still_allowed(self.recheck_every).await?;
                continue;
            };
            match changed {
                Ok(TrustChange::Person(user_id)) if self.sees_everyone || user_id == self.user_id => {}
                Ok(TrustChange::Person(_)) => continue,
                Ok(TrustChange::Offices) if self.sees_everyone => {}
                Ok(TrustChange::Offices) => continue,
                // Notices may have been lost between instances: re-read.
                Ok(TrustChange::Everyone) => {}
                // Missed some: a reload covers them all.
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return None,
            }
            self.still_allowed(self.recheck_every.min(AFTER_A_CHANGE)).await?;
            return Some(());
        }
    }

    /// Whether the stream may go on: its session still exists in the store (not signed
    /// out, not expired), still names an active person with the same epoch, and that
    /// person still holds Security if the stream was opened with it. The session is read
    /// afresh from the store (the copy the request began with is stale), unless one of
    /// the session's streams read it less than `fresh_for` ago.
    ///
    /// While the database cannot answer, the stream stays: it carries no data, nothing
    /// can change meanwhile, and the next check decides.
    async fn still_allowed(&self, fresh_for: Duration) -> Option<()> {
        let read = async {
            let fresh = Session::new(Some(self.session_id), self.store.clone(), None);
            match session::user_of(&self.state.db, &fresh).await {
                Ok(Some(user)) => Seen::Person {
                    user_id: user.id,
                    security: user.may(Permission::Security),
                },
                Err(AppError::Busy) => Seen::Unknown,
                // Signed out, expired, or a record that no longer reads.
                Ok(None) | Err(_) => Seen::Nobody,
            }
        };
        match self.slot.check.seen(fresh_for, read).await {
            Seen::Person { user_id, security }
                if user_id == self.user_id && (!self.sees_everyone || security) =>
            {
                Some(())
            }
            Seen::Unknown => {
                tracing::debug!("an event stream's check waits for the database");
                Some(())
            }
            _ => None,
        }
    }
}

/// How often an open stream re-checks its session when nothing happens.
pub const RECHECK_EVERY: Duration = Duration::from_secs(5);

/// How old a check of the session may be for a change to be sent on it.
const AFTER_A_CHANGE: Duration = Duration::from_secs(1);

pub async fn trusted_events<Store: SessionStore + Clone>(
    State(state): State<AppState>,
    Extension(store): Extension<Store>,
    browser: Session,
) -> Response {
    let began = tokio::time::Instant::now();
    let user = match session::user_of(&state.db, &browser).await {
        Ok(Some(user)) => user,
        Ok(None) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
    };
    let Some(session_id) = browser.id() else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let Some(slot) = StreamSlot::take(session_id) else {
        return (StatusCode::TOO_MANY_REQUESTS, TOO_MANY_STREAMS).into_response();
    };
    // What this request just read is the freshest check of the session.
    let found = Seen::Person {
        user_id: user.id,
        security: user.may(Permission::Security),
    };
    slot.check.record(began, found).await;
    let recheck_every = state.policy.stream_recheck_or(RECHECK_EVERY);
    let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + recheck_every, recheck_every);
    recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let listener = Listener {
        slot,
        recheck_every,
        changes: state.trust_events.subscribe(),
        stop: shutdown().subscribe(),
        recheck,
        sees_everyone: user.may(Permission::Security),
        user_id: user.id,
        session_id,
        store: Arc::new(store),
        state,
    };
    let stream = futures::stream::unfold(listener, |mut listener| async move {
        listener.next_change().await?;
        Some((Ok::<_, Infallible>(Event::default().data("changed")), listener))
    });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const JANE: Seen = Seen::Person {
        user_id: 7,
        security: false,
    };

    #[tokio::test]
    async fn a_sessions_streams_share_one_read_per_period() {
        let check = SharedCheck::default();
        let reads = AtomicUsize::new(0);
        // Counts a read when it is carried out, not when it is offered.
        let read = |found: Seen| {
            let reads = &reads;
            async move {
                reads.fetch_add(1, Ordering::Relaxed);
                found
            }
        };
        let period = Duration::from_secs(2);
        // Four streams' ticks within the period: one read serves them all.
        for _ in 0..4 {
            assert_eq!(check.seen(period, read(JANE)).await, JANE);
        }
        assert_eq!(reads.load(Ordering::Relaxed), 1);
        // A period after that read, the next tick reads again and sees the change.
        tokio::time::sleep(period).await;
        assert_eq!(check.seen(period, read(Seen::Nobody)).await, Seen::Nobody);
        assert_eq!(check.seen(period, read(JANE)).await, Seen::Nobody, "kept");
        assert_eq!(reads.load(Ordering::Relaxed), 2);
    }

    #[tokio::test]
    async fn a_stream_that_opens_records_its_read_unless_a_later_one_is_kept() {
        let check = SharedCheck::default();
        let period = Duration::from_secs(5);
        let before_the_read = tokio::time::Instant::now();
        assert_eq!(check.seen(period, async { Seen::Nobody }).await, Seen::Nobody);
        check.record(before_the_read, JANE).await;
        assert_eq!(
            check.seen(period, async { JANE }).await,
            Seen::Nobody,
            "a read begun earlier does not replace a later one"
        );
        check.record(tokio::time::Instant::now(), JANE).await;
        assert_eq!(check.seen(period, async { Seen::Nobody }).await, JANE);
    }

    #[tokio::test]
    async fn an_unanswered_read_is_not_kept() {
        let check = SharedCheck::default();
        let period = Duration::from_secs(5);
        assert_eq!(check.seen(period, async { Seen::Unknown }).await, Seen::Unknown);
        assert_eq!(
            check.seen(period, async { JANE }).await,
            JANE,
            "read again at once"
        );
    }

    #[test]
    fn a_sessions_streams_share_its_check_and_the_fifth_is_refused() {
        let session = Id::default();
        let slots: Vec<_> = (0..STREAMS_PER_SESSION)
            .map(|_| StreamSlot::take(session).expect("within the limit"))
            .collect();
        assert!(StreamSlot::take(session).is_none());
        assert!(slots.iter().all(|slot| Arc::ptr_eq(&slot.check, &slots[0].check)));
        let other = StreamSlot::take(Id::default()).expect("another session");
        assert!(!Arc::ptr_eq(&other.check, &slots[0].check));
        drop(slots);
        assert!(StreamSlot::take(session).is_some(), "given back when they end");
    }
}
