//! DSO-ring changes by consent (DESIGN.md, "DSO-ring", "Consent"): a change
//! that gives a förbund a new DSO, or takes one away, is a proposal until
//! every förbund whose DSO changes has accepted it, or a network admin has
//! decided it. A proposal keeps the change as asked (`input`), the day it
//! would take effect, its state, and one row per party with its answer.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::spec::Spec;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000008_dso_proposals"
    }
}

fn proposals() -> Spec {
    Spec::new("dso_proposal")
        .col(integer("agreement_id"))
        // JOIN, LEAVE, SCOPE or REARRANGE.
        .col(string_len("kind", 16))
        // The förbund the change is about (the joiner, the leaver, the
        // provider whose scope changes); null for a new order.
        .col(integer_null("forbund_id"))
        .col(string_len("proposed_by", 200))
        .col(integer_null("proposed_by_forbund_id"))
        // The change as asked, as JSON: applied as asked, or not at all.
        .col(text("input"))
        // The first day it changes anything; it expires after that day.
        .col(date("effective_on"))
        // PENDING, APPLIED, DECLINED, EXPIRED or FAILED.
        .col(string_len("status", 16))
        .col(text_null("outcome"))
        .col(timestamp_with_time_zone_null("decided_at"))
        .fk("agreement_id", "dso_agreement", false)
        .fk("forbund_id", "forbund", false)
        .index(&["status", "effective_on"])
        .index(&["proposed_by_forbund_id"])
}

fn parties() -> Spec {
    Spec::new("dso_proposal_party")
        .col(integer("proposal_id"))
        .col(integer("forbund_id"))
        // PENDING, ACCEPTED or DECLINED.
        .col(string_len("answer", 16))
        .col(string_len_null("answered_by", 200))
        .col(timestamp_with_time_zone_null("answered_at"))
        .fk("proposal_id", "dso_proposal", true)
        .fk("forbund_id", "forbund", false)
        .unique(&["proposal_id", "forbund_id"])
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        proposals().create(manager).await?;
        parties().create(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [parties().name, proposals().name] {
            manager
                .drop_table(Table::drop().table(name).if_exists().take())
                .await?;
        }
        Ok(())
    }
}
