//! The `member_contribution` table: what one member of a förbund pays in a
//! year.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "member_contribution")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub finance_year_id: i32,
    pub member_id: i32,
    pub amount_sek: i64,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
