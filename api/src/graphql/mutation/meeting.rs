//! Mutations on board meetings and their decisions. The records come from
//! `record::meeting`; `service::meeting` applies policy, rules and audit.

use async_graphql::{Context, ID, Object};

use super::{SignedIn, parse_id};
use crate::graphql::types::{Decision, Meeting};
use crate::graphql::{caller, services};
use crate::record::id::NodeKind;
use crate::record::meeting::{NewDecision, NewMeeting};
use crate::service;

#[derive(Default)]
pub struct MeetingMutation;

#[Object]
impl MeetingMutation {
    /// A board meeting of a förbund (its editor or admin).
    #[graphql(guard = "SignedIn")]
    async fn create_meeting(
        &self,
        ctx: &Context<'_>,
        input: NewMeeting,
    ) -> async_graphql::Result<Meeting> {
        Ok(Meeting(
            service::meeting::create(services(ctx)?, caller(ctx)?, input).await?,
        ))
    }

    /// Corrects a meeting (all its fields; its förbund stays), based on the
    /// `version` read.
    #[graphql(guard = "SignedIn")]
    async fn update_meeting(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        input: NewMeeting,
    ) -> async_graphql::Result<Meeting> {
        let id = parse_id(NodeKind::Meeting, "id", &id)?;
        Ok(Meeting(
            service::meeting::update(services(ctx)?, caller(ctx)?, id, version, input).await?,
        ))
    }

    /// Corrects a decision of a meeting (its paragraph, text, amount and
    /// insats), based on the meeting's `version`.
    #[graphql(guard = "SignedIn")]
    async fn update_decision(
        &self,
        ctx: &Context<'_>,
        meeting: ID,
        version: i32,
        decision: ID,
        input: NewDecision,
    ) -> async_graphql::Result<Decision> {
        let meeting = parse_id(NodeKind::Meeting, "meeting", &meeting)?;
        let decision = parse_id(NodeKind::Decision, "decision", &decision)?;
        Ok(Decision(
            service::meeting::update_decision(
                services(ctx)?,
                caller(ctx)?,
                meeting,
                version,
                decision,
                input,
            )
            .await?,
        ))
    }

    /// Records a decision of a meeting, based on the meeting's `version`.
    #[graphql(guard = "SignedIn")]
    async fn record_decision(
        &self,
        ctx: &Context<'_>,
        meeting: ID,
        version: i32,
        input: NewDecision,
    ) -> async_graphql::Result<Decision> {
        let meeting = parse_id(NodeKind::Meeting, "meeting", &meeting)?;
        Ok(Decision(
            service::meeting::record_decision(
                services(ctx)?,
                caller(ctx)?,
                meeting,
                version,
                input,
            )
            .await?,
        ))
    }
}
