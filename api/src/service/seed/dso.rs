//! DSO agreements and their rings. The facts list the assignments; the seed
//! places the members on the ring in the order of that cycle, derives the
//! assignments with the ring's own rules (`domain::dso_ring::derive`) and
//! refuses to load unless they equal the facts, then writes the derived ones
//! through the DSO service's writer.

use std::collections::HashMap;

use finsam_entity::{dso_agreement, dso_member};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, Set};

use super::files::{SeedAgreement, SeedAssignment};
use super::loader::Loader;
use super::{Slugs, id_of};
use crate::domain::dso_ring::{self, Member};
use crate::service::dso::agreement_row;

const KIND: &str = "DSO agreements, members and assignments";

pub(super) async fn load<C: ConnectionTrait>(
    loader: &mut Loader<'_, C>,
    file: &super::files::DsoFile,
    slugs: &Slugs,
) -> anyhow::Result<()> {
    for a in &file.agreement {
        let (agreement_id, new) = loader
            .row(
                KIND,
                a,
                |a| {
                    Ok(dso_agreement::Column::Name
                        .eq(&a.terms.name)
                        .and(dso_agreement::Column::StartsOn.eq(a.terms.starts_on.0)))
                },
                |a| {
                    let terms = a.terms.checked().map_err(super::refused(&a.terms.name))?;
                    Ok(agreement_row(&terms, a.decided_on.map(|d| d.0)))
                },
            )
            .await?;
        // A ring is loaded whole with its agreement, never row by row: its
        // assignments only hold together as a cycle.
        if !new {
            continue;
        }
        let (members, positions) = ring_of(a, slugs)?;
        let derived = dso_ring::derive(&members, a.terms.starts_on.0);
        check_against_facts(a, slugs, &derived)?;
        loader
            .rows(
                KIND,
                &members,
                |m| {
                    Ok(dso_member::Column::AgreementId
                        .eq(agreement_id)
                        .and(dso_member::Column::ForbundId.eq(m.forbund)))
                },
                |m| {
                    Ok(dso_member::ActiveModel {
                        agreement_id: Set(agreement_id),
                        forbund_id: Set(m.forbund),
                        signed: Set(true),
                        joined_on: Set(m.joined_on),
                        notice_received_on: Set(None),
                        last_day: Set(None),
                        withdrew_before_start: Set(m.withdrew),
                        ring_position: Set(positions.get(&m.forbund).copied()),
                        contact: Set((!m.contact.is_empty()).then(|| m.contact.clone())),
                        scope_percent: Set((!m.withdrew).then_some(m.scope)),
                        ..Default::default()
                    })
                },
            )
            .await?;
        let agreement = dso_agreement::Entity::find_by_id(agreement_id)
            .one(loader.conn())
            .await?
            .ok_or_else(|| anyhow::anyhow!("DSO agreement {} vanished", a.terms.name))?;
        crate::service::dso::write_links(
            loader.conn(),
            &crate::service::dso::RingData::empty(agreement),
            &derived,
        )
        .await
        .map_err(crate::error::ApiError::into_anyhow)?;
        loader.count(KIND, derived.len());
        close_at_dissolution(loader.conn(), agreement_id, &members).await?;
        within_lives(loader.conn(), agreement_id).await?;
    }
    Ok(())
}

/// Refuses a ring that names a förbund outside its life: every assignment
/// must lie within both its provider's and its recipient's.
async fn within_lives<C: ConnectionTrait>(conn: &C, agreement_id: i32) -> anyhow::Result<()> {
    use finsam_entity::{dso_assignment, forbund};
    use sea_orm::QueryFilter;
    let links = dso_assignment::Entity::find()
        .filter(dso_assignment::Column::AgreementId.eq(agreement_id))
        .all(conn)
        .await?;
    let lives: HashMap<i32, forbund::Model> = forbund::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|f| (f.id, f))
        .collect();
    for link in &links {
        for id in [link.provider_id, link.recipient_id] {
            let Some(f) = lives.get(&id) else {
                anyhow::bail!("{KIND}: the ring names förbund {id}, which does not exist");
            };
            let born = f.founded_on.is_none_or(|d| d <= link.valid_from);
            let ends = f
                .dissolved_on
                .is_none_or(|end| link.valid_to.is_some_and(|to| to <= end));
            if !(born && ends) {
                anyhow::bail!(
                    "{KIND}: the ring names {} from {} to {:?}, outside its life ({:?} – {:?})",
                    f.name,
                    link.valid_from,
                    link.valid_to,
                    f.founded_on,
                    f.dissolved_on
                );
            }
        }
    }
    Ok(())
}

