//! Trusted IP addresses as pages show them: every entry (System › Security) or one's
//! own (My account), each deletable. Changes reach open pages through server-sent events
//! (`/api/trusted_events`, served by the server crate).
//!
//! This module: the rows and orders both sides share, and the server functions;
//! `store` keeps the SQL (trust, honour, list, delete, the clean-up).

#[cfg(feature = "ssr")]
pub mod store;

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

    /// As the Security page's menu names it, in the page's language.
    pub fn label(self) -> &'static str {
        let t = &crate::i18n::t().account.trusted;
        match self {
            TrustedOrder::NewestFirst => t.newest_first,
            TrustedOrder::Person => t.person,
            TrustedOrder::Address => t.address,
            TrustedOrder::ExpiresFirst => t.expires_soonest,
            TrustedOrder::LastUsed => t.last_used,
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

/// Every live entry, filtered by person or address, one page at a time (Security).
#[server(prefix = "/api", endpoint = "trusted_networks")]
pub async fn trusted_networks(
    filter: String,
    order: TrustedOrder,
    offset: i64,
) -> Result<TrustedPage, AppError> {
    use crate::permissions::Permission;
    use crate::request::context::SignedIn;
    let SignedIn { state, .. } = SignedIn::holding(Permission::Security).await?;
    let now = state.clock.now();
    let filter: String = filter.chars().take(100).collect();
    let offset = crate::limits::list_offset(offset);
    let (rows, total) = store::list(&state.db, &filter, order, offset, PAGE_SIZE, now).await?;
    Ok(TrustedPage {
        rows: rows.into_iter().map(store::row).collect(),
        total,
        offset,
        now,
    })
}

/// Deletes any entry (Security).
#[server(prefix = "/api", endpoint = "delete_trusted")]
pub async fn delete_trusted(id: i64) -> Result<(), AppError> {
    use crate::permissions::Permission;
    use crate::request::context::SignedIn;
    let cx = SignedIn::holding(Permission::Security).await?;
    store::delete_audited(&cx.state, cx.user.id, id, None, cx.client_ip).await
}

/// The signed-in person's own entries (My account).
#[server(prefix = "/api", endpoint = "my_trusted")]
pub async fn my_trusted() -> Result<TrustedPage, AppError> {
    use crate::request::context::SignedIn;
    let SignedIn { state, user, .. } = SignedIn::anyone().await?;
    let now = state.clock.now();
    let rows = store::list_of(&state.db, user.id, now).await?;
    Ok(TrustedPage {
        total: rows.len() as i64,
        rows: rows.into_iter().map(store::row).collect(),
        offset: 0,
        now,
    })
}

/// Deletes one of the signed-in person's own entries; anyone else's is 404.
#[server(prefix = "/api", endpoint = "delete_my_trusted")]
pub async fn delete_my_trusted(id: i64) -> Result<(), AppError> {
    use crate::request::context::SignedIn;
    let cx = SignedIn::anyone().await?;
    store::delete_audited(&cx.state, cx.user.id, id, Some(cx.user.id), cx.client_ip).await
}
