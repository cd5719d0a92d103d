//! The `insats_extension` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "insats_extension")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub insats_id: i32,
    pub previous_ends_on: Option<Date>,
    pub new_ends_on: Date,
    pub decided_on: Option<Date>,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
