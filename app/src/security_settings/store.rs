//! The Security page's reads and writes.

use super::{ToggleOutcome, Unreachable};
use crate::audit::{self, Event, EventKind};
use crate::auth::channel::Channel;
use crate::error::AppError;
use crate::model::CurrentUser;
use crate::settings;
use crate::state::AppState;
use crate::users::Contact;
use sqlx::SqlitePool;
use std::net::IpAddr;

pub const ACTOR_HAS_NO_CHANNEL: &str = "You have no email address on file, so you could not sign in \
     with two-step authentication on. Add your email address in Personnel first.";

type ContactRow = (i64, String, String, Option<String>, Option<String>);

/// Active people whose sign-in would be refused for want of a channel, by name.
pub async fn unreachable(pool: &SqlitePool, sms_configured: bool) -> Result<Vec<Unreachable>, sqlx::Error> {
    let rows: Vec<ContactRow> = sqlx::query_as(
        "SELECT id, name, username, email, mobile FROM users WHERE active = 1 ORDER BY name COLLATE NOCASE, id",
    )
    .fetch_all(pool)
    .await?;
    // One rule for "can receive a code": the one sign-in uses.
    Ok(rows
        .into_iter()
        .filter(|(_, name, _, email, mobile)| {
            let contact = Contact {
                name: name.clone(),
                email: email.clone(),
                mobile: mobile.clone(),
            };
            Channel::of(&contact, sms_configured).is_none()
        })
        .map(|(id, name, username, _, _)| Unreachable { id, name, username })
        .collect())
}

/// Turns two-step authentication on or off. Turning it on is refused while the acting
/// admin has no channel: they would lock themselves out.
pub async fn set_two_step(
    state: &AppState,
    actor: &CurrentUser,
    enabled: bool,
    client_ip: IpAddr,
) -> Result<ToggleOutcome, AppError> {
    let now = state.clock.now();
    if enabled {
        let unreachable = unreachable(&state.pool, state.sms.is_some()).await?;
        if unreachable.iter().any(|person| person.id == actor.id) {
            return Ok(ToggleOutcome::Refused {
                message: ACTOR_HAS_NO_CHANNEL.to_string(),
            });
        }
    }
    let mut tx = state.pool.begin().await?;
    if settings::two_step_enabled(&mut *tx).await? != enabled {
        settings::set_two_step_enabled(&mut *tx, enabled).await?;
        let kind = if enabled {
            EventKind::TwoStepEnabled
        } else {
            EventKind::TwoStepDisabled
        };
        let event = Event {
            kind,
            actor_id: Some(actor.id),
            subject_id: None,
            client_ip: Some(client_ip),
            detail: String::new(),
        };
        audit::record(&mut *tx, now, event).await?;
    }
    tx.commit().await?;
    Ok(ToggleOutcome::Saved { enabled })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Permission;
    use crate::testing::{person, state};

    fn ip() -> IpAddr {
        "198.51.100.7".parse().unwrap()
    }

    async fn set_email(state: &AppState, id: i64, email: Option<&str>) {
        sqlx::query("UPDATE users SET email = ?2 WHERE id = ?1")
            .bind(id)
            .bind(email)
            .execute(&state.pool)
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn people_without_email_are_listed_and_block_only_themselves() {
        let (state, _db) = state().await;
        let admin = person(&state, "Ann Admin", "ann", &[Permission::Security]).await;
        let clerk = person(&state, "Carl Clerk", "carl", &[]).await;
        let unreachable_names =
            |list: Vec<Unreachable>| list.into_iter().map(|u| u.username).collect::<Vec<_>>();
        assert_eq!(
            unreachable_names(unreachable(&state.pool, false).await.unwrap()),
            ["ann", "carl"]
        );

        let refused = set_two_step(&state, &admin, true, ip()).await.unwrap();
        assert_eq!(
            refused,
            ToggleOutcome::Refused {
                message: ACTOR_HAS_NO_CHANNEL.into()
            }
        );
        assert!(
            !settings::two_step_enabled(&state.pool).await.unwrap(),
            "nothing changed"
        );

        set_email(&state, admin.id, Some("ann@example.com")).await;
        assert_eq!(
            set_two_step(&state, &admin, true, ip()).await.unwrap(),
            ToggleOutcome::Saved { enabled: true }
        );
        assert!(settings::two_step_enabled(&state.pool).await.unwrap());
        assert_eq!(
            unreachable_names(unreachable(&state.pool, false).await.unwrap()),
            ["carl"]
        );
        let _ = clerk;

        let kinds: Vec<String> = sqlx::query_scalar("SELECT kind FROM audit WHERE kind LIKE 'two_step%'")
            .fetch_all(&state.pool)
            .await
            .unwrap();
        assert_eq!(kinds, ["two_step_enabled"]);
        set_two_step(&state, &admin, false, ip()).await.unwrap();
        assert!(!settings::two_step_enabled(&state.pool).await.unwrap());
    }

    #[tokio::test]
    async fn a_mobile_counts_only_when_sms_is_configured() {
        let (state, _db) = state().await;
        let clerk = person(&state, "Carl", "carl", &[]).await;
        sqlx::query("UPDATE users SET mobile = '+32471234567' WHERE id = ?1")
            .bind(clerk.id)
            .execute(&state.pool)
            .await
            .unwrap();
        assert_eq!(unreachable(&state.pool, false).await.unwrap().len(), 1);
        assert!(unreachable(&state.pool, true).await.unwrap().is_empty());
    }
}
