//! Answers from memory, kept. A query answered only from what the process
//! holds — the reference snapshot, the caller, the day, the schema itself —
//! gives the same answer to the same caller until one of those changes, so
//! running it again is work the request need not do. The directory lookups
//! and the DSO-ring's "who is our DSO today" are such queries, and they are
//! the public's most frequent ones.
//!
//! What makes an answer keepable is observed, not declared: every way a
//! resolver reaches storage or per-request state (`graphql::context`,
//! `reader`, `loaders`) marks the request's `Sources` as having read
//! beyond memory; only the reference snapshot (`graphql::reference`) and the
//! day (`graphql::today`) do not. A resolver that reads anything else reads
//! it through one of the marking accessors, so a new field is kept only when
//! it is truly answered from memory.
//!
//! An answer is kept under everything it was made from: the document's
//! text and operation, the caller (subject, förbund, roles), the day
//! (`service::Clock`, so a read is true on the day it is asked for), the
//! reference snapshot's generation (bumped by every change to förbund, their
//! members and the DSO-ring, here at commit and from other processes within
//! the second, as the snapshot itself), and whether the federation router
//! asked. Only queries of documents that passed every rule and declare no
//! variables are kept, only answers without errors, only small ones, and
//! only so many (least recently used first out), so memory stays bounded
//! whatever clients send.

use std::hash::BuildHasher;
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{Name, Response, Value};
use chrono::NaiveDate;

use crate::auth::Principal;

use super::documents::Kept;

/// How many answers are kept.
const CAPACITY: usize = 512;

/// An answer larger than this many bytes of names and scalars is made
/// afresh each time: 512 of them stay within a few megabytes.
const MAX_ANSWER_BYTES: usize = 16 * 1024;

/// Whether a request's resolvers read anything beyond memory. Put in each
/// request's data by the endpoint; requests without it (subscriptions) are
/// never kept, so marking them does nothing.
#[derive(Default)]
pub struct Sources {
    beyond_memory: AtomicBool,
}

impl Sources {
    /// The answer read storage or per-request state: it is not kept.
    pub fn beyond_memory(&self) {
        self.beyond_memory.store(true, Ordering::Relaxed);
    }

    fn memory_only(&self) -> bool {
        !self.beyond_memory.load(Ordering::Relaxed)
    }
}

/// What an answer is made from, borrowed from the request.
#[derive(Clone, Copy)]
pub struct Key<'a> {
    pub text: &'a str,
    pub operation: Option<&'a str>,
    pub caller: &'a Principal,
    pub day: NaiveDate,
    pub generation: u64,
    pub federation: bool,
}

impl Key<'_> {
    fn hash_with(&self, state: &impl BuildHasher) -> u64 {
        state.hash_one((
            self.text,
            self.operation,
            self.caller,
            self.day,
            self.generation,
            self.federation,
        ))
    }

    fn owned(&self) -> OwnedKey {
        OwnedKey {
            text: self.text.into(),
            operation: self.operation.map(Into::into),
            caller: self.caller.clone(),
            day: self.day,
            generation: self.generation,
            federation: self.federation,
        }
    }
}

#[derive(PartialEq, Eq)]
struct OwnedKey {
    text: Box<str>,
    operation: Option<Box<str>>,
    caller: Principal,
    day: NaiveDate,
    generation: u64,
    federation: bool,
}

impl OwnedKey {
    fn is(&self, key: &Key<'_>) -> bool {
        &*self.text == key.text
            && self.operation.as_deref() == key.operation
            && &self.caller == key.caller
            && self.day == key.day
            && self.generation == key.generation
            && self.federation == key.federation
    }
}

/// The kept answers, by the hash of their key (the whole key is compared
/// on a hit: two keys of one hash only take each other's place).
pub struct Answers {
    kept: Mutex<lru::LruCache<u64, (OwnedKey, Response)>>,
    hasher: std::collections::hash_map::RandomState,
}

impl Default for Answers {
    fn default() -> Self {
        Self::with_capacity(CAPACITY)
    }
}

impl Answers {
    pub fn with_capacity(capacity: usize) -> Self {
        Answers {
            kept: Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN),
            )),
            hasher: Default::default(),
        }
    }

    /// Whether a request of this document may be answered from here: a
    /// query of a document that passed every rule, without variables.
    pub fn keepable(
        kept: &Kept,
        operation: Option<&str>,
        variables: &async_graphql::Variables,
    ) -> bool {
        if !kept.validated() || !variables.is_empty() {
            return false;
        }
        let ty = match (&kept.doc.operations, operation) {
            (DocumentOperations::Single(op), _) => Some(op.node.ty),
            (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| op.node.ty),
            (DocumentOperations::Multiple(_), None) => None,
        };
        ty == Some(OperationType::Query)
    }

    /// The answer kept under `key`, or what keeping one under it takes.
    pub fn lookup(&self, key: &Key<'_>) -> Lookup {
        let hash = key.hash_with(&self.hasher);
        if let Ok(mut kept) = self.kept.lock()
            && let Some((owned, response)) = kept.get(&hash)
            && owned.is(key)
        {
            return Lookup::Hit(copy(response));
        }
        Lookup::Miss(Pending {
            hash,
            key: key.owned(),
        })
    }

    /// Keeps `response` under the key it missed when it was made from
    /// memory alone, without errors, and is small.
    pub fn keep(&self, pending: Pending, sources: &Sources, response: &Response) {
        let mut budget = MAX_ANSWER_BYTES;
        if !sources.memory_only()
            || !response.errors.is_empty()
            || !small(&response.data, &mut budget)
        {
            return;
        }
        if let Ok(mut kept) = self.kept.lock() {
            kept.put(pending.hash, (pending.key, copy(response)));
        }
    }
}

