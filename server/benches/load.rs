//! The load figures of issue 6, each a ratio against a baseline measured in the same run
//! where there is one: the real server binary (release) on a fresh database on loopback,
//! driven by a Rust client in this process. Prints one table and writes the same figures
//! to `target/bench/report.json`. Run with `make bench` (after `make build`).

#[path = "../tests/suite/binary/mod.rs"]
mod binary;
#[path = "../tests/suite/common/watchdog.rs"]
mod watchdog;

use binary::{ADMIN_PASSWORD, Server, admin_login, call, cpu_ticks_of, sign_in};

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const RUN: Duration = Duration::from_secs(4);
/// Paired measurements (figure, then its baseline) per ratio.
const ROUNDS: usize = 3;

struct Figure {
    name: &'static str,
    value: String,
    target: &'static str,
    pass: bool,
}

fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// argon2id with the product's parameters (m=19456 KiB, t=2, p=1) and a stored hash of
/// the admin's password to verify against.
fn product_argon2() -> (Argon2<'static>, String) {
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
    (argon, stored)
}

/// Raw argon2id verifies per second with the product's parameters, one thread per core.
fn raw_argon2_per_second() -> f64 {
    let (argon, stored) = product_argon2();
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
/// The round with the median ratio: (ratio, measured, baseline).
fn median_round(rounds: &mut [(f64, f64, f64)]) -> (f64, f64, f64) {
    rounds.sort_by(|a, b| a.0.total_cmp(&b.0));
    rounds[rounds.len() / 2]
}

/// Every round's ratio, for the table: "rounds 0.91, 0.95, 0.99".
fn round_ratios(rounds: &[(f64, f64, f64)], decimals: usize) -> String {
    let ratios: Vec<String> = rounds.iter().map(|r| format!("{:.decimals$}", r.0)).collect();
    format!("rounds {}", ratios.join(", "))
}

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

/// Adds `people` people with `per_person` trusted networks each, in one transaction,
/// straight into the database file the server uses. Networks are numbered from `first`,
/// so two calls never collide; `network_number` gives the address of a number.
async fn seed_trusted(db: &app::db::Db, first: i64, people: i64, per_person: i64) {
    // The same SQL on both backends.
    app::db::on_db!(db, |pool| {
        let now = unix_now();
        let mut tx = pool.begin().await.unwrap();
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT $1 UNION ALL SELECT i + $3 FROM n WHERE i + $3 < $1 + $2 * $3)
         INSERT INTO users (name, username, username_key, password_hash, created_at, updated_at)
         SELECT 'Bench ' || i, 'bench' || i, 'bench' || i, 'not a hash', $4, $4 FROM n",
        )
        .bind(first)
        .bind(people)
        .bind(per_person)
        .bind(now)
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $1 + $2 * $3)
         INSERT INTO trusted_networks (user_id, network, created_at, expires_at, created_from)
         SELECT (SELECT id FROM users WHERE username_key = 'bench' || (i - (i - $1) % $3)),
                format('10.%s.%s.%s/32', i / 65536 % 256, i / 256 % 256, i % 256),
                $4, $4 + 30 * 86400,
                format('10.%s.%s.%s', i / 65536 % 256, i / 256 % 256, i % 256)
         FROM n",
        )
        .bind(first)
        .bind(people)
        .bind(per_person)
        .bind(now)
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
    })
}

