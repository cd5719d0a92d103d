//! Writing a förbund's budget of a year and its members' contributions:
//! its editor and admin (and the network), one transaction each, logged
//! with the record before and after; a concurrent change is a CONFLICT on
//! the version read. The lines are `lines`', the reports `publish`'s.

use chrono::NaiveDate;
use finsam_entity::value::AllocationKind;
use finsam_entity::{
    finance_year, forbund, forbund_allocation, forbund_member, member_contribution,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    Set,
};
use serde::Serialize;

use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Rule};
use crate::record::finance::FinanceYearInput;
use crate::service::audit::{self, Change, Operation, RecordKind};
use crate::service::{ServiceContext, check_version, insert_new, now};

/// A year's budget as the log keeps it: the row, its contributions and the
/// allocation that is their total.
#[derive(Serialize)]
struct YearRecord {
    year: Option<finance_year::Model>,
    contributions: Vec<member_contribution::Model>,
    allocation: Option<i64>,
}

/// The förbund, its right checked and open for the day the record is about.
pub(super) async fn permit<C: ConnectionTrait>(
    conn: &C,
    cx: &ServiceContext,
    caller: &Caller,
    slug: &str,
    dated: Option<(NaiveDate, &str)>,
) -> ApiResult<forbund::Model> {
    policy::require(
        &caller.principal,
        Action::EditForbundContent { forbund: slug },
    )?;
    let owner = crate::service::forbund::require_slug(conn, slug, "forbund").await?;
    crate::service::forbund::require_open(conn, caller, &owner, cx.clock.today(), dated).await?;
    Ok(owner)
}

pub(super) fn year_end(year: i32) -> Option<(NaiveDate, &'static str)> {
    NaiveDate::from_ymd_opt(year, 1, 1).map(|d| (d, "year"))
}

async fn year_record<C: ConnectionTrait>(conn: &C, owner: i32, year: i32) -> ApiResult<YearRecord> {
    let row = finance_year::Entity::find()
        .filter(finance_year::Column::ForbundId.eq(owner))
        .filter(finance_year::Column::Year.eq(year))
        .one(conn)
        .await?;
    let contributions = match &row {
        Some(r) => {
            member_contribution::Entity::find()
                .filter(member_contribution::Column::FinanceYearId.eq(r.id))
                .all(conn)
                .await?
        }
        None => vec![],
    };
    let allocation = total_allocation(conn, owner, year)
        .await?
        .map(|a| a.amount_sek);
    Ok(YearRecord {
        year: row,
        contributions,
        allocation,
    })
}

async fn total_allocation<C: ConnectionTrait>(
    conn: &C,
    owner: i32,
    year: i32,
) -> ApiResult<Option<forbund_allocation::Model>> {
    Ok(forbund_allocation::Entity::find()
        .filter(forbund_allocation::Column::ForbundId.eq(owner))
        .filter(forbund_allocation::Column::Year.eq(year))
        .filter(forbund_allocation::Column::Kind.eq(AllocationKind::Total))
        .one(conn)
        .await?)
}

