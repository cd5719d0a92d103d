//! Parsed documents by their text. A frontend sends the same few documents
//! over and over (its operations are fixed at build time), and parsing is
//! the largest part of a small request's cost: on `{ __typename }` the
//! parser took more CPU than everything else in the request together. A
//! document that parsed and passed this schema's own checks (value nesting,
//! NUL characters in its literals, aliases) is kept, and the next request
//! with the same text starts from a copy of it.
//!
//! Only what the text alone decides is kept: variables are checked on every
//! request. Validation against the schema reads the variables, so it runs
//! on every request of a document that declares any; a document without
//! variables that passed every rule once passes them again (the schema does
//! not change while the process runs), so it is marked, and later requests
//! with it skip the rules it passed (`graphql::Schemas::checked`): on a
//! lookup from memory the rules were a tenth of the request.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};

/// Longer texts are parsed every time: a cache of a few large documents
/// would hold more memory than it saves time.
const MAX_KEPT_TEXT: usize = 32 * 1024;

/// A kept document, and whether it has passed every validation rule.
pub struct Kept {
    pub doc: ExecutableDocument,
    validated: AtomicBool,
}

impl Kept {
    /// Passed every rule once and declares no variables: it passes again.
    pub fn validated(&self) -> bool {
        self.validated.load(Ordering::Relaxed)
    }
}

pub struct Documents {
    kept: Mutex<lru::LruCache<Box<str>, Arc<Kept>>>,
    max_value_depth: usize,
}

impl Documents {
    pub fn new(capacity: usize, max_value_depth: usize) -> Self {
        Documents {
            kept: Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN),
            )),
            max_value_depth,
        }
    }

    /// The checked document of this text, if one is kept.
    pub fn get(&self, query: &str) -> Option<Arc<Kept>> {
        self.kept.lock().ok()?.get(query).cloned()
    }

    /// Marks a kept document that declares no variables as one that passed
    /// every validation rule (its request was answered without errors).
    pub fn validated(&self, query: &str) {
        let Some(kept) = self.get(query) else {
            return;
        };
        let declares_variables = kept
            .doc
            .operations
            .iter()
            .any(|(_, op)| !op.node.variable_definitions.is_empty());
        if !declares_variables {
            kept.validated.store(true, Ordering::Relaxed);
        }
    }

    /// Keeps a document that parsed and passed every check of its text.
    pub fn keep(&self, query: &str, doc: &ExecutableDocument) {
        if query.len() > MAX_KEPT_TEXT {
            return;
        }
        if let Ok(mut kept) = self.kept.lock() {
            kept.put(
                query.into(),
                Arc::new(Kept {
                    doc: doc.clone(),
                    validated: AtomicBool::new(false),
                }),
            );
        }
    }

    /// Whether the operation a request will run is a mutation; `None` when
    /// the document does not parse (or nests too deeply to be parsed at
    /// all): such a request goes to the primary and fails there with its
    /// parse error.
    pub fn operation_kind(&self, query: &str, operation_name: Option<&str>) -> Option<bool> {
        let is_mutation = |doc: &ExecutableDocument| match &doc.operations {
            DocumentOperations::Single(op) => op.node.ty == OperationType::Mutation,
            DocumentOperations::Multiple(ops) => match operation_name {
                Some(name) => ops
                    .get(name)
                    .is_none_or(|op| op.node.ty == OperationType::Mutation),
                None => ops.values().any(|op| op.node.ty == OperationType::Mutation),
            },
        };
        if let Some(kept) = self.get(query) {
            return Some(is_mutation(&kept.doc));
        }
        // A text not seen before: parsed here only for its kind (the value
        // nesting bound first, as before the library's parser); the schema
        // parses it and keeps it.
        super::nesting::check(query, self.max_value_depth).ok()?;
        let doc = async_graphql::parser::parse_query(query).ok()?;
        Some(is_mutation(&doc))
    }
}

#[cfg(test)]
mod tests {
    use super::Documents;

    #[test]
    fn kinds_come_from_the_named_operation() {
        let docs = Documents::new(4, 32);
        let text = "query A { __typename } mutation B { __typename }";
        assert_eq!(docs.operation_kind(text, Some("A")), Some(false));
        assert_eq!(docs.operation_kind(text, Some("B")), Some(true));
        // Without a name the request is treated as the mutation it may be.
        assert_eq!(docs.operation_kind(text, None), Some(true));
        assert_eq!(docs.operation_kind("{ __typename }", None), Some(false));
        assert_eq!(docs.operation_kind("{ ", None), None);
        let deep = format!("{{ f(a: {}1{}) }}", "[".repeat(40), "]".repeat(40));
        assert_eq!(docs.operation_kind(&deep, None), None);
    }

    #[test]
    fn kept_documents_are_bounded_and_answer_the_same() {
        let docs = Documents::new(2, 32);
        for text in ["{ a }", "{ b }", "mutation { c }"] {
            let doc = async_graphql::parser::parse_query(text).expect("parses");
            docs.keep(text, &doc);
        }
        assert!(docs.get("{ a }").is_none(), "the least recently used goes");
        assert!(docs.get("{ b }").is_some());
        assert_eq!(docs.operation_kind("mutation { c }", None), Some(true));
        // Marked validated only without variables.
        docs.validated("{ b }");
        assert!(docs.get("{ b }").is_some_and(|k| k.validated()));
        let with = "query($x: Int) { c(x: $x) }";
        docs.keep(
            with,
            &async_graphql::parser::parse_query(with).expect("parses"),
        );
        docs.validated(with);
        assert!(docs.get(with).is_some_and(|k| !k.validated()));
        let long = format!("{{ {} }}", "a ".repeat(20_000));
        let doc = async_graphql::parser::parse_query(&long).expect("parses");
        docs.keep(&long, &doc);
        assert!(docs.get(&long).is_none(), "large texts are not kept");
    }
}
