//! The `meeting` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::value::Body;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "meeting")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub forbund_id: i32,
    pub held_on: Date,
    pub starts_at: Option<Time>,
    pub ends_at: Option<Time>,
    pub place: Option<String>,
    pub paragraph_from: Option<i32>,
    pub paragraph_to: Option<i32>,
    pub body: Body,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
