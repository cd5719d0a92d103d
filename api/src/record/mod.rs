//! One definition per record a caller can write: the GraphQL input, the seed
//! files (`data/seed/`), the CSV import and the web app's forms (which read
//! the input types from the schema) all use these types, so a field is added
//! once and every entry point takes it. Values are parsed here, once, at the
//! edge: a date outside the service's range never reaches a service.
//!
//! This floor sits between `domain` (pure rules) and `service` (which takes
//! these records); it knows nothing of the GraphQL layer above it, only the
//! GraphQL crate's derives that describe an input.

mod date;

pub use date::{Date, DateError};
pub mod dso;
pub mod forbund;
pub mod indicator;
pub mod insats;
pub mod meeting;
pub mod number;

use crate::error::{ApiError, ApiResult};

/// A text field as stored: trimmed, not empty, at most `max` characters.
pub fn text(field: &'static str, v: &str, max: usize) -> ApiResult<String> {
    let t = v.trim();
    if t.is_empty() {
        return Err(ApiError::bad_input(field, "must not be empty"));
    }
    if t.chars().count() > max {
        return Err(ApiError::bad_input(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(t.to_string())
}

/// An optional text field as stored (see `text`).
pub fn optional_text(
    field: &'static str,
    v: &Option<String>,
    max: usize,
) -> ApiResult<Option<String>> {
    v.as_deref().map(|t| text(field, t, max)).transpose()
}

/// A patch's field: `None` leaves the stored value, `Some(None)` clears it
/// (GraphQL's absent and `null`).
pub fn patch<T, U>(
    value: async_graphql::MaybeUndefined<T>,
    map: impl Fn(T) -> U,
) -> Option<Option<U>> {
    use async_graphql::MaybeUndefined;
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(map(v))),
    }
}
