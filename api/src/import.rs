//! `finsam import KIND FILE.csv`: loads indicator definitions, results,
//! national averages, population on benefits or förbund budget lines
//! (`budget`) from CSV files through the
//! same service functions as the mutations (same rules, same audit, as the
//! command-line actor). Definitions, results and averages are read into the
//! records the mutations take (`record::indicator`), by column name (the
//! GraphQL field's name); a file loads whole or not at all; an error names
//! the line and the column.

use std::collections::HashMap;
use std::path::Path;

use serde::de::DeserializeOwned;

use crate::auth::Caller;
use crate::service::ServiceContext;
use crate::service::indicator::{self, BatchError, Gender};
use crate::service::population::{self, PopulationRow};

/// Rows between progress lines on large files.
const PROGRESS_EVERY: usize = 10_000;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Kind {
    /// Indicator definitions: code, number, name, description, level, kind, respondentGroup.
    Indicators,
    IndicatorResults,
    NationalAverages,
    PopulationSupport,
    /// Budget lines of förbund: forbund, year, group, name, budgetSek,
    /// outcomeSek, outcomeThrough, plan1Sek, plan2Sek, insats (its id or
    /// name, where the line is an insats), position.
    Budget,
}

/// A refused import: where, and why.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: line {line}, column {column}: {message}")]
    At {
        path: String,
        line: u64,
        column: String,
        message: String,
    },
    #[error("{0}")]
    Other(String),
}

/// One CSV record with its line, read by column name.
struct Record<'a> {
    path: &'a str,
    line: u64,
    headers: &'a HashMap<String, usize>,
    record: &'a csv::StringRecord,
}

impl Record<'_> {
    fn err(&self, column: &str, message: impl Into<String>) -> ImportError {
        ImportError::At {
            path: self.path.to_string(),
            line: self.line,
            column: column.to_string(),
            message: message.into(),
        }
    }

    fn text(&self, column: &str) -> Option<&str> {
        self.headers
            .get(column)
            .and_then(|i| self.record.get(*i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    fn required(&self, column: &str) -> Result<&str, ImportError> {
        self.text(column)
            .ok_or_else(|| self.err(column, "is empty"))
    }

    fn parse<T: std::str::FromStr>(&self, column: &str) -> Result<Option<T>, ImportError> {
        match self.text(column) {
            None => Ok(None),
            Some(t) => {
                // Swedish files write decimals with a comma and thousands with spaces.
                let cleaned: String = t.replace([' ', '\u{a0}'], "").replace(',', ".");
                cleaned
                    .parse::<T>()
                    .map(Some)
                    .map_err(|_| self.err(column, format!("{t:?} is not a number")))
            }
        }
    }

    fn number<T: std::str::FromStr>(&self, column: &str) -> Result<T, ImportError> {
        self.parse(column)?
            .ok_or_else(|| self.err(column, "is empty"))
    }

    fn gender(&self) -> Result<Gender, ImportError> {
        match self.text("gender") {
            None => Ok(Gender::Total),
            Some(g) => crate::domain::indicators::parse_gender(g)
                .ok_or_else(|| self.err("gender", "TOTAL, WOMEN or MEN")),
        }
    }
}

fn read_file(
    path: &Path,
    required: &[&str],
) -> Result<(csv::Reader<std::fs::File>, HashMap<String, usize>), ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_path(path)
        .map_err(|e| ImportError::Other(format!("{}: {e}", path.display())))?;
    let headers: HashMap<String, usize> = reader
        .headers()
        .map_err(|e| ImportError::Other(format!("{}: {e}", path.display())))?
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().to_string(), i))
        .collect();
    for column in required {
        if !headers.contains_key(*column) {
            return Err(ImportError::At {
                path: path.display().to_string(),
                line: 1,
                column: column.to_string(),
                message: "missing from the header".into(),
            });
        }
    }
    Ok((reader, headers))
}

/// Reads every record of `path` through `row`, printing progress on large files.
fn rows<T>(
    path: &Path,
    required: &[&str],
    mut row: impl FnMut(&Record<'_>) -> Result<T, ImportError>,
) -> Result<(Vec<T>, Vec<u64>), ImportError> {
    let (mut reader, headers) = read_file(path, required)?;
    let name = path.display().to_string();
    let mut out = Vec::new();
    let mut lines = Vec::new();
    for (i, result) in reader.records().enumerate() {
        let record = result.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            ImportError::At {
                path: name.clone(),
                line,
                column: "-".into(),
                message: e.to_string(),
            }
        })?;
        let line = record.position().map_or(i as u64 + 2, |p| p.line());
        let r = Record {
            path: &name,
            line,
            headers: &headers,
            record: &record,
        };
        out.push(row(&r)?);
        lines.push(line);
        if (i + 1) % PROGRESS_EVERY == 0 {
            eprintln!("{name}: read {} rows", i + 1);
        }
    }
    Ok((out, lines))
}

