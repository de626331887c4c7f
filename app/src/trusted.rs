//! Trusted IP addresses as pages show them: every entry (System › Security) or one's
//! own (My account), each deletable. Changes reach open pages through server-sent events
//! (`/api/trusted_events`, served by the server crate).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Rows per page of the Security page's table.
pub const PAGE_SIZE: i64 = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedRow {
    pub id: i64,
    /// As people read it: `203.0.113.7`, `2001:db8:1:2::/64`.
    pub network: String,
    pub name: String,
    pub username: String,
    pub added: i64,
    pub last_used: Option<i64>,
    pub expires: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedPage {
    pub rows: Vec<TrustedRow>,
    pub total: i64,
    pub offset: i64,
    /// The server's clock, for "in 29 days" that reads the same on both sides.
    pub now: i64,
}

/// The orders the table offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TrustedOrder {
    #[default]
    NewestFirst,
    Person,
    Address,
    ExpiresFirst,
    LastUsed,
}

impl TrustedOrder {
    pub const ALL: [TrustedOrder; 5] = [
        TrustedOrder::NewestFirst,
        TrustedOrder::Person,
        TrustedOrder::Address,
        TrustedOrder::ExpiresFirst,
        TrustedOrder::LastUsed,
    ];

    pub fn label(self) -> &'static str {
        match self {
            TrustedOrder::NewestFirst => "Newest first",
            TrustedOrder::Person => "Person",
            TrustedOrder::Address => "IP address",
            TrustedOrder::ExpiresFirst => "Expires soonest",
            TrustedOrder::LastUsed => "Last used",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            TrustedOrder::NewestFirst => "newest",
            TrustedOrder::Person => "person",
            TrustedOrder::Address => "address",
            TrustedOrder::ExpiresFirst => "expires",
            TrustedOrder::LastUsed => "used",
        }
    }

    pub fn from_key(key: &str) -> Self {
        Self::ALL.into_iter().find(|o| o.key() == key).unwrap_or_default()
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::audit::{self, Event, EventKind};
    use crate::security::trust::{self, Listed, Order};
    use crate::state::AppState;
    use std::net::IpAddr;

    pub fn row(listed: Listed) -> TrustedRow {
        TrustedRow {
            id: listed.id,
            network: trust::display(&listed.network),
            name: listed.name,
            username: listed.username,
            added: listed.created_at,
            last_used: listed.last_used_at,
            expires: listed.expires_at,
        }
    }

    pub fn order(order: TrustedOrder) -> Order {
        match order {
            TrustedOrder::NewestFirst => Order::NewestFirst,
            TrustedOrder::Person => Order::Person,
            TrustedOrder::Address => Order::Network,
            TrustedOrder::ExpiresFirst => Order::ExpiresFirst,
            TrustedOrder::LastUsed => Order::LastUsed,
        }
    }

    /// Deletes entry `id` (only `owner`'s, when given), audits who did it and tells open
    /// pages. An entry that is not there (or not theirs) is 404: nothing tells them apart.
    pub async fn delete(
        state: &AppState,
        actor_id: i64,
        id: i64,
        owner: Option<i64>,
        client_ip: IpAddr,
    ) -> Result<(), AppError> {
        let Some((user_id, network)) = trust::delete(&state.pool, id, owner).await? else {
            return Err(AppError::NotFound.with_status());
        };
        let event = Event {
            kind: EventKind::NetworkDeleted,
            actor_id: Some(actor_id),
            subject_id: Some(user_id),
            client_ip: Some(client_ip),
            detail: trust::display(&network),
        };
        audit::record(&state.pool, state.clock.now(), event).await?;
        state.trust_changed(user_id);
        Ok(())
    }
}

/// Every live entry, filtered by person or address, one page at a time (Security).
#[server(prefix = "/api", endpoint = "trusted_networks")]
pub async fn trusted_networks(
    filter: String,
    order: TrustedOrder,
    offset: i64,
) -> Result<TrustedPage, AppError> {
    use crate::auth::session;
    use crate::model::Permission;
    session::require_permission(Permission::Security).await?;
    let state = crate::state::app_state()?;
    let now = state.clock.now();
    let filter: String = filter.chars().take(100).collect();
    let offset = offset.max(0);
    let (rows, total) =
        crate::security::trust::list(&state.pool, &filter, ssr::order(order), offset, PAGE_SIZE, now).await?;
    Ok(TrustedPage {
        rows: rows.into_iter().map(ssr::row).collect(),
        total,
        offset,
        now,
    })
}

/// Deletes any entry (Security).
#[server(prefix = "/api", endpoint = "delete_trusted")]
pub async fn delete_trusted(id: i64) -> Result<(), AppError> {
    use crate::auth::session;
    use crate::model::Permission;
    let actor = session::require_permission(Permission::Security).await?;
    let state = crate::state::app_state()?;
    let client_ip = session::request_client_ip().await?.0;
    ssr::delete(&state, actor.id, id, None, client_ip).await
}

/// The signed-in person's own entries (My account).
#[server(prefix = "/api", endpoint = "my_trusted")]
pub async fn my_trusted() -> Result<TrustedPage, AppError> {
    let user = crate::auth::session::require_user().await?;
    let state = crate::state::app_state()?;
    let now = state.clock.now();
    let rows = crate::security::trust::list_of(&state.pool, user.id, now).await?;
    Ok(TrustedPage {
        total: rows.len() as i64,
        rows: rows.into_iter().map(ssr::row).collect(),
        offset: 0,
        now,
    })
}

/// Deletes one of the signed-in person's own entries; anyone else's is 404.
#[server(prefix = "/api", endpoint = "delete_my_trusted")]
pub async fn delete_my_trusted(id: i64) -> Result<(), AppError> {
    use crate::auth::session;
    let user = session::require_user().await?;
    let state = crate::state::app_state()?;
    let client_ip = session::request_client_ip().await?.0;
    ssr::delete(&state, user.id, id, Some(user.id), client_ip).await
}
