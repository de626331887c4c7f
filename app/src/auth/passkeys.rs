//! Passkeys (spec §1 "Passkeys", §2 "Passkeys"): WebAuthn credentials, with user
//! verification required, through `webauthn-rs`. This module is the relying party (who
//! we are to the browser), the two ceremonies' halves, and the store of each person's
//! passkeys. Who may add or remove one is `sign_in_details::methods`; signing in with one
//! is `code_step` (at step 2) and `passkey_step` (alone, at step 1).
//!
//! What is stored is a public key: a copy of the database lets nobody sign in. A
//! ceremony's state (its challenge) is answered at most once and never readable or
//! changeable by the browser: for a signed-in person (adding one) or a pending sign-in
//! (step 2) it waits in the server-side session record and is taken out when the answer
//! arrives; for a sign-in with a passkey alone, which anyone may start, it travels sealed
//! under the secret key ([`seal_alone`]), so that starting one stores nothing, and is
//! spent in the write that accepts it ([`spend_alone`]).

use crate::clock::UnixSeconds;
use crate::db::{Conn, Db, on_conn, on_db};
use crate::secret_key::SecretKey;
use serde_json::Value;
use webauthn_rs::prelude::{
    AuthenticationResult, CreationChallengeResponse, DiscoverableAuthentication, Passkey,
    PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential,
    RequestChallengeResponse, Url, Uuid, Webauthn, WebauthnBuilder,
};
use webauthn_rs_proto::ResidentKeyRequirement;

/// At most this many passkeys per person.
pub const MOST_PER_PERSON: i64 = crate::limits::PASSKEYS_PER_PERSON;

/// The longest name a passkey may have.
pub const NAME_MAX: usize = 60;

/// Who this site is to an authenticator: the host of `public_origin`, or `localhost`
/// (the site reached as `http://localhost:<port>`) when there is none.
pub struct RelyingParty(Webauthn);

impl RelyingParty {
    /// `site_port`: the port the server listens on, the only one accepted for `localhost`
    /// (any, when it is not known: a test's in-process router).
    pub fn new(public_origin: Option<&str>, site_port: Option<u16>) -> Result<RelyingParty, String> {
        let origin = match public_origin {
            Some(origin) => origin.to_string(),
            None => format!("http://localhost:{}", site_port.unwrap_or(80)),
        };
        let url = Url::parse(&origin).map_err(|e| format!("public_origin {origin:?} is not a URL: {e}"))?;
        let Some(host) = url.domain().map(str::to_string) else {
            return Err(format!(
                "public_origin {origin:?} must name the site by a host name: passkeys cannot be bound to an IP address"
            ));
        };
        let builder = WebauthnBuilder::new(&host, &url)
            .map_err(|e| format!("passkeys cannot use {origin:?}: {e}"))?
            .rp_name("Twostep")
            .allow_any_port(public_origin.is_none() && site_port.is_none());
        builder
            .build()
            .map(RelyingParty)
            .map_err(|e| format!("passkeys cannot use {origin:?}: {e}"))
    }
}

/// What the browser is asked, as JSON for `PublicKeyCredential.parse…OptionsFromJSON`:
/// the `publicKey` member, without empty (null) members, which the browser would read as
/// zero or as the text "null".
fn options_json(options: impl serde::Serialize) -> String {
    fn without_nulls(value: Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k, without_nulls(v)))
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
            other => other,
        }
    }
    serde_json::to_value(options)
        .map(without_nulls)
        .map(|v| v.to_string())
        .unwrap_or_default()
}

/// A new passkey for the person whose WebAuthn handle is `handle`: the browser's
/// options and the state to finish with. It must be discoverable (kept on the
/// authenticator with the handle), so that it can later sign in alone; the person's
/// existing passkeys are excluded, so one authenticator is not added twice.
pub fn begin_registration(
    rp: &RelyingParty,
    handle: Uuid,
    username: &str,
    display_name: &str,
    existing: &[Passkey],
) -> Option<(String, PasskeyRegistration)> {
    let exclude = existing.iter().map(|p| p.cred_id().clone()).collect();
    let (mut ccr, state): (CreationChallengeResponse, _) =
        rp.0.start_passkey_registration(handle, username, display_name, Some(exclude))
            .ok()?;
    if let Some(selection) = ccr.public_key.authenticator_selection.as_mut() {
        selection.resident_key = Some(ResidentKeyRequirement::Required);
        selection.require_resident_key = true;
    }
    Some((options_json(ccr.public_key), state))
}

