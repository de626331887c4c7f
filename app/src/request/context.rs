//! What every server function starts from: the server's state, the signed-in person (with
//! the permission the function needs, checked here on the server), and the client address
//! the trusted-proxy rule computed. One call instead of three, so no function can take
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
        Ok(SignedIn {
            state: crate::state::app_state()?,
            user,
            client_ip: session::request_client_ip().await?.0,
        })
    }
}
