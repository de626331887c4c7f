//! The secret key at start (issue 15): the real binary refuses to serve anyone with a key
//! that does not open the authenticator secrets its database holds, and says which key
//! it expected.

mod binary;

use binary::Server;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const KEY_ONE: &str = "b25lIGtleSBvbmUga2V5IG9uZSBrZXkgb25lIGtleSA=";
const KEY_TWO: &str = "dHdvIGtleSB0d28ga2V5IHR3byBrZXkgdHdvIGtleSA=";

/// Starts the binary on `dir`'s database and waits for it to exit: its status and stderr.
fn start_expecting_refusal(dir: &std::path::Path, key: Option<&str>) -> (bool, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_twostep"));
    command
        .env(
            "TWOSTEP_CONFIG",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml"),
        )
        .env(
            "TWOSTEP_DATABASE_URL",
            format!("sqlite://{}/twostep.db", dir.display()),
        )
        .env("TWOSTEP_OUTBOX_DIR", dir.join("outbox"))
        .env("TWOSTEP_ADMIN_PASSWORD", binary::ADMIN_PASSWORD)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "error")
        .env_remove("TWOSTEP_SECRET_KEY")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(key) = key {
        command.env("TWOSTEP_SECRET_KEY", key);
    }
    let mut child = command.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let output = child.wait_with_output().unwrap();
            return (
                status.success(),
                String::from_utf8_lossy(&output.stderr).into_owned(),
            );
        }
        if Instant::now() > deadline || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            let _ = child.kill();
            let _ = child.wait();
            return (true, "it started serving".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_that_does_not_open_the_stored_secrets_stops_the_server_before_it_serves() {
    let dir = app::db::TempDb::folder();
    // First start with key one: the database takes it; an app is set up for the admin.
    drop(Server::start_with(dir.path(), &[("TWOSTEP_SECRET_KEY", KEY_ONE)]).await);
    let one = app::secret_key::SecretKey::from_base64(KEY_ONE, "one").unwrap();
    let db = app::db::Db::open(
        &format!("sqlite://{}/twostep.db", dir.path().display()),
        &Default::default(),
    )
    .await
    .unwrap();
    app::auth::authenticator::begin_setup(&db, &one, 1, 1_800_000_000)
        .await
        .unwrap()
        .unwrap();
    db.close().await;

    let (served, said) = start_expecting_refusal(dir.path(), Some(KEY_TWO));
    assert!(!served, "another key: refused ({said})");
    assert!(said.contains(one.id()), "names the key it expected: {said}");
    let (served, said) = start_expecting_refusal(dir.path(), None);
    assert!(!served, "no key given, so a new key file: refused too ({said})");
    assert!(said.contains("secret.key"), "{said}");
    // The right key serves again.
    drop(Server::start_with(dir.path(), &[("TWOSTEP_SECRET_KEY", KEY_ONE)]).await);
}
