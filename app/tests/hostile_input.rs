//! Property tests: any input to a parser of untrusted text gives a value or a clear
//! error, never a panic (issue 6 "Hostile input").

#![cfg(feature = "ssr")]

use app::auth::codes::normalise;
use app::personnel::validate::{Submitted, person};
use app::request::client_addr::{ClientIpHeader, TrustedProxies, network_of, resolve};
use http::{HeaderMap, HeaderValue};
use proptest::prelude::*;
use std::net::IpAddr;

fn any_header_text() -> impl Strategy<Value = String> {
    prop_oneof![
        // Plausible chains with junk mixed in.
        proptest::collection::vec(
            prop_oneof![
                "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}(:[0-9]{1,5})?",
                "\\[?[0-9a-f:]{2,39}\\]?(:[0-9]{1,5})?",
                Just("unknown".to_string()),
                "for=\"?[ -~]{0,40}\"?",
                "[ -~]{0,20}",
            ],
            0..40
        )
        .prop_map(|parts| parts.join(",")),
        "[ -~]{0,400}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_client_address_is_always_the_peer_or_a_forwarded_hop(
        forwarded_for in any_header_text(),
        forwarded in any_header_text(),
        real_ip in any_header_text(),
        behind_proxy in any::<bool>(),
    ) {
        let mut headers = HeaderMap::new();
        for (name, value) in [("x-forwarded-for", &forwarded_for), ("forwarded", &forwarded), ("x-real-ip", &real_ip)] {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(name, value);
            }
        }
        let peer: IpAddr = "10.0.0.1".parse().unwrap();
        let proxies = TrustedProxies::parse(if behind_proxy { "10.0.0.0/8" } else { "" }).unwrap();
        for header in [ClientIpHeader::XForwardedFor, ClientIpHeader::Forwarded, ClientIpHeader::XRealIp] {
            let client = resolve(peer, &headers, &proxies, header);
            if !behind_proxy {
                prop_assert_eq!(client, peer, "headers are ignored from an untrusted peer");
            }
            let _ = network_of(client);
        }
    }

    #[test]
    fn a_typed_code_is_six_digits_or_nothing(typed in "\\PC{0,40}") {
        if let Some(code) = normalise(&typed) {
            prop_assert_eq!(code.len(), 6);
            prop_assert!(code.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn a_person_form_is_valid_or_refused_with_reasons(
        name in "\\PC{0,300}",
        username in "\\PC{0,80}",
        email in "\\PC{0,300}",
        phone in "[+0-9 ()./a-z-]{0,40}",
        mobile in "\\PC{0,40}",
        password in "\\PC{0,300}",
    ) {
        let submitted = Submitted { name, username, email, phone, mobile, password };
        match person(&submitted, true, None) {
            Ok(valid) => {
                prop_assert!(!valid.name.is_empty());
                if let Some(mobile) = valid.mobile {
                    prop_assert!(mobile.starts_with('+'), "stored in E.164: {}", mobile);
                }
            }
            Err(errors) => prop_assert!(
                errors.name.is_some() || errors.username.is_some() || errors.email.is_some()
                    || errors.phone.is_some() || errors.mobile.is_some() || errors.password.is_some(),
                "a refusal names a field"
            ),
        }
    }
}
