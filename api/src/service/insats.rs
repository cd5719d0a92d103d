//! Insatser: the shared catalogue, its money and its results (DESIGN.md,
//! "Insats"). Reads are filtered in SQL by what the caller may see
//! (`policy::insats_scope`), so pages and counts never include a row the caller
//! may not read, and a hidden row answers as a missing one. Every change takes
//! the insats's `version`, bumps it, and is audited in its transaction.

use chrono::NaiveDate;
use finsam_entity::{
    forbund, insats, insats_budget, insats_extension, insats_goal, insats_outcome, insats_share,
};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, Order, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};

use super::audit::{self, Change};
use super::{AppState, check_version, now};
use crate::auth::policy::{self, Action, InsatsScope};
use crate::auth::{Caller, Principal};
use crate::db::begin_write;
use crate::domain::insats::{
    self as rules, Category, Invalid, Orientation, Outcome, Status, Visibility,
};
use crate::domain::text::{fold, like_pattern};
use crate::error::{ApiError, ApiResult};

impl From<Invalid> for ApiError {
    fn from(e: Invalid) -> Self {
        ApiError::bad_input(e.field, e.message)
    }
}

fn forbund_ids_of(slugs: Vec<String>) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(forbund::Column::Id)
        .from(forbund::Entity)
        .and_where(forbund::Column::Slug.is_in(slugs))
        .to_owned()
}

/// The rows `principal` may read, as SQL (mirrors `policy::allows(ReadInsats)`).
pub fn visible(principal: &Principal) -> Condition {
    match policy::insats_scope(principal) {
        InsatsScope::All => Condition::all(),
        InsatsScope::PublicOnly => {
            Condition::all().add(insats::Column::Visibility.eq(Visibility::Public.as_str()))
        }
        InsatsScope::Network { own } => {
            let mut any = Condition::any().add(
                insats::Column::Visibility
                    .is_in([Visibility::Public.as_str(), Visibility::Network.as_str()]),
            );
            if let Some(own) = own {
                any = any
                    .add(insats::Column::ForbundId.in_subquery(forbund_ids_of(vec![own.clone()])))
                    .add(
                        insats::Column::Id.in_subquery(
                            Query::select()
                                .column(insats_share::Column::InsatsId)
                                .from(insats_share::Entity)
                                .and_where(
                                    insats_share::Column::ForbundId
                                        .in_subquery(forbund_ids_of(vec![own])),
                                )
                                .to_owned(),
                        ),
                    );
            }
            Condition::all().add(any)
        }
    }
}

/// The longest search accepted (SQLite refuses very long LIKE patterns, and
/// nobody types more).
const SEARCH_LIMIT: usize = 200;

#[derive(Debug, Clone, Default)]
pub struct InsatsFilter {
    pub forbund: Option<Vec<String>>,
    /// With `forbund`: also the insatser of the förbund that merged into them.
    pub include_predecessors: bool,
    pub orientation: Option<Vec<Orientation>>,
    pub category: Option<Vec<Category>>,
    pub status: Option<Vec<Status>>,
    pub active_on: Option<NaiveDate>,
    pub age: Option<i32>,
    pub search: Option<String>,
}

