//! Step 1 of signing in (spec §2 "Password step"). With two-step authentication on, a
//! right password from a network this person has not trusted leads on to step 2.

use super::code_step::{self, Verified};
use super::session;
use crate::audit::{self, Event, EventKind};
use crate::error::AppError;
use crate::messages::INCORRECT_CREDENTIALS;
use crate::model::{LoginOutcome, safe_next};
use crate::security::client_addr::network_of;
use crate::security::{throttle, trust};
use crate::settings;
use crate::state::AppState;
use crate::users;
use std::net::IpAddr;
use tower_sessions::Session;

/// Longest username or password looked at; longer input is refused without hashing.
const MAX_INPUT: usize = 256;

/// Checks a username and password and, when they are right, signs the session in.
///
/// Every refusal has the same text: an unknown username, a wrong password, an inactive
/// person and a throttled attempt cannot be told apart. An unknown username is checked
/// against a dummy hash so it costs the same work as a wrong password.
pub async fn sign_in(
    state: &AppState,
    session: &Session,
    client_ip: IpAddr,
    username: &str,
    password: String,
    next: Option<&str>,
) -> Result<LoginOutcome, AppError> {
    let now = state.clock.now();
    let key = users::username_key(username);
    let network = network_of(client_ip).to_string();
    let refused = || LoginOutcome::Refused {
        message: INCORRECT_CREDENTIALS.to_string(),
    };

    if key.is_empty() || key.len() > MAX_INPUT || password.len() > MAX_INPUT {
        return Ok(refused());
    }
    if !throttle::allows_attempt(&state.pool, &state.policy.throttle, &key, &network, now).await? {
        tracing::warn!(%client_ip, "password attempt refused by the throttle");
        return Ok(refused());
    }

    let person = users::find_for_sign_in(&state.pool, &key).await?;
    let stored = person.as_ref().map(|p| p.password_hash.clone());
    let correct = state.hasher.verify(password, stored).await?;

    match person {
        Some(person) if correct => {
            throttle::clear_person(&state.pool, &key).await?;
            let next = safe_next(next);
            let how = if !settings::two_step_enabled(&state.pool).await? {
                "password"
            } else if let Some(entry) = trust::honour(&state.pool, person.id, client_ip, now).await? {
                let event = Event::own(
                    EventKind::NetworkUsed,
                    person.id,
                    client_ip,
                    format!("entry {entry}"),
                );
                audit::record(&state.pool, now, event).await?;
                "password on a trusted network"
            } else {
                let verified = Verified {
                    user_id: person.id,
                    epoch: person.session_epoch,
                    contact: person.contact,
                };
                return code_step::begin(state, session, client_ip, verified, next).await;
            };
            session::start(session, person.id, person.session_epoch).await?;
            audit::record(
                &state.pool,
                now,
                Event::own(EventKind::SignInOk, person.id, client_ip, how),
            )
            .await?;
            Ok(LoginOutcome::SignedIn { next })
        }
        person => {
            throttle::record_failure(&state.pool, &state.policy.throttle, &key, &network, now).await?;
            audit::record(
                &state.pool,
                now,
                Event {
                    kind: EventKind::SignInFailed,
                    actor_id: None,
                    subject_id: person.map(|p| p.id),
                    client_ip: Some(client_ip),
                    detail: "wrong username or password".into(),
                },
            )
            .await?;
            Ok(refused())
        }
    }
}
