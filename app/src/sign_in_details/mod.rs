//! The one owner of every change to a person's sign-in details (spec §1 "Asking again
//! for the password" and "managing others", §2 "Trusted networks" and "Notices"): who
//! may make it, what it asks, what it revokes, who is told and what the audit says.
//!
//! My account, the Personnel editor, the two-step methods and the operator's command
//! line all come here; none of them writes the password, email, mobile, username or
//! active columns, sets up or removes an authenticator app, makes recovery codes
//! (`methods`), or revokes trust, codes or sessions, by itself. The README's table
//! "What each change does" is [`revokes`] and [`notices`] in words.

pub mod methods;
mod notice_words;
pub mod notices;
pub mod proof;

use crate::audit::{self, Event, EventKind};
use crate::auth::password::StoredHash;
use crate::clock::UnixSeconds;
use crate::db::Conn;
use crate::permissions::CurrentUser;
use std::net::IpAddr;

pub use notices::Notice;
pub use proof::{PasswordProof, check_own_password, check_own_password_for_second_step, proof_holds};

/// A sign-in detail that changed, as the table names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Change {
    /// One's own password, in My account with the current one.
    OwnPassword,
    /// A password set by someone else: an administrator in Personnel, or the operator.
    PasswordReset,
    Email,
    Mobile,
    Username,
    /// Made inactive (by someone else: nobody can deactivate themselves).
    Deactivated,
    /// Made active again.
    Reactivated,
    /// Passkeys, authenticator app, recovery codes and trusted networks removed by someone
    /// else.
    MethodsReset,
}

impl Change {
    /// Every change, for the tests that walk the table.
    pub const ALL: [Change; 8] = [
        Change::OwnPassword,
        Change::PasswordReset,
        Change::Email,
        Change::Mobile,
        Change::Username,
        Change::Deactivated,
        Change::Reactivated,
        Change::MethodsReset,
    ];

    /// Why the audit says something was revoked.
    fn reason(self) -> &'static str {
        match self {
            Change::OwnPassword => "password changed",
            Change::PasswordReset => "password reset",
            Change::Email | Change::Mobile => "email or mobile changed",
            Change::Username => "username changed",
            Change::Deactivated => "made inactive",
            Change::Reactivated => "made active",
            Change::MethodsReset => "two-step methods reset",
        }
    }
}

/// Which sessions of the person a change ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Sessions {
    Kept,
    /// Every other session; the browser that made the change goes on under a new id.
    OthersEnded,
    AllEnded,
}

/// What a change takes away from the person (the table's "revokes" column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Revokes {
    /// Trust was given to the person as they were (spec §2 "Trusted networks").
    pub trusted_networks: bool,
    /// A code already sent went to an address that may no longer be theirs, or to
    /// someone who knew the old password.
    pub live_codes: bool,
    pub sessions: Sessions,
    /// A device cookie gives its browser its own password tries, codes and hashing place
    /// (spec §2 "Password step", "Guessing over time"): whoever minted some with the
    /// old password, or before the reset, must not keep them.
    pub device_cookies: bool,
    pub app_and_recovery_codes: bool,
    /// Wrong answers at step 2 counted so far, and a lock they led to (spec §2
    /// "Guessing over time"): only a new password set by someone else lifts it.
    pub second_step_lock: bool,
}

/// The table: what each change revokes. Device cookies go wherever sessions end.
pub const fn revokes(change: Change) -> Revokes {
    let (trusted_networks, live_codes, sessions, app_and_recovery_codes) = match change {
        Change::OwnPassword => (true, true, Sessions::OthersEnded, false),
        Change::PasswordReset | Change::Deactivated => (true, true, Sessions::AllEnded, false),
        Change::Email | Change::Mobile => (true, true, Sessions::Kept, false),
        Change::Username | Change::Reactivated => (false, false, Sessions::Kept, false),
        Change::MethodsReset => (true, true, Sessions::AllEnded, true),
    };
    Revokes {
        trusted_networks,
        live_codes,
        device_cookies: !matches!(sessions, Sessions::Kept),
        sessions,
        app_and_recovery_codes,
        second_step_lock: matches!(change, Change::PasswordReset),
    }
}

