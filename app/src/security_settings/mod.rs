//! System › Security (spec §1): two-step authentication on or off, who could not receive
//! a code if it were on, the trust period, and the page's list of security events (the
//! query itself is `audit::events`). The trusted IP table is `trusted_networks`.

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
    pub trust_days: i64,
}

/// The answer to a setting change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SettingOutcome {
    Saved,
    Refused { message: String },
}

pub use crate::limits::TRUST_DAYS as TRUST_DAYS_RANGE;

/// One security event as the page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRow {
    pub id: i64,
    pub at: i64,
    pub kind: String,
    pub actor: Option<String>,
    pub subject: Option<String>,
    pub client_ip: Option<String>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventsPage {
    pub rows: Vec<EventRow>,
    pub total: i64,
    pub offset: i64,
    /// Every kind stored so far, for the filter.
    pub kinds: Vec<String>,
}

/// Events per page.
pub const EVENTS_PAGE_SIZE: i64 = 50;

/// The answer to the toggle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ToggleOutcome {
    Saved { enabled: bool },
    Refused { message: String },
}

#[server(prefix = "/api", endpoint = "security_overview")]
pub async fn security_overview() -> Result<SecuritySummary, AppError> {
    use crate::auth::session;
    use crate::permissions::Permission;
    session::require_permission(Permission::Security).await?;
    let state = crate::state::app_state()?;
    let client_ip = session::request_client_ip().await?.0;
    Ok(SecuritySummary {
        two_step_enabled: crate::settings::two_step_enabled(&state.pool).await?,
        cannot_receive: store::unreachable(&state.pool, state.sms.is_some()).await?,
        your_ip: crate::request::client_addr::canonical(client_ip).to_string(),
        trust_days: crate::settings::trust_days(&state.pool).await?,
    })
}

#[server(prefix = "/api", endpoint = "set_two_step")]
pub async fn set_two_step(enabled: bool) -> Result<ToggleOutcome, AppError> {
    use crate::auth::session;
    use crate::permissions::Permission;
    let actor = session::require_permission(Permission::Security).await?;
    let state = crate::state::app_state()?;
    let client_ip = session::request_client_ip().await?.0;
    store::set_two_step(&state, &actor, enabled, client_ip).await
}

#[server(prefix = "/api", endpoint = "set_trust_days")]
pub async fn set_trust_days(days: i64) -> Result<SettingOutcome, AppError> {
    use crate::auth::session;
    use crate::permissions::Permission;
    let actor = session::require_permission(Permission::Security).await?;
    let state = crate::state::app_state()?;
    let client_ip = session::request_client_ip().await?.0;
    store::set_trust_days(&state, &actor, days, client_ip).await
}

/// The audit log, newest first, filtered by a person (actor or subject) and a kind.
#[server(prefix = "/api", endpoint = "security_events")]
pub async fn security_events(person: String, kind: String, offset: i64) -> Result<EventsPage, AppError> {
    use crate::auth::session;
    use crate::permissions::Permission;
    session::require_permission(Permission::Security).await?;
    let state = crate::state::app_state()?;
    let person: String = person.chars().take(100).collect();
    Ok(crate::audit::events::page(&state.pool, &person, &kind, offset.max(0)).await?)
}
