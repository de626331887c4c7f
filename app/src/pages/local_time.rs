//! Times in the reader's own time zone.
//!
//! The browser knows its zone; the server learns it from a cookie the browser sets on its
//! first page (`twostep_tz`, `__Host-twostep_tz` over https: the IANA name such as
//! `Europe/Brussels`). So every page after the first is rendered by the server in the
//! reader's zone already, and the browser, taking over, writes the same text: nothing
//! visibly changes. Only a first visit (no
//! cookie yet) paints UTC, switching to local time once the page's code runs; the sign-in
//! page, which everyone sees first, shows no times. Without JavaScript the times stay in
//! UTC, marked so. The exact instant is always in `datetime` (UTC) and the title.

use crate::time_text::{exact, exact_at_offset, machine, relative};
use leptos::prelude::*;

/// The cookie that tells the server the reader's time zone; over https with the
/// `__Host-` prefix, so no sibling domain can plant one.
pub fn zone_cookie(secure: bool) -> &'static str {
    crate::cookie_names::TIME_ZONE.on(secure)
}

/// An instant: its local date and time (or, given `relative_to`, "in 29 days" with the
/// local time in the title).
#[component]
pub fn LocalTime(at: i64, #[prop(default = None)] relative_to: Option<i64>) -> impl IntoView {
    let lang = crate::i18n::use_lang();
    let utc = exact(lang, at);
    // The browser writes its own text only once the server's is on screen: while the page
    // is being taken over, the text it holds is empty, so its first real value always
    // replaces the server's (and is the same text, when the cookie named this zone).
    let taken_over = RwSignal::new(cfg!(not(feature = "hydrate")));
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| taken_over.set(true));
    // Worked out once: an instant's local time does not change while the page is open.
    let local = offset_at(at).map(|offset| exact_at_offset(lang, at, offset));
    let shown = match relative_to {
        Some(now) => relative(lang, at, now),
        None => local.clone().unwrap_or_else(|| utc.clone()),
    };
    let title = match local {
        Some(local) => format!("{local} ({utc})"),
        None => utc,
    };
    let text = move || {
        if taken_over.get() {
            shown.clone()
        } else {
            String::new()
        }
    };
    let title = move || {
        if taken_over.get() {
            title.clone()
        } else {
            String::new()
        }
    };
    view! { <time datetime=machine(at) title=title>{text}</time> }
}

/// The reader's zone's offset from UTC at `at`, in seconds: from the browser, or on the
/// server from the zone cookie (`None` without one: UTC is shown).
fn offset_at(at: i64) -> Option<i64> {
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64 * 1000.0));
        Some(-(date.get_timezone_offset() as i64) * 60)
    }
    #[cfg(all(feature = "ssr", not(feature = "hydrate")))]
    {
        let ServerZone(zone) = use_context::<ServerZone>()?;
        let instant = jiff::Timestamp::from_second(at).ok()?;
        Some(i64::from(zone?.to_offset(instant).seconds()))
    }
    #[cfg(not(any(feature = "hydrate", feature = "ssr")))]
    {
        let _ = at;
        None
    }
}

/// The reader's zone as the server read it from the cookie, for this render.
#[cfg(feature = "ssr")]
#[derive(Clone)]
pub struct ServerZone(pub Option<jiff::tz::TimeZone>);

/// Provides the reader's zone to every time on the page (server side).
pub fn provide_viewer_zone() {
    #[cfg(feature = "ssr")]
    {
        // No state while the route list is made at start: nothing to read then, and
        // nothing wrong (`app_state` would log an error).
        let secure =
            use_context::<crate::state::AppState>().is_some_and(|state| state.policy.secure_cookies());
        let cookie = zone_cookie(secure);
        let name = use_context::<http::request::Parts>().and_then(|parts| {
            parts
                .headers
                .get_all(http::header::COOKIE)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(';'))
                .find_map(|pair| {
                    pair.trim()
                        .strip_prefix(cookie)?
                        .strip_prefix('=')
                        .map(str::to_string)
                })
        });
        provide_context(ServerZone(name.as_deref().and_then(zone_named)));
    }
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| browser::remember_zone());
}

/// A zone from a cookie's text: an IANA name the system knows, nothing else.
#[cfg(feature = "ssr")]
pub fn zone_named(name: &str) -> Option<jiff::tz::TimeZone> {
    let plausible = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c));
    plausible.then(|| jiff::tz::TimeZone::get(name).ok()).flatten()
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::zone_cookie;
    use js_sys::{Array, Intl, Object, Reflect};
    use wasm_bindgen::JsValue;

    /// Sets the zone cookie when it is missing or names another zone.
    pub fn remember_zone() {
        let options = Intl::DateTimeFormat::new(&Array::new(), &Object::new()).resolved_options();
        let Some(zone) = Reflect::get(&options, &JsValue::from_str("timeZone"))
            .ok()
            .and_then(|v| v.as_string())
            .filter(|zone| {
                zone.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c))
            })
        else {
            return;
        };
        let document: JsValue = leptos::prelude::document().into();
        let cookie = JsValue::from_str("cookie");
        let secure = leptos::prelude::window()
            .location()
            .protocol()
            .is_ok_and(|p| p == "https:");
        let wanted = format!("{}={zone}", zone_cookie(secure));
        let current = Reflect::get(&document, &cookie)
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        if current.split("; ").any(|pair| pair == wanted) {
            return;
        }
        let value = format!(
            "{wanted}; Path=/; Max-Age=31536000; SameSite=Lax{}",
            if secure { "; Secure" } else { "" }
        );
        let _ = Reflect::set(&document, &cookie, &JsValue::from_str(&value));
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn only_known_zone_names_are_read_from_the_cookie() {
        assert!(zone_named("Europe/Brussels").is_some());
        assert!(zone_named("America/Argentina/Buenos_Aires").is_some());
        assert!(zone_named("Etc/GMT+5").is_some());
        assert!(zone_named("").is_none());
        assert!(zone_named("Mars/Olympus_Mons").is_none());
        assert!(zone_named("../../etc/passwd").is_none());
        assert!(zone_named(&"A".repeat(200)).is_none());
    }

    #[test]
    fn the_zone_gives_the_offset_of_that_instant_summer_and_winter() {
        let brussels = zone_named("Europe/Brussels").unwrap();
        let winter = jiff::Timestamp::from_second(1_800_000_000).unwrap(); // January
        let summer = jiff::Timestamp::from_second(1_815_000_000).unwrap(); // July
        assert_eq!(brussels.to_offset(winter).seconds(), 3600);
        assert_eq!(brussels.to_offset(summer).seconds(), 7200);
    }
}
