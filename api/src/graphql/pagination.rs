//! Relay connections: `first` (default 20, at most 100) and an opaque `after`
//! cursor. Cursors hold the sort key of the last row (keyset pagination), so
//! a page costs the same wherever it starts.

use async_graphql::connection::{CursorType, OpaqueCursor};
use serde::{Serialize, de::DeserializeOwned};

use crate::error::{ApiError, ApiResult};

pub const DEFAULT_PAGE: i32 = 20;
pub const MAX_PAGE: i32 = 100;

/// A checked page request.
pub struct PageArgs<K> {
    pub limit: u64,
    pub after: Option<K>,
}

pub fn page_args<K>(first: Option<i32>, after: Option<String>) -> ApiResult<PageArgs<K>>
where
    K: Serialize + DeserializeOwned,
{
    let first = first.unwrap_or(DEFAULT_PAGE);
    if !(0..=MAX_PAGE).contains(&first) {
        return Err(ApiError::bad_input(
            "first",
            format!("first must be between 0 and {MAX_PAGE}"),
        ));
    }
    let after = match after {
        Some(cursor) => Some(
            OpaqueCursor::<K>::decode_cursor(&cursor)
                .map_err(|_| ApiError::bad_input("after", "not a cursor this list gave out"))?
                .0,
        ),
        None => None,
    };
    Ok(PageArgs {
        limit: u64::try_from(first).unwrap_or(0),
        after,
    })
}

pub fn cursor<K: Serialize + DeserializeOwned>(key: K) -> String {
    OpaqueCursor(key).encode_cursor()
}