impl InsatsFilter {
    fn condition(&self) -> ApiResult<Condition> {
        let mut c = Condition::all();
        if let Some(slugs) = &self.forbund {
            let own = insats::Column::ForbundId.in_subquery(forbund_ids_of(slugs.clone()));
            c = if self.include_predecessors {
                let predecessors = insats::Column::ForbundId.in_subquery(
                    Query::select()
                        .column(forbund::Column::Id)
                        .from(forbund::Entity)
                        .and_where(
                            forbund::Column::SuccessorId.in_subquery(forbund_ids_of(slugs.clone())),
                        )
                        .to_owned(),
                );
                c.add(Condition::any().add(own).add(predecessors))
            } else {
                c.add(own)
            };
        }
        if let Some(v) = &self.orientation {
            c = c.add(insats::Column::Orientation.is_in(v.iter().map(|o| o.as_str())));
        }
        if let Some(v) = &self.category {
            c = c.add(insats::Column::Category.is_in(v.iter().map(|o| o.as_str())));
        }
        if let Some(v) = &self.status {
            c = c.add(insats::Column::Status.is_in(v.iter().map(|o| o.as_str())));
        }
        if let Some(day) = self.active_on {
            // Inside the period, extensions included (ends_on is the current
            // end); an open bound is open. A planned or cancelled insats runs
            // on no day.
            let running: Vec<&str> = Status::ALL
                .iter()
                .filter(|s| s.runs())
                .map(|s| s.as_str())
                .collect();
            c = c
                .add(
                    Condition::any()
                        .add(insats::Column::StartsOn.is_null())
                        .add(insats::Column::StartsOn.lte(day)),
                )
                .add(
                    Condition::any()
                        .add(insats::Column::EndsOn.is_null())
                        .add(insats::Column::EndsOn.gte(day)),
                )
                .add(insats::Column::Status.is_in(running));
        }
        if let Some(age) = self.age {
            if !(0..=rules::AGE_LIMIT).contains(&age) {
                return Err(ApiError::bad_input(
                    "age",
                    format!("an age is 0 to {}", rules::AGE_LIMIT),
                ));
            }
            // Only insatser that state an age range take part.
            c = c
                .add(
                    Condition::any()
                        .add(insats::Column::AgeMin.is_not_null())
                        .add(insats::Column::AgeMax.is_not_null()),
                )
                .add(
                    Condition::any()
                        .add(insats::Column::AgeMin.is_null())
                        .add(insats::Column::AgeMin.lte(age)),
                )
                .add(
                    Condition::any()
                        .add(insats::Column::AgeMax.is_null())
                        .add(insats::Column::AgeMax.gte(age)),
                );
        }
        if let Some(text) = &self.search {
            if text.chars().count() > SEARCH_LIMIT {
                return Err(ApiError::bad_input(
                    "search",
                    format!("a search is at most {SEARCH_LIMIT} characters"),
                ));
            }
            let folded = fold(text);
            if !folded.is_empty() {
                c = c.add(
                    Expr::col((insats::Entity, insats::Column::SearchText))
                        .like(LikeExpr::new(like_pattern(&folded)).escape('\\')),
                );
            }
        }
        Ok(c)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderField {
    Name,
    StartDate,
    Budget,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    Asc,
    Desc,
}

/// Where a page ends: the sort key and id of its last row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InsatsCursor {
    pub field: OrderField,
    pub direction: Direction,
    pub key: Option<String>,
    pub id: i32,
}

impl InsatsCursor {
    pub fn of(row: &insats::Model, field: OrderField, direction: Direction) -> Self {
        let key = match field {
            OrderField::Name => Some(row.name.clone()),
            OrderField::StartDate => row.starts_on.map(|d| d.to_string()),
            OrderField::Budget => row.budget_total_sek.map(|b| b.to_string()),
        };
        InsatsCursor {
            field,
            direction,
            key,
            id: row.id,
        }
    }
}

fn order_column(field: OrderField) -> insats::Column {
    match field {
        OrderField::Name => insats::Column::Name,
        OrderField::StartDate => insats::Column::StartsOn,
        OrderField::Budget => insats::Column::BudgetTotalSek,
    }
}

fn key_value(field: OrderField, key: &str) -> ApiResult<sea_orm::Value> {
    let bad = || ApiError::bad_input("after", "not a cursor this list gave out");
    Ok(match field {
        OrderField::Name => key.to_string().into(),
        OrderField::StartDate => NaiveDate::parse_from_str(key, "%Y-%m-%d")
            .map_err(|_| bad())?
            .into(),
        OrderField::Budget => key.parse::<i64>().map_err(|_| bad())?.into(),
    })
}

/// Rows after the cursor in (sort key, id) order, with empty keys last.
fn keyset(after: &InsatsCursor) -> ApiResult<Condition> {
    let col = order_column(after.field);
    let after_id = insats::Column::Id.gt(after.id);
    Ok(match &after.key {
        None => Condition::all().add(col.is_null()).add(after_id),
        Some(key) => {
            let v = key_value(after.field, key)?;
            let beyond: SimpleExpr = match after.direction {
                Direction::Asc => Expr::col((insats::Entity, col)).gt(v.clone()),
                Direction::Desc => Expr::col((insats::Entity, col)).lt(v.clone()),
            };
            Condition::any()
                .add(beyond)
                .add(
                    Condition::all()
                        .add(Expr::col((insats::Entity, col)).eq(v))
                        .add(after_id),
                )
                .add(col.is_null())
        }
    })
}

/// An insats with its owning förbund, read in one statement.
pub type InsatsRow = (insats::Model, forbund::Model);

fn with_owner(rows: Vec<(insats::Model, Option<forbund::Model>)>) -> Vec<InsatsRow> {
    rows.into_iter()
        .filter_map(|(i, f)| f.map(|f| (i, f)))
        .collect()
}

pub async fn list(
    db: &DatabaseConnection,
    principal: &Principal,
    filter: &InsatsFilter,
    field: OrderField,
    direction: Direction,
    after: Option<&InsatsCursor>,
    limit: u64,
) -> ApiResult<Vec<InsatsRow>> {
    let col = order_column(field);
    let mut query = insats::Entity::find()
        .filter(visible(principal))
        .filter(filter.condition()?);
    if let Some(after) = after {
        if after.field != field || after.direction != direction {
            return Err(ApiError::bad_input(
                "after",
                "the cursor is from a list in another order",
            ));
        }
        query = query.filter(keyset(after)?);
    }
    let order = match direction {
        Direction::Asc => Order::Asc,
        Direction::Desc => Order::Desc,
    };
    let rows = query
        .order_by(Expr::col((insats::Entity, col)).is_null(), Order::Asc)
        .order_by(col, order)
        .order_by_asc(insats::Column::Id)
        .limit(limit)
        .find_also_related(forbund::Entity)
        .all(db)
        .await?;
    Ok(with_owner(rows))
}

pub async fn count(
    db: &DatabaseConnection,
    principal: &Principal,
    filter: &InsatsFilter,
) -> ApiResult<u64> {
    Ok(insats::Entity::find()
        .filter(visible(principal))
        .filter(filter.condition()?)
        .count(db)
        .await?)
}

/// One insats, if the caller may see it; a hidden one is `None` like a missing one.
pub async fn get(
    db: &DatabaseConnection,
    principal: &Principal,
    id: i32,
) -> ApiResult<Option<InsatsRow>> {
    let row = insats::Entity::find_by_id(id)
        .filter(visible(principal))
        .find_also_related(forbund::Entity)
        .one(db)
        .await?;
    Ok(row.and_then(|(i, f)| f.map(|f| (i, f))))
}

/// Insatser by id, or by the insats they were carried over from, that
/// `visible` lets through; with their owners. One statement (loaders).
pub async fn visible_by<C: sea_orm::ConnectionTrait>(
    conn: &C,
    visible: Condition,
    by_carried_over_from: bool,
    keys: &[i32],
) -> ApiResult<Vec<InsatsRow>> {
    let column = if by_carried_over_from {
        insats::Column::CarriedOverFromId
    } else {
        insats::Column::Id
    };
    let rows = insats::Entity::find()
        .filter(visible)
        .filter(column.is_in(keys.iter().copied()))
        .order_by_asc(insats::Column::Id)
        .find_also_related(forbund::Entity)
        .all(conn)
        .await?;
    Ok(with_owner(rows))
}

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

fn check_text(field: &'static str, v: &str, max: usize) -> ApiResult<String> {
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

fn check_optional_text(
    field: &'static str,
    v: &Option<String>,
    max: usize,
) -> ApiResult<Option<String>> {
    v.as_deref().map(|t| check_text(field, t, max)).transpose()
}

/// Applies `fields` onto `row`, checking every rule on the result.
fn apply(row: &mut insats::Model, f: &InsatsFields) -> ApiResult<()> {
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

/// createInsats: the owning förbund's editor or admin, or network_admin.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    forbund_slug: &str,
    fields: InsatsFields,
) -> ApiResult<InsatsRow> {
    let txn = begin_write(&state.db).await?;
    let owner = super::forbund::require_slug(&txn, forbund_slug, "forbund").await?;
    policy::require(
        &caller.principal,
        Action::EditForbundContent {
            forbund: &owner.slug,
        },
    )?;
    if fields.name.is_none() {
        return Err(ApiError::bad_input("name", "must not be empty"));
    }
    let at = now();
    let mut row = insats::Model {
        id: 0,
        forbund_id: owner.id,
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
        status: Status::Planned.as_str().into(),
        visibility: Visibility::Private.as_str().into(),
        allocated_sek: None,
        budget_total_sek: None,
        carried_over_from_id: None,
        search_text: String::new(),
        version: 1,
        created_at: at,
        updated_at: at,
    };
    apply(&mut row, &fields)?;
    let taken = insats::Entity::find()
        .filter(insats::Column::ForbundId.eq(owner.id))
        .filter(insats::Column::Name.eq(&row.name))
        .count(&txn)
        .await?;
    if taken > 0 {
        return Err(ApiError::bad_input(
            "name",
            "the förbund already has an insats with this name",
        ));
    }
    let mut active: insats::ActiveModel = row.into();
    active.id = sea_orm::ActiveValue::NotSet;
    let row = active.insert(&txn).await.map_err(|e| {
        ApiError::from_db_unique(e, "the förbund already has an insats with this name")
    })?;
    audit::record(
        &txn,
        caller,
        Change::<(), _> {
            operation: "createInsats",
            entity: "Insats",
            entity_id: row.id.to_string(),
            forbund_id: Some(owner.id),
            before: None,
            after: Some(&row),
        },
    )
    .await?;
    txn.commit().await?;
    Ok((row, owner))
}

/// The insats to change, checked: visible (else NOT_FOUND, as if missing),
/// editable by the caller, and at the version the change is based on.
async fn load_for_edit(
    txn: &DatabaseTransaction,
    caller: &Caller,
    id: i32,
    version: i32,
) -> ApiResult<(insats::Model, forbund::Model)> {
    let row = insats::Entity::find_by_id(id)
        .filter(visible(&caller.principal))
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::not_found("insats"))?;
    let owner = forbund::Entity::find_by_id(row.forbund_id)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::not_found("förbund"))?;
    policy::require(
        &caller.principal,
        Action::EditForbundContent {
            forbund: &owner.slug,
        },
    )?;
    check_version("insats", row.version, version)?;
    Ok((row, owner))
}

