//! `GET /metrics` in the Prometheus text format, on a listener of its own
//! (`TWOSTEP_METRICS_ADDR`): the public listener never has the route, so the figures are
//! not published by a forgotten proxy rule. What is counted: `app::telemetry`.

use app::telemetry::MAIL_SEND_SECONDS;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::net::SocketAddr;

/// Mail send times, seconds: a healthy SMTP server answers in well under a second; the
/// send gives up after ten.
const MAIL_SECONDS_BUCKETS: [f64; 9] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// Installs the process's recorder: from here on, `app::telemetry` counts.
pub fn install() -> Result<PrometheusHandle, String> {
    PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full(MAIL_SEND_SECONDS.to_string()),
            &MAIL_SECONDS_BUCKETS,
        )
        .map_err(|e| format!("metrics: {e}"))?
        .install_recorder()
        .map_err(|e| format!("metrics: {e}"))
}

#[derive(Clone)]
struct Scrape {
    handle: PrometheusHandle,
    db: app::db::Db,
}

/// Serves `/metrics` on `addr` until `shutdown` resolves.
pub async fn serve(
    addr: SocketAddr,
    handle: PrometheusHandle,
    db: app::db::Db,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("metrics: cannot listen on {addr}: {e}"))?;
    tracing::info!("metrics on http://{addr}/metrics");
    if !addr.ip().is_loopback() {
        tracing::warn!(%addr, "metrics_addr is not a loopback address: make sure only the scraper can reach it");
    }
    let router = Router::new()
        .route("/metrics", get(render))
        .with_state(Scrape { handle, db });
    tokio::spawn(async move {
        crate::listener::serve(listener, router, crate::listener::HEADER_READ, shutdown).await;
    });
    Ok(())
}

async fn render(State(scrape): State<Scrape>) -> ([(http::HeaderName, &'static str); 1], String) {
    app::telemetry::sample_pool(&scrape.db);
    // Histograms and summaries are kept tidy at each scrape (no timer of its own).
    scrape.handle.run_upkeep();
    (
        [(http::header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        scrape.handle.render(),
    )
}
