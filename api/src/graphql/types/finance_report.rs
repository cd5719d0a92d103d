//! The report a förbund's board receives on its finances: its stated
//! figures against the computed ones, its sections as one document, and
//! its files (DESIGN.md, "Finances").

use std::sync::Arc;

use async_graphql::{Enum, ID, Object, SimpleObject};
use chrono::Datelike;

use super::finance::FinanceYear;
use super::{Date, Decision, Forbund};
use crate::record::finance::FinanceFigure;
use crate::service::finance::document::{Cell, ColumnKind, Document, RowKind};
use crate::service::finance::report::Report;
use crate::service::finance::sections;

/// A figure as computed from the data and as the report's paper states it.
#[derive(SimpleObject)]
pub struct FinanceFigureRow {
    figure: FinanceFigure,
    year: i32,
    /// Kronor, or whole percent for SHARE_USED.
    computed: Option<i64>,
    reported: Option<i64>,
    /// Reported less computed, when they differ.
    difference: Option<i64>,
}

/// What a column of a report's table holds.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ReportColumnKind {
    Text,
    /// Kronor, shown in thousands (tkr).
    Money,
    Percent,
    Count,
    Date,
}

/// How a row stands in its table.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ReportRowKind {
    Line,
    Heading,
    Subtotal,
    Total,
}

#[derive(SimpleObject)]
pub struct ReportColumn {
    label: String,
    kind: ReportColumnKind,
}

/// A cell as a Swedish reader sees it, and the number it holds.
#[derive(SimpleObject)]
pub struct ReportCell {
    text: String,
    /// Tkr for money, percent, count; null for text and empty cells.
    value: Option<f64>,
    /// A count under the privacy limit, not shown.
    hidden: bool,
}

#[derive(SimpleObject)]
pub struct ReportRow {
    kind: ReportRowKind,
    cells: Vec<ReportCell>,
}

#[derive(SimpleObject)]
pub struct ReportTable {
    /// A stable name: the CSV file's and the sheet's.
    key: String,
    caption: String,
    columns: Vec<ReportColumn>,
    rows: Vec<ReportRow>,
}

#[derive(SimpleObject)]
pub struct ReportSection {
    key: String,
    heading: String,
    paragraphs: Vec<String>,
    tables: Vec<ReportTable>,
}

/// Where the report is offered as a file.
#[derive(SimpleObject)]
pub struct ReportDownloads {
    pdf: String,
    xlsx: String,
    /// One CSV file per table, by the table's key.
    csv: Vec<ReportCsv>,
}

#[derive(SimpleObject)]
pub struct ReportCsv {
    table: String,
    url: String,
}

fn column_kind(k: ColumnKind) -> ReportColumnKind {
    match k {
        ColumnKind::Text => ReportColumnKind::Text,
        ColumnKind::Money => ReportColumnKind::Money,
        ColumnKind::Percent => ReportColumnKind::Percent,
        ColumnKind::Count => ReportColumnKind::Count,
        ColumnKind::Date => ReportColumnKind::Date,
    }
}

fn row_kind(k: RowKind) -> ReportRowKind {
    match k {
        RowKind::Line => ReportRowKind::Line,
        RowKind::Heading => ReportRowKind::Heading,
        RowKind::Subtotal => ReportRowKind::Subtotal,
        RowKind::Total => ReportRowKind::Total,
    }
}

/// A report on a förbund's finances for a period, as its board receives
/// it: stored (with the figures its paper states, and published or not),
/// or generated for a period no report is stored for yet.
#[derive(Clone)]
pub struct FinanceReport(pub Arc<Report>, Arc<std::sync::OnceLock<Document>>);

impl FinanceReport {
    pub fn new(report: Report) -> Self {
        FinanceReport(Arc::new(report), Arc::default())
    }

    /// The report worded as one document, made once however many of its
    /// fields (title, sections, files) a request selects.
    fn document(&self) -> &Document {
        self.1.get_or_init(|| sections::document(&self.0))
    }

    /// The address of the report's page; its files add their ending.
    pub fn path(&self) -> String {
        format!(
            "/forbund/{}/rapport?ar={}&tom={}",
            self.0.forbund().slug,
            self.0.year(),
            self.0.through
        )
    }
}

