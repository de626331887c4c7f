//! The HTTP listener (issue 26, "Without a proxy"): the router served connection by
//! connection with hyper's builder, so a client gets [`HEADER_READ`] to send a request's
//! headers, and a kept-alive connection that sends nothing is closed after as long.
//! `axum::serve` sets no timer, so a client that opened connections and sent a byte now
//! and then (slow-loris) held them for as long as it liked.
//!
//! Live-update streams are not affected: the timer runs only while a request's head is
//! awaited, never while an answer is being sent. A proxy in front must close its idle
//! upstream connections sooner (`deploy/nginx.conf`: `keepalive_timeout 5s`). The time a
//! body may take is the router's concern (`layers::BODY_TIME`).

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// How long a client has to send a request's headers, and how long a kept-alive
/// connection may wait for its next request.
pub const HEADER_READ: Duration = Duration::from_secs(10);

/// How long open connections get to finish once shutdown begins.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Whether an accept error is one client's (its connection was reset or aborted), not
/// the server's.
fn is_the_clients(error: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(
        error.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    )
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets open connections
/// finish (for [`SHUTDOWN_GRACE`] at most). Each request carries its peer address as
/// axum's `ConnectInfo`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    header_read: Duration,
    shutdown: impl Future<Output = ()>,
) {
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // One client's connection went before it was taken: nothing to wait for.
                Err(error) if is_the_clients(&error) => continue,
                Err(error) => {
                    // Out of file descriptors, say: wait a second rather than spin and
                    // fill the log (still stopping at once on shutdown).
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::select! {
                        () = tokio::time::sleep(Duration::from_secs(1)) => continue,
                        () = &mut shutdown => break,
                    }
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = router
            .clone()
            .map_request(move |request: http::Request<Incoming>| {
                let mut request = request.map(Body::new);
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            // HTTP/1 only: browsers speak HTTP/2 only over TLS, which a proxy ends, and an
            // HTTP/2 connection has no header-read timer.
            let mut builder = auto::Builder::new(TokioExecutor::new()).http1_only();
            builder
                .http1()
                .timer(TokioTimer::new())
                .header_read_timeout(header_read);
            let connection =
                builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
            if let Err(error) = watcher.watch(connection).await {
                tracing::debug!(%peer, %error, "connection ended");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after {SHUTDOWN_GRACE:?}: closing them");
    }
}
