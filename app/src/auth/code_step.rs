//! Step 2 of signing in (spec §1 "Sign in, step 2", §2 "Codes", "Trusted networks" and
//! "Authenticator apps and recovery codes").
//!
//! After a right password, a person whose network is not trusted gets a *pending* sign-in
//! in their session: a different session key from a signed-in one, so every page and
//! server function still treats them as signed out. It is answered one of four ways: a
//! passkey, a code sent to them, a code of their authenticator app, or a recovery code.
//! Whichever way,
//! the pending sign-in has one row among the codes (`codes`): the session and the row hold
//! the same binding (the digest of a random token that is then dropped), so an answer is
//! useless to any other sign-in, browser or person, and the row counts the tries.

use super::channel::Channel;
use super::session;
use crate::audit::{self, Event, EventKind};
use crate::auth::codes::{self, Answer, Checked, NotIssued, Purpose};
use crate::auth::{CodeOutcome, CodePrompt, LoginOutcome, OtherWay, SendBy, Way};
use crate::auth::{authenticator, misses, passkeys, recovery, tokens};
use crate::error::AppError;
use crate::i18n::said;
use crate::personnel::people::{self, Contact};
use crate::sign_in_details::Notice;
use crate::state::AppState;
use crate::trusted_networks::store as trust;
use crate::{mail, settings};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use tower_sessions::Session;

const PENDING: &str = "pending_code";

/// Where a person goes after a recovery code left them this few: My account, which says
/// how many are left and makes a new set.
const AFTER_LAST_RECOVERY_CODES: &str = "/account";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pending {
    user_id: i64,
    epoch: i64,
    /// The pending sign-in's row among the codes.
    code_id: i64,
    /// The digest of a random token nobody keeps; the code row holds the same. No
    /// secret: what a browser presents is the session's id, which is kept as a digest.
    binding: Vec<u8>,
    next: String,
    /// Step 2 as the page shows it, also for a page the browser loads after posting a
    /// form itself (a session from before this field shows a bare prompt).
    #[serde(default)]
    prompt: CodePrompt,
    /// Whether a code was sent during this sign-in: a later send waits out the cooldown.
    #[serde(default)]
    sent: bool,
    /// The browser's valid device cookie for this person, whose own allowance its codes
    /// count against.
    #[serde(default)]
    device: Option<i64>,
    /// **Use a passkey**'s challenge, from the browser asking for it until its answer.
    #[serde(default)]
    passkey: Option<webauthn_rs::prelude::PasskeyAuthentication>,
}

/// A new pending sign-in's binding.
fn new_binding() -> Vec<u8> {
    tokens::digest(&tokens::new_secret())
}

fn send_by(channel: &Channel) -> SendBy {
    match channel {
        Channel::Email(_) => SendBy::Email,
        Channel::Sms(_) => SendBy::Sms,
    }
}

/// Who is signing in, once their password was right.
pub struct Verified {
    pub user_id: i64,
    pub epoch: i64,
    pub contact: Contact,
    /// The id of the valid device cookie of this person the browser presented.
    pub device: Option<i64>,
}

/// The ways a person can answer step 2 now.
struct Ways {
    channel: Option<Channel>,
    has_app: bool,
    has_recovery: bool,
    has_passkey: bool,
}

impl Ways {
    async fn of(state: &AppState, user_id: i64, contact: &Contact) -> Result<Ways, AppError> {
        Ok(Ways {
            channel: Channel::of(contact, state.sms.is_some()),
            has_app: authenticator::has_app(&state.db, user_id).await?,
            has_recovery: recovery::left(&state.db, user_id).await? > 0,
            has_passkey: passkeys::has_any(&state.db, user_id).await?,
        })
    }

    fn any(&self) -> bool {
        self.channel.is_some() || self.has_app || self.has_recovery || self.has_passkey
    }

    fn prompt(&self, way: Way, network_may_be_trusted: bool) -> CodePrompt {
        CodePrompt {
            // A recovery code is for a lost phone, not for a place to come back to; a
            // passkey is quicker than any code and never trusts a network.
            may_trust: network_may_be_trusted && !matches!(way, Way::Recovery | Way::Passkey),
            way,
            can_send: self.channel.as_ref().map(send_by),
            has_app: self.has_app,
            has_recovery: self.has_recovery,
            has_passkey: self.has_passkey,
        }
    }
}

