//! The row a new insats starts as, and the rules every written row meets
//! (texts, ages, periods, counts, money). The inputs write their fields onto
//! the row themselves (`record::onto_row!`); the rules are checked here on
//! the result, whichever input wrote it.

use chrono::{DateTime, Utc};
use finsam_entity::insats;

use crate::domain::insats as rules;
use crate::error::ApiResult;
use crate::record::insats::NewInsats;

pub(super) use crate::record::{optional_text as check_optional_text, text as check_text};

/// The row a new insats of förbund `forbund_id` starts as, every rule checked
/// (createInsats and the seed alike).
pub fn new_row(forbund_id: i32, new: &NewInsats, at: DateTime<Utc>) -> ApiResult<insats::Model> {
    let mut row = insats::Model {
        forbund_id,
        version: 1,
        created_at: at,
        updated_at: at,
        ..Default::default()
    };
    new.onto(&mut row);
    // The planned end is the original end until an extension.
    row.original_ends_on = row.ends_on;
    check(&mut row)?;
    Ok(row)
}

/// Checks every rule of an insats on the row as written, and stores its
/// texts trimmed and its search text (createInsats, updateInsats and the
/// seed alike): a field's rule is here once, whichever input set it.
pub(super) fn check(row: &mut insats::Model) -> ApiResult<()> {
    row.name = check_text("name", &row.name, 300)?;
    row.description = check_optional_text("description", &row.description, 10_000)?;
    row.owner_organisation =
        check_optional_text("ownerOrganisation", &row.owner_organisation, 300)?;
    row.executor_organisation =
        check_optional_text("executorOrganisation", &row.executor_organisation, 300)?;
    row.target_group = check_optional_text("targetGroup", &row.target_group, 2_000)?;
    rules::check_age_range(row.age_min, row.age_max)?;
    rules::check_count("capacityYearPlaces", row.capacity_year_places)?;
    rules::check_count("targetParticipants", row.target_participants)?;
    rules::check_period(row.starts_on, row.ends_on)?;
    rules::check_money("allocatedSek", row.allocated_sek)?;
    row.search_text = rules::search_text(
        &row.name,
        row.description.as_deref(),
        row.target_group.as_deref(),
    );
    Ok(())
}
