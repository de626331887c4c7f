//! A software authenticator for the passkey tests and the bench ([`SoftKey`]), and the
//! server functions of passkeys as a browser calls them.

use super::*;
use app::auth::PasskeyAsk;
use app::sign_in_methods::PasskeyStart;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use http::StatusCode;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use sha2::{Digest, Sha256};

/// The site as the tests' browser reaches it: no public origin, so `localhost`.
pub const SITE: &str = "http://localhost:3000";

/// A software authenticator holding one passkey (a P-256 key), as a phone or security key
/// would: it answers the server's options as a browser passes them on (WebAuthn's JSON,
/// `credential.toJSON()`), with a signature counter and the user verified unless told
/// otherwise. Written here rather than taken from a crate so that each field a test
/// forges (origin, flags, counter, credential id) is in plain sight.
#[derive(Clone)]
pub struct SoftKey {
    pub credential_id: Vec<u8>,
    pub key: SigningKey,
    /// The person's WebAuthn handle, kept at creation (a discoverable passkey).
    pub handle: Vec<u8>,
    pub rp_id: String,
    pub counter: u32,
    /// Whether the person was verified (fingerprint, PIN): the UV flag.
    pub verified: bool,
    /// Whether the key counts its signatures (synced passkeys send 0 every time).
    pub counts: bool,
}

/// CBOR, the few shapes WebAuthn's attestation object needs (RFC 8949 §3).
fn cbor_head(major: u8, length: usize) -> Vec<u8> {
    match length {
        0..=23 => vec![major << 5 | length as u8],
        24..=255 => vec![major << 5 | 24, length as u8],
        _ => {
            let mut head = vec![major << 5 | 25];
            head.extend_from_slice(&(length as u16).to_be_bytes());
            head
        }
    }
}

fn cbor_text(text: &str) -> Vec<u8> {
    [cbor_head(3, text.len()), text.as_bytes().to_vec()].concat()
}

fn cbor_bytes(bytes: &[u8]) -> Vec<u8> {
    [cbor_head(2, bytes.len()), bytes.to_vec()].concat()
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    bytes
}

impl SoftKey {
    pub fn new() -> SoftKey {
        SoftKey {
            credential_id: random_bytes::<16>().to_vec(),
            key: SigningKey::from_slice(&random_bytes::<32>()).unwrap(),
            handle: Vec::new(),
            rp_id: String::new(),
            counter: 0,
            verified: true,
            counts: true,
        }
    }

    /// A copy of this key, passkey and counter and all (a cloned authenticator).
    pub fn clone_key(&self) -> SoftKey {
        self.clone()
    }

    fn options(options: &str) -> serde_json::Value {
        serde_json::from_str(options).unwrap()
    }

    fn client_data(kind: &str, options: &serde_json::Value, origin: &str) -> Vec<u8> {
        serde_json::json!({
            "type": kind,
            "challenge": options["challenge"],
            "origin": origin,
            "crossOrigin": false,
        })
        .to_string()
        .into_bytes()
    }

    fn authenticator_data(&self, attested: Option<Vec<u8>>) -> Vec<u8> {
        const PRESENT: u8 = 0x01;
        const VERIFIED: u8 = 0x04;
        const ATTESTED: u8 = 0x40;
        let mut flags = PRESENT;
        if self.verified {
            flags |= VERIFIED;
        }
        if attested.is_some() {
            flags |= ATTESTED;
        }
        let mut data = Sha256::digest(self.rp_id.as_bytes()).to_vec();
        data.push(flags);
        data.extend_from_slice(&self.counter.to_be_bytes());
        data.extend(attested.unwrap_or_default());
        data
    }

