//! A förbund and its parties (`createForbund`, `updateForbund`, the seed's
//! `[[forbund]]`).

use async_graphql::{Enum, ID, InputObject, MaybeUndefined};
use chrono::NaiveDate;
use serde::Deserialize;

use super::Date;
use crate::domain::OrgNumberError;
use crate::domain::forbund::check_funding_shares;
use crate::domain::{OrgNumber, Slug};
use crate::error::{ApiError, ApiResult, Rule};

/// The kind of party that is a member of a förbund.
#[derive(Enum, Deserialize, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::domain::forbund::MemberKind")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MemberKind {
    /// A kommun.
    Municipality,
    /// A region.
    Region,
    /// Försäkringskassan.
    SocialInsurance,
    /// Arbetsförmedlingen.
    EmploymentService,
}

/// A party of a förbund.
#[derive(InputObject, Deserialize, Clone, Debug)]
#[graphql(name = "MemberInput")]
pub struct Member {
    pub name: String,
    pub kind: MemberKind,
    /// Percent of the förbund's funding, 0–100.
    pub funding_share_percent: Option<f64>,
}

#[derive(InputObject, Deserialize, Clone, Debug)]
#[graphql(name = "CreateForbundInput")]
pub struct NewForbund {
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
    #[serde(default)]
    pub members: Vec<Member>,
}

/// Fields left out stay as they are; fields set to null are cleared.
#[derive(InputObject, Clone, Debug)]
#[graphql(name = "UpdateForbundInput")]
pub struct ForbundPatch {
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
    pub members: Option<Vec<Member>>,
}

/// A new förbund's fields as stored, every rule met (the successor is still
/// a slug: whether it exists is the database's to say).
#[derive(Clone, Debug)]
pub struct ForbundFields {
    pub slug: Slug,
    pub name: String,
    pub org_number: Option<String>,
    pub county: String,
    pub founded_on: Option<NaiveDate>,
    pub dissolved_on: Option<NaiveDate>,
    pub successor: Option<String>,
    pub notes: Option<String>,
    pub members: Vec<Member>,
}

impl NewForbund {
    pub fn checked(&self) -> ApiResult<ForbundFields> {
        let slug =
            Slug::parse(&self.slug).map_err(|_| ApiError::bad_input("slug", Rule::SlugFormat))?;
        let founded_on = self.founded_on.map(NaiveDate::from);
        let dissolved_on = self.dissolved_on.map(NaiveDate::from);
        check_dates(founded_on, dissolved_on)?;
        Ok(ForbundFields {
            slug,
            name: check_name("name", &self.name, 200)?,
            org_number: self
                .org_number
                .as_deref()
                .map(check_org_number)
                .transpose()?,
            county: check_name("county", &self.county, 100)?,
            founded_on,
            dissolved_on,
            successor: self.successor.clone(),
            notes: self.notes.clone(),
            members: check_members(&self.members)?,
        })
    }
}

pub fn check_name(field: &str, name: &str, max: usize) -> ApiResult<String> {
    super::text(field, name, max)
}

/// `NNNNNN-NNNN` with a valid Luhn check digit, as written.
pub fn check_org_number(org: &str) -> ApiResult<String> {
    OrgNumber::parse(org).map(|o| o.to_string()).map_err(|e| {
        ApiError::bad_input(
            "orgNumber",
            match e {
                OrgNumberError::Format => Rule::OrgNumberFormat,
                OrgNumberError::CheckDigit => Rule::OrgNumberCheckDigit,
            },
        )
    })
}

pub fn check_dates(founded: Option<NaiveDate>, dissolved: Option<NaiveDate>) -> ApiResult<()> {
    if let (Some(f), Some(d)) = (founded, dissolved)
        && d < f
    {
        return Err(ApiError::bad_input(
            "dissolvedOn",
            Rule::BeforeStart.with("other", "foundedOn"),
        ));
    }
    Ok(())
}

/// Parties with names, each once, and shares that the law's groups allow
/// (law 2003:1210 § 7).
pub fn check_members(members: &[Member]) -> ApiResult<Vec<Member>> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(members.len());
    for (i, m) in members.iter().enumerate() {
        let name = check_name(&format!("members[{i}].name"), &m.name, 200)?;
        if !seen.insert(name.to_lowercase()) {
            return Err(ApiError::bad_input(
                format!("members[{i}].name"),
                Rule::PartyTwice,
            ));
        }
        out.push(Member { name, ..m.clone() });
    }
    let shares: Vec<_> = members.iter().map(|m| m.funding_share_percent).collect();
    check_funding_shares(&shares).map_err(|(i, why)| {
        ApiError::bad_input(format!("members[{i}].fundingSharePercent"), why)
    })?;
    Ok(out)
}
