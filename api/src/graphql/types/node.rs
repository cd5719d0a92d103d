//! `Node`: every object with an identity, found again by its global id
//! (`record::id`) through `node(id:)` and `nodes(ids:)`.

use async_graphql::{ID, Interface};

use super::audit::AuditEntry;
use super::dso::{DsoAgreement, DsoAssignment};
use super::dso_proposal::DsoProposal;
use super::indicator::Indicator;
use super::{Decision, Forbund, Insats, Meeting};

/// An object with an identity: its `id` is opaque and unique across the
/// schema, and `node(id:)` returns the object again, to whoever may see it.
#[derive(Interface, Clone)]
#[graphql(field(name = "id", ty = "ID", desc = "The object's global id."))]
pub enum Node {
    Forbund(Forbund),
    Insats(Insats),
    Meeting(Meeting),
    Decision(Decision),
    DsoAgreement(DsoAgreement),
    DsoAssignment(DsoAssignment),
    DsoProposal(DsoProposal),
    Indicator(Indicator),
    AuditEntry(AuditEntry),
}
