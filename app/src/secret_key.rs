//! The key that seals authenticator secrets at rest (spec §3 "secret key"): kept outside
//! the database, so a copy of the database alone gives no secret away.
//!
//! `TWOSTEP_SECRET_KEY` (base64, 32 bytes) or, without it, the key file (`data/secret.key`)
//! made at first start, readable by its owner only. Sealing is XChaCha20-Poly1305 with a
//! random 192-bit nonce per secret, bound to what it belongs to (the person's id), so a
//! sealed secret copied onto another person's row does not open.

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use std::path::Path;

const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 24;

/// Where the key came from, for the start-up line and the refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Environment,
    File(std::path::PathBuf),
    /// Made just now: the file did not exist.
    NewFile(std::path::PathBuf),
}

impl std::fmt::Display for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Environment => write!(f, "TWOSTEP_SECRET_KEY"),
            KeySource::File(path) => write!(f, "the key file {}", path.display()),
            KeySource::NewFile(path) => write!(f, "the new key file {}", path.display()),
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("{0} is not base64 of exactly 32 bytes")]
    Malformed(String),
    #[error("cannot read or write the key file {path}: {reason}")]
    File { path: String, reason: String },
}

#[derive(Clone)]
pub struct SecretKey {
    cipher: XChaCha20Poly1305,
    /// A second key derived from it, for digests (never the sealing key itself).
    mac_key: [u8; 32],
    id: String,
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl SecretKey {
    fn from_bytes(key: &[u8; KEY_BYTES]) -> SecretKey {
        let digest = Sha256::new()
            .chain_update(b"twostep secret key id\0")
            .chain_update(key)
            .finalize();
        let id = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        let mac_key = Sha256::new()
            .chain_update(b"twostep digest key\0")
            .chain_update(key)
            .finalize()
            .into();
        SecretKey {
            cipher: XChaCha20Poly1305::new(key.into()),
            mac_key,
            id,
        }
    }

    /// A fresh key from the OS random source (tests, and a key file made at first start).
    pub fn random() -> SecretKey {
        let mut key = [0u8; KEY_BYTES];
        rand::RngCore::fill_bytes(&mut rand::TryRngCore::unwrap_err(rand::rngs::OsRng), &mut key);
        SecretKey::from_bytes(&key)
    }

    /// A key from its base64 text; `what` names it in the error.
    pub fn from_base64(text: &str, what: &str) -> Result<SecretKey, KeyError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| KeyError::Malformed(what.to_string()))?;
        let key: [u8; KEY_BYTES] = bytes
            .try_into()
            .map_err(|_| KeyError::Malformed(what.to_string()))?;
        Ok(SecretKey::from_bytes(&key))
    }

    /// The key from `from_environment` when given, else from `file`, which is made (mode
    /// 0600, a fresh random key) when it does not exist yet.
    pub fn load(from_environment: Option<&str>, file: &Path) -> Result<(SecretKey, KeySource), KeyError> {
        if let Some(text) = from_environment.filter(|t| !t.trim().is_empty()) {
            return Ok((
                SecretKey::from_base64(text, "TWOSTEP_SECRET_KEY")?,
                KeySource::Environment,
            ));
        }
        let failed = |e: std::io::Error| KeyError::File {
            path: file.display().to_string(),
            reason: e.to_string(),
        };
        match std::fs::read_to_string(file) {
            Ok(text) => Ok((
                SecretKey::from_base64(&text, &file.display().to_string())?,
                KeySource::File(file.to_path_buf()),
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; KEY_BYTES];
                rand::RngCore::fill_bytes(&mut rand::TryRngCore::unwrap_err(rand::rngs::OsRng), &mut key);
                let text = base64::engine::general_purpose::STANDARD.encode(key);
                if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(failed)?;
                }
                match write_private(file, &text) {
                    Ok(()) => Ok((
                        SecretKey::from_bytes(&key),
                        KeySource::NewFile(file.to_path_buf()),
                    )),
                    // Another instance sharing the folder made it first: use theirs.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => SecretKey::load(None, file),
                    Err(e) => Err(failed(e)),
                }
            }
            Err(e) => Err(failed(e)),
        }
    }

    /// A short name of the key (not the key): which key sealed a database's secrets.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// HMAC-SHA256 of `parts` (each length-prefixed, so no two lists give the same input)
    /// under a key derived from this one: a digest nobody can compute without the key.
    pub fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        use hmac::Mac;
        let mut mac =
            <hmac::Hmac<Sha256> as Mac>::new_from_slice(&self.mac_key).expect("HMAC takes any key length");
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }

    /// `plain` sealed for `owner`: nonce, then ciphertext and tag.
    pub fn seal(&self, plain: &[u8], owner: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::RngCore::fill_bytes(&mut rand::TryRngCore::unwrap_err(rand::rngs::OsRng), &mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: owner,
                },
            )
            .expect("XChaCha20-Poly1305 seals any length we give it");
        [nonce.as_slice(), &sealed].concat()
    }

    /// The plain bytes, if `sealed` was sealed for `owner` with this key.
    pub fn open(&self, sealed: &[u8], owner: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < NONCE_BYTES {
            return None;
        }
        let (nonce, body) = sealed.split_at(NONCE_BYTES);
        self.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: owner,
                },
            )
            .ok()
    }
}

