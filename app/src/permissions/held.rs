//! The one writer of grants into `user_permissions`, a leaf every door that grants calls
//! (the grid, the operator's `grant`, a new person's permissions).

use super::Permission;

/// Gives `user_id` the `permission`, inside the caller's write transaction. Returns
/// whether they did not hold it yet; the caller audits.
pub async fn hold(
    conn: impl Into<crate::db::Conn<'_>>,
    user_id: i64,
    permission: Permission,
) -> Result<bool, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |db| {
        let added = sqlx::query(
            "INSERT INTO user_permissions (user_id, permission) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(user_id)
        .bind(permission.as_str())
        .execute(db)
        .await?;
        Ok(added.rows_affected() > 0)
    })
}
