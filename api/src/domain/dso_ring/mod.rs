//! The DSO-ring (DESIGN.md, "DSO-ring"): förbund providing each other a data
//! protection officer in one cycle.
//!
//! The assignments on any day must form one cycle over the members active that
//! day: each provides to exactly one other and receives from exactly one,
//! never itself (`check_day`). Members keep a place in the ring
//! (`Member::position`); from the day of a change on, the assignments are
//! derived from those places and the members' active days (`regenerate`), while
//! the assignments before it stay as history. Leaving: notice received on day
//! N makes N + the notice period (calendar months, clamped to month end) the
//! last day, and from the next day the förbund that served the leaver serves
//! the leaver's recipient — which is what deriving from the places gives.

use crate::domain::rule::{Broken, Rule};
use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;

/// A förbund's id.
pub type Id = i32;

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub forbund: Id,
    pub joined_on: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    pub notice_received_on: Option<NaiveDate>,
    /// Signed, then left before the ring started.
    pub withdrew: bool,
    /// The member serves the next active member by position, the last the first.
    pub position: f64,
    /// The DSO function address this member provides.
    pub contact: String,
    /// Percent of a full-time position per assignment.
    pub scope: f64,
}

impl Member {
    pub fn active_on(&self, day: NaiveDate) -> bool {
        !self.withdrew
            && self.joined_on.is_some_and(|j| j <= day)
            && self.last_day.is_none_or(|l| day <= l)
    }
}

/// One assignment: `provider`'s DSO serves `recipient` from `from` through
/// `to` (open when `None`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Link {
    pub provider: Id,
    pub recipient: Id,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub scope: f64,
    pub contact: String,
}

impl Link {
    pub fn active_on(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|t| day <= t)
    }

    fn same_service(&self, other: &Link) -> bool {
        self.provider == other.provider
            && self.recipient == other.recipient
            && self.contact == other.contact
            && (self.scope - other.scope).abs() < 1e-9
    }
}

/// What is wrong with the ring on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    ServesItself(Id),
    /// An active member nobody serves.
    Unserved(Id),
    /// An active member that serves nobody.
    ServesNobody(Id),
    ServedTwice(Id),
    ServesTwice(Id),
    /// An assignment involves a förbund that is not an active member.
    NotAMember(Id),
    /// The assignments form more than one cycle; this member is outside the first.
    Split(Id),
}

impl Violation {
    pub fn forbund(&self) -> Id {
        match self {
            Violation::ServesItself(id)
            | Violation::Unserved(id)
            | Violation::ServesNobody(id)
            | Violation::ServedTwice(id)
            | Violation::ServesTwice(id)
            | Violation::NotAMember(id)
            | Violation::Split(id) => *id,
        }
    }

