//! Pages rendered by many requests at once all finish: every signed-in page, eight at a
//! time, thirty rounds. (A page whose data never arrives would leave its browser waiting
//! for ever; each body must end within 10 s.)

mod common;

use common::*;
use std::sync::Arc;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_finishes_under_concurrent_load() {
    let app = Arc::new(TestApp::new().await);
    let (_, admin) = app.login("admin", ADMIN_PASSWORD, None).await;
    let admin = admin.unwrap();
    const PAGES: [&str; 8] = [
        "/",
        "/account",
        "/maintenance/organisation/personnel",
        "/maintenance/organisation/personnel?edit=1",
        "/system/permissions",
        "/system/security",
        "/system/security?shown=100&kind=sign_in_ok",
        "/no/such/page",
    ];
    for round in 0..30 {
        let requests: Vec<_> = PAGES
            .iter()
            .map(|path| {
                let (app, admin) = (app.clone(), admin.clone());
                tokio::spawn(async move {
                    let response = app.send(get(path, Some(&admin))).await;
                    let body = tokio::time::timeout(Duration::from_secs(10), body_text(response))
                        .await
                        .unwrap_or_else(|_| panic!("round {round}: {path} never finished"));
                    assert!(body.contains("</html>"), "{path}: the whole page");
                })
            })
            .collect();
        for request in requests {
            request.await.unwrap();
        }
    }
}
