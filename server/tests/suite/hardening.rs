//! Issue 11, attacked through the real router: a clerk taking over an administrator, a
//! client forging its address through a proxy, a burst outrunning the throttle, a
//! stranger locking a person out, and the smaller holes. Each refusal is shown failing.

use crate::common;

use app::permissions::Permission;
use app::smtp_capture::SmtpCapture;
use app::state::{AppState, Policy, Services};
use common::*;
use futures::StreamExt;
use http::{Request, StatusCode, header};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

/// A new person holding `permissions`, signed in: (id, session cookie).
async fn signed_in_holding(app: &TestApp, username: &str, permissions: &[Permission]) -> (i64, String) {
    let id = app.add_person_holding(username, permissions).await;
    let cookie = app
        .login(username, PERSON_PASSWORD, None)
        .await
        .1
        .expect("signed in");
    (id, cookie)
}

/// The Personnel editor's form for person `id` as stored, with `change` applied.
async fn edit_form(app: &TestApp, id: i64, change: &[(&str, &str)]) -> String {
    person_form(app.pool(), id, change).await
}

async fn save(app: &TestApp, cookie: &str, form: &str) -> (StatusCode, String) {
    let response = app.send(post("/api/save_person", form, Some(cookie))).await;
    let status = response.status();
    (status, body_text(response).await)
}

// ---- 1. Nobody manages a person who holds more than they do ----

#[tokio::test]
async fn a_clerk_cannot_take_over_an_administrator_and_nothing_changes() {
    let app = TestApp::new().await;
    let (_, clerk) = signed_in_holding(&app, "clerk", &[Permission::Personnel]).await;
    let admin = 1;
    let before = database_fingerprint(app.pool()).await;
    for change in [
        &[("email", "clerk@example.com")][..],
        &[("mobile", "+32 470 12 34 56")][..],
        &[("password", "clerk knows this one")][..],
        &[("active", "")][..],
        // A new username: they could no longer sign in by their own name.
        &[("username", "boss")][..],
        // The same, hidden among harmless changes.
        &[("name", "Boss"), ("email", "clerk@example.com")][..],
    ] {
        let (status, body) = save(&app, &clerk, &edit_form(&app, admin, change).await).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{change:?}: {body}");
        assert!(body.contains("Forbidden"), "{body}");
        assert_eq!(
            database_fingerprint(app.pool()).await,
            before,
            "{change:?} changed nothing"
        );
    }
    // Name and phone stay open to Personnel.
    let form = edit_form(
        &app,
        admin,
        &[("name", "The Boss"), ("phone", "+32 470 11 22 33")],
    )
    .await;
    let (status, body) = save(&app, &clerk, &form).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, r#"{"Saved":{"id":1}}"#));
    let kinds = app.audit_kinds().await;
    assert_eq!(kinds.iter().filter(|k| *k == "person_changed").count(), 1);
}

