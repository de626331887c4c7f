//! Two instances of the real server binary on one PostgreSQL database (issue 14), over
//! HTTP: every rule that holds in one process holds across them. PostgreSQL is a
//! throw-away cluster of Debian's binaries on loopback (`app::db::test_cluster`).

use crate::binary;

use app::db::test_cluster::{Cluster, fresh_database_url};
use app::smtp_capture::{SmtpCapture, code_in};
use binary::{Server, admin_login, call, session_cookie, sign_in};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A folder of the test's own (each instance's outbox and first-admin file).
struct Folder(PathBuf);

impl Folder {
    fn new(name: &str) -> Folder {
        let dir = std::env::temp_dir().join(format!("twostep-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Folder(dir)
    }

    fn sub(&self, name: &str) -> PathBuf {
        let dir = self.0.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Instances A and B on the database at `url`, mail to `smtp` when given.
async fn two_instances(folder: &Folder, url: &str, smtp: Option<&str>) -> (Server, Server) {
    // One key for both, as the README asks of several instances.
    let mut env = vec![
        ("TWOSTEP_DATABASE_URL", url),
        (
            "TWOSTEP_SECRET_KEY",
            "c2FtZSBrZXkgb24gZXZlcnkgaW5zdGFuY2UhISEhISE=",
        ),
    ];
    if let Some(smtp) = smtp {
        env.push(("TWOSTEP_SMTP_URL", smtp));
    }
    let a = Server::start_with(&folder.sub("a"), &env).await;
    let b = Server::start_with(&folder.sub("b"), &env).await;
    (a, b)
}

/// The next mailed code, skipping other mail (notices of a trusted network, say).
async fn next_code(mail: &mut SmtpCapture) -> String {
    loop {
        if let Some(code) = code_in(&mail.next_message().await) {
            return code;
        }
    }
}

fn turn_two_step_on(server: &Server) {
    let status = server.operator(&["admin", "two-step", "on"]).status().unwrap();
    assert!(status.success(), "twostep admin two-step on");
}

/// Step 1 for the admin on `server`: the pending sign-in's cookie (a code is mailed).
async fn pending_sign_in(client: &reqwest::Client, server: &Server) -> String {
    let response = admin_login(client, &server.base).send().await.unwrap();
    let cookie = session_cookie(&response).expect("a pending session");
    let body = response.text().await.unwrap();
    assert!(body.contains("CodeRequired"), "{body}");
    cookie
}

async fn verify(client: &reqwest::Client, server: &Server, cookie: &str, code: &str) -> String {
    call(
        client,
        &server.base,
        cookie,
        "verify_code",
        &format!("code={code}"),
    )
    .await
    .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_right_code_sent_to_both_at_once_signs_in_once() {
    let folder = Folder::new("same-code");
    let mut mail = SmtpCapture::start().await;
    let (a, b) = two_instances(&folder, &fresh_database_url().await, Some(&mail.url)).await;
    turn_two_step_on(&a);
    let client = reqwest::Client::new();
    for round in 0..4 {
        let cookie = pending_sign_in(&client, &a).await;
        let code = next_code(&mut mail).await;
        let (on_a, on_b) = tokio::join!(
            verify(&client, &a, &cookie, &code),
            verify(&client, &b, &cookie, &code)
        );
        let signed_in = [&on_a, &on_b]
            .iter()
            .filter(|body| body.contains("SignedIn"))
            .count();
        assert_eq!(signed_in, 1, "round {round}: A said {on_a:?}, B said {on_b:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_tries_spread_over_both_instances_void_the_code() {
    let folder = Folder::new("wrong-tries");
    let mut mail = SmtpCapture::start().await;
    let (a, b) = two_instances(&folder, &fresh_database_url().await, Some(&mail.url)).await;
    turn_two_step_on(&a);
    let client = reqwest::Client::new();
    let cookie = pending_sign_in(&client, &a).await;
    let code = next_code(&mut mail).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let mut answers = Vec::new();
    for attempt in 0..5 {
        let server = if attempt % 2 == 0 { &a } else { &b };
        answers.push(verify(&client, server, &cookie, wrong).await);
    }
    assert!(answers[..4].iter().all(|a| a.contains("Refused")), "{answers:?}");
    assert!(
        answers[4].contains("Restart"),
        "the fifth wrong try voids it: {answers:?}"
    );
    let right_after = verify(&client, &b, &cookie, &code).await;
    assert!(!right_after.contains("SignedIn"), "a voided code: {right_after}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_made_on_one_instance_works_on_the_other_and_ends_on_both() {
    let folder = Folder::new("session");
    let (a, b) = two_instances(&folder, &fresh_database_url().await, None).await;
    let client = reqwest::Client::new();
    let cookie = sign_in(&client, &a.base).await.expect("signed in on A");
    let me = call(&client, &b.base, &cookie, "me", "")
        .await
        .unwrap_or_default();
    assert!(me.contains("Administrator"), "B knows the session: {me}");
    let out = call(&client, &b.base, &cookie, "logout", "").await;
    assert!(out.is_some(), "signed out on B");
    let me = call(&client, &a.base, &cookie, "me", "")
        .await
        .unwrap_or_default();
    assert!(
        !me.contains("Administrator"),
        "and the session is over on A: {me}"
    );
}

/// Reads an event stream until `data: changed` arrives; false after `within`.
async fn hears_changed(stream: &mut reqwest::Response, within: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    let mut seen = String::new();
    loop {
        match tokio::time::timeout_at(deadline, stream.chunk()).await {
            Ok(Ok(Some(chunk))) => {
                seen.push_str(&String::from_utf8_lossy(&chunk));
                if seen.contains("data: changed") {
                    return true;
                }
            }
            _ => return false,
        }
    }
}

async fn open_stream(client: &reqwest::Client, server: &Server, cookie: &str) -> reqwest::Response {
    let stream = client
        .get(format!("{}/api/trusted_events", server.base))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert!(stream.status().is_success(), "{}", stream.status());
    stream
}

/// Trusts `ip` for the admin (id 1) straight in the database.
async fn trust(url: &str, ip: &str) -> i64 {
    let db = app::db::Db::open(url, &Default::default()).await.unwrap();
    let id = app::trusted_networks::store::trust(&db, 1, ip.parse().unwrap(), 30, unix_now())
        .await
        .unwrap();
    db.close().await;
    id
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_on_one_instance_reaches_a_page_open_on_the_other_within_two_seconds() {
    let folder = Folder::new("live-delete");
    let url = fresh_database_url().await;
    let (a, b) = two_instances(&folder, &url, None).await;
    let client = reqwest::Client::new();
    let cookie = sign_in(&client, &a.base).await.expect("signed in");
    let mut on_b = open_stream(&client, &b, &cookie).await;
    for round in 0..3 {
        let id = trust(&url, &format!("203.0.113.{}", 10 + round)).await;
        let started = Instant::now();
        let deleted = call(&client, &a.base, &cookie, "delete_trusted", &format!("id={id}")).await;
        assert!(deleted.is_some(), "deleted on A");
        assert!(
            hears_changed(&mut on_b, Duration::from_secs(2)).await,
            "round {round}: B's page heard of A's delete"
        );
        eprintln!(
            "round {round}: A's delete reached B's stream in {:?}",
            started.elapsed()
        );
    }
}

async fn health(client: &reqwest::Client, server: &Server) -> u16 {
    status_of(client, server, "/healthz").await
}

async fn status_of(client: &reqwest::Client, server: &Server, path: &str) -> u16 {
    match client
        .get(format!("{}{path}", server.base))
        .timeout(Duration::from_secs(5))
        .send()
        .await
    {
        Ok(response) => response.status().as_u16(),
        Err(_) => 0,
    }
}

async fn wait_for_health(client: &reqwest::Client, server: &Server, status: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while health(client, server).await != status {
        assert!(
            Instant::now() < deadline,
            "{} never answered {status}",
            server.base
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_postgresql_restarts_both_instances_serve_again_and_open_pages_re_read() {
    let folder = Folder::new("restart");
    let mut cluster = Cluster::start();
    let url = format!("{}/postgres", cluster.server_url());
    let (a, b) = two_instances(&folder, &url, None).await;
    let client = reqwest::Client::new();
    let cookie = sign_in(&client, &a.base).await.expect("signed in");
    let mut on_b = open_stream(&client, &b, &cookie).await;

    assert_eq!(status_of(&client, &a, "/readyz").await, 200);
    cluster.stop();
    wait_for_health(&client, &a, 503).await;
    wait_for_health(&client, &b, 503).await;
    assert_eq!(
        status_of(&client, &a, "/readyz").await,
        503,
        "not ready while the database is away"
    );
    let refused = call(&client, &a.base, &cookie, "me", "").await;
    assert!(refused.is_none(), "no answer but 503 while the database is away");
    cluster.start_again();
    wait_for_health(&client, &a, 200).await;
    wait_for_health(&client, &b, 200).await;
    assert_eq!(
        status_of(&client, &a, "/readyz").await,
        200,
        "ready once it is back"
    );

    assert!(
        // A liveness bound, not a speed goal: generous for a loaded two-core machine.
        hears_changed(&mut on_b, Duration::from_secs(20)).await,
        "B's open page is told to re-read once its instance listens again"
    );
    let me = call(&client, &b.base, &cookie, "me", "")
        .await
        .unwrap_or_default();
    assert!(
        me.contains("Administrator"),
        "the session outlived the restart: {me}"
    );
    let again = sign_in(&client, &a.base).await;
    assert!(again.is_some(), "A signs people in again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_of_one_instance_mid_storm_loses_nothing_it_acknowledged() {
    let folder = Folder::new("kill-a");
    let url = fresh_database_url().await;
    let (mut a, b) = two_instances(&folder, &url, None).await;
    let client = reqwest::Client::new();
    let cookie = sign_in(&client, &a.base).await.expect("signed in");
    let created: Arc<Mutex<Vec<String>>> = Arc::default();
    let storm: Vec<_> = (0..4)
        .map(|writer| {
            let (client, base, cookie, created) = (client.clone(), a.base.clone(), cookie.clone(), created.clone());
            tokio::spawn(async move {
                for n in 0.. {
                    let username = format!("w{writer}n{n}");
                    let form = format!(
                        "name=Writer+{writer}+{n}&username={username}&email=&phone=&mobile=&password=long+enough+pw&active=on"
                    );
                    match call(&client, &base, &cookie, "save_person", &form).await {
                        Some(body) if body.contains("Saved") => created.lock().unwrap().push(username),
                        _ => return,
                    }
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(30);
    while created.lock().unwrap().len() < 20 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    a.child.kill().expect("SIGKILL");
    a.child.wait().unwrap();
    for writer in storm {
        writer.await.unwrap();
    }
    let created = created.lock().unwrap().clone();
    assert!(created.len() >= 20, "the storm ran: {}", created.len());
    // B, on the same database, serves everything A acknowledged, to A's session.
    for username in &created {
        let page = call(
            &client,
            &b.base,
            &cookie,
            "people",
            &format!("search={username}&offset=0"),
        )
        .await
        .unwrap_or_default();
        assert!(
            page.contains(&format!("\"{username}\"")),
            "{username} was acknowledged by A: {page}"
        );
    }
    // And a person added on B with the same name as one of A's is refused: one database.
    let duplicate = format!(
        "name=Again&username={}&email=&phone=&mobile=&password=long+enough+pw&active=on",
        created[0]
    );
    let answer = call(&client, &b.base, &cookie, "save_person", &duplicate)
        .await
        .unwrap_or_default();
    assert!(!answer.contains("Saved"), "{answer}");
}

/// SQLite serves one server: a second one started on the same file (a second upstream
/// in nginx, an overlapping deploy) is refused, since it would not see the first one's
/// sign-outs (each keeps its sessions in memory). The operator's commands still run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_server_on_the_same_sqlite_file_is_refused() {
    let folder = Folder::new("one-sqlite-server");
    let first = Server::start(&folder.0).await;
    let (served, said) = binary::start_expecting_refusal(&folder.0, None);
    assert!(!served, "refused ({said})");
    assert!(said.contains("another twostep server"), "{said}");
    // A command that reads and one that writes the database, beside the server. (Not
    // `check`: it also wants the built site, which the unit tests run before.)
    let list = first.operator(&["admin", "list"]).output().unwrap();
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(
        list.status.success() && listed.contains("admin"),
        "{listed}{}",
        String::from_utf8_lossy(&list.stderr)
    );
    let on = first.operator(&["admin", "two-step", "on"]).output().unwrap();
    assert!(
        on.status.success(),
        "{}{}",
        String::from_utf8_lossy(&on.stdout),
        String::from_utf8_lossy(&on.stderr)
    );
    drop(first);
    // Its claim ended with it.
    drop(Server::start(&folder.0).await);
}
