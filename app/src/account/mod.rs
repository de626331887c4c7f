//! The signed-in person's own account.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub mod language;
pub mod view;

pub use view::AccountView;

#[server(prefix = "/api", endpoint = "my_account")]
pub async fn my_account() -> Result<AccountView, AppError> {
    use crate::request::context::SignedIn;
    let SignedIn { state, user, .. } = SignedIn::anyone().await?;
    Ok(crate::personnel::people::account_view(&state.db, user.id).await?)
}

/// Why a password change was not made, per field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordErrors {
    pub current: Option<String>,
    pub new: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasswordChange {
    Changed,
    Invalid(PasswordErrors),
}

/// Changes the signed-in person's password. Success ends their other sessions; this
/// one continues under a new id.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(current: String, new: String) -> Result<PasswordChange, AppError> {
    use crate::auth::session;
    use crate::request::context::SignedIn;
    let cx = SignedIn::anyone().await?;
    let browser = session::request_session().await?;
    let outcome = ssr::change_password(&cx, &browser, current, new)
        .await
        .map_err(AppError::with_status)?;
    crate::form_post::answer::<ChangePassword>(&outcome, Vec::new(), None).await?;
    Ok(outcome)
}

/// What My account's Email and Mobile form sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactTyped {
    pub email: String,
    pub mobile: String,
    pub current: String,
}

/// Why an email or mobile change was not made, per field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactErrors {
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub current: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContactChange {
    Changed,
    Unchanged,
    Invalid(ContactErrors),
}

