//! "Asking again for the password" (spec §1): the signed-in person types their current
//! password in the same form as the change. A [`PasswordProof`] can only be had from
//! [`check_own_password`], so a function that takes one cannot be called without it.

use crate::auth::password::{Lane, StoredHash};
use crate::auth::password_step::reserve_attempt;
use crate::auth::throttle;
use crate::error::AppError;
use crate::limits::PASSWORD_MAX;
use crate::personnel::people::{self, username_key};
use crate::request::context::SignedIn;

/// The person's current password was typed and matched, in this request.
#[derive(Debug)]
pub struct PasswordProof {
    user_id: i64,
    /// The hash it matched and the person's session epoch then: what the proof allows is
    /// done only if both are still so, inside the write ([`proof_holds`]). A reset, a
    /// deactivation or a methods reset committed while the password was being checked
    /// wins, and nothing changes.
    stored: StoredHash,
    epoch: i64,
}

impl PasswordProof {
    pub fn user_id(&self) -> i64 {
        self.user_id
    }

    pub fn matched(&self) -> &StoredHash {
        &self.stored
    }

    /// A proof of a password checked earlier in a test (a race with a reset, say).
    #[cfg(test)]
    pub(crate) fn checked_earlier(user_id: i64, stored: StoredHash, epoch: i64) -> Self {
        Self {
            user_id,
            stored,
            epoch,
        }
    }
}

/// A proof kept between the two requests of a ceremony that asked for the password in
/// its first (**Add a passkey**), in the server-side session record: a browser cannot
/// make or change one. Good for [`KeptProof::LIFETIME`] seconds, for its own person.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct KeptProof {
    user_id: i64,
    stored: String,
    epoch: i64,
    checked_at: crate::clock::UnixSeconds,
}

impl KeptProof {
    /// As long as a browser gives a person to answer a passkey prompt, and a little more.
    pub const LIFETIME: i64 = 5 * 60;

    pub fn keep(proof: PasswordProof, now: crate::clock::UnixSeconds) -> KeptProof {
        KeptProof {
            user_id: proof.user_id,
            stored: proof.stored.as_str().to_string(),
            epoch: proof.epoch,
            checked_at: now,
        }
    }

    /// The proof again, for `user_id` within its lifetime; what it allows is still done
    /// only if it holds inside the write ([`proof_holds`]).
    pub fn resume(self, user_id: i64, now: crate::clock::UnixSeconds) -> Option<PasswordProof> {
        let fresh = (self.checked_at..self.checked_at + Self::LIFETIME).contains(&now);
        (fresh && self.user_id == user_id).then(|| PasswordProof {
            user_id,
            stored: StoredHash::from_stored(self.stored),
            epoch: self.epoch,
        })
    }
}

/// [`check_own_password`] for a change of the second step: setting up or removing an app
/// or a passkey, recovery codes, one's own email or mobile. A session that gave no second
/// step (its sign-in skipped the code from an office network) is refused before any
/// hash: the office skips the code, never the setting up of a second step, so someone
/// with the password in the office cannot make a second step of their own for later use.
/// The refusal's text (in the request's language), when there is no proof.
pub async fn check_own_password_for_second_step(
    cx: &SignedIn,
    typed: String,
) -> Result<Result<PasswordProof, &'static str>, AppError> {
    let said = crate::i18n::account_texts::server();
    if cx.no_second_step {
        return Ok(Err(said.second_step_needed));
    }
    Ok(check_own_password(cx, typed).await?.ok_or(said.not_your_password))
}

/// Checks a signed-in person's own password: a password guess like any other, so under
/// the same throttle, reserved before the hash. `None` when it is wrong (or the throttle
/// refused the try).
pub async fn check_own_password(cx: &SignedIn, typed: String) -> Result<Option<PasswordProof>, AppError> {
    let SignedIn {
        state,
        user,
        client_ip,
        device_cookie,
        ..
    } = cx;
    if typed.is_empty() || typed.chars().count() > PASSWORD_MAX {
        return Ok(None);
    }
    let now = state.clock.now();
    let key = username_key(&user.username);
    let Some(reservation) = reserve_attempt(state, &key, *client_ip, device_cookie.as_deref(), now).await?
    else {
        return Ok(None);
    };
    let Some((stored, epoch)) = people::password_and_epoch(&state.db, user.id).await? else {
        return Ok(None);
    };
    match state
        .hasher
        .verify(typed, Some(stored.clone()), Lane::of(&reservation, Some(user.id)))
        .await
    {
        Ok(false) => Ok(None),
        Ok(true) => {
            throttle::release(&state.db, reservation).await?;
            Ok(Some(PasswordProof {
                user_id: user.id,
                stored,
                epoch,
            }))
        }
        Err(busy) => {
            throttle::release(&state.db, reservation).await?;
            Err(busy.into())
        }
    }
}

/// Whether `proof` still holds, read inside the caller's write transaction: the person is
/// active, with the password it matched and the sessions it was given in.
pub async fn proof_holds(
    conn: impl Into<crate::db::Conn<'_>>,
    proof: &PasswordProof,
) -> Result<bool, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |c| {
        let holds: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM users
             WHERE id = $1 AND active = TRUE AND password_hash = $2 AND session_epoch = $3",
        )
        .bind(proof.user_id)
        .bind(proof.stored.as_str())
        .bind(proof.epoch)
        .fetch_one(c)
        .await?;
        Ok(holds == 1)
    })
}
