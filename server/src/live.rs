//! Server-sent events that tell open pages their trusted-network list changed
//! (`GET /api/trusted_events`). The event carries no data: the page reloads the list
//! through its own server function, which checks permissions as always.

use app::auth::session;
use app::model::Permission;
use app::state::AppState;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use std::convert::Infallible;
use std::sync::OnceLock;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;
use tower_sessions::Session;

/// Set once the server is shutting down: open streams end so the shutdown can finish.
fn shutdown() -> &'static watch::Sender<bool> {
    static SHUTDOWN: OnceLock<watch::Sender<bool>> = OnceLock::new();
    SHUTDOWN.get_or_init(|| watch::channel(false).0)
}

/// Ends every open event stream (graceful shutdown).
pub fn close_all() {
    shutdown().send_replace(true);
}

struct Listener {
    changes: tokio::sync::broadcast::Receiver<i64>,
    stop: watch::Receiver<bool>,
    state: AppState,
    session: Session,
    user_id: i64,
    sees_everyone: bool,
}

impl Listener {
    /// Waits for a change this person may hear of; `None` ends the stream.
    async fn next_change(&mut self) -> Option<()> {
        loop {
            let changed = tokio::select! {
                changed = self.changes.recv() => changed,
                _ = self.stop.wait_for(|stop| *stop) => return None,
            };
            match changed {
                Ok(user_id) if self.sees_everyone || user_id == self.user_id => {}
                Ok(_) => continue,
                // Missed some: a reload covers them all.
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return None,
            }
            // A session that ended since (sign-out, deactivation) hears nothing more.
            return match session::user_of(&self.state.pool, &self.session).await {
                Ok(Some(_)) => Some(()),
                _ => None,
            };
        }
    }
}

pub async fn trusted_events(State(state): State<AppState>, browser: Session) -> Response {
    let user = match session::user_of(&state.pool, &browser).await {
        Ok(Some(user)) => user,
        Ok(None) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
    };
    let listener = Listener {
        changes: state.trust_events.subscribe(),
        stop: shutdown().subscribe(),
        sees_everyone: user.may(Permission::Security),
        user_id: user.id,
        state,
        session: browser,
    };
    let stream = futures::stream::unfold(listener, |mut listener| async move {
        listener.next_change().await?;
        Some((Ok::<_, Infallible>(Event::default().data("changed")), listener))
    });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}