/// Writes the row with its version bumped; the version in the WHERE clause
/// makes a concurrent writer's change a CONFLICT instead of an overwrite.
async fn save(
    txn: &DatabaseTransaction,
    before: &insats::Model,
    mut after: insats::Model,
) -> ApiResult<insats::Model> {
    after.version = before.version + 1;
    after.updated_at = now();
    // Every column is written (not only those a diff would mark changed),
    // except the key.
    let mut active: insats::ActiveModel = insats::ActiveModel::from(after.clone()).reset_all();
    active.not_set(insats::Column::Id);
    super::write_versioned(
        txn,
        "insats",
        active,
        before.id,
        before.version,
        "the förbund already has an insats with this name",
    )
    .await?;
    Ok(after)
}

async fn finish<A: Serialize>(
    txn: DatabaseTransaction,
    caller: &Caller,
    operation: &str,
    before: &insats::Model,
    after: &A,
) -> ApiResult<()> {
    audit::record(
        &txn,
        caller,
        Change {
            operation,
            entity: "Insats",
            entity_id: before.id.to_string(),
            forbund_id: Some(before.forbund_id),
            before: Some(before),
            after: Some(after),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// updateInsats: a stale `version` is CONFLICT and changes nothing.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: i32,
    version: i32,
    fields: InsatsFields,
) -> ApiResult<InsatsRow> {
    let txn = begin_write(&state.db).await?;
    let (before, owner) = load_for_edit(&txn, caller, id, version).await?;
    if fields.ends_on.is_some() && before.original_ends_on != before.ends_on {
        return Err(ApiError::bad_input(
            "endsOn",
            "the insats has been extended; use extendInsats",
        ));
    }
    let mut row = before.clone();
    apply(&mut row, &fields)?;
    let after = save(&txn, &before, row).await?;
    finish(txn, caller, "updateInsats", &before, &after).await?;
    Ok((after, owner))
}

/// extendInsats: a new end, keeping the original end visible.
pub async fn extend(
    state: &AppState,
    caller: &Caller,
    id: i32,
    version: i32,
    new_ends_on: NaiveDate,
    decided_on: Option<NaiveDate>,
    note: Option<String>,
) -> ApiResult<InsatsRow> {
    let txn = begin_write(&state.db).await?;
    let (before, owner) = load_for_edit(&txn, caller, id, version).await?;
    if before.ends_on.is_some_and(|e| new_ends_on <= e) {
        return Err(ApiError::bad_input(
            "newEndsOn",
            "an extension ends after the current end",
        ));
    }
    rules::check_period(before.starts_on, Some(new_ends_on))
        .map_err(|e| ApiError::bad_input("newEndsOn", e.message))?;
    let note = check_optional_text("note", &note, 2_000)?;
    insats_extension::ActiveModel {
        insats_id: Set(id),
        previous_ends_on: Set(before.ends_on),
        new_ends_on: Set(new_ends_on),
        decided_on: Set(decided_on),
        note: Set(note),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut row = before.clone();
    row.ends_on = Some(new_ends_on);
    let after = save(&txn, &before, row).await?;
    finish(txn, caller, "extendInsats", &before, &after).await?;
    Ok((after, owner))
}

/// setInsatsBudget: the budget (and spending) of one year.
#[allow(clippy::too_many_arguments)]
pub async fn set_budget(
    state: &AppState,
    caller: &Caller,
    id: i32,
    version: i32,
    year: i32,
    budget_sek: i64,
    spent_sek: Option<i64>,
    spent_through: Option<NaiveDate>,
) -> ApiResult<InsatsRow> {
    if !(1990..=2100).contains(&year) {
        return Err(ApiError::bad_input("year", "a year from 1990 to 2100"));
    }
    rules::check_money("budgetSek", Some(budget_sek))?;
    rules::check_money("spentSek", spent_sek)?;
    let txn = begin_write(&state.db).await?;
    let (before, owner) = load_for_edit(&txn, caller, id, version).await?;
    let at = now();
    let existing = insats_budget::Entity::find()
        .filter(insats_budget::Column::InsatsId.eq(id))
        .filter(insats_budget::Column::Year.eq(year))
        .one(&txn)
        .await?;
    let budget_row = match existing {
        Some(b) => {
            let mut active: insats_budget::ActiveModel = b.clone().into();
            active.budget_sek = Set(budget_sek);
            active.spent_sek = Set(spent_sek);
            active.spent_through = Set(spent_through);
            active.version = Set(b.version + 1);
            active.updated_at = Set(at);
            active.update(&txn).await?
        }
        None => {
            insats_budget::ActiveModel {
                insats_id: Set(id),
                year: Set(year),
                budget_sek: Set(budget_sek),
                spent_sek: Set(spent_sek),
                spent_through: Set(spent_through),
                version: Set(1),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    let total: Option<i64> = insats_budget::Entity::find()
        .filter(insats_budget::Column::InsatsId.eq(id))
        .all(&txn)
        .await?
        .iter()
        .map(|b| b.budget_sek)
        .reduce(|a, b| a.saturating_add(b));
    let mut row = before.clone();
    row.budget_total_sek = total;
    let after = save(&txn, &before, row).await?;
    finish(
        txn,
        caller,
        "setInsatsBudget",
        &before,
        &(&after, &budget_row),
    )
    .await?;
    Ok((after, owner))
}

/// One kommun's participants in an outcome.
#[derive(Debug, Clone)]
pub struct MunicipalityCount {
    pub municipality: String,
    pub participants: Option<i32>,
    pub women: Option<i32>,
    pub men: Option<i32>,
}

#[derive(Debug, Clone, Default)]
pub struct OutcomeInput {
    pub outcome: Outcome,
    pub share_reached_goal_percent: Option<f64>,
    pub mean_months_in_insats: Option<f64>,
    pub note: Option<String>,
    pub municipalities: Vec<MunicipalityCount>,
}

/// recordInsatsOutcome: the outcome of a period, replacing an earlier report
/// of the same period.
pub async fn record_outcome(
    state: &AppState,
    caller: &Caller,
    id: i32,
    version: i32,
    input: OutcomeInput,
) -> ApiResult<InsatsRow> {
    let o = &input.outcome;
    let period_to = o
        .period_to
        .ok_or_else(|| ApiError::bad_input("periodTo", "give the period's last day"))?;
    rules::check_outcome(o)?;
    rules::check_percent("shareReachedGoalPercent", input.share_reached_goal_percent)?;
    if input
        .mean_months_in_insats
        .is_some_and(|m| !m.is_finite() || m < 0.0)
    {
        return Err(ApiError::bad_input(
            "meanMonthsInInsats",
            "must not be negative",
        ));
    }
    let note = check_optional_text("note", &input.note, 2_000)?;
    let mut sums = (0i64, 0i64, 0i64);
    for (i, m) in input.municipalities.iter().enumerate() {
        check_text("municipalities.municipality", &m.municipality, 100)?;
        let part = Outcome {
            participants: m.participants,
            women: m.women,
            men: m.men,
            ..Default::default()
        };
        rules::check_outcome(&part).map_err(|e| {
            ApiError::bad_input(format!("municipalities[{i}].{}", e.field), e.message)
        })?;
        sums.0 += i64::from(m.participants.unwrap_or(0));
        sums.1 += i64::from(m.women.unwrap_or(0));
        sums.2 += i64::from(m.men.unwrap_or(0));
    }
    for (field, sum, total) in [
        ("municipalities", sums.0, o.participants),
        ("municipalities", sums.1, o.women),
        ("municipalities", sums.2, o.men),
    ] {
        if total.is_some_and(|t| sum > i64::from(t)) {
            return Err(ApiError::bad_input(
                field,
                "the kommuner add up to more than the whole",
            ));
        }
    }
    let txn = begin_write(&state.db).await?;
    let (before, owner) = load_for_edit(&txn, caller, id, version).await?;
    // A new report of the same period replaces the old one, breakdown and all.
    let mut same_period = Condition::all()
        .add(insats_outcome::Column::InsatsId.eq(id))
        .add(insats_outcome::Column::PeriodTo.eq(period_to));
    same_period = match o.period_from {
        Some(f) => same_period.add(insats_outcome::Column::PeriodFrom.eq(f)),
        None => same_period.add(insats_outcome::Column::PeriodFrom.is_null()),
    };
    insats_outcome::Entity::delete_many()
        .filter(same_period)
        .exec(&txn)
        .await?;
    let at = now();
    let row = |municipality: Option<String>,
               p: Option<i32>,
               w: Option<i32>,
               m: Option<i32>,
               whole: bool| insats_outcome::ActiveModel {
        insats_id: Set(id),
        period_from: Set(o.period_from),
        period_to: Set(period_to),
        municipality: Set(municipality),
        participants: Set(p),
        participants_women: Set(w),
        participants_men: Set(m),
        closures: Set(if whole { o.closures } else { None }),
        closures_work: Set(if whole { o.by_reason.work } else { None }),
        closures_studies: Set(if whole { o.by_reason.studies } else { None }),
        closures_labour_market_training: Set(if whole {
            o.by_reason.labour_market_training
        } else {
            None
        }),
        closures_completed: Set(if whole { o.by_reason.completed } else { None }),
        closures_not_influenceable: Set(if whole {
            o.by_reason.not_influenceable
        } else {
            None
        }),
        closures_other: Set(if whole { o.by_reason.other } else { None }),
        share_reached_goal_percent: Set(if whole {
            input.share_reached_goal_percent
        } else {
            None
        }),
        mean_months_in_insats: Set(if whole {
            input.mean_months_in_insats
        } else {
            None
        }),
        note: Set(if whole { note.clone() } else { None }),
        version: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    };
    row(None, o.participants, o.women, o.men, true)
        .insert(&txn)
        .await?;
    for m in &input.municipalities {
        row(
            Some(m.municipality.trim().to_string()),
            m.participants,
            m.women,
            m.men,
            false,
        )
        .insert(&txn)
        .await?;
    }
    let after = save(&txn, &before, before.clone()).await?;
    #[derive(Serialize)]
    struct Recorded<'a> {
        insats: &'a insats::Model,
        period_from: Option<NaiveDate>,
        period_to: NaiveDate,
        participants: Option<i32>,
        closures: Option<i32>,
    }
    let recorded = Recorded {
        insats: &after,
        period_from: o.period_from,
        period_to,
        participants: o.participants,
        closures: o.closures,
    };
    finish(txn, caller, "recordInsatsOutcome", &before, &recorded).await?;
    Ok((after, owner))
}

/// addInsatsGoal.
pub async fn add_goal(
    state: &AppState,
    caller: &Caller,
    id: i32,
    version: i32,
    description: &str,
    target_percent: Option<f64>,
    horizon_months: Option<i32>,
) -> ApiResult<InsatsRow> {
    let description = check_text("description", description, 2_000)?;
    rules::check_percent("targetPercent", target_percent)?;
    if horizon_months.is_some_and(|h| !(0..=600).contains(&h)) {
        return Err(ApiError::bad_input("horizonMonths", "0 to 600 months"));
    }
    let txn = begin_write(&state.db).await?;
    let (before, owner) = load_for_edit(&txn, caller, id, version).await?;
    let at = now();
    let goal = insats_goal::ActiveModel {
        insats_id: Set(id),
        description: Set(description),
        target_percent: Set(target_percent),
        horizon_months: Set(horizon_months),
        version: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let after = save(&txn, &before, before.clone()).await?;
    finish(txn, caller, "addInsatsGoal", &before, &(&after, &goal)).await?;
    Ok((after, owner))
}

/// shareInsats: the visibility, and the förbund it is shared with by name.
pub async fn share(
    state: &AppState,
    caller: &Caller,
    id: i32,
    version: i32,
    visibility: Visibility,
    with: &[String],
) -> ApiResult<InsatsRow> {
    let txn = begin_write(&state.db).await?;
    let (before, owner) = load_for_edit(&txn, caller, id, version).await?;
    let mut ids = Vec::new();
    for (i, slug) in with.iter().enumerate() {
        let f = super::forbund::require_slug(&txn, slug, &format!("with[{i}]")).await?;
        if f.id != before.forbund_id && !ids.contains(&f.id) {
            ids.push(f.id);
        }
    }
    insats_share::Entity::delete_many()
        .filter(insats_share::Column::InsatsId.eq(id))
        .exec(&txn)
        .await?;
    let at = now();
    for f in &ids {
        insats_share::ActiveModel {
            insats_id: Set(id),
            forbund_id: Set(*f),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let mut row = before.clone();
    row.visibility = visibility.as_str().to_string();
    let after = save(&txn, &before, row).await?;
    finish(txn, caller, "shareInsats", &before, &(&after, &ids)).await?;
    Ok((after, owner))
}

/// carryOverInsats: the successor förbund takes the insats over; the new
/// insats links to the old one, which keeps its history.
pub async fn carry_over(
    state: &AppState,
    caller: &Caller,
    id: i32,
    version: i32,
    to: &str,
) -> ApiResult<InsatsRow> {
    let txn = begin_write(&state.db).await?;
    let before = insats::Entity::find_by_id(id)
        .filter(visible(&caller.principal))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("insats"))?;
    let owner = forbund::Entity::find_by_id(before.forbund_id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("förbund"))?;
    let target = super::forbund::require_slug(&txn, to, "to").await?;
    if owner.successor_id != Some(target.id) {
        return Err(ApiError::bad_input(
            "to",
            format!("{} is not the successor of {}", target.name, owner.name),
        ));
    }
    // The old förbund's staff or the successor's may move it.
    let may = policy::allows(
        &caller.principal,
        Action::EditForbundContent {
            forbund: &owner.slug,
        },
    ) || policy::allows(
        &caller.principal,
        Action::EditForbundContent {
            forbund: &target.slug,
        },
    );
    if !may {
        policy::require(
            &caller.principal,
            Action::EditForbundContent {
                forbund: &target.slug,
            },
        )?;
    }
    check_version("insats", before.version, version)?;
    let already = insats::Entity::find()
        .filter(insats::Column::CarriedOverFromId.eq(id))
        .count(&txn)
        .await?;
    if already > 0 {
        return Err(ApiError::bad_input(
            "id",
            "the insats has already been carried over",
        ));
    }
    let at = now();
    let mut copy = before.clone();
    copy.forbund_id = target.id;
    copy.carried_over_from_id = Some(id);
    copy.starts_on = target.founded_on.or(Some(state.clock.today()));
    copy.original_ends_on = None;
    copy.ends_on = None;
    copy.status = Status::Active.as_str().to_string();
    copy.allocated_sek = None;
    copy.budget_total_sek = None;
    copy.version = 1;
    copy.created_at = at;
    copy.updated_at = at;
    let mut active: insats::ActiveModel = copy.into();
    active.id = sea_orm::ActiveValue::NotSet;
    let created = active.insert(&txn).await.map_err(|e| {
        ApiError::from_db_unique(e, "the successor already has an insats with this name")
    })?;
    let mut old = before.clone();
    old.status = Status::CarriedOver.as_str().to_string();
    if old.ends_on.is_none() {
        old.ends_on = owner.dissolved_on;
    }
    let old_after = save(&txn, &before, old).await?;
    finish(
        txn,
        caller,
        "carryOverInsats",
        &before,
        &(&old_after, &created),
    )
    .await?;
    Ok((created, target))
}

/// An outcome row as a caller sees it: which of its counts are hidden as
/// small cells (DESIGN.md, "Small cells").
pub struct OutcomeView {
    pub row: insats_outcome::Model,
    pub hidden: Vec<&'static str>,
}

const PEOPLE: [&str; 3] = ["participants", "participantsWomen", "participantsMen"];
const CLOSURES: [&str; 7] = [
    "closures",
    "closuresWork",
    "closuresStudies",
    "closuresLabourMarketTraining",
    "closuresCompleted",
    "closuresNotInfluenceable",
    "closuresOther",
];

fn people(o: &insats_outcome::Model) -> Vec<Option<i64>> {
    [o.participants, o.participants_women, o.participants_men]
        .iter()
        .map(|v| v.map(i64::from))
        .collect()
}

fn closures(o: &insats_outcome::Model) -> Vec<Option<i64>> {
    [
        o.closures,
        o.closures_work,
        o.closures_studies,
        o.closures_labour_market_training,
        o.closures_completed,
        o.closures_not_influenceable,
        o.closures_other,
    ]
    .iter()
    .map(|v| v.map(i64::from))
    .collect()
}

/// Applies small-cell suppression to an insats's outcomes, period by period:
/// the kommun rows against the period's total, and the total's own gender
/// and closure breakdowns. `full` callers (the owning förbund) see all.
pub fn outcome_views(
    rows: Vec<insats_outcome::Model>,
    full: bool,
    min_cell: i64,
) -> Vec<OutcomeView> {
    use crate::domain::suppression::suppress;
    if full {
        return rows
            .into_iter()
            .map(|row| OutcomeView {
                row,
                hidden: vec![],
            })
            .collect();
    }
    let mut views: Vec<OutcomeView> = rows
        .into_iter()
        .map(|row| OutcomeView {
            row,
            hidden: vec![],
        })
        .collect();
    let mut periods: Vec<(Option<NaiveDate>, NaiveDate)> = views
        .iter()
        .map(|v| (v.row.period_from, v.row.period_to))
        .collect();
    periods.dedup();
    for period in periods {
        let in_period: Vec<usize> = (0..views.len())
            .filter(|i| (views[*i].row.period_from, views[*i].row.period_to) == period)
            .collect();
        let total = in_period
            .iter()
            .copied()
            .find(|i| views[*i].row.municipality.is_none());
        let kommuner: Vec<usize> = in_period
            .iter()
            .copied()
            .filter(|i| Some(*i) != total)
            .collect();
        let totals = total.map(|t| people(&views[t].row));
        let table: Vec<Vec<Option<i64>>> =
            kommuner.iter().map(|i| people(&views[*i].row)).collect();
        let hidden = suppress(&table, totals.as_deref(), min_cell);
        for (k, i) in kommuner.iter().enumerate() {
            views[*i].hidden = PEOPLE
                .iter()
                .zip(&hidden[k])
                .filter(|(_, h)| **h)
                .map(|(f, _)| *f)
                .collect();
        }
        if let Some(t) = total {
            let people_hidden = suppress(&[people(&views[t].row)], None, min_cell);
            let closures_hidden = suppress(&[closures(&views[t].row)], None, min_cell);
            let mut hidden: Vec<&'static str> = PEOPLE
                .iter()
                .zip(&people_hidden[0])
                .filter(|(_, h)| **h)
                .map(|(f, _)| *f)
                .collect();
            hidden.extend(
                CLOSURES
                    .iter()
                    .zip(&closures_hidden[0])
                    .filter(|(_, h)| **h)
                    .map(|(f, _)| *f),
            );
            views[t].hidden = hidden;
        }
    }
    views
}

/// removeInsatsGoal: drops one of the insats's goals.
pub async fn remove_goal(
    state: &AppState,
    caller: &Caller,
    id: i32,
    version: i32,
    goal_id: i32,
) -> ApiResult<InsatsRow> {
    let txn = begin_write(&state.db).await?;
    let (before, owner) = load_for_edit(&txn, caller, id, version).await?;
    let goal = insats_goal::Entity::find_by_id(goal_id)
        .filter(insats_goal::Column::InsatsId.eq(id))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::bad_input("goal", "the insats has no such goal"))?;
    insats_goal::Entity::delete_by_id(goal.id)
        .exec(&txn)
        .await?;
    let after = save(&txn, &before, before.clone()).await?;
    finish(txn, caller, "removeInsatsGoal", &before, &(&after, &goal)).await?;
    Ok((after, owner))
}