/// The new passkey, when `response` (the browser's JSON) answers `state`'s challenge from
/// this site with user verification; `None` for anything else.
pub fn finish_registration(
    rp: &RelyingParty,
    response: &str,
    state: &PasskeyRegistration,
) -> Option<Passkey> {
    let response: RegisterPublicKeyCredential = serde_json::from_str(response).ok()?;
    rp.0.finish_passkey_registration(&response, state).ok()
}

/// Step 2 for a person with `passkeys`: the browser's options and the state.
pub fn begin_authentication(
    rp: &RelyingParty,
    passkeys: &[Passkey],
) -> Option<(String, PasskeyAuthentication)> {
    let (rcr, state): (RequestChallengeResponse, _) = rp.0.start_passkey_authentication(passkeys).ok()?;
    Some((options_json(rcr.public_key), state))
}

/// The checked answer to step 2's challenge, signed by one of the person's passkeys
/// with user verification; `None` for anything else. Its counter is still to be
/// checked against the stored one ([`record_use`]).
pub fn finish_authentication(
    rp: &RelyingParty,
    response: &str,
    state: &PasskeyAuthentication,
) -> Option<AuthenticationResult> {
    let response: PublicKeyCredential = serde_json::from_str(response).ok()?;
    let result = rp.0.finish_passkey_authentication(&response, state).ok()?;
    result.user_verified().then_some(result)
}

/// A sign-in with a passkey alone: the browser's options (no credentials named: the
/// authenticator offers the passkeys it keeps for this site) and the state.
pub fn begin_alone(rp: &RelyingParty) -> Option<(String, DiscoverableAuthentication)> {
    let (rcr, state) = rp.0.start_discoverable_authentication().ok()?;
    Some((options_json(rcr.public_key), state))
}

/// How long a sign-in with a passkey alone may wait for its answer.
pub const ALONE_LIFETIME: i64 = 5 * 60;

const SEALED_FOR: &[u8] = b"passkey sign-in challenge";

#[derive(serde::Serialize, serde::Deserialize)]
struct SealedAlone {
    state: DiscoverableAuthentication,
    expires_at: UnixSeconds,
}

/// A challenge of a sign-in with a passkey alone, sealed (XChaCha20-Poly1305 under the
/// secret key) for the browser to hand back with its answer.
pub fn seal_alone(key: &SecretKey, state: DiscoverableAuthentication, now: UnixSeconds) -> String {
    use base64::Engine;
    let sealed = SealedAlone {
        state,
        expires_at: now + ALONE_LIFETIME,
    };
    let plain = serde_json::to_vec(&sealed).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.seal(&plain, SEALED_FOR))
}

/// A challenge handed back, opened: its state, the digest it is spent under, and when it
/// expires. `None` when it was not sealed by this server or has expired.
pub struct OpenedAlone {
    pub state: DiscoverableAuthentication,
    digest: Vec<u8>,
    expires_at: UnixSeconds,
}

pub fn open_alone(key: &SecretKey, sealed: &str, now: UnixSeconds) -> Option<OpenedAlone> {
    use base64::Engine;
    use sha2::Digest;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(sealed.trim())
        .ok()?;
    let plain = key.open(&bytes, SEALED_FOR)?;
    let opened: SealedAlone = serde_json::from_slice(&plain).ok()?;
    (now < opened.expires_at).then(|| OpenedAlone {
        state: opened.state,
        digest: sha2::Sha256::digest(&bytes).to_vec(),
        expires_at: opened.expires_at,
    })
}

