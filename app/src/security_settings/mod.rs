//! System › Security (spec §1): two-step authentication on or off, and who could not
//! receive a code if it were on.

#[cfg(feature = "ssr")]
pub mod store;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An active person no code can reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unreachable {
    pub id: i64,
    pub name: String,
    pub username: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecuritySummary {
    pub two_step_enabled: bool,
    pub cannot_receive: Vec<Unreachable>,
    /// The client address of this request, as the server computed it.
    pub your_ip: String,
}

/// The answer to the toggle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ToggleOutcome {
    Saved { enabled: bool },
    Refused { message: String },
}

#[server(prefix = "/api", endpoint = "security_overview")]
pub async fn security_overview() -> Result<SecuritySummary, AppError> {
    use crate::auth::session;
    use crate::model::Permission;
    session::require_permission(Permission::Security).await?;
    let state = crate::state::app_state()?;
    let client_ip = session::request_client_ip().await?.0;
    Ok(SecuritySummary {
        two_step_enabled: crate::settings::two_step_enabled(&state.pool).await?,
        cannot_receive: store::unreachable(&state.pool, state.sms.is_some()).await?,
        your_ip: crate::security::client_addr::canonical(client_ip).to_string(),
    })
}

#[server(prefix = "/api", endpoint = "set_two_step")]
pub async fn set_two_step(enabled: bool) -> Result<ToggleOutcome, AppError> {
    use crate::auth::session;
    use crate::model::Permission;
    let actor = session::require_permission(Permission::Security).await?;
    let state = crate::state::app_state()?;
    let client_ip = session::request_client_ip().await?.0;
    store::set_two_step(&state, &actor, enabled, client_ip).await
}
