//! The test harness shared by the router tests: the real router in process with a
//! mocked TCP peer address, a temporary database and (when asked) a real SMTP server.

#![allow(dead_code)]

pub mod soft_key;
pub mod watchdog;
use app::auth::password::PasswordHasher;
use app::clock::{Clock, ManualClock};
use app::db::{Backend, Db, TempDb};
use app::mail::{Mailer, SMTP_TIMEOUT};
use app::personnel::people::bootstrap_admin;
use app::request::client_addr::TrustedProxies;
use app::state::{AppState, Policy, Services};
use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use http::{Request, Response, StatusCode, header};
use leptos::config::LeptosOptions;
use server::sessions::Sessions;
use std::net::SocketAddr;
use std::sync::Arc;
use tower::ServiceExt;

pub const ADMIN_PASSWORD: &str = "correct horse battery";
pub const HOST: &str = "127.0.0.1:3000";
pub const ORIGIN: &str = "http://127.0.0.1:3000";
pub const PERSON_PASSWORD: &str = "a person's password";
pub const ADMIN_EMAIL: &str = "admin@example.com";

pub struct TestApp {
    pub state: AppState,
    pub store: Sessions,
    pub clock: ManualClock,
    _db: TempDb,
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_proxies("").await
    }

    pub async fn with_proxies(proxies: &str) -> Self {
        Self::build(proxies, None).await
    }

    /// With mail going to `smtp_url` and an email address for the admin.
    pub async fn with_mail(smtp_url: &str) -> Self {
        Self::build("", Some(smtp_url)).await
    }

    pub async fn with_mail_and_proxies(smtp_url: &str, proxies: &str) -> Self {
        Self::build(proxies, Some(smtp_url)).await
    }

    async fn build(proxies: &str, smtp_url: Option<&str>) -> Self {
        Self::build_with(Backend::Sqlite, proxies, smtp_url, SMTP_TIMEOUT).await
    }

    /// With mail to `smtp_url` that gives up after `timeout` (fault tests).
    pub async fn with_mail_timeout(smtp_url: &str, timeout: std::time::Duration) -> Self {
        Self::build_with(Backend::Sqlite, "", Some(smtp_url), timeout).await
    }

    /// On `backend` (a throw-away PostgreSQL database, or a SQLite file), with mail going
    /// to `smtp_url`.
    pub async fn on(backend: Backend, smtp_url: &str) -> Self {
        Self::build_with(backend, "", Some(smtp_url), SMTP_TIMEOUT).await
    }

    /// The SQLite pool of an app on SQLite (most tests read the database directly).
    pub fn pool(&self) -> &sqlx::SqlitePool {
        match &self.state.db {
            Db::Sqlite(pool) => pool,
            Db::Postgres(_) => panic!("this test reads SQLite directly"),
        }
    }

    async fn build_with(
        backend: Backend,
        proxies: &str,
        smtp_url: Option<&str>,
        smtp_timeout: std::time::Duration,
    ) -> Self {
        watchdog::watch_this_test();
        let (database, db) = app::db::open_temporary_on(backend).await;
        let clock = ManualClock::at(1_800_000_000);
        let hasher = Arc::new(PasswordHasher::new(2, 16));
        let admin_email = smtp_url.map(|_| ADMIN_EMAIL.to_string());
        bootstrap_admin(
            &database,
            &hasher,
            Some(ADMIN_PASSWORD.into()),
            admin_email,
            clock.now(),
        )
        .await
        .unwrap();
        let mailer = Mailer::new(
            smtp_url,
            &db.path().join("outbox"),
            "Twostep <no-reply@localhost>",
            smtp_timeout,
        )
        .unwrap();
        // The server's own store: sessions kept in memory as well as in the table.
        let secret_key = Arc::new(app::secret_key::SecretKey::random());
        let store = Sessions::open(&database, secret_key.clone()).await.unwrap();
        let state = AppState::from(Services {
            leptos_options: LeptosOptions::builder()
                .output_name("twostep")
                .site_root("target/site")
                .build(),
            db: database,
            hasher,
            clock: Arc::new(clock.clone()),
            policy: Arc::new(Policy {
                throttle: Default::default(),
                codes: Default::default(),
                public_origin: None,
                site_addr: None,
                trusted_proxies: TrustedProxies::parse(proxies).unwrap(),
                client_ip_header: Default::default(),
                default_region: None,
                default_language: Default::default(),
                audit_retention: Default::default(),
                // Event streams notice a signed-out session within a fifth of a second.
                stream_recheck: Some(std::time::Duration::from_millis(200)),
            }),
            mailer: Arc::new(mailer),
            secret_key,
            sms: None,
            trust_events: app::state::trust_events(),
            site_files: Arc::new(app::site_files::SiteFiles::plain("twostep", "pkg")),
            first_admin_password_file: None,
        });
        Self {
            state,
            store,
            clock,
            _db: db,
        }
    }

    pub fn router_from(&self, peer: &str) -> Router {
        self.router_with(self.state.clone(), peer)
    }

    /// The router over this app's database and sessions with a changed `state`.
    pub fn router_with(&self, state: AppState, peer: &str) -> Router {
        let peer = SocketAddr::new(peer.parse().unwrap(), 40000);
        server::router::build(state, self.store.clone(), false).layer(MockConnectInfo(peer))
    }

    pub async fn send(&self, request: Request<Body>) -> Response<Body> {
        self.send_from("198.51.100.20", request).await
    }

    pub async fn send_from(&self, peer: &str, request: Request<Body>) -> Response<Body> {
        let what = format!("{} {}", request.method(), request.uri());
        // A request that never answers fails its test with its name, not a hung run.
        tokio::time::timeout(
            std::time::Duration::from_secs(10),
            self.router_from(peer).oneshot(request),
        )
        .await
        .unwrap_or_else(|_| panic!("no answer in 10 s to {what}"))
        .unwrap()
    }

    pub async fn login(
        &self,
        username: &str,
        password: &str,
        cookie: Option<&str>,
    ) -> (String, Option<String>) {
        let response = self.send(login_request(username, password, cookie)).await;
        assert_eq!(response.status(), StatusCode::OK);
        let cookie = session_cookie(&response);
        (body_text(response).await, cookie)
    }

    pub async fn me(&self, cookie: &str) -> String {
        body_text(self.send(post("/api/me", "", Some(cookie))).await).await
    }

    /// Creates an active person with `PERSON_PASSWORD` and no permissions.
    pub async fn add_person(&self, username: &str, email: Option<&str>) -> i64 {
        let hash = self.state.hasher.hash(PERSON_PASSWORD.into()).await.unwrap();
        app::personnel::people::create(
            &self.state.db,
            app::personnel::people::NewPerson {
                name: username,
                username,
                email,
                password_hash: &hash,
                permissions: &[],
            },
            self.clock.now(),
        )
        .await
        .unwrap()
    }

    /// Creates an active person with `PERSON_PASSWORD`, an email and `permissions`.
    pub async fn add_person_holding(
        &self,
        username: &str,
        permissions: &[app::permissions::Permission],
    ) -> i64 {
        let hash = self.state.hasher.hash(PERSON_PASSWORD.into()).await.unwrap();
        let email = format!("{username}@example.com");
        app::personnel::people::create(
            &self.state.db,
            app::personnel::people::NewPerson {
                name: username,
                username,
                email: Some(&email),
                password_hash: &hash,
                permissions,
            },
            self.clock.now(),
        )
        .await
        .unwrap()
    }

    /// How the failures table names a typed username (a keyed digest).
    pub fn typed_name(&self, username: &str) -> String {
        let name = app::auth::throttle::TypedName::of(&self.state.secret_key, username);
        format!("{name}")
    }

    pub async fn audit_kinds(&self) -> Vec<String> {
        sqlx::query_scalar("SELECT kind FROM audit ORDER BY id")
            .fetch_all(self.pool())
            .await
            .unwrap()
    }

    pub async fn audit_count(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit")
            .fetch_one(self.pool())
            .await
            .unwrap()
    }
}

