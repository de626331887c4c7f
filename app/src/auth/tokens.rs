//! Random secrets handed to a browser (a pending sign-in's token, a device cookie) and
//! the digest the database keeps of them instead.

use rand::TryRngCore;
use sha2::{Digest, Sha256};

/// 256 bits from the OS random source, as hex.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng.unwrap_err(), &mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What is stored of a secret: its SHA-256 digest. With 256 random bits no salt or slow
/// hash is needed: the digest cannot be turned back into a secret that works.
pub fn digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_fresh_and_kept_only_as_a_digest() {
        let (a, b) = (new_secret(), new_secret());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(digest(&a), digest(&a));
        assert_ne!(digest(&a), digest(&b));
        assert_ne!(digest(&a), a.as_bytes());
    }
}
