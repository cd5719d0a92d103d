//! What a DSO-ring proposal does to each of its parties (DESIGN.md,
//! "Consent"): the assignments it begins and ends for that förbund, as the
//! förbund is shown them and accepts them. A proposal is applied only if,
//! worked out again, it does exactly that to every party.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261205_000010_proposal_effects"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("dso_proposal_party")
                    // JSON; null for a proposal made before effects were kept,
                    // which is never applied on its parties' word alone.
                    .add_column(ColumnDef::new("effect").text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("dso_proposal_party")
                    .drop_column("effect")
                    .to_owned(),
            )
            .await
    }
}
