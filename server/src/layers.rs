//! The layers every request passes through, outermost first: request id, client
//! address, request log, cross-site refusal, session, page guard; and the caching rule of the site's files.

use app::auth::session::user_of;
use app::auth::{login_redirect, safe_next};
use app::request::client_addr::{ClientIp, ClientIpHeader, resolve};
use app::request::origin;
use app::routes::permission_for;
use app::site_files::SiteFiles;
use app::state::AppState;
use axum::RequestExt;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderValue, Method, StatusCode, header};
use std::net::SocketAddr;
use std::sync::Arc;
use tower_sessions::Session;

/// This request's id, made here for every request: it is a field of every log line the
/// request causes (the request span) and the answer's `X-Request-Id`, so what a person
/// reports can be found in the log. An id the client sends is never taken: it could pose
/// as another request's.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

pub async fn request_id(mut request: Request, next: Next) -> Response {
    let bytes: [u8; 8] = rand::random();
    let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// Computes the client address once, for everything after it.
pub async fn client_ip(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let Ok(ConnectInfo(peer)) = request.extract_parts::<ConnectInfo<SocketAddr>>().await else {
        // Without the peer address no rule that depends on it can hold: refuse.
        tracing::error!("the server was started without peer addresses (ConnectInfo)");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let policy = &state.policy;
    let ip = resolve(
        peer.ip(),
        request.headers(),
        &policy.trusted_proxies,
        policy.client_ip_header,
    );
    if policy.trusted_proxies.contains(ip) {
        warn_once_about_proxy(policy.client_ip_header);
    }
    request.extensions_mut().insert(ClientIp(ip));
    next.run(request).await
}

/// A trusted proxy that does not send the configured header makes every client look like
/// the proxy (and nobody can trust a network): say so once, not on every request.
fn warn_once_about_proxy(header: ClientIpHeader) {
    static WARNED: std::sync::Once = std::sync::Once::new();
    WARNED.call_once(|| {
        tracing::warn!(
            header = header.name(),
            "a request from a trusted proxy carried no readable client address in the configured \
             header: check client_ip_header and the proxy's configuration"
        );
    });
}

/// How long a request's body may take to arrive, all of it. Every form here is a few
/// hundred bytes; a client trickling a body (slow POST) would hold a task for ever.
pub const BODY_TIME: std::time::Duration = std::time::Duration::from_secs(10);

/// Reads the request's body whole within [`BODY_TIME`] (408 otherwise) before the session
/// or the handler sees it; the body-size limit outside this layer still applies (413).
pub async fn body_in_time(request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let read = axum::body::to_bytes(body, usize::MAX);
    match tokio::time::timeout(BODY_TIME, read).await {
        Ok(Ok(bytes)) => {
            next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
                .await
        }
        Ok(Err(error)) if is_too_large(&error) => StatusCode::PAYLOAD_TOO_LARGE.into_response(),
        Ok(Err(_)) => StatusCode::BAD_REQUEST.into_response(),
        Err(_) => (
            StatusCode::REQUEST_TIMEOUT,
            "The request took too long to arrive.",
        )
            .into_response(),
    }
}

/// Whether a body error is the size limit's.
fn is_too_large(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = source {
        if error.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = error.source();
    }
    false
}

/// Without a configured public origin, answers 421 to a `Host` that is not this site
/// (DNS rebinding); with one, the origin check below pins every state change to it.
pub async fn known_host(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let policy = &state.policy;
    if policy.public_origin.is_none() {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .or_else(|| request.uri().authority().map(|a| a.as_str()));
        if !origin::is_known_host(host, policy.site_addr) {
            tracing::warn!(host = host.unwrap_or(""), "request for an unknown host refused");
            return (StatusCode::MISDIRECTED_REQUEST, "Unknown host.").into_response();
        }
    }
    next.run(request).await
}

/// Headers that keep every answer from being sniffed as another type or leaking the
/// page's address elsewhere. Pages add their Content-Security-Policy (`shell`), which
/// needs the nonce of that render.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}

/// How long a browser keeps to https once it has seen the site over it (a year).
const STRICT_TRANSPORT: &str = "max-age=31536000";

/// When people reach the site over https (`public_origin`): every answer tells the browser
/// to use nothing else from now on (`Strict-Transport-Security`), and every cookie this
/// site sends carries `Secure`, removals included. A browser ignores a `__Host-` cookie
/// without it, so a removal built without it (tower-sessions' own, at sign-out) would
/// leave the old cookie in the browser.
pub async fn over_https(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if state.policy.secure_cookies() {
        let headers = response.headers_mut();
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(STRICT_TRANSPORT),
        );
        let sent: Vec<HeaderValue> = headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(with_secure)
            .collect();
        headers.remove(header::SET_COOKIE);
        for cookie in sent {
            headers.append(header::SET_COOKIE, cookie);
        }
    }
    response
}

/// A `Set-Cookie` value with the `Secure` attribute, added if it lacks it.
fn with_secure(cookie: &HeaderValue) -> HeaderValue {
    let Ok(text) = cookie.to_str() else {
        return cookie.clone();
    };
    let has_it = text
        .split(';')
        .skip(1)
        .any(|attribute| attribute.trim().eq_ignore_ascii_case("secure"));
    if has_it {
        return cookie.clone();
    }
    HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or_else(|_| cookie.clone())
}

/// Refuses state-changing requests from another site.
pub async fn same_origin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if origin::allows(
        request.method(),
        request.headers(),
        state.policy.public_origin.as_deref(),
    ) {
        next.run(request).await
    } else {
        tracing::warn!(path = %request.uri().path(), "cross-site request refused");
        (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response()
    }
}

/// Paths that are not pages: static files, server functions, the health and readiness
/// checks.
fn is_page(request: &Request) -> bool {
    let path = request.uri().path();
    matches!(*request.method(), Method::GET | Method::HEAD)
        && !path.starts_with("/pkg/")
        && !path.starts_with("/api/")
        && path != "/healthz"
        && path != "/readyz"
}

/// Every page but `/login` needs a signed-in person; a page behind a permission answers
/// 403 to those without it (the page itself shows why). Pages are never cached, so the
/// back button after signing out cannot show a signed-in page.
pub async fn page_guard(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    if !is_page(&request) {
        return next.run(request).await;
    }
    let user = match user_of(&state.db, &session).await {
        Ok(user) => user,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let path = request.uri().path().to_string();
    // The answer to a form the browser posted itself, shown by this page load.
    let posted = request
        .extensions()
        .get::<tower_cookies::Cookies>()
        .and_then(|cookies| app::form_post::take(cookies, &state, session.id()));
    if let Some(answer) = posted {
        request.extensions_mut().insert(answer);
    }
    let mut response = match (user, path.as_str()) {
        (Some(_), "/login") => {
            let next = query_value(request.uri().query(), "next");
            Redirect::to(&safe_next(next.as_deref())).into_response()
        }
        (None, "/login") => next.run(request).await,
        (None, _) => {
            let here = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
            Redirect::to(&login_redirect(here)).into_response()
        }
        (Some(user), _) => {
            let forbidden = permission_for(&path).is_some_and(|needed| !user.may(needed));
            // The page starts from the person found here (see `RequirePermission`).
            request.extensions_mut().insert(user);
            let mut response = next.run(request).await;
            if forbidden {
                *response.status_mut() = StatusCode::FORBIDDEN;
            }
            response
        }
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The language of each request (issue 29): on a signed-in page the person's saved one
/// (the page guard found them), then the Language menu's cookie, `Accept-Language`, and
/// the instance default. Pages are drawn in it, and server functions answer in it.
///
/// A signed-in page whose person saved another language than the cookie says (a sign-in
/// in a new browser, a choice made on another computer) brings the cookie in line, so the
/// server functions the page calls answer in it too.
pub async fn language(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let secure = state.policy.secure_cookies();
    let saved = request
        .extensions()
        .get::<app::permissions::CurrentUser>()
        .and_then(|user| user.language);
    let lang = app::i18n::for_request(request.headers(), saved, secure, state.policy.default_language);
    let out_of_line =
        saved.filter(|saved| app::i18n::cookie_choice(request.headers(), secure) != Some(*saved));
    request.extensions_mut().insert(lang);
    let mut response = next.run(request).await;
    if let Some(saved) = out_of_line
        && let Ok(cookie) = HeaderValue::from_str(&app::i18n::cookie(saved, secure))
    {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// Files named by their content may be kept for a year without asking again; any other
/// file under `/pkg/` is revalidated on every use, so a new build is never hidden.
pub async fn site_file_cache(State(files): State<Arc<SiteFiles>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !path.starts_with("/pkg/") {
        return next.run(request).await;
    }
    let immutable = files.is_immutable(path);
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        let policy = if immutable {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// A form the browser posted itself to a server function (before the app loaded, or
/// with JavaScript off) always ends in `303 See Other` to a page of this site: the
/// browser then loads that page, which shows the answer. Leptos points it at the
/// `Referer` (as sent: another host, say) or, for a refusal, leaves an error status the
/// browser would show as raw text; neither reaches the browser.
pub async fn plain_form_redirect(request: Request, next: Next) -> Response {
    let plain = request.method() == Method::POST
        && request.uri().path().starts_with("/api/")
        && app::form_post::asks_for_page(request.headers());
    let mut response = next.run(request).await;
    if !plain {
        return response;
    }
    let target = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(app::form_post::local_path)
        .unwrap_or_else(|| "/".to_string());
    *response.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(location) = HeaderValue::from_str(&target) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// Server-function answers depend on who is signed in: never cache them either.
pub async fn no_store_api(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    if api {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn query_value(query: Option<&str>, key: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::with_secure;
    use http::HeaderValue;

    #[test]
    fn a_cookie_without_secure_gets_it_once() {
        let removal = HeaderValue::from_static(
            "__Host-twostep_session=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
        );
        let fixed = with_secure(&removal);
        assert_eq!(
            fixed.to_str().unwrap(),
            "__Host-twostep_session=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure"
        );
        assert_eq!(with_secure(&fixed), fixed, "never twice");
        // A value that merely contains the word is not the attribute.
        let named = HeaderValue::from_static("secure=1; Path=/");
        assert_eq!(with_secure(&named).to_str().unwrap(), "secure=1; Path=/; Secure");
    }
}
