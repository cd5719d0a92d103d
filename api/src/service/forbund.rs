//! Förbund: the directory (public) and the registry (network_admin).

use chrono::NaiveDate;
use finsam_entity::{forbund, forbund_member};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

use super::audit::{self, Change};
use super::{AppState, check_version, now};
use crate::auth::Caller;
use crate::auth::policy::{self, Action};
use crate::db::begin_write;
use crate::domain::forbund::{MemberKind, check_funding_shares};
use crate::domain::{OrgNumber, Slug};
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone)]
pub struct NewMember {
    pub name: String,
    pub kind: MemberKind,
    pub funding_share_percent: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct NewForbund {
    pub slug: String,
    pub name: String,
    pub org_number: Option<String>,
    pub county: String,
    pub founded_on: Option<NaiveDate>,
    pub dissolved_on: Option<NaiveDate>,
    pub successor: Option<String>,
    pub notes: Option<String>,
    pub members: Vec<NewMember>,
}

/// A partial update: `None` leaves a field as it is; `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ForbundPatch {
    pub name: Option<String>,
    pub org_number: Option<Option<String>>,
    pub county: Option<String>,
    pub founded_on: Option<Option<NaiveDate>>,
    pub dissolved_on: Option<Option<NaiveDate>>,
    pub successor: Option<Option<String>>,
    pub notes: Option<Option<String>>,
    /// Replaces the whole member list when given.
    pub members: Option<Vec<NewMember>>,
}

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
        .ok_or_else(|| ApiError::bad_input(field, format!("no förbund with slug {slug:?}")))
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

fn check_name(field: &str, name: &str, max: usize) -> ApiResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::bad_input(field, "must not be empty"));
    }
    if name.chars().count() > max {
        return Err(ApiError::bad_input(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(name.to_string())
}

fn check_org_number(org: &str) -> ApiResult<String> {
    OrgNumber::parse(org)
        .map(|o| o.to_string())
        .map_err(|e| ApiError::bad_input("orgNumber", e.to_string()))
}

fn check_dates(founded: Option<NaiveDate>, dissolved: Option<NaiveDate>) -> ApiResult<()> {
    if let (Some(f), Some(d)) = (founded, dissolved)
        && d < f
    {
        return Err(ApiError::bad_input(
            "dissolvedOn",
            "must not be before foundedOn",
        ));
    }
    Ok(())
}

fn check_members(members: &[NewMember]) -> ApiResult<Vec<NewMember>> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(members.len());
    for (i, m) in members.iter().enumerate() {
        let name = check_name(&format!("members[{i}].name"), &m.name, 200)?;
        if !seen.insert(name.to_lowercase()) {
            return Err(ApiError::bad_input(
                format!("members[{i}].name"),
                "a party is listed twice",
            ));
        }
        out.push(NewMember { name, ..m.clone() });
    }
    let shares: Vec<_> = members.iter().map(|m| m.funding_share_percent).collect();
    check_funding_shares(&shares).map_err(|(i, why)| {
        ApiError::bad_input(format!("members[{i}].fundingSharePercent"), why)
    })?;
    Ok(out)
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
    members: &[NewMember],
) -> ApiResult<Vec<forbund_member::Model>> {
    forbund_member::Entity::delete_many()
        .filter(forbund_member::Column::ForbundId.eq(forbund_id))
        .exec(conn)
        .await?;
    let at = now();
    let mut out = Vec::with_capacity(members.len());
    for m in members {
        let row = crate::service::insert_new(
            conn,
            at,
            forbund_member::ActiveModel {
                forbund_id: Set(forbund_id),
                name: Set(m.name.clone()),
                kind: Set(m.kind.as_str().to_string()),
                funding_share_percent: Set(m.funding_share_percent),
                ..Default::default()
            },
        )
        .await?;
        out.push(row);
    }
    Ok(out)
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
    state: &AppState,
    caller: &Caller,
    input: NewForbund,
) -> ApiResult<forbund::Model> {
    policy::require(&caller.principal, Action::ManageNetwork)?;
    let slug = Slug::parse(&input.slug).map_err(|e| ApiError::bad_input("slug", e))?;
    let name = check_name("name", &input.name, 200)?;
    let county = check_name("county", &input.county, 100)?;
    let org_number = input
        .org_number
        .as_deref()
        .map(check_org_number)
        .transpose()?;
    check_dates(input.founded_on, input.dissolved_on)?;
    let members = check_members(&input.members)?;

    let txn = begin_write(&state.db).await?;
    if forbund::Entity::find()
        .filter(forbund::Column::Slug.eq(slug.as_str()))
        .count(&txn)
        .await?
        > 0
    {
        return Err(ApiError::bad_input("slug", format!("slug {slug} is taken")));
    }
    if let Some(org) = &org_number
        && org_number_taken(&txn, org, None).await?
    {
        return Err(ApiError::bad_input(
            "orgNumber",
            format!("{org} belongs to another förbund"),
        ));
    }
    let successor_id = match &input.successor {
        Some(s) => Some(require_slug(&txn, s, "successor").await?.id),
        None => None,
    };
    let at = now();
    let row = crate::service::insert_new(
        &txn,
        at,
        forbund::ActiveModel {
            slug: Set(slug.to_string()),
            name: Set(name),
            org_number: Set(org_number),
            county: Set(county),
            founded_on: Set(input.founded_on),
            dissolved_on: Set(input.dissolved_on),
            successor_id: Set(successor_id),
            notes: Set(input.notes),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| {
        ApiError::from_db_unique(e, "a förbund with this slug or organisation number exists")
    })?;
    let members = replace_members(&txn, row.id, &members).await?;
    audit::commit(
        txn,
        caller,
        Change::created(
            "createForbund",
            "Forbund",
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
    state: &AppState,
    caller: &Caller,
    id: i32,
    version: i32,
    patch: ForbundPatch,
) -> ApiResult<forbund::Model> {
    policy::require(&caller.principal, Action::ManageNetwork)?;
    let txn = begin_write(&state.db).await?;
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
    if let Some(org) = &patch.org_number {
        let org = org.as_deref().map(check_org_number).transpose()?;
        if let Some(o) = &org
            && org_number_taken(&txn, o, Some(id)).await?
        {
            return Err(ApiError::bad_input(
                "orgNumber",
                format!("{o} belongs to another förbund"),
            ));
        }
        row.org_number = Set(org);
    }
    let founded = patch.founded_on.unwrap_or(before.founded_on);
    let dissolved = patch.dissolved_on.unwrap_or(before.dissolved_on);
    check_dates(founded, dissolved)?;
    row.founded_on = Set(founded);
    row.dissolved_on = Set(dissolved);
    if let Some(successor) = &patch.successor {
        let successor_id = match successor {
            Some(s) => {
                let target = require_slug(&txn, s, "successor").await?;
                // Following the successors from the new one must not lead back here.
                let mut at = Some(target.clone());
                let mut steps = 0;
                while let Some(f) = at {
                    if f.id == id {
                        return Err(ApiError::bad_input(
                            "successor",
                            "successors would go round in a circle",
                        ));
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
    if let Some(notes) = &patch.notes {
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
        "a förbund with this organisation number exists",
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
            "updateForbund",
            "Forbund",
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