/// The app with two-step authentication on and its mail going to a real SMTP capture.
pub async fn two_step_app() -> (TestApp, app::smtp_capture::SmtpCapture) {
    let capture = app::smtp_capture::SmtpCapture::start().await;
    let app = TestApp::with_mail(&capture.url).await;
    app::settings::set_two_step_enabled(&app.state.db, true)
        .await
        .unwrap();
    (app, capture)
}

pub fn post(path: &str, form: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::post(path)
        .header(header::HOST, HOST)
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, format!("twostep_session={cookie}"));
    }
    request
        .header(header::CONTENT_LENGTH, form.len())
        .body(Body::from(form.to_string()))
        .unwrap()
}

/// A form post as a browser sends it: asks for a page back, from the page it was on.
pub fn plain_post(path: &str, form: &str, cookie: &str, from_page: &str) -> Request<Body> {
    Request::post(path)
        .header(header::HOST, HOST)
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
        .header(header::REFERER, format!("{ORIGIN}{from_page}"))
        .header(header::COOKIE, format!("twostep_session={cookie}"))
        .body(Body::from(form.to_string()))
        .unwrap()
}

/// The Personnel editor's form for person `id` as stored, with `change` applied (an
/// empty `active` unticks the box).
pub async fn person_form(pool: &sqlx::SqlitePool, id: i64, change: &[(&str, &str)]) -> String {
    let (name, username, email, mobile, active): (String, String, Option<String>, Option<String>, bool) =
        sqlx::query_as("SELECT name, username, email, mobile, active FROM users WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap();
    let mut fields = vec![
        ("id", id.to_string()),
        ("name", name),
        ("username", username),
        ("email", email.unwrap_or_default()),
        ("phone", String::new()),
        ("mobile", mobile.unwrap_or_default()),
        ("password", String::new()),
    ];
    if active {
        fields.push(("active", "on".into()));
    }
    for (key, value) in change {
        fields.retain(|(k, _)| k != key);
        if *key != "active" || !value.is_empty() {
            fields.push((key, value.to_string()));
        }
    }
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (key, value) in &fields {
        form.append_pair(key, value);
    }
    form.finish()
}

/// The form of a control that asks for the current password (`password=…`).
pub fn password_form(password: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("password", password)
        .finish()
}

pub fn login_request(username: &str, password: &str, cookie: Option<&str>) -> Request<Body> {
    let form: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("username", username)
        .append_pair("password", password)
        .append_pair("next", "/")
        .finish();
    post("/api/login", &form, cookie)
}

pub fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::get(path)
        .header(header::HOST, HOST)
        .header(header::ACCEPT, "text/html");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, format!("twostep_session={cookie}"));
    }
    request.body(Body::empty()).unwrap()
}

