//! Outgoing mail: SMTP when a server is configured (lettre's URL form, TLS as the URL
//! says), otherwise one `.eml` file per message in the outbox folder. `smtp://` goes
//! through `crate::smtp_client` (a socket without Nagle's delay), `smtps://` through
//! lettre's own transport.

use crate::i18n::Lang;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc};

/// How long one SMTP exchange may take before the send counts as failed.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("mail configuration: {0}")]
    Config(String),
    #[error("the message could not be built: {0}")]
    Build(String),
    #[error("sending failed: {0}")]
    Send(String),
}

/// Where a message went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Accepted by the SMTP server.
    Smtp,
    /// Written to this file of the outbox.
    Outbox(PathBuf),
}

/// One message: a plain-text and an HTML part saying the same.
pub struct Letter {
    pub to_name: String,
    pub to_email: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Letter {
    pub fn to(name: &str, email: &str, subject: String, text: String, html: String) -> Self {
        Self {
            to_name: name.to_string(),
            to_email: email.to_string(),
            subject,
            text,
            html,
        }
    }
}

enum Transport {
    Smtp(crate::smtp_client::SmtpClient),
    /// `smtps://`: TLS from the first byte, on lettre's own connection.
    SmtpWrapped(AsyncSmtpTransport<Tokio1Executor>),
    Outbox {
        transport: AsyncFileTransport<Tokio1Executor>,
        dir: PathBuf,
    },
}

pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    timeout: Duration,
    /// Notices sent without making a request wait: started at the first one.
    background: std::sync::OnceLock<mpsc::Sender<(i64, Letter)>>,
    /// Notices dropped because the background queue was full.
    dropped: AtomicU64,
}

/// Notices that may wait to be sent in the background: a bounded queue, so a flood of
/// changes cannot become a flood of tasks or of memory. Past it a notice is dropped,
/// logged and counted ([`Mailer::dropped_notices`]).
pub const BACKGROUND_QUEUE: usize = 256;
/// Background notices being sent at once.
pub const BACKGROUND_AT_ONCE: usize = 8;

