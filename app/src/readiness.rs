//! Whether this instance should be sent traffic (`GET /readyz`, issue 30): the database
//! answers and its schema is the one this program expects, and mail has somewhere to go.
//! `/healthz` says less: only that the process answers and the database with it.

use std::time::Duration;

/// How long each check may take before it counts as failed.
const CHECK_TIME: Duration = Duration::from_secs(2);

/// What is not ready, by name only: the reasons go to the log, never to the caller.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Readiness {
    pub not_ready: Vec<&'static str>,
}

impl Readiness {
    pub fn is_ready(&self) -> bool {
        self.not_ready.is_empty()
    }
}

/// Checks the database (reachable, every migration applied) and the mail transport (an
/// SMTP server configured, or an outbox folder that takes a file).
pub async fn check(state: &crate::state::AppState) -> Readiness {
    let mut not_ready = Vec::new();
    match tokio::time::timeout(CHECK_TIME, state.db.schema_version()).await {
        Ok(Ok(status)) if status.applied == status.latest => {}
        Ok(Ok(status)) => {
            tracing::warn!(
                applied = status.applied,
                latest = status.latest,
                "not ready: the schema is not this program's"
            );
            not_ready.push("database");
        }
        Ok(Err(error)) => {
            tracing::warn!(%error, "not ready: the database does not answer");
            not_ready.push("database");
        }
        Err(_) => {
            tracing::warn!("not ready: the database did not answer in time");
            not_ready.push("database");
        }
    }
    let mailer = state.mailer.clone();
    match tokio::task::spawn_blocking(move || mailer.is_configured()).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => {
            tracing::warn!(%error, "not ready: mail");
            not_ready.push("mail");
        }
        Err(_) => not_ready.push("mail"),
    }
    Readiness { not_ready }
}
