//! How long from pressing **Sign in** (the password-step request) until the code mail
//! has reached an SMTP server on loopback, and how long a whole sign-in takes with a
//! mailed code beside one with an authenticator app (password → code → signed in): the
//! real router, real argon2id parameters, a real SMTP exchange. Run with `make bench`.

#[path = "../tests/common/mod.rs"]
mod common;

use app::clock::Clock;
use app::smtp_capture::SmtpCapture;
use common::*;
use std::time::{Duration, Instant};

const ROUNDS: usize = 20;

#[tokio::main]
async fn main() {
    let mut capture = SmtpCapture::start().await;
    let app = TestApp::with_mail(&capture.url).await;
    app::settings::set_two_step_enabled(&app.pool, true)
        .await
        .unwrap();

    let mut took = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        // Past the five-codes-per-fifteen-minutes cap of the previous round.
        app.clock.advance(15 * 60);
        let started = Instant::now();
        let body = body_text(app.send(login_request("admin", ADMIN_PASSWORD, None)).await).await;
        assert!(body.contains("CodeRequired"), "{body}");
        capture.next_code().await;
        took.push(started.elapsed());
    }
    print_spread("sign in → code mail at the SMTP server", took);

    // Whole sign-ins: the mailed code typed the moment it arrives, and the app's code.
    let app_user = app.add_person_holding("appuser", &[]).await;
    let now = app.clock.now();
    let key = app.state.secret_key.clone();
    let secret = app::auth::authenticator::begin_setup(&app.state.db, &key, app_user, now)
        .await
        .unwrap()
        .unwrap();
    let code_now = |secret: &[u8]| {
        let step = app.clock.now() / app::auth::totp::STEP_SECONDS;
        app::auth::totp::code_at_step(secret, step, app::auth::totp::DIGITS).unwrap()
    };
    let confirmed =
        app::auth::authenticator::check(&app.state.db, &key, app_user, &code_now(&secret), true, now)
            .await
            .unwrap();
    assert_eq!(confirmed, app::auth::authenticator::AppCode::Accepted);
    let (mut mailed, mut with_app) = (Vec::with_capacity(ROUNDS), Vec::with_capacity(ROUNDS));
    for _ in 0..ROUNDS {
        app.clock.advance(15 * 60);
        let started = Instant::now();
        let (body, pending) = app.login("admin", ADMIN_PASSWORD, None).await;
        assert!(body.contains("Sent"), "{body}");
        let code = capture.next_code().await;
        let answer = app
            .send(post(
                "/api/verify_code",
                &format!("code={code}"),
                pending.as_deref(),
            ))
            .await;
        assert!(body_text(answer).await.contains("SignedIn"));
        mailed.push(started.elapsed());

        let started = Instant::now();
        let (body, pending) = app.login("appuser", PERSON_PASSWORD, None).await;
        assert!(body.contains(r#""way":"App""#), "{body}");
        let form = format!("code={}", code_now(&secret));
        let answer = app
            .send(post("/api/verify_code", &form, pending.as_deref()))
            .await;
        assert!(body_text(answer).await.contains("SignedIn"));
        with_app.push(started.elapsed());
    }
    print_spread(
        "whole sign-in with a mailed code (password → mail → code → signed in)",
        mailed,
    );
    print_spread(
        "whole sign-in with an authenticator app (password → app code → signed in)",
        with_app,
    );
}

fn print_spread(what: &str, mut took: Vec<Duration>) {
    took.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let n = took.len();
    println!(
        "{what}, {n} rounds: median {:.1} ms, min {:.1} ms, max {:.1} ms",
        ms(took[n / 2]),
        ms(took[0]),
        ms(took[n - 1]),
    );
}