impl Mailer {
    /// SMTP when `smtp_url` is given (e.g. `smtp://127.0.0.1:2525`, `smtps://user:pw@host`),
    /// else the outbox folder, created if missing.
    pub fn new(
        smtp_url: Option<&str>,
        outbox_dir: &Path,
        from: &str,
        timeout: Duration,
    ) -> Result<Self, MailError> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| MailError::Config(format!("sender {from:?}: {e}")))?;
        let transport = match smtp_url {
            Some(url) => {
                // lettre reads the URL first, so a bad one gets its message either way;
                // its transport (and the pool task it starts) is built only for smtps://.
                let wrapped = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| MailError::Config(format!("SMTP URL: {e}")))?
                    .timeout(Some(timeout));
                match crate::smtp_client::SmtpClient::from_url(url, timeout)
                    .map_err(|e| MailError::Config(format!("SMTP URL: {e}")))?
                {
                    Some(client) => Transport::Smtp(client),
                    None => Transport::SmtpWrapped(wrapped.build()),
                }
            }
            None => {
                std::fs::create_dir_all(outbox_dir)
                    .map_err(|e| MailError::Config(format!("outbox {}: {e}", outbox_dir.display())))?;
                Transport::Outbox {
                    transport: AsyncFileTransport::new(outbox_dir),
                    dir: outbox_dir.to_path_buf(),
                }
            }
        };
        Ok(Self {
            transport,
            from,
            timeout,
            background: std::sync::OnceLock::new(),
            dropped: AtomicU64::new(0),
        })
    }

    /// Queues a notice about `user_id` to be sent without waiting for the mail server; a
    /// failure is logged. A full queue drops it (logged and counted).
    pub fn send_in_background(self: &Arc<Self>, user_id: i64, letter: Letter) {
        let queue = self
            .background
            .get_or_init(|| start_background(Arc::downgrade(self)));
        if let Err(refused) = queue.try_send((user_id, letter)) {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            let full = matches!(refused, mpsc::error::TrySendError::Full(_));
            tracing::error!(
                user_id,
                full,
                "a notice was dropped: the background mail queue is full or closed"
            );
        }
    }

    /// How many background notices were dropped since the server started.
    pub fn dropped_notices(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Whether mail can go out now, without sending any: SMTP answers its greeting and
    /// EHLO (lettre's connection test), or the outbox folder takes a file. Says where.
    pub async fn check(&self) -> Result<String, MailError> {
        match &self.transport {
            Transport::Smtp(client) => {
                tokio::time::timeout(self.timeout + Duration::from_secs(1), client.check())
                    .await
                    .map_err(|_| MailError::Send("the SMTP server did not answer in time".into()))?
                    .map_err(MailError::Send)?;
                Ok("the SMTP server answered".into())
            }
            Transport::SmtpWrapped(smtp) => {
                let reached =
                    tokio::time::timeout(self.timeout + Duration::from_secs(1), smtp.test_connection())
                        .await
                        .map_err(|_| MailError::Send("the SMTP server did not answer in time".into()))?
                        .map_err(|e| MailError::Send(e.to_string()))?;
                if reached {
                    Ok("the SMTP server answered".into())
                } else {
                    Err(MailError::Send(
                        "the SMTP server refused the connection test".into(),
                    ))
                }
            }
            Transport::Outbox { dir, .. } => {
                outbox_takes_a_file(dir)?;
                Ok(format!(
                    "no SMTP server configured: messages go to the outbox {}",
                    dir.display()
                ))
            }
        }
    }

    /// Whether mail has somewhere to go, without reaching for it (`/readyz`): an SMTP
    /// server is configured, or the outbox folder takes a file (blocking file calls:
    /// run it off the async threads).
    pub fn is_configured(&self) -> Result<(), MailError> {
        match &self.transport {
            Transport::Smtp(_) | Transport::SmtpWrapped(_) => Ok(()),
            Transport::Outbox { dir, .. } => outbox_takes_a_file(dir),
        }
    }

    pub async fn send(&self, letter: Letter) -> Result<(), MailError> {
        self.deliver(letter).await.map(|_| ())
    }

    /// Sends `letter` and says where it went (counted, and timed, for the metrics).
    pub async fn deliver(&self, letter: Letter) -> Result<Delivery, MailError> {
        let transport = match self.transport {
            Transport::Smtp(_) | Transport::SmtpWrapped(_) => "smtp",
            Transport::Outbox { .. } => "outbox",
        };
        let started = std::time::Instant::now();
        let delivered = self.deliver_now(letter).await;
        crate::telemetry::mail_sent(transport, delivered.is_ok(), started.elapsed().as_secs_f64());
        delivered
    }

    async fn deliver_now(&self, letter: Letter) -> Result<Delivery, MailError> {
        let to = Mailbox::new(
            Some(letter.to_name.clone()),
            letter
                .to_email
                .parse()
                .map_err(|e| MailError::Build(format!("recipient: {e}")))?,
        );
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(letter.subject)
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            // Quoted-printable whatever the text: a code stays readable
                            // as it is in the raw message (and the tests read it there).
                            .body(text_body(letter.text)?),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(letter.html),
                    ),
            )
            .map_err(|e| MailError::Build(e.to_string()))?;
        match &self.transport {
            Transport::Smtp(client) => {
                let raw = message.formatted();
                // Bounded even if the server accepts the connection and then says nothing.
                tokio::time::timeout(
                    self.timeout + Duration::from_secs(1),
                    client.send(message.envelope(), &raw),
                )
                .await
                .map_err(|_| MailError::Send("the SMTP server did not answer in time".into()))?
                .map_err(MailError::Send)?;
                Ok(Delivery::Smtp)
            }
            Transport::SmtpWrapped(smtp) => {
                // Bounded even if the server accepts the connection and then says nothing.
                tokio::time::timeout(self.timeout + Duration::from_secs(1), smtp.send(message))
                    .await
                    .map_err(|_| MailError::Send("the SMTP server did not answer in time".into()))?
                    .map_err(|e| MailError::Send(e.to_string()))?;
                Ok(Delivery::Smtp)
            }
            Transport::Outbox { transport, dir } => {
                let id = transport
                    .send(message)
                    .await
                    .map_err(|e| MailError::Send(e.to_string()))?;
                // The file name only: the message may hold a code.
                let file = dir.join(format!("{id}.eml"));
                tracing::info!(file = %file.display(), "mail written to the outbox");
                Ok(Delivery::Outbox(file))
            }
        }
    }

    /// Removes outbox messages older than `max_age` (they may hold codes, long void).
    /// Returns how many went; nothing to do when mail goes over SMTP.
    pub fn remove_old_outbox_files(&self, max_age: Duration) -> usize {
        let Transport::Outbox { dir, .. } = &self.transport else {
            return 0;
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return 0;
        };
        let now = std::time::SystemTime::now();
        entries
            .flatten()
            .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "eml"))
            .filter(|entry| {
                entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|modified| now.duration_since(modified).ok())
                    .is_some_and(|age| age > max_age)
            })
            .filter(|entry| std::fs::remove_file(entry.path()).is_ok())
            .count()
    }
}

