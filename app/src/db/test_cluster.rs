//! A throw-away PostgreSQL cluster for tests (never in a release build): Debian's
//! `postgresql` binaries, a temporary folder, a loopback port, nothing else.
//!
//! Every test process shares one cluster, started on first use, unless
//! `TWOSTEP_TEST_POSTGRES_URL` names a server to use instead (`postgres://user@host:port`,
//! no database). Each test gets a database of its own in it. A test that restarts
//! PostgreSQL starts a [`Cluster`] of its own.
//!
//! The server runs under `setpriv --pdeathsig`, so it stops when the thread that started
//! it ends: the shared one is started from a thread that lives as long as the process,
//! so no server outlives its tests even when they are killed. Folders left by a killed
//! process are removed by the next one.

use super::PoolOptions;
use sqlx::{Connection, Executor, PgConnection, PgPool};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const BIN: &str = "/usr/lib/postgresql/15/bin";
const FOLDER_PREFIX: &str = "twostep-pg-";

/// A running cluster in a folder of its own, stopped and removed when dropped.
pub struct Cluster {
    dir: PathBuf,
    port: u16,
    server: Option<Child>,
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// `program` as the `postgres` user when this process is root (PostgreSQL refuses to
/// run as root), as this user otherwise.
fn as_postgres_user(program: &str) -> Command {
    if running_as_root() {
        let mut command = Command::new("setpriv");
        command.args(["--reuid=postgres", "--regid=postgres", "--init-groups", "--"]);
        command.arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free loopback port")
}

/// Removes the folders of test processes that no longer run.
fn sweep_stale_folders() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(FOLDER_PREFIX)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

impl Cluster {
    /// `initdb` in a fresh folder and a server on a free loopback port, ready.
    pub fn start() -> Cluster {
        sweep_stale_folders();
        let unique: u64 = rand::Rng::random(&mut rand::rng());
        let dir = std::env::temp_dir().join(format!("{FOLDER_PREFIX}{}-{unique:x}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("cluster folder");
        if running_as_root() {
            let status = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&dir)
                .status()
                .expect("chown");
            assert!(status.success(), "chown of the cluster folder failed");
        }
        let output = as_postgres_user(&format!("{BIN}/initdb"))
            .current_dir(&dir)
            .arg("-D")
            .arg(dir.join("data"))
            .args([
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ])
            .output()
            .expect("initdb (is Debian's postgresql package installed? `make setup` installs it)");
        assert!(
            output.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let mut cluster = Cluster {
            dir,
            port: free_port(),
            server: None,
        };
        cluster.run_server();
        cluster
    }

    fn run_server(&mut self) {
        let mut command = if running_as_root() {
            let mut command = Command::new("setpriv");
            command.args([
                "--reuid=postgres",
                "--regid=postgres",
                "--init-groups",
                "--pdeathsig=SIGQUIT",
                "--",
            ]);
            command.arg(format!("{BIN}/postgres"));
            command
        } else {
            let mut command = Command::new("setpriv");
            command.args(["--pdeathsig=SIGQUIT", "--"]);
            command.arg(format!("{BIN}/postgres"));
            command
        };
        let log = std::fs::File::create(self.dir.join("server.log")).expect("server log");
        let child = command
            .current_dir(&self.dir)
            .arg("-D")
            .arg(self.dir.join("data"))
            .arg("-p")
            .arg(self.port.to_string())
            .arg("-k")
            .arg(&self.dir)
            .args([
                "-c",
                "listen_addresses=127.0.0.1",
                // A test cluster holds nothing worth keeping across a power cut.
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=300",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("postgres");
        self.server = Some(child);
        self.wait_until_ready();
    }

    fn wait_until_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = Command::new(format!("{BIN}/pg_isready"))
                .args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string()])
                .status()
                .is_ok_and(|status| status.success());
            if ready {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "PostgreSQL did not start in 30 s: {}",
                std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `postgres://postgres@127.0.0.1:<port>`: add `/<database>`.
    pub fn server_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}", self.port)
    }

    /// Stops the server (fast shutdown: every connection is cut) and starts it again on
    /// the same port, as `pg_ctl restart -m fast` does.
    pub fn restart(&mut self) {
        self.stop();
        self.start_again();
    }

    /// Starts the stopped server again on the same port and data.
    pub fn start_again(&mut self) {
        assert!(self.server.is_none(), "the server still runs");
        self.run_server();
    }

    /// Stops the server (fast shutdown), keeping its data.
    pub fn stop(&mut self) {
        if let Some(mut server) = self.server.take() {
            // SIGINT is PostgreSQL's fast shutdown; setpriv passed its pid on by exec.
            let _ = Command::new("kill")
                .args(["-INT", &server.id().to_string()])
                .status();
            let _ = server.wait();
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The shared server's URL (no database): `TWOSTEP_TEST_POSTGRES_URL`, or this process's
/// own cluster, started on first use.
pub fn server_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(url) = std::env::var("TWOSTEP_TEST_POSTGRES_URL")
            && !url.trim().is_empty()
        {
            return url.trim().trim_end_matches('/').to_string();
        }
        let (sender, receiver) = std::sync::mpsc::channel();
        // The cluster lives in a thread that never ends: the server's parent-death
        // signal fires when this process exits, not when a test's thread does.
        std::thread::Builder::new()
            .name("test-postgres".into())
            .spawn(move || {
                let cluster = Cluster::start();
                sender.send(cluster.server_url()).expect("cluster URL");
                loop {
                    std::thread::park();
                }
            })
            .expect("cluster thread");
        receiver.recv().expect("the test cluster started")
    })
}

/// The URL of a new, empty database on the shared server.
pub async fn fresh_database_url() -> String {
    let server = server_url();
    let name = format!("t_{:016x}", rand::Rng::random::<u64>(&mut rand::rng()));
    let mut admin = PgConnection::connect(&format!("{server}/postgres"))
        .await
        .expect("connect to the test cluster");
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("CREATE DATABASE");
    admin.close().await.ok();
    format!("{server}/{name}")
}

/// A new database on the shared server, migrated.
pub async fn fresh_database() -> PgPool {
    let url = fresh_database_url().await;
    super::postgres::open(
        &url,
        &PoolOptions {
            max_connections: 4,
            ..PoolOptions::default()
        },
    )
    .await
    .expect("migrate the test database")
}
