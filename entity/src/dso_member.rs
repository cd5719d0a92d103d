//! The `dso_member` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "dso_member")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub agreement_id: i32,
    pub forbund_id: i32,
    pub signed: bool,
    pub joined_on: Option<Date>,
    pub notice_received_on: Option<Date>,
    pub last_day: Option<Date>,
    pub withdrew_before_start: bool,
    /// Where the member sits in the ring: each active member serves the next.
    #[sea_orm(column_type = "Double", nullable)]
    pub ring_position: Option<f64>,
    /// The function address of the DSO this member provides.
    pub contact: Option<String>,
    #[sea_orm(column_type = "Double", nullable)]
    pub scope_percent: Option<f64>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
