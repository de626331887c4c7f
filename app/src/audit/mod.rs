//! Security events (spec §2 "Audit"): what happened, the one function that writes
//! them all, and (`events`) the Security page's list of them.

pub mod events;
pub mod export;

use crate::clock::UnixSeconds;
use std::net::IpAddr;

/// What happened. The stored name is stable: the Security page filters by it. A new kind
/// goes into `as_str` (the match asks for it) and `ALL` (the words test reads it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    SignInOk,
    SignInFailed,
    SignOut,
    PersonCreated,
    PersonChanged,
    PersonDeactivated,
    PasswordReset,
    PasswordChanged,
    PermissionGranted,
    PermissionRemoved,
    CodeSent,
    CodeFailed,
    CodeVoided,
    SendFailed,
    NetworkTrusted,
    NetworkUsed,
    NetworkDeleted,
    NetworkExpired,
    TrustPeriodChanged,
    TwoStepEnabled,
    TwoStepDisabled,
    TwoStepMethodsReset,
    AuthenticatorAdded,
    AuthenticatorRemoved,
    PasskeyAdded,
    PasskeyRemoved,
    PasskeyRenamed,
    RecoveryCodesCreated,
    RecoveryCodeUsed,
    /// Many wrong answers at step 2 in a row; the person was mailed.
    CodesGuessed,
    SecondStepLocked,
    SecondStepUnlocked,
    OfficeNetworkAdded,
    OfficeNetworkRemoved,
    /// The code was skipped because the sign-in came from an office network (the detail
    /// names it). A skip by a person's own entry is `NetworkUsed`.
    OfficeNetworkUsed,
}

impl EventKind {
    /// Every kind (a test holds each to its words in every language).
    pub const ALL: [EventKind; 35] = [
        EventKind::SignInOk,
        EventKind::SignInFailed,
        EventKind::SignOut,
        EventKind::PersonCreated,
        EventKind::PersonChanged,
        EventKind::PersonDeactivated,
        EventKind::PasswordReset,
        EventKind::PasswordChanged,
        EventKind::PermissionGranted,
        EventKind::PermissionRemoved,
        EventKind::CodeSent,
        EventKind::CodeFailed,
        EventKind::CodeVoided,
        EventKind::SendFailed,
        EventKind::NetworkTrusted,
        EventKind::NetworkUsed,
        EventKind::NetworkDeleted,
        EventKind::NetworkExpired,
        EventKind::TrustPeriodChanged,
        EventKind::TwoStepEnabled,
        EventKind::TwoStepDisabled,
        EventKind::TwoStepMethodsReset,
        EventKind::AuthenticatorAdded,
        EventKind::AuthenticatorRemoved,
        EventKind::PasskeyAdded,
        EventKind::PasskeyRemoved,
        EventKind::PasskeyRenamed,
        EventKind::RecoveryCodesCreated,
        EventKind::RecoveryCodeUsed,
        EventKind::CodesGuessed,
        EventKind::SecondStepLocked,
        EventKind::SecondStepUnlocked,
        EventKind::OfficeNetworkAdded,
        EventKind::OfficeNetworkRemoved,
        EventKind::OfficeNetworkUsed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::SignInOk => "sign_in_ok",
            EventKind::SignInFailed => "sign_in_failed",
            EventKind::SignOut => "sign_out",
            EventKind::PersonCreated => "person_created",
            EventKind::PersonChanged => "person_changed",
            EventKind::PersonDeactivated => "person_deactivated",
            EventKind::PasswordReset => "password_reset",
            EventKind::PasswordChanged => "password_changed",
            EventKind::PermissionGranted => "permission_granted",
            EventKind::PermissionRemoved => "permission_removed",
            EventKind::CodeSent => "code_sent",
            EventKind::CodeFailed => "code_failed",
            EventKind::CodeVoided => "code_voided",
            EventKind::SendFailed => "send_failed",
            EventKind::NetworkTrusted => "network_trusted",
            EventKind::NetworkUsed => "network_used",
            EventKind::NetworkDeleted => "network_deleted",
            EventKind::NetworkExpired => "network_expired",
            EventKind::TrustPeriodChanged => "trust_period_changed",
            EventKind::TwoStepEnabled => "two_step_enabled",
            EventKind::TwoStepDisabled => "two_step_disabled",
            EventKind::TwoStepMethodsReset => "two_step_methods_reset",
            EventKind::AuthenticatorAdded => "authenticator_added",
            EventKind::AuthenticatorRemoved => "authenticator_removed",
            EventKind::PasskeyAdded => "passkey_added",
            EventKind::PasskeyRemoved => "passkey_removed",
            EventKind::PasskeyRenamed => "passkey_renamed",
            EventKind::RecoveryCodesCreated => "recovery_codes_created",
            EventKind::RecoveryCodeUsed => "recovery_code_used",
            EventKind::CodesGuessed => "codes_guessed",
            EventKind::SecondStepLocked => "second_step_locked",
            EventKind::SecondStepUnlocked => "second_step_unlocked",
            EventKind::OfficeNetworkAdded => "office_network_added",
            EventKind::OfficeNetworkRemoved => "office_network_removed",
            EventKind::OfficeNetworkUsed => "office_network_used",
        }
    }
}

/// One event. `detail` is free text for people; never put a code or password in it.
pub struct Event {
    pub kind: EventKind,
    pub actor_id: Option<i64>,
    pub subject_id: Option<i64>,
    pub client_ip: Option<IpAddr>,
    pub detail: String,
}

impl Event {
    /// An event about a person's own sign-in: they are both actor and subject.
    pub fn own(kind: EventKind, user_id: i64, client_ip: IpAddr, detail: impl Into<String>) -> Self {
        Self {
            kind,
            actor_id: Some(user_id),
            subject_id: Some(user_id),
            client_ip: Some(client_ip),
            detail: detail.into(),
        }
    }
}

pub async fn record(
    conn: impl Into<crate::db::Conn<'_>>,
    at: UnixSeconds,
    event: Event,
) -> Result<(), sqlx::Error> {
    let kind = event.kind;
    crate::db::on_conn!(conn.into(), |db| {
        sqlx::query(
            "INSERT INTO audit (at, actor_id, subject_id, client_ip, kind, detail)
         VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(at)
        .bind(event.actor_id)
        .bind(event.subject_id)
        .bind(event.client_ip.map(|ip| ip.to_string()))
        .bind(event.kind.as_str())
        .bind(&event.detail)
        .execute(db)
        .await
        .map(|_| ())
    })?;
    // Counted once written (a transaction rolled back later still counts: rare, and
    // the metric is a rate, not the record).
    crate::telemetry::security_event(kind.as_str());
    Ok(())
}

/// The actor of every change made from the command line.
pub const OPERATOR: &str = "operator (command line)";

/// An event whose actor is the operator at the command line (no person, no address).
pub async fn record_by_operator(
    conn: impl Into<crate::db::Conn<'_>>,
    at: UnixSeconds,
    kind: EventKind,
    subject_id: Option<i64>,
    detail: &str,
) -> Result<(), sqlx::Error> {
    crate::db::on_conn!(conn.into(), |db| {
        sqlx::query(
            "INSERT INTO audit (at, actor_label, subject_id, kind, detail) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(at)
        .bind(OPERATOR)
        .bind(subject_id)
        .bind(kind.as_str())
        .bind(detail)
        .execute(db)
        .await
        .map(|_| ())
    })?;
    crate::telemetry::security_event(kind.as_str());
    Ok(())
}
