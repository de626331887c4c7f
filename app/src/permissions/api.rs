//! System › Permissions' server functions.

use super::{ChangeOutcome, GridRow, Permission};
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "permission_grid")]
pub async fn permission_grid() -> Result<Vec<GridRow>, AppError> {
    crate::auth::session::require_permission(Permission::Permissions).await?;
    let state = crate::state::app_state()?;
    Ok(super::store::grid(&state.db).await?)
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
    super::store::set(&state, &actor, user_id, permission, granted, client_ip).await
}
