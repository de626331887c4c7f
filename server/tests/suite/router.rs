//! The real router, end to end in process: layers, sessions, server functions and the
//! database, with a mocked TCP peer address.

use crate::common;

use common::*;
use http::{StatusCode, header};
#[tokio::test]
async fn health_is_200_with_the_database_and_503_without_it() {
    let app = TestApp::new().await;
    let response = app.send(get("/healthz", None)).await;
    assert_eq!(response.status(), StatusCode::OK);
    app.pool().close().await;
    let response = app.send(get("/healthz", None)).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn signing_in_sets_a_protected_session_cookie_that_names_the_person() {
    let app = TestApp::new().await;
    let response = app.send(login_request("Admin", ADMIN_PASSWORD, None)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let header = set_cookie(&response).expect("a session cookie");
    assert!(header.contains("HttpOnly"), "{header}");
    assert!(header.contains("SameSite=Lax"), "{header}");
    assert!(
        !header.contains("Secure"),
        "plain http must not get a Secure cookie: {header}"
    );
    let cookie = session_cookie(&response).unwrap();
    assert_eq!(body_text(response).await, r#"{"SignedIn":{"next":"/"}}"#);
    let me = app.me(&cookie).await;
    assert!(me.contains(r#""username":"admin""#), "{me}");
    assert!(!me.contains("argon2"), "no password hash on the wire: {me}");
}

#[tokio::test]
async fn an_unknown_user_and_a_wrong_password_get_the_same_answer() {
    let app = TestApp::new().await;
    let (unknown, unknown_cookie) = app.login("nobody", ADMIN_PASSWORD, None).await;
    let (wrong, wrong_cookie) = app.login("admin", "wrong password", None).await;
    assert_eq!(unknown, refused());
    assert_eq!(wrong, unknown);
    assert_eq!(unknown_cookie, None, "no session for a refusal");
    assert_eq!(wrong_cookie, None, "no session for a refusal");
}

#[tokio::test]
async fn every_sign_in_gets_a_new_session_id_and_the_old_one_dies() {
    let app = TestApp::new().await;
    let (_, first) = app.login("admin", ADMIN_PASSWORD, None).await;
    let first = first.unwrap();
    let (_, second) = app.login("admin", ADMIN_PASSWORD, Some(&first)).await;
    let second = second.expect("a cookie for the new id");
    assert_ne!(first, second);
    assert_eq!(
        app.me(&first).await,
        "null",
        "the id known before sign-in is worthless after it"
    );
    assert!(app.me(&second).await.contains("admin"));
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let app = TestApp::new().await;
    let (_, cookie) = app.login("admin", ADMIN_PASSWORD, None).await;
    let cookie = cookie.unwrap();
    let response = app.send(post("/api/logout", "", Some(&cookie))).await;
    assert_eq!(response.status(), StatusCode::OK);
    // Even a browser that kept the cookie is signed out now.
    assert_eq!(app.me(&cookie).await, "null");
    let page = app.send(get("/", Some(&cookie))).await;
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_cross_site_post_is_refused_and_changes_nothing() {
    let app = TestApp::new().await;
    let before = app.audit_count().await;
    let mut request = login_request("admin", ADMIN_PASSWORD, None);
    request
        .headers_mut()
        .insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    let response = app.send(request).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(set_cookie(&response), None);
    assert_eq!(
        app.audit_count().await,
        before,
        "the request never reached the sign-in"
    );
}

#[tokio::test]
async fn a_signed_out_page_request_goes_to_sign_in_and_comes_back() {
    let app = TestApp::new().await;
    let response = app.send(get("/some/page?x=1", None)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()[header::LOCATION],
        "/login?next=%2Fsome%2Fpage%3Fx%3D1"
    );
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");

    let (_, cookie) = app.login("admin", ADMIN_PASSWORD, None).await;
    let response = app
        .send(get("/login?next=%2Fsome%2Fpage%3Fx%3D1", cookie.as_deref()))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/some/page?x=1");
    // An outside address in `next` is not followed.
    let response = app
        .send(get("/login?next=https%3A%2F%2Fevil.example", cookie.as_deref()))
        .await;
    assert_eq!(response.headers()[header::LOCATION], "/");
}

#[tokio::test]
async fn the_sign_in_page_renders_its_fields_for_a_signed_out_browser() {
    let app = TestApp::new().await;
    let response = app.send(get("/login", None)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    let html = body_text(response).await;
    for needle in [
        r#"<label for="username">Username"#,
        r#"<label for="password">Password"#,
        r#"<button type="submit" class="primary">Sign in"#,
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
}

#[tokio::test]
async fn server_functions_answer_a_signed_out_browser_as_signed_out() {
    let app = TestApp::new().await;
    let response = app.send(post("/api/me", "", None)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    assert_eq!(body_text(response).await, "null");
    assert_eq!(app.me("forged-session-id").await, "null");
}

#[tokio::test]
async fn after_ten_failures_even_the_right_password_is_refused() {
    let app = TestApp::new().await;
    for _ in 0..10 {
        assert_eq!(app.login("admin", "guess", None).await.0, refused());
    }
    let (answer, cookie) = app.login("admin", ADMIN_PASSWORD, None).await;
    assert_eq!(answer, refused(), "throttled: same text as any refusal");
    assert_eq!(cookie, None);
}

#[tokio::test]
async fn forged_forwarded_headers_do_not_move_an_untrusted_peer_to_another_network() {
    let app = TestApp::new().await;
    let attacker = "203.0.113.66";
    for i in 0..50 {
        let mut request = login_request(&format!("user{i}"), "guess", None);
        // Each attempt claims another address: none of it may count.
        request
            .headers_mut()
            .insert("x-forwarded-for", format!("192.0.2.{i}").parse().unwrap());
        request
            .headers_mut()
            .insert("forwarded", format!("for=192.0.2.{i}").parse().unwrap());
        app.send_from(attacker, request).await;
    }
    let response = app
        .send_from(attacker, login_request("admin", ADMIN_PASSWORD, None))
        .await;
    assert_eq!(
        body_text(response).await,
        refused(),
        "the attacker's network is throttled"
    );
    let response = app
        .send_from("198.51.100.7", login_request("admin", ADMIN_PASSWORD, None))
        .await;
    assert!(
        body_text(response).await.contains("SignedIn"),
        "another network is not"
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_client_is_the_one_throttled() {
    let app = TestApp::with_proxies("10.0.0.1").await;
    for i in 0..50 {
        let mut request = login_request(&format!("user{i}"), "guess", None);
        request
            .headers_mut()
            .insert("x-forwarded-for", "203.0.113.66".parse().unwrap());
        app.send_from("10.0.0.1", request).await;
    }
    let mut blocked = login_request("admin", ADMIN_PASSWORD, None);
    blocked
        .headers_mut()
        .insert("x-forwarded-for", "203.0.113.66".parse().unwrap());
    assert_eq!(
        body_text(app.send_from("10.0.0.1", blocked).await).await,
        refused()
    );
    let mut other = login_request("admin", ADMIN_PASSWORD, None);
    other
        .headers_mut()
        .insert("x-forwarded-for", "198.51.100.7".parse().unwrap());
    assert!(
        body_text(app.send_from("10.0.0.1", other).await)
            .await
            .contains("SignedIn")
    );
}

#[tokio::test]
async fn deactivating_a_person_ends_their_session_on_the_next_request() {
    let app = TestApp::new().await;
    let (_, cookie) = app.login("admin", ADMIN_PASSWORD, None).await;
    let cookie = cookie.unwrap();
    sqlx::query("UPDATE users SET active = FALSE")
        .execute(app.pool())
        .await
        .unwrap();
    assert_eq!(app.me(&cookie).await, "null");
}

/// Signs in a person created with no permission at all, and returns their cookie.
async fn sign_in_without_permissions(app: &TestApp) -> String {
    let hash = app
        .state
        .hasher
        .hash("plain staff password".into())
        .await
        .unwrap();
    app::personnel::people::create(
        &app.state.db,
        app::personnel::people::NewPerson {
            name: "Plain Staff",
            username: "staff",
            email: None,
            password_hash: &hash,
            permissions: &[],
        },
        1,
    )
    .await
    .unwrap();
    app.login("staff", "plain staff password", None)
        .await
        .1
        .expect("signed in")
}

#[tokio::test]
async fn every_admin_server_function_refuses_a_person_without_the_permission() {
    let app = TestApp::new().await;
    let cookie = sign_in_without_permissions(&app).await;
    let admins_entry =
        app::trusted_networks::store::trust(&app.state.db, 1, "203.0.113.7".parse().unwrap(), 30, 1)
            .await
            .unwrap();
    assert_eq!(admins_entry, 1, "the entry the delete below aims at");
    let before = database_fingerprint(app.pool()).await;
    let calls = [
        ("/api/people", "search=&offset=0".to_string()),
        ("/api/person", "id=1".to_string()),
        (
            "/api/save_person",
            "id=1&name=Hijacked&username=admin&email=&phone=&mobile=&password=new+password+1".to_string(),
        ),
        (
            "/api/save_person",
            "name=New&username=new&email=&phone=&mobile=&password=walnut+harbour+lamp&active=on".to_string(),
        ),
        ("/api/permission_grid", String::new()),
        (
            "/api/set_permission",
            "user_id=2&permission=Security&granted=true".to_string(),
        ),
        ("/api/security_overview", String::new()),
        ("/api/set_two_step", "enabled=true".to_string()),
        (
            "/api/trusted_networks",
            "filter=&order=NewestFirst&offset=0".to_string(),
        ),
        ("/api/delete_trusted", "id=1".to_string()),
        ("/api/set_trust_days", "days=5".to_string()),
        ("/api/security_events", "person=&kind=&shown=50".to_string()),
    ];
    for (path, form) in calls {
        let response = app.send(post(path, &form, Some(&cookie))).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        assert!(body_text(response).await.contains("Forbidden"), "{path}");
    }
    assert_eq!(database_fingerprint(app.pool()).await, before, "nothing changed");
}

#[tokio::test]
async fn admin_server_functions_answer_401_to_a_signed_out_browser() {
    let app = TestApp::new().await;
    for path in [
        "/api/people",
        "/api/permission_grid",
        "/api/my_account",
        "/api/security_overview",
        "/api/set_two_step",
        "/api/trusted_networks",
        "/api/delete_trusted",
        "/api/set_trust_days",
        "/api/security_events",
        "/api/my_trusted",
        "/api/delete_my_trusted",
    ] {
        let response = app
            .send(post(
                path,
                "search=&offset=0&enabled=true&filter=&order=NewestFirst&id=1&days=5&person=&kind=&shown=50",
                None,
            ))
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
}

#[tokio::test]
async fn permission_pages_answer_403_with_the_reason() {
    let app = TestApp::new().await;
    let cookie = sign_in_without_permissions(&app).await;
    for path in [
        "/maintenance/organisation/personnel",
        "/system/permissions",
        "/system/security",
    ] {
        let response = app.send(get(path, Some(&cookie))).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        let html = body_text(response).await;
        assert!(
            html.contains(app::i18n::Lang::En.texts().pages.refused),
            "{path} must say why"
        );
    }
    let (_, admin) = app.login("admin", ADMIN_PASSWORD, None).await;
    let response = app.send(get("/system/permissions", admin.as_deref())).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_removed_permission_is_lost_on_the_next_request() {
    let app = TestApp::new().await;
    let (_, cookie) = app.login("admin", ADMIN_PASSWORD, None).await;
    let cookie = cookie.unwrap();
    let response = app
        .send(post("/api/people", "search=&offset=0", Some(&cookie)))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    sqlx::query("DELETE FROM user_permissions WHERE permission = 'personnel'")
        .execute(app.pool())
        .await
        .unwrap();
    let response = app
        .send(post("/api/people", "search=&offset=0", Some(&cookie)))
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_invalid_email_is_refused_next_to_the_field_and_nothing_is_saved() {
    let app = TestApp::new().await;
    let (_, cookie) = app.login("admin", ADMIN_PASSWORD, None).await;
    let before = database_fingerprint(app.pool()).await;
    let form = "name=Jane&username=jdoe&email=jane%40&phone=&mobile=&password=walnut+harbour+lamp&active=on";
    let response = app.send(post("/api/save_person", form, cookie.as_deref())).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = body_text(response).await;
    assert!(
        body.contains(r#""email":"Enter a valid email address, like name@example.com.""#),
        "{body}"
    );
    assert_eq!(database_fingerprint(app.pool()).await, before);
}

#[tokio::test]
async fn editing_a_person_through_the_server_function_changes_them() {
    let app = TestApp::new().await;
    let (_, cookie) = app.login("admin", ADMIN_PASSWORD, None).await;
    let create = "id=&name=Jane+Doe&username=jdoe&email=&phone=&mobile=%2B32470123456&password=walnut+harbour+lamp&active=on";
    let body = body_text(
        app.send(post("/api/save_person", create, cookie.as_deref()))
            .await,
    )
    .await;
    assert!(body.contains("Saved"), "{body}");
    let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'jdoe'")
        .fetch_one(app.pool())
        .await
        .unwrap();
    let edit = format!(
        "id={id}&name=Jane+Doe&username=jdoe&email=&phone=%2B32+2+511+22+33&mobile=%2B32+470+12+34+56&password=&active=on"
    );
    let body = body_text(app.send(post("/api/save_person", &edit, cookie.as_deref())).await).await;
    assert_eq!(body, format!(r#"{{"Saved":{{"id":{id}}}}}"#));
    let phone: Option<String> = sqlx::query_scalar("SELECT phone FROM users WHERE id = $1")
        .bind(id)
        .fetch_one(app.pool())
        .await
        .unwrap();
    assert_eq!(phone.as_deref(), Some("+3225112233"));
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413_before_sign_in_runs() {
    let app = TestApp::new().await;
    let before = app.audit_count().await;
    let huge = format!("username=admin&password={}", "x".repeat(10 * 1024 * 1024));
    let response = app.send(post("/api/login", &huge, None)).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.audit_count().await, before);
}

/// A sign-in whose body arrives as `body`, with no length announced.
fn login_streaming(body: axum::body::Body) -> http::Request<axum::body::Body> {
    let mut request = post("/api/login", "", None);
    *request.body_mut() = body;
    request.headers_mut().remove(header::CONTENT_LENGTH);
    request
}

#[tokio::test]
async fn a_body_streamed_past_the_limit_is_refused_with_413() {
    let app = TestApp::new().await;
    let before = app.audit_count().await;
    let chunks = (0..200).map(|_| Ok::<_, std::io::Error>(vec![b'x'; 1024]));
    let response = app
        .send(login_streaming(axum::body::Body::from_stream(
            futures::stream::iter(chunks),
        )))
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.audit_count().await, before);
}

#[tokio::test]
async fn a_body_that_never_finishes_arriving_gets_408_after_the_body_time() {
    let app = TestApp::new().await;
    let before = app.audit_count().await;
    let began = std::time::Instant::now();
    let first = futures::stream::iter([Ok::<_, std::io::Error>(b"username=adm".to_vec())]);
    let trickle = futures::StreamExt::chain(first, futures::stream::pending());
    let response = tokio::time::timeout(
        server::layers::BODY_TIME * 2,
        tower::ServiceExt::oneshot(
            app.router_from("192.0.2.1"),
            login_streaming(axum::body::Body::from_stream(trickle)),
        ),
    )
    .await
    .expect("answered")
    .unwrap();
    assert_eq!(response.status(), StatusCode::REQUEST_TIMEOUT);
    assert!(began.elapsed() >= server::layers::BODY_TIME);
    assert_eq!(app.audit_count().await, before);
}

#[tokio::test]
async fn pages_are_compressed_for_browsers_that_accept_it() {
    let app = TestApp::new().await;
    let mut request = get("/login", None);
    request
        .headers_mut()
        .insert(header::ACCEPT_ENCODING, "br, gzip".parse().unwrap());
    let response = app.send(request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
}

#[tokio::test]
async fn content_named_site_files_are_cached_for_good_and_the_page_links_them() {
    use app::site_files::{Hashes, SiteFiles};
    use tower::ServiceExt;
    let app = TestApp::new().await;
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir(site.path().join("pkg")).unwrap();
    std::fs::write(
        site.path().join("pkg/twostep.NxcYWDB-I8AlSCBB9rATqQ.css"),
        "body{}",
    )
    .unwrap();
    std::fs::write(site.path().join("pkg/twostep.css"), "body{}").unwrap();
    let mut state = app.state.parts();
    state.leptos_options.site_root = site.path().to_str().unwrap().into();
    let hashes = Hashes::parse(
        "js: rTy4F-cKj40v0BWNVz4bOA\nwasm: IW6uYOjhqvxoUGXwv9H0NA\ncss: NxcYWDB-I8AlSCBB9rATqQ\nsplit: lod7evXVoYL8zHH_uGCfwQ\n",
    )
    .unwrap();
    state.site_files = std::sync::Arc::new(SiteFiles::hashed("twostep", "pkg", hashes));
    let router = app.router_with(state.into(), "198.51.100.20");

    let page = body_text(router.clone().oneshot(get("/login", None)).await.unwrap()).await;
    assert!(
        page.contains(r#"<link rel="stylesheet" href="/pkg/twostep.NxcYWDB-I8AlSCBB9rATqQ.css">"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<link rel="modulepreload" href="/pkg/__wasm_split.lod7evXVoYL8zHH_uGCfwQ.js">"#),
        "the chunk loader is fetched beside the main JS: {page}"
    );

    let hashed = router
        .clone()
        .oneshot(get("/pkg/twostep.NxcYWDB-I8AlSCBB9rATqQ.css", None))
        .await
        .unwrap();
    assert_eq!(hashed.status(), StatusCode::OK);
    assert_eq!(
        hashed.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    // A plain name: asked again on every use.
    let plain = router
        .clone()
        .oneshot(get("/pkg/twostep.css", None))
        .await
        .unwrap();
    assert_eq!(plain.status(), StatusCode::OK);
    assert_eq!(plain.headers()[header::CACHE_CONTROL], "no-cache");
    // A content name that is not there (yet): never an answer kept for good.
    let missing = router
        .oneshot(get("/pkg/twostep.Z67kbHknqa0shnBNWRsVUA.css", None))
        .await
        .unwrap();
    assert_ne!(
        missing
            .headers()
            .get(header::CACHE_CONTROL)
            .map(|v| v.to_str().unwrap()),
        Some("public, max-age=31536000, immutable")
    );
}

#[test]
fn router_paths_match_the_route_table() {
    // The server's own list: generating one here would switch resource loading off
    // process-wide while other tests render pages (they then waited for ever).
    let mut routed: Vec<String> = server::router::route_list()
        .iter()
        .map(|route| route.path().to_string())
        .collect();
    routed.sort();
    routed.dedup();
    let mut table: Vec<String> = app::routes::PAGES
        .iter()
        .map(|page| page.path.to_string())
        .chain([app::routes::LOGIN.to_string()])
        .collect();
    table.sort();
    assert_eq!(routed, table, "shell.rs's routes and routes.rs's table");
}
