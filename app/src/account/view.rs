//! What My account shows of the person: a type of its own, so that `personnel::people`,
//! which reads it, and the account's server functions need not import each other.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AccountView {
    pub name: String,
    pub username: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
}
