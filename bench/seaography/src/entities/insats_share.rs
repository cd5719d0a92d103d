use sea_orm::entity::prelude::*;

// The columns, from the project's entity (build.rs).
include!(concat!(env!("OUT_DIR"), "/insats_share_model.rs"));

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::insats::Entity", from = "Column::InsatsId", to = "super::insats::Column::Id")]
    Insats,
    #[sea_orm(belongs_to = "super::forbund::Entity", from = "Column::ForbundId", to = "super::forbund::Column::Id")]
    Forbund,
}

impl Related<super::insats::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Insats.def()
    }
}

impl Related<super::forbund::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Forbund.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelatedEntity)]
pub enum RelatedEntity {
    #[sea_orm(entity = "super::insats::Entity")]
    Insats,
    #[sea_orm(entity = "super::forbund::Entity")]
    Forbund,
}
