//! A copy of the database opens nothing (issue 24, spec §2 "Secrets at rest"): people
//! sign in every way there is, then a reader of every table row (and, on SQLite, of the
//! file's raw bytes) looks for any secret a browser holds or a person was sent.

use crate::common::*;
use app::db::{Backend, Db};
use axum::body::Body;
use base64::Engine;
use http::{Request, Response, StatusCode, header};
use sha2::{Digest, Sha256};

/// Every secret the test saw leave the server, as text.
#[derive(Default)]
struct Secrets {
    /// Session cookie values (pending, signed in, and those cycled away).
    sessions: Vec<String>,
    /// Device cookie values (`id.secret`) and their secret halves.
    devices: Vec<String>,
    /// The posted-answer cookie's values.
    posted: Vec<String>,
    /// Recovery codes as shown (`xxxxx-xxxxx`) and as typed without the dash.
    recovery: Vec<String>,
    /// Six-digit codes that were mailed.
    codes: Vec<String>,
}

/// Every form a secret could be stored in: as text, as hex either case, as base64 (and,
/// for a session id, the bytes it stands for in each of those forms).
fn forms(secret: &str) -> Vec<String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut forms = vec![
        secret.to_string(),
        hex(secret.as_bytes()),
        hex(secret.as_bytes()).to_uppercase(),
        b64.encode(secret),
        url.encode(secret),
    ];
    for bytes in id_bytes(secret) {
        forms.extend([hex(&bytes), hex(&bytes).to_uppercase(), b64.encode(bytes)]);
    }
    if let Some(id) = id_bytes(secret).first() {
        forms.push(i128::from_le_bytes(*id).to_string());
    }
    forms
}

