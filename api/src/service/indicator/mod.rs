//! National indicators: definitions (data, not code), results per förbund,
//! national averages, and the comparisons boards and the national network
//! read. Batches are all-or-nothing and name the row at fault.
//!
//! `definitions`; `results` (results and national averages, batched
//! upserts); `shown` (a value as a caller may see it); `comparison` (a
//! förbund against the national average and its previous year), `network`
//! (every förbund on one indicator), `trend` (a series over the years);
//! `key_figure_comparison` and `key_figures` (reading and recording the
//! key figures).

mod comparison;
mod definitions;
mod key_figure_comparison;
mod key_figures;
mod network;
mod results;
mod shown;
mod trend;

pub use comparison::{Comparison, ComparisonRow, comparison};
pub use definitions::{check_definition, define, definitions, import_definitions};
pub use key_figure_comparison::{Figure, FigureComparison, key_figure_comparison};
pub use key_figures::{checked as checked_key_figures, key_figure_row, set_key_figures};
pub use network::{Network, NetworkEntry, network};
pub use results::{check_average, check_result, require_writer, upsert_averages, upsert_results};
pub use shown::{Shown, is_synthetic};
pub use trend::{TrendPoint, trend};

use crate::error::{ApiError, Broken};

pub use crate::domain::indicators::Gender;
use results::{check_source, check_year};
use shown::shown;

/// A batch refused at one row; `column` is the field's name in the API and
/// in the CSV files.
#[derive(Debug)]
pub enum BatchError {
    Row {
        row: usize,
        column: &'static str,
        broken: Broken,
    },
    Other(ApiError),
}

impl From<ApiError> for BatchError {
    fn from(e: ApiError) -> Self {
        BatchError::Other(e)
    }
}

impl From<sea_orm::DbErr> for BatchError {
    fn from(e: sea_orm::DbErr) -> Self {
        BatchError::Other(e.into())
    }
}

impl From<BatchError> for ApiError {
    fn from(e: BatchError) -> Self {
        match e {
            BatchError::Row {
                row,
                column,
                broken,
            } => ApiError::bad_input(format!("rows[{row}].{column}"), broken),
            BatchError::Other(e) => e,
        }
    }
}

pub(crate) fn row_error(row: usize, column: &'static str, broken: impl Into<Broken>) -> BatchError {
    BatchError::Row {
        row,
        column,
        broken: broken.into(),
    }
}
