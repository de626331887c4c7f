//! System › Security (spec §1): two-step authentication on or off, who could not receive
//! a code if it were on, the trust period, and the page's list of security events (the
//! query itself is `audit::events`). The trusted IP table is `trusted_networks`.

pub mod event_rows;
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

pub use event_rows::{EventRow, EventsPage};

/// Events shown at first, and added by each **Show more**.
pub const EVENTS_PAGE_SIZE: i64 = 50;
/// The most one page lists; past that the filter narrows the list.
pub const EVENTS_SHOWN_MAX: i64 = 20 * EVENTS_PAGE_SIZE;

/// How many events to list for a `shown` from the address: whole pages, one to the most.
pub fn events_shown(shown: i64) -> i64 {
    // Clamped first: any number from the address is safe to round.
    let shown = shown.clamp(1, EVENTS_SHOWN_MAX);
    (shown + EVENTS_PAGE_SIZE - 1) / EVENTS_PAGE_SIZE * EVENTS_PAGE_SIZE
}

/// The answer to the toggle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ToggleOutcome {
    Saved { enabled: bool },
    Refused { message: String },
}

#[server(prefix = "/api", endpoint = "security_overview")]
pub async fn security_overview() -> Result<SecuritySummary, AppError> {
    use crate::permissions::Permission;
    use crate::request::context::SignedIn;
    let SignedIn { state, client_ip, .. } = SignedIn::holding(Permission::Security).await?;
    Ok(SecuritySummary {
        two_step_enabled: crate::settings::two_step_enabled(&state.db).await?,
        cannot_receive: store::unreachable(&state.db, state.sms.is_some()).await?,
        your_ip: crate::request::client_addr::canonical(client_ip).to_string(),
        trust_days: crate::settings::trust_days(&state.db).await?,
    })
}

#[server(prefix = "/api", endpoint = "set_two_step")]
pub async fn set_two_step(enabled: bool) -> Result<ToggleOutcome, AppError> {
    use crate::permissions::Permission;
    use crate::request::context::SignedIn;
    let cx = SignedIn::holding(Permission::Security).await?;
    let outcome = store::set_two_step(&cx.state, &cx.user, enabled, cx.client_ip).await?;
    crate::form_post::answer::<SetTwoStep>(&outcome, Vec::new(), None).await?;
    Ok(outcome)
}

#[server(prefix = "/api", endpoint = "set_trust_days")]
pub async fn set_trust_days(days: i64) -> Result<SettingOutcome, AppError> {
    use crate::permissions::Permission;
    use crate::request::context::SignedIn;
    let cx = SignedIn::holding(Permission::Security).await?;
    let outcome = store::set_trust_days(&cx.state, &cx.user, days, cx.client_ip).await?;
    let typed = vec![("days".to_string(), days.to_string())];
    crate::form_post::answer::<SetTrustDays>(&outcome, typed, None).await?;
    Ok(outcome)
}

/// The newest `shown` events of the audit log (whole pages, capped), filtered by a person
/// (actor or subject) and a kind.
#[server(prefix = "/api", endpoint = "security_events")]
pub async fn security_events(person: String, kind: String, shown: i64) -> Result<EventsPage, AppError> {
    use crate::permissions::Permission;
    use crate::request::context::SignedIn;
    let SignedIn { state, .. } = SignedIn::holding(Permission::Security).await?;
    let person: String = person.chars().take(100).collect();
    let kind: String = kind.chars().take(100).collect();
    Ok(crate::audit::events::newest(&state.db, &person, &kind, events_shown(shown)).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_shown_in_whole_pages_up_to_the_most() {
        assert_eq!(events_shown(0), 50);
        assert_eq!(events_shown(-7), 50);
        assert_eq!(events_shown(50), 50);
        assert_eq!(events_shown(51), 100);
        assert_eq!(events_shown(100), 100);
        assert_eq!(events_shown(EVENTS_SHOWN_MAX + 1), EVENTS_SHOWN_MAX);
        assert_eq!(events_shown(i64::MAX), EVENTS_SHOWN_MAX);
        assert_eq!(events_shown(i64::MIN), 50);
    }
}
