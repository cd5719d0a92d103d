//! The `population_support` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::value::{Benefit, Gender};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "population_support")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub area_id: i32,
    pub year: i32,
    pub benefit: Benefit,
    pub gender: Gender,
    #[sea_orm(column_type = "Double")]
    pub full_year_equivalents: f64,
    pub source: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