/// Writes `text` to a new file only its owner can read (never over an existing one).
fn write_private(file: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)?;
    out.write_all(text.as_bytes())?;
    out.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> crate::db::TempDb {
        crate::db::TempDb::folder()
    }

    #[test]
    fn the_key_file_is_made_once_readable_by_its_owner_only_and_read_back() {
        use std::os::unix::fs::PermissionsExt;
        let dir = folder();
        let file = dir.path().join("data/secret.key");
        let (made, source) = SecretKey::load(None, &file).unwrap();
        assert_eq!(source, KeySource::NewFile(file.clone()));
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let (read, source) = SecretKey::load(None, &file).unwrap();
        assert_eq!(source, KeySource::File(file.clone()));
        assert_eq!(read.id(), made.id(), "the same key");
        let sealed = made.seal(b"JBSWY3DPEHPK3PXP", b"7");
        assert_eq!(
            read.open(&sealed, b"7").as_deref(),
            Some(&b"JBSWY3DPEHPK3PXP"[..])
        );
    }

    #[test]
    fn the_environment_wins_and_a_malformed_key_is_refused_by_name() {
        let dir = folder();
        let file = dir.path().join("secret.key");
        let text = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        let (key, source) = SecretKey::load(Some(&text), &file).unwrap();
        assert_eq!(source, KeySource::Environment);
        assert!(!file.exists(), "no file made when the environment gives the key");
        assert_eq!(key.id().len(), 16);
        for bad in [
            "not base64!",
            &base64::engine::general_purpose::STANDARD.encode([7u8; 31]),
        ] {
            assert_eq!(
                SecretKey::load(Some(bad), &file).unwrap_err(),
                KeyError::Malformed("TWOSTEP_SECRET_KEY".into())
            );
        }
    }

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_for_its_owner() {
        let one = SecretKey::from_base64(
            &base64::engine::general_purpose::STANDARD.encode([1u8; 32]),
            "one",
        )
        .unwrap();
        let two = SecretKey::from_base64(
            &base64::engine::general_purpose::STANDARD.encode([2u8; 32]),
            "two",
        )
        .unwrap();
        let secret = b"twenty bytes secret!";
        let sealed = one.seal(secret, b"7");
        assert!(
            !sealed.windows(secret.len()).any(|w| w == secret),
            "the secret's bytes are not in what is stored"
        );
        assert_ne!(sealed, one.seal(secret, b"7"), "a fresh nonce each time");
        assert_eq!(one.open(&sealed, b"7").as_deref(), Some(&secret[..]));
        assert_eq!(one.open(&sealed, b"8"), None, "moved to another person");
        assert_eq!(two.open(&sealed, b"7"), None, "another key");
        assert_eq!(one.open(&sealed[..10], b"7"), None);
        assert_ne!(one.id(), two.id());
    }
}
