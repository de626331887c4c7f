//! Passkeys through the real router (issue 27), answered by a software authenticator
//! ([`SoftKey`]) as a browser would pass its answers on: added in My account, used
//! alone at step 1 and at step 2, removed, reset by an administrator. Each answer that
//! must fail is shown failing: a passkey nobody added, another person's, a replayed or
//! cloned one, one answered for another site, one without user verification.

use crate::common;

use app::clock::Clock;
use app::db::Backend;
use app::sign_in_methods::{Methods, PasskeyStart};
use app::smtp_capture::SmtpCapture;
use common::soft_key::*;
use common::*;
use http::StatusCode;

async fn methods(app: &TestApp, cookie: &str) -> Methods {
    serde_json::from_str(&call(app, "/api/my_methods", "", Some(cookie)).await.0).unwrap()
}

/// The password step, then **Use a passkey** answered by `key`: step 2's answer and the
/// new session cookie, if any.
async fn step_two_with(
    app: &TestApp,
    username: &str,
    password: &str,
    key: &mut SoftKey,
) -> (String, Option<String>) {
    let (body, pending) = app.login(username, password, None).await;
    let pending = pending.expect("a pending sign-in");
    assert!(
        body.contains(r#""way":"Passkey""#),
        "a passkey is asked first: {body}"
    );
    let (options, _) = call(app, "/api/passkey_step_two_options", "", Some(&pending)).await;
    let options: Option<String> = serde_json::from_str(&options).unwrap();
    let answer = key.get(&options.expect("options"), SITE);
    call(
        app,
        "/api/answer_with_passkey",
        &form(&[("answer", &answer)]),
        Some(&pending),
    )
    .await
}

/// A refusal: the text said, and the browser still signed out.
async fn assert_refused(app: &TestApp, (body, cookie): (String, Option<String>), why: &str) {
    assert_eq!(
        body, r#"{"Refused":{"message":"The passkey was not accepted. Try again, or choose another way."}}"#,
        "{why}"
    );
    if let Some(cookie) = cookie {
        assert_eq!(app.me(&cookie).await, "null", "{why}: still signed out");
    }
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(app.pool()).await.unwrap()
}

/// Jane, with an email address, signed in (two-step off).
async fn jane_signed_in(app: &TestApp) -> (i64, String) {
    let id = app.add_person("jdoe", Some("jdoe@example.com")).await;
    let cookie = app
        .login("jdoe", PERSON_PASSWORD, None)
        .await
        .1
        .expect("signed in");
    (id, cookie)
}

async fn mailed(capture: &mut SmtpCapture) -> String {
    tokio::time::timeout(std::time::Duration::from_secs(10), capture.next_message())
        .await
        .expect("a mail")
}

#[tokio::test]
async fn a_passkey_added_with_the_password_signs_in_alone_and_answers_step_two() {
    let mut capture = SmtpCapture::start().await;
    let app = TestApp::with_mail(&capture.url).await;
    let (jane, cookie) = jane_signed_in(&app).await;
    let mut key = SoftKey::new();

    // Without the password, or with a wrong one, nothing starts.
    let without = app
        .send(post("/api/begin_adding_passkey", "name=x", Some(&cookie)))
        .await;
    assert_eq!(
        without.status(),
        StatusCode::BAD_REQUEST,
        "the password field is required"
    );
    let (wrong, _) = call(
        &app,
        "/api/begin_adding_passkey",
        &form(&[("password", "not it"), ("name", "x")]),
        Some(&cookie),
    )
    .await;
    assert!(wrong.contains("Refused"), "{wrong}");
    // An answer with no challenge begun adds nothing.
    let (unasked, _) = call(&app, "/api/finish_adding_passkey", "answer=%7B%7D", Some(&cookie)).await;
    assert!(unasked.contains("Refused"), "{unasked}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM passkeys").await, 0);

    assert_eq!(
        add_passkey(&app, &cookie, PERSON_PASSWORD, &mut key, SITE).await,
        r#""Done""#
    );
    let listed = methods(&app, &cookie).await.passkeys;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, "Office laptop");
    assert_eq!(listed[0].last_used, None);
    let notice = mailed(&mut capture).await;
    assert!(notice.contains("a passkey was added"), "{notice}");
    assert!(app.audit_kinds().await.contains(&"passkey_added".to_string()));
    // Only a public key is kept: nothing of it signs anything.
    let stored: String = sqlx::query_scalar("SELECT credential FROM passkeys")
        .fetch_one(app.pool())
        .await
        .unwrap();
    assert!(
        !stored.contains("private") && !stored.contains("\"d\""),
        "{stored}"
    );

    // Alone at step 1: signed in as Jane, with no password and no code.
    let (body, signed_in) = sign_in_alone(&app, &mut key, SITE).await;
    assert_eq!(body, r#"{"SignedIn":{"next":"/"}}"#);
    let me = app.me(&signed_in.expect("a new session")).await;
    assert!(me.contains(r#""username":"jdoe""#), "{me}");
    let how: String =
        sqlx::query_scalar("SELECT detail FROM audit WHERE kind = 'sign_in_ok' ORDER BY id DESC LIMIT 1")
            .fetch_one(app.pool())
            .await
            .unwrap();
    assert_eq!(how, "passkey");
    assert!(methods(&app, &cookie).await.passkeys[0].last_used.is_some());

    // With two-step on, the password leads to the passkey first, and no code is mailed.
    app::settings::set_two_step_enabled(&app.state.db, true)
        .await
        .unwrap();
    let (body, signed_in) = step_two_with(&app, "jdoe", PERSON_PASSWORD, &mut key).await;
    assert_eq!(body, r#"{"SignedIn":{"next":"/"}}"#);
    assert!(signed_in.is_some());
    assert!(capture.try_message().is_none(), "no code was sent");
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM trusted_networks WHERE user_id = {jane}")
        )
        .await,
        0,
        "a passkey never trusts a network"
    );
}

#[tokio::test]
async fn passkey_answers_that_must_fail_are_refused_and_counted() {
    let capture = SmtpCapture::start().await;
    let app = TestApp::with_mail(&capture.url).await;
    let (jane, janes_cookie) = jane_signed_in(&app).await;
    let mut janes_key = SoftKey::new();
    assert_eq!(
        add_passkey(&app, &janes_cookie, PERSON_PASSWORD, &mut janes_key, SITE).await,
        r#""Done""#
    );
    let refused =
        r#"{"Refused":{"message":"The passkey was not accepted. Try again, or choose another way."}}"#;

    // Adding: an answer for another site, one without user verification, and one answer
    // sent twice add nothing more.
    let begin = || async {
        let (started, _) = call(
            &app,
            "/api/begin_adding_passkey",
            &form(&[("password", PERSON_PASSWORD), ("name", "another")]),
            Some(&janes_cookie),
        )
        .await;
        match serde_json::from_str(&started).unwrap() {
            PasskeyStart::Ask(options) => options,
            other => panic!("{other:?}"),
        }
    };
    let (at, cookie) = (&app, janes_cookie.as_str());
    let finish = move |answer: String| async move {
        call(
            at,
            "/api/finish_adding_passkey",
            &form(&[("answer", &answer)]),
            Some(cookie),
        )
        .await
        .0
    };
    for (origin, verified) in [("http://plan.localhost:3000", true), (SITE, false)] {
        let mut key = SoftKey::new();
        key.verified = verified;
        let answer = key.create(&begin().await, origin);
        let body = finish(answer).await;
        assert!(
            body.contains("No passkey was added"),
            "{origin}, verified {verified}: {body}"
        );
    }
    let answer = SoftKey::new().create(&begin().await, SITE);
    assert_eq!(finish(answer.clone()).await, r#""Done""#);
    assert!(
        finish(answer).await.contains("No passkey was added"),
        "the same answer again"
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM passkeys WHERE user_id = {jane}")
        )
        .await,
        2
    );

    // A key nobody added.
    let mut strangers_key = SoftKey::new();
    strangers_key.create(
        &serde_json::json!({
            "rp": {"id": "localhost", "name": "Twostep"},
            "user": {"id": "AAAAAAAAAAAAAAAAAAAAAA", "name": "x", "displayName": "x"},
            "challenge": "AAAAAAAAAAAAAAAAAAAAAA",
            "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
            "authenticatorSelection": {"residentKey": "required", "userVerification": "required"}
        })
        .to_string(),
        SITE,
    );
    assert_refused(
        &app,
        sign_in_alone(&app, &mut strangers_key, SITE).await,
        "a key nobody added",
    )
    .await;

    // Another key presenting Jane's passkey's id: its signature is not by Jane's key.
    let mut forger = SoftKey::new();
    forger.credential_id = janes_key.credential_id.clone();
    forger.handle = janes_key.handle.clone();
    forger.rp_id = janes_key.rp_id.clone();
    forger.counter = 1000;
    assert_refused(
        &app,
        sign_in_alone(&app, &mut forger, SITE).await,
        "another key's signature",
    )
    .await;

    // Jane's own key, answering for another site (a phishing page on a look-alike host).
    let elsewhere = sign_in_alone(&app, &mut janes_key, "http://plan.localhost:3000").await;
    assert_refused(&app, elsewhere, "another site").await;

    // Without user verification (the authenticator only saw someone touch it).
    janes_key.verified = false;
    let ask = ask_alone(&app).await;
    let mut options: serde_json::Value = serde_json::from_str(&ask.options).unwrap();
    options["userVerification"] = "discouraged".into();
    let answer = janes_key.get(&options.to_string(), SITE);
    let answered = call(
        &app,
        "/api/sign_in_with_passkey",
        &alone_form(&ask, &answer),
        None,
    )
    .await;
    assert_refused(&app, answered, "no user verification").await;
    janes_key.verified = true;

    // The same answer sent twice at once: one signs in. From a synced passkey, whose
    // counter stays 0, so only the spent challenge can tell the two apart.
    let mut synced = SoftKey::new();
    synced.counts = false;
    assert_eq!(
        add_passkey(&app, &janes_cookie, PERSON_PASSWORD, &mut synced, SITE).await,
        r#""Done""#
    );
    let ask = ask_alone(&app).await;
    let answered = alone_form(&ask, &synced.get(&ask.options, SITE));
    let send = || call(&app, "/api/sign_in_with_passkey", &answered, None);
    let (first, second) = tokio::join!(send(), send());
    let mut bodies = [first.0, second.0];
    bodies.sort();
    assert_eq!(
        bodies,
        [refused.to_string(), r#"{"SignedIn":{"next":"/"}}"#.to_string()],
        "a replayed answer"
    );
    assert_eq!(send().await.0, refused, "and again later");

    // A challenge past its five minutes, or not sealed by this server.
    let ask = ask_alone(&app).await;
    let answer = janes_key.get(&ask.options, SITE);
    app.clock.advance(app::auth::passkeys::ALONE_LIFETIME);
    let late = call(
        &app,
        "/api/sign_in_with_passkey",
        &alone_form(&ask, &answer),
        None,
    )
    .await;
    assert_refused(&app, late, "an expired challenge").await;
    let ask = ask_alone(&app).await;
    let answer = janes_key.get(&ask.options, SITE);
    let mut forged = ask.clone();
    forged.challenge.replace_range(
        ..4,
        if forged.challenge.starts_with("AAAA") {
            "BBBB"
        } else {
            "AAAA"
        },
    );
    let forged_answer = call(
        &app,
        "/api/sign_in_with_passkey",
        &alone_form(&forged, &answer),
        None,
    )
    .await;
    assert_refused(&app, forged_answer, "a forged challenge").await;

    // A copy of the key made before that use: its counter is behind the stored one.
    let mut before = janes_key.clone_key();
    assert_eq!(
        sign_in_alone(&app, &mut janes_key, SITE).await.0,
        r#"{"SignedIn":{"next":"/"}}"#
    );
    assert_refused(&app, sign_in_alone(&app, &mut before, SITE).await, "a cloned key").await;

    // Another person's passkey at Jane's step 2 is a wrong answer, counted against Jane.
    let bob = app.add_person("bob", Some("bob@example.com")).await;
    let bobs_cookie = app.login("bob", PERSON_PASSWORD, None).await.1.unwrap();
    let mut bobs_key = SoftKey::new();
    assert_eq!(
        add_passkey(&app, &bobs_cookie, PERSON_PASSWORD, &mut bobs_key, SITE).await,
        r#""Done""#
    );
    app::settings::set_two_step_enabled(&app.state.db, true)
        .await
        .unwrap();
    let (body, pending) = app.login("jdoe", PERSON_PASSWORD, None).await;
    assert!(body.contains(r#""way":"Passkey""#), "{body}");
    let pending = pending.unwrap();
    let (options, _) = call(&app, "/api/passkey_step_two_options", "", Some(&pending)).await;
    let options: String = serde_json::from_str::<Option<String>>(&options).unwrap().unwrap();
    // Bob's key signs Jane's challenge with Bob's passkey.
    let bobs_answer = bobs_key.get(&options, SITE);
    let answered = call(
        &app,
        "/api/answer_with_passkey",
        &form(&[("answer", &bobs_answer)]),
        Some(&pending),
    )
    .await;
    assert_refused(&app, answered, "another person's passkey at step 2").await;
    // A cancelled prompt is a wrong answer too.
    let (body, _) = call(&app, "/api/answer_with_passkey", "answer=", Some(&pending)).await;
    assert_eq!(body, refused);
    let misses: i64 = sqlx::query_scalar("SELECT in_a_row FROM second_step_misses WHERE user_id = $1")
        .bind(jane)
        .fetch_one(app.pool())
        .await
        .unwrap();
    assert_eq!(misses, 2, "both counted as wrong answers at step 2");
    assert!(app.me(&pending).await.contains("null"), "still signed out");

    // Two browsers at step 2, each given its challenge before either answers, and a
    // cloned key answering in one of them: its counter is no further than the first
    // answer's, which only the check inside the write can see.
    let mut in_browsers = Vec::new();
    for _ in 0..2 {
        let (_, pending) = app.login("jdoe", PERSON_PASSWORD, None).await;
        let pending = pending.unwrap();
        let (options, _) = call(&app, "/api/passkey_step_two_options", "", Some(&pending)).await;
        let options: String = serde_json::from_str::<Option<String>>(&options).unwrap().unwrap();
        in_browsers.push((pending, options));
    }
    let mut cloned = janes_key.clone_key();
    let first = form(&[("answer", &janes_key.get(&in_browsers[0].1, SITE))]);
    let second = form(&[("answer", &cloned.get(&in_browsers[1].1, SITE))]);
    let (body, _) = call(&app, "/api/answer_with_passkey", &first, Some(&in_browsers[0].0)).await;
    assert_eq!(body, r#"{"SignedIn":{"next":"/"}}"#);
    let answered = call(&app, "/api/answer_with_passkey", &second, Some(&in_browsers[1].0)).await;
    assert_refused(&app, answered, "a cloned key's answer to an earlier challenge").await;
    let _ = bob;
}

#[tokio::test]
async fn removed_or_reset_passkeys_no_longer_sign_in() {
    let capture = SmtpCapture::start().await;
    let app = TestApp::with_mail(&capture.url).await;
    let (jane, cookie) = jane_signed_in(&app).await;
    let mut first = SoftKey::new();
    let mut second = SoftKey::new();
    assert_eq!(
        add_passkey(&app, &cookie, PERSON_PASSWORD, &mut first, SITE).await,
        r#""Done""#
    );
    assert_eq!(
        add_passkey(&app, &cookie, PERSON_PASSWORD, &mut second, SITE).await,
        r#""Done""#
    );
    let listed = methods(&app, &cookie).await.passkeys;
    assert_eq!(listed.len(), 2);

    // Renaming asks nothing and is audited with both names.
    let id = listed[0].id.to_string();
    let (renamed, _) = call(
        &app,
        "/api/rename_passkey",
        &form(&[("id", &id), ("name", "Old laptop")]),
        Some(&cookie),
    )
    .await;
    assert_eq!(renamed, r#""Done""#);
    let detail: String = sqlx::query_scalar("SELECT detail FROM audit WHERE kind = 'passkey_renamed'")
        .fetch_one(app.pool())
        .await
        .unwrap();
    assert_eq!(detail, format!("passkey {id}: Office laptop → Old laptop"));

    // Removing asks for the password, and only the owner's own passkey goes.
    let (wrong, _) = call(
        &app,
        "/api/remove_passkey",
        &form(&[("id", &id), ("password", "not it")]),
        Some(&cookie),
    )
    .await;
    assert!(wrong.contains("Refused"), "{wrong}");
    let bob = app.add_person("bob", Some("bob@example.com")).await;
    let bobs_cookie = app.login("bob", PERSON_PASSWORD, None).await.1.unwrap();
    let (not_bobs, _) = call(
        &app,
        "/api/remove_passkey",
        &form(&[("id", &id), ("password", PERSON_PASSWORD)]),
        Some(&bobs_cookie),
    )
    .await;
    assert!(not_bobs.contains("Refused"), "{not_bobs}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM passkeys").await, 2);
    let (done, _) = call(
        &app,
        "/api/remove_passkey",
        &form(&[("id", &id), ("password", PERSON_PASSWORD)]),
        Some(&cookie),
    )
    .await;
    assert_eq!(done, r#""Done""#);
    assert!(app.audit_kinds().await.contains(&"passkey_removed".to_string()));
    assert!(
        sign_in_alone(&app, &mut first, SITE).await.0.contains("Refused"),
        "the removed passkey"
    );
    assert!(
        sign_in_alone(&app, &mut second, SITE)
            .await
            .0
            .contains("SignedIn"),
        "the other one"
    );

    // An administrator's reset removes every passkey.
    let admin = app.login("admin", ADMIN_PASSWORD, None).await.1.unwrap();
    let (reset, _) = call(
        &app,
        "/api/reset_two_step_methods",
        &format!("id={jane}"),
        Some(&admin),
    )
    .await;
    assert_eq!(reset, r#""Done""#);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM passkeys").await, 0);
    assert!(
        sign_in_alone(&app, &mut second, SITE).await.0.contains("Refused"),
        "after the reset"
    );

    // The reset forgets Jane's handle: an authenticator that kept it names nobody.
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM passkey_handles WHERE user_id = {jane}")
        )
        .await,
        0
    );

    // The operator's reset-methods too (the same change through the same owner).
    let cookie = app.login("jdoe", PERSON_PASSWORD, None).await.1.unwrap();
    let mut third = SoftKey::new();
    assert_eq!(
        add_passkey(&app, &cookie, PERSON_PASSWORD, &mut third, SITE).await,
        r#""Done""#
    );
    app::operator::reset_methods(&app.state.db, "jdoe", app.clock.now())
        .await
        .unwrap();
    assert_eq!(count(&app, "SELECT COUNT(*) FROM passkeys").await, 0);
    assert!(
        sign_in_alone(&app, &mut third, SITE).await.0.contains("Refused"),
        "after the operator's reset"
    );
    let _ = bob;
}

#[tokio::test]
async fn at_most_ten_passkeys_and_a_passkey_counts_on_the_readiness_list() {
    let app = TestApp::new().await;
    // Jane has no email: without a passkey, two-step would lock her out.
    let jane = app.add_person("jdoe", None).await;
    let cookie = app.login("jdoe", PERSON_PASSWORD, None).await.1.unwrap();
    let unreachable = || async {
        app::security_settings::store::unreachable(&app.state.db, false)
            .await
            .unwrap()
            .iter()
            .any(|person| person.id == jane)
    };
    assert!(unreachable().await);
    for added in 1..=10 {
        assert_eq!(
            add_passkey(&app, &cookie, PERSON_PASSWORD, &mut SoftKey::new(), SITE).await,
            r#""Done""#
        );
        if added == 6 {
            // Each one is mailed, and notices of one kind are limited per hour.
            let (seventh, _) = call(
                &app,
                "/api/begin_adding_passkey",
                &form(&[("password", PERSON_PASSWORD), ("name", "seventh")]),
                Some(&cookie),
            )
            .await;
            let mut key = SoftKey::new();
            let PasskeyStart::Ask(options) = serde_json::from_str(&seventh).unwrap() else {
                panic!("{seventh}");
            };
            let answer = key.create(&options, SITE);
            let (refused, _) = call(
                &app,
                "/api/finish_adding_passkey",
                &form(&[("answer", &answer)]),
                Some(&cookie),
            )
            .await;
            assert!(refused.contains("too often"), "{refused}");
            assert_eq!(
                count(&app, "SELECT COUNT(*) FROM passkeys").await,
                6,
                "not added unmailed"
            );
            app.clock.advance(60 * 60);
        }
    }
    assert!(!unreachable().await, "a passkey is a way in");
    let (eleventh, _) = call(
        &app,
        "/api/begin_adding_passkey",
        &form(&[("password", PERSON_PASSWORD), ("name", "one more")]),
        Some(&cookie),
    )
    .await;
    assert!(eleventh.contains("the most allowed"), "{eleventh}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM passkeys").await, 10);
}

#[test]
fn the_relying_party_is_the_public_origins_host() {
    use app::auth::passkeys::RelyingParty;
    assert!(RelyingParty::new(Some("https://plan.example.com"), None).is_ok());
    assert!(RelyingParty::new(None, Some(3000)).is_ok());
    let by_address = RelyingParty::new(Some("https://10.0.0.5"), None).err().unwrap();
    assert!(by_address.contains("host name"), "{by_address}");
    assert!(RelyingParty::new(Some("not a url"), None).is_err());
}

/// The store's SQL on each backend: a passkey added, used (its counter and time written),
/// a cloned key's older counter refused, renamed, removed.
async fn passkeys_on_each_backend(backend: Backend) {
    let capture = SmtpCapture::start().await;
    let app = TestApp::on(backend, &capture.url).await;
    let (_, cookie) = jane_signed_in(&app).await;
    let mut key = SoftKey::new();
    assert_eq!(
        add_passkey(&app, &cookie, PERSON_PASSWORD, &mut key, SITE).await,
        r#""Done""#
    );
    let mut cloned = key.clone_key();
    assert!(sign_in_alone(&app, &mut key, SITE).await.0.contains("SignedIn"));
    let listed = methods(&app, &cookie).await.passkeys;
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used.is_some());
    assert!(
        sign_in_alone(&app, &mut cloned, SITE).await.0.contains("Refused"),
        "the cloned key's counter is behind"
    );
    let id = listed[0].id.to_string();
    let (renamed, _) = call(
        &app,
        "/api/rename_passkey",
        &form(&[("id", &id), ("name", "  Desk key ")]),
        Some(&cookie),
    )
    .await;
    assert_eq!(renamed, r#""Done""#);
    assert_eq!(methods(&app, &cookie).await.passkeys[0].name, "Desk key");
    let (removed, _) = call(
        &app,
        "/api/remove_passkey",
        &form(&[("id", &id), ("password", PERSON_PASSWORD)]),
        Some(&cookie),
    )
    .await;
    assert_eq!(removed, r#""Done""#);
    assert!(methods(&app, &cookie).await.passkeys.is_empty());
    assert!(sign_in_alone(&app, &mut key, SITE).await.0.contains("Refused"));
}

app::on_both_backends!(passkeys_on_each_backend);
