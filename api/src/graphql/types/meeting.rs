//! Board meetings: a public calendar across förbund, each with its decisions.

use async_graphql::{Context, ID, Object};
use chrono::NaiveTime;
use finsam_entity::meeting;

use super::{Date, Decision, Forbund};
use crate::graphql::loaders;

#[derive(Clone)]
pub struct Meeting(pub meeting::Model);

fn hhmm(t: Option<NaiveTime>) -> Option<String> {
    t.map(|t| t.format("%H:%M").to_string())
}

#[Object]
impl Meeting {
    pub(crate) async fn id(&self) -> ID {
        ID(crate::record::id::global(
            crate::record::id::NodeKind::Meeting,
            self.0.id,
        ))
    }

    async fn forbund(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Forbund>> {
        Forbund::by_id(ctx, self.0.forbund_id).await
    }

    /// The board, or an interim board for a förbund being formed.
    async fn body(&self) -> crate::record::meeting::MeetingBody {
        self.0.body.into()
    }

    async fn held_on(&self) -> Date {
        Date(self.0.held_on)
    }

    /// Local time, HH:MM.
    async fn starts_at(&self) -> Option<String> {
        hhmm(self.0.starts_at)
    }

    async fn ends_at(&self) -> Option<String> {
        hhmm(self.0.ends_at)
    }

    async fn place(&self) -> Option<&str> {
        self.0.place.as_deref()
    }

    /// The first paragraph (§) of the minutes.
    async fn paragraph_from(&self) -> Option<i32> {
        self.0.paragraph_from
    }

    async fn paragraph_to(&self) -> Option<i32> {
        self.0.paragraph_to
    }

    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    async fn decisions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Decision>> {
        let rows = loaders(ctx)?
            .decisions_by_meeting
            .load_one(self.0.id)
            .await?;
        Ok(rows.unwrap_or_default().into_iter().map(Decision).collect())
    }

    async fn version(&self) -> i32 {
        self.0.version
    }

    /// What the caller may do with this meeting, by the rules the
    /// mutations check.
    async fn viewer_can(&self, ctx: &Context<'_>) -> async_graphql::Result<MeetingViewerCan> {
        use crate::auth::policy::{Action, allows};
        let principal = &crate::graphql::caller(ctx)?.principal;
        let reference = crate::graphql::reference(ctx).await?;
        let edit = reference
            .forbund_by_id(self.0.forbund_id)
            .is_some_and(|f| allows(principal, Action::EditForbundContent { forbund: &f.slug }));
        Ok(MeetingViewerCan {
            update: edit,
            record_decision: edit,
        })
    }
}

/// The changes the caller may make to one meeting (`Meeting.viewerCan`).
#[derive(async_graphql::SimpleObject)]
pub struct MeetingViewerCan {
    /// `updateMeeting`.
    pub update: bool,
    /// `recordDecision`.
    pub record_decision: bool,
}
