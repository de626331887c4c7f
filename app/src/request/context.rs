//! What every server function starts from: the server's state, the signed-in person (with
//! the permission the function needs, checked here on the server), the client address
//! the trusted-proxy rule computed, and the browser's device cookie. One call instead of three, so no function can take
//! the state and forget the check.

use crate::auth::session;
use crate::error::AppError;
use crate::permissions::{CurrentUser, Permission};
use crate::state::AppState;
use std::net::IpAddr;

pub struct SignedIn {
    pub state: AppState,
    pub user: CurrentUser,
    pub client_ip: IpAddr,
    /// This browser's device cookie, if it sent one: whose throttle a password typed
    /// again counts against.
    pub device_cookie: Option<String>,
    /// This session's sign-in skipped the code because it came from an office network: it
    /// gave no second step, so it may not set up or change one (spec §2 "Office
    /// networks"; the check is `sign_in_details::check_own_password_for_second_step`).
    pub no_second_step: bool,
}

impl SignedIn {
    /// The signed-in person of this request, or 401.
    pub async fn anyone() -> Result<SignedIn, AppError> {
        let user = session::require_user().await?;
        Self::with(user).await
    }

    /// The signed-in person holding `permission`, or 401 / 403. Security and Permissions
    /// are used only in a session that gave a second step: a session that skipped the
    /// code from an office network (allowed then because the person held neither) does
    /// not gain them by a grant made since.
    pub async fn holding(permission: Permission) -> Result<SignedIn, AppError> {
        let user = session::require_permission(permission).await?;
        let cx = Self::with(user).await?;
        if cx.no_second_step && crate::auth::code_skip::always_asked(&[permission]) {
            return Err(AppError::Forbidden.with_status());
        }
        Ok(cx)
    }

    async fn with(user: CurrentUser) -> Result<SignedIn, AppError> {
        let state = crate::state::app_state()?;
        let device_cookie = crate::auth::device::presented(state.policy.secure_cookies()).await;
        let browser = session::request_session().await?;
        let no_second_step = matches!(
            session::no_code_reason(&browser).await?,
            Some(crate::auth::NoCodeReason::Office { .. })
        );
        Ok(SignedIn {
            state,
            user,
            client_ip: session::request_client_ip().await?.0,
            device_cookie,
            no_second_step,
        })
    }
}
