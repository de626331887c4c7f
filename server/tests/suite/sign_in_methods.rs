//! Authenticator apps and recovery codes through the real router (issue 15): set up and
//! confirm, step 2 with the app or a recovery code, the other ways at step 2, removal,
//! and an administrator's reset. Each rule that should refuse something is shown
//! refusing it.

use crate::common;

use app::auth::totp;
use app::clock::Clock;
use app::sign_in_methods::{AppStatus, Methods, RecoveryOutcome};
use app::smtp_capture::SmtpCapture;
use common::*;
use http::StatusCode;

/// A server function's answer: status and body.
async fn call(app: &TestApp, path: &str, form: &str, cookie: &str) -> String {
    let response = app.send(post(path, form, Some(cookie))).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    body_text(response).await
}

/// Password step: the answer and the pending session.
async fn password(app: &TestApp, username: &str, password: &str) -> (String, String) {
    let (body, cookie) = app.login(username, password, None).await;
    (body, cookie.expect("a session for step 2"))
}

/// Step 2: the answer and the new session cookie, if any.
async fn answer(app: &TestApp, pending: &str, typed: &str, trust: bool) -> (String, Option<String>) {
    let form: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("code", typed)
        .finish();
    let form = format!("{form}{}", if trust { "&trust=on" } else { "" });
    let response = app.send(post("/api/verify_code", &form, Some(pending))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = session_cookie(&response);
    (body_text(response).await, cookie)
}

/// The admin, signed in with a mailed code.
async fn signed_in_admin(app: &TestApp, capture: &mut SmtpCapture) -> String {
    let (body, pending) = password(app, "admin", ADMIN_PASSWORD).await;
    assert!(body.contains(r#""way":{"Sent""#), "{body}");
    let (body, cookie) = answer(app, &pending, &capture.next_code().await, false).await;
    assert_eq!(body, r#"{"SignedIn":{"next":"/"}}"#);
    cookie.unwrap()
}

/// [`turn_app_on_with`] for the admin.
async fn turn_app_on(app: &TestApp, cookie: &str) -> Vec<u8> {
    turn_app_on_with(app, cookie, ADMIN_PASSWORD).await
}

/// **Create** for the signed-in person whose password is `password`: the new codes.
async fn create_codes(app: &TestApp, cookie: &str, password: &str) -> Vec<String> {
    let refused = call(app, "/api/create_recovery_codes", "password=not+it", cookie).await;
    assert!(refused.contains("Refused"), "{refused}");
    let created = call(
        app,
        "/api/create_recovery_codes",
        &password_form(password),
        cookie,
    )
    .await;
    match serde_json::from_str(&created).unwrap() {
        RecoveryOutcome::Created(codes) => codes,
        other => panic!("{other:?}"),
    }
}

async fn methods(app: &TestApp, cookie: &str) -> Methods {
    serde_json::from_str(&call(app, "/api/my_methods", "", cookie).await).unwrap()
}

/// **Set up** and **Confirm** for the signed-in person whose password is `password`:
/// the secret their app holds.
async fn turn_app_on_with(app: &TestApp, cookie: &str, password: &str) -> Vec<u8> {
    // An open session alone sets nothing up.
    let without = app.send(post("/api/set_up_app", "", Some(cookie))).await;
    assert_eq!(without.status(), StatusCode::BAD_REQUEST, "the field is required");
    let refused = call(app, "/api/set_up_app", "password=not+it", cookie).await;
    assert!(refused.contains("Refused"), "{refused}");
    assert_eq!(
        methods(app, cookie).await.app,
        AppStatus::Off,
        "nothing set up without the password"
    );
    assert_eq!(
        call(app, "/api/set_up_app", &password_form(password), cookie).await,
        r#""Done""#
    );
    let AppStatus::SettingUp { qr_svg, secret_text } = methods(app, cookie).await.app else {
        panic!("set-up shows the secret");
    };
    assert!(qr_svg.starts_with("<svg"), "a QR code drawn by the server");
    let secret = totp::secret_from_text(&secret_text).expect("base32 text");
    let refused = call(app, "/api/confirm_app", "code=000000", cookie).await;
    assert!(refused.contains("Refused"), "{refused}");
    assert!(
        !matches!(methods(app, cookie).await.app, AppStatus::On),
        "not on after a wrong code"
    );
    let form = format!("code={}", app_code(app, &secret));
    assert_eq!(call(app, "/api/confirm_app", &form, cookie).await, r#""Done""#);
    assert_eq!(methods(app, cookie).await.app, AppStatus::On);
    secret
}

/// The code the app shows now.
fn app_code(app: &TestApp, secret: &[u8]) -> String {
    totp::code_at_step(secret, app.clock.now() / totp::STEP_SECONDS, totp::DIGITS).unwrap()
}

fn wrong(code: &str) -> String {
    format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000)
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(app.pool()).await.unwrap()
}

#[tokio::test]
async fn the_app_signs_in_each_code_once_and_five_wrong_tries_end_the_sign_in() {
    let (app, mut capture) = two_step_app().await;
    let cookie = signed_in_admin(&app, &mut capture).await;
    let secret = turn_app_on(&app, &cookie).await;
    assert!(
        capture
            .next_message()
            .await
            .contains("authenticator app was set up"),
        "the person is told"
    );

    // Step 2 now asks for the app, and offers the mail instead; no code is mailed.
    let mailed_before = count(&app, "SELECT COUNT(*) FROM audit WHERE kind = 'code_sent'").await;
    let (body, pending) = password(&app, "admin", ADMIN_PASSWORD).await;
    assert_eq!(
        body,
        r#"{"CodeRequired":{"way":"App","may_trust":true,"can_send":"Email","has_app":true,"has_recovery":false,"has_passkey":false}}"#
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit WHERE kind = 'code_sent'").await,
        mailed_before
    );
    // The code that confirmed the app is used up (RFC 6238 §5.2).
    let (body, _) = answer(&app, &pending, &app_code(&app, &secret), false).await;
    assert!(body.contains(said().wrong_code), "replayed: {body}");
    app.clock.advance(30);
    let (body, signed_in) = answer(&app, &pending, &app_code(&app, &secret), true).await;
    assert_eq!(body, r#"{"SignedIn":{"next":"/"}}"#);
    assert!(
        app.me(&signed_in.unwrap())
            .await
            .contains(r#""username":"admin""#)
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM trusted_networks").await,
        1,
        "Trust this IP works with the app"
    );
    sqlx::query("DELETE FROM trusted_networks")
        .execute(app.pool())
        .await
        .unwrap();

    // Five wrong tries end the pending sign-in; the right code then finds it gone.
    app.clock.advance(30);
    let (_, pending) = password(&app, "admin", ADMIN_PASSWORD).await;
    let right = app_code(&app, &secret);
    for attempt in 1..=5 {
        let (body, _) = answer(&app, &pending, &wrong(&right), false).await;
        let expected = if attempt < 5 { "Refused" } else { "Restart" };
        assert!(body.contains(expected), "try {attempt}: {body}");
    }
    let (body, _) = answer(&app, &pending, &right, false).await;
    assert!(body.contains("Restart"), "{body}");
}

#[tokio::test]
async fn the_same_app_code_sent_twenty_times_at_once_signs_in_once() {
    let (app, mut capture) = two_step_app().await;
    let cookie = signed_in_admin(&app, &mut capture).await;
    let secret = turn_app_on(&app, &cookie).await;
    app.clock.advance(30);
    let (_, pending) = password(&app, "admin", ADMIN_PASSWORD).await;
    let code = app_code(&app, &secret);
    let attempts: Vec<_> = (0..20)
        .map(|_| {
            let request = post("/api/verify_code", &format!("code={code}"), Some(&pending));
            app.send(request)
        })
        .collect();
    let mut signed_in = 0;
    for response in futures::future::join_all(attempts).await {
        signed_in += usize::from(body_text(response).await.contains("SignedIn"));
    }
    assert_eq!(signed_in, 1);
}

#[tokio::test]
async fn signing_in_again_and_again_cannot_buy_unlimited_guesses_at_the_app() {
    let (app, mut capture) = two_step_app().await;
    let cookie = signed_in_admin(&app, &mut capture).await;
    turn_app_on(&app, &cookie).await;
    // The mailed sign-in above was one of the five pending sign-ins a window allows.
    for round in 2..=5 {
        let (body, _) = password(&app, "admin", ADMIN_PASSWORD).await;
        assert!(body.contains(r#""way":"App""#), "round {round}: {body}");
    }
    let (body, _) = app.login("admin", ADMIN_PASSWORD, None).await;
    assert!(body.contains("Refused"), "the sixth in 15 minutes: {body}");
}

#[tokio::test]
async fn email_me_a_code_instead_mails_one_that_signs_in() {
    let (app, mut capture) = two_step_app().await;
    let cookie = signed_in_admin(&app, &mut capture).await;
    turn_app_on(&app, &cookie).await;
    capture.next_message().await; // "an authenticator app was set up"
    let (_, pending) = password(&app, "admin", ADMIN_PASSWORD).await;
    let switched = call(&app, "/api/change_way", "to=send", &pending).await;
    assert_eq!(
        switched,
        r#"{"Switched":{"way":{"Sent":{"to":"a•••@example.com"}},"may_trust":true,"can_send":"Email","has_app":true,"has_recovery":false,"has_passkey":false}}"#
    );
    let (body, signed_in) = answer(&app, &pending, &capture.next_code().await, false).await;
    assert_eq!(body, r#"{"SignedIn":{"next":"/"}}"#);
    assert!(signed_in.is_some());
}

#[tokio::test]
async fn a_way_the_person_does_not_have_is_refused_and_changes_nothing() {
    let (app, mut capture) = two_step_app().await;
    let (_, pending) = password(&app, "admin", ADMIN_PASSWORD).await;
    let code = capture.next_code().await;
    for to in ["app", "recovery", "elsewhere"] {
        let body = call(&app, "/api/change_way", &format!("to={to}"), &pending).await;
        assert!(body.starts_with(r#"{"Refused""#), "{to}: {body}");
    }
    // The mailed code still signs in: nothing was voided.
    let (body, _) = answer(&app, &pending, &code, false).await;
    assert_eq!(body, r#"{"SignedIn":{"next":"/"}}"#);
}

#[tokio::test]
async fn a_recovery_code_signs_in_once_never_trusts_and_is_mailed_and_audited() {
    let (app, mut capture) = two_step_app().await;
    let cookie = signed_in_admin(&app, &mut capture).await;
    let codes = create_codes(&app, &cookie, ADMIN_PASSWORD).await;
    assert_eq!(codes.len(), 10);
    assert_eq!(methods(&app, &cookie).await.recovery_left, Some(10));
    assert!(
        capture
            .next_message()
            .await
            .contains("new recovery codes were created"),
        "ten new ways in are never made silently"
    );

    let (body, pending) = password(&app, "admin", ADMIN_PASSWORD).await;
    assert!(body.contains(r#""has_recovery":true"#), "{body}");
    let _mailed = capture.next_code().await;
    let switched = call(&app, "/api/change_way", "to=recovery", &pending).await;
    assert_eq!(
        switched,
        r#"{"Switched":{"way":"Recovery","may_trust":false,"can_send":"Email","has_app":false,"has_recovery":true,"has_passkey":false}}"#
    );
    // Trust this IP is asked for by hand: a recovery code never trusts a network.
    let (body, signed_in) = answer(&app, &pending, &codes[0].to_uppercase(), true).await;
    assert_eq!(body, r#"{"SignedIn":{"next":"/"}}"#);
    assert!(signed_in.is_some());
    assert_eq!(count(&app, "SELECT COUNT(*) FROM trusted_networks").await, 0);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit WHERE kind = 'recovery_code_used' AND detail = '9 left'"
        )
        .await,
        1
    );
    let notice = capture.next_message().await;
    assert!(
        notice.contains("recovery code was used") && notice.contains("9 recovery codes"),
        "{notice}"
    );

    // Used once: the same code is wrong next time; the others work, down to the last two,
    // which send the person to My account, where the count is.
    for (i, typed) in [
        &codes[0], &codes[1], &codes[2], &codes[3], &codes[4], &codes[5], &codes[6], &codes[7],
    ]
    .into_iter()
    .enumerate()
    {
        let (_, pending) = password(&app, "admin", ADMIN_PASSWORD).await;
        capture.next_code().await;
        call(&app, "/api/change_way", "to=recovery", &pending).await;
        let (body, _) = answer(&app, &pending, typed, false).await;
        match i {
            0 => assert!(body.contains(said().wrong_code), "used twice: {body}"),
            1..=6 => assert_eq!(body, r#"{"SignedIn":{"next":"/"}}"#, "code {i}"),
            _ => assert_eq!(body, r#"{"SignedIn":{"next":"/account"}}"#, "2 left"),
        }
        if i > 0 {
            assert!(capture.next_message().await.contains("recovery code was used"));
        }
        // A new sign-in window, so the per-window cap stays out of the way.
        app.clock.advance(15 * 60);
    }
    assert_eq!(methods(&app, &cookie).await.recovery_left, Some(2));
}

#[tokio::test]
async fn a_person_without_email_but_with_an_app_gets_the_app_step() {
    let (app, mut capture) = two_step_app().await;
    let cookie = signed_in_admin(&app, &mut capture).await;
    turn_app_on(&app, &cookie).await;
    sqlx::query("UPDATE users SET email = NULL WHERE username = 'admin'")
        .execute(app.pool())
        .await
        .unwrap();
    let (body, _) = password(&app, "admin", ADMIN_PASSWORD).await;
    assert_eq!(
        body,
        r#"{"CodeRequired":{"way":"App","may_trust":true,"can_send":null,"has_app":true,"has_recovery":false,"has_passkey":false}}"#
    );
}

#[tokio::test]
async fn removing_the_app_needs_the_password() {
    let (app, mut capture) = two_step_app().await;
    let cookie = signed_in_admin(&app, &mut capture).await;
    turn_app_on(&app, &cookie).await;
    let refused = call(&app, "/api/remove_app", "password=not+it", &cookie).await;
    assert!(refused.contains("Refused"), "{refused}");
    assert_eq!(methods(&app, &cookie).await.app, AppStatus::On);
    assert_eq!(
        call(&app, "/api/remove_app", &password_form(ADMIN_PASSWORD), &cookie).await,
        r#""Done""#
    );
    assert_eq!(methods(&app, &cookie).await.app, AppStatus::Off);
    let kinds = app.audit_kinds().await;
    assert!(
        kinds.contains(&"authenticator_added".to_string())
            && kinds.contains(&"authenticator_removed".to_string())
    );
}

#[tokio::test]
async fn only_someone_holding_all_of_a_persons_permissions_may_reset_their_methods() {
    use app::permissions::Permission;
    let (app, mut capture) = two_step_app().await;
    let admin_cookie = signed_in_admin(&app, &mut capture).await;
    let admin_id: i64 = count(&app, "SELECT id FROM users WHERE username = 'admin'").await;
    turn_app_on(&app, &admin_cookie).await;
    capture.next_message().await; // "an authenticator app was set up"
    app.clock.advance(30);

    // A clerk with Personnel alone, with an app and recovery codes of her own.
    let clerk = app.add_person_holding("clerk", &[Permission::Personnel]).await;
    let (_, pending) = password(&app, "clerk", PERSON_PASSWORD).await;
    let (_, clerk_cookie) = answer(&app, &pending, &capture.next_code().await, false).await;
    let clerk_cookie = clerk_cookie.unwrap();
    turn_app_on_with(&app, &clerk_cookie, PERSON_PASSWORD).await;
    create_codes(&app, &clerk_cookie, PERSON_PASSWORD).await;
    for notice in [
        "an authenticator app was set up",
        "new recovery codes were created",
    ] {
        assert!(capture.next_message().await.contains(notice), "{notice}");
    }
    let office = "203.0.113.7".parse().unwrap();
    app::trusted_networks::store::trust(&app.state.db, clerk, office, 30, app.clock.now())
        .await
        .unwrap();
    let methods_sql = "SELECT (SELECT COUNT(*) FROM authenticators) + (SELECT COUNT(*) FROM recovery_codes) \
                       + (SELECT COUNT(*) FROM trusted_networks)";
    let before = count(&app, methods_sql).await;

    // The clerk acts on the admin, who holds more: refused, nothing changes.
    let refused = call(
        &app,
        "/api/reset_two_step_methods",
        &format!("id={admin_id}"),
        &clerk_cookie,
    )
    .await;
    assert!(
        refused.contains("Only someone with all of Administrator"),
        "{refused}"
    );
    // Nor her own, here: that is My account's, where Remove asks for the password.
    let own = call(
        &app,
        "/api/reset_two_step_methods",
        &format!("id={clerk}"),
        &clerk_cookie,
    )
    .await;
    assert!(own.contains("managed in My account"), "{own}");
    assert_eq!(count(&app, methods_sql).await, before, "nothing changed");
    // Without Personnel at all: not even asked.
    app.add_person("nobody", Some("nobody@example.com")).await;
    let (_, pending) = password(&app, "nobody", PERSON_PASSWORD).await;
    let (_, nobody_cookie) = answer(&app, &pending, &capture.next_code().await, false).await;
    let response = app
        .send(post(
            "/api/reset_two_step_methods",
            &format!("id={clerk}"),
            nobody_cookie.as_deref(),
        ))
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // The admin resets the clerk: app, codes and trusted networks go, her sessions end,
    // and it is audited and mailed.
    while capture.try_message().is_some() {}
    let done = call(
        &app,
        "/api/reset_two_step_methods",
        &format!("id={clerk}"),
        &admin_cookie,
    )
    .await;
    assert_eq!(done, r#""Done""#);
    let left: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM authenticators WHERE user_id = $1) \
         + (SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1) \
         + (SELECT COUNT(*) FROM trusted_networks WHERE user_id = $1)",
    )
    .bind(clerk)
    .fetch_one(app.pool())
    .await
    .unwrap();
    assert_eq!(left, 0);
    assert_eq!(
        methods(&app, &admin_cookie).await.app,
        AppStatus::On,
        "the admin's own app stays"
    );
    assert_eq!(app.me(&clerk_cookie).await, "null", "signed out everywhere");
    assert!(
        app.audit_kinds()
            .await
            .contains(&"two_step_methods_reset".to_string())
    );
    let mut mailed = capture.next_message().await;
    while !mailed.contains("two-step methods were reset") {
        mailed = capture.next_message().await;
    }
    // Her next sign-in asks for a mailed code.
    let (body, _) = password(&app, "clerk", PERSON_PASSWORD).await;
    assert!(
        body.contains(r#""way":{"Sent""#) && body.contains(r#""has_app":false"#),
        "{body}"
    );
}

#[tokio::test]
async fn switching_ways_never_hands_out_fresh_tries() {
    let (app, mut capture) = two_step_app().await;
    let cookie = signed_in_admin(&app, &mut capture).await;
    let secret = turn_app_on(&app, &cookie).await;
    app.clock.advance(30);
    let (_, pending) = password(&app, "admin", ADMIN_PASSWORD).await;
    let right = app_code(&app, &secret);
    for attempt in 1..=4 {
        let (body, _) = answer(&app, &pending, &wrong(&right), false).await;
        assert!(body.contains("Refused"), "try {attempt}: {body}");
    }
    // A mailed code in between, then back to the app: one try is left, not five.
    assert!(
        call(&app, "/api/change_way", "to=send", &pending)
            .await
            .contains("Switched")
    );
    assert!(
        call(&app, "/api/change_way", "to=app", &pending)
            .await
            .contains("Switched")
    );
    let (body, _) = answer(&app, &pending, &wrong(&right), false).await;
    assert!(body.contains("Restart"), "the fifth wrong try ends it: {body}");
    let (body, _) = answer(&app, &pending, &right, false).await;
    assert!(body.contains("Restart"), "{body}");
}

/// Each **Create** is mailed to the person, so a loop of them is refused at the notices'
/// limit, before it becomes a flood of mail; a refused one changes nothing, and requests
/// sent at once share the one allowance.
#[tokio::test]
async fn create_in_a_loop_is_refused_at_the_notice_limit_even_sent_at_once() {
    let too_often_said = app::i18n::account_texts::EN_SERVER.too_often;
    use app::sign_in_details::notices::{PER_WINDOW, WINDOW_SECONDS};
    let (app, mut capture) = two_step_app().await;
    let cookie = signed_in_admin(&app, &mut capture).await;
    let form = password_form(ADMIN_PASSWORD);
    let create = || call(&app, "/api/create_recovery_codes", &form, &cookie);
    for n in 0..PER_WINDOW {
        let created: RecoveryOutcome = serde_json::from_str(&create().await).unwrap();
        assert!(matches!(created, RecoveryOutcome::Created(_)), "{n}: {created:?}");
    }
    let newest = || async {
        sqlx::query_scalar::<_, i64>("SELECT MAX(id) FROM recovery_codes")
            .fetch_one(app.pool())
            .await
            .unwrap()
    };
    let before = newest().await;
    let refused: RecoveryOutcome = serde_json::from_str(&create().await).unwrap();
    assert_eq!(
        refused,
        RecoveryOutcome::Refused {
            message: too_often_said.into()
        }
    );
    assert_eq!(newest().await, before, "a refused Create makes no codes");

    // An hour on, eight at once (within the password checks' own limit): the limit's
    // worth are made, the rest refused.
    app.clock.advance(WINDOW_SECONDS + 1);
    let answers = futures::future::join_all((0..8).map(|_| create())).await;
    let made = answers.iter().filter(|a| a.starts_with(r#"{"Created""#)).count();
    let too_often = answers.iter().filter(|a| a.contains(too_often_said)).count();
    assert_eq!((made as i64, too_often), (PER_WINDOW, 8 - PER_WINDOW as usize));
}
