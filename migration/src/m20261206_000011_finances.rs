//! A förbund's finances (DESIGN.md, "Finances"): its budget of a year with
//! the plan for the two years after, the members' contributions, the
//! budget lines (an insats line reads its insats's budget, so it holds no
//! amount of its own for the year), and the reports its board receives, with
//! the figures as the paper stated them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::spec::Spec;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000011_finances"
    }
}

fn tables() -> Vec<Spec> {
    vec![
        Spec::new("finance_year")
            .col(integer("forbund_id"))
            .col(integer("year"))
            // The year's contributions in all are its TOTAL allocation
            // (forbund_allocation), or the sum of member_contribution.
            .col(big_integer_null("contributions_plan1_sek"))
            .col(big_integer_null("contributions_plan2_sek"))
            .col(big_integer_null("equity_brought_forward_sek"))
            .col(big_integer_null("equity_ceiling_sek"))
            .col(text_null("note"))
            .fk("forbund_id", "forbund", true)
            .unique(&["forbund_id", "year"]),
        Spec::new("member_contribution")
            .col(integer("finance_year_id"))
            .col(integer("member_id"))
            .col(big_integer("amount_sek"))
            .fk("finance_year_id", "finance_year", true)
            .fk("member_id", "forbund_member", true)
            .unique(&["finance_year_id", "member_id"]),
        Spec::new("budget_line")
            .col(integer("forbund_id"))
            .col(integer("year"))
            .col(string_len("line_group", 20))
            .col(string_len("name", 300))
            .col(integer_null("insats_id"))
            .col(big_integer_null("budget_sek"))
            .col(big_integer_null("outcome_sek"))
            .col(date_null("outcome_through"))
            .col(big_integer_null("plan1_sek"))
            .col(big_integer_null("plan2_sek"))
            .col(integer("position"))
            .fk("forbund_id", "forbund", true)
            .fk("insats_id", "insats", false)
            .unique(&["forbund_id", "year", "line_group", "name"])
            .index(&["forbund_id", "year", "position"]),
        Spec::new("finance_report")
            .col(integer("forbund_id"))
            .col(integer("year"))
            .col(date("through"))
            .col(string_len_null("title", 300))
            .col(boolean("published").default(false).take())
            // The day the board received it, where the papers give it.
            .col(date_null("published_on"))
            .col(integer_null("decision_id"))
            .fk("forbund_id", "forbund", true)
            .fk("decision_id", "decision", false)
            .unique(&["forbund_id", "year", "through"]),
        Spec::new("reported_figure")
            .col(integer("report_id"))
            .col(string_len("figure", 40))
            .col(integer("year"))
            .col(big_integer("value"))
            .fk("report_id", "finance_report", true)
            .unique(&["report_id", "figure", "year"]),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            table.create(manager).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables().into_iter().rev() {
            manager
                .drop_table(Table::drop().table(table.name).to_owned())
                .await?;
        }
        Ok(())
    }
}
