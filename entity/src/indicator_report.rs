//! The `indicator_report` table: a förbund's indicator summary for a year as
//! its board was told it.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::value::Gender;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "indicator_report")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub forbund_id: i32,
    pub year: i32,
    pub gender: Gender,
    pub measured: Option<i32>,
    pub at_or_above_national: Option<i32>,
    pub lower_than_previous_year: Option<i32>,
    pub answers: Option<i32>,
    pub answers_women: Option<i32>,
    pub answers_men: Option<i32>,
    pub source: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
