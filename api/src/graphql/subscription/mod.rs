//! The root subscriptions (DESIGN.md, "Live"): each follows the committed
//! changes (`service::changes`) and reads every one again under the
//! subscriber's access, with loaders made afresh for it, exactly as a query
//! sent at that moment would see it: a change the subscriber may not see is
//! not sent, money follows the subscriber's role, and a subscriber whose
//! right has ended is told so and its subscription ends.
//!
//! Every payload carries `eventId`, the change's place in the log sealed
//! with the server's cursor key: opaque, so the gaps between two a
//! subscriber sees tell nothing of the changes it may not see. Subscribing
//! with `since` set to the last one seen sends the changes missed since, or
//! one `RELOAD` when they are too many (or the subscriber fell behind).

use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;

use async_graphql::{Context, ID, Subscription};
use finsam_entity::audit_log;
use futures_util::Stream;
use sea_orm::EntityTrait;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Rule};
use crate::graphql::loaders::LazyLoaders;
use crate::graphql::pagination::CursorKey;
use crate::graphql::types::audit::AuditEntry;
use crate::graphql::types::live::{
    AuditLogChange, AuditLogChangeKind, DsoRingChange, InsatsChange, InsatsChangeKind,
    MeetingChange, MeetingChangeKind, RecordChange,
};
use crate::graphql::types::{Insats, Meeting};
use crate::service::ServiceContext;
use crate::service::audit::{Operation, RecordKind};
use crate::service::changes::{Event, Subscriber};
use read::{could_see_before, meeting_of, ring_change, version_of};

mod read;

#[derive(Default)]
pub struct SubscriptionRoot;

/// What reading one change needs: the server, the subscriber and its loaders.
#[derive(Clone, Copy)]
pub(crate) struct Scope<'a> {
    cx: &'a ServiceContext,
    caller: &'a Caller,
    loaders: &'a Arc<LazyLoaders>,
    /// Seals event ids (`event_id`) and opens `since`.
    cursors: &'a CursorKey,
}

/// What the sealed event ids are made for (a cursor of one list opens in
/// no other).
const EVENTS: &str = "events";

impl<'a> Scope<'a> {
    fn of(ctx: &Context<'a>) -> async_graphql::Result<Self> {
        Ok(Scope {
            cx: crate::graphql::services(ctx)?,
            caller: ctx.data::<Caller>()?,
            loaders: ctx.data::<Arc<LazyLoaders>>()?,
            cursors: &crate::graphql::context(ctx)?.cursors,
        })
    }

    /// A change's id as the subscriber is given it, sealed; none for what
    /// took effect by date (not in the log).
    fn event_id(&self, event: &Event) -> Option<ID> {
        (event.id != 0).then(|| ID(self.cursors.seal(EVENTS, &event.id)))
    }

    fn db(&self) -> &'a sea_orm::DatabaseConnection {
        &self.cx.db
    }

    async fn forbund_id(&self, field: &str, slug: &str) -> ApiResult<i32> {
        let reference = self.cx.reference.get(&self.cx.db).await?;
        reference
            .forbund_by_slug(slug)
            .map(|f| f.id)
            .ok_or_else(|| ApiError::bad_input(field, Rule::ForbundUnknown.with("slug", slug)))
    }

    /// The förbund's id, when the subscriber may read its log today (the
    /// `auditLog` query's rule).
    async fn may_read_log(&self, slug: &str) -> ApiResult<i32> {
        crate::service::audit_log::require_read(self.cx, self.db(), &self.caller.principal, slug)
            .await
    }

    async fn subscriber(&self, since: Option<ID>) -> ApiResult<Subscriber> {
        let since = since
            .map(|id| {
                self.cursors
                    .open::<i32>(EVENTS, &id)
                    .ok()
                    // An auditLog entry's id (or a plain log id kept from
                    // before ids were sealed) is still understood.
                    .or_else(|| {
                        crate::record::id::key(crate::record::id::NodeKind::AuditEntry, &id)
                    })
                    .ok_or_else(|| ApiError::bad_input("since", Rule::EventUnknown))
            })
            .transpose()?;
        self.cx.changes.subscribe(since).await
    }
}

