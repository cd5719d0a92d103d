//! The `forbund_member` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::value::MemberKind;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "forbund_member")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub forbund_id: i32,
    pub name: String,
    pub kind: MemberKind,
    #[sea_orm(column_type = "Double")]
    pub funding_share_percent: Option<f64>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
