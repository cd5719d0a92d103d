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

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{Datelike, Months, NaiveDate};

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
#[derive(Debug, Clone, PartialEq)]
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

    /// A sentence about the member, named by `name`.
    pub fn describe(&self, name: &str) -> String {
        match self {
            Violation::ServesItself(_) => format!("{name} would serve itself"),
            Violation::Unserved(_) => format!("{name} would be left without a DSO"),
            Violation::ServesNobody(_) => format!("{name} would serve nobody"),
            Violation::ServedTwice(_) => format!("{name} would get two DSOs"),
            Violation::ServesTwice(_) => format!("{name} would serve two förbund"),
            Violation::NotAMember(_) => format!("{name} is not an active member of the ring"),
            Violation::Split(_) => format!("{name} would be in a second, separate ring"),
        }
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
    if let Some(last) = member.last_day {
        return Err(LeaveError::AlreadyGaveNotice(last));
    }
    let joined = member.joined_on.ok_or(LeaveError::NotAMember)?;
    if notice_on < joined {
        return Err(LeaveError::NoticeBeforeJoining(joined));
    }
    let last = add_months(notice_on, notice_months);
    member.notice_received_on = Some(notice_on);
    member.last_day = Some(last);
    Ok(last)
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

/// `date` plus `months` calendar months, clamped to the end of a shorter
/// month (2021-10-31 + 4 months = 2022-02-28).
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

fn is_month_end(date: NaiveDate) -> bool {
    date.succ_opt()
        .is_none_or(|next| next.month() != date.month())
}

/// As `add_months`, but a month end stays a month end (2022-02-28 + 12
/// months = 2023-02-28; 2021-12-31 + 2 months = 2022-02-28; 2022-02-28 + 2
/// months = 2022-04-30): renewal periods run between month ends.
fn add_months_keeping_end(date: NaiveDate, months: u32) -> NaiveDate {
    let moved = add_months(date, months);
    if !is_month_end(date) {
        return moved;
    }
    let first_of_next = NaiveDate::from_ymd_opt(moved.year(), moved.month(), 1)
        .and_then(|d| d.checked_add_months(Months::new(1)));
    first_of_next.and_then(|d| d.pred_opt()).unwrap_or(moved)
}

/// The end of the agreement period that contains `day`: the initial end, then
/// one renewal period at a time (agreement § renewal: "renewed one year at a
/// time unless a party gives notice").
pub fn period_end(initial_end: NaiveDate, renewal_months: u32, day: NaiveDate) -> NaiveDate {
    if day <= initial_end || renewal_months == 0 {
        return initial_end;
    }
    let months_past =
        (day.year() - initial_end.year()) * 12 + day.month() as i32 - initial_end.month() as i32;
    let mut k = (months_past.max(0) as u32 / renewal_months).max(1);
    loop {
        let end = add_months_keeping_end(initial_end, k * renewal_months);
        if end >= day || end == NaiveDate::MAX {
            return end;
        }
        k += 1;
    }
}

/// The last day notice can be received to leave at `period_end`: the latest
/// day whose notice period ends on or before it.
pub fn notice_deadline(period_end: NaiveDate, notice_months: u32) -> NaiveDate {
    let mut day = period_end
        .checked_sub_months(Months::new(notice_months))
        .unwrap_or(NaiveDate::MIN);
    while let Some(next) = day.succ_opt() {
        if add_months(next, notice_months) <= period_end {
            day = next;
        } else {
            break;
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn member(id: Id, position: f64, joined: &str) -> Member {
        Member {
            forbund: id,
            joined_on: Some(d(joined)),
            last_day: None,
            notice_received_on: None,
            withdrew: false,
            position,
            contact: format!("DSO of {id}"),
            scope: 2.5,
        }
    }

    /// The facts' ring: Södra Dalarna(1) → Sollentuna(2) → Norra Dalarna(3) →
    /// Södertälje(4) → Västerås(5) → Sundbyberg(6) → Södra Dalarna.
    fn facts_ring() -> Vec<Member> {
        (1..=6)
            .map(|i| member(i, f64::from(i), "2020-10-01"))
            .collect()
    }

    fn serves(links: &[Link], provider: Id, day: NaiveDate) -> Option<Id> {
        links
            .iter()
            .find(|l| l.provider == provider && l.active_on(day))
            .map(|l| l.recipient)
    }

    #[test]
    fn the_facts_ring_is_one_cycle_from_its_start() {
        let members = facts_ring();
        let links = derive(&members, d("2020-10-01"));
        assert_eq!(links.len(), 6);
        assert_eq!(
            check_day(&members, &links, d("2021-03-01")),
            Ok(vec![1, 2, 3, 4, 5, 6])
        );
        assert_eq!(
            serves(&links, 5, d("2021-03-01")),
            Some(6),
            "Västerås serves Sundbyberg"
        );
        assert!(
            links.iter().all(|l| !l.active_on(d("2020-09-30"))),
            "nothing before the start"
        );
        assert_eq!(check_schedule(&members, &links, d("2020-10-01")), Ok(()));
    }

    #[test]
    fn leaving_hands_the_recipient_to_the_leavers_provider() {
        let mut members = facts_ring();
        let links = derive(&members, d("2020-10-01"));
        // Västerås (5) gives notice; Södertälje (4) served it, Sundbyberg (6) was its recipient.
        let last = leave(&mut members, 5, d("2021-10-31"), 4).expect("leave");
        assert_eq!(last, d("2022-02-28"), "clamped to the month's end");
        let links = regenerate(&links, &members, last.succ_opt().expect("next day"));
        assert_eq!(serves(&links, 5, last), Some(6));
        assert_eq!(serves(&links, 4, last), Some(5));
        assert_eq!(
            serves(&links, 4, d("2022-03-01")),
            Some(6),
            "Södertälje takes over Sundbyberg"
        );
        assert_eq!(serves(&links, 5, d("2022-03-01")), None);
        assert_eq!(check_schedule(&members, &links, d("2020-10-01")), Ok(()));
        // The unchanged assignments stay single rows.
        assert_eq!(links.iter().filter(|l| l.provider == 1).count(), 1);
        assert_eq!(
            leave(&mut members, 5, d("2021-11-01"), 4),
            Err(LeaveError::AlreadyGaveNotice(d("2021-10-31")))
        );
        assert_eq!(
            leave(&mut members, 99, d("2021-11-01"), 4),
            Err(LeaveError::NotAMember)
        );
    }

    #[test]
    fn joining_inserts_after_the_named_member() {
        let mut members = facts_ring();
        let links = derive(&members, d("2020-10-01"));
        join(&mut members, member(7, 0.0, "2022-01-01"), Some(5)).expect("join");
        let links = regenerate(&links, &members, d("2022-01-01"));
        assert_eq!(serves(&links, 5, d("2022-01-01")), Some(7));
        assert_eq!(serves(&links, 7, d("2022-01-01")), Some(6));
        assert_eq!(serves(&links, 5, d("2021-12-31")), Some(6));
        assert_eq!(check_schedule(&members, &links, d("2020-10-01")), Ok(()));
        assert_eq!(
            join(&mut members, member(7, 0.0, "2022-02-01"), Some(1)),
            Err(JoinError::AlreadyMember)
        );
        assert_eq!(
            join(&mut members, member(8, 0.0, "2022-02-01"), None),
            Err(JoinError::AfterRequired)
        );
    }

    #[test]
    fn a_broken_ring_names_the_member_at_fault() {
        let members = facts_ring();
        let mut links = derive(&members, d("2020-10-01"));
        links.retain(|l| l.recipient != 3);
        assert_eq!(
            check_day(&members, &links, d("2021-01-01")),
            Err(Violation::Unserved(3))
        );
        let mut links = derive(&members, d("2020-10-01"));
        links[0].recipient = links[0].provider;
        assert_eq!(
            check_day(&members, &links, d("2021-01-01")),
            Err(Violation::ServesItself(links[0].provider))
        );
        // Two rings of three.
        let split: Vec<Link> = [(1, 2), (2, 3), (3, 1), (4, 5), (5, 6), (6, 4)]
            .iter()
            .map(|(p, r)| Link {
                provider: *p,
                recipient: *r,
                from: d("2020-10-01"),
                to: None,
                scope: 2.5,
                contact: String::new(),
            })
            .collect();
        assert_eq!(
            check_day(&members, &split, d("2021-01-01")),
            Err(Violation::Split(4))
        );
    }

    #[test]
    fn periods_renew_a_year_at_a_time_and_notice_runs_four_months_before() {
        let initial = d("2021-12-31");
        assert_eq!(period_end(initial, 12, d("2021-05-01")), d("2021-12-31"));
        assert_eq!(notice_deadline(d("2021-12-31"), 4), d("2021-08-31"));
        assert_eq!(period_end(initial, 12, d("2022-02-01")), d("2022-12-31"));
        assert_eq!(period_end(initial, 12, d("2022-12-31")), d("2022-12-31"));
        assert_eq!(period_end(initial, 12, d("2023-01-01")), d("2023-12-31"));
        assert_eq!(period_end(initial, 12, d("2030-06-15")), d("2030-12-31"));
        // A February period end: the notice may come as late as October's end.
        assert_eq!(notice_deadline(d("2022-02-28"), 4), d("2021-10-31"));
        assert_eq!(add_months(d("2021-10-31"), 4), d("2022-02-28"));
    }

    /// A step in a random history of the ring.
    #[derive(Debug, Clone)]
    enum Step {
        Join { after: usize, days_later: u32 },
        Leave { member: usize, days_later: u32 },
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (0usize..16, 0u32..200)
                .prop_map(|(after, days_later)| Step::Join { after, days_later }),
            (0usize..16, 0u32..200)
                .prop_map(|(member, days_later)| Step::Leave { member, days_later }),
        ]
    }

    proptest! {
        #[test]
        fn any_joins_and_leaves_keep_one_valid_ring_on_every_day(
            size in 2usize..7,
            steps in proptest::collection::vec(step(), 0..12),
            notice in 1u32..6,
        ) {
            let start = d("2020-10-01");
            let mut members: Vec<Member> =
                (0..size).map(|i| member(i as Id + 1, i as f64 + 1.0, "2020-10-01")).collect();
            let mut links = derive(&members, start);
            let mut day = start;
            let mut next_id = size as Id + 1;
            for step in steps {
                match step {
                    Step::Join { after, days_later } => {
                        day = day + chrono::Days::new(u64::from(days_later) + 1);
                        let active: Vec<Id> = active_members(&members, day).iter().map(|m| m.forbund).collect();
                        let after = if active.is_empty() { None } else { Some(active[after % active.len()]) };
                        let joiner = member(next_id, 0.0, &day.to_string());
                        next_id += 1;
                        if join(&mut members, joiner, after).is_ok() {
                            links = regenerate(&links, &members, day);
                        }
                    }
                    Step::Leave { member: which, days_later } => {
                        day = day + chrono::Days::new(u64::from(days_later));
                        let active: Vec<Id> = active_members(&members, day).iter().map(|m| m.forbund).collect();
                        if active.is_empty() { continue; }
                        let leaver = active[which % active.len()];
                        if let Ok(last) = leave(&mut members, leaver, day, notice) {
                            links = regenerate(&links, &members, last.succ_opt().expect("next day"));
                        }
                    }
                }
                prop_assert_eq!(check_schedule(&members, &links, start), Ok(()));
            }
            for day in breakpoints(&members, &links) {
                let active = active_members(&members, day);
                let today: Vec<&Link> = links.iter().filter(|l| l.active_on(day)).collect();
                prop_assert!(today.iter().all(|l| l.provider != l.recipient), "nobody serves itself");
                match active.len() {
                    0 | 1 => prop_assert!(today.is_empty(), "a ring of one is dissolved"),
                    2 => {
                        prop_assert_eq!(today.len(), 2);
                        prop_assert_eq!(today[0].provider, today[1].recipient, "two serve each other");
                    }
                    n => prop_assert_eq!(today.len(), n),
                }
            }
        }
    }
}
