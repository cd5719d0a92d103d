//! A report as a PDF, drawn on the server with krilla: A4, DejaVu Sans
//! Condensed embedded (subset) so å, ä and ö are right in every reader,
//! each table's header repeated on every page it runs over, and on each page
//! the förbund's name, the report's title and "Sida N av M".

use std::sync::LazyLock;

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};

use crate::service::finance::document::{ColumnKind, Document as Report, RowKind, Table};

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 48.0;
const BOTTOM: f32 = PAGE_H - MARGIN - 24.0;
const BODY: f32 = 9.0;
const SMALL: f32 = 7.5;
const PAD: f32 = 4.0;

/// The fonts and their advance widths, parsed once.
struct Fonts {
    regular: Font,
    bold: Font,
    regular_face: ttf_parser::Face<'static>,
    bold_face: ttf_parser::Face<'static>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let regular = dejavu::sans_condensed::regular();
    let bold = dejavu::sans_condensed::bold();
    Fonts {
        regular: Font::new(regular.into(), 0).expect("DejaVu Sans Condensed"),
        bold: Font::new(bold.into(), 0).expect("DejaVu Sans Condensed Bold"),
        regular_face: ttf_parser::Face::parse(regular, 0).expect("DejaVu Sans Condensed"),
        bold_face: ttf_parser::Face::parse(bold, 0).expect("DejaVu Sans Condensed Bold"),
    }
});

impl Fonts {
    /// The width of `text` at `size`, in points.
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold {
            &self.bold_face
        } else {
            &self.regular_face
        };
        let units: u32 = text
            .chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .map_or(0, u32::from)
            })
            .sum();
        units as f32 * size / f32::from(face.units_per_em())
    }
}

/// What is drawn on a page.
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Rule {
        y: f32,
        x1: f32,
        x2: f32,
    },
    Shade {
        y: f32,
        h: f32,
    },
}

