//! Permissions in the database, and the rules that keep someone able to administer.

use super::{ChangeOutcome, GridRow};
use crate::audit::{self, Event, EventKind};
use crate::db::WritePool;
use crate::error::AppError;
use crate::permissions::{CurrentUser, Permission};
use crate::personnel::people::Holding;
use crate::state::AppState;
use std::net::IpAddr;

pub async fn grid(db: &crate::db::Db) -> Result<Vec<GridRow>, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        let rows: Vec<Holding> = sqlx::query_as(
            "SELECT u.id AS id, u.name AS name, u.username AS username, string_agg(p.permission, ',') AS held
         FROM users u LEFT JOIN user_permissions p ON p.user_id = u.id
         WHERE u.active = TRUE
         GROUP BY u.id, u.name, u.username ORDER BY lower(u.name), u.id",
        )
        .fetch_all(pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| GridRow {
                permissions: row.permissions(),
                id: row.id,
                name: row.name,
                username: row.username,
            })
            .collect())
    })
}

/// Whether `user_id` is the only active person holding `permission`.
pub async fn is_last_active_holder(
    conn: impl Into<crate::db::Conn<'_>>,
    user_id: i64,
    permission: Permission,
) -> Result<bool, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |db| {
        let (holds, others): (bool, i64) = sqlx::query_as(
            "SELECT
            EXISTS (SELECT 1 FROM user_permissions WHERE user_id = $1 AND permission = $2),
            (SELECT COUNT(*) FROM user_permissions p JOIN users u ON u.id = p.user_id
              WHERE p.permission = $2 AND u.active = TRUE AND u.id <> $1)",
        )
        .bind(user_id)
        .bind(permission.as_str())
        .fetch_one(db)
        .await?;
        Ok(holds && others == 0)
    })
}

