//! Cross-site request refusal (spec §2 "Sessions"): a state-changing request must come
//! from a page of this site. Browsers send `Origin` on every such request; without it,
//! `Sec-Fetch-Site` must say the request came from this site. A request that carries
//! neither cannot show where it came from and is refused (scripts and tools send
//! `Origin`).

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
            None => false,
        },
    }
}

/// DNS rebinding: a page of an attacker's domain that resolves to this server's address
/// reaches it with the attacker's `Host`. Without a configured public origin, only the
/// configured site address, `localhost` and loopback addresses are this site.
pub fn is_known_host(host: Option<&str>, site_addr: Option<std::net::SocketAddr>) -> bool {
    let Some(host) = host.map(str::trim).filter(|h| !h.is_empty()) else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        // `[::1]:3000` or `[::1]`
        Some(bracketed) => bracketed.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _port)| name),
    };
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match name.parse::<std::net::IpAddr>() {
        Ok(ip) => {
            let ip = super::client_addr::canonical(ip);
            ip.is_loopback() || site_addr.is_some_and(|site| !site.ip().is_unspecified() && ip == site.ip())
        }
        Err(_) => false,
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
        let neither = headers(&[("host", "127.0.0.1:3000")]);
        assert!(
            !allows(&Method::POST, &neither, None),
            "nothing says where it came from"
        );
    }

    #[test]
    fn only_the_site_address_localhost_and_loopback_are_known_hosts() {
        let site = Some("192.0.2.10:3000".parse().unwrap());
        for known in [
            "localhost:3000",
            "LOCALHOST",
            "127.0.0.1:3000",
            "127.9.9.9",
            "[::1]:3000",
            "[::1]",
            "192.0.2.10:3000",
        ] {
            assert!(is_known_host(Some(known), site), "{known}");
        }
        for unknown in [
            "evil.example",
            "evil.example:3000",
            "192.0.2.11:3000",
            "localhost.evil.example",
            "",
            "[::2]",
        ] {
            assert!(!is_known_host(Some(unknown), site), "{unknown}");
        }
        assert!(!is_known_host(None, site));
        // Listening on every address names no address of its own.
        assert!(!is_known_host(
            Some("0.0.0.0:3000"),
            Some("0.0.0.0:3000".parse().unwrap())
        ));
    }

    #[test]
    fn reads_are_never_refused() {
        let h = headers(&[("host", "127.0.0.1:3000"), ("origin", "https://evil.example")]);
        assert!(allows(&Method::GET, &h, None));
    }
}
