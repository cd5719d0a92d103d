//! The `insats_budget` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "insats_budget")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub insats_id: i32,
    pub year: i32,
    pub budget_sek: i64,
    pub spent_sek: Option<i64>,
    pub spent_through: Option<Date>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
