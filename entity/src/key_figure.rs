//! The `key_figure` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "key_figure")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub forbund_id: i32,
    pub year: i32,
    pub participants: Option<i32>,
    pub closures: Option<i32>,
    #[sea_orm(column_type = "Double")]
    pub share_to_work_or_studies_percent: Option<f64>,
    #[sea_orm(column_type = "Double")]
    pub mean_months_in_insats: Option<f64>,
    pub source: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
