//! The README's table "What each change does", run: every change of a sign-in detail
//! through every door that offers it (server functions over HTTP, forms the browser
//! posts itself, the command line of the release binary), each asserting its row: what
//! was revoked, who was mailed, which audit events appeared. A door that forgets a step
//! fails its row.

use crate::binary::{self, Server};
use crate::common::*;
use app::clock::Clock;
use app::i18n::Lang;
use app::sign_in_details::{Change, Sessions, revokes};
use std::collections::BTreeSet;
use std::net::IpAddr;

const JANE_EMAIL: &str = "jane@example.test";
const JANE_NEW_EMAIL: &str = "jane.new@example.test";
const JANE_MOBILE: &str = "+32470123456";
const OFFICE: &str = "203.0.113.7";

/// One row of the table, as the README says it.
#[derive(Debug, Clone, Copy)]
struct Row {
    change: Change,
    trusted_networks_go: bool,
    live_codes_go: bool,
    /// Whether a session of the person's other than the acting browser ends.
    other_sessions_end: bool,
    /// Whether the person's device cookies go (whenever sessions end).
    device_cookies_go: bool,
    app_and_recovery_codes_go: bool,
    /// Who is mailed: the person's address as it is after the change, and (an email
    /// change) the old one.
    mailed: &'static [&'static str],
    audit: &'static [&'static str],
}

const REVOCATIONS: [&str; 2] = ["network_deleted", "code_voided"];

const fn row(
    change: Change,
    (trusted_networks_go, live_codes_go, other_sessions_end, device_cookies_go, app_and_recovery_codes_go): (
        bool,
        bool,
        bool,
        bool,
        bool,
    ),
    mailed: &'static [&'static str],
    audit: &'static [&'static str],
) -> Row {
    Row {
        change,
        trusted_networks_go,
        live_codes_go,
        other_sessions_end,
        device_cookies_go,
        app_and_recovery_codes_go,
        mailed,
        audit,
    }
}

/// The table. Columns: trusted networks, live codes, other sessions, device cookies, app
/// and recovery codes; mailed; audited.
const TABLE: [Row; 8] = [
    row(
        Change::OwnPassword,
        (true, true, true, true, false),
        &[JANE_EMAIL],
        &["password_changed", REVOCATIONS[0], REVOCATIONS[1]],
    ),
    row(
        Change::PasswordReset,
        (true, true, true, true, false),
        &[JANE_EMAIL],
        &["password_reset", REVOCATIONS[0], REVOCATIONS[1]],
    ),
    row(
        Change::Email,
        (true, true, false, false, false),
        &[JANE_NEW_EMAIL, JANE_EMAIL],
        &["person_changed", REVOCATIONS[0], REVOCATIONS[1]],
    ),
    row(
        Change::Mobile,
        (true, true, false, false, false),
        &[JANE_EMAIL],
        &["person_changed", REVOCATIONS[0], REVOCATIONS[1]],
    ),
    row(
        Change::Username,
        (false, false, false, false, false),
        &[JANE_EMAIL],
        &["person_changed"],
    ),
    row(
        Change::Deactivated,
        (true, true, true, true, false),
        &[],
        &["person_deactivated", REVOCATIONS[0], REVOCATIONS[1]],
    ),
    row(
        Change::Reactivated,
        (false, false, false, false, false),
        &[],
        &["person_changed"],
    ),
    row(
        Change::MethodsReset,
        (true, true, true, true, true),
        &[JANE_EMAIL],
        &["two_step_methods_reset", REVOCATIONS[0], REVOCATIONS[1]],
    ),
];

fn row_of(change: Change) -> Row {
    *TABLE
        .iter()
        .find(|r| r.change == change)
        .expect("every change has a row")
}

#[test]
fn the_code_and_the_table_say_the_same() {
    for change in Change::ALL {
        let row = row_of(change);
        let code = revokes(change);
        assert_eq!(
            (
                code.trusted_networks,
                code.live_codes,
                code.sessions != Sessions::Kept,
                code.device_cookies,
                code.app_and_recovery_codes
            ),
            (
                row.trusted_networks_go,
                row.live_codes_go,
                row.other_sessions_end,
                row.device_cookies_go,
                row.app_and_recovery_codes_go
            ),
            "{change:?}"
        );
    }
}

/// The web doors, each with the changes it offers (the command line's rows have a test
/// of their own, against the release binary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Door {
    /// My account's server functions, called as the page's code calls them.
    MyAccount,
    /// The same forms, posted by a browser without JavaScript.
    MyAccountPlainForm,
    /// The Personnel editor, by an administrator.
    Personnel,
}