/// Starts the pending sign-in of a person whose password was right: with a passkey when
/// they have one, else their authenticator app, else a code sent to them, else a
/// recovery code. Nobody without any of these gets past the password.
pub async fn begin(
    state: &AppState,
    session: &Session,
    client_ip: IpAddr,
    person: Verified,
    next: String,
) -> Result<LoginOutcome, AppError> {
    let now = state.clock.now();
    let refuse = |message: &str| LoginOutcome::Refused {
        message: message.to_string(),
    };
    let ways = Ways::of(state, person.user_id, &person.contact).await?;
    if !ways.any() {
        let event = Event::own(
            EventKind::SignInFailed,
            person.user_id,
            client_ip,
            "no channel for a code",
        );
        audit::record(&state.db, now, event).await?;
        return Ok(refuse(said().no_channel));
    }
    // Every pending sign-in has a row, sent or not: the per-window cap counts them all.
    // It replaces this browser's unfinished sign-in, if any, and no other browser's.
    let binding = new_binding();
    let replaced = session.get::<Pending>(PENDING).await.ok().flatten();
    let browser = codes::Browser {
        binding: &binding,
        replaces: replaced.as_ref().map(|p| &p.binding[..]),
        device: person.device,
    };
    let issued = codes::issue(
        &state.db,
        &state.secret_key,
        &state.policy.codes,
        person.user_id,
        browser,
        Purpose::SignIn,
        now,
    )
    .await?;
    let issued = match issued {
        Ok(issued) => {
            audit_voided(state, person.user_id, client_ip, issued.voided, "a new sign-in").await?;
            issued
        }
        Err(_) => {
            let event = Event::own(EventKind::CodeFailed, person.user_id, client_ip, "too many codes");
            audit::record(&state.db, now, event).await?;
            return Ok(refuse(&too_many_codes(state.policy.codes.window_seconds)));
        }
    };
    let (way, sent) = if ways.has_passkey {
        (Way::Passkey, false)
    } else if ways.has_app {
        (Way::App, false)
    } else if ways.channel.is_some() {
        match send_issued(state, person.user_id, person.epoch, &issued, client_ip).await? {
            Sent::To(channel) => (Way::Sent { to: channel.masked() }, true),
            Sent::NoChannel => return Ok(refuse(said().no_channel)),
            Sent::Failed => return Ok(refuse(said().send_failed)),
        }
    } else {
        (Way::Recovery, false)
    };
    // A new id for the new step; the pending state replaces any earlier one, and whoever
    // this browser was signed in as is signed out: the new sign-in decides.
    session.cycle_id().await?;
    session::forget_sign_in(session).await?;
    let prompt = ways.prompt(way, may_trust(state, client_ip));
    session
        .insert(
            PENDING,
            Pending {
                user_id: person.user_id,
                epoch: person.epoch,
                code_id: issued.id,
                binding,
                next,
                prompt: prompt.clone(),
                sent,
                device: person.device,
                passkey: None,
            },
        )
        .await?;
    Ok(LoginOutcome::CodeRequired(prompt))
}
/// What became of a code just issued.
enum Sent {
    To(Channel),
    /// The person is gone or has no channel left; the code is void.
    NoChannel,
    /// The channel refused it; the code is void and the failure audited.
    Failed,
}

/// Sends a code just issued to where the person can be reached *now*: read after the
/// code was issued, so an email or mobile change that committed since the password was
/// checked has either voided this code or shows here, and a live code never goes to an
/// address the person no longer has.
async fn send_issued(
    state: &AppState,
    user_id: i64,
    epoch: i64,
    issued: &codes::Issued,
    client_ip: IpAddr,
) -> Result<Sent, AppError> {
    let contact = people::contact_of(&state.db, user_id, epoch).await?;
    let Some((contact, channel)) =
        contact.and_then(|c| Channel::of(&c, state.sms.is_some()).map(|channel| (c, channel)))
    else {
        codes::void(&state.db, issued.id).await?;
        return Ok(Sent::NoChannel);
    };
    if deliver(
        state,
        &channel,
        &contact,
        issued.id,
        &issued.code,
        user_id,
        client_ip,
    )
    .await?
    {
        Ok(Sent::To(channel))
    } else {
        Ok(Sent::Failed)
    }
}

