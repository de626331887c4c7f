//! The listener against slow clients (issue 26): over a real loopback socket, a client
//! that never finishes its headers and a kept-alive connection that idles are closed
//! after the header-read time, while an answer that takes longer still arrives whole.

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::routing::get;
use futures::StreamExt;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const HEADER_READ: Duration = Duration::from_millis(400);
/// Far longer than the header-read time: a connection still open then was not closed.
const PATIENCE: Duration = Duration::from_secs(10);

/// A listener with a short header-read time, serving a page that names the peer and a
/// slow answer that trickles for longer than that time. Stops when the test ends.
async fn listening() -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let router = Router::new()
        .route(
            "/peer",
            get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.ip().to_string() }),
        )
        .route(
            "/slow",
            get(|| async {
                let ticks = futures::stream::iter(0..5).then(|i| async move {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    Ok::<_, std::convert::Infallible>(format!("tick {i}\n"))
                });
                Body::from_stream(ticks)
            }),
        );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server::listener::serve(listener, router, HEADER_READ, async {
        let _ = stopped.await;
    }));
    (addr, stop)
}

/// Reads until the server closes the connection (or `PATIENCE` runs out: a failure).
async fn read_until_closed(stream: &mut TcpStream) -> (String, Duration) {
    let began = Instant::now();
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match tokio::time::timeout(PATIENCE, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => received.extend_from_slice(&buffer[..n]),
            Err(_) => panic!(
                "still open after {PATIENCE:?}: {}",
                String::from_utf8_lossy(&received)
            ),
        }
    }
    (String::from_utf8_lossy(&received).into_owned(), began.elapsed())
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let (addr, _stop) = listening().await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /peer HTTP/1.1\r\nHost: a\r\nX-Slow: ")
        .await
        .unwrap();
    let (_, waited) = read_until_closed(&mut stream).await;
    assert!(waited >= HEADER_READ - Duration::from_millis(50), "{waited:?}");
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed_after_its_answer() {
    let (addr, _stop) = listening().await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /peer HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    let (received, open_for) = read_until_closed(&mut stream).await;
    assert!(received.starts_with("HTTP/1.1 200"), "{received}");
    assert!(
        open_for >= HEADER_READ - Duration::from_millis(50),
        "kept alive a while: {open_for:?}"
    );
    assert!(
        received.ends_with("127.0.0.1"),
        "the peer reaches the router: {received}"
    );
}

#[tokio::test]
async fn an_answer_that_takes_longer_than_the_header_time_arrives_whole() {
    let (addr, _stop) = listening().await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /slow HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let (received, took) = read_until_closed(&mut stream).await;
    assert!(took >= Duration::from_millis(900), "{took:?}");
    for i in 0..5 {
        assert!(received.contains(&format!("tick {i}")), "{received}");
    }
}

#[tokio::test]
async fn the_listener_stops_taking_connections_at_shutdown() {
    let (addr, stop) = listening().await;
    stop.send(()).unwrap();
    let began = Instant::now();
    while TcpStream::connect(addr).await.is_ok() {
        assert!(began.elapsed() < PATIENCE, "still accepting");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
