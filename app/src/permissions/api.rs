//! System › Permissions' server functions.

use super::{ChangeOutcome, GridRow, Permission};
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "permission_grid")]
pub async fn permission_grid() -> Result<Vec<GridRow>, AppError> {
    use crate::request::context::SignedIn;
    let SignedIn { state, .. } = SignedIn::holding(Permission::Permissions).await?;
    Ok(super::store::grid(&state.db).await?)
}

#[server(prefix = "/api", endpoint = "set_permission")]
pub async fn set_permission(
    user_id: i64,
    permission: Permission,
    granted: bool,
) -> Result<ChangeOutcome, AppError> {
    use crate::request::context::SignedIn;
    let SignedIn {
        state,
        user: actor,
        client_ip,
    } = SignedIn::holding(Permission::Permissions).await?;
    super::store::set(&state, &actor, user_id, permission, granted, client_ip).await
}
