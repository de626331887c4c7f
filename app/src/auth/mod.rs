//! Signing in and out, and who is signed in: the answers of both steps (shared with the
//! browser), where a signed-in person may be sent, and the server functions. These are
//! thin: they gather the request's state and call the logic: `password_step` (with
//! `password` hashing, the `throttle` and `device` cookies), `code_step` (with `codes`,
//! their `channel`, and the `tokens` that bind a code to one browser) and `session`.

#[cfg(feature = "ssr")]
pub mod authenticator;
#[cfg(feature = "ssr")]
pub mod channel;
#[cfg(feature = "ssr")]
pub mod code_skip;
#[cfg(feature = "ssr")]
pub mod code_step;
#[cfg(feature = "ssr")]
pub mod codes;
#[cfg(feature = "ssr")]
pub mod device;
#[cfg(feature = "ssr")]
pub mod misses;
#[cfg(feature = "ssr")]
pub mod new_password;
#[cfg(feature = "ssr")]
pub mod passkey_step;
#[cfg(feature = "ssr")]
pub mod passkeys;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod password_step;
#[cfg(feature = "ssr")]
pub mod qr;
#[cfg(feature = "ssr")]
pub mod recovery;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod signed_in;
#[cfg(feature = "ssr")]
pub mod throttle;
#[cfg(feature = "ssr")]
pub mod tokens;
#[cfg(feature = "ssr")]
pub mod totp;

use crate::error::AppError;
use crate::permissions::CurrentUser;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Why no code was asked at this session's sign-in (spec §1 "Why no code was asked"),
/// said on the home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoCodeReason {
    /// The person's own trusted entry for this network, in force until `until`.
    TrustedEntry { network: String, until: i64 },
    /// An office network, by name.
    Office { name: String },
}

/// Why this session's sign-in asked no code, if it asked none.
#[server(prefix = "/api", endpoint = "why_no_code")]
pub async fn why_no_code() -> Result<Option<NoCodeReason>, AppError> {
    session::require_user().await?;
    let session = session::request_session().await?;
    session::no_code_reason(&session).await
}

/// The answer to the password step. A refusal is an outcome, not a fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoginOutcome {
    /// Signed in; the browser goes on to `next`.
    SignedIn { next: String },
    /// Not signed in, with the text to show (identical for every reason a password fails).
    Refused { message: String },
    /// The password was right: step 2, asked for as `CodePrompt` says.
    CodeRequired(CodePrompt),
}

/// How step 2 asks for the second step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Way {
    /// A code went to `to` (masked).
    Sent { to: String },
    /// A code of the person's authenticator app.
    App,
    /// One of the person's recovery codes.
    Recovery,
    /// One of the person's passkeys (**Use a passkey**), answered by the browser.
    Passkey,
}

/// The way a person asks to answer step 2 instead ([`change_way`]). On the wire it is the
/// form field `to`; anything else is refused as a way the person does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtherWay {
    /// **Email me a code instead** / **Text me a code instead**.
    Send,
    /// **Use the authenticator app**.
    App,
    /// **Use a recovery code**.
    Recovery,
    /// **Use a passkey**.
    Passkey,
}

impl OtherWay {
    pub fn as_str(self) -> &'static str {
        match self {
            OtherWay::Send => "send",
            OtherWay::App => "app",
            OtherWay::Recovery => "recovery",
            OtherWay::Passkey => "passkey",
        }
    }

    pub fn parse(text: &str) -> Option<OtherWay> {
        [
            OtherWay::Send,
            OtherWay::App,
            OtherWay::Recovery,
            OtherWay::Passkey,
        ]
        .into_iter()
        .find(|way| way.as_str() == text)
    }
}

/// How a code can be sent to the person, when they have a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SendBy {
    Email,
    Sms,
}

/// Step 2 as the page shows it: the way asked for now and the other ways offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodePrompt {
    pub way: Way,
    /// Whether **Trust this IP** is offered: never for a proxy's address, never while a
    /// recovery code is asked for.
    pub may_trust: bool,
    /// **Email me a code instead** / **Text me a code instead**, when a code can be sent.
    pub can_send: Option<SendBy>,
    /// Whether the person has an authenticator app that is on.
    pub has_app: bool,
    /// Whether the person has unused recovery codes (**Use a recovery code**).
    pub has_recovery: bool,
    /// Whether the person has a passkey (**Use a passkey**, offered first).
    #[serde(default)]
    pub has_passkey: bool,
}

