//! The mails that tell a person a sign-in detail of theirs changed (spec §2 "Notices"):
//! one path for every door, with a per-person limit so that a run of changes cannot
//! become a flood of mail to anyone.

use super::notice_words::{Words, moved_away, words};
use crate::auth::channel::mask_email;
use crate::clock::UnixSeconds;
use crate::db::Db;
use crate::i18n::Lang;
use crate::mail::{self, Letter};

/// At most this many notices of one kind per person per [`WINDOW_SECONDS`]; past it,
/// that kind is dropped (and logged) until the window moves on. Counted per kind, so a
/// run of username changes cannot silence the notice of a password reset.
pub const PER_WINDOW: i64 = 6;
pub const WINDOW_SECONDS: i64 = 60 * 60;

/// What the person is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    PasswordChanged,
    PasswordReset {
        by: String,
    },
    /// Mailed to the new address and to `old`.
    EmailChanged {
        old: Option<String>,
    },
    MobileChanged,
    UsernameChanged,
    MethodsReset {
        by: String,
    },
    AppAdded,
    AppRemoved,
    PasskeyAdded {
        name: String,
    },
    PasskeyRemoved {
        name: String,
    },
    RecoveryCodesCreated,
    RecoveryCodeUsed {
        left: i64,
    },
    /// Wrong answers at step 2, `in_a_row`, after the right password.
    CodesGuessed {
        in_a_row: i64,
    },
    SecondStepLocked,
}

/// The person's name, username, email and language as they are now.
#[derive(sqlx::FromRow)]
struct Addressee {
    name: String,
    username: String,
    email: Option<String>,
    language: Option<String>,
}

impl Notice {
    /// What the limit counts by.
    fn kind(&self) -> &'static str {
        match self {
            Notice::PasswordChanged => "password_changed",
            Notice::PasswordReset { .. } => "password_reset",
            Notice::EmailChanged { .. } => "email_changed",
            Notice::MobileChanged => "mobile_changed",
            Notice::UsernameChanged => "username_changed",
            Notice::MethodsReset { .. } => "methods_reset",
            Notice::AppAdded => "app_added",
            Notice::AppRemoved => "app_removed",
            Notice::PasskeyAdded { .. } => "passkey_added",
            Notice::PasskeyRemoved { .. } => "passkey_removed",
            Notice::RecoveryCodesCreated => "recovery_codes_created",
            Notice::RecoveryCodeUsed { .. } => "recovery_code_used",
            Notice::CodesGuessed { .. } => "codes_guessed",
            Notice::SecondStepLocked => "second_step_locked",
        }
    }
}

/// Counts `notice` against person `subject`'s limit for its kind, inside the caller's
/// write transaction: whether there was room (the notice now holds one place). An action
/// that must not happen unless its notice can go (spec §2 "Notices": refused past the
/// limit) calls it in its own transaction, so parallel actions share one allowance, and
/// sends the notice after the commit with [`send_reserved`].
pub async fn reserve(
    conn: impl Into<crate::db::Conn<'_>>,
    subject: i64,
    notice: &Notice,
    now: UnixSeconds,
) -> Result<bool, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |c| {
        sqlx::query("DELETE FROM notices_sent WHERE sent_at <= $1")
            .bind(now - WINDOW_SECONDS)
            .execute(&mut *c)
            .await?;
        let sent: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM notices_sent WHERE user_id = $1 AND kind = $2")
                .bind(subject)
                .bind(notice.kind())
                .fetch_one(&mut *c)
                .await?;
        if sent >= PER_WINDOW {
            return Ok(false);
        }
        sqlx::query("INSERT INTO notices_sent (user_id, kind, sent_at) VALUES ($1, $2, $3)")
            .bind(subject)
            .bind(notice.kind())
            .bind(now)
            .execute(&mut *c)
            .await?;
        Ok(true)
    })
}

/// The person's name, username and email as they are now.
async fn addressee(
    conn: impl Into<crate::db::Conn<'_>>,
    subject: i64,
) -> Result<Option<Addressee>, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |c| {
        sqlx::query_as("SELECT name, username, email, language FROM users WHERE id = $1")
            .bind(subject)
            .fetch_optional(c)
            .await
    })
}

