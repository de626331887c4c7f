//! The end of every successful sign-in, whichever step ends it (the password alone, a
//! trusted network, or the second step): the session under a new id, the device cookie,
//! and the audit's "sign-in ok" with how it was done. One function, so the steps cannot
//! drift apart.

use crate::audit::{self, Event, EventKind};
use crate::error::AppError;
use crate::state::AppState;
use std::net::IpAddr;
use tower_sessions::Session;

/// Who signed in, from where, and how (`how` is the audit's detail).
pub struct SignIn<'a> {
    pub user_id: i64,
    /// The person's session epoch when the sign-in began: the session lives as long as
    /// it stays.
    pub epoch: i64,
    pub device_cookie: Option<&'a str>,
    pub client_ip: IpAddr,
    pub how: &'a str,
}

pub async fn finish(state: &AppState, session: &Session, sign_in: SignIn<'_>) -> Result<(), AppError> {
    super::session::start(session, sign_in.user_id, sign_in.epoch).await?;
    let now = state.clock.now();
    super::device::after_sign_in(
        &state.db,
        sign_in.user_id,
        sign_in.device_cookie,
        now,
        state.policy.secure_cookies(),
    )
    .await?;
    let event = Event::own(
        EventKind::SignInOk,
        sign_in.user_id,
        sign_in.client_ip,
        sign_in.how,
    );
    audit::record(&state.db, now, event).await?;
    Ok(())
}
