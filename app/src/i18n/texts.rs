//! The catalogue's shape: every text a page shows, by area. Each language fills every
//! field (`en.rs`, `nl.rs`, `fr.rs`); a text with blanks is a function of them.
//!
//! What only the server writes (mail, SMS, the reasons a sign-in is refused) is in
//! [`ServerTexts`], compiled into the server alone: the browser's bundle carries only
//! what its pages draw.

use crate::error::AppError;

/// What the browser shows, in one language.
pub struct Texts {
    pub language: LanguageTexts,
    pub errors: ErrorTexts,
    pub nav: NavTexts,
    pub sign_in: SignInTexts,
    pub code: CodeTexts,
    pub home: HomeTexts,
    pub time: TimeTexts,
    pub pages: PageTexts,
    /// My account: details, language, sign-in methods, trusted IP addresses, password.
    pub account: &'static super::account_texts::AccountTexts,
    /// Personnel, Permissions and Security (office networks included).
    pub system: &'static super::system_texts::SystemTexts,
    /// New passwords: the hint under the field, and the length rules.
    pub password: PasswordTexts,
    /// Said while something is being fetched.
    pub loading: &'static str,
}

/// The length rules of a new password (`crate::limits`).
pub struct PasswordTexts {
    /// (the least number of characters)
    pub hint: fn(usize) -> String,
    pub too_short: fn(usize) -> String,
    pub too_long: fn(usize) -> String,
}

/// The Language menu (on every page) and My account's Language field.
pub struct LanguageTexts {
    /// The menu's and the field's name.
    pub label: &'static str,
    /// My account's button.
    pub save: &'static str,
    /// Beside the field: where the choice applies.
    pub hint: &'static str,
}

/// The stable messages of [`AppError`].
pub struct ErrorTexts {
    pub unauthorized: &'static str,
    pub forbidden: &'static str,
    pub busy: &'static str,
    pub not_found: &'static str,
    pub bad_request: &'static str,
    pub network: &'static str,
    pub internal: &'static str,
}

impl ErrorTexts {
    pub fn of(&self, error: &AppError) -> &'static str {
        match error {
            AppError::Unauthorized => self.unauthorized,
            AppError::Forbidden => self.forbidden,
            AppError::Busy => self.busy,
            AppError::NotFound => self.not_found,
            AppError::BadRequest => self.bad_request,
            AppError::Network => self.network,
            AppError::Internal => self.internal,
        }
    }
}

/// The top navigation and the names of the pages (`crate::routes`).
pub struct NavTexts {
    pub main: &'static str,
    pub maintenance: &'static str,
    pub system: &'static str,
    pub home: &'static str,
    pub my_account: &'static str,
    /// "Organisation › Personnel", the Maintenance menu's link.
    pub organisation_personnel: &'static str,
    pub personnel: &'static str,
    pub permissions: &'static str,
    pub security: &'static str,
    pub no_pages: &'static str,
    pub sign_out: &'static str,
    pub page_not_found: &'static str,
    pub go_home: &'static str,
}

/// Sign in, step 1, and a passkey alone.
pub struct SignInTexts {
    pub title: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub submit: &'static str,
    /// Between the password form and the passkey button.
    pub or: &'static str,
    pub with_passkey: &'static str,
    pub no_passkey_used: &'static str,
    pub passkey_unavailable: &'static str,
    pub passkey_needs_script: &'static str,
}

/// Sign in, step 2.
pub struct CodeTexts {
    pub heading: &'static str,
    pub heading_passkey: &'static str,
    /// "We sent a code to" before the masked address.
    pub sent_to: &'static str,
    /// After the address: ". It works once, for 10 minutes."
    pub works_once_for: fn(&str) -> String,
    pub open_app: &'static str,
    pub recovery_hint: &'static str,
    pub passkey_hint: &'static str,
    pub security_code: &'static str,
    pub trust_this_ip: &'static str,
    pub trust_hint: &'static str,
    pub verify: &'static str,
    pub cancel: &'static str,
    pub use_passkey: &'static str,
    pub send_new_code: &'static str,
    pub email_instead: &'static str,
    pub text_instead: &'static str,
    pub use_recovery: &'static str,
    pub use_app: &'static str,
    pub new_code_on_its_way: &'static str,
    pub code_on_its_way: &'static str,
    pub code_spent: &'static str,
}

