//! The server's state in one place, provided to every server function.

use crate::auth::codes::CodePolicy;
use crate::auth::password::PasswordHasher;
use crate::auth::throttle::ThrottlePolicy;
use crate::clock::Clock;
use crate::db::Db;
use crate::error::AppError;
use crate::mail::Mailer;
use crate::request::client_addr::{ClientIpHeader, TrustedProxies};
use crate::site_files::SiteFiles;
use crate::sms::SmsSender;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Rules an operator may tune.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub throttle: ThrottlePolicy,
    pub codes: CodePolicy,
    /// The site's public origin (`https://plan.example.com`), when it is known.
    pub public_origin: Option<String>,
    /// The address the server listens on; without a public origin, the only `Host`
    /// besides `localhost` and loopback that is this site.
    pub site_addr: Option<std::net::SocketAddr>,
    pub trusted_proxies: TrustedProxies,
    /// The one header a trusted proxy's client address is read from.
    pub client_ip_header: ClientIpHeader,
    /// Region for phone numbers typed in national form (`BE`); none: international only.
    pub default_region: Option<phonenumber::country::Id>,
    /// The language of pages and mail when nothing else says which.
    pub default_language: crate::i18n::Lang,
    /// How long security events are kept before the hourly clean-up deletes them.
    pub audit_retention: crate::limits::AuditRetention,
    /// How often an open event stream re-checks its session, shortened by the tests; the
    /// server itself always uses its own interval (`server/src/live.rs`).
    #[cfg(any(test, feature = "test-support"))]
    pub stream_recheck: Option<std::time::Duration>,
}

impl Policy {
    /// How often an open event stream re-checks its session: `every`, unless a test
    /// shortened it.
    pub fn stream_recheck_or(&self, every: std::time::Duration) -> std::time::Duration {
        #[cfg(any(test, feature = "test-support"))]
        if let Some(shorter) = self.stream_recheck {
            return shorter;
        }
        every
    }

    /// Whether people reach the site over https: cookies then get `Secure` and the
    /// `__Host-` prefix.
    pub fn secure_cookies(&self) -> bool {
        self.public_origin
            .as_deref()
            .is_some_and(|origin| origin.starts_with("https://"))
    }

    /// Who the site is to a passkey (spec §2 "Passkeys"): from `public_origin`, else
    /// `localhost` on the listening port. Checked once at start (`server/src/main.rs`),
    /// so an error here means a configuration the start refused.
    pub fn relying_party(&self) -> Result<crate::auth::passkeys::RelyingParty, AppError> {
        crate::auth::passkeys::RelyingParty::new(
            self.public_origin.as_deref(),
            self.site_addr.map(|addr| addr.port()),
        )
        .map_err(|error| {
            tracing::error!(%error, "no relying party for passkeys");
            AppError::Internal
        })
    }

    /// The site's host name, for the WebOTP line of a text message.
    pub fn site_host(&self) -> String {
        self.public_origin
            .as_deref()
            .and_then(|origin| origin.parse::<http::Uri>().ok())
            .and_then(|uri| uri.host().map(str::to_string))
            .unwrap_or_else(|| "localhost".into())
    }
}

/// The server's state. axum's layers and leptos's handlers clone it for every request,
/// so it is one shared pointer: a clone is one atomic add, not one for each of its parts
/// (measured: those clones and drops were a third of `/api/me`'s CPU time).
#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl From<Services> for AppState {
    fn from(services: Services) -> Self {
        AppState(Arc::new(services))
    }
}

impl std::ops::Deref for AppState {
    type Target = Services;
    fn deref(&self) -> &Services {
        &self.0
    }
}

/// What the server shares between requests.
#[derive(Clone)]
pub struct Services {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub hasher: Arc<PasswordHasher>,
    pub clock: Arc<dyn Clock>,
    pub policy: Arc<Policy>,
    pub mailer: Arc<Mailer>,
    /// Seals authenticator secrets and keys recovery-code digests; kept outside the
    /// database (`crate::secret_key`).
    pub secret_key: Arc<crate::secret_key::SecretKey>,
    /// `None` when no SMS provider is configured: email only.
    pub sms: Option<Arc<SmsSender>>,
    /// Whose trusted networks just changed (a person's id): open Security and My account
    /// pages hear of it through server-sent events.
    pub trust_events: tokio::sync::broadcast::Sender<crate::changes::TrustChange>,
    /// The compiled site's file names (content-hashed in a release build).
    pub site_files: Arc<SiteFiles>,
    /// Where a generated first-admin password was written (`data/admin-password.txt`),
    /// removed once that admin's password changes. `None` in tests.
    pub first_admin_password_file: Option<Arc<std::path::PathBuf>>,
}

impl AppState {
    /// A copy of the parts, to build a state that differs in one (tests).
    #[cfg(any(test, feature = "test-support"))]
    pub fn parts(&self) -> Services {
        (*self.0).clone()
    }

    /// Sends a notice about `user_id` without making anyone wait for the mail server, through
    /// the mailer's bounded queue; a failure is logged.
    pub fn mail_in_background(&self, user_id: i64, letter: crate::mail::Letter) {
        self.mailer.send_in_background(user_id, letter);
    }

    /// Tells every listening page that `user_id`'s trusted networks changed.
    pub fn trust_changed(&self, user_id: i64) {
        crate::changes::announce(&self.db, &self.trust_events, user_id);
    }

    /// Tells every open Security page that the office networks changed.
    pub fn offices_changed(&self) {
        crate::changes::announce_offices(&self.db, &self.trust_events);
    }
}

/// The channel behind `AppState::trust_events`.
pub fn trust_events() -> tokio::sync::broadcast::Sender<crate::changes::TrustChange> {
    crate::changes::channel()
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state, inside a server function or a server render.
pub fn app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState was not provided to the server function");
        AppError::Internal
    })
}
