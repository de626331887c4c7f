//! The Personnel editor's rules: any form is valid (and normalised) or refused with a
//! reason next to a field.
#![no_main]

use app::personnel::validate::{Submitted, person, region};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (bool, bool, [&str; 6])| {
    let (new_person, with_region, [name, username, email, phone, mobile, password]) = input;
    let submitted = Submitted {
        name: name.into(),
        username: username.into(),
        email: email.into(),
        phone: phone.into(),
        mobile: mobile.into(),
        password: password.into(),
    };
    let default_region = with_region.then(|| region("BE").unwrap());
    match person(&submitted, new_person, default_region) {
        Ok(valid) => {
            assert!(!valid.name.is_empty());
            for number in [&valid.phone, &valid.mobile].into_iter().flatten() {
                assert!(number.starts_with('+'), "stored in E.164: {number}");
            }
        }
        Err(errors) => assert!(
            errors.name.is_some()
                || errors.username.is_some()
                || errors.email.is_some()
                || errors.phone.is_some()
                || errors.mobile.is_some()
                || errors.password.is_some(),
            "a refusal names a field"
        ),
    }
});
