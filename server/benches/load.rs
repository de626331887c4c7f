//! The load figures of issue 6, each a ratio against a baseline measured in the same run
//! where there is one: the real server binary (release) on a fresh database on loopback,
//! driven by a Rust client in this process. Prints one table and writes the same figures
//! to `target/bench/report.json`. Run with `make bench` (after `make build`).

#[path = "../tests/binary/mod.rs"]
mod binary;

use binary::{ADMIN_PASSWORD, Server, admin_login, sign_in};

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const RUN: Duration = Duration::from_secs(4);

struct Figure {
    name: &'static str,
    value: String,
    target: &'static str,
    pass: bool,
}

fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// Raw argon2id verifies per second with the product's parameters, one thread per core.
fn raw_argon2_per_second() -> f64 {
    let argon = Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19_456, 2, 1, None).unwrap(),
    );
    let salt = SaltString::encode_b64(b"bench-salt-16byt").unwrap();
    let stored = argon
        .hash_password(ADMIN_PASSWORD.as_bytes(), &salt)
        .unwrap()
        .to_string();
    let count = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let threads: Vec<_> = (0..cores())
        .map(|_| {
            let (stored, count, argon) = (stored.clone(), count.clone(), argon.clone());
            std::thread::spawn(move || {
                let parsed = PasswordHash::new(&stored).unwrap();
                while started.elapsed() < RUN {
                    argon.verify_password(ADMIN_PASSWORD.as_bytes(), &parsed).unwrap();
                    count.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    count.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

/// Runs `clients` loops of `request` for `RUN`; returns requests/s and sorted latencies.
async fn drive<F, Fut>(clients: usize, request: F) -> (f64, Vec<Duration>)
where
    F: Fn() -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let request = request.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while started.elapsed() < RUN {
                    let one = Instant::now();
                    assert!(request().await, "a request failed during the run");
                    latencies.push(one.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let rate = all.len() as f64 / started.elapsed().as_secs_f64();
    all.sort();
    (rate, all)
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
}

async fn compressed_size(client: &reqwest::Client, url: &str) -> usize {
    // reqwest here decodes nothing (no compression features): the bytes are as served.
    let response = client
        .get(url)
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{url}: {}", response.status());
    response.bytes().await.unwrap().len()
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("twostep-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut figures = Vec::new();

    let raw = raw_argon2_per_second();
    let server = Server::start(&dir).await;
    let base = server.base.clone();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(128)
        .build()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let idle_kib = server.memory_kib("VmRSS:");

    // Sign-ins per second over HTTP against raw argon2 on the same cores.
    let (signins, _) = drive(cores() * 2, {
        let (client, base) = (client.clone(), base.clone());
        move || {
            let (client, base) = (client.clone(), base.clone());
            async move { sign_in(&client, &base).await.is_some() }
        }
    })
    .await;
    let ratio = signins / raw;
    figures.push(Figure {
        name: "password-step sign-ins/s ÷ raw argon2id verifies/s",
        value: format!("{signins:.1} ÷ {raw:.1} = {ratio:.2}"),
        target: "≥ 0.95",
        pass: ratio >= 0.95,
    });

    // Session-checked server function against /healthz, 64 connections.
    let cookie = sign_in(&client, &base).await.unwrap();
    let (health, _) = drive(64, {
        let (client, base) = (client.clone(), base.clone());
        move || {
            let (client, base) = (client.clone(), base.clone());
            async move {
                client
                    .get(format!("{base}/healthz"))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success())
            }
        }
    })
    .await;
    let (me, latencies) = drive(64, {
        let (client, base, cookie) = (client.clone(), base.clone(), cookie.clone());
        move || {
            let (client, base, cookie) = (client.clone(), base.clone(), cookie.clone());
            async move {
                match client
                    .post(format!("{base}/api/me"))
                    .header("origin", &base)
                    .header("cookie", &cookie)
                    .header("content-length", "0")
                    .send()
                    .await
                {
                    Ok(r) => r.status().is_success() && r.text().await.is_ok_and(|t| t.contains("admin")),
                    Err(_) => false,
                }
            }
        }
    })
    .await;
    let ratio = me / health;
    let p99 = pct(&latencies, 0.99);
    figures.push(Figure {
        name: "session-checked /api/me req/s ÷ /healthz req/s (64 conns); p50 / p99",
        value: format!(
            "{me:.0} ÷ {health:.0} = {ratio:.2}; {:.2} / {p99:.2} ms",
            pct(&latencies, 0.5)
        ),
        target: "≥ 0.6, p99 < 5 ms",
        pass: ratio >= 0.6 && p99 < 5.0,
    });

    // Bytes of JS + WASM for /login, compressed as served.
    let js = compressed_size(&client, &format!("{base}/pkg/twostep.js")).await;
    let wasm = compressed_size(&client, &format!("{base}/pkg/twostep.wasm")).await;
    let kb = (js + wasm) as f64 / 1000.0;
    figures.push(Figure {
        name: "JS + WASM for /login, compressed as served",
        value: format!(
            "{kb:.0} KB (JS {:.0} KB, WASM {:.0} KB)",
            js as f64 / 1000.0,
            wasm as f64 / 1000.0
        ),
        target: "≤ 200 KB",
        pass: kb <= 200.0,
    });

    // Peak memory in a 64-client sign-in flood.
    let before_flood = server.memory_kib("VmHWM:");
    let _ = drive(64, {
        let (client, base) = (client.clone(), base.clone());
        move || {
            let (client, base) = (client.clone(), base.clone());
            async move {
                // 503 from the bounded queue is an answer too.
                admin_login(&client, &base).send().await.is_ok()
            }
        }
    })
    .await;
    let peak = server.memory_kib("VmHWM:").max(before_flood);
    let bound = idle_kib + cores() as u64 * 19 * 1024 + 20 * 1024;
    figures.push(Figure {
        name: "server peak memory, 64-client sign-in flood (idle RSS)",
        value: format!(
            "{:.1} MiB (idle {:.1} MiB)",
            peak as f64 / 1024.0,
            idle_kib as f64 / 1024.0
        ),
        target: "≤ idle + cores × 19 MiB + 20 MiB",
        pass: peak <= bound,
    });
    drop(server);

    println!("\n{:<72} {:<44} {:<30} result", "figure", "measured", "target");
    for f in &figures {
        println!(
            "{:<72} {:<44} {:<30} {}",
            f.name,
            f.value,
            f.target,
            if f.pass { "pass" } else { "MISS" }
        );
    }
    let report: Vec<_> = figures
        .iter()
        .map(|f| serde_json::json!({"figure": f.name, "measured": f.value, "target": f.target, "pass": f.pass}))
        .collect();
    let out = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/bench");
    std::fs::create_dir_all(out).unwrap();
    std::fs::write(
        format!("{out}/report.json"),
        serde_json::to_string_pretty(&serde_json::json!({"cores": cores(), "figures": report})).unwrap(),
    )
    .unwrap();
    println!("written to target/bench/report.json");
    let _ = std::fs::remove_dir_all(&dir);
}
