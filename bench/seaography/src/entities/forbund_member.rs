use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "forbund_member")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub forbund_id: i32,
    pub name: String,
    pub kind: String,
    #[sea_orm(column_type = "Double")]
    pub funding_share_percent: Option<f64>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::forbund::Entity", from = "Column::ForbundId", to = "super::forbund::Column::Id")]
    Forbund,
}

impl Related<super::forbund::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Forbund.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelatedEntity)]
pub enum RelatedEntity {
    #[sea_orm(entity = "super::forbund::Entity")]
    Forbund,
}
