//! Search folding: case- and diacritics-insensitive matching where NFD and
//! NFC input are the same (DESIGN.md, "Insats": "vasteras" finds "Västerås").
//! Stored text is folded once on write; queries are folded the same way.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Decomposes (NFD), drops combining marks, lowercases and collapses runs of
/// whitespace: "VÄSTERÅS" and "Va\u{308}stera\u{30a}s" both become "vasteras".
pub fn fold(input: &str) -> String {
    // Lowercasing can itself produce combining marks ("İ" → "i\u{307}"),
    // so marks are dropped after it.
    let lowered = strip_marks(input).to_lowercase();
    strip_marks(&lowered)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn strip_marks(s: &str) -> String {
    s.nfd().filter(|c| !is_combining_mark(*c)).collect()
}

/// A search as the catalogue matches it: checked and folded once, where it
/// enters (the GraphQL filter), and passed down as this value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Search {
    folded: String,
}

impl Search {
    /// The longest search accepted (SQLite refuses very long LIKE patterns,
    /// and nobody types more).
    pub const LIMIT: usize = 200;

    /// `text` folded, or why it is not a search: longer than [`Search::LIMIT`]
    /// characters. The length is checked before folding, which costs by it.
    pub fn parse(text: &str) -> Result<Search, crate::domain::rule::Broken> {
        if text.chars().count() > Search::LIMIT {
            return Err(crate::domain::rule::Rule::TextTooLong.with("max", Search::LIMIT));
        }
        Ok(Search { folded: fold(text) })
    }

    /// The folded text: what the stored folded text must contain.
    pub fn folded(&self) -> &str {
        &self.folded
    }
}

/// Escapes `%`, `_` and the escape character for a SQL `LIKE … ESCAPE '\'`.
pub fn like_pattern(folded: &str) -> String {
    let mut out = String::with_capacity(folded.len() + 2);
    out.push('%');
    for c in folded.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_is_checked_before_it_is_folded() {
        assert_eq!(Search::parse("VÄSTERÅS").unwrap().folded(), "vasteras");
        assert!(Search::parse(&"å".repeat(Search::LIMIT)).is_ok());
        assert!(Search::parse(&"å".repeat(Search::LIMIT + 1)).is_err());
    }
    use proptest::prelude::*;

    #[test]
    fn diacritics_case_and_normal_forms_fold_alike() {
        assert_eq!(fold("Västerås"), "vasteras");
        assert_eq!(fold("VÄSTERÅS"), "vasteras");
        assert_eq!(fold("Va\u{308}stera\u{30a}s"), "vasteras");
        assert_eq!(fold("  Södra   Dalarna "), "sodra dalarna");
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("50%_x"), "%50\\%\\_x%");
    }

    proptest! {
        #[test]
        fn folding_is_idempotent_and_ignores_normal_form(s in "\\PC{0,40}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once.clone());
            let nfd: String = s.nfd().collect();
            prop_assert_eq!(fold(&nfd), once);
        }
    }
}
