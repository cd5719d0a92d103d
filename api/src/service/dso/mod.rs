//! The DSO-ring: lookups (public, GDPR art. 37(7)) and changes to the ring.
//! Every change re-derives the assignments from its day on, checks the whole
//! schedule with `domain::dso_ring::check_schedule`, and writes all of it in
//! one transaction — or nothing, with DSO_RING_INVALID naming the member.
//!
//! Lookups: `agreements` (which agreement a request means), `ring_data` (an
//! agreement's members and assignments as the rules see them), `lookups`
//! (the ring on a day, who serves whom) and `schedule` (the periods in which
//! the ring stays the same). Changes: `change` (what a change does and the
//! checks every change passes), `leave`, `join`, `scope`, `rearrange`,
//! `close` (the network ends a member's place, as at its dissolution) and
//! `new_agreement`; `consent` decides whether a change is applied or waits
//! as a proposal for the förbund whose DSO it changes, `proposals` answers
//! and applies one, and `request` is what the two share.

mod agreements;
mod change;
mod close;
mod consent;
mod join;
mod leave;
mod lookups;
mod new_agreement;
mod proposals;
mod rearrange;
mod request;
mod ring_data;
mod schedule;
mod scope;
mod withdraw;

use agreements::{agreement_on, require_agreement};
pub use agreements::{agreements, resolve_agreement};
pub(crate) use change::write_links;
pub use change::{Applied, RingChange};
use change::{begin_ring_change, check, check_contact, check_scope, ring_invalid};
pub use close::close_membership;
pub(crate) use close::{close_in, log_closing};
pub use consent::{Outcome, correct_history, request};
pub use join::JoinInput;
pub use leave::leave_preview;
use lookups::names;
pub use lookups::{RingView, active_for_many, dso_for, ring, served_by};
pub use new_agreement::{agreement_row, create_agreement};
pub use proposals::{ProposalView, answer, decide, proposal, proposals, visible_proposals};
pub use request::{PartyEffect, RingRequest};
pub use ring_data::RingData;
use ring_data::{months, to_link};
pub use schedule::{SchedulePeriod, schedule};
pub use withdraw::withdraw;
