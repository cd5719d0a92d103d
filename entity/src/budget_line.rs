//! The `budget_line` table: one line of a förbund's budget of a year.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::value::BudgetGroup;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "budget_line")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub forbund_id: i32,
    pub year: i32,
    pub line_group: BudgetGroup,
    pub name: String,
    pub insats_id: Option<i32>,
    pub budget_sek: Option<i64>,
    pub outcome_sek: Option<i64>,
    pub outcome_through: Option<Date>,
    pub plan1_sek: Option<i64>,
    pub plan2_sek: Option<i64>,
    pub position: i32,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
