//! What the subscriptions send (`graphql::subscription`). Every payload has
//! the change's `eventId`, to resume from, and a `kind`; `RELOAD` (with
//! `eventId` and the record null) says changes were missed: read the view
//! again, then go on with the events that follow.

use async_graphql::{Enum, ID, SimpleObject};
use chrono::{DateTime, Utc};

use super::audit::AuditEntry;
use super::dso::DsoRing;
use super::dso_proposal::DsoProposal;
use super::{Insats, Meeting};
use crate::service::audit::Operation;

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum InsatsChangeKind {
    Created,
    Updated,
    /// Shared with a förbund, or a share withdrawn.
    Shared,
    CarriedOver,
    /// The subscriber could see the insats and now cannot.
    RemovedFromView,
    Reload,
}

impl InsatsChangeKind {
    pub fn of(operation: Option<Operation>) -> Self {
        match operation {
            Some(Operation::CreateInsats) => InsatsChangeKind::Created,
            Some(Operation::ShareInsats | Operation::UnshareInsats) => InsatsChangeKind::Shared,
            Some(Operation::CarryOverInsats) => InsatsChangeKind::CarriedOver,
            _ => InsatsChangeKind::Updated,
        }
    }
}

/// An insats changed.
#[derive(SimpleObject)]
pub struct InsatsChange {
    pub event_id: Option<ID>,
    pub kind: InsatsChangeKind,
    pub insats_id: Option<ID>,
    /// As the subscriber may see it now; null when it may not.
    pub insats: Option<Insats>,
}

impl InsatsChange {
    pub fn reload() -> Self {
        InsatsChange {
            event_id: None,
            kind: InsatsChangeKind::Reload,
            insats_id: None,
            insats: None,
        }
    }
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum DsoRingChangeKind {
    AgreementCreated,
    Joined,
    Left,
    Rearranged,
    /// The ring's history corrected by network_admin.
    Corrected,
    ScopeChanged,
    Proposed,
    /// A party answered a proposal, or it was decided.
    Answered,
    /// Assignments of the agreement begin today (by date, not by a write;
    /// `eventId` is null).
    AssignmentTookEffect,
    Updated,
    Reload,
}

impl DsoRingChangeKind {
    pub fn of(operation: Option<Operation>) -> Self {
        use Operation as Op;
        let Some(operation) = operation else {
            return DsoRingChangeKind::Updated;
        };
        match operation {
            Op::CreateDsoAgreement => DsoRingChangeKind::AgreementCreated,
            Op::JoinDsoRing => DsoRingChangeKind::Joined,
            // A member's place ended, by notice or by the network's closing.
            Op::LeaveDsoRing | Op::CloseDsoMembership => DsoRingChangeKind::Left,
            Op::RearrangeDsoRing => DsoRingChangeKind::Rearranged,
            Op::CorrectDsoRingHistory => DsoRingChangeKind::Corrected,
            Op::SetDsoAssignmentScope => DsoRingChangeKind::ScopeChanged,
            Op::AssignmentTookEffect => DsoRingChangeKind::AssignmentTookEffect,
            Op::ProposeDsoRingChange => DsoRingChangeKind::Proposed,
            Op::AcceptDsoProposal
            | Op::DeclineDsoProposal
            | Op::DecideDsoProposal
            | Op::WithdrawDsoProposal => DsoRingChangeKind::Answered,
            _ => DsoRingChangeKind::Updated,
        }
    }
}

/// The DSO-ring changed.
#[derive(SimpleObject)]
pub struct DsoRingChange {
    pub event_id: Option<ID>,
    pub kind: DsoRingChangeKind,
    pub agreement_id: Option<ID>,
    /// The agreement's ring today.
    pub ring: Option<DsoRing>,
    /// The proposal, for its parties.
    pub proposal: Option<DsoProposal>,
}

impl DsoRingChange {
    pub fn reload() -> Self {
        DsoRingChange {
            event_id: None,
            kind: DsoRingChangeKind::Reload,
            agreement_id: None,
            ring: None,
            proposal: None,
        }
    }
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum MeetingChangeKind {
    Created,
    Updated,
    DecisionRecorded,
    Reload,
}

impl MeetingChangeKind {
    pub fn of(operation: Option<Operation>) -> Self {
        match operation {
            Some(Operation::CreateMeeting) => MeetingChangeKind::Created,
            Some(Operation::RecordDecision) => MeetingChangeKind::DecisionRecorded,
            _ => MeetingChangeKind::Updated,
        }
    }
}

/// A meeting changed or a decision was recorded.
#[derive(SimpleObject)]
pub struct MeetingChange {
    pub event_id: Option<ID>,
    pub kind: MeetingChangeKind,
    pub meeting_id: Option<ID>,
    /// With its decisions.
    pub meeting: Option<Meeting>,
}

impl MeetingChange {
    pub fn reload() -> Self {
        MeetingChange {
            event_id: None,
            kind: MeetingChangeKind::Reload,
            meeting_id: None,
            meeting: None,
        }
    }
}

/// A record a form has open was saved.
#[derive(SimpleObject)]
pub struct RecordChange {
    pub event_id: Option<ID>,
    pub entity: String,
    pub id: ID,
    /// The mutation that changed it; null on a reload.
    pub operation: Option<String>,
    pub occurred_at: Option<DateTime<Utc>>,
    /// The record's version now: a form holding an older one is out of date.
    pub version: Option<i32>,
    /// Saved by the subscriber itself (the same token subject).
    pub changed_by_you: bool,
}

impl RecordChange {
    pub fn reload() -> Self {
        RecordChange {
            event_id: None,
            entity: String::new(),
            id: ID::default(),
            operation: None,
            occurred_at: None,
            version: None,
            changed_by_you: false,
        }
    }
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AuditLogChangeKind {
    Recorded,
    Reload,
}

/// An entry written to a förbund's audit log.
#[derive(SimpleObject)]
pub struct AuditLogChange {
    pub event_id: Option<ID>,
    pub kind: AuditLogChangeKind,
    pub entry: Option<AuditEntry>,
}

impl AuditLogChange {
    pub fn reload() -> Self {
        AuditLogChange {
            event_id: None,
            kind: AuditLogChangeKind::Reload,
            entry: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DsoRingChangeKind as Kind;
    use crate::service::audit::Operation;

    /// Every operation the ring's services write is told to subscribers as
    /// what it is, by the same names.
    #[test]
    fn each_ring_operation_is_told_as_what_it_is() {
        for (written, told) in [
            (Operation::CreateDsoAgreement, Kind::AgreementCreated),
            (Operation::JoinDsoRing, Kind::Joined),
            (Operation::LeaveDsoRing, Kind::Left),
            (Operation::CloseDsoMembership, Kind::Left),
            (Operation::RearrangeDsoRing, Kind::Rearranged),
            (Operation::CorrectDsoRingHistory, Kind::Corrected),
            (Operation::SetDsoAssignmentScope, Kind::ScopeChanged),
            (Operation::AssignmentTookEffect, Kind::AssignmentTookEffect),
            (Operation::ProposeDsoRingChange, Kind::Proposed),
            (Operation::AcceptDsoProposal, Kind::Answered),
            (Operation::DeclineDsoProposal, Kind::Answered),
            (Operation::DecideDsoProposal, Kind::Answered),
            (Operation::WithdrawDsoProposal, Kind::Answered),
            (Operation::DsoProposalFailed, Kind::Updated),
        ] {
            assert_eq!(Kind::of(Some(written)), told, "{written}");
        }
        // An entry of a newer version's operation is told as an update.
        assert_eq!(Kind::of(None), Kind::Updated);
    }
}
