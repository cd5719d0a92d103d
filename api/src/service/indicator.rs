//! National indicators: definitions (data, not code), results per förbund,
//! national averages, and the comparisons boards and the national network
//! read. Batches are all-or-nothing and name the row at fault.

use std::collections::HashMap;

use finsam_entity::{forbund, indicator, indicator_result, key_figure, national_average};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;

use super::audit::{self, Change};
use super::{AppState, check_version, now};
use crate::auth::policy::{self, Action, NetworkView};
use crate::auth::{Caller, Principal};
use crate::db::begin_write;
use crate::domain::indicators::{self as maths, Distribution, Row, Summary};
use crate::error::{ApiError, ApiResult};

/// TOTAL, WOMEN or MEN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Gender {
    Total,
    Women,
    Men,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Total => "TOTAL",
            Gender::Women => "WOMEN",
            Gender::Men => "MEN",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_uppercase().as_str() {
            "TOTAL" => Some(Gender::Total),
            "WOMEN" => Some(Gender::Women),
            "MEN" => Some(Gender::Men),
            _ => None,
        }
    }
}

/// A batch refused at one row; `column` is the field's name in the API and
/// in the CSV files.
#[derive(Debug)]
pub enum BatchError {
    Row {
        row: usize,
        column: &'static str,
        message: String,
    },
    Other(ApiError),
}

impl From<ApiError> for BatchError {
    fn from(e: ApiError) -> Self {
        BatchError::Other(e)
    }
}

impl From<sea_orm::DbErr> for BatchError {
    fn from(e: sea_orm::DbErr) -> Self {
        BatchError::Other(e.into())
    }
}

impl From<BatchError> for ApiError {
    fn from(e: BatchError) -> Self {
        match e {
            BatchError::Row {
                row,
                column,
                message,
            } => ApiError::bad_input(format!("rows[{row}].{column}"), message),
            BatchError::Other(e) => e,
        }
    }
}

fn row_error(row: usize, column: &'static str, message: impl Into<String>) -> BatchError {
    BatchError::Row {
        row,
        column,
        message: message.into(),
    }
}

pub async fn definitions(db: &DatabaseConnection) -> ApiResult<Vec<indicator::Model>> {
    Ok(indicator::Entity::find()
        .order_by_asc(indicator::Column::Number)
        .order_by_asc(indicator::Column::Code)
        .all(db)
        .await?)
}

pub const LEVELS: [&str; 4] = ["PARTICIPANT", "STAFF", "ORGANISATION", "SOCIETY"];
pub const KINDS: [&str; 2] = ["PROCESS", "EFFECT"];

pub struct Definition {
    pub code: String,
    pub number: Option<i32>,
    pub name: String,
    pub description: Option<String>,
    pub level: String,
    pub kind: String,
    pub respondent_group: Option<String>,
}

/// The rules of a definition: the field at fault and why.
fn check_definition(d: &Definition) -> Result<(String, String), (&'static str, String)> {
    let code = d.code.trim().to_string();
    if code.is_empty() || code.len() > 32 {
        return Err(("code", "1 to 32 characters".into()));
    }
    let name = d.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 300 {
        return Err(("name", "1 to 300 characters".into()));
    }
    if !LEVELS.contains(&d.level.as_str()) {
        return Err(("level", format!("one of {}", LEVELS.join(", "))));
    }
    if !KINDS.contains(&d.kind.as_str()) {
        return Err(("kind", "PROCESS or EFFECT".into()));
    }
    if d.number.is_some_and(|n| n < 1) {
        return Err(("number", "indicators are numbered from 1".into()));
    }
    Ok((code, name))
}

