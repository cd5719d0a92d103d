//! Pure rules of the domain, without I/O: parsed value types, search folding,
//! and (in their own modules) the DSO ring and indicator maths. Called from the
//! service layer; knows nothing of SQL or GraphQL.

mod org_number;
mod slug;
pub mod text;

pub use org_number::{OrgNumber, OrgNumberError};
pub use slug::Slug;
pub mod dso_ring;
pub mod finance;
pub mod forbund;
pub mod indicators;
pub mod insats;
pub mod rule;
pub mod suppression;
