//! The server's side of languages: the one each request gets, the cookie that keeps a
//! choice, and the texts only the server writes.

use super::texts::{RefusalTexts, ServerTexts};
use super::{Lang, negotiate};

/// The cookie that keeps the Language menu's choice in this browser.
pub fn cookie_name(secure: bool) -> &'static str {
    crate::cookie_names::LANGUAGE.on(secure)
}

/// A choice is kept for a year; choosing again renews it.
const COOKIE_DAYS: i64 = 365;

/// The `Set-Cookie` value that keeps `lang`: for this site only (`SameSite=Lax`), never
/// read by a script (the page says its language in `<html lang>`), `Secure` over https.
pub fn cookie(lang: Lang, secure: bool) -> String {
    format!(
        "{}={}; Path=/; Max-Age={}; SameSite=Lax; HttpOnly{}",
        cookie_name(secure),
        lang.code(),
        COOKIE_DAYS * 86_400,
        if secure { "; Secure" } else { "" }
    )
}

/// Sends the cookie that keeps `lang` with the response being made.
pub fn keep_in_cookie(lang: Lang, secure: bool) {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        && let Ok(value) = http::HeaderValue::from_str(&cookie(lang, secure))
    {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

/// The language this browser's cookie keeps, if it keeps one.
pub fn cookie_choice(headers: &http::HeaderMap, secure: bool) -> Option<Lang> {
    cookie_value(headers, cookie_name(secure)).and_then(|code| Lang::from_code(&code))
}

/// The language a request gets: `saved` (the signed-in person's, when the caller knows
/// them), then the cookie, `Accept-Language`, and the instance default.
pub fn for_request(headers: &http::HeaderMap, saved: Option<Lang>, secure: bool, default: Lang) -> Lang {
    let cookie = cookie_value(headers, cookie_name(secure));
    let accept = headers
        .get(http::header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok());
    negotiate::choose(saved, cookie.as_deref(), accept, default)
}

/// The value of cookie `name` in the request's `Cookie` headers.
fn cookie_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim().to_string())
}

/// The language the server picked for the request being answered (`server::layers`
/// puts it there); else the instance default; outside a request, English.
pub fn request_lang() -> Lang {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Lang>().copied())
        .or_else(|| {
            leptos::prelude::use_context::<crate::state::AppState>()
                .map(|state| state.policy.default_language)
        })
        .unwrap_or_default()
}

/// The language to write to a person in (spec §1): their saved one, else the page's
/// that caused the message (which falls back to the instance default).
pub fn for_person(saved: Option<Lang>) -> Lang {
    saved.unwrap_or_else(request_lang)
}

impl Lang {
    /// What only the server writes, in this language.
    pub fn server_texts(self) -> &'static ServerTexts {
        self.pick(
            &super::en::SERVER_TEXTS,
            &super::nl::SERVER_TEXTS,
            &super::fr::SERVER_TEXTS,
        )
    }
}

/// The texts of the request being answered.
pub fn server_texts() -> &'static ServerTexts {
    request_lang().server_texts()
}

/// Why a sign-in step was refused, in the request's language.
pub fn said() -> &'static RefusalTexts {
    &server_texts().refusals
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderMap;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                http::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        map
    }

    #[test]
    fn the_cookie_of_this_sites_scheme_counts_and_beats_the_browser() {
        let plain = headers(&[("cookie", "a=1; twostep_lang=fr"), ("accept-language", "nl-BE")]);
        assert_eq!(for_request(&plain, None, false, Lang::En), Lang::Fr);
        // Over https only the `__Host-` cookie is this site's own.
        assert_eq!(for_request(&plain, None, true, Lang::En), Lang::Nl);
        let host = headers(&[("cookie", "__Host-twostep_lang=nl")]);
        assert_eq!(for_request(&host, None, true, Lang::En), Lang::Nl);
        assert_eq!(for_request(&host, Some(Lang::Fr), true, Lang::En), Lang::Fr);
        assert_eq!(for_request(&headers(&[]), None, false, Lang::Nl), Lang::Nl);
    }

    #[test]
    fn the_cookie_is_kept_a_year_for_this_site_only() {
        assert_eq!(
            cookie(Lang::Nl, false),
            "twostep_lang=nl; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly"
        );
        assert_eq!(
            cookie(Lang::Fr, true),
            "__Host-twostep_lang=fr; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly; Secure"
        );
    }
}