/// Definitions from a file (network_admin, the command line): each code is
/// created or replaced; all rows or none.
pub async fn import_definitions(
    state: &AppState,
    caller: &Caller,
    rows: &[Definition],
) -> Result<usize, BatchError> {
    policy::require(&caller.principal, Action::ManageNetwork)?;
    let mut checked = Vec::with_capacity(rows.len());
    for (i, d) in rows.iter().enumerate() {
        let (code, name) =
            check_definition(d).map_err(|(column, message)| row_error(i, column, message))?;
        checked.push((code, name, d));
    }
    let txn = begin_write(&state.db).await?;
    let at = now();
    for (code, name, d) in &checked {
        let existing = indicator::Entity::find()
            .filter(indicator::Column::Code.eq(code))
            .one(&txn)
            .await?;
        let mut a = match &existing {
            Some(old) => {
                let mut a: indicator::ActiveModel = old.clone().into();
                a.version = Set(old.version + 1);
                a
            }
            None => indicator::ActiveModel {
                code: Set(code.clone()),
                version: Set(1),
                created_at: Set(at),
                ..Default::default()
            },
        };
        a.number = Set(d.number);
        a.name = Set(name.clone());
        a.description = Set(d.description.clone());
        a.level = Set(d.level.clone());
        a.kind = Set(d.kind.clone());
        a.respondent_group = Set(d.respondent_group.clone());
        a.updated_at = Set(at);
        a.save(&txn).await?;
    }
    let codes: Vec<&String> = checked.iter().map(|(c, _, _)| c).collect();
    audit::record(
        &txn,
        caller,
        Change::<(), _> {
            operation: "importIndicators",
            entity: "Indicator",
            entity_id: format!("{} rows", codes.len()),
            forbund_id: None,
            before: None,
            after: Some(&codes),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(checked.len())
}

/// defineIndicator (network_admin): a new definition, or a change to the one
/// with this code at `version`.
pub async fn define(
    state: &AppState,
    caller: &Caller,
    d: Definition,
    version: Option<i32>,
) -> ApiResult<indicator::Model> {
    policy::require(&caller.principal, Action::ManageNetwork)?;
    let (code, name) =
        check_definition(&d).map_err(|(field, message)| ApiError::bad_input(field, message))?;
    let txn = begin_write(&state.db).await?;
    let existing = indicator::Entity::find()
        .filter(indicator::Column::Code.eq(&code))
        .one(&txn)
        .await?;
    let at = now();
    let (before, after) = match existing {
        Some(old) => {
            let v = version.ok_or_else(|| {
                ApiError::Conflict(format!(
                    "indicator {code} exists; pass its version to change it"
                ))
            })?;
            check_version("indicator", old.version, v)?;
            let mut a: indicator::ActiveModel = old.clone().into();
            a.number = Set(d.number);
            a.name = Set(name);
            a.description = Set(d.description);
            a.level = Set(d.level);
            a.kind = Set(d.kind);
            a.respondent_group = Set(d.respondent_group);
            a.version = Set(old.version + 1);
            a.updated_at = Set(at);
            super::write_versioned(
                &txn,
                "indicator",
                a,
                old.id,
                old.version,
                "an indicator with this code exists",
            )
            .await?;
            let new = indicator::Entity::find_by_id(old.id)
                .one(&txn)
                .await?
                .ok_or_else(|| ApiError::not_found("indicator"))?;
            (Some(old), new)
        }
        None => {
            let new = indicator::ActiveModel {
                code: Set(code),
                number: Set(d.number),
                name: Set(name),
                description: Set(d.description),
                level: Set(d.level),
                kind: Set(d.kind),
                respondent_group: Set(d.respondent_group),
                version: Set(1),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(|e| ApiError::from_db_unique(e, "an indicator with this code exists"))?;
            (None, new)
        }
    };
    audit::record(
        &txn,
        caller,
        Change {
            operation: "defineIndicator",
            entity: "Indicator",
            entity_id: after.id.to_string(),
            forbund_id: None,
            before: before.as_ref(),
            after: Some(&after),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Inserts `models`, or where a row with the same `key` exists, updates its
/// `update` columns and bumps its version: one statement per 500 rows (an
/// import of thousands of rows does not read each row first).
async fn upsert<A, K, U>(
    txn: &sea_orm::DatabaseTransaction,
    models: Vec<A>,
    key: K,
    update: U,
    version: <A::Entity as sea_orm::EntityTrait>::Column,
) -> ApiResult<()>
where
    A: sea_orm::ActiveModelTrait + Send,
    K: IntoIterator<Item = <A::Entity as sea_orm::EntityTrait>::Column> + Clone,
    U: IntoIterator<Item = <A::Entity as sea_orm::EntityTrait>::Column> + Clone,
{
    use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
    let mut models = models;
    while !models.is_empty() {
        let rest = models.split_off(models.len().min(500));
        let mut conflict = OnConflict::columns(key.clone());
        conflict
            .update_columns(update.clone())
            .value(version, Expr::col((A::Entity::default(), version)).add(1));
        <A::Entity as sea_orm::EntityTrait>::insert_many(models)
            .on_conflict(conflict)
            .exec_without_returning(txn)
            .await?;
        models = rest;
    }
    Ok(())
}

/// One result to record.
#[derive(Debug, Clone, Serialize)]
pub struct ResultRow {
    pub forbund: String,
    pub indicator: String,
    pub year: i32,
    pub gender: Gender,
    pub value: f64,
    pub respondents: Option<i32>,
    pub source: String,
}

fn check_year(row: usize, year: i32) -> Result<(), BatchError> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(row_error(row, "year", "a year from 2000 to 2100"))
    }
}

fn check_value(row: usize, value: f64) -> Result<(), BatchError> {
    if value.is_finite() && (0.0..=100.0).contains(&value) {
        Ok(())
    } else {
        Err(row_error(row, "value", "a value from 0 to 100"))
    }
}

fn check_source(row: usize, source: &str) -> Result<String, BatchError> {
    let s = source.trim();
    if s.is_empty() || s.chars().count() > 200 {
        return Err(row_error(
            row,
            "source",
            "say where the figure comes from (at most 200 characters)",
        ));
    }
    Ok(s.to_string())
}

async fn indicator_ids<C: ConnectionTrait>(conn: &C) -> ApiResult<HashMap<String, i32>> {
    Ok(indicator::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|i| (i.code, i.id))
        .collect())
}

async fn forbund_ids<C: ConnectionTrait>(conn: &C) -> ApiResult<HashMap<String, forbund::Model>> {
    Ok(forbund::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|f| (f.slug.clone(), f))
        .collect())
}

/// upsertIndicatorResults: all rows or none. Each förbund's admin may record
/// its own; network_admin (and the command line) any.
pub async fn upsert_results(
    state: &AppState,
    caller: &Caller,
    rows: &[ResultRow],
) -> Result<usize, BatchError> {
    let txn = begin_write(&state.db).await?;
    let indicators = indicator_ids(&txn).await?;
    let forbund = forbund_ids(&txn).await?;
    let mut seen = HashMap::new();
    let mut checked = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let f = forbund
            .get(&r.forbund)
            .ok_or_else(|| row_error(i, "forbund", format!("no förbund {:?}", r.forbund)))?;
        policy::require(
            &caller.principal,
            Action::WriteIndicatorResults { forbund: &f.slug },
        )?;
        let ind = *indicators.get(&r.indicator).ok_or_else(|| {
            row_error(
                i,
                "indicator",
                format!("no indicator with code {:?}", r.indicator),
            )
        })?;
        check_year(i, r.year)?;
        check_value(i, r.value)?;
        if r.respondents.is_some_and(|n| n < 0) {
            return Err(row_error(i, "respondents", "a count is not negative"));
        }
        let source = check_source(i, &r.source)?;
        if let Some(first) = seen.insert((f.id, ind, r.year, r.gender), i) {
            return Err(row_error(
                i,
                "indicator",
                format!("the same result as row {first}"),
            ));
        }
        checked.push((f.id, ind, r, source));
    }
    let at = now();
    let models: Vec<indicator_result::ActiveModel> = checked
        .iter()
        .map(
            |(forbund_id, indicator_id, r, source)| indicator_result::ActiveModel {
                forbund_id: Set(*forbund_id),
                indicator_id: Set(*indicator_id),
                year: Set(r.year),
                gender: Set(r.gender.as_str().to_string()),
                value: Set(r.value),
                respondents: Set(r.respondents),
                source: Set(source.clone()),
                version: Set(1),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            },
        )
        .collect();
    use indicator_result::Column as R;
    upsert(
        &txn,
        models,
        [R::ForbundId, R::IndicatorId, R::Year, R::Gender],
        [R::Value, R::Respondents, R::Source, R::UpdatedAt],
        R::Version,
    )
    .await?;
    // One audit entry per förbund whose results changed.
    let mut by_forbund: HashMap<i32, Vec<&ResultRow>> = HashMap::new();
    for (forbund_id, _, r, _) in &checked {
        by_forbund.entry(*forbund_id).or_default().push(r);
    }
    for (forbund_id, rows) in by_forbund {
        audit::record(
            &txn,
            caller,
            Change::<(), _> {
                operation: "upsertIndicatorResults",
                entity: "IndicatorResult",
                entity_id: format!("{} rows", rows.len()),
                forbund_id: Some(forbund_id),
                before: None,
                after: Some(&rows),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(checked.len())
}

#[derive(Debug, Clone, Serialize)]
pub struct AverageRow {
    pub indicator: String,
    pub year: i32,
    pub gender: Gender,
    pub value: f64,
    pub forbund_count: Option<i32>,
    pub source: String,
}

/// upsertNationalAverages (network_admin): all rows or none.
pub async fn upsert_averages(
    state: &AppState,
    caller: &Caller,
    rows: &[AverageRow],
) -> Result<usize, BatchError> {
    policy::require(&caller.principal, Action::ManageNetwork)?;
    let txn = begin_write(&state.db).await?;
    let indicators = indicator_ids(&txn).await?;
    let mut seen = HashMap::new();
    let mut checked = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let ind = *indicators.get(&r.indicator).ok_or_else(|| {
            row_error(
                i,
                "indicator",
                format!("no indicator with code {:?}", r.indicator),
            )
        })?;
        check_year(i, r.year)?;
        check_value(i, r.value)?;
        if r.forbund_count.is_some_and(|n| n < 1) {
            return Err(row_error(
                i,
                "forbundCount",
                "at least one förbund is behind an average",
            ));
        }
        let source = check_source(i, &r.source)?;
        if let Some(first) = seen.insert((ind, r.year, r.gender), i) {
            return Err(row_error(
                i,
                "indicator",
                format!("the same average as row {first}"),
            ));
        }
        checked.push((ind, r, source));
    }
    let at = now();
    let models: Vec<national_average::ActiveModel> = checked
        .iter()
        .map(|(indicator_id, r, source)| national_average::ActiveModel {
            indicator_id: Set(*indicator_id),
            year: Set(r.year),
            gender: Set(r.gender.as_str().to_string()),
            value: Set(r.value),
            forbund_count: Set(r.forbund_count),
            source: Set(source.clone()),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        })
        .collect();
    use national_average::Column as N;
    upsert(
        &txn,
        models,
        [N::IndicatorId, N::Year, N::Gender],
        [N::Value, N::ForbundCount, N::Source, N::UpdatedAt],
        N::Version,
    )
    .await?;
    let logged: Vec<&AverageRow> = checked.iter().map(|(_, r, _)| *r).collect();
    audit::record(
        &txn,
        caller,
        Change::<(), _> {
            operation: "upsertNationalAverages",
            entity: "NationalAverage",
            entity_id: format!("{} rows", logged.len()),
            forbund_id: None,
            before: None,
            after: Some(&logged),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(checked.len())
}

/// A value as a caller may see it.
#[derive(Debug, Clone, Copy)]
pub struct Shown {
    pub value: Option<f64>,
    pub respondents: Option<i32>,
    pub suppressed: bool,
    /// The source marks the value as an invented example.
    pub synthetic: bool,
}

/// A source that begins with "synthetic" marks an invented example (the
/// convention of the import files and the API).
pub fn is_synthetic(source: &str) -> bool {
    source.trim_start().to_lowercase().starts_with("synthetic")
}

fn shown(r: &indicator_result::Model, full: bool, min_cell: i64) -> Shown {
    let small = r.respondents.is_some_and(|n| i64::from(n) < min_cell);
    let hide = small && !full;
    Shown {
        value: (!hide).then_some(r.value),
        respondents: r.respondents,
        suppressed: hide,
        synthetic: is_synthetic(&r.source),
    }
}

#[derive(Clone)]
pub struct ComparisonRow {
    pub indicator: indicator::Model,
    pub shown: Shown,
    pub row: Option<Row>,
    pub previous: Option<Shown>,
    pub women: Option<Shown>,
    pub men: Option<Shown>,
}

impl ComparisonRow {
    pub fn gap(&self) -> Option<f64> {
        let w = self.women.and_then(|s| s.value)?;
        let m = self.men.and_then(|s| s.value)?;
        Some(maths::round2(w - m))
    }
}

pub struct Comparison {
    pub forbund: forbund::Model,
    pub year: i32,
    pub gender: Gender,
    pub rows: Vec<ComparisonRow>,
    pub summary: Summary,
    /// Measured, but hidden from this caller as small cells.
    pub suppressed: usize,
}

/// indicatorComparison: one row per indicator the förbund measured in the
/// year, against the national average and its own previous year.
pub async fn comparison(
    state: &AppState,
    db: &DatabaseConnection,
    principal: &Principal,
    slug: &str,
    year: i32,
    gender: Gender,
) -> ApiResult<Option<Comparison>> {
    let Some(f) = super::forbund::by_slug(db, slug).await? else {
        return Ok(None);
    };
    let full = policy::allows(principal, Action::ReadOwnIndicators { forbund: &f.slug });
    let min_cell = state.settings.privacy.min_cell;
    let results = indicator_result::Entity::find()
        .filter(indicator_result::Column::ForbundId.eq(f.id))
        .filter(indicator_result::Column::Year.is_in([year, year.saturating_sub(1)]))
        .all(db)
        .await?;
    let averages = national_average::Entity::find()
        .filter(national_average::Column::Year.eq(year))
        .filter(national_average::Column::Gender.eq(gender.as_str()))
        .all(db)
        .await?;
    let indicators: HashMap<i32, indicator::Model> = definitions(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let find = |ind: i32, y: i32, g: Gender| {
        results
            .iter()
            .find(|r| r.indicator_id == ind && r.year == y && r.gender == g.as_str())
    };
    let mut rows = Vec::new();
    let mut suppressed = 0;
    let mut measured: Vec<&indicator_result::Model> = results
        .iter()
        .filter(|r| r.year == year && r.gender == gender.as_str())
        .collect();
    measured.sort_by_key(|r| {
        indicators
            .get(&r.indicator_id)
            .map(|i| (i.number, i.code.clone()))
    });
    for r in measured {
        let Some(ind) = indicators.get(&r.indicator_id) else {
            continue;
        };
        let now_shown = shown(r, full, min_cell);
        let previous =
            find(r.indicator_id, year.saturating_sub(1), gender).map(|p| shown(p, full, min_cell));
        let national = averages
            .iter()
            .find(|a| a.indicator_id == r.indicator_id)
            .map(|a| a.value);
        let row = match now_shown.value {
            Some(value) => Some(Row {
                value,
                national,
                previous: previous.and_then(|p| p.value),
            }),
            None => {
                suppressed += 1;
                None
            }
        };
        rows.push(ComparisonRow {
            indicator: ind.clone(),
            shown: now_shown,
            row,
            previous,
            women: find(r.indicator_id, year, Gender::Women).map(|x| shown(x, full, min_cell)),
            men: find(r.indicator_id, year, Gender::Men).map(|x| shown(x, full, min_cell)),
        });
    }
    let compared: Vec<Row> = rows.iter().filter_map(|r| r.row).collect();
    let mut summary = maths::summarise(&compared);
    summary.measured = rows.len();
    Ok(Some(Comparison {
        forbund: f,
        year,
        gender,
        rows,
        summary,
        suppressed,
    }))
}

#[derive(Clone)]
pub struct NetworkEntry {
    /// `None` when the caller may not see which förbund it is.
    pub forbund: Option<forbund::Model>,
    pub own: bool,
    pub rank: usize,
    pub percentile: f64,
    pub value: Option<f64>,
    pub respondents: Option<i32>,
}

pub struct Network {
    pub indicator: indicator::Model,
    pub year: i32,
    pub gender: Gender,
    pub national: Option<national_average::Model>,
    pub forbund_count: usize,
    pub entries: Vec<NetworkEntry>,
    pub distribution: Option<Distribution>,
}

/// networkComparison: every förbund's value for one indicator and year,
/// ranked, as much named as the caller may see.
pub async fn network(
    state: &AppState,
    db: &DatabaseConnection,
    principal: &Principal,
    code: &str,
    year: i32,
    gender: Gender,
) -> ApiResult<Option<Network>> {
    let Some(ind) = indicator::Entity::find()
        .filter(indicator::Column::Code.eq(code))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let view = policy::network_view(principal);
    let min_cell = state.settings.privacy.min_cell;
    let results = indicator_result::Entity::find()
        .filter(indicator_result::Column::IndicatorId.eq(ind.id))
        .filter(indicator_result::Column::Year.eq(year))
        .filter(indicator_result::Column::Gender.eq(gender.as_str()))
        .all(db)
        .await?;
    let national = national_average::Entity::find()
        .filter(national_average::Column::IndicatorId.eq(ind.id))
        .filter(national_average::Column::Year.eq(year))
        .filter(national_average::Column::Gender.eq(gender.as_str()))
        .one(db)
        .await?;
    let forbund: HashMap<i32, forbund::Model> = forbund::Entity::find()
        .filter(forbund::Column::Id.is_in(results.iter().map(|r| r.forbund_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.id, f))
        .collect();
    // Small cells stay out of what a caller without full access sees,
    // the distribution included: its ends are single förbund's values.
    let counted: Vec<&indicator_result::Model> = results
        .iter()
        .filter(|r| {
            view == NetworkView::AllNamed || r.respondents.is_none_or(|n| i64::from(n) >= min_cell)
        })
        .collect();
    let values: Vec<f64> = counted.iter().map(|r| r.value).collect();
    let ranks = maths::ranks(&values);
    let mut entries: Vec<NetworkEntry> = match &view {
        NetworkView::DistributionOnly => vec![],
        _ => counted
            .iter()
            .zip(&ranks)
            .map(|(r, rank)| {
                let f = forbund.get(&r.forbund_id);
                let own =
                    matches!(&view, NetworkView::OwnNamed(s) if f.is_some_and(|f| &f.slug == s));
                let named = view == NetworkView::AllNamed || own;
                NetworkEntry {
                    forbund: if named { f.cloned() } else { None },
                    own,
                    rank: *rank,
                    percentile: maths::percentile(&values, r.value),
                    value: Some(r.value),
                    respondents: r.respondents,
                }
            })
            .collect(),
    };
    entries.sort_by(|a, b| {
        a.rank.cmp(&b.rank).then_with(|| {
            a.forbund
                .as_ref()
                .map(|f| f.slug.clone())
                .cmp(&b.forbund.as_ref().map(|f| f.slug.clone()))
        })
    });
    Ok(Some(Network {
        indicator: ind,
        year,
        gender,
        national,
        forbund_count: counted.len(),
        entries,
        distribution: maths::distribution(&values),
    }))
}

pub struct TrendPoint {
    pub year: i32,
    pub shown: Option<Shown>,
    pub national: Option<f64>,
}

/// indicatorTrend: the förbund's series beside the national average's.
#[allow(clippy::too_many_arguments)]
pub async fn trend(
    state: &AppState,
    db: &DatabaseConnection,
    principal: &Principal,
    slug: &str,
    code: &str,
    from: i32,
    to: i32,
    gender: Gender,
) -> ApiResult<Vec<TrendPoint>> {
    if to < from || i64::from(to) - i64::from(from) > 50 {
        return Err(ApiError::bad_input(
            "to",
            "a range of at most 50 years, not backwards",
        ));
    }
    let f = super::forbund::require_slug(db, slug, "forbund").await?;
    let ind = indicator::Entity::find()
        .filter(indicator::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| {
            ApiError::bad_input("indicator", format!("no indicator with code {code:?}"))
        })?;
    let full = policy::allows(principal, Action::ReadOwnIndicators { forbund: &f.slug });
    let min_cell = state.settings.privacy.min_cell;
    let results = indicator_result::Entity::find()
        .filter(indicator_result::Column::ForbundId.eq(f.id))
        .filter(indicator_result::Column::IndicatorId.eq(ind.id))
        .filter(indicator_result::Column::Gender.eq(gender.as_str()))
        .filter(indicator_result::Column::Year.between(from, to))
        .all(db)
        .await?;
    let averages = national_average::Entity::find()
        .filter(national_average::Column::IndicatorId.eq(ind.id))
        .filter(national_average::Column::Gender.eq(gender.as_str()))
        .filter(national_average::Column::Year.between(from, to))
        .all(db)
        .await?;
    Ok((from..=to)
        .map(|year| TrendPoint {
            year,
            shown: results
                .iter()
                .find(|r| r.year == year)
                .map(|r| shown(r, full, min_cell)),
            national: averages.iter().find(|a| a.year == year).map(|a| a.value),
        })
        .collect())
}

/// Key figures a förbund reports for a year (samverkansteam and the like).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Participants,
    Closures,
    ShareToWorkOrStudies,
    MeanMonthsInInsats,
}

impl Figure {
    pub fn of(self, k: &key_figure::Model) -> Option<f64> {
        match self {
            Figure::Participants => k.participants.map(f64::from),
            Figure::Closures => k.closures.map(f64::from),
            Figure::ShareToWorkOrStudies => k.share_to_work_or_studies_percent,
            Figure::MeanMonthsInInsats => k.mean_months_in_insats,
        }
    }
}

pub struct FigureComparison {
    pub year: i32,
    pub figure: Figure,
    pub entries: Vec<NetworkEntry>,
    pub forbund_count: usize,
    pub distribution: Option<Distribution>,
}

/// keyFigureComparison: one key figure across förbund, shaped like
/// networkComparison and named by the same rule. Key figures are published
/// in annual reports, so no cell is small.
pub async fn key_figure_comparison(
    db: &DatabaseConnection,
    principal: &Principal,
    year: i32,
    figure: Figure,
) -> ApiResult<FigureComparison> {
    let rows = key_figure::Entity::find()
        .filter(key_figure::Column::Year.eq(year))
        .all(db)
        .await?;
    let with_value: Vec<(&key_figure::Model, f64)> = rows
        .iter()
        .filter_map(|k| figure.of(k).map(|v| (k, v)))
        .collect();
    let values: Vec<f64> = with_value.iter().map(|(_, v)| *v).collect();
    let ranks = maths::ranks(&values);
    let forbund: HashMap<i32, forbund::Model> = forbund::Entity::find()
        .filter(forbund::Column::Id.is_in(with_value.iter().map(|(k, _)| k.forbund_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.id, f))
        .collect();
    let view = policy::network_view(principal);
    let mut entries: Vec<NetworkEntry> = match &view {
        NetworkView::DistributionOnly => vec![],
        _ => with_value
            .iter()
            .zip(&ranks)
            .map(|((k, v), rank)| {
                let f = forbund.get(&k.forbund_id);
                let own =
                    matches!(&view, NetworkView::OwnNamed(s) if f.is_some_and(|f| &f.slug == s));
                NetworkEntry {
                    forbund: if view == NetworkView::AllNamed || own {
                        f.cloned()
                    } else {
                        None
                    },
                    own,
                    rank: *rank,
                    percentile: maths::percentile(&values, *v),
                    value: Some(*v),
                    respondents: None,
                }
            })
            .collect(),
    };
    entries.sort_by_key(|e| e.rank);
    Ok(FigureComparison {
        year,
        figure,
        forbund_count: values.len(),
        entries,
        distribution: maths::distribution(&values),
    })
}

pub struct KeyFigureInput {
    pub forbund: String,
    pub year: i32,
    pub participants: Option<i32>,
    pub closures: Option<i32>,
    pub share_to_work_or_studies_percent: Option<f64>,
    pub mean_months_in_insats: Option<f64>,
    pub source: String,
}

/// setKeyFigures: a förbund's key figures for a year (its admin, or
/// network_admin), replacing what was recorded for that year.
pub async fn set_key_figures(
    state: &AppState,
    caller: &Caller,
    input: KeyFigureInput,
) -> ApiResult<key_figure::Model> {
    let txn = begin_write(&state.db).await?;
    let f = super::forbund::require_slug(&txn, &input.forbund, "forbund").await?;
    policy::require(
        &caller.principal,
        Action::WriteIndicatorResults { forbund: &f.slug },
    )?;
    check_year(0, input.year)
        .map_err(|_| ApiError::bad_input("year", "a year from 2000 to 2100"))?;
    for (field, v) in [
        ("participants", input.participants),
        ("closures", input.closures),
    ] {
        if v.is_some_and(|n| n < 0) {
            return Err(ApiError::bad_input(field, "a count is not negative"));
        }
    }
    if let (Some(p), Some(c)) = (input.participants, input.closures)
        && c > p
    {
        return Err(ApiError::bad_input(
            "closures",
            "more closures than participants",
        ));
    }
    crate::domain::insats::check_percent(
        "shareToWorkOrStudiesPercent",
        input.share_to_work_or_studies_percent,
    )?;
    if input
        .mean_months_in_insats
        .is_some_and(|m| !m.is_finite() || m < 0.0)
    {
        return Err(ApiError::bad_input(
            "meanMonthsInInsats",
            "must not be negative",
        ));
    }
    let source = check_source(0, &input.source)
        .map_err(|_| ApiError::bad_input("source", "say where the figures come from"))?;
    let existing = key_figure::Entity::find()
        .filter(key_figure::Column::ForbundId.eq(f.id))
        .filter(key_figure::Column::Year.eq(input.year))
        .one(&txn)
        .await?;
    let at = now();
    let after = match &existing {
        Some(old) => {
            let mut a: key_figure::ActiveModel = old.clone().into();
            a.participants = Set(input.participants);
            a.closures = Set(input.closures);
            a.share_to_work_or_studies_percent = Set(input.share_to_work_or_studies_percent);
            a.mean_months_in_insats = Set(input.mean_months_in_insats);
            a.source = Set(source);
            a.version = Set(old.version + 1);
            a.updated_at = Set(at);
            a.update(&txn).await?
        }
        None => {
            key_figure::ActiveModel {
                forbund_id: Set(f.id),
                year: Set(input.year),
                participants: Set(input.participants),
                closures: Set(input.closures),
                share_to_work_or_studies_percent: Set(input.share_to_work_or_studies_percent),
                mean_months_in_insats: Set(input.mean_months_in_insats),
                source: Set(source),
                version: Set(1),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    audit::record(
        &txn,
        caller,
        Change {
            operation: "setKeyFigures",
            entity: "KeyFigure",
            entity_id: after.id.to_string(),
            forbund_id: Some(f.id),
            before: existing.as_ref(),
            after: Some(&after),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}
