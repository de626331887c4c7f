//! The ways past the second step besides a sent code (spec §1 My account, §2
//! "Authenticator apps and recovery codes"): My account's **Authenticator app** and
//! **Recovery codes** sections, and the Personnel editor's **Reset two-step methods**.
//! The stores are `auth::authenticator` and `auth::recovery`; this is who may do what.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The person's authenticator app as My account shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppStatus {
    Off,
    /// **Set up** was pressed: the QR code (an SVG drawn by the server) and the secret as
    /// text, until a code from the app confirms it.
    SettingUp {
        qr_svg: String,
        secret_text: String,
    },
    On,
}

/// A passkey as My account lists it (times in Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyRow {
    pub id: i64,
    pub name: String,
    pub added: i64,
    pub last_used: Option<i64>,
}

/// My account's sections of second-step methods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Methods {
    pub passkeys: Vec<PasskeyRow>,
    /// The server's clock as it read them, for "3 days ago".
    pub now: i64,
    pub app: AppStatus,
    /// How many recovery codes are unused; `None` when no set was ever made.
    pub recovery_left: Option<i64>,
}

/// The answer to **Confirm**, **Remove** and **Reset two-step methods**.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MethodOutcome {
    Done,
    /// Nothing changed, and why (shown next to the control).
    Refused {
        message: String,
    },
}

/// The signed-in person's app and recovery codes.
#[server(prefix = "/api", endpoint = "my_methods")]
pub async fn my_methods() -> Result<Methods, AppError> {
    use crate::request::context::SignedIn;
    let SignedIn { state, user, .. } = SignedIn::anyone().await?;
    ssr::my_methods(&state, &user).await
}

/// **Set up**: a new secret, shown by `my_methods` until it is confirmed, once the
/// current password typed in the same form matches: a session left open must not be
/// enough to add a second factor of someone else's.
#[server(prefix = "/api", endpoint = "set_up_app")]
pub async fn set_up_app(password: String) -> Result<MethodOutcome, AppError> {
    use crate::request::context::SignedIn;
    let cx = SignedIn::anyone().await?;
    let outcome = ssr::set_up_app(&cx, password)
        .await
        .map_err(AppError::with_status)?;
    crate::form_post::answer::<SetUpApp>(&outcome, Vec::new(), None).await?;
    Ok(outcome)
}

/// **Confirm**: one code from the app turns it on.
#[server(prefix = "/api", endpoint = "confirm_app")]
pub async fn confirm_app(code: String) -> Result<MethodOutcome, AppError> {
    use crate::request::context::SignedIn;
    let cx = SignedIn::anyone().await?;
    let outcome = ssr::confirm_app(&cx, &code).await?;
    crate::form_post::answer::<ConfirmApp>(&outcome, Vec::new(), None).await?;
    Ok(outcome)
}

/// **Remove**: the app goes, once the person's password proves it is them.
#[server(prefix = "/api", endpoint = "remove_app")]
pub async fn remove_app(password: String) -> Result<MethodOutcome, AppError> {
    use crate::request::context::SignedIn;
    let cx = SignedIn::anyone().await?;
    let outcome = ssr::remove_app(&cx, password)
        .await
        .map_err(AppError::with_status)?;
    crate::form_post::answer::<RemoveApp>(&outcome, Vec::new(), None).await?;
    Ok(outcome)
}

/// The answer to **Add a passkey**'s first half.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasskeyStart {
    /// The options for the browser's passkey prompt (JSON).
    Ask(String),
    /// Nothing started: why, said beside `field`.
    Refused { field: AddField, message: String },
}

/// Where a refusal of **Add a passkey** is said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AddField {
    Name,
    Password,
    /// The button itself (too many passkeys, too often).
    Button,
}

