//! What an operator watches (issue 30), against the real binary. The log in JSON
//! (`TWOSTEP_LOG_FORMAT=json`) over a whole two-step sign-in: every line is a JSON object,
//! the lines of a request carry its id (the one the answer names in `X-Request-Id`), and
//! no password, code, cookie or token appears anywhere in it. The metrics
//! (`TWOSTEP_METRICS_ADDR`): on their own listener only, named as documented, moving
//! with a sign-in, with no person's name or address in a label.

use crate::binary;

use app::smtp_capture::SmtpCapture;
use binary::{ADMIN_PASSWORD, Server, call, password_step, session_cookie, sign_in};
use std::process::Stdio;

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("twostep-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The value of the cookie `name` a response sets.
fn cookie_value(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.strip_prefix(&format!("{name}="))
                .map(|rest| rest.split(';').next().unwrap_or("").to_string())
        })
}

/// Whether `secret` is in `text` on its own: a six-digit code is also found inside a
/// longer run of digits (a timestamp's microseconds), which is no leak.
fn holds(text: &str, secret: &str) -> bool {
    let digit_at = |i: Option<usize>| {
        i.and_then(|i| text.as_bytes().get(i))
            .is_some_and(u8::is_ascii_digit)
    };
    text.match_indices(secret)
        .any(|(at, _)| !digit_at(at.checked_sub(1)) && !digit_at(Some(at + secret.len())))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_json_log_of_a_whole_sign_in_holds_request_ids_and_no_secret() {
    let dir = temp_dir("json-log");
    let log_path = dir.join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut capture = SmtpCapture::start().await;
    let server = Server::start_logging(
        &dir,
        &[
            ("TWOSTEP_LOG_FORMAT", "json"),
            ("RUST_LOG", "info"),
            ("TWOSTEP_SMTP_URL", &capture.url),
        ],
        Stdio::from(log),
    )
    .await;
    let client = reqwest::Client::new();
    let admin = sign_in(&client, &server.base).await.expect("signed in");
    let on = call(&client, &server.base, &admin, "set_two_step", "enabled=true").await;
    assert!(on.is_some_and(|b| b.contains("Saved")));

    // Step 1, the mailed code, a wrong code, then the right one with Trust this IP.
    let step_one = password_step(&client, &server.base, "admin", ADMIN_PASSWORD)
        .send()
        .await
        .unwrap();
    let request_id = step_one
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("every answer names its request")
        .to_string();
    let pending = session_cookie(&step_one).expect("a pending session");
    assert!(step_one.text().await.unwrap().contains("CodeRequired"));
    // The mail that two-step authentication was turned on comes too, before or after.
    let mut code = None;
    for _ in 0..3 {
        code = app::smtp_capture::code_in(&capture.next_message().await);
        if code.is_some() {
            break;
        }
    }
    let code = code.expect("a code mail");
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    let refused = call(
        &client,
        &server.base,
        &pending,
        "verify_code",
        &format!("code={wrong}"),
    )
    .await;
    assert!(refused.is_some_and(|b| b.contains("Refused")));
    let step_two = client
        .post(format!("{}/api/verify_code", server.base))
        .header("origin", &server.base)
        .header("cookie", &pending)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("code={code}&trust=on"))
        .send()
        .await
        .unwrap();
    let session = cookie_value(&step_two, "twostep_session").expect("a signed-in session");
    let device = cookie_value(&step_two, "twostep_device").expect("a device cookie");
    assert!(step_two.text().await.unwrap().contains("SignedIn"));
    let me = call(
        &client,
        &server.base,
        &format!("twostep_session={session}"),
        "me",
        "",
    )
    .await;
    assert!(me.is_some_and(|b| b.contains("Administrator")));
    drop(server);

    let text = std::fs::read_to_string(&log_path).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    assert!(lines.len() > 10, "the run was logged: {text}");
    // The request of step 1: its lines carry the id its answer named.
    let of_step_one: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|line| line["span"]["id"] == request_id.as_str())
        .collect();
    assert!(
        of_step_one
            .iter()
            .any(|line| line["span"]["path"] == "/api/login" && line["fields"]["message"] == "answered"),
        "step 1's lines carry its id {request_id}: {text}"
    );
    let mut ids: Vec<&str> = lines
        .iter()
        .filter_map(|line| line["span"]["id"].as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert!(ids.len() >= 6, "one id per request: {ids:?}");
    for (what, secret) in [
        ("the password", ADMIN_PASSWORD.to_string()),
        ("the code", code.clone()),
        ("the wrong code", wrong.clone()),
        (
            "the pending session cookie",
            pending.trim_start_matches("twostep_session=").to_string(),
        ),
        ("the session cookie", session.clone()),
        ("the device cookie", device.clone()),
    ] {
        assert!(!secret.is_empty());
        assert!(!holds(&text, &secret), "{what} is in the log");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The value of the sample `name{labels}` in a Prometheus text page, if present.
fn sample(page: &str, series: &str) -> Option<f64> {
    page.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_on_their_own_listener_and_move_with_a_sign_in() {
    let dir = temp_dir("metrics");
    let metrics_addr = format!("127.0.0.1:{}", free_port());
    let server = Server::start_with(&dir, &[("TWOSTEP_METRICS_ADDR", &metrics_addr)]).await;
    let client = reqwest::Client::new();
    let scrape = || async {
        let response = client
            .get(format!("http://{metrics_addr}/metrics"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/plain; version=0.0.4")
        );
        response.text().await.unwrap()
    };

    // The public listener has no such page: like any unknown page, it sends the browser
    // to sign in.
    let not_following = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let public = not_following
        .get(format!("{}/metrics", server.base))
        .send()
        .await
        .unwrap();
    assert!(public.status().is_redirection(), "{}", public.status());
    assert!(!public.text().await.unwrap().contains("# TYPE"));

    let before = scrape().await;
    let ok = r#"twostep_security_events_total{kind="sign_in_ok"}"#;
    let failed = r#"twostep_security_events_total{kind="sign_in_failed"}"#;
    let signed_in_before = sample(&before, ok).unwrap_or(0.0);
    let admin = sign_in(&client, &server.base).await.expect("signed in");
    // A code by mail (the outbox here): the mail is counted and timed.
    let on = call(&client, &server.base, &admin, "set_two_step", "enabled=true").await;
    assert!(on.is_some_and(|b| b.contains("Saved")));
    let code_step = password_step(&client, &server.base, "admin", ADMIN_PASSWORD)
        .send()
        .await
        .unwrap();
    let pending = session_cookie(&code_step).expect("a pending sign-in");
    assert!(code_step.text().await.unwrap().contains("CodeRequired"));
    // One wrong answer at step 2 (a million to one that it is the code).
    let refused = call(&client, &server.base, &pending, "verify_code", "code=000000").await;
    assert!(refused.is_some_and(|b| b.contains("Refused")));
    let wrong = password_step(&client, &server.base, "admin", "not the password")
        .send()
        .await
        .unwrap();
    assert!(wrong.text().await.unwrap().contains("Incorrect"));
    let after = scrape().await;
    assert_eq!(sample(&after, ok), Some(signed_in_before + 1.0), "{after}");
    assert!(sample(&after, failed).is_some_and(|n| n >= 1.0), "{after}");
    assert!(sample(&after, r#"twostep_password_checks_total{result="match"}"#).is_some_and(|n| n >= 1.0));
    assert!(sample(&after, r#"twostep_password_checks_total{result="mismatch"}"#).is_some_and(|n| n >= 1.0));
    assert!(sample(&after, r#"twostep_security_events_total{kind="code_sent"}"#).is_some_and(|n| n >= 1.0));
    assert_eq!(
        sample(
            &after,
            r#"twostep_second_step_answers_total{way="sent_code",result="refused"}"#
        ),
        Some(1.0),
        "{after}"
    );
    assert_eq!(
        sample(&after, r#"twostep_codes_sent_total{channel="email",result="ok"}"#),
        Some(1.0),
        "{after}"
    );
    assert!(
        sample(
            &after,
            r#"twostep_mail_sent_total{transport="outbox",result="ok"}"#
        )
        .is_some_and(|n| n >= 1.0),
        "{after}"
    );
    assert!(
        sample(
            &after,
            r#"twostep_mail_send_seconds_bucket{transport="outbox",le="+Inf"}"#
        )
        .is_some_and(|n| n >= 1.0),
        "a histogram: {after}"
    );
    for name in [
        "twostep_db_connections{state=\"idle\"}",
        "twostep_db_connections{state=\"in_use\"}",
    ] {
        assert!(sample(&after, name).is_some(), "{name} in {after}");
    }
    // Labels are fixed words: no username, address or password in the whole page.
    for personal in ["admin\"", "127.0.0.1", "not the password", binary::ADMIN_PASSWORD] {
        assert!(!after.contains(personal), "{personal:?} in {after}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