/// A förbund's last day on a ring is at most its last day of life: a member
/// dissolved since the facts were written leaves the ring on that day, and
/// from the next the ring closes around it. Recorded as the network's
/// correction, with the reason and the successor, in the log of every
/// förbund it touches.
async fn close_at_dissolution<C: ConnectionTrait>(
    conn: &C,
    agreement_id: i32,
    members: &[Member],
) -> anyhow::Result<()> {
    use finsam_entity::forbund;
    use sea_orm::QueryFilter;
    let on_ring: Vec<i32> = members
        .iter()
        .filter(|m| !m.withdrew && m.joined_on.is_some())
        .map(|m| m.forbund)
        .collect();
    let rows = forbund::Entity::find()
        .filter(forbund::Column::Id.is_in(on_ring))
        .all(conn)
        .await?;
    for f in rows {
        let Some(end) = f.dissolved_on else {
            continue;
        };
        let left = members
            .iter()
            .find(|m| m.forbund == f.id)
            .and_then(|m| m.last_day);
        if left.is_some_and(|l| l <= end) {
            continue;
        }
        let successor = match f.successor_id {
            Some(id) => forbund::Entity::find_by_id(id).one(conn).await?,
            None => None,
        };
        let reason = match successor {
            Some(s) => format!("upplöst {end}, uppgick i {}", s.name),
            None => format!("upplöst {end}"),
        };
        let applied = crate::service::dso::close_in(conn, Some(agreement_id), &f.slug, end)
            .await
            .map_err(crate::error::ApiError::into_anyhow)?;
        let network = crate::auth::Caller::command_line();
        crate::service::dso::log_closing(conn, &network, &applied, &reason)
            .await
            .map_err(crate::error::ApiError::into_anyhow)?;
    }
    Ok(())
}

/// The members with their places on the ring, following the facts' cycle
/// from its first member.
fn ring_of(a: &SeedAgreement, slugs: &Slugs) -> anyhow::Result<(Vec<Member>, HashMap<i32, f64>)> {
    let mut provider_of: HashMap<i32, &SeedAssignment> = HashMap::new();
    let mut next: HashMap<i32, i32> = HashMap::new();
    for s in &a.assignments {
        let p = id_of(slugs, &s.provider)?;
        next.insert(p, id_of(slugs, &s.recipient)?);
        provider_of.insert(p, s);
    }
    let mut positions: HashMap<i32, f64> = HashMap::new();
    if let Some(first) = a.members.iter().find(|m| !m.withdrew_before_start) {
        let start = id_of(slugs, &first.forbund)?;
        let mut at = start;
        loop {
            positions.insert(at, positions.len() as f64 + 1.0);
            at = *next
                .get(&at)
                .ok_or_else(|| anyhow::anyhow!("seed ring is not a cycle"))?;
            if at == start {
                break;
            }
        }
    }
    let mut members = Vec::new();
    for m in &a.members {
        let forbund_id = id_of(slugs, &m.forbund)?;
        let provides = provider_of.get(&forbund_id);
        members.push(Member {
            forbund: forbund_id,
            joined_on: m.joined_on.map(|d| d.0),
            last_day: None,
            notice_received_on: None,
            withdrew: m.withdrew_before_start,
            position: positions.get(&forbund_id).copied().unwrap_or(0.0),
            contact: provides.map(|s| s.contact.clone()).unwrap_or_default(),
            scope: provides.map_or(a.terms.max_scope_percent, |s| s.scope_percent),
        });
    }
    Ok((members, positions))
}

/// The facts' assignments must be exactly the ones the rules derive.
fn check_against_facts(
    a: &SeedAgreement,
    slugs: &Slugs,
    derived: &[dso_ring::Link],
) -> anyhow::Result<()> {
    for s in &a.assignments {
        let (p, r) = (id_of(slugs, &s.provider)?, id_of(slugs, &s.recipient)?);
        anyhow::ensure!(
            derived.iter().any(|l| l.provider == p
                && l.recipient == r
                && l.from == s.valid_from.0
                && l.to == s.valid_to.map(|d| d.0)),
            "seed assignment {} → {} does not follow from the ring",
            s.provider,
            s.recipient
        );
    }
    anyhow::ensure!(
        derived.len() == a.assignments.len(),
        "seed ring has assignments the facts do not"
    );
    Ok(())
}