    /// The rule broken, about the member named `name`, from `day`.
    pub fn broken(&self, name: &str, day: NaiveDate) -> Broken {
        let rule = match self {
            Violation::ServesItself(_) => Rule::RingServesItself,
            Violation::Unserved(_) => Rule::RingUnserved,
            Violation::ServesNobody(_) => Rule::RingServesNobody,
            Violation::ServedTwice(_) => Rule::RingServedTwice,
            Violation::ServesTwice(_) => Rule::RingServesTwice,
            Violation::NotAMember(_) => Rule::RingInactiveMember,
            Violation::Split(_) => Rule::RingSplit,
        };
        rule.with("forbund", name).with("day", day)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RingError {
    pub on: NaiveDate,
    pub violation: Violation,
}

/// Members active on `day`, by position.
pub fn active_members(members: &[Member], day: NaiveDate) -> Vec<&Member> {
    let mut active: Vec<&Member> = members.iter().filter(|m| m.active_on(day)).collect();
    active.sort_by(|a, b| a.position.total_cmp(&b.position));
    active
}

/// Checks the ring on `day` and returns it in ring order, starting with the
/// active member of lowest position. One active member (or none) is a
/// dissolved ring: no assignments.
pub fn check_day(members: &[Member], links: &[Link], day: NaiveDate) -> Result<Vec<Id>, Violation> {
    let active = active_members(members, day);
    let ids: HashSet<Id> = active.iter().map(|m| m.forbund).collect();
    let mut serves: HashMap<Id, Id> = HashMap::new();
    let mut served: HashSet<Id> = HashSet::new();
    for link in links.iter().filter(|l| l.active_on(day)) {
        if link.provider == link.recipient {
            return Err(Violation::ServesItself(link.provider));
        }
        for id in [link.provider, link.recipient] {
            if !ids.contains(&id) {
                return Err(Violation::NotAMember(id));
            }
        }
        if serves.insert(link.provider, link.recipient).is_some() {
            return Err(Violation::ServesTwice(link.provider));
        }
        if !served.insert(link.recipient) {
            return Err(Violation::ServedTwice(link.recipient));
        }
    }
    if active.len() <= 1 {
        return Ok(active.iter().map(|m| m.forbund).collect());
    }
    // An unserved member is the more useful thing to name: it is who loses
    // its DSO.
    if let Some(m) = active.iter().find(|m| !served.contains(&m.forbund)) {
        return Err(Violation::Unserved(m.forbund));
    }
    if let Some(m) = active.iter().find(|m| !serves.contains_key(&m.forbund)) {
        return Err(Violation::ServesNobody(m.forbund));
    }
    let start = active[0].forbund;
    let mut order = vec![start];
    let mut at = serves[&start];
    while at != start {
        order.push(at);
        at = serves[&at];
    }
    if order.len() != active.len() {
        let outside = active
            .iter()
            .map(|m| m.forbund)
            .find(|id| !order.contains(id))
            .unwrap_or(start);
        return Err(Violation::Split(outside));
    }
    Ok(order)
}

/// The days on which the ring may change.
pub fn breakpoints(members: &[Member], links: &[Link]) -> BTreeSet<NaiveDate> {
    let mut days = BTreeSet::new();
    for l in links {
        days.insert(l.from);
        if let Some(next) = l.to.and_then(|t| t.succ_opt()) {
            days.insert(next);
        }
    }
    for m in members {
        if let Some(j) = m.joined_on {
            days.insert(j);
        }
        if let Some(next) = m.last_day.and_then(|l| l.succ_opt()) {
            days.insert(next);
        }
    }
    days
}

/// Checks every day from `from` on.
pub fn check_schedule(
    members: &[Member],
    links: &[Link],
    from: NaiveDate,
) -> Result<(), RingError> {
    let days = std::iter::once(from).chain(
        breakpoints(members, links)
            .into_iter()
            .filter(|d| *d > from),
    );
    for day in days {
        check_day(members, links, day).map_err(|violation| RingError { on: day, violation })?;
    }
    Ok(())
}

/// The assignments from `from` on, derived from the members' places and
/// active days; consecutive days of the same service make one assignment.
pub fn derive(members: &[Member], from: NaiveDate) -> Vec<Link> {
    let mut events: BTreeSet<NaiveDate> = BTreeSet::from([from]);
    for m in members {
        if let Some(j) = m.joined_on.filter(|j| *j > from) {
            events.insert(j);
        }
        if let Some(next) = m.last_day.and_then(|l| l.succ_opt()).filter(|d| *d > from) {
            events.insert(next);
        }
    }
    let events: Vec<NaiveDate> = events.into_iter().collect();
    let mut open: Vec<Link> = Vec::new();
    let mut done: Vec<Link> = Vec::new();
    for (i, start) in events.iter().enumerate() {
        let end = events.get(i + 1).and_then(|next| next.pred_opt());
        let active = active_members(members, *start);
        let mut segment = Vec::new();
        if active.len() >= 2 {
            for (k, provider) in active.iter().enumerate() {
                let recipient = active[(k + 1) % active.len()];
                segment.push(Link {
                    provider: provider.forbund,
                    recipient: recipient.forbund,
                    from: *start,
                    to: end,
                    scope: provider.scope,
                    contact: provider.contact.clone(),
                });
            }
        }
        // Continue what runs on unchanged; close the rest.
        let mut still_open = Vec::new();
        for mut link in open.drain(..) {
            if let Some(pos) = segment.iter().position(|s| s.same_service(&link)) {
                link.to = segment.remove(pos).to;
                still_open.push(link);
            } else {
                done.push(link);
            }
        }
        still_open.extend(segment);
        open = still_open;
    }
    done.extend(open);
    done.sort_by_key(|l| (l.from, l.provider));
    done
}

/// The whole set of assignments after a change on `from`: those before it
/// are kept as history (cut at the day before), those from it on are derived.
/// An assignment that runs on unchanged across `from` stays one assignment.
pub fn regenerate(existing: &[Link], members: &[Member], from: NaiveDate) -> Vec<Link> {
    let day_before = from.pred_opt();
    let mut kept: Vec<Link> = existing
        .iter()
        .filter(|l| l.from < from)
        .cloned()
        .map(|mut l| {
            if l.to.is_none_or(|t| Some(t) > day_before) {
                l.to = day_before;
            }
            l
        })
        .collect();
    for new in derive(members, from) {
        let continues = kept
            .iter_mut()
            .find(|k| k.to == day_before && new.from == from && k.same_service(&new));
        match continues {
            Some(k) => k.to = new.to,
            None => kept.push(new),
        }
    }
    kept
}

/// Why a member cannot leave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaveError {
    NotAMember,
    AlreadyGaveNotice(NaiveDate),
    NoticeBeforeJoining(NaiveDate),
    /// Its place ends on this day anyway (closed at its dissolution), no
    /// later than the notice would end it.
    AlreadyLeaving(NaiveDate),
}

/// Records a notice received on `notice_on`; returns the member's last day.
pub fn leave(
    members: &mut [Member],
    leaver: Id,
    notice_on: NaiveDate,
    notice_months: u32,
) -> Result<NaiveDate, LeaveError> {
    let member = members
        .iter_mut()
        .find(|m| m.forbund == leaver && !m.withdrew && m.joined_on.is_some())
        .ok_or(LeaveError::NotAMember)?;
    if let Some(earlier) = member.notice_received_on {
        return Err(LeaveError::AlreadyGaveNotice(earlier));
    }
    let joined = member.joined_on.ok_or(LeaveError::NotAMember)?;
    if notice_on < joined {
        return Err(LeaveError::NoticeBeforeJoining(joined));
    }
    let last = add_months(notice_on, notice_months);
    // A place closed at the förbund's dissolution ends then anyway; notice
    // may only bring the last day earlier.
    if let Some(end) = member.last_day
        && end <= last
    {
        return Err(LeaveError::AlreadyLeaving(end));
    }
    member.notice_received_on = Some(notice_on);
    member.last_day = Some(last);
    Ok(last)
}

/// Ends a member's place on the ring at `last_day` at the latest: a
/// förbund's last day on a ring is at most its last day of life, and from
/// the next day the ring closes around it (deriving from the places gives
/// that). A member already gone by then is left as it is: `Ok(false)`.
pub fn close(members: &mut [Member], forbund: Id, last_day: NaiveDate) -> Result<bool, LeaveError> {
    let member = members
        .iter_mut()
        .find(|m| m.forbund == forbund && !m.withdrew && m.joined_on.is_some())
        .ok_or(LeaveError::NotAMember)?;
    if member.last_day.is_some_and(|l| l <= last_day) {
        return Ok(false);
    }
    member.last_day = Some(last_day);
    Ok(true)
}

/// Why a förbund cannot join where asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinError {
    AlreadyMember,
    /// `after` is not an active member on the joining day.
    AfterNotActive(Id),
    /// The ring has members, so the place must be named.
    AfterRequired,
}

