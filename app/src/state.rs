//! The server's state in one place, provided to every server function.

use crate::clock::Clock;
use crate::error::AppError;
use crate::mail::Mailer;
use crate::security::client_addr::TrustedProxies;
use crate::security::codes::CodePolicy;
use crate::security::password::PasswordHasher;
use crate::security::throttle::ThrottlePolicy;
use crate::sms::SmsSender;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::SqlitePool;
use std::sync::Arc;

/// Rules an operator may tune.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub throttle: ThrottlePolicy,
    pub codes: CodePolicy,
    /// The site's public origin (`https://plan.example.com`), when it is known.
    pub public_origin: Option<String>,
    pub trusted_proxies: TrustedProxies,
    /// Region for phone numbers typed in national form (`BE`); none: international only.
    pub default_region: Option<phonenumber::country::Id>,
}

impl Policy {
    /// The site's host name, for the WebOTP line of a text message.
    pub fn site_host(&self) -> String {
        self.public_origin
            .as_deref()
            .and_then(|origin| origin.parse::<http::Uri>().ok())
            .and_then(|uri| uri.host().map(str::to_string))
            .unwrap_or_else(|| "localhost".into())
    }
}

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: SqlitePool,
    pub hasher: Arc<PasswordHasher>,
    pub clock: Arc<dyn Clock>,
    pub policy: Arc<Policy>,
    pub mailer: Arc<Mailer>,
    /// `None` when no SMS provider is configured: email only.
    pub sms: Option<Arc<SmsSender>>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state, inside a server function or a server render.
pub fn app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState was not provided to the server function");
        AppError::Internal
    })
}
