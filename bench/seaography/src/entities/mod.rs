//! finsam-graph's tables as seaography needs them: the same columns as the
//! project's entities, with the relations between them declared.

pub mod forbund;
pub mod forbund_member;
pub mod insats;
pub mod insats_budget;
pub mod insats_goal;
pub mod insats_share;