#[tokio::test]
async fn the_editor_is_told_which_sign_in_details_it_may_change() {
    let app = TestApp::new().await;
    let (_, clerk) = signed_in_holding(&app, "clerk", &[Permission::Personnel]).await;
    let plain = app.add_person_holding("plain", &[]).await;
    let answer = |id: i64| {
        let app = &app;
        let clerk = clerk.clone();
        async move {
            body_text(
                app.send(post("/api/person", &format!("id={id}"), Some(&clerk)))
                    .await,
            )
            .await
        }
    };
    assert!(answer(1).await.contains(r#""may_change_sign_in":false"#));
    assert!(answer(plain).await.contains(r#""may_change_sign_in":true"#));
    // Reset two-step methods is offered for others only: one's own are in My account.
    assert!(answer(plain).await.contains(r#""is_viewer":false"#));
    let clerk_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'clerk'")
        .fetch_one(app.pool())
        .await
        .unwrap();
    assert!(answer(clerk_id).await.contains(r#""is_viewer":true"#));
}

#[tokio::test]
async fn a_clerk_manages_plain_staff_fully() {
    let app = TestApp::new().await;
    let (_, clerk) = signed_in_holding(&app, "clerk", &[Permission::Personnel]).await;
    let plain = app.add_person_holding("plain", &[]).await;
    let form = edit_form(
        &app,
        plain,
        &[
            ("email", "new@example.com"),
            ("mobile", "+32 470 99 99 99"),
            ("password", "a new password"),
        ],
    )
    .await;
    assert_eq!(save(&app, &clerk, &form).await.0, StatusCode::OK);
    let form = edit_form(&app, plain, &[("active", "")]).await;
    let (status, body) = save(&app, &clerk, &form).await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, format!(r#"{{"Saved":{{"id":{plain}}}}}"#))
    );
    let active: bool = sqlx::query_scalar("SELECT active FROM users WHERE id = $1")
        .bind(plain)
        .fetch_one(app.pool())
        .await
        .unwrap();
    assert!(!active);
}

#[tokio::test]
async fn holding_every_permission_of_the_other_person_is_what_counts() {
    let app = TestApp::new().await;
    let (_, actor) = signed_in_holding(&app, "actor", &[Permission::Personnel, Permission::Security]).await;
    let security_only = app.add_person_holding("guard", &[Permission::Security]).await;
    let more = app
        .add_person_holding("chief", &[Permission::Permissions, Permission::Security])
        .await;
    let allowed = edit_form(&app, security_only, &[("email", "guard@elsewhere.example")]).await;
    assert_eq!(save(&app, &actor, &allowed).await.0, StatusCode::OK);
    let before = database_fingerprint(app.pool()).await;
    let refused = edit_form(&app, more, &[("email", "chief@elsewhere.example")]).await;
    assert_eq!(save(&app, &actor, &refused).await.0, StatusCode::FORBIDDEN);
    assert_eq!(database_fingerprint(app.pool()).await, before);
}

#[tokio::test]
async fn a_deactivated_former_administrator_is_reactivated_only_by_an_equal() {
    let app = TestApp::new().await;
    let (_, clerk) = signed_in_holding(&app, "clerk", &[Permission::Personnel]).await;
    let former = app.add_person_holding("former", &Permission::ALL).await;
    sqlx::query("UPDATE users SET active = FALSE WHERE id = $1")
        .bind(former)
        .execute(app.pool())
        .await
        .unwrap();
    let before = database_fingerprint(app.pool()).await;
    let reactivate = edit_form(&app, former, &[("active", "on")]).await;
    assert_eq!(save(&app, &clerk, &reactivate).await.0, StatusCode::FORBIDDEN);
    assert_eq!(database_fingerprint(app.pool()).await, before, "still inactive");

    let (_, admin) = app.login("admin", ADMIN_PASSWORD, None).await;
    assert_eq!(save(&app, &admin.unwrap(), &reactivate).await.0, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_racing_the_save_never_slips_through() {
    let app = Arc::new(TestApp::new().await);
    let (_, clerk) = signed_in_holding(&app, "clerk", &[Permission::Personnel]).await;
    let (_, admin) = app.login("admin", ADMIN_PASSWORD, None).await;
    let admin = admin.unwrap();
    let mut people = Vec::new();
    for i in 0..16 {
        people.push(app.add_person_holding(&format!("target{i}"), &[]).await);
    }
    // Each target is given Security while the clerk changes their email, at once.
    let mut races = Vec::new();
    for &id in &people {
        let (app1, app2, clerk, admin) = (app.clone(), app.clone(), clerk.clone(), admin.clone());
        let form = edit_form(&app, id, &[("email", "taken@attacker.example")]).await;
        races.push(tokio::spawn(async move { save(&app1, &clerk, &form).await.0 }));
        races.push(tokio::spawn(async move {
            let grant = format!("user_id={id}&permission=Security&granted=true");
            app2.send(post("/api/set_permission", &grant, Some(&admin)))
                .await
                .status()
        }));
    }
    for race in races {
        let status = race.await.unwrap();
        assert!(
            status == StatusCode::OK || status == StatusCode::FORBIDDEN,
            "{status}"
        );
    }
    // Whichever committed first decided: a changed email was changed before the grant.
    for id in people {
        let (email, change, grant): (String, Option<i64>, i64) = sqlx::query_as(
            "SELECT u.email,
                    (SELECT id FROM audit WHERE subject_id = u.id AND kind = 'person_changed'),
                    (SELECT id FROM audit WHERE subject_id = u.id AND kind = 'permission_granted')
             FROM users u WHERE u.id = $1",
        )
        .bind(id)
        .fetch_one(app.pool())
        .await
        .unwrap();
        match change {
            Some(change) => {
                assert_eq!(email, "taken@attacker.example");
                assert!(change < grant, "target {id}: the change came before the grant");
            }
            None => assert_ne!(email, "taken@attacker.example", "target {id}"),
        }
    }
}

// ---- 2. The proxy, not the client, decides the client address ----

const PROXY: &str = "10.0.0.1";
const OFFICE: &str = "198.51.100.20";

async fn two_step_behind_proxy() -> (TestApp, SmtpCapture) {
    let capture = SmtpCapture::start().await;
    let app = TestApp::with_mail_and_proxies(&capture.url, PROXY).await;
    app::settings::set_two_step_enabled(app.pool(), true)
        .await
        .unwrap();
    // The admin trusts the office network.
    app::trusted_networks::store::trust(
        app.pool(),
        1,
        OFFICE.parse().unwrap(),
        30,
        app::clock::Clock::now(&app.clock),
    )
    .await
    .unwrap();
    (app, capture)
}

fn with_header(app: &TestApp, header: app::request::client_addr::ClientIpHeader) -> AppState {
    AppState::from(Services {
        policy: Arc::new(Policy {
            client_ip_header: header,
            ..(*app.state.policy).clone()
        }),
        ..app.state.parts()
    })
}

/// The admin's password step through the proxy, carrying `headers`.
async fn through_proxy(app: &TestApp, state: AppState, headers: &[(&'static str, &str)]) -> String {
    let mut request = login_request("admin", ADMIN_PASSWORD, None);
    for (name, value) in headers {
        request.headers_mut().append(*name, value.parse().unwrap());
    }
    body_text(app.router_with(state, PROXY).oneshot(request).await.unwrap()).await
}

#[tokio::test]
async fn a_forwarded_office_address_passed_through_an_appending_proxy_skips_nothing() {
    use app::request::client_addr::ClientIpHeader;
    let (app, _capture) = two_step_behind_proxy().await;
    // The client wrote `Forwarded: for=<office>`; nginx appended its real address to
    // X-Forwarded-For and passed the rest through.
    let forged = [
        ("forwarded", "for=198.51.100.20"),
        ("x-forwarded-for", "203.0.113.66"),
    ];
    let body = through_proxy(&app, with_header(&app, ClientIpHeader::XForwardedFor), &forged).await;
    assert!(
        body.contains("CodeRequired"),
        "the forged office address is ignored: {body}"
    );
    let body = through_proxy(&app, with_header(&app, ClientIpHeader::XRealIp), &forged).await;
    assert!(
        body.contains("CodeRequired"),
        "x-real-ip configured, none sent: the proxy: {body}"
    );

    // Each setting reads its own header, and only it.
    for (setting, header) in [
        (ClientIpHeader::XForwardedFor, "x-forwarded-for"),
        (ClientIpHeader::Forwarded, "forwarded"),
        (ClientIpHeader::XRealIp, "x-real-ip"),
    ] {
        let value = if header == "forwarded" {
            "for=198.51.100.20"
        } else {
            OFFICE
        };
        let body = through_proxy(&app, with_header(&app, setting), &[(header, value)]).await;
        assert_eq!(body, r#"{"SignedIn":{"next":"/"}}"#, "{header}");
    }
}

#[tokio::test]
async fn a_proxy_address_is_never_trusted_and_the_box_is_not_offered() {
    let (app, mut capture) = two_step_behind_proxy().await;
    // Trusted before the proxy was configured, when every client looked like it.
    let then = app::clock::Clock::now(&app.clock);
    app::trusted_networks::store::trust(app.pool(), 1, PROXY.parse().unwrap(), 30, then)
        .await
        .unwrap();
    app.clock.advance(60);
    // A proxy that sends no header: every client looks like the proxy.
    let response = app
        .send_from(PROXY, login_request("admin", ADMIN_PASSWORD, None))
        .await;
    let pending = session_cookie(&response).unwrap();
    let body = body_text(response).await;
    assert_eq!(
        body,
        r#"{"CodeRequired":{"way":{"Sent":{"to":"a•••@example.com"}},"may_trust":false,"can_send":"Email","has_app":false,"has_recovery":false,"has_passkey":false}}"#
    );
    let code = capture.next_code().await;
    // A forged request ticks the box anyway.
    let verify = post(
        "/api/verify_code",
        &format!("code={code}&trust=on"),
        Some(&pending),
    );
    let body = body_text(app.send_from(PROXY, verify).await).await;
    assert!(body.contains("SignedIn"), "{body}");
    let trusted_at: i64 =
        sqlx::query_scalar("SELECT created_at FROM trusted_networks WHERE network = '10.0.0.1/32'")
            .fetch_one(app.pool())
            .await
            .unwrap();
    assert_eq!(trusted_at, then, "only the old entry, not renewed");
    let kinds = app.audit_kinds().await;
    assert!(!kinds.contains(&"network_trusted".to_string()) && !kinds.contains(&"network_used".to_string()));
}

// ---- 3. Throttles count an attempt before the hash ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_wrong_passwords_at_once_get_ten_hashes_and_the_right_one_after_them_is_refused() {
    let app = Arc::new(TestApp::new().await);
    let hashes_before = app.state.hasher.verifications();
    let burst: Vec<_> = (0..60)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                let peer = format!("198.51.100.{}", i + 1);
                let answer = app
                    .send_from(&peer, login_request("admin", &format!("guess {i}"), None))
                    .await;
                body_text(answer).await
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(30)).await;
    // On a loaded machine the burst may still be arriving: the right password goes in
    // once ten attempts are counted (with reads after writes, that would be only after
    // ten hashes, and far more than ten would have been checked).
    for _ in 0..200 {
        let counted: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE username_key = $1")
            .bind(app.typed_name("admin"))
            .fetch_one(app.pool())
            .await
            .unwrap();
        if counted >= 10 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let right = app
        .send_from("192.0.2.99", login_request("admin", ADMIN_PASSWORD, None))
        .await;
    assert_eq!(session_cookie(&right), None);
    assert_eq!(
        body_text(right).await,
        refused(),
        "the right password came too late"
    );
    for attempt in burst {
        assert_eq!(attempt.await.unwrap(), refused());
    }
    assert_eq!(
        app.state.hasher.verifications() - hashes_before,
        10,
        "exactly ten guesses were checked"
    );
}

#[tokio::test]
async fn a_wrong_current_password_is_throttled_like_a_sign_in() {
    let app = TestApp::new().await;
    let (_, cookie) = signed_in_holding(&app, "jdoe", &[]).await;
    let hashes_before = app.state.hasher.verifications();
    for i in 0..12 {
        let form = format!("current=guess+{i}&new=a+brand+new+password");
        let body = body_text(app.send(post("/api/change_password", &form, Some(&cookie))).await).await;
        assert!(body.contains("That is not your current password."), "{body}");
    }
    let form: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("current", PERSON_PASSWORD)
        .append_pair("new", "a brand new password")
        .finish();
    let body = body_text(app.send(post("/api/change_password", &form, Some(&cookie))).await).await;
    assert!(
        body.contains("That is not your current password."),
        "throttled: {body}"
    );
    assert_eq!(app.state.hasher.verifications() - hashes_before, 10);
}

// ---- 4. Nobody locks a person out from the outside ----

fn device_cookie(response: &http::Response<axum::body::Body>) -> Option<String> {
    set_cookie_named(response, "twostep_device")
}

async fn device_cookies_stored(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM device_cookies")
        .fetch_one(app.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn after_ten_wrong_tries_from_elsewhere_the_persons_own_browser_still_signs_in() {
    let app = TestApp::new().await;
    let device = admins_device(&app).await;
    for i in 0..10 {
        let answer = app
            .send_from(&format!("203.0.113.{i}"), login_request("admin", "guess", None))
            .await;
        assert_eq!(body_text(answer).await, refused());
    }
    let stranger = app
        .send_from("192.0.2.10", login_request("admin", ADMIN_PASSWORD, None))
        .await;
    assert_eq!(
        body_text(stranger).await,
        refused(),
        "a browser without the cookie is refused"
    );
    let own = app
        .send_from("192.0.2.10", login_with_device("admin", ADMIN_PASSWORD, &device))
        .await;
    assert!(session_cookie(&own).is_some());
    assert!(device_cookie(&own).is_none(), "the cookie it has is kept");
    assert_eq!(body_text(own).await, r#"{"SignedIn":{"next":"/"}}"#);
}

#[tokio::test]
async fn a_stolen_device_cookie_stops_working_after_ten_wrong_passwords() {
    let app = TestApp::new().await;
    let device = admins_device(&app).await;
    let hashes_before = app.state.hasher.verifications();
    for i in 0..10 {
        let answer = app
            .send_from(
                "203.0.113.9",
                login_with_device("admin", &format!("guess {i}"), &device),
            )
            .await;
        assert_eq!(body_text(answer).await, refused());
    }
    // The cookie is void: the next attempt counts as one without it. The person's own
    // count was untouched, so it is checked — and the cookie is worth nothing now.
    assert_eq!(
        device_cookies_stored(&app).await,
        1,
        "not yet: ten tries were allowed"
    );
    let answer = app
        .send_from("203.0.113.9", login_with_device("admin", "guess 10", &device))
        .await;
    assert_eq!(body_text(answer).await, refused());
    assert_eq!(device_cookies_stored(&app).await, 0, "void after ten");
    let person_failures: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM login_failures WHERE username_key = $1 AND device_id IS NULL",
    )
    .bind(app.typed_name("admin"))
    .fetch_one(app.pool())
    .await
    .unwrap();
    assert_eq!(person_failures, 1, "the eleventh counted against the person");
    assert_eq!(app.state.hasher.verifications() - hashes_before, 11);
}

#[tokio::test]
async fn a_device_cookie_never_skips_the_code() {
    let capture = SmtpCapture::start().await;
    let app = TestApp::with_mail(&capture.url).await;
    let device = admins_device(&app).await;
    app::settings::set_two_step_enabled(app.pool(), true)
        .await
        .unwrap();
    let answer = app
        .send_from("192.0.2.10", login_with_device("admin", ADMIN_PASSWORD, &device))
        .await;
    assert!(body_text(answer).await.contains("CodeRequired"));
}

#[tokio::test]
async fn after_their_own_password_change_only_the_changing_browser_keeps_a_device_cookie() {
    let app = TestApp::new().await;
    let first = app
        .send_from("192.0.2.10", login_request("admin", ADMIN_PASSWORD, None))
        .await;
    let old_device = device_cookie(&first).expect("a device cookie after a full sign-in");
    let old_device = old_device
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string();
    let session = session_cookie(&first).unwrap();
    const NEW: &str = "walnut harbour lamp";
    let form = format!(
        "current={}&new={}",
        ADMIN_PASSWORD.replace(' ', "+"),
        NEW.replace(' ', "+")
    );
    let changed = app
        .send_from("192.0.2.10", post("/api/change_password", &form, Some(&session)))
        .await;
    let new_device = device_cookie(&changed).expect("the changing browser gets a new device cookie");
    let new_device = new_device
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string();
    assert_ne!(new_device, old_device);
    assert_eq!(
        device_cookies_stored(&app).await,
        1,
        "the old one went with the old password"
    );
    // A stranger uses up the person's password tries.
    for i in 0..10 {
        let answer = app
            .send_from(&format!("203.0.113.{i}"), login_request("admin", "guess", None))
            .await;
        assert_eq!(body_text(answer).await, refused());
    }
    let old = app
        .send_from("192.0.2.10", login_with_device("admin", NEW, &old_device))
        .await;
    assert_eq!(
        body_text(old).await,
        refused(),
        "the old cookie counts for nothing"
    );
    let own = app
        .send_from("192.0.2.10", login_with_device("admin", NEW, &new_device))
        .await;
    assert_eq!(body_text(own).await, r#"{"SignedIn":{"next":"/"}}"#);
}

#[tokio::test]
async fn sign_ins_from_elsewhere_neither_void_the_owners_code_nor_use_up_their_browsers_codes() {
    let mut capture = SmtpCapture::start().await;
    let app = TestApp::with_mail(&capture.url).await;
    let device = admins_device(&app).await;
    app::settings::set_two_step_enabled(app.pool(), true)
        .await
        .unwrap();
    let owner = app
        .send_from("192.0.2.10", login_with_device("admin", ADMIN_PASSWORD, &device))
        .await;
    let owner = session_cookie(&owner).expect("a pending sign-in");
    let owners_code = capture.next_code().await;
    // Someone with the password signs in six times from elsewhere: five codes, then
    // the person's allowance is used up.
    for i in 0..6 {
        let answer = app
            .send_from(
                &format!("203.0.113.{i}"),
                login_request("admin", ADMIN_PASSWORD, None),
            )
            .await;
        let body = body_text(answer).await;
        if i < 5 {
            assert!(body.contains("CodeRequired"), "{i}: {body}");
            capture.next_code().await;
        } else {
            assert!(body.contains("Too many codes were sent to you."), "{body}");
        }
    }
    // The owner's code in flight still works.
    let form = format!("code={owners_code}");
    let body = body_text(
        app.send_from("192.0.2.10", post("/api/verify_code", &form, Some(&owner)))
            .await,
    )
    .await;
    assert_eq!(body, r#"{"SignedIn":{"next":"/"}}"#);
    // And the owner's browser gets a new code when it signs in again.
    let again = app
        .send_from("192.0.2.10", login_with_device("admin", ADMIN_PASSWORD, &device))
        .await;
    assert!(body_text(again).await.contains("CodeRequired"));
    capture.next_code().await;
    // A browser without the cookie is still refused.
    let stranger = app
        .send_from("192.0.2.10", login_request("admin", ADMIN_PASSWORD, None))
        .await;
    assert!(
        body_text(stranger)
            .await
            .contains("Too many codes were sent to you.")
    );
}

// ---- 5. Smaller holes ----

fn events_request(cookie: &str) -> Request<axum::body::Body> {
    let mut request = get("/api/trusted_events", Some(cookie));
    request
        .headers_mut()
        .insert(header::ACCEPT, "text/event-stream".parse().unwrap());
    request
}

/// Whether the event stream ends (within 2 s) rather than waiting on.
async fn ends(
    stream: &mut (impl futures::Stream<Item = Result<axum::body::Bytes, axum::Error>> + Unpin),
) -> bool {
    matches!(
        tokio::time::timeout(Duration::from_secs(2), stream.next()).await,
        Ok(None)
    )
}

#[tokio::test]
async fn the_event_stream_ends_with_its_session_or_its_permission() {
    let app = TestApp::new().await;
    let (_, admin) = app.login("admin", ADMIN_PASSWORD, None).await;
    let admin = admin.unwrap();
    let mut stream = app
        .send(events_request(&admin))
        .await
        .into_body()
        .into_data_stream();
    assert!(
        tokio::time::timeout(Duration::from_millis(500), stream.next())
            .await
            .is_err(),
        "open while signed in"
    );
    app.send(post("/api/logout", "", Some(&admin))).await;
    assert!(ends(&mut stream).await, "signed out");

    let (guard_id, guard) = signed_in_holding(&app, "guard", &[Permission::Security]).await;
    let mut stream = app
        .send(events_request(&guard))
        .await
        .into_body()
        .into_data_stream();
    sqlx::query("DELETE FROM user_permissions WHERE user_id = $1")
        .bind(guard_id)
        .execute(app.pool())
        .await
        .unwrap();
    assert!(ends(&mut stream).await, "the Security permission is gone");

    let (_, jane) = signed_in_holding(&app, "jane", &[]).await;
    let mut stream = app
        .send(events_request(&jane))
        .await
        .into_body()
        .into_data_stream();
    // Jane's session runs out while her page is open.
    use tower_sessions::SessionStore;
    let id = jane.trim_start_matches("twostep_session=").parse().unwrap();
    let mut record = app.store.load(&id).await.unwrap().unwrap();
    record.expiry_date = time::OffsetDateTime::now_utc() + time::Duration::milliseconds(500);
    app.store.save(&record).await.unwrap();
    assert!(ends(&mut stream).await, "the session expired");
}

#[tokio::test]
async fn pages_carry_a_content_security_policy_with_this_renders_nonce() {
    let app = TestApp::new().await;
    let response = app.send(get("/login", None)).await;
    let headers = response.headers().clone();
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::REFERRER_POLICY], "same-origin");
    let policy = headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_string();
    for part in [
        "default-src 'self'",
        "'wasm-unsafe-eval'",
        "frame-ancestors 'none'",
    ] {
        assert!(policy.contains(part), "{part} in {policy}");
    }
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|n| n.split('\'').next())
        .expect("a nonce");
    let html = body_text(response).await;
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the page's scripts carry it"
    );
    let again = app.send(get("/login", None)).await;
    let other = again.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(!other.contains(nonce), "a new nonce for every render");
    let api = app.send(post("/api/me", "", None)).await;
    assert_eq!(api.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

#[tokio::test]
async fn an_unknown_host_is_refused_without_a_public_origin() {
    let app = TestApp::new().await;
    let mut rebound = get("/login", None);
    rebound
        .headers_mut()
        .insert(header::HOST, "evil.example".parse().unwrap());
    assert_eq!(app.send(rebound).await.status(), StatusCode::MISDIRECTED_REQUEST);
    let mut forged = login_request("admin", ADMIN_PASSWORD, None);
    forged
        .headers_mut()
        .insert(header::HOST, "evil.example:3000".parse().unwrap());
    forged
        .headers_mut()
        .insert(header::ORIGIN, "http://evil.example:3000".parse().unwrap());
    let response = app.send(forged).await;
    assert_eq!(response.status(), StatusCode::MISDIRECTED_REQUEST);
    assert_eq!(session_cookie(&response), None);
    for host in ["localhost:3000", "127.0.0.1:3000", "[::1]:3000"] {
        let mut request = get("/login", None);
        request.headers_mut().insert(header::HOST, host.parse().unwrap());
        assert_eq!(app.send(request).await.status(), StatusCode::OK, "{host}");
    }
}

#[tokio::test]
async fn a_state_change_that_cannot_say_where_it_came_from_is_refused() {
    let app = TestApp::new().await;
    let mut bare = login_request("admin", ADMIN_PASSWORD, None);
    bare.headers_mut().remove(header::ORIGIN);
    let response = app.send(bare).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(session_cookie(&response), None);
    let mut fetch_metadata = login_request("admin", ADMIN_PASSWORD, None);
    fetch_metadata.headers_mut().remove(header::ORIGIN);
    fetch_metadata
        .headers_mut()
        .insert("sec-fetch-site", "same-origin".parse().unwrap());
    assert_eq!(app.send(fetch_metadata).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn over_https_the_cookies_are_host_prefixed_and_secure_and_https_is_kept_to() {
    let app = TestApp::new().await;
    let origin = "https://plan.example.com";
    let state = AppState::from(Services {
        policy: Arc::new(Policy {
            public_origin: Some(origin.into()),
            ..(*app.state.policy).clone()
        }),
        ..app.state.parts()
    });
    let peer = std::net::SocketAddr::new("192.0.2.10".parse().unwrap(), 40000);
    let router = server::router::build(state, app.store.clone(), true)
        .layer(axum::extract::connect_info::MockConnectInfo(peer));
    let mut request = login_request("admin", ADMIN_PASSWORD, None);
    request
        .headers_mut()
        .insert(header::HOST, "plan.example.com".parse().unwrap());
    request
        .headers_mut()
        .insert(header::ORIGIN, origin.parse().unwrap());
    let response = router.oneshot(request).await.unwrap();
    assert_eq!(
        response.headers().get(header::STRICT_TRANSPORT_SECURITY).unwrap(),
        "max-age=31536000"
    );
    let cookies: Vec<String> = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    for name in ["__Host-twostep_session=", "__Host-twostep_device="] {
        let cookie = cookies
            .iter()
            .find(|c| c.starts_with(name))
            .unwrap_or_else(|| panic!("{name} in {cookies:?}"));
        assert!(
            cookie.contains("Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"),
            "{cookie}"
        );
    }
}

/// Over plain http (no https origin configured) nothing asks the browser to insist on
/// https: a site reached by http only would then be unreachable.
#[tokio::test]
async fn over_plain_http_no_strict_transport_security_is_sent() {
    let app = TestApp::new().await;
    let response = app.send(get("/login", None)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .headers()
            .get(header::STRICT_TRANSPORT_SECURITY)
            .is_none()
    );
}

#[tokio::test]
async fn a_code_voided_by_a_new_sign_in_or_a_resend_is_audited() {
    let capture = SmtpCapture::start().await;
    let app = TestApp::with_mail(&capture.url).await;
    app::settings::set_two_step_enabled(app.pool(), true)
        .await
        .unwrap();
    let (_, first) = app.login("admin", ADMIN_PASSWORD, None).await;
    let (_, second) = app.login("admin", ADMIN_PASSWORD, first.as_deref()).await;
    app.clock.advance(31);
    let resend = app.send(post("/api/resend_code", "", second.as_deref())).await;
    assert!(body_text(resend).await.contains("Resent"));
    let voided: Vec<String> =
        sqlx::query_scalar("SELECT detail FROM audit WHERE kind = 'code_voided' ORDER BY id")
            .fetch_all(app.pool())
            .await
            .unwrap();
    assert_eq!(voided, ["replaced: a new sign-in", "replaced: Send a new code"]);
}

/// Cancelling a code when there is none changes nothing, so the session is not saved:
/// a stolen cookie cannot be kept alive (its expiry pushed on) by cancelling nothing.
#[tokio::test]
async fn cancelling_no_code_does_not_save_the_session() {
    let app = TestApp::new().await;
    let (_, admin) = app.login("admin", ADMIN_PASSWORD, None).await;
    let admin = admin.unwrap();
    let response = app.send(post("/api/cancel_code", "", Some(&admin))).await;
    assert!(response.status().is_success(), "{}", response.status());
    assert!(
        response.headers().get(header::SET_COOKIE).is_none(),
        "saved: {:?}",
        response.headers().get(header::SET_COOKIE)
    );
}
