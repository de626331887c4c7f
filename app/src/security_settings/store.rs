//! The Security page's reads and writes: the toggle (refused while the admin has no
//! channel), who cannot receive a code, the trust period, and the hourly clean-up of
//! expired trusted networks.

use super::{SettingOutcome, TRUST_DAYS_RANGE, ToggleOutcome, Unreachable};
use crate::audit::{self, Event, EventKind};
use crate::auth::channel::Channel;
use crate::db::WritePool;
use crate::error::AppError;
use crate::mail::{self, Mailer};
use crate::permissions::CurrentUser;
use crate::permissions::Permission;
use crate::personnel::people;
use crate::settings;
use crate::state::AppState;
use crate::trusted_networks::store as trust;
use std::net::IpAddr;

/// Active people whose sign-in would be refused for want of a channel, by name. An
/// authenticator app that is on, or a passkey, counts as a way to receive a code.
pub async fn unreachable(db: &crate::db::Db, sms_configured: bool) -> Result<Vec<Unreachable>, sqlx::Error> {
    let mut with_app = crate::auth::authenticator::people_with_app(db).await?;
    with_app.extend(crate::auth::passkeys::people_with_passkey(db).await?);
    // One rule for "can receive a code": the one sign-in uses.
    Ok(people::active_contacts(db)
        .await?
        .into_iter()
        .filter(|person| {
            Channel::of(&person.contact, sms_configured).is_none() && !with_app.contains(&person.id)
        })
        .map(|person| Unreachable {
            id: person.id,
            name: person.contact.name,
            username: person.username,
        })
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
        let unreachable = unreachable(&state.db, state.sms.is_some()).await?;
        if unreachable.iter().any(|person| person.id == actor.id) {
            return Ok(ToggleOutcome::Refused {
                message: crate::i18n::system_texts::server()
                    .security
                    .actor_has_no_channel
                    .to_string(),
            });
        }
    }
    let changed = switch_two_step(&state.db, enabled, now, Some((actor.id, client_ip))).await?;
    if changed {
        tell_security_holders(state, actor, enabled).await?;
    }
    Ok(ToggleOutcome::Saved { enabled })
}

/// Writes the two-step setting and, when it changed, its event, in one write
/// transaction. `by`: the person and their address, or `None` for the operator at the
/// command line. Returns whether it changed.
pub async fn switch_two_step(
    db: &crate::db::Db,
    enabled: bool,
    now: crate::clock::UnixSeconds,
    by: Option<(i64, IpAddr)>,
) -> Result<bool, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let changed = settings::two_step_enabled(&mut *tx).await? != enabled;
        if changed {
            settings::set_two_step_enabled(&mut *tx, enabled).await?;
            let kind = if enabled {
                EventKind::TwoStepEnabled
            } else {
                EventKind::TwoStepDisabled
            };
            match by {
                Some((actor_id, client_ip)) => {
                    let event = Event {
                        kind,
                        actor_id: Some(actor_id),
                        subject_id: None,
                        client_ip: Some(client_ip),
                        detail: String::new(),
                    };
                    audit::record(&mut *tx, now, event).await?;
                }
                None => audit::record_by_operator(&mut *tx, now, kind, None, "").await?,
            }
        }
        tx.commit().await?;
        Ok(changed)
    })
}

/// Mails every active holder of the Security permission that two-step authentication
/// was turned on or off, and by whom (in the background: the click does not wait).
async fn tell_security_holders(state: &AppState, actor: &CurrentUser, enabled: bool) -> Result<(), AppError> {
    let holders: Vec<(String, String, Option<String>)> =
        crate::db::on_db!(&state.db, |pool| sqlx::query_as(
            "SELECT u.name, u.email, u.language FROM users u JOIN user_permissions p ON p.user_id = u.id
         WHERE p.permission = $1 AND u.active = TRUE AND u.email IS NOT NULL AND u.email != ''",
        )
        .bind(Permission::Security.as_str())
        .fetch_all(pool)
        .await)?;
    let mailer: std::sync::Arc<Mailer> = state.mailer.clone();
    let actor_name = actor.name.clone();
    // Each in their own language, else the language of the page the change came from.
    let page_lang = crate::i18n::request_lang();
    tokio::spawn(async move {
        for (name, email, language) in holders {
            let lang = crate::i18n::Lang::from_saved(language.as_deref()).unwrap_or(page_lang);
            let letter = mail::two_step_changed_letter(lang, &name, &email, enabled, &actor_name);
            if let Err(error) = mailer.send(letter).await {
                tracing::error!(%error, "the two-step change notice could not be sent");
            }
        }
    });
    Ok(())
}

