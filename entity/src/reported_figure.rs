//! The `reported_figure` table: a figure as a report's paper states it,
//! kept beside the one computed from the data.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::value::FinanceFigure;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "reported_figure")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub report_id: i32,
    pub figure: FinanceFigure,
    pub year: i32,
    /// Kronor, or whole percent for a share (`FinanceFigure::is_percent`).
    pub value: i64,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
