//! System › Security: how long a delete on one page takes to reach another open page's
//! event stream, and how long the code-skip decision takes (the sign-in's and Check an
//! address's) with 100 office ranges and 100,000 personal trusted entries. The real
//! router in process, a file database. Run with `make bench` (the first page of 10,000
//! entries is in the `load` bench's table).

#[path = "../tests/suite/common/mod.rs"]
mod common;

use common::*;
use futures::StreamExt;
use http::header;
use std::time::{Duration, Instant};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let app = TestApp::new().await;
    let admin = app.login("admin", ADMIN_PASSWORD, None).await.1.unwrap();
    let now = app::clock::Clock::now(&app.clock);

    // Delete → the other page's stream.
    let mut request = get("/api/trusted_events", Some(&admin));
    request
        .headers_mut()
        .insert(header::ACCEPT, "text/event-stream".parse().unwrap());
    let mut other_page = app.send(request).await.into_body().into_data_stream();
    let mut took = Vec::new();
    for i in 0..20 {
        let ip = format!("203.0.113.{i}").parse().unwrap();
        let id = app::trusted_networks::store::trust(app.pool(), 1, ip, 30, now)
            .await
            .unwrap();
        let started = Instant::now();
        let response = app
            .send(post("/api/delete_trusted", &format!("id={id}"), Some(&admin)))
            .await;
        assert!(response.status().is_success());
        other_page.next().await.unwrap().unwrap();
        took.push(started.elapsed());
    }
    took.sort();
    println!(
        "delete on one Security page → event at another, 20 rounds: median {:.2} ms, max {:.2} ms",
        ms(took[10]),
        ms(took[19])
    );
    code_skip_decision(&app).await;
}

/// p50 and p99 of `sample`, in ms.
fn p50_p99(mut sample: Vec<Duration>) -> (f64, f64) {
    sample.sort();
    let at = |q: f64| ms(sample[((sample.len() as f64 * q) as usize).min(sample.len() - 1)]);
    (at(0.50), at(0.99))
}

async fn code_skip_decision(app: &TestApp) {
    use app::auth::code_skip;
    use app::sign_in_details::By;
    let now = app::clock::Clock::now(&app.clock);
    let proxies = app::request::client_addr::TrustedProxies::parse("").unwrap();
    for n in 0..100 {
        let added = app::office_networks::store::add(
            &app.state.db,
            &proxies,
            By::Operator,
            &format!("Office {n}"),
            &format!("10.{n}.0.0/16"),
            now,
        )
        .await
        .unwrap();
        assert!(matches!(added, app::office_networks::AddOutcome::Added { .. }));
    }
    // 100 people with 1,000 entries each, written in one transaction.
    let mut people = Vec::new();
    for n in 0..100 {
        people.push(
            app.add_person(&format!("bench{n}"), Some("bench@example.com"))
                .await,
        );
    }
    let mut tx = app.state.db.begin_write().await.unwrap();
    for (p, id) in people.iter().enumerate() {
        for e in 0..1000u32 {
            let ip: std::net::IpAddr = format!("203.{}.{}.{}", p, e / 256, e % 256).parse().unwrap();
            app::trusted_networks::store::trust(&mut tx, *id, ip, 30, now)
                .await
                .unwrap();
        }
    }
    tx.commit().await.unwrap();

    let mut rng_state = 7u64;
    let mut next = move |below: u64| {
        rng_state = rng_state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (rng_state >> 33) % below
    };
    let (mut sign_in, mut check) = (Vec::new(), Vec::new());
    let mut skipped = 0;
    for round in 0..1000 {
        let person = people[next(100) as usize];
        // A third each: inside an office, a personal entry (someone's), neither.
        let ip: std::net::IpAddr = match round % 3 {
            0 => format!("10.{}.1.{}", next(100), next(250)),
            1 => format!("203.{}.{}.{}", next(100), next(4), next(256)),
            _ => format!("198.51.{}.{}", next(256), next(256)),
        }
        .parse()
        .unwrap();
        let started = Instant::now();
        let decided = code_skip::for_person(&app.state, person, ip, now).await.unwrap();
        sign_in.push(started.elapsed());
        skipped += usize::from(decided.is_some());
        let started = Instant::now();
        code_skip::check(&app.state, ip, now).await.unwrap();
        check.push(started.elapsed());
    }
    let (p50, p99) = p50_p99(sign_in);
    println!(
        "code-skip decision at sign-in, 100 office ranges and 100,000 trusted entries, 1,000 sign-ins ({skipped} skipped): p50 {p50:.3} ms, p99 {p99:.3} ms"
    );
    let (p50, p99) = p50_p99(check);
    println!("Check an address, same data, 1,000 addresses: p50 {p50:.3} ms, p99 {p99:.3} ms");
}
