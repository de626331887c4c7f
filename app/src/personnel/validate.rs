//! The rules a person's record must meet before anything is saved. Pure: the database
//! checks (a username already taken) come after these.

use super::FieldErrors;
use email_address::EmailAddress;
use phonenumber::country::Id as Region;
use phonenumber::{Mode, PhoneNumber};
use std::str::FromStr;

pub use crate::limits::{EMAIL_MAX, NAME_MAX, PASSWORD_MAX, PASSWORD_MIN, USERNAME_MAX};

/// What the editor sent, as typed.
#[derive(Debug, Clone, Default)]
pub struct Submitted {
    pub name: String,
    pub username: String,
    pub email: String,
    pub phone: String,
    pub mobile: String,
    pub password: String,
}

/// A record that passed every rule, normalised for storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Valid {
    pub name: String,
    pub username: String,
    pub email: Option<String>,
    /// E.164, e.g. `+32470123456`.
    pub phone: Option<String>,
    pub mobile: Option<String>,
    /// `None`: keep the current password (an edit with the field left empty).
    pub password: Option<String>,
}

/// Checks every field and reports every problem at once. `new_person` makes the
/// password required; `default_region` lets numbers be typed in national form.
pub fn person(
    input: &Submitted,
    new_person: bool,
    default_region: Option<Region>,
) -> Result<Valid, Box<FieldErrors>> {
    let mut errors = FieldErrors::default();
    // The fields' names as the editor shows them, in the request's language.
    let shown = &crate::i18n::request_lang().texts().system.personnel;
    let name = input.name.trim();
    errors.name = text_problem(name, shown.name, NAME_MAX);
    let username = input.username.trim();
    errors.username = text_problem(username, shown.username, USERNAME_MAX).or_else(|| {
        username
            .chars()
            .any(|c| !(c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')))
            .then(|| said().username_characters.to_string())
    });
    let email = email_address(&input.email);
    if let Err(problem) = &email {
        errors.email = Some(problem.clone());
    }
    let phone = optional(&input.phone).map(|n| phone_number(n, default_region));
    let mobile = optional(&input.mobile).map(|n| phone_number(n, default_region));
    if let Some(Err(problem)) = &phone {
        errors.phone = Some(problem.clone());
    }
    if let Some(Err(problem)) = &mobile {
        errors.mobile = Some(problem.clone());
    }
    let password = (!input.password.is_empty()).then_some(input.password.as_str());
    errors.password = match password {
        None if new_person => Some(said().needs_password.into()),
        Some(p) => crate::auth::new_password::problem(p, &[name, username, &input.email]),
        None => None,
    };

    if !errors.is_empty() {
        return Err(Box::new(errors));
    }
    Ok(Valid {
        name: name.to_string(),
        username: username.to_string(),
        email: email.ok().flatten(),
        phone: phone.and_then(Result::ok),
        mobile: mobile.and_then(Result::ok),
        password: password.map(str::to_string),
    })
}

/// An email address as typed: `None` when left empty, the reason when it is not one.
pub fn email_address(typed: &str) -> Result<Option<String>, String> {
    match optional(typed) {
        None => Ok(None),
        Some(email) if email.len() > EMAIL_MAX || !EmailAddress::is_valid(email) || !email.contains('.') => {
            Err(said().email_invalid.into())
        }
        Some(email) => Ok(Some(email.to_string())),
    }
}

/// A mobile number as typed, in E.164: `None` when left empty, the reason when it is
/// not a number.
pub fn mobile_number(typed: &str, default_region: Option<Region>) -> Result<Option<String>, String> {
    optional(typed)
        .map(|n| phone_number(n, default_region))
        .transpose()
}

/// A stored E.164 number as people read it: `+32 470 12 34 56`.
pub fn display_number(stored: &str) -> String {
    phonenumber::parse(None, stored)
        .map(|n: PhoneNumber| n.format().mode(Mode::International).to_string())
        .unwrap_or_else(|_| stored.to_string())
}

/// Parses a region code such as `BE` (configuration).
pub fn region(code: &str) -> Result<Region, String> {
    Region::from_str(&code.trim().to_uppercase()).map_err(|_| format!("not a region code: {code:?}"))
}

fn optional(value: &str) -> Option<&str> {
    Some(value.trim()).filter(|v| !v.is_empty())
}

/// Why a field was refused, in the request's language.
fn said() -> &'static crate::i18n::system_texts::PersonnelServerTexts {
    &crate::i18n::system_texts::server().personnel
}

fn text_problem(value: &str, label: &str, max: usize) -> Option<String> {
    if value.is_empty() {
        Some((said().required)(label))
    } else if value.chars().count() > max {
        Some((said().too_long)(label, max))
    } else if value.chars().any(char::is_control) {
        Some((said().control_characters)(label))
    } else {
        None
    }
}

fn phone_number(typed: &str, default_region: Option<Region>) -> Result<String, String> {
    let problem = || match default_region {
        Some(_) => said().phone_invalid.to_string(),
        None => said().phone_international.to_string(),
    };
    if typed.len() > 40 || (!typed.starts_with('+') && default_region.is_none()) {
        return Err(problem());
    }
    let number = phonenumber::parse(default_region, typed).map_err(|_| problem())?;
    if !phonenumber::is_valid(&number) {
        return Err(problem());
    }
    Ok(number.format().mode(Mode::E164).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submitted(f: impl FnOnce(&mut Submitted)) -> Submitted {
        let mut s = Submitted {
            name: "Jean-Marie Dupont".into(),
            username: "jmdupont".into(),
            email: "jm@example.com".into(),
            phone: String::new(),
            mobile: String::new(),
            password: "walnut harbour lamp".into(),
        };
        f(&mut s);
        s
    }

    fn errors(s: Submitted, new: bool, region: Option<Region>) -> FieldErrors {
        *person(&s, new, region).expect_err("should be refused")
    }

    #[test]
    fn a_complete_record_passes_and_is_normalised() {
        let valid = person(
            &submitted(|s| {
                s.name = "  Élodie Ñúñez 李 ".into();
                s.email = " jm@example.com ".into();
                s.mobile = "+32 470 12 34 56".into();
            }),
            true,
            None,
        )
        .unwrap();
        assert_eq!(valid.name, "Élodie Ñúñez 李");
        assert_eq!(
            valid.email.as_deref(),
            Some("jm@example.com"),
            "trailing space trimmed"
        );
        assert_eq!(valid.mobile.as_deref(), Some("+32470123456"));
        assert_eq!(valid.phone, None);
    }

    #[test]
    fn national_numbers_need_the_default_region() {
        let be = region("be").unwrap();
        let valid = person(&submitted(|s| s.phone = "0470 12 34 56".into()), true, Some(be)).unwrap();
        assert_eq!(valid.phone.as_deref(), Some("+32470123456"));
        let e = errors(submitted(|s| s.phone = "0470 12 34 56".into()), true, None);
        assert!(e.phone.unwrap().contains("international form"));
        assert!(region("XX").is_err());
    }

    #[test]
    fn invalid_numbers_are_refused() {
        for bad in ["+32 12", "hello", "+999 123 456 789", &"9".repeat(50)] {
            let e = errors(submitted(|s| s.mobile = bad.to_string()), true, None);
            assert!(e.mobile.is_some(), "{bad:?} accepted");
        }
    }

    #[test]
    fn stored_numbers_display_for_people() {
        assert_eq!(display_number("+32470123456"), "+32 470 12 34 56");
    }

    #[test]
    fn invalid_emails_are_refused() {
        for bad in [
            "jm",
            "jm@",
            "@example.com",
            "jm@@example.com",
            "jm example@x.com",
            "jm@localhost",
        ] {
            let e = errors(submitted(|s| s.email = bad.into()), true, None);
            assert_eq!(
                e.email.as_deref(),
                Some("Enter a valid email address, like name@example.com."),
                "{bad:?}"
            );
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(errors(submitted(|s| s.email = long), true, None).email.is_some());
        assert_eq!(
            person(&submitted(|s| s.email = "  ".into()), true, None)
                .unwrap()
                .email,
            None
        );
    }

    #[test]
    fn names_are_required_and_bounded() {
        assert!(
            errors(submitted(|s| s.name = "   ".into()), true, None)
                .name
                .unwrap()
                .contains("required")
        );
        let huge = "é".repeat(10 * 1024);
        assert!(
            errors(submitted(|s| s.name = huge), true, None)
                .name
                .unwrap()
                .contains("too long")
        );
        assert!(
            errors(submitted(|s| s.name = "a\u{7}b".into()), true, None)
                .name
                .is_some()
        );
        assert!(person(&submitted(|s| s.name = "a".repeat(NAME_MAX)), true, None).is_ok());
    }

    #[test]
    fn usernames_have_no_spaces_or_symbols() {
        for bad in ["j doe", "jdoe!", "j/doe", ""] {
            assert!(
                errors(submitted(|s| s.username = bad.into()), true, None)
                    .username
                    .is_some(),
                "{bad:?}"
            );
        }
        assert!(person(&submitted(|s| s.username = "j.doe-2@office".into()), true, None).is_ok());
    }

    #[test]
    fn passwords_are_eight_to_128_characters_hard_to_guess_and_optional_on_edit() {
        let short = errors(submitted(|s| s.password = "1234567".into()), true, None);
        assert_eq!(short.password.as_deref(), Some("Use at least 8 characters."));
        let guessable = errors(submitted(|s| s.password = "12345678".into()), true, None);
        assert!(
            guessable
                .password
                .unwrap()
                .starts_with("This password is too easy to guess."),
            "long enough, but not hard to guess"
        );
        let long: String = "plum kettle orbit ".repeat(10).chars().take(128).collect();
        assert!(person(&submitted(|s| s.password = long.clone()), true, None).is_ok());
        assert!(
            errors(submitted(|s| s.password = format!("{long}x")), true, None)
                .password
                .is_some_and(|problem| problem.contains("at most 128"))
        );
        // The person's own name is guessable to anyone who knows them.
        let own = errors(
            submitted(|s| {
                s.name = "Mara Boutvelde".into();
                s.password = "boutvelde2026".into();
            }),
            true,
            None,
        );
        assert!(own.password.is_some());
        assert!(
            errors(submitted(|s| s.password.clear()), true, None)
                .password
                .is_some(),
            "new needs one"
        );
        assert_eq!(
            person(&submitted(|s| s.password.clear()), false, None)
                .unwrap()
                .password,
            None
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let e = errors(
            submitted(|s| {
                s.name.clear();
                s.email = "bad".into();
                s.password = "short".into();
            }),
            true,
            None,
        );
        assert!(e.name.is_some() && e.email.is_some() && e.password.is_some());
        assert!(e.username.is_none());
    }
}
