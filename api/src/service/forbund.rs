//! Förbund: the directory (public) and the registry (network_admin).

use chrono::NaiveDate;
use finsam_entity::{forbund, forbund_member};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

use super::audit::{self, Change, Operation, RecordKind};
use super::{ServiceContext, check_version, now};
use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Rule};
use crate::record::forbund::{
    ForbundFields, ForbundPatch, Member, NewForbund, check_dates, check_members, check_name,
    check_org_number,
};

/// What the audit log keeps of a förbund: the row and its members.
#[derive(Serialize)]
struct Snapshot<'a> {
    #[serde(flatten)]
    forbund: &'a forbund::Model,
    members: &'a [forbund_member::Model],
}

pub async fn by_slug(db: &DatabaseConnection, slug: &str) -> ApiResult<Option<forbund::Model>> {
    Ok(forbund::Entity::find()
        .filter(forbund::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// The slug's förbund, or BAD_USER_INPUT on `field` when there is none.
pub async fn require_slug<C: ConnectionTrait>(
    conn: &C,
    slug: &str,
    field: &str,
) -> ApiResult<forbund::Model> {
    forbund::Entity::find()
        .filter(forbund::Column::Slug.eq(slug))
        .one(conn)
        .await?
        .ok_or_else(|| ApiError::bad_input(field, Rule::ForbundUnknown.with("slug", slug)))
}

/// The load–permit–version step every versioned record of a förbund's
/// content passes before a change: its owner (the förbund `forbund_id`), the
/// caller's right to edit that förbund's content, the förbund open on `today`
/// (`require_open`), and the record still at the version the change is based
/// on (`what` names it in the CONFLICT).
pub async fn permit_edit<C: ConnectionTrait>(
    conn: &C,
    caller: &Caller,
    forbund_id: i32,
    today: NaiveDate,
    (what, stored, given): (&str, i32, i32),
) -> ApiResult<forbund::Model> {
    let owner = forbund::Entity::find_by_id(forbund_id)
        .one(conn)
        .await?
        .ok_or_else(|| ApiError::not_found("förbund"))?;
    policy::require(
        &caller.principal,
        Action::EditForbundContent {
            forbund: &owner.slug,
        },
    )?;
    require_open(conn, caller, &owner, today, None).await?;
    super::check_version(what, stored, given)?;
    Ok(owner)
}

/// After its last day a förbund is an archive: its data stays readable as
/// it was, but it registers nothing dated after its life (BAD_USER_INPUT on
/// `field`, naming its last day and successor), and its staff's write roles
/// end with it (FORBIDDEN): only the network corrects its records, audited.
/// `dated` is the day the record is about (a meeting's, an insats's start),
/// when it has one.
pub async fn require_open<C: ConnectionTrait>(
    conn: &C,
    caller: &Caller,
    owner: &forbund::Model,
    today: NaiveDate,
    dated: Option<(NaiveDate, &str)>,
) -> ApiResult<()> {
    let Some(end) = owner.dissolved_on else {
        return Ok(());
    };
    let successor = match owner.successor_id {
        Some(id) => forbund::Entity::find_by_id(id)
            .one(conn)
            .await?
            .map(|s| s.name),
        None => None,
    };
    let dissolved = |rule: Rule| {
        let broken = rule.with("forbund", &owner.name).with("day", end);
        match &successor {
            Some(name) => broken.with("successor", name),
            None => broken,
        }
    };
    if let Some((day, field)) = dated
        && day > end
    {
        return Err(ApiError::bad_input(
            field,
            dissolved(Rule::ForbundDissolved),
        ));
    }
    if today > end && !policy::allows(&caller.principal, Action::ManageNetwork) {
        return Err(ApiError::ForbiddenInput {
            field: "forbund".into(),
            broken: dissolved(Rule::ForbundArchived),
        });
    }
    Ok(())
}

/// One page of the directory in slug order, after `after_slug`.
pub async fn list(
    db: &DatabaseConnection,
    county: Option<&str>,
    after_slug: Option<&str>,
    limit: u64,
) -> ApiResult<Vec<forbund::Model>> {
    let mut query = forbund::Entity::find().order_by_asc(forbund::Column::Slug);
    if let Some(county) = county {
        query = query.filter(forbund::Column::County.eq(county));
    }
    if let Some(after) = after_slug {
        query = query.filter(forbund::Column::Slug.gt(after));
    }
    Ok(query.limit(limit).all(db).await?)
}

pub async fn count(db: &DatabaseConnection, county: Option<&str>) -> ApiResult<u64> {
    let mut query = forbund::Entity::find();
    if let Some(county) = county {
        query = query.filter(forbund::Column::County.eq(county));
    }
    Ok(query.count(db).await?)
}

async fn org_number_taken<C: ConnectionTrait>(
    conn: &C,
    org: &str,
    except_id: Option<i32>,
) -> ApiResult<bool> {
    let mut query = forbund::Entity::find().filter(forbund::Column::OrgNumber.eq(org));
    if let Some(id) = except_id {
        query = query.filter(forbund::Column::Id.ne(id));
    }
    Ok(query.count(conn).await? > 0)
}

async fn replace_members<C: ConnectionTrait>(
    conn: &C,
    forbund_id: i32,
    members: &[Member],
) -> ApiResult<Vec<forbund_member::Model>> {
    forbund_member::Entity::delete_many()
        .filter(forbund_member::Column::ForbundId.eq(forbund_id))
        .exec(conn)
        .await?;
    let at = now();
    let mut out = Vec::with_capacity(members.len());
    for m in members {
        let row = crate::service::insert_new(conn, at, member_row(forbund_id, m)).await?;
        out.push(row);
    }
    Ok(out)
}

/// A förbund dissolved on `day` cannot be on a DSO-ring after it (DESIGN.md,
/// "DSO-ring"): it gives notice first, so that the förbund it serves gets a
/// new DSO by consent, not by a dissolution that rewrites the ring.
async fn still_on_a_ring<C: ConnectionTrait>(
    conn: &C,
    forbund_id: i32,
    day: NaiveDate,
) -> ApiResult<()> {
    use finsam_entity::dso_member;
    let memberships = dso_member::Entity::find()
        .filter(dso_member::Column::ForbundId.eq(forbund_id))
        .filter(dso_member::Column::JoinedOn.is_not_null())
        .filter(dso_member::Column::WithdrewBeforeStart.eq(false))
        .all(conn)
        .await?;
    if memberships
        .iter()
        .any(|m| m.last_day.is_none_or(|last| last > day))
    {
        return Err(ApiError::bad_input("dissolvedOn", Rule::DissolvedOnRing));
    }
    Ok(())
}

/// The row a checked party of förbund `forbund_id` is stored as
/// (createForbund, updateForbund and the seed alike).
pub fn member_row(forbund_id: i32, m: &Member) -> forbund_member::ActiveModel {
    forbund_member::ActiveModel {
        forbund_id: Set(forbund_id),
        name: Set(m.name.clone()),
        kind: Set(m.kind.into()),
        funding_share_percent: Set(m.funding_share_percent),
        ..Default::default()
    }
}

/// The row a checked förbund is stored as (createForbund and the seed).
pub fn forbund_row(f: &ForbundFields, successor_id: Option<i32>) -> forbund::ActiveModel {
    forbund::ActiveModel {
        slug: Set(f.slug.to_string()),
        name: Set(f.name.clone()),
        org_number: Set(f.org_number.clone()),
        county: Set(f.county.clone()),
        founded_on: Set(f.founded_on),
        dissolved_on: Set(f.dissolved_on),
        successor_id: Set(successor_id),
        notes: Set(f.notes.clone()),
        ..Default::default()
    }
}

async fn members_of<C: ConnectionTrait>(
    conn: &C,
    forbund_id: i32,
) -> ApiResult<Vec<forbund_member::Model>> {
    Ok(forbund_member::Entity::find()
        .filter(forbund_member::Column::ForbundId.eq(forbund_id))
        .order_by_asc(forbund_member::Column::Id)
        .all(conn)
        .await?)
}

/// createForbund (network_admin).
pub async fn create(
    cx: &ServiceContext,
    caller: &Caller,
    input: NewForbund,
) -> ApiResult<forbund::Model> {
    policy::require(&caller.principal, Action::ManageNetwork)?;
    let fields = input.checked()?;
    let slug = &fields.slug;

    let txn = begin_write(&cx.db).await?;
    if forbund::Entity::find()
        .filter(forbund::Column::Slug.eq(slug.as_str()))
        .count(&txn)
        .await?
        > 0
    {
        return Err(ApiError::bad_input(
            "slug",
            Rule::SlugTaken.with("slug", slug.as_str()),
        ));
    }
    if let Some(org) = &fields.org_number
        && org_number_taken(&txn, org, None).await?
    {
        return Err(ApiError::bad_input(
            "orgNumber",
            Rule::OrgNumberTaken.with("org", org),
        ));
    }
    let successor_id = match &fields.successor {
        Some(s) => Some(require_slug(&txn, s, "successor").await?.id),
        None => None,
    };
    let at = now();
    let row = crate::service::insert_new(&txn, at, forbund_row(&fields, successor_id))
        .await
        .map_err(|e| ApiError::from_db_unique(e, Rule::ForbundTaken))?;
    let members = replace_members(&txn, row.id, &fields.members).await?;
    audit::commit(
        txn,
        caller,
        Change::created(
            Operation::CreateForbund,
            RecordKind::Forbund,
            row.id,
            Some(row.id),
            &Snapshot {
                forbund: &row,
                members: &members,
            },
        ),
    )
    .await?;
    Ok(row)
}

/// updateForbund (network_admin): a stale `version` is CONFLICT and changes
/// nothing.
pub async fn update(
    cx: &ServiceContext,
    caller: &Caller,
    patch: ForbundPatch,
) -> ApiResult<forbund::Model> {
    policy::require(&caller.principal, Action::ManageNetwork)?;
    let id = crate::record::id::key(crate::record::id::NodeKind::Forbund, &patch.id)
        .ok_or_else(|| ApiError::bad_input("id", Rule::IdInvalid))?;
    let version = patch.version;
    let founded_on = crate::record::patch(patch.founded_on, NaiveDate::from);
    let dissolved_on = crate::record::patch(patch.dissolved_on, NaiveDate::from);
    let org_number = crate::record::patch(patch.org_number, |v| v);
    let successor = crate::record::patch(patch.successor, |v| v);
    let notes = crate::record::patch(patch.notes, |v| v);
    let txn = begin_write(&cx.db).await?;
    let before = forbund::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("förbund"))?;
    check_version("förbund", before.version, version)?;
    let before_members = members_of(&txn, id).await?;

    let mut row: forbund::ActiveModel = before.clone().into();
    if let Some(name) = &patch.name {
        row.name = Set(check_name("name", name, 200)?);
    }
    if let Some(county) = &patch.county {
        row.county = Set(check_name("county", county, 100)?);
    }
    if let Some(org) = &org_number {
        let org = org.as_deref().map(check_org_number).transpose()?;
        if let Some(o) = &org
            && org_number_taken(&txn, o, Some(id)).await?
        {
            return Err(ApiError::bad_input(
                "orgNumber",
                Rule::OrgNumberTaken.with("org", o),
            ));
        }
        row.org_number = Set(org);
    }
    let founded = founded_on.unwrap_or(before.founded_on);
    let dissolved = dissolved_on.unwrap_or(before.dissolved_on);
    check_dates(founded, dissolved)?;
    if let Some(Some(day)) = dissolved_on {
        still_on_a_ring(&txn, id, day).await?;
    }
    row.founded_on = Set(founded);
    row.dissolved_on = Set(dissolved);
    if let Some(successor) = &successor {
        let successor_id = match successor {
            Some(s) => {
                let target = require_slug(&txn, s, "successor").await?;
                // Following the successors from the new one must not lead back here.
                let mut at = Some(target.clone());
                let mut steps = 0;
                while let Some(f) = at {
                    if f.id == id {
                        return Err(ApiError::bad_input("successor", Rule::SuccessorCircle));
                    }
                    steps += 1;
                    at = match f.successor_id {
                        Some(next) if steps < 100 => {
                            forbund::Entity::find_by_id(next).one(&txn).await?
                        }
                        _ => None,
                    };
                }
                Some(target.id)
            }
            None => None,
        };
        row.successor_id = Set(successor_id);
    }
    if let Some(notes) = &notes {
        row.notes = Set(notes.clone());
    }
    let members = match &patch.members {
        Some(m) => Some(check_members(m)?),
        None => None,
    };
    row.version = Set(before.version + 1);
    row.updated_at = Set(now());

    let after = crate::service::write_versioned_then_read(
        &txn,
        "förbund",
        row,
        id,
        version,
        Rule::ForbundTaken,
    )
    .await?;
    let after_members = match members {
        Some(m) => replace_members(&txn, id, &m).await?,
        None => before_members.clone(),
    };
    audit::commit(
        txn,
        caller,
        Change::updated(
            Operation::UpdateForbund,
            RecordKind::Forbund,
            id,
            Some(id),
            &Snapshot {
                forbund: &before,
                members: &before_members,
            },
            &Snapshot {
                forbund: &after,
                members: &after_members,
            },
        ),
    )
    .await?;
    Ok(after)
}