/// The address of trusted network number `i` (see `seed_trusted`).
fn network_number(i: i64) -> std::net::IpAddr {
    std::net::Ipv4Addr::new(
        10,
        (i / 65536 % 256) as u8,
        (i / 256 % 256) as u8,
        (i % 256) as u8,
    )
    .into()
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// `/login` from navigation start until the page is hydrated (its fields and button run
/// the app's code), in Debian's Chromium driven by Playwright: milliseconds, sorted,
/// first with an empty cache each time, then with the cache of one earlier visit.
fn login_interactive(base: &str, runs: usize) -> (Vec<f64>, Vec<f64>) {
    let e2e = concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end");
    let output = std::process::Command::new("node")
        .current_dir(e2e)
        .args(["bench/login-interactive.mjs", base, &runs.to_string()])
        .output()
        .expect("node runs (make setup installs end2end's packages)");
    assert!(
        output.status.success(),
        "login-interactive.mjs failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let sorted = |key: &str| {
        let mut ms: Vec<f64> = report[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        ms.sort_by(f64::total_cmp);
        ms
    };
    (sorted("cold"), sorted("warm"))
}

fn median(sorted: &[f64]) -> f64 {
    sorted[sorted.len() / 2]
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
}

/// The `/pkg/…<extension>` path a page links (content-hashed in a release build).
fn pkg_link(page: &str, extension: &str) -> String {
    page.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.starts_with("/pkg/") && href.ends_with(extension))
        .unwrap_or_else(|| panic!("/login links no {extension} file"))
        .to_string()
}

/// The sibling modules a JS module imports up front (`from "./x.js"`): the browser
/// fetches them before the page can run, so they count as the page's JS.
fn static_imports(module: &str) -> Vec<String> {
    module
        .split("from")
        .skip(1)
        .filter_map(|rest| {
            let rest = rest.trim_start();
            let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            let path = rest[1..].split(quote).next()?;
            path.strip_prefix("./")
                .filter(|p| p.ends_with(".js"))
                .map(str::to_string)
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// A page or file as text (no `Accept-Encoding`, so not compressed).
async fn text_of(client: &reqwest::Client, url: &str) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
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

/// Password-step sign-ins per second over HTTP (spread over `bases`, one instance or
/// several) against raw argon2id on the same cores. Each round measures both back to
/// back, so a slower or faster spell of the machine moves both; the figure is the median
/// round. Returns the ratio and the table's text.
async fn sign_in_ratio(client: &reqwest::Client, bases: &[String]) -> (f64, String) {
    let mut rounds = Vec::new();
    for _ in 0..ROUNDS {
        let raw = raw_argon2_per_second();
        let next = Arc::new(AtomicU64::new(0));
        let (signins, _) = drive(cores() * 2, {
            let (client, bases) = (client.clone(), bases.to_vec());
            move || {
                let (client, bases, next) = (client.clone(), bases.clone(), next.clone());
                async move {
                    let base = &bases[next.fetch_add(1, Ordering::Relaxed) as usize % bases.len()];
                    sign_in(&client, base).await.is_some()
                }
            }
        })
        .await;
        rounds.push((signins / raw, signins, raw));
    }
    let (ratio, signins, raw) = median_round(&mut rounds);
    (
        ratio,
        format!(
            "{signins:.1} ÷ {raw:.1} = {ratio:.3} ({})",
            round_ratios(&rounds, 3)
        ),
    )
}

/// The server's own cost of a sign-in, which the bench client sharing the cores cannot
/// move: the server process's CPU time (utime + stime) over `COUNT` password-step
/// sign-ins, against the CPU time of as many raw argon2id verifies in this process.
/// One at a time on both sides: argon2id is bound by memory, so two verifies at once on
/// two cores each take more CPU time than one alone, which is the hash's cost, not the
/// server's. The two sides alternate in chunks of 20, so a slow spell of the shared
/// machine falls on both (measured one after the other, the verifies alone moved from
/// 368 to 522 ticks between runs).
async fn cpu_ratio(server: &Server, client: &reqwest::Client, base: &str) -> (f64, String) {
    const COUNT: usize = 200;
    const CHUNK: usize = 20;
    let (argon, stored) = product_argon2();
    let parsed = PasswordHash::new(&stored).unwrap();
    let own_stat = format!("/proc/{}/stat", std::process::id());
    let (mut server_ticks, mut raw_ticks) = (0, 0);
    for _ in 0..COUNT / CHUNK {
        let before = server.cpu_ticks();
        let signed_in = drive_count(1, CHUNK, {
            let (client, base) = (client.clone(), base.to_string());
            move || {
                let (client, base) = (client.clone(), base.clone());
                async move { sign_in(&client, &base).await.is_some() }
            }
        })
        .await;
        assert_eq!(signed_in, CHUNK);
        server_ticks += server.cpu_ticks() - before;

        let before = cpu_ticks_of(&own_stat);
        for _ in 0..CHUNK {
            argon.verify_password(ADMIN_PASSWORD.as_bytes(), &parsed).unwrap();
        }
        raw_ticks += cpu_ticks_of(&own_stat) - before;
    }
    let ratio = server_ticks as f64 / raw_ticks.max(1) as f64;
    (
        ratio,
        format!("{server_ticks} ÷ {raw_ticks} clock ticks for {COUNT} = {ratio:.3}"),
    )
}

/// Runs `request` `count` times over `clients` loops; how many succeeded.
async fn drive_count<F, Fut>(clients: usize, count: usize, request: F) -> usize
where
    F: Fn() -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let next = Arc::new(AtomicU64::new(0));
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (request, next) = (request.clone(), next.clone());
            tokio::spawn(async move {
                let mut ok = 0;
                while (next.fetch_add(1, Ordering::Relaxed) as usize) < count {
                    ok += usize::from(request().await);
                }
                ok
            })
        })
        .collect();
    let mut ok = 0;
    for task in tasks {
        ok += task.await.unwrap();
    }
    ok
}

/// The session-checked server function `/api/me` against `/healthz`, `clients`
/// connections: the median round's ratio, the p99 latency of `/api/me` (ms), and the
/// table's text.
async fn me_ratio(client: &reqwest::Client, base: &str, cookie: &str, clients: usize) -> (f64, f64, String) {
    let mut rounds = Vec::new();
    let mut latencies = Vec::new();
    let mut health_latencies = Vec::new();
    for _ in 0..ROUNDS {
        let (health, round_health) = drive(clients, {
            let (client, base) = (client.clone(), base.to_string());
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
        let (me, round_latencies) = drive(clients, {
            let (client, base, cookie) = (client.clone(), base.to_string(), cookie.to_string());
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
        latencies.extend(round_latencies);
        health_latencies.extend(round_health);
        rounds.push((me / health, me, health));
    }
    latencies.sort();
    health_latencies.sort();
    let (ratio, me, health) = median_round(&mut rounds);
    let p99 = pct(&latencies, 0.99);
    // /healthz's own latency beside it: 64 requests always in flight on two cores wait
    // their turn, so p99 there is mostly queueing (64 ÷ the rate), not the session check.
    let value = format!(
        "{me:.0} ÷ {health:.0} = {ratio:.2} ({}); {:.2} / {p99:.2} ms (/healthz {:.2} / {:.2})",
        round_ratios(&rounds, 2),
        pct(&latencies, 0.5),
        pct(&health_latencies, 0.5),
        pct(&health_latencies, 0.99)
    );
    (ratio, p99, value)
}

/// The sign-in path's trusted-network decision over the 100,000 entries `seed_trusted`
/// made: half the asks from a trusted network (its use is recorded), half from another.
/// p50 and p99 in microseconds.
async fn trusted_decision(db: &app::db::Db) -> (f64, f64) {
    let trusted_entries: Vec<(i64, String)> = app::db::on_db!(db, |pool| sqlx::query_as(
        "SELECT user_id, created_from FROM trusted_networks ORDER BY id"
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    assert_eq!(trusted_entries.len(), 100_000);
    let now = unix_now();
    let mut took = Vec::new();
    for round in 0..4000usize {
        let (user, from) = &trusted_entries[round * 7919 % trusted_entries.len()];
        let trusted = round % 2 == 0;
        let ip = if trusted {
            from.parse().unwrap()
        } else {
            network_number(200_000 + round as i64)
        };
        let one = Instant::now();
        let honoured = app::trusted_networks::store::honour(db, *user, ip, now)
            .await
            .unwrap();
        took.push(one.elapsed());
        assert_eq!(honoured.is_some(), trusted);
    }
    took.sort();
    (pct(&took, 0.5) * 1000.0, pct(&took, 0.99) * 1000.0)
}

/// The trusted-network decision's figure: `target` in words, `goal_us` the p99 bound.
async fn decision_figure(db: &app::db::Db, name: &'static str, target: &'static str, goal_us: f64) -> Figure {
    let (p50, p99) = trusted_decision(db).await;
    Figure {
        name,
        value: format!("{p50:.0} / {p99:.0} µs"),
        target,
        pass: p99 < goal_us,
    }
}

/// The PostgreSQL rows: two instances of the binary on one throw-away cluster.
async fn postgres_figures(dir: &std::path::Path, client: &reqwest::Client, figures: &mut Vec<Figure>) {
    let cluster = app::db::test_cluster::Cluster::start();
    let url = format!("{}/postgres", cluster.server_url());
    let on_postgres = [
        ("TWOSTEP_DATABASE_URL", url.as_str()),
        (
            "TWOSTEP_SECRET_KEY",
            "c2FtZSBrZXkgb24gZXZlcnkgaW5zdGFuY2UhISEhISE=",
        ),
    ];
    let a = Server::start_with(&dir.join("pg-a"), &on_postgres).await;
    let b = Server::start_with(&dir.join("pg-b"), &on_postgres).await;
    let (ratio, value) = sign_in_ratio(client, &[a.base.clone(), b.base.clone()]).await;
    figures.push(Figure {
        name: "PostgreSQL, 2 instances: sign-ins/s ÷ raw argon2id verifies/s",
        value,
        target: "≥ 0.95",
        pass: ratio >= 0.95,
    });
    drop(b);
    let cookie = sign_in(client, &a.base).await.unwrap();
    let (ratio, p99, value) = me_ratio(client, &a.base, &cookie, 64).await;
    figures.push(Figure {
        name: "PostgreSQL: /api/me req/s ÷ /healthz req/s (64 conns); p50 / p99",
        value,
        target: "≥ 0.6, p99 < 5 ms",
        pass: ratio >= 0.6 && p99 < 5.0,
    });
    drop(a);
    let db = app::db::Db::open(&url, &Default::default()).await.unwrap();
    seed_trusted(&db, 10_000, 1000, 100).await;
    figures.push(
        // Every query is a loopback TCP round trip, not a call into the process.
        decision_figure(
            &db,
            "PostgreSQL: trusted-network decision, 100,000 entries; p50 / p99",
            "p99 < 2 ms",
            2000.0,
        )
        .await,
    );
    db.close().await;
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("twostep-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut figures = Vec::new();

    let server = Server::start(&dir).await;
    let base = server.base.clone();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(128)
        .build()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let idle_kib = server.memory_kib("VmRSS:");

    let (ratio, value) = sign_in_ratio(&client, std::slice::from_ref(&base)).await;
    figures.push(Figure {
        name: "password-step sign-ins/s ÷ raw argon2id verifies/s (throughput)",
        value,
        target: "≥ 0.95",
        pass: ratio >= 0.95,
    });

    let (ratio, value) = cpu_ratio(&server, &client, &base).await;
    figures.push(Figure {
        name: "server CPU time per password-step sign-in ÷ CPU time of one raw argon2id verify",
        value,
        target: "≤ 1.05",
        pass: ratio <= 1.05,
    });

    let cookie = sign_in(&client, &base).await.unwrap();
    let (ratio, p99, value) = me_ratio(&client, &base, &cookie, 64).await;
    figures.push(Figure {
        name: "session-checked /api/me req/s ÷ /healthz req/s (64 conns); p50 / p99",
        value,
        // Issue 16's goal (was ≥ 0.6). With 64 requests always in flight, p99 is at least
        // 64 ÷ the rate: below 5 ms only above 12,800 req/s, more than /healthz serves.
        target: "≥ 0.7, p99 < 5 ms",
        pass: ratio >= 0.7 && p99 < 5.0,
    });
    // The same at 4 connections, where p99 is the request's own time, not the queue's.
    let (_, p99, value) = me_ratio(&client, &base, &cookie, 4).await;
    figures.push(Figure {
        name: "session-checked /api/me, 4 conns (÷ /healthz); p50 / p99",
        value,
        target: "p99 < 5 ms",
        pass: p99 < 5.0,
    });

    // Bytes of JS + WASM for /login, compressed as served, under the names the page gives.
    let login = text_of(&client, &format!("{base}/login")).await;
    let main_js = pkg_link(&login, ".js");
    let module = text_of(&client, &format!("{base}{main_js}")).await;
    let mut js = compressed_size(&client, &format!("{base}{main_js}")).await;
    for import in static_imports(&module) {
        js += compressed_size(&client, &format!("{base}/pkg/{import}")).await;
    }
    let wasm = compressed_size(&client, &format!("{base}{}", pkg_link(&login, ".wasm"))).await;
    let kb = (js + wasm) as f64 / 1000.0;
    figures.push(Figure {
        name: "JS + WASM for /login, compressed as served",
        value: format!(
            "{kb:.0} KB (JS {:.0} KB, WASM {:.0} KB)",
            js as f64 / 1000.0,
            wasm as f64 / 1000.0
        ),
        // Issue 16's goal (was ≤ 200 KB).
        target: "≤ 150 KB",
        pass: kb <= 150.0,
    });

    // /login interactive in headless Chromium.
    let (cold, warm) = login_interactive(&base, 20);
    figures.push(Figure {
        name: "/login navigation → hydrated, headless Chromium, median of 20",
        value: format!(
            "{:.0} ms empty cache (max {:.0}); {:.0} ms cached",
            median(&cold),
            cold[cold.len() - 1],
            median(&warm)
        ),
        // Issue 16's goal (was ≤ 300 ms).
        target: "≤ 100 ms",
        pass: median(&cold) <= 100.0,
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
    // System › Security: the first page of 10,000 trusted entries, as the page asks.
    let db = app::db::sqlite::open(
        &format!("sqlite://{}/twostep.db", dir.display()),
        &Default::default(),
    )
    .await
    .unwrap();
    let cookie = sign_in(&client, &base).await.unwrap();
    seed_trusted(&app::db::Db::Sqlite(db.clone()), 0, 100, 100).await;
    let mut took = Vec::new();
    for _ in 0..200 {
        let one = Instant::now();
        let body = call(
            &client,
            &base,
            &cookie,
            "trusted_networks",
            "filter=&order=NewestFirst&offset=0",
        )
        .await
        .expect("the Security page's list answers");
        took.push(one.elapsed());
        assert!(
            body.contains(r#""total":10000"#),
            "{}",
            &body[..200.min(body.len())]
        );
    }
    took.sort();
    let p99 = pct(&took, 0.99);
    figures.push(Figure {
        name: "Security page, first page of 10,000 trusted entries (HTTP); p50 / p99",
        value: format!("{:.2} / {p99:.2} ms", pct(&took, 0.5)),
        target: "p99 < 50 ms",
        pass: p99 < 50.0,
    });
    drop(server);

    // The trusted-network decision of the sign-in path with 100,000 entries: half the
    // asks are from a trusted network (the use is recorded), half from another.
    let db = app::db::Db::Sqlite(db);
    seed_trusted(&db, 10_000, 900, 100).await;
    figures.push(
        decision_figure(
            &db,
            "trusted-network decision, 100,000 entries; p50 / p99",
            "p99 < 100 µs",
            100.0,
        )
        .await,
    );
    db.close().await;

    // The same figures on PostgreSQL: a throw-away cluster on loopback, two instances.
    postgres_figures(&dir, &client, &mut figures).await;

    // The sign-in → mail rows first, when `make bench` has just measured them.
    let out = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/bench");
    // Taken, not only read: a later run of this bench alone must not show them again.
    let mail_rows = format!("{out}/sign_in_to_mail.json");
    let mut report: Vec<serde_json::Value> = std::fs::read_to_string(&mail_rows)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let _ = std::fs::remove_file(&mail_rows);
    report.extend(figures.iter().map(
        |f| serde_json::json!({"figure": f.name, "measured": f.value, "target": f.target, "pass": f.pass}),
    ));
    println!("\n{:<72} {:<62} {:<32} result", "figure", "measured", "target");
    for row in &report {
        let text = |key: &str| row[key].as_str().unwrap_or("").to_string();
        let result = match row["pass"].as_bool() {
            Some(true) => "pass",
            Some(false) => "MISS",
            None => "",
        };
        println!(
            "{:<72} {:<62} {:<32} {result}",
            text("figure"),
            text("measured"),
            text("target")
        );
    }
    std::fs::create_dir_all(out).unwrap();
    std::fs::write(
        format!("{out}/report.json"),
        serde_json::to_string_pretty(&serde_json::json!({"cores": cores(), "figures": report})).unwrap(),
    )
    .unwrap();
    println!("written to target/bench/report.json");
    let _ = std::fs::remove_dir_all(&dir);
}