/// The changes read by `read` (which gives `None` for one not to send, an
/// error to end with), one `reload` for changes missed.
fn deliver<'a, T, F, Fut>(
    scope: Scope<'a>,
    subscriber: Subscriber,
    reload: fn() -> T,
    read: F,
) -> impl Stream<Item = async_graphql::Result<T>> + 'a
where
    T: Send + 'a,
    F: FnMut(Scope<'a>, Arc<Event>) -> Fut + Send + 'a,
    Fut: Future<Output = ApiResult<Option<T>>> + Send + 'a,
{
    futures_util::stream::unfold(
        (subscriber, read, false),
        move |(mut subscriber, mut read, ended)| async move {
            if ended {
                return None;
            }
            loop {
                let next = subscriber.next().await?;
                // Read afresh: nothing loaded for an earlier change is used.
                scope.loaders.renew();
                let item = match next {
                    Err(_missed) => Ok(Some(reload())),
                    Ok(event) => read(scope, event).await,
                };
                match item {
                    Ok(Some(payload)) => return Some((Ok(payload), (subscriber, read, false))),
                    Ok(None) => continue,
                    Err(err) => {
                        return Some((Err(err.into()), (subscriber, read, true)));
                    }
                }
            }
        },
    )
}

#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Insatser created, changed, shared or carried over (of one förbund,
    /// or of all), as the subscriber may see them now; `REMOVED_FROM_VIEW`
    /// (with `insats` null) when one it could see no longer is.
    async fn insats_changed<'ctx>(
        &self,
        ctx: &Context<'ctx>,
        #[graphql(desc = "Slug of the owning förbund; all when absent.")] forbund: Option<String>,
        #[graphql(desc = "The last eventId seen: the changes since are sent first.")] since: Option<
            ID,
        >,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<InsatsChange>> + 'ctx> {
        let scope = Scope::of(ctx)?;
        let owner = match &forbund {
            Some(slug) => Some(scope.forbund_id("forbund", slug).await?),
            None => None,
        };
        let subscriber = scope.subscriber(since).await?;
        Ok(deliver(
            scope,
            subscriber,
            InsatsChange::reload,
            move |scope, event| async move {
                if event.entity != Some(RecordKind::Insats)
                    || owner.is_some_and(|o| event.forbund_id != Some(o))
                {
                    return Ok(None);
                }
                let Ok(id) = event.entity_id.parse::<i32>() else {
                    return Ok(None);
                };
                let principal = &scope.caller.principal;
                let shared = &scope.cx.changes.reads;
                let kind = match shared.get(scope.db(), principal, event.id, id).await? {
                    Some(row) => {
                        return Ok(Some(InsatsChange {
                            event_id: scope.event_id(&event),
                            kind: InsatsChangeKind::of(event.operation),
                            insats_id: Some(ID(crate::record::id::global(
                                crate::record::id::NodeKind::Insats,
                                id,
                            ))),
                            insats: Some(Insats::from(row)),
                        }));
                    }
                    None if could_see_before(&scope, &event).await? => {
                        InsatsChangeKind::RemovedFromView
                    }
                    None => return Ok(None),
                };
                Ok(Some(InsatsChange {
                    event_id: scope.event_id(&event),
                    kind,
                    insats_id: Some(ID(crate::record::id::global(
                        crate::record::id::NodeKind::Insats,
                        id,
                    ))),
                    insats: None,
                }))
            },
        ))
    }

    /// The DSO-ring: agreements, members joining and leaving, rearranging,
    /// and the proposals the subscriber's förbund is a party to; each with
    /// the ring as it stands today.
    async fn dso_ring_changed<'ctx>(
        &self,
        ctx: &Context<'ctx>,
        #[graphql(desc = "The last eventId seen: the changes since are sent first.")] since: Option<
            ID,
        >,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<DsoRingChange>> + 'ctx>
    {
        let scope = Scope::of(ctx)?;
        let subscriber = scope.subscriber(since).await?;
        // A proposal is logged once for each party: sent once.
        let mut previous: Option<(Option<RecordKind>, String, Option<Operation>)> = None;
        Ok(deliver(
            scope,
            subscriber,
            DsoRingChange::reload,
            move |scope, event| {
                let key = (event.entity, event.entity_id.clone(), event.operation);
                let repeated = previous.as_ref() == Some(&key);
                previous = Some(key);
                async move {
                    if repeated {
                        return Ok(None);
                    }
                    ring_change(scope, &event).await
                }
            },
        ))
    }

    /// Meetings created or changed and decisions recorded (of these förbund,
    /// or of all), each meeting with its decisions as the subscriber may
    /// see them.
    async fn meeting_changed<'ctx>(
        &self,
        ctx: &Context<'ctx>,
        #[graphql(desc = "Slugs of the förbund; all when absent.")] forbund: Option<Vec<String>>,
        #[graphql(desc = "The last eventId seen: the changes since are sent first.")] since: Option<
            ID,
        >,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<MeetingChange>> + 'ctx>
    {
        let scope = Scope::of(ctx)?;
        let owners = match &forbund {
            Some(slugs) => {
                let mut ids = HashSet::new();
                for slug in slugs {
                    ids.insert(scope.forbund_id("forbund", slug).await?);
                }
                Some(ids)
            }
            None => None,
        };
        let subscriber = scope.subscriber(since).await?;
        Ok(deliver(
            scope,
            subscriber,
            MeetingChange::reload,
            move |scope, event| {
                let wanted = owners
                    .as_ref()
                    .is_none_or(|o| event.forbund_id.is_some_and(|f| o.contains(&f)));
                async move {
                    if !wanted {
                        return Ok(None);
                    }
                    let Some(meeting_id) = meeting_of(scope, &event).await? else {
                        return Ok(None);
                    };
                    let meeting = crate::service::meeting::by_id(scope.db(), meeting_id).await?;
                    Ok(Some(MeetingChange {
                        event_id: scope.event_id(&event),
                        kind: MeetingChangeKind::of(event.operation),
                        meeting_id: Some(ID(crate::record::id::global(
                            crate::record::id::NodeKind::Meeting,
                            meeting_id,
                        ))),
                        meeting: meeting.map(Meeting),
                    }))
                }
            },
        ))
    }

    /// Changes to one record, for a form that has it open: its new version
    /// as soon as someone saves it (a decision recorded changes its
    /// meeting). Only while the subscriber may read the record.
    async fn record_changed<'ctx>(
        &self,
        ctx: &Context<'ctx>,
        #[graphql(
            desc = "The record's type: Insats, Meeting, Forbund, Indicator, DsoAgreement or DsoProposal."
        )]
        entity: String,
        id: ID,
        #[graphql(desc = "The last eventId seen: the changes since are sent first.")] since: Option<
            ID,
        >,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<RecordChange>> + 'ctx> {
        let scope = Scope::of(ctx)?;
        let Some(kind) = RECORDS.into_iter().find(|k| k.as_str() == entity) else {
            let names: Vec<&str> = RECORDS.iter().map(|k| k.as_str()).collect();
            return Err(
                ApiError::bad_input("entity", Rule::OneOf.with("names", names.join(", "))).into(),
            );
        };
        // The record's global id (or its bare key, as earlier versions gave it).
        let node = crate::record::id::NodeKind::of_record(kind);
        let Some(record) = node.and_then(|n| crate::record::id::key(n, &id)) else {
            return Err(ApiError::bad_input("id", Rule::IdInvalid).into());
        };
        let subscriber = scope.subscriber(since).await?;
        Ok(deliver(
            scope,
            subscriber,
            RecordChange::reload,
            move |scope, event| {
                let entity = entity.clone();
                async move {
                    let of_record = if event.entity == Some(kind) {
                        event.entity_id.parse() == Ok(record)
                    } else if kind == RecordKind::Meeting
                        && event.entity == Some(RecordKind::Decision)
                    {
                        meeting_of(scope, &event).await? == Some(record)
                    } else {
                        false
                    };
                    if !of_record {
                        return Ok(None);
                    }
                    let Some(version) = version_of(scope, kind, record).await? else {
                        // Gone, or no longer the subscriber's to read.
                        return Ok(None);
                    };
                    Ok(Some(RecordChange {
                        event_id: scope.event_id(&event),
                        entity: entity.clone(),
                        id: ID(match node {
                            Some(n) => crate::record::id::global(n, record),
                            None => record.to_string(),
                        }),
                        operation: event.operation.map(|o| o.as_str().to_string()),
                        occurred_at: Some(event.occurred_at),
                        version: Some(version),
                        changed_by_you: scope.caller.principal.sub.as_deref()
                            == Some(event.actor_sub.as_str()),
                    }))
                }
            },
        ))
    }

    /// A förbund's audit log as it is written, for those who may read it
    /// (its admin, the DSO serving it that day, network_admin). Checked
    /// again at each entry: when the right ends (a DSO assignment ends), the
    /// subscription ends with FORBIDDEN.
    async fn audit_events<'ctx>(
        &self,
        ctx: &Context<'ctx>,
        forbund: String,
        #[graphql(desc = "The last eventId seen: the changes since are sent first.")] since: Option<
            ID,
        >,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<AuditLogChange>> + 'ctx>
    {
        let scope = Scope::of(ctx)?;
        let target = scope.may_read_log(&forbund).await?;
        let subscriber = scope.subscriber(since).await?;
        Ok(deliver(
            scope,
            subscriber,
            AuditLogChange::reload,
            move |scope, event| {
                let slug = forbund.clone();
                async move {
                    if event.forbund_id != Some(target) {
                        return Ok(None);
                    }
                    scope.may_read_log(&slug).await?;
                    let entry = audit_log::Entity::find_by_id(event.id)
                        .one(scope.db())
                        .await?;
                    Ok(entry.map(|entry| AuditLogChange {
                        event_id: scope.event_id(&event),
                        kind: AuditLogChangeKind::Recorded,
                        entry: Some(AuditEntry(entry)),
                    }))
                }
            },
        ))
    }
}

/// The records `recordChanged` follows: those the web app's forms open.
const RECORDS: [RecordKind; 6] = [
    RecordKind::Insats,
    RecordKind::Meeting,
    RecordKind::Forbund,
    RecordKind::Indicator,
    RecordKind::DsoAgreement,
    RecordKind::DsoProposal,
];