/// The field a plain form post of step 2 keeps the prompt in (as JSON) for the page load
/// after it.
pub const PROMPT_FIELD: &str = "prompt";

impl Default for CodePrompt {
    fn default() -> Self {
        CodePrompt {
            way: Way::Sent { to: String::new() },
            may_trust: false,
            can_send: None,
            has_app: false,
            has_recovery: false,
            has_passkey: false,
        }
    }
}

/// The answer to a typed code (step 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeOutcome {
    /// Signed in; the browser goes on to `next`.
    SignedIn { next: String },
    /// Step 2 stays, with the text to show (a wrong code, a resend too soon).
    Refused { message: String },
    /// A new code went to `sent_to` (masked).
    Resent { sent_to: String },
    /// Step 2 now asks another way (**Email me a code instead**, **Use a recovery code**).
    Switched(CodePrompt),
    /// The sign-in cannot go on (code used up, expired, voided): back to step 1.
    Restart { message: String },
}

/// The page a person may be sent to after signing in: only a path on this site.
/// Anything else (another host, `//evil`, `/\evil`, a scheme) becomes `/`.
pub fn safe_next(next: Option<&str>) -> String {
    match next.map(str::trim) {
        Some(path) if crate::routes::is_local_path(path) && !path.starts_with("/login") => path.to_string(),
        _ => "/".to_string(),
    }
}

/// Where a signed-out person is sent from `here` (a path with its query): the sign-in
/// page, which returns them to `here` afterwards.
pub fn login_redirect(here: &str) -> String {
    let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
    format!("/login?next={next}")
}

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
    let outcome = password_step::sign_in(
        &state,
        &session,
        client_ip,
        &username,
        password,
        next.as_deref(),
        device_cookie.as_deref(),
    )
    .await
    .map_err(AppError::with_status)?;
    let then_go_to = match &outcome {
        LoginOutcome::SignedIn { next } => Some(next.as_str()),
        _ => None,
    };
    // Shown again after a refusal; a name longer than any username is not kept.
    let typed = vec![("username".to_string(), username.chars().take(256).collect())];
    crate::form_post::answer::<Login>(&outcome, typed, then_go_to).await?;
    Ok(outcome)
}

/// Step 2: the code. `trust` is the **Trust this IP** checkbox (present when ticked).
#[server(prefix = "/api", endpoint = "verify_code")]
pub async fn verify_code(code: String, trust: Option<String>) -> Result<CodeOutcome, AppError> {
    use crate::request::client_addr::ClientIp;
    let state = crate::state::app_state()?;
    let session = session::request_session().await?;
    let ClientIp(client_ip) = session::request_client_ip().await?;
    let device_cookie = device::presented(state.policy.secure_cookies()).await;
    let outcome = code_step::verify(
        &state,
        &session,
        client_ip,
        &code,
        trust.is_some(),
        device_cookie.as_deref(),
    )
    .await
    .map_err(AppError::with_status)?;
    answer_step_two::<VerifyCode>(&session, &outcome).await?;
    Ok(outcome)
}

/// For step 2 posted by the browser itself: signed in goes on to the page asked for;
/// anything else returns to the sign-in page with the prompt to show again.
#[cfg(feature = "ssr")]
async fn answer_step_two<S>(session: &tower_sessions::Session, outcome: &CodeOutcome) -> Result<(), AppError>
where
    S: leptos::server_fn::ServerFn<Output = CodeOutcome>,
{
    if !crate::form_post::is_plain_post(S::PATH) {
        return Ok(());
    }
    let (fields, then_go_to) = match outcome {
        CodeOutcome::SignedIn { next } => (Vec::new(), Some(next.as_str())),
        _ => (code_step::prompt(session).await?, None),
    };
    crate::form_post::answer::<S>(outcome, fields, then_go_to).await
}

/// Step 2: **Send a new code**.
#[server(prefix = "/api", endpoint = "resend_code")]
pub async fn resend_code() -> Result<CodeOutcome, AppError> {
    use crate::request::client_addr::ClientIp;
    let state = crate::state::app_state()?;
    let session = session::request_session().await?;
    let ClientIp(client_ip) = session::request_client_ip().await?;
    let outcome = code_step::resend(&state, &session, client_ip)
        .await
        .map_err(AppError::with_status)?;
    answer_step_two::<ResendCode>(&session, &outcome).await?;
    Ok(outcome)
}

