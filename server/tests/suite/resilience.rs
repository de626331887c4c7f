//! Hostile conditions through the real router (issue 6): a flood of sign-ins, a mail
//! server that drops or stalls, a locked database, many writers at once. Each bounded
//! in time; loopback only.

use crate::common;
use common::*;
use http::StatusCode;
use std::time::Duration;

/// The longest any single request may take before it counts as hung.
const HANG: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_200_sign_ins_gets_an_answer_each_and_no_fault() {
    let app = std::sync::Arc::new(TestApp::new().await);
    let attempts: Vec<_> = (0..200)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                // Half the admin with the right password, half a guess at a username
                // each: the throttle, which stops ten guesses at one name, lets every
                // one of these reach the hashing queue.
                let guess = format!("nobody{i}");
                let (username, password) = if i % 2 == 0 {
                    ("admin", ADMIN_PASSWORD)
                } else {
                    (guess.as_str(), "wrong password")
                };
                let peer = format!("198.51.100.{}", i % 200 + 1);
                let request = login_request(username, password, None);
                let response = tokio::time::timeout(HANG, app.send_from(&peer, request))
                    .await
                    .expect("answered within 30 s");
                let status = response.status();
                (status, body_text(response).await)
            })
        })
        .collect();
    let (mut signed_in, mut refused, mut busy) = (0, 0, 0);
    for attempt in attempts {
        let (status, body) = attempt.await.unwrap();
        match status {
            StatusCode::OK if body.contains("SignedIn") => signed_in += 1,
            StatusCode::OK if body.contains(said().incorrect_credentials) => refused += 1,
            StatusCode::SERVICE_UNAVAILABLE => busy += 1,
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(signed_in + refused + busy, 200);
    assert!(busy > 0, "the bounded hashing queue turned some away");
    assert!(signed_in > 0, "and served others");
    let health = app.send(get("/healthz", None)).await;
    assert_eq!(health.status(), StatusCode::OK, "healthy after the flood");
}

/// An SMTP server on loopback that misbehaves in the given way for every connection.
async fn bad_smtp(behaviour: &'static str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                use tokio::io::AsyncWriteExt;
                match behaviour {
                    "drops" => drop(socket),
                    "refuses" => {
                        let _ = socket.write_all(b"554 no service here\r\n").await;
                    }
                    _ => tokio::time::sleep(Duration::from_secs(60)).await,
                }
            });
        }
    });
    url
}

#[tokio::test]
async fn a_mail_server_that_drops_refuses_or_stalls_gives_a_clear_answer_and_no_session() {
    for behaviour in ["drops", "refuses", "stalls"] {
        let url = bad_smtp(behaviour).await;
        let app = TestApp::with_mail_timeout(&url, Duration::from_millis(500)).await;
        app::settings::set_two_step_enabled(app.pool(), true)
            .await
            .unwrap();
        let response = tokio::time::timeout(HANG, app.send(login_request("admin", ADMIN_PASSWORD, None)))
            .await
            .expect("bounded");
        assert_eq!(response.status(), StatusCode::OK, "{behaviour}");
        assert_eq!(session_cookie(&response), None, "{behaviour}: no session");
        let body = body_text(response).await;
        assert!(body.contains(said().send_failed), "{behaviour}: {body}");
        assert_eq!(app.send(get("/healthz", None)).await.status(), StatusCode::OK);
    }
}

