//! The `dso_proposal_party` table: a förbund whose DSO a proposal changes,
//! and its answer.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::value::ProposalAnswer;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "dso_proposal_party")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub proposal_id: i32,
    pub forbund_id: i32,
    pub answer: ProposalAnswer,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTimeUtc>,
    /// What the proposal does to this förbund, as JSON (the assignments it
    /// begins and ends for it); null for one made before this was kept.
    pub effect: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
