//! Cross-site request refusal (spec §2 "Sessions"): a state-changing request must come
//! from a page of this site. Browsers send `Origin` on every such request; a request with
//! no `Origin` is allowed only when no `Sec-Fetch-Site` says it came from elsewhere
//! (a non-browser client, which carries no ambient cookies to abuse).

use http::{HeaderMap, Method, header};

/// Whether the request may go on. `public_origin` is the configured origin of the site
/// (e.g. `https://plan.example.com`); without it the request's own `Host` is the origin.
pub fn allows(method: &Method, headers: &HeaderMap, public_origin: Option<&str>) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    match headers.get(header::ORIGIN).map(|v| v.to_str()) {
        Some(Ok(origin)) => is_own_origin(origin, headers, public_origin),
        Some(Err(_)) => false,
        None => match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
            Some(site) => site == "same-origin" || site == "none",
            None => true,
        },
    }
}

fn is_own_origin(origin: &str, headers: &HeaderMap, public_origin: Option<&str>) -> bool {
    if let Some(public) = public_origin {
        return origin.eq_ignore_ascii_case(public.trim_end_matches('/'));
    }
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    ["http://", "https://"].iter().any(|scheme| {
        origin.len() == scheme.len() + host.len()
            && origin[..scheme.len()].eq_ignore_ascii_case(scheme)
            && origin[scheme.len()..].eq_ignore_ascii_case(host)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn a_cross_site_post_is_refused() {
        let h = headers(&[("host", "127.0.0.1:3000"), ("origin", "https://evil.example")]);
        assert!(!allows(&Method::POST, &h, None));
        let h = headers(&[("host", "127.0.0.1:3000"), ("origin", "null")]);
        assert!(!allows(&Method::POST, &h, None));
    }

    #[test]
    fn a_same_origin_post_is_allowed() {
        let h = headers(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3000")]);
        assert!(allows(&Method::POST, &h, None));
    }

    #[test]
    fn a_port_is_part_of_the_origin() {
        let h = headers(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3001")]);
        assert!(!allows(&Method::POST, &h, None));
        let h = headers(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1")]);
        assert!(!allows(&Method::POST, &h, None));
    }

    #[test]
    fn a_configured_public_origin_is_the_only_one_accepted() {
        let own = headers(&[("host", "10.0.0.5:3000"), ("origin", "https://plan.example.com")]);
        assert!(allows(&Method::POST, &own, Some("https://plan.example.com/")));
        let host_only = headers(&[("host", "10.0.0.5:3000"), ("origin", "http://10.0.0.5:3000")]);
        assert!(!allows(
            &Method::POST,
            &host_only,
            Some("https://plan.example.com")
        ));
    }

    #[test]
    fn without_origin_the_fetch_metadata_decides() {
        let cross = headers(&[("host", "127.0.0.1:3000"), ("sec-fetch-site", "cross-site")]);
        assert!(!allows(&Method::POST, &cross, None));
        let sibling = headers(&[("host", "127.0.0.1:3000"), ("sec-fetch-site", "same-site")]);
        assert!(!allows(&Method::DELETE, &sibling, None));
        let same = headers(&[("host", "127.0.0.1:3000"), ("sec-fetch-site", "same-origin")]);
        assert!(allows(&Method::POST, &same, None));
        let tool = headers(&[("host", "127.0.0.1:3000")]);
        assert!(allows(&Method::POST, &tool, None));
    }

    #[test]
    fn reads_are_never_refused() {
        let h = headers(&[("host", "127.0.0.1:3000"), ("origin", "https://evil.example")]);
        assert!(allows(&Method::GET, &h, None));
    }
}
