//! Server-function bodies, decoded exactly as server_fn decodes a form POST
//! (serde_qs, depth 5, non-strict): any body gives the arguments or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;

fn decode<T: DeserializeOwned>(body: &str) {
    let _ = serde_qs::Config::new(5, false).deserialize_str::<T>(body);
}

fuzz_target!(|body: &str| {
    decode::<app::auth::Login>(body);
    decode::<app::auth::VerifyCode>(body);
    decode::<app::account::ChangePassword>(body);
    decode::<app::permissions::SetPermission>(body);
    decode::<app::personnel::ListPeople>(body);
    decode::<app::personnel::GetPerson>(body);
    decode::<app::personnel::SavePerson>(body);
    decode::<app::security_settings::SetTwoStep>(body);
    decode::<app::security_settings::SetTrustDays>(body);
    decode::<app::security_settings::SecurityEvents>(body);
    decode::<app::trusted::TrustedNetworks>(body);
    decode::<app::trusted::DeleteTrusted>(body);
    decode::<app::trusted::DeleteMyTrusted>(body);
});