/// Who makes a change, as the audit records them.
#[derive(Debug, Clone, Copy)]
pub enum By<'a> {
    /// A signed-in person (on themselves or on someone else), from this address.
    Person {
        user: &'a CurrentUser,
        client_ip: IpAddr,
    },
    /// The operator at the command line.
    Operator,
}

impl By<'_> {
    /// The name a notice gives.
    pub fn name(&self) -> String {
        match self {
            By::Person { user, .. } => user.name.clone(),
            By::Operator => "The operator".to_string(),
        }
    }

    fn acts_on_self(&self, subject: i64) -> bool {
        matches!(self, By::Person { user, .. } if user.id == subject)
    }

    async fn audit(
        &self,
        conn: impl Into<Conn<'_>>,
        now: UnixSeconds,
        kind: EventKind,
        subject: i64,
        detail: &str,
    ) -> Result<(), sqlx::Error> {
        self.audit_about(conn, now, kind, Some(subject), detail).await
    }

    /// Records `kind` as done by this actor, about `subject` (None: about no one person,
    /// such as an office network).
    pub(crate) async fn audit_about(
        &self,
        conn: impl Into<Conn<'_>>,
        now: UnixSeconds,
        kind: EventKind,
        subject: Option<i64>,
        detail: &str,
    ) -> Result<(), sqlx::Error> {
        match self {
            By::Person { user, client_ip } => {
                let event = Event {
                    kind,
                    actor_id: Some(user.id),
                    subject_id: subject,
                    client_ip: Some(*client_ip),
                    detail: detail.to_string(),
                };
                audit::record(conn, now, event).await
            }
            By::Operator => audit::record_by_operator(conn, now, kind, subject, detail).await,
        }
    }
}

/// Where a change comes from: what it asked for is part of the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// My account: one's own details, with the current password typed in the same form.
    MyAccount,
    /// The Personnel editor (and its Reset two-step methods button).
    Personnel,
    /// `twostep admin …`.
    CommandLine,
}

/// Why a change may not be made; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// One's own Email, Mobile and Password change only in My account.
    OwnDetailsInMyAccount,
    /// The actor does not hold every permission the subject holds.
    HoldsLess,
    /// Nobody deactivates themselves or resets their own methods (those are done to
    /// someone; one's own app and codes are removed in My account, with the password).
    NotOnOneself,
}

/// Whether `by` may make `changes` to person `subject` through `door`. Read inside the
/// caller's write transaction: a grant to the subject that commits first is seen, and
/// none can commit between this check and the write.
pub async fn may_change(
    conn: impl Into<Conn<'_>>,
    by: &By<'_>,
    door: Door,
    subject: i64,
    changes: &[Change],
) -> Result<Result<(), Refusal>, sqlx::Error> {
    let By::Person { user, .. } = by else {
        return Ok(Ok(()));
    };
    if by.acts_on_self(subject) {
        if changes
            .iter()
            .any(|c| matches!(c, Change::Deactivated | Change::MethodsReset))
        {
            return Ok(Err(Refusal::NotOnOneself));
        }
        // A password set as an administrator sets it (no current password, a lock lifted)
        // is never one's own, whatever the door.
        if changes.contains(&Change::PasswordReset) {
            return Ok(Err(Refusal::OwnDetailsInMyAccount));
        }
        let own_only_in_my_account = changes
            .iter()
            .any(|c| matches!(c, Change::OwnPassword | Change::Email | Change::Mobile));
        return Ok(if own_only_in_my_account && door != Door::MyAccount {
            Err(Refusal::OwnDetailsInMyAccount)
        } else {
            Ok(())
        });
    }
    if changes.is_empty() {
        return Ok(Ok(()));
    }
    let allowed = actor_may_manage(conn, user, subject).await?;
    if !allowed {
        tracing::warn!(
            actor = user.id,
            subject,
            "refused: sign-in details of someone holding more"
        );
    }
    Ok(if allowed { Ok(()) } else { Err(Refusal::HoldsLess) })
}

