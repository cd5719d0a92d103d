//! What a förbund's board was told about its national indicators for a
//! year, stored as reported ("at or above the national average on 12 of 14",
//! the survey answers), beside the values the comparisons compute from.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::spec::Spec;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000003_indicator_reports"
    }
}

fn table() -> Spec {
    Spec::new("indicator_report")
        .col(integer("forbund_id"))
        .col(integer("year"))
        .col(string_len("gender", 8))
        .col(integer_null("measured"))
        .col(integer_null("at_or_above_national"))
        .col(integer_null("lower_than_previous_year"))
        .col(integer_null("answers"))
        .col(integer_null("answers_women"))
        .col(integer_null("answers_men"))
        .col(string_len("source", 200))
        .fk("forbund_id", "forbund", false)
        .unique(&["forbund_id", "year", "gender"])
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        table().create(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(table().name).if_exists().take())
            .await
    }
}
