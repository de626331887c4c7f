//! Who may see and do what: the three permissions, the signed-in person as every check
//! sees them, who may manage whom, and System › Permissions' grid (`store` keeps the SQL
//! and the last-holder rule that Permissions and Personnel both apply).

#[cfg(feature = "ssr")]
pub mod store;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a person may see and do beyond their own account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Permission {
    Personnel,
    Permissions,
    Security,
}

impl Permission {
    pub const ALL: [Permission; 3] = [
        Permission::Personnel,
        Permission::Permissions,
        Permission::Security,
    ];

    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Personnel => "personnel",
            Permission::Permissions => "permissions",
            Permission::Security => "security",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == stored)
    }

    /// The name people see.
    pub fn label(self) -> &'static str {
        match self {
            Permission::Personnel => "Personnel",
            Permission::Permissions => "Permissions",
            Permission::Security => "Security",
        }
    }
}

/// The signed-in person, as the pages need them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub username: String,
    pub permissions: Vec<Permission>,
}

impl CurrentUser {
    pub fn may(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }
}

/// One row of the grid: an active person and what they hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridRow {
    pub id: i64,
    pub name: String,
    pub username: String,
    pub permissions: Vec<Permission>,
}

/// The answer to a checkbox change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeOutcome {
    Saved,
    Refused { message: String },
}

/// Whether `actor` may change the sign-in details (email, mobile, password, active) of
/// person `subject_id`, who holds `subject_holds`: themselves always; anyone else only
/// when the actor holds every permission the subject holds, so nobody can take over an
/// account that could do more than their own.
pub fn may_manage(actor: &CurrentUser, subject_id: i64, subject_holds: &[Permission]) -> bool {
    actor.id == subject_id || subject_holds.iter().all(|p| actor.may(*p))
}

#[server(prefix = "/api", endpoint = "permission_grid")]
pub async fn permission_grid() -> Result<Vec<GridRow>, AppError> {
    crate::auth::session::require_permission(Permission::Permissions).await?;
    let state = crate::state::app_state()?;
    Ok(store::grid(&state.db).await?)
}

#[server(prefix = "/api", endpoint = "set_permission")]
pub async fn set_permission(
    user_id: i64,
    permission: Permission,
    granted: bool,
) -> Result<ChangeOutcome, AppError> {
    use crate::auth::session;
    let actor = session::require_permission(Permission::Permissions).await?;
    let state = crate::state::app_state()?;
    let client_ip = session::request_client_ip().await?.0;
    store::set(&state, &actor, user_id, permission, granted, client_ip).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_round_trips_through_its_stored_form() {
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.as_str()), Some(p));
        }
        assert_eq!(Permission::parse("admin"), None);
    }
}