/// Whether `actor` holds, as of this transaction, every permission person `subject`
/// holds. Read inside the write transaction: a grant to the subject (or a loss of the
/// actor's own permissions, or their deactivation) that commits first is seen here, and
/// none can commit between this check and the update.
async fn actor_may_manage(
    conn: impl Into<crate::db::Conn<'_>>,
    actor: &CurrentUser,
    subject: i64,
) -> Result<bool, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |tx| {
        let active: Option<bool> = sqlx::query_scalar("SELECT active FROM users WHERE id = $1")
            .bind(actor.id)
            .fetch_optional(&mut *tx)
            .await?;
        let actor_now = CurrentUser {
            permissions: if active == Some(true) {
                crate::personnel::people::permissions_of(&mut *tx, actor.id).await?
            } else {
                Vec::new()
            },
            ..actor.clone()
        };
        let subject_holds = crate::personnel::people::permissions_of(&mut *tx, subject).await?;
        Ok(crate::permissions::may_manage(
            &actor_now,
            subject,
            &subject_holds,
        ))
    })
}

/// The new values of the detail columns, `None` where unchanged.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct NewDetails<'a> {
    pub password: Option<&'a StoredHash>,
    /// `Some(None)`: the address is removed.
    pub email: Option<Option<&'a str>>,
    pub mobile: Option<Option<&'a str>>,
    pub username: Option<&'a str>,
    /// `Some(false)`: made inactive; `Some(true)`: made active again.
    pub active: Option<bool>,
}

/// A unique username that is already someone else's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsernameTaken;

/// The only writer of the sign-in detail columns of `users`. Inside the caller's write
/// transaction; the caller has checked [`may_change`] in the same one.
pub(crate) async fn write(
    conn: impl Into<Conn<'_>>,
    subject: i64,
    new: &NewDetails<'_>,
    now: UnixSeconds,
) -> Result<Result<(), UsernameTaken>, sqlx::Error> {
    let written = crate::db::on_conn!(conn.into(), |c| {
        sqlx::query(
            "UPDATE users SET
                password_hash = COALESCE($2, password_hash),
                email = CASE WHEN $3 THEN $4 ELSE email END,
                mobile = CASE WHEN $5 THEN $6 ELSE mobile END,
                username = COALESCE($7, username),
                username_key = COALESCE($8, username_key),
                active = COALESCE($9, active),
                updated_at = $10
             WHERE id = $1",
        )
        .bind(subject)
        .bind(new.password.map(|h| h.as_str().to_string()))
        .bind(new.email.is_some())
        .bind(new.email.flatten())
        .bind(new.mobile.is_some())
        .bind(new.mobile.flatten())
        .bind(new.username)
        .bind(new.username.map(crate::personnel::people::username_key))
        .bind(new.active)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ())
    });
    match written {
        Ok(_) => Ok(Ok(())),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(Err(UsernameTaken)),
        Err(e) => Err(e),
    }
}

/// What [`revoke`] took away.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Revoked {
    pub trusted_networks: u64,
    pub codes: u64,
    /// The person's new session epoch, when their sessions ended: the browser that made
    /// an own change goes on with it.
    pub epoch: Option<i64>,
    pub app_and_recovery_codes: u64,
    pub device_cookies: u64,
    /// Step 2 was locked, and no longer is.
    pub second_step_unlocked: bool,
}

