//! GraphQL object, input and scalar types. Each wraps a model or a service
//! result; relations resolve through the request's loaders.

pub mod audit;
mod decision;
pub mod dso;
pub mod dso_proposal;
pub mod finance;
pub mod finance_report;
mod forbund;
pub mod indicator;
pub mod insats;
mod insats_detail;
pub mod live;
pub mod meeting;
pub mod node;
mod principal;
pub mod statistics;

pub use crate::record::Date;
pub use decision::Decision;
pub use forbund::{Forbund, ForbundConnection, ForbundListTotal, MemberKind};
pub use insats::Insats;
pub use meeting::Meeting;
pub use principal::PrincipalObject;
