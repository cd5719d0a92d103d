//! Board meetings and their decisions, linked to the insatser they fund,
//! each meeting and decision meeting the rules the API applies to it.

use finsam_entity::{decision, meeting};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, Set};

use super::files::MeetingFile;
use super::insatser::Insatser;
use super::loader::Loader;
use super::{Slugs, id_of, refused};
use crate::service::meeting::meeting_row;

pub(super) async fn load<C: ConnectionTrait>(
    loader: &mut Loader<'_, C>,
    file: &MeetingFile,
    slugs: &Slugs,
    insatser: &Insatser,
) -> anyhow::Result<()> {
    for m in &file.meeting {
        let forbund_id = id_of(slugs, &m.meeting.forbund)?;
        let held_on = m.meeting.held_on.0;
        let (meeting_id, _) = loader
            .row(
                "meetings",
                m,
                |_| {
                    Ok(meeting::Column::ForbundId
                        .eq(forbund_id)
                        .and(meeting::Column::HeldOn.eq(held_on)))
                },
                |m| {
                    let fields = m.meeting.checked().map_err(refused(held_on))?;
                    Ok(meeting_row(forbund_id, fields))
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
                        .and(decision::Column::Text.eq(d.text.trim())))
                },
                |d| {
                    let text = d.checked_text().map_err(refused(held_on))?;
                    // In the seed a decision names the insats it funds.
                    let insats_id = match &d.insats {
                        Some(name) => {
                            Some(*insatser.get(&(forbund_id, name.to_string())).ok_or_else(
                                || {
                                    anyhow::anyhow!(
                                        "seed decision refers to unknown insats {:?}",
                                        name.as_str()
                                    )
                                },
                            )?)
                        }
                        None => None,
                    };
                    Ok(decision::ActiveModel {
                        meeting_id: Set(meeting_id),
                        paragraph: Set(d.paragraph),
                        text: Set(text),
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