/// Spends a challenge of a sign-in with a passkey alone, inside the write that accepts
/// its answer: `false` when it was spent already (the same answer sent twice, even at
/// once). Spent challenges are kept until they expire, then dropped here.
pub async fn spend_alone(
    conn: impl Into<Conn<'_>>,
    opened: &OpenedAlone,
    now: UnixSeconds,
) -> Result<bool, sqlx::Error> {
    on_conn!(conn.into(), |c| {
        sqlx::query("DELETE FROM passkey_challenges_spent WHERE expires_at <= $1")
            .bind(now)
            .execute(&mut *c)
            .await?;
        sqlx::query(
            "INSERT INTO passkey_challenges_spent (digest, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(&opened.digest)
        .bind(opened.expires_at)
        .execute(&mut *c)
        .await
        .map(|done| done.rows_affected() == 1)
    })
}

/// The answer to a sign-in with a passkey alone, read: the handle it names its person
/// by and the passkey's id, still to be checked ([`finish_alone`]).
pub struct Presented {
    pub response: PublicKeyCredential,
    pub handle: Uuid,
    pub credential_id: Vec<u8>,
}

pub fn read_alone(rp: &RelyingParty, response: &str) -> Option<Presented> {
    let response: PublicKeyCredential = serde_json::from_str(response).ok()?;
    let (handle, credential_id) = rp.0.identify_discoverable_authentication(&response).ok()?;
    let credential_id = credential_id.to_vec();
    Some(Presented {
        response,
        handle,
        credential_id,
    })
}

/// The checked answer, signed by `passkey` (the stored passkey the answer names) with
/// user verification; `None` for anything else.
pub fn finish_alone(
    rp: &RelyingParty,
    presented: &Presented,
    state: DiscoverableAuthentication,
    passkey: &Passkey,
) -> Option<AuthenticationResult> {
    let result =
        rp.0.finish_discoverable_authentication_v2(&presented.response, state, passkey)
            .ok()?;
    result.user_verified().then_some(result)
}

/// A passkey as My account lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Listed {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// The person's WebAuthn handle, made on first use. Inside the caller's transaction.
pub async fn handle_for(conn: impl Into<Conn<'_>>, user_id: i64) -> Result<Uuid, sqlx::Error> {
    on_conn!(conn.into(), |c| {
        let kept: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT handle FROM passkey_handles WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(&mut *c)
                .await?;
        if let Some(handle) = kept.and_then(|bytes| Uuid::from_slice(&bytes).ok()) {
            return Ok(handle);
        }
        let mut bytes = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::TryRngCore::unwrap_err(rand::rngs::OsRng), &mut bytes);
        let handle = Uuid::from_bytes(bytes);
        sqlx::query("INSERT INTO passkey_handles (user_id, handle) VALUES ($1, $2)")
            .bind(user_id)
            .bind(&bytes[..])
            .execute(&mut *c)
            .await?;
        Ok(handle)
    })
}

/// Whose handle `handle` is.
pub async fn person_of(db: &Db, handle: Uuid) -> Result<Option<i64>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar("SELECT user_id FROM passkey_handles WHERE handle = $1")
            .bind(&handle.as_bytes()[..])
            .fetch_optional(pool)
            .await
    })
}

/// The person's passkeys, oldest first.
pub async fn list(db: &Db, user_id: i64) -> Result<Vec<Listed>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, name, created_at, last_used_at FROM passkeys WHERE user_id = $1 ORDER BY created_at, id",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await
    })
}

/// Everyone with a passkey (the Security page's readiness list counts it as a way in).
pub async fn people_with_passkey(db: &Db) -> Result<std::collections::HashSet<i64>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar("SELECT DISTINCT user_id FROM passkeys")
            .fetch_all(pool)
            .await
            .map(|ids: Vec<i64>| ids.into_iter().collect())
    })
}

/// Whether the person has a passkey.
pub async fn has_any(conn: impl Into<Conn<'_>>, user_id: i64) -> Result<bool, sqlx::Error> {
    Ok(count(conn, user_id).await? > 0)
}

async fn count(conn: impl Into<Conn<'_>>, user_id: i64) -> Result<i64, sqlx::Error> {
    on_conn!(conn.into(), |c| {
        sqlx::query_scalar("SELECT COUNT(*) FROM passkeys WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(c)
            .await
    })
}

/// The person's passkeys as webauthn-rs reads them (a row it cannot read is skipped).
pub async fn credentials_of(conn: impl Into<Conn<'_>>, user_id: i64) -> Result<Vec<Passkey>, sqlx::Error> {
    let rows: Vec<String> = on_conn!(conn.into(), |c| {
        sqlx::query_scalar("SELECT credential FROM passkeys WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(c)
            .await
    })?;
    Ok(rows
        .iter()
        .filter_map(|json| serde_json::from_str(json).ok())
        .collect())
}

/// The passkey with id `credential_id`, if it is `user_id`'s.
pub async fn credential(db: &Db, user_id: i64, credential_id: &[u8]) -> Result<Option<Passkey>, sqlx::Error> {
    let row: Option<String> = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT credential FROM passkeys WHERE user_id = $1 AND credential_id = $2")
            .bind(user_id)
            .bind(credential_id)
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.and_then(|json| serde_json::from_str(&json).ok()))
}

/// Why a passkey was not added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAdded {
    /// The person has [`MOST_PER_PERSON`] already.
    TooMany,
    /// This credential is already someone's (this person's, or, by a forged answer,
    /// another's).
    Known,
}

/// Adds `passkey` for `user_id` as `name`. Inside the caller's write transaction, which
/// checked the person may.
pub async fn add(
    conn: impl Into<Conn<'_>>,
    user_id: i64,
    passkey: &Passkey,
    name: &str,
    now: UnixSeconds,
) -> Result<Result<i64, NotAdded>, sqlx::Error> {
    let json = serde_json::to_string(passkey).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let credential_id: &[u8] = passkey.cred_id().as_ref();
    on_conn!(conn.into(), |c| {
        let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM passkeys WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&mut *c)
            .await?;
        if held >= MOST_PER_PERSON {
            return Ok(Err(NotAdded::TooMany));
        }
        let known: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM passkeys WHERE credential_id = $1")
            .bind(credential_id)
            .fetch_one(&mut *c)
            .await?;
        if known > 0 {
            return Ok(Err(NotAdded::Known));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO passkeys (user_id, credential_id, credential, name, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user_id)
        .bind(credential_id)
        .bind(&json)
        .bind(name)
        .bind(now)
        .fetch_one(&mut *c)
        .await?;
        Ok(Ok(id))
    })
}

