//! The catalogue's filters (förbund, orientation, category, status, the day
//! it runs, an age in its target group, folded search) as one SQL condition.

use chrono::NaiveDate;
use finsam_entity::{forbund, insats};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, LikeExpr, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, DbBackend};

use super::forbund_ids_of;
use super::search::{TRIGRAM, TrigramCounts};
use crate::domain::insats::{self as rules, Category, Orientation, Status};
use crate::domain::text::{Search, like_pattern};
use crate::error::{ApiError, ApiResult, Rule};
use crate::service::reference::Snapshot;

/// Ids whose folded text holds every one of `terms` (trigrams of the
/// search), from the FTS5 trigram table; or, without `terms`, contains
/// `folded` itself, as a quoted phrase (a substring match). `"` is doubled
/// inside a quoted string.
fn trigram_candidates(folded: &str, terms: Option<&[String]>) -> SelectStatement {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let query = match terms {
        Some(terms) if !terms.is_empty() => terms
            .iter()
            .map(|t| quote(t))
            .collect::<Vec<_>>()
            .join(" AND "),
        _ => quote(folded),
    };
    Query::select()
        .expr(Expr::col(Alias::new("rowid")))
        .from(Alias::new("insats_search"))
        .and_where(Expr::cust_with_values("insats_search MATCH ?", [query]))
        .to_owned()
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct InsatsFilter {
    pub forbund: Option<Vec<String>>,
    /// With `forbund`: also the insatser of the förbund that merged into them.
    pub include_predecessors: bool,
    pub orientation: Option<Vec<Orientation>>,
    pub category: Option<Vec<Category>>,
    pub status: Option<Vec<Status>>,
    pub active_on: Option<NaiveDate>,
    pub age: Option<i32>,
    /// Checked and folded where it came in.
    pub search: Option<Search>,
    /// Which trigrams of the search the SQLite index is asked for (the
    /// rarest, `TrigramCounts::choose`); `None` asks for the whole phrase.
    /// Any of the search's own trigrams give the same answer, only sooner.
    pub index_terms: Option<Vec<String>>,
    /// The ids of `forbund` (and with `include_predecessors` of the förbund
    /// that merged into them), when the reference snapshot knows every slug
    /// (`resolve_forbund`); otherwise the condition looks them up itself.
    pub forbund_ids: Option<Vec<i32>>,
}

impl InsatsFilter {
    /// Chooses which of the search's trigrams the index is asked for
    /// (`TrigramCounts::choose`); a search is within its limit by its type.
    pub fn choose_index_terms(&mut self, counts: &TrigramCounts) {
        self.index_terms = self.search.as_ref().and_then(|s| counts.choose(s.folded()));
    }

    /// Names the förbund by id where the reference snapshot knows every slug
    /// (a slug never changes once its förbund exists). The planner knows
    /// how many rows an id has and can walk the (forbund_id, name) index in
    /// the list's order; behind a subquery it guessed, and with statistics
    /// chose to walk the whole name index looking for one förbund's few
    /// (8 ms at the network's size, against 0.1). A slug the snapshot does
    /// not know yet — a förbund created on another process within the
    /// second — leaves the lookup to the statement, which sees it. The
    /// predecessors are the snapshot's too, as `Forbund.predecessors` in
    /// the same answer names them.
    pub fn resolve_forbund(&mut self, snapshot: &Snapshot) {
        let own: Option<Vec<i32>> = self.forbund.as_ref().and_then(|slugs| {
            slugs
                .iter()
                .map(|slug| snapshot.forbund_by_slug(slug).map(|f| f.id))
                .collect()
        });
        self.forbund_ids = own.map(|mut ids| {
            if self.include_predecessors {
                let merged: Vec<i32> = ids
                    .iter()
                    .flat_map(|id| snapshot.predecessors_of(*id))
                    .map(|f| f.id)
                    .collect();
                ids.extend(merged);
            }
            ids
        });
    }

    /// The filter as one condition; `backend` picks the search index that
    /// database has (see migration `m20261126_000005_search_index`).
    pub(super) fn condition(&self, backend: DbBackend) -> ApiResult<Condition> {
        let mut c = Condition::all();
        if let Some(slugs) = &self.forbund {
            c = match &self.forbund_ids {
                // Predecessors included: one list the planner can walk.
                Some(ids) => c.add(insats::Column::ForbundId.is_in(ids.iter().copied())),
                None => {
                    let own = insats::Column::ForbundId.in_subquery(forbund_ids_of(slugs.clone()));
                    if self.include_predecessors {
                        let predecessors = insats::Column::ForbundId.in_subquery(
                            Query::select()
                                .column(forbund::Column::Id)
                                .from(forbund::Entity)
                                .and_where(
                                    forbund::Column::SuccessorId
                                        .in_subquery(forbund_ids_of(slugs.clone())),
                                )
                                .to_owned(),
                        );
                        c.add(Condition::any().add(own).add(predecessors))
                    } else {
                        c.add(own)
                    }
                }
            };
        }
        if let Some(v) = &self.orientation {
            c = c.add(insats::Column::Orientation.is_in(v.iter().map(|o| o.as_str())));
        }
        if let Some(v) = &self.category {
            c = c.add(insats::Column::Category.is_in(v.iter().map(|o| o.as_str())));
        }
        if let Some(v) = &self.status {
            c = c.add(insats::Column::Status.is_in(v.iter().map(|o| o.as_str())));
        }
        if let Some(day) = self.active_on {
            // Inside the period, extensions included (ends_on is the current
            // end); an open bound is open. A planned or cancelled insats runs
            // on no day.
            let running: Vec<&str> = Status::ALL
                .iter()
                .filter(|s| crate::domain::insats::runs(**s))
                .map(|s| s.as_str())
                .collect();
            c = c
                .add(
                    Condition::any()
                        .add(insats::Column::StartsOn.is_null())
                        .add(insats::Column::StartsOn.lte(day)),
                )
                .add(
                    Condition::any()
                        .add(insats::Column::EndsOn.is_null())
                        .add(insats::Column::EndsOn.gte(day)),
                )
                .add(insats::Column::Status.is_in(running));
        }
        if let Some(age) = self.age {
            if !(0..=rules::AGE_LIMIT).contains(&age) {
                return Err(ApiError::bad_input(
                    "age",
                    Rule::AgeRange.with("max", rules::AGE_LIMIT),
                ));
            }
            // Only insatser that state an age range take part.
            c = c
                .add(
                    Condition::any()
                        .add(insats::Column::AgeMin.is_not_null())
                        .add(insats::Column::AgeMax.is_not_null()),
                )
                .add(
                    Condition::any()
                        .add(insats::Column::AgeMin.is_null())
                        .add(insats::Column::AgeMin.lte(age)),
                )
                .add(
                    Condition::any()
                        .add(insats::Column::AgeMax.is_null())
                        .add(insats::Column::AgeMax.gte(age)),
                );
        }
        if let Some(search) = &self.search {
            let folded = search.folded().to_string();
            if !folded.is_empty() {
                let text = Expr::col((insats::Entity, insats::Column::SearchText));
                c = c.add(match backend {
                    // SQLite re-prepares a statement on every run when a
                    // bound parameter is the pattern of a LIKE on a text
                    // column (its LIKE optimisation may depend on the
                    // value): that was a fifth of a search's CPU. Both
                    // sides are folded to lower case, so a plain substring
                    // test means the same and has no wildcards to escape.
                    DbBackend::Sqlite => Expr::expr(
                        Func::cust(Alias::new("instr"))
                            .arg(text)
                            .arg(folded.clone()),
                    )
                    .gt(0),
                    // PostgreSQL's pg_trgm index serves this LIKE.
                    _ => text.like(LikeExpr::new(like_pattern(&folded)).escape('\\')),
                });
                // SQLite plans no index for a substring test; its trigram
                // table names the candidates first, and the test above stays
                // the definition of a match.
                if backend == DbBackend::Sqlite && folded.chars().count() >= TRIGRAM {
                    c = c.add(
                        insats::Column::Id
                            .in_subquery(trigram_candidates(&folded, self.index_terms.as_deref())),
                    );
                }
            }
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::super::search::Vocabulary;
    use super::*;

    #[test]
    fn a_search_asks_the_index_for_its_rarest_trigram() {
        let counts = TrigramCounts::from(Vocabulary {
            docs: [
                ("ins", 4000),
                ("nsa", 4000),
                ("sat", 4000),
                ("ats", 4000),
                ("ts ", 4000),
                ("s 0", 3900),
                (" 00", 900),
                ("001", 100),
            ]
            .map(|(t, n)| (t.to_string(), n))
            .into(),
            rows: 4290,
        });
        let mut filter = InsatsFilter {
            search: Some(Search::parse("Insats 001").unwrap()),
            ..InsatsFilter::default()
        };
        filter.choose_index_terms(&counts);
        assert_eq!(filter.index_terms, Some(vec!["001".to_string()]));
        // A search over the limit never becomes a `Search`: nothing to choose.
        assert!(Search::parse(&"insats ".repeat(10_000)).is_err());
    }
}
