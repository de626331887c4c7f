//! Who may see and do what: the three permissions, the signed-in person as every check
//! sees them, who may manage whom. System › Permissions' grid: its server functions in
//! `api` and its SQL and the last-holder rule (that Personnel applies too) in `store`;
//! `held` is the one insert of a grant, for every door that grants.
//! This file holds only the shared types, so every module may use them without an
//! import circle.

pub mod api;
#[cfg(feature = "ssr")]
pub mod held;
#[cfg(feature = "ssr")]
pub mod store;

// The grid's server functions, where the pages have always found them.
pub use api::*;

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

    /// The English name, as the command line prints it and the audit keeps it.
    pub fn label(self) -> &'static str {
        match self {
            Permission::Personnel => "Personnel",
            Permission::Permissions => "Permissions",
            Permission::Security => "Security",
        }
    }

    /// The name people see on a page, in its language (`t`: `crate::i18n::t().system`).
    pub fn name(self, t: &crate::i18n::system_texts::SystemTexts) -> &'static str {
        match self {
            Permission::Personnel => t.permissions.personnel,
            Permission::Permissions => t.permissions.permissions,
            Permission::Security => t.permissions.security,
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
    /// The language they chose, if they chose one (it wins over the browser's).
    pub language: Option<crate::i18n::Lang>,
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
