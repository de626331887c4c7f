//! Where a code goes (spec §1 step 2 and "No channel"): email when the person has one,
//! else a text message when SMS is configured and they have a mobile number.

use crate::mail;
use crate::personnel::people::Contact;
use crate::state::AppState;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Channel {
    Email(String),
    Sms(String),
}

impl Channel {
    /// The person's channel, or `None` when no code can reach them.
    pub fn of(contact: &Contact, sms_configured: bool) -> Option<Channel> {
        let present = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        present(&contact.email).map(Channel::Email).or_else(|| {
            present(&contact.mobile)
                .filter(|_| sms_configured)
                .map(Channel::Sms)
        })
    }

    /// For the audit: which way the code went, never the address.
    pub fn kind(&self) -> &'static str {
        match self {
            Channel::Email(_) => "email",
            Channel::Sms(_) => "sms",
        }
    }

    /// The address as step 2 shows it: enough to recognise, not enough to harvest.
    pub fn masked(&self) -> String {
        match self {
            Channel::Email(address) => mask_email(address),
            Channel::Sms(number) => mask_phone(number),
        }
    }

    /// Sends `code`, in the person's language (spec §1: their saved one, else the sign-in
    /// page's). The error text is for the log: it never holds the code.
    pub async fn send_code(&self, state: &AppState, to: &Contact, code: &str) -> Result<(), String> {
        let minutes = state.policy.codes.lifetime_seconds / 60;
        let lang = crate::i18n::for_person(to.language);
        match self {
            Channel::Email(address) => state
                .mailer
                .send(mail::code_letter(lang, &to.name, address, code, minutes))
                .await
                .map_err(|e| e.to_string()),
            Channel::Sms(number) => {
                let Some(sms) = &state.sms else {
                    return Err("SMS is not configured".into());
                };
                sms.send(
                    number,
                    &crate::sms::code_text(lang, code, minutes, &state.policy.site_host()),
                )
                .await
                .map_err(|e| e.to_string())
            }
        }
    }
}

/// `jane.doe@example.com` → `j•••@example.com`.
pub fn mask_email(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".into(),
    }
}

/// `+32471234567` → `+32 ••• •• 45 67`: the country code and the last four digits.
pub fn mask_phone(number: &str) -> String {
    let country = phonenumber::parse(None, number)
        .map(|n| n.code().value().to_string())
        .ok();
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 6 {
        return "•••".into();
    }
    let last: String = digits[digits.len() - 4..].iter().collect();
    let prefix = country.map(|c| format!("+{c} ")).unwrap_or_default();
    format!("{prefix}••• •• {} {}", &last[..2], &last[2..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(email: Option<&str>, mobile: Option<&str>) -> Contact {
        Contact {
            language: None,
            name: "Jane".into(),
            email: email.map(str::to_string),
            mobile: mobile.map(str::to_string),
        }
    }

    #[test]
    fn email_first_then_sms_only_when_configured() {
        let both = contact(Some("jane@example.com"), Some("+32471234567"));
        assert_eq!(
            Channel::of(&both, true),
            Some(Channel::Email("jane@example.com".into()))
        );
        let mobile_only = contact(None, Some("+32471234567"));
        assert_eq!(
            Channel::of(&mobile_only, true),
            Some(Channel::Sms("+32471234567".into()))
        );
        assert_eq!(Channel::of(&mobile_only, false), None);
        assert_eq!(Channel::of(&contact(Some("  "), None), true), None);
        assert_eq!(Channel::of(&contact(None, None), true), None);
    }

    #[test]
    fn addresses_are_masked_as_the_spec_shows() {
        assert_eq!(mask_email("jane.doe@example.com"), "j•••@example.com");
        assert_eq!(mask_phone("+3224564567"), "+32 ••• •• 45 67");
        assert_eq!(mask_phone("+32471234567"), "+32 ••• •• 45 67");
        assert_eq!(mask_phone("+14155550123"), "+1 ••• •• 01 23");
        assert_eq!(mask_phone("12"), "•••");
    }
}
