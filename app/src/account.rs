//! The signed-in person's own account.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub name: String,
    pub username: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
}

#[server(prefix = "/api", endpoint = "my_account")]
pub async fn my_account() -> Result<AccountView, AppError> {
    let user = crate::auth::session::require_user().await?;
    let state = crate::state::app_state()?;
    let (name, username, email, mobile): (String, String, Option<String>, Option<String>) =
        sqlx::query_as("SELECT name, username, email, mobile FROM users WHERE id = ?1")
            .bind(user.id)
            .fetch_one(&state.pool)
            .await?;
    Ok(AccountView {
        name,
        username,
        email,
        mobile,
    })
}
