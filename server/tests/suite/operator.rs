//! The operator's command line against the real server binary on a file database, over
//! HTTP: the day mail breaks with two-step authentication on, a password reset, a backup
//! under load, and bad input that changes nothing.

use crate::binary;

use binary::{ADMIN_PASSWORD, Server, call, password_step, session_cookie, sign_in};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("twostep-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the command off the async threads (it may wait for the database).
async fn run(server: &Server, args: &[&str]) -> Output {
    let mut command = server.operator(args);
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs each command and checks that it exits 2 (bad input) and says why on stderr.
async fn refused_with_exit_2(server: &Server, commands: &[(Vec<&str>, &str)]) {
    for (args, why) in commands {
        let output = run(server, args).await;
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            text(&output.stderr).contains(why),
            "{args:?}: {}",
            text(&output.stderr)
        );
    }
}

/// The admin's password step with `password`: the answer's body and session cookie.
async fn password_answer(client: &reqwest::Client, base: &str, password: &str) -> (String, Option<String>) {
    let response = password_step(client, base, "admin", password)
        .send()
        .await
        .unwrap();
    let cookie = session_cookie(&response);
    (response.text().await.unwrap(), cookie)
}

/// A loopback port nothing listens on: every SMTP connection is refused.
fn refused_smtp_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("smtp://127.0.0.1:{port}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_mail_is_down_the_operator_turns_two_step_off_and_the_admin_signs_in() {
    let dir = temp_dir("mail-down");
    let smtp = refused_smtp_url();
    let server = Server::start_with(&dir, &[("TWOSTEP_SMTP_URL", &smtp)]).await;
    let client = reqwest::Client::new();
    let cookie = sign_in(&client, &server.base).await.expect("signed in");
    let on = call(&client, &server.base, &cookie, "set_two_step", "enabled=true").await;
    assert!(on.is_some_and(|b| b.contains("Saved")));

    // Locked out: the code cannot be sent.
    let (body, _) = password_answer(&client, &server.base, ADMIN_PASSWORD).await;
    assert!(body.contains("We could not send your code"), "{body}");

    // `check` says what is wrong, one line per item, and fails.
    let check = run(&server, &["check"]).await;
    assert_eq!(check.status.code(), Some(1));
    let lines = text(&check.stdout);
    assert!(
        lines.lines().any(|l| l.starts_with("FAIL") && l.contains("mail")),
        "{lines}"
    );
    assert!(
        lines
            .lines()
            .any(|l| l.starts_with("ok") && l.contains("database")),
        "{lines}"
    );

    let off = run(&server, &["admin", "two-step", "off"]).await;
    assert_eq!(off.status.code(), Some(0), "{}", text(&off.stderr));
    assert!(text(&off.stdout).contains("now off"));

    // The running server honours it on the next request: password alone signs in.
    let (body, again) = password_answer(&client, &server.base, ADMIN_PASSWORD).await;
    assert!(body.contains("SignedIn"));
    let again = again.unwrap();
    let events = call(
        &client,
        &server.base,
        &again,
        "security_events",
        "person=&kind=two_step_disabled&shown=50",
    )
    .await
    .unwrap();
    assert!(
        events.contains("operator (command line)"),
        "audited as the operator: {events}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_password_is_printed_once_signs_in_and_ends_the_old_session() {
    let dir = temp_dir("reset");
    let server = Server::start(&dir).await;
    let client = reqwest::Client::new();
    let old_session = sign_in(&client, &server.base).await.expect("signed in");

    let reset = run(&server, &["admin", "reset-password", "admin"]).await;
    assert_eq!(reset.status.code(), Some(0), "{}", text(&reset.stderr));
    let out = text(&reset.stdout);
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("New password for admin: "))
        .expect("the new password, printed")
        .to_string();
    assert!(!text(&reset.stderr).contains(&password), "never in the log");

    let me = call(&client, &server.base, &old_session, "me", "").await.unwrap();
    assert_eq!(me.trim(), "null", "the old session has ended: {me}");
    let (old, _) = password_answer(&client, &server.base, ADMIN_PASSWORD).await;
    assert!(!old.contains("SignedIn"), "the old password is gone");
    let (new, _) = password_answer(&client, &server.base, &password).await;
    assert!(new.contains("SignedIn"), "the new one works");

    // From standard input instead, for a password chosen by the operator.
    let mut command = server.operator(&["admin", "reset-password", "admin", "--stdin"]);
    command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let chosen = tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"an operator's chosen password\n")
            .unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(chosen.status.code(), Some(0));
    assert!(!text(&chosen.stdout).contains("chosen password"), "not echoed");
    let (body, _) = password_answer(&client, &server.base, "an operator's chosen password").await;
    assert!(body.contains("SignedIn"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Whether `path` is a database that passes `PRAGMA integrity_check`, and its usernames.
async fn open_copy(path: &Path) -> (String, Vec<String>) {
    use sqlx::sqlite::SqliteConnectOptions;
    let options = SqliteConnectOptions::new().filename(path).read_only(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    let usernames = sqlx::query_scalar("SELECT username FROM users")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    (integrity, usernames)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_eight_writers_is_whole_and_holds_every_acknowledged_write() {
    let dir = temp_dir("backup");
    let server = Server::start(&dir).await;
    let client = reqwest::Client::new();
    let cookie = sign_in(&client, &server.base).await.expect("signed in");
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = (0..8)
        .map(|writer| {
            let (client, base, cookie) = (client.clone(), server.base.clone(), cookie.clone());
            let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let username = format!("w{writer}n{n}");
                    n += 1;
                    let form = format!(
                        "id=&name=Writer+{username}&username={username}&email=&phone=&mobile=&password=long+enough+pw&active=on"
                    );
                    if call(&client, &base, &cookie, "save_person", &form)
                        .await
                        .is_some_and(|b| b.contains("Saved"))
                    {
                        acknowledged.lock().unwrap().push(username);
                    }
                }
            })
        })
        .collect();
    while acknowledged.lock().unwrap().len() < 24 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before_backup: Vec<String> = acknowledged.lock().unwrap().clone();
    let copy = dir.join("copy.db");
    let backup = run(&server, &["backup", copy.to_str().unwrap()]).await;
    // The writers were never stopped: they go on being answered after the copy.
    let after_backup = acknowledged.lock().unwrap().len();
    let going_on = tokio::time::timeout(Duration::from_secs(10), async {
        while acknowledged.lock().unwrap().len() < after_backup + 8 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }
    assert_eq!(backup.status.code(), Some(0), "{}", text(&backup.stderr));
    assert!(going_on.is_ok(), "the writers went on after the copy");

    let (integrity, usernames) = open_copy(&copy).await;
    assert_eq!(integrity, "ok");
    for username in &before_backup {
        assert!(
            usernames.contains(username),
            "{username} was acknowledged before the backup"
        );
    }

    // A backup never overwrites: exit 2, the file as it was.
    let before = std::fs::read(&copy).unwrap();
    let again = run(&server, &["backup", copy.to_str().unwrap()]).await;
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("already exists"));
    assert_eq!(std::fs::read(&copy).unwrap(), before);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_says_why_exits_2_and_changes_nothing() {
    let dir = temp_dir("bad-input");
    let server = Server::start(&dir).await;
    let events_before = events_in(&dir).await;
    refused_with_exit_2(
        &server,
        &[
            (
                vec!["admin", "grant", "nobody", "Security"],
                "Nobody has the username",
            ),
            (vec!["admin", "grant", "admin", "Boss"], "No permission is called"),
            (
                vec!["admin", "reset-password", "nobody"],
                "Nobody has the username",
            ),
            (
                vec!["admin", "reset-methods", "nobody"],
                "Nobody has the username",
            ),
            (vec!["admin", "two-step", "maybe"], "invalid value"),
            (vec!["mail-test", "not an address"], "is not an email address"),
            (vec!["audit", "export", "--since", "31/12/2026"], "YYYY-MM-DD"),
            (vec!["audit", "export"], "--since"),
        ],
    )
    .await;
    assert_eq!(events_in(&dir).await, events_before, "nothing changed");

    // Grant and list, audited as the operator.
    let grant = run(&server, &["admin", "grant", "admin", "security"]).await;
    assert_eq!(grant.status.code(), Some(0));
    assert!(text(&grant.stdout).contains("already holds Security"));
    let list = run(&server, &["admin", "list"]).await;
    assert_eq!(list.status.code(), Some(0));
    assert!(text(&list.stdout).contains("Administrator (admin): Personnel, Permissions, Security"));

    // Without SMTP, a test message lands in the outbox, and says where.
    let mail = run(&server, &["mail-test", "ops@example.test"]).await;
    assert_eq!(mail.status.code(), Some(0), "{}", text(&mail.stderr));
    let out = text(&mail.stdout);
    let file = out.trim().rsplit(' ').next().unwrap().trim_end_matches('.');
    assert!(
        std::fs::read_to_string(file)
            .unwrap()
            .contains("ops@example.test"),
        "{out}"
    );

    // The security events for the records office, as CSV that reads back: every event
    // from the first day on, the administrator's sign-in among them.
    sign_in(&reqwest::Client::new(), &server.base)
        .await
        .expect("signed in");
    let export = run(&server, &["audit", "export", "--since", "1970-01-01"]).await;
    assert_eq!(export.status.code(), Some(0), "{}", text(&export.stderr));
    let mut csv = csv::Reader::from_reader(export.stdout.as_slice());
    assert_eq!(
        csv.headers().unwrap().iter().collect::<Vec<_>>(),
        app::audit::export::COLUMNS
    );
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len() as i64, events_in(&dir).await);
    assert!(
        rows.iter()
            .any(|row| &row[1] == "sign_in_ok" && &row[3] == "admin")
    );
    assert!(text(&export.stderr).contains(&format!("{} events written", rows.len())));
    let future = run(&server, &["audit", "export", "--since", "2999-01-01"]).await;
    assert_eq!(text(&future.stdout).lines().count(), 1, "the header alone");

    let help = run(&server, &["--help"]).await;
    for name in ["serve", "check", "mail-test", "admin", "audit", "backup"] {
        assert!(text(&help.stdout).contains(name));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn office_networks_from_the_command_line_follow_the_security_pages_rules() {
    let dir = temp_dir("offices");
    let server = Server::start(&dir).await;
    let added = run(
        &server,
        &[
            "admin",
            "office-networks",
            "add",
            "Brussels HQ",
            "10.1.0.0/16",
            "2001:db8:7::/48",
        ],
    )
    .await;
    assert_eq!(added.status.code(), Some(0), "{}", text(&added.stderr));
    let events_before = events_in(&dir).await;
    refused_with_exit_2(
        &server,
        &[
            (
                vec!["admin", "office-networks", "add", "Ghent", "10.0.0.0/15"],
                "is wider than /16",
            ),
            (
                vec!["admin", "office-networks", "add", "brussels hq", "10.3.0.0/16"],
                "already named",
            ),
            (vec!["admin", "office-networks", "add", "Ghent"], "required"),
            (
                vec!["admin", "office-networks", "remove", "Antwerp"],
                "No office network is named",
            ),
        ],
    )
    .await;
    assert_eq!(events_in(&dir).await, events_before, "nothing changed");
    let list = run(&server, &["admin", "office-networks", "list"]).await;
    assert!(
        text(&list.stdout)
            .contains("Brussels HQ: 10.1.0.0/16, 2001:db8:7::/48 (added by operator (command line))"),
        "{}",
        text(&list.stdout)
    );
    // The running server lists it on the Security page.
    let client = reqwest::Client::new();
    let cookie = sign_in(&client, &server.base).await.expect("signed in");
    let listed = call(&client, &server.base, &cookie, "office_networks", "")
        .await
        .unwrap();
    assert!(listed.contains(r#""name":"Brussels HQ""#), "{listed}");
    let removed = run(&server, &["admin", "office-networks", "remove", "BRUSSELS HQ"]).await;
    assert_eq!(removed.status.code(), Some(0), "{}", text(&removed.stderr));
    let listed = call(&client, &server.base, &cookie, "office_networks", "")
        .await
        .unwrap();
    assert_eq!(listed, "[]");
    let _ = std::fs::remove_dir_all(&dir);
}

async fn events_in(dir: &Path) -> i64 {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.join("twostep.db"))
        .read_only(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let count = sqlx::query_scalar("SELECT COUNT(*) FROM audit")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    count
}

/// Every session id the live database file holds: the rows' keys and the ids inside the
/// records (what a reader with a copy of the file would try as cookies).
async fn ids_in_sessions_table(file: &Path) -> Vec<String> {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(file)
        .read_only(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let rows: Vec<(String, Vec<u8>)> = sqlx::query_as("SELECT id, data FROM sessions")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    let mut ids = Vec::new();
    for (id, data) in rows {
        let record: tower_sessions::session::Record = rmp_serde::from_slice(&data).unwrap();
        ids.extend([id, record.id.to_string()]);
    }
    ids
}

/// Issue 24, against the real binary over HTTP: an id read from the database's file
/// opens nothing; `twostep backup` writes a 0600 copy with no session in it; that copy,
/// restored and served, has nobody signed in and lets everyone sign in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_of_the_database_or_a_backup_opens_no_session() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("stolen-copy");
    let server = Server::start(&dir).await;
    let client = reqwest::Client::new();
    let mut cookies = Vec::new();
    for _ in 0..3 {
        cookies.push(sign_in(&client, &server.base).await.expect("signed in"));
    }
    let me = |cookie: String| {
        let (client, base) = (client.clone(), server.base.clone());
        async move { call(&client, &base, &cookie, "me", "").await.unwrap_or_default() }
    };
    let stolen = ids_in_sessions_table(&dir.join("twostep.db")).await;
    assert!(stolen.len() >= 6, "three rows, each with a record: {stolen:?}");
    for id in &stolen {
        assert_eq!(
            me(format!("twostep_session={id}")).await,
            "null",
            "the stored id {id}"
        );
    }
    for cookie in &cookies {
        assert!(
            me(cookie.clone()).await.contains("\"admin\""),
            "the cookies still work"
        );
    }

    let copy = dir.join("backup.db");
    let backup = run(&server, &["backup", copy.to_str().unwrap()]).await;
    assert_eq!(backup.status.code(), Some(0), "{}", text(&backup.stderr));
    let mode = std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "readable by its owner only: {mode:o}");
    let in_copy = {
        let pool = sqlx::SqlitePool::connect_with(
            sqlx::sqlite::SqliteConnectOptions::new()
                .filename(&copy)
                .read_only(true),
        )
        .await
        .unwrap();
        let counts: (i64, i64) =
            sqlx::query_as("SELECT (SELECT COUNT(*) FROM sessions), (SELECT COUNT(*) FROM codes)")
                .fetch_one(&pool)
                .await
                .unwrap();
        pool.close().await;
        counts
    };
    assert_eq!(in_copy, (0, 0), "no sessions and no codes in the copy");
    drop(server);

    // Restored: the copy as the database, with the same key, served anew.
    let restored = temp_dir("restored");
    std::fs::copy(&copy, restored.join("twostep.db")).unwrap();
    std::fs::copy(dir.join("secret.key"), restored.join("secret.key")).unwrap();
    let server = Server::start(&restored).await;
    let me = |cookie: String| {
        let (client, base) = (client.clone(), server.base.clone());
        async move { call(&client, &base, &cookie, "me", "").await.unwrap_or_default() }
    };
    for cookie in &cookies {
        assert_eq!(me(cookie.clone()).await, "null", "a restore signs everyone out");
    }
    let again = sign_in(&client, &server.base)
        .await
        .expect("and everyone can sign in");
    assert!(me(again).await.contains("\"admin\""));
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&restored);
}

/// A configured first-admin password is held to the new-password rule when it makes the
/// first admin, and ignored (so never stops a restart) once people exist.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guessable_first_admin_password_stops_the_first_start_only() {
    let dir = app::db::TempDb::folder();
    let (served, said) = binary::start_expecting_refusal_with(dir.path(), None, "admin1234");
    assert!(!served, "refused: {said}");
    assert!(said.contains("too easy to guess"), "{said}");
    drop(Server::start(dir.path()).await);
    let (served, said) = binary::start_expecting_refusal_with(dir.path(), None, "admin1234");
    assert!(served, "an existing install starts: {said}");
}
