//! Relay connections: `first` (default 20, at most 100) and an `after`
//! cursor. Cursors hold the sort key of the last row (keyset pagination), so
//! a page costs the same wherever it starts.
//!
//! A cursor tells the client nothing and cannot be forged: its content is
//! sealed with XChaCha20-Poly1305 under a key derived from
//! `server.cursor_secret`, bound to the list it came from. A sort key the
//! caller may not see (a budget total) never leaves the server readable, an
//! edited cursor or one from another list is refused, and rotating the
//! secret makes old cursors a clear BAD_USER_INPUT, never a wrong page.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use secrecy::ExposeSecret;
use serde::{Serialize, de::DeserializeOwned};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult, Rule};

pub const DEFAULT_PAGE: i32 = 20;
pub const MAX_PAGE: i32 = 100;

/// Longer than any cursor this server makes; longer input is not decoded.
const MAX_CURSOR: usize = 512;
const NONCE: usize = 24;

/// Which edges of a page need a cursor: every one when the client selects
/// `edges { cursor }`, otherwise the first when it selects `pageInfo {
/// startCursor }` and the last for `pageInfo { endCursor }`, and none when
/// it selects neither. Sealing is an encryption per edge: most clients page
/// by `endCursor` alone, and a directory of förbund, each with its first
/// insatser, often asks for no cursor at all.
pub struct EdgeCursors {
    all: bool,
    start: bool,
    end: bool,
    len: usize,
}

impl EdgeCursors {
    pub fn of(ctx: &async_graphql::Context<'_>, len: usize) -> Self {
        let selected = ctx.look_ahead();
        let page_info = selected.field("pageInfo");
        EdgeCursors {
            all: selected.field("edges").field("cursor").exists(),
            start: page_info.field("startCursor").exists(),
            end: page_info.field("endCursor").exists(),
            len,
        }
    }

    /// The sealed cursor of the edge at `index`, or an empty one nobody
    /// will see.
    pub fn seal<K: Serialize>(
        &self,
        key: &CursorKey,
        list: &str,
        index: usize,
        of: impl FnOnce() -> K,
    ) -> String {
        if self.all || (self.start && index == 0) || (self.end && index + 1 == self.len) {
            key.seal(list, &of())
        } else {
            String::new()
        }
    }
}

/// The key cursors are sealed with.
pub struct CursorKey {
    cipher: XChaCha20Poly1305,
}

impl CursorKey {
    pub fn from_secret(secret: &secrecy::SecretString) -> Self {
        let mut digest = Sha256::new();
        digest.update(b"finsam-graph cursor key v1\0");
        digest.update(secret.expose_secret().as_bytes());
        let key = digest.finalize();
        CursorKey {
            cipher: XChaCha20Poly1305::new(&key),
        }
    }

    /// The cursor for `key` in the list named `list`.
    pub fn seal<K: Serialize>(&self, list: &str, key: &K) -> String {
        let plain = serde_json::to_vec(key).unwrap_or_default();
        // A random 192-bit nonce from the thread's CSPRNG (seeded from the
        // operating system), not a system call per cursor.
        let nonce = XChaCha20Poly1305::generate_nonce(&mut rand::thread_rng());
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: &plain,
                    aad: list.as_bytes(),
                },
            )
            .unwrap_or_default();
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The key a cursor of list `list` holds; anything else is refused.
    pub fn open<K: DeserializeOwned>(&self, list: &str, cursor: &str) -> ApiResult<K> {
        let refused = || ApiError::bad_input("after", Rule::CursorInvalid);
        if cursor.len() > MAX_CURSOR {
            return Err(refused());
        }
        let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| refused())?;
        if bytes.len() <= NONCE {
            return Err(refused());
        }
        let (nonce, sealed) = bytes.split_at(NONCE);
        let nonce: [u8; NONCE] = nonce.try_into().map_err(|_| refused())?;
        let plain = self
            .cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: sealed,
                    aad: list.as_bytes(),
                },
            )
            .map_err(|_| refused())?;
        serde_json::from_slice(&plain).map_err(|_| refused())
    }
}

/// A checked page request.
pub struct PageArgs<K> {
    pub limit: u64,
    pub after: Option<K>,
}

pub fn page_args<K>(
    cursors: &CursorKey,
    list: &str,
    first: Option<i32>,
    after: Option<String>,
) -> ApiResult<PageArgs<K>>
where
    K: Serialize + DeserializeOwned,
{
    let first = first.unwrap_or(DEFAULT_PAGE);
    if !(0..=MAX_PAGE).contains(&first) {
        return Err(ApiError::bad_input(
            "first",
            Rule::PageSize.with("max", MAX_PAGE),
        ));
    }
    let after = match after {
        Some(cursor) => Some(cursors.open(list, &cursor)?),
        None => None,
    };
    Ok(PageArgs {
        limit: u64::try_from(first).unwrap_or(0),
        after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(secret: &str) -> CursorKey {
        CursorKey::from_secret(&secrecy::SecretString::from(secret.to_string()))
    }

    #[test]
    fn a_cursor_opens_with_its_key_and_list_only() {
        let k = key("one");
        let cursor = k.seal("insatser", &("32020759".to_string(), 1));
        assert!(!cursor.contains("32020759"));
        let decoded = URL_SAFE_NO_PAD.decode(&cursor).expect("base64");
        assert!(!String::from_utf8_lossy(&decoded).contains("32020759"));
        let back: (String, i32) = k.open("insatser", &cursor).expect("opens");
        assert_eq!(back, ("32020759".to_string(), 1));
        assert!(
            k.open::<(String, i32)>("auditLog", &cursor).is_err(),
            "another list"
        );
        assert!(
            key("two")
                .open::<(String, i32)>("insatser", &cursor)
                .is_err(),
            "a rotated secret"
        );
    }

    proptest! {
        /// Any change to a cursor is refused, never read as another key.
        #[test]
        fn an_edited_cursor_is_refused(at in 0usize..60, bit in 0u8..8) {
            let k = key("one");
            let cursor = k.seal("insatser", &42i32);
            let mut bytes = URL_SAFE_NO_PAD.decode(&cursor).expect("base64");
            let i = at % bytes.len();
            bytes[i] ^= 1 << bit;
            let edited = URL_SAFE_NO_PAD.encode(bytes);
            prop_assert!(k.open::<i32>("insatser", &edited).is_err());
        }

        /// Arbitrary text is refused without panicking.
        #[test]
        fn any_text_is_refused(text in "\\PC{0,700}") {
            prop_assert!(key("one").open::<i32>("insatser", &text).is_err());
        }
    }
}
