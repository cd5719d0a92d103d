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
pub mod finance;
pub mod forbund;
pub mod id;
pub mod indicator;
pub mod insats;
pub mod meeting;
pub mod number;

use crate::error::{ApiError, ApiResult, Rule};

/// A text field as stored: trimmed, not empty, at most `max` characters.
pub fn text(field: &str, v: &str, max: usize) -> ApiResult<String> {
    let t = v.trim();
    if t.is_empty() {
        return Err(ApiError::bad_input(field, Rule::TextEmpty));
    }
    if t.chars().count() > max {
        return Err(ApiError::bad_input(
            field,
            Rule::TextTooLong.with("max", max),
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

/// A record's field written onto a row's column: absent leaves the column
/// as it is, null clears it, a value sets it (as the column's type). The
/// row's rules are checked on the whole row after (the service's).
pub trait Onto<Column> {
    fn onto(self, column: &mut Column);
}

/// A patch's field of a nullable column (GraphQL's absent, null or a value).
impl<A: Into<B>, B> Onto<Option<B>> for async_graphql::MaybeUndefined<A> {
    fn onto(self, column: &mut Option<B>) {
        use async_graphql::MaybeUndefined;
        match self {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => *column = None,
            MaybeUndefined::Value(v) => *column = Some(v.into()),
        }
    }
}

/// An optional field: set when given (a patch's non-null column, or a new
/// record's optional one onto a fresh row).
impl<A: Into<B>, B> Onto<B> for Option<A> {
    fn onto(self, column: &mut B) {
        if let Some(v) = self {
            *column = v.into();
        }
    }
}

/// A required text.
impl Onto<String> for String {
    fn onto(self, column: &mut String) {
        *column = self;
    }
}

/// Declares a record and, from the same field list, `onto(&self, row)`,
/// which writes each of the fields after `@columns` onto the row's column of
/// the same name (`Onto`); the fields before it are the record's own (the
/// owner's slug, say). A field added to the record reaches the row with no
/// other edit, and a field the row lacks fails to compile.
macro_rules! onto_row {
    (
        $(#[$meta:meta])*
        pub struct $name:ident onto $row:path {
            $($(#[$own_meta:meta])* pub $own:ident : $own_ty:ty,)*
            @columns
            $($(#[$field_meta:meta])* pub $field:ident : $ty:ty),* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$own_meta])* pub $own: $own_ty,)*
            $($(#[$field_meta])* pub $field: $ty),*
        }

        impl $name {
            /// Writes the record's column fields onto `row`.
            pub fn onto(&self, row: &mut $row) {
                $($crate::record::Onto::onto(self.$field.clone(), &mut row.$field);)*
            }
        }
    };
}
pub(crate) use onto_row;
