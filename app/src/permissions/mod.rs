//! System › Permissions: who may see what.

#[cfg(feature = "ssr")]
pub mod store;

use crate::error::AppError;
use crate::model::Permission;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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
pub fn may_manage(actor: &crate::model::CurrentUser, subject_id: i64, subject_holds: &[Permission]) -> bool {
    actor.id == subject_id || subject_holds.iter().all(|p| actor.may(*p))
}

#[server(prefix = "/api", endpoint = "permission_grid")]
pub async fn permission_grid() -> Result<Vec<GridRow>, AppError> {
    crate::auth::session::require_permission(Permission::Permissions).await?;
    let state = crate::state::app_state()?;
    Ok(store::grid(&state.pool).await?)
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