/// The bytes a session id stands for, in the cookie's order and reversed (MessagePack
/// writes an `i128` big-endian): nothing for a secret that is not a session id.
fn id_bytes(secret: &str) -> Vec<[u8; 16]> {
    let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(secret);
    let Some(id) = decoded.ok().and_then(|b| <[u8; 16]>::try_from(b.as_slice()).ok()) else {
        return Vec::new();
    };
    let mut reversed = id;
    reversed.reverse();
    vec![id, reversed]
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every row of every table as text, blobs as hex: what `SELECT *` gives a reader.
async fn every_row(db: &Db) -> Vec<String> {
    match db {
        Db::Sqlite(pool) => {
            let tables: Vec<String> =
                sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
                    .fetch_all(pool)
                    .await
                    .unwrap();
            let mut rows = Vec::new();
            for table in tables {
                let columns: Vec<String> =
                    sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                        .fetch_all(pool)
                        .await
                        .unwrap();
                let quoted: Vec<String> = columns.iter().map(|c| format!("quote(\"{c}\")")).collect();
                let row_text = format!(
                    "SELECT '{table}: ' || {} FROM \"{table}\"",
                    quoted.join(" || ','  || ")
                );
                rows.extend(
                    sqlx::query_scalar::<_, String>(&row_text)
                        .fetch_all(pool)
                        .await
                        .unwrap(),
                );
            }
            rows
        }
        Db::Postgres(pool) => {
            let tables: Vec<String> =
                sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'")
                    .fetch_all(pool)
                    .await
                    .unwrap();
            let mut rows = Vec::new();
            for table in tables {
                rows.extend(
                    sqlx::query_scalar::<_, String>(&format!(
                        "SELECT '{table}: ' || t::text FROM \"{table}\" t"
                    ))
                    .fetch_all(pool)
                    .await
                    .unwrap(),
                );
            }
            rows
        }
    }
}

/// The SQLite file and its write-ahead log, as bytes (nothing on PostgreSQL).
fn raw_files(db: &Db) -> Vec<(String, Vec<u8>)> {
    let Db::Sqlite(pool) = db else {
        return Vec::new();
    };
    let file = pool.connect_options().get_filename().to_path_buf();
    let mut files = Vec::new();
    for suffix in ["", "-wal"] {
        let path = format!("{}{suffix}", file.display());
        if let Ok(bytes) = std::fs::read(&path) {
            files.push((path, bytes));
        }
    }
    files
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

fn cookie_value(response: &Response<Body>, name: &str) -> Option<String> {
    let line = set_cookie_named(response, name)?;
    let value = line.split(';').next()?.split_once('=')?.1.to_string();
    (!value.is_empty()).then_some(value)
}

/// Signs `username` in with the mailed code: the signed-in session and the device cookie.
async fn full_sign_in(
    app: &TestApp,
    capture: &mut app::smtp_capture::SmtpCapture,
    username: &str,
    password: &str,
    secrets: &mut Secrets,
) -> String {
    let (body, pending) = app.login(username, password, None).await;
    assert!(body.contains("CodeRequired"), "{body}");
    let pending = pending.unwrap();
    let code = code_mailed_to(capture, &format!("{username}@example.com")).await;
    let response = app
        .send(post("/api/verify_code", &format!("code={code}"), Some(&pending)))
        .await;
    let signed_in = session_cookie(&response).expect("a signed-in session");
    let device = cookie_value(&response, "twostep_device").expect("a device cookie");
    assert!(body_text(response).await.contains("SignedIn"));
    secrets.sessions.extend([pending, signed_in.clone()]);
    secrets.codes.push(code);
    secrets
        .devices
        .push(device.split_once('.').unwrap().1.to_string());
    secrets.devices.push(device);
    signed_in
}

/// The recovery codes a page shows: each in a `<code>` of its own.
fn recovery_codes_in(page: &str) -> Vec<String> {
    page.split("<code>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</code>"))
        .map(|(code, _)| code.to_string())
        .collect()
}

/// The code in the next message sent to `address` (notices to others are passed over).
async fn code_mailed_to(capture: &mut app::smtp_capture::SmtpCapture, address: &str) -> String {
    loop {
        let message = capture.next_message().await;
        if message.contains(address)
            && let Some(code) = app::smtp_capture::code_in(&message)
        {
            return code;
        }
    }
}

/// Everyone signs in every way there is; then nothing they hold is in the database.
async fn a_database_reader_finds_no_secret(backend: Backend) {
    let capture = app::smtp_capture::SmtpCapture::start().await;
    let mut capture = capture;
    let app = TestApp::on(backend, &capture.url).await;
    app::settings::set_two_step_enabled(&app.state.db, true)
        .await
        .unwrap();
    app.add_person_holding("bob", &[]).await;
    app.add_person_holding("jane", &[]).await;
    let mut secrets = Secrets::default();

    // The admin: a full sign-in (a device cookie), then recovery codes by fetch.
    let admin = full_sign_in(&app, &mut capture, "admin", ADMIN_PASSWORD, &mut secrets).await;
    let created = body_text(
        app.send(post(
            "/api/create_recovery_codes",
            &password_form(ADMIN_PASSWORD),
            Some(&admin),
        ))
        .await,
    )
    .await;
    let app::sign_in_methods::RecoveryOutcome::Created(codes) = serde_json::from_str(&created).unwrap()
    else {
        panic!("{created}");
    };
    assert_eq!(codes.len(), 10, "{created}");
    secrets.recovery.extend(codes);

    // Bob: a full sign-in, then Create posted by the browser itself (no JavaScript): the
    // answer waits in a cookie for the next page load, which has not happened yet.
    let bob = full_sign_in(&app, &mut capture, "bob", PERSON_PASSWORD, &mut secrets).await;
    let posted = app
        .send(plain_post(
            "/api/create_recovery_codes",
            &password_form(PERSON_PASSWORD),
            &bob,
            "/account",
        ))
        .await;
    assert_eq!(posted.status(), StatusCode::SEE_OTHER);
    let posted_value = cookie_value(&posted, "twostep_posted").expect("the answer's cookie");
    secrets.posted.push(posted_value.clone());

    // Someone types a password into the Username field: refused, and counted.
    const TYPED_AS_NAME: &str = "jane's own password 1234";
    let (body, _) = app.login(TYPED_AS_NAME, PERSON_PASSWORD, None).await;
    assert_eq!(body, refused());

    // Jane: the password, and the code on its way (not answered).
    let (body, pending) = app.login("jane", PERSON_PASSWORD, None).await;
    assert!(body.contains("CodeRequired"), "{body}");
    secrets.sessions.push(pending.unwrap());
    secrets
        .codes
        .push(code_mailed_to(&mut capture, "jane@example.com").await);

    let rows = every_row(&app.state.db).await;
    let files = raw_files(&app.state.db);
    if backend == Backend::Sqlite {
        assert!(!files.is_empty(), "the SQLite file is read too");
    }
    let mut long_secrets: Vec<(&str, &String)> = Vec::new();
    long_secrets.extend(secrets.sessions.iter().map(|s| ("session id", s)));
    long_secrets.extend(secrets.devices.iter().map(|s| ("device cookie", s)));
    long_secrets.extend(secrets.posted.iter().map(|s| ("posted answer", s)));
    long_secrets.extend(secrets.recovery.iter().map(|s| ("recovery code", s)));
    let undashed: Vec<String> = secrets.recovery.iter().map(|c| c.replace('-', "")).collect();
    long_secrets.extend(undashed.iter().map(|s| ("recovery code", s)));
    let typed = [TYPED_AS_NAME.to_string(), TYPED_AS_NAME.to_lowercase()];
    long_secrets.extend(typed.iter().map(|s| ("password typed as a username", s)));
    for (what, secret) in long_secrets {
        for form in forms(secret) {
            for row in &rows {
                assert!(!row.contains(&form), "a {what} ({form}) in the row {row}");
            }
            for (path, bytes) in &files {
                assert!(!contains(bytes, form.as_bytes()), "a {what} ({form}) in {path}");
            }
        }
        // And the raw bytes a session id stands for.
        for bytes in id_bytes(secret) {
            for (path, file) in &files {
                assert!(!contains(file, &bytes), "a {what}'s bytes in {path}");
            }
        }
    }
    // A six-digit code: never a value of its own, and no digest a copy could reverse by
    // trying all million codes (a plain SHA-256, salted or not).
    for code in &secrets.codes {
        for row in &rows {
            let values = row.split(|c: char| !c.is_ascii_alphanumeric());
            assert!(!values.into_iter().any(|v| v == code), "the code {code} in {row}");
            assert!(!row.contains(&hex(code.as_bytes())), "the code {code} in {row}");
        }
    }
    let stored: Vec<(Vec<u8>, Vec<u8>)> = app::db::on_db!(&app.state.db, |pool| sqlx::query_as(
        "SELECT salt, digest FROM codes"
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    assert!(stored.len() >= 3, "a code row for each sign-in");
    for (salt, digest) in &stored {
        for n in 0..1_000_000u32 {
            let candidate = format!("{n:06}");
            let salted = Sha256::new()
                .chain_update(salt)
                .chain_update(&candidate)
                .finalize();
            let plain = Sha256::digest(candidate.as_bytes());
            assert!(
                salted.as_slice() != digest.as_slice() && plain.as_slice() != digest.as_slice(),
                "a code row reversed offline: {candidate}"
            );
        }
    }

    // Each id the table holds, as a row's key or inside its record, presented as a
    // cookie, opens nothing; the cookies do.
    let stored: Vec<(String, Vec<u8>)> = app::db::on_db!(&app.state.db, |pool| sqlx::query_as(
        "SELECT id, data FROM sessions"
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    assert!(stored.len() >= 3, "{stored:?}");
    let mut stored_ids = Vec::new();
    for (id, data) in stored {
        let record: tower_sessions::session::Record = rmp_serde::from_slice(&data).unwrap();
        stored_ids.extend([id, record.id.to_string()]);
    }
    for id in &stored_ids {
        assert_eq!(app.me(id).await, "null", "the stored id {id}");
    }
    assert!(app.me(&admin).await.contains("\"admin\""));
    assert!(app.me(&bob).await.contains("\"bob\""));

    // The page load after Bob's post shows his new codes, to him only.
    let mut page = get("/account", None);
    page.headers_mut().insert(
        header::COOKIE,
        format!("twostep_session={bob}; twostep_posted={posted_value}")
            .parse()
            .unwrap(),
    );
    let shown = recovery_codes_in(&body_text(app.send(page).await).await);
    assert_eq!(shown.len(), 10, "the posted codes are shown once");
    let json = cookie_contents(&posted_value);
    for code in &shown {
        assert!(
            !json.contains(code) && !json.contains(&code.replace('-', "")),
            "{code} in the cookie"
        );
    }
}
app::on_both_backends!(a_database_reader_finds_no_secret);

/// The posted-answer cookie's contents as a reader of the browser's cookies sees them.
fn cookie_contents(value: &str) -> String {
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(value)
        .unwrap();
    String::from_utf8(json).unwrap()
}

/// The posted-answer cookie holding new recovery codes opens only for the session it was
/// posted in: another session (the next person at a shared browser) sees no codes.
#[tokio::test]
async fn posted_recovery_codes_open_only_for_their_session() {
    let app = TestApp::new().await;
    let (_, admin) = app.login("admin", ADMIN_PASSWORD, None).await;
    let admin = admin.unwrap();
    let posted = app
        .send(plain_post(
            "/api/create_recovery_codes",
            &password_form(ADMIN_PASSWORD),
            &admin,
            "/account",
        ))
        .await;
    let value = cookie_value(&posted, "twostep_posted").unwrap();
    let (_, other) = app.login("admin", ADMIN_PASSWORD, None).await;
    let show = |session: String| {
        let mut page = get("/account", None);
        page.headers_mut().insert(
            header::COOKIE,
            format!("twostep_session={session}; twostep_posted={value}")
                .parse()
                .unwrap(),
        );
        page
    };
    let elsewhere = body_text(app.send(show(other.unwrap())).await).await;
    assert!(
        recovery_codes_in(&elsewhere).is_empty(),
        "another session sees none"
    );
    let own = body_text(app.send(show(admin.clone())).await).await;
    assert_eq!(recovery_codes_in(&own).len(), 10);
    // The cookie kept past its minute (a browser that ignored Max-Age, or a copy of it):
    // the server opens it no more, even for the same session.
    let posted = app
        .send(plain_post(
            "/api/create_recovery_codes",
            &password_form(ADMIN_PASSWORD),
            &admin,
            "/account",
        ))
        .await;
    let value = cookie_value(&posted, "twostep_posted").unwrap();
    app.clock.advance(61);
    let mut late = get("/account", None);
    late.headers_mut().insert(
        header::COOKIE,
        format!("twostep_session={admin}; twostep_posted={value}")
            .parse()
            .unwrap(),
    );
    let late = body_text(app.send(late).await).await;
    assert!(recovery_codes_in(&late).is_empty(), "too late to show");
}

/// Over https, removing the session cookie at sign-out and the posted answer's cookie
/// after it was shown carry `Secure`: a browser ignores a `__Host-` removal without it.
#[tokio::test]
async fn removals_of_host_cookies_are_secure_over_https() {
    let app = TestApp::new().await;
    let mut services = app.state.parts();
    services.policy = std::sync::Arc::new(app::state::Policy {
        public_origin: Some("https://plan.example.test".into()),
        ..(*app.state.policy).clone()
    });
    let state = app::state::AppState::from(services);
    let https = |request: Request<Body>| {
        let (mut parts, body) = request.into_parts();
        parts
            .headers
            .insert(header::HOST, "plan.example.test".parse().unwrap());
        parts
            .headers
            .insert(header::ORIGIN, "https://plan.example.test".parse().unwrap());
        let cookie = parts
            .headers
            .get(header::COOKIE)
            .map(|c| c.to_str().unwrap().replace("twostep_", "__Host-twostep_"));
        if let Some(cookie) = cookie {
            parts.headers.insert(header::COOKIE, cookie.parse().unwrap());
        }
        Request::from_parts(parts, body)
    };
    let send = |request: Request<Body>| {
        let peer = std::net::SocketAddr::from(([198, 51, 100, 20], 40000));
        let router = server::router::build(state.clone(), app.store.clone(), true)
            .layer(axum::extract::connect_info::MockConnectInfo(peer));
        async move { tower::ServiceExt::oneshot(router, https(request)).await.unwrap() }
    };
    let signed_in = send(login_request("admin", ADMIN_PASSWORD, None)).await;
    let session = cookie_value(&signed_in, "__Host-twostep_session").expect("a session");
    let posted = send(plain_post(
        "/api/create_recovery_codes",
        &password_form(ADMIN_PASSWORD),
        &session,
        "/account",
    ))
    .await;
    let posted_value = cookie_value(&posted, "__Host-twostep_posted").expect("an answer");
    let mut page = get("/account", None);
    page.headers_mut().insert(
        header::COOKIE,
        format!("twostep_session={session}; twostep_posted={posted_value}")
            .parse()
            .unwrap(),
    );
    let shown = send(page).await;
    let removal = set_cookie_named(&shown, "__Host-twostep_posted").expect("removed once shown");
    assert!(removal.contains("Secure"), "{removal}");
    let out = send(post("/api/logout", "", Some(&session))).await;
    let removal = set_cookie_named(&out, "__Host-twostep_session").expect("removed at sign-out");
    assert!(
        removal.contains("Max-Age=0") && removal.contains("Secure"),
        "{removal}"
    );
}
