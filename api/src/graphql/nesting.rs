//! A bound on how deeply a GraphQL document nests, checked on the text before
//! anything recursive sees it.
//!
//! async-graphql's parser (7.2.1, and 8.0.0-rc.5 alike) limits the nesting of
//! selection sets to 64 but not of value literals: arguments, directive
//! arguments and variable defaults such as `[[[[…]]]]` or `{a:{a:…}}` are
//! parsed, converted, validated and dropped by recursive functions, and a
//! few thousand levels overflow a worker's stack and abort the whole process.
//! The parser has no setting for it, so this scan runs first, in one pass
//! with no recursion of its own, and refuses a document whose values nest
//! deeper than `graphql.max_value_depth` or whose brackets of any kind nest
//! deeper than the parser could take anyway.

/// The parser's own limit on nested selection sets (async-graphql-parser,
/// `MAX_RECURSION_DEPTH`).
pub const PARSER_SELECTION_LIMIT: usize = 64;

/// Why a document was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TooDeep {
    /// A list or input object literal nests deeper than the limit.
    Value { limit: usize },
    /// Brackets of any kind nest deeper than any document the parser accepts.
    Document { limit: usize },
}

impl TooDeep {
    pub fn message(&self) -> String {
        match self {
            TooDeep::Value { limit } => format!(
                "a value in the document nests lists or input objects deeper than {limit} levels (graphql.max_value_depth)"
            ),
            TooDeep::Document { limit } => {
                format!("the document nests brackets deeper than {limit} levels")
            }
        }
    }
}

/// The deepest total nesting accepted: every selection level the parser
/// allows, a value at its deepest inside it, and the parentheses around it.
pub fn document_limit(max_value_depth: usize) -> usize {
    PARSER_SELECTION_LIMIT + max_value_depth + 4
}