/// Audits the codes a newer one voided, if there were any.
async fn audit_voided(
    state: &AppState,
    user_id: i64,
    client_ip: IpAddr,
    voided: u64,
    why: &str,
) -> Result<(), AppError> {
    if voided > 0 {
        let event = Event::own(
            EventKind::CodeVoided,
            user_id,
            client_ip,
            format!("replaced: {why}"),
        );
        audit::record(&state.db, state.clock.now(), event).await?;
    }
    Ok(())
}

/// Whether the network of `client_ip` may be trusted. A trusted proxy's own address is
/// what every client behind a misconfigured proxy looks like: trusting it would let
/// anyone skip the code.
pub(super) fn may_trust(state: &AppState, client_ip: IpAddr) -> bool {
    !state.policy.trusted_proxies.overlap_network_of(client_ip)
}

/// Sends a code; on failure voids it, logs and audits why. Returns whether it went out.
async fn deliver(
    state: &AppState,
    channel: &Channel,
    contact: &Contact,
    code_id: i64,
    code: &str,
    user_id: i64,
    client_ip: IpAddr,
) -> Result<bool, AppError> {
    let now = state.clock.now();
    let sent = channel.send_code(state, contact, code).await;
    crate::telemetry::code_sent(channel.kind(), sent.is_ok());
    match sent {
        Ok(()) => {
            let event = Event::own(EventKind::CodeSent, user_id, client_ip, channel.kind());
            audit::record(&state.db, now, event).await?;
            Ok(true)
        }
        Err(error) => {
            tracing::error!(user_id, channel = channel.kind(), %error, "a sign-in code could not be sent");
            codes::void(&state.db, code_id).await?;
            let detail = format!("{}: {error}", channel.kind());
            let event = Event::own(EventKind::SendFailed, user_id, client_ip, detail);
            audit::record(&state.db, now, event).await?;
            Ok(false)
        }
    }
}

/// Checks a typed answer the way the pending sign-in asks for it. When right, the
/// session is signed in (under a new id) and, if asked, the person's network is trusted
/// (never after a recovery code).
pub async fn verify(
    state: &AppState,
    session: &Session,
    client_ip: IpAddr,
    typed: &str,
    trust_network: bool,
    device_cookie: Option<&str>,
) -> Result<CodeOutcome, AppError> {
    let Some(pending) = session.get::<Pending>(PENDING).await? else {
        return Ok(spent());
    };
    let key = state.secret_key.as_ref();
    let answer = match pending.prompt.way {
        Way::Sent { .. } => Answer::Sent(key, typed),
        Way::App => Answer::App(key, typed),
        Way::Recovery => Answer::Recovery(key, typed),
        // A typed code is no answer to a passkey's prompt: a wrong try.
        Way::Passkey => Answer::Passkey(None),
    };
    conclude(
        state,
        session,
        client_ip,
        pending,
        answer,
        trust_network,
        device_cookie,
    )
    .await
}

fn spent() -> CodeOutcome {
    CodeOutcome::Restart {
        message: said().code_spent.to_string(),
    }
}

/// **Use a passkey**: the options the browser passes to the authenticator (JSON), naming
/// the person's passkeys; step 2 now waits for a passkey. `None` when there is no
/// pending sign-in or the person has no passkey (any more).
pub async fn passkey_options(state: &AppState, session: &Session) -> Result<Option<String>, AppError> {
    let Some(mut pending) = session.get::<Pending>(PENDING).await? else {
        return Ok(None);
    };
    let credentials = passkeys::credentials_of(&state.db, pending.user_id).await?;
    if credentials.is_empty() {
        return Ok(None);
    }
    let rp = state.policy.relying_party()?;
    let (options, challenge) = passkeys::begin_authentication(&rp, &credentials).ok_or(AppError::Internal)?;
    pending.passkey = Some(challenge);
    pending.prompt.way = Way::Passkey;
    pending.prompt.may_trust = false;
    session.insert(PENDING, pending).await?;
    Ok(Some(options))
}

