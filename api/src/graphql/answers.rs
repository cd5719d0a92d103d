//! Answers kept. A query gives the same answer to the same caller until
//! what it was made from changes, so running it again is work the request
//! need not do. Two kinds are kept:
//!
//! - **From memory alone** (the reference snapshot, the caller, the day, the
//!   schema): the directory lookups and "who is our DSO today", the public's
//!   most frequent queries. Given again with no statement at all.
//! - **From storage too**: kept with the version of the data read before it
//!   was made (`db::data_version`: a counter every commit moves on SQLite,
//!   the transaction snapshot on PostgreSQL), so never older than it, and
//!   given again only after one statement finds that version unchanged: a
//!   change committed anywhere, by the API, another process or a hand,
//!   moves it. A catalogue page asked by many is then one small statement.
//!
//! What an answer was made from is observed, not declared: the accessors
//! that reach storage (`graphql::reader`, `loaders`) mark the request's
//! `Sources` as having read storage, those that reach anything else
//! (`graphql::context`, `services`: the clock's time of day, the endpoint's
//! state) as having read beyond it, which is never kept; the reference
//! snapshot (`graphql::reference`), the day (`graphql::today`) and the
//! server's fixed settings (cursor key, cell size) mark nothing. A new field
//! is therefore kept only when it truly reads nothing but these.
//!
//! An answer is kept under everything else it was made from: the document's
//! text and operation, the caller (subject, förbund, roles), the day
//! (`service::Clock`, so a read is true on the day it is asked for), the
//! reference snapshot's generation (bumped by every change to förbund, their
//! members and the DSO-ring, here at commit and from other processes within
//! the second), and whether the federation router asked. One that read
//! storage is kept from the second request that may keep it (the first finds
//! out that it reads storage; a document's very first is only checked
//! against every rule), so lookups from memory never pay for a version.
//! Only queries of documents that passed every rule and declare no variables
//! are kept, only answers without errors, only those under
//! `MAX_ANSWER_BYTES`, and only `graphql.kept_answers` of them (least
//! recently used first out), so memory stays bounded whatever clients send.

use std::hash::BuildHasher;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{Name, Response, Value};
use chrono::NaiveDate;

use crate::auth::Principal;

use super::documents::Kept;

/// An answer larger than this many bytes of names and scalars is made
/// afresh each time (a page of 50 insatser with their budgets, goals and
/// shares is about 17 KiB): 512 of them stay within 16 MiB.
const MAX_ANSWER_BYTES: usize = 32 * 1024;

/// What a request's resolvers read beyond memory. Put in the data of each
/// request whose answer may be kept; without it (subscriptions, requests
/// with variables) marking does nothing.
#[derive(Default)]
pub struct Sources {
    storage: AtomicBool,
    elsewhere: AtomicBool,
}

impl Sources {
    /// The answer read storage: it is kept with the data's version.
    pub fn storage(&self) {
        self.storage.store(true, Ordering::Relaxed);
    }

