//! Step 1 of signing in (spec §2 "Password step").

use super::session;
use crate::audit::{self, Event, EventKind};
use crate::error::AppError;
use crate::messages::INCORRECT_CREDENTIALS;
use crate::model::{LoginOutcome, safe_next};
use crate::security::client_addr::network_of;
use crate::security::throttle;
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
            session::start(session, person.id, person.session_epoch).await?;
            audit::record(
                &state.pool,
                now,
                Event {
                    kind: EventKind::SignInOk,
                    actor_id: Some(person.id),
                    subject_id: Some(person.id),
                    client_ip: Some(client_ip),
                    detail: "password".into(),
                },
            )
            .await?;
            Ok(LoginOutcome::SignedIn {
                next: safe_next(next),
            })
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
