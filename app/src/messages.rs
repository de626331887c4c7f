//! Texts the spec fixes word for word (spec §1). Tests find things by these.

pub const INCORRECT_CREDENTIALS: &str = "Incorrect username or password.";
pub const FORBIDDEN_PAGE: &str = "You do not have permission to open this page.";
pub const NO_CHANNEL: &str = "Two-step authentication is on, but no email address is on file for you. \
     Ask an administrator to add one in Personnel.";
pub const WRONG_CODE: &str = "That code is not valid.";
/// A passkey's answer that was not accepted (cancelled, too late, another site's, not
/// this person's).
pub const PASSKEY_NOT_ACCEPTED: &str = "The passkey was not accepted. Try again, or choose another way.";
pub const CODE_SPENT: &str = "This code can no longer be used. Sign in again.";
pub const SEND_FAILED: &str = "We could not send your code. Try again in a moment.";
/// Shown only after the right password: too many wrong security codes in a row.
pub const SECOND_STEP_LOCKED: &str = "Signing in is locked: too many wrong security codes were entered for \
     your account. Ask an administrator to set a new password for you.";

/// Too many codes in the window; the wait is the code policy's window.
pub fn too_many_codes(window_seconds: i64) -> String {
    format!(
        "Too many codes were sent to you. Wait {}, then sign in again.",
        crate::time_text::duration(window_seconds)
    )
}
