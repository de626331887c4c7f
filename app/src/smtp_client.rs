//! SMTP on a socket with `TCP_NODELAY`, for the messages a person waits for.
//!
//! lettre's transport connects with Nagle's algorithm on, and ends every message with a
//! separate five-byte write (`\r\n.\r\n`). That write waits until the server acknowledges
//! the body, and a server with nothing to answer yet delays its ACK: about 40 ms per
//! message on Linux (measured on loopback: 43 ms per message, 0.14 ms with `TCP_NODELAY`).
//! So this opens the socket itself and hands it to lettre's `AsyncSmtpConnection`, which
//! still speaks the protocol (EHLO, STARTTLS, AUTH, the message). A few idle connections
//! are kept for the next message, as lettre's pool did.
//!
//! `smtps://` (TLS from the first byte) stays with lettre's transport, which takes no
//! socket from outside for it.

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use std::time::{Duration, Instant};

/// Idle connections kept, and for how long.
const KEEP_IDLE: usize = 4;
const IDLE_FOR: Duration = Duration::from_secs(60);
/// How long a kept connection may take to answer NOOP before it counts as dead (a
/// half-open socket must not eat the whole send's time).
const STILL_THERE: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StartTls {
    Never,
    IfOffered,
    Required,
}

struct Idle {
    connection: AsyncSmtpConnection,
    since: Instant,
}

pub struct SmtpClient {
    host: String,
    port: u16,
    starttls: StartTls,
    credentials: Option<Credentials>,
    hello: ClientId,
    timeout: Duration,
    idle: tokio::sync::Mutex<Vec<Idle>>,
}

