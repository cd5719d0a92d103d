//! Writing a report to a förbund's board: its period, its title, the
//! figures its paper states, and its publishing — a report the board has
//! received is a public document, and stays one.

use finsam_entity::value::FinanceFigure;
use finsam_entity::{decision, finance_report, forbund, meeting, reported_figure};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::Serialize;

use super::write::{permit, year_end};
use crate::auth::Caller;
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Rule};
use crate::record::finance::FinanceReportInput;
use crate::record::id::{NodeKind, key};
use crate::service::audit::{self, Change, Operation, RecordKind};
use crate::service::{ServiceContext, check_version, insert_new, now};

/// A report as the log keeps it: the row and the figures it states.
#[derive(Serialize)]
struct ReportRecord {
    report: finance_report::Model,
    figures: Vec<reported_figure::Model>,
}

/// saveFinanceReport: a report for a period, created (no `version`) or
/// replaced (the `version` read). Publishing makes it a public document; a
/// published report stays published.
pub async fn save_report(
    cx: &ServiceContext,
    caller: &Caller,
    input: FinanceReportInput,
    version: Option<i32>,
) -> ApiResult<finance_report::Model> {
    let txn = begin_write(&cx.db).await?;
    let owner = permit(&txn, cx, caller, &input.forbund, year_end(input.year)).await?;
    let title = input.check()?;
    let today = cx.clock.today();
    if let Some(p) = &input.published_on
        && p.0 > today
    {
        return Err(ApiError::bad_input(
            "publishedOn",
            Rule::DateInFuture.with("today", today),
        ));
    }
    let decision_id = match &input.decision {
        None => None,
        Some(id) => Some(own_decision(&txn, &owner, id).await?),
    };
    let stored = finance_report::Entity::find()
        .filter(finance_report::Column::ForbundId.eq(owner.id))
        .filter(finance_report::Column::Year.eq(input.year))
        .filter(finance_report::Column::Through.eq(input.through.0))
        .one(&txn)
        .await?;
    let at = now();
    let before = match &stored {
        Some(s) => Some(ReportRecord {
            report: s.clone(),
            figures: figures_of(&txn, s.id).await?,
        }),
        None => None,
    };
    let saved = match (stored, version) {
        (Some(s), Some(v)) => {
            check_version("finance report", s.version, v)?;
            if s.published && !input.publishes() {
                return Err(ApiError::bad_input(
                    "publishedOn",
                    Rule::ReportPublishedStays,
                ));
            }
            let mut row: finance_report::ActiveModel = s.clone().into();
            row.title = Set(title);
            row.published = Set(input.publishes());
            row.published_on = Set(input.published_on.as_ref().map(|d| d.0));
            row.decision_id = Set(decision_id);
            row.version = Set(s.version + 1);
            row.updated_at = Set(at);
            crate::service::write_versioned_then_read(
                &txn,
                "finance report",
                row,
                s.id,
                s.version,
                Rule::ReportTaken,
            )
            .await?
        }
        (Some(_), None) => {
            return Err(ApiError::conflict(
                Rule::VersionRequired.with("entity", "finance report"),
            ));
        }
        (None, Some(_)) => return Err(ApiError::not_found("finance report")),
        (None, None) => insert_new(
            &txn,
            at,
            finance_report::ActiveModel {
                forbund_id: Set(owner.id),
                year: Set(input.year),
                through: Set(input.through.0),
                title: Set(title),
                published: Set(input.publishes()),
                published_on: Set(input.published_on.as_ref().map(|d| d.0)),
                decision_id: Set(decision_id),
                ..Default::default()
            },
        )
        .await
        .map_err(|e| ApiError::from_db_unique(e, Rule::ReportTaken))?,
    };
    reported_figure::Entity::delete_many()
        .filter(reported_figure::Column::ReportId.eq(saved.id))
        .exec(&txn)
        .await?;
    for f in &input.reported_figures {
        insert_new(
            &txn,
            at,
            reported_figure::ActiveModel {
                report_id: Set(saved.id),
                figure: Set(FinanceFigure::from(f.figure)),
                year: Set(f.year),
                value: Set(f.value),
                ..Default::default()
            },
        )
        .await?;
    }
    let after = ReportRecord {
        report: saved.clone(),
        figures: figures_of(&txn, saved.id).await?,
    };
    audit::commit(
        txn,
        caller,
        Change::upserted(
            Operation::SaveFinanceReport,
            RecordKind::FinanceReport,
            saved.id,
            Some(owner.id),
            before.as_ref(),
            &after,
        ),
    )
    .await?;
    Ok(saved)
}

async fn figures_of<C: ConnectionTrait>(
    conn: &C,
    report: i32,
) -> ApiResult<Vec<reported_figure::Model>> {
    Ok(reported_figure::Entity::find()
        .filter(reported_figure::Column::ReportId.eq(report))
        .all(conn)
        .await?)
}

/// A decision of the förbund's own board.
async fn own_decision<C: ConnectionTrait>(
    conn: &C,
    owner: &forbund::Model,
    id: &async_graphql::ID,
) -> ApiResult<i32> {
    let found = match key(NodeKind::Decision, id) {
        Some(k) => decision::Entity::find_by_id(k).one(conn).await?,
        None => None,
    };
    let Some(d) = found else {
        return Err(ApiError::bad_input("decision", Rule::DecisionNotOwn));
    };
    let held_by = meeting::Entity::find_by_id(d.meeting_id).one(conn).await?;
    match held_by {
        Some(m) if m.forbund_id == owner.id => Ok(d.id),
        _ => Err(ApiError::bad_input("decision", Rule::DecisionNotOwn)),
    }
}
