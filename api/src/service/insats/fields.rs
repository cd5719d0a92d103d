//! The fields of an insats a create or update sets, and the rules the
//! resulting row must meet (texts, ages, periods, capacity).

use chrono::NaiveDate;
use finsam_entity::insats;

use crate::domain::insats::{self as rules, Category, Orientation, Status, Visibility};
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Default)]
pub struct InsatsFields {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub orientation: Option<Option<Orientation>>,
    pub category: Option<Option<Category>>,
    pub owner_organisation: Option<Option<String>>,
    pub executor_organisation: Option<Option<String>>,
    pub target_group: Option<Option<String>>,
    pub age_min: Option<Option<i32>>,
    pub age_max: Option<Option<i32>>,
    pub capacity_year_places: Option<Option<i32>>,
    pub target_participants: Option<Option<i32>>,
    pub starts_on: Option<Option<NaiveDate>>,
    pub ends_on: Option<Option<NaiveDate>>,
    pub status: Option<Status>,
    pub visibility: Option<Visibility>,
    pub allocated_sek: Option<Option<i64>>,
}

pub(super) fn check_text(field: &'static str, v: &str, max: usize) -> ApiResult<String> {
    let t = v.trim();
    if t.is_empty() {
        return Err(ApiError::bad_input(field, "must not be empty"));
    }
    if t.chars().count() > max {
        return Err(ApiError::bad_input(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(t.to_string())
}

pub(super) fn check_optional_text(
    field: &'static str,
    v: &Option<String>,
    max: usize,
) -> ApiResult<Option<String>> {
    v.as_deref().map(|t| check_text(field, t, max)).transpose()
}

/// Applies `fields` onto `row`, checking every rule on the result.
pub(super) fn apply(row: &mut insats::Model, f: &InsatsFields) -> ApiResult<()> {
    if let Some(name) = &f.name {
        row.name = check_text("name", name, 300)?;
    }
    if let Some(v) = &f.description {
        row.description = check_optional_text("description", v, 10_000)?;
    }
    if let Some(v) = f.orientation {
        row.orientation = v.map(|o| o.as_str().to_string());
    }
    if let Some(v) = f.category {
        row.category = v.map(|o| o.as_str().to_string());
    }
    if let Some(v) = &f.owner_organisation {
        row.owner_organisation = check_optional_text("ownerOrganisation", v, 300)?;
    }
    if let Some(v) = &f.executor_organisation {
        row.executor_organisation = check_optional_text("executorOrganisation", v, 300)?;
    }
    if let Some(v) = &f.target_group {
        row.target_group = check_optional_text("targetGroup", v, 2_000)?;
    }
    if let Some(v) = f.age_min {
        row.age_min = v;
    }
    if let Some(v) = f.age_max {
        row.age_max = v;
    }
    rules::check_age_range(row.age_min, row.age_max)?;
    if let Some(v) = f.capacity_year_places {
        rules::check_count("capacityYearPlaces", v)?;
        row.capacity_year_places = v;
    }
    if let Some(v) = f.target_participants {
        rules::check_count("targetParticipants", v)?;
        row.target_participants = v;
    }
    if let Some(v) = f.starts_on {
        row.starts_on = v;
    }
    if let Some(v) = f.ends_on {
        row.ends_on = v;
        row.original_ends_on = v;
    }
    rules::check_period(row.starts_on, row.ends_on)?;
    if let Some(v) = f.status {
        row.status = v.as_str().to_string();
    }
    if let Some(v) = f.visibility {
        row.visibility = v.as_str().to_string();
    }
    if let Some(v) = f.allocated_sek {
        rules::check_money("allocatedSek", v)?;
        row.allocated_sek = v;
    }
    row.search_text = rules::search_text(
        &row.name,
        row.description.as_deref(),
        row.target_group.as_deref(),
    );
    Ok(())
}
