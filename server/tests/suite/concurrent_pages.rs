//! Pages rendered by many requests at once all finish: every signed-in page, eight at a
//! time, thirty rounds. (A page whose data never arrives would leave its browser waiting
//! for ever; each body must end within 10 s.)

use crate::common;

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

/// The page as rendered, without what differs per request (the CSP nonce, which leptos
/// also writes as `crossorigin`).
fn normalised(body: &str) -> String {
    let mut text = body.to_string();
    for attribute in ["nonce=\"", "crossorigin=\""] {
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(at) = rest.find(attribute) {
            out.push_str(&rest[..at + attribute.len()]);
            rest = &rest[at + attribute.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            rest = &rest[end..];
        }
        out.push_str(rest);
        text = out;
    }
    text
}

/// The same page for the same person renders the same every time, browsers leaving
/// mid-render or not. (It did not: a guarded page's data was sometimes serialized twice,
/// the first copy from resources dropped mid-fetch, and the browser then hydrated the
/// HTML of one copy with the data of the other, and panicked.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_renders_the_same_every_time_even_while_others_are_cut_off() {
    let app = Arc::new(TestApp::new().await);
    let (_, admin) = app.login("admin", ADMIN_PASSWORD, None).await;
    let admin = admin.unwrap();
    let path = "/system/security";
    let render = || async { normalised(&body_text(app.send(get(path, Some(&admin))).await).await) };
    let baseline = render().await;
    for again in 0..5 {
        assert!(
            render().await == baseline,
            "render {again} differs from the first"
        );
    }
    for other in [
        "/maintenance/organisation/personnel",
        "/system/permissions",
        "/account",
    ] {
        let once = normalised(&body_text(app.send(get(other, Some(&admin))).await).await);
        let twice = normalised(&body_text(app.send(get(other, Some(&admin))).await).await);
        assert!(once == twice, "{other} renders differently");
    }
    for round in 0..40u64 {
        // Browsers that leave while their page is being rendered.
        let cut: Vec<_> = (0..3)
            .map(|n| {
                let (app, admin) = (app.clone(), admin.clone());
                tokio::spawn(async move {
                    let _ = tokio::time::timeout(
                        Duration::from_micros(200 + (round * 7 + n * 300) % 3000),
                        async {
                            let response = app.send(get(path, Some(&admin))).await;
                            body_text(response).await
                        },
                    )
                    .await;
                })
            })
            .collect();
        let whole: Vec<_> = (0..2)
            .map(|_| {
                let (app, admin) = (app.clone(), admin.clone());
                tokio::spawn(
                    async move { normalised(&body_text(app.send(get(path, Some(&admin))).await).await) },
                )
            })
            .collect();
        for one in cut {
            one.await.unwrap();
        }
        for one in whole {
            let body = one.await.unwrap();
            if body != baseline {
                let at = body
                    .bytes()
                    .zip(baseline.bytes())
                    .position(|(a, b)| a != b)
                    .unwrap_or(body.len().min(baseline.len()));
                panic!(
                    "round {round}: the page differs at byte {at}:\n got: {}\nwant: {}",
                    &body[at.saturating_sub(200)..(at + 300).min(body.len())],
                    &baseline[at.saturating_sub(200)..(at + 300).min(baseline.len())]
                );
            }
        }
    }
}
