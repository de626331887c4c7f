//! The whole HTTP service: pages, server functions, static files and the health and
//! readiness checks,
//! behind the layers.

use crate::layers;
use app::state::AppState;
use app::{App, shell};
use axum::extract::State;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use axum::{Extension, Router};
use http::StatusCode;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer, SessionStore};

/// The session cookie's name: `__Host-` prefixed over https (`app::cookie_names`).
pub fn session_cookie_name(secure: bool) -> &'static str {
    app::cookie_names::SESSION.on(secure)
}

/// Largest request body accepted. Every form here is a few hundred bytes; a flood of
/// large bodies is refused with 413 before any of it is read.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A session ends this long after it last changed, which in practice is the sign-in:
/// tower-sessions renews the expiry only when it saves the session, and saving on every
/// request would make each one a database write (and could bring back a session that a
/// concurrent sign-out just deleted). One working day, then a fresh sign-in.
const SESSION_LIFETIME: time::Duration = time::Duration::hours(8);

/// The app's route list, generated once per process. Generating it runs the app with
/// resource loading switched off process-wide (a global flag in leptos): a page that
/// another thread was rendering at that moment would wait for its data for ever. Once
/// generated, it is only read. Tests read it here too: generating it again while another
/// test renders a page would leave that page waiting for ever.
pub fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn build<Store: SessionStore + Clone>(state: AppState, store: Store, secure_cookies: bool) -> Router {
    let routes = route_list();
    let options = state.leptos_options.clone();
    let files = state.site_files.clone();
    let fallback_files = state.site_files.clone();
    let sessions = SessionManagerLayer::new(store.clone())
        .with_name(session_cookie_name(secure_cookies))
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure_cookies)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(SESSION_LIFETIME));

    // `.layer` wraps what is above it: the last one added runs first.
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/api/trusted_events", get(crate::live::trusted_events::<Store>))
        .leptos_routes(&state, routes, move || shell(options.clone(), &files))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(move |options| {
            shell(options, &fallback_files)
        }))
        // After the page guard, which finds the signed-in person (and their language).
        .layer(from_fn_with_state(state.clone(), layers::language))
        .layer(from_fn_with_state(state.clone(), layers::page_guard))
        .layer(from_fn(layers::no_store_api))
        .layer(from_fn(layers::plain_form_redirect))
        .layer(from_fn_with_state(state.site_files.clone(), layers::site_file_cache))
        .layer(sessions)
        // After the host and origin checks (a refused request's body is never waited
        // for), before the session is loaded; the size limit, outermost, still applies.
        .layer(from_fn(layers::body_in_time))
        // Outside the session layer, whose cookie it must see.
        .layer(from_fn_with_state(state.clone(), layers::over_https))
        .layer(Extension(store))
        .layer(from_fn_with_state(state.clone(), layers::same_origin))
        .layer(from_fn_with_state(state.clone(), layers::known_host))
        .layer(from_fn(layers::security_headers))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &axum::extract::Request| {
                    let client = request
                        .extensions()
                        .get::<app::request::client_addr::ClientIp>()
                        .map(|ip| ip.0.to_string())
                        .unwrap_or_default();
                    let id = request
                        .extensions()
                        .get::<layers::RequestId>()
                        .map(|id| id.0.as_str())
                        .unwrap_or_default();
                    // The path only: queries are not logged.
                    tracing::info_span!("request", %id, method = %request.method(), path = %request.uri().path(), %client)
                })
                .on_request(())
                .on_response(|response: &axum::response::Response, latency: Duration, _: &tracing::Span| {
                    tracing::info!(status = response.status().as_u16(), latency_ms = latency.as_secs_f64() * 1000.0, "answered");
                }),
        )
        .layer(from_fn_with_state(state.clone(), layers::client_ip))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        // brotli or gzip, as the browser accepts: the WASM bundle shrinks to about a third.
        .layer(CompressionLayer::new())
        // Outermost: every answer names its request, a refused body's 413 too.
        .layer(from_fn(layers::request_id))
        .with_state(state)
}

/// 200 when this instance should get traffic (`app::readiness`), else 503 naming what
/// is not ready (never why: that goes to the log).
async fn readyz(State(state): State<AppState>) -> (StatusCode, String) {
    let readiness = app::readiness::check(&state).await;
    if readiness.is_ready() {
        (StatusCode::OK, "ready\n".into())
    } else {
        let what = readiness.not_ready.join(", ");
        (StatusCode::SERVICE_UNAVAILABLE, format!("not ready: {what}\n"))
    }
}

/// 200 while the database answers, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> StatusCode {
    let probe = state.db.ping();
    match tokio::time::timeout(Duration::from_secs(2), probe).await {
        Ok(Ok(_)) => StatusCode::OK,
        _ => StatusCode::SERVICE_UNAVAILABLE,
    }
}
