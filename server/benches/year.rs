//! A year of 500 staff (issue 30): what the tables hold after it, how large the database
//! is, how long the hourly clean-up takes on it, and the Security page's p99 before and
//! after. The real router in process on a SQLite file, the clean-up the server runs
//! (`app::retention::clean_up`). Run with `make bench`.
//!
//! The history, written straight into the tables over 430 days (a year and a bit, so the
//! 400-day audit retention has something to delete), for 500 people, 220 working days a
//! year: one sign-in a day each (a sign-in event, and the code skipped by the person's
//! trusted address, an event too); a mailed code every 30 days (the code's row, a
//! code-sent event and a trusted-network event); one wrong password in 20 sign-ins (a
//! password attempt and an event). Each person has a live trusted address, and one in
//! five an expired one from home.

#[path = "../tests/suite/common/mod.rs"]
mod common;

use common::*;
use std::time::{Duration, Instant};

const PEOPLE: i64 = 500;
const DAYS: i64 = 430;
const DAY: i64 = 86_400;
const TABLES: [&str; 6] = [
    "users",
    "audit",
    "codes",
    "login_failures",
    "trusted_networks",
    "sessions",
];

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let app = TestApp::new().await;
    let admin = app.login("admin", ADMIN_PASSWORD, None).await.1.unwrap();
    let now = app::clock::Clock::now(&app.clock);
    let started = Instant::now();
    let people = add_people(&app).await;
    write_history(&app, &people, now).await;
    println!(
        "a year of {PEOPLE} staff: {DAYS} days of history written in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    report(&app, "before the clean-up").await;
    let before = security_page_p99(&app, &admin).await;
    let started = Instant::now();
    app::retention::clean_up(&app.state).await;
    let took = started.elapsed();
    report(&app, "after the clean-up").await;
    let after = security_page_p99(&app, &admin).await;
    println!("the hourly clean-up on that database: {:.0} ms", ms(took));
    println!(
        "Security page (first 50 events, every trusted address), 200 loads: p99 {before:.1} ms before the clean-up, {after:.1} ms after"
    );
}

async fn add_people(app: &TestApp) -> Vec<(i64, String)> {
    // One password hash for all: hashing 500 passwords would time the hasher, not this.
    let hash = app::auth::password::StoredHash::from_stored(
        sqlx::query_scalar("SELECT password_hash FROM users WHERE username = 'admin'")
            .fetch_one(app.pool())
            .await
            .unwrap(),
    );
    let mut people = Vec::new();
    for n in 0..PEOPLE {
        let username = format!("staff{n:03}");
        let id = app::personnel::people::create(
            &app.state.db,
            app::personnel::people::NewPerson {
                name: &format!("Staff Member {n:03}"),
                username: &username,
                email: Some(&format!("{username}@example.com")),
                password_hash: &hash,
                permissions: &[],
            },
            app::clock::Clock::now(&app.clock) - DAYS * DAY,
        )
        .await
        .unwrap();
        people.push((id, username));
    }
    people
}

async fn write_history(app: &TestApp, people: &[(i64, String)], now: i64) {
    let first_day = now - DAYS * DAY;
    let mut tx = app.pool().begin().await.unwrap();
    let event = "INSERT INTO audit (at, actor_id, subject_id, client_ip, kind, detail) VALUES ($1, $2, $2, $3, $4, $5)";
    for day in 0..DAYS {
        // Five working days in seven.
        if day % 7 >= 5 {
            continue;
        }
        let morning = first_day + day * DAY + 8 * 3600;
        for (n, (id, username)) in people.iter().enumerate() {
            let at = morning + n as i64 * 7;
            let ip = format!("10.20.{}.{}", n / 250, n % 250 + 1);
            if (day + n as i64) % 20 == 0 {
                sqlx::query("INSERT INTO login_failures (username_key, network, site, device_id, at) VALUES ($1, $2, NULL, NULL, $3)")
                    .bind(username)
                    .bind(&ip)
                    .bind(at - 30)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                sqlx::query(event)
                    .bind(at - 30)
                    .bind(id)
                    .bind(&ip)
                    .bind("sign_in_failed")
                    .bind("incorrect password")
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
            if (day + n as i64) % 30 == 0 {
                let token = [(day % 251) as u8, (n % 251) as u8, (n / 251) as u8, 7].repeat(8);
                sqlx::query(
                    "INSERT INTO codes (user_id, binding, salt, digest, created_at, expires_at, state) VALUES ($1, $2, $2, $2, $3, $4, 'used')",
                )
                .bind(id)
                .bind(&token)
                .bind(at)
                .bind(at + 600)
                .execute(&mut *tx)
                .await
                .unwrap();
                sqlx::query(event)
                    .bind(at)
                    .bind(id)
                    .bind(&ip)
                    .bind("code_sent")
                    .bind("email")
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                sqlx::query(event)
                    .bind(at + 40)
                    .bind(id)
                    .bind(&ip)
                    .bind("network_trusted")
                    .bind(format!("trusted entry {ip}"))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            } else {
                sqlx::query(event)
                    .bind(at)
                    .bind(id)
                    .bind(&ip)
                    .bind("network_used")
                    .bind(format!("trusted entry {ip}"))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
            sqlx::query(event)
                .bind(at + 41)
                .bind(id)
                .bind(&ip)
                .bind("sign_in_ok")
                .bind("")
                .execute(&mut *tx)
                .await
                .unwrap();
        }
    }
    tx.commit().await.unwrap();
    let mut tx = app.state.db.begin_write().await.unwrap();
    for (n, (id, _)) in people.iter().enumerate() {
        let office: std::net::IpAddr = format!("10.20.{}.{}", n / 250, n % 250 + 1).parse().unwrap();
        app::trusted_networks::store::trust(&mut tx, *id, office, 30, now - 10 * DAY)
            .await
            .unwrap();
        if n % 5 == 0 {
            let home: std::net::IpAddr = format!("198.51.{}.{}", n / 250, n % 250 + 1).parse().unwrap();
            app::trusted_networks::store::trust(&mut tx, *id, home, 30, now - 40 * DAY)
                .await
                .unwrap();
        }
    }
    tx.commit().await.unwrap();
}

/// Rows per table and the database's size (the file, and the pages in use: SQLite
/// reuses freed pages rather than shrinking the file).
async fn report(app: &TestApp, when: &str) {
    let mut counts = Vec::new();
    for table in TABLES {
        let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(app.pool())
            .await
            .unwrap();
        counts.push(format!("{table} {rows}"));
    }
    let page_size: i64 = sqlx::query_scalar("PRAGMA page_size")
        .fetch_one(app.pool())
        .await
        .unwrap();
    let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
        .fetch_one(app.pool())
        .await
        .unwrap();
    let free: i64 = sqlx::query_scalar("PRAGMA freelist_count")
        .fetch_one(app.pool())
        .await
        .unwrap();
    let mib = |pages: i64| (pages * page_size) as f64 / (1024.0 * 1024.0);
    println!(
        "{when}: rows: {}; database {:.1} MiB, {:.1} MiB of it in use",
        counts.join(", "),
        mib(pages),
        mib(pages - free)
    );
}

/// p99 of 200 loads of System › Security, ms.
async fn security_page_p99(app: &TestApp, admin: &str) -> f64 {
    let mut took = Vec::new();
    for _ in 0..200 {
        let started = Instant::now();
        let response = app.send(get("/system/security", Some(admin))).await;
        assert!(response.status().is_success());
        let _ = body_text(response).await;
        took.push(started.elapsed());
    }
    took.sort();
    ms(took[(took.len() * 99 / 100).min(took.len() - 1)])
}
