//! Forms the browser posts itself (before the app has loaded, or with JavaScript off):
//! the server function answers with a redirect to a page of this site, and the page load
//! after it shows the answer once, to that browser only (a short-lived cookie).

use crate::common;

use axum::body::Body;
use common::*;
use http::{Request, Response, StatusCode, header};

const PERSONNEL: &str = "/maintenance/organisation/personnel";

/// A page load as the browser makes it after the redirect: with the session and the
/// answer cookie the post set (if any).
fn get_after(path: &str, session: &str, post: &Response<Body>) -> Request<Body> {
    let mut cookie = format!("twostep_session={session}");
    if let Some(posted) = set_cookie_named(post, "twostep_posted") {
        cookie = format!("{cookie}; {}", posted.split(';').next().unwrap());
    }
    Request::get(path)
        .header(header::HOST, HOST)
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap()
}

/// What a `Set-Cookie` line of the posted answer holds, decoded as anyone reading the
/// browser's cookies could.
fn cookie_contents(set_cookie: &str) -> String {
    use base64::Engine;
    let value = set_cookie.split(';').next().unwrap().split_once('=').unwrap().1;
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(value)
        .unwrap();
    String::from_utf8(json).unwrap()
}

fn location(response: &Response<Body>) -> String {
    response.headers()[header::LOCATION].to_str().unwrap().to_string()
}

async fn admin(app: &TestApp) -> String {
    app.login("admin", ADMIN_PASSWORD, None).await.1.unwrap()
}