/// What a lookup found.
pub enum Lookup {
    Hit(Response),
    Miss(Pending),
}

/// A key that missed, to keep the answer under once it is made.
pub struct Pending {
    hash: u64,
    key: OwnedKey,
}

/// A copy of an answer without errors (the library's answer is not `Clone`).
fn copy(response: &Response) -> Response {
    let mut answer = Response::new(response.data.clone());
    answer.extensions = response.extensions.clone();
    answer.cache_control = response.cache_control;
    answer.http_headers = response.http_headers.clone();
    answer
}

/// Whether `value` holds at most `budget` bytes of names and scalars
/// (stopping as soon as it does not).
fn small(value: &Value, budget: &mut usize) -> bool {
    match value {
        Value::String(s) => spend(budget, s.len()),
        Value::Binary(b) => spend(budget, b.len()),
        Value::Enum(n) => spend(budget, n.len()),
        Value::List(items) => spend(budget, 1) && items.iter().all(|v| small(v, budget)),
        Value::Object(fields) => {
            spend(budget, 1)
                && fields
                    .iter()
                    .all(|(name, v): (&Name, &Value)| spend(budget, name.len()) && small(v, budget))
        }
        Value::Null | Value::Number(_) | Value::Boolean(_) => spend(budget, 8),
    }
}

/// Takes `n` bytes (at least one) from `budget`; whether any is left.
fn spend(budget: &mut usize, n: usize) -> bool {
    *budget = budget.saturating_sub(n.max(1));
    *budget > 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;

    fn get(answers: &Answers, key: &Key<'_>) -> Option<Response> {
        match answers.lookup(key) {
            Lookup::Hit(response) => Some(response),
            Lookup::Miss(_) => None,
        }
    }

    fn keep(answers: &Answers, key: &Key<'_>, sources: &Sources, response: &Response) {
        if let Lookup::Miss(pending) = answers.lookup(key) {
            answers.keep(pending, sources, response);
        }
    }

    fn principal(roles: Vec<Role>) -> Principal {
        Principal {
            sub: Some("a".into()),
            forbund: Some("vasteras".into()),
            roles,
        }
    }

    fn answer(name: &str) -> Response {
        Response::new(async_graphql::value!({ "forbund": { "name": name } }))
    }

    #[test]
    fn an_answer_is_found_only_under_everything_it_was_made_from() {
        let answers = Answers::with_capacity(8);
        let member = principal(vec![Role::Member]);
        let key = Key {
            text: "{ forbund(slug: \"vasteras\") { name } }",
            operation: None,
            caller: &member,
            day: NaiveDate::from_ymd_opt(2026, 12, 6).expect("a day"),
            generation: 3,
            federation: false,
        };
        keep(&answers, &key, &Sources::default(), &answer("Västerås"));
        assert_eq!(
            get(&answers, &key).map(|r| r.data),
            Some(answer("Västerås").data)
        );
        let editor = principal(vec![Role::Editor]);
        let others = [
            Key {
                text: "{ forbund(slug: \"vasteras\") { slug } }",
                ..key
            },
            Key {
                operation: Some("A"),
                ..key
            },
            Key {
                caller: &editor,
                ..key
            },
            Key {
                day: key.day.succ_opt().expect("a day"),
                ..key
            },
            Key {
                generation: 4,
                ..key
            },
            Key {
                federation: true,
                ..key
            },
        ];
        for other in others {
            assert!(get(&answers, &other).is_none());
        }
    }

    #[test]
    fn only_answers_from_memory_without_errors_and_small_are_kept() {
        let answers = Answers::with_capacity(8);
        let caller = Principal::anonymous();
        let key = Key {
            text: "{ a }",
            operation: None,
            caller: &caller,
            day: NaiveDate::from_ymd_opt(2026, 12, 6).expect("a day"),
            generation: 1,
            federation: false,
        };
        let read = Sources::default();
        read.beyond_memory();
        keep(&answers, &key, &read, &answer("x"));
        assert!(get(&answers, &key).is_none(), "an answer that read storage");
        let mut failed = answer("x");
        failed
            .errors
            .push(async_graphql::ServerError::new("no", None));
        keep(&answers, &key, &Sources::default(), &failed);
        assert!(get(&answers, &key).is_none(), "an answer with an error");
        let large = answer(&"x".repeat(MAX_ANSWER_BYTES));
        keep(&answers, &key, &Sources::default(), &large);
        assert!(get(&answers, &key).is_none(), "a large answer");
    }

    #[test]
    fn kept_answers_are_bounded() {
        let answers = Answers::with_capacity(2);
        let caller = Principal::anonymous();
        let texts = ["{ a }", "{ b }", "{ c }"];
        let key = |text| Key {
            text,
            operation: None,
            caller: &caller,
            day: NaiveDate::from_ymd_opt(2026, 12, 6).expect("a day"),
            generation: 1,
            federation: false,
        };
        for text in texts {
            keep(&answers, &key(text), &Sources::default(), &answer(text));
        }
        assert!(
            get(&answers, &key("{ a }")).is_none(),
            "the least recently used goes"
        );
        assert!(get(&answers, &key("{ c }")).is_some());
    }
}
