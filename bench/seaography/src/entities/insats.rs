use sea_orm::entity::prelude::*;

// The columns, from the project's entity (build.rs).
include!(concat!(env!("OUT_DIR"), "/insats_model.rs"));

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::forbund::Entity", from = "Column::ForbundId", to = "super::forbund::Column::Id")]
    Forbund,
    #[sea_orm(has_many = "super::insats_budget::Entity")]
    InsatsBudget,
    #[sea_orm(has_many = "super::insats_goal::Entity")]
    InsatsGoal,
    #[sea_orm(has_many = "super::insats_share::Entity")]
    InsatsShare,
}

impl Related<super::forbund::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Forbund.def()
    }
}

impl Related<super::insats_budget::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::InsatsBudget.def()
    }
}

impl Related<super::insats_goal::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::InsatsGoal.def()
    }
}

impl Related<super::insats_share::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::InsatsShare.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelatedEntity)]
pub enum RelatedEntity {
    #[sea_orm(entity = "super::forbund::Entity")]
    Forbund,
    #[sea_orm(entity = "super::insats_budget::Entity")]
    InsatsBudget,
    #[sea_orm(entity = "super::insats_goal::Entity")]
    InsatsGoal,
    #[sea_orm(entity = "super::insats_share::Entity")]
    InsatsShare,
}
