//! The DSO-ring's records: an agreement's terms and its first ring
//! (`createDsoAgreement`, the seed's `[[agreement]]`).

use async_graphql::InputObject;
use serde::Deserialize;

use super::Date;
use crate::error::{ApiError, ApiResult};

fn twelve() -> i32 {
    12
}

fn four() -> i32 {
    4
}

fn two_and_a_half() -> f64 {
    2.5
}

/// The terms of a DSO agreement (the samverkansavtal): its first period,
/// how it renews, the notice period and the most a DSO may be asked to do.
#[derive(InputObject, Deserialize, Clone, Debug)]
#[graphql(name = "DsoAgreementTermsInput")]
pub struct AgreementTerms {
    pub name: String,
    pub starts_on: Date,
    pub initial_ends_on: Date,
    #[graphql(default = 12)]
    #[serde(default = "twelve")]
    pub renewal_months: i32,
    #[graphql(default = 4)]
    #[serde(default = "four")]
    pub notice_months: i32,
    #[graphql(default = 2.5)]
    #[serde(default = "two_and_a_half")]
    pub max_scope_percent: f64,
}

#[derive(InputObject, Deserialize, Clone, Debug)]
#[graphql(name = "DsoAgreementMemberInput")]
pub struct AgreementMember {
    /// Slug of the förbund.
    pub forbund: String,
    /// The DSO function address it provides.
    pub contact: String,
    /// Percent of a full-time position; the agreement's maximum when left out.
    pub scope_percent: Option<f64>,
}

#[derive(InputObject, Clone, Debug)]
#[graphql(name = "CreateDsoAgreementInput")]
pub struct NewAgreement {
    #[graphql(flatten)]
    pub terms: AgreementTerms,
    /// In ring order: each serves the next, the last the first.
    pub members: Vec<AgreementMember>,
}

impl AgreementTerms {
    /// The terms as stored (the name trimmed), every rule met.
    pub fn checked(&self) -> ApiResult<AgreementTerms> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(ApiError::bad_input(
                "name",
                "give a name of at most 200 characters",
            ));
        }
        if self.initial_ends_on < self.starts_on {
            return Err(ApiError::bad_input(
                "initialEndsOn",
                "must not be before startsOn",
            ));
        }
        if !(1..=120).contains(&self.renewal_months) {
            return Err(ApiError::bad_input(
                "renewalMonths",
                "must be 1 to 120 months",
            ));
        }
        if !(0..=60).contains(&self.notice_months) {
            return Err(ApiError::bad_input(
                "noticeMonths",
                "must be 0 to 60 months",
            ));
        }
        if !self.max_scope_percent.is_finite()
            || !(0.0..=100.0).contains(&self.max_scope_percent)
            || self.max_scope_percent == 0.0
        {
            return Err(ApiError::bad_input(
                "maxScopePercent",
                "a percentage above 0 and at most 100",
            ));
        }
        Ok(AgreementTerms {
            name: name.to_string(),
            ..self.clone()
        })
    }
}
