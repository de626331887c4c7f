//! The client address from forwarding headers: any header text, from a trusted proxy or
//! not, gives the peer or one of the forwarded hops, never a panic.
#![no_main]

use app::request::client_addr::{ClientIpHeader, TrustedProxies, network_of, resolve};
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use std::net::IpAddr;

fuzz_target!(|input: (bool, &str, &str, &str, &str)| {
    let (behind_proxy, forwarded_for, forwarded, real_ip, proxy_list) = input;
    // The configured proxy list is operator input: a bad one is refused, not a panic.
    let _ = TrustedProxies::parse(proxy_list);
    let mut headers = HeaderMap::new();
    for (name, value) in [
        ("x-forwarded-for", forwarded_for),
        ("forwarded", forwarded),
        ("x-real-ip", real_ip),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.append(name, value);
        }
    }
    let peer: IpAddr = "10.0.0.1".parse().unwrap();
    let proxies = TrustedProxies::parse(if behind_proxy { "10.0.0.0/8, ::1" } else { "" }).unwrap();
    for header in [ClientIpHeader::XForwardedFor, ClientIpHeader::Forwarded, ClientIpHeader::XRealIp] {
        let client = resolve(peer, &headers, &proxies, header);
        if !behind_proxy {
            assert_eq!(client, peer, "headers from an untrusted peer are ignored");
        }
        let _ = network_of(client);
    }
});
