//! The limits a person can meet, in one place for the browser and the server: the form
//! hints, the server's checks and every text that states one are built from these, so
//! the page can never promise what the server refuses.

use crate::i18n::Lang;
use std::ops::RangeInclusive;

/// A password's length in characters (not bytes), wherever one is set or typed.
pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;
pub const NAME_MAX: usize = 100;
pub const USERNAME_MAX: usize = 64;
pub const EMAIL_MAX: usize = 254;

/// The shortest and longest trust period an admin may choose, in days.
pub const TRUST_DAYS: RangeInclusive<i64> = 1..=90;

/// How long a code sent for the second step works (the default of the code policy,
/// which every text about it is built from).
pub const CODE_LIFETIME_SECONDS: i64 = 10 * 60;
/// The window of the per-person code cap and of the password throttles.
pub const LIMIT_WINDOW_SECONDS: i64 = 15 * 60;

/// The furthest a list may be paged (`?from=`): far past any real list, and small enough
/// that no page arithmetic overflows whatever the address says.
pub const LIST_OFFSET_MAX: i64 = 1_000_000;

/// A list offset from the address or a request: a number, clamped to `0..=LIST_OFFSET_MAX`.
pub fn list_offset(offset: i64) -> i64 {
    offset.clamp(0, LIST_OFFSET_MAX)
}

/// The hint under every new-password field, in `lang` (the server also refuses a
/// password that is easy to guess: `auth::new_password`).
pub fn password_hint(lang: Lang) -> String {
    (lang.texts().password.hint)(PASSWORD_MIN)
}

/// Why a new password was refused for its length, if it was, in `lang`.
pub fn password_length_problem(lang: Lang, password: &str) -> Option<String> {
    let said = &lang.texts().password;
    let length = password.chars().count();
    if length < PASSWORD_MIN {
        Some((said.too_short)(PASSWORD_MIN))
    } else if length > PASSWORD_MAX {
        Some((said.too_long)(PASSWORD_MAX))
    } else {
        None
    }
}

/// At or below this many unused recovery codes, the person is told to make a new set.
pub const FEW_RECOVERY_CODES: i64 = 2;

/// At most this many passkeys per person (spec §2 "Passkeys").
pub const PASSKEYS_PER_PERSON: i64 = 10;

/// How long security events are kept (`policy.audit_retention_days`,
/// `TWOSTEP_AUDIT_RETENTION_DAYS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditRetention {
    /// Every event stays (`0`).
    KeepAll,
    /// Events older than this many days go.
    Days(u32),
}

impl AuditRetention {
    /// The spec's default: a little over a year, so a year-end review sees the whole year.
    pub const DEFAULT_DAYS: u32 = 400;

    /// From the configured number of days: `0` keeps every event.
    pub fn from_days(days: u32) -> AuditRetention {
        match days {
            0 => AuditRetention::KeepAll,
            days => AuditRetention::Days(days),
        }
    }

    /// Events that happened before this moment are deleted at `now`; none for `KeepAll`.
    pub fn cutoff(self, now: i64) -> Option<i64> {
        match self {
            AuditRetention::KeepAll => None,
            AuditRetention::Days(days) => Some(now - i64::from(days) * 24 * 60 * 60),
        }
    }
}

impl Default for AuditRetention {
    fn default() -> Self {
        AuditRetention::Days(Self::DEFAULT_DAYS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_length_counts_characters_not_bytes() {
        assert!(
            password_length_problem(Lang::En, "ééééééé").is_some(),
            "7 characters, 14 bytes"
        );
        assert_eq!(password_length_problem(Lang::En, "éééééééé"), None);
        assert!(password_length_problem(Lang::En, &"é".repeat(PASSWORD_MAX)).is_none());
        assert!(password_length_problem(Lang::En, &"a".repeat(PASSWORD_MAX + 1)).is_some());
    }
}
