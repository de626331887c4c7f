//! kill -9 in the middle of a storm of changes (issue 6): the real server binary on a
//! file database, over TCP. After a restart every change that was answered with success
//! is there and the database passes `PRAGMA integrity_check`.

mod binary;

use binary::{Server, call, sign_in};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answered_change_survives_kill_9() {
    let dir = std::env::temp_dir().join(format!("twostep-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut server = Server::start(&dir).await;
    let client = reqwest::Client::new();
    let cookie = sign_in(&client, &server.base).await.expect("signed in");

    // People created and permissions granted, as the server acknowledged them.
    let created: Arc<Mutex<Vec<String>>> = Arc::default();
    let granted: Arc<Mutex<Vec<i64>>> = Arc::default();
    let storm: Vec<_> = (0..4)
        .map(|writer| {
            let (client, base, cookie) = (client.clone(), server.base.clone(), cookie.clone());
            let (created, granted) = (created.clone(), granted.clone());
            tokio::spawn(async move {
                for n in 0.. {
                    let username = format!("w{writer}n{n}");
                    let form = format!(
                        "name=Writer+{writer}+{n}&username={username}&email=&phone=&mobile=&password=long+enough+pw&active=on"
                    );
                    let Some(body) = call(&client, &base, &cookie, "save_person", &form).await else {
                        return;
                    };
                    let Some(id) = body
                        .strip_prefix(r#"{"Saved":{"id":"#)
                        .and_then(|rest| rest.trim_end_matches("}}").parse::<i64>().ok())
                    else {
                        return;
                    };
                    created.lock().unwrap().push(username);
                    let form = format!("user_id={id}&permission=Personnel&granted=true");
                    match call(&client, &base, &cookie, "set_permission", &form).await {
                        Some(body) if body.contains("Saved") => granted.lock().unwrap().push(id),
                        _ => return,
                    }
                }
            })
        })
        .collect();

    // Let the storm build, then kill the server where it stands.
    let deadline = Instant::now() + Duration::from_secs(20);
    while created.lock().unwrap().len() < 12 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.child.kill().expect("SIGKILL");
    server.child.wait().unwrap();
    for writer in storm {
        writer.await.unwrap();
    }
    let created = created.lock().unwrap().clone();
    let granted = granted.lock().unwrap().clone();
    assert!(created.len() >= 12, "the storm ran: {}", created.len());

    let server = Server::start(&dir).await;
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}/twostep.db", dir.display()))
        .await
        .unwrap();
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    for username in &created {
        let found: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username = ?1")
            .bind(username)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(found, 1, "{username} was acknowledged and must survive");
    }
    for id in &granted {
        let found: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM user_permissions WHERE user_id = ?1 AND permission = 'personnel'",
        )
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(found, 1, "the grant to {id} was acknowledged and must survive");
    }
    // The restarted server serves the same people.
    let cookie = sign_in(&client, &server.base).await.expect("signed in");
    let page = call(&client, &server.base, &cookie, "people", "search=w0n0&offset=0")
        .await
        .unwrap();
    assert!(page.contains("w0n0"), "{page}");
    pool.close().await;
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
