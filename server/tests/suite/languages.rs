//! Languages (issue 29) through the real router: which language a page and a server
//! function answer in (saved, then cookie, then `Accept-Language`, then the instance
//! default), choosing one (cookie, profile, refusals), and the language of the code mail.

use crate::common;

use app::i18n::Lang;
use common::*;
use http::{Request, StatusCode, header};
use tower::ServiceExt;

/// `request` with `Accept-Language: accept` and, if given, the language cookie.
fn in_language(
    mut request: Request<axum::body::Body>,
    accept: Option<&str>,
    cookie: Option<&str>,
) -> Request<axum::body::Body> {
    let headers = request.headers_mut();
    if let Some(accept) = accept {
        headers.insert(header::ACCEPT_LANGUAGE, accept.parse().unwrap());
    }
    if let Some(code) = cookie {
        let joined = match headers.get(header::COOKIE) {
            Some(existing) => format!("{}; twostep_lang={code}", existing.to_str().unwrap()),
            None => format!("twostep_lang={code}"),
        };
        headers.insert(header::COOKIE, joined.parse().unwrap());
    }
    request
}

/// The page's `<html lang>`.
fn html_lang(page: &str) -> &str {
    let start = page.find("<html lang=\"").expect("an html element with a lang") + 12;
    &page[start..start + 2]
}

