use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "insats_budget")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub insats_id: i32,
    pub year: i32,
    pub budget_sek: i64,
    pub spent_sek: Option<i64>,
    pub spent_through: Option<Date>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

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