/// The browser's answer to **Use a passkey** (JSON; anything else, a cancelled prompt
/// included, is a wrong try). Each challenge is answered once: it leaves the session
/// before the answer is checked. A passkey never trusts a network.
pub async fn answer_with_passkey(
    state: &AppState,
    session: &Session,
    client_ip: IpAddr,
    answer: &str,
    device_cookie: Option<&str>,
) -> Result<CodeOutcome, AppError> {
    let Some(mut pending) = session.get::<Pending>(PENDING).await? else {
        return Ok(spent());
    };
    let challenge = pending.passkey.take();
    pending.prompt.way = Way::Passkey;
    session.insert(PENDING, pending.clone()).await?;
    let rp = state.policy.relying_party()?;
    let checked = challenge.and_then(|challenge| passkeys::finish_authentication(&rp, answer, &challenge));
    let answer = Answer::Passkey(checked.as_ref());
    conclude(state, session, client_ip, pending, answer, false, device_cookie).await
}

/// Checks `answer` against the pending sign-in's row: a wrong one is counted against the
/// person, a right one signs the session in. Counted for the metrics by way and result.
async fn conclude(
    state: &AppState,
    session: &Session,
    client_ip: IpAddr,
    pending: Pending,
    answer: Answer<'_>,
    trust_network: bool,
    device_cookie: Option<&str>,
) -> Result<CodeOutcome, AppError> {
    let way = match pending.prompt.way {
        Way::Sent { .. } => "sent_code",
        Way::App => "app",
        Way::Recovery => "recovery_code",
        Way::Passkey => "passkey",
    };
    let outcome = conclude_now(
        state,
        session,
        client_ip,
        pending,
        answer,
        trust_network,
        device_cookie,
    )
    .await;
    if let Ok(outcome) = &outcome {
        let result = match outcome {
            CodeOutcome::SignedIn { .. } => "accepted",
            CodeOutcome::Refused { .. } => "refused",
            _ => "ended",
        };
        crate::telemetry::second_step(way, result);
    }
    outcome
}

async fn conclude_now(
    state: &AppState,
    session: &Session,
    client_ip: IpAddr,
    pending: Pending,
    answer: Answer<'_>,
    trust_network: bool,
    device_cookie: Option<&str>,
) -> Result<CodeOutcome, AppError> {
    let now = state.clock.now();
    let restart = spent;
    let user_id = pending.user_id;
    // A sign-in begun before the lock ends with it.
    if misses::locked(&state.db, user_id).await? {
        session.remove::<Pending>(PENDING).await?;
        return Ok(CodeOutcome::Restart {
            message: said().second_step_locked.to_string(),
        });
    }
    let what = match pending.prompt.way {
        Way::Sent { .. } => "code",
        Way::App => "authenticator app code",
        Way::Recovery => "recovery code",
        Way::Passkey => "passkey",
    };
    let checked = codes::check(
        &state.db,
        &state.policy.codes,
        pending.code_id,
        user_id,
        &pending.binding,
        answer,
        now,
    )
    .await?;
    match checked {
        Checked::Accepted => misses::answered(&state.db, user_id).await?,
        Checked::Wrong => {
            let event = Event::own(EventKind::CodeFailed, user_id, client_ip, format!("wrong {what}"));
            audit::record(&state.db, now, event).await?;
            if count_miss(state, user_id, client_ip).await?.locked {
                session.remove::<Pending>(PENDING).await?;
                return Ok(CodeOutcome::Restart {
                    message: said().second_step_locked.to_string(),
                });
            }
            let message = if pending.prompt.way == Way::Passkey {
                said().passkey_not_accepted
            } else {
                said().wrong_code
            };
            return Ok(CodeOutcome::Refused {
                message: message.to_string(),
            });
        }
        Checked::Voided => {
            let event = Event::own(EventKind::CodeVoided, user_id, client_ip, "too many wrong tries");
            audit::record(&state.db, now, event).await?;
            session.remove::<Pending>(PENDING).await?;
            let locked = count_miss(state, user_id, client_ip).await?.locked;
            return Ok(CodeOutcome::Restart {
                message: if locked {
                    said().second_step_locked
                } else {
                    said().code_spent
                }
                .to_string(),
            });
        }
        // Left in the session on purpose: a second, simultaneous submit of the right
        // code lands here and must not disturb the session the first one signed in.
        Checked::Spent => return Ok(restart()),
    }

    // A recovery code is spent now, whatever follows: its use is told either way.
    let recovery_left = match pending.prompt.way {
        Way::Recovery => Some(recovery_code_used(state, user_id, client_ip).await?),
        _ => None,
    };
    // The person may have been deactivated or reset while the code was in the post.
    let Some(contact) = people::contact_of(&state.db, user_id, pending.epoch).await? else {
        session.remove::<Pending>(PENDING).await?;
        return Ok(restart());
    };
    session.remove::<Pending>(PENDING).await?;
    let how = format!("password and {what}");
    let sign_in = super::signed_in::SignIn {
        user_id,
        epoch: pending.epoch,
        device_cookie,
        client_ip,
        how: &how,
    };
    super::signed_in::finish(state, session, sign_in).await?;
    let mut next = pending.next;
    if let Some(left) = recovery_left {
        if left <= recovery::FEW_LEFT {
            next = AFTER_LAST_RECOVERY_CODES.to_string();
        }
    } else if trust_network && may_trust(state, client_ip) {
        trust_this_network(state, user_id, pending.epoch, &contact, client_ip).await?;
    } else if trust_network {
        tracing::warn!(%client_ip, "refused to trust a trusted proxy's address");
    }
    Ok(CodeOutcome::SignedIn { next })
}

