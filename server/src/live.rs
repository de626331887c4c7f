//! Server-sent events that tell open pages their trusted-network list changed
//! (`GET /api/trusted_events`). The event carries no data: the page reloads the list
//! through its own server function, which checks permissions as always. A stream ends
//! when its session is signed out, expires or loses what opened it (a deactivation, a
//! password change, the Security permission): checked at every change and every few
//! seconds in between.

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

/// The open streams of each session on this instance.
fn open_streams() -> &'static Mutex<HashMap<Id, usize>> {
    static OPEN: OnceLock<Mutex<HashMap<Id, usize>>> = OnceLock::new();
    OPEN.get_or_init(Default::default)
}

/// One of a session's streams: taken when the stream opens, given back when it ends
/// (however it ends: the page closed, the session ended, the server stopping).
struct StreamSlot(Id);

impl StreamSlot {
    fn take(session: Id) -> Option<StreamSlot> {
        let mut open = open_streams()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = open.entry(session).or_insert(0);
        if *count >= STREAMS_PER_SESSION {
            return None;
        }
        *count += 1;
        Some(StreamSlot(session))
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = open_streams()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = open.get_mut(&self.0) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.0);
            }
        }
    }
}

struct Listener<Store> {
    _slot: StreamSlot,
    changes: tokio::sync::broadcast::Receiver<TrustChange>,
    stop: watch::Receiver<bool>,
    recheck: tokio::time::Interval,
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
                self.still_allowed().await?;
                continue;
            };
            match changed {
                Ok(TrustChange::Person(user_id)) if self.sees_everyone || user_id == self.user_id => {}
                Ok(TrustChange::Person(_)) => continue,
                // Notices may have been lost between instances: re-read.
                Ok(TrustChange::Everyone) => {}
                // Missed some: a reload covers them all.
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return None,
            }
            self.still_allowed().await?;
            return Some(());
        }
    }

    /// Whether the stream may go on: its session still exists in the store (not signed
    /// out, not expired), still names an active person with the same epoch, and that
    /// person still holds Security if the stream was opened with it. The session is read
    /// afresh from the store each time: the copy the request began with is stale.
    ///
    /// While the database cannot answer, the stream stays: it carries no data, nothing
    /// can change meanwhile, and the next check decides.
    async fn still_allowed(&self) -> Option<()> {
        let fresh = Session::new(Some(self.session_id), self.store.clone(), None);
        match session::user_of(&self.state.db, &fresh).await {
            Ok(Some(user))
                if user.id == self.user_id && (!self.sees_everyone || user.may(Permission::Security)) =>
            {
                Some(())
            }
            Err(AppError::Busy) => {
                tracing::debug!("an event stream's check waits for the database");
                Some(())
            }
            _ => None,
        }
    }
}

/// How often an open stream re-checks its session when nothing happens.
pub const RECHECK_EVERY: Duration = Duration::from_secs(5);

pub async fn trusted_events<Store: SessionStore + Clone>(
    State(state): State<AppState>,
    Extension(store): Extension<Store>,
    browser: Session,
) -> Response {
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
    let recheck_every = state.policy.stream_recheck_or(RECHECK_EVERY);
    let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + recheck_every, recheck_every);
    recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let listener = Listener {
        _slot: slot,
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
