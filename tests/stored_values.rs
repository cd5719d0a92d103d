//! No column holds a value from a fixed set as free text: such a value is a
//! type of `entity/src/value.rs`, stored by its spelling and checked by the
//! compiler wherever it is read. Every text column of the entities is named
//! here with what it holds, so a new one is a decision a reviewer sees.

use std::collections::BTreeSet;
use std::path::Path;

/// The text columns, `table.column`, and what each holds: free text, a
/// name, an identifier, or a document (JSON).
const TEXT_COLUMNS: &[(&str, &str)] = &[
    ("area.code", "SCB's code of the area"),
    ("area.name", "a name"),
    ("area_population.source", "where the figure comes from"),
    ("audit_log.actor_sub", "the caller's subject"),
    ("audit_log.actor_forbund", "the caller's förbund's slug"),
    ("audit_log.entity_id", "the changed record's key"),
    ("audit_log.before", "a document (JSON)"),
    ("audit_log.after", "a document (JSON)"),
    ("audit_log.request_id", "the request's id"),
    ("budget_line.name", "a name"),
    ("decision.text", "free text"),
    ("dso_agreement.name", "a name"),
    ("dso_assignment.contact", "free text"),
    ("dso_member.contact", "free text"),
    ("dso_proposal.proposed_by", "the caller's subject"),
    ("dso_proposal.input", "a document (JSON): the request"),
    (
        "dso_proposal.outcome",
        "free text: why it failed or was declined",
    ),
    ("dso_proposal_party.answered_by", "the caller's subject"),
    (
        "dso_proposal_party.effect",
        "a document (JSON): what it does to the party",
    ),
    ("finance_report.title", "a name"),
    ("finance_year.note", "free text"),
    ("forbund.slug", "an identifier"),
    ("forbund.name", "a name"),
    ("forbund.org_number", "an organisation number"),
    ("forbund.county", "a name"),
    ("forbund.notes", "free text"),
    ("forbund_allocation.note", "free text"),
    ("forbund_member.name", "a name"),
    ("indicator.code", "an identifier"),
    ("indicator.name", "a name"),
    ("indicator.description", "free text"),
    ("indicator.respondent_group", "free text"),
    ("indicator_report.source", "where the figure comes from"),
    ("indicator_result.source", "where the figure comes from"),
    ("insats.name", "a name"),
    ("insats.description", "free text"),
    ("insats.owner_organisation", "a name"),
    ("insats.executor_organisation", "a name"),
    ("insats.target_group", "free text"),
    ("insats.search_text", "folded text for search"),
    ("insats_extension.note", "free text"),
    ("insats_goal.description", "free text"),
    ("insats_outcome.municipality", "a name"),
    ("insats_outcome.note", "free text"),
    ("key_figure.source", "where the figure comes from"),
    ("meeting.place", "free text"),
    ("meeting.note", "free text"),
    ("national_average.source", "where the figure comes from"),
    ("population_support.source", "where the figure comes from"),
    // The log keeps each entry as it was written: the operation and the
    // kind of record are the spellings of `Operation` and `RecordKind`,
    // read back as those types where known (an older process reading a
    // newer one's entry during a rolling restart finds none and tells it
    // as an update), never matched as text.
    (
        "audit_log.operation",
        "an `Operation`'s spelling, as written",
    ),
    ("audit_log.entity", "a `RecordKind`'s spelling, as written"),
    // The caller's roles as the token gave them, comma-separated.
    (
        "audit_log.actor_roles",
        "the caller's roles, as the token named them",
    ),
];

/// `table.column` of every `String` field of every entity's `Model`.
fn text_columns(entities: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(entities).expect("entity/src") {
        let path = entry.expect("an entry").path();
        let Some(table) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let source = std::fs::read_to_string(&path).expect("an entity");
        let Some(start) = source.find("pub struct Model {") else {
            continue;
        };
        let body = &source[start..];
        let body = &body[..body.find("\n}").expect("the Model's end")];
        for line in body.lines().skip(1).map(str::trim) {
            let Some(field) = line.strip_prefix("pub ") else {
                continue;
            };
            if let Some((name, ty)) = field.trim_end_matches(',').split_once(": ")
                && (ty == "String" || ty == "Option<String>")
            {
                out.insert(format!("{table}.{name}"));
            }
        }
    }
    out
}

#[test]
fn every_text_column_is_free_text_and_named_with_what_it_holds() {
    let entities = Path::new(env!("CARGO_MANIFEST_DIR")).join("entity/src");
    let found = text_columns(&entities);
    let named: BTreeSet<String> = TEXT_COLUMNS.iter().map(|(c, _)| c.to_string()).collect();
    assert!(found.len() > 40, "only {} text columns read", found.len());
    let unnamed: Vec<_> = found.difference(&named).collect();
    let gone: Vec<_> = named.difference(&found).collect();
    assert!(
        unnamed.is_empty(),
        "text columns not named in tests/stored_values.rs: {unnamed:?} — a value from a \
         fixed set is a type of entity/src/value.rs; free text is named there"
    );
    assert!(gone.is_empty(), "named but no longer text: {gone:?}");
}

#[test]
fn a_stored_value_outside_its_set_is_refused_when_read() {
    use finsam_entity::value::Status;
    use sea_orm::ActiveEnum;
    assert_eq!(
        Status::try_from_value(&"CARRIED_OVER".to_string()).ok(),
        Some(Status::CarriedOver)
    );
    assert!(Status::try_from_value(&"carried over".to_string()).is_err());
    for status in Status::ALL {
        assert_eq!(Status::parse(status.as_str()), Some(*status));
        assert_eq!(status.to_value(), status.as_str());
    }
}

/// The history view names operations by the log's spellings: each it
/// labels is one the services write (a renamed operation fails here, not
/// silently in the view).
#[test]
fn the_history_view_labels_operations_the_log_writes() {
    use finsam_entity::value::Operation;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let history = std::fs::read_to_string(root.join("web/js/history.js")).expect("history.js");
    let start = history.find("const OPERATIONS = {").expect("the labels");
    let body = &history[start..];
    let body = &body[..body.find("};").expect("their end")];
    let labelled: Vec<&str> = body
        .lines()
        .skip(1)
        .filter_map(|l| l.trim().split_once(':').map(|(k, _)| k.trim()))
        .collect();
    assert!(labelled.len() >= 10, "labels read: {labelled:?}");
    for spelling in labelled {
        assert!(
            Operation::parse(spelling).is_some(),
            "history.js labels {spelling:?}, which no service writes"
        );
    }
}
