//! Insatser with their extensions, budgets, goals and outcomes. A carried-
//! over insats refers to one earlier in the file, so rows load in file order.

use std::collections::HashMap;

use finsam_entity::{insats, insats_budget, insats_extension, insats_goal, insats_outcome};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, Set};

use super::files::{InsatsFile, SeedInsats};
use super::loader::Loader;
use super::{Slugs, id_of};

/// Insats ids by (förbund id, name), as decisions refer to them.
pub(super) type Insatser = HashMap<(i32, String), i32>;

pub(super) async fn load<C: ConnectionTrait>(
    loader: &mut Loader<'_, C>,
    file: &InsatsFile,
    slugs: &Slugs,
) -> anyhow::Result<Insatser> {
    let mut ids = Insatser::new();
    for s in &file.insats {
        let forbund_id = id_of(slugs, &s.forbund)?;
        let carried_over_from_id = match &s.carried_over_from {
            Some(r) => Some(
                *ids.get(&(id_of(slugs, &r.forbund)?, r.name.clone()))
                    .ok_or_else(|| {
                        anyhow::anyhow!("seed insats {:?} carries over an unknown insats", s.name)
                    })?,
            ),
            None => None,
        };
        let (id, _) = loader
            .row(
                "insatser",
                s,
                |s| {
                    Ok(insats::Column::ForbundId
                        .eq(forbund_id)
                        .and(insats::Column::Name.eq(&s.name)))
                },
                |s| Ok(insats_row(s, forbund_id, carried_over_from_id)),
            )
            .await?;
        ids.insert((forbund_id, s.name.clone()), id);
        load_details(loader, s, id).await?;
    }
    Ok(ids)
}

fn insats_row(
    s: &SeedInsats,
    forbund_id: i32,
    carried_over_from_id: Option<i32>,
) -> insats::ActiveModel {
    insats::ActiveModel {
        forbund_id: Set(forbund_id),
        name: Set(s.name.clone()),
        description: Set(s.description.clone()),
        orientation: Set(s.orientation.clone()),
        category: Set(s.category.clone()),
        owner_organisation: Set(s.owner_organisation.clone()),
        executor_organisation: Set(s.executor_organisation.clone()),
        target_group: Set(s.target_group.clone()),
        age_min: Set(s.age_min),
        age_max: Set(s.age_max),
        capacity_year_places: Set(s.capacity_year_places),
        target_participants: Set(s.target_participants),
        starts_on: Set(s.starts_on),
        original_ends_on: Set(s.original_ends_on.or(s.ends_on)),
        ends_on: Set(s.ends_on),
        status: Set(s.status.clone()),
        visibility: Set(s.visibility.clone()),
        allocated_sek: Set(s.allocated_sek),
        budget_total_sek: Set(
            (!s.budgets.is_empty()).then(|| s.budgets.iter().map(|b| b.budget_sek).sum())
        ),
        carried_over_from_id: Set(carried_over_from_id),
        search_text: Set(crate::domain::insats::search_text(
            &s.name,
            s.description.as_deref(),
            s.target_group.as_deref(),
        )),
        ..Default::default()
    }
}

/// Extensions, budgets, goals and outcomes of insats `id`.
async fn load_details<C: ConnectionTrait>(
    loader: &mut Loader<'_, C>,
    s: &SeedInsats,
    id: i32,
) -> anyhow::Result<()> {
    loader
        .rows(
            "insats details",
            &s.extensions,
            |e| {
                Ok(insats_extension::Column::InsatsId
                    .eq(id)
                    .and(insats_extension::Column::NewEndsOn.eq(e.new_ends_on)))
            },
            |e| {
                Ok(insats_extension::ActiveModel {
                    insats_id: Set(id),
                    previous_ends_on: Set(e.previous_ends_on),
                    new_ends_on: Set(e.new_ends_on),
                    decided_on: Set(e.decided_on),
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
                Ok(insats_budget::ActiveModel {
                    insats_id: Set(id),
                    year: Set(b.year),
                    budget_sek: Set(b.budget_sek),
                    spent_sek: Set(b.spent_sek),
                    spent_through: Set(b.spent_through),
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
                    .and(insats_goal::Column::Description.eq(&g.description)))
            },
            |g| {
                Ok(insats_goal::ActiveModel {
                    insats_id: Set(id),
                    description: Set(g.description.clone()),
                    target_percent: Set(g.target_percent),
                    horizon_months: Set(g.horizon_months),
                    ..Default::default()
                })
            },
        )
        .await?;
    let outcomes = s
        .outcomes
        .iter()
        .map(|o| {
            o.period_to
                .map(|to| (to, o))
                .ok_or_else(|| anyhow::anyhow!("seed outcome of {:?} needs period_to", s.name))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    loader
        .rows(
            "insats details",
            outcomes,
            |(to, o)| {
                let municipality = match &o.municipality {
                    Some(m) => insats_outcome::Column::Municipality.eq(m),
                    None => insats_outcome::Column::Municipality.is_null(),
                };
                Ok(insats_outcome::Column::InsatsId
                    .eq(id)
                    .and(insats_outcome::Column::PeriodTo.eq(*to))
                    .and(municipality))
            },
            |(to, o)| {
                Ok(insats_outcome::ActiveModel {
                    insats_id: Set(id),
                    period_from: Set(o.period_from),
                    period_to: Set(*to),
                    municipality: Set(o.municipality.clone()),
                    participants: Set(o.participants),
                    participants_women: Set(o.participants_women),
                    participants_men: Set(o.participants_men),
                    closures: Set(o.closures),
                    closures_work: Set(o.closures_work),
                    closures_studies: Set(o.closures_studies),
                    closures_labour_market_training: Set(o.closures_labour_market_training),
                    closures_completed: Set(o.closures_completed),
                    closures_not_influenceable: Set(o.closures_not_influenceable),
                    closures_other: Set(o.closures_other),
                    share_reached_goal_percent: Set(o.share_reached_goal_percent),
                    mean_months_in_insats: Set(o.mean_months_in_insats),
                    note: Set(o.note.clone()),
                    ..Default::default()
                })
            },
        )
        .await?;
    Ok(())
}
