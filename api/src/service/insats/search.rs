//! Which of a search's trigrams SQLite's trigram index is asked for.
//!
//! A quoted phrase makes FTS5 read the list of rows of every trigram in it,
//! and the common ones ("ins", "ats", " 20") hold most of the catalogue: a
//! search cost what the catalogue cost, nearly twice the CPU at ten times the
//! insatser for the same hundred matches. Any of the phrase's trigrams names
//! every row that contains the phrase (such a row contains each of them), and
//! the substring test in `filter` stays the definition of a match; so the
//! index is asked for the rarest only (and a second when few rows hold it too),
//! as trigram code-search engines do (zoekt looks up its two least frequent
//! n-grams), which costs what those lists cost.
//!
//! Which are rarest comes from the index's own vocabulary (migration
//! `m20261126_000007_search_vocabulary`), held in memory and read again in
//! the background once searches have happened since the last read and a
//! minute has passed. The counts only steer the choice: stale ones (a
//! trigram that became common, one that is new and unknown here, counted as
//! 0) can cost time, never a match.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use crate::error::ApiResult;

/// How many of a search's trigrams the index is asked for, at most.
const ASKED: usize = 2;

/// A further trigram is asked for only when at most one row in this many
/// holds it: then it drops most of the candidates the first names, for a
/// short list. A common one drops few and costs its whole list (the
/// benchmark's "001", 100 rows, beside " 00", 390 of 429: asking for both
/// took 8 % more CPU than asking for "001" alone).
const SELECTIVE: u64 = 10;

/// How often the vocabulary is read again, at most.
const REFRESH: Duration = Duration::from_secs(60);

/// The shortest search the trigram index can answer (three characters make
/// one trigram).
pub const TRIGRAM: usize = 3;

