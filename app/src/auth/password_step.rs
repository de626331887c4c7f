//! Step 1 of signing in (spec §2 "Password step"). With two-step authentication on, a
//! right password from a network this person has not trusted leads on to step 2.

use super::NoCodeReason;
use super::code_skip;
use super::code_step::{self, Verified};
use super::device;
use super::signed_in::{self, SignIn};
use crate::audit::{self, Event, EventKind};
use crate::auth::password::Lane;
use crate::auth::{LoginOutcome, safe_next};
use crate::auth::{misses, throttle};
use crate::error::AppError;
use crate::i18n::said;
use crate::limits::PASSWORD_MAX;
use crate::personnel::people;
use crate::settings;
use crate::state::AppState;
use std::net::IpAddr;
use tower_sessions::Session;

/// Longest username looked at; longer input is refused without hashing.
const MAX_USERNAME: usize = 256;

/// Reserves a password attempt for the name typed as `username_key` from `client_ip`,
/// counted against the browser's device cookie when it presents a valid one for that
/// person (spec §2 "Password step"). Every door that checks a password calls this before
/// the hash; `None` when the throttle refuses.
pub(crate) async fn reserve_attempt(
    state: &AppState,
    username_key: &str,
    client_ip: IpAddr,
    device_cookie: Option<&str>,
    now: crate::clock::UnixSeconds,
) -> Result<Option<throttle::Reservation>, AppError> {
    let device = device::recognise(&state.db, device_cookie, username_key, now).await?;
    let typed_name = throttle::TypedName::of(&state.secret_key, username_key);
    Ok(throttle::reserve(
        &state.db,
        &state.policy.throttle,
        &typed_name,
        &throttle::Source::ip(client_ip),
        device,
        now,
    )
    .await?)
}

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
    device_cookie: Option<&str>,
) -> Result<LoginOutcome, AppError> {
    let now = state.clock.now();
    let key = people::username_key(username);
    let refused = || LoginOutcome::Refused {
        message: said().incorrect_credentials.to_string(),
    };

    // No password longer than the limit was ever set: refused without hashing.
    if key.is_empty() || key.len() > MAX_USERNAME || password.chars().count() > PASSWORD_MAX {
        return Ok(refused());
    }
    // Counted before the hash, so a burst sent at once cannot outrun the limit.
    let Some(reservation) = reserve_attempt(state, &key, client_ip, device_cookie, now).await? else {
        tracing::warn!(%client_ip, "password attempt refused by the throttle");
        return Ok(refused());
    };

    let person = people::find_for_sign_in(&state.db, &key).await?;
    let stored = person.as_ref().map(|p| p.password_hash.clone());
    let correct = match state
        .hasher
        .verify(
            password,
            stored,
            Lane::of(&reservation, person.as_ref().map(|p| p.id)),
        )
        .await
    {
        Ok(correct) => correct,
        Err(busy) => {
            // Not checked, so not a failure: a flood must not spend the person's tries.
            throttle::release(&state.db, reservation).await?;
            return Err(busy.into());
        }
    };

    match person {
        Some(person) if correct => {
            throttle::release(&state.db, reservation).await?;
            // Someone knows this password and guessed at step 2 until it locked: the
            // password alone opens nothing now, not from a trusted network, not with
            // two-step turned off (only after the right password is this said).
            if misses::locked(&state.db, person.id).await? {
                let event = Event::own(EventKind::SignInFailed, person.id, client_ip, "step 2 is locked");
                audit::record(&state.db, now, event).await?;
                return Ok(LoginOutcome::Refused {
                    message: said().second_step_locked.to_string(),
                });
            }
            let next = safe_next(next);
            let mut no_code = None;
            let how = if !settings::two_step_enabled(&state.db).await? {
                "password"
            } else if let Some(reason) = code_skip::at_sign_in(state, person.id, client_ip, now).await? {
                let how = match reason {
                    NoCodeReason::TrustedEntry { .. } => "password on a trusted network",
                    NoCodeReason::Office { .. } => "password in an office network",
                };
                no_code = Some(reason);
                how
            } else {
                let verified = Verified {
                    user_id: person.id,
                    epoch: person.session_epoch,
                    contact: person.contact,
                    device: match reservation.against {
                        throttle::CountedAgainst::Device(id) => Some(id),
                        throttle::CountedAgainst::PersonAndNetwork => None,
                    },
                };
                return code_step::begin(state, session, client_ip, verified, next).await;
            };
            let sign_in = SignIn {
                user_id: person.id,
                epoch: person.session_epoch,
                device_cookie,
                client_ip,
                how,
            };
            signed_in::finish(state, session, sign_in).await?;
            if let Some(reason) = &no_code {
                super::session::note_no_code(session, reason).await?;
            }
            Ok(LoginOutcome::SignedIn { next })
        }
        person => {
            // The reservation stays: it is this failure.
            audit::record(
                &state.db,
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
