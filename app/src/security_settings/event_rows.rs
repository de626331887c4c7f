//! The security events as the Security page lists them: shared by the page and
//! `audit::events`, which fills them, in a module of their own so neither imports the
//! other's.

use serde::{Deserialize, Serialize};

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
    /// The newest events that match, at most the number asked for.
    pub rows: Vec<EventRow>,
    /// How many match in all.
    pub total: i64,
    /// Every kind stored so far, for the filter.
    pub kinds: Vec<String>,
}
