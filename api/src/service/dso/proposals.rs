//! DSO-ring proposals: reading them (for the förbund they concern and the
//! network), a party's answer, the network's decision, and applying one that
//! every party has accepted (see `consent` for how a change becomes one).

use chrono::NaiveDate;
use finsam_entity::{dso_proposal, dso_proposal_party, forbund};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};

use super::request::{
    PartyEffect, ProposalAnswer, ProposalStatus, RingRequest, effective_on, log_proposal,
    log_to_each, parties,
};
use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::error::{ApiError, ApiResult, Rule};
use crate::service::audit::Operation;
use crate::service::{ServiceContext, now};

/// A proposal with its parties' answers.
#[derive(Debug, Clone)]
pub struct ProposalView {
    pub proposal: dso_proposal::Model,
    pub parties: Vec<dso_proposal_party::Model>,
}

impl ProposalView {
    /// The request the proposal keeps.
    pub fn request(&self) -> Option<RingRequest> {
        serde_json::from_str(&self.proposal.input).ok()
    }

    /// Its state on `today`: a pending proposal past its first day has
    /// expired, whether or not anyone has looked since.
    pub fn status(&self, today: NaiveDate) -> ProposalStatus {
        if self.proposal.status == ProposalStatus::Pending && today > self.proposal.effective_on {
            ProposalStatus::Expired
        } else {
            self.proposal.status
        }
    }
}

/// Who may see a proposal: network admins, and anyone of a förbund it
/// touches or that asked for it.
fn may_see(caller: &Caller, view: &ProposalView, slugs: &[(i32, String)]) -> bool {
    let mut concerned = view
        .parties
        .iter()
        .map(|p| p.forbund_id)
        .chain(view.proposal.proposed_by_forbund_id);
    concerned.any(|id| {
        slugs.iter().any(|(fid, slug)| {
            *fid == id
                && policy::allows(
                    &caller.principal,
                    Action::ReadDsoProposals { forbund: slug },
                )
        })
    }) || policy::allows(&caller.principal, Action::ManageNetwork)
}

async fn slugs_of<C: ConnectionTrait>(conn: &C, ids: &[i32]) -> ApiResult<Vec<(i32, String)>> {
    Ok(forbund::Entity::find()
        .filter(forbund::Column::Id.is_in(ids.to_vec()))
        .all(conn)
        .await?
        .into_iter()
        .map(|f| (f.id, f.slug))
        .collect())
}

/// The slugs of `ids`, as a list in a sentence.
async fn slugs_listed<C: ConnectionTrait>(conn: &C, ids: &[i32]) -> ApiResult<String> {
    let slugs = slugs_of(conn, ids).await?;
    Ok(slugs
        .iter()
        .map(|(_, slug)| slug.as_str())
        .collect::<Vec<_>>()
        .join(", "))
}

pub(super) async fn load<C: ConnectionTrait>(conn: &C, id: i32) -> ApiResult<Option<ProposalView>> {
    let Some(proposal) = dso_proposal::Entity::find_by_id(id).one(conn).await? else {
        return Ok(None);
    };
    Ok(with_parties(conn, vec![proposal]).await?.pop())
}

/// Proposals with their parties, the parties of all in one statement.
async fn with_parties<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<dso_proposal::Model>,
) -> ApiResult<Vec<ProposalView>> {
    let ids: Vec<i32> = rows.iter().map(|p| p.id).collect();
    let mut parties = dso_proposal_party::Entity::find()
        .filter(dso_proposal_party::Column::ProposalId.is_in(ids))
        .order_by_asc(dso_proposal_party::Column::ForbundId)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|proposal| {
            let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut parties)
                .into_iter()
                .partition(|p| p.proposal_id == proposal.id);
            parties = rest;
            ProposalView {
                proposal,
                parties: mine,
            }
        })
        .collect())
}

