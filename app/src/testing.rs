//! Fixtures for the crate's own tests: a fresh database with real state around it.

use crate::auth::password::PasswordHasher;
use crate::clock::ManualClock;
use crate::db::{Backend, TempDb, open_temporary_on};
use crate::mail::{Mailer, SMTP_TIMEOUT};
use crate::permissions::{CurrentUser, Permission};
use crate::personnel::people::{self, NewPerson};
use crate::state::{AppState, Policy, Services};
use std::sync::Arc;

pub const PASSWORD: &str = "a fine password";

/// Real state around a fresh SQLite database.
pub async fn state() -> (AppState, TempDb) {
    state_on(Backend::Sqlite).await
}

/// Real state around a fresh database on `backend`.
pub async fn state_on(backend: Backend) -> (AppState, TempDb) {
    let (database, db) = open_temporary_on(backend).await;
    let state = AppState::from(Services {
        leptos_options: leptos::config::LeptosOptions::builder()
            .output_name("twostep")
            .build(),
        db: database,
        hasher: Arc::new(PasswordHasher::new(2, 16)),
        clock: Arc::new(ManualClock::at(1_800_000_000)),
        policy: Arc::new(Policy::default()),
        mailer: Arc::new(
            Mailer::new(
                None,
                &db.path().join("outbox"),
                "Twostep <no-reply@localhost>",
                SMTP_TIMEOUT,
            )
            .expect("an outbox mailer"),
        ),
        secret_key: Arc::new(crate::secret_key::SecretKey::random()),
        sms: None,
        trust_events: crate::state::trust_events(),
        site_files: Arc::new(crate::site_files::SiteFiles::plain("twostep", "pkg")),
        first_admin_password_file: None,
    });
    (state, db)
}

/// Creates an active person with `PASSWORD` and the given permissions.
pub async fn person(state: &AppState, name: &str, username: &str, permissions: &[Permission]) -> CurrentUser {
    let hash = state.hasher.hash(PASSWORD.into()).await.unwrap();
    let id = people::create(
        &state.db,
        NewPerson {
            name,
            username,
            email: None,
            password_hash: &hash,
            permissions,
        },
        state.clock.now(),
    )
    .await
    .unwrap();
    people::load_current(&state.db, id, 0).await.unwrap().unwrap()
}

/// `user`'s request from `client_ip`, as a server function sees it (no device cookie).
pub fn request_of(
    state: &AppState,
    user: &CurrentUser,
    client_ip: std::net::IpAddr,
) -> crate::request::context::SignedIn {
    crate::request::context::SignedIn {
        state: state.clone(),
        user: user.clone(),
        client_ip,
        device_cookie: None,
        no_second_step: false,
    }
}

pub async fn epoch(state: &AppState, id: i64) -> i64 {
    crate::db::on_db!(&state.db, |pool| sqlx::query_scalar(
        "SELECT session_epoch FROM users WHERE id = $1"
    )
    .bind(id)
    .fetch_one(pool)
    .await)
    .unwrap()
}

/// Makes the person inactive, as an administrator would, without the rules around it.
pub async fn deactivate(state: &AppState, id: i64) {
    crate::db::on_db!(&state.db, |pool| sqlx::query(
        "UPDATE users SET active = FALSE WHERE id = $1"
    )
    .bind(id)
    .execute(pool)
    .await
    .map(|_| ()))
    .unwrap();
}

/// Whether `password` is the current password of the active person `username`.
pub async fn password_works(state: &AppState, username: &str, password: &str) -> bool {
    let Some(record) = people::find_for_sign_in(&state.db, username).await.unwrap() else {
        return false;
    };
    state
        .hasher
        .verify(
            password.into(),
            Some(record.password_hash),
            crate::auth::password::Lane::Anyone,
        )
        .await
        .unwrap()
}

/// Starts a test from no security event (adding a person records one).
pub async fn forget_events(db: &crate::db::Db) {
    crate::db::on_db!(db, |pool| sqlx::query("DELETE FROM audit")
        .execute(pool)
        .await
        .map(|_| ()))
    .unwrap();
}
