//! Every integration test of the server in one binary: each file below was a test binary
//! of its own, and each of those linked the whole app again (minutes of CI time).
//!
//! In-process router tests: `router`, `two_step`, `security_page`, `hardening`,
//! `form_posts`, `concurrent_pages`, `sign_in_methods`, `resilience`, `secrets_at_rest`,
//! `sign_in_details` (its command-line rows run the binary too).
//! The listener on a loopback socket: `listener`.
//! Tests of the real server binary (`binary`): `crash`, `operator`, `instances`,
//! `secret_key`.

mod binary;
mod common;
// `crate::watchdog` in every crate that includes `binary` (the load bench too).
use common::watchdog;

mod concurrent_pages;
mod crash;
mod form_posts;
mod hardening;
mod instances;
mod languages;
mod listener;
mod observability;
mod office_networks;
mod operator;
mod passkeys;
mod resilience;
mod router;
mod secret_key;
mod secrets_at_rest;
mod security_page;
mod sign_in_details;
mod sign_in_methods;
mod two_step;