/// How long an outbox message is kept.
/// Whether the outbox folder takes a file: one is written and removed again, under a
/// name of its own (two checks at once never remove each other's file).
fn outbox_takes_a_file(dir: &Path) -> Result<(), MailError> {
    let probe = dir.join(format!(".twostep-check-{:016x}", rand::random::<u64>()));
    std::fs::write(&probe, b"")
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|e| MailError::Config(format!("outbox {}: {e}", dir.display())))
}

pub const OUTBOX_KEEP: Duration = Duration::from_secs(24 * 60 * 60);

/// Escapes text for an HTML body.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn text_body(text: String) -> Result<Body, MailError> {
    Body::new_with_encoding(text, ContentTransferEncoding::QuotedPrintable)
        .map_err(|_| MailError::Build("the text could not be encoded".into()))
}

/// Whether `text` is an address a message can be sent to.
pub fn is_valid_address(text: &str) -> bool {
    text.parse::<lettre::Address>().is_ok()
}

/// The operator's test message (`twostep mail-test`).
pub fn test_letter(email: &str) -> Letter {
    let text = "This is a test message from Twostep (twostep mail-test).\n\n\
                If you can read it, sign-in codes can reach this address.\n"
        .to_string();
    let html = format!("<p>{}</p>", escape_html(&text).replace("\n\n", "</p><p>"));
    Letter::to(email, email, "Twostep test message".to_string(), text, html)
}

/// The message that carries a sign-in code, in `lang`.
pub fn code_letter(lang: Lang, name: &str, email: &str, code: &str, valid_minutes: i64) -> Letter {
    let said = &lang.server_texts().mail;
    // The subject shows in notifications and on lock screens: it names the purpose only.
    let subject = said.code_subject.to_string();
    let works_once = (said.code_works_once)(&crate::time_text::duration(lang, valid_minutes * 60));
    let (hello, intro, not_you) = ((said.hello)(name), said.code_intro, said.code_not_you);
    let text = format!("{hello}\n\n{intro}\n\n    {code}\n\n{works_once}\n\n{not_you}\n");
    let html = format!(
        "<p>{}</p><p>{}</p>\
         <p style=\"font-size:1.6em;letter-spacing:0.2em\"><strong>{code}</strong></p>\
         <p>{}</p><p>{}</p>",
        escape_html(&hello),
        escape_html(intro),
        escape_html(&works_once),
        escape_html(not_you)
    );
    Letter::to(name, email, subject, text, html)
}

/// The message that tells a person a network now skips their code, in `lang`.
pub fn trusted_network_letter(lang: Lang, name: &str, email: &str, network: &str, days: i64) -> Letter {
    let said = &lang.server_texts().mail;
    let hello = (said.hello)(name);
    let days = days.to_string();
    let trusted = (said.network_trusted)(network, &days);
    let text = format!("{hello}\n\n{trusted}\n\n{}\n", said.network_not_you);
    // The network stands out in the HTML: the sentence is escaped around it.
    const MARK: &str = "\u{1}";
    let marked = escape_html(&(said.network_trusted)(MARK, &days)).replacen(
        MARK,
        &format!("<strong>{}</strong>", escape_html(network)),
        1,
    );
    let html = format!(
        "<p>{}</p><p>{marked}</p><p>{}</p>",
        escape_html(&hello),
        escape_html(said.network_not_you)
    );
    Letter::to(name, email, said.network_subject.to_string(), text, html)
}

