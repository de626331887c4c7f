//! How long from pressing **Sign in** (the password-step request) until the code mail
//! has reached an SMTP server on loopback: the real router, real argon2id parameters, a
//! real SMTP exchange. Run with `make bench`.

#[path = "../tests/common/mod.rs"]
mod common;

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
    took.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "sign in → code mail at the SMTP server, {ROUNDS} rounds: median {:.1} ms, min {:.1} ms, max {:.1} ms",
        ms(took[ROUNDS / 2]),
        ms(took[0]),
        ms(took[ROUNDS - 1]),
    );
}