/// Lays a document out on pages before drawing, so each page's footer can
/// say how many there are.
struct Layout {
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Layout {
    fn new() -> Self {
        Layout {
            pages: vec![vec![]],
            y: MARGIN,
        }
    }

    fn page(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page")
    }

    fn new_page(&mut self) {
        self.pages.push(vec![]);
        self.y = MARGIN;
    }

    /// Room for `h` more points, or a new page.
    fn room(&mut self, h: f32) {
        if self.y + h > BOTTOM {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, size: f32, bold: bool, text: &str) {
        let y = self.y + size;
        self.page().push(Op::Text {
            x,
            y,
            size,
            bold,
            text: text.to_string(),
        });
    }

    /// A paragraph wrapped to the page's width.
    fn paragraph(&mut self, text: &str, size: f32, bold: bool) {
        for line in wrap(text, PAGE_W - 2.0 * MARGIN, size, bold) {
            self.room(size * 1.4);
            self.text(MARGIN, size, bold, &line);
            self.y += size * 1.4;
        }
    }
}

/// Words of `text` in lines no wider than `width`.
fn wrap(text: &str, width: f32, size: f32, bold: bool) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        // A word wider than the line is broken where it must be.
        if FONTS.width(word, size, bold) > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for c in word.chars() {
                line.push(c);
                if FONTS.width(&line, size, bold) > width && line.chars().count() > 1 {
                    let last = line.pop().unwrap_or(c);
                    lines.push(std::mem::take(&mut line));
                    line.push(last);
                }
            }
            continue;
        }
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if FONTS.width(&candidate, size, bold) > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The columns' widths: each at least its longest word (a number's whole
/// text), the room left shared among the text columns by how much more
/// their longest text would take.
fn widths(t: &Table) -> Vec<f32> {
    let full = PAGE_W - 2.0 * MARGIN;
    let texts = |i: usize| {
        t.rows
            .iter()
            .filter_map(move |r| r.cells.get(i))
            .map(|c| (c.text(), true))
    };
    let longest_word = |text: &str, bold: bool| {
        text.split_whitespace()
            .map(|w| FONTS.width(w, SMALL, bold))
            .fold(0.0, f32::max)
    };
    let mut least = Vec::new();
    let mut natural = Vec::new();
    for (i, c) in t.columns.iter().enumerate() {
        let header = longest_word(&c.label, true);
        let (min, max) = texts(i).fold((header, header), |(min, max), (text, bold)| {
            let whole = FONTS.width(&text, SMALL, bold);
            let word = if c.kind == ColumnKind::Text {
                longest_word(&text, bold).min(full * 0.25)
            } else {
                whole
            };
            (min.max(word), max.max(whole))
        });
        least.push(min + 2.0 * PAD);
        natural.push(max + 2.0 * PAD);
    }
    let spare = full - least.iter().sum::<f32>();
    if spare <= 0.0 {
        let scale = full / least.iter().sum::<f32>();
        return least.into_iter().map(|w| w * scale).collect();
    }
    let wants: Vec<f32> = t
        .columns
        .iter()
        .zip(least.iter().zip(&natural))
        .map(|(c, (l, n))| match c.kind {
            ColumnKind::Text => n - l,
            _ => 0.0,
        })
        .collect();
    let wanted: f32 = wants.iter().sum();
    least
        .iter()
        .zip(&wants)
        .map(|(l, w)| {
            if wanted > 0.0 {
                l + spare * w / wanted
            } else {
                l + spare / t.columns.len() as f32
            }
        })
        .collect()
}

fn table(layout: &mut Layout, t: &Table) {
    let widths = widths(t);
    let line_h = SMALL * 1.35;
    let header = |layout: &mut Layout| {
        let lines: Vec<Vec<String>> = t
            .columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| wrap(&c.label, w - 2.0 * PAD, SMALL, true))
            .collect();
        let h = lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * line_h + PAD;
        let y0 = layout.y;
        layout.page().push(Op::Shade { y: y0, h });
        let mut x = MARGIN;
        for ((c, w), text) in t.columns.iter().zip(&widths).zip(&lines) {
            for (n, line) in text.iter().enumerate() {
                let tx = aligned(c.kind, x, *w, line, true);
                layout.y = y0 + PAD / 2.0 + n as f32 * line_h;
                layout.text(tx, SMALL, true, line);
            }
            x += w;
        }
        layout.y = y0 + h;
    };
    layout.room(line_h * 4.0);
    layout.paragraph(&t.caption, BODY, true);
    layout.y += 2.0;
    header(layout);
    for row in &t.rows {
        let bold = row.kind != RowKind::Line;
        let cells: Vec<Vec<String>> = row
            .cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| wrap(&c.text(), w - 2.0 * PAD, SMALL, bold))
            .collect();
        let h = cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * line_h + 2.0;
        if layout.y + h > BOTTOM {
            layout.new_page();
            header(layout);
        }
        let y0 = layout.y;
        if matches!(row.kind, RowKind::Total | RowKind::Subtotal) {
            layout.page().push(Op::Rule {
                y: y0,
                x1: MARGIN,
                x2: PAGE_W - MARGIN,
            });
        }
        let mut x = MARGIN;
        for ((i, lines), w) in cells.iter().enumerate().zip(&widths) {
            let kind = t.columns.get(i).map_or(ColumnKind::Text, |c| c.kind);
            for (n, line) in lines.iter().enumerate() {
                layout.y = y0 + 1.0 + n as f32 * line_h;
                let tx = aligned(kind, x, *w, line, bold);
                layout.text(tx, SMALL, bold, line);
            }
            x += w;
        }
        layout.y = y0 + h;
    }
    layout.y += 10.0;
}

