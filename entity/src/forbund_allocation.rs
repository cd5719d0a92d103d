//! The `forbund_allocation` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::value::AllocationKind;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "forbund_allocation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub forbund_id: i32,
    pub year: i32,
    pub amount_sek: i64,
    pub kind: AllocationKind,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
