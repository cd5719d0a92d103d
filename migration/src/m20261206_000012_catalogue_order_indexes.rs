//! Indexes in the catalogue's own orders, so that a page walks one and
//! stops after its rows instead of sorting every insats the caller may see
//! (at the network's 10 000: 3 ms on SQLite, 10 ms on PostgreSQL a page).
//!
//! - By start date and by budget: those keys can be empty, and the list puts
//!   empty ones last whichever way it sorts, ordering by `(key IS NULL, key,
//!   id)` (`service::insats::cursor::in_list_order`). An index on the key
//!   alone cannot give that order; these hold it, one per direction. Both
//!   databases match an index expression to the same expression in `ORDER
//!   BY`. The (budget_total_sek, id) index of the first migration gave no
//!   order the list asks for and goes.
//! - The public catalogue (`visibility = 'PUBLIC'`, every anonymous page): an
//!   index on visibility alone made SQLite read all public rows through it
//!   and sort them, taking an equality on an indexed column for a few rows.
//!   It is replaced by the same column followed by each order a public page
//!   can ask for (budgets are not public), which serves the equality, the
//!   order and the public count (read from the index alone) at once.

use sea_orm_migration::prelude::*;

use crate::spec::run;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000012_catalogue_order_indexes"
    }
}

const UP: &[&str] = &[
    "CREATE INDEX IF NOT EXISTS ix_insats_starts_on_order ON insats ((starts_on IS NULL), starts_on, id)",
    "CREATE INDEX IF NOT EXISTS ix_insats_starts_on_desc_order ON insats ((starts_on IS NULL), starts_on DESC, id)",
    "CREATE INDEX IF NOT EXISTS ix_insats_budget_order ON insats ((budget_total_sek IS NULL), budget_total_sek, id)",
    "CREATE INDEX IF NOT EXISTS ix_insats_budget_desc_order ON insats ((budget_total_sek IS NULL), budget_total_sek DESC, id)",
    "DROP INDEX IF EXISTS ix_insats_budget_total_sek_id",
    "CREATE INDEX IF NOT EXISTS ix_insats_visibility_name ON insats (visibility, name, id)",
    "CREATE INDEX IF NOT EXISTS ix_insats_visibility_starts_on_order ON insats (visibility, (starts_on IS NULL), starts_on, id)",
    "CREATE INDEX IF NOT EXISTS ix_insats_visibility_starts_on_desc_order ON insats (visibility, (starts_on IS NULL), starts_on DESC, id)",
    "DROP INDEX IF EXISTS ix_insats_visibility",
];

const DOWN: &[&str] = &[
    "CREATE INDEX IF NOT EXISTS ix_insats_visibility ON insats (visibility)",
    "DROP INDEX IF EXISTS ix_insats_visibility_starts_on_desc_order",
    "DROP INDEX IF EXISTS ix_insats_visibility_starts_on_order",
    "DROP INDEX IF EXISTS ix_insats_visibility_name",
    "CREATE INDEX IF NOT EXISTS ix_insats_budget_total_sek_id ON insats (budget_total_sek, id)",
    "DROP INDEX IF EXISTS ix_insats_budget_desc_order",
    "DROP INDEX IF EXISTS ix_insats_budget_order",
    "DROP INDEX IF EXISTS ix_insats_starts_on_desc_order",
    "DROP INDEX IF EXISTS ix_insats_starts_on_order",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, DOWN).await
    }
}
