//! The DSO-ring's records: an agreement's terms and its first ring
//! (`createDsoAgreement`, the seed's `[[agreement]]`).

use async_graphql::InputObject;
use serde::Deserialize;

use super::Date;
use crate::error::{ApiError, ApiResult, Rule};

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
        let name = super::text("name", &self.name, 200)?;
        if self.initial_ends_on < self.starts_on {
            return Err(ApiError::bad_input(
                "initialEndsOn",
                Rule::BeforeStart.with("other", "startsOn"),
            ));
        }
        if !(1..=120).contains(&self.renewal_months) {
            return Err(ApiError::bad_input(
                "renewalMonths",
                Rule::MonthsRange.with("min", 1).with("max", 120),
            ));
        }
        if !(0..=60).contains(&self.notice_months) {
            return Err(ApiError::bad_input(
                "noticeMonths",
                Rule::MonthsRange.with("min", 0).with("max", 60),
            ));
        }
        if !self.max_scope_percent.is_finite()
            || !(0.0..=100.0).contains(&self.max_scope_percent)
            || self.max_scope_percent == 0.0
        {
            return Err(ApiError::bad_input(
                "maxScopePercent",
                Rule::ScopeRange.with("max", 100),
            ));
        }
        Ok(AgreementTerms {
            name,
            ..self.clone()
        })
    }
}
