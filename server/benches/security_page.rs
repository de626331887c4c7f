//! System › Security: how long a delete on one page takes to reach another open page's
//! event stream. The real router in process, a file database. Run with `make bench`
//! (the first page of 10,000 entries is in the `load` bench's table).

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
}
