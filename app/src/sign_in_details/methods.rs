//! One's own second-step methods, changed in My account (spec §2 "Authenticator apps and
//! recovery codes", "Passkeys"): the only code that sets up, confirms or removes an
//! authenticator app, adds, renames or removes a passkey, or makes a set of recovery
//! codes. Each but Confirm and Rename takes the [`PasswordProof`] of the current password
//! typed in the same form and writes only if it still holds inside the write; each change
//! is audited and told. Someone else's methods go with the `MethodsReset` change, through
//! [`super::make`].

use super::{Notice, PasswordProof, notices, proof_holds, tell};
use crate::audit::{self, Event, EventKind};
use crate::auth::authenticator::{self, AppCode};
use crate::auth::{passkeys, recovery};
use crate::error::AppError;
use crate::request::context::SignedIn;

/// Refused: the change is mailed to the person each time, and it was made as often as
/// the notices' limit allows in the last hour (spec §2 "Notices").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooOften;

/// **Set up**: a new secret, not on until confirmed. `Unauthorized` when the proof was
/// outlived (a reset, a deactivation or a sign-out everywhere committed meanwhile).
pub async fn begin_app_setup(cx: &SignedIn, proof: &PasswordProof) -> Result<(), AppError> {
    let state = &cx.state;
    let mut tx = state.db.begin_write().await?;
    if !proof_holds(&mut tx, proof).await? {
        return Err(AppError::Unauthorized);
    }
    authenticator::begin_setup(&mut tx, &state.secret_key, cx.user.id, state.clock.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// **Confirm**: the set-up app is on once one of its codes matches (the code is the proof:
/// only the set-up asked for the password).
pub async fn confirm_app(cx: &SignedIn, typed: &str) -> Result<AppCode, AppError> {
    let (state, user) = (&cx.state, &cx.user);
    let now = state.clock.now();
    let checked = authenticator::check(&state.db, &state.secret_key, user.id, typed, true, now).await?;
    if checked == AppCode::Accepted {
        let event = Event::own(EventKind::AuthenticatorAdded, user.id, cx.client_ip, "");
        audit::record(&state.db, now, event).await?;
        tell(state, user.id, &[Notice::AppAdded]).await?;
    }
    Ok(checked)
}

/// **Remove**: the app goes (nothing happens when there is none).
pub async fn remove_app(cx: &SignedIn, proof: &PasswordProof) -> Result<Result<(), TooOften>, AppError> {
    let (state, user) = (&cx.state, &cx.user);
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if !proof_holds(&mut tx, proof).await? {
        return Err(AppError::Unauthorized);
    }
    if !authenticator::remove(&mut tx, user.id).await? {
        return Ok(Ok(()));
    }
    // Returning without a commit rolls the removal back.
    if !notices::reserve(&mut tx, user.id, &Notice::AppRemoved, now).await? {
        return Ok(Err(TooOften));
    }
    let event = Event::own(
        EventKind::AuthenticatorRemoved,
        user.id,
        cx.client_ip,
        "by its owner",
    );
    audit::record(&mut tx, now, event).await?;
    tx.commit().await?;
    notices::send_reserved(state, user.id, &Notice::AppRemoved).await?;
    Ok(Ok(()))
}

/// **Create**: a new set of recovery codes, returned this once; the earlier set is void.
pub async fn create_recovery_codes(
    cx: &SignedIn,
    proof: &PasswordProof,
) -> Result<Result<Vec<String>, TooOften>, AppError> {
    let (state, user) = (&cx.state, &cx.user);
    let now = state.clock.now();
    // Made only if the proof still holds when they are written: a methods reset by an
    // administrator that commits while the password is being checked wins.
    let mut tx = state.db.begin_write().await?;
    if !proof_holds(&mut tx, proof).await? {
        return Err(AppError::Unauthorized);
    }
    // Ten new ways in: the person hears of each set, in case it was not them, so a loop
    // of Create is refused before it becomes a flood of mail.
    if !notices::reserve(&mut tx, user.id, &Notice::RecoveryCodesCreated, now).await? {
        return Ok(Err(TooOften));
    }
    let codes = recovery::create(&mut tx, &state.secret_key, user.id).await?;
    let event = Event::own(
        EventKind::RecoveryCodesCreated,
        user.id,
        cx.client_ip,
        format!("{} codes; any earlier set is void", codes.len()),
    );
    audit::record(&mut tx, now, event).await?;
    tx.commit().await?;
    notices::send_reserved(state, user.id, &Notice::RecoveryCodesCreated).await?;
    Ok(Ok(codes))
}

/// Why a passkey was not added or removed (said next to the control).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasskeyRefused {
    TooOften,
    /// The person has the most passkeys allowed already.
    TooMany,
    /// The browser's answer was not a new passkey of this site with user verification
    /// (cancelled, too late, from another site, or already added).
    NotAccepted,
    /// No such passkey of this person.
    NotFound,
}

const ADDING_PASSKEY: &str = "adding_passkey";

/// **Add a passkey**, between its two requests: in the server-side session record only.
#[derive(serde::Serialize, serde::Deserialize)]
struct AddingPasskey {
    registration: webauthn_rs::prelude::PasskeyRegistration,
    proof: super::proof::KeptProof,
    name: String,
}

/// **Add a passkey**, first half, once the current password matched: the options the
/// browser passes to the authenticator (JSON). The person's WebAuthn handle is made here
/// if they had none.
pub async fn begin_passkey(
    cx: &SignedIn,
    session: &tower_sessions::Session,
    proof: PasswordProof,
    name: String,
) -> Result<Result<String, PasskeyRefused>, AppError> {
    let (state, user) = (&cx.state, &cx.user);
    let now = state.clock.now();
    let rp = state.policy.relying_party()?;
    let mut tx = state.db.begin_write().await?;
    if !proof_holds(&mut tx, &proof).await? {
        return Err(AppError::Unauthorized);
    }
    let existing = passkeys::credentials_of(&mut tx, user.id).await?;
    if existing.len() as i64 >= passkeys::MOST_PER_PERSON {
        return Ok(Err(PasskeyRefused::TooMany));
    }
    let handle = passkeys::handle_for(&mut tx, user.id).await?;
    tx.commit().await?;
    let (options, registration) =
        passkeys::begin_registration(&rp, handle, &user.username, &user.name, &existing)
            .ok_or(AppError::Internal)?;
    let adding = AddingPasskey {
        registration,
        proof: super::proof::KeptProof::keep(proof, now),
        name,
    };
    session.insert(ADDING_PASSKEY, adding).await?;
    Ok(Ok(options))
}

/// **Add a passkey**, second half: the authenticator's answer (JSON). The passkey is
/// added if it answers this session's challenge and the password proof still holds;
/// audited and mailed. The challenge is spent whatever the answer.
pub async fn finish_passkey(
    cx: &SignedIn,
    session: &tower_sessions::Session,
    answer: &str,
) -> Result<Result<(), PasskeyRefused>, AppError> {
    let (state, user) = (&cx.state, &cx.user);
    let now = state.clock.now();
    let Some(adding) = session.remove::<AddingPasskey>(ADDING_PASSKEY).await? else {
        return Ok(Err(PasskeyRefused::NotAccepted));
    };
    let Some(proof) = adding.proof.resume(user.id, now) else {
        return Ok(Err(PasskeyRefused::NotAccepted));
    };
    let rp = state.policy.relying_party()?;
    let Some(passkey) = passkeys::finish_registration(&rp, answer, &adding.registration) else {
        return Ok(Err(PasskeyRefused::NotAccepted));
    };
    let mut tx = state.db.begin_write().await?;
    if !proof_holds(&mut tx, &proof).await? {
        return Err(AppError::Unauthorized);
    }
    let id = match passkeys::add(&mut tx, user.id, &passkey, &adding.name, now).await? {
        Ok(id) => id,
        Err(passkeys::NotAdded::TooMany) => return Ok(Err(PasskeyRefused::TooMany)),
        Err(passkeys::NotAdded::Known) => return Ok(Err(PasskeyRefused::NotAccepted)),
    };
    let notice = Notice::PasskeyAdded {
        name: adding.name.clone(),
    };
    // Returning without a commit rolls the addition back.
    if !notices::reserve(&mut tx, user.id, &notice, now).await? {
        return Ok(Err(PasskeyRefused::TooOften));
    }
    let event = Event::own(
        EventKind::PasskeyAdded,
        user.id,
        cx.client_ip,
        format!("passkey {id}: {}", adding.name),
    );
    audit::record(&mut tx, now, event).await?;
    tx.commit().await?;
    notices::send_reserved(state, user.id, &notice).await?;
    Ok(Ok(()))
}

/// **Remove <name>**: the person's passkey `id` goes, once their password proves it is
/// them; audited and mailed.
pub async fn remove_passkey(
    cx: &SignedIn,
    proof: &PasswordProof,
    id: i64,
) -> Result<Result<(), PasskeyRefused>, AppError> {
    let (state, user) = (&cx.state, &cx.user);
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if !proof_holds(&mut tx, proof).await? {
        return Err(AppError::Unauthorized);
    }
    let Some(name) = passkeys::remove(&mut tx, user.id, id).await? else {
        return Ok(Err(PasskeyRefused::NotFound));
    };
    let notice = Notice::PasskeyRemoved { name: name.clone() };
    if !notices::reserve(&mut tx, user.id, &notice, now).await? {
        return Ok(Err(PasskeyRefused::TooOften));
    }
    let event = Event::own(
        EventKind::PasskeyRemoved,
        user.id,
        cx.client_ip,
        format!("passkey {id}: {name}, by its owner"),
    );
    audit::record(&mut tx, now, event).await?;
    tx.commit().await?;
    notices::send_reserved(state, user.id, &notice).await?;
    Ok(Ok(()))
}

/// Renames the person's passkey `id` (a label for them: nothing to ask or mail), audited
/// with both names so that a later removal's audit can be followed back.
pub async fn rename_passkey(
    cx: &SignedIn,
    id: i64,
    name: &str,
) -> Result<Result<(), PasskeyRefused>, AppError> {
    let (state, user) = (&cx.state, &cx.user);
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let Some(before) = passkeys::rename(&mut tx, user.id, id, name).await? else {
        return Ok(Err(PasskeyRefused::NotFound));
    };
    let event = Event::own(
        EventKind::PasskeyRenamed,
        user.id,
        cx.client_ip,
        format!("passkey {id}: {before} → {name}"),
    );
    audit::record(&mut tx, now, event).await?;
    tx.commit().await?;
    Ok(Ok(()))
}
