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
    /// A database that is locked, read-only or out of connections is a passing state:
    /// 503 "busy", so the person knows to try again. Anything else is a fault.
    fn from(error: sqlx::Error) -> Self {
        let passing = match &error {
            sqlx::Error::PoolTimedOut => true,
            // SQLITE_BUSY 5, SQLITE_LOCKED 6, SQLITE_READONLY 8 (and their extended codes).
            sqlx::Error::Database(db) => db
                .code()
                .and_then(|code| code.parse::<i32>().ok())
                .is_some_and(|code| matches!(code & 0xff, 5 | 6 | 8)),
            _ => false,
        };
        tracing::error!(%error, passing, "database error");
        // The status is set here, once, so a busy database is 503 from every server
        // function whatever path the error took.
        if passing {
            AppError::Busy.with_status()
        } else {
            AppError::Internal.with_status()
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::auth::password::HashError> for AppError {
    fn from(error: crate::auth::password::HashError) -> Self {
        use crate::auth::password::HashError;
        match error {
            HashError::Busy => AppError::Busy.with_status(),
            HashError::Failed => {
                tracing::error!("password hashing failed");
                AppError::Internal.with_status()
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<tower_sessions::session::Error> for AppError {
    fn from(error: tower_sessions::session::Error) -> Self {
        tracing::error!(%error, "session store error");
        AppError::Internal.with_status()
    }
}