/// The letters for `notices` about person `subject`. Each notice is counted against the
/// person's limit for its kind before the letters are returned, so parallel changes
/// share one limit; one past the limit is left out (and logged): the change it tells of
/// has happened already.
/// `fallback`: the language for a person who chose none (the page that caused the
/// notice, or the instance default on the command line).
pub async fn letters(
    db: &Db,
    subject: i64,
    notices: &[Notice],
    now: UnixSeconds,
    fallback: Lang,
) -> Result<Vec<Letter>, sqlx::Error> {
    if notices.is_empty() {
        return Ok(Vec::new());
    }
    let mut tx = db.begin_write().await?;
    let mut allowed = Vec::new();
    for notice in notices {
        if reserve(&mut tx, subject, notice, now).await? {
            allowed.push(notice);
        } else {
            tracing::warn!(
                user_id = subject,
                kind = notice.kind(),
                "a notice over the per-person limit was not sent"
            );
        }
    }
    let to = addressee(&mut tx, subject).await?;
    tx.commit().await?;
    let Some(to) = to else {
        return Ok(Vec::new());
    };
    Ok(allowed
        .into_iter()
        .flat_map(|notice| letters_for(&to, notice, fallback))
        .collect())
}

fn usable(email: Option<&str>) -> Option<&str> {
    email.map(str::trim).filter(|e| !e.is_empty())
}

/// The letters of one notice, in the person's language: one to the person's address,
/// and for a new address one to the old address too.
fn letters_for(to: &Addressee, notice: &Notice, fallback: Lang) -> Vec<Letter> {
    let lang = crate::i18n::Lang::from_saved(to.language.as_deref()).unwrap_or(fallback);
    let name = to.name.as_str();
    let now_at = usable(to.email.as_deref());
    let letter =
        |email: &str, words: Words| mail::sign_in_notice(lang, name, email, words.subject, &words.what);
    let mut letters: Vec<Letter> = now_at
        .map(|email| letter(email, words(lang, notice, &to.username)))
        .into_iter()
        .collect();
    if let Notice::EmailChanged { old } = notice
        && let Some(old) = usable(old.as_deref()).filter(|old| Some(*old) != now_at)
    {
        let moved_to = now_at.map(mask_email);
        letters.push(letter(old, moved_away(lang, moved_to.as_deref())));
    }
    letters
}

/// Sends `notices` about `subject` from a request: the request does not wait for the
/// mail server (a failure is logged).
pub async fn send_in_background(
    state: &crate::state::AppState,
    subject: i64,
    notices: &[Notice],
) -> Result<(), sqlx::Error> {
    let page = crate::i18n::request_lang();
    for letter in letters(&state.db, subject, notices, state.clock.now(), page).await? {
        state.mail_in_background(subject, letter);
    }
    Ok(())
}

/// Sends a notice whose place [`reserve`] took (in the background).
pub async fn send_reserved(
    state: &crate::state::AppState,
    subject: i64,
    notice: &Notice,
) -> Result<(), sqlx::Error> {
    if let Some(to) = addressee(&state.db, subject).await? {
        for letter in letters_for(&to, notice, crate::i18n::request_lang()) {
            state.mail_in_background(subject, letter);
        }
    }
    Ok(())
}

/// Sends `notices` about `subject` and waits (the command line, which exits right after;
/// `fallback` is the instance's default language). Whether each went: a failure is
/// reported, the change stands.
pub async fn send_now(
    db: &Db,
    mailer: &mail::Mailer,
    subject: i64,
    notices: &[Notice],
    now: UnixSeconds,
    fallback: Lang,
) -> Result<Vec<Result<(), mail::MailError>>, sqlx::Error> {
    let mut sent = Vec::new();
    for letter in letters(db, subject, notices, now, fallback).await? {
        sent.push(mailer.send(letter).await);
    }
    Ok(sent)
}
