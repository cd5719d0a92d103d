//! The `insats_share` table: an insats shared with a named förbund.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "insats_share")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub insats_id: i32,
    pub forbund_id: i32,
    pub created_at: DateTimeUtc,
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
