//! The server's state in one place, provided to every server function.

use crate::clock::Clock;
use crate::error::AppError;
use crate::security::client_addr::TrustedProxies;
use crate::security::password::PasswordHasher;
use crate::security::throttle::ThrottlePolicy;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::SqlitePool;
use std::sync::Arc;

/// Rules an operator may tune.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub throttle: ThrottlePolicy,
    /// The site's public origin (`https://plan.example.com`), when it is known.
    pub public_origin: Option<String>,
    pub trusted_proxies: TrustedProxies,
    /// Region for phone numbers typed in national form (`BE`); none: international only.
    pub default_region: Option<phonenumber::country::Id>,
}

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: SqlitePool,
    pub hasher: Arc<PasswordHasher>,
    pub clock: Arc<dyn Clock>,
    pub policy: Arc<Policy>,
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
