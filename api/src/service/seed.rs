//! The demo dataset (`data/seed/*.toml`, built from the facts of public board
//! papers), compiled into the binary so `cargo run` needs nothing else.
//! Loading is idempotent: every row is found by its natural key first, so a
//! second load changes nothing.

use std::collections::HashMap;
use std::fmt;

use chrono::{NaiveDate, NaiveTime};
use finsam_entity::{
    area, area_population, decision, dso_agreement, dso_member, forbund, forbund_allocation,
    forbund_member, insats, insats_budget, insats_extension, insats_goal, insats_outcome,
    key_figure, meeting, population_support,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, Set,
};
use serde::Deserialize;

use super::now;
use crate::db::begin_write;

const FORBUND: &str = include_str!("../../../data/seed/forbund.toml");
const INSATSER: &str = include_str!("../../../data/seed/insatser.toml");
const DSO: &str = include_str!("../../../data/seed/dso.toml");
const MEETINGS: &str = include_str!("../../../data/seed/meetings.toml");
const STATISTICS: &str = include_str!("../../../data/seed/statistics.toml");

/// What the benefit columns of `statistics.toml` hold, in order.
pub const BENEFITS: [&str; 7] = [
    "SICKNESS_BENEFIT",
    "SICKNESS_ACTIVITY_COMPENSATION",
    "UNEMPLOYMENT",
    "LABOUR_MARKET_PROGRAMMES",
    "SOCIAL_ASSISTANCE",
    "ESTABLISHMENT_BENEFIT",
    "TOTAL",
];

const DEFAULT_SOURCE: &str = "Board papers of the förbund (demo dataset)";

#[derive(Deserialize)]
struct ForbundFile {
    forbund: Vec<SeedForbund>,
}

#[derive(Deserialize)]
struct SeedForbund {
    slug: String,
    name: String,
    org_number: Option<String>,
    county: String,
    founded_on: Option<NaiveDate>,
    dissolved_on: Option<NaiveDate>,
    successor: Option<String>,
    notes: Option<String>,
    #[serde(default)]
    members: Vec<SeedMember>,
    #[serde(default)]
    allocations: Vec<SeedAllocation>,
}

#[derive(Deserialize)]
struct SeedMember {
    name: String,
    kind: String,
    funding_share_percent: Option<f64>,
}

#[derive(Deserialize)]
struct SeedAllocation {
    year: i32,
    amount_sek: i64,
    kind: String,
    note: Option<String>,
}

#[derive(Deserialize)]
struct InsatsFile {
    insats: Vec<SeedInsats>,
}

#[derive(Deserialize)]
struct SeedInsats {
    forbund: String,
    name: String,
    description: Option<String>,
    orientation: Option<String>,
    category: Option<String>,
    owner_organisation: Option<String>,
    executor_organisation: Option<String>,
    target_group: Option<String>,
    age_min: Option<i32>,
    age_max: Option<i32>,
    capacity_year_places: Option<i32>,
    target_participants: Option<i32>,
    starts_on: Option<NaiveDate>,
    original_ends_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    status: String,
    #[serde(default = "public")]
    visibility: String,
    allocated_sek: Option<i64>,
    carried_over_from: Option<InsatsRef>,
    #[serde(default)]
    extensions: Vec<SeedExtension>,
    #[serde(default)]
    budgets: Vec<SeedBudget>,
    #[serde(default)]
    goals: Vec<SeedGoal>,
    #[serde(default)]
    outcomes: Vec<SeedOutcome>,
}

fn public() -> String {
    "PUBLIC".into()
}

#[derive(Deserialize)]
struct InsatsRef {
    forbund: String,
    name: String,
}

#[derive(Deserialize)]
struct SeedExtension {
    previous_ends_on: Option<NaiveDate>,
    new_ends_on: NaiveDate,
    decided_on: Option<NaiveDate>,
    note: Option<String>,
}

