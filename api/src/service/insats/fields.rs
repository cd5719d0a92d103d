//! The fields of an insats a create or update sets, and the rules the
//! resulting row must meet (texts, ages, periods, capacity).

use chrono::{DateTime, NaiveDate, Utc};
use finsam_entity::insats;

use crate::domain::insats::{self as rules, Category, Orientation, Status, Visibility};
use crate::error::ApiResult;
use crate::record::insats::{InsatsPatch, NewInsats};
use crate::record::patch;

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

pub(super) use crate::record::{optional_text as check_optional_text, text as check_text};

impl From<&NewInsats> for InsatsFields {
    fn from(n: &NewInsats) -> Self {
        InsatsFields {
            name: Some(n.name.clone()),
            description: Some(n.description.clone()),
            orientation: Some(n.orientation.map(Into::into)),
            category: Some(n.category.map(Into::into)),
            owner_organisation: Some(n.owner_organisation.clone()),
            executor_organisation: Some(n.executor_organisation.clone()),
            target_group: Some(n.target_group.clone()),
            age_min: Some(n.age_min),
            age_max: Some(n.age_max),
            capacity_year_places: Some(n.capacity_year_places),
            target_participants: Some(n.target_participants),
            starts_on: Some(n.starts_on.map(|d| d.0)),
            ends_on: Some(n.ends_on.map(|d| d.0)),
            status: Some(n.status.into()),
            visibility: Some(n.visibility.into()),
            allocated_sek: Some(n.allocated_sek),
        }
    }
}

impl From<InsatsPatch> for InsatsFields {
    fn from(p: InsatsPatch) -> Self {
        InsatsFields {
            name: p.name,
            description: patch(p.description, |v| v),
            orientation: patch(p.orientation, Orientation::from),
            category: patch(p.category, Category::from),
            owner_organisation: patch(p.owner_organisation, |v| v),
            executor_organisation: patch(p.executor_organisation, |v| v),
            target_group: patch(p.target_group, |v| v),
            age_min: patch(p.age_min, |v| v),
            age_max: patch(p.age_max, |v| v),
            capacity_year_places: patch(p.capacity_year_places, |v| v),
            target_participants: patch(p.target_participants, |v| v),
            starts_on: patch(p.starts_on, |d| d.0),
            ends_on: patch(p.ends_on, |d| d.0),
            status: p.status.map(Into::into),
            // Visibility changes through `shareInsats` only.
            visibility: None,
            allocated_sek: patch(p.allocated_sek, |v| v),
        }
    }
}

/// The row a new insats of förbund `forbund_id` starts as, every rule checked
/// (createInsats and the seed alike).
pub fn new_row(forbund_id: i32, new: &NewInsats, at: DateTime<Utc>) -> ApiResult<insats::Model> {
    let mut row = insats::Model {
        id: 0,
        forbund_id,
        name: String::new(),
        description: None,
        orientation: None,
        category: None,
        owner_organisation: None,
        executor_organisation: None,
        target_group: None,
        age_min: None,
        age_max: None,
        capacity_year_places: None,
        target_participants: None,
        starts_on: None,
        original_ends_on: None,
        ends_on: None,
        status: Status::Planned,
        visibility: Visibility::Private,
        allocated_sek: None,
        budget_total_sek: None,
        carried_over_from_id: None,
        search_text: String::new(),
        version: 1,
        created_at: at,
        updated_at: at,
    };
    apply(&mut row, &InsatsFields::from(new))?;
    Ok(row)
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
        row.orientation = v;
    }
    if let Some(v) = f.category {
        row.category = v;
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
        row.status = v;
    }
    if let Some(v) = f.visibility {
        row.visibility = v;
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
