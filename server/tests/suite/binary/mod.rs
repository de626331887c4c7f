//! The real server binary on a file database over TCP, for the crash test and the load
//! bench: start it, wait until healthy, sign in, and kill and reap it when dropped.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The first administrator's password on every database these servers create.
pub const ADMIN_PASSWORD: &str = "binary test admin password";
/// Their email: two-step authentication can be turned on (the admin can receive a code).
pub const ADMIN_EMAIL: &str = "admin@example.test";

pub struct Server {
    pub child: Child,
    /// `http://127.0.0.1:<port>`
    pub base: String,
    /// The configuration it runs with, for the operator's commands on the same database.
    env: Vec<(String, String)>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts the binary on a free loopback port with the database `dir/twostep.db`
    /// (created if missing) and waits until `/healthz` answers.
    pub async fn start(dir: &Path) -> Server {
        Self::start_with(dir, &[]).await
    }

    /// As `start`, with more environment (`TWOSTEP_SMTP_URL`, say).
    pub async fn start_with(dir: &Path, extra: &[(&str, &str)]) -> Server {
        Self::start_logging(dir, extra, Stdio::null()).await
    }

    /// As `start_with`, its log (standard output) going to `log`.
    pub async fn start_logging(dir: &Path, extra: &[(&str, &str)], log: Stdio) -> Server {
        crate::watchdog::watch_this_test();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut env: Vec<(String, String)> = vec![
            (
                "TWOSTEP_CONFIG".into(),
                concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml").into(),
            ),
            (
                "TWOSTEP_DATABASE_URL".into(),
                format!("sqlite://{}/twostep.db", dir.display()),
            ),
            (
                "TWOSTEP_OUTBOX_DIR".into(),
                dir.join("outbox").display().to_string(),
            ),
            ("TWOSTEP_ADMIN_PASSWORD".into(), ADMIN_PASSWORD.into()),
            ("TWOSTEP_ADMIN_EMAIL".into(), ADMIN_EMAIL.into()),
            ("LEPTOS_SITE_ADDR".into(), format!("127.0.0.1:{port}")),
            (
                "LEPTOS_SITE_ROOT".into(),
                concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site").into(),
            ),
            ("RUST_LOG".into(), "error".into()),
        ];
        env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let child = Command::new(env!("CARGO_BIN_EXE_twostep"))
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdout(log)
            .stderr(Stdio::null())
            .spawn()
            .expect("the server binary starts");
        // Owned at once: if it never becomes healthy, dropping it kills and reaps it.
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            env,
        };
        let client = reqwest::Client::new();
        for _ in 0..600 {
            if let Ok(response) = client.get(format!("{}/healthz", server.base)).send().await
                && response.status().is_success()
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not become healthy");
    }

    /// The program as an operator runs it beside this server: same configuration and
    /// database, the given arguments.
    pub fn operator(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_twostep"));
        command
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env_remove("RUST_LOG")
            .args(args)
            .stdin(Stdio::null());
        command
    }

    /// CPU time the server has used so far (user + system), in clock ticks.
    pub fn cpu_ticks(&self) -> u64 {
        cpu_ticks_of(&format!("/proc/{}/stat", self.child.id()))
    }

    /// A line of `/proc/<pid>/status` in KiB (`VmRSS:`, `VmHWM:`), 0 if unreadable.
    pub fn memory_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with(field))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
}

/// utime + stime of a `/proc/<pid>/stat` file, in clock ticks (0 if unreadable). The
/// fields after the command name, which may hold spaces, are counted from its `)`.
pub fn cpu_ticks_of(stat_file: &str) -> u64 {
    let stat = std::fs::read_to_string(stat_file).unwrap_or_default();
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // After the name: state is field 3 of the file, utime 14 and stime 15.
    let field = |n: usize| fields.get(n - 3).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    field(14) + field(15)
}

/// The password step for the admin, as the sign-in form sends it.
pub fn admin_login(client: &reqwest::Client, base: &str) -> reqwest::RequestBuilder {
    password_step(client, base, "admin", ADMIN_PASSWORD)
}

/// The password step (step 1 of signing in) as the sign-in form sends it.
pub fn password_step(
    client: &reqwest::Client,
    base: &str,
    username: &str,
    password: &str,
) -> reqwest::RequestBuilder {
    client
        .post(format!("{base}/api/login"))
        .header("origin", base)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "username={username}&password={}&next=/",
            password.replace(' ', "+")
        ))
}

/// Signs the admin in; the session cookie (`twostep_session=…`), or `None`.
pub async fn sign_in(client: &reqwest::Client, base: &str) -> Option<String> {
    let response = admin_login(client, base).send().await.ok()?;
    let cookie = session_cookie(&response)?;
    response.text().await.ok()?.contains("SignedIn").then_some(cookie)
}

/// The `twostep_session=…` pair a response sets, if any.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    Some(
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("twostep_session="))?
            .split(';')
            .next()?
            .to_string(),
    )
}

/// POSTs a form to a server function with the session cookie and this site's Origin;
/// the body of a 2xx answer, or `None`.
pub async fn call(
    client: &reqwest::Client,
    base: &str,
    cookie: &str,
    endpoint: &str,
    form: &str,
) -> Option<String> {
    let response = client
        .post(format!("{base}/api/{endpoint}"))
        .header("origin", base)
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_string())
        .send()
        .await
        .ok()?;
    if !response.status().is_success() {
        return None;
    }
    response.text().await.ok()
}

/// Starts the binary on `dir`'s database and waits for it to exit: its status and stderr.
pub fn start_expecting_refusal(dir: &std::path::Path, key: Option<&str>) -> (bool, String) {
    start_expecting_refusal_with(dir, key, ADMIN_PASSWORD)
}

/// As `start_expecting_refusal`, with `admin_password` configured.
pub fn start_expecting_refusal_with(
    dir: &std::path::Path,
    key: Option<&str>,
    admin_password: &str,
) -> (bool, String) {
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
        .env("TWOSTEP_ADMIN_PASSWORD", admin_password)
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
            // The status too: a death by signal leaves no text of its own.
            return (
                status.success(),
                format!("{status}: {}", String::from_utf8_lossy(&output.stderr)),
            );
        }
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            let _ = child.kill();
            let _ = child.wait();
            return (true, "it started serving".into());
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server neither served nor stopped within 20 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
