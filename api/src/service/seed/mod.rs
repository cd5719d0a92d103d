//! The demo dataset (`data/seed/*.toml`, built from the facts of public board
//! papers), compiled into the binary so `cargo run` needs nothing else.
//! Loading is idempotent: every row is found by its natural key first
//! (`loader`), so a second load changes nothing. One file a table group:
//! `forbund`, `insatser`, `dso` (which also checks the facts' assignments
//! against the ring the rules derive), `meetings`, `statistics`,
//! `indicators` and `finances`.

mod dso;
mod files;
mod finances;
mod forbund;
mod indicators;
mod insatser;
mod loader;
mod meetings;
pub mod national;
mod statistics;

use std::collections::HashMap;

use sea_orm::{DatabaseConnection, DatabaseTransaction, EntityTrait, PaginatorTrait};

use crate::db::begin_write;
pub use loader::SeedReport;

const FORBUND: &str = include_str!("../../../../data/seed/forbund.toml");
const INSATSER: &str = include_str!("../../../../data/seed/insatser.toml");
const DSO: &str = include_str!("../../../../data/seed/dso.toml");
const MEETINGS: &str = include_str!("../../../../data/seed/meetings.toml");
const STATISTICS: &str = include_str!("../../../../data/seed/statistics.toml");
const INDICATORS: &str = include_str!("../../../../data/seed/indicators.toml");
const FINANCES: &str = include_str!("../../../../data/seed/finances.toml");

/// Where a value without a source of its own comes from.
const DEFAULT_SOURCE: &str = "Board papers of the förbund (demo dataset)";

/// A seed row the record's rules refuse, named: the demo dataset must meet
/// every rule the API applies.
fn refused(what: impl std::fmt::Display) -> impl FnOnce(crate::error::ApiError) -> anyhow::Error {
    move |e| anyhow::anyhow!("seed {what}: {}", e.message())
}

/// A row's own source, or the file's for a row without one.
fn source_or(own: &str, file: &str) -> String {
    if own.trim().is_empty() {
        file.to_string()
    } else {
        own.to_string()
    }
}

/// True when no förbund exists yet (a fresh database).
pub async fn is_empty(db: &DatabaseConnection) -> anyhow::Result<bool> {
    Ok(finsam_entity::forbund::Entity::find().count(db).await? == 0)
}

/// Loads the whole demo dataset in one transaction.
pub async fn load(db: &DatabaseConnection) -> anyhow::Result<SeedReport> {
    let forbund_file: files::ForbundFile = toml::from_str(FORBUND)?;
    let insats_file: files::InsatsFile = toml::from_str(INSATSER)?;
    let dso_file: files::DsoFile = toml::from_str(DSO)?;
    let meeting_file: files::MeetingFile = toml::from_str(MEETINGS)?;
    let statistics: files::StatisticsFile = toml::from_str(STATISTICS)?;
    let indicator_file: files::IndicatorFile = toml::from_str(INDICATORS)?;
    let finance_file: files::FinanceFile = toml::from_str(FINANCES)?;

    let txn = begin_write(db).await?;
    let mut loader = loader::Loader::new(&txn, super::now());
    let slugs = forbund::load(&mut loader, &forbund_file).await?;
    let insatser = insatser::load(&mut loader, &insats_file, &slugs).await?;
    dso::load(&mut loader, &dso_file, &slugs).await?;
    meetings::load(&mut loader, &meeting_file, &slugs, &insatser).await?;
    statistics::load(&mut loader, &statistics, &slugs).await?;
    indicators::load(&mut loader, &indicator_file, &slugs).await?;
    finances::load(&mut loader, &finance_file, &slugs, &insatser).await?;
    let report = loader.report;
    commit(txn, report).await
}

