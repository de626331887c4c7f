//! The one error type of every server function.
//!
//! Expected outcomes (a refused password, say) travel inside `Ok`; `Err` carries only
//! real faults. Each variant has a stable message for the browser: the detail of a fault
//! stays in the server log, so database text never reaches a person.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No signed-in person (or the second step is still pending).
    #[error("Your session has ended. Sign in again.")]
    Unauthorized,
    /// Signed in, but without the permission this needs.
    #[error("You do not have permission to open this page.")]
    Forbidden,
    /// The password hashing queue is full.
    #[error("The server is busy. Try again in a moment.")]
    Busy,
    /// What was asked for does not exist.
    #[error("That record does not exist.")]
    NotFound,
    /// The request itself was malformed (not a validation message: those are outcomes).
    #[error("The request could not be understood.")]
    BadRequest,
    /// The browser could not reach the server.
    #[error("Could not reach the server. Check your connection and try again.")]
    Network,
    /// Anything else. The cause is in the server log.
    #[error("Something went wrong on the server. Try again in a moment.")]
    Internal,
}

impl AppError {
    /// The message a person reads, in the page's language (`Display` is the English one,
    /// for the log).
    pub fn text(&self) -> &'static str {
        crate::i18n::t().errors.of(self)
    }

    /// The HTTP status a server function answers with for this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::Busy => 503,
            AppError::BadRequest => 400,
            AppError::NotFound => 404,
            AppError::Network | AppError::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) => AppError::Network,
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::BadRequest.with_status(),
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function fault");
                #[cfg(not(feature = "ssr"))]
                let _ = other;
                AppError::Internal
            }
        }
    }
}

impl AppError {
    /// Sets this error's status on the current server-function response, then returns it.
    /// Outside a server request (in the browser) it only returns it.
    pub fn with_status(self) -> Self {
        #[cfg(feature = "ssr")]
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
            && let Ok(code) = http::StatusCode::from_u16(self.status())
        {
            response.set_status(code);
        }
        self
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    /// A database that is locked, read-only, out of connections or out of reach is a
    /// passing state: 503 "busy", so the person knows to try again. Anything else is a
    /// fault.
    fn from(error: sqlx::Error) -> Self {
        let passing = match &error {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
            sqlx::Error::Database(db) => db.code().is_some_and(|code| passing_database_state(&code)),
            _ => false,
        };
        tracing::error!(%error, passing, "database error");
        // The status is set here, once, so a busy database is 503 from every server
        // function whatever path the error took.
        if passing {
            crate::telemetry::busy("database");
            AppError::Busy.with_status()
        } else {
            AppError::Internal.with_status()
        }
    }
}

/// SQLite: BUSY 5, LOCKED 6, READONLY 8 (and their extended codes). PostgreSQL
/// (SQLSTATE): a lost connection (class 08), a server shutting down or starting
/// (57P01–57P03), a statement timeout or cancel (57014), a lock not available (55P03),
/// a deadlock or serialization failure (40P01, 40001), too many connections (53300).
#[cfg(feature = "ssr")]
fn passing_database_state(code: &str) -> bool {
    // A SQLSTATE is always five characters; SQLite's codes are at most four digits.
    if code.len() == 5 {
        return code.starts_with("08")
            || matches!(
                code,
                "57P01" | "57P02" | "57P03" | "57014" | "55P03" | "40P01" | "40001" | "53300"
            );
    }
    code.parse::<i32>()
        .is_ok_and(|sqlite| matches!(sqlite & 0xff, 5 | 6 | 8))
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::passing_database_state;

    #[test]
    fn busy_locked_and_unreachable_databases_are_passing_states() {
        for passing in [
            "5", "517", "6", "8", "08006", "08001", "57P01", "57014", "55P03", "40P01", "53300",
        ] {
            assert!(passing_database_state(passing), "{passing}");
        }
        for fault in ["1", "19", "2067", "23505", "42P01", "22P02"] {
            assert!(!passing_database_state(fault), "{fault}");
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::auth::password::HashError> for AppError {
    fn from(error: crate::auth::password::HashError) -> Self {
        use crate::auth::password::HashError;
        match error {
            HashError::Busy => {
                crate::telemetry::busy("password_queue");
                AppError::Busy.with_status()
            }
            HashError::Failed => {
                tracing::error!("password hashing failed");
                AppError::Internal.with_status()
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<tower_sessions::session::Error> for AppError {
    /// The session store's backend is the database: when it cannot answer, the database
    /// could not (away or busy), which passes; 503 as for any busy database. A record that
    /// does not decode is a fault.
    fn from(error: tower_sessions::session::Error) -> Self {
        use tower_sessions::session::Error;
        use tower_sessions::session_store::Error as StoreError;
        let passing = matches!(error, Error::Store(StoreError::Backend(_)));
        tracing::error!(%error, passing, "session store error");
        if passing {
            crate::telemetry::busy("session_store");
            AppError::Busy.with_status()
        } else {
            AppError::Internal.with_status()
        }
    }
}
