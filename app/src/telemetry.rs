//! What the server counts for Prometheus (issue 30, `GET /metrics` on
//! `TWOSTEP_METRICS_ADDR`). Every metric's name is written here once and each is counted
//! where it happens by calling one of these functions. Labels are fixed words from the
//! code: never a username, an address, a code or anything a person typed.
//!
//! Without a recorder installed (no metrics address, the tests) every call does nothing.

/// Security events as the audit records them, by kind: sign-ins by outcome
/// (`sign_in_ok`, `sign_in_failed`), codes (`code_sent`, `code_failed`, `send_failed`,
/// `code_voided`), skipped codes by reason (`network_used`: a trusted IP address;
/// `office_network_used`), lock-outs, changes.
pub const SECURITY_EVENTS: &str = "twostep_security_events_total";
/// Mail handed to the transport, by transport (`smtp`, `outbox`) and result (`ok`,
/// `failed`), and how long each took.
pub const MAIL_SENT: &str = "twostep_mail_sent_total";
pub const MAIL_SEND_SECONDS: &str = "twostep_mail_send_seconds";
/// Sign-in codes sent, by channel (`email`, `sms`) and result (`ok`, `failed`).
pub const CODES_SENT: &str = "twostep_codes_sent_total";
/// Answers at step 2, by the way asked (`sent_code`, `app`, `recovery_code`, `passkey`)
/// and result (`accepted`, `refused`, `ended`: the sign-in must start again).
pub const SECOND_STEP: &str = "twostep_second_step_answers_total";
/// Requests answered 503 "busy", by cause (`database`, `password_queue`,
/// `session_store`).
pub const BUSY: &str = "twostep_busy_total";
/// Password checks, by result (`match`, `mismatch`).
pub const PASSWORD_CHECKS: &str = "twostep_password_checks_total";
/// Password attempts the throttle stopped before any check, by the limit reached
/// (`person`, `network`, `site`), and device cookies voided for guessing (`device`).
pub const THROTTLED: &str = "twostep_throttled_total";
/// Event streams open now (pages listening for trusted-IP changes).
pub const LIVE_STREAMS: &str = "twostep_live_streams";
/// The database pool's connections, by state (`in_use`, `idle`), read at each scrape.
pub const DB_CONNECTIONS: &str = "twostep_db_connections";

/// `kind`: the event's stored name (`audit::EventKind::as_str`).
pub fn security_event(kind: &'static str) {
    metrics::counter!(SECURITY_EVENTS, "kind" => kind).increment(1);
}

pub fn mail_sent(transport: &'static str, ok: bool, seconds: f64) {
    let result = if ok { "ok" } else { "failed" };
    metrics::counter!(MAIL_SENT, "transport" => transport, "result" => result).increment(1);
    metrics::histogram!(MAIL_SEND_SECONDS, "transport" => transport).record(seconds);
}

pub fn code_sent(channel: &'static str, ok: bool) {
    let result = if ok { "ok" } else { "failed" };
    metrics::counter!(CODES_SENT, "channel" => channel, "result" => result).increment(1);
}

pub fn second_step(way: &'static str, result: &'static str) {
    metrics::counter!(SECOND_STEP, "way" => way, "result" => result).increment(1);
}

pub fn busy(cause: &'static str) {
    metrics::counter!(BUSY, "cause" => cause).increment(1);
}

pub fn password_check(matched: bool) {
    let result = if matched { "match" } else { "mismatch" };
    metrics::counter!(PASSWORD_CHECKS, "result" => result).increment(1);
}

pub fn throttled(what: &'static str) {
    metrics::counter!(THROTTLED, "what" => what).increment(1);
}

/// Counts an open event stream for as long as the value lives.
pub struct LiveStream(());

impl LiveStream {
    pub fn opened() -> LiveStream {
        metrics::gauge!(LIVE_STREAMS).increment(1.0);
        LiveStream(())
    }
}

impl Drop for LiveStream {
    fn drop(&mut self) {
        metrics::gauge!(LIVE_STREAMS).decrement(1.0);
    }
}

/// Reads the pool's use into its gauges (called just before each scrape is rendered).
pub fn sample_pool(db: &crate::db::Db) {
    let (size, idle) = match db {
        crate::db::Db::Sqlite(pool) => (pool.size(), pool.num_idle()),
        crate::db::Db::Postgres(pool) => (pool.size(), pool.num_idle()),
    };
    let idle = idle as f64;
    metrics::gauge!(DB_CONNECTIONS, "state" => "idle").set(idle);
    metrics::gauge!(DB_CONNECTIONS, "state" => "in_use").set((f64::from(size) - idle).max(0.0));
}