/// Removes the person's passkey `id`: its name, or `None` when they have no such passkey.
pub async fn remove(conn: impl Into<Conn<'_>>, user_id: i64, id: i64) -> Result<Option<String>, sqlx::Error> {
    on_conn!(conn.into(), |c| {
        sqlx::query_scalar("DELETE FROM passkeys WHERE id = $1 AND user_id = $2 RETURNING name")
            .bind(id)
            .bind(user_id)
            .fetch_optional(c)
            .await
    })
}

/// Renames the person's passkey `id`: its name before, or `None` when they have no such
/// passkey. Inside the caller's write transaction.
pub async fn rename(
    conn: impl Into<Conn<'_>>,
    user_id: i64,
    id: i64,
    name: &str,
) -> Result<Option<String>, sqlx::Error> {
    on_conn!(conn.into(), |c| {
        let before: Option<String> =
            sqlx::query_scalar("SELECT name FROM passkeys WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user_id)
                .fetch_optional(&mut *c)
                .await?;
        if before.is_some() {
            sqlx::query("UPDATE passkeys SET name = $3 WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user_id)
                .bind(name)
                .execute(&mut *c)
                .await?;
        }
        Ok(before)
    })
}

/// Removes all of the person's passkeys (a methods reset); how many there were. Their
/// handle goes too: an authenticator that kept one of them names nobody any more, and
/// the next passkey gets a new handle.
pub async fn remove_all_of(conn: impl Into<Conn<'_>>, user_id: i64) -> Result<u64, sqlx::Error> {
    on_conn!(conn.into(), |c| {
        let removed = sqlx::query("DELETE FROM passkeys WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *c)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM passkey_handles WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *c)
            .await?;
        Ok(removed)
    })
}

/// Characters that show nothing (zero-width, direction marks, soft hyphen): a name made
/// with them could pass for another one, so names drop them.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// A passkey's name as typed: trimmed, at most [`NAME_MAX`] characters, without control
/// characters or the invisible ones that reorder or hide text (a name is shown in the
/// audit and in mail); `None` when nothing is left.
pub fn clean_name(typed: &str) -> Option<String> {
    let name: String = typed
        .trim()
        .chars()
        .filter(|c| !c.is_control() && !is_invisible(*c))
        .take(NAME_MAX)
        .collect();
    let name = name.trim().to_string();
    (!name.is_empty()).then_some(name)
}

/// Records the use of one of `user_id`'s passkeys, checked by webauthn-rs as `result`,
/// inside the caller's write transaction: refused (`false`) when the passkey is not
/// theirs (any more), or when its signature counter did not move past the stored one
/// (an answer replayed, or a cloned authenticator; authenticators that keep no counter
/// send 0 each time). Otherwise the counter and the time of use are stored.
pub async fn record_use(
    conn: impl Into<Conn<'_>>,
    user_id: i64,
    result: &AuthenticationResult,
    now: UnixSeconds,
) -> Result<bool, sqlx::Error> {
    let credential_id: &[u8] = result.cred_id().as_ref();
    on_conn!(conn.into(), |c| {
        let row: Option<(i64, String, i64)> = sqlx::query_as(
            "SELECT id, credential, sign_count FROM passkeys WHERE user_id = $1 AND credential_id = $2",
        )
        .bind(user_id)
        .bind(credential_id)
        .fetch_optional(&mut *c)
        .await?;
        let Some((id, json, stored)) = row else {
            return Ok(false);
        };
        let Ok(mut passkey) = serde_json::from_str::<Passkey>(&json) else {
            return Ok(false);
        };
        let used = i64::from(result.counter());
        if (used > 0 || stored > 0) && used <= stored {
            tracing::warn!(
                user_id,
                used,
                stored,
                "a passkey's counter did not move on: refused"
            );
            return Ok(false);
        }
        passkey.update_credential(result);
        let json = serde_json::to_string(&passkey).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        sqlx::query("UPDATE passkeys SET credential = $2, sign_count = $3, last_used_at = $4 WHERE id = $1")
            .bind(id)
            .bind(&json)
            .bind(used)
            .bind(now)
            .execute(&mut *c)
            .await?;
        Ok(true)
    })
}
