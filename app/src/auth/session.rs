//! Sessions: who a browser is signed in as.
//!
//! The session (tower-sessions, in the database's `sessions` table under a digest of its
//! id: `server::sessions`) holds only the person's id and their
//! session epoch. Every request re-reads the person, so a deactivation, a password change
//! or a lost permission takes effect on the very next request.

use crate::audit::{self, Event, EventKind};
use crate::error::AppError;
use crate::permissions::{CurrentUser, Permission};
use crate::personnel::people;
use crate::request::client_addr::ClientIp;
use crate::state::{AppState, app_state};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use tower_sessions::Session;

const SIGNED_IN: &str = "signed_in";
const NO_CODE_REASON: &str = "no_code_reason";

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct SignedIn {
    user_id: i64,
    epoch: i64,
}

/// The person this session is signed in as, if the session is still valid for them.
pub async fn user_of(db: &crate::db::Db, session: &Session) -> Result<Option<CurrentUser>, AppError> {
    let Some(signed_in) = session.get::<SignedIn>(SIGNED_IN).await? else {
        return Ok(None);
    };
    Ok(people::load_current(db, signed_in.user_id, signed_in.epoch).await?)
}

/// Marks the session as signed in, under a new id: an id known before sign-in (session
/// fixation) is worthless after it.
pub async fn start(session: &Session, user_id: i64, epoch: i64) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.insert(SIGNED_IN, SignedIn { user_id, epoch }).await?;
    // An earlier sign-in's reason is not this one's.
    session.remove_value(NO_CODE_REASON).await?;
    Ok(())
}

/// Keeps why this sign-in asked no code, for the home page (after [`start`]).
pub async fn note_no_code(session: &Session, reason: &super::NoCodeReason) -> Result<(), AppError> {
    session.insert(NO_CODE_REASON, reason).await?;
    Ok(())
}

/// Why this session's sign-in asked no code, if it asked none.
pub async fn no_code_reason(session: &Session) -> Result<Option<super::NoCodeReason>, AppError> {
    Ok(session.get(NO_CODE_REASON).await?)
}

/// Drops whoever this session was signed in as, keeping the session itself (a new
/// sign-in has begun and waits for its code).
pub async fn forget_sign_in(session: &Session) -> Result<(), AppError> {
    session.remove::<SignedIn>(SIGNED_IN).await?;
    Ok(())
}

/// Ends the session on the server: its record is deleted and its cookie cleared.
pub async fn sign_out(
    state: &AppState,
    session: &Session,
    client_ip: Option<IpAddr>,
) -> Result<(), AppError> {
    if let Some(signed_in) = session.get::<SignedIn>(SIGNED_IN).await? {
        audit::record(
            &state.db,
            state.clock.now(),
            Event {
                kind: EventKind::SignOut,
                actor_id: Some(signed_in.user_id),
                subject_id: Some(signed_in.user_id),
                client_ip,
                detail: "".into(),
            },
        )
        .await?;
    }
    session.flush().await?;
    Ok(())
}

/// The session of the request a server function is answering.
pub async fn request_session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|error| {
        tracing::error!(%error, "no session layer in front of a server function");
        AppError::Internal
    })
}

/// The client address the server's layer computed for this request.
pub async fn request_client_ip() -> Result<ClientIp, AppError> {
    leptos_axum::extract::<axum::Extension<ClientIp>>()
        .await
        .map(|axum::Extension(ip)| ip)
        .map_err(|error| {
            tracing::error!(%error, "no client address layer in front of a server function");
            AppError::Internal
        })
}

/// The signed-in person of the current request.
pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    let state = app_state()?;
    let session = request_session().await?;
    user_of(&state.db, &session).await
}

/// The signed-in person, or 401.
pub async fn require_user() -> Result<CurrentUser, AppError> {
    current_user()
        .await?
        .ok_or_else(|| AppError::Unauthorized.with_status())
}

/// The signed-in person holding `permission`, or 401 / 403. Every server function
/// behind a permission starts with this: hiding a link is only comfort.
pub async fn require_permission(permission: Permission) -> Result<CurrentUser, AppError> {
    let user = require_user().await?;
    if user.may(permission) {
        Ok(user)
    } else {
        Err(AppError::Forbidden.with_status())
    }
}