async fn saved_language(app: &TestApp, username: &str) -> Option<String> {
    sqlx::query_scalar("SELECT language FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(app.pool())
        .await
        .unwrap()
}

/// The sign-in page as a browser with `accept` and the language cookie `cookie` gets it.
async fn sign_in_page(app: &TestApp, accept: Option<&str>, cookie: Option<&str>) -> String {
    let response = app.send(in_language(get("/login", None), accept, cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    body_text(response).await
}

#[tokio::test]
async fn the_sign_in_page_follows_the_cookie_then_the_browser_then_the_default() {
    let app = TestApp::new().await;
    let page = |accept, cookie| sign_in_page(&app, accept, cookie);
    let dutch = page(Some("nl-BE,nl;q=0.9,en;q=0.8"), None).await;
    assert_eq!(html_lang(&dutch), "nl");
    assert!(
        dutch.contains(">Gebruikersnaam<") && dutch.contains(">Wachtwoord<"),
        "{dutch}"
    );
    assert!(!dutch.contains(">Username<"));

    let french = page(Some("nl-BE"), Some("fr")).await;
    assert_eq!(html_lang(&french), "fr", "the menu's choice beats the browser");
    assert!(
        french.contains(">Nom d&#x27;utilisateur<") || french.contains(">Nom d'utilisateur<"),
        "{french}"
    );

    let english = page(Some("de-DE, es;q=0.5"), Some("xx")).await;
    assert_eq!(html_lang(&english), "en", "nothing known: the default");
    assert!(english.contains(">Username<"));

    let mut parts = app.state.parts();
    parts.policy = std::sync::Arc::new(app::state::Policy {
        default_language: Lang::Nl,
        ..(*app.state.policy).clone()
    });
    let dutch_default = app::state::AppState::from(parts);
    let response = app
        .router_with(dutch_default, "198.51.100.20")
        .oneshot(in_language(get("/login", None), Some("de"), None))
        .await
        .unwrap();
    assert_eq!(
        html_lang(&body_text(response).await),
        "nl",
        "TWOSTEP_DEFAULT_LANGUAGE"
    );
}

#[tokio::test]
async fn choosing_keeps_the_language_in_the_cookie_and_once_signed_in_in_the_profile() {
    let app = TestApp::new().await;
    // Signed out: the cookie only.
    let response = app.send(post("/api/choose_language", "language=nl", None)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = set_cookie_named(&response, "twostep_lang").expect("the choice is kept");
    assert!(
        cookie.starts_with("twostep_lang=nl;")
            && cookie.contains("SameSite=Lax")
            && cookie.contains("Max-Age=31536000"),
        "{cookie}"
    );
    assert_eq!(saved_language(&app, "admin").await, None);

    // Signed in: the profile too, and the refusal of a wrong password is in that language.
    let (_, session) = app.login("admin", ADMIN_PASSWORD, None).await;
    let session = session.unwrap();
    let response = app
        .send(post("/api/choose_language", "language=FR", Some(&session)))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(saved_language(&app, "admin").await.as_deref(), Some("fr"));
    let refused = body_text(
        app.send(in_language(
            login_request("admin", "wrong password", None),
            None,
            Some("fr"),
        ))
        .await,
    )
    .await;
    assert!(
        refused.contains("Nom d'utilisateur ou mot de passe incorrect."),
        "{refused}"
    );

    // A plain form post comes back to the page it was sent from.
    let response = app
        .send(plain_post(
            "/api/choose_language",
            "language=nl",
            &session,
            "/account",
        ))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/account");
    assert_eq!(saved_language(&app, "admin").await.as_deref(), Some("nl"));
}

#[tokio::test]
async fn anything_but_the_three_languages_or_another_site_changes_nothing() {
    let app = TestApp::new().await;
    let (_, session) = app.login("admin", ADMIN_PASSWORD, None).await;
    let session = session.unwrap();
    for bad in [
        "language=de",
        "language=nl-BE",
        "language=",
        "language=%00nl",
        "lang=nl",
        "",
    ] {
        let response = app.send(post("/api/choose_language", bad, Some(&session))).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad:?}");
        assert_eq!(set_cookie_named(&response, "twostep_lang"), None, "{bad:?}");
    }
    assert_eq!(saved_language(&app, "admin").await, None);

    // Another site's form cannot change a signed-in person's language.
    let mut forged = post("/api/choose_language", "language=fr", Some(&session));
    forged
        .headers_mut()
        .insert(header::ORIGIN, "http://evil.example".parse().unwrap());
    let response = app.send(forged).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(set_cookie_named(&response, "twostep_lang"), None);
    assert_eq!(saved_language(&app, "admin").await, None);

    // A plain post whose Referer is another site comes back to that path on this site,
    // never to the other site.
    let mut elsewhere = plain_post("/api/choose_language", "language=nl", &session, "/account");
    elsewhere
        .headers_mut()
        .insert(header::REFERER, "http://evil.example/phish".parse().unwrap());
    let response = app.send(elsewhere).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/phish");
}

#[tokio::test]
async fn a_signed_in_page_follows_the_saved_language_and_brings_the_cookie_in_line() {
    let app = TestApp::new().await;
    let (_, session) = app.login("admin", ADMIN_PASSWORD, None).await;
    let session = session.unwrap();
    app.send(post("/api/choose_language", "language=nl", Some(&session)))
        .await;
    // Another browser, whose cookie and language say French.
    let response = app
        .send(in_language(get("/", Some(&session)), Some("fr-BE"), Some("fr")))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = set_cookie_named(&response, "twostep_lang").expect("the cookie is brought in line");
    assert!(cookie.starts_with("twostep_lang=nl;"), "{cookie}");
    let page = body_text(response).await;
    assert_eq!(html_lang(&page), "nl");
    assert!(page.contains(">Afmelden<"), "{page}");

    // In line already: no cookie is sent again.
    let response = app
        .send(in_language(get("/", Some(&session)), None, Some("nl")))
        .await;
    assert_eq!(set_cookie_named(&response, "twostep_lang"), None);
}

#[tokio::test]
async fn the_code_mail_is_in_the_saved_language_else_the_sign_in_pages() {
    let (app, mut capture) = two_step_app().await;
    app.add_person("pieter", Some("pieter@example.com")).await;
    app.add_person("marie", Some("marie@example.com")).await;
    sqlx::query("UPDATE users SET language = 'fr' WHERE username = 'marie'")
        .execute(app.pool())
        .await
        .unwrap();

    // No saved language: the sign-in page's (here the browser's Dutch).
    let response = app
        .send(in_language(
            login_request("pieter", PERSON_PASSWORD, None),
            Some("nl-BE"),
            None,
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let mail = capture.next_message().await;
    assert!(mail.contains("Subject: Uw aanmeldcode voor Twostep"), "{mail}");
    assert!(mail.contains("Beste pieter,"), "{mail}");

    // Saved French wins over a Dutch browser and a Dutch cookie.
    app.send(in_language(
        login_request("marie", PERSON_PASSWORD, None),
        Some("nl-BE"),
        Some("nl"),
    ))
    .await;
    let mail = capture.next_message().await;
    assert!(
        mail.contains("Subject: Votre code de connexion Twostep"),
        "{mail}"
    );
    assert!(mail.contains("Bonjour marie,"), "{mail}");

    // Nothing known: the instance default, English here.
    app.send(login_request("pieter", PERSON_PASSWORD, None)).await;
    let mail = capture.next_message().await;
    assert!(mail.contains("Subject: Your Twostep sign-in code"), "{mail}");
}
