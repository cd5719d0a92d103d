//! The `dso_proposal` table: a change to the DSO-ring waiting for the
//! consent of every förbund whose DSO it changes.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::value::{ProposalKind, ProposalStatus};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "dso_proposal")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub agreement_id: i32,
    pub kind: ProposalKind,
    pub forbund_id: Option<i32>,
    pub proposed_by: String,
    pub proposed_by_forbund_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub input: String,
    pub effective_on: Date,
    pub status: ProposalStatus,
    #[sea_orm(column_type = "Text", nullable)]
    pub outcome: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