/// Grants or removes one permission, in one write transaction with its rules.
pub async fn set(
    state: &AppState,
    actor: &CurrentUser,
    user_id: i64,
    permission: Permission,
    granted: bool,
    client_ip: IpAddr,
) -> Result<ChangeOutcome, AppError> {
    let now = state.clock.now();
    // The refusals, in the request's language (read before anything is awaited).
    let said = &crate::i18n::system_texts::server().permissions;
    let shown = permission.name(crate::i18n::request_lang().texts().system);
    crate::db::on_db!(&state.db, |pool| {
        let mut tx = pool.begin_write().await?;
        let subject: Option<String> =
            sqlx::query_scalar("SELECT username FROM users WHERE id = $1 AND active = TRUE")
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(username) = subject else {
            return Ok(ChangeOutcome::Refused {
                message: said.not_active.into(),
            });
        };
        if !granted {
            if user_id == actor.id && permission == Permission::Permissions {
                return Ok(ChangeOutcome::Refused {
                    message: said.own_permissions.into(),
                });
            }
            if matches!(permission, Permission::Permissions | Permission::Security)
                && is_last_active_holder(&mut tx, user_id, permission).await?
            {
                return Ok(ChangeOutcome::Refused {
                    message: (said.last_holder)(&username, shown),
                });
            }
        }
        let changed = if granted {
            super::held::hold(&mut tx, user_id, permission).await?
        } else {
            let removed = sqlx::query("DELETE FROM user_permissions WHERE user_id = $1 AND permission = $2")
                .bind(user_id)
                .bind(permission.as_str())
                .execute(&mut *tx)
                .await?;
            removed.rows_affected() > 0
        };
        if changed {
            let kind = if granted {
                EventKind::PermissionGranted
            } else {
                EventKind::PermissionRemoved
            };
            let event = Event {
                kind,
                actor_id: Some(actor.id),
                subject_id: Some(user_id),
                client_ip: Some(client_ip),
                detail: permission.label().to_string(),
            };
            audit::record(&mut *tx, now, event).await?;
        }
        tx.commit().await?;
        Ok(ChangeOutcome::Saved)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Backend;
    use crate::testing::person;
    use crate::testing::state_on;

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));

    async fn holds(state: &AppState, id: i64, p: Permission) -> bool {
        crate::personnel::people::permissions_of(&state.db, id)
            .await
            .unwrap()
            .contains(&p)
    }

    async fn the_last_holder_of_security_or_permissions_keeps_it(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let admin = person(&state, "Admin", "admin", &Permission::ALL).await;
        let other = person(&state, "Other", "other", &[Permission::Permissions]).await;
        // `other` may administer permissions, but cannot strip the only Security holder.
        let outcome = set(&state, &other, admin.id, Permission::Security, false, IP)
            .await
            .unwrap();
        assert!(matches!(outcome, ChangeOutcome::Refused { ref message } if message.contains("last person")));
        assert!(holds(&state, admin.id, Permission::Security).await);
        // With a second holder, removal is fine.
        set(&state, &admin, other.id, Permission::Security, true, IP)
            .await
            .unwrap();
        assert_eq!(
            set(&state, &other, admin.id, Permission::Security, false, IP)
                .await
                .unwrap(),
            ChangeOutcome::Saved
        );
        assert!(!holds(&state, admin.id, Permission::Security).await);
    }

    async fn nobody_removes_their_own_permissions_permission(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let admin = person(&state, "Admin", "admin", &Permission::ALL).await;
        let other = person(&state, "Other", "other", &[Permission::Permissions]).await;
        let outcome = set(&state, &admin, admin.id, Permission::Permissions, false, IP)
            .await
            .unwrap();
        assert!(matches!(outcome, ChangeOutcome::Refused { ref message } if message.contains("your own")));
        assert!(holds(&state, admin.id, Permission::Permissions).await);
        // Someone else may remove it, since `admin` is not the last holder.
        assert_eq!(
            set(&state, &other, admin.id, Permission::Permissions, false, IP)
                .await
                .unwrap(),
            ChangeOutcome::Saved
        );
    }

    async fn an_inactive_holder_does_not_count(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let admin = person(&state, "Admin", "admin", &Permission::ALL).await;
        let gone = person(&state, "Gone", "gone", &[Permission::Security]).await;
        crate::testing::deactivate(&state, gone.id).await;
        let other = person(&state, "Other", "other", &[Permission::Permissions]).await;
        let outcome = set(&state, &other, admin.id, Permission::Security, false, IP)
            .await
            .unwrap();
        assert!(matches!(outcome, ChangeOutcome::Refused { .. }));
    }

    async fn grants_and_removals_are_audited_once(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let admin = person(&state, "Admin", "admin", &Permission::ALL).await;
        let jdoe = person(&state, "Jane Doe", "jdoe", &[]).await;
        set(&state, &admin, jdoe.id, Permission::Personnel, true, IP)
            .await
            .unwrap();
        set(&state, &admin, jdoe.id, Permission::Personnel, true, IP)
            .await
            .unwrap();
        set(&state, &admin, jdoe.id, Permission::Personnel, false, IP)
            .await
            .unwrap();
        let kinds: Vec<String> = crate::db::on_db!(&state.db, |pool| sqlx::query_scalar(
            "SELECT kind FROM audit WHERE subject_id = $1 AND kind LIKE 'permission%' ORDER BY id",
        )
        .bind(jdoe.id)
        .fetch_all(pool)
        .await)
        .unwrap();
        assert_eq!(kinds, ["permission_granted", "permission_removed"]);
    }

    async fn the_grid_lists_active_people_by_name_with_their_permissions(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        person(&state, "Zoë", "zoe", &[Permission::Security]).await;
        person(&state, "alice", "alice", &[]).await;
        let gone = person(&state, "Bob", "bob", &[]).await;
        crate::testing::deactivate(&state, gone.id).await;
        let rows = grid(&state.db).await.unwrap();
        let names: Vec<_> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["alice", "Zoë"]);
        assert_eq!(rows[1].permissions, [Permission::Security]);
    }

    crate::on_both_backends!(
        the_last_holder_of_security_or_permissions_keeps_it,
        nobody_removes_their_own_permissions_permission,
        an_inactive_holder_does_not_count,
        grants_and_removals_are_audited_once,
        the_grid_lists_active_people_by_name_with_their_permissions,
    );
}