pub async fn set_trust_days(
    state: &AppState,
    actor: &CurrentUser,
    days: i64,
    client_ip: IpAddr,
) -> Result<SettingOutcome, AppError> {
    if !TRUST_DAYS_RANGE.contains(&days) {
        return Ok(SettingOutcome::Refused {
            message: (crate::i18n::system_texts::server().security.trust_days_range)(
                *TRUST_DAYS_RANGE.start(),
                *TRUST_DAYS_RANGE.end(),
            ),
        });
    }
    let mut tx = state.db.begin_write().await?;
    let before = settings::trust_days(&mut tx).await?;
    let mut whose_changed = Vec::new();
    if before != days {
        settings::set_trust_days(&mut tx, days).await?;
        // The period counts from when each entry was added: a shorter one applies to
        // entries trusted under the longer one (and a longer one lengthens them).
        whose_changed = trust::apply_period(&mut tx, days, state.clock.now()).await?;
        let event = Event {
            kind: EventKind::TrustPeriodChanged,
            actor_id: Some(actor.id),
            subject_id: None,
            client_ip: Some(client_ip),
            detail: format!("{before} → {days} days"),
        };
        audit::record(&mut tx, state.clock.now(), event).await?;
    }
    tx.commit().await?;
    for user_id in whose_changed {
        state.trust_changed(user_id);
    }
    Ok(SettingOutcome::Saved)
}

