//! Where a request comes from: the one place that decides the client IP address.
//!
//! The TCP peer is the client, unless the peer is one of the configured trusted proxies.
//! Only then is the one forwarded header the operator named read (any other is ignored:
//! a proxy that appends to `X-Forwarded-For` passes a client's own `Forwarded` through
//! untouched), and the client is the rightmost address in it that is not a trusted
//! proxy: everything left of that was written by the client itself and may be forged.

use http::HeaderMap;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

/// The client address of a request, computed once by the server's layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// The one header a trusted proxy writes the client address into (`client_ip_header`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ClientIpHeader {
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded`, its `for=` parameters.
    Forwarded,
    XRealIp,
}

impl ClientIpHeader {
    /// The configuration's spelling: `x-forwarded-for`, `forwarded` or `x-real-ip`.
    pub fn parse(name: &str) -> Result<Self, String> {
        match name.trim().to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Ok(Self::XForwardedFor),
            "forwarded" => Ok(Self::Forwarded),
            "x-real-ip" => Ok(Self::XRealIp),
            other => Err(format!(
                "must be x-forwarded-for, forwarded or x-real-ip, got {other:?}"
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::XForwardedFor => "x-forwarded-for",
            Self::Forwarded => "forwarded",
            Self::XRealIp => "x-real-ip",
        }
    }
}

/// The networks whose forwarded headers are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses a comma-separated list of addresses and CIDR networks.
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                IpNet::from_str(entry)
                    .or_else(|_| IpAddr::from_str(entry).map(IpNet::from))
                    .map(canonical_net)
                    .map_err(|_| format!("not an IP address or network: {entry:?}"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The entries that cover more than one address. A client whose own address falls
    /// inside such a range is taken for a proxy, and may then name any client address it
    /// likes in the header: a proxy should be listed by its exact address.
    pub fn ranges(&self) -> Vec<IpNet> {
        self.0
            .iter()
            .copied()
            .filter(|net| net.prefix_len() < net.max_prefix_len())
            .collect()
    }

    /// A proxy entry sharing an address with `net`, if any.
    pub fn overlapping(&self, net: IpNet) -> Option<IpNet> {
        let net = canonical_net(net);
        self.0
            .iter()
            .copied()
            .find(|proxy| proxy.contains(&net.network()) || net.contains(&proxy.network()))
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// Whether the trust network of `ip` (its /32 or /64) shares any address with a
    /// proxy: such a network is what clients behind that proxy may look like.
    pub fn overlap_network_of(&self, ip: IpAddr) -> bool {
        let network = network_of(ip);
        self.0
            .iter()
            .any(|proxy| proxy.contains(&network.network()) || network.contains(&proxy.network()))
    }
}

/// `::ffff:a.b.c.d` is the IPv4 address `a.b.c.d`; every comparison uses this form.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// A range of IPv4-mapped IPv6 addresses (`::ffff:10.1.0.0/112`) as the IPv4 range it
/// means (`10.1.0.0/16`), as `canonical` does for one address. Other ranges as they are.
pub fn canonical_net(net: IpNet) -> IpNet {
    match net {
        IpNet::V6(v6) if v6.prefix_len() >= 96 => match v6.network().to_ipv4_mapped() {
            Some(v4) => Ipv4Net::new(v4, v6.prefix_len() - 96)
                .map(IpNet::V4)
                .unwrap_or(net),
            None => net,
        },
        other => other,
    }
}

/// The network a trust entry or a throttle counts by: IPv4 /32, IPv6 /64.
pub fn network_of(ip: IpAddr) -> IpNet {
    match canonical(ip) {
        IpAddr::V4(v4) => IpNet::V4(Ipv4Net::new(v4, 32).expect("/32 is valid")),
        IpAddr::V6(v6) => IpNet::V6(Ipv6Net::new(v6, 64).expect("/64 is valid").trunc()),
    }
}

/// The site an IPv6 network belongs to, its /48 (what one organisation is usually
/// routed): the throttle also counts per site. None for IPv4.
pub fn site_of(ip: IpAddr) -> Option<IpNet> {
    match canonical(ip) {
        IpAddr::V4(_) => None,
        IpAddr::V6(v6) => Some(IpNet::V6(Ipv6Net::new(v6, 48).expect("/48 is valid").trunc())),
    }
}

/// The client address for a request from `peer` carrying `headers`, reading only
/// `header` and only when the peer is a trusted proxy.
pub fn resolve(
    peer: IpAddr,
    headers: &HeaderMap,
    proxies: &TrustedProxies,
    header: ClientIpHeader,
) -> IpAddr {
    let peer = canonical(peer);
    if !proxies.contains(peer) {
        return peer;
    }
    let chain = forwarded_chain(headers, header);
    // Walk from the nearest hop outwards; the first address that is not ours is the client.
    let mut nearest_trusted = peer;
    for hop in chain.iter().rev() {
        match hop {
            Some(ip) if proxies.contains(*ip) => nearest_trusted = *ip,
            Some(ip) => return *ip,
            // A hop we cannot read: nothing to its left can be believed either.
            None => return nearest_trusted,
        }
    }
    nearest_trusted
}

/// The forwarded chain of `header`, leftmost (furthest) first. `None` marks an
/// unreadable hop. Several lines of one header are one list, in order.
fn forwarded_chain(headers: &HeaderMap, header: ClientIpHeader) -> Vec<Option<IpAddr>> {
    let values: Vec<&str> = headers
        .get_all(header.name())
        .iter()
        .map(|v| v.to_str().unwrap_or("\u{0}"))
        .collect();
    if values.is_empty() {
        return Vec::new();
    }
    let joined = values.join(",");
    match header {
        ClientIpHeader::Forwarded => joined.split(',').map(forwarded_for).collect(),
        ClientIpHeader::XForwardedFor => joined.split(',').map(parse_hop).collect(),
        // One address; several lines or a list cannot come from one proxy.
        ClientIpHeader::XRealIp => match values.as_slice() {
            [one] => vec![parse_hop(one)],
            _ => vec![None],
        },
    }
}

/// The `for=` parameter of one RFC 7239 element.
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element
        .split(';')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| key.trim().eq_ignore_ascii_case("for"))
        .and_then(|(_, value)| parse_hop(value))
}

/// One hop: `1.2.3.4`, `1.2.3.4:80`, `2001:db8::1`, `[2001:db8::1]:443`, optionally
/// quoted. `unknown`, obfuscated names and anything else are unreadable.
fn parse_hop(raw: &str) -> Option<IpAddr> {
    let hop = raw.trim().trim_matches('"').trim();
    if let Ok(ip) = IpAddr::from_str(hop) {
        return Some(canonical(ip));
    }
    if let Ok(sock) = SocketAddr::from_str(hop) {
        return Some(canonical(sock.ip()));
    }
    let bracketed = hop.strip_prefix('[')?.strip_suffix(']')?;
    Ipv6Addr::from_str(bracketed)
        .ok()
        .map(|ip| canonical(IpAddr::V6(ip)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    const XFF: ClientIpHeader = ClientIpHeader::XForwardedFor;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn an_entry_wider_than_one_address_is_a_range_to_warn_of() {
        let proxies =
            TrustedProxies::parse("10.0.0.7, 172.16.0.0/12, 2001:db8::1, 2001:db8::/64, ::ffff:10.0.0.0/120")
                .unwrap();
        let ranges: Vec<String> = proxies.ranges().iter().map(|net| net.to_string()).collect();
        assert_eq!(ranges, ["172.16.0.0/12", "2001:db8::/64", "10.0.0.0/24"]);
        assert!(
            TrustedProxies::parse("10.0.0.7/32, ::1")
                .unwrap()
                .ranges()
                .is_empty()
        );
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_headers_say() {
        let proxies = TrustedProxies::default();
        for name in ["x-forwarded-for", "x-real-ip"] {
            let forged = headers(&[(name, "192.0.2.1")]);
            assert_eq!(
                resolve(ip("198.51.100.9"), &forged, &proxies, XFF),
                ip("198.51.100.9")
            );
        }
        let forged = headers(&[("forwarded", "for=192.0.2.1")]);
        assert_eq!(
            resolve(ip("198.51.100.9"), &forged, &proxies, XFF),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn a_forged_header_from_an_untrusted_peer_is_ignored_next_to_a_trusted_one() {
        let proxies = TrustedProxies::parse("10.0.0.1").unwrap();
        let forged = headers(&[("x-forwarded-for", "192.0.2.1")]);
        assert_eq!(
            resolve(ip("198.51.100.9"), &forged, &proxies, XFF),
            ip("198.51.100.9")
        );
        assert_eq!(resolve(ip("10.0.0.1"), &forged, &proxies, XFF), ip("192.0.2.1"));
    }

    #[test]
    fn behind_proxies_the_rightmost_untrusted_hop_is_the_client() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 172.16.0.5").unwrap();
        // The client prepended a fake address; the proxies appended the real one.
        let h = headers(&[("x-forwarded-for", "192.0.2.66, 203.0.113.7, 172.16.0.5")]);
        assert_eq!(resolve(ip("10.1.2.3"), &h, &proxies, XFF), ip("203.0.113.7"));
        // The same chain split over two header lines.
        let h = headers(&[
            ("x-forwarded-for", "192.0.2.66"),
            ("x-forwarded-for", "203.0.113.7, 172.16.0.5"),
        ]);
        assert_eq!(resolve(ip("10.1.2.3"), &h, &proxies, XFF), ip("203.0.113.7"));
    }

    #[test]
    fn only_the_configured_header_is_read() {
        let proxies = TrustedProxies::parse("10.0.0.1").unwrap();
        // nginx appends the real peer to X-Forwarded-For and passes the client's own
        // Forwarded through: that forged office address must never count.
        let h = headers(&[
            ("forwarded", "for=192.0.2.60"),
            ("x-forwarded-for", "198.51.100.1"),
            ("x-real-ip", "203.0.113.9"),
        ]);
        let peer = ip("10.0.0.1");
        assert_eq!(resolve(peer, &h, &proxies, XFF), ip("198.51.100.1"));
        assert_eq!(
            resolve(peer, &h, &proxies, ClientIpHeader::Forwarded),
            ip("192.0.2.60")
        );
        assert_eq!(
            resolve(peer, &h, &proxies, ClientIpHeader::XRealIp),
            ip("203.0.113.9")
        );
        // The configured header missing: the proxy itself, whatever the others say.
        let only_forwarded = headers(&[("forwarded", "for=192.0.2.60")]);
        assert_eq!(resolve(peer, &only_forwarded, &proxies, XFF), peer);
        let only_xff = headers(&[("x-forwarded-for", "192.0.2.60")]);
        assert_eq!(
            resolve(peer, &only_xff, &proxies, ClientIpHeader::Forwarded),
            peer
        );
        assert_eq!(resolve(peer, &only_xff, &proxies, ClientIpHeader::XRealIp), peer);
    }

    #[test]
    fn forwarded_is_read_by_its_for_parameter() {
        let proxies = TrustedProxies::parse("10.0.0.1").unwrap();
        let h = headers(&[(
            "forwarded",
            r#"for=192.0.2.60;proto=http, For="[2001:db8:cafe::17]:4711";by=10.0.0.1"#,
        )]);
        let client = resolve(ip("10.0.0.1"), &h, &proxies, ClientIpHeader::Forwarded);
        assert_eq!(client, ip("2001:db8:cafe::17"));
    }

    #[test]
    fn x_real_ip_is_one_address() {
        let proxies = TrustedProxies::parse("10.0.0.1").unwrap();
        let real = ClientIpHeader::XRealIp;
        let h = headers(&[("x-real-ip", "203.0.113.7")]);
        assert_eq!(resolve(ip("10.0.0.1"), &h, &proxies, real), ip("203.0.113.7"));
        // Two lines cannot both be the proxy's: believe neither.
        let h = headers(&[("x-real-ip", "203.0.113.7"), ("x-real-ip", "192.0.2.1")]);
        assert_eq!(resolve(ip("10.0.0.1"), &h, &proxies, real), ip("10.0.0.1"));
    }

    #[test]
    fn the_header_setting_is_parsed_and_a_typo_named() {
        assert_eq!(ClientIpHeader::parse("X-Forwarded-For"), Ok(XFF));
        assert_eq!(ClientIpHeader::parse("forwarded"), Ok(ClientIpHeader::Forwarded));
        assert_eq!(ClientIpHeader::parse(" x-real-ip "), Ok(ClientIpHeader::XRealIp));
        assert!(
            ClientIpHeader::parse("x-forwarded")
                .unwrap_err()
                .contains("x-forwarded")
        );
    }

    #[test]
    fn ports_and_brackets_are_stripped() {
        assert_eq!(parse_hop("203.0.113.7:8080"), Some(ip("203.0.113.7")));
        assert_eq!(parse_hop("[2001:db8::1]:443"), Some(ip("2001:db8::1")));
        assert_eq!(parse_hop("[2001:db8::1]"), Some(ip("2001:db8::1")));
        assert_eq!(parse_hop(" \"2001:db8::1\" "), Some(ip("2001:db8::1")));
    }

    #[test]
    fn an_unreadable_hop_stops_the_walk_at_the_nearest_trusted_proxy() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        for bad in [
            "unknown",
            "_hidden",
            "garbage!!",
            "",
            "999.1.1.1",
            "[::1",
            "1.2.3.4:99999",
        ] {
            let h = headers(&[("x-forwarded-for", &format!("192.0.2.1, {bad}, 10.0.0.2"))]);
            assert_eq!(
                resolve(ip("10.0.0.1"), &h, &proxies, XFF),
                ip("10.0.0.2"),
                "hop {bad:?}"
            );
        }
    }

    #[test]
    fn hostile_headers_never_panic() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let long = vec!["10.9.9.9"; 300].join(",");
        let h = headers(&[("x-forwarded-for", &long)]);
        assert_eq!(resolve(ip("10.0.0.1"), &h, &proxies, XFF), ip("10.9.9.9"));
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_bytes(b"\xff\xfe, 1.2.3.4").unwrap(),
        );
        h.insert("forwarded", HeaderValue::from_static("for;for=;=;;,,"));
        h.insert("x-real-ip", HeaderValue::from_bytes(b"\xff").unwrap());
        for header in [XFF, ClientIpHeader::Forwarded, ClientIpHeader::XRealIp] {
            let _ = resolve(ip("10.0.0.1"), &h, &proxies, header);
        }
        let h = headers(&[("forwarded", "for=\"\"")]);
        let client = resolve(ip("10.0.0.1"), &h, &proxies, ClientIpHeader::Forwarded);
        assert_eq!(client, ip("10.0.0.1"));
    }

    #[test]
    fn ipv4_mapped_addresses_count_as_ipv4() {
        assert_eq!(canonical(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
        let proxies = TrustedProxies::parse("192.0.2.1").unwrap();
        assert!(proxies.contains(ip("::ffff:192.0.2.1")));
        let mapped = TrustedProxies::parse("::ffff:10.0.0.0/104").unwrap();
        assert!(mapped.contains(ip("10.20.30.40")));
        assert_eq!(network_of(ip("::ffff:192.0.2.1")), network_of(ip("192.0.2.1")));
    }

    #[test]
    fn networks_are_slash_32_and_slash_64() {
        assert_eq!(network_of(ip("203.0.113.7")).to_string(), "203.0.113.7/32");
        assert_eq!(
            network_of(ip("2001:db8:1:2:aaaa::1")).to_string(),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            network_of(ip("2001:db8:1:2::99")),
            network_of(ip("2001:db8:1:2:ffff::1"))
        );
        assert_ne!(
            network_of(ip("2001:db8:1:2::1")),
            network_of(ip("2001:db8:1:3::1"))
        );
    }

    #[test]
    fn a_network_sharing_an_address_with_a_proxy_overlaps_it() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 2001:db8:1:2::5").unwrap();
        assert!(proxies.overlap_network_of(ip("10.1.2.3")));
        assert!(
            proxies.overlap_network_of(ip("2001:db8:1:2::99")),
            "the proxy's /64"
        );
        assert!(!proxies.overlap_network_of(ip("2001:db8:1:3::99")));
        assert!(!proxies.overlap_network_of(ip("192.0.2.1")));
        let wide = TrustedProxies::parse("2001:db8::/32").unwrap();
        assert!(wide.overlap_network_of(ip("2001:db8:9::1")));
    }

    #[test]
    fn a_bad_proxy_list_is_refused_with_the_entry_named() {
        let err = TrustedProxies::parse("10.0.0.1, nonsense").unwrap_err();
        assert!(err.contains("nonsense"), "{err}");
        assert!(TrustedProxies::parse(" , ").unwrap().is_empty());
    }
}