/// Carries out the table's "revokes" column for `changes` made to person `subject`, and
/// audits each revocation the same way whichever door it came through. Inside the
/// caller's write transaction.
pub(crate) async fn revoke(
    conn: impl Into<Conn<'_>>,
    by: &By<'_>,
    subject: i64,
    changes: &[Change],
    now: UnixSeconds,
) -> Result<Revoked, sqlx::Error> {
    let first = |wanted: fn(Revokes) -> bool| changes.iter().copied().find(|c| wanted(revokes(*c)));
    let networks_because = first(|r| r.trusted_networks);
    let codes_because = first(|r| r.live_codes);
    let sessions = changes
        .iter()
        .map(|c| revokes(*c).sessions)
        .max()
        .unwrap_or(Sessions::Kept);
    let methods = changes.iter().any(|c| revokes(*c).app_and_recovery_codes);
    let device_cookies = changes.iter().any(|c| revokes(*c).device_cookies);
    let lock = changes.iter().any(|c| revokes(*c).second_step_lock);
    crate::db::on_conn!(conn.into(), |tx| {
        let mut revoked = Revoked::default();
        if let Some(change) = networks_because {
            revoked.trusted_networks =
                crate::trusted_networks::store::remove_all_of(&mut *tx, subject).await?;
            if revoked.trusted_networks > 0 {
                let detail = format!(
                    "{} trusted network(s): {}",
                    revoked.trusted_networks,
                    change.reason()
                );
                by.audit(&mut *tx, now, EventKind::NetworkDeleted, subject, &detail)
                    .await?;
            }
        }
        if let Some(change) = codes_because {
            revoked.codes = crate::auth::codes::void_all_of(&mut *tx, subject, now).await?;
            if revoked.codes > 0 {
                let detail = format!("{} code(s): {}", revoked.codes, change.reason());
                by.audit(&mut *tx, now, EventKind::CodeVoided, subject, &detail)
                    .await?;
            }
        }
        if device_cookies {
            revoked.device_cookies = crate::auth::device::remove_all_of(&mut *tx, subject).await?;
        }
        if methods {
            revoked.app_and_recovery_codes = crate::auth::authenticator::remove_all_of(&mut *tx, subject)
                .await?
                + crate::auth::passkeys::remove_all_of(&mut *tx, subject).await?;
        }
        if lock {
            revoked.second_step_unlocked = crate::auth::misses::clear(&mut *tx, subject).await?;
            if revoked.second_step_unlocked {
                by.audit(
                    &mut *tx,
                    now,
                    EventKind::SecondStepUnlocked,
                    subject,
                    "a new password was set",
                )
                .await?;
            }
        }
        if sessions != Sessions::Kept {
            revoked.epoch = sqlx::query_scalar(
                "UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1 RETURNING session_epoch",
            )
            .bind(subject)
            .fetch_optional(&mut *tx)
            .await?;
        }
        Ok(revoked)
    })
}

/// The audit event that names a change itself (its revocations have their own). Email,
/// mobile and username changes of one save are one "person changed" event.
pub(crate) async fn audit_changes(
    conn: impl Into<Conn<'_>>,
    by: &By<'_>,
    subject: i64,
    changes: &[Change],
    revoked: &Revoked,
    now: UnixSeconds,
) -> Result<(), sqlx::Error> {
    crate::db::on_conn!(conn.into(), |tx| {
        let fields: Vec<&str> = changes
            .iter()
            .filter_map(|c| match c {
                Change::Email => Some("email"),
                Change::Mobile => Some("mobile"),
                Change::Username => Some("username"),
                Change::Reactivated => Some("reactivated"),
                _ => None,
            })
            .collect();
        if !fields.is_empty() {
            by.audit(
                &mut *tx,
                now,
                EventKind::PersonChanged,
                subject,
                &fields.join(", "),
            )
            .await?;
        }
        for change in changes {
            let (kind, detail) = match change {
                Change::OwnPassword => (EventKind::PasswordChanged, String::new()),
                Change::PasswordReset => (EventKind::PasswordReset, String::new()),
                Change::Deactivated => (EventKind::PersonDeactivated, String::new()),
                Change::MethodsReset => (
                    EventKind::TwoStepMethodsReset,
                    format!(
                        "{} trusted network(s){}",
                        revoked.trusted_networks,
                        if revoked.app_and_recovery_codes > 0 {
                            "; authenticator app and recovery codes removed"
                        } else {
                            ""
                        }
                    ),
                ),
                Change::Email | Change::Mobile | Change::Username | Change::Reactivated => continue,
            };
            by.audit(&mut *tx, now, kind, subject, &detail).await?;
        }
        Ok(())
    })
}

/// The notices `changes` call for (the table's "mailed" column). `old_email`: the
/// address the person had before the change.
pub fn notices(changes: &[Change], by: &By<'_>, old_email: Option<&str>) -> Vec<Notice> {
    changes
        .iter()
        .filter_map(|change| match change {
            Change::OwnPassword => Some(Notice::PasswordChanged),
            Change::PasswordReset => Some(Notice::PasswordReset { by: by.name() }),
            Change::Email => Some(Notice::EmailChanged {
                old: old_email.map(str::to_string),
            }),
            Change::Mobile => Some(Notice::MobileChanged),
            Change::Username => Some(Notice::UsernameChanged),
            Change::MethodsReset => Some(Notice::MethodsReset { by: by.name() }),
            // Whether one may sign in is the organisation's to say; nothing of theirs
            // was handed to anyone.
            Change::Deactivated | Change::Reactivated => None,
        })
        .collect()
}

