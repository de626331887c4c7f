//! Forms that work before the page's code has loaded, or with JavaScript off.
//!
//! Every action on a page is a real `<form method="post">` aimed at its server function.
//! Once the app runs, `ActionForm` sends it by `fetch` and shows the answer in place.
//! Before that, the browser posts the form itself: the server function then keeps its
//! answer in the session and sends the browser back to the page (`302`), and that page
//! load takes the answer out again and shows it as if the form had been sent by `fetch`.
//! So a click in the first moments after a page appears is never lost.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize, de::DeserializeOwned};

/// A server function's answer to a plain form post, kept for the one page load after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostedAnswer {
    /// The server function's path (`/api/save_person`): which form it belongs to.
    pub path: String,
    /// Its `Ok` value as JSON.
    pub outcome: String,
    /// What was typed, for forms that show it again with the reasons (never a password).
    pub fields: Vec<(String, String)>,
}

impl PostedAnswer {
    /// The typed value of `name`, if it was kept.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The answer `S` gave to the plain form post that led to this page load, with the
/// fields kept beside it. The server reads it from the request; the browser gets the
/// same value with the page, so both render the same thing.
pub fn posted<S>() -> Option<(S::Output, PostedAnswer)>
where
    S: ServerFn,
    S::Output: DeserializeOwned,
{
    let answer = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            use_context::<http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<PostedAnswer>().cloned())
                .filter(|answer| answer.path == S::PATH)
        }
        #[cfg(not(feature = "ssr"))]
        {
            None::<PostedAnswer>
        }
    })
    .into_inner()?;
    let outcome = serde_json::from_str(&answer.outcome).ok()?;
    Some((outcome, answer))
}

/// Shows the posted answer of `S` (if this page load follows one) as the action's value.
/// Returns the answer for forms that also restore what was typed.
pub fn restore<S>(action: ServerAction<S>) -> Option<PostedAnswer>
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: DeserializeOwned + Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    let (outcome, answer) = posted::<S>()?;
    action.value().set(Some(Ok(outcome)));
    Some(answer)
}

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use super::PostedAnswer;
    use leptos::prelude::*;
    use leptos::server_fn::ServerFn;
    use serde::Serialize;

    /// Where the answer waits between the post and the page load.
    pub const SESSION_KEY: &str = "posted_answer";

    /// Whether this request is the browser posting a form itself (it asks for a page
    /// back), not the app sending it by `fetch` (which asks for JSON).
    pub fn is_plain_post() -> bool {
        use_context::<http::request::Parts>().is_some_and(|parts| {
            parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"))
        })
    }

    /// For a plain form post: keeps `outcome` (and `fields`) for the next page load and,
    /// when `then_go_to` is given, sends the browser there instead of back to the form.
    /// For a `fetch`, does nothing: the answer travels in the response.
    pub async fn answer<S>(
        outcome: &S::Output,
        fields: Vec<(String, String)>,
        then_go_to: Option<&str>,
    ) -> Result<(), crate::error::AppError>
    where
        S: ServerFn,
        S::Output: Serialize,
    {
        if !is_plain_post() {
            return Ok(());
        }
        let answer = PostedAnswer {
            path: S::PATH.to_string(),
            outcome: serde_json::to_string(outcome).map_err(|error| {
                tracing::error!(%error, "an answer could not be kept for the page");
                crate::error::AppError::Internal
            })?,
            fields,
        };
        let session = crate::auth::session::request_session().await?;
        session.insert(SESSION_KEY, answer).await?;
        if let Some(path) = then_go_to {
            leptos_axum::redirect(path);
        }
        Ok(())
    }

    /// The page the form was posted from (path and query, this site only), without the
    /// query keys `drop`: where a successful save returns to. `/` when unknown.
    pub fn referer_without(drop: &[&str]) -> String {
        let referer = use_context::<http::request::Parts>().and_then(|parts| {
            let value = parts.headers.get(http::header::REFERER)?.to_str().ok()?;
            value.parse::<http::Uri>().ok()
        });
        let Some(referer) = referer else {
            return "/".to_string();
        };
        let path = referer.path();
        // Only a path of this site: never `//elsewhere`.
        if !path.starts_with('/') || path.starts_with("//") {
            return "/".to_string();
        }
        let kept: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(
                form_urlencoded::parse(referer.query().unwrap_or("").as_bytes())
                    .filter(|(key, _)| !drop.contains(&key.as_ref()) && !key.starts_with("__")),
            )
            .finish();
        if kept.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{kept}")
        }
    }

    /// Takes the kept answer out of the session (for the page load that shows it).
    /// Reads first: removing marks the session changed, and most loads have nothing.
    pub async fn take(session: &tower_sessions::Session) -> Option<PostedAnswer> {
        let answer = session.get::<PostedAnswer>(SESSION_KEY).await.ok()??;
        let _ = session.remove_value(SESSION_KEY).await;
        Some(answer)
    }
}
