//! Forms that work before the page's code has loaded, or with JavaScript off.
//!
//! Every action on a page is a real `<form method="post">` aimed at its server function.
//! Once the app runs, `ActionForm` sends it by `fetch` and shows the answer in place.
//! Before that, the browser posts the form itself: the server function then keeps its
//! answer in a short-lived cookie and sends the browser back to the page (`303`), and that
//! page load takes the answer out again and shows it as if the form had been sent by
//! `fetch`. So a click in the first moments after a page appears is never lost.

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
    /// Whether `outcome` is sealed to the session it was posted in (a secret such as new
    /// recovery codes); opened on the server before any page sees it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sealed: bool,
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
    use base64::Engine;
    use leptos::prelude::*;
    use leptos::server_fn::ServerFn;
    use serde::Serialize;
    use tower_cookies::{Cookie, Cookies, cookie::SameSite};

    /// The cookie that carries the answer to the page load after the post. A cookie, not
    /// the session: keeping an answer writes nothing on the server (a refused sign-in
    /// from a new browser would otherwise store a session), and showing it never saves
    /// the session again (which could bring back one that was just signed out).
    pub fn cookie_name(secure: bool) -> &'static str {
        crate::cookie_names::POSTED.on(secure)
    }

    /// Long enough to follow the redirect, short enough not to greet a later visit.
    const COOKIE_SECONDS: i64 = 60;
    /// Browsers keep cookies up to 4 KB; past this the typed fields are left out.
    const COOKIE_MAX_BYTES: usize = 3000;

    /// Whether this request is the browser posting the form of `path` itself (it asks
    /// for a page back), not the app sending it by `fetch` (which asks for JSON).
    pub fn is_plain_post(path: &str) -> bool {
        use_context::<http::request::Parts>().is_some_and(|parts| {
            parts.method == http::Method::POST && parts.uri.path() == path && asks_for_page(&parts.headers)
        })
    }

    /// Whether a request asks for a page back (`Accept: text/html`): a form the browser
    /// sends itself does; the app's `fetch` asks for JSON.
    pub fn asks_for_page(headers: &http::HeaderMap) -> bool {
        headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    }

    /// For a plain form post to `S`: keeps `outcome` (and `fields`) for the next page
    /// load and, when `then_go_to` is given, sends the browser there instead of back to
    /// the form. For a `fetch`, does nothing: the answer travels in the response.
    pub async fn answer<S>(
        outcome: &S::Output,
        fields: Vec<(String, String)>,
        then_go_to: Option<&str>,
    ) -> Result<(), crate::error::AppError>
    where
        S: ServerFn,
        S::Output: Serialize,
    {
        if !is_plain_post(S::PATH) {
            return Ok(());
        }
        let Ok(json) = serde_json::to_string(outcome) else {
            tracing::error!("an answer could not be kept for the page");
            return Err(crate::error::AppError::Internal);
        };
        let answer = PostedAnswer {
            path: S::PATH.to_string(),
            outcome: json,
            fields,
            sealed: false,
        };
        keep(answer).await?;
        if let Some(path) = then_go_to {
            leptos_axum::redirect(path);
        }
        Ok(())
    }

    /// Like [`answer`], for an outcome that is itself a secret (new recovery codes): the
    /// cookie carries it sealed under the secret key and bound to this session's id, so
    /// whoever reads the browser's cookies next reads nothing, and the server opens it
    /// only for a page load of the same session (see [`take`]). Nothing is stored.
    pub async fn answer_sealed<S>(outcome: &S::Output) -> Result<(), crate::error::AppError>
    where
        S: ServerFn,
        S::Output: Serialize,
    {
        if !is_plain_post(S::PATH) {
            return Ok(());
        }
        let state = crate::state::app_state()?;
        let session = crate::auth::session::request_session().await?;
        let (Ok(json), Some(id)) = (serde_json::to_string(outcome), session.id()) else {
            tracing::error!("a sealed answer could not be kept for the page");
            return Err(crate::error::AppError::Internal);
        };
        // The time goes inside: the server, not only the browser, ends its life.
        let plain = format!("{}\n{json}", state.clock.now());
        let sealed = state.secret_key.seal(plain.as_bytes(), &sealed_for(id, S::PATH));
        keep(PostedAnswer {
            path: S::PATH.to_string(),
            outcome: base64::engine::general_purpose::STANDARD.encode(sealed),
            fields: Vec::new(),
            sealed: true,
        })
        .await
    }

    /// What a sealed answer is bound to: the session's id, which only its cookie holds,
    /// and the form it answers.
    fn sealed_for(id: tower_sessions::session::Id, path: &str) -> Vec<u8> {
        [
            b"posted answer\0".as_slice(),
            &id.0.to_le_bytes(),
            path.as_bytes(),
        ]
        .concat()
    }

    /// Puts `answer` in the cookie for the next page load; its typed fields are left out
    /// if they would make it too long for a browser to keep.
    async fn keep(mut answer: PostedAnswer) -> Result<(), crate::error::AppError> {
        let mut value = encode(&answer);
        if value.len() > COOKIE_MAX_BYTES {
            answer.fields.clear();
            value = encode(&answer);
        }
        if value.len() <= COOKIE_MAX_BYTES {
            let secure = crate::state::app_state()?.policy.secure_cookies();
            if let Ok(cookies) = leptos_axum::extract::<Cookies>().await {
                cookies.add(
                    Cookie::build((cookie_name(secure), value))
                        .path("/")
                        .http_only(true)
                        .secure(secure)
                        .same_site(SameSite::Strict)
                        .max_age(tower_cookies::cookie::time::Duration::seconds(COOKIE_SECONDS))
                        .build(),
                );
            }
        }
        Ok(())
    }

    /// The cookie's value: the answer's JSON as URL-safe base64, which no cookie layer
    /// encodes or decodes (percent-encoding did not survive: the jar decodes `%2B` to
    /// `+`, and a second decoding made it a space).
    fn encode(answer: &PostedAnswer) -> String {
        let json = serde_json::to_string(answer).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    /// Takes the kept answer out of the browser (for the page load that shows it): read,
    /// then removed, so it shows once. A sealed answer opens only with the state's key,
    /// for the session `session_id` it was posted in, within the cookie's lifetime;
    /// otherwise it is dropped.
    pub fn take(
        cookies: &Cookies,
        state: &crate::state::AppState,
        session_id: Option<tower_sessions::session::Id>,
    ) -> Option<PostedAnswer> {
        let secure = state.policy.secure_cookies();
        let name = cookie_name(secure);
        let value = cookies.get(name)?.value().to_string();
        cookies.remove(Cookie::build((name, "")).path("/").secure(secure).build());
        let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(value)
            .ok()?;
        let mut answer: PostedAnswer = serde_json::from_slice(&json).ok()?;
        if answer.sealed {
            let sealed = base64::engine::general_purpose::STANDARD
                .decode(&answer.outcome)
                .ok()?;
            let plain = state
                .secret_key
                .open(&sealed, &sealed_for(session_id?, &answer.path))?;
            let plain = String::from_utf8(plain).ok()?;
            let (sealed_at, json) = plain.split_once('\n')?;
            let age = state.clock.now() - sealed_at.parse::<i64>().ok()?;
            if !(0..=COOKIE_SECONDS).contains(&age) {
                return None;
            }
            answer.outcome = json.to_string();
            answer.sealed = false;
        }
        Some(answer)
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
        let kept: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(
                form_urlencoded::parse(referer.query().unwrap_or("").as_bytes())
                    .filter(|(key, _)| !drop.contains(&key.as_ref()) && !key.starts_with("__")),
            )
            .finish();
        let path = if kept.is_empty() {
            referer.path().to_string()
        } else {
            format!("{}?{kept}", referer.path())
        };
        local_path(&path).unwrap_or_else(|| "/".to_string())
    }

    /// `target` (a path, or an absolute URL of any host) as a path of this site, if it is
    /// one a browser cannot read as another site: `//elsewhere` and `/\elsewhere` are not.
    pub fn local_path(target: &str) -> Option<String> {
        let uri = target.parse::<http::Uri>().ok()?;
        // An empty query (leptos leaves a bare `?`) is no query.
        let path_and_query = uri.path_and_query()?.as_str().trim_end_matches('?');
        crate::routes::is_local_path(path_and_query).then(|| path_and_query.to_string())
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_site_are_followed_back() {
        assert_eq!(
            local_path("/system/security?q=a").as_deref(),
            Some("/system/security?q=a")
        );
        assert_eq!(
            local_path("http://127.0.0.1:3000/account").as_deref(),
            Some("/account")
        );
        assert_eq!(
            local_path("http://127.0.0.1:3000/login?").as_deref(),
            Some("/login")
        );
        assert_eq!(
            local_path("https://elsewhere.example/x?y=1").as_deref(),
            Some("/x?y=1")
        );
        assert_eq!(local_path("http://site//evil.example/x"), None);
        assert_eq!(local_path("/\\evil.example"), None);
        assert_eq!(local_path("//evil.example"), None);
        assert_eq!(local_path("evil"), None);
    }
}
