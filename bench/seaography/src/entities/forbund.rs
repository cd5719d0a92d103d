use sea_orm::entity::prelude::*;

// The columns, from the project's entity (build.rs).
include!(concat!(env!("OUT_DIR"), "/forbund_model.rs"));

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
