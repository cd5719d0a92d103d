//! Request limits beyond depth and complexity (aliases, nesting of value
//! literals, NUL characters), and one place that gives every error an
//! `extensions.code`: errors raised by the library itself (parse,
//! validation, input coercion) carry none of their own.
//!
//! These run around `Schema::execute` rather than as an async-graphql
//! extension: with any extension registered, the library wraps every field
//! of every answer in the extension chain (a registry lookup and a boxed
//! future per field), a tenth of a page of insatser's time in its profile,
//! while all these limits need is the request before and the response after.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ErrorExtensionValues, Request, Response, ServerError, Value, Variables};

use super::documents::Documents;
use crate::error::{Broken, Rule};
use crate::metrics::Metrics;
use crate::record::{Date, DateError};

pub struct Limits<'a> {
    pub max_aliases: usize,
    pub max_value_depth: usize,
    /// Introspection is off: the subgraph SDL (`_service`) is the schema
    /// too, and only the federation router is given it.
    pub hide_service: bool,
    pub metrics: &'a Metrics,
    pub documents: &'a Documents,
}

impl<'a> Limits<'a> {
    pub fn of(context: &'a super::GraphqlContext, metrics: &'a Metrics) -> Self {
        Limits {
            max_aliases: context.settings.max_aliases,
            max_value_depth: context.settings.max_value_depth,
            hide_service: !context.settings.introspection,
            metrics,
            documents: &context.documents,
        }
    }
}

/// Whether `set`, at the root of an operation, selects `_service` (through
/// inline fragments and fragment spreads too).
fn selects_service(
    doc: &ExecutableDocument,
    set: &SelectionSet,
    seen: &mut Vec<async_graphql::Name>,
) -> bool {
    set.items.iter().any(|item| match &item.node {
        Selection::Field(f) => f.node.name.node == "_service",
        Selection::InlineFragment(f) => selects_service(doc, &f.node.selection_set.node, seen),
        Selection::FragmentSpread(spread) => {
            let name = &spread.node.fragment_name.node;
            if seen.contains(name) {
                return false;
            }
            seen.push(name.clone());
            doc.fragments
                .get(name)
                .is_some_and(|f| selects_service(doc, &f.node.selection_set.node, seen))
        }
    })
}

const TOO_COMPLEX: [&str; 4] = [
    "Query is too complex",
    "Query is nested too deep",
    "too many aliases",
    "The recursion depth of the query",
];

fn with_code(mut err: ServerError, code: &str) -> ServerError {
    let ext = err
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default);
    ext.set("code", code);
    err
}

/// The variables of a request that look like dates and are not, by the
/// name of the input field they sit in: found before the request runs (the
/// library's own refusal names only the type), so the answer can say which
/// rule the date broke. Empty, and free, for a request without them.
#[derive(Default)]
pub struct BadDates(Vec<(String, DateError)>);

impl BadDates {
    pub fn of(variables: &Variables) -> Self {
        let mut found = Vec::new();
        for (name, value) in variables.iter() {
            collect_dates(name.as_str(), value, &mut found);
        }
        BadDates(found)
    }

    /// The rule broken by the date at `field` ("input.startsOn").
    fn rule_for(&self, field: Option<&str>) -> Broken {
        let key = field.and_then(|f| f.rsplit('.').next());
        key.and_then(|k| self.0.iter().find(|(name, _)| name == k))
            .map(|(_, e)| e.0.clone())
            .unwrap_or_else(|| {
                Rule::DateNotTaken
                    .with("first", Date::FIRST)
                    .with("last", Date::LAST)
            })
    }
}

/// A text short enough and starting with a digit is taken for an attempt
/// at a date; names and other texts are not looked at further.
fn collect_dates(key: &str, value: &Value, found: &mut Vec<(String, DateError)>) {
    match value {
        Value::String(s)
            if (6..=12).contains(&s.len()) && s.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            if let Err(e) = Date::parse(s) {
                found.push((key.to_string(), e));
            }
        }
        Value::List(items) => items.iter().for_each(|v| collect_dates(key, v, found)),
        Value::Object(fields) => fields
            .iter()
            .for_each(|(k, v)| collect_dates(k.as_str(), v, found)),
        _ => {}
    }
}

/// The argument a library input error names ("Invalid value for argument
/// \"input.ageMin\", …"), so clients get `extensions.field` as for rule errors.
fn argument_named(message: &str) -> Option<String> {
    let rest = message.split_once("argument \"")?.1;
    let name = rest.split_once('"')?.0;
    (!name.is_empty()).then(|| name.to_string())
}

