use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "forbund")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub org_number: Option<String>,
    pub county: String,
    pub founded_on: Option<Date>,
    pub dissolved_on: Option<Date>,
    pub successor_id: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub notes: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::forbund_member::Entity")]
    ForbundMember,
    #[sea_orm(has_many = "super::insats::Entity")]
    Insats,
}

impl Related<super::forbund_member::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ForbundMember.def()
    }
}

impl Related<super::insats::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Insats.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelatedEntity)]
pub enum RelatedEntity {
    #[sea_orm(entity = "super::forbund_member::Entity")]
    ForbundMember,
    #[sea_orm(entity = "super::insats::Entity")]
    Insats,
}
