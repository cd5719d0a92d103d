//! What the generator knows of the API: the object, input and enum types of
//! the SDL the server itself prints, so generated documents use real field
//! names, argument names and enum values (and stay current as the schema
//! changes).

use std::collections::HashMap;

use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub args: Vec<(String, Type)>,
    /// The named type at the bottom of any list or non-null wrapping.
    pub returns: String,
}

#[derive(Debug, Default)]
pub struct Model {
    pub objects: HashMap<String, Vec<Field>>,
    pub inputs: HashMap<String, Vec<(String, Type)>>,
    pub enums: HashMap<String, Vec<String>>,
    pub query: String,
    pub mutation: String,
    pub subscription: String,
}

pub fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

impl Model {
    pub fn from_sdl(sdl: &str) -> anyhow::Result<Model> {
        let doc = async_graphql::parser::parse_schema(sdl)?;
        let mut model = Model {
            query: "QueryRoot".into(),
            mutation: "MutationRoot".into(),
            subscription: "SubscriptionRoot".into(),
            ..Model::default()
        };
        for def in doc.definitions {
            match def {
                TypeSystemDefinition::Schema(schema) => {
                    if let Some(q) = &schema.node.query {
                        model.query = q.node.to_string();
                    }
                    if let Some(m) = &schema.node.mutation {
                        model.mutation = m.node.to_string();
                    }
                    if let Some(s) = &schema.node.subscription {
                        model.subscription = s.node.to_string();
                    }
                }
                TypeSystemDefinition::Type(ty) => {
                    let name = ty.node.name.node.to_string();
                    match &ty.node.kind {
                        TypeKind::Object(object) => {
                            let fields = object
                                .fields
                                .iter()
                                .map(|f| Field {
                                    name: f.node.name.node.to_string(),
                                    args: f
                                        .node
                                        .arguments
                                        .iter()
                                        .map(|a| {
                                            (a.node.name.node.to_string(), a.node.ty.node.clone())
                                        })
                                        .collect(),
                                    returns: named(&f.node.ty.node).to_string(),
                                })
                                .collect();
                            model.objects.insert(name, fields);
                        }
                        TypeKind::InputObject(input) => {
                            let fields = input
                                .fields
                                .iter()
                                .map(|f| (f.node.name.node.to_string(), f.node.ty.node.clone()))
                                .collect();
                            model.inputs.insert(name, fields);
                        }
                        TypeKind::Enum(e) => {
                            let values = e
                                .values
                                .iter()
                                .map(|v| v.node.value.node.to_string())
                                .collect();
                            model.enums.insert(name, values);
                        }
                        _ => {}
                    }
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        anyhow::ensure!(
            model.objects.contains_key(&model.query),
            "the SDL has no query root {}",
            model.query
        );
        Ok(model)
    }
}
