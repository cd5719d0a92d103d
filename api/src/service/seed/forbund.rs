//! Förbund with their members and allocations; successors in a second pass,
//! since a successor may come later in the file.

use finsam_entity::{forbund, forbund_allocation, forbund_member};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, Set};

use super::files::ForbundFile;
use super::loader::Loader;
use super::{Slugs, id_of};

pub(super) async fn load<C: ConnectionTrait>(
    loader: &mut Loader<'_, C>,
    file: &ForbundFile,
) -> anyhow::Result<Slugs> {
    let ids = loader
        .rows(
            "förbund",
            &file.forbund,
            |f| Ok(forbund::Column::Slug.eq(&f.forbund.slug)),
            |f| {
                let fields = f
                    .forbund
                    .checked()
                    .map_err(super::refused(&f.forbund.slug))?;
                // The successor may come later in the file: set below.
                Ok(crate::service::forbund::forbund_row(&fields, None))
            },
        )
        .await?;
    let slugs: Slugs = file
        .forbund
        .iter()
        .zip(&ids)
        .map(|(f, (id, _))| (f.forbund.slug.clone(), *id))
        .collect();
    let members = file
        .forbund
        .iter()
        .zip(&ids)
        .flat_map(|(f, (id, _))| f.forbund.members.iter().map(move |m| (*id, m)));
    loader
        .rows(
            "members",
            members,
            |(id, m)| {
                Ok(forbund_member::Column::ForbundId
                    .eq(*id)
                    .and(forbund_member::Column::Name.eq(&m.name)))
            },
            |(id, m)| Ok(crate::service::forbund::member_row(*id, m)),
        )
        .await?;
    let allocations = file
        .forbund
        .iter()
        .zip(&ids)
        .flat_map(|(f, (id, _))| f.allocations.iter().map(move |a| (*id, a)));
    loader
        .rows(
            "allocations",
            allocations,
            |(id, a)| {
                Ok(forbund_allocation::Column::ForbundId
                    .eq(*id)
                    .and(forbund_allocation::Column::Year.eq(a.year))
                    .and(forbund_allocation::Column::Kind.eq(a.kind)))
            },
            |(id, a)| {
                Ok(forbund_allocation::ActiveModel {
                    forbund_id: Set(*id),
                    year: Set(a.year),
                    amount_sek: Set(a.amount_sek),
                    kind: Set(a.kind),
                    note: Set(a.note.clone()),
                    ..Default::default()
                })
            },
        )
        .await?;
    for f in file.forbund.iter().map(|f| &f.forbund) {
        if let Some(successor) = &f.successor {
            let id = id_of(&slugs, &f.slug)?;
            let successor_id = id_of(&slugs, successor)?;
            let row = forbund::Entity::find_by_id(id)
                .one(loader.conn())
                .await?
                .ok_or_else(|| anyhow::anyhow!("förbund {} vanished", f.slug))?;
            if row.successor_id.is_none() {
                let mut active: forbund::ActiveModel = row.into();
                active.successor_id = Set(Some(successor_id));
                active.update(loader.conn()).await?;
            }
        }
    }
    Ok(slugs)
}