/// The message that tells a Security admin two-step authentication was turned on or off,
/// in `lang`.
pub fn two_step_changed_letter(lang: Lang, name: &str, email: &str, enabled: bool, by: &str) -> Letter {
    let said = &lang.server_texts().mail;
    let hello = (said.hello)(name);
    let turned = (said.two_step_turned)(by, enabled);
    let text = format!("{hello}\n\n{turned}\n\n{}\n", said.two_step_check);
    let html = format!(
        "<p>{}</p><p>{}</p><p>{}</p>",
        escape_html(&hello),
        escape_html(&turned),
        escape_html(said.two_step_check)
    );
    Letter::to(name, email, (said.two_step_subject)(enabled), text, html)
}

/// A notice about the person's own sign-in (its texts: `sign_in_details::notices`):
/// `what` says what happened, and the letter ends with what to do if it was not them.
pub(crate) fn sign_in_notice(lang: Lang, name: &str, email: &str, subject: &str, what: &str) -> Letter {
    let said = &lang.server_texts().mail;
    let hello = (said.hello)(name);
    let advice = said.notice_not_you;
    let text = format!("{hello}\n\n{what}\n\n{advice}\n");
    let html = format!(
        "<p>{}</p><p>{}</p><p>{}</p>",
        escape_html(&hello),
        escape_html(what),
        escape_html(advice)
    );
    Letter::to(name, email, (said.notice_subject)(subject), text, html)
}

