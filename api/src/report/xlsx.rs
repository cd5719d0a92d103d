//! A report as a spreadsheet (rust_xlsxwriter): one sheet per table, each
//! with the förbund, the report and the table's caption above a frozen
//! header row; numbers are numbers (tkr with one decimal, per cent of 100,
//! counts whole), shown with thousands separators as Excel's Swedish locale
//! writes them. And a table as CSV, as Swedish Excel reads it.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::service::finance::document::{Cell, Document, RowKind, Table};

/// A sheet's name: the table's key, within Excel's 31 characters.
fn sheet_name(t: &Table) -> String {
    t.key.chars().take(31).collect()
}

pub fn render(doc: &Document) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(13);
    let money = Format::new().set_num_format("#,##0.0");
    let money_bold = money.clone().set_bold();
    let count = Format::new().set_num_format("#,##0");
    let count_bold = count.clone().set_bold();
    let percent = Format::new().set_num_format("0\" %\"");
    let percent_bold = percent.clone().set_bold();
    for t in doc.tables() {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(t))?;
        sheet.write_string_with_format(0, 0, format!("{} – {}", doc.forbund, doc.title), &title)?;
        sheet.write_string(1, 0, format!("{}. {}", doc.period, doc.status))?;
        sheet.write_string_with_format(2, 0, &t.caption, &bold)?;
        let header = 4u32;
        for (c, column) in t.columns.iter().enumerate() {
            sheet.write_string_with_format(header, c as u16, &column.label, &bold)?;
            let width = if c == 0 { 48.0 } else { 14.0 };
            sheet.set_column_width(c as u16, width)?;
        }
        sheet.set_freeze_panes(header + 1, 1)?;
        for (r, row) in t.rows.iter().enumerate() {
            let at = header + 1 + r as u32;
            let strong = row.kind != RowKind::Line;
            for (c, cell) in row.cells.iter().enumerate() {
                let c16 = c as u16;
                match (cell, cell.number()) {
                    (Cell::Percent(_), Some(v)) => {
                        sheet.write_number_with_format(
                            at,
                            c16,
                            v,
                            pick(strong, &percent, &percent_bold),
                        )?;
                    }
                    (Cell::Money(_), Some(v)) => {
                        sheet.write_number_with_format(
                            at,
                            c16,
                            v,
                            pick(strong, &money, &money_bold),
                        )?;
                    }
                    (_, Some(v)) => {
                        sheet.write_number_with_format(
                            at,
                            c16,
                            v,
                            pick(strong, &count, &count_bold),
                        )?;
                    }
                    (Cell::Empty, None) => {}
                    (_, None) if strong => {
                        sheet.write_string_with_format(at, c16, cell.text(), &bold)?;
                    }
                    (_, None) => {
                        sheet.write_string(at, c16, cell.text())?;
                    }
                }
            }
        }
    }
    book.save_to_buffer()
}

fn pick<'a>(strong: bool, plain: &'a Format, bold: &'a Format) -> &'a Format {
    if strong { bold } else { plain }
}

/// A table as CSV: semicolons and decimal commas, as Swedish Excel reads
/// it, with the byte-order mark that tells it the file is UTF-8; numbers
/// without thousands separators (tkr, per cent of 100), as the spreadsheet
/// holds them.
pub fn csv(t: &Table) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    out.write_record(t.columns.iter().map(|c| c.label.as_str()))?;
    let width = t.columns.len();
    for row in &t.rows {
        // A group's heading has one cell; every record has the header's.
        let empty = std::iter::repeat_n(&Cell::Empty, width.saturating_sub(row.cells.len()));
        out.write_record(row.cells.iter().chain(empty).map(|c| match c.number() {
            Some(v) => {
                let text = if v.fract() == 0.0 {
                    format!("{v:.0}")
                } else {
                    let s = format!("{v:.3}");
                    s.trim_end_matches('0').to_string()
                };
                text.replace('.', ",")
            }
            None => c.text(),
        }))?;
    }
    out.into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}
