//! Board meetings and their decisions, linked to the insatser they fund.

use chrono::NaiveTime;
use finsam_entity::{decision, meeting};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, Set};

use super::files::MeetingFile;
use super::insatser::Insatser;
use super::loader::Loader;
use super::{Slugs, id_of};

fn time(s: &Option<String>) -> anyhow::Result<Option<NaiveTime>> {
    s.as_deref()
        .map(|t| NaiveTime::parse_from_str(t, "%H:%M"))
        .transpose()
        .map_err(Into::into)
}

pub(super) async fn load<C: ConnectionTrait>(
    loader: &mut Loader<'_, C>,
    file: &MeetingFile,
    slugs: &Slugs,
    insatser: &Insatser,
) -> anyhow::Result<()> {
    for m in &file.meeting {
        let forbund_id = id_of(slugs, &m.forbund)?;
        let (meeting_id, _) = loader
            .row(
                "meetings",
                m,
                |m| {
                    Ok(meeting::Column::ForbundId
                        .eq(forbund_id)
                        .and(meeting::Column::HeldOn.eq(m.held_on)))
                },
                |m| {
                    Ok(meeting::ActiveModel {
                        forbund_id: Set(forbund_id),
                        held_on: Set(m.held_on),
                        starts_at: Set(time(&m.starts_at)?),
                        ends_at: Set(time(&m.ends_at)?),
                        place: Set(m.place.clone()),
                        paragraph_from: Set(m.paragraph_from),
                        paragraph_to: Set(m.paragraph_to),
                        body: Set(m.body.clone()),
                        note: Set(m.note.clone()),
                        ..Default::default()
                    })
                },
            )
            .await?;
        loader
            .rows(
                "decisions",
                &m.decisions,
                |d| {
                    Ok(decision::Column::MeetingId
                        .eq(meeting_id)
                        .and(decision::Column::Text.eq(&d.text)))
                },
                |d| {
                    let insats_id = match &d.insats {
                        Some(name) => {
                            Some(*insatser.get(&(forbund_id, name.clone())).ok_or_else(|| {
                                anyhow::anyhow!("seed decision refers to unknown insats {name:?}")
                            })?)
                        }
                        None => None,
                    };
                    Ok(decision::ActiveModel {
                        meeting_id: Set(meeting_id),
                        paragraph: Set(d.paragraph),
                        text: Set(d.text.clone()),
                        amount_sek: Set(d.amount_sek),
                        insats_id: Set(insats_id),
                        ..Default::default()
                    })
                },
            )
            .await?;
    }
    Ok(())
}
