//! An indicator value as a caller may see it: small cells hidden from
//! outsiders (DESIGN.md, "Small cells"), and whether it is an example.

use finsam_entity::indicator_result;

/// A value as a caller may see it.
#[derive(Debug, Clone, Copy)]
pub struct Shown {
    pub value: Option<f64>,
    pub respondents: Option<i32>,
    pub suppressed: bool,
    /// The source marks the value as an invented example.
    pub synthetic: bool,
}

/// A source that begins with "synthetic" marks an invented example (the
/// convention of the import files and the API).
pub fn is_synthetic(source: &str) -> bool {
    source.trim_start().to_lowercase().starts_with("synthetic")
}

pub(super) fn shown(r: &indicator_result::Model, full: bool, min_cell: i64) -> Shown {
    let small = r.respondents.is_some_and(|n| i64::from(n) < min_cell);
    let hide = small && !full;
    Shown {
        value: (!hide).then_some(r.value),
        respondents: r.respondents,
        suppressed: hide,
        synthetic: is_synthetic(&r.source),
    }
}