/// Step 2: another way to answer it; `to` is an [`OtherWay`] by its name (`send`, `app`,
/// `recovery`): kept a plain string on the wire so that any other value is a refusal.
#[server(prefix = "/api", endpoint = "change_way")]
pub async fn change_way(to: String) -> Result<CodeOutcome, AppError> {
    use crate::request::client_addr::ClientIp;
    let state = crate::state::app_state()?;
    let session = session::request_session().await?;
    let ClientIp(client_ip) = session::request_client_ip().await?;
    let outcome = code_step::change_way(&state, &session, client_ip, OtherWay::parse(&to))
        .await
        .map_err(AppError::with_status)?;
    answer_step_two::<ChangeWay>(&session, &outcome).await?;
    Ok(outcome)
}

/// Step 2, **Use a passkey**: the options for the browser's passkey prompt (JSON), or
/// `None` when there is no sign-in waiting for step 2 or the person has no passkey.
#[server(prefix = "/api", endpoint = "passkey_step_two_options")]
pub async fn passkey_step_two_options() -> Result<Option<String>, AppError> {
    let state = crate::state::app_state()?;
    let session = session::request_session().await?;
    code_step::passkey_options(&state, &session).await
}

/// Step 2 answered by a passkey: `answer` is the browser's credential as JSON (anything
/// else, a cancelled prompt included, is a wrong answer).
#[server(prefix = "/api", endpoint = "answer_with_passkey")]
pub async fn answer_with_passkey(answer: String) -> Result<CodeOutcome, AppError> {
    use crate::request::client_addr::ClientIp;
    let state = crate::state::app_state()?;
    let session = session::request_session().await?;
    let ClientIp(client_ip) = session::request_client_ip().await?;
    let device_cookie = device::presented(state.policy.secure_cookies()).await;
    code_step::answer_with_passkey(&state, &session, client_ip, &answer, device_cookie.as_deref())
        .await
        .map_err(AppError::with_status)
}

/// What the browser needs for **Sign in with a passkey**.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyAsk {
    /// The options for the browser's passkey prompt (JSON).
    pub options: String,
    /// The challenge, sealed: handed back with the answer.
    pub challenge: String,
}

/// Step 1, **Sign in with a passkey**: the options for the browser's passkey prompt.
#[server(prefix = "/api", endpoint = "passkey_sign_in_options")]
pub async fn passkey_sign_in_options() -> Result<PasskeyAsk, AppError> {
    let state = crate::state::app_state()?;
    passkey_step::options(&state)
}

/// Step 1 answered by a passkey alone: a whole sign-in, no password and no code.
/// `challenge` is the sealed challenge [`passkey_sign_in_options`] gave.
#[server(prefix = "/api", endpoint = "sign_in_with_passkey")]
pub async fn sign_in_with_passkey(
    answer: String,
    challenge: String,
    next: Option<String>,
) -> Result<LoginOutcome, AppError> {
    use crate::request::client_addr::ClientIp;
    let state = crate::state::app_state()?;
    let session = session::request_session().await?;
    let ClientIp(client_ip) = session::request_client_ip().await?;
    let device_cookie = device::presented(state.policy.secure_cookies()).await;
    passkey_step::sign_in(
        &state,
        &session,
        client_ip,
        &answer,
        &challenge,
        next.as_deref(),
        device_cookie.as_deref(),
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_accepts_only_local_paths() {
        assert_eq!(safe_next(Some("/account?tab=1")), "/account?tab=1");
        assert_eq!(safe_next(None), "/");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "evil",
            "",
            "/login",
            "/a\nb",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?} must not be followed");
        }
    }

    #[test]
    fn the_return_path_survives_the_round_trip_through_the_query() {
        let here = "/account?tab=a b&x=é";
        let to = login_redirect(here);
        assert_eq!(to, "/login?next=%2Faccount%3Ftab%3Da+b%26x%3D%C3%A9");
        let query = to.split_once('?').unwrap().1;
        let (_, back) = form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "next")
            .unwrap();
        assert_eq!(back, here);
    }
}