/// Loads the national network generated from `seed` (`national`) beside
/// what is there, through the same loaders and checks as the demo dataset,
/// in one transaction. The demo dataset comes first where the database is
/// empty: the generated results name its indicators.
pub async fn load_national(
    db: &DatabaseConnection,
    seed: u64,
    size: national::Size,
) -> anyhow::Result<SeedReport> {
    if is_empty(db).await? {
        load(db).await?;
    }
    let files = national::generate(seed, size);
    let forbund_file: files::ForbundFile = serde_json::from_value(files.forbund)?;
    let insats_file: files::InsatsFile = serde_json::from_value(files.insatser)?;
    let dso_file: files::DsoFile = serde_json::from_value(files.dso)?;
    let meeting_file: files::MeetingFile = serde_json::from_value(files.meetings)?;
    let statistics: files::StatisticsFile = serde_json::from_value(files.statistics)?;
    let mut indicator_file: files::IndicatorFile = toml::from_str(INDICATORS)?;
    let generated: files::IndicatorFile = serde_json::from_value(serde_json::json!({
        "example_source": files.indicators["example_source"],
        "indicator": [],
        "averages": files.indicators["averages"],
        "results": files.indicators["results"],
        "report": [],
    }))?;
    indicator_file.example_source = generated.example_source;
    indicator_file.averages = generated.averages;
    indicator_file.results = generated.results;
    indicator_file.report = vec![];

    let txn = begin_write(db).await?;
    let mut loader = loader::Loader::new(&txn, super::now());
    let mut slugs = forbund::load(&mut loader, &forbund_file).await?;
    // The demo's förbund too: the generated network refers only to its own.
    for f in finsam_entity::forbund::Entity::find().all(&txn).await? {
        slugs.entry(f.slug).or_insert(f.id);
    }
    insatser::load(&mut loader, &insats_file, &slugs).await?;
    dso::load(&mut loader, &dso_file, &slugs).await?;
    let no_insatser = insatser::Insatser::new();
    meetings::load(&mut loader, &meeting_file, &slugs, &no_insatser).await?;
    statistics::load(&mut loader, &statistics, &slugs).await?;
    indicators::load(&mut loader, &indicator_file, &slugs).await?;
    let report = loader.report;
    commit(txn, report).await
}

/// Commits a load; when it wrote anything, other processes are told the
/// reference data changed (in the same transaction) and this one forgets
/// its snapshot.
async fn commit(txn: DatabaseTransaction, report: SeedReport) -> anyhow::Result<SeedReport> {
    if report.total() > 0 {
        super::reference::bump(&txn)
            .await
            .map_err(crate::error::ApiError::into_anyhow)?;
    }
    txn.commit().await?;
    super::reference::invalidate();
    Ok(report)
}

/// Förbund ids by slug, as the tables that refer to förbund look them up.
type Slugs = HashMap<String, i32>;

fn id_of(slugs: &Slugs, slug: &str) -> anyhow::Result<i32> {
    slugs
        .get(slug)
        .copied()
        .ok_or_else(|| anyhow::anyhow!("seed refers to unknown förbund {slug:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_files_parse_and_hold_the_facts() {
        let f: files::ForbundFile = toml::from_str(FORBUND).expect("forbund.toml");
        assert_eq!(f.forbund.len(), 11);
        for forbund in &f.forbund {
            if let Some(org) = &forbund.forbund.org_number {
                assert!(crate::domain::OrgNumber::parse(org).is_ok(), "{org}");
            }
        }
        let d: files::DsoFile = toml::from_str(DSO).expect("dso.toml");
        assert_eq!(d.agreement[0].assignments.len(), 6);
        let _: files::InsatsFile = toml::from_str(INSATSER).expect("insatser.toml");
        let _: files::MeetingFile = toml::from_str(MEETINGS).expect("meetings.toml");
        let finances: files::FinanceFile = toml::from_str(FINANCES).expect("finances.toml");
        let vasteras = &finances.year[0];
        assert_eq!(vasteras.lines.len(), 24, "every line of the 2019 table");
        let i: files::IndicatorFile = toml::from_str(INDICATORS).expect("indicators.toml");
        assert_eq!(
            i.indicator.len(),
            15,
            "the national set has 15 core indicators"
        );
        let effect = i
            .indicator
            .iter()
            .filter(|d| d.kind == crate::record::indicator::IndicatorKind::Effect)
            .count();
        assert_eq!(
            (effect, 15 - effect),
            (5, 10),
            "5 effect and 10 process indicators"
        );
        assert!(
            i.results.iter().all(|r| r.source.is_empty()),
            "results are examples"
        );
        let s: files::StatisticsFile = toml::from_str(STATISTICS).expect("statistics.toml");
        assert!(
            s.population
                .iter()
                .all(|p| p.support.len() == crate::service::population::BENEFITS.len() + 1)
        );
    }
}
