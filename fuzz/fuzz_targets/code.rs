//! The typed security code: six ASCII digits or nothing.
#![no_main]

use app::auth::codes::normalise;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|typed: &str| {
    if let Some(code) = normalise(typed) {
        assert_eq!(code.len(), 6);
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
    }
});
