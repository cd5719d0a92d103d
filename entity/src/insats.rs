//! The `insats` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::value::{Category, Orientation, Status, Visibility};

crate::columns::read_in_order! {
#[derive(Clone, Debug, Default, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "insats")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub forbund_id: i32,
    pub name: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    pub orientation: Option<Orientation>,
    pub category: Option<Category>,
    pub owner_organisation: Option<String>,
    pub executor_organisation: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub target_group: Option<String>,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub capacity_year_places: Option<i32>,
    pub target_participants: Option<i32>,
    pub starts_on: Option<Date>,
    pub original_ends_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub status: Status,
    pub visibility: Visibility,
    pub allocated_sek: Option<i64>,
    pub budget_total_sek: Option<i64>,
    pub carried_over_from_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub search_text: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::forbund::Entity",
        from = "Column::ForbundId",
        to = "super::forbund::Column::Id"
    )]
    Forbund,
}

impl Related<super::forbund::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Forbund.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