pub fn set_cookie(response: &Response<Body>) -> Option<String> {
    set_cookie_named(response, "twostep_session")
}

/// The whole `Set-Cookie` line that sets the cookie `name`, if the response has one.
pub fn set_cookie_named(response: &Response<Body>, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&prefix))
        .map(str::to_string)
}

pub fn session_cookie(response: &Response<Body>) -> Option<String> {
    let header = set_cookie(response)?;
    let value = header.split(';').next()?.split_once('=')?.1.to_string();
    (!value.is_empty()).then_some(value)
}

pub async fn body_text(response: Response<Body>) -> String {
    // A page streams its body after its headers: one that never ends fails its test
    // rather than hanging the run.
    let bytes = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        axum::body::to_bytes(response.into_body(), 1 << 20),
    )
    .await
    .expect("the body ended within 30 s")
    .unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// Everything a refused change must leave as it was: people (with their sign-in details
/// and session epochs), grants, settings and trusted networks.
pub async fn database_fingerprint(pool: &sqlx::SqlitePool) -> (String, String, String) {
    let people: String = sqlx::query_scalar(
        "SELECT group_concat(id || name || username || ifnull(email, '') || ifnull(mobile, '') || active
                             || password_hash || session_epoch, '|') FROM users",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let grants: String = sqlx::query_scalar(
        "SELECT ifnull(group_concat(user_id || permission, '|'), '') FROM user_permissions",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let settings: String = sqlx::query_scalar(
        "SELECT group_concat(key || '=' || value, '|') || (SELECT COUNT(*) FROM trusted_networks) FROM settings",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    (people, grants, settings)
}

pub fn refused() -> String {
    format!(
        r#"{{"Refused":{{"message":"{}"}}}}"#,
        said().incorrect_credentials
    )
}

pub fn login_with_device(username: &str, password: &str, device: &str) -> Request<axum::body::Body> {
    let mut request = login_request(username, password, None);
    request.headers_mut().insert(
        header::COOKIE,
        format!("twostep_device={device}").parse().unwrap(),
    );
    request
}

/// Signs the admin in from home and returns the device cookie's value.
pub async fn admins_device(app: &TestApp) -> String {
    let response = app
        .send_from("192.0.2.10", login_request("admin", ADMIN_PASSWORD, None))
        .await;
    let set = set_cookie_named(&response, "twostep_device").expect("a device cookie after a full sign-in");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/"),
        "{set}"
    );
    assert!(set.contains("Max-Age=7776000"), "90 days: {set}");
    set.split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string()
}

/// The English reasons a sign-in step gives (spec §1's words): requests without a
/// language cookie or `Accept-Language` get English.
pub fn said() -> &'static app::i18n::texts::RefusalTexts {
    &app::i18n::Lang::En.server_texts().refusals
}
