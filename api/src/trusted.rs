//! Trusted documents: the web app's operations (`web/operations.graphql`,
//! embedded when the binary is built) by the SHA-256 of their text exactly
//! as the app sends it. With `graphql.trusted_documents_only`, an anonymous
//! caller may run only these (signed-in callers and API clients with a
//! token are not limited), so an open endpoint cannot be made to run
//! arbitrary documents by anyone on the internet. The list is served at
//! `/app/trusted-documents.json` for the app and for registries.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

/// The app's operations, as built into this binary.
const OPERATIONS: &str = include_str!("../../web/operations.graphql");

pub struct TrustedDocuments {
    /// SHA-256 (hex) of each operation's text → its name.
    by_hash: HashMap<String, String>,
}

/// The operations of an operations file, by name, each as the app sends
/// it (web/js/api.js): from its `query`/`mutation`/`subscription` line to
/// the next, comment lines left out, trimmed.
pub fn operations(text: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = text.split('\n').collect();
    let starts: Vec<(usize, String)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, line)| {
            let rest = ["query ", "mutation ", "subscription "]
                .iter()
                .find_map(|kw| line.strip_prefix(kw))?;
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            (!name.is_empty()).then_some((i, name))
        })
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(n, (start, name))| {
            let end = starts.get(n + 1).map_or(lines.len(), |(next, _)| *next);
            let body = lines[*start..end]
                .iter()
                .filter(|line| !line.starts_with('#'))
                .copied()
                .collect::<Vec<_>>()
                .join("\n");
            (name.clone(), body.trim().to_string())
        })
        .collect()
}

fn hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl TrustedDocuments {
    /// The web app's operations built into this binary.
    pub fn of_app() -> Self {
        Self::of(OPERATIONS)
    }

    pub fn of(text: &str) -> Self {
        TrustedDocuments {
            by_hash: operations(text)
                .into_iter()
                .map(|(name, body)| (hash(&body), name))
                .collect(),
        }
    }

    /// Whether `query` is one of the trusted documents, to the byte.
    pub fn contains(&self, query: &str) -> bool {
        self.by_hash.contains_key(&hash(query))
    }

    /// The list the app and registries read: hash → operation name.
    pub fn manifest(&self) -> serde_json::Value {
        let mut list: Vec<(&String, &String)> = self.by_hash.iter().collect();
        list.sort();
        serde_json::Value::Object(
            list.into_iter()
                .map(|(h, n)| (h.clone(), serde_json::Value::from(n.as_str())))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_read_as_the_app_sends_them() {
        let text = "# about Me\n# example: {}\nquery Me {\n  me { sub }\n}\n\n# next\nmutation Save($x: Int) {\n  save(x: $x)\n}\n";
        let ops = operations(text);
        assert_eq!(
            ops,
            vec![
                ("Me".to_string(), "query Me {\n  me { sub }\n}".to_string()),
                (
                    "Save".to_string(),
                    "mutation Save($x: Int) {\n  save(x: $x)\n}".to_string()
                ),
            ]
        );
        let trusted = TrustedDocuments::of(text);
        assert!(trusted.contains("query Me {\n  me { sub }\n}"));
        assert!(!trusted.contains("query Me { me { sub } }"));
    }

    #[test]
    fn every_operation_of_the_app_is_trusted() {
        let trusted = TrustedDocuments::of_app();
        assert!(trusted.by_hash.len() >= 40, "{}", trusted.by_hash.len());
        assert!(trusted.by_hash.values().any(|n| n == "InsatsPage"));
    }
}