/// **Add a passkey**, first half: with the current password typed in the same form and
/// the new passkey's name, the options for the browser's prompt.
#[server(prefix = "/api", endpoint = "begin_adding_passkey")]
pub async fn begin_adding_passkey(password: String, name: String) -> Result<PasskeyStart, AppError> {
    use crate::request::context::SignedIn;
    let cx = SignedIn::anyone().await?;
    let session = crate::auth::session::request_session().await?;
    ssr::begin_adding_passkey(&cx, &session, password, &name)
        .await
        .map_err(AppError::with_status)
}

/// **Add a passkey**, second half: the browser's new credential (JSON).
#[server(prefix = "/api", endpoint = "finish_adding_passkey")]
pub async fn finish_adding_passkey(answer: String) -> Result<MethodOutcome, AppError> {
    use crate::request::context::SignedIn;
    let cx = SignedIn::anyone().await?;
    let session = crate::auth::session::request_session().await?;
    ssr::finish_adding_passkey(&cx, &session, &answer)
        .await
        .map_err(AppError::with_status)
}

/// **Remove <name>**: the passkey `id` goes, once the current password matches.
#[server(prefix = "/api", endpoint = "remove_passkey")]
pub async fn remove_passkey(id: i64, password: String) -> Result<MethodOutcome, AppError> {
    use crate::request::context::SignedIn;
    let cx = SignedIn::anyone().await?;
    let outcome = ssr::remove_passkey(&cx, id, password)
        .await
        .map_err(AppError::with_status)?;
    crate::form_post::answer::<RemovePasskey>(&outcome, Vec::new(), None).await?;
    Ok(outcome)
}

/// **Rename**: the passkey `id` gets the name `name`.
#[server(prefix = "/api", endpoint = "rename_passkey")]
pub async fn rename_passkey(id: i64, name: String) -> Result<MethodOutcome, AppError> {
    use crate::request::context::SignedIn;
    let cx = SignedIn::anyone().await?;
    let outcome = ssr::rename_passkey(&cx, id, &name).await?;
    crate::form_post::answer::<RenamePasskey>(&outcome, Vec::new(), None).await?;
    Ok(outcome)
}

/// The answer to **Create**.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecoveryOutcome {
    /// The new codes, shown this once.
    Created(Vec<String>),
    Refused {
        message: String,
    },
}

/// **Create**: ten new recovery codes, shown this once; the old set is void. Asks for the
/// current password, as Set up does.
#[server(prefix = "/api", endpoint = "create_recovery_codes")]
pub async fn create_recovery_codes(password: String) -> Result<RecoveryOutcome, AppError> {
    use crate::request::context::SignedIn;
    let cx = SignedIn::anyone().await?;
    let outcome = ssr::create_recovery_codes(&cx, password)
        .await
        .map_err(AppError::with_status)?;
    // The codes themselves: never readable in the browser's cookies.
    crate::form_post::answer_sealed::<CreateRecoveryCodes>(&outcome).await?;
    Ok(outcome)
}