/// Counts a wrong answer against the person (spec §2 "Guessing over time"): at the
/// tenth in a row they are told, at the hundredth step 2 locks; both audited.
async fn count_miss(
    state: &AppState,
    user_id: i64,
    client_ip: IpAddr,
) -> Result<misses::AfterMiss, AppError> {
    let now = state.clock.now();
    let after = misses::missed(&state.db, user_id, now).await?;
    let in_a_row = after.in_a_row;
    if after.warn {
        let detail = format!("{in_a_row} wrong answers in a row; the person is told");
        let event = Event::own(EventKind::CodesGuessed, user_id, client_ip, detail);
        audit::record(&state.db, now, event).await?;
        crate::sign_in_details::tell(state, user_id, &[Notice::CodesGuessed { in_a_row }]).await?;
    }
    if after.locked {
        tracing::warn!(user_id, in_a_row, "step 2 locked after wrong answers in a row");
        let detail = format!("{in_a_row} wrong answers in a row");
        let event = Event::own(EventKind::SecondStepLocked, user_id, client_ip, detail);
        audit::record(&state.db, now, event).await?;
        crate::sign_in_details::tell(state, user_id, &[Notice::SecondStepLocked]).await?;
    }
    Ok(after)
}

/// Audits a recovery code's use and mails the person (in the background) how many are
/// left, which it returns.
async fn recovery_code_used(state: &AppState, user_id: i64, client_ip: IpAddr) -> Result<i64, AppError> {
    let left = recovery::left(&state.db, user_id).await?;
    let event = Event::own(
        EventKind::RecoveryCodeUsed,
        user_id,
        client_ip,
        format!("{left} left"),
    );
    audit::record(&state.db, state.clock.now(), event).await?;
    let used = crate::sign_in_details::Notice::RecoveryCodeUsed { left };
    crate::sign_in_details::tell(state, user_id, &[used]).await?;
    Ok(left)
}

/// Records the trust, audits it and tells the person by email (in the background: the
/// sign-in does not wait for the mail server). Nothing is trusted if the person was reset
/// or deactivated since this sign-in began (their epoch moved on): a reset removes their
/// trusted networks, and one added after it must not survive it.
async fn trust_this_network(
    state: &AppState,
    user_id: i64,
    epoch: i64,
    contact: &Contact,
    client_ip: IpAddr,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let network = crate::request::client_addr::network_of(client_ip);
    let mut tx = state.db.begin_write().await?;
    if people::contact_of(&mut tx, user_id, epoch).await?.is_none() {
        tracing::info!(user_id, "not trusted: the person changed during the sign-in");
        return Ok(());
    }
    let days = settings::trust_days(&mut tx).await?;
    trust::trust(&mut tx, user_id, client_ip, days, now).await?;
    let event = Event::own(EventKind::NetworkTrusted, user_id, client_ip, network.to_string());
    audit::record(&mut tx, now, event).await?;
    tx.commit().await?;
    state.trust_changed(user_id);
    if let Some(email) = contact.email.clone() {
        let lang = crate::i18n::for_person(contact.language);
        let letter = mail::trusted_network_letter(lang, &contact.name, &email, &network.to_string(), days);
        state.mail_in_background(user_id, letter);
    }
    Ok(())
}

