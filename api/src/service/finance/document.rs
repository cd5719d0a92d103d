//! A report as a document: its sections, paragraphs and tables in Swedish,
//! in the order of the boards' own papers, with typed cells. The web page,
//! the PDF, the spreadsheet and the CSV files are all drawn from this one
//! document, so they say the same thing (DESIGN.md, "Finances").

use chrono::NaiveDate;
use finsam_entity::value::{BudgetGroup, FinanceFigure};

/// What a cell holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// Kronor, shown in thousands (tkr) as the boards' papers do.
    Money(i64),
    Percent(f64),
    Count(i64),
    Date(NaiveDate),
    /// A count under the privacy limit, hidden from the caller.
    Hidden,
}

/// What a column holds, for its alignment and its number format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    Money,
    Percent,
    Count,
    Date,
}

/// How a row stands in its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Line,
    /// A group's heading.
    Heading,
    /// A group's sum.
    Subtotal,
    /// The table's sum.
    Total,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub label: String,
    pub kind: ColumnKind,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub kind: RowKind,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone)]
pub struct Table {
    /// A stable name, for the CSV file and the spreadsheet's sheet.
    pub key: &'static str,
    pub caption: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub key: &'static str,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub tables: Vec<Table>,
}

#[derive(Debug, Clone)]
pub struct Document {
    pub title: String,
    pub forbund: String,
    /// "1 januari–31 augusti 2019".
    pub period: String,
    /// "Publicerad 2019-09-20" or "Ej publicerad".
    pub status: String,
    pub sections: Vec<Section>,
}

impl Document {
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.sections.iter().flat_map(|s| s.tables.iter())
    }
}

const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

/// "31 augusti 2019".
pub fn day(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// A whole number with spaces between thousands, as Swedish is written
/// (Språkrådet): "15 027"; a minus sign for a negative.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    if n < 0 { format!("−{out}") } else { out }
}

/// Kronor in tkr as a board's paper writes them: whole thousands
/// ("15 027"), with the tenth only where the amount is exactly a number of
/// hundreds ("6 072,5", "0,5"), as an outcome booked in hundreds is.
pub fn tkr(sek: i64) -> String {
    if sek % 100 != 0 || sek % 1000 == 0 {
        let whole = (sek as f64 / 1000.0).round() as i64;
        return thousands(whole);
    }
    let tenths = sek / 100;
    let sign = if tenths < 0 { "−" } else { "" };
    format!(
        "{sign}{},{}",
        thousands((tenths / 10).abs()),
        (tenths % 10).abs()
    )
}

/// A percentage rounded to whole percent: "40 %".
pub fn percent(p: f64) -> String {
    format!("{}\u{a0}%", p.round() as i64)
}

impl Cell {
    /// The cell as a Swedish reader sees it.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Money(v) => tkr(*v),
            Cell::Percent(p) => percent(*p),
            Cell::Count(n) => thousands(*n),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Hidden => "–".into(),
        }
    }

    /// The number a spreadsheet holds: tkr for money, as the report shows.
    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Money(v) => Some(*v as f64 / 1000.0),
            Cell::Percent(p) => Some((p * 10.0).round() / 10.0),
            Cell::Count(n) => Some(*n as f64),
            _ => None,
        }
    }
}

pub(super) fn col(label: impl Into<String>, kind: ColumnKind) -> Column {
    Column {
        label: label.into(),
        kind,
    }
}

pub(super) fn money(v: Option<i64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Money)
}

pub(super) fn share(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Percent)
}

pub fn group_name(g: BudgetGroup) -> &'static str {
    match g {
        BudgetGroup::Insatser => "Insatser",
        BudgetGroup::Board => "Styrelsen",
        BudgetGroup::Administration => "Administration",
        BudgetGroup::Other => "Övrigt",
    }
}

pub fn figure_name(f: FinanceFigure) -> &'static str {
    match f {
        FinanceFigure::TotalBudget => "Budget, alla rader",
        FinanceFigure::TotalOutcome => "Utfall, alla rader",
        FinanceFigure::ShareUsed => "Nyttjandegrad (%)",
        FinanceFigure::Contributions => "Parternas medel",
        FinanceFigure::EquityBroughtForward => "Eget kapital, ingående",
        FinanceFigure::Available => "Medel inkl. eget kapital",
        FinanceFigure::EquityUsed => "Förbrukat av eget kapital",
        FinanceFigure::EquityAfter => "Eget kapital, utgående",
        FinanceFigure::Result => "Årets resultat",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_a_board_paper_writes_them() {
        assert_eq!(tkr(15_027_364), "15\u{a0}027");
        assert_eq!(tkr(5_142_636), "5\u{a0}143");
        assert_eq!(tkr(6_072_500), "6\u{a0}072,5");
        assert_eq!(tkr(-156_000), "−156");
        assert_eq!(tkr(-500), "−0,5");
        assert_eq!(tkr(500), "0,5");
        assert_eq!(tkr(0), "0");
        assert_eq!(thousands(1_234_567), "1\u{a0}234\u{a0}567");
        assert_eq!(percent(40.4), "40\u{a0}%");
        assert_eq!(
            day(NaiveDate::from_ymd_opt(2019, 8, 31).unwrap()),
            "31 augusti 2019"
        );
    }
}