    /// `navigator.credentials.create` for the server's options, from `origin`.
    pub fn create(&mut self, options: &str, origin: &str) -> String {
        let options = Self::options(options);
        self.rp_id = options["rp"]["id"].as_str().unwrap().to_string();
        self.handle = B64.decode(options["user"]["id"].as_str().unwrap()).unwrap();
        let point = self.key.verifying_key().to_sec1_point(false);
        let (x, y) = point.as_bytes()[1..].split_at(32);
        // COSE_Key: kty EC2, alg ES256, crv P-256, x, y.
        let cose_key = [
            vec![0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21],
            cbor_bytes(x),
            vec![0x22],
            cbor_bytes(y),
        ]
        .concat();
        let mut attested = vec![0u8; 16]; // AAGUID: none
        attested.extend_from_slice(&(self.credential_id.len() as u16).to_be_bytes());
        attested.extend_from_slice(&self.credential_id);
        attested.extend(cose_key);
        let attestation_object = [
            vec![0xa3],
            cbor_text("fmt"),
            cbor_text("none"),
            cbor_text("attStmt"),
            vec![0xa0],
            cbor_text("authData"),
            cbor_bytes(&self.authenticator_data(Some(attested))),
        ]
        .concat();
        let client_data = Self::client_data("webauthn.create", &options, origin);
        serde_json::json!({
            "id": B64.encode(&self.credential_id),
            "rawId": B64.encode(&self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": B64.encode(&client_data),
                "attestationObject": B64.encode(&attestation_object),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
        })
        .to_string()
    }

    /// `navigator.credentials.get`, as [`SoftKey::create`]: the counter moves on by one.
    pub fn get(&mut self, options: &str, origin: &str) -> String {
        let options = Self::options(options);
        if self.counts {
            self.counter += 1;
        }
        let authenticator_data = self.authenticator_data(None);
        let client_data = Self::client_data("webauthn.get", &options, origin);
        let signed = [authenticator_data.clone(), Sha256::digest(&client_data).to_vec()].concat();
        let signature: Signature = self.key.sign(&signed);
        serde_json::json!({
            "id": B64.encode(&self.credential_id),
            "rawId": B64.encode(&self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": B64.encode(&client_data),
                "authenticatorData": B64.encode(&authenticator_data),
                "signature": B64.encode(signature.to_der().as_bytes()),
                "userHandle": B64.encode(&self.handle),
            },
            "clientExtensionResults": {},
        })
        .to_string()
    }
}

/// A server function's answer, which must be 200.
pub async fn call(app: &TestApp, path: &str, form: &str, cookie: Option<&str>) -> (String, Option<String>) {
    let response = app.send(post(path, form, cookie)).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let new_cookie = session_cookie(&response);
    (body_text(response).await, new_cookie)
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        form.append_pair(name, value);
    }
    form.finish()
}

/// **Add a passkey** for the signed-in person whose password is `password`: the options
/// asked with the password and name, the key's answer from `origin`, the server's answer.
pub async fn add_passkey(
    app: &TestApp,
    cookie: &str,
    password: &str,
    key: &mut SoftKey,
    origin: &str,
) -> String {
    let (started, _) = call(
        app,
        "/api/begin_adding_passkey",
        &form(&[("password", password), ("name", "Office laptop")]),
        Some(cookie),
    )
    .await;
    let PasskeyStart::Ask(options) = serde_json::from_str(&started).unwrap() else {
        panic!("{started}");
    };
    let options_value: serde_json::Value = serde_json::from_str(&options).unwrap();
    assert_eq!(
        options_value["authenticatorSelection"]["residentKey"], "required",
        "a passkey that can sign in alone: {options}"
    );
    assert_eq!(
        options_value["authenticatorSelection"]["userVerification"],
        "required"
    );
    let answer = key.create(&options, origin);
    call(
        app,
        "/api/finish_adding_passkey",
        &form(&[("answer", &answer)]),
        Some(cookie),
    )
    .await
    .0
}

/// **Sign in with a passkey**'s start: the options and the sealed challenge. Nothing is
/// stored for it: no session, no cookie.
pub async fn ask_alone(app: &TestApp) -> PasskeyAsk {
    let (ask, cookie) = call(app, "/api/passkey_sign_in_options", "", None).await;
    assert_eq!(cookie, None, "starting a sign-in stores nothing");
    serde_json::from_str(&ask).unwrap()
}

/// The form answering `ask` with `answer`.
pub fn alone_form(ask: &PasskeyAsk, answer: &str) -> String {
    form(&[("answer", answer), ("challenge", &ask.challenge)])
}

/// Signs in with a passkey alone: the answer and the new session cookie, if any.
pub async fn sign_in_alone(app: &TestApp, key: &mut SoftKey, origin: &str) -> (String, Option<String>) {
    let ask = ask_alone(app).await;
    let answer = key.get(&ask.options, origin);
    call(app, "/api/sign_in_with_passkey", &alone_form(&ask, &answer), None).await
}
