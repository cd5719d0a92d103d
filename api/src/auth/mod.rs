//! Who is calling: token validation (`jwt`), the caller as the rest of the
//! code sees it (`Principal`), and every access rule (`policy`).

pub mod jwt;
pub mod policy;
mod principal;

pub use principal::{Caller, Principal, Role};