/// The worker behind [`Mailer::send_in_background`]: takes notices off the queue and
/// sends [`BACKGROUND_AT_ONCE`] at a time. It holds the mailer weakly, so a dropped mailer
/// ends it.
fn start_background(mailer: Weak<Mailer>) -> mpsc::Sender<(i64, Letter)> {
    let (queue, mut waiting) = mpsc::channel::<(i64, Letter)>(BACKGROUND_QUEUE);
    tokio::spawn(async move {
        let sending = Arc::new(Semaphore::new(BACKGROUND_AT_ONCE));
        while let Some((user_id, letter)) = waiting.recv().await {
            let Ok(turn) = sending.clone().acquire_owned().await else {
                break;
            };
            let Some(mailer) = mailer.upgrade() else {
                break;
            };
            tokio::spawn(async move {
                let _turn = turn;
                if let Err(error) = mailer.send(letter).await {
                    tracing::error!(user_id, %error, "a notice could not be sent");
                }
            });
        }
    });
    queue
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    fn no_outbox() -> PathBuf {
        std::env::temp_dir().join("twostep-unused-outbox")
    }

    #[tokio::test]
    async fn a_code_mail_reaches_a_real_smtp_server_with_both_parts() {
        let mut capture = crate::smtp_capture::SmtpCapture::start().await;
        let mailer = Mailer::new(
            Some(&capture.url),
            &no_outbox(),
            "Twostep <no-reply@localhost>",
            SMTP_TIMEOUT,
        )
        .unwrap();
        mailer
            .send(code_letter(
                Lang::En,
                "Jane <Doe>",
                "jane@example.com",
                "012345",
                10,
            ))
            .await
            .unwrap();
        let data = capture.next_message().await;
        // The name's angle brackets are never read as an address: the name is encoded,
        // and the one address on the line is Jane's.
        let to = data.lines().find(|line| line.starts_with("To:")).unwrap();
        assert!(
            to.ends_with(" <jane@example.com>") && !to.contains("<Doe>"),
            "{to}"
        );
        assert!(
            data.lines()
                .any(|l| l.trim_end() == "Subject: Your Twostep sign-in code"),
            "{data}"
        );
        let subject = data.lines().find(|l| l.starts_with("Subject:")).unwrap();
        assert!(
            !subject.contains("012345"),
            "never the code in the subject: {subject}"
        );
        assert_eq!(crate::smtp_capture::code_in(&data).as_deref(), Some("012345"));
        assert!(
            data.contains("text/plain") && data.contains("text/html"),
            "{data}"
        );
        assert!(data.contains("10 minutes") && data.contains("change your password"));
        assert!(data.contains("Jane &lt;Doe&gt;"), "the name is escaped in HTML");
    }

    /// A mail server that takes connections and never answers: every send waits.
    async fn silent_smtp_server() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        url
    }

    #[tokio::test]
    async fn background_notices_wait_in_a_bounded_queue_and_past_it_are_dropped_and_counted() {
        let url = silent_smtp_server().await;
        let mailer = Arc::new(
            Mailer::new(
                Some(&url),
                &no_outbox(),
                "Twostep <no-reply@localhost>",
                Duration::from_secs(600),
            )
            .unwrap(),
        );
        let letter = || {
            sign_in_notice(
                Lang::En,
                "Jane",
                "jane@example.com",
                "a test",
                "Nothing happened.",
            )
        };
        // These are being sent (and stay so: the server never answers), and one more waits
        // for its turn outside the queue.
        for _ in 0..=BACKGROUND_AT_ONCE {
            mailer.send_in_background(1, letter());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(mailer.dropped_notices(), 0);
        for _ in 0..BACKGROUND_QUEUE + 10 {
            mailer.send_in_background(1, letter());
        }
        assert_eq!(
            mailer.dropped_notices(),
            10,
            "the queue holds {BACKGROUND_QUEUE}, no more"
        );
    }

    #[tokio::test]
    async fn a_refused_connection_fails_at_once() {
        let closed = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap();
        let mailer = Mailer::new(
            Some(&format!("smtp://{closed}")),
            &no_outbox(),
            "a@localhost",
            SMTP_TIMEOUT,
        )
        .unwrap();
        let started = std::time::Instant::now();
        let outcome = mailer
            .send(code_letter(Lang::En, "Jane", "jane@example.com", "123456", 10))
            .await;
        assert!(matches!(outcome, Err(MailError::Send(_))), "{:?}", outcome.err());
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn a_server_that_never_answers_fails_within_the_timeout() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        // Accepts and then stays silent.
        let _hold = tokio::spawn(async move {
            let (_socket, _) = listener.accept().await.unwrap();
            tokio::time::sleep(Duration::from_secs(60)).await;
        });
        let mailer = Mailer::new(
            Some(&url),
            &no_outbox(),
            "a@localhost",
            Duration::from_millis(300),
        )
        .unwrap();
        let started = std::time::Instant::now();
        let outcome = mailer
            .send(code_letter(Lang::En, "Jane", "jane@example.com", "123456", 10))
            .await;
        assert!(matches!(outcome, Err(MailError::Send(_))));
        // The server holds the socket for 60 s: only the timeout can have ended it.
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn without_smtp_each_message_is_one_eml_file_in_the_outbox() {
        let dir = std::env::temp_dir().join(format!("twostep-outbox-{}", crate::auth::codes::generate()));
        let mailer = Mailer::new(None, &dir, "Twostep <no-reply@localhost>", SMTP_TIMEOUT).unwrap();
        mailer
            .send(code_letter(Lang::En, "Jane", "jane@example.com", "654321", 10))
            .await
            .unwrap();
        let files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].extension().and_then(|e| e.to_str()), Some("eml"));
        assert!(std::fs::read_to_string(&files[0]).unwrap().contains("654321"));

        // A day later the clean-up removes it, and only messages that old.
        assert_eq!(mailer.remove_old_outbox_files(OUTBOX_KEEP), 0, "still fresh");
        let day_old = std::time::SystemTime::now() - OUTBOX_KEEP - Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(&files[0])
            .unwrap()
            .set_modified(day_old)
            .unwrap();
        let other = dir.join("notes.txt");
        std::fs::write(&other, "not a message").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&other)
            .unwrap()
            .set_modified(day_old)
            .unwrap();
        assert_eq!(mailer.remove_old_outbox_files(OUTBOX_KEEP), 1);
        assert!(!files[0].exists() && other.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_configuration_is_refused_with_a_reason() {
        assert!(matches!(
            Mailer::new(Some("ftp://x"), &no_outbox(), "a@localhost", SMTP_TIMEOUT),
            Err(MailError::Config(_))
        ));
        assert!(matches!(
            Mailer::new(None, &no_outbox(), "not an address", SMTP_TIMEOUT),
            Err(MailError::Config(_))
        ));
    }
}