pub(super) fn concerned_ids(view: &ProposalView) -> Vec<i32> {
    let mut ids: Vec<i32> = view
        .parties
        .iter()
        .map(|p| p.forbund_id)
        .chain(view.proposal.proposed_by_forbund_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// One proposal, when the caller may see it.
pub async fn proposal<C: ConnectionTrait>(
    conn: &C,
    caller: &Caller,
    id: i32,
) -> ApiResult<Option<ProposalView>> {
    Ok(visible_proposals(conn, caller, &[id]).await?.pop())
}

/// The proposals of `ids` the caller may see, in three statements however
/// many (`node` and `nodes` read them so).
pub async fn visible_proposals<C: ConnectionTrait>(
    conn: &C,
    caller: &Caller,
    ids: &[i32],
) -> ApiResult<Vec<ProposalView>> {
    let rows = dso_proposal::Entity::find()
        .filter(dso_proposal::Column::Id.is_in(ids.to_vec()))
        .all(conn)
        .await?;
    let views = with_parties(conn, rows).await?;
    let mut concerned: Vec<i32> = views.iter().flat_map(concerned_ids).collect();
    concerned.sort_unstable();
    concerned.dedup();
    let slugs = slugs_of(conn, &concerned).await?;
    Ok(views
        .into_iter()
        .filter(|view| may_see(caller, view, &slugs))
        .collect())
}

/// The proposals that concern `forbund` (it is a party, or asked), or
/// every one (network_admin) without `forbund`; newest
/// first, a page at a time (`before`: the id the previous page ended at),
/// with how many there are in all.
pub async fn proposals<C: ConnectionTrait>(
    conn: &C,
    caller: &Caller,
    forbund_slug: Option<&str>,
    before: Option<i32>,
    limit: u64,
) -> ApiResult<(Vec<ProposalView>, u64)> {
    use sea_orm::QuerySelect;
    use sea_orm::sea_query::Query;
    let concerns = match forbund_slug {
        // Every proposal: the network's view, one request for the whole ring.
        None => {
            policy::require(&caller.principal, Action::ReadAllDsoProposals)?;
            sea_orm::Condition::all()
        }
        Some(slug) => {
            policy::require(
                &caller.principal,
                Action::ReadDsoProposals { forbund: slug },
            )?;
            let Some(f) = forbund::Entity::find()
                .filter(forbund::Column::Slug.eq(slug))
                .one(conn)
                .await?
            else {
                return Ok((vec![], 0));
            };
            sea_orm::Condition::any()
                .add(dso_proposal::Column::ProposedByForbundId.eq(f.id))
                .add(
                    dso_proposal::Column::Id.in_subquery(
                        Query::select()
                            .column(dso_proposal_party::Column::ProposalId)
                            .from(dso_proposal_party::Entity)
                            .and_where(dso_proposal_party::Column::ForbundId.eq(f.id))
                            .to_owned(),
                    ),
                )
        }
    };
    use sea_orm::PaginatorTrait;
    let total = dso_proposal::Entity::find()
        .filter(concerns.clone())
        .count(conn)
        .await?;
    let mut query = dso_proposal::Entity::find()
        .filter(concerns)
        .order_by_desc(dso_proposal::Column::Id)
        .limit(limit);
    if let Some(before) = before {
        query = query.filter(dso_proposal::Column::Id.lt(before));
    }
    let rows = query.all(conn).await?;
    Ok((with_parties(conn, rows).await?, total))
}

/// A party's answer (its admin): `accept`, or decline with the party's
/// `reason`, which the log keeps and the proposal shows its proposer. The
/// last acceptance applies the change, worked out again on the ring as it
/// now stands.
pub async fn answer(
    cx: &ServiceContext,
    caller: &Caller,
    id: i32,
    forbund_slug: &str,
    accept: bool,
    reason: Option<String>,
) -> ApiResult<ProposalView> {
    policy::require(
        &caller.principal,
        Action::ManageDsoMembership {
            forbund: forbund_slug,
        },
    )?;
    let today = cx.clock.today();
    let txn = super::begin_ring_change(&cx.db).await?;
    let view = proposal(&txn, caller, id)
        .await?
        .ok_or_else(|| ApiError::not_found("DSO-ring proposal"))?;
    let party_forbund =
        crate::service::forbund::require_slug(&txn, forbund_slug, "forbund").await?;
    let party = view
        .parties
        .iter()
        .find(|p| p.forbund_id == party_forbund.id)
        .cloned()
        .ok_or_else(|| {
            ApiError::bad_input(
                "forbund",
                Rule::ProposalNotParty.with("forbund", &party_forbund.name),
            )
        })?;
    check_open(&view, today)?;
    let reason = crate::record::optional_text("reason", &reason, 1_000)?;
    if party.answer != ProposalAnswer::Pending {
        return Err(ApiError::conflict(
            Rule::ProposalAnswered
                .with("forbund", &party_forbund.name)
                .with("answer", party.answer.as_str()),
        ));
    }
    let answer = if accept {
        ProposalAnswer::Accepted
    } else {
        ProposalAnswer::Declined
    };
    let mut active: dso_proposal_party::ActiveModel = party.clone().into();
    active.answer = Set(answer);
    active.answered_by = Set(caller.principal.sub.clone());
    active.answered_at = Set(Some(now()));
    active.version = Set(party.version + 1);
    active.updated_at = Set(now());
    active.update(&txn).await?;
    let parties = concerned_ids(&view);
    let operation = if accept {
        Operation::AcceptDsoProposal
    } else {
        Operation::DeclineDsoProposal
    };
    let note = serde_json::json!({
        "proposal": id, "forbund": party_forbund.slug, "answer": answer, "reason": reason,
    });
    log_proposal(&txn, caller, operation, id, &parties, &note).await?;
    let all_accepted = view
        .parties
        .iter()
        .all(|p| p.id == party.id || p.answer == ProposalAnswer::Accepted);
    if !accept {
        set_status(
            &txn,
            &view.proposal,
            ProposalStatus::Declined,
            reason.as_deref(),
        )
        .await?;
        crate::service::audit::committed(txn).await?;
    } else if all_accepted {
        return settle(cx, txn, caller, view, today, Consent::EveryParty).await;
    } else {
        crate::service::audit::committed(txn).await?;
    }
    reload(cx, caller, id).await
}

/// A network admin's decision on a proposal: apply it now, or decline it,
/// whatever the parties have answered.
pub async fn decide(
    cx: &ServiceContext,
    caller: &Caller,
    id: i32,
    apply: bool,
) -> ApiResult<ProposalView> {
    policy::require(&caller.principal, Action::ManageNetwork)?;
    let today = cx.clock.today();
    let txn = super::begin_ring_change(&cx.db).await?;
    let view = load(&txn, id)
        .await?
        .ok_or_else(|| ApiError::not_found("DSO-ring proposal"))?;
    check_open(&view, today)?;
    if apply {
        return settle(cx, txn, caller, view, today, Consent::Network).await;
    }
    set_status(
        &txn,
        &view.proposal,
        ProposalStatus::Declined,
        Some("declined by the network"),
    )
    .await?;
    let note = serde_json::json!({ "proposal": id, "decision": ProposalStatus::Declined });
    log_proposal(
        &txn,
        caller,
        Operation::DecideDsoProposal,
        id,
        &concerned_ids(&view),
        &note,
    )
    .await?;
    crate::service::audit::committed(txn).await?;
    reload(cx, caller, id).await
}

/// Refuses an answer to a proposal that is no longer open: decided, or
/// past its first day (expired: it can no longer take effect as asked).
pub(super) fn check_open(view: &ProposalView, today: NaiveDate) -> ApiResult<()> {
    match view.status(today) {
        ProposalStatus::Pending => Ok(()),
        ProposalStatus::Expired => Err(ApiError::conflict(
            Rule::ProposalExpired.with("day", view.proposal.effective_on),
        )),
        status => Err(ApiError::conflict(
            Rule::ProposalClosed.with("status", status.as_str()),
        )),
    }
}

/// Applies an accepted proposal, or records why it could not be.
/// On whose word a proposal is applied.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Consent {
    /// Every party accepted: it may change the DSO of those parties only.
    EveryParty,
    /// The network decided it.
    Network,
}

async fn settle(
    cx: &ServiceContext,
    txn: DatabaseTransaction,
    caller: &Caller,
    view: ProposalView,
    today: NaiveDate,
    consent: Consent,
) -> ApiResult<ProposalView> {
    let id = view.proposal.id;
    let request = view
        .request()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("proposal {id} keeps no request")))?;
    // Worked out again on the ring as it stands now, inside a savepoint: a
    // change that no longer fits is undone while the answer stays.
    let savepoint = txn.begin().await?;
    let worked = request.apply_in(&savepoint).await;
    let first_day = worked
        .as_ref()
        .map(|a| effective_on(&request, &a.change))
        .ok();
    // The ring may have moved since the parties were asked: applied now, the
    // change must not reach a förbund that was not (its consent was never
    // given), unless the network decides it.
    let unasked: Vec<i32> = match (&worked, consent) {
        (Ok(applied), Consent::EveryParty) => parties(&applied.change, &request)
            .into_iter()
            .filter(|p| !view.parties.iter().any(|party| party.forbund_id == *p))
            .collect(),
        _ => vec![],
    };
    // Each party accepted what the proposal showed it would do to that
    // party; worked out again, it must do exactly that (issue: a leave that
    // would now hand its recipient to a DSO it never agreed to).
    let changed: Vec<i32> = match (&worked, consent) {
        (Ok(applied), Consent::EveryParty) => view
            .parties
            .iter()
            .filter(|party| {
                PartyEffect::kept(party).is_none_or(|kept| {
                    !kept.same_as(&PartyEffect::of(&applied.change, party.forbund_id))
                })
            })
            .map(|party| party.forbund_id)
            .collect(),
        _ => vec![],
    };
    let worked = if !unasked.is_empty() {
        Err(ApiError::conflict(
            Rule::ProposalOutdatedUnasked
                .with("forbund", slugs_listed(&savepoint, &unasked).await?),
        ))
    } else if !changed.is_empty() {
        Err(ApiError::conflict(
            Rule::ProposalOutdatedChanged
                .with("forbund", slugs_listed(&savepoint, &changed).await?),
        ))
    } else {
        worked
    };
    match (worked, first_day) {
        (Ok(applied), Some(day)) if day >= today => {
            savepoint.commit().await?;
            let parties = concerned_ids(&view);
            log_to_each(&txn, caller, &parties, &applied, Some(id)).await?;
            set_status(&txn, &view.proposal, ProposalStatus::Applied, None).await?;
            crate::service::audit::committed(txn).await?;
            crate::service::reference::invalidate();
            return reload(cx, caller, id).await;
        }
        (result, _) => {
            savepoint.rollback().await?;
            let why = match result {
                Err(e) => e.message(),
                Ok(_) => "it would now take effect before today".to_string(),
            };
            set_status(&txn, &view.proposal, ProposalStatus::Failed, Some(&why)).await?;
            let note = serde_json::json!({ "proposal": id, "failed": why });
            log_proposal(
                &txn,
                caller,
                Operation::DsoProposalFailed,
                id,
                &concerned_ids(&view),
                &note,
            )
            .await?;
        }
    }
    crate::service::audit::committed(txn).await?;
    reload(cx, caller, id).await
}

pub(super) async fn set_status(
    txn: &DatabaseTransaction,
    proposal: &dso_proposal::Model,
    status: ProposalStatus,
    outcome: Option<&str>,
) -> ApiResult<()> {
    let mut active: dso_proposal::ActiveModel = proposal.clone().into();
    active.status = Set(status);
    active.outcome = Set(outcome.map(str::to_string));
    active.decided_at = Set(Some(now()));
    active.version = Set(proposal.version + 1);
    active.updated_at = Set(now());
    crate::service::write_versioned(
        txn,
        "DSO-ring proposal",
        active,
        proposal.id,
        proposal.version,
        Rule::VersionStale.with("entity", "DSO-ring proposal"),
    )
    .await
}

pub(super) async fn reload(
    cx: &ServiceContext,
    caller: &Caller,
    id: i32,
) -> ApiResult<ProposalView> {
    proposal(&cx.db, caller, id)
        .await?
        .ok_or_else(|| ApiError::not_found("DSO-ring proposal"))
}