/// **Reset two-step methods** of person `id`: their app, recovery codes and trusted
/// networks go. Only for someone holding every permission that person holds.
#[server(prefix = "/api", endpoint = "reset_two_step_methods")]
pub async fn reset_two_step_methods(id: i64) -> Result<MethodOutcome, AppError> {
    use crate::permissions::Permission;
    use crate::request::context::SignedIn;
    let cx = SignedIn::holding(Permission::Personnel).await?;
    let outcome = ssr::reset(&cx, id).await.map_err(AppError::with_status)?;
    crate::form_post::answer::<ResetTwoStepMethods>(&outcome, Vec::new(), None).await?;
    Ok(outcome)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::{AddField, AppStatus, MethodOutcome, Methods, PasskeyRow, PasskeyStart, RecoveryOutcome};
    use crate::auth::authenticator::{self, AppCode};
    use crate::auth::passkeys;
    use crate::auth::{qr, recovery, totp};
    use crate::error::AppError;
    use crate::i18n::account_texts::server as said;
    use crate::permissions::CurrentUser;
    use crate::personnel::people;
    use crate::request::context::SignedIn;
    use crate::sign_in_details::{
        self, By, Change, Door, NewDetails, check_own_password_for_second_step, methods,
    };
    use crate::state::AppState;

    pub async fn my_methods(state: &AppState, user: &CurrentUser) -> Result<Methods, AppError> {
        let app = if authenticator::has_app(&state.db, user.id).await? {
            AppStatus::On
        } else {
            match authenticator::unconfirmed_secret(&state.db, &state.secret_key, user.id, state.clock.now())
                .await?
            {
                Some(secret) => {
                    let address = totp::address(&secret, &user.username).ok_or(AppError::Internal)?;
                    AppStatus::SettingUp {
                        qr_svg: qr::svg(&address).ok_or(AppError::Internal)?,
                        secret_text: grouped(&totp::secret_text(&secret)),
                    }
                }
                None => AppStatus::Off,
            }
        };
        let passkeys = passkeys::list(&state.db, user.id)
            .await?
            .into_iter()
            .map(|p| PasskeyRow {
                id: p.id,
                name: p.name,
                added: p.created_at,
                last_used: p.last_used_at,
            })
            .collect();
        Ok(Methods {
            passkeys,
            now: state.clock.now(),
            app,
            recovery_left: recovery::status(&state.db, user.id).await?,
        })
    }

    /// `ABCDEFGH…` as `ABCD EFGH …`: easier to read and type (apps ignore the spaces).
    fn grouped(text: &str) -> String {
        text.as_bytes()
            .chunks(4)
            .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn refused(message: &str) -> MethodOutcome {
        MethodOutcome::Refused {
            message: message.to_string(),
        }
    }

    pub async fn set_up_app(cx: &SignedIn, password: String) -> Result<MethodOutcome, AppError> {
        let proof = match check_own_password_for_second_step(cx, password).await? {
            Ok(proof) => proof,
            Err(message) => return Ok(refused(message)),
        };
        methods::begin_app_setup(cx, &proof).await?;
        Ok(MethodOutcome::Done)
    }

    pub async fn confirm_app(cx: &SignedIn, typed: &str) -> Result<MethodOutcome, AppError> {
        Ok(match methods::confirm_app(cx, typed).await? {
            AppCode::Accepted => MethodOutcome::Done,
            AppCode::Wrong => refused(said().wrong_app_code),
            AppCode::NoApp => refused(said().no_app_set_up),
        })
    }

    pub async fn remove_app(cx: &SignedIn, password: String) -> Result<MethodOutcome, AppError> {
        let proof = match check_own_password_for_second_step(cx, password).await? {
            Ok(proof) => proof,
            Err(message) => return Ok(refused(message)),
        };
        Ok(match methods::remove_app(cx, &proof).await? {
            Ok(()) => MethodOutcome::Done,
            Err(methods::TooOften) => refused(said().too_often),
        })
    }

    pub async fn create_recovery_codes(cx: &SignedIn, password: String) -> Result<RecoveryOutcome, AppError> {
        let proof = match check_own_password_for_second_step(cx, password).await? {
            Ok(proof) => proof,
            Err(message) => {
                return Ok(RecoveryOutcome::Refused {
                    message: message.to_string(),
                });
            }
        };
        Ok(match methods::create_recovery_codes(cx, &proof).await? {
            Ok(codes) => RecoveryOutcome::Created(codes),
            Err(methods::TooOften) => RecoveryOutcome::Refused {
                message: said().too_often.to_string(),
            },
        })
    }

    fn passkey_refused(refused: methods::PasskeyRefused) -> String {
        let texts = said();
        match refused {
            methods::PasskeyRefused::TooOften => texts.too_often.to_string(),
            methods::PasskeyRefused::TooMany => (texts.too_many_passkeys)(passkeys::MOST_PER_PERSON),
            methods::PasskeyRefused::NotAccepted => texts.passkey_not_added.to_string(),
            methods::PasskeyRefused::NotFound => texts.passkey_gone.to_string(),
        }
    }

    pub async fn begin_adding_passkey(
        cx: &SignedIn,
        session: &tower_sessions::Session,
        password: String,
        name: &str,
    ) -> Result<PasskeyStart, AppError> {
        let Some(name) = passkeys::clean_name(name) else {
            return Ok(PasskeyStart::Refused {
                field: AddField::Name,
                message: said().passkey_name_needed.to_string(),
            });
        };
        let proof = match check_own_password_for_second_step(cx, password).await? {
            Ok(proof) => proof,
            Err(message) => {
                return Ok(PasskeyStart::Refused {
                    field: AddField::Password,
                    message: message.to_string(),
                });
            }
        };
        Ok(match methods::begin_passkey(cx, session, proof, name).await? {
            Ok(options) => PasskeyStart::Ask(options),
            Err(refused) => PasskeyStart::Refused {
                field: AddField::Button,
                message: passkey_refused(refused),
            },
        })
    }

    pub async fn finish_adding_passkey(
        cx: &SignedIn,
        session: &tower_sessions::Session,
        answer: &str,
    ) -> Result<MethodOutcome, AppError> {
        Ok(match methods::finish_passkey(cx, session, answer).await? {
            Ok(()) => MethodOutcome::Done,
            Err(refused) => MethodOutcome::Refused {
                message: passkey_refused(refused),
            },
        })
    }

    pub async fn remove_passkey(cx: &SignedIn, id: i64, password: String) -> Result<MethodOutcome, AppError> {
        let proof = match check_own_password_for_second_step(cx, password).await? {
            Ok(proof) => proof,
            Err(message) => return Ok(refused(message)),
        };
        Ok(match methods::remove_passkey(cx, &proof, id).await? {
            Ok(()) => MethodOutcome::Done,
            Err(refused) => MethodOutcome::Refused {
                message: passkey_refused(refused),
            },
        })
    }

    pub async fn rename_passkey(cx: &SignedIn, id: i64, name: &str) -> Result<MethodOutcome, AppError> {
        let Some(name) = passkeys::clean_name(name) else {
            return Ok(refused(said().passkey_name_needed));
        };
        Ok(match methods::rename_passkey(cx, id, &name).await? {
            Ok(()) => MethodOutcome::Done,
            Err(refused) => MethodOutcome::Refused {
                message: passkey_refused(refused),
            },
        })
    }

    /// Removes person `id`'s app, recovery codes and trusted networks, if `actor` holds
    /// every permission they hold (checked inside the write transaction, so a grant that
    /// commits first is seen).
    pub async fn reset(cx: &SignedIn, id: i64) -> Result<MethodOutcome, AppError> {
        let (state, actor, client_ip) = (&cx.state, &cx.user, cx.client_ip);
        if id == actor.id {
            // One's own app goes in My account, where Remove asks for the password: a
            // session left open must not be enough to swap the app for another.
            return Ok(refused(said().own_methods));
        }
        let now = state.clock.now();
        let by = By::Person {
            user: actor,
            client_ip,
        };
        let mut tx = state.db.begin_write().await?;
        let Some(name) = people::contact(&mut tx, id).await?.map(|c| c.name) else {
            return Err(AppError::NotFound);
        };
        let made = sign_in_details::make(
            &mut tx,
            &by,
            Door::Personnel,
            id,
            &[Change::MethodsReset],
            &NewDetails::default(),
            now,
        )
        .await?;
        let Ok(made) = made else {
            return Ok(MethodOutcome::Refused {
                message: crate::personnel::sign_in_details_locked(&name),
            });
        };
        tx.commit().await?;
        sign_in_details::after_commit(state, id, &made).await?;
        Ok(MethodOutcome::Done)
    }
}