const HTTP_DOORS: [(Door, &[Change]); 3] = [
    (
        Door::MyAccount,
        &[Change::OwnPassword, Change::Email, Change::Mobile],
    ),
    (Door::MyAccountPlainForm, &[Change::OwnPassword, Change::Email]),
    (
        Door::Personnel,
        &[
            Change::PasswordReset,
            Change::Email,
            Change::Mobile,
            Change::Username,
            Change::Deactivated,
            Change::Reactivated,
            Change::MethodsReset,
        ],
    ),
];

/// What a change did, as seen from outside.
#[derive(Debug, PartialEq, Eq)]
struct Seen {
    trusted_networks_go: bool,
    live_codes_go: bool,
    other_sessions_end: bool,
    device_cookies_go: bool,
    app_and_recovery_codes_go: bool,
    mailed: BTreeSet<String>,
    audit: BTreeSet<String>,
}

impl Seen {
    fn expected(row: &Row) -> Seen {
        Seen {
            trusted_networks_go: row.trusted_networks_go,
            live_codes_go: row.live_codes_go,
            other_sessions_end: row.other_sessions_end,
            device_cookies_go: row.device_cookies_go,
            app_and_recovery_codes_go: row.app_and_recovery_codes_go,
            mailed: row.mailed.iter().map(|s| s.to_string()).collect(),
            audit: row.audit.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// Jane's trust, a live code, a device cookie, an app being set up and recovery codes, on
/// `db`.
async fn seed(db: &app::db::Db, key: &app::secret_key::SecretKey, jane: i64, now: i64) {
    app::auth::device::remember(db, jane, None, now)
        .await
        .unwrap()
        .expect("a new device cookie");
    let office: IpAddr = OFFICE.parse().unwrap();
    app::trusted_networks::store::trust(db, jane, office, 30, now)
        .await
        .unwrap();
    let policy = app::auth::codes::CodePolicy::default();
    app::auth::codes::issue(
        db,
        key,
        &policy,
        jane,
        app::auth::codes::Browser::bound_to(b"a browser"),
        app::auth::codes::Purpose::SignIn,
        now,
    )
    .await
    .unwrap()
    .expect("a code issued");
    app::auth::authenticator::begin_setup(db, key, jane, now)
        .await
        .unwrap();
    app::auth::recovery::create(db, key, jane).await.unwrap();
}

/// What is left of what [`seed`] gave Jane, and the audit after `audit_from`.
struct Left {
    trusted_networks: i64,
    live_codes: i64,
    device_cookies: i64,
    app_and_recovery_codes: i64,
    audit: BTreeSet<String>,
}

async fn left(pool: &sqlx::SqlitePool, jane: i64, audit_from: i64) -> Left {
    let count = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .bind(jane)
            .fetch_one(pool)
            .await
            .unwrap()
    };
    Left {
        trusted_networks: count("SELECT COUNT(*) FROM trusted_networks WHERE user_id = $1").await,
        live_codes: count("SELECT COUNT(*) FROM codes WHERE user_id = $1 AND state = 'live'").await,
        device_cookies: count("SELECT COUNT(*) FROM device_cookies WHERE user_id = $1").await,
        app_and_recovery_codes: count(
            "SELECT (SELECT COUNT(*) FROM authenticators WHERE user_id = $1)
                  + (SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1)",
        )
        .await,
        audit: sqlx::query_scalar("SELECT kind FROM audit WHERE id > $1 AND subject_id = $2")
            .bind(audit_from)
            .bind(jane)
            .fetch_all(pool)
            .await
            .unwrap()
            .into_iter()
            .collect(),
    }
}

async fn last_audit_id(pool: &sqlx::SqlitePool) -> i64 {
    sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM audit")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The recipients of a raw message.
fn recipients(raw: &str) -> Vec<String> {
    raw.lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("to:"))
        .flat_map(|l| {
            l.split(['<', '>', ',', ' '])
                .filter(|part| part.contains('@'))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The recipients of every message the capture receives: waits until `expected` have
/// come (they go in the background), then a moment more for one too many.
async fn mail_received(capture: &mut app::smtp_capture::SmtpCapture, expected: usize) -> BTreeSet<String> {
    use std::time::Duration;
    let mut got = BTreeSet::new();
    let mut seen = 0;
    let mut collect = |capture: &mut app::smtp_capture::SmtpCapture| {
        while let Some(raw) = capture.try_message() {
            assert!(raw.contains("Twostep: "), "a notice: {raw}");
            got.extend(recipients(&raw));
            seen += 1;
        }
        seen
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while collect(capture) < expected && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    collect(capture);
    got
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        form.append_pair(key, value);
    }
    form.finish()
}

/// Makes `change` to Jane through `door` on the in-process router, as `jane_cookie`
/// (her acting browser) or `admin_cookie`.
async fn make(app: &TestApp, door: Door, change: Change, jane: i64, jane_cookie: &str, admin_cookie: &str) {
    let own = |path: &'static str, fields: String| async move {
        let response = match door {
            Door::MyAccountPlainForm => app.send(plain_post(path, &fields, jane_cookie, "/account")).await,
            _ => app.send(post(path, &fields, Some(jane_cookie))).await,
        };
        let status = response.status();
        let body = body_text(response).await;
        assert!(
            status.is_success() || status.is_redirection(),
            "{door:?} {change:?}: {status} {body}"
        );
        if door == Door::MyAccount {
            assert!(body.contains("Changed"), "{door:?} {change:?}: {body}");
        }
    };
    match (door, change) {
        (Door::MyAccount | Door::MyAccountPlainForm, Change::OwnPassword) => {
            own(
                "/api/change_password",
                form(&[("current", PERSON_PASSWORD), ("new", "jane's new password")]),
            )
            .await
        }
        (Door::MyAccount | Door::MyAccountPlainForm, Change::Email) => {
            own(
                "/api/change_contact",
                form(&[
                    ("email", JANE_NEW_EMAIL),
                    ("mobile", JANE_MOBILE),
                    ("current", PERSON_PASSWORD),
                ]),
            )
            .await
        }
        (Door::MyAccount, Change::Mobile) => {
            own(
                "/api/change_contact",
                form(&[
                    ("email", JANE_EMAIL),
                    ("mobile", "+32 470 99 99 99"),
                    ("current", PERSON_PASSWORD),
                ]),
            )
            .await
        }
        (Door::Personnel, Change::MethodsReset) => {
            let body = body_text(
                app.send(post(
                    "/api/reset_two_step_methods",
                    &format!("id={jane}"),
                    Some(admin_cookie),
                ))
                .await,
            )
            .await;
            assert_eq!(body, r#""Done""#);
        }
        (Door::Personnel, change) => {
            let edit: &[(&str, &str)] = match change {
                Change::PasswordReset => &[("password", "reset by the admin")],
                Change::Email => &[("email", JANE_NEW_EMAIL)],
                Change::Mobile => &[("mobile", "+32 470 99 99 99")],
                Change::Username => &[("username", "jane.doe")],
                Change::Deactivated => &[("active", "")],
                Change::Reactivated => &[("active", "on")],
                other => panic!("Personnel does not offer {other:?}"),
            };
            let fields = person_form(app.pool(), jane, edit).await;
            let body = body_text(
                app.send(post("/api/save_person", &fields, Some(admin_cookie)))
                    .await,
            )
            .await;
            assert!(body.contains("Saved"), "{change:?}: {body}");
        }
        other => panic!("no such door: {other:?}"),
    }
}

/// Every HTTP door, every change it offers: the row of the table.
#[tokio::test]
async fn every_change_through_every_web_door_does_what_the_table_says() {
    let mut failures = Vec::new();
    for (door, changes) in HTTP_DOORS {
        for &change in changes {
            let mut capture = app::smtp_capture::SmtpCapture::start().await;
            let app = TestApp::with_mail(&capture.url).await;
            let jane = app.add_person("jane", Some(JANE_EMAIL)).await;
            sqlx::query("UPDATE users SET mobile = $2 WHERE id = $1")
                .bind(jane)
                .bind(JANE_MOBILE)
                .execute(app.pool())
                .await
                .unwrap();
            if change == Change::Reactivated {
                sqlx::query("UPDATE users SET active = FALSE WHERE id = $1")
                    .bind(jane)
                    .execute(app.pool())
                    .await
                    .unwrap();
            }
            let (_, admin_cookie) = app.login("admin", ADMIN_PASSWORD, None).await;
            let admin_cookie = admin_cookie.unwrap();
            // Jane's acting browser and another of her sessions (none while inactive).
            let (acting, other) = if change == Change::Reactivated {
                (String::new(), None)
            } else {
                let acting = app.login("jane", PERSON_PASSWORD, None).await.1.unwrap();
                let other = app.login("jane", PERSON_PASSWORD, None).await.1.unwrap();
                (acting, Some(other))
            };
            seed(&app.state.db, &app.state.secret_key, jane, app.clock.now()).await;
            let before = left(app.pool(), jane, 0).await;
            let audit_from = last_audit_id(app.pool()).await;

            make(&app, door, change, jane, &acting, &admin_cookie).await;

            let after = left(app.pool(), jane, audit_from).await;
            let row = row_of(change);
            let other_sessions_end = match &other {
                Some(other) => app.me(other).await.trim() == "null",
                None => row.other_sessions_end,
            };
            let seen = Seen {
                trusted_networks_go: after.trusted_networks < before.trusted_networks,
                live_codes_go: after.live_codes < before.live_codes,
                other_sessions_end,
                device_cookies_go: after.device_cookies < before.device_cookies,
                app_and_recovery_codes_go: after.app_and_recovery_codes < before.app_and_recovery_codes,
                mailed: mail_received(&mut capture, row.mailed.len()).await,
                audit: after.audit,
            };
            if seen != Seen::expected(&row) {
                failures.push(format!(
                    "{door:?} {change:?}:\n  seen     {seen:?}\n  expected {:?}",
                    Seen::expected(&row)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "rows not kept:\n{}", failures.join("\n"));
}

/// The command line's rows, against the release binary and its database file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_change_through_the_command_line_does_what_the_table_says() {
    let mut failures = Vec::new();
    for (change, args) in [
        (Change::PasswordReset, ["admin", "reset-password", "jane"]),
        (Change::MethodsReset, ["admin", "reset-methods", "jane"]),
    ] {
        let dir = std::env::temp_dir().join(format!("twostep-details-{}-{change:?}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let server = Server::start(&dir).await;
        let client = reqwest::Client::new();
        let admin = binary::sign_in(&client, &server.base)
            .await
            .expect("the admin signs in");
        let new_jane = form(&[
            ("name", "Jane"),
            ("username", "jane"),
            ("email", JANE_EMAIL),
            ("phone", ""),
            ("mobile", JANE_MOBILE),
            ("password", PERSON_PASSWORD),
            ("active", "on"),
        ]);
        let saved = binary::call(&client, &server.base, &admin, "save_person", &new_jane)
            .await
            .unwrap();
        let jane: i64 = serde_json::from_str::<serde_json::Value>(&saved).unwrap()["Saved"]["id"]
            .as_i64()
            .expect("saved");
        let jane_session = {
            let response = client
                .post(format!("{}/api/login", server.base))
                .header("origin", &server.base)
                .form(&[("username", "jane"), ("password", PERSON_PASSWORD)])
                .send()
                .await
                .unwrap();
            binary::session_cookie(&response).expect("jane signs in")
        };
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}/twostep.db", dir.display()))
            .await
            .unwrap();
        let db = app::db::Db::Sqlite(pool.clone());
        let key = app::secret_key::SecretKey::random();
        seed(&db, &key, jane, now()).await;
        let before = left(&pool, jane, 0).await;
        let audit_from = last_audit_id(&pool).await;
        let mail_before = outbox_recipients(&dir).len();

        let output = server.operator(&args).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );

        let after = left(&pool, jane, audit_from).await;
        let me = binary::call(&client, &server.base, &jane_session, "me", "").await;
        let row = row_of(change);
        let seen = Seen {
            trusted_networks_go: after.trusted_networks < before.trusted_networks,
            live_codes_go: after.live_codes < before.live_codes,
            other_sessions_end: me.is_none_or(|m| m.trim() == "null"),
            device_cookies_go: after.device_cookies < before.device_cookies,
            app_and_recovery_codes_go: after.app_and_recovery_codes < before.app_and_recovery_codes,
            mailed: outbox_recipients(&dir)[mail_before..].iter().cloned().collect(),
            audit: after.audit,
        };
        if seen != Seen::expected(&row) {
            failures.push(format!(
                "command line {change:?}:\n  seen     {seen:?}\n  expected {:?}",
                Seen::expected(&row)
            ));
        }
        pool.close().await;
        drop(server);
        let _ = std::fs::remove_dir_all(&dir);
    }
    assert!(failures.is_empty(), "rows not kept:\n{}", failures.join("\n"));
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The recipients of the outbox's messages, oldest first.
fn outbox_recipients(dir: &std::path::Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir.join("outbox")) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    files
        .iter()
        .flat_map(|file| recipients(&std::fs::read_to_string(file).unwrap_or_default()))
        .collect()
}

/// One's own Email, Mobile and Password are changed only in My account: Personnel
/// refuses them for one's own entry, whatever the page sends, and changes nothing.
#[tokio::test]
async fn one_s_own_details_are_refused_outside_my_account() {
    let app = TestApp::new().await;
    let (_, admin_cookie) = app.login("admin", ADMIN_PASSWORD, None).await;
    let admin_cookie = admin_cookie.unwrap();
    let before = database_fingerprint(app.pool()).await;
    for change in [
        &[("email", "admin@elsewhere.example")][..],
        &[("mobile", "+32 470 12 34 56")][..],
        &[("password", "a password nobody asked for")][..],
    ] {
        let fields = person_form(app.pool(), 1, change).await;
        let body = body_text(
            app.send(post("/api/save_person", &fields, Some(&admin_cookie)))
                .await,
        )
        .await;
        assert!(
            body.contains(said().own_details_in_my_account),
            "{change:?}: {body}"
        );
        assert_eq!(
            database_fingerprint(app.pool()).await,
            before,
            "{change:?} changed nothing"
        );
    }
    // Name and username of one's own entry stay open there.
    let fields = person_form(app.pool(), 1, &[("name", "The Administrator")]).await;
    let body = body_text(
        app.send(post("/api/save_person", &fields, Some(&admin_cookie)))
            .await,
    )
    .await;
    assert!(body.contains("Saved"), "{body}");
}

/// My account asks for the current password in the same form: a session alone changes no
/// address, and a wrong password changes nothing.
#[tokio::test]
async fn my_account_changes_an_address_only_with_the_current_password() {
    let app = TestApp::new().await;
    let jane = app.add_person("jane", Some(JANE_EMAIL)).await;
    let cookie = app.login("jane", PERSON_PASSWORD, None).await.1.unwrap();
    let before = database_fingerprint(app.pool()).await;
    for current in ["", "not her password"] {
        let fields = form(&[("email", JANE_NEW_EMAIL), ("mobile", ""), ("current", current)]);
        let body = body_text(
            app.send(post("/api/change_contact", &fields, Some(&cookie)))
                .await,
        )
        .await;
        assert!(body.contains("That is not your current password."), "{body}");
    }
    let fields = form(&[
        ("email", "not an address"),
        ("mobile", ""),
        ("current", PERSON_PASSWORD),
    ]);
    let body = body_text(
        app.send(post("/api/change_contact", &fields, Some(&cookie)))
            .await,
    )
    .await;
    assert!(body.contains("Enter a valid email address"), "{body}");
    // The throttle's counters move with wrong passwords; the person's row does not.
    let email: Option<String> = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(jane)
        .fetch_one(app.pool())
        .await
        .unwrap();
    assert_eq!(email.as_deref(), Some(JANE_EMAIL));
    assert_eq!(
        database_fingerprint(app.pool()).await.0,
        before.0,
        "users unchanged"
    );
}

/// A run of changes cannot flood anyone's mailbox: past the per-kind limit the notices
/// stop, and another kind still gets through.
#[tokio::test]
async fn notices_are_limited_per_person_and_kind() {
    use app::sign_in_details::notices::{Notice, PER_WINDOW, WINDOW_SECONDS, letters};
    let app = TestApp::new().await;
    let jane = app.add_person("jane", Some(JANE_EMAIL)).await;
    let now = app.clock.now();
    let mut sent = 0;
    for _ in 0..PER_WINDOW + 3 {
        sent += letters(&app.state.db, jane, &[Notice::MobileChanged], now, Lang::En)
            .await
            .unwrap()
            .len();
    }
    assert_eq!(sent as i64, PER_WINDOW);
    let other = letters(&app.state.db, jane, &[Notice::PasswordChanged], now, Lang::En)
        .await
        .unwrap();
    assert_eq!(other.len(), 1, "another kind is not silenced");
    let later = letters(
        &app.state.db,
        jane,
        &[Notice::MobileChanged],
        now + WINDOW_SECONDS + 1,
        Lang::En,
    )
    .await
    .unwrap();
    assert_eq!(later.len(), 1, "the window moves on");
    // Fifty in parallel share the one limit.
    let parallel = futures::future::join_all(
        (0..50).map(|_| letters(&app.state.db, jane, &[Notice::UsernameChanged], now, Lang::En)),
    )
    .await;
    let total: usize = parallel.into_iter().map(|l| l.unwrap().len()).sum();
    assert_eq!(total as i64, PER_WINDOW);
}