/// The trigrams of `folded`, each once, in order of first appearance.
pub fn trigrams(folded: &str) -> Vec<String> {
    let chars: Vec<char> = folded.chars().collect();
    let mut out: Vec<String> = Vec::new();
    for window in chars.windows(TRIGRAM) {
        let t: String = window.iter().collect();
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// What the index holds: how many insatser hold each trigram, and how many
/// it indexes in all.
#[derive(Debug, Default, Clone)]
pub struct Vocabulary {
    pub docs: HashMap<String, u64>,
    pub rows: u64,
}

/// The trigram of `folded` that the fewest rows hold (an unknown one counts
/// as none), and the next rarest when it is selective itself (held by at
/// most one row in `SELECTIVE`); ties keep the phrase's order. Empty when
/// `folded` is shorter than a trigram.
pub fn rarest(folded: &str, vocabulary: &Vocabulary) -> Vec<String> {
    let count = |t: &String| vocabulary.docs.get(t).copied().unwrap_or(0);
    let mut all = trigrams(folded);
    // A stable sort: equal counts keep their order, so a choice is the
    // same for the same counts.
    all.sort_by_key(count);
    let mut asked = all.len().min(1);
    while asked < ASKED.min(all.len())
        && count(&all[asked]).saturating_mul(SELECTIVE) <= vocabulary.rows
    {
        asked += 1;
    }
    all.truncate(asked);
    all
}

/// Each trigram of the index with how many insatser hold it, as last read.
#[derive(Default)]
pub struct TrigramCounts {
    vocabulary: RwLock<Arc<Vocabulary>>,
    /// Set by a search, cleared by a read: nobody searching, nothing read.
    searched: AtomicBool,
}

impl From<Vocabulary> for TrigramCounts {
    fn from(vocabulary: Vocabulary) -> Self {
        TrigramCounts {
            vocabulary: RwLock::new(Arc::new(vocabulary)),
            searched: AtomicBool::new(false),
        }
    }
}

impl TrigramCounts {
    /// The trigrams to ask the index for when searching `folded`; `None`
    /// when the counts have never been read (the whole phrase is asked then).
    pub fn choose(&self, folded: &str) -> Option<Vec<String>> {
        self.searched.store(true, Ordering::Relaxed);
        let vocabulary = self.vocabulary.read().ok()?.clone();
        if vocabulary.docs.is_empty() {
            return None;
        }
        Some(rarest(folded, &vocabulary))
    }

    /// Reads the vocabulary through `db` (SQLite; other databases have none).
    pub async fn read(&self, db: &DatabaseConnection) -> ApiResult<()> {
        if db.get_database_backend() != DbBackend::Sqlite {
            return Ok(());
        }
        let statement = Statement::from_string(
            DbBackend::Sqlite,
            "SELECT term, doc FROM insats_search_vocab",
        );
        let mut docs = HashMap::new();
        for row in db.query_all_raw(statement).await? {
            let term: String = row.try_get("", "term")?;
            let doc: i64 = row.try_get("", "doc")?;
            docs.insert(term, u64::try_from(doc).unwrap_or(0));
        }
        let count = Statement::from_string(DbBackend::Sqlite, "SELECT count(*) AS n FROM insats");
        let rows = match db.query_one_raw(count).await? {
            Some(row) => u64::try_from(row.try_get::<i64>("", "n")?).unwrap_or(0),
            None => 0,
        };
        self.searched.store(false, Ordering::Relaxed);
        if let Ok(mut current) = self.vocabulary.write() {
            *current = Arc::new(Vocabulary { docs, rows });
        }
        Ok(())
    }

    /// Reads the vocabulary again every `REFRESH` while searches happen, on
    /// `db` (a connection of its own: this is no request's statement).
    pub fn watch(self: &Arc<Self>, db: DatabaseConnection) {
        if db.get_database_backend() != DbBackend::Sqlite {
            return;
        }
        let counts: Weak<Self> = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(REFRESH);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            interval.tick().await;
            loop {
                interval.tick().await;
                let Some(counts) = counts.upgrade() else {
                    return;
                };
                if !counts.searched.load(Ordering::Relaxed) {
                    continue;
                }
                if let Err(err) = counts.read(&db).await {
                    tracing::debug!(error = ?err, "could not read the search vocabulary");
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn counts(pairs: &[(&str, u64)], rows: u64) -> Vocabulary {
        Vocabulary {
            docs: pairs.iter().map(|(t, n)| (t.to_string(), *n)).collect(),
            rows,
        }
    }

    #[test]
    fn the_rarest_is_asked_for_and_a_second_when_selective() {
        let partly = counts(
            &[("ben", 4251), ("enc", 4251), (" 00", 963), ("001", 104)],
            4290,
        );
        assert_eq!(rarest("bench 001", &partly), vec!["nch", "ch "]);
        let known = counts(
            &[
                ("ben", 4251),
                ("enc", 4251),
                ("nch", 4251),
                ("ch ", 4251),
                ("h 0", 4251),
                (" 00", 963),
                ("001", 104),
            ],
            4290,
        );
        assert_eq!(rarest("bench 001", &known), vec!["001"]);
        let selective = counts(&[("ben", 900), ("enc", 400), ("nch", 300)], 10_000);
        assert_eq!(rarest("bench", &selective), vec!["nch", "enc"]);
    }

    #[test]
    fn shorter_than_a_trigram_asks_for_nothing() {
        assert!(rarest("ab", &Vocabulary::default()).is_empty());
        assert_eq!(trigrams("aaaa"), vec!["aaa"]);
        assert_eq!(trigrams("åäö!"), vec!["åäö", "äö!"]);
    }

    proptest! {
        /// What is asked for is always trigrams of the search itself, so
        /// every row containing the search holds each of them.
        #[test]
        fn asked_trigrams_are_the_searchs_own(
            text in "[a-z0-9 åäö]{0,30}",
            docs in proptest::collection::hash_map("[a-z0-9 ]{3}", 0u64..5000, 0..40),
            rows in 0u64..10_000,
        ) {
            let known = Vocabulary { docs, rows };
            let asked = rarest(&text, &known);
            let own = trigrams(&text);
            prop_assert!(asked.len() <= ASKED);
            prop_assert_eq!(asked.is_empty(), own.is_empty());
            for t in &asked {
                prop_assert!(text.contains(t.as_str()));
            }
            // None left out is rarer than one asked for.
            prop_assert!(!asked.is_empty() || own.is_empty());
            let count = |t: &String| known.docs.get(t).copied().unwrap_or(0);
            if let Some(most) = asked.iter().map(count).max() {
                let rarer = own.iter().filter(|t| !asked.contains(t) && count(t) < most).count();
                prop_assert_eq!(rarer, 0);
            }
        }
    }
}
