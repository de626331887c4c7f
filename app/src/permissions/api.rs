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
    let cx = SignedIn::holding(Permission::Permissions).await?;
    super::store::set(&cx.state, &cx.user, user_id, permission, granted, cx.client_ip).await
}
