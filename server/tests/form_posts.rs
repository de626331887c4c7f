//! Forms the browser posts itself (before the app has loaded, or with JavaScript off):
//! the server function answers with a redirect, and the page load after it shows the
//! answer once, to that session only.

mod common;

use axum::body::Body;
use common::*;
use http::{Request, Response, StatusCode, header};

const PERSONNEL: &str = "/maintenance/organisation/personnel";

/// A form post as a browser sends it: asks for a page back, from the page it was on.
fn plain_post(path: &str, form: &str, cookie: &str, from_page: &str) -> Request<Body> {
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

fn location(response: &Response<Body>) -> String {
    response.headers()[header::LOCATION].to_str().unwrap().to_string()
}

/// The path and query of a `Location` (Leptos writes the referer back as it came).
fn path_of(location: &str) -> &str {
    location.strip_prefix(ORIGIN).unwrap_or(location)
}

async fn admin(app: &TestApp) -> String {
    app.login("admin", ADMIN_PASSWORD, None).await.1.unwrap()
}

async fn people(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

fn person_form(username: &str, email: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("id", "")
        .append_pair("name", "Posted Person")
        .append_pair("username", username)
        .append_pair("email", email)
        .append_pair("phone", "")
        .append_pair("mobile", "")
        .append_pair("password", "a long enough password")
        .append_pair("active", "on")
        .finish()
}

#[tokio::test]
async fn a_refused_save_comes_back_with_the_reason_and_what_was_typed_once() {
    let app = TestApp::new().await;
    let cookie = admin(&app).await;
    let before = people(&app).await;
    let editor = format!("{PERSONNEL}?q=post&edit=new");
    let response = app
        .send(plain_post(
            "/api/save_person",
            &person_form("posted1", "not an address"),
            &cookie,
            &editor,
        ))
        .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(path_of(&location(&response)), editor, "back to the open editor");
    assert_eq!(people(&app).await, before, "nothing saved");

    let page = body_text(app.send(get(&editor, Some(&cookie))).await).await;
    assert!(
        page.contains("Enter a valid email address"),
        "the reason next to the field"
    );
    assert!(page.contains(r#"value="not an address""#), "what was typed");
    assert!(page.contains(r#"value="posted1""#));
    assert!(!page.contains("a long enough password"), "never the password");

    let again = body_text(app.send(get(&editor, Some(&cookie))).await).await;
    assert!(!again.contains("Enter a valid email address"), "shown once");
    assert!(!again.contains("not an address"));
}

#[tokio::test]
async fn a_saved_person_closes_the_editor_and_the_list_says_saved() {
    let app = TestApp::new().await;
    let cookie = admin(&app).await;
    let response = app
        .send(plain_post(
            "/api/save_person",
            &person_form("posted2", "posted2@example.com"),
            &cookie,
            &format!("{PERSONNEL}?q=posted&edit=new"),
        ))
        .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(
        location(&response),
        format!("{PERSONNEL}?q=posted"),
        "the list, editor closed"
    );
    let page = body_text(
        app.send(get(&format!("{PERSONNEL}?q=posted"), Some(&cookie)))
            .await,
    )
    .await;
    assert!(page.contains("Saved."));
    assert!(page.contains("posted2@example.com"), "in the list");
}

#[tokio::test]
async fn the_answer_belongs_to_the_session_that_posted() {
    let app = TestApp::new().await;
    let cookie = admin(&app).await;
    let other = admin(&app).await;
    app.send(plain_post(
        "/api/save_person",
        &person_form("posted3", "nope"),
        &cookie,
        &format!("{PERSONNEL}?edit=new"),
    ))
    .await;
    let page = body_text(
        app.send(get(&format!("{PERSONNEL}?edit=new"), Some(&other)))
            .await,
    )
    .await;
    assert!(!page.contains("Enter a valid email address"));
    assert!(!page.contains("posted3"));
}

#[tokio::test]
async fn a_page_load_with_nothing_kept_writes_no_session() {
    let app = TestApp::new().await;
    let cookie = admin(&app).await;
    let response = app.send(get(PERSONNEL, Some(&cookie))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(set_cookie(&response), None, "the session was not saved again");
}

#[tokio::test]
async fn the_toggle_and_the_trust_period_work_as_plain_forms() {
    let app = TestApp::with_mail("smtp://127.0.0.1:9").await;
    let cookie = admin(&app).await;
    let security = "/system/security?person=admin";
    let response = app
        .send(plain_post("/api/set_two_step", "enabled=true", &cookie, security))
        .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(path_of(&location(&response)), security);
    assert!(app::settings::two_step_enabled(&app.pool).await.unwrap());
    let page = body_text(app.send(get(security, Some(&cookie))).await).await;
    assert!(page.contains(r#"aria-pressed="true""#), "the page shows it on");

    app.send(plain_post("/api/set_trust_days", "days=500", &cookie, security))
        .await;
    let page = body_text(app.send(get(security, Some(&cookie))).await).await;
    assert!(
        page.contains("From 1 to 90 days") && page.contains(r#"value="500""#),
        "refused, as typed"
    );
    assert!(page.contains(r#"aria-invalid="true""#));
    assert_eq!(
        app::settings::trust_days(&app.pool).await.unwrap(),
        30,
        "nothing changed"
    );
}

#[tokio::test]
async fn a_successful_save_returns_only_to_a_path_of_this_site() {
    let app = TestApp::new().await;
    let cookie = admin(&app).await;
    let mut request = plain_post(
        "/api/save_person",
        &person_form("posted4", "posted4@example.com"),
        &cookie,
        "/",
    );
    request.headers_mut().insert(
        header::REFERER,
        "http://elsewhere.example//evil.example/x?edit=new"
            .parse()
            .unwrap(),
    );
    let response = app.send(request).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(location(&response), "/");
}