/// Where text starts in its cell: numbers to the right, text to the left.
fn aligned(kind: ColumnKind, x: f32, w: f32, text: &str, bold: bool) -> f32 {
    match kind {
        ColumnKind::Text | ColumnKind::Date => x + PAD,
        _ => x + w - PAD - FONTS.width(text, SMALL, bold),
    }
}

/// The report as a PDF.
pub fn render(doc: &Report) -> Result<Vec<u8>, String> {
    let mut layout = Layout::new();
    layout.paragraph(&doc.forbund, BODY, false);
    layout.y += 2.0;
    layout.paragraph(&doc.title, 16.0, true);
    layout.paragraph(
        &format!("Period: {}. {}", doc.period, doc.status),
        BODY,
        false,
    );
    layout.y += 8.0;
    for (n, section) in doc.sections.iter().enumerate() {
        // Each section after the first begins on a page of its own, as
        // the print stylesheet does.
        if n > 0 {
            layout.new_page();
        }
        layout.paragraph(&section.heading, 12.5, true);
        layout.y += 4.0;
        for p in &section.paragraphs {
            layout.paragraph(p, BODY, false);
            layout.y += 2.0;
        }
        layout.y += 4.0;
        for t in &section.tables {
            table(&mut layout, t);
        }
    }
    draw(doc, layout.pages)
}

fn draw(doc: &Report, pages: Vec<Vec<Op>>) -> Result<Vec<u8>, String> {
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!("{} – {}", doc.forbund, doc.title))
            .language("sv".into())
            .creator("finsam-graph".into()),
    );
    let count = pages.len();
    let grey = rgb::Color::new(0xee, 0xee, 0xee);
    for (n, ops) in pages.into_iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or("the A4 page")?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold,
                    text,
                } => {
                    let font = if bold {
                        FONTS.bold.clone()
                    } else {
                        FONTS.regular.clone()
                    };
                    surface.draw_text(
                        Point::from_xy(x, y),
                        font,
                        size,
                        &text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Rule { y, x1, x2 } => {
                    let mut path = PathBuilder::new();
                    path.move_to(x1, y);
                    path.line_to(x2, y);
                    if let Some(path) = path.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            width: 0.5,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                        surface.set_stroke(None);
                        surface.set_fill(Some(Fill::default()));
                    }
                }
                Op::Shade { y, h } => {
                    let mut path = PathBuilder::new();
                    if let Some(rect) = Rect::from_xywh(MARGIN, y, PAGE_W - 2.0 * MARGIN, h) {
                        path.push_rect(rect);
                    }
                    if let Some(path) = path.finish() {
                        surface.set_fill(Some(Fill {
                            paint: grey.into(),
                            ..Fill::default()
                        }));
                        surface.draw_path(&path);
                        surface.set_fill(Some(Fill::default()));
                    }
                }
            }
        }
        // The footer: whose report, which, and where in it.
        let foot = PAGE_H - MARGIN + 6.0;
        let left = format!("{} – {}", doc.forbund, doc.title);
        surface.draw_text(
            Point::from_xy(MARGIN, foot),
            FONTS.regular.clone(),
            SMALL,
            &left,
            false,
            TextDirection::Auto,
        );
        let right = format!("Sida {} av {count}", n + 1);
        let x = PAGE_W - MARGIN - FONTS.width(&right, SMALL, false);
        surface.draw_text(
            Point::from_xy(x, foot),
            FONTS.regular.clone(),
            SMALL,
            &right,
            false,
            TextDirection::Auto,
        );
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| format!("{e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_measured_and_wrapped_within_its_width() {
        let w = FONTS.width("Västerås", 10.0, false);
        assert!(w > 30.0 && w < 60.0, "{w}");
        assert!(FONTS.width("Västerås", 10.0, true) > w);
        let lines = wrap(
            "Politikerarvode inkl. förlorad arbetsförtjänst och sociala avgifter",
            100.0,
            SMALL,
            false,
        );
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| FONTS.width(l, SMALL, false) <= 100.0));
    }
}
