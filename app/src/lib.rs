//! Twostep: two-step sign-in for the staff of a planning application.
//!
//! Everything a person sees or asks for lives here, one module per concept. Server-only
//! code sits behind the `ssr` feature so the browser bundle never sees a database type.

pub mod account;
pub mod auth;
pub mod cookie_names;
pub mod error;
pub mod form_post;
pub mod i18n;
pub mod limits;
pub mod office_networks;
pub mod pages;
pub mod permissions;
pub mod personnel;
pub mod routes;
pub mod security_settings;
mod shell;
pub mod sign_in_methods;
pub mod site_files;
pub mod time_text;
pub mod trusted_networks;

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod changes;
#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod operator;
#[cfg(feature = "ssr")]
pub mod readiness;
#[cfg(feature = "ssr")]
pub mod request;
#[cfg(feature = "ssr")]
pub mod retention;
#[cfg(feature = "ssr")]
pub mod secret_key;
#[cfg(feature = "ssr")]
pub mod settings;
#[cfg(feature = "ssr")]
pub mod sign_in_details;
#[cfg(feature = "ssr")]
pub mod sms;
#[cfg(any(test, feature = "test-support"))]
pub mod smtp_capture;
#[cfg(feature = "ssr")]
pub mod smtp_client;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod telemetry;
#[cfg(all(test, feature = "ssr"))]
mod testing;

pub use shell::{App, shell};
