//! The schema's input types, enums and mutations' arguments as JSON, for the
//! web app's forms (`GET /app/inputs.json`): the one definition of a record
//! (its GraphQL input) is what a form is built from, so a field added to an
//! input reaches its form without new form code. Read from the schema's SDL,
//! so it holds with introspection off (production) and says no more than the
//! app's own operations already do: the mutations, and only the input types
//! and enums their arguments reach — no query inputs, no output types.

use async_graphql::parser::types::{
    BaseType, InputValueDefinition, Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::parser::{Positioned, parse_schema};
use serde_json::{Map, Value, json};

/// The JSON the forms read, made from `sdl` (the schema's own).
pub fn describe(sdl: &str) -> Result<Value, String> {
    let document = parse_schema(sdl).map_err(|e| e.to_string())?;
    let mut inputs = Map::new();
    let mut enums = Map::new();
    let mut mutations = Map::new();
    for definition in &document.definitions {
        let TypeSystemDefinition::Type(ty) = definition else {
            continue;
        };
        let ty = &ty.node;
        let name = ty.name.node.as_str();
        let description = ty.description.as_ref().map(|d| d.node.clone());
        match &ty.kind {
            TypeKind::InputObject(input) => {
                inputs.insert(
                    name.to_string(),
                    json!({ "description": description, "fields": values(&input.fields) }),
                );
            }
            // The introspection enums are the schema's, not any record's.
            TypeKind::Enum(e) if !name.starts_with("__") => {
                let list: Vec<Value> = e
                    .values
                    .iter()
                    .map(|v| {
                        json!({
                            "name": v.node.value.node.as_str(),
                            "description": v.node.description.as_ref().map(|d| d.node.clone()),
                        })
                    })
                    .collect();
                enums.insert(name.to_string(), Value::Array(list));
            }
            TypeKind::Object(object) if name == "Mutation" => {
                for field in &object.fields {
                    let field = &field.node;
                    mutations.insert(
                        field.name.node.to_string(),
                        json!({
                            "description": field.description.as_ref().map(|d| d.node.clone()),
                            "args": values(&field.arguments),
                            "returns": named(&field.ty.node),
                        }),
                    );
                }
            }
            _ => {}
        }
    }
    // Only what a form can use: the input types and enums the mutations'
    // arguments reach. Query-only inputs and output-only enums stay out,
    // so the file says no more about the schema than the forms need.
    let mut reached: Vec<String> = mutations
        .values()
        .flat_map(|m| m["args"].as_array().cloned().unwrap_or_default())
        .filter_map(|a| a["type"].as_str().map(str::to_string))
        .collect();
    let mut used = std::collections::BTreeSet::new();
    while let Some(name) = reached.pop() {
        if !used.insert(name.clone()) {
            continue;
        }
        if let Some(input) = inputs.get(&name) {
            reached.extend(
                input["fields"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|f| f["type"].as_str().map(str::to_string)),
            );
        }
    }
    inputs.retain(|name, _| used.contains(name));
    enums.retain(|name, _| used.contains(name));
    Ok(json!({ "inputs": inputs, "enums": enums, "mutations": mutations }))
}

fn values(list: &[Positioned<InputValueDefinition>]) -> Vec<Value> {
    list.iter()
        .map(|v| {
            let v = &v.node;
            let ty = &v.ty.node;
            let list = matches!(ty.base, BaseType::List(_));
            json!({
                "name": v.name.node.as_str(),
                "description": v.description.as_ref().map(|d| d.node.clone()),
                // The named type at the bottom (`Int`, `Status`, `InsatsOutcomeInput`).
                "type": named(ty),
                "list": list,
                // A value must be given: non-null and without a default.
                "required": !ty.nullable && v.default_value.is_none(),
                "default": v.default_value.as_ref().map(|d| d.node.clone().into_json().unwrap_or(Value::Null)),
            })
        })
        .collect()
}

fn named(ty: &Type) -> String {
    match &ty.base {
        BaseType::Named(name) => name.to_string(),
        BaseType::List(inner) => named(inner),
    }
}

#[cfg(test)]
mod tests {
    use super::describe;

    const SDL: &str = r#"
        "How it is sorted."
        enum Status { "Not yet started." PLANNED ACTIVE }
        input NewThing {
          "Its name."
          name: String!
          status: Status! = PLANNED
          tags: [String!]
          size: Int
        }
        type Mutation {
          "Makes a thing."
          makeThing(input: NewThing!, version: Int!): Thing!
        }
        type Thing { name: String! }
        type Query { thing: Thing }
    "#;

    #[test]
    fn inputs_enums_and_mutation_arguments_are_described() {
        let json = describe(SDL).expect("parses");
        let fields = &json["inputs"]["NewThing"]["fields"];
        assert_eq!(fields[0]["name"], "name");
        assert_eq!(fields[0]["type"], "String");
        assert_eq!(fields[0]["required"], true);
        assert_eq!(fields[0]["description"], "Its name.");
        // A default makes a non-null field optional to give.
        assert_eq!(fields[1]["required"], false);
        assert_eq!(fields[1]["default"], "PLANNED");
        assert_eq!(fields[2]["list"], true);
        assert_eq!(fields[3]["required"], false);
        assert_eq!(json["enums"]["Status"][0]["name"], "PLANNED");
        assert_eq!(
            json["enums"]["Status"][0]["description"],
            "Not yet started."
        );
        let make = &json["mutations"]["makeThing"];
        assert_eq!(make["args"][0]["type"], "NewThing");
        assert_eq!(make["args"][1]["required"], true);
        assert_eq!(make["returns"], "Thing");
        // Output types are not described.
        assert!(json["inputs"].get("Thing").is_none());
    }
}