/// saveFinanceYear: creates the year's budget (no `version`) or replaces it
/// (the `version` read). The contributions in all are the year's TOTAL
/// allocation; a split per member replaces it.
pub async fn save_year(
    cx: &ServiceContext,
    caller: &Caller,
    input: FinanceYearInput,
    version: Option<i32>,
) -> ApiResult<finance_year::Model> {
    let txn = begin_write(&cx.db).await?;
    let owner = permit(&txn, cx, caller, &input.forbund, year_end(input.year)).await?;
    input.check()?;
    let before = year_record(&txn, owner.id, input.year).await?;
    let at = now();
    let mut row: finance_year::ActiveModel = match (&before.year, version) {
        (Some(stored), Some(v)) => {
            check_version("finance year", stored.version, v)?;
            let mut row: finance_year::ActiveModel = stored.clone().into();
            row.version = Set(stored.version + 1);
            row.updated_at = Set(at);
            row
        }
        (Some(_), None) => {
            return Err(ApiError::conflict(
                Rule::VersionRequired.with("entity", "finance year"),
            ));
        }
        (None, Some(_)) => return Err(ApiError::not_found("finance year")),
        (None, None) => finance_year::ActiveModel {
            forbund_id: Set(owner.id),
            year: Set(input.year),
            ..Default::default()
        },
    };
    row.contributions_plan1_sek = Set(input.contributions_plan1_sek);
    row.contributions_plan2_sek = Set(input.contributions_plan2_sek);
    row.equity_brought_forward_sek = Set(input.equity_brought_forward_sek);
    row.equity_ceiling_sek = Set(input.equity_ceiling_sek);
    row.note = Set(crate::record::optional_text("note", &input.note, 5_000)?);
    let saved = match &before.year {
        Some(stored) => {
            crate::service::write_versioned_then_read(
                &txn,
                "finance year",
                row,
                stored.id,
                stored.version,
                Rule::VersionStale.with("entity", "finance year"),
            )
            .await?
        }
        None => insert_new(&txn, at, row).await.map_err(|e| {
            ApiError::from_db_unique(e, Rule::VersionRequired.with("entity", "finance year"))
        })?,
    };
    write_contributions(&txn, &owner, &saved, &input, at).await?;
    let after = year_record(&txn, owner.id, input.year).await?;
    audit::commit(
        txn,
        caller,
        Change::upserted(
            Operation::SaveFinanceYear,
            RecordKind::FinanceYear,
            saved.id,
            Some(owner.id),
            before.year.is_some().then_some(&before),
            &after,
        ),
    )
    .await?;
    Ok(saved)
}

/// The year's contributions: the members' split, or the TOTAL allocation.
async fn write_contributions(
    txn: &DatabaseTransaction,
    owner: &forbund::Model,
    year: &finance_year::Model,
    input: &FinanceYearInput,
    at: chrono::DateTime<chrono::Utc>,
) -> ApiResult<()> {
    member_contribution::Entity::delete_many()
        .filter(member_contribution::Column::FinanceYearId.eq(year.id))
        .exec(txn)
        .await?;
    let members = forbund_member::Entity::find()
        .filter(forbund_member::Column::ForbundId.eq(owner.id))
        .all(txn)
        .await?;
    let mut seen = std::collections::HashSet::new();
    for c in &input.member_contributions {
        let name = c.member.trim();
        let Some(m) = members.iter().find(|m| m.name == name) else {
            return Err(ApiError::bad_input(
                "memberContributions",
                Rule::MemberUnknown.with("member", name),
            ));
        };
        if !seen.insert(m.id) {
            return Err(ApiError::bad_input("memberContributions", Rule::PartyTwice));
        }
        insert_new(
            txn,
            at,
            member_contribution::ActiveModel {
                finance_year_id: Set(year.id),
                member_id: Set(m.id),
                amount_sek: Set(c.amount_sek),
                ..Default::default()
            },
        )
        .await?;
    }
    let stored = total_allocation(txn, owner.id, input.year).await?;
    match (stored, input.contributions_sek) {
        (Some(a), Some(amount)) if a.amount_sek != amount => {
            let mut row: forbund_allocation::ActiveModel = a.into();
            row.amount_sek = Set(amount);
            row.updated_at = Set(at);
            row.update(txn).await?;
        }
        (Some(a), None) => {
            forbund_allocation::Entity::delete_by_id(a.id)
                .exec(txn)
                .await?;
        }
        (None, Some(amount)) => {
            insert_new(
                txn,
                at,
                forbund_allocation::ActiveModel {
                    forbund_id: Set(owner.id),
                    year: Set(input.year),
                    amount_sek: Set(amount),
                    kind: Set(AllocationKind::Total),
                    ..Default::default()
                },
            )
            .await?;
        }
        _ => {}
    }
    Ok(())
}