/// The home page.
pub struct HomeTexts {
    pub welcome: &'static str,
    /// "Welcome, " before the name.
    pub welcome_name: &'static str,
    pub lead: &'static str,
    pub no_code_asked: &'static str,
    /// Between the address and the date: " is trusted for you until ".
    pub trusted_until: &'static str,
    pub manage_in_account: &'static str,
    /// "you signed in from the office network Brussels HQ."
    pub from_office: fn(&str) -> String,
}

/// Lengths and moments of time.
pub struct TimeTexts {
    /// Singular and plural of each unit.
    pub second: (&'static str, &'static str),
    pub minute: (&'static str, &'static str),
    pub hour: (&'static str, &'static str),
    pub day: (&'static str, &'static str),
    pub just_now: &'static str,
    /// "in 3 days"
    pub ahead: fn(&str) -> String,
    /// "3 days ago"
    pub ago: fn(&str) -> String,
    /// Whether a count takes the singular (French: 0 and 1; English, Dutch: 1).
    pub singular: fn(u64) -> bool,
    /// How a date and time are written: `2026-11-28 15:05` or `28/11/2026 15:05`.
    pub day_first: bool,
}

/// Titles of the signed-in pages.
pub struct PageTexts {
    pub refused: &'static str,
}

/// What only the server writes, in one language.
#[cfg(feature = "ssr")]
pub struct ServerTexts {
    pub refusals: RefusalTexts,
    pub mail: MailTexts,
    /// The SMS that carries a code: (code, how long it works). Plain GSM characters
    /// only (no no-break space): anything else halves what one message holds.
    pub sms_code: fn(&str, &str) -> String,
}

/// Why a sign-in step was refused (spec §1 fixes the English ones).
#[cfg(feature = "ssr")]
pub struct RefusalTexts {
    pub incorrect_credentials: &'static str,
    pub no_channel: &'static str,
    pub wrong_code: &'static str,
    pub passkey_not_accepted: &'static str,
    pub code_spent: &'static str,
    pub send_failed: &'static str,
    pub second_step_locked: &'static str,
    pub not_your_way: &'static str,
    /// Personnel, about one's own email, mobile or password.
    pub own_details_in_my_account: &'static str,
    /// "Too many codes were sent to you. Wait 15 minutes, then sign in again."
    pub too_many_codes: fn(&str) -> String,
    /// "A code was sent moments ago. Wait 30 seconds before asking for a new one."
    pub sent_moments_ago: fn(&str) -> String,
}

/// The letters (the greeting and the advice are shared by all of them).
#[cfg(feature = "ssr")]
pub struct MailTexts {
    pub hello: fn(&str) -> String,
    pub code_subject: &'static str,
    pub code_intro: &'static str,
    /// "It works once, for 10 minutes."
    pub code_works_once: fn(&str) -> String,
    pub code_not_you: &'static str,
    pub network_subject: &'static str,
    /// (network, days) "The network … is now trusted …"; the network is marked by the caller.
    pub network_trusted: fn(&str, &str) -> String,
    pub network_not_you: &'static str,
    /// (on) "Twostep: two-step authentication was turned on"
    pub two_step_subject: fn(bool) -> String,
    /// (who, on) "Jane Doe turned two-step authentication on for everyone."
    pub two_step_turned: fn(&str, bool) -> String,
    pub two_step_check: &'static str,
    /// The last line of a notice about one's own sign-in.
    pub notice_not_you: &'static str,
    /// A notice's subject: "Twostep: your password was changed".
    pub notice_subject: fn(&str) -> String,
}
