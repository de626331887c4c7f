//! The thin edge: configuration, the command line, the router and its layers. Everything
//! a person sees or asks for lives in the `app` crate.

pub mod cli;
pub mod config;
pub mod layers;
pub mod listener;
pub mod live;
pub mod metrics;
pub mod router;
pub mod sessions;
