//! Indicator definitions: the list, the rules a definition meets, and
//! defining or importing them (network_admin).

use finsam_entity::indicator;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::{BatchError, row_error};
use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Broken, Rule};
use crate::record::indicator::IndicatorDefinition;
use crate::service::audit::{self, Change, Operation, RecordKind};
use crate::service::{ServiceContext, check_version, now};

pub async fn definitions(db: &DatabaseConnection) -> ApiResult<Vec<indicator::Model>> {
    Ok(indicator::Entity::find()
        .order_by_asc(indicator::Column::Number)
        .order_by_asc(indicator::Column::Code)
        .all(db)
        .await?)
}

/// The rules of a definition: the definition as stored (code and name
/// trimmed), or the field at fault and why.
pub fn check_definition(
    d: &IndicatorDefinition,
) -> Result<IndicatorDefinition, (&'static str, Broken)> {
    let text = |field: &'static str, v: &str, max: usize| {
        crate::record::text(field, v, max).map_err(|e| match e.broken() {
            Some(b) => (field, b.clone()),
            None => (field, Broken::from(Rule::TextEmpty)),
        })
    };
    let code = text("code", &d.code, 32)?;
    let name = text("name", &d.name, 300)?;
    if d.number.is_some_and(|n| n < 1) {
        return Err(("number", Rule::NumberedFromOne.into()));
    }
    Ok(IndicatorDefinition {
        code,
        name,
        ..d.clone()
    })
}

/// Definitions from a file (network_admin, the command line): each code is
/// created or replaced; all rows or none.
pub async fn import_definitions(
    cx: &ServiceContext,
    caller: &Caller,
    rows: &[IndicatorDefinition],
) -> Result<usize, BatchError> {
    policy::require(&caller.principal, Action::ManageNetwork)?;
    let mut checked = Vec::with_capacity(rows.len());
    for (i, d) in rows.iter().enumerate() {
        checked
            .push(check_definition(d).map_err(|(column, message)| row_error(i, column, message))?);
    }
    let txn = begin_write(&cx.db).await?;
    let at = now();
    for d in &checked {
        let existing = indicator::Entity::find()
            .filter(indicator::Column::Code.eq(&d.code))
            .one(&txn)
            .await?;
        let mut a = match &existing {
            Some(old) => {
                let mut a: indicator::ActiveModel = old.clone().into();
                a.version = Set(old.version + 1);
                a
            }
            None => indicator::ActiveModel {
                code: Set(d.code.clone()),
                version: Set(1),
                created_at: Set(at),
                ..Default::default()
            },
        };
        a.number = Set(d.number);
        a.name = Set(d.name.clone());
        a.description = Set(d.description.clone());
        a.level = Set(d.level.into());
        a.kind = Set(d.kind.into());
        a.respondent_group = Set(d.respondent_group.clone());
        a.updated_at = Set(at);
        a.save(&txn).await?;
    }
    let codes: Vec<&String> = checked.iter().map(|d| &d.code).collect();
    audit::commit(
        txn,
        caller,
        Change::created(
            Operation::ImportIndicators,
            RecordKind::Indicator,
            format!("{} rows", codes.len()),
            None,
            &codes,
        ),
    )
    .await?;
    Ok(checked.len())
}

/// defineIndicator (network_admin): a new definition, or a change to the one
/// with this code at `version`.
pub async fn define(
    cx: &ServiceContext,
    caller: &Caller,
    d: IndicatorDefinition,
    version: Option<i32>,
) -> ApiResult<indicator::Model> {
    policy::require(&caller.principal, Action::ManageNetwork)?;
    let d = check_definition(&d).map_err(|(field, broken)| ApiError::bad_input(field, broken))?;
    let (code, name) = (d.code.clone(), d.name.clone());
    let txn = begin_write(&cx.db).await?;
    let existing = indicator::Entity::find()
        .filter(indicator::Column::Code.eq(&code))
        .one(&txn)
        .await?;
    let at = now();
    let (before, after) = match existing {
        Some(old) => {
            let v = version.ok_or_else(|| {
                ApiError::conflict(
                    Rule::VersionRequired.with("entity", format!("indicator {code}")),
                )
            })?;
            check_version("indicator", old.version, v)?;
            let mut a: indicator::ActiveModel = old.clone().into();
            a.number = Set(d.number);
            a.name = Set(name);
            a.description = Set(d.description);
            a.level = Set(d.level.into());
            a.kind = Set(d.kind.into());
            a.respondent_group = Set(d.respondent_group);
            a.version = Set(old.version + 1);
            a.updated_at = Set(at);
            let new = crate::service::write_versioned_then_read(
                &txn,
                "indicator",
                a,
                old.id,
                old.version,
                Rule::IndicatorCodeTaken,
            )
            .await?;
            (Some(old), new)
        }
        None => {
            let new = crate::service::insert_new(
                &txn,
                at,
                indicator::ActiveModel {
                    code: Set(code),
                    number: Set(d.number),
                    name: Set(name),
                    description: Set(d.description),
                    level: Set(d.level.into()),
                    kind: Set(d.kind.into()),
                    respondent_group: Set(d.respondent_group),
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| ApiError::from_db_unique(e, Rule::IndicatorCodeTaken))?;
            (None, new)
        }
    };
    audit::commit(
        txn,
        caller,
        Change::upserted(
            Operation::DefineIndicator,
            RecordKind::Indicator,
            after.id,
            None,
            before.as_ref(),
            &after,
        ),
    )
    .await?;
    Ok(after)
}
