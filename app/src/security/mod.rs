//! The security rules, one small module each, pure over a clock the caller passes in.

pub mod client_addr;
pub mod codes;
pub mod origin;
pub mod password;
pub mod throttle;
pub mod tokens;
pub mod trust;
