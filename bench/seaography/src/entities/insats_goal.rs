use sea_orm::entity::prelude::*;

// The columns, from the project's entity (build.rs).
include!(concat!(env!("OUT_DIR"), "/insats_goal_model.rs"));

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::insats::Entity", from = "Column::InsatsId", to = "super::insats::Column::Id")]
    Insats,
}

impl Related<super::insats::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Insats.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelatedEntity)]
pub enum RelatedEntity {
    #[sea_orm(entity = "super::insats::Entity")]
    Insats,
}
