//! What the calendar feeds hold, as entries: a förbund's board meetings,
//! the DSO-ring's period ends and the notice deadlines before them, and the
//! last day of a förbund leaving the ring that the förbund serves or is
//! served by; for the whole ring, its joins, leaves, changes and deadlines.
//! Public data only: no insats and no money is ever read here.
//!
//! Each entry has a UID made of what it is about (a meeting's id, an
//! agreement and a date), so it keeps its UID when it changes, and a stamp
//! from the row it comes from, so a feed fetched twice is the same feed.

use chrono::{DateTime, Months, NaiveDate, NaiveDateTime, Utc};
use finsam_entity::{dso_agreement, dso_member, forbund, meeting};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::dso::RingData;
use crate::domain::dso_ring;
use crate::error::ApiResult;

/// When an entry happens: a whole day, or local Stockholm times.
#[derive(Debug, Clone, PartialEq)]
pub enum When {
    Day(NaiveDate),
    Local {
        start: NaiveDateTime,
        end: Option<NaiveDateTime>,
    },
}

#[derive(Debug, Clone)]
pub struct Entry {
    /// Stable: the same entry keeps it across fetches and changes.
    pub uid: String,
    pub summary: String,
    pub when: When,
    pub location: Option<String>,
    pub description: Option<String>,
    /// When what the entry shows last changed.
    pub stamp: DateTime<Utc>,
    /// Grows with each change, so calendars replace the entry.
    pub sequence: u32,
}

/// How far ahead period ends are listed.
const YEARS_AHEAD: u32 = 2;

fn months(m: i32) -> u32 {
    u32::try_from(m).unwrap_or(0)
}

fn meeting_entry(m: &meeting::Model, forbund_name: &str) -> Entry {
    let when = match m.starts_at {
        Some(start) => When::Local {
            start: m.held_on.and_time(start),
            end: m.ends_at.map(|end| m.held_on.and_time(end)),
        },
        None => When::Day(m.held_on),
    };
    let body = if m.body == finsam_entity::value::Body::InterimBoard {
        "Interimsstyrelsens sammanträde"
    } else {
        "Styrelsesammanträde"
    };
    let paragraphs = match (m.paragraph_from, m.paragraph_to) {
        (Some(from), Some(to)) => Some(format!("§§ {from}–{to}")),
        (Some(from), None) => Some(format!("från § {from}")),
        _ => None,
    };
    let description = [paragraphs, m.note.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n");
    Entry {
        uid: format!("meeting-{}@finsam-graph", m.id),
        summary: format!("{body}, {forbund_name}"),
        when,
        location: m.place.clone(),
        description: (!description.is_empty()).then_some(description),
        stamp: m.updated_at,
        sequence: u32::try_from(m.version).unwrap_or(0),
    }
}

/// The period ends of an agreement from its start to `until`, each with
/// the last day notice can be received to leave by then.
fn period_entries(agreement: &dso_agreement::Model, until: NaiveDate) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut end = agreement.initial_ends_on;
    while end <= until {
        let deadline = dso_ring::notice_deadline(end, months(agreement.notice_months));
        let day = end.format("%Y%m%d");
        entries.push(Entry {
            uid: format!("dso-notice-deadline-{}-{day}@finsam-graph", agreement.id),
            summary: format!("DSO-ringen: sista dag för uppsägning till {end}"),
            when: When::Day(deadline),
            location: None,
            description: Some(format!(
                "{}: en uppsägning som tas emot senast {deadline} gäller från avtalsperiodens slut {end} (uppsägningstid {} månader).",
                agreement.name, agreement.notice_months
            )),
            stamp: agreement.updated_at,
            sequence: u32::try_from(agreement.version).unwrap_or(0),
        });
        entries.push(Entry {
            uid: format!("dso-period-end-{}-{day}@finsam-graph", agreement.id),
            summary: "DSO-ringen: avtalsperioden slutar".into(),
            when: When::Day(end),
            location: None,
            description: Some(format!(
                "{}: perioden slutar {end}; utan uppsägning förlängs avtalet med {} månader.",
                agreement.name, agreement.renewal_months
            )),
            stamp: agreement.updated_at,
            sequence: u32::try_from(agreement.version).unwrap_or(0),
        });
        let next = dso_ring::period_end(
            agreement.initial_ends_on,
            months(agreement.renewal_months),
            end.succ_opt().unwrap_or(end),
        );
        if next <= end {
            break;
        }
        end = next;
    }
    entries
}

fn leave_entry(
    agreement: &dso_agreement::Model,
    member: &dso_member::Model,
    name: &str,
    last: NaiveDate,
) -> Entry {
    Entry {
        uid: format!(
            "dso-leave-{}-{}@finsam-graph",
            agreement.id, member.forbund_id
        ),
        summary: format!("DSO-ringen: {name} lämnar ringen"),
        when: When::Day(last),
        location: None,
        description: Some(format!(
            "{last} är {name}s sista dag i {}{}.",
            agreement.name,
            member
                .notice_received_on
                .map(|n| format!(" (uppsägningen togs emot {n})"))
                .unwrap_or_default()
        )),
        stamp: member.updated_at,
        sequence: u32::try_from(member.version).unwrap_or(0),
    }
}

