//! kill -9 in the middle of a storm of changes (issue 6): the real server binary on a
//! file database, over TCP. After a restart every change that was answered with success
//! (people, permissions, trusted networks) is there, the database passes
//! `PRAGMA integrity_check`, and no code that signed someone in works again.

use crate::binary;

use binary::{Server, call, password_step, session_cookie, sign_in};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A code that signed its person in: who, the code, and the pending sign-in it was for.
#[derive(Clone, Debug)]
struct UsedCode {
    username: String,
    code: String,
    pending_cookie: String,
}

/// The code in the sign-in message the outbox holds for `email`.
fn mailed_code(outbox: &Path, email: &str) -> Option<String> {
    std::fs::read_dir(outbox).ok()?.flatten().find_map(|entry| {
        let text = std::fs::read_to_string(entry.path()).ok()?;
        if !text.contains(email) {
            return None;
        }
        app::smtp_capture::code_in(&text)
    })
}

/// Step 1 as `username`, then step 2 with the mailed code and **Trust this IP** ticked.
async fn sign_in_with_code(
    client: &reqwest::Client,
    base: &str,
    outbox: &Path,
    username: &str,
    email: &str,
) -> Option<UsedCode> {
    let response = password_step(client, base, username, "long enough pw")
        .send()
        .await
        .ok()?;
    let pending_cookie = session_cookie(&response)?;
    if !response.text().await.ok()?.contains("CodeRequired") {
        return None;
    }
    let code = mailed_code(outbox, email)?;
    let body = call(
        client,
        base,
        &pending_cookie,
        "verify_code",
        &format!("code={code}&trust=on"),
    )
    .await?;
    body.contains("SignedIn").then(|| UsedCode {
        username: username.to_string(),
        code,
        pending_cookie,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answered_change_survives_kill_9() {
    let dir = std::env::temp_dir().join(format!("twostep-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut server = Server::start(&dir).await;
    let client = reqwest::Client::new();
    let cookie = sign_in(&client, &server.base).await.expect("signed in");
    let turned_on = call(&client, &server.base, &cookie, "set_two_step", "enabled=true").await;
    assert!(
        turned_on.is_some_and(|b| b.contains("Saved")),
        "two-step authentication on"
    );

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
    // New people who sign in with a mailed code and trust this network, one after another.
    let used: Arc<Mutex<Vec<UsedCode>>> = Arc::default();
    let signing_in = {
        let (client, base, cookie, used) =
            (client.clone(), server.base.clone(), cookie.clone(), used.clone());
        let outbox = dir.join("outbox");
        tokio::spawn(async move {
            for n in 0.. {
                let username = format!("coder{n}");
                let email = format!("coder{n}@example.test");
                let form = format!(
                    "name=Coder+{n}&username={username}&email={}&phone=&mobile=&password=long+enough+pw&active=on",
                    email.replace('@', "%40")
                );
                if !call(&client, &base, &cookie, "save_person", &form)
                    .await
                    .is_some_and(|b| b.contains("Saved"))
                {
                    return;
                }
                match sign_in_with_code(&client, &base, &outbox, &username, &email).await {
                    Some(code) => used.lock().unwrap().push(code),
                    None => return,
                }
            }
        })
    };

    // Let the storm build, then kill the server where it stands.
    let deadline = Instant::now() + Duration::from_secs(30);
    while (created.lock().unwrap().len() < 12 || used.lock().unwrap().len() < 3) && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.child.kill().expect("SIGKILL");
    server.child.wait().unwrap();
    for writer in storm {
        writer.await.unwrap();
    }
    signing_in.await.unwrap();
    let created = created.lock().unwrap().clone();
    let granted = granted.lock().unwrap().clone();
    let used = used.lock().unwrap().clone();
    assert!(created.len() >= 12, "the storm ran: {}", created.len());
    assert!(used.len() >= 3, "codes were used: {}", used.len());

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
        let found: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username = $1")
            .bind(username)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(found, 1, "{username} was acknowledged and must survive");
    }
    for id in &granted {
        let found: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM user_permissions WHERE user_id = $1 AND permission = 'personnel'",
        )
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(found, 1, "the grant to {id} was acknowledged and must survive");
    }
    for used in &used {
        let (trusted, live, spent): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM trusted_networks WHERE user_id = u.id AND network = '127.0.0.1/32'),
                    (SELECT COUNT(*) FROM codes WHERE user_id = u.id AND state = 'live'),
                    (SELECT COUNT(*) FROM codes WHERE user_id = u.id AND state = 'used')
             FROM users u WHERE u.username = $1",
        )
        .bind(&used.username)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(trusted, 1, "{}'s trusted network was acknowledged", used.username);
        assert_eq!(
            (live, spent),
            (0, 1),
            "{}'s code is spent, none is live",
            used.username
        );
        // The same code, sent again by the same browser, after the restart.
        let again = call(
            &client,
            &server.base,
            &used.pending_cookie,
            "verify_code",
            &format!("code={}&trust=on", used.code),
        )
        .await;
        assert!(
            !again.is_some_and(|b| b.contains("SignedIn")),
            "{}'s used code signed in again",
            used.username
        );
    }
    // The restarted server serves the same people to the session begun before the kill.
    let page = call(&client, &server.base, &cookie, "people", "search=w0n0&offset=0")
        .await
        .unwrap();
    assert!(page.contains("w0n0"), "{page}");
    pool.close().await;
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
