//! The DSO-ring: lookups (public, GDPR art. 37(7)) and changes to the ring.
//! Every change re-derives the assignments from its day on, checks the whole
//! schedule with `domain::dso_ring::check_schedule`, and writes all of it in
//! one transaction — or nothing, with DSO_RING_INVALID naming the member.
//!
//! Lookups: `agreements` (which agreement a request means), `ring_data` (an
//! agreement's members and assignments as the rules see them), `lookups`
//! (the ring on a day, who serves whom) and `schedule` (the periods in which
//! the ring stays the same). Changes: `change` (what a change does and the
//! checks every change passes), `leave`, `join`, `scope`, `rearrange` and
//! `new_agreement`.

mod agreements;
mod change;
mod join;
mod leave;
mod lookups;
mod new_agreement;
mod rearrange;
mod ring_data;
mod schedule;
mod scope;

pub use agreements::*;
pub use change::*;
pub use join::*;
pub use leave::*;
pub use lookups::*;
pub use new_agreement::*;
pub use rearrange::*;
pub use ring_data::*;
pub use schedule::*;
pub use scope::*;
