//! The one rule for a new password, wherever one is set (My account, Personnel, the
//! operator's `reset-password`, the first admin's configured password): a length within
//! the limits, and not easy to guess by Dropbox's estimator (`zxcvbn`), which knows
//! common passwords, names, dictionary words, keyboard walks, dates and repeats, and is
//! told the person's own name, username and email so that those count as guessable too.
//!
//! The bar is a score of 3: more than 10^8 guesses. The throttles stop online guessing
//! long before that; the bar is for a stolen copy of the database, where argon2id makes
//! each guess cost.

use crate::limits::password_length_problem;

/// The lowest estimator score a new password may have.
const LEAST_SCORE: u8 = 3;

/// The estimator reads at most this many characters: its matching grows faster than the
/// input (crafted 128-character inputs take a noticeable time), and the first 64
/// characters of a password decide whether it is easy to guess.
const ESTIMATED_CHARACTERS: usize = 64;

/// Why `password` cannot be a new password of the person described by `about` (their
/// name, username, email: whatever is known), if it cannot: in the request's language
/// (English outside a request, as on the command line).
pub fn problem(password: &str, about: &[&str]) -> Option<String> {
    if let Some(problem) = password_length_problem(crate::i18n::request_lang(), password) {
        return Some(problem);
    }
    let estimated: String = password.chars().take(ESTIMATED_CHARACTERS).collect();
    let estimate = zxcvbn::zxcvbn(&estimated, &words_of(about));
    if u8::from(estimate.score()) >= LEAST_SCORE {
        return None;
    }
    let said = &crate::i18n::account_texts::server().new_password;
    let mut reason = String::from(said.too_easy);
    let feedback = estimate.feedback();
    if let Some(warning) = feedback.and_then(|f| f.warning()) {
        reason.push(' ');
        reason.push_str(&(said.warning)(warning));
    }
    reason.push(' ');
    match feedback.and_then(|f| f.suggestions().first()) {
        Some(suggestion) => reason.push_str(&(said.suggestion)(*suggestion)),
        None => reason.push_str(said.add_words),
    }
    Some(reason)
}

/// What is known of the person, whole and word by word: the estimator matches whole
/// tokens, so "Mara Boutvelde" must also be "mara" and "boutvelde", and an email its
/// parts.
fn words_of<'a>(about: &[&'a str]) -> Vec<&'a str> {
    let mut words = Vec::new();
    for known in about {
        words.push(known.trim());
        words.extend(
            known
                .split(|c: char| !c.is_alphanumeric())
                .filter(|word| word.chars().count() >= 3),
        );
    }
    words.retain(|word| !word.is_empty());
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_and_personal_passwords_are_refused_with_the_reason() {
        let common = problem("password1", &[]).expect("refused");
        assert!(
            common.starts_with("This password is too easy to guess."),
            "{common}"
        );
        assert!(
            common.len() > "This password is too easy to guess.".len(),
            "with a reason: {common}"
        );
        for weak in ["qwertyuiop", "12345678", "aaaaaaaaaaaa", "iloveyou2024"] {
            assert!(problem(weak, &[]).is_some(), "{weak}");
        }
        // Guessable to whoever knows the person, though not on its own.
        for own in ["boutvelde2026", "maraboutvelde"] {
            assert!(problem(own, &[]).is_none(), "strong enough in general: {own}");
            assert!(
                problem(own, &["Mara Boutvelde", "mbv", "mara@example.com"]).is_some(),
                "{own}"
            );
        }
    }

    #[test]
    fn only_the_first_64_characters_are_estimated() {
        let weak_start = format!("{}{}", "a".repeat(64), "plum kettle orbit");
        assert!(problem(&weak_start, &[]).is_some());
        let strong_start = format!("{}{}", "plum kettle orbit walnut harbour lamp", "a".repeat(90));
        assert_eq!(problem(&strong_start, &[]), None);
    }

    #[test]
    fn length_is_checked_first_and_a_few_unrelated_words_pass() {
        assert_eq!(
            problem("short", &[]),
            password_length_problem(crate::i18n::Lang::En, "short")
        );
        assert!(problem(&"x".repeat(200), &[]).unwrap().contains("at most"));
        for fine in [
            "plum kettle orbit",
            "a person's password",
            "correct horse battery",
        ] {
            assert_eq!(problem(fine, &["Jane Doe", "jdoe"]), None, "{fine}");
        }
    }
}