/// Removes every expired trusted network, audits each as expired and tells open pages.
/// Runs at start and every hour; an expired entry is never honoured before it either.
pub async fn remove_expired_trust(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now();
    let removed = trust::remove_expired(&state.db, now).await?;
    for entry in &removed {
        let event = Event {
            kind: EventKind::NetworkExpired,
            actor_id: None,
            subject_id: Some(entry.user_id),
            client_ip: None,
            detail: trust::display(&entry.network),
        };
        audit::record(&state.db, now, event).await?;
        state.trust_changed(entry.user_id);
    }
    Ok(removed.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Backend;
    use crate::permissions::Permission;
    use crate::testing::person;
    use crate::testing::state_on;

    fn ip() -> IpAddr {
        "198.51.100.7".parse().unwrap()
    }

    async fn set_email(state: &AppState, id: i64, email: Option<&str>) {
        crate::db::on_db!(&state.db, |pool| sqlx::query(
            "UPDATE users SET email = $2 WHERE id = $1"
        )
        .bind(id)
        .bind(email)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))
        .unwrap();
    }

    async fn people_without_email_are_listed_and_block_only_themselves(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let admin = person(&state, "Ann Admin", "ann", &[Permission::Security]).await;
        let clerk = person(&state, "Carl Clerk", "carl", &[]).await;
        let unreachable_names =
            |list: Vec<Unreachable>| list.into_iter().map(|u| u.username).collect::<Vec<_>>();
        assert_eq!(
            unreachable_names(unreachable(&state.db, false).await.unwrap()),
            ["ann", "carl"]
        );

        let refused = set_two_step(&state, &admin, true, ip()).await.unwrap();
        assert_eq!(
            refused,
            ToggleOutcome::Refused {
                message: crate::i18n::system_texts::EN_SERVER
                    .security
                    .actor_has_no_channel
                    .into()
            }
        );
        assert!(
            !settings::two_step_enabled(&state.db).await.unwrap(),
            "nothing changed"
        );

        set_email(&state, admin.id, Some("ann@example.com")).await;
        assert_eq!(
            set_two_step(&state, &admin, true, ip()).await.unwrap(),
            ToggleOutcome::Saved { enabled: true }
        );
        assert!(settings::two_step_enabled(&state.db).await.unwrap());
        assert_eq!(
            unreachable_names(unreachable(&state.db, false).await.unwrap()),
            ["carl"]
        );
        let _ = clerk;

        let kinds: Vec<String> = crate::db::on_db!(&state.db, |pool| sqlx::query_scalar(
            "SELECT kind FROM audit WHERE kind LIKE 'two_step%'"
        )
        .fetch_all(pool)
        .await)
        .unwrap();
        assert_eq!(kinds, ["two_step_enabled"]);
        set_two_step(&state, &admin, false, ip()).await.unwrap();
        assert!(!settings::two_step_enabled(&state.db).await.unwrap());
    }

    async fn an_authenticator_app_counts_as_a_way_to_receive_a_code(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let admin = person(&state, "Ann Admin", "ann", &[Permission::Security]).await;
        let _clerk = person(&state, "Carl Clerk", "carl", &[]).await;
        let now = state.clock.now();
        // Set up but not confirmed: not yet a way in.
        let secret = crate::auth::authenticator::begin_setup(&state.db, &state.secret_key, admin.id, now)
            .await
            .unwrap()
            .unwrap();
        assert!(matches!(
            set_two_step(&state, &admin, true, ip()).await.unwrap(),
            ToggleOutcome::Refused { .. }
        ));
        let code = crate::auth::totp::code_at_step(&secret, now / 30, 6).unwrap();
        crate::auth::authenticator::check(&state.db, &state.secret_key, admin.id, &code, true, now)
            .await
            .unwrap();
        let names: Vec<_> = unreachable(&state.db, false)
            .await
            .unwrap()
            .into_iter()
            .map(|u| u.username)
            .collect();
        assert_eq!(names, ["carl"], "Ann's app reaches her");
        assert_eq!(
            set_two_step(&state, &admin, true, ip()).await.unwrap(),
            ToggleOutcome::Saved { enabled: true }
        );
    }

    async fn the_clean_up_removes_and_audits_only_what_expired_and_tells_open_pages(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane", "jdoe", &[]).await;
        let now = state.clock.now();
        trust::trust(&state.db, jdoe.id, ip(), 30, now).await.unwrap();
        trust::trust(&state.db, jdoe.id, "203.0.113.9".parse().unwrap(), 30, now + 120)
            .await
            .unwrap();
        let mut listening = state.trust_events.subscribe();
        let clock = crate::clock::ManualClock::at(now + 30 * trust::DAY + 60);
        let later = AppState::from(crate::state::Services {
            clock: std::sync::Arc::new(clock),
            ..state.parts()
        });
        assert_eq!(
            remove_expired_trust(&later).await.unwrap(),
            1,
            "30 d 1 min: gone; 30 d - 1 min: kept"
        );
        assert_eq!(
            listening.try_recv().unwrap(),
            crate::changes::TrustChange::Person(jdoe.id)
        );
        let expired: Vec<String> = crate::db::on_db!(&state.db, |pool| sqlx::query_scalar(
            "SELECT detail FROM audit WHERE kind = 'network_expired'"
        )
        .fetch_all(pool)
        .await)
        .unwrap();
        assert_eq!(expired, ["198.51.100.7"]);
    }

    async fn the_trust_period_is_one_to_ninety_days_and_audited(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let admin = person(&state, "Ann", "ann", &[Permission::Security]).await;
        for bad in [0, 91, -5] {
            assert!(matches!(
                set_trust_days(&state, &admin, bad, ip()).await.unwrap(),
                SettingOutcome::Refused { .. }
            ));
        }
        assert_eq!(
            settings::trust_days(&state.db).await.unwrap(),
            30,
            "nothing changed"
        );
        assert_eq!(
            set_trust_days(&state, &admin, 7, ip()).await.unwrap(),
            SettingOutcome::Saved
        );
        assert_eq!(settings::trust_days(&state.db).await.unwrap(), 7);
        let page = crate::audit::events::newest(&state.db, "ann", "trust_period_changed", 50)
            .await
            .unwrap();
        assert_eq!(page.total, 1);
        assert_eq!(page.rows[0].detail, "30 → 7 days");
        assert_eq!(page.rows[0].actor.as_deref(), Some("Ann"));
    }

    async fn a_shorter_trust_period_applies_to_entries_already_trusted(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let admin = person(&state, "Ann", "ann", &[Permission::Security]).await;
        let jdoe = person(&state, "Jane", "jdoe", &[]).await;
        let now = state.clock.now();
        // Trusted ten days ago and three days ago under the 30-day period.
        let recent: std::net::IpAddr = "203.0.113.50".parse().unwrap();
        trust::trust(&state.db, jdoe.id, ip(), 30, now - 10 * trust::DAY)
            .await
            .unwrap();
        trust::trust(&state.db, jdoe.id, recent, 30, now - 3 * trust::DAY)
            .await
            .unwrap();
        let mut listening = state.trust_events.subscribe();
        set_trust_days(&state, &admin, 7, ip()).await.unwrap();
        assert_eq!(
            listening.try_recv().unwrap(),
            crate::changes::TrustChange::Person(jdoe.id),
            "open pages re-read"
        );
        assert_eq!(
            trust::honour(&state.db, jdoe.id, ip(), now).await.unwrap(),
            None,
            "10 days > 7"
        );
        let listed = trust::list_of(&state.db, jdoe.id, now).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(
            listed[0].expires_at,
            now + 4 * trust::DAY,
            "added + the current period"
        );
        // A longer period again lengthens what is in force, never what expired.
        set_trust_days(&state, &admin, 30, ip()).await.unwrap();
        assert_eq!(
            trust::honour(&state.db, jdoe.id, ip(), now).await.unwrap(),
            None,
            "expired stays expired"
        );
        let listed = trust::list_of(&state.db, jdoe.id, now).await.unwrap();
        assert_eq!(listed[0].expires_at, now + 27 * trust::DAY);
        assert!(
            trust::honour(&state.db, jdoe.id, recent, now)
                .await
                .unwrap()
                .is_some()
        );
    }

    async fn a_mobile_counts_only_when_sms_is_configured(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let clerk = person(&state, "Carl", "carl", &[]).await;
        crate::db::on_db!(&state.db, |pool| sqlx::query(
            "UPDATE users SET mobile = '+32471234567' WHERE id = $1"
        )
        .bind(clerk.id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))
        .unwrap();
        assert_eq!(unreachable(&state.db, false).await.unwrap().len(), 1);
        assert!(unreachable(&state.db, true).await.unwrap().is_empty());
    }

    crate::on_both_backends!(
        an_authenticator_app_counts_as_a_way_to_receive_a_code,
        people_without_email_are_listed_and_block_only_themselves,
        the_clean_up_removes_and_audits_only_what_expired_and_tells_open_pages,
        the_trust_period_is_one_to_ninety_days_and_audited,
        a_shorter_trust_period_applies_to_entries_already_trusted,
        a_mobile_counts_only_when_sms_is_configured,
    );
}