async fn names(db: &DatabaseConnection) -> ApiResult<std::collections::HashMap<i32, String>> {
    Ok(forbund::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.id, f.name))
        .collect())
}

fn horizon(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_months(Months::new(12 * YEARS_AHEAD))
        .unwrap_or(today)
}

/// A förbund's feed: its meetings, and the ring's dates that concern it.
/// `None` for an unknown förbund.
pub async fn forbund_feed(
    db: &DatabaseConnection,
    slug: &str,
    today: NaiveDate,
) -> ApiResult<Option<(forbund::Model, Vec<Entry>)>> {
    let Some(f) = super::forbund::by_slug(db, slug).await? else {
        return Ok(None);
    };
    let mut entries: Vec<Entry> = meeting::Entity::find()
        .filter(meeting::Column::ForbundId.eq(f.id))
        .order_by_asc(meeting::Column::HeldOn)
        .order_by_asc(meeting::Column::Id)
        .all(db)
        .await?
        .iter()
        .map(|m| meeting_entry(m, &f.name))
        .collect();
    let memberships = dso_member::Entity::find()
        .filter(dso_member::Column::ForbundId.eq(f.id))
        .filter(dso_member::Column::WithdrewBeforeStart.eq(false))
        .all(db)
        .await?;
    let names = names(db).await?;
    for membership in memberships {
        let Some(agreement) = dso_agreement::Entity::find_by_id(membership.agreement_id)
            .one(db)
            .await?
        else {
            continue;
        };
        let until = membership
            .last_day
            .map_or(horizon(today), |last| last.min(horizon(today)));
        entries.extend(period_entries(&agreement, until));
        let ring = RingData::load(db, agreement.clone()).await?;
        // Leavers this förbund served or was served by on their last day,
        // and its own leaving.
        for leaver in ring.members.iter().filter(|m| m.last_day.is_some()) {
            let Some(last) = leaver.last_day else {
                continue;
            };
            let neighbour = leaver.forbund_id == f.id
                || ring.assignments.iter().any(|a| {
                    a.valid_from <= last
                        && a.valid_to.is_none_or(|to| to >= last)
                        && ((a.provider_id == leaver.forbund_id && a.recipient_id == f.id)
                            || (a.provider_id == f.id && a.recipient_id == leaver.forbund_id))
                });
            if neighbour {
                let name = names
                    .get(&leaver.forbund_id)
                    .map_or("Förbundet", String::as_str);
                entries.push(leave_entry(&agreement, leaver, name, last));
            }
        }
    }
    Ok(Some((f, entries)))
}

/// The whole ring's feed: every agreement's period ends and deadlines,
/// joins, leaves, and the days its assignments change.
pub async fn ring_feed(db: &DatabaseConnection, today: NaiveDate) -> ApiResult<Vec<Entry>> {
    let names = names(db).await?;
    let name = |id: i32| {
        names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| "Förbundet".into())
    };
    let mut entries = Vec::new();
    for agreement in super::dso::agreements(db).await? {
        let until = horizon(today);
        entries.extend(period_entries(&agreement, until));
        let ring = RingData::load(db, agreement.clone()).await?;
        let stamp = ring
            .members
            .iter()
            .map(|m| m.updated_at)
            .chain([agreement.updated_at])
            .max()
            .unwrap_or(agreement.updated_at);
        for member in &ring.members {
            if let Some(joined) = member.joined_on.filter(|j| *j > agreement.starts_on) {
                entries.push(Entry {
                    uid: format!(
                        "dso-join-{}-{}@finsam-graph",
                        agreement.id, member.forbund_id
                    ),
                    summary: format!("DSO-ringen: {} går med i ringen", name(member.forbund_id)),
                    when: When::Day(joined),
                    location: None,
                    description: None,
                    stamp: member.updated_at,
                    sequence: u32::try_from(member.version).unwrap_or(0),
                });
            }
            if let Some(last) = member.last_day {
                entries.push(leave_entry(
                    &agreement,
                    member,
                    &name(member.forbund_id),
                    last,
                ));
            }
        }
        // Each day the assignments change, with who serves whom from then.
        let mut days: Vec<NaiveDate> = ring
            .assignments
            .iter()
            .map(|a| a.valid_from)
            .filter(|d| *d > agreement.starts_on && *d <= until)
            .collect();
        days.sort();
        days.dedup();
        for day in days {
            let lines: Vec<String> = ring
                .assignments
                .iter()
                .filter(|a| a.valid_from == day)
                .map(|a| {
                    format!(
                        "{} är dataskyddsombud för {} ({})",
                        name(a.provider_id),
                        name(a.recipient_id),
                        a.contact
                    )
                })
                .collect();
            entries.push(Entry {
                uid: format!(
                    "dso-change-{}-{}@finsam-graph",
                    agreement.id,
                    day.format("%Y%m%d")
                ),
                summary: "DSO-ringen ändras".into(),
                when: When::Day(day),
                location: None,
                description: Some(format!("Från {day}: {}.", lines.join("; "))),
                stamp,
                sequence: 0,
            });
        }
    }
    Ok(entries)
}
