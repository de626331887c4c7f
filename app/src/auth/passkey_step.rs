//! Sign in with a passkey alone, at step 1 (spec §1 "Sign in, step 1", §2 "Passkeys"): no
//! username, no password, no code: the authenticator offers the passkeys it keeps for
//! this site, checks the person (fingerprint, face or PIN) and names them by their
//! handle. The same throttle as a password (a failure counts against the network and
//! the person named), the same device cookie and the same audit as any sign-in; it never
//! trusts a network.

use super::signed_in::{self, SignIn};
use super::{LoginOutcome, PasskeyAsk, misses, passkeys, safe_next, throttle};
use crate::audit::{self, Event, EventKind};
use crate::error::AppError;
use crate::i18n::said;
use crate::personnel::people;
use crate::state::AppState;
use std::net::IpAddr;
use tower_sessions::Session;

/// The name a failure is counted under when the passkey names nobody we know: all such
/// failures share one count, besides their network's.
const UNKNOWN_PERSON: &str = "\u{0}unknown passkey";

/// The options the browser passes to the authenticator (JSON), and the challenge sealed
/// for the browser to hand back with the answer. Nothing is stored: anyone may ask.
pub fn options(state: &AppState) -> Result<PasskeyAsk, AppError> {
    let rp = state.policy.relying_party()?;
    let (options, challenge) = passkeys::begin_alone(&rp).ok_or(AppError::Internal)?;
    let challenge = passkeys::seal_alone(&state.secret_key, challenge, state.clock.now());
    Ok(PasskeyAsk { options, challenge })
}

/// The authenticator's answer (JSON) to the sealed `challenge`. Signed in when it answers
/// that challenge, unspent and in time, with a passkey of an active person, verified, its
/// counter moving on; otherwise the one refusal, counted as a failed attempt.
pub async fn sign_in(
    state: &AppState,
    session: &Session,
    client_ip: IpAddr,
    answer: &str,
    challenge: &str,
    next: Option<&str>,
    device_cookie: Option<&str>,
) -> Result<LoginOutcome, AppError> {
    let now = state.clock.now();
    let refused = |message: &str| LoginOutcome::Refused {
        message: message.to_string(),
    };
    let challenge = passkeys::open_alone(&state.secret_key, challenge, now);
    let rp = state.policy.relying_party()?;
    let presented = passkeys::read_alone(&rp, answer);
    let person = match &presented {
        Some(presented) => passkeys::person_of(&state.db, presented.handle).await?,
        None => None,
    };
    let person = match person {
        Some(id) => people::active_by_id(&state.db, id)
            .await?
            .map(|(key, epoch)| (id, key, epoch)),
        None => None,
    };
    let name_key = person.as_ref().map_or(UNKNOWN_PERSON, |(_, key, _)| key.as_str());
    let Some(reservation) =
        super::password_step::reserve_attempt(state, name_key, client_ip, device_cookie, now).await?
    else {
        tracing::warn!(%client_ip, "passkey sign-in refused by the throttle");
        return Ok(refused(said().passkey_not_accepted));
    };
    let accepted = match (challenge, presented, &person) {
        (Some(challenge), Some(presented), Some((user_id, _, _))) => {
            match passkeys::credential(&state.db, *user_id, &presented.credential_id).await? {
                Some(passkey) => passkeys::finish_alone(&rp, &presented, challenge.state.clone(), &passkey)
                    .map(|checked| (checked, challenge)),
                None => None,
            }
        }
        _ => None,
    };
    // The challenge is spent and the counter moved on in one write: of two answers sent
    // at once, one signs in.
    let accepted = match (accepted, &person) {
        (Some((checked, challenge)), Some((user_id, _, _))) => {
            let mut tx = state.db.begin_write().await?;
            let used = passkeys::spend_alone(&mut tx, &challenge, now).await?
                && passkeys::record_use(&mut tx, *user_id, &checked, now).await?;
            if used {
                tx.commit().await?;
            }
            used
        }
        _ => false,
    };
    let subject = person.as_ref().map(|(id, _, _)| *id);
    let Some((user_id, _, epoch)) = person.filter(|_| accepted) else {
        // The reservation stays: it is this failure.
        let event = Event {
            kind: EventKind::SignInFailed,
            actor_id: None,
            subject_id: subject,
            client_ip: Some(client_ip),
            detail: "passkey not accepted".into(),
        };
        audit::record(&state.db, now, event).await?;
        return Ok(refused(said().passkey_not_accepted));
    };
    throttle::release(&state.db, reservation).await?;
    // Locked after wrong answers at step 2: only a new password set by someone else
    // opens the account again, whatever the way in.
    if misses::locked(&state.db, user_id).await? {
        let event = Event::own(EventKind::SignInFailed, user_id, client_ip, "step 2 is locked");
        audit::record(&state.db, now, event).await?;
        return Ok(refused(said().second_step_locked));
    }
    let sign_in = SignIn {
        user_id,
        epoch,
        device_cookie,
        client_ip,
        how: "passkey",
    };
    signed_in::finish(state, session, sign_in).await?;
    Ok(LoginOutcome::SignedIn {
        next: safe_next(next),
    })
}