/// Inserts `joiner` (with `joined_on` set) after `after` in the ring. A
/// förbund that left earlier may join again; its old membership is replaced.
pub fn join(
    members: &mut Vec<Member>,
    mut joiner: Member,
    after: Option<Id>,
) -> Result<(), JoinError> {
    let day = joiner.joined_on.ok_or(JoinError::AfterRequired)?;
    if let Some(old) = members.iter().find(|m| m.forbund == joiner.forbund)
        && !old.withdrew
        && old.joined_on.is_some()
        && old.last_day.is_none_or(|l| l >= day)
    {
        return Err(JoinError::AlreadyMember);
    }
    let anyone_active = members
        .iter()
        .any(|m| m.forbund != joiner.forbund && m.active_on(day));
    joiner.position = match after {
        Some(a) => {
            let after_member = members
                .iter()
                .find(|m| m.forbund == a && m.active_on(day))
                .ok_or(JoinError::AfterNotActive(a))?;
            let here = after_member.position;
            let next = members
                .iter()
                .filter(|m| m.forbund != joiner.forbund && m.position > here)
                .map(|m| m.position)
                .min_by(f64::total_cmp);
            match next {
                Some(n) => (here + n) / 2.0,
                None => here + 1.0,
            }
        }
        None if anyone_active => return Err(JoinError::AfterRequired),
        None => members.iter().map(|m| m.position).fold(0.0, f64::max) + 1.0,
    };
    members.retain(|m| m.forbund != joiner.forbund);
    members.push(joiner);
    Ok(())
}

mod period;
pub use period::{add_months, notice_deadline, period_end};

#[cfg(test)]
mod tests;
