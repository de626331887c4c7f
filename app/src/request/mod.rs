//! What the server believes about an incoming request: which client it comes from (the
//! client address, through trusted proxies only) and whether it comes from this site
//! (origin and host checks); and what a server function starts from (`context`).

pub mod client_addr;
pub mod context;
pub mod origin;
