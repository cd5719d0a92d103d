//! setKeyFigures: the key figures a förbund reports for a year.

use finsam_entity::key_figure;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::{check_source, check_year};
use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Rule};
use crate::record::indicator::KeyFigures;
use crate::service::audit::{self, Change, Operation, RecordKind};
use crate::service::{ServiceContext, now};

/// The rules of a year's key figures: a year the service keeps, counts that
/// are not negative and no more closures than participants, a percentage, a
/// duration, and a source; returns the source as stored.
pub fn checked(input: &KeyFigures) -> ApiResult<String> {
    check_year(0, input.year).map_err(|_| {
        ApiError::bad_input("year", Rule::YearRange.with("min", 2000).with("max", 2100))
    })?;
    for (field, v) in [
        ("participants", input.participants),
        ("closures", input.closures),
    ] {
        if v.is_some_and(|n| n < 0) {
            return Err(ApiError::bad_input(field, Rule::Negative));
        }
    }
    if let (Some(p), Some(c)) = (input.participants, input.closures)
        && c > p
    {
        return Err(ApiError::bad_input("closures", Rule::OutcomeClosuresSum));
    }
    crate::domain::insats::check_percent(
        "shareToWorkOrStudiesPercent",
        input.share_to_work_or_studies_percent,
    )?;
    crate::domain::insats::check_months("meanMonthsInInsats", input.mean_months_in_insats)?;
    check_source(0, &input.source).map_err(ApiError::from)
}

/// The row checked key figures of förbund `forbund_id` are stored as
/// (setKeyFigures and the seed alike).
pub fn key_figure_row(forbund_id: i32, k: &KeyFigures, source: String) -> key_figure::ActiveModel {
    key_figure::ActiveModel {
        forbund_id: Set(forbund_id),
        year: Set(k.year),
        participants: Set(k.participants),
        closures: Set(k.closures),
        share_to_work_or_studies_percent: Set(k.share_to_work_or_studies_percent),
        mean_months_in_insats: Set(k.mean_months_in_insats),
        source: Set(source),
        ..Default::default()
    }
}

/// setKeyFigures: a förbund's key figures for a year (its admin, or
/// network_admin), replacing what was recorded for that year.
pub async fn set_key_figures(
    cx: &ServiceContext,
    caller: &Caller,
    input: KeyFigures,
) -> ApiResult<key_figure::Model> {
    policy::require(
        &caller.principal,
        Action::WriteIndicatorResults {
            forbund: &input.forbund,
        },
    )?;
    let txn = begin_write(&cx.db).await?;
    let f = crate::service::forbund::require_slug(&txn, &input.forbund, "forbund").await?;
    let source = checked(&input)?;
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
        None => crate::service::insert_new(&txn, at, key_figure_row(f.id, &input, source)).await?,
    };
    audit::commit(
        txn,
        caller,
        Change::upserted(
            Operation::SetKeyFigures,
            RecordKind::KeyFigure,
            after.id,
            Some(f.id),
            existing.as_ref(),
            &after,
        ),
    )
    .await?;
    Ok(after)
}
