//! Global object identification (the Relay server specification): every
//! object with an identity answers `id` with an opaque id that names its type
//! and key ("Insats:14", base64url), unique across the schema, so a client
//! refetches it by `node(id:)` without knowing which field takes its type.
//!
//! Arguments take such an id, and, during the deprecation period the
//! changelog names, a row's bare integer key as earlier versions gave it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The types with an identity, by their name in the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    Forbund,
    Insats,
    Meeting,
    Decision,
    DsoAgreement,
    DsoAssignment,
    DsoProposal,
    Indicator,
    AuditEntry,
}

impl NodeKind {
    pub const ALL: [NodeKind; 9] = [
        NodeKind::Forbund,
        NodeKind::Insats,
        NodeKind::Meeting,
        NodeKind::Decision,
        NodeKind::DsoAgreement,
        NodeKind::DsoAssignment,
        NodeKind::DsoProposal,
        NodeKind::Indicator,
        NodeKind::AuditEntry,
    ];

    /// The kind of a record the log and `recordChanged` name, when it has
    /// an identity of its own.
    pub fn of_record(kind: finsam_entity::value::RecordKind) -> Option<NodeKind> {
        use finsam_entity::value::RecordKind as R;
        Some(match kind {
            R::Forbund => NodeKind::Forbund,
            R::Insats => NodeKind::Insats,
            R::Meeting => NodeKind::Meeting,
            R::Decision => NodeKind::Decision,
            R::DsoAgreement => NodeKind::DsoAgreement,
            R::DsoAssignment => NodeKind::DsoAssignment,
            R::DsoProposal => NodeKind::DsoProposal,
            R::Indicator => NodeKind::Indicator,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            NodeKind::Forbund => "Forbund",
            NodeKind::Insats => "Insats",
            NodeKind::Meeting => "Meeting",
            NodeKind::Decision => "Decision",
            NodeKind::DsoAgreement => "DsoAgreement",
            NodeKind::DsoAssignment => "DsoAssignment",
            NodeKind::DsoProposal => "DsoProposal",
            NodeKind::Indicator => "Indicator",
            NodeKind::AuditEntry => "AuditEntry",
        }
    }
}

/// The global id of row `key` of `kind`.
pub fn global(kind: NodeKind, key: i32) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{key}", kind.name()))
}

/// The type and key a global id names; `None` for anything else.
pub fn decode(id: &str) -> Option<(NodeKind, i32)> {
    if id.len() > 64 {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(id.trim_end_matches('=')).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let (name, written) = text.split_once(':')?;
    let kind = NodeKind::ALL.into_iter().find(|k| k.name() == name)?;
    // Only the canonical spelling: "Insats:014" is not another id of 14.
    let key: i32 = written.parse().ok()?;
    (key.to_string() == written).then_some((kind, key))
}

/// The key of a `kind` row an argument names: its global id, or the bare
/// integer key earlier versions gave out. An id of another type is none.
pub fn key(kind: NodeKind, id: &str) -> Option<i32> {
    if let Ok(bare) = id.parse::<i32>() {
        return Some(bare);
    }
    match decode(id) {
        Some((k, key)) if k == kind => Some(key),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_id_names_its_type_and_key() {
        let id = global(NodeKind::Insats, 14);
        assert_eq!(decode(&id), Some((NodeKind::Insats, 14)));
        assert_eq!(key(NodeKind::Insats, &id), Some(14));
        // The same key of another type is another id, and not an insats's.
        assert_ne!(global(NodeKind::Meeting, 14), id);
        assert_eq!(key(NodeKind::Meeting, &id), None);
        // Bare keys, as earlier versions gave them, are still taken.
        assert_eq!(key(NodeKind::Meeting, "14"), Some(14));
        assert_eq!(decode("not an id"), None);
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("Insats:014")), None);
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("Nothing:1")), None);
    }

    #[test]
    fn a_logged_record_kind_names_the_same_node_type() {
        for kind in finsam_entity::value::RecordKind::ALL {
            if let Some(node) = NodeKind::of_record(*kind) {
                assert_eq!(node.name(), kind.as_str());
            }
        }
        assert_eq!(
            NodeKind::of_record(finsam_entity::value::RecordKind::Insats),
            Some(NodeKind::Insats)
        );
    }

    proptest! {
        #[test]
        fn every_id_decodes_to_what_made_it(k in 0usize..9, key in i32::MIN..i32::MAX) {
            let kind = NodeKind::ALL[k];
            prop_assert_eq!(decode(&global(kind, key)), Some((kind, key)));
        }

        #[test]
        fn any_text_decodes_without_panicking(text in ".{0,80}") {
            let _ = decode(&text);
            let _ = key(NodeKind::Insats, &text);
        }
    }
}
