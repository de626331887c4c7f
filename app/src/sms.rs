//! Text messages through an HTTP provider: a JSON `{"to","text"}` POST with a bearer
//! token (spec §3). Off unless `TWOSTEP_SMS_URL` is set.

use serde::Serialize;
use std::time::Duration;

/// How long the provider may take before the send counts as failed.
pub const SMS_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    #[error("SMS configuration: {0}")]
    Config(String),
    #[error("SMS sending failed: {0}")]
    Send(String),
}

#[derive(Serialize)]
struct Outgoing<'a> {
    to: &'a str,
    text: &'a str,
}

pub struct SmsSender {
    client: reqwest::Client,
    url: reqwest::Url,
    token: Option<String>,
}

impl SmsSender {
    pub fn new(url: &str, token: Option<String>, timeout: Duration) -> Result<Self, SmsError> {
        let url = reqwest::Url::parse(url).map_err(|e| SmsError::Config(format!("URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(SmsError::Config("the URL must be http or https".into()));
        }
        let client = reqwest::Client::builder()
            .timeout(timeout)
            // The token must never follow a redirect to another host.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| SmsError::Config(e.to_string()))?;
        Ok(Self { client, url, token })
    }

    /// Sends `text` to the international number `to`. Anything but a 2xx is a failure.
    pub async fn send(&self, to: &str, text: &str) -> Result<(), SmsError> {
        let mut request = self.client.post(self.url.clone()).json(&Outgoing { to, text });
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let response = request
            .send()
            .await
            // Without the URL: it may carry credentials.
            .map_err(|e| SmsError::Send(e.without_url().to_string()))?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(SmsError::Send(format!(
                "the provider answered {}",
                response.status()
            )))
        }
    }
}

/// The text of a code message, in the WebOTP form: the last line `@host #code` lets the
/// phone offer the code to the page at `host` and to no other site. In `lang`.
pub fn code_text(lang: crate::i18n::Lang, code: &str, valid_minutes: i64, host: &str) -> String {
    let lifetime = crate::time_text::duration(lang, valid_minutes * 60);
    let text = (lang.server_texts().sms_code)(code, &lifetime);
    format!("{text}\n\n@{host} #{code}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode};
    use tokio::sync::mpsc;

    #[derive(serde::Deserialize, Debug)]
    struct Received {
        to: String,
        text: String,
    }

    /// An SMS provider on loopback that answers `status` and keeps what it was sent.
    async fn provider(status: StatusCode) -> (String, mpsc::Receiver<(Option<String>, Received)>) {
        let (tx, rx) = mpsc::channel(4);
        let app = axum::Router::new()
            .route(
                "/send",
                axum::routing::post(
                    move |State(tx): State<mpsc::Sender<(Option<String>, Received)>>,
                          headers: HeaderMap,
                          axum::Json(body): axum::Json<Received>| async move {
                        let auth = headers
                            .get("authorization")
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_string);
                        tx.send((auth, body)).await.unwrap();
                        status
                    },
                ),
            )
            .with_state(tx);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/send", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (url, rx)
    }

    #[tokio::test]
    async fn a_code_is_posted_as_json_with_the_bearer_token_in_webotp_form() {
        let (url, mut received) = provider(StatusCode::OK).await;
        let sender = SmsSender::new(&url, Some("s3cret".into()), SMS_TIMEOUT).unwrap();
        let text = code_text(crate::i18n::Lang::En, "012345", 10, "plan.example.com");
        sender.send("+32471234567", &text).await.unwrap();
        let (auth, body) = received.recv().await.unwrap();
        assert_eq!(auth.as_deref(), Some("Bearer s3cret"));
        assert_eq!(body.to, "+32471234567");
        assert!(body.text.contains("code is 012345"));
        assert_eq!(body.text.lines().last(), Some("@plan.example.com #012345"));
    }

    #[tokio::test]
    async fn a_provider_error_is_a_failed_send() {
        let (url, _received) = provider(StatusCode::BAD_GATEWAY).await;
        let sender = SmsSender::new(&url, None, SMS_TIMEOUT).unwrap();
        let outcome = sender.send("+32471234567", "x").await;
        assert!(
            matches!(outcome, Err(SmsError::Send(ref m)) if m.contains("502")),
            "{outcome:?}"
        );
    }

    #[tokio::test]
    async fn a_silent_provider_fails_within_the_timeout() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/send", listener.local_addr().unwrap());
        let _hold = tokio::spawn(async move {
            let (_socket, _) = listener.accept().await.unwrap();
            tokio::time::sleep(Duration::from_secs(60)).await;
        });
        let sender = SmsSender::new(&url, None, Duration::from_millis(300)).unwrap();
        assert!(matches!(sender.send("+1", "x").await, Err(SmsError::Send(_))));
    }

    #[test]
    fn only_http_urls_are_accepted() {
        assert!(SmsSender::new("ftp://x/y", None, SMS_TIMEOUT).is_err());
        assert!(SmsSender::new("not a url", None, SMS_TIMEOUT).is_err());
    }
}
