//! "Asking again for the password" (spec §1): the signed-in person types their current
//! password in the same form as the change. A [`PasswordProof`] can only be had from
//! [`check_own_password`], so a function that takes one cannot be called without it.

use crate::auth::password::StoredHash;
use crate::auth::password_step::reserve_attempt;
use crate::auth::throttle;
use crate::error::AppError;
use crate::limits::PASSWORD_MAX;
use crate::permissions::CurrentUser;
use crate::personnel::people::{self, username_key};
use crate::state::AppState;
use std::net::IpAddr;

/// The person's current password was typed and matched, in this request.
#[derive(Debug)]
pub struct PasswordProof {
    user_id: i64,
    /// The hash it matched: a change of the password itself is made only if this is
    /// still the stored one (a reset by an administrator meanwhile wins).
    stored: StoredHash,
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
    pub(crate) fn checked_earlier(user_id: i64, stored: StoredHash) -> Self {
        Self { user_id, stored }
    }
}

/// The line next to a current password that did not match.
pub const NOT_YOUR_PASSWORD: &str = "That is not your current password.";

/// Checks a signed-in person's own password: a password guess like any other, so under
/// the same throttle, reserved before the hash. `None` when it is wrong (or the throttle
/// refused the try).
pub async fn check_own_password(
    state: &AppState,
    user: &CurrentUser,
    client_ip: IpAddr,
    typed: String,
    device_cookie: Option<&str>,
) -> Result<Option<PasswordProof>, AppError> {
    if typed.is_empty() || typed.chars().count() > PASSWORD_MAX {
        return Ok(None);
    }
    let now = state.clock.now();
    let key = username_key(&user.username);
    let Some(reservation) = reserve_attempt(state, &key, client_ip, device_cookie, now).await? else {
        return Ok(None);
    };
    let stored = people::password_hash_of(&state.db, user.id).await?;
    match state.hasher.verify(typed, Some(stored.clone())).await {
        Ok(false) => Ok(None),
        Ok(true) => {
            throttle::release(&state.db, reservation).await?;
            Ok(Some(PasswordProof {
                user_id: user.id,
                stored,
            }))
        }
        Err(busy) => {
            throttle::release(&state.db, reservation).await?;
            Err(busy.into())
        }
    }
}
