//! Signing in and out, and who is signed in. The server functions are thin: they gather
//! the request's state and call the logic in `password_step` and `session`.

#[cfg(feature = "ssr")]
pub mod password_step;
#[cfg(feature = "ssr")]
pub mod session;

use crate::error::AppError;
use crate::model::{CurrentUser, LoginOutcome};
use leptos::prelude::*;

/// Step 1 of signing in: username and password.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<LoginOutcome, AppError> {
    use crate::security::client_addr::ClientIp;
    let state = crate::state::app_state()?;
    let session = session::request_session().await?;
    let ClientIp(client_ip) = session::request_client_ip().await?;
    password_step::sign_in(&state, &session, client_ip, &username, password, next.as_deref())
        .await
        .map_err(AppError::with_status)
}

/// Ends this browser's session on the server.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let session = session::request_session().await?;
    let client_ip = session::request_client_ip().await.ok().map(|ip| ip.0);
    session::sign_out(&state, &session, client_ip).await
}

/// The signed-in person, or `None`. Never an error for being signed out: the shell uses
/// it to decide between the page and the sign-in form.
#[server(prefix = "/api", endpoint = "me")]
pub async fn signed_in_user() -> Result<Option<CurrentUser>, AppError> {
    session::current_user().await
}
