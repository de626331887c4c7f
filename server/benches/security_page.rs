//! System › Security figures: how long a delete on one page takes to reach another open
//! page's event stream, and how long the first page of 10,000 trusted entries takes.
//! The real router in process, a file database. Run with `make bench`.

#[path = "../tests/common/mod.rs"]
mod common;

use common::*;
use futures::StreamExt;
use http::header;
use std::time::{Duration, Instant};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
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
        let id = app::security::trust::trust(&app.pool, 1, ip, 30, now)
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

    // 10,000 entries (people of 100 entries each), first page as the page asks for it.
    for person in 0..100 {
        let id = app.add_person(&format!("person{person:03}"), None).await;
        let mut tx = app.pool.begin().await.unwrap();
        for n in 0..100 {
            let ip = format!("10.{person}.{n}.1").parse().unwrap();
            app::security::trust::trust(&mut *tx, id, ip, 30, now)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }
    let mut took = Vec::new();
    for _ in 0..100 {
        let started = Instant::now();
        let response = app
            .send(post(
                "/api/trusted_networks",
                "filter=&order=NewestFirst&offset=0",
                Some(&admin),
            ))
            .await;
        let body = body_text(response).await;
        took.push(started.elapsed());
        assert!(
            body.contains(r#""total":10000"#),
            "{}",
            &body[..200.min(body.len())]
        );
    }
    took.sort();
    println!(
        "Security page, first page of 10,000 trusted entries, 100 requests: p50 {:.2} ms, p99 {:.2} ms (target p99 < 50 ms)",
        ms(percentile(&took, 0.5)),
        ms(percentile(&took, 0.99))
    );
}