impl SmtpClient {
    /// The client for an `smtp://` URL in lettre's form (`?tls=required` or
    /// `?tls=opportunistic` for STARTTLS, `user:password@`, a path for the EHLO name), with
    /// lettre's default ports. `None` for `smtps://`.
    pub fn from_url(url: &str, timeout: Duration) -> Result<Option<SmtpClient>, String> {
        let parsed = url::Url::parse(url).map_err(|e| e.to_string())?;
        let tls = parsed
            .query_pairs()
            .find(|(key, _)| key == "tls")
            .map(|(_, value)| value.into_owned());
        let (starttls, default_port) = match (parsed.scheme(), tls.as_deref()) {
            ("smtp", None) => (StartTls::Never, 25),
            ("smtp", Some("required")) => (StartTls::Required, 587),
            ("smtp", Some("opportunistic")) => (StartTls::IfOffered, 587),
            ("smtps", _) => return Ok(None),
            (scheme, tls) => return Err(format!("unknown scheme {scheme:?} or tls {tls:?}")),
        };
        let host = match parsed.host() {
            Some(url::Host::Domain(name)) => name.to_string(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            None => return Err("the SMTP URL names no host".into()),
        };
        let decode = |text: &str| {
            percent_encoding::percent_decode_str(text)
                .decode_utf8_lossy()
                .into_owned()
        };
        let credentials = parsed
            .password()
            .map(|password| Credentials::new(decode(parsed.username()), decode(password)));
        let hello = match parsed.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_string()),
        };
        Ok(Some(SmtpClient {
            port: parsed.port().unwrap_or(default_port),
            host,
            starttls,
            credentials,
            hello,
            timeout,
            idle: tokio::sync::Mutex::new(Vec::new()),
        }))
    }

    /// A new connection, greeted, upgraded to TLS and signed in as the URL says.
    async fn connect(&self) -> Result<AsyncSmtpConnection, String> {
        let steps = async {
            let socket = tokio::net::TcpStream::connect((self.host.as_str(), self.port))
                .await
                .map_err(|e| format!("cannot connect to {}:{}: {e}", self.host, self.port))?;
            socket.set_nodelay(true).map_err(|e| e.to_string())?;
            let mut connection = AsyncSmtpConnection::connect_with_transport(Box::new(socket), &self.hello)
                .await
                .map_err(|e| e.to_string())?;
            let upgrade = match self.starttls {
                StartTls::Never => false,
                StartTls::IfOffered => connection.can_starttls(),
                StartTls::Required if connection.can_starttls() => true,
                StartTls::Required => return Err("the SMTP server does not offer STARTTLS".to_string()),
            };
            if upgrade {
                let tls = TlsParameters::new(self.host.clone()).map_err(|e| e.to_string())?;
                connection
                    .starttls(tls, &self.hello)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            if let Some(credentials) = &self.credentials {
                connection
                    .auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            Ok(connection)
        };
        tokio::time::timeout(self.timeout, steps)
            .await
            .map_err(|_| "the SMTP server did not answer in time".to_string())?
    }

    /// The newest idle connection that still answers NOOP, as lettre's pool checks before
    /// reuse: a server that closed it, said "421" before closing, or went away leaves
    /// nothing half-sent behind. Those that fail are dropped.
    async fn take_idle(&self) -> Option<AsyncSmtpConnection> {
        loop {
            let kept = {
                let mut idle = self.idle.lock().await;
                idle.retain(|kept| kept.since.elapsed() < IDLE_FOR && !kept.connection.has_broken());
                idle.pop()
            }?;
            let mut connection = kept.connection;
            if let Ok(true) = tokio::time::timeout(STILL_THERE, connection.test_connected()).await {
                return Some(connection);
            }
        }
    }

    async fn park(&self, connection: AsyncSmtpConnection) {
        let mut idle = self.idle.lock().await;
        if idle.len() < KEEP_IDLE && !connection.has_broken() {
            idle.push(Idle {
                connection,
                since: Instant::now(),
            });
        }
    }

    /// Sends one message on a kept connection that answered NOOP, or a new one. Never
    /// sent twice: a failure after the message went out may mean the server has it.
    pub async fn send(&self, envelope: &Envelope, message: &[u8]) -> Result<(), String> {
        let mut connection = match self.take_idle().await {
            Some(connection) => connection,
            None => self.connect().await?,
        };
        connection
            .send(envelope, message)
            .await
            .map_err(|e| e.to_string())?;
        self.park(connection).await;
        Ok(())
    }

    /// Whether the server answers: a new connection, greeted (and upgraded and signed in
    /// as configured), then closed.
    pub async fn check(&self) -> Result<(), String> {
        let mut connection = self.connect().await?;
        let _ = connection.quit().await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smtp_capture::SmtpCapture;
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

    fn envelope() -> Envelope {
        Envelope::new(
            Some("from@example.com".parse().unwrap()),
            vec!["to@example.com".parse().unwrap()],
        )
        .unwrap()
    }

    #[test]
    fn the_url_says_where_and_how() {
        let client = SmtpClient::from_url(
            "smtp://user%40x:p%3Ass@mail.example.com:2525/relay.example.com?tls=required",
            Duration::from_secs(1),
        )
        .unwrap()
        .unwrap();
        assert_eq!((client.host.as_str(), client.port), ("mail.example.com", 2525));
        assert_eq!(client.starttls, StartTls::Required);
        assert_eq!(
            client.credentials,
            Some(Credentials::new("user@x".into(), "p:ss".into()))
        );
        assert_eq!(client.hello, ClientId::Domain("relay.example.com".into()));
        let plain = SmtpClient::from_url("smtp://[::1]", Duration::from_secs(1))
            .unwrap()
            .unwrap();
        assert_eq!(
            (plain.host.as_str(), plain.port, plain.starttls),
            ("::1", 25, StartTls::Never)
        );
        assert!(
            SmtpClient::from_url("smtps://mail.example.com", Duration::from_secs(1))
                .unwrap()
                .is_none()
        );
        assert!(SmtpClient::from_url("http://mail.example.com", Duration::from_secs(1)).is_err());
    }

    /// What the test server does once a message is in.
    #[derive(Clone, Copy)]
    enum AfterMessage {
        /// Waits for the next command on the same connection.
        Stay,
        /// Hangs up, as a server that closed an idle connection.
        HangUp,
        /// Answers the next command "421" and hangs up, as Postfix does with an idle one.
        Say421,
    }

    /// An SMTP server on loopback: its URL, the messages it took, and how many
    /// connections it accepted.
    async fn test_server(
        after: AfterMessage,
    ) -> (
        String,
        tokio::sync::mpsc::UnboundedReceiver<String>,
        std::sync::Arc<std::sync::atomic::AtomicUsize>,
    ) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let accepted = std::sync::Arc::new(AtomicUsize::new(0));
        let counter = accepted.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                let tx = tx.clone();
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read).lines();
                    write.write_all(b"220 test ESMTP\r\n").await.unwrap();
                    let (mut body, mut had_one) = (None::<String>, false);
                    while let Ok(Some(line)) = lines.next_line().await {
                        if let Some(text) = body.as_mut() {
                            if line == "." {
                                tx.send(body.take().unwrap()).unwrap();
                                write.write_all(b"250 queued\r\n").await.unwrap();
                                had_one = true;
                                if matches!(after, AfterMessage::HangUp) {
                                    return;
                                }
                            } else {
                                text.push_str(&line);
                            }
                            continue;
                        }
                        if had_one && matches!(after, AfterMessage::Say421) {
                            let _ = write.write_all(b"421 idle too long, closing\r\n").await;
                            return;
                        }
                        let reply: &[u8] = if line.starts_with("DATA") {
                            body = Some(String::new());
                            b"354 go on\r\n"
                        } else {
                            b"250 ok\r\n"
                        };
                        write.write_all(reply).await.unwrap();
                    }
                });
            }
        });
        (url, rx, accepted)
    }

    async fn three_messages(after: AfterMessage) -> usize {
        let (url, mut received, accepted) = test_server(after).await;
        let client = SmtpClient::from_url(&url, Duration::from_secs(5))
            .unwrap()
            .unwrap();
        for n in 0..3 {
            let text = format!("Subject: {n}\r\n\r\nmessage {n}\r\n");
            client.send(&envelope(), text.as_bytes()).await.unwrap();
            assert!(received.recv().await.unwrap().contains(&format!("message {n}")));
        }
        accepted.load(std::sync::atomic::Ordering::SeqCst)
    }

    #[tokio::test]
    async fn one_connection_carries_message_after_message() {
        assert_eq!(three_messages(AfterMessage::Stay).await, 1);
    }

    #[tokio::test]
    async fn a_kept_connection_the_server_closed_is_replaced() {
        assert_eq!(three_messages(AfterMessage::HangUp).await, 3);
    }

    #[tokio::test]
    async fn a_kept_connection_the_server_said_421_on_is_replaced() {
        assert_eq!(three_messages(AfterMessage::Say421).await, 3);
    }

    #[tokio::test]
    async fn the_capture_server_gets_message_after_message() {
        let mut capture = SmtpCapture::start().await;
        let client = SmtpClient::from_url(&capture.url, Duration::from_secs(5))
            .unwrap()
            .unwrap();
        for n in 0..2 {
            let text = format!("Subject: {n}\r\n\r\nmessage {n}\r\n");
            client.send(&envelope(), text.as_bytes()).await.unwrap();
            assert!(capture.next_message().await.contains(&format!("message {n}")));
        }
    }
}
