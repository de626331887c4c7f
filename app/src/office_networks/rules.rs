//! What an office network may be (spec §2 "Office networks"), checked the same for the
//! Security page, a plain form post and the command line: a name, and ranges no wider
//! than /16 (IPv4) or /48 (IPv6) that share no address with a trusted proxy.

use crate::request::client_addr::{TrustedProxies, canonical_net};
use ipnet::IpNet;
use std::net::IpAddr;

/// The widest IPv4 range an office may name: wider is a provider's network, not an office.
pub const WIDEST_V4: u8 = 16;
/// The widest IPv6 range: one organisation's routed site.
pub const WIDEST_V6: u8 = 48;
/// Ranges in one office network.
pub const MOST_RANGES: usize = 50;
/// Office networks in all.
pub const MOST_OFFICES: i64 = 200;
/// Characters in a name.
pub const NAME_MAX: usize = 80;

/// The name as kept: trimmed, without control or invisible characters.
pub fn clean_name(typed: &str) -> Result<String, String> {
    let name: String = typed
        .chars()
        .filter(|c| !c.is_control() && !crate::auth::passkeys::is_invisible(*c))
        .collect::<String>()
        .trim()
        .to_string();
    if name.is_empty() {
        return Err(said().name_missing.into());
    }
    if name.chars().count() > NAME_MAX {
        return Err((said().name_too_long)(NAME_MAX));
    }
    Ok(name)
}

/// The name's key: two names differing only in case are one name.
pub fn name_key(name: &str) -> String {
    name.to_lowercase()
}

/// One range as typed (`10.1.0.0/16`, `2001:db8:7::/48`, or one address), in its
/// canonical form: host bits cleared, an IPv4-mapped range as IPv4.
pub fn parse_range(typed: &str) -> Result<IpNet, String> {
    let typed = typed.trim();
    let net = typed
        .parse::<IpNet>()
        .or_else(|_| typed.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| {
            // Echoed shortened: a refused plain post carries it back in a cookie.
            let shown: String = typed.chars().take(60).collect();
            let more = if typed.chars().count() > 60 { "…" } else { "" };
            (said().not_a_range)(&format!("{shown}{more}"))
        })?;
    let net = canonical_net(net).trunc();
    if let Some(why) = never_an_office(net) {
        return Err(format!("{net} {why}."));
    }
    let widest = match net {
        IpNet::V4(_) => WIDEST_V4,
        IpNet::V6(_) => WIDEST_V6,
    };
    if net.prefix_len() < widest {
        return Err((said().too_wide)(&net.to_string(), widest));
    }
    Ok(net)
}

/// Why `net` can never be an office's range, if it cannot: ranges no client address is
/// in, and IPv6 prefixes that carry IPv4 addresses of anyone (behind a translator every
/// IPv4 client looks like one of them, so the IPv4 width limit would mean nothing).
fn never_an_office(net: IpNet) -> Option<&'static str> {
    let within =
        |prefix: &str| net.prefix_len() >= 16 && prefix.parse::<IpNet>().is_ok_and(|p| p.contains(&net));
    let said = said();
    match net {
        IpNet::V4(v4) if v4.network().octets()[0] == 0 => Some(said.no_client_address),
        IpNet::V4(v4) if v4.network().is_multicast() || v4.network().is_broadcast() => {
            Some(said.multicast_or_broadcast)
        }
        IpNet::V6(v6) if v6.network().is_multicast() => Some(said.multicast),
        IpNet::V6(_) if within("64:ff9b::/96") || within("64:ff9b:1::/48") => Some(said.nat64),
        IpNet::V6(_) if within("::/96") => Some(said.ipv4_compatible),
        IpNet::V6(_) if within("2001::/32") => Some(said.teredo),
        _ => None,
    }
}

/// The ranges typed one per line, checked: at least one, each a range within the limits,
/// none sharing an address with a trusted proxy (whose clients would all look like the
/// office). Repeats are kept once.
pub fn parse_addresses(typed: &str, proxies: &TrustedProxies) -> Result<Vec<IpNet>, String> {
    let mut ranges = Vec::new();
    for line in typed.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let net = parse_range(line)?;
        if let Some(proxy) = proxies.overlapping(net) {
            return Err((said().overlaps_proxy)(&net.to_string(), &proxy.to_string()));
        }
        if !ranges.contains(&net) {
            ranges.push(net);
        }
    }
    if ranges.is_empty() {
        return Err(said().no_ranges.into());
    }
    if ranges.len() > MOST_RANGES {
        return Err((said().too_many_ranges)(MOST_RANGES));
    }
    Ok(ranges)
}

