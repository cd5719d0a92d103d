//! The whole domain of DESIGN.md in one first migration: förbund, insatser, the
//! DSO-ring, indicators, population on benefits, meetings and the audit log.
//!
//! Every mutable aggregate carries `version` (optimistic concurrency) and
//! `created_at`/`updated_at`; every foreign key and every column a list filters
//! on has an index.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::spec::Spec;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000001_initial"
    }
}

/// Tables in dependency order: a table only references tables before it.
fn tables() -> Vec<Spec> {
    vec![
        Spec::new("forbund")
            .col(string_len_uniq("slug", 64))
            .col(string_len("name", 200))
            .col(string_len_null("org_number", 11).unique_key().take())
            .col(string_len("county", 100))
            .col(date_null("founded_on"))
            .col(date_null("dissolved_on"))
            .col(integer_null("successor_id"))
            .col(text_null("notes"))
            .fk("successor_id", "forbund", false)
            .index(&["county", "slug"]),
        Spec::new("forbund_member")
            .col(integer("forbund_id"))
            .col(string_len("name", 200))
            .col(string_len("kind", 32))
            .col(double_null("funding_share_percent"))
            .fk("forbund_id", "forbund", true)
            .unique(&["forbund_id", "name"]),
        Spec::new("forbund_allocation")
            .col(integer("forbund_id"))
            .col(integer("year"))
            .col(big_integer("amount_sek"))
            .col(string_len("kind", 32))
            .col(text_null("note"))
            .fk("forbund_id", "forbund", true)
            .unique(&["forbund_id", "year", "kind"]),
        Spec::new("insats")
            .col(integer("forbund_id"))
            .col(string_len("name", 300))
            .col(text_null("description"))
            .col(string_len_null("orientation", 32))
            .col(string_len_null("category", 32))
            .col(string_len_null("owner_organisation", 300))
            .col(string_len_null("executor_organisation", 300))
            .col(text_null("target_group"))
            .col(integer_null("age_min"))
            .col(integer_null("age_max"))
            .col(integer_null("capacity_year_places"))
            .col(integer_null("target_participants"))
            .col(date_null("starts_on"))
            .col(date_null("original_ends_on"))
            .col(date_null("ends_on"))
            .col(string_len("status", 32))
            .col(string_len("visibility", 32))
            .col(big_integer_null("allocated_sek"))
            // Sum of the yearly budgets, kept with them so lists can sort by it.
            .col(big_integer_null("budget_total_sek"))
            .col(integer_null("carried_over_from_id"))
            .col(text("search_text"))
            .fk("forbund_id", "forbund", false)
            .fk("carried_over_from_id", "insats", false)
            .unique(&["forbund_id", "name"])
            .index(&["orientation"])
            .index(&["category"])
            .index(&["status"])
            .index(&["visibility"])
            .index(&["starts_on"])
            .index(&["ends_on"])
            .index(&["name", "id"])
            .index(&["budget_total_sek", "id"]),
        Spec::new("insats_extension")
            .append_only()
            .col(integer("insats_id"))
            .col(date_null("previous_ends_on"))
            .col(date("new_ends_on"))
            .col(date_null("decided_on"))
            .col(text_null("note"))
            .col(timestamp_with_time_zone("created_at"))
            .fk("insats_id", "insats", true),
        Spec::new("insats_budget")
            .col(integer("insats_id"))
            .col(integer("year"))
            .col(big_integer("budget_sek"))
            .col(big_integer_null("spent_sek"))
            .col(date_null("spent_through"))
            .fk("insats_id", "insats", true)
            .unique(&["insats_id", "year"]),
        Spec::new("insats_goal")
            .col(integer("insats_id"))
            .col(text("description"))
            .col(double_null("target_percent"))
            .col(integer_null("horizon_months"))
            .fk("insats_id", "insats", true),
        Spec::new("insats_outcome")
            .col(integer("insats_id"))
            .col(date_null("period_from"))
            .col(date("period_to"))
            .col(string_len_null("municipality", 100))
            .col(integer_null("participants"))
            .col(integer_null("participants_women"))
            .col(integer_null("participants_men"))
            .col(integer_null("closures"))
            .col(integer_null("closures_work"))
            .col(integer_null("closures_studies"))
            .col(integer_null("closures_labour_market_training"))
            .col(integer_null("closures_completed"))
            .col(integer_null("closures_not_influenceable"))
            .col(integer_null("closures_other"))
            .col(double_null("share_reached_goal_percent"))
            .col(double_null("mean_months_in_insats"))
            .col(text_null("note"))
            .fk("insats_id", "insats", true)
            .index(&["insats_id", "period_from"]),
        Spec::new("insats_share")
            .append_only()
            .col(integer("insats_id"))
            .col(integer("forbund_id"))
            .col(timestamp_with_time_zone("created_at"))
            .fk("insats_id", "insats", true)
            .fk("forbund_id", "forbund", true)
            .unique(&["insats_id", "forbund_id"]),
        Spec::new("dso_agreement")
            .col(string_len("name", 200))
            .col(date_null("decided_on"))
            .col(date("starts_on"))
            .col(date("initial_ends_on"))
            .col(integer("renewal_months"))
            .col(integer("notice_months"))
            .col(double("max_scope_percent"))
            .index(&["starts_on"]),
        Spec::new("dso_member")
            .col(integer("agreement_id"))
            .col(integer("forbund_id"))
            .col(boolean("signed").default(true).take())
            .col(date_null("joined_on"))
            .col(date_null("notice_received_on"))
            .col(date_null("last_day"))
            .col(boolean("withdrew_before_start").default(false).take())
            .col(double_null("ring_position"))
            .col(string_len_null("contact", 300))
            .col(double_null("scope_percent"))
            .fk("agreement_id", "dso_agreement", true)
            .fk("forbund_id", "forbund", false)
            .unique(&["agreement_id", "forbund_id"]),
        Spec::new("dso_assignment")
            .col(integer("agreement_id"))
            .col(integer("provider_id"))
            .col(integer("recipient_id"))
            .col(date("valid_from"))
            .col(date_null("valid_to"))
            .col(double("scope_percent"))
            .col(string_len("contact", 300))
            .fk("agreement_id", "dso_agreement", true)
            .fk("provider_id", "forbund", false)
            .fk("recipient_id", "forbund", false)
            .index(&["agreement_id", "valid_from"])
            .index(&["provider_id", "valid_from"])
            .index(&["recipient_id", "valid_from"]),
        Spec::new("indicator")
            .col(string_len_uniq("code", 32))
            .col(integer_null("number"))
            .col(string_len("name", 300))
            .col(text_null("description"))
            .col(string_len("level", 32))
            .col(string_len("kind", 32))
            .col(string_len_null("respondent_group", 100)),
        Spec::new("indicator_result")
            .col(integer("forbund_id"))
            .col(integer("indicator_id"))
            .col(integer("year"))
            .col(string_len("gender", 8))
            .col(double("value"))
            .col(integer_null("respondents"))
            .col(string_len("source", 200))
            .fk("forbund_id", "forbund", false)
            .fk("indicator_id", "indicator", false)
            .unique(&["forbund_id", "indicator_id", "year", "gender"])
            .index(&["indicator_id", "year", "gender"]),
        Spec::new("national_average")
            .col(integer("indicator_id"))
            .col(integer("year"))
            .col(string_len("gender", 8))
            .col(double("value"))
            .col(integer_null("forbund_count"))
            .col(string_len("source", 200))
            .fk("indicator_id", "indicator", false)
            .unique(&["indicator_id", "year", "gender"]),
        Spec::new("key_figure")
            .col(integer("forbund_id"))
            .col(integer("year"))
            .col(integer_null("participants"))
            .col(integer_null("closures"))
            .col(double_null("share_to_work_or_studies_percent"))
            .col(double_null("mean_months_in_insats"))
            .col(string_len("source", 200))
            .fk("forbund_id", "forbund", false)
            .unique(&["forbund_id", "year"])
            .index(&["year"]),
        Spec::new("area")
            .col(string_len_uniq("code", 16))
            .col(string_len("name", 200))
            .col(string_len("kind", 16))
            .col(integer_null("parent_id"))
            .fk("parent_id", "area", false),
        Spec::new("area_population")
            .col(integer("area_id"))
            .col(integer("year"))
            .col(string_len("gender", 8))
            .col(integer_null("population_20_64"))
            .col(double_null("reported_share_percent"))
            .col(string_len("source", 200))
            .fk("area_id", "area", true)
            .unique(&["area_id", "year", "gender"]),
        Spec::new("population_support")
            .col(integer("area_id"))
            .col(integer("year"))
            .col(string_len("benefit", 48))
            .col(string_len("gender", 8))
            .col(double("full_year_equivalents"))
            .col(string_len("source", 200))
            .fk("area_id", "area", true)
            .unique(&["area_id", "year", "benefit", "gender"]),
        Spec::new("meeting")
            .col(integer("forbund_id"))
            .col(date("held_on"))
            .col(time_null("starts_at"))
            .col(time_null("ends_at"))
            .col(string_len_null("place", 300))
            .col(integer_null("paragraph_from"))
            .col(integer_null("paragraph_to"))
            .col(string_len("body", 32))
            .col(text_null("note"))
            .fk("forbund_id", "forbund", false)
            .unique(&["forbund_id", "held_on"])
            .index(&["held_on"]),
        Spec::new("decision")
            .col(integer("meeting_id"))
            .col(integer_null("paragraph"))
            .col(text("text"))
            .col(big_integer_null("amount_sek"))
            .col(integer_null("insats_id"))
            .fk("meeting_id", "meeting", true)
            .fk("insats_id", "insats", false),
        Spec::new("audit_log")
            .append_only()
            .col(timestamp_with_time_zone("occurred_at"))
            .col(string_len("actor_sub", 200))
            .col(string_len("actor_roles", 200))
            .col(string_len_null("actor_forbund", 64))
            .col(integer_null("forbund_id"))
            .col(string_len("operation", 64))
            .col(string_len("entity", 64))
            .col(string_len("entity_id", 64))
            .col(text_null("before"))
            .col(text_null("after"))
            .col(string_len_null("request_id", 64))
            .fk("forbund_id", "forbund", false)
            .index(&["forbund_id", "id"])
            .index(&["occurred_at"]),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for spec in tables() {
            spec.create(manager).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for spec in tables().into_iter().rev() {
            manager
                .drop_table(Table::drop().table(spec.name).if_exists().take())
                .await?;
        }
        Ok(())
    }
}