#[derive(Deserialize)]
struct SeedBudget {
    year: i32,
    budget_sek: i64,
    spent_sek: Option<i64>,
    spent_through: Option<NaiveDate>,
}

#[derive(Deserialize)]
struct SeedGoal {
    description: String,
    target_percent: Option<f64>,
    horizon_months: Option<i32>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SeedOutcome {
    period_from: Option<NaiveDate>,
    period_to: Option<NaiveDate>,
    municipality: Option<String>,
    participants: Option<i32>,
    participants_women: Option<i32>,
    participants_men: Option<i32>,
    closures: Option<i32>,
    closures_work: Option<i32>,
    closures_studies: Option<i32>,
    closures_labour_market_training: Option<i32>,
    closures_completed: Option<i32>,
    closures_not_influenceable: Option<i32>,
    closures_other: Option<i32>,
    share_reached_goal_percent: Option<f64>,
    mean_months_in_insats: Option<f64>,
    note: Option<String>,
}

#[derive(Deserialize)]
struct DsoFile {
    agreement: Vec<SeedAgreement>,
}

#[derive(Deserialize)]
struct SeedAgreement {
    name: String,
    decided_on: Option<NaiveDate>,
    starts_on: NaiveDate,
    initial_ends_on: NaiveDate,
    renewal_months: i32,
    notice_months: i32,
    max_scope_percent: f64,
    members: Vec<SeedDsoMember>,
    assignments: Vec<SeedAssignment>,
}

#[derive(Deserialize)]
struct SeedDsoMember {
    forbund: String,
    joined_on: Option<NaiveDate>,
    #[serde(default)]
    withdrew_before_start: bool,
}

#[derive(Deserialize)]
struct SeedAssignment {
    provider: String,
    recipient: String,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    scope_percent: f64,
    contact: String,
}

#[derive(Deserialize)]
struct MeetingFile {
    meeting: Vec<SeedMeeting>,
}

#[derive(Deserialize)]
struct SeedMeeting {
    forbund: String,
    #[serde(default = "board")]
    body: String,
    held_on: NaiveDate,
    starts_at: Option<String>,
    ends_at: Option<String>,
    place: Option<String>,
    paragraph_from: Option<i32>,
    paragraph_to: Option<i32>,
    note: Option<String>,
    #[serde(default)]
    decisions: Vec<SeedDecision>,
}

fn board() -> String {
    "BOARD".into()
}

#[derive(Deserialize)]
struct SeedDecision {
    paragraph: Option<i32>,
    text: String,
    amount_sek: Option<i64>,
    insats: Option<String>,
}

#[derive(Deserialize)]
struct StatisticsFile {
    areas: Vec<SeedArea>,
    population: Vec<SeedPopulation>,
    key_figure: Vec<SeedKeyFigure>,
}

#[derive(Deserialize)]
struct SeedArea {
    code: String,
    name: String,
    kind: String,
    parent: Option<String>,
}

#[derive(Deserialize)]
struct SeedPopulation {
    area: String,
    year: i32,
    gender: String,
    support: Vec<f64>,
    population_20_64: Option<i32>,
    share_percent: Option<f64>,
    source: Option<String>,
}

#[derive(Deserialize)]
struct SeedKeyFigure {
    forbund: String,
    year: i32,
    participants: Option<i32>,
    closures: Option<i32>,
    share_to_work_or_studies_percent: Option<f64>,
    mean_months_in_insats: Option<f64>,
    source: Option<String>,
}

/// How many rows a load added, per kind.
#[derive(Debug, Default)]
pub struct SeedReport {
    pub added: Vec<(&'static str, usize)>,
}

impl SeedReport {
    fn add(&mut self, kind: &'static str, n: usize) {
        self.added.push((kind, n));
    }