async fn people(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(app.pool())
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_save_comes_back_with_the_reason_and_what_was_typed_once() {
    let app = TestApp::new().await;
    let cookie = admin(&app).await;
    let before = people(&app).await;
    let editor = format!("{PERSONNEL}?q=post&edit=new");
    let response = app
        .send(plain_post(
            "/api/save_person",
            // A phone typed with its `+`, which must come back as typed.
            &person_form("posted1", "not an address").replace("phone=&", "phone=%2B32+2+555+01+23&"),
            &cookie,
            &editor,
        ))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), editor, "back to the open editor");
    assert_eq!(people(&app).await, before, "nothing saved");
    let kept = set_cookie_named(&response, "twostep_posted").expect("the answer is kept");
    let contents = cookie_contents(&kept);
    assert!(contents.contains("posted1"), "{contents}");
    assert!(!contents.contains("enough"), "never the password: {contents}");

    let shown = app.send(get_after(&editor, &cookie, &response)).await;
    let removed = set_cookie_named(&shown, "twostep_posted").expect("the answer is taken back");
    assert!(removed.contains("Max-Age=0"), "{removed}");
    let page = body_text(shown).await;
    assert!(
        page.contains("Enter a valid email address"),
        "the reason next to the field"
    );
    assert!(page.contains(r#"value="not an address""#), "what was typed");
    assert!(page.contains(r#"value="posted1""#));
    assert!(page.contains(r#"value="+32 2 555 01 23""#), "the + kept");

    let again = body_text(app.send(get(&editor, Some(&cookie))).await).await;
    assert!(!again.contains("Enter a valid email address"), "shown once");
    assert!(!again.contains("not an address"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_person_closes_the_editor_and_the_list_says_saved() {
    let app = TestApp::new().await;
    let cookie = admin(&app).await;
    let editor = format!("{PERSONNEL}?q=posted&edit=new");
    let response = app
        .send(plain_post(
            "/api/save_person",
            &person_form("posted2", "posted2@example.com"),
            &cookie,
            &editor,
        ))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let list = format!("{PERSONNEL}?q=posted");
    assert_eq!(location(&response), list, "the list, editor closed");
    let page = body_text(app.send(get_after(&list, &cookie, &response)).await).await;
    assert!(page.contains("Saved."));
    assert!(page.contains("posted2@example.com"), "in the list");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_answer_is_kept_by_the_browser_that_posted_and_shown_by_its_own_form_only() {
    let app = TestApp::new().await;
    let cookie = admin(&app).await;
    let other = admin(&app).await;
    let editor = format!("{PERSONNEL}?edit=new");
    let response = app
        .send(plain_post(
            "/api/save_person",
            &person_form("posted3", "nope"),
            &cookie,
            &editor,
        ))
        .await;
    let kept = set_cookie_named(&response, "twostep_posted").unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Max-Age=60", "Path=/"] {
        assert!(kept.contains(attribute), "{attribute} in {kept}");
    }
    let page = body_text(app.send(get(&editor, Some(&other))).await).await;
    assert!(!page.contains("Enter a valid email address"), "another browser");
    assert!(!page.contains("posted3"));
    // Taken by a page without that form: not shown there, and gone.
    let home = app.send(get_after("/", &cookie, &response)).await;
    assert!(
        set_cookie_named(&home, "twostep_posted")
            .unwrap()
            .contains("Max-Age=0")
    );
    assert!(!body_text(home).await.contains("Enter a valid email address"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keeping_and_showing_an_answer_writes_no_session() {
    let app = TestApp::new().await;
    let sessions = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sessions")
            .fetch_one(app.pool())
            .await
            .unwrap()
    };
    let cookie = admin(&app).await;
    let response = app.send(get(PERSONNEL, Some(&cookie))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(set_cookie(&response), None, "the session was not saved again");

    // A refused sign-in posted by a browser with no session stores nothing on the server.
    let before = sessions().await;
    let mut refused = plain_post(
        "/api/login",
        "username=admin&password=wrong+password&next=",
        "",
        "/login",
    );
    refused.headers_mut().remove(header::COOKIE);
    let refused = app.send(refused).await;
    assert_eq!(refused.status(), StatusCode::SEE_OTHER);
    assert_eq!(set_cookie(&refused), None, "no session for a refusal");
    assert_eq!(sessions().await, before);
    let page = body_text(app.send(get_after("/login", "", &refused)).await).await;
    assert!(page.contains(said().incorrect_credentials));
    assert!(page.contains(r#"value="admin""#), "the username typed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_delete_says_why_on_the_page_it_came_from() {
    let app = TestApp::new().await;
    let cookie = admin(&app).await;
    let security = "/system/security";
    let response = app
        .send(plain_post("/api/delete_trusted", "id=999", &cookie, security))
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "a page, never the raw error"
    );
    let to = location(&response);
    assert!(to.starts_with(&format!("{security}?")), "{to}");
    let page = body_text(app.send(get(&to, Some(&cookie))).await).await;
    assert!(page.contains("was not deleted"), "the reason is shown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_plain_post_ends_on_a_page_of_this_site() {
    let app = TestApp::new().await;
    let cookie = admin(&app).await;
    for (referer, expected) in [
        (Some("http://127.0.0.1:3000/\\evil.example/x"), "/"),
        (Some("http://127.0.0.1:3000//evil.example/x"), "/"),
        (Some("http://elsewhere.example/account?x=1"), "/account?x=1"),
        (None, "/"),
    ] {
        let mut request = plain_post("/api/set_trust_days", "days=30", &cookie, "/");
        match referer {
            Some(value) => {
                request
                    .headers_mut()
                    .insert(header::REFERER, value.parse().unwrap());
            }
            None => {
                request.headers_mut().remove(header::REFERER);
            }
        }
        let response = app.send(request).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{referer:?}");
        assert_eq!(location(&response), expected, "{referer:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_toggle_and_the_trust_period_work_as_plain_forms() {
    let app = TestApp::with_mail("smtp://127.0.0.1:9").await;
    let cookie = admin(&app).await;
    let security = "/system/security?person=admin";
    let response = app
        .send(plain_post("/api/set_two_step", "enabled=true", &cookie, security))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), security);
    assert!(app::settings::two_step_enabled(app.pool()).await.unwrap());
    let page = body_text(app.send(get(security, Some(&cookie))).await).await;
    assert!(page.contains(r#"aria-pressed="true""#), "the page shows it on");

    let response = app
        .send(plain_post("/api/set_trust_days", "days=500", &cookie, security))
        .await;
    let page = body_text(app.send(get_after(security, &cookie, &response)).await).await;
    assert!(
        page.contains("From 1 to 90 days") && page.contains(r#"value="500""#),
        "refused, as typed"
    );
    assert!(page.contains(r#"aria-invalid="true""#));
    assert_eq!(
        app::settings::trust_days(app.pool()).await.unwrap(),
        30,
        "nothing changed"
    );
}
