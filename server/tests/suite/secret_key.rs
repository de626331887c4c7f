//! The secret key at start (issue 15): the real binary refuses to serve anyone with a key
//! that does not open the authenticator secrets its database holds, and says which key
//! it expected.

use crate::binary;

use binary::{Server, start_expecting_refusal};

const KEY_ONE: &str = "b25lIGtleSBvbmUga2V5IG9uZSBrZXkgb25lIGtleSA=";
const KEY_TWO: &str = "dHdvIGtleSB0d28ga2V5IHR3byBrZXkgdHdvIGtleSA=";

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