/// "Too many codes were sent to you. Wait 15 minutes, then sign in again."
fn too_many_codes(window_seconds: i64) -> String {
    let wait = crate::time_text::duration(crate::i18n::request_lang(), window_seconds);
    (said().too_many_codes)(&wait)
}

/// **Send a new code**: voids the pending code and sends another, at most once per
/// cooldown and within the per-window cap. Asked while the app or a recovery code is
/// the way, it is **Email me a code instead**.
pub async fn resend(state: &AppState, session: &Session, client_ip: IpAddr) -> Result<CodeOutcome, AppError> {
    let Some(pending) = session.get::<Pending>(PENDING).await? else {
        return Ok(CodeOutcome::Restart {
            message: said().code_spent.to_string(),
        });
    };
    if !matches!(pending.prompt.way, Way::Sent { .. }) {
        return change_way(state, session, client_ip, Some(OtherWay::Send)).await;
    }
    match send_new(
        state,
        session,
        pending,
        client_ip,
        Purpose::Resend,
        "Send a new code",
    )
    .await?
    {
        Ok(pending) => Ok(CodeOutcome::Resent {
            sent_to: match pending.prompt.way {
                Way::Sent { to } => to,
                _ => String::new(),
            },
        }),
        Err(outcome) => Ok(outcome),
    }
}

/// Another way to answer step 2. A way the person does not have, or none (a hand-made
/// request naming no known way), is refused and changes nothing.
pub async fn change_way(
    state: &AppState,
    session: &Session,
    client_ip: IpAddr,
    to: Option<OtherWay>,
) -> Result<CodeOutcome, AppError> {
    let restart = |message: &str| CodeOutcome::Restart {
        message: message.to_string(),
    };
    let Some(pending) = session.get::<Pending>(PENDING).await? else {
        return Ok(restart(said().code_spent));
    };
    let Some(contact) = people::contact_of(&state.db, pending.user_id, pending.epoch).await? else {
        session.remove::<Pending>(PENDING).await?;
        return Ok(restart(said().code_spent));
    };
    let ways = Ways::of(state, pending.user_id, &contact).await?;
    let mut pending = match to {
        Some(OtherWay::App) if ways.has_app => Pending {
            prompt: ways.prompt(Way::App, false),
            ..pending
        },
        Some(OtherWay::Recovery) if ways.has_recovery => Pending {
            prompt: ways.prompt(Way::Recovery, false),
            ..pending
        },
        Some(OtherWay::Passkey) if ways.has_passkey => Pending {
            prompt: ways.prompt(Way::Passkey, false),
            ..pending
        },
        Some(OtherWay::Send) if ways.channel.is_some() => {
            // The first send of a sign-in that began with the app goes at once; after
            // that, sends wait out the cooldown as **Send a new code** does.
            let purpose = if pending.sent {
                Purpose::Resend
            } else {
                Purpose::SignIn
            };
            match send_new(state, session, pending, client_ip, purpose, "a code instead").await? {
                Ok(pending) => pending,
                Err(outcome) => return Ok(outcome),
            }
        }
        _ => {
            return Ok(CodeOutcome::Refused {
                message: said().not_your_way.to_string(),
            });
        }
    };
    pending.prompt = ways.prompt(pending.prompt.way.clone(), may_trust(state, client_ip));
    session.insert(PENDING, pending.clone()).await?;
    Ok(CodeOutcome::Switched(pending.prompt))
}

