//! Two-step sign-in through the real router (issue 4): codes by real SMTP, the pending
//! state, trusted networks and the client address they are keyed by.

use crate::common;
use app::smtp_capture::SmtpCapture;
use common::*;
use http::StatusCode;

const OFFICE: &str = "198.51.100.20";

/// Password step from `peer`: the answer's body and the session cookie it set.
async fn password_from(
    app: &TestApp,
    peer: &str,
    username: &str,
    password: &str,
) -> (String, Option<String>) {
    let response = app.send_from(peer, login_request(username, password, None)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = session_cookie(&response);
    (body_text(response).await, cookie)
}

/// Step 2 from `peer`: the answer's body and the new session cookie, if any.
async fn code_from(
    app: &TestApp,
    peer: &str,
    cookie: &str,
    code: &str,
    trust: bool,
) -> (String, Option<String>) {
    let form = format!("code={code}{}", if trust { "&trust=on" } else { "" });
    let response = app
        .send_from(peer, post("/api/verify_code", &form, Some(cookie)))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = session_cookie(&response);
    (body_text(response).await, cookie)
}

/// Signs the admin in completely from `peer`, ticking Trust this IP when asked.
async fn full_sign_in(app: &TestApp, capture: &mut SmtpCapture, peer: &str, trust: bool) -> String {
    let (body, pending) = password_from(app, peer, "admin", ADMIN_PASSWORD).await;
    assert_eq!(
        body,
        r#"{"CodeRequired":{"way":{"Sent":{"to":"a•••@example.com"}},"may_trust":true,"can_send":"Email","has_app":false,"has_recovery":false,"has_passkey":false}}"#
    );
    let code = capture.next_code().await;
    let (body, cookie) = code_from(app, peer, &pending.unwrap(), &code, trust).await;
    assert_eq!(body, r#"{"SignedIn":{"next":"/"}}"#);
    cookie.expect("a signed-in session")
}

fn wrong(code: &str) -> String {
    format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000)
}

fn outcome(kind: &str, message: &str) -> String {
    format!(r#"{{"{kind}":{{"message":"{message}"}}}}"#)
}

#[tokio::test]
async fn the_mailed_code_signs_in_and_nothing_works_before_it() {
    let (app, mut capture) = two_step_app().await;
    let (body, pending) = password_from(&app, OFFICE, "admin", ADMIN_PASSWORD).await;
    assert_eq!(
        body,
        r#"{"CodeRequired":{"way":{"Sent":{"to":"a•••@example.com"}},"may_trust":true,"can_send":"Email","has_app":false,"has_recovery":false,"has_passkey":false}}"#
    );
    let pending = pending.expect("a session for the pending step");

    let mail = capture.next_message().await;
    assert!(mail.contains("admin@example.com"), "{mail}");
    let code = app::smtp_capture::code_in(&mail).expect("a six-digit code in the message");

    // While the code is pending the browser is signed out everywhere.
    assert_eq!(app.me(&pending).await, "null");
    // Every server function but the sign-in wizard's own.
    for (path, form) in [
        ("/api/people", "search=&offset=0"),
        ("/api/person", "id=1"),
        (
            "/api/save_person",
            "id=1&name=X&username=admin&email=&phone=&mobile=&password=&active=on",
        ),
        ("/api/permission_grid", ""),
        (
            "/api/set_permission",
            "user_id=1&permission=Security&granted=false",
        ),
        ("/api/my_account", ""),
        ("/api/change_password", "current=x&new=a+new+password"),
        ("/api/security_overview", ""),
        ("/api/set_two_step", "enabled=false"),
    ] {
        let response = app.send(post(path, form, Some(&pending))).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let page = app.send(get("/system/permissions", Some(&pending))).await;
    assert_eq!(page.status(), StatusCode::SEE_OTHER);

    let (body, signed_in) = code_from(&app, OFFICE, &pending, &code, false).await;
    assert_eq!(body, r#"{"SignedIn":{"next":"/"}}"#);
    let signed_in = signed_in.expect("a new session id after the second step");
    assert_ne!(signed_in, pending);
    assert!(app.me(&signed_in).await.contains(r#""username":"admin""#));
    assert_eq!(app.me(&pending).await, "null", "the pending id is dead");

    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM codes WHERE digest = $1")
        .bind(code.as_bytes())
        .fetch_one(app.pool())
        .await
        .unwrap();
    assert_eq!(stored, 0, "the code is not stored in clear");
    let kinds = app.audit_kinds().await;
    assert!(
        kinds.ends_with(&["code_sent".into(), "sign_in_ok".into()]),
        "{kinds:?}"
    );
    let trusted: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM trusted_networks")
        .fetch_one(app.pool())
        .await
        .unwrap();
    assert_eq!(trusted, 0, "no trust unless asked");
}

#[tokio::test]
async fn a_wrong_password_sends_no_code() {
    let (app, mut capture) = two_step_app().await;
    let (body, cookie) = password_from(&app, OFFICE, "admin", "wrong password").await;
    assert_eq!(body, refused());
    assert_eq!(cookie, None);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(capture.try_message().is_none(), "no mail for a wrong password");
}

#[tokio::test]
async fn wrong_codes_count_and_the_fifth_sends_the_person_back_to_step_one() {
    let (app, mut capture) = two_step_app().await;
    let (_, pending) = password_from(&app, OFFICE, "admin", ADMIN_PASSWORD).await;
    let pending = pending.unwrap();
    let code = capture.next_code().await;
    for typed in [wrong(&code), "12 34".into(), "abcdef".into(), wrong(&code)] {
        let (body, _) = code_from(&app, OFFICE, &pending, &typed, false).await;
        assert_eq!(body, outcome("Refused", said().wrong_code), "{typed}");
    }
    let (body, _) = code_from(&app, OFFICE, &pending, &wrong(&code), false).await;
    assert_eq!(body, outcome("Restart", said().code_spent), "the fifth wrong try");
    let (body, cookie) = code_from(&app, OFFICE, &pending, &code, false).await;
    assert_eq!(
        body,
        outcome("Restart", said().code_spent),
        "the right code is now useless"
    );
    assert_eq!(cookie, None);
    assert!(app.audit_kinds().await.contains(&"code_voided".to_string()));
}

#[tokio::test]
async fn a_code_lasts_until_the_tenth_minute() {
    let (app, mut capture) = two_step_app().await;
    let (_, pending) = password_from(&app, OFFICE, "admin", ADMIN_PASSWORD).await;
    let code = capture.next_code().await;
    app.clock.advance(600);
    let (body, _) = code_from(&app, OFFICE, &pending.unwrap(), &code, false).await;
    assert_eq!(body, outcome("Restart", said().code_spent));

    let (_, pending) = password_from(&app, OFFICE, "admin", ADMIN_PASSWORD).await;
    let code = capture.next_code().await;
    app.clock.advance(599);
    let (body, _) = code_from(&app, OFFICE, &pending.unwrap(), &code, false).await;
    assert_eq!(body, r#"{"SignedIn":{"next":"/"}}"#);
}

#[tokio::test]
async fn a_new_code_waits_thirty_seconds_and_the_old_one_then_fails() {
    let (app, mut capture) = two_step_app().await;
    let (_, pending) = password_from(&app, OFFICE, "admin", ADMIN_PASSWORD).await;
    let pending = pending.unwrap();
    let old = capture.next_code().await;

    app.clock.advance(29);
    let early = body_text(app.send(post("/api/resend_code", "", Some(&pending))).await).await;
    assert!(early.contains("Wait 1 second before"), "{early}");
    assert!(capture.try_message().is_none());

    app.clock.advance(1);
    let resent = body_text(app.send(post("/api/resend_code", "", Some(&pending))).await).await;
    assert_eq!(resent, r#"{"Resent":{"sent_to":"a•••@example.com"}}"#);
    let new = capture.next_code().await;
    if old != new {
        let (body, _) = code_from(&app, OFFICE, &pending, &old, false).await;
        assert_eq!(body, outcome("Refused", said().wrong_code), "the old code");
    }
    let (body, _) = code_from(&app, OFFICE, &pending, &new, false).await;
    assert_eq!(body, r#"{"SignedIn":{"next":"/"}}"#);
}

#[tokio::test]
async fn a_code_for_one_person_fails_for_another() {
    let (app, mut capture) = two_step_app().await;
    app.add_person("jdoe", Some("jdoe@example.com")).await;
    let (_, admin_pending) = password_from(&app, OFFICE, "admin", ADMIN_PASSWORD).await;
    let admin_code = capture.next_code().await;
    let (_, jdoe_pending) = password_from(&app, OFFICE, "jdoe", PERSON_PASSWORD).await;
    let jdoe_code = capture.next_code().await;
    if admin_code != jdoe_code {
        let (body, _) = code_from(&app, OFFICE, &jdoe_pending.clone().unwrap(), &admin_code, false).await;
        assert_eq!(body, outcome("Refused", said().wrong_code));
    }
    let (body, _) = code_from(&app, OFFICE, &jdoe_pending.unwrap(), &jdoe_code, false).await;
    assert_eq!(body, r#"{"SignedIn":{"next":"/"}}"#);
    let (body, _) = code_from(&app, OFFICE, &admin_pending.unwrap(), &admin_code, false).await;
    assert_eq!(body, r#"{"SignedIn":{"next":"/"}}"#);
}

async fn live_codes(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM codes WHERE state = 'live'")
        .fetch_one(app.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_new_sign_in_voids_the_earlier_code_of_the_same_browser_only() {
    let (app, mut capture) = two_step_app().await;
    let (_, first) = password_from(&app, OFFICE, "admin", ADMIN_PASSWORD).await;
    let first_code = capture.next_code().await;
    // Signing in again in the same browser: the first code is void.
    let response = app
        .send_from(OFFICE, login_request("admin", ADMIN_PASSWORD, first.as_deref()))
        .await;
    let again = session_cookie(&response).expect("a new pending session");
    let second_code = capture.next_code().await;
    assert_eq!(
        live_codes(&app).await,
        1,
        "voided by the new sign-in of that browser"
    );
    if first_code != second_code {
        let (body, _) = code_from(&app, OFFICE, &again, &first_code, false).await;
        assert_eq!(body, outcome("Refused", said().wrong_code));
    }
    // A sign-in from another browser leaves this one's code alone.
    let (_, _elsewhere) = password_from(&app, "203.0.113.7", "admin", ADMIN_PASSWORD).await;
    capture.next_code().await;
    assert_eq!(live_codes(&app).await, 2);
    let (body, _) = code_from(&app, OFFICE, &again, &second_code, false).await;
    assert_eq!(body, r#"{"SignedIn":{"next":"/"}}"#);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_simultaneous_right_codes_give_exactly_one_session() {
    let (app, mut capture) = two_step_app().await;
    for round in 0..5 {
        app.clock.advance(60);
        let (_, pending) = password_from(&app, OFFICE, "admin", ADMIN_PASSWORD).await;
        let pending = pending.unwrap();
        let code = capture.next_code().await;
        let form = format!("code={code}");
        let (a, b) = tokio::join!(
            app.send(post("/api/verify_code", &form, Some(&pending))),
            app.send(post("/api/verify_code", &form, Some(&pending))),
        );
        let bodies = [body_text(a).await, body_text(b).await];
        let signed_in = bodies.iter().filter(|b| b.contains("SignedIn")).count();
        assert_eq!(signed_in, 1, "round {round}: {bodies:?}");
    }
    let sessions: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE instr(data, CAST('signed_in' AS BLOB)) > 0")
            .fetch_one(app.pool())
            .await
            .unwrap();
    assert_eq!(sessions, 5, "one signed-in session per round");
}

#[tokio::test]
async fn no_email_means_no_entry_and_the_reason_is_said() {
    let app = TestApp::new().await; // the admin has no email address
    app::settings::set_two_step_enabled(app.pool(), true)
        .await
        .unwrap();
    let (body, cookie) = password_from(&app, OFFICE, "admin", ADMIN_PASSWORD).await;
    assert_eq!(body, outcome("Refused", said().no_channel));
    assert_eq!(cookie, None);
    let (wrong_body, _) = password_from(&app, OFFICE, "admin", "wrong password").await;
    assert_eq!(wrong_body, refused(), "a wrong password still says only that");
    assert!(app.audit_kinds().await.contains(&"sign_in_failed".to_string()));
}

#[tokio::test]
async fn a_failed_send_says_so_and_leaves_no_session() {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let app = TestApp::with_mail(&format!("smtp://{closed}")).await;
    app::settings::set_two_step_enabled(app.pool(), true)
        .await
        .unwrap();
    let (body, cookie) = password_from(&app, OFFICE, "admin", ADMIN_PASSWORD).await;
    assert_eq!(body, outcome("Refused", said().send_failed));
    assert_eq!(cookie, None, "no session");
    let failures: Vec<String> = sqlx::query_scalar("SELECT detail FROM audit WHERE kind = 'send_failed'")
        .fetch_all(app.pool())
        .await
        .unwrap();
    assert_eq!(failures.len(), 1);
    let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM codes WHERE state = 'live'")
        .fetch_one(app.pool())
        .await
        .unwrap();
    assert_eq!(live, 0, "an undelivered code is void");
}

#[tokio::test]
async fn a_trusted_network_skips_the_code_for_that_person_only_and_for_the_period_only() {
    let (app, mut capture) = two_step_app().await;
    full_sign_in(&app, &mut capture, OFFICE, true).await;
    let notice = capture.next_message().await;
    assert!(
        notice.contains("198.51.100.20/32"),
        "the notice names the network: {notice}"
    );
    let (network, from): (String, String) =
        sqlx::query_as("SELECT network, created_from FROM trusted_networks")
            .fetch_one(app.pool())
            .await
            .unwrap();
    assert_eq!((network.as_str(), from.as_str()), ("198.51.100.20/32", OFFICE));

    // The same person, same address: password only, and the use is recorded.
    app.clock.advance(3600);
    let (body, cookie) = password_from(&app, OFFICE, "admin", ADMIN_PASSWORD).await;
    assert_eq!(body, r#"{"SignedIn":{"next":"/"}}"#);
    assert!(app.me(&cookie.unwrap()).await.contains("admin"));
    let last_used: Option<i64> = sqlx::query_scalar("SELECT last_used_at FROM trusted_networks")
        .fetch_one(app.pool())
        .await
        .unwrap();
    assert_eq!(last_used, Some(app::clock::Clock::now(&app.clock)));
    assert!(capture.try_message().is_none(), "no code was sent");

    // The trust never replaces the password.
    let (body, _) = password_from(&app, OFFICE, "admin", "wrong password").await;
    assert_eq!(body, refused());

    // Another person on the same network still gets a code.
    app.add_person("jdoe", Some("jdoe@example.com")).await;
    let (body, _) = password_from(&app, OFFICE, "jdoe", PERSON_PASSWORD).await;
    assert_eq!(
        body,
        r#"{"CodeRequired":{"way":{"Sent":{"to":"j•••@example.com"}},"may_trust":true,"can_send":"Email","has_app":false,"has_recovery":false,"has_passkey":false}}"#
    );
    capture.next_code().await;

    // Another address: a code.
    let (body, _) = password_from(&app, "203.0.113.50", "admin", ADMIN_PASSWORD).await;
    assert!(body.contains("CodeRequired"), "{body}");
    capture.next_code().await;

    // Past the period: a code again.
    app.clock.advance(30 * 24 * 3600);
    let (body, _) = password_from(&app, OFFICE, "admin", ADMIN_PASSWORD).await;
    assert!(body.contains("CodeRequired"), "{body}");
    let kinds = app.audit_kinds().await;
    assert!(kinds.contains(&"network_trusted".to_string()) && kinds.contains(&"network_used".to_string()));
}

#[tokio::test]
async fn a_deleted_trust_asks_for_the_code_again() {
    let (app, mut capture) = two_step_app().await;
    full_sign_in(&app, &mut capture, OFFICE, true).await;
    let _notice = capture.next_message().await;
    app::trusted_networks::store::remove_all_of(app.pool(), 1)
        .await
        .unwrap();
    let (body, _) = password_from(&app, OFFICE, "admin", ADMIN_PASSWORD).await;
    assert!(body.contains("CodeRequired"), "{body}");
}

#[tokio::test]
async fn forged_forwarding_headers_do_not_borrow_a_trusted_address() {
    let (app, mut capture) = two_step_app().await;
    full_sign_in(&app, &mut capture, OFFICE, true).await;
    let _notice = capture.next_message().await;
    for (name, value) in [
        ("x-forwarded-for", OFFICE.to_string()),
        ("forwarded", format!("for={OFFICE}")),
        ("x-real-ip", OFFICE.to_string()),
    ] {
        let mut request = login_request("admin", ADMIN_PASSWORD, None);
        request.headers_mut().insert(name, value.parse().unwrap());
        let body = body_text(app.send_from("203.0.113.66", request).await).await;
        assert!(body.contains("CodeRequired"), "{name}: {body}");
        capture.next_code().await;
        app.clock.advance(60);
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_trusted_and_recognised() {
    let mut capture = SmtpCapture::start().await;
    let app = TestApp::with_mail_and_proxies(&capture.url, "10.0.0.0/8").await;
    app::settings::set_two_step_enabled(app.pool(), true)
        .await
        .unwrap();
    let through_proxy = |forwarded_for: &str| {
        let mut request = login_request("admin", ADMIN_PASSWORD, None);
        request
            .headers_mut()
            .insert("x-forwarded-for", forwarded_for.parse().unwrap());
        request
    };
    let response = app
        .send_from("10.0.0.1", through_proxy("192.0.2.99, 203.0.113.9, 10.0.0.2"))
        .await;
    let pending = session_cookie(&response).unwrap();
    assert!(body_text(response).await.contains("CodeRequired"));
    let code = capture.next_code().await;
    let mut verify = post(
        "/api/verify_code",
        &format!("code={code}&trust=on"),
        Some(&pending),
    );
    verify
        .headers_mut()
        .insert("x-forwarded-for", "203.0.113.9".parse().unwrap());
    let body = body_text(app.send_from("10.0.0.1", verify).await).await;
    assert!(body.contains("SignedIn"), "{body}");
    let network: String = sqlx::query_scalar("SELECT network FROM trusted_networks")
        .fetch_one(app.pool())
        .await
        .unwrap();
    assert_eq!(network, "203.0.113.9/32", "the rightmost hop that is not a proxy");

    let body = body_text(app.send_from("10.0.0.1", through_proxy("203.0.113.9")).await).await;
    assert_eq!(body, r#"{"SignedIn":{"next":"/"}}"#);
    let body = body_text(
        app.send_from("10.0.0.1", through_proxy("203.0.113.9, 198.51.100.1"))
            .await,
    )
    .await;
    assert!(
        body.contains("CodeRequired"),
        "a different client behind the proxy: {body}"
    );
}

#[tokio::test]
async fn an_ipv4_mapped_peer_and_the_same_ipv6_slash_64_are_the_same_network() {
    let (app, mut capture) = two_step_app().await;
    full_sign_in(&app, &mut capture, "192.0.2.1", true).await;
    let _notice = capture.next_message().await;
    let (body, _) = password_from(&app, "::ffff:192.0.2.1", "admin", ADMIN_PASSWORD).await;
    assert_eq!(
        body, r#"{"SignedIn":{"next":"/"}}"#,
        "::ffff:192.0.2.1 is 192.0.2.1"
    );

    full_sign_in(&app, &mut capture, "2001:db8:1:2::10", true).await;
    let _notice = capture.next_message().await;
    let (body, _) = password_from(&app, "2001:db8:1:2:abcd::99", "admin", ADMIN_PASSWORD).await;
    assert_eq!(body, r#"{"SignedIn":{"next":"/"}}"#, "same /64");
    let (body, _) = password_from(&app, "2001:db8:1:3::10", "admin", ADMIN_PASSWORD).await;
    assert!(body.contains("CodeRequired"), "another /64: {body}");
}

#[tokio::test]
async fn malformed_forwarding_headers_never_break_sign_in() {
    let (app, mut capture) = two_step_app().await;
    let long = vec!["10.9.9.9"; 300].join(",");
    for value in [
        "unknown",
        "198.51.100.20:8080",
        "[2001:db8::1]:443",
        "garbage, ,,;=",
        long.as_str(),
    ] {
        for name in ["x-forwarded-for", "forwarded", "x-real-ip"] {
            let mut request = login_request("admin", ADMIN_PASSWORD, None);
            request.headers_mut().insert(name, value.parse().unwrap());
            let response = app.send_from("203.0.113.66", request).await;
            assert_eq!(response.status(), StatusCode::OK, "{name}: {value}");
            app.clock.advance(1);
        }
    }
    // Five codes per 15 minutes: the rest were refused, none of it a panic.
    for _ in 0..5 {
        capture.next_code().await;
    }
}

#[tokio::test]
async fn turning_two_step_off_and_on_mails_every_security_holder_and_is_audited() {
    let mut capture = SmtpCapture::start().await;
    let app = TestApp::with_mail(&capture.url).await;
    let admin = app.login("admin", ADMIN_PASSWORD, None).await.1.unwrap();
    let on = body_text(
        app.send(post("/api/set_two_step", "enabled=true", Some(&admin)))
            .await,
    )
    .await;
    assert_eq!(on, r#"{"Saved":{"enabled":true}}"#);
    let mail = capture.next_message().await;
    assert!(
        mail.contains("Subject: Twostep: two-step authentication was turned on"),
        "{mail}"
    );
    assert!(mail.contains(ADMIN_EMAIL));
    assert!(app::settings::two_step_enabled(app.pool()).await.unwrap());

    let off = body_text(
        app.send(post("/api/set_two_step", "enabled=false", Some(&admin)))
            .await,
    )
    .await;
    assert_eq!(off, r#"{"Saved":{"enabled":false}}"#);
    assert!(capture.next_message().await.contains("turned off"));
    let kinds = app.audit_kinds().await;
    assert!(
        kinds.ends_with(&["two_step_enabled".into(), "two_step_disabled".into()]),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn starting_a_new_sign_in_signs_the_browser_out_until_its_code() {
    let (app, mut capture) = two_step_app().await;
    let signed_in = full_sign_in(&app, &mut capture, OFFICE, false).await;
    app.add_person("jdoe", Some("jdoe@example.com")).await;
    let response = app
        .send_from(OFFICE, login_request("jdoe", PERSON_PASSWORD, Some(&signed_in)))
        .await;
    let pending = session_cookie(&response).expect("a new id for the new step");
    assert!(body_text(response).await.contains("CodeRequired"));
    capture.next_code().await;
    assert_eq!(
        app.me(&pending).await,
        "null",
        "no longer the admin while jdoe's code is pending"
    );
}

#[tokio::test]
async fn a_newly_trusted_network_is_announced_to_open_security_pages() {
    use futures::StreamExt;
    let (app, mut capture) = two_step_app().await;
    let admin = full_sign_in(&app, &mut capture, OFFICE, false).await;
    let mut request = get("/api/trusted_events", Some(&admin));
    request
        .headers_mut()
        .insert(http::header::ACCEPT, "text/event-stream".parse().unwrap());
    let mut events = app.send(request).await.into_body().into_data_stream();

    app.add_person("jdoe", Some("jdoe@example.com")).await;
    let (_, pending) = password_from(&app, "203.0.113.5", "jdoe", PERSON_PASSWORD).await;
    let code = capture.next_code().await;
    let (body, _) = code_from(&app, "203.0.113.5", &pending.unwrap(), &code, true).await;
    assert!(body.contains("SignedIn"));
    let frame = tokio::time::timeout(std::time::Duration::from_secs(2), events.next())
        .await
        .expect("announced within 2 s")
        .unwrap()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&frame), "data: changed\n\n");
}

/// Step 2 answered wrong `sign_ins` × 5 times in a row by someone who has `username`'s
/// password (five tries per sign-in, sign-in after sign-in): each sign-in's code mail is
/// taken from the capture.
async fn guess_codes(
    app: &TestApp,
    capture: &mut SmtpCapture,
    username: &str,
    password: &str,
    sign_ins: usize,
) {
    for _ in 0..sign_ins {
        let (body, pending) = password_from(app, OFFICE, username, password).await;
        assert!(body.starts_with(r#"{"CodeRequired""#), "{body}");
        let code = capture.next_code().await;
        for _ in 0..5 {
            code_from(app, OFFICE, pending.as_deref().unwrap(), &wrong(&code), false).await;
        }
    }
}

#[tokio::test]
async fn ten_wrong_codes_in_a_row_mail_the_person_once_and_a_right_one_starts_the_count_again() {
    let (app, mut capture) = two_step_app().await;
    let id = app.add_person("jdoe", Some("jdoe@example.com")).await;
    guess_codes(&app, &mut capture, "jdoe", PERSON_PASSWORD, 2).await;
    let mail = capture.next_message().await;
    assert!(mail.contains("someone is trying security codes"), "{mail}");
    let told: Vec<String> =
        sqlx::query_scalar("SELECT detail FROM audit WHERE kind = 'codes_guessed' AND subject_id = $1")
            .bind(id)
            .fetch_all(app.pool())
            .await
            .unwrap();
    assert_eq!(told, ["10 wrong answers in a row; the person is told"]);
    // Ten more the same day (past the codes' 15-minute window): counted, not mailed again.
    app.clock.advance(16 * 60);
    guess_codes(&app, &mut capture, "jdoe", PERSON_PASSWORD, 2).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(capture.try_message(), None, "told at most once a day");
    let in_a_row: i64 = sqlx::query_scalar("SELECT in_a_row FROM second_step_misses WHERE user_id = $1")
        .bind(id)
        .fetch_one(app.pool())
        .await
        .unwrap();
    assert_eq!(in_a_row, 20);
    // The right code ends the run.
    app.clock.advance(16 * 60);
    let (_, pending) = password_from(&app, OFFICE, "jdoe", PERSON_PASSWORD).await;
    let (body, _) = code_from(&app, OFFICE, &pending.unwrap(), &capture.next_code().await, false).await;
    assert_eq!(body, r#"{"SignedIn":{"next":"/"}}"#);
    let in_a_row: i64 = sqlx::query_scalar("SELECT in_a_row FROM second_step_misses WHERE user_id = $1")
        .bind(id)
        .fetch_one(app.pool())
        .await
        .unwrap();
    assert_eq!(in_a_row, 0);
}

#[tokio::test]
async fn the_hundredth_wrong_code_locks_step_two_until_an_administrator_sets_a_new_password() {
    use app::auth::misses;
    let (app, mut capture) = two_step_app().await;
    let id = app.add_person("jdoe", Some("jdoe@example.com")).await;
    // 99 wrong answers so far (the store, with the clock passed in), then one over HTTP.
    for _ in 1..misses::LOCK_AT {
        misses::missed(&app.state.db, id, app.state.clock.now())
            .await
            .unwrap();
    }
    let (_, pending) = password_from(&app, OFFICE, "jdoe", PERSON_PASSWORD).await;
    let pending = pending.unwrap();
    let code = capture.next_code().await;
    let (body, _) = code_from(&app, OFFICE, &pending, &wrong(&code), false).await;
    assert_eq!(body, outcome("Restart", said().second_step_locked));
    let mail = capture.next_message().await;
    assert!(mail.contains("signing in is locked"), "{mail}");
    // The right code of that sign-in no longer opens anything, and the password step says why.
    let (body, _) = code_from(&app, OFFICE, &pending, &code, false).await;
    assert_eq!(body, outcome("Restart", said().code_spent));
    let (body, _) = password_from(&app, OFFICE, "jdoe", PERSON_PASSWORD).await;
    assert_eq!(body, outcome("Refused", said().second_step_locked));
    assert_eq!(capture.try_message(), None, "no code is sent to a locked person");
    // Not from a network the person trusted, not with two-step turned off either.
    let office = OFFICE.parse().unwrap();
    app::trusted_networks::store::trust(&app.state.db, id, office, 30, app.state.clock.now())
        .await
        .unwrap();
    let (body, _) = password_from(&app, OFFICE, "jdoe", PERSON_PASSWORD).await;
    assert_eq!(body, outcome("Refused", said().second_step_locked));
    app::settings::set_two_step_enabled(&app.state.db, false)
        .await
        .unwrap();
    let (body, _) = password_from(&app, OFFICE, "jdoe", PERSON_PASSWORD).await;
    assert_eq!(body, outcome("Refused", said().second_step_locked));
    app::settings::set_two_step_enabled(&app.state.db, true)
        .await
        .unwrap();
    // A wrong password still gets the ordinary answer: the lock tells a stranger nothing.
    let (body, _) = password_from(&app, OFFICE, "jdoe", "not the password").await;
    assert_eq!(body, refused());
    let kinds = app.audit_kinds().await;
    assert!(kinds.contains(&"second_step_locked".to_string()), "{kinds:?}");

    // An administrator sets a new password in Personnel: step 2 is open again.
    let admin = full_sign_in(&app, &mut capture, OFFICE, false).await;
    let form = person_form(app.pool(), id, &[("password", "a brand new password")]).await;
    let response = app
        .send_from(OFFICE, post("/api/save_person", &form, Some(&admin)))
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{}", body_text(response).await);
    let reset = capture.next_message().await;
    assert!(reset.contains("your password was reset"), "{reset}");
    let (body, _) = password_from(&app, OFFICE, "jdoe", "a brand new password").await;
    assert!(body.starts_with(r#"{"CodeRequired""#), "{body}");
    assert!(
        app.audit_kinds()
            .await
            .contains(&"second_step_unlocked".to_string())
    );
    assert!(!misses::locked(&app.state.db, id).await.unwrap());
}
