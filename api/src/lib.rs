//! finsam-graph: a GraphQL API that samordningsförbund share for their
//! insatser, their DSO-ring and the national indicators.
//!
//! Data flows one way: HTTP (`app`, `router`, `endpoint`) → `graphql` →
//! `service` (policy, transaction, audit) → entities. `domain` holds the
//! pure rules.

pub mod app;
pub mod auth;
pub mod backup;
pub mod cli;
pub mod client_address;
pub mod config;
pub mod db;
pub mod domain;
pub mod endpoint;
pub mod error;
pub mod graphql;
pub mod ics;
pub mod import;
pub mod metrics;
pub mod rate_limit;
pub mod record;
pub mod replica;
pub mod report;
pub mod router;
pub mod service;
pub mod telemetry;
pub mod trusted;
pub mod web;

pub use app::Application;
pub use config::Settings;
