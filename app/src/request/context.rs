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
}

impl SignedIn {
    /// The signed-in person of this request, or 401.
    pub async fn anyone() -> Result<SignedIn, AppError> {
        let user = session::require_user().await?;
        Self::with(user).await
    }

    /// The signed-in person holding `permission`, or 401 / 403.
    pub async fn holding(permission: Permission) -> Result<SignedIn, AppError> {
        let user = session::require_permission(permission).await?;
        Self::with(user).await
    }

    async fn with(user: CurrentUser) -> Result<SignedIn, AppError> {
        let state = crate::state::app_state()?;
        let device_cookie = crate::auth::device::presented(state.policy.secure_cookies()).await;
        Ok(SignedIn {
            state,
            user,
            client_ip: session::request_client_ip().await?.0,
            device_cookie,
        })
    }
}
