//! Who is calling: token validation (`jwt`) with OpenID Connect providers
//! (`providers`) and what they may grant (`grants`), the caller as the rest
//! of the code sees it (`Principal`), and every access rule (`policy`).

pub mod grants;
pub mod jwt;
pub mod policy;
mod principal;
pub mod providers;

pub use principal::{Caller, Principal, Role};
