//! finsam-graph's tables as seaography needs them: the columns made from
//! the project's entities by `build.rs`, with the relations between them
//! declared here.

pub mod forbund;
pub mod forbund_member;
pub mod insats;
pub mod insats_budget;
pub mod insats_goal;
pub mod insats_share;