/// Why a name or a range was refused, in the request's language (English at the command
/// line).
fn said() -> &'static crate::i18n::system_texts::OfficeServerTexts {
    &crate::i18n::system_texts::server().offices
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none() -> TrustedProxies {
        TrustedProxies::parse("").unwrap()
    }

    #[test]
    fn ranges_at_the_limits() {
        assert_eq!(parse_range("10.1.0.0/16").unwrap().to_string(), "10.1.0.0/16");
        assert!(parse_range("10.0.0.0/15").unwrap_err().contains("wider than /16"));
        assert_eq!(
            parse_range("2001:db8:7::/48").unwrap().to_string(),
            "2001:db8:7::/48"
        );
        assert!(
            parse_range("2001:db8::/47")
                .unwrap_err()
                .contains("wider than /48")
        );
        assert_eq!(parse_range("192.0.2.7").unwrap().to_string(), "192.0.2.7/32");
        assert_eq!(
            parse_range("10.1.2.3/16").unwrap().to_string(),
            "10.1.0.0/16",
            "host bits cleared"
        );
    }

    #[test]
    fn an_ipv4_mapped_range_is_the_ipv4_range_and_meets_its_limit() {
        assert_eq!(
            parse_range("::ffff:10.1.0.0/112").unwrap().to_string(),
            "10.1.0.0/16"
        );
        assert!(
            parse_range("::ffff:10.0.0.0/111")
                .unwrap_err()
                .contains("wider than /16")
        );
        assert_eq!(
            parse_range("::ffff:192.0.2.7").unwrap().to_string(),
            "192.0.2.7/32"
        );
    }

    #[test]
    fn bad_lists_are_refused_with_the_reason() {
        assert!(
            parse_addresses(" \n \n", &none())
                .unwrap_err()
                .contains("at least one")
        );
        assert!(
            parse_addresses("10.1.0.0/16\nnonsense", &none())
                .unwrap_err()
                .contains("“nonsense”")
        );
        let proxies = TrustedProxies::parse("10.1.2.3").unwrap();
        let refused = parse_addresses("10.1.0.0/16", &proxies).unwrap_err();
        assert!(
            refused.contains("overlaps the trusted proxy 10.1.2.3/32"),
            "{refused}"
        );
        let wide_proxy = TrustedProxies::parse("10.0.0.0/8").unwrap();
        assert!(
            parse_addresses("10.9.9.0/24", &wide_proxy).is_err(),
            "inside a proxy range"
        );
        assert!(parse_addresses("10.2.0.0/16", &proxies).is_ok(), "beside it");
        let many: String = (0..=MOST_RANGES).map(|n| format!("192.0.{n}.0/24\n")).collect();
        assert!(parse_addresses(&many, &none()).unwrap_err().contains("At most"));
        assert_eq!(
            parse_addresses("10.1.0.0/16\n10.1.0.0/16", &none())
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn ranges_that_are_no_office_are_refused() {
        for (typed, why) in [
            ("64:ff9b::/96", "NAT64"),
            ("64:ff9b::a00:0/104", "NAT64"),
            ("64:ff9b:1:2::/64", "NAT64"),
            ("::/96", "IPv4-compatible"),
            ("::a00:1", "IPv4-compatible"),
            ("2001:0:4136::/48", "Teredo"),
            ("224.0.0.0/16", "multicast"),
            ("255.255.255.255", "broadcast"),
            ("ff02::/48", "multicast"),
            ("0.0.0.0", "no address"),
        ] {
            let refused = parse_range(typed).unwrap_err();
            assert!(refused.contains(why), "{typed}: {refused}");
        }
        assert!(
            parse_range("2002:c000:0207::/48").is_ok(),
            "a 6to4 site is one IPv4 address's"
        );
        let long = format!("{}/x", "1".repeat(500));
        assert!(
            parse_range(&long).unwrap_err().chars().count() < 150,
            "echoed shortened"
        );
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(clean_name("  Brussels HQ \u{200b}").unwrap(), "Brussels HQ");
        assert!(clean_name(" \t").is_err());
        assert!(clean_name(&"x".repeat(NAME_MAX + 1)).is_err());
        assert_eq!(name_key("Brussels HQ"), name_key("brussels hq"));
    }
}