#[Object]
impl FinanceReport {
    /// The stored report's key (null for a period with no stored report).
    async fn id(&self) -> Option<ID> {
        self.0.stored.as_ref().map(|s| ID(s.id.to_string()))
    }

    /// Pass it back to `saveFinanceReport`; null when none is stored.
    async fn version(&self) -> Option<i32> {
        self.0.stored.as_ref().map(|s| s.version)
    }

    async fn forbund(&self) -> Forbund {
        Forbund::from(self.0.forbund().clone())
    }

    async fn year(&self) -> i32 {
        self.0.year()
    }

    /// The period's first day (the year's).
    async fn from(&self) -> Date {
        Date(self.0.period_start())
    }

    /// The period's last day.
    async fn through(&self) -> Date {
        Date(self.0.through)
    }

    /// Whether the period is the whole year.
    async fn whole_year(&self) -> bool {
        self.0.through.month() == 12 && self.0.through.day() == 31
    }

    async fn title(&self) -> String {
        self.document().title.clone()
    }

    /// The board has received it: a public document, readable by anyone.
    async fn published(&self) -> bool {
        self.0.published()
    }

    /// The day the board received it, where known.
    async fn published_on(&self) -> Option<Date> {
        self.0.published_on().map(Date)
    }

    /// The board's decision on the report.
    async fn decision(&self) -> Option<Decision> {
        self.0.decision.clone().map(Decision)
    }

    /// The year's budget and means, as computed now.
    async fn finances(&self) -> FinanceYear {
        FinanceYear(Arc::new(self.0.finances.clone()))
    }

    /// Every figure computed or stated, with the difference where they
    /// disagree.
    async fn figures(&self) -> Vec<FinanceFigureRow> {
        self.0
            .figures()
            .into_iter()
            .map(|f| FinanceFigureRow {
                figure: f.figure.into(),
                year: f.year,
                computed: f.computed,
                reported: f.reported,
                difference: f.difference(),
            })
            .collect()
    }

    /// The figures whose stated value differs from the computed one.
    async fn disagreements(&self) -> Vec<FinanceFigureRow> {
        self.0
            .figures()
            .into_iter()
            .filter_map(|f| {
                f.difference().map(|d| FinanceFigureRow {
                    figure: f.figure.into(),
                    year: f.year,
                    computed: f.computed,
                    reported: f.reported,
                    difference: Some(d),
                })
            })
            .collect()
    }

    /// The report in Swedish, section by section in the order of a board's
    /// paper: what the page, the PDF and the spreadsheet show.
    async fn sections(&self) -> Vec<ReportSection> {
        self.document()
            .sections
            .iter()
            .cloned()
            .map(|s| ReportSection {
                key: s.key.into(),
                heading: s.heading,
                paragraphs: s.paragraphs,
                tables: s
                    .tables
                    .into_iter()
                    .map(|t| ReportTable {
                        key: t.key.into(),
                        caption: t.caption,
                        columns: t
                            .columns
                            .into_iter()
                            .map(|c| ReportColumn {
                                label: c.label,
                                kind: column_kind(c.kind),
                            })
                            .collect(),
                        rows: t
                            .rows
                            .into_iter()
                            .map(|r| ReportRow {
                                kind: row_kind(r.kind),
                                cells: r
                                    .cells
                                    .iter()
                                    .map(|c| ReportCell {
                                        text: c.text(),
                                        value: c.number(),
                                        hidden: *c == Cell::Hidden,
                                    })
                                    .collect(),
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect()
    }

    /// The report as a PDF, a spreadsheet and a CSV file per table.
    async fn downloads(&self) -> ReportDownloads {
        let page = self.path();
        let (path, query) = page.split_once('?').unwrap_or((&page, ""));
        let doc = self.document();
        ReportDownloads {
            pdf: format!("{path}.pdf?{query}"),
            xlsx: format!("{path}.xlsx?{query}"),
            csv: doc
                .tables()
                .map(|t| ReportCsv {
                    table: t.key.into(),
                    url: format!("{path}/{}.csv?{query}", t.key),
                })
                .collect(),
        }
    }
}