    /// The answer read per-request or changing state other than storage:
    /// it is not kept.
    pub fn beyond_memory(&self) {
        self.elsewhere.store(true, Ordering::Relaxed);
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

/// What is kept under a key.
enum KeptAnswer {
    /// An answer made from memory alone.
    Memory(Response),
    /// An answer that read storage, at the data's version.
    Stored { version: String, answer: Response },
    /// The query read storage when no version had been read first: the next
    /// request reads one before it makes the answer.
    NeedsVersion,
}

type Entries = lru::LruCache<u64, Arc<(OwnedKey, KeptAnswer)>>;

/// The kept answers, by the hash of their key (the whole key is compared
/// on a hit: two keys of one hash only take each other's place).
pub struct Answers {
    kept: Option<Mutex<Entries>>,
    hasher: std::collections::hash_map::RandomState,
}

impl Answers {
    /// Keeps at most `capacity` answers; none at 0.
    pub fn with_capacity(capacity: usize) -> Self {
        Answers {
            kept: NonZeroUsize::new(capacity).map(|c| Mutex::new(lru::LruCache::new(c))),
            hasher: Default::default(),
        }
    }

    /// Whether a request of this document may be answered from here: a
    /// query of a document that passed every rule, without variables.
    pub fn keepable(
        &self,
        kept: &Kept,
        operation: Option<&str>,
        variables: &async_graphql::Variables,
    ) -> bool {
        if self.kept.is_none() || !kept.validated() || !variables.is_empty() {
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
    /// The lock is held only to find it: the copy is made after.
    pub fn lookup(&self, key: &Key<'_>) -> Lookup {
        let hash = key.hash_with(&self.hasher);
        let found = self.kept.as_ref().and_then(|kept| {
            let mut kept = kept.lock().ok()?;
            let entry = kept.get(&hash)?;
            entry.0.is(key).then(|| entry.clone())
        });
        let pending = || Pending {
            hash,
            key: key.owned(),
            version: None,
        };
        match found.as_deref().map(|(_, answer)| answer) {
            Some(KeptAnswer::Memory(answer)) => Lookup::Hit(copy(answer)),
            Some(KeptAnswer::Stored { version, answer }) => Lookup::IfStill {
                version: version.clone(),
                answer: copy(answer),
                pending: pending(),
            },
            Some(KeptAnswer::NeedsVersion) => Lookup::Miss {
                pending: pending(),
                needs_version: true,
            },
            None => Lookup::Miss {
                pending: pending(),
                needs_version: false,
            },
        }
    }

    /// Keeps `response` under the key it missed when it was made without
    /// errors, is small, and read nothing but memory and storage (storage
    /// only at a version read before it was made); else forgets what was
    /// kept there. The answer is measured and copied before the lock.
    pub fn keep(&self, pending: Pending, sources: &Sources, response: &Response) {
        let Some(kept) = &self.kept else {
            return;
        };
        let mut budget = MAX_ANSWER_BYTES;
        let keepable = !sources.elsewhere.load(Ordering::Relaxed)
            && response.errors.is_empty()
            && small(&response.data, &mut budget);
        let entry =
            keepable.then(
                || match (sources.storage.load(Ordering::Relaxed), pending.version) {
                    (false, _) => KeptAnswer::Memory(copy(response)),
                    (true, Some(version)) => KeptAnswer::Stored {
                        version,
                        answer: copy(response),
                    },
                    (true, None) => KeptAnswer::NeedsVersion,
                },
            );
        let Ok(mut kept) = kept.lock() else {
            return;
        };
        match entry {
            Some(entry) => kept.put(pending.hash, Arc::new((pending.key, entry))),
            None => kept.pop(&pending.hash),
        };
    }
}

/// What a lookup found.
pub enum Lookup {
    /// An answer made from memory alone.
    Hit(Response),
    /// An answer that holds while storage is still at `version`; else the
    /// answer is made again (`pending`, given the version found).
    IfStill {
        version: String,
        answer: Response,
        pending: Pending,
    },
    /// Nothing kept: the answer is made, and may be kept. When the query
    /// is known to read storage, the data's version is read first.
    Miss {
        pending: Pending,
        needs_version: bool,
    },
}

/// A key that missed, to keep the answer under once it is made.
pub struct Pending {
    hash: u64,
    key: OwnedKey,
    version: Option<String>,
}

impl Pending {
    /// The data's version, read before the answer is made.
    pub fn at(mut self, version: String) -> Self {
        self.version = Some(version);
        self
    }
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
            _ => None,
        }
    }

    fn keep(answers: &Answers, key: &Key<'_>, sources: &Sources, response: &Response) {
        if let Lookup::Miss { pending, .. } = answers.lookup(key) {
            answers.keep(pending, sources, response);
        }
    }

    fn read_storage() -> Sources {
        let sources = Sources::default();
        sources.storage();
        sources
    }

    fn principal(roles: Vec<Role>) -> Principal {
        Principal {
            sub: Some("a".into()),
            forbund: Some("vasteras".into()),
            roles,
        }
    }

    /// A key of a query on 2026-12-06 at generation 1, in the GraphQL API.
    fn key<'a>(text: &'a str, caller: &'a Principal) -> Key<'a> {
        Key {
            text,
            operation: None,
            caller,
            day: NaiveDate::from_ymd_opt(2026, 12, 6).expect("a day"),
            generation: 1,
            federation: false,
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
            generation: 3,
            ..key("{ forbund(slug: \"vasteras\") { name } }", &member)
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

    /// An answer that read storage is kept only with the version read
    /// before it was made: without one, the next request is told to read
    /// one first; with one, it is given only while storage is at it.
    #[test]
    fn an_answer_from_storage_is_kept_with_the_version_read_before_it() {
        let answers = Answers::with_capacity(8);
        let caller = Principal::anonymous();
        let key = key("{ insatser { totalCount } }", &caller);
        keep(&answers, &key, &read_storage(), &answer("x"));
        let Lookup::Miss {
            pending,
            needs_version: true,
        } = answers.lookup(&key)
        else {
            panic!("no version was read: nothing is given, and one is asked for");
        };
        answers.keep(pending.at("7".into()), &read_storage(), &answer("y"));
        match answers.lookup(&key) {
            Lookup::IfStill {
                version, answer: a, ..
            } => {
                assert_eq!(version, "7");
                assert_eq!(a.data, answer("y").data);
            }
            _ => panic!("kept at version 7"),
        }
        // Made again at a later version, it is kept at that one.
        let Lookup::IfStill { pending, .. } = answers.lookup(&key) else {
            panic!("kept")
        };
        answers.keep(pending.at("8".into()), &read_storage(), &answer("z"));
        assert!(matches!(
            answers.lookup(&key),
            Lookup::IfStill { version, .. } if version == "8"
        ));
        // Made again reading what may not be kept, it is forgotten.
        let Lookup::IfStill { pending, .. } = answers.lookup(&key) else {
            panic!("kept")
        };
        let elsewhere = read_storage();
        elsewhere.beyond_memory();
        answers.keep(pending.at("9".into()), &elsewhere, &answer("w"));
        assert!(matches!(
            answers.lookup(&key),
            Lookup::Miss {
                needs_version: false,
                ..
            }
        ));
    }

    #[test]
    fn only_answers_from_memory_and_storage_without_errors_and_small_are_kept() {
        let answers = Answers::with_capacity(8);
        let caller = Principal::anonymous();
        let key = key("{ a }", &caller);
        let read = Sources::default();
        read.beyond_memory();
        keep(&answers, &key, &read, &answer("x"));
        assert!(
            get(&answers, &key).is_none(),
            "an answer that read beyond memory and storage"
        );
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
        for text in texts {
            keep(
                &answers,
                &key(text, &caller),
                &Sources::default(),
                &answer(text),
            );
        }
        assert!(
            get(&answers, &key("{ a }", &caller)).is_none(),
            "the least recently used goes"
        );
        assert!(get(&answers, &key("{ c }", &caller)).is_some());
    }
}
