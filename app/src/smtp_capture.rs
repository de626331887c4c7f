//! A small SMTP server on loopback that keeps every message it is given, for tests that
//! must see a code arrive by real mail. Not part of the product (feature `test-support`).

use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

pub struct SmtpCapture {
    /// `smtp://127.0.0.1:<port>`, for the mailer.
    pub url: String,
    received: mpsc::UnboundedReceiver<String>,
}

impl SmtpCapture {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let url = format!("smtp://{}", listener.local_addr().expect("local address"));
        let (tx, received) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(serve(socket, tx.clone()));
            }
        });
        Self { url, received }
    }

    /// The next message's raw text (headers and body), waiting at most five seconds.
    pub async fn next_message(&mut self) -> String {
        tokio::time::timeout(Duration::from_secs(5), self.received.recv())
            .await
            .expect("a message within five seconds")
            .expect("the capture server is running")
    }

    /// The six-digit code in the next message's subject.
    pub async fn next_code(&mut self) -> String {
        let message = self.next_message().await;
        code_in(&message).unwrap_or_else(|| panic!("no code in {message}"))
    }

    /// Whether a message arrived in the last moment (for "no mail was sent").
    pub fn try_message(&mut self) -> Option<String> {
        self.received.try_recv().ok()
    }
}

/// The code in a code message's subject line.
pub fn code_in(message: &str) -> Option<String> {
    // The text part shows the code on a line of its own (never in the subject).
    message
        .lines()
        .map(str::trim)
        .find(|line| line.len() == 6 && line.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_string)
}

async fn serve(socket: tokio::net::TcpStream, tx: mpsc::UnboundedSender<String>) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    if write.write_all(b"220 capture ESMTP\r\n").await.is_err() {
        return;
    }
    let mut data: Option<String> = None;
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(body) = data.as_mut() {
            if line == "." {
                let _ = tx.send(data.take().unwrap_or_default());
                if write.write_all(b"250 queued\r\n").await.is_err() {
                    return;
                }
            } else {
                body.push_str(line.strip_prefix('.').unwrap_or(&line));
                body.push('\n');
            }
            continue;
        }
        let verb = line.split(' ').next().unwrap_or("").to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" => b"250 capture\r\n",
            "DATA" => {
                data = Some(String::new());
                b"354 go on\r\n"
            }
            "QUIT" => {
                let _ = write.write_all(b"221 bye\r\n").await;
                return;
            }
            _ => b"250 ok\r\n",
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}
