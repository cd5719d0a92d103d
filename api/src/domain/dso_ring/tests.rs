//! The ring's rules tried on small rings: cycles, derivation, leaving,
//! joining and the agreement's periods.

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

/// A step in a random history of the ring: joining, leaving with notice,
/// or a member's förbund dissolving (its place closed by the network from
/// the day after).
#[derive(Debug, Clone)]
enum LifeStep {
    Join { after: usize, days_later: u32 },
    Leave { member: usize, days_later: u32 },
    Dissolve { member: usize, days_later: u32 },
}

fn life_step() -> impl Strategy<Value = LifeStep> {
    prop_oneof![
        (0usize..16, 0u32..200)
            .prop_map(|(after, days_later)| LifeStep::Join { after, days_later }),
        (0usize..16, 0u32..200)
            .prop_map(|(member, days_later)| LifeStep::Leave { member, days_later }),
        (0usize..16, 0u32..400)
            .prop_map(|(member, days_later)| LifeStep::Dissolve { member, days_later }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    /// Any history of joins, notices and dissolutions keeps one valid ring
    /// on every day, and no assignment ever names a förbund outside its
    /// life: a member's place ends with its förbund, and the ring closes
    /// around it (issue: a dissolved förbund was still named as a DSO years
    /// later).
    #[test]
    fn any_history_keeps_one_ring_within_every_forbunds_life(
        size in 2usize..7,
        steps in proptest::collection::vec(life_step(), 0..14),
        notice in 1u32..6,
    ) {
        let start = d("2020-10-01");
        let mut members: Vec<Member> =
            (0..size).map(|i| member(i as Id + 1, i as f64 + 1.0, "2020-10-01")).collect();
        // Each förbund's last day of life, once it has one.
        let mut dissolved: HashMap<Id, NaiveDate> = HashMap::new();
        let mut links = derive(&members, start);
        let mut day = start;
        let mut next_id = size as Id + 1;
        for step in steps {
            match step {
                LifeStep::Join { after, days_later } => {
                    day = day + chrono::Days::new(u64::from(days_later) + 1);
                    let active: Vec<Id> = active_members(&members, day).iter().map(|m| m.forbund).collect();
                    let after = if active.is_empty() { None } else { Some(active[after % active.len()]) };
                    let joiner = member(next_id, 0.0, &day.to_string());
                    next_id += 1;
                    if join(&mut members, joiner, after).is_ok() {
                        links = regenerate(&links, &members, day);
                    }
                }
                LifeStep::Leave { member: which, days_later } => {
                    day = day + chrono::Days::new(u64::from(days_later));
                    let active: Vec<Id> = active_members(&members, day).iter().map(|m| m.forbund).collect();
                    if active.is_empty() { continue; }
                    let leaver = active[which % active.len()];
                    if let Ok(last) = leave(&mut members, leaver, day, notice) {
                        // Notice that would outlast the förbund ends with it.
                        let last = match dissolved.get(&leaver) {
                            Some(end) if *end < last => {
                                prop_assert_eq!(close(&mut members, leaver, *end), Ok(true));
                                *end
                            }
                            _ => last,
                        };
                        links = regenerate(&links, &members, last.succ_opt().expect("next day"));
                    }
                }
                LifeStep::Dissolve { member: which, days_later } => {
                    day = day + chrono::Days::new(u64::from(days_later));
                    let active: Vec<Id> = active_members(&members, day).iter().map(|m| m.forbund).collect();
                    if active.is_empty() { continue; }
                    let ending = active[which % active.len()];
                    dissolved.insert(ending, day);
                    if close(&mut members, ending, day) == Ok(true) {
                        links = regenerate(&links, &members, day.succ_opt().expect("next day"));
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
        for link in &links {
            for id in [link.provider, link.recipient] {
                if let Some(end) = dissolved.get(&id) {
                    prop_assert!(
                        link.to.is_some_and(|to| to <= *end),
                        "förbund {} ended on {} but is named until {:?}: {:?}", id, end, link.to, link
                    );
                }
            }
        }
    }
}
