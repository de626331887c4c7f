//! Office networks through the real router (issue 28): what may be added and what is
//! refused beside its field, who skips the code from an office (never an administrator),
//! the skip audited with the office's name and said on the home page, Check an address
//! agreeing with the sign-in on a table of addresses, the permission check on every
//! server function, and live updates to open Security pages only.

use crate::common;

use app::auth::NoCodeReason;
use app::auth::code_skip::{self, Skip};
use app::clock::Clock;
use app::db::Backend;
use app::office_networks::{AddressCheck, OfficeRow};
use app::permissions::Permission;
use app::smtp_capture::SmtpCapture;
use common::soft_key::{call, form};
use common::*;
use http::StatusCode;

const HQ: &str = "Brussels HQ";

async fn admin_cookie(app: &TestApp) -> String {
    app.login("admin", ADMIN_PASSWORD, None)
        .await
        .1
        .expect("signed in (two-step is still off)")
}

async fn add_office(app: &TestApp, cookie: &str, name: &str, addresses: &str) -> String {
    let pairs = [("name", name), ("addresses", addresses)];
    call(app, "/api/add_office_network", &form(&pairs), Some(cookie))
        .await
        .0
}

async fn offices(app: &TestApp, cookie: &str) -> Vec<OfficeRow> {
    serde_json::from_str(&call(app, "/api/office_networks", "", Some(cookie)).await.0).unwrap()
}

