//! Insatser: the shared catalogue, its money and its results (DESIGN.md,
//! "Insats"). Reads are filtered in SQL by what the caller may see
//! (`policy::insats_scope`), so pages and counts never include a row the caller
//! may not read, and a hidden row answers as a missing one. Every change takes
//! the insats's `version`, bumps it, and is audited in its transaction.
//!
//! The read side: `visibility` (who may read which rows, as SQL), `filter`,
//! `search` (which trigrams the search index is asked for), `cursor` (keyset
//! order), `read` (pages, counts, single rows) and `first_pages`. The write
//! side: `fields` (the rules a row must meet), `write` (create, update,
//! extend, budgets), `goals`, `sharing` (visibility, shares, carry-over).
//! Outcomes: `outcome_record` (validating and storing a period's report) and
//! `outcome_view` (small-cell suppression of what a caller sees).

mod cursor;
mod fields;
mod filter;
mod first_pages;
mod goals;
mod outcome_record;
mod outcome_view;
mod read;
mod search;
mod sharing;
mod visibility;
mod write;

pub use cursor::{Direction, InsatsCursor, OrderField};
use cursor::{check_order, in_list_order, keyset, nullable, order_column, sql_order};
use fields::check;
pub use fields::new_row;
use fields::{check_optional_text, check_text};
pub use filter::InsatsFilter;
pub use first_pages::{counts, first_pages};
pub use goals::{add_goal, remove_goal, update_goal};
pub use outcome_record::{check as check_outcome, record_outcome, write as write_outcome};
pub use outcome_view::{OutcomeView, outcome_views};
pub use read::{
    BudgetLine, GoalLine, Listed, SeenBefore, SharedReads, count, get, list, visible_by,
};
pub use search::{TRIGRAM, TrigramCounts, Vocabulary, rarest, trigrams};
pub use sharing::{carry_over, share};
use visibility::forbund_ids_of;
pub use visibility::visible;
pub use write::{create, extend, set_budget, update};
use write::{finish, load_for_edit, save};

use std::sync::Arc;

use finsam_entity::{forbund, insats};

use crate::domain::insats::Invalid;
use crate::error::ApiError;

impl From<Invalid> for ApiError {
    fn from(e: Invalid) -> Self {
        ApiError::bad_input(e.field, e.broken)
    }
}

/// An insats with its owning förbund (joined for a single row and the
/// loaders' rows, from the reference snapshot for a page).
pub type InsatsRow = (insats::Model, Arc<forbund::Model>);

fn with_owner(rows: Vec<(insats::Model, Option<forbund::Model>)>) -> Vec<InsatsRow> {
    rows.into_iter()
        .filter_map(|(i, f)| f.map(|f| (i, Arc::new(f))))
        .collect()
}
