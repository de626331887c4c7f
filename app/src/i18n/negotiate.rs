//! Which language a request gets (issue 29): the person's saved language, else the
//! language cookie (the Language menu's last choice in this browser), else the browser's
//! `Accept-Language`, else the instance's `default_language`.
//!
//! A choice from the menu is written to the cookie and, when someone is signed in, to
//! their profile as well, so both agree from then on.

use super::Lang;

/// The language for a request, from what is known about it.
pub fn choose(
    saved: Option<Lang>,
    cookie: Option<&str>,
    accept_language: Option<&str>,
    default: Lang,
) -> Lang {
    saved
        .or_else(|| cookie.and_then(Lang::from_code))
        .or_else(|| accept_language.and_then(from_accept_language))
        .unwrap_or(default)
}

/// The most wanted of our languages in an `Accept-Language` header: `nl-BE` is Dutch,
/// `fr-BE` French; ranked by `q` (the first of equals wins), `q=0` meaning "not this".
/// A malformed item is skipped, not the whole header.
pub fn from_accept_language(header: &str) -> Option<Lang> {
    // Browsers send a handful of items; a header of thousands is not worth reading.
    const MOST_ITEMS: usize = 32;
    let mut best: Option<(u16, Lang)> = None;
    for item in header.split(',').take(MOST_ITEMS) {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let primary = tag.split('-').next().unwrap_or_default();
        let Some(lang) = Lang::from_code(primary) else {
            continue;
        };
        let Some(weight) = weight(parts) else {
            continue;
        };
        if weight > 0 && best.is_none_or(|(best_weight, _)| weight > best_weight) {
            best = Some((weight, lang));
        }
    }
    best.map(|(_, lang)| lang)
}

/// An item's `q` in thousandths (1000 when absent); `None` when it is not a valid one.
fn weight<'a>(mut parameters: impl Iterator<Item = &'a str>) -> Option<u16> {
    let Some(parameter) = parameters.find(|p| !p.trim().is_empty()) else {
        return Some(1000);
    };
    let value = parameter.trim().strip_prefix("q=")?;
    // RFC 9110: "0" or "1" or "0." with up to three digits, or "1." with zeros.
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn belgian_browsers_get_their_language() {
        assert_eq!(from_accept_language("nl-BE,nl;q=0.9,en;q=0.8"), Some(Lang::Nl));
        assert_eq!(from_accept_language("fr-BE,fr;q=0.9,nl;q=0.5"), Some(Lang::Fr));
        assert_eq!(from_accept_language("en-GB"), Some(Lang::En));
        assert_eq!(from_accept_language("NL"), Some(Lang::Nl));
    }

    #[test]
    fn the_highest_q_wins_and_the_first_of_equals() {
        assert_eq!(from_accept_language("de-DE,fr;q=0.4,nl;q=0.7"), Some(Lang::Nl));
        assert_eq!(from_accept_language("fr;q=0.5, nl;q=0.5"), Some(Lang::Fr));
        assert_eq!(from_accept_language("en;q=0.1, fr"), Some(Lang::Fr));
        assert_eq!(from_accept_language("nl;q=1.0,fr;q=1"), Some(Lang::Nl));
    }

    #[test]
    fn refused_unknown_and_malformed_items_do_not_count() {
        assert_eq!(from_accept_language("nl;q=0, fr;q=0.2"), Some(Lang::Fr));
        assert_eq!(from_accept_language("nl;q=0.0"), None);
        assert_eq!(from_accept_language("de, es, *"), None);
        assert_eq!(from_accept_language("nl;q=2, fr;q=abc, en;q=0.1234"), None);
        assert_eq!(
            from_accept_language("nl;q=1.5, fr;q=-1, en;q=0.3"),
            Some(Lang::En)
        );
        assert_eq!(from_accept_language(""), None);
        assert_eq!(from_accept_language(";;;,,,"), None);
    }

    #[test]
    fn only_the_first_items_of_a_huge_header_are_read() {
        let huge = format!("{}fr", "de,".repeat(10_000));
        assert_eq!(from_accept_language(&huge), None);
    }

    #[test]
    fn saved_then_cookie_then_browser_then_default() {
        let browser = Some("fr-BE");
        assert_eq!(choose(Some(Lang::Nl), Some("en"), browser, Lang::En), Lang::Nl);
        assert_eq!(choose(None, Some("en"), browser, Lang::Nl), Lang::En);
        assert_eq!(choose(None, None, browser, Lang::Nl), Lang::Fr);
        assert_eq!(choose(None, None, Some("de"), Lang::Nl), Lang::Nl);
        assert_eq!(choose(None, None, None, Lang::Fr), Lang::Fr);
        // A cookie someone wrote by hand is not a language: the next rule decides.
        assert_eq!(choose(None, Some("xx"), browser, Lang::En), Lang::Fr);
    }
}