/// The password step from `peer`: the answer, and the session cookie.
async fn sign_in_from(app: &TestApp, peer: &str, username: &str, password: &str) -> (String, Option<String>) {
    let response = app.send_from(peer, login_request(username, password, None)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = session_cookie(&response);
    (body_text(response).await, cookie)
}

async fn why_no_code(app: &TestApp, cookie: &str) -> Option<NoCodeReason> {
    serde_json::from_str(&call(app, "/api/why_no_code", "", Some(cookie)).await.0).unwrap()
}

async fn turn_two_step_on(app: &TestApp) {
    app::settings::set_two_step_enabled(&app.state.db, true)
        .await
        .unwrap();
}

/// An app with mail to a capture, the admin signed in (two-step still off) and the
/// office network "Brussels HQ" on 10.1.0.0/16.
async fn app_with_hq() -> (SmtpCapture, TestApp, String) {
    let capture = SmtpCapture::start().await;
    let app = TestApp::with_mail(&capture.url).await;
    let admin = admin_cookie(&app).await;
    let added = add_office(&app, &admin, HQ, "10.1.0.0/16").await;
    assert!(added.contains("Added"), "{added}");
    (capture, app, admin)
}

fn refused_on(field: &str, containing: &str, body: &str) {
    assert!(
        body.starts_with(&format!(r#"{{"Refused":{{"field":"{field}","message":""#))
            && body.contains(containing),
        "refused on {field} with “{containing}”: {body}"
    );
}

#[tokio::test]
async fn ranges_at_the_limits_and_bad_lists_are_refused_beside_their_field_and_change_nothing() {
    let capture = SmtpCapture::start().await;
    let app = TestApp::with_mail_and_proxies(&capture.url, "10.9.0.1").await;
    let cookie = admin_cookie(&app).await;
    let audit_before = app.audit_count().await;
    for (addresses, why) in [
        ("10.0.0.0/15", "10.0.0.0/15 is wider than /16"),
        ("2001:db8::/47", "2001:db8::/47 is wider than /48"),
        ("::ffff:10.0.0.0/111", "10.0.0.0/15 is wider than /16"),
        ("10.9.0.0/16", "overlaps the trusted proxy 10.9.0.1/32"),
        ("10.1.0.0/16\nnot a range", "“not a range” is not an IP address"),
        ("  \n ", "at least one address range"),
    ] {
        refused_on("Addresses", why, &add_office(&app, &cookie, HQ, addresses).await);
    }
    refused_on(
        "Name",
        "a name",
        &add_office(&app, &cookie, " \u{200b} ", "10.1.0.0/16").await,
    );
    assert!(offices(&app, &cookie).await.is_empty(), "nothing added");
    assert_eq!(app.audit_count().await, audit_before, "nothing audited");

    let added = add_office(
        &app,
        &cookie,
        HQ,
        "10.1.0.0/16\n2001:db8:7::/48\n::ffff:10.2.0.0/112\n",
    )
    .await;
    assert_eq!(added, r#"{"Added":{"name":"Brussels HQ"}}"#);
    refused_on(
        "Name",
        "already named",
        &add_office(&app, &cookie, "brussels hq", "10.3.0.0/16").await,
    );
    let listed = offices(&app, &cookie).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].ranges,
        ["10.1.0.0/16", "10.2.0.0/16", "2001:db8:7::/48"]
    );
    assert_eq!(listed[0].by, "Administrator");
    assert_eq!(
        app.audit_kinds()
            .await
            .iter()
            .filter(|k| *k == "office_network_added")
            .count(),
        1
    );
}

/// Staff skip the code from the office; holders of Security or Permissions do not;
/// the skip is audited with the office's name and said on the home page.
async fn the_office_rule_on_each_backend(backend: Backend) {
    let mut capture = SmtpCapture::start().await;
    let app = TestApp::on(backend, &capture.url).await;
    let admin = admin_cookie(&app).await;
    assert!(
        add_office(&app, &admin, HQ, "10.1.0.0/16")
            .await
            .contains("Added")
    );
    app.add_person("jdoe", Some("jdoe@example.com")).await;
    app.add_person_holding("clerk", &[Permission::Permissions]).await;
    turn_two_step_on(&app).await;

    let (body, cookie) = sign_in_from(&app, "10.1.2.3", "jdoe", PERSON_PASSWORD).await;
    assert_eq!(
        body, r#"{"SignedIn":{"next":"/"}}"#,
        "staff: no code from the office"
    );
    let cookie = cookie.unwrap();
    assert_eq!(
        why_no_code(&app, &cookie).await,
        Some(NoCodeReason::Office { name: HQ.into() })
    );
    let (body, _) = sign_in_from(&app, "::ffff:10.1.250.9", "jdoe", PERSON_PASSWORD).await;
    assert!(
        body.contains("SignedIn"),
        "an IPv4-mapped address is the IPv4 one: {body}"
    );
    let (body, _) = sign_in_from(&app, "10.1.2.3", "jdoe", "a wrong password").await;
    assert_eq!(body, refused(), "the password is always asked");

    for (who, password) in [("clerk", PERSON_PASSWORD), ("admin", ADMIN_PASSWORD)] {
        let (body, _) = sign_in_from(&app, "10.1.2.3", who, password).await;
        assert!(
            body.contains("CodeRequired"),
            "{who} gives a second step from the office: {body}"
        );
        capture.next_code().await;
    }
    let (body, _) = sign_in_from(&app, "10.2.0.1", "jdoe", PERSON_PASSWORD).await;
    assert!(body.contains("CodeRequired"), "outside the office: {body}");

    // The Security events, filtered by the skip's kind, name the office.
    let events = call(
        &app,
        "/api/security_events",
        &form(&[("person", ""), ("kind", "office_network_used"), ("shown", "50")]),
        Some(&admin),
    )
    .await
    .0;
    assert!(events.contains(r#""detail":"Brussels HQ""#), "{events}");
    assert!(
        !events.contains(r#""kind":"code_sent""#),
        "only that kind: {events}"
    );

    // Removed: staff are asked for a code again.
    let id = offices(&app, &admin).await[0].id.to_string();
    let (removed, _) = call(
        &app,
        "/api/remove_office_network",
        &form(&[("id", &id)]),
        Some(&admin),
    )
    .await;
    assert_eq!(removed, "null");
    let (body, _) = sign_in_from(&app, "10.1.2.3", "jdoe", PERSON_PASSWORD).await;
    assert!(body.contains("CodeRequired"), "after the removal: {body}");
}

app::on_both_backends!(the_office_rule_on_each_backend);

/// For a table of addresses and people, Check an address gives what the sign-in does.
#[tokio::test]
async fn check_an_address_says_what_the_sign_in_does_on_a_table_of_addresses() {
    let (_capture, app, admin) = app_with_hq().await;
    assert!(
        add_office(&app, &admin, "Ghent", "2001:db8:7::/48")
            .await
            .contains("Added")
    );
    let jdoe = app.add_person("jdoe", Some("jdoe@example.com")).await;
    let clerk = app.add_person_holding("clerk", &[Permission::Permissions]).await;
    let asmith = app.add_person("asmith", Some("asmith@example.com")).await;
    let now = app.clock.now();
    let trust = |user, ip: &str| {
        app::trusted_networks::store::trust(&app.state.db, user, ip.parse().unwrap(), 30, now)
    };
    trust(asmith, "203.0.113.9").await.unwrap();
    trust(1, "10.1.5.5").await.unwrap();
    trust(clerk, "2001:db8:7:1::99").await.unwrap();
    turn_two_step_on(&app).await;

    let people = [
        (jdoe, "jdoe", PERSON_PASSWORD),
        (clerk, "clerk", PERSON_PASSWORD),
        (asmith, "asmith", PERSON_PASSWORD),
        (1, "admin", ADMIN_PASSWORD),
    ];
    let addresses = [
        "10.1.2.3",
        "10.1.5.5",
        "2001:db8:7:1::5",
        "203.0.113.9",
        "192.0.2.1",
        "::ffff:10.1.2.3",
    ];
    let mut skipped = 0;
    for address in addresses {
        // A fresh quarter of an hour: the codes sent for each address stay within the limit.
        app.clock.advance(16 * 60);
        let checked = code_skip::check(&app.state, address.parse().unwrap(), app.clock.now())
            .await
            .unwrap();
        for (id, username, password) in people {
            let expected = checked.for_person(id).map(|skip| match skip {
                Skip::Office(name) => NoCodeReason::Office { name },
                Skip::Entry(entry) => NoCodeReason::TrustedEntry {
                    network: app::trusted_networks::store::display(&entry.network),
                    until: entry.expires_at,
                },
            });
            let (body, cookie) = sign_in_from(&app, address, username, password).await;
            let done = if body.contains("SignedIn") {
                skipped += 1;
                why_no_code(&app, &cookie.unwrap()).await
            } else {
                assert!(body.contains("CodeRequired"), "{address} {username}: {body}");
                None
            };
            assert_eq!(done, expected, "{username} from {address}");
        }
        // The page's answer is built from the same check.
        let answer = call(
            &app,
            "/api/check_address",
            &form(&[("address", address)]),
            Some(&admin),
        )
        .await
        .0;
        let answer: AddressCheck = serde_json::from_str(&answer).unwrap();
        let AddressCheck::Checked {
            office,
            still_asked,
            entries,
            ..
        } = answer
        else {
            panic!("{address} checked")
        };
        assert_eq!(
            office.as_deref(),
            checked.facts.office.as_ref().map(|o| o.name.as_str()),
            "{address}"
        );
        assert_eq!(entries.len(), checked.entries.len(), "{address}");
        let administrators_asked: &[&str] = match address {
            "10.1.2.3" | "::ffff:10.1.2.3" => &["Administrator", "clerk"],
            "10.1.5.5" => &["clerk"],
            "2001:db8:7:1::5" => &["Administrator"],
            _ => &[],
        };
        assert_eq!(still_asked, administrators_asked, "{address}: who is still asked");
    }
    // Office: jdoe and asmith at four addresses; entries: the admin's, the clerk's, asmith's.
    assert_eq!(skipped, 11, "the table skips the code where it should");
    let refused = call(
        &app,
        "/api/check_address",
        &form(&[("address", "10.1.0.0/16")]),
        Some(&admin),
    )
    .await
    .0;
    assert!(
        refused.contains("Refused"),
        "a range is not an address: {refused}"
    );
}

#[tokio::test]
async fn without_security_nobody_sees_adds_removes_or_checks_office_networks() {
    let (_capture, app, admin) = app_with_hq().await;
    let id = offices(&app, &admin).await[0].id.to_string();
    app.add_person_holding("clerk", &[Permission::Personnel, Permission::Permissions])
        .await;
    let clerk = app.login("clerk", PERSON_PASSWORD, None).await.1.unwrap();
    for (path, body) in [
        ("/api/office_networks", String::new()),
        (
            "/api/add_office_network",
            form(&[("name", "Mine"), ("addresses", "192.0.2.0/24")]),
        ),
        ("/api/remove_office_network", form(&[("id", &id)])),
        ("/api/check_address", form(&[("address", "10.1.2.3")])),
    ] {
        let answer = app.send(post(path, &body, Some(&clerk))).await;
        assert_eq!(answer.status(), StatusCode::FORBIDDEN, "{path}");
        let anonymous = app.send(post(path, &body, None)).await;
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let listed = offices(&app, &admin).await;
    assert_eq!(
        (listed.len(), listed[0].name.as_str()),
        (1, HQ),
        "nothing changed"
    );
}

#[tokio::test]
async fn additions_and_removals_reach_open_security_pages_only() {
    use futures::StreamExt;
    let capture = SmtpCapture::start().await;
    let app = TestApp::with_mail(&capture.url).await;
    let admin = admin_cookie(&app).await;
    app.add_person("jdoe", Some("jdoe@example.com")).await;
    let staff = app.login("jdoe", PERSON_PASSWORD, None).await.1.unwrap();
    let open = |cookie: &str| {
        let mut request = get("/api/trusted_events", Some(cookie));
        request
            .headers_mut()
            .insert(http::header::ACCEPT, "text/event-stream".parse().unwrap());
        app.send(request)
    };
    let mut security_page = open(&admin).await.into_body().into_data_stream();
    let mut my_account = open(&staff).await.into_body().into_data_stream();
    let within = std::time::Duration::from_secs(2);

    assert!(
        add_office(&app, &admin, HQ, "10.1.0.0/16")
            .await
            .contains("Added")
    );
    let frame = tokio::time::timeout(within, security_page.next())
        .await
        .expect("heard within 2 s");
    assert_eq!(
        String::from_utf8_lossy(&frame.unwrap().unwrap()),
        "data: changed\n\n"
    );
    let id = offices(&app, &admin).await[0].id.to_string();
    call(
        &app,
        "/api/remove_office_network",
        &form(&[("id", &id)]),
        Some(&admin),
    )
    .await;
    let frame = tokio::time::timeout(within, security_page.next())
        .await
        .expect("heard within 2 s");
    assert_eq!(
        String::from_utf8_lossy(&frame.unwrap().unwrap()),
        "data: changed\n\n"
    );
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(500), my_account.next())
            .await
            .is_err(),
        "a page without Security hears nothing of office networks"
    );
}

/// The office skips the code, never the setting up of a second step: a session signed in
/// from an office without a code can neither make a second step of its own (app, passkey,
/// recovery codes) nor move where codes go, even with the password; the same person
/// signed in with a code can.
#[tokio::test]
async fn a_session_that_gave_no_second_step_cannot_set_one_up_or_move_where_codes_go() {
    let (mut capture, app, admin) = app_with_hq().await;
    app.add_person("jdoe", Some("jdoe@example.com")).await;
    turn_two_step_on(&app).await;
    let (body, cookie) = sign_in_from(&app, "10.1.2.3", "jdoe", PERSON_PASSWORD).await;
    assert!(body.contains("SignedIn"), "{body}");
    let in_office = cookie.unwrap();
    let needed = serde_json::to_string(app::i18n::account_texts::EN_SERVER.second_step_needed).unwrap();
    for (path, fields) in [
        ("/api/set_up_app", vec![("password", PERSON_PASSWORD)]),
        ("/api/create_recovery_codes", vec![("password", PERSON_PASSWORD)]),
        (
            "/api/begin_adding_passkey",
            vec![("password", PERSON_PASSWORD), ("name", "Laptop")],
        ),
        (
            "/api/change_contact",
            vec![
                ("email", "thief@example.net"),
                ("mobile", ""),
                ("current", PERSON_PASSWORD),
            ],
        ),
    ] {
        let (answer, _) = call(&app, path, &form(&fields), Some(&in_office)).await;
        assert!(answer.contains(needed.trim_matches('"')), "{path}: {answer}");
    }
    let methods: serde_json::Value =
        serde_json::from_str(&call(&app, "/api/my_methods", "", Some(&in_office)).await.0).unwrap();
    assert_eq!(methods["app"], serde_json::json!("Off"), "no app: {methods}");
    let email: Option<String> = sqlx::query_scalar("SELECT email FROM users WHERE username = 'jdoe'")
        .fetch_one(app.pool())
        .await
        .unwrap();
    assert_eq!(
        email.as_deref(),
        Some("jdoe@example.com"),
        "where codes go is unchanged"
    );

    // Signed in with a code (from outside the office), the same change is made.
    let (body, pending) = sign_in_from(&app, "192.0.2.44", "jdoe", PERSON_PASSWORD).await;
    assert!(body.contains("CodeRequired"), "{body}");
    let code = capture.next_code().await;
    let (body, with_code) = call(
        &app,
        "/api/verify_code",
        &format!("code={code}"),
        pending.as_deref(),
    )
    .await;
    assert!(body.contains("SignedIn"), "{body}");
    let (answer, _) = call(
        &app,
        "/api/set_up_app",
        &form(&[("password", PERSON_PASSWORD)]),
        with_code.as_deref(),
    )
    .await;
    assert_eq!(answer, r#""Done""#);

    // Granted Security since: the session that gave no second step does not use it.
    let jdoe = sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE username = 'jdoe'")
        .fetch_one(app.pool())
        .await
        .unwrap()
        .to_string();
    let grant = form(&[
        ("user_id", &jdoe),
        ("permission", "Security"),
        ("granted", "true"),
    ]);
    assert_eq!(
        call(&app, "/api/set_permission", &grant, Some(&admin)).await.0,
        r#""Saved""#
    );
    let refused = app.send(post("/api/office_networks", "", Some(&in_office))).await;
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "no administrator rights without a second step"
    );
    let allowed = app
        .send(post("/api/office_networks", "", with_code.as_deref()))
        .await;
    assert_eq!(
        allowed.status(),
        StatusCode::OK,
        "the session that gave a code uses them"
    );
}
