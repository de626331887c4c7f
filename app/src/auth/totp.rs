//! Authenticator-app codes (RFC 6238 TOTP, spec §2): SHA1, 6 digits, 30-second steps,
//! accepted one step either side of now, and each step at most once per person (the
//! caller keeps the last step used; RFC 6238 §5.2). The arithmetic is `totp-rs`'s.

use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, TOTP};

pub const STEP_SECONDS: i64 = 30;
pub const DIGITS: usize = 6;
/// 160 bits, as RFC 4226 recommends and every app accepts.
pub const SECRET_BYTES: usize = 20;
const ISSUER: &str = "Twostep";

fn totp(secret: &[u8], digits: usize, account: &str) -> Option<TOTP> {
    TOTP::new(
        Algorithm::SHA1,
        digits,
        1,
        STEP_SECONDS as u64,
        secret.to_vec(),
        Some(ISSUER.to_string()),
        // The crate refuses a ':' in the account name; a username never holds one.
        account.replace(':', ""),
    )
    .ok()
}

/// A new secret from the OS random source.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_BYTES];
    rand::RngCore::fill_bytes(&mut rand::TryRngCore::unwrap_err(rand::rngs::OsRng), &mut secret);
    secret
}

/// The secret as people type it into an app: base32, no padding.
pub fn secret_text(secret: &[u8]) -> String {
    totp_rs::Secret::Raw(secret.to_vec()).to_encoded().to_string()
}

/// The secret from its base32 text, as `secret_text` writes it (spaces and case ignored):
/// what an app does with it, for the tests.
#[cfg(any(test, feature = "test-support"))]
pub fn secret_from_text(text: &str) -> Option<Vec<u8>> {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    totp_rs::Secret::Encoded(text.to_ascii_uppercase())
        .to_bytes()
        .ok()
}

/// `otpauth://totp/Twostep:<username>?secret=…&issuer=Twostep` (SHA1, 6 digits, 30 s
/// are the defaults every app assumes, and the address says so).
pub fn address(secret: &[u8], username: &str) -> Option<String> {
    totp(secret, DIGITS, username).map(|t| t.get_url())
}

/// The code of time step `step`, with `digits` digits.
pub fn code_at_step(secret: &[u8], step: i64, digits: usize) -> Option<String> {
    let time = u64::try_from(step.checked_mul(STEP_SECONDS)?).ok()?;
    totp(secret, digits, "x").map(|t| t.generate(time))
}

/// The time step whose code `typed` is, among the step of `now` and one either side,
/// leaving out every step up to `last_used` (a code is good once). Compared in constant
/// time; anything but six digits matches nothing.
pub fn matching_step(secret: &[u8], typed: &str, now: i64, last_used: Option<i64>) -> Option<i64> {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != DIGITS || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let current = now.div_euclid(STEP_SECONDS);
    let mut found = None;
    // Every candidate is computed and compared, matched or not: the time taken does not
    // say which step matched.
    for step in [current - 1, current, current + 1] {
        let Some(code) = code_at_step(secret, step, DIGITS) else {
            continue;
        };
        let fresh = last_used.is_none_or(|last| step > last);
        if bool::from(code.as_bytes().ct_eq(typed.as_bytes())) && fresh && found.is_none() {
            found = Some(step);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn the_rfc_6238_appendix_b_vectors_for_sha1() {
        for (time, expected) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(
                code_at_step(RFC_SECRET, time / STEP_SECONDS, 8).as_deref(),
                Some(expected),
                "T = {time}"
            );
        }
    }

    #[test]
    fn one_step_either_side_is_accepted_two_are_not() {
        let secret = new_secret();
        let now = 1_800_000_015;
        let step = now / STEP_SECONDS;
        for (offset, accepted) in [(-2, false), (-1, true), (0, true), (1, true), (2, false)] {
            let code = code_at_step(&secret, step + offset, DIGITS).unwrap();
            assert_eq!(
                matching_step(&secret, &code, now, None),
                accepted.then_some(step + offset),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn a_step_is_good_once_and_an_older_one_never_after_it() {
        let secret = new_secret();
        let now = 1_800_000_015;
        let step = now / STEP_SECONDS;
        let code = code_at_step(&secret, step, DIGITS).unwrap();
        assert_eq!(matching_step(&secret, &code, now, Some(step)), None, "replayed");
        let earlier = code_at_step(&secret, step - 1, DIGITS).unwrap();
        assert_eq!(
            matching_step(&secret, &earlier, now, Some(step)),
            None,
            "older than the last used"
        );
        let later = code_at_step(&secret, step + 1, DIGITS).unwrap();
        assert_eq!(matching_step(&secret, &later, now, Some(step)), Some(step + 1));
    }

    #[test]
    fn anything_but_six_digits_matches_nothing() {
        let secret = new_secret();
        for typed in ["", "12345", "1234567", "abcdef", "１２３４５６"] {
            assert_eq!(
                matching_step(&secret, typed, 1_800_000_000, None),
                None,
                "{typed:?}"
            );
        }
    }

    #[test]
    fn the_address_names_the_issuer_the_person_and_the_secret() {
        let secret = new_secret();
        let address = address(&secret, "jdoe").unwrap();
        assert!(address.starts_with("otpauth://totp/Twostep:jdoe?"), "{address}");
        assert!(
            address.contains(&format!("secret={}", secret_text(&secret))),
            "{address}"
        );
        assert!(address.contains("issuer=Twostep"), "{address}");
        assert_eq!(secret_text(&secret).len(), 32, "160 bits in base32");
        // Typed back in groups and lower case, it is the same secret.
        let typed = secret_text(&secret)
            .to_lowercase()
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(secret_from_text(&typed), Some(secret.clone()));
    }
}
