//! The `insats_outcome` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "insats_outcome")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub insats_id: i32,
    pub period_from: Option<Date>,
    pub period_to: Date,
    pub municipality: Option<String>,
    pub participants: Option<i32>,
    pub participants_women: Option<i32>,
    pub participants_men: Option<i32>,
    pub closures: Option<i32>,
    pub closures_work: Option<i32>,
    pub closures_studies: Option<i32>,
    pub closures_labour_market_training: Option<i32>,
    pub closures_completed: Option<i32>,
    pub closures_not_influenceable: Option<i32>,
    pub closures_other: Option<i32>,
    #[sea_orm(column_type = "Double")]
    pub share_reached_goal_percent: Option<f64>,
    #[sea_orm(column_type = "Double")]
    pub mean_months_in_insats: Option<f64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