/// Changes the signed-in person's own email address and mobile number, once their
/// current password, typed in the same form, matches (spec §1 "Asking again for the
/// password"). A new address withdraws their trusted networks and the codes already sent,
/// and both the old and the new address are told.
#[server(prefix = "/api", endpoint = "change_contact")]
pub async fn change_contact(
    email: String,
    mobile: String,
    current: String,
) -> Result<ContactChange, AppError> {
    use crate::request::context::SignedIn;
    let cx = SignedIn::anyone().await?;
    let typed_back = vec![
        ("email".to_string(), email.clone()),
        ("mobile".to_string(), mobile.clone()),
    ];
    let typed = ContactTyped {
        email,
        mobile,
        current,
    };
    let outcome = ssr::change_contact(&cx, typed)
        .await
        .map_err(AppError::with_status)?;
    crate::form_post::answer::<ChangeContact>(&outcome, typed_back, None).await?;
    Ok(outcome)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::{PasswordChange, PasswordErrors};
    use crate::auth::new_password;
    use crate::auth::session;
    use crate::error::AppError;
    use crate::personnel::people;
    use crate::request::context::SignedIn;
    use crate::sign_in_details;
    use tower_sessions::Session;

    pub async fn change_password(
        cx: &SignedIn,
        browser: &Session,
        current: String,
        new: String,
    ) -> Result<PasswordChange, AppError> {
        let (state, user, client_ip) = (&cx.state, &cx.user, cx.client_ip);
        let not_your_password = crate::i18n::account_texts::server().not_your_password;
        let invalid = |current: Option<&str>, new: Option<String>| {
            Ok(PasswordChange::Invalid(PasswordErrors {
                current: current.map(str::to_string),
                new,
            }))
        };
        if let Some(problem) = new_password::problem(&new, &[&user.name, &user.username]) {
            return invalid(None, Some(problem));
        }
        let Some(proof) = sign_in_details::check_own_password(cx, current).await? else {
            return invalid(Some(not_your_password), None);
        };
        let hash = state.hasher.hash(new).await?;
        let Some(epoch) = sign_in_details::change_own_password(state, user, &proof, &hash, client_ip).await?
        else {
            return invalid(Some(not_your_password), None);
        };
        people::forget_first_admin_password(state, user.id).await?;
        // Every other session of this person died with the epoch; this one lives on, and
        // gets a device cookie again (every cookie of theirs went with the old password):
        // the browser that just proved the password is the one a stranger must not lock out.
        session::start(browser, user.id, epoch).await?;
        crate::auth::device::after_sign_in(
            &state.db,
            user.id,
            None,
            state.clock.now(),
            state.policy.secure_cookies(),
        )
        .await?;
        Ok(PasswordChange::Changed)
    }

    /// My account's Email and Mobile: validated, then changed once the current password
    /// matched.
    pub async fn change_contact(
        cx: &SignedIn,
        typed: super::ContactTyped,
    ) -> Result<super::ContactChange, AppError> {
        let (state, user, client_ip) = (&cx.state, &cx.user, cx.client_ip);
        use crate::personnel::validate::{email_address, mobile_number};
        let email = email_address(&typed.email);
        let mobile = mobile_number(&typed.mobile, state.policy.default_region);
        let mut errors = super::ContactErrors {
            email: email.as_ref().err().cloned(),
            mobile: mobile.as_ref().err().cloned(),
            current: None,
        };
        let (Ok(email), Ok(mobile)) = (email, mobile) else {
            return Ok(super::ContactChange::Invalid(errors));
        };
        // Where codes go is part of the second step.
        let proof = match sign_in_details::check_own_password_for_second_step(cx, typed.current).await? {
            Ok(proof) => proof,
            Err(message) => {
                errors.current = Some(message.into());
                return Ok(super::ContactChange::Invalid(errors));
            }
        };
        let changed = sign_in_details::change_own_contact(
            state,
            user,
            &proof,
            email.as_deref(),
            mobile.as_deref(),
            client_ip,
        )
        .await?;
        Ok(if changed {
            super::ContactChange::Changed
        } else {
            super::ContactChange::Unchanged
        })
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::db::Backend;
    use crate::testing::state_on;
    use crate::testing::{PASSWORD, epoch, person, request_of};
    use std::sync::Arc;
    use tower_sessions::{MemoryStore, Session};

    const IP: std::net::IpAddr = std::net::IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));

    async fn a_wrong_current_password_changes_nothing(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane Doe", "jdoe", &[]).await;
        let browser = Session::new(None, Arc::new(MemoryStore::default()), None);
        let outcome = ssr::change_password(
            &request_of(&state, &jdoe, IP),
            &browser,
            "not it".into(),
            "new password!".into(),
        )
        .await
        .unwrap();
        assert!(matches!(outcome, PasswordChange::Invalid(ref e) if e.current.is_some()));
        assert_eq!(epoch(&state, jdoe.id).await, 0);
        let short = ssr::change_password(
            &request_of(&state, &jdoe, IP),
            &browser,
            PASSWORD.into(),
            "short".into(),
        )
        .await
        .unwrap();
        assert!(matches!(short, PasswordChange::Invalid(ref e) if e.new.is_some()));
    }

    async fn a_change_ends_other_sessions_and_trust_and_keeps_this_session(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane Doe", "jdoe", &[]).await;
        let browser = Session::new(None, Arc::new(MemoryStore::default()), None);
        crate::auth::session::start(&browser, jdoe.id, 0).await.unwrap();
        crate::trusted_networks::store::trust(&state.db, jdoe.id, IP, 30, state.clock.now())
            .await
            .unwrap();
        let outcome = ssr::change_password(
            &request_of(&state, &jdoe, IP),
            &browser,
            PASSWORD.into(),
            "a new password".into(),
        )
        .await
        .unwrap();
        assert_eq!(outcome, PasswordChange::Changed);
        assert_eq!(
            epoch(&state, jdoe.id).await,
            1,
            "sessions with the old epoch are over"
        );
        let me = crate::auth::session::user_of(&state.db, &browser).await.unwrap();
        assert_eq!(me.map(|u| u.id), Some(jdoe.id), "this browser stays signed in");
        let trusted: i64 = crate::db::on_db!(&state.db, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM trusted_networks"
        )
        .fetch_one(pool)
        .await)
        .unwrap();
        assert_eq!(trusted, 0, "a new password withdraws every trusted network");
    }

    async fn a_reset_during_a_password_change_wins(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane Doe", "jdoe", &[]).await;
        let checked = crate::personnel::people::password_hash_of(&state.db, jdoe.id)
            .await
            .unwrap();
        let epoch_when_checked = epoch(&state, jdoe.id).await;
        // An administrator resets Jane's password after she proved the old one...
        let reset = state.hasher.hash("reset by the admin".into()).await.unwrap();
        let mut tx = state.db.begin_write().await.unwrap();
        crate::personnel::people::set_password(&mut tx, jdoe.id, &reset, 1)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let epoch_after_reset = epoch(&state, jdoe.id).await;
        // ...and her change, hashed meanwhile, lands after it: refused, nothing changes.
        let mine = state.hasher.hash("jane's own new one".into()).await.unwrap();
        let proof =
            crate::sign_in_details::PasswordProof::checked_earlier(jdoe.id, checked, epoch_when_checked);
        let stored = crate::sign_in_details::change_own_password(&state, &jdoe, &proof, &mine, IP)
            .await
            .unwrap();
        assert_eq!(stored, None);
        assert!(crate::testing::password_works(&state, "jdoe", "reset by the admin").await);
        assert!(!crate::testing::password_works(&state, "jdoe", "jane's own new one").await);
        assert_eq!(
            epoch(&state, jdoe.id).await,
            epoch_after_reset,
            "the reset's sessions stand"
        );
    }

    crate::on_both_backends!(
        a_reset_during_a_password_change_wins,
        a_wrong_current_password_changes_nothing,
        a_change_ends_other_sessions_and_trust_and_keeps_this_session,
    );
}