/// Reads every record of `path` into the record type `T`, by column name:
/// a column is the GraphQL field's name (`respondentGroup`), matched to the
/// record's field (`respondent_group`). Each cell reaches the record as
/// text (an empty one as missing), so a code like `6` stays text and a
/// number field reads Swedish decimals (`record::number`); an error names
/// the column through the field's path.
fn records<T: DeserializeOwned>(
    path: &Path,
    required: &[&str],
) -> Result<(Vec<T>, Vec<u64>), ImportError> {
    let (mut reader, headers) = read_file(path, required)?;
    let mut columns: Vec<(usize, String, String)> = headers
        .iter()
        .map(|(h, i)| (*i, snake_case(h), h.clone()))
        .collect();
    columns.sort();
    let name = path.display().to_string();
    let mut out = Vec::new();
    let mut lines = Vec::new();
    for (i, result) in reader.records().enumerate() {
        let at = |line: u64, column: &str, message: String| ImportError::At {
            path: name.clone(),
            line,
            column: column.to_string(),
            message,
        };
        let record =
            result.map_err(|e| at(e.position().map_or(0, |p| p.line()), "-", e.to_string()))?;
        let line = record.position().map_or(i as u64 + 2, |p| p.line());
        let cells: serde_json::Map<String, serde_json::Value> = columns
            .iter()
            .filter_map(|(index, field, _)| {
                let cell = record.get(*index)?.trim();
                (!cell.is_empty()).then(|| (field.clone(), serde_json::Value::from(cell)))
            })
            .collect();
        let row: T =
            serde_path_to_error::deserialize(serde_json::Value::Object(cells)).map_err(|e| {
                let field = e.path().to_string();
                let message = e.inner().to_string();
                // A missing field is reported at the record; its name is in the message.
                let field = match message.strip_prefix("missing field `") {
                    Some(rest) if field == "." => rest.trim_end_matches('`').to_string(),
                    _ => field,
                };
                let column = columns
                    .iter()
                    .find(|(_, f, _)| *f == field)
                    .map_or(field.as_str(), |(_, _, header)| header.as_str());
                let message = match message.strip_prefix("missing field") {
                    Some(_) => "is empty".to_string(),
                    None => message,
                };
                at(line, column, message)
            })?;
        out.push(row);
        lines.push(line);
        if (i + 1) % PROGRESS_EVERY == 0 {
            eprintln!("{name}: read {} rows", i + 1);
        }
    }
    Ok((out, lines))
}

/// `respondentGroup` → `respondent_group`.
fn snake_case(column: &str) -> String {
    let mut out = String::with_capacity(column.len() + 4);
    for c in column.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn at_line(path: &Path, lines: &[u64], err: BatchError) -> ImportError {
    match err {
        BatchError::Row {
            row,
            column,
            broken,
        } => ImportError::At {
            path: path.display().to_string(),
            line: lines.get(row).copied().unwrap_or(0),
            column: column.to_string(),
            message: broken.message(),
        },
        BatchError::Other(e) => ImportError::Other(format!("{:#}", e.into_anyhow())),
    }
}

const RESULT_COLUMNS: [&str; 5] = ["forbund", "indicator", "year", "value", "source"];
const AVERAGE_COLUMNS: [&str; 4] = ["indicator", "year", "value", "source"];
/// The benefit columns of a population file, in `population::BENEFITS` order, then the total.
const BENEFIT_COLUMNS: [&str; 7] = [
    "sicknessBenefit",
    "sicknessActivityCompensation",
    "unemployment",
    "labourMarketProgrammes",
    "socialAssistance",
    "establishmentBenefit",
    "total",
];

/// Imports one file; returns how many rows were written.
pub async fn import(
    cx: &ServiceContext,
    caller: &Caller,
    kind: Kind,
    path: &Path,
) -> Result<usize, ImportError> {
    match kind {
        Kind::Indicators => {
            let (rows, lines) = records(path, &["code", "name", "level", "kind"])?;
            indicator::import_definitions(cx, caller, &rows)
                .await
                .map_err(|e| at_line(path, &lines, e))
        }
        Kind::IndicatorResults => {
            let (rows, lines) = records(path, &RESULT_COLUMNS)?;
            indicator::upsert_results(cx, caller, &rows)
                .await
                .map_err(|e| at_line(path, &lines, e))
        }
        Kind::NationalAverages => {
            let (rows, lines) = records(path, &AVERAGE_COLUMNS)?;
            indicator::upsert_averages(cx, caller, &rows)
                .await
                .map_err(|e| at_line(path, &lines, e))
        }
        Kind::Budget => {
            let (rows, lines) = records(path, &["forbund", "year", "group", "name"])?;
            crate::service::finance::lines::import(cx, caller, &rows)
                .await
                .map_err(|e| at_line(path, &lines, e))
        }
        Kind::PopulationSupport => {
            let mut required = vec!["area", "areaName", "areaKind", "year", "source"];
            required.extend(BENEFIT_COLUMNS);
            let (rows, lines) = rows(path, &required, |r| {
                let mut support = Vec::with_capacity(BENEFIT_COLUMNS.len());
                for column in BENEFIT_COLUMNS {
                    support.push(r.parse::<f64>(column)?);
                }
                Ok(PopulationRow {
                    area: r.required("area")?.to_string(),
                    area_name: r.required("areaName")?.to_string(),
                    area_kind: r.required("areaKind")?.to_ascii_uppercase(),
                    parent: r.text("parent").map(str::to_owned),
                    year: r.number("year")?,
                    gender: r.gender()?,
                    support,
                    population_20_64: r.parse("population20To64")?,
                    share_percent: r.parse("sharePercent")?,
                    source: r.required("source")?.to_string(),
                })
            })?;
            population::upsert(cx, caller, &rows).await.map_err(|e| {
                // The population service names its support columns as one.
                let e = match e {
                    BatchError::Row {
                        row,
                        column: "support",
                        broken,
                    } => BatchError::Row {
                        row,
                        column: "total",
                        broken,
                    },
                    other => other,
                };
                at_line(path, &lines, e)
            })
        }
    }
}