/// A change with everything that follows from it, in one write transaction: the rule,
/// the write, the revocations and their audit. The notices to send once it commits.
pub struct Made {
    pub revoked: Revoked,
    pub notices: Vec<Notice>,
}

/// Checks, writes, revokes and audits `changes` to `subject` (the columns in `new`), in
/// the caller's write transaction. `Ok(Err(..))`: refused, nothing written (the caller
/// rolls back).
pub async fn make(
    conn: impl Into<Conn<'_>>,
    by: &By<'_>,
    door: Door,
    subject: i64,
    changes: &[Change],
    new: &NewDetails<'_>,
    now: UnixSeconds,
) -> Result<Result<Made, MakeRefused>, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |tx| {
        if let Err(refusal) = may_change(&mut *tx, by, door, subject, changes).await? {
            return Ok(Err(MakeRefused::Rule(refusal)));
        }
        let old_email: Option<String> = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
            .bind(subject)
            .fetch_optional(&mut *tx)
            .await?
            .flatten();
        if write(&mut *tx, subject, new, now).await?.is_err() {
            return Ok(Err(MakeRefused::UsernameTaken));
        }
        let revoked = revoke(&mut *tx, by, subject, changes, now).await?;
        audit_changes(&mut *tx, by, subject, changes, &revoked, now).await?;
        Ok(Ok(Made {
            revoked,
            notices: notices(changes, by, old_email.as_deref()),
        }))
    })
}

/// Why [`make`] wrote nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MakeRefused {
    Rule(Refusal),
    UsernameTaken,
}

/// What follows a commit: open pages re-read the person's trusted networks, and the
/// notices go out (in the background).
pub async fn after_commit(
    state: &crate::state::AppState,
    subject: i64,
    made: &Made,
) -> Result<(), sqlx::Error> {
    if made.revoked.trusted_networks > 0 || made.revoked.app_and_recovery_codes > 0 {
        state.trust_changed(subject);
    }
    notices::send_in_background(state, subject, &made.notices).await
}

/// My account's password change: `new` replaces the password `proof` matched. The new
/// session epoch for the browser that made it; `None` when the matched password is no
/// longer the stored one (a reset by an administrator while the new one was being
/// hashed wins, and nothing changes).
pub async fn change_own_password(
    state: &crate::state::AppState,
    user: &CurrentUser,
    proof: &PasswordProof,
    new: &StoredHash,
    client_ip: IpAddr,
) -> Result<Option<i64>, crate::error::AppError> {
    if proof.user_id() != user.id {
        return Err(crate::error::AppError::Forbidden);
    }
    let now = state.clock.now();
    let by = By::Person { user, client_ip };
    let mut tx = state.db.begin_write().await?;
    if !proof::proof_holds(&mut tx, proof).await? {
        return Ok(None);
    }
    let new_details = NewDetails {
        password: Some(new),
        ..Default::default()
    };
    let Ok(made) = make(
        &mut tx,
        &by,
        Door::MyAccount,
        user.id,
        &[Change::OwnPassword],
        &new_details,
        now,
    )
    .await?
    else {
        return Ok(None);
    };
    tx.commit().await?;
    after_commit(state, user.id, &made).await?;
    Ok(made.revoked.epoch)
}

/// My account's email and mobile change (already validated: `None` removes one). Whether
/// anything changed.
pub async fn change_own_contact(
    state: &crate::state::AppState,
    user: &CurrentUser,
    proof: &PasswordProof,
    email: Option<&str>,
    mobile: Option<&str>,
    client_ip: IpAddr,
) -> Result<bool, crate::error::AppError> {
    if proof.user_id() != user.id {
        return Err(crate::error::AppError::Forbidden);
    }
    let now = state.clock.now();
    let by = By::Person { user, client_ip };
    let mut tx = state.db.begin_write().await?;
    if !proof::proof_holds(&mut tx, proof).await? {
        // Reset, deactivated or signed out everywhere while the password was checked.
        return Err(crate::error::AppError::Unauthorized);
    }
    let Some(before) = crate::personnel::people::contact(&mut tx, user.id).await? else {
        return Err(crate::error::AppError::NotFound);
    };
    let mut changes = Vec::new();
    let mut new_details = NewDetails::default();
    if before.email.as_deref() != email {
        changes.push(Change::Email);
        new_details.email = Some(email);
    }
    if before.mobile.as_deref() != mobile {
        changes.push(Change::Mobile);
        new_details.mobile = Some(mobile);
    }
    if changes.is_empty() {
        return Ok(false);
    }
    let Ok(made) = make(
        &mut tx,
        &by,
        Door::MyAccount,
        user.id,
        &changes,
        &new_details,
        now,
    )
    .await?
    else {
        return Err(crate::error::AppError::Forbidden);
    };
    tx.commit().await?;
    after_commit(state, user.id, &made).await?;
    Ok(true)
}

