//! System › Security and My account through the real router (issue 5): deletes, who may
//! make them, the Origin check, and the live event stream.

use crate::common;

use common::*;
use futures::StreamExt;
use http::{Request, StatusCode, header};
use std::time::Duration;

async fn trusted_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM trusted_networks")
        .fetch_one(app.pool())
        .await
        .unwrap()
}

async fn trust(app: &TestApp, user_id: i64, ip: &str) -> i64 {
    app::trusted_networks::store::trust(
        app.pool(),
        user_id,
        ip.parse().unwrap(),
        30,
        app::clock::Clock::now(&app.clock),
    )
    .await
    .unwrap()
}

async fn signed_in(app: &TestApp, username: &str, password: &str) -> String {
    app.login(username, password, None).await.1.expect("signed in")
}

#[tokio::test]
async fn my_account_deletes_only_my_own_entries() {
    let app = TestApp::new().await;
    let jdoe = app.add_person("jdoe", None).await;
    let admins = trust(&app, 1, "203.0.113.1").await;
    let janes = trust(&app, jdoe, "203.0.113.2").await;
    let cookie = signed_in(&app, "jdoe", PERSON_PASSWORD).await;

    let mine = body_text(app.send(post("/api/my_trusted", "", Some(&cookie))).await).await;
    assert!(
        mine.contains("203.0.113.2") && !mine.contains("203.0.113.1"),
        "{mine}"
    );

    for id in [admins, 9999] {
        let response = app
            .send(post("/api/delete_my_trusted", &format!("id={id}"), Some(&cookie)))
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "entry {id}");
    }
    assert_eq!(trusted_count(&app).await, 2, "nothing was deleted");
    let response = app
        .send(post(
            "/api/delete_my_trusted",
            &format!("id={janes}"),
            Some(&cookie),
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(trusted_count(&app).await, 1);
}

#[tokio::test]
async fn an_admin_delete_is_audited_with_who_did_it() {
    let app = TestApp::new().await;
    let jdoe = app.add_person("jdoe", None).await;
    let entry = trust(&app, jdoe, "2001:db8:1:2::7").await;
    let admin = signed_in(&app, "admin", ADMIN_PASSWORD).await;
    let listed = body_text(
        app.send(post(
            "/api/trusted_networks",
            "filter=jdoe&order=Person&offset=0",
            Some(&admin),
        ))
        .await,
    )
    .await;
    assert!(listed.contains(r#""network":"2001:db8:1:2::/64""#), "{listed}");
    let response = app
        .send(post("/api/delete_trusted", &format!("id={entry}"), Some(&admin)))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(trusted_count(&app).await, 0);
    let (actor, subject, detail): (i64, i64, String) =
        sqlx::query_as("SELECT actor_id, subject_id, detail FROM audit WHERE kind = 'network_deleted'")
            .fetch_one(app.pool())
            .await
            .unwrap();
    assert_eq!((actor, subject, detail.as_str()), (1, jdoe, "2001:db8:1:2::/64"));
}

#[tokio::test]
async fn cross_site_toggle_and_delete_are_refused() {
    let app = TestApp::new().await;
    let entry = trust(&app, 1, "203.0.113.1").await;
    let admin = signed_in(&app, "admin", ADMIN_PASSWORD).await;
    for (path, form) in [
        ("/api/delete_trusted", format!("id={entry}")),
        ("/api/set_two_step", "enabled=false".to_string()),
        ("/api/set_trust_days", "days=3".to_string()),
    ] {
        let mut request = post(path, &form, Some(&admin));
        request
            .headers_mut()
            .insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert_eq!(app.send(request).await.status(), StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(trusted_count(&app).await, 1);
    assert_eq!(app::settings::trust_days(app.pool()).await.unwrap(), 30);
}

fn events_request(cookie: Option<&str>) -> Request<axum::body::Body> {
    let mut request = get("/api/trusted_events", cookie);
    request
        .headers_mut()
        .insert(header::ACCEPT, "text/event-stream".parse().unwrap());
    request
}

#[tokio::test]
async fn open_pages_hear_of_a_delete_and_only_what_they_may_see() {
    let app = TestApp::new().await;
    let jdoe = app.add_person("jdoe", None).await;
    let bob = app.add_person("bob", None).await;
    let janes = trust(&app, jdoe, "203.0.113.2").await;
    let bobs = trust(&app, bob, "203.0.113.3").await;
    let admin = signed_in(&app, "admin", ADMIN_PASSWORD).await;
    let jane_cookie = signed_in(&app, "jdoe", PERSON_PASSWORD).await;

    assert_eq!(
        app.send(events_request(None)).await.status(),
        StatusCode::UNAUTHORIZED,
        "signed-out browsers hear nothing"
    );
    let admin_stream = app.send(events_request(Some(&admin))).await;
    assert_eq!(admin_stream.status(), StatusCode::OK);
    assert!(
        admin_stream.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut admin_events = admin_stream.into_body().into_data_stream();
    let mut jane_events = app
        .send(events_request(Some(&jane_cookie)))
        .await
        .into_body()
        .into_data_stream();

    // Bob's entry goes: the admin hears it, Jane does not.
    app.send(post("/api/delete_trusted", &format!("id={bobs}"), Some(&admin)))
        .await;
    let frame = tokio::time::timeout(Duration::from_secs(2), admin_events.next())
        .await
        .expect("the admin's page hears within 2 s")
        .unwrap()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&frame), "data: changed\n\n");
    assert!(
        tokio::time::timeout(Duration::from_millis(300), jane_events.next())
            .await
            .is_err(),
        "another person's change is not Jane's business"
    );

    // Jane's own entry goes: she hears it.
    app.send(post("/api/delete_trusted", &format!("id={janes}"), Some(&admin)))
        .await;
    let frame = tokio::time::timeout(Duration::from_secs(2), jane_events.next())
        .await
        .expect("Jane's My account hears within 2 s")
        .unwrap()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&frame), "data: changed\n\n");
}

#[tokio::test]
async fn one_session_holds_at_most_four_live_streams_and_a_closed_one_frees_its_place() {
    let app = TestApp::new().await;
    let admin = signed_in(&app, "admin", ADMIN_PASSWORD).await;
    let mut open = Vec::new();
    for n in 0..server::live::STREAMS_PER_SESSION {
        let stream = app.send(events_request(Some(&admin))).await;
        assert_eq!(stream.status(), StatusCode::OK, "stream {n}");
        open.push(stream);
    }
    let refused = app.send(events_request(Some(&admin))).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body_text(refused).await, server::live::TOO_MANY_STREAMS);
    // Another session of the same person is not refused for this one's streams.
    let other = signed_in(&app, "admin", ADMIN_PASSWORD).await;
    let elsewhere = app.send(events_request(Some(&other))).await;
    assert_eq!(elsewhere.status(), StatusCode::OK);
    // A page closes: its place is free again.
    drop(open.pop());
    assert_eq!(
        app.send(events_request(Some(&admin))).await.status(),
        StatusCode::OK
    );
}
