//! How long from pressing **Sign in** (the password-step request) until the code mail
//! has reached an SMTP server on loopback, and how long a whole sign-in takes with a
//! mailed code, with an authenticator app (password → code → signed in) and with a
//! passkey alone (options → the authenticator signs → signed in; the signing is the
//! tests' software key, a real one adds the person's touch): the real router, real
//! argon2id parameters, a real SMTP exchange. Run with `make bench`.

#[path = "../tests/suite/common/mod.rs"]
mod common;

use app::clock::Clock;
use app::smtp_capture::SmtpCapture;
use common::soft_key::{SITE, SoftKey, add_passkey, sign_in_alone};
use common::*;
use std::time::{Duration, Instant};

const ROUNDS: usize = 20;
/// Paired rounds of the mail figure: one raw verify, then one sign-in, so both see the
/// same moment of a shared machine (apart, the verify alone moved by 4 ms run to run).
const PAIRED_ROUNDS: usize = 40;

#[tokio::main]
async fn main() {
    let mut capture = SmtpCapture::start().await;
    let app = TestApp::with_mail(&capture.url).await;
    app::settings::set_two_step_enabled(app.pool(), true)
        .await
        .unwrap();

    let raw = RawVerify::new();
    let (mut took, mut verifies, mut beyond) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..PAIRED_ROUNDS {
        let verify = raw.once();
        // Past the five-codes-per-fifteen-minutes cap of the previous round.
        app.clock.advance(15 * 60);
        let started = Instant::now();
        let body = body_text(app.send(login_request("admin", ADMIN_PASSWORD, None)).await).await;
        assert!(body.contains("CodeRequired"), "{body}");
        capture.next_code().await;
        took.push(started.elapsed());
        verifies.push(Duration::from_secs_f64(verify / 1000.0));
        beyond.push(started.elapsed().as_secs_f64() * 1000.0 - verify);
    }
    let to_mail = print_spread("sign in → code mail at the SMTP server", took);
    let verify = print_spread("  one raw argon2id verify, the same rounds", verifies);
    // The goal of issue 16: no more than one argon2id verify (the part that must take
    // time) and 5 ms for everything else. Judged on each round's own difference.
    beyond.sort_by(f64::total_cmp);
    let overhead = beyond[beyond.len() / 2];
    let goal_met = overhead <= 5.0;
    println!(
        "  beyond the verify, median of the rounds' differences: {overhead:.1} ms; goal ≤ 5 ms: {}",
        if goal_met { "pass" } else { "MISS" }
    );

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
    let mailed = print_spread(
        "whole sign-in with a mailed code (password → mail → code → signed in)",
        mailed,
    );
    let with_app = print_spread(
        "whole sign-in with an authenticator app (password → app code → signed in)",
        with_app,
    );

    // A passkey alone: added once (signed in with a mailed code), then used each round.
    app.add_person_holding("keyuser", &[]).await;
    app.clock.advance(15 * 60);
    let (body, pending) = app.login("keyuser", PERSON_PASSWORD, None).await;
    assert!(body.contains("Sent"), "{body}");
    let form = format!("code={}", capture.next_code().await);
    let answer = app
        .send(post("/api/verify_code", &form, pending.as_deref()))
        .await;
    let cookie = session_cookie(&answer).expect("signed in");
    let mut key = SoftKey::new();
    assert_eq!(
        add_passkey(&app, &cookie, PERSON_PASSWORD, &mut key, SITE).await,
        r#""Done""#
    );
    let mut with_passkey = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let (body, _) = sign_in_alone(&app, &mut key, SITE).await;
        assert!(body.contains("SignedIn"), "{body}");
        with_passkey.push(started.elapsed());
    }
    let with_passkey = print_spread(
        "whole sign-in with a passkey alone (options → signed answer → signed in)",
        with_passkey,
    );

    // For the load bench, which runs after this one in `make bench` and puts these rows
    // into its table and `target/bench/report.json`. No goal: `pass` is null.
    let rows = serde_json::json!([
        {
            "figure": "sign in → code mail at the SMTP server, 40 rounds paired with a raw verify",
            "measured": format!("{to_mail:.1} ms; verify {verify:.1} ms; beyond it {overhead:.1} ms"),
            "target": "≤ one verify + 5 ms",
            "pass": goal_met,
        },
        {
            "figure": "whole sign-in, mailed code typed on arrival, median of 20",
            "measured": format!("{mailed:.1} ms"),
            "target": "",
            "pass": null,
        },
        {
            "figure": "whole sign-in, authenticator app, median of 20",
            "measured": format!("{with_app:.1} ms"),
            "target": "",
            "pass": null,
        },
        {
            "figure": "whole sign-in, passkey alone (software key), median of 20",
            "measured": format!("{with_passkey:.1} ms"),
            "target": "",
            "pass": null,
        },
    ]);
    let out = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/bench");
    std::fs::create_dir_all(out).unwrap();
    std::fs::write(
        format!("{out}/sign_in_to_mail.json"),
        serde_json::to_string_pretty(&rows).unwrap(),
    )
    .unwrap();
}

/// Prints the spread of `took` and returns its median in ms.
fn print_spread(what: &str, mut took: Vec<Duration>) -> f64 {
    took.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let n = took.len();
    println!(
        "{what}, {n} rounds: median {:.1} ms, min {:.1} ms, max {:.1} ms",
        ms(took[n / 2]),
        ms(took[0]),
        ms(took[n - 1]),
    );
    ms(took[n / 2])
}

/// One argon2id verify with the product's parameters, on demand.
struct RawVerify {
    argon: argon2::Argon2<'static>,
    stored: String,
}

impl RawVerify {
    fn new() -> RawVerify {
        use argon2::password_hash::{PasswordHasher as _, SaltString};
        use argon2::{Algorithm, Argon2, Params, Version};
        let argon = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(19_456, 2, 1, None).unwrap(),
        );
        let salt = SaltString::encode_b64(b"bench-salt-16byt").unwrap();
        let stored = argon.hash_password(b"a password", &salt).unwrap().to_string();
        RawVerify { argon, stored }
    }

    /// Milliseconds for one verify.
    fn once(&self) -> f64 {
        use argon2::password_hash::{PasswordHash, PasswordVerifier};
        let parsed = PasswordHash::new(&self.stored).unwrap();
        let started = Instant::now();
        self.argon.verify_password(b"a password", &parsed).unwrap();
        started.elapsed().as_secs_f64() * 1000.0
    }
}
