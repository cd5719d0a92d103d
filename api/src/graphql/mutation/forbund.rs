use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};

use super::parse_id;
use crate::graphql::types::{Date, Forbund, MemberKind};
use crate::graphql::{caller, state};
use crate::service::forbund::{ForbundPatch, NewForbund, NewMember};

#[derive(InputObject)]
pub struct MemberInput {
    pub name: String,
    pub kind: MemberKind,
    /// Percent of the förbund's funding, 0–100.
    pub funding_share_percent: Option<f64>,
}

#[derive(InputObject)]
pub struct CreateForbundInput {
    pub slug: String,
    pub name: String,
    /// `NNNNNN-NNNN` with a valid check digit.
    pub org_number: Option<String>,
    pub county: String,
    pub founded_on: Option<Date>,
    pub dissolved_on: Option<Date>,
    /// Slug of the förbund this one merges into.
    pub successor: Option<String>,
    pub notes: Option<String>,
    #[graphql(default)]
    pub members: Vec<MemberInput>,
}

/// Fields left out stay as they are; fields set to null are cleared.
#[derive(InputObject)]
pub struct UpdateForbundInput {
    pub id: ID,
    /// The `version` the change is based on; a stale one is a CONFLICT.
    pub version: i32,
    pub name: Option<String>,
    pub org_number: MaybeUndefined<String>,
    pub county: Option<String>,
    pub founded_on: MaybeUndefined<Date>,
    pub dissolved_on: MaybeUndefined<Date>,
    pub successor: MaybeUndefined<String>,
    pub notes: MaybeUndefined<String>,
    /// Replaces the whole list of parties.
    pub members: Option<Vec<MemberInput>>,
}

fn members(input: Vec<MemberInput>) -> Vec<NewMember> {
    input
        .into_iter()
        .map(|m| NewMember {
            name: m.name,
            kind: m.kind.into(),
            funding_share_percent: m.funding_share_percent,
        })
        .collect()
}

/// `MaybeUndefined` → the service's "leave" (`None`) or "set or clear".
fn patch<T, U>(value: MaybeUndefined<T>, map: impl Fn(T) -> U) -> Option<Option<U>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(map(v))),
    }
}

#[derive(Default)]
pub struct ForbundMutation;

#[Object]
impl ForbundMutation {
    /// Registers a förbund (network_admin).
    async fn create_forbund(
        &self,
        ctx: &Context<'_>,
        input: CreateForbundInput,
    ) -> async_graphql::Result<Forbund> {
        let new = NewForbund {
            slug: input.slug,
            name: input.name,
            org_number: input.org_number,
            county: input.county,
            founded_on: input.founded_on.map(|d| d.0),
            dissolved_on: input.dissolved_on.map(|d| d.0),
            successor: input.successor,
            notes: input.notes,
            members: members(input.members),
        };
        let row = crate::service::forbund::create(state(ctx)?, caller(ctx)?, new).await?;
        Ok(Forbund::from(row))
    }

    /// Changes a förbund (network_admin), based on the `version` read.
    async fn update_forbund(
        &self,
        ctx: &Context<'_>,
        input: UpdateForbundInput,
    ) -> async_graphql::Result<Forbund> {
        let id = parse_id("id", &input.id)?;
        let changes = ForbundPatch {
            name: input.name,
            org_number: patch(input.org_number, |v| v),
            county: input.county,
            founded_on: patch(input.founded_on, |d| d.0),
            dissolved_on: patch(input.dissolved_on, |d| d.0),
            successor: patch(input.successor, |v| v),
            notes: patch(input.notes, |v| v),
            members: input.members.map(members),
        };
        let row =
            crate::service::forbund::update(state(ctx)?, caller(ctx)?, id, input.version, changes)
                .await?;
        Ok(Forbund::from(row))
    }
}
