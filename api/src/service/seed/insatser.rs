//! Insatser with their extensions, budgets, goals and outcomes. A carried-
//! over insats refers to one earlier in the file, so rows load in file order.
//! Each row meets the rules the API applies to it: the insats's own
//! (`service::insats::new_row`), a budget's, a goal's and an outcome's
//! (`service::insats::write_outcome`).

use std::collections::HashMap;

use finsam_entity::{insats, insats_budget, insats_extension, insats_goal, insats_outcome};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::files::{InsatsFile, SeedInsats};
use super::loader::Loader;
use super::{Slugs, id_of, refused};
use crate::service::insats::{new_row, write_outcome};

/// Insats ids by (förbund id, name), as decisions refer to them.
pub(super) type Insatser = HashMap<(i32, String), i32>;

pub(super) async fn load<C: ConnectionTrait>(
    loader: &mut Loader<'_, C>,
    file: &InsatsFile,
    slugs: &Slugs,
) -> anyhow::Result<Insatser> {
    let mut ids = Insatser::new();
    for s in &file.insats {
        let name = &s.insats.name;
        let forbund_id = id_of(slugs, &s.insats.forbund)?;
        let carried_over_from_id = match &s.carried_over_from {
            Some(r) => Some(
                *ids.get(&(id_of(slugs, &r.forbund)?, r.name.clone()))
                    .ok_or_else(|| {
                        anyhow::anyhow!("seed insats {name:?} carries over an unknown insats")
                    })?,
            ),
            None => None,
        };
        let at = loader.at();
        let (id, _) = loader
            .row(
                "insatser",
                s,
                |s| {
                    Ok(insats::Column::ForbundId
                        .eq(forbund_id)
                        .and(insats::Column::Name.eq(&s.insats.name)))
                },
                |s| insats_row(s, forbund_id, carried_over_from_id, at),
            )
            .await?;
        ids.insert((forbund_id, name.clone()), id);
        load_details(loader, s, id).await?;
    }
    Ok(ids)
}

fn insats_row(
    s: &SeedInsats,
    forbund_id: i32,
    carried_over_from_id: Option<i32>,
    at: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<insats::ActiveModel> {
    let mut row = new_row(forbund_id, &s.insats, at).map_err(refused(&s.insats.name))?;
    // What only history has: the end first planned, the budget's total, the
    // insats carried over from.
    if let Some(original) = s.original_ends_on {
        row.original_ends_on = Some(original.0);
    }
    row.budget_total_sek =
        (!s.budgets.is_empty()).then(|| s.budgets.iter().map(|b| b.budget_sek).sum());
    row.carried_over_from_id = carried_over_from_id;
    let mut active: insats::ActiveModel = row.into();
    active.id = sea_orm::ActiveValue::NotSet;
    Ok(active)
}

/// Extensions, budgets, goals and outcomes of insats `id`.
async fn load_details<C: ConnectionTrait>(
    loader: &mut Loader<'_, C>,
    s: &SeedInsats,
    id: i32,
) -> anyhow::Result<()> {
    let name = &s.insats.name;
    loader
        .rows(
            "insats details",
            &s.extensions,
            |e| {
                Ok(insats_extension::Column::InsatsId
                    .eq(id)
                    .and(insats_extension::Column::NewEndsOn.eq(e.new_ends_on.0)))
            },
            |e| {
                Ok(insats_extension::ActiveModel {
                    insats_id: Set(id),
                    previous_ends_on: Set(e.previous_ends_on.map(|d| d.0)),
                    new_ends_on: Set(e.new_ends_on.0),
                    decided_on: Set(e.decided_on.map(|d| d.0)),
                    note: Set(e.note.clone()),
                    ..Default::default()
                })
            },
        )
        .await?;
    loader
        .rows(
            "insats details",
            &s.budgets,
            |b| {
                Ok(insats_budget::Column::InsatsId
                    .eq(id)
                    .and(insats_budget::Column::Year.eq(b.year)))
            },
            |b| {
                b.check().map_err(refused(name))?;
                Ok(insats_budget::ActiveModel {
                    insats_id: Set(id),
                    year: Set(b.year),
                    budget_sek: Set(b.budget_sek),
                    spent_sek: Set(b.spent_sek),
                    spent_through: Set(b.spent_through.map(|d| d.0)),
                    ..Default::default()
                })
            },
        )
        .await?;
    loader
        .rows(
            "insats details",
            &s.goals,
            |g| {
                Ok(insats_goal::Column::InsatsId
                    .eq(id)
                    .and(insats_goal::Column::Description.eq(g.description.trim())))
            },
            |g| {
                let g = g.checked().map_err(refused(name))?;
                Ok(insats_goal::ActiveModel {
                    insats_id: Set(id),
                    description: Set(g.description),
                    target_percent: Set(g.target_percent),
                    horizon_months: Set(g.horizon_months),
                    ..Default::default()
                })
            },
        )
        .await?;
    // An outcome is its period's whole row and its kommun rows, written by
    // the same writer as recordInsatsOutcome; one already there stays.
    let mut added = 0;
    for o in &s.outcomes {
        let period_from = match o.period_from {
            Some(f) => insats_outcome::Column::PeriodFrom.eq(f.0),
            None => insats_outcome::Column::PeriodFrom.is_null(),
        };
        let there = insats_outcome::Entity::find()
            .filter(insats_outcome::Column::InsatsId.eq(id))
            .filter(insats_outcome::Column::PeriodTo.eq(o.period_to.0))
            .filter(period_from)
            .filter(insats_outcome::Column::Municipality.is_null())
            .one(loader.conn())
            .await?;
        if there.is_none() {
            write_outcome(loader.conn(), id, o)
                .await
                .map_err(refused(name))?;
            added += 1 + o.municipalities.len();
        }
    }
    loader.count("insats details", added);
    Ok(())
}
