//! The one rule for the names of Twostep's cookies: over https each name carries the
//! `__Host-` prefix, so the browser keeps the cookie only if it is Secure, for path `/`
//! and this host alone, and no sibling domain can plant one; over http (development,
//! tests) the plain name. Each name is written once; the prefix is added by the macro.

/// A cookie's two names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookieName {
    plain: &'static str,
    host_only: &'static str,
}

impl CookieName {
    /// The name to use on a site served over https (`secure`) or plain http.
    pub const fn on(&self, secure: bool) -> &'static str {
        if secure { self.host_only } else { self.plain }
    }
}

macro_rules! cookie_name {
    ($plain:literal) => {
        CookieName {
            plain: $plain,
            host_only: concat!("__Host-", $plain),
        }
    };
}

/// The session (tower-sessions).
pub const SESSION: CookieName = cookie_name!("twostep_session");
/// The device cookie of a browser where a person completed a sign-in.
pub const DEVICE: CookieName = cookie_name!("twostep_device");
/// The answer to a form posted without JavaScript, for the next page load.
pub const POSTED: CookieName = cookie_name!("twostep_posted");
/// The reader's time zone.
pub const TIME_ZONE: CookieName = cookie_name!("twostep_tz");
/// The language chosen from the Language menu.
pub const LANGUAGE: CookieName = cookie_name!("twostep_lang");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_https_every_name_is_host_only() {
        for name in [SESSION, DEVICE, POSTED, TIME_ZONE, LANGUAGE] {
            assert_eq!(name.on(true), format!("__Host-{}", name.on(false)));
        }
    }
}