/// Another writer that holds the database past the busy timeout, until it rolls back.
async fn lock_database(app: &TestApp) -> sqlx::pool::PoolConnection<sqlx::Sqlite> {
    let mut holder = app.pool().acquire().await.unwrap();
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut *holder)
        .await
        .unwrap();
    holder
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_database_fails_sign_in_closed_and_recovers() {
    let capture = app::smtp_capture::SmtpCapture::start().await;
    let app = TestApp::with_mail(&capture.url).await;
    app::settings::set_two_step_enabled(app.pool(), true)
        .await
        .unwrap();

    let mut holder = lock_database(&app).await;
    let response = tokio::time::timeout(HANG, app.send(login_request("admin", ADMIN_PASSWORD, None)))
        .await
        .expect("bounded by the busy timeout");
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        session_cookie(&response),
        None,
        "never a session without the code"
    );
    let body = body_text(response).await;
    assert!(body.contains("Busy"), "a clear error: {body}");
    sqlx::query("ROLLBACK").execute(&mut *holder).await.unwrap();
    drop(holder);

    let response = app.send(login_request("admin", ADMIN_PASSWORD, None)).await;
    assert!(body_text(response).await.contains("CodeRequired"), "recovered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_database_is_503_busy_from_every_server_function_that_writes() {
    let app = TestApp::new().await;
    let jdoe = app.add_person("jdoe", None).await;
    let (_, cookie) = app.login("admin", ADMIN_PASSWORD, None).await;
    let cookie = cookie.unwrap();
    // An address to send a code to: turning two-step authentication on gets as far as
    // the write.
    sqlx::query("UPDATE users SET email = 'admin@example.com' WHERE username = 'admin'")
        .execute(app.pool())
        .await
        .unwrap();
    let mut holder = lock_database(&app).await;
    for (path, form) in [
        ("/api/set_two_step", "enabled=true".to_string()),
        (
            "/api/set_permission",
            format!("user_id={jdoe}&permission=Security&granted=true"),
        ),
        ("/api/set_trust_days", "days=7".to_string()),
        (
            "/api/save_person",
            format!("id={jdoe}&name=J&username=jdoe&email=&phone=&mobile=&password="),
        ),
    ] {
        let response = tokio::time::timeout(HANG, app.send(post(path, &form, Some(&cookie))))
            .await
            .expect("bounded by the busy timeout");
        let status = response.status();
        let body = body_text(response).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{path}: {body}");
        assert!(body.contains("Busy"), "{path}: {body}");
    }
    sqlx::query("ROLLBACK").execute(&mut *holder).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_writers_at_once_never_see_the_database_busy() {
    use app::auth::codes::{self, Checked, CodePolicy, Purpose};
    use app::auth::throttle::{self, ThrottlePolicy};
    let app = TestApp::new().await;
    let mut people = Vec::new();
    for i in 0..32 {
        people.push(app.add_person(&format!("writer{i}"), None).await);
    }
    let now = app::clock::Clock::now(&app.clock);
    let writers: Vec<_> = people
        .into_iter()
        .map(|user| {
            let pool = app.state.db.clone();
            let code_key = app.state.secret_key.clone();
            tokio::spawn(async move {
                let key = throttle::TypedName::of(&code_key, &format!("writer{user}"));
                for round in 0..5 {
                    throttle::reserve(
                        &pool,
                        &ThrottlePolicy::default(),
                        &key,
                        &throttle::Source {
                            network: "198.51.100.0/24".into(),
                            site: None,
                        },
                        None,
                        now,
                    )
                    .await
                    .expect("a throttle reservation");
                    // Each pending sign-in has a binding of its own, as at sign-in.
                    let binding = format!("writer {user} round {round}");
                    let issued = codes::issue(
                        &pool,
                        &code_key,
                        &CodePolicy::default(),
                        user,
                        codes::Browser::bound_to(binding.as_bytes()),
                        Purpose::SignIn,
                        now + round,
                    )
                    .await
                    .expect("an issue")
                    .expect("within the cap");
                    let checked = codes::check(
                        &pool,
                        &CodePolicy::default(),
                        issued.id,
                        user,
                        binding.as_bytes(),
                        codes::Answer::Sent(&code_key, &issued.code),
                        now + round,
                    )
                    .await
                    .expect("a check");
                    assert_eq!(checked, Checked::Accepted);
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
}

#[tokio::test]
async fn any_payload_to_any_server_function_gets_an_answer_never_a_fault() {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::{Config, TestRunner};
    let app = TestApp::new().await;
    let admin = app.login("admin", ADMIN_PASSWORD, None).await.1.unwrap();
    let endpoints = [
        "me",
        "people",
        "person",
        "save_person",
        "permission_grid",
        "set_permission",
        "my_account",
        "change_password",
        "security_overview",
        "set_two_step",
        "trusted_networks",
        "delete_trusted",
        "set_trust_days",
        "security_events",
        "my_trusted",
        "delete_my_trusted",
        "verify_code",
        "resend_code",
        "cancel_code",
        "login",
    ];
    // Field names the functions know, with values of any shape, plus raw junk.
    let body = proptest::prop_oneof![
        proptest::collection::vec(
            (
                "(id|name|username|email|phone|mobile|password|active|search|offset|user_id|permission|granted|enabled|days|filter|order|person|kind|code|trust|current|new|next)",
                "[ -~]{0,40}",
            ),
            0..8,
        )
        .prop_map(|pairs| {
            let mut form = form_urlencoded::Serializer::new(String::new());
            for (key, value) in pairs {
                form.append_pair(&key, &value);
            }
            form.finish()
        }),
        "[ -~]{0,200}",
    ];
    let mut runner = TestRunner::new(Config::with_cases(400));
    for case in 0..400 {
        let endpoint = endpoints[case % endpoints.len()];
        let body = body.new_tree(&mut runner).unwrap().current();
        let response = app
            .send(post(&format!("/api/{endpoint}"), &body, Some(&admin)))
            .await;
        let status = response.status();
        assert!(
            !status.is_server_error(),
            "{endpoint} {body:?} → {status}: {}",
            body_text(response).await
        );
    }
}

/// What the flood's requests got.
#[derive(Debug, Default)]
struct FloodFigures {
    sent: usize,
    refused: usize,
    busy: usize,
}

/// Issue 26: a flood from many /64 networks of a few routed /48s keeps the shared
/// hashing places full; a browser with the person's device cookie is still checked.
/// Bounded: 24 tasks stop once the person is through, or after 4,000 requests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_from_many_ipv6_networks_never_refuses_a_browser_with_a_device_cookie() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    const SITES: usize = 4;
    const MOST: usize = 4_000;
    let app = Arc::new(TestApp::new().await);
    let device = admins_device(&app).await;
    let stop = Arc::new(AtomicBool::new(false));
    let next = Arc::new(AtomicUsize::new(0));
    let figures = Arc::new(Mutex::new(FloodFigures::default()));
    let flood: Vec<_> = (0..24)
        .map(|_| {
            let (app, stop, next, figures) = (app.clone(), stop.clone(), next.clone(), figures.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= MOST {
                        break;
                    }
                    // Each request from its own /64 of one of the few /48s.
                    let peer = format!("2001:db8:{}:{:x}::1", n % SITES, n / SITES);
                    let request = login_request(&format!("nobody{n}"), "a guess", None);
                    let status = app.send_from(&peer, request).await.status();
                    let mut figures = figures.lock().unwrap();
                    figures.sent += 1;
                    match status {
                        StatusCode::OK => figures.refused += 1,
                        StatusCode::SERVICE_UNAVAILABLE => figures.busy += 1,
                        other => panic!("{other}"),
                    }
                }
            })
        })
        .collect();
    // The shared places are full (2 running, 16 waiting): the person signs in now, from
    // a /64 of one of the flood's /48s.
    let shared = 2 + 16;
    let began = std::time::Instant::now();
    while app.state.hasher.in_flight() < shared {
        assert!(began.elapsed() < HANG, "the flood never filled the queue");
        tokio::task::yield_now().await;
    }
    let asked = std::time::Instant::now();
    let own = app
        .send_from(
            "2001:db8:1:ffff::10",
            login_with_device("admin", ADMIN_PASSWORD, &device),
        )
        .await;
    let waited = asked.elapsed();
    let own = (own.status(), body_text(own).await);
    stop.store(true, Ordering::Relaxed);
    for task in flood {
        task.await.unwrap();
    }
    let figures = std::mem::take(&mut *figures.lock().unwrap());
    let per_site: Vec<(Option<String>, i64)> =
        sqlx::query_as("SELECT site, COUNT(*) FROM login_failures GROUP BY site ORDER BY site")
            .fetch_all(app.pool())
            .await
            .unwrap();
    eprintln!(
        "flood: {} requests in {:?}: {} refused, {} busy (503); failures kept per /48: {per_site:?}; \
         the device-cookie browser answered {} in {waited:?}",
        figures.sent,
        began.elapsed(),
        figures.refused,
        figures.busy,
        own.0,
    );
    assert_eq!(own, (StatusCode::OK, r#"{"SignedIn":{"next":"/"}}"#.to_string()));
    assert!(figures.busy > 0, "the flood did fill the shared places");
    assert!(
        per_site.iter().all(|(_, failures)| *failures <= 200),
        "no /48 got more than its 200: {per_site:?}"
    );
}

/// `/readyz` is 200 on a migrated database with somewhere for mail to go, and 503 naming
/// the part (and nothing of why) when the schema is not this program's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_needs_the_schema_this_program_expects() {
    let app = TestApp::new().await;
    let ready = app.send(get("/readyz", None)).await;
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(body_text(ready).await, "ready\n");

    // As if an older program had migrated it: one migration short.
    let app::db::Db::Sqlite(pool) = &app.state.db else {
        panic!("the suite's router runs on SQLite");
    };
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)")
        .execute(pool)
        .await
        .unwrap();
    let not_ready = app.send(get("/readyz", None)).await;
    assert_eq!(not_ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body_text(not_ready).await, "not ready: database\n");
    // The process itself still answers.
    assert_eq!(app.send(get("/healthz", None)).await.status(), StatusCode::OK);
}
