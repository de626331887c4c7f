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
        return Err("Give the office network a name.".into());
    }
    if name.chars().count() > NAME_MAX {
        return Err(format!("At most {NAME_MAX} characters."));
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
            format!("“{typed}” is not an IP address or range (for example 192.0.2.0/24 or 2001:db8:7::/48).")
        })?;
    let net = canonical_net(net).trunc();
    let widest = match net {
        IpNet::V4(_) => WIDEST_V4,
        IpNet::V6(_) => WIDEST_V6,
    };
    if net.prefix_len() < widest {
        return Err(format!(
            "{net} is wider than /{widest}: give each office's own range."
        ));
    }
    Ok(net)
}

/// The ranges typed one per line, checked: at least one, each a range within the limits,
/// none sharing an address with a trusted proxy (whose clients would all look like the
/// office). Repeats are kept once.
pub fn parse_addresses(typed: &str, proxies: &TrustedProxies) -> Result<Vec<IpNet>, String> {
    let mut ranges = Vec::new();
    for line in typed.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let net = parse_range(line)?;
        if let Some(proxy) = proxies.overlapping(net) {
            return Err(format!(
                "{net} overlaps the trusted proxy {proxy}: every client behind it would look like the office."
            ));
        }
        if !ranges.contains(&net) {
            ranges.push(net);
        }
    }
    if ranges.is_empty() {
        return Err("Give at least one address range, one per line.".into());
    }
    if ranges.len() > MOST_RANGES {
        return Err(format!("At most {MOST_RANGES} ranges in one office network."));
    }
    Ok(ranges)
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
    fn names_are_trimmed_and_bounded() {
        assert_eq!(clean_name("  Brussels HQ \u{200b}").unwrap(), "Brussels HQ");
        assert!(clean_name(" \t").is_err());
        assert!(clean_name(&"x".repeat(NAME_MAX + 1)).is_err());
        assert_eq!(name_key("Brussels HQ"), name_key("brussels hq"));
    }
}
