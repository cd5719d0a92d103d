//! SeaORM entities of finsam-graph, one module per table; nothing but the
//! mapping lives here (rules are in finsam-api's domain and service layers):
//! the value sets the tables hold (`value`) and reading a row by position
//! (`columns`).

pub mod columns;

pub mod area;
pub mod area_population;
pub mod audit_log;
pub mod budget_line;
pub mod decision;
pub mod dso_agreement;
pub mod dso_assignment;
pub mod dso_member;
pub mod dso_proposal;
pub mod dso_proposal_party;
pub mod finance_report;
pub mod finance_year;
pub mod forbund;
pub mod forbund_allocation;
pub mod forbund_member;
pub mod indicator;
pub mod indicator_report;
pub mod indicator_result;
pub mod insats;
pub mod insats_budget;
pub mod insats_extension;
pub mod insats_goal;
pub mod insats_outcome;
pub mod insats_share;
pub mod key_figure;
pub mod meeting;
pub mod member_contribution;
pub mod national_average;
pub mod population_support;
pub mod reported_figure;
pub mod value;