/// Sends `notices` about `subject` from a request (after its transaction committed).
pub async fn tell(
    state: &crate::state::AppState,
    subject: i64,
    notices: &[Notice],
) -> Result<(), sqlx::Error> {
    notices::send_in_background(state, subject, notices).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Backend;
    use crate::testing::{epoch, person, state_on};

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));

    /// A proof outlived by a reset, a deactivation or a methods reset (committed while
    /// the password was being hashed) allows nothing.
    async fn a_proof_outlived_by_a_reset_changes_nothing(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jane = person(&state, "Jane", "jane", &[]).await;
        let stored = crate::personnel::people::password_hash_of(&state.db, jane.id)
            .await
            .unwrap();
        let proof = PasswordProof::checked_earlier(jane.id, stored, epoch(&state, jane.id).await);
        assert!(proof_holds(&state.db, &proof).await.unwrap());

        // An administrator resets her methods meanwhile: her sessions end.
        let admin = person(&state, "Admin", "admin", &crate::permissions::Permission::ALL).await;
        let by = By::Person {
            user: &admin,
            client_ip: IP,
        };
        let mut tx = state.db.begin_write().await.unwrap();
        make(
            &mut tx,
            &by,
            Door::Personnel,
            jane.id,
            &[Change::MethodsReset],
            &NewDetails::default(),
            1,
        )
        .await
        .unwrap()
        .unwrap();
        tx.commit().await.unwrap();

        assert!(!proof_holds(&state.db, &proof).await.unwrap());
        let moved = change_own_contact(&state, &jane, &proof, Some("jane@attacker.example"), None, IP).await;
        assert_eq!(moved, Err(crate::error::AppError::Unauthorized));
        let contact = crate::personnel::people::contact(&state.db, jane.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(contact.email, None, "unchanged");
        let new = state
            .hasher
            .hash("a password of the attacker".into())
            .await
            .unwrap();
        let changed = change_own_password(&state, &jane, &proof, &new, IP)
            .await
            .unwrap();
        assert_eq!(changed, None, "the reset's sessions stay ended");
        assert!(!crate::testing::password_works(&state, "jane", "a password of the attacker").await);
    }

    /// Nobody deactivates themselves or resets their own methods, through any door.
    async fn some_changes_are_never_made_to_oneself(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let admin = person(&state, "Admin", "admin", &crate::permissions::Permission::ALL).await;
        let by = By::Person {
            user: &admin,
            client_ip: IP,
        };
        for door in [Door::MyAccount, Door::Personnel] {
            for change in [Change::Deactivated, Change::MethodsReset] {
                let rule = may_change(&state.db, &by, door, admin.id, &[change])
                    .await
                    .unwrap();
                assert_eq!(rule, Err(Refusal::NotOnOneself), "{door:?} {change:?}");
            }
        }
        let rule = may_change(&state.db, &by, Door::Personnel, admin.id, &[Change::Email])
            .await
            .unwrap();
        assert_eq!(rule, Err(Refusal::OwnDetailsInMyAccount));
        let rule = may_change(&state.db, &by, Door::MyAccount, admin.id, &[Change::Email])
            .await
            .unwrap();
        assert_eq!(rule, Ok(()));
        // A reset (no current password, a step-2 lock lifted) is never one's own, not even
        // through My account's door.
        for door in [Door::MyAccount, Door::Personnel] {
            let rule = may_change(&state.db, &by, door, admin.id, &[Change::PasswordReset])
                .await
                .unwrap();
            assert_eq!(rule, Err(Refusal::OwnDetailsInMyAccount), "{door:?}");
        }
    }

    crate::on_both_backends!(
        a_proof_outlived_by_a_reset_changes_nothing,
        some_changes_are_never_made_to_oneself,
    );
}