    pub fn total(&self) -> usize {
        self.added.iter().map(|(_, n)| n).sum()
    }
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.total() == 0 {
            return write!(f, "demo dataset already loaded: nothing changed");
        }
        write!(f, "demo dataset loaded:")?;
        for (kind, n) in &self.added {
            write!(f, " {kind} {n};")?;
        }
        Ok(())
    }
}

/// True when no förbund exists yet (a fresh database).
pub async fn is_empty(db: &DatabaseConnection) -> anyhow::Result<bool> {
    Ok(forbund::Entity::find().count(db).await? == 0)
}

fn time(s: &Option<String>) -> anyhow::Result<Option<NaiveTime>> {
    s.as_deref()
        .map(|t| NaiveTime::parse_from_str(t, "%H:%M"))
        .transpose()
        .map_err(Into::into)
}

/// Loads the whole demo dataset in one transaction.
pub async fn load(db: &DatabaseConnection) -> anyhow::Result<SeedReport> {
    let forbund_file: ForbundFile = toml::from_str(FORBUND)?;
    let insats_file: InsatsFile = toml::from_str(INSATSER)?;
    let dso_file: DsoFile = toml::from_str(DSO)?;
    let meeting_file: MeetingFile = toml::from_str(MEETINGS)?;
    let statistics: StatisticsFile = toml::from_str(STATISTICS)?;

    let txn = begin_write(db).await?;
    let mut report = SeedReport::default();
    let slugs = load_forbund(&txn, &forbund_file, &mut report).await?;
    let insatser = load_insatser(&txn, &insats_file, &slugs, &mut report).await?;
    load_dso(&txn, &dso_file, &slugs, &mut report).await?;
    load_meetings(&txn, &meeting_file, &slugs, &insatser, &mut report).await?;
    load_statistics(&txn, &statistics, &slugs, &mut report).await?;
    txn.commit().await?;
    Ok(report)
}

fn id_of(slugs: &HashMap<String, i32>, slug: &str) -> anyhow::Result<i32> {
    slugs
        .get(slug)
        .copied()
        .ok_or_else(|| anyhow::anyhow!("seed refers to unknown förbund {slug:?}"))
}

async fn load_forbund<C: ConnectionTrait>(
    conn: &C,
    file: &ForbundFile,
    report: &mut SeedReport,
) -> anyhow::Result<HashMap<String, i32>> {
    let at = now();
    let mut slugs = HashMap::new();
    let (mut added, mut members, mut allocations) = (0, 0, 0);
    for f in &file.forbund {
        let existing = forbund::Entity::find()
            .filter(forbund::Column::Slug.eq(&f.slug))
            .one(conn)
            .await?;
        let id = match existing {
            Some(row) => row.id,
            None => {
                if let Some(org) = &f.org_number {
                    crate::domain::OrgNumber::parse(org)
                        .map_err(|e| anyhow::anyhow!("seed förbund {}: {e}", f.slug))?;
                }
                added += 1;
                let row = forbund::ActiveModel {
                    slug: Set(f.slug.clone()),
                    name: Set(f.name.clone()),
                    org_number: Set(f.org_number.clone()),
                    county: Set(f.county.clone()),
                    founded_on: Set(f.founded_on),
                    dissolved_on: Set(f.dissolved_on),
                    successor_id: Set(None),
                    notes: Set(f.notes.clone()),
                    version: Set(1),
                    created_at: Set(at),
                    updated_at: Set(at),
                    ..Default::default()
                }
                .insert(conn)
                .await?;
                for m in &f.members {
                    members += 1;
                    forbund_member::ActiveModel {
                        forbund_id: Set(row.id),
                        name: Set(m.name.clone()),
                        kind: Set(m.kind.clone()),
                        funding_share_percent: Set(m.funding_share_percent),
                        version: Set(1),
                        created_at: Set(at),
                        updated_at: Set(at),
                        ..Default::default()
                    }
                    .insert(conn)
                    .await?;
                }
                for a in &f.allocations {
                    allocations += 1;
                    forbund_allocation::ActiveModel {
                        forbund_id: Set(row.id),
                        year: Set(a.year),
                        amount_sek: Set(a.amount_sek),
                        kind: Set(a.kind.clone()),
                        note: Set(a.note.clone()),
                        version: Set(1),
                        created_at: Set(at),
                        updated_at: Set(at),
                        ..Default::default()
                    }
                    .insert(conn)
                    .await?;
                }
                row.id
            }
        };
        slugs.insert(f.slug.clone(), id);
    }
    // Successors in a second pass: they may come later in the file.
    for f in &file.forbund {
        if let Some(successor) = &f.successor {
            let id = id_of(&slugs, &f.slug)?;
            let successor_id = id_of(&slugs, successor)?;
            let row = forbund::Entity::find_by_id(id)
                .one(conn)
                .await?
                .ok_or_else(|| anyhow::anyhow!("förbund {} vanished", f.slug))?;
            if row.successor_id.is_none() {
                let mut active: forbund::ActiveModel = row.into();
                active.successor_id = Set(Some(successor_id));
                active.update(conn).await?;
            }
        }
    }
    report.add("förbund", added);
    report.add("members", members);
    report.add("allocations", allocations);
    Ok(slugs)
}

async fn load_insatser<C: ConnectionTrait>(
    conn: &C,
    file: &InsatsFile,
    slugs: &HashMap<String, i32>,
    report: &mut SeedReport,
) -> anyhow::Result<HashMap<(i32, String), i32>> {
    let at = now();
    let mut ids: HashMap<(i32, String), i32> = HashMap::new();
    let (mut added, mut children) = (0, 0);
    // Carried-over insatser refer to earlier entries, so one pass in file order.
    for s in &file.insats {
        let forbund_id = id_of(slugs, &s.forbund)?;
        let existing = insats::Entity::find()
            .filter(insats::Column::ForbundId.eq(forbund_id))
            .filter(insats::Column::Name.eq(&s.name))
            .one(conn)
            .await?;
        if let Some(row) = existing {
            ids.insert((forbund_id, s.name.clone()), row.id);
            continue;
        }
        let carried_over_from_id = match &s.carried_over_from {
            Some(r) => Some(
                *ids.get(&(id_of(slugs, &r.forbund)?, r.name.clone()))
                    .ok_or_else(|| {
                        anyhow::anyhow!("seed insats {:?} carries over an unknown insats", s.name)
                    })?,
            ),
            None => None,
        };
        added += 1;
        let row = insats::ActiveModel {
            forbund_id: Set(forbund_id),
            name: Set(s.name.clone()),
            description: Set(s.description.clone()),
            orientation: Set(s.orientation.clone()),
            category: Set(s.category.clone()),
            owner_organisation: Set(s.owner_organisation.clone()),
            executor_organisation: Set(s.executor_organisation.clone()),
            target_group: Set(s.target_group.clone()),
            age_min: Set(s.age_min),
            age_max: Set(s.age_max),
            capacity_year_places: Set(s.capacity_year_places),
            target_participants: Set(s.target_participants),
            starts_on: Set(s.starts_on),
            original_ends_on: Set(s.original_ends_on.or(s.ends_on)),
            ends_on: Set(s.ends_on),
            status: Set(s.status.clone()),
            visibility: Set(s.visibility.clone()),
            allocated_sek: Set(s.allocated_sek),
            budget_total_sek: Set(
                (!s.budgets.is_empty()).then(|| s.budgets.iter().map(|b| b.budget_sek).sum())
            ),
            carried_over_from_id: Set(carried_over_from_id),
            search_text: Set(crate::domain::insats::search_text(
                &s.name,
                s.description.as_deref(),
                s.target_group.as_deref(),
            )),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        ids.insert((forbund_id, s.name.clone()), row.id);
        for e in &s.extensions {
            children += 1;
            insats_extension::ActiveModel {
                insats_id: Set(row.id),
                previous_ends_on: Set(e.previous_ends_on),
                new_ends_on: Set(e.new_ends_on),
                decided_on: Set(e.decided_on),
                note: Set(e.note.clone()),
                created_at: Set(at),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
        for b in &s.budgets {
            children += 1;
            insats_budget::ActiveModel {
                insats_id: Set(row.id),
                year: Set(b.year),
                budget_sek: Set(b.budget_sek),
                spent_sek: Set(b.spent_sek),
                spent_through: Set(b.spent_through),
                version: Set(1),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
        for g in &s.goals {
            children += 1;
            insats_goal::ActiveModel {
                insats_id: Set(row.id),
                description: Set(g.description.clone()),
                target_percent: Set(g.target_percent),
                horizon_months: Set(g.horizon_months),
                version: Set(1),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
        for o in &s.outcomes {
            children += 1;
            let period_to = o
                .period_to
                .ok_or_else(|| anyhow::anyhow!("seed outcome of {:?} needs period_to", s.name))?;
            insats_outcome::ActiveModel {
                insats_id: Set(row.id),
                period_from: Set(o.period_from),
                period_to: Set(period_to),
                municipality: Set(o.municipality.clone()),
                participants: Set(o.participants),
                participants_women: Set(o.participants_women),
                participants_men: Set(o.participants_men),
                closures: Set(o.closures),
                closures_work: Set(o.closures_work),
                closures_studies: Set(o.closures_studies),
                closures_labour_market_training: Set(o.closures_labour_market_training),
                closures_completed: Set(o.closures_completed),
                closures_not_influenceable: Set(o.closures_not_influenceable),
                closures_other: Set(o.closures_other),
                share_reached_goal_percent: Set(o.share_reached_goal_percent),
                mean_months_in_insats: Set(o.mean_months_in_insats),
                note: Set(o.note.clone()),
                version: Set(1),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
    }
    report.add("insatser", added);
    report.add("insats details", children);
    Ok(ids)
}

async fn load_dso<C: ConnectionTrait>(
    conn: &C,
    file: &DsoFile,
    slugs: &HashMap<String, i32>,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    let at = now();
    let mut added = 0;
    for a in &file.agreement {
        let exists = dso_agreement::Entity::find()
            .filter(dso_agreement::Column::Name.eq(&a.name))
            .filter(dso_agreement::Column::StartsOn.eq(a.starts_on))
            .count(conn)
            .await?
            > 0;
        if exists {
            continue;
        }
        added += 1;
        let agreement = dso_agreement::ActiveModel {
            name: Set(a.name.clone()),
            decided_on: Set(a.decided_on),
            starts_on: Set(a.starts_on),
            initial_ends_on: Set(a.initial_ends_on),
            renewal_months: Set(a.renewal_months),
            notice_months: Set(a.notice_months),
            max_scope_percent: Set(a.max_scope_percent),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        // Places in the ring follow the facts' cycle from its first member; the
        // assignments are then derived from them and must equal the facts.
        let mut provider_of: HashMap<i32, &SeedAssignment> = HashMap::new();
        let mut next: HashMap<i32, i32> = HashMap::new();
        for s in &a.assignments {
            let p = id_of(slugs, &s.provider)?;
            next.insert(p, id_of(slugs, &s.recipient)?);
            provider_of.insert(p, s);
        }
        let mut positions: HashMap<i32, f64> = HashMap::new();
        if let Some(first) = a.members.iter().find(|m| !m.withdrew_before_start) {
            let start = id_of(slugs, &first.forbund)?;
            let mut at = start;
            loop {
                positions.insert(at, positions.len() as f64 + 1.0);
                at = *next
                    .get(&at)
                    .ok_or_else(|| anyhow::anyhow!("seed ring is not a cycle"))?;
                if at == start {
                    break;
                }
            }
        }
        let mut members = Vec::new();
        for m in &a.members {
            let forbund_id = id_of(slugs, &m.forbund)?;
            let provides = provider_of.get(&forbund_id);
            members.push(crate::domain::dso_ring::Member {
                forbund: forbund_id,
                joined_on: m.joined_on,
                last_day: None,
                notice_received_on: None,
                withdrew: m.withdrew_before_start,
                position: positions.get(&forbund_id).copied().unwrap_or(0.0),
                contact: provides.map(|s| s.contact.clone()).unwrap_or_default(),
                scope: provides.map_or(a.max_scope_percent, |s| s.scope_percent),
            });
        }
        let derived = crate::domain::dso_ring::derive(&members, a.starts_on);
        for s in &a.assignments {
            let (p, r) = (id_of(slugs, &s.provider)?, id_of(slugs, &s.recipient)?);
            anyhow::ensure!(
                derived.iter().any(|l| l.provider == p
                    && l.recipient == r
                    && l.from == s.valid_from
                    && l.to == s.valid_to),
                "seed assignment {} → {} does not follow from the ring",
                s.provider,
                s.recipient
            );
        }
        anyhow::ensure!(
            derived.len() == a.assignments.len(),
            "seed ring has assignments the facts do not"
        );
        for m in &members {
            added += 1;
            dso_member::ActiveModel {
                agreement_id: Set(agreement.id),
                forbund_id: Set(m.forbund),
                signed: Set(true),
                joined_on: Set(m.joined_on),
                notice_received_on: Set(None),
                last_day: Set(None),
                withdrew_before_start: Set(m.withdrew),
                ring_position: Set(positions.get(&m.forbund).copied()),
                contact: Set((!m.contact.is_empty()).then(|| m.contact.clone())),
                scope_percent: Set((!m.withdrew).then_some(m.scope)),
                version: Set(1),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
        added += derived.len();
        super::dso::write_links(conn, &super::dso::RingData::empty(agreement), &derived)
            .await
            .map_err(crate::error::ApiError::into_anyhow)?;
    }
    report.add("DSO agreements, members and assignments", added);
    Ok(())
}

async fn load_meetings<C: ConnectionTrait>(
    conn: &C,
    file: &MeetingFile,
    slugs: &HashMap<String, i32>,
    insatser: &HashMap<(i32, String), i32>,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    let at = now();
    let (mut meetings, mut decisions) = (0, 0);
    for m in &file.meeting {
        let forbund_id = id_of(slugs, &m.forbund)?;
        let exists = meeting::Entity::find()
            .filter(meeting::Column::ForbundId.eq(forbund_id))
            .filter(meeting::Column::HeldOn.eq(m.held_on))
            .count(conn)
            .await?
            > 0;
        if exists {
            continue;
        }
        meetings += 1;
        let row = meeting::ActiveModel {
            forbund_id: Set(forbund_id),
            held_on: Set(m.held_on),
            starts_at: Set(time(&m.starts_at)?),
            ends_at: Set(time(&m.ends_at)?),
            place: Set(m.place.clone()),
            paragraph_from: Set(m.paragraph_from),
            paragraph_to: Set(m.paragraph_to),
            body: Set(m.body.clone()),
            note: Set(m.note.clone()),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        for d in &m.decisions {
            decisions += 1;
            let insats_id = match &d.insats {
                Some(name) => {
                    Some(*insatser.get(&(forbund_id, name.clone())).ok_or_else(|| {
                        anyhow::anyhow!("seed decision refers to unknown insats {name:?}")
                    })?)
                }
                None => None,
            };
            decision::ActiveModel {
                meeting_id: Set(row.id),
                paragraph: Set(d.paragraph),
                text: Set(d.text.clone()),
                amount_sek: Set(d.amount_sek),
                insats_id: Set(insats_id),
                version: Set(1),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
    }
    report.add("meetings", meetings);
    report.add("decisions", decisions);
    Ok(())
}

async fn load_statistics<C: ConnectionTrait>(
    conn: &C,
    file: &StatisticsFile,
    slugs: &HashMap<String, i32>,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    let at = now();
    let mut areas: HashMap<String, i32> = HashMap::new();
    let (mut added_areas, mut rows) = (0, 0);
    for a in &file.areas {
        let existing = area::Entity::find()
            .filter(area::Column::Code.eq(&a.code))
            .one(conn)
            .await?;
        let id = match existing {
            Some(row) => row.id,
            None => {
                added_areas += 1;
                let parent_id = match &a.parent {
                    Some(p) => Some(*areas.get(p).ok_or_else(|| {
                        anyhow::anyhow!("seed area {} has unknown parent {p}", a.code)
                    })?),
                    None => None,
                };
                area::ActiveModel {
                    code: Set(a.code.clone()),
                    name: Set(a.name.clone()),
                    kind: Set(a.kind.clone()),
                    parent_id: Set(parent_id),
                    version: Set(1),
                    created_at: Set(at),
                    updated_at: Set(at),
                    ..Default::default()
                }
                .insert(conn)
                .await?
                .id
            }
        };
        areas.insert(a.code.clone(), id);
    }
    for p in &file.population {
        let area_id = *areas
            .get(&p.area)
            .ok_or_else(|| anyhow::anyhow!("seed population for unknown area {}", p.area))?;
        anyhow::ensure!(
            p.support.len() == BENEFITS.len(),
            "seed population {} {}: {} benefit columns, expected {}",
            p.area,
            p.year,
            p.support.len(),
            BENEFITS.len()
        );
        let source = p.source.clone().unwrap_or_else(|| DEFAULT_SOURCE.into());
        let exists = area_population::Entity::find()
            .filter(area_population::Column::AreaId.eq(area_id))
            .filter(area_population::Column::Year.eq(p.year))
            .filter(area_population::Column::Gender.eq(&p.gender))
            .count(conn)
            .await?
            > 0;
        if exists {
            continue;
        }
        rows += 1;
        area_population::ActiveModel {
            area_id: Set(area_id),
            year: Set(p.year),
            gender: Set(p.gender.clone()),
            population_20_64: Set(p.population_20_64),
            reported_share_percent: Set(p.share_percent),
            source: Set(source.clone()),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        for (benefit, value) in BENEFITS.iter().zip(&p.support) {
            rows += 1;
            population_support::ActiveModel {
                area_id: Set(area_id),
                year: Set(p.year),
                benefit: Set(benefit.to_string()),
                gender: Set(p.gender.clone()),
                full_year_equivalents: Set(*value),
                source: Set(source.clone()),
                version: Set(1),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
    }
    for k in &file.key_figure {
        let forbund_id = id_of(slugs, &k.forbund)?;
        let exists = key_figure::Entity::find()
            .filter(key_figure::Column::ForbundId.eq(forbund_id))
            .filter(key_figure::Column::Year.eq(k.year))
            .count(conn)
            .await?
            > 0;
        if exists {
            continue;
        }
        rows += 1;
        key_figure::ActiveModel {
            forbund_id: Set(forbund_id),
            year: Set(k.year),
            participants: Set(k.participants),
            closures: Set(k.closures),
            share_to_work_or_studies_percent: Set(k.share_to_work_or_studies_percent),
            mean_months_in_insats: Set(k.mean_months_in_insats),
            source: Set(k.source.clone().unwrap_or_else(|| DEFAULT_SOURCE.into())),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    report.add("areas", added_areas);
    report.add("statistics rows", rows);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_files_parse_and_hold_the_facts() {
        let f: ForbundFile = toml::from_str(FORBUND).expect("forbund.toml");
        assert_eq!(f.forbund.len(), 11);
        for forbund in &f.forbund {
            if let Some(org) = &forbund.org_number {
                assert!(crate::domain::OrgNumber::parse(org).is_ok(), "{org}");
            }
        }
        let d: DsoFile = toml::from_str(DSO).expect("dso.toml");
        assert_eq!(d.agreement[0].assignments.len(), 6);
        let _: InsatsFile = toml::from_str(INSATSER).expect("insatser.toml");
        let _: MeetingFile = toml::from_str(MEETINGS).expect("meetings.toml");
        let s: StatisticsFile = toml::from_str(STATISTICS).expect("statistics.toml");
        assert!(
            s.population
                .iter()
                .all(|p| p.support.len() == BENEFITS.len())
        );
    }
}
