//! Signing in and out, and who is signed in. The server functions are thin: they gather
//! the request's state and call the logic: `password_step` (with `password` hashing,
//! the `throttle` and `device` cookies), `code_step` (with `codes`, their `channel`, and
//! the `tokens` that bind a code to one browser) and `session`.

#[cfg(feature = "ssr")]
pub mod channel;
#[cfg(feature = "ssr")]
pub mod code_step;
#[cfg(feature = "ssr")]
pub mod codes;
#[cfg(feature = "ssr")]
pub mod device;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod password_step;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod throttle;
#[cfg(feature = "ssr")]
pub mod tokens;

use crate::error::AppError;
use crate::model::{CodeOutcome, CurrentUser, LoginOutcome};
use leptos::prelude::*;

/// Step 1 of signing in: username and password.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<LoginOutcome, AppError> {
    use crate::request::client_addr::ClientIp;
    let state = crate::state::app_state()?;
    let session = session::request_session().await?;
    let ClientIp(client_ip) = session::request_client_ip().await?;
    let device_cookie = device::presented(state.policy.secure_cookies()).await;
    password_step::sign_in(
        &state,
        &session,
        client_ip,
        &username,
        password,
        next.as_deref(),
        device_cookie.as_deref(),
    )
    .await
    .map_err(AppError::with_status)
}

/// Step 2: the code. `trust` is the **Trust this IP** checkbox (present when ticked).
#[server(prefix = "/api", endpoint = "verify_code")]
pub async fn verify_code(code: String, trust: Option<String>) -> Result<CodeOutcome, AppError> {
    use crate::request::client_addr::ClientIp;
    let state = crate::state::app_state()?;
    let session = session::request_session().await?;
    let ClientIp(client_ip) = session::request_client_ip().await?;
    let device_cookie = device::presented(state.policy.secure_cookies()).await;
    code_step::verify(
        &state,
        &session,
        client_ip,
        &code,
        trust.is_some(),
        device_cookie.as_deref(),
    )
    .await
    .map_err(AppError::with_status)
}

/// Step 2: **Send a new code**.
#[server(prefix = "/api", endpoint = "resend_code")]
pub async fn resend_code() -> Result<CodeOutcome, AppError> {
    use crate::request::client_addr::ClientIp;
    let state = crate::state::app_state()?;
    let session = session::request_session().await?;
    let ClientIp(client_ip) = session::request_client_ip().await?;
    code_step::resend(&state, &session, client_ip)
        .await
        .map_err(AppError::with_status)
}

/// Step 2: **Cancel**, back to step 1.
#[server(prefix = "/api", endpoint = "cancel_code")]
pub async fn cancel_code() -> Result<(), AppError> {
    let session = session::request_session().await?;
    code_step::cancel(&session).await
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