/// Voids the pending sign-in's row and sends a new code in its place: the pending state
/// with the new code, or why step 2 goes on without one (or ends).
async fn send_new(
    state: &AppState,
    session: &Session,
    mut pending: Pending,
    client_ip: IpAddr,
    purpose: Purpose,
    why: &str,
) -> Result<Result<Pending, CodeOutcome>, AppError> {
    let now = state.clock.now();
    let restart = |message: &str| CodeOutcome::Restart {
        message: message.to_string(),
    };
    let Some(contact) = people::contact_of(&state.db, pending.user_id, pending.epoch).await? else {
        session.remove::<Pending>(PENDING).await?;
        return Ok(Err(restart(said().code_spent)));
    };
    if Channel::of(&contact, state.sms.is_some()).is_none() {
        session.remove::<Pending>(PENDING).await?;
        return Ok(Err(restart(said().no_channel)));
    }
    // No more codes to a person whose step 2 locked while this sign-in was open.
    if misses::locked(&state.db, pending.user_id).await? {
        session.remove::<Pending>(PENDING).await?;
        return Ok(Err(restart(said().second_step_locked)));
    }
    let issued = codes::issue(
        &state.db,
        &state.secret_key,
        &state.policy.codes,
        pending.user_id,
        codes::Browser {
            binding: &pending.binding,
            replaces: None,
            device: pending.device,
        },
        purpose,
        now,
    )
    .await?;
    let issued = match issued {
        Ok(issued) => {
            audit_voided(state, pending.user_id, client_ip, issued.voided, why).await?;
            issued
        }
        Err(NotIssued::TooSoon { retry_after_seconds }) => {
            let wait = crate::time_text::duration(crate::i18n::request_lang(), retry_after_seconds);
            return Ok(Err(CodeOutcome::Refused {
                message: (said().sent_moments_ago)(&wait),
            }));
        }
        Err(NotIssued::TooMany) => {
            let event = Event::own(
                EventKind::CodeFailed,
                pending.user_id,
                client_ip,
                "too many codes",
            );
            audit::record(&state.db, now, event).await?;
            session.remove::<Pending>(PENDING).await?;
            return Ok(Err(restart(&too_many_codes(state.policy.codes.window_seconds))));
        }
    };
    match send_issued(state, pending.user_id, pending.epoch, &issued, client_ip).await? {
        Sent::To(channel) => {
            pending.code_id = issued.id;
            pending.sent = true;
            pending.prompt.way = Way::Sent { to: channel.masked() };
            session.insert(PENDING, pending.clone()).await?;
            Ok(Ok(pending))
        }
        Sent::NoChannel => {
            session.remove::<Pending>(PENDING).await?;
            Ok(Err(restart(said().no_channel)))
        }
        Sent::Failed => Ok(Err(CodeOutcome::Refused {
            message: said().send_failed.to_string(),
        })),
    }
}

/// Step 2 as the page shows it, as a field for a page the browser loads after posting
/// step 2 itself.
pub async fn prompt(session: &Session) -> Result<Vec<(String, String)>, AppError> {
    Ok(match session.get::<Pending>(PENDING).await? {
        Some(pending) => vec![(
            crate::auth::PROMPT_FIELD.to_string(),
            serde_json::to_string(&pending.prompt).map_err(|_| AppError::Internal)?,
        )],
        None => Vec::new(),
    })
}

/// Abandons a pending sign-in (**Cancel**).
pub async fn cancel(session: &Session) -> Result<(), AppError> {
    // Only when there is one: a removal marks the session changed, and a changed session
    // is saved, its expiry pushed on (a stolen cookie kept alive by cancelling nothing).
    if session.get::<Pending>(PENDING).await?.is_some() {
        session.remove::<Pending>(PENDING).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Backend;
    use crate::testing::{epoch, person, state_on};

    async fn no_trust_is_added_for_a_person_reset_during_the_sign_in(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane Doe", "jdoe", &[]).await;
        let began_with = epoch(&state, jdoe.id).await;
        // The code was right; before the trust is stored, an administrator resets Jane.
        let reset = state.hasher.hash("reset by the admin".into()).await.unwrap();
        let mut tx = state.db.begin_write().await.unwrap();
        people::set_password(&mut tx, jdoe.id, &reset, 1).await.unwrap();
        tx.commit().await.unwrap();
        let contact = people::contact_of(&state.db, jdoe.id, epoch(&state, jdoe.id).await)
            .await
            .unwrap()
            .unwrap();
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        trust_this_network(&state, jdoe.id, began_with, &contact, ip)
            .await
            .unwrap();
        assert_eq!(
            trust::honour(&state.db, jdoe.id, ip, state.clock.now())
                .await
                .unwrap(),
            None
        );
        // The same sign-in without a reset in between trusts the network.
        let now_epoch = epoch(&state, jdoe.id).await;
        trust_this_network(&state, jdoe.id, now_epoch, &contact, ip)
            .await
            .unwrap();
        assert!(
            trust::honour(&state.db, jdoe.id, ip, state.clock.now())
                .await
                .unwrap()
                .is_some()
        );
    }

    crate::on_both_backends!(no_trust_is_added_for_a_person_reset_during_the_sign_in);
}