/// Checks the nesting of `query` without recursion: strings, block strings
/// and comments are skipped, `(` opens an argument or variable list, and
/// `[`/`{` inside one count as value nesting (the GraphQL grammar allows no
/// selection set inside parentheses, so every bracket there belongs to a
/// value or, in variable definitions, to a list type).
pub fn check(query: &str, max_value_depth: usize) -> Result<(), TooDeep> {
    let total_limit = document_limit(max_value_depth);
    let bytes = query.as_bytes();
    // The open brackets, innermost last; `parens_open` counts the `(` among
    // them and `since_paren` the `[`/`{` above the innermost `(`.
    let mut stack: Vec<u8> = Vec::new();
    let mut value_depths: Vec<usize> = Vec::new();
    let mut since_paren = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
                continue;
            }
            b'"' => {
                i = skip_string(bytes, i);
                continue;
            }
            open @ (b'(' | b'[' | b'{') => {
                if stack.len() >= total_limit {
                    return Err(TooDeep::Document { limit: total_limit });
                }
                if open == b'(' {
                    value_depths.push(since_paren);
                    since_paren = 0;
                } else if !value_depths.is_empty() {
                    since_paren += 1;
                    if since_paren > max_value_depth {
                        return Err(TooDeep::Value {
                            limit: max_value_depth,
                        });
                    }
                }
                stack.push(open);
            }
            b')' | b']' | b'}' => {
                // An unbalanced document is the parser's to report; only the
                // counts are kept right here.
                if let Some(open) = stack.pop() {
                    if open == b'(' {
                        since_paren = value_depths.pop().unwrap_or(0);
                    } else if !value_depths.is_empty() {
                        since_paren = since_paren.saturating_sub(1);
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// The index just past the string starting at `start` (a `"`): a block
/// string `"""…"""` (where `\"""` is an escaped quote triple) or a one-line
/// string with backslash escapes. An unterminated string runs to the end.
fn skip_string(bytes: &[u8], start: usize) -> usize {
    if bytes[start..].starts_with(b"\"\"\"") {
        let mut i = start + 3;
        while i < bytes.len() {
            if bytes[i..].starts_with(b"\\\"\"\"") {
                i += 4;
            } else if bytes[i..].starts_with(b"\"\"\"") {
                return i + 3;
            } else {
                i += 1;
            }
        }
        return bytes.len();
    }
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            // A one-line string ends at the line's end; the parser reports it.
            b'\n' | b'\r' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn nested(open: &str, inner: &str, close: &str, levels: usize) -> String {
        format!("{}{inner}{}", open.repeat(levels), close.repeat(levels))
    }

    #[test]
    fn real_queries_pass() {
        let queries = [
            "{ forbundList(first: 20) { edges { node { slug name } } } }",
            "query($a: [[String!]!] = [[\"x\"]]) { insatser(filter: { forbund: [\"varend\"], activeOn: \"2026-01-01\" }) { totalCount } }",
            "mutation { createInsats(input: { forbund: \"varend\", name: \"(((\", description: \"\"\"[[[\n{{{\"\"\" }) { id } }",
            "# a comment with ((( [[[ {{{\n{ __typename }",
        ];
        for q in queries {
            assert_eq!(check(q, 32), Ok(()), "{q}");
        }
    }

    #[test]
    fn deep_values_are_refused_wherever_they_are() {
        for levels in [33, 1_600, 100_000] {
            let list = format!(
                "{{ forbund(slug: {}) {{ slug }} }}",
                nested("[", "\"x\"", "]", levels)
            );
            let object = format!(
                "{{ insatser(filter: {}) {{ totalCount }} }}",
                nested("{a:", "1", "}", levels)
            );
            let directive = format!(
                "{{ __typename @skip(if: {}) }}",
                nested("[", "true", "]", levels)
            );
            let default = format!(
                "query($a: [String] = {}) {{ __typename }}",
                nested("[", "\"x\"", "]", levels)
            );
            for q in [list, object, directive, default] {
                assert_eq!(check(&q, 32), Err(TooDeep::Value { limit: 32 }));
            }
        }
    }

    #[test]
    fn values_at_the_limit_pass() {
        let q = format!(
            "{{ forbund(slug: {}) {{ slug }} }}",
            nested("[", "\"x\"", "]", 32)
        );
        assert_eq!(check(&q, 32), Ok(()));
    }

    #[test]
    fn deep_selection_sets_are_refused_before_the_parser() {
        let q = nested("{a", "", "}", 100_000);
        assert_eq!(
            check(&q, 32),
            Err(TooDeep::Document {
                limit: document_limit(32)
            })
        );
        // Within the parser's own limit it is the parser's to judge.
        assert_eq!(check(&nested("{a", "", "}", 60), 32), Ok(()));
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let q = format!(
            "{{ forbund(slug: \"{}\") {{ slug }} }} # {}",
            "[".repeat(10_000),
            "(".repeat(10_000)
        );
        assert_eq!(check(&q, 32), Ok(()));
        let block = format!(
            "{{ f(a: \"\"\"{}\\\"\"\"{}\"\"\") }}",
            "[".repeat(100),
            "{".repeat(100)
        );
        assert_eq!(check(&block, 32), Ok(()));
    }

    proptest! {
        /// Any text at all is scanned without panicking, and a refusal is
        /// only ever for depth beyond the limits.
        #[test]
        fn any_text_is_scanned(text in "[\\[\\]{}()\"#\\\\a \n]{0,400}") {
            match check(&text, 4) {
                Ok(()) => {}
                Err(TooDeep::Value { limit }) => prop_assert_eq!(limit, 4),
                Err(TooDeep::Document { limit }) => prop_assert_eq!(limit, document_limit(4)),
            }
        }

        /// A list literal nested n levels in an argument passes exactly when
        /// n is within the limit.
        #[test]
        fn the_limit_is_exact(levels in 0usize..80, limit in 1usize..40) {
            let q = format!("{{ f(a: {}) }}", nested("[", "1", "]", levels));
            prop_assert_eq!(check(&q, limit).is_ok(), levels <= limit);
        }
    }
}