fn count_aliases(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => {
                usize::from(f.node.alias.is_some()) + count_aliases(&f.node.selection_set.node)
            }
            Selection::InlineFragment(f) => count_aliases(&f.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

/// Whether a value holds a NUL character anywhere: PostgreSQL cannot store
/// one in text, so such input is refused up front instead of failing deep down.
fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::List(items) => items.iter().any(has_nul),
        Value::Object(fields) => fields.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

fn selection_has_nul(set: &SelectionSet) -> bool {
    set.items.iter().any(|item| match &item.node {
        Selection::Field(f) => {
            f.node.arguments.iter().any(|(_, v)| {
                v.node
                    .clone()
                    .into_const_with(|_| Ok::<_, std::convert::Infallible>(Value::Null))
                    .is_ok_and(|c| has_nul(&c))
            }) || selection_has_nul(&f.node.selection_set.node)
        }
        Selection::InlineFragment(f) => selection_has_nul(&f.node.selection_set.node),
        Selection::FragmentSpread(_) => false,
    })
}

fn variables_have_nul(variables: &Variables) -> bool {
    variables.iter().any(|(_, v)| has_nul(v))
}

fn document_has_nul(doc: &ExecutableDocument) -> bool {
    doc.operations
        .iter()
        .any(|(_, op)| selection_has_nul(&op.node.selection_set.node))
        || doc
            .fragments
            .values()
            .any(|f| selection_has_nul(&f.node.selection_set.node))
}

fn document_aliases(doc: &ExecutableDocument) -> usize {
    let in_operations: usize = doc
        .operations
        .iter()
        .map(|(_, op)| count_aliases(&op.node.selection_set.node))
        .sum();
    let in_fragments: usize = doc
        .fragments
        .values()
        .map(|f| count_aliases(&f.node.selection_set.node))
        .sum();
    in_operations + in_fragments
}

impl Limits<'_> {
    /// Checks a request and gives it its parsed document, from the cache of
    /// documents when its text was seen before. An error here answers the
    /// request as a whole (pass it to `refused`).
    pub fn prepare(&self, request: &mut Request) -> Result<(), ServerError> {
        let nul = || {
            with_code(
                ServerError::new("text input may not contain NUL characters", None),
                "BAD_USER_INPUT",
            )
        };
        if variables_have_nul(&request.variables) {
            return Err(nul());
        }
        // A text seen before passed every check below when it was parsed.
        // (The library's own recursion and directive limits run on every
        // execution, cached document or not.)
        if let Some(kept) = self.documents.get(&request.query) {
            request.set_parsed_query(ExecutableDocument::clone(&kept.doc));
            return Ok(());
        }
        // Before the parser, which recurses over value literals unbounded.
        if let Err(too_deep) = super::nesting::check(&request.query, self.max_value_depth) {
            return Err(with_code(
                ServerError::new(too_deep.message(), None),
                "BAD_USER_INPUT",
            ));
        }
        let doc = async_graphql::parser::parse_query(&request.query)?;
        if document_has_nul(&doc) {
            return Err(nul());
        }
        let aliases = document_aliases(&doc);
        if aliases > self.max_aliases {
            return Err(with_code(
                ServerError::new(
                    format!(
                        "Query has too many aliases ({aliases}; at most {} allowed)",
                        self.max_aliases
                    ),
                    None,
                ),
                "QUERY_TOO_COMPLEX",
            ));
        }
        self.documents.keep(&request.query, &doc);
        request.set_parsed_query(doc);
        Ok(())
    }

    /// With introspection off, the subgraph SDL is the whole schema by
    /// another name: `_service` answers only the federation router (the
    /// caller holding `graphql.federation_token`), FORBIDDEN to anyone else.
    pub fn check_service(
        &self,
        request: &mut Request,
        federation: bool,
    ) -> Result<(), ServerError> {
        if !self.hide_service || federation {
            return Ok(());
        }
        let doc = request.parsed_query()?;
        let asks = doc.operations.iter().any(|(_, op)| {
            op.node.ty == async_graphql::parser::types::OperationType::Query
                && selects_service(doc, &op.node.selection_set.node, &mut Vec::new())
        });
        if asks {
            return Err(with_code(
                ServerError::new(
                    "the subgraph schema is given only to the federation router while introspection is off",
                    None,
                ),
                "FORBIDDEN",
            ));
        }
        Ok(())
    }

    /// The answer to a request `prepare` refused.
    pub fn refused(&self, err: ServerError) -> Response {
        let mut response = Response::from_errors(vec![err]);
        self.finish(&mut response, &BadDates::default());
        response
    }

    /// Gives every error of an answer its code and rule (and the argument at
    /// fault where the library's message names one), and counts them.
    /// `dates` are the request's variables that are not dates, for the rule
    /// a refused date argument broke.
    pub fn finish(&self, response: &mut Response, dates: &BadDates) {
        for err in response.errors.iter_mut() {
            let has_code = err
                .extensions
                .as_ref()
                .is_some_and(|ext| ext.get("code").is_some());
            if !has_code {
                let code = if TOO_COMPLEX.iter().any(|m| err.message.contains(m)) {
                    "QUERY_TOO_COMPLEX"
                } else {
                    "BAD_USER_INPUT"
                };
                *err = with_code(err.clone(), code);
                let field = argument_named(&err.message);
                let broken = if code == "QUERY_TOO_COMPLEX" {
                    None
                } else if err.message.ends_with("expected type \"Date\"") {
                    // The library names only the type: the rule comes from
                    // the value, when it came as a variable.
                    let broken = dates.rule_for(field.as_deref());
                    err.message = match &field {
                        Some(f) => {
                            format!("Invalid value for argument \"{f}\": {}", broken.message())
                        }
                        None => broken.message(),
                    };
                    Some(broken)
                } else if err.message.starts_with("Invalid value for")
                    || err.message.starts_with("Failed to parse")
                {
                    Some(Rule::ValueType.with("detail", err.message.as_str()))
                } else {
                    Some(Rule::QueryInvalid.with("detail", err.message.as_str()))
                };
                let ext = err
                    .extensions
                    .get_or_insert_with(ErrorExtensionValues::default);
                if let Some(field) = field {
                    ext.set("field", field);
                }
                if let Some(broken) = broken {
                    crate::error::set_rule(ext, &broken);
                }
            }
            let code = match err.extensions.as_ref().and_then(|e| e.get("code")) {
                Some(Value::String(code)) => code.clone(),
                _ => "INTERNAL".to_string(),
            };
            self.metrics.count_error(&code);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::argument_named;

    #[test]
    fn input_errors_name_their_argument() {
        assert_eq!(
            argument_named(r#"Invalid value for argument "input.ageMin", expected type "Int""#)
                .as_deref(),
            Some("input.ageMin")
        );
        assert_eq!(argument_named("Unknown field \"x\""), None);
    }
}
