//! Types shared by the server and the browser.

use serde::{Deserialize, Serialize};

/// What a person may see and do beyond their own account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Permission {
    Personnel,
    Permissions,
    Security,
}

impl Permission {
    pub const ALL: [Permission; 3] = [
        Permission::Personnel,
        Permission::Permissions,
        Permission::Security,
    ];

    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Personnel => "personnel",
            Permission::Permissions => "permissions",
            Permission::Security => "security",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == stored)
    }

    /// The name people see.
    pub fn label(self) -> &'static str {
        match self {
            Permission::Personnel => "Personnel",
            Permission::Permissions => "Permissions",
            Permission::Security => "Security",
        }
    }
}

/// The signed-in person, as the pages need them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub username: String,
    pub permissions: Vec<Permission>,
}

impl CurrentUser {
    pub fn may(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }
}

/// The answer to the password step. A refusal is an outcome, not a fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoginOutcome {
    /// Signed in; the browser goes on to `next`.
    SignedIn { next: String },
    /// Not signed in, with the text to show (identical for every reason a password fails).
    Refused { message: String },
    /// The password was right and a code was sent to `sent_to` (masked): step 2.
    /// `may_trust`: whether **Trust this IP** is offered (never for a proxy's address).
    CodeRequired { sent_to: String, may_trust: bool },
}

/// The answer to a typed code (step 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeOutcome {
    /// Signed in; the browser goes on to `next`.
    SignedIn { next: String },
    /// Step 2 stays, with the text to show (a wrong code, a resend too soon).
    Refused { message: String },
    /// A new code went to `sent_to` (masked).
    Resent { sent_to: String },
    /// The sign-in cannot go on (code used up, expired, voided): back to step 1.
    Restart { message: String },
}

/// The page a person may be sent to after signing in: only a path on this site.
/// Anything else (another host, `//evil`, `/\evil`, a scheme) becomes `/`.
pub fn safe_next(next: Option<&str>) -> String {
    match next.map(str::trim) {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.starts_with("/login")
                && !path.chars().any(|c| c.is_control() || c == '\\') =>
        {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

/// Where a signed-out person is sent from `here` (a path with its query): the sign-in
/// page, which returns them to `here` afterwards.
pub fn login_redirect(here: &str) -> String {
    let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
    format!("/login?next={next}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_round_trips_through_its_stored_form() {
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.as_str()), Some(p));
        }
        assert_eq!(Permission::parse("admin"), None);
    }

    #[test]
    fn next_accepts_only_local_paths() {
        assert_eq!(safe_next(Some("/account?tab=1")), "/account?tab=1");
        assert_eq!(safe_next(None), "/");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "evil",
            "",
            "/login",
            "/a\nb",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?} must not be followed");
        }
    }

    #[test]
    fn the_return_path_survives_the_round_trip_through_the_query() {
        let here = "/account?tab=a b&x=é";
        let to = login_redirect(here);
        assert_eq!(to, "/login?next=%2Faccount%3Ftab%3Da+b%26x%3D%C3%A9");
        let query = to.split_once('?').unwrap().1;
        let (_, back) = form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "next")
            .unwrap();
        assert_eq!(back, here);
    }
}
