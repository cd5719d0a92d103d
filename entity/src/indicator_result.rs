//! The `indicator_result` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::value::Gender;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "indicator_result")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub forbund_id: i32,
    pub indicator_id: i32,
    pub year: i32,
    pub gender: Gender,
    #[sea_orm(column_type = "Double")]
    pub value: f64,
    pub respondents: Option<i32>,
    pub source: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
