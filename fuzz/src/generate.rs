//! The inputs the fuzzer sends: GraphQL documents built from the schema (real
//! fields, arguments and enum values, with values at the edges of each type),
//! documents from the corpus mutated byte by byte, nesting at every depth,
//! and HTTP bodies and headers the server must refuse clearly. Every
//! generator is bounded: no input grows past `MAX_BODY` bytes.

use async_graphql::parser::types::{BaseType, Type};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde_json::{Value, json};

use crate::schema_model::Model;

/// Larger than the server's body limit, so that limit is exercised too.
pub const MAX_BODY: usize = 1_200_000;

/// One HTTP request as sent.
#[derive(Debug, Clone)]
pub struct Input {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Who sends it: `None` is anonymous, else an index into the tokens.
    pub principal: Option<usize>,
    /// Whether a well-formed GraphQL answer with codes is due (false for
    /// bodies the HTTP layer refuses before GraphQL, which still must not
    /// crash but may answer in another shape).
    pub graphql_answer_due: bool,
    /// Sent as GET with this query string instead of a POST body.
    pub get: Option<String>,
}

impl Input {
    pub fn json(body: &Value, principal: Option<usize>) -> Input {
        Input {
            headers: vec![("content-type".into(), "application/json".into())],
            body: serde_json::to_vec(body).unwrap_or_default(),
            principal,
            graphql_answer_due: true,
            get: None,
        }
    }

    /// The same request as a GET: parameters in the query string.
    pub fn as_get(
        query: &str,
        variables: &Value,
        extensions: Option<&Value>,
        principal: Option<usize>,
    ) -> Input {
        let mut pairs = vec![
            ("query".to_string(), query.to_string()),
            ("variables".to_string(), variables.to_string()),
        ];
        if let Some(extensions) = extensions {
            pairs.push(("extensions".to_string(), extensions.to_string()));
        }
        let encoded = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        Input {
            headers: vec![("accept".into(), "application/graphql-response+json".into())],
            body: Vec::new(),
            principal,
            graphql_answer_due: true,
            get: Some(encoded),
        }
    }

    pub fn query(query: &str, variables: Value, principal: Option<usize>) -> Input {
        Input::json(
            &json!({ "query": query, "variables": variables }),
            principal,
        )
    }
}

const STRINGS: [&str; 22] = [
    "varend",
    "vasteras",
    "sodra-dalarna",
    "sundbyberg",
    "vastmanland",
    "Västerås",
    "vasteras",
    "",
    " ",
    "%",
    "_",
    "\\",
    "' OR 1=1 --",
    "\u{0}",
    "🙂",
    "Va\u{308}stera\u{30a}s",
    "2026-11-26",
    "1",
    "6",
    "00",
    "1980",
    "\u{202e}x",
];

const INTS: [i64; 16] = [
    0,
    1,
    -1,
    2,
    5,
    7,
    20,
    100,
    101,
    2019,
    2020,
    2026,
    i32::MAX as i64,
    i32::MIN as i64,
    i64::MAX,
    -100_000,
];

const DATES: [&str; 9] = [
    "2021-03-01",
    "2026-11-26",
    "2020-01-01",
    "2031-12-31",
    "0001-01-01",
    "262142-12-31",
    "2021-02-30",
    "yesterday",
    "",
];

pub struct Generator<'m> {
    pub model: &'m Model,
    pub rng: StdRng,
    /// Strings the server gave out (cursors, ids), sent back as arguments:
    /// the way a client pages, and the only way to reach cursor decoding
    /// with cursors the server really made.
    pub observed: Vec<String>,
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

impl Generator<'_> {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.gen_range(0..items.len())]
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p)
    }

    /// A random string: a real value, an edge case or noise.
    fn string(&mut self) -> String {
        if !self.observed.is_empty() && self.chance(0.15) {
            let i = self.rng.gen_range(0..self.observed.len());
            return self.observed[i].clone();
        }
        match self.rng.gen_range(0..10) {
            0 => {
                let len = self.rng.gen_range(0..300);
                (0..len)
                    .map(|_| char::from_u32(self.rng.gen_range(0..0x3000)).unwrap_or('x'))
                    .collect()
            }
            1 => "x".repeat(self.rng.gen_range(150..5_000)),
            _ => self.pick(&STRINGS).to_string(),
        }
    }

    fn int(&mut self) -> i64 {
        if self.chance(0.2) {
            self.rng.gen_range(-50..200)
        } else {
            *self.pick(&INTS)
        }
    }

    /// A value literal for `ty`, usually of the right shape, sometimes not
    /// (the server must refuse those clearly), `depth` levels at most.
    pub fn value(&mut self, ty: &Type, depth: usize) -> String {
        if !ty.nullable && self.chance(0.02) || ty.nullable && self.chance(0.1) {
            return "null".into();
        }
        if depth == 0 {
            return quote(&self.string());
        }
        if self.chance(0.04) {
            return self.wrong_value(depth);
        }
        match &ty.base {
            BaseType::List(inner) => {
                let n = self.rng.gen_range(0..4);
                let items: Vec<String> = (0..n).map(|_| self.value(inner, depth - 1)).collect();
                format!("[{}]", items.join(", "))
            }
            BaseType::Named(name) => self.named_value(name.as_str(), depth),
        }
    }

    fn named_value(&mut self, name: &str, depth: usize) -> String {
        match name {
            "String" => quote(&self.string()),
            "Int" => self.int().to_string(),
            "Float" => format!("{:.3}", self.rng.gen_range(-1e6..1e6)),
            "Boolean" => self.chance(0.5).to_string(),
            "ID" if !self.observed.is_empty() && self.chance(0.2) => {
                let i = self.rng.gen_range(0..self.observed.len());
                quote(&self.observed[i].clone())
            }
            "ID" => quote(&self.rng.gen_range(0..70).to_string()),
            "Date" | "NaiveDate" => {
                let date = DATES[self.rng.gen_range(0..DATES.len())];
                quote(date)
            }
            _ => {
                if let Some(values) = self.model.enums.get(name) {
                    if values.is_empty() || self.chance(0.05) {
                        return "NOT_A_VALUE".into();
                    }
                    return self.pick(values).clone();
                }
                if let Some(fields) = self.model.inputs.get(name).cloned() {
                    let mut parts = Vec::new();
                    for (field, ty) in &fields {
                        if !ty.nullable || self.chance(0.4) {
                            parts.push(format!("{field}: {}", self.value(ty, depth - 1)));
                        }
                    }
                    return format!("{{ {} }}", parts.join(", "));
                }
                quote(&self.string())
            }
        }
    }

    fn wrong_value(&mut self, depth: usize) -> String {
        match self.rng.gen_range(0..6) {
            0 => "{ a: 1 }".into(),
            1 => "[1, \"a\", null]".into(),
            2 => "$undefined".into(),
            3 => "1.5e400".into(),
            4 => format!("{}", u64::MAX),
            _ => {
                let levels = depth + self.rng.gen_range(0..40);
                format!("{}1{}", "[".repeat(levels), "]".repeat(levels))
            }
        }
    }

    fn arguments(&mut self, args: &[(String, Type)]) -> String {
        let mut parts = Vec::new();
        for (name, ty) in args {
            if ty.nullable && self.chance(0.5) {
                continue;
            }
            let depth = self.rng.gen_range(1..6);
            parts.push(format!("{name}: {}", self.value(ty, depth)));
        }
        if self.chance(0.03) {
            parts.push("bogus: 1".into());
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("({})", parts.join(", "))
        }
    }

    /// A selection set on `type_name`, at most `depth` levels deep.
    pub fn selection(&mut self, type_name: &str, depth: usize) -> String {
        let Some(fields) = self.model.objects.get(type_name).cloned() else {
            return String::new();
        };
        if fields.is_empty() || depth == 0 {
            return "{ __typename }".into();
        }
        let n = self.rng.gen_range(1..=fields.len().min(4));
        let mut chosen: Vec<_> = fields.choose_multiple(&mut self.rng, n).cloned().collect();
        chosen.sort_by(|a, b| a.name.cmp(&b.name));
        let mut parts = Vec::new();
        for (i, field) in chosen.iter().enumerate() {
            let alias = if self.chance(0.05) {
                format!("a{i}: ")
            } else {
                String::new()
            };
            let args = self.arguments(&field.args);
            let sub = if self.model.objects.contains_key(&field.returns) {
                format!(" {}", self.selection(&field.returns, depth - 1))
            } else {
                String::new()
            };
            parts.push(format!("{alias}{}{args}{sub}", field.name));
        }
        format!("{{ {} }}", parts.join(" "))
    }

    /// A whole operation: a query mostly, a mutation sometimes.
    pub fn document(&mut self) -> String {
        let depth = self.rng.gen_range(1..7);
        if self.chance(0.25) {
            let root = self.model.mutation.clone();
            format!("mutation {}", self.selection(&root, depth))
        } else {
            let root = self.model.query.clone();
            self.selection(&root, depth)
        }
    }

    /// A subscription (for the live transports).
    pub fn subscription(&mut self) -> String {
        let depth = self.rng.gen_range(1..6);
        let root = self.model.subscription.clone();
        format!("subscription {}", self.selection(&root, depth))
    }

    /// `text` with a few random edits: characters and brackets inserted,
    /// spans deleted or repeated, the end cut off.
    pub fn mutate(&mut self, text: &str) -> String {
        let mut chars: Vec<char> = text.chars().collect();
        for _ in 0..self.rng.gen_range(1..5) {
            let at = self.rng.gen_range(0..=chars.len());
            match self.rng.gen_range(0..7) {
                0 => chars.insert(
                    at,
                    *self.pick(&[
                        '{', '}', '[', ']', '(', ')', '"', '$', '@', '.', ':', '#', '\\', '\0', 'é',
                    ]),
                ),
                1 if !chars.is_empty() => {
                    let end = (at + self.rng.gen_range(1..20)).min(chars.len());
                    chars.drain(at.min(end)..end);
                }
                2 if !chars.is_empty() => {
                    let end = (at + self.rng.gen_range(1..40)).min(chars.len());
                    let span: Vec<char> = chars[at.min(end)..end].to_vec();
                    let times = self.rng.gen_range(1..50);
                    for _ in 0..times {
                        if chars.len() > MAX_BODY / 4 {
                            break;
                        }
                        chars.splice(at..at, span.iter().copied());
                    }
                }
                3 => chars.truncate(at),
                4 => {
                    let levels = self.rng.gen_range(1..3_000);
                    let open = *self.pick(&['[', '{', '(']);
                    chars.splice(at..at, std::iter::repeat_n(open, levels));
                }
                5 => {
                    let word = self.pick(&[
                        "...f",
                        "fragment f on QueryRoot { __typename }",
                        "@skip(if: true)",
                        "query($a: Int = 1)",
                        "__schema { types { name } }",
                        "__type(name: \"Insats\") { fields { name } }",
                    ]);
                    chars.splice(at..at, word.chars());
                }
                _ => {
                    if let Some(c) = chars.get_mut(at) {
                        *c = char::from_u32(self.rng.gen_range(32..0x250)).unwrap_or('x');
                    }
                }
            }
        }
        chars.into_iter().collect()
    }

    /// A document nested `levels` deep in one of the shapes that reached
    /// recursive code: value lists, input objects, directive arguments,
    /// variable defaults, selection sets and fragment chains.
    pub fn deep(&mut self) -> String {
        let levels = *self.pick(&[10, 33, 64, 65, 100, 1_600, 5_000, 100_000]);
        let n = |open: &str, inner: &str, close: &str| {
            format!("{}{inner}{}", open.repeat(levels), close.repeat(levels))
        };
        match self.rng.gen_range(0..7) {
            0 => format!("{{ forbund(slug: {}) {{ slug }} }}", n("[", "\"x\"", "]")),
            1 => format!(
                "{{ insatser(filter: {}) {{ totalCount }} }}",
                n("{search:", "\"a\"", "}")
            ),
            2 => format!("{{ __typename @include(if: {}) }}", n("[", "true", "]")),
            3 => format!(
                "query($a: [String] = {}) {{ __typename }}",
                n("[", "\"x\"", "]")
            ),
            4 => n("{ a ", "", "}"),
            5 => n("{ ... on QueryRoot ", "{ __typename }", "}"),
            _ => {
                let length = levels.min(20_000);
                let mut q = String::from("{ ...f0 }\n");
                for i in 0..length {
                    q.push_str(&format!("fragment f{i} on QueryRoot {{ ...f{} }}\n", i + 1));
                }
                q.push_str(&format!(
                    "fragment f{length} on QueryRoot {{ __typename }}\n"
                ));
                q
            }
        }
    }

    /// JSON variables: real shapes, edge values, deep and wide structures.
    pub fn variables(&mut self) -> Value {
        match self.rng.gen_range(0..6) {
            0 => json!({}),
            1 => json!({ "a": self.int(), "s": self.string(), "id": "1" }),
            2 => {
                let levels = self.rng.gen_range(1..200);
                let mut v = json!(1);
                for _ in 0..levels {
                    v = json!([v]);
                }
                json!({ "a": v })
            }
            3 => Value::Array(vec![json!(1); self.rng.gen_range(0..10_000)]),
            4 => json!("not an object"),
            _ => {
                json!({ "filter": { "search": self.string(), "age": self.int() }, "first": self.int() })
            }
        }
    }

    /// A body the HTTP layer sees first: batches, wrong JSON, odd headers.
    pub fn raw(&mut self, query: &str) -> Input {
        let principal = self.principal();
        match self.rng.gen_range(0..8) {
            0 => {
                let n = self.rng.gen_range(0..130);
                let batch: Vec<Value> = (0..n).map(|_| json!({ "query": query })).collect();
                Input::json(&Value::Array(batch), principal)
            }
            1 => Input::json(
                &json!({ "query": query, "operationName": self.string() }),
                principal,
            ),
            2 => Input::json(&json!({ "query": 5, "variables": [] }), principal),
            3 => Input::json(
                &json!({ "query": query, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": self.string() } } }),
                principal,
            ),
            4 => {
                let len = self.rng.gen_range(0..2_000);
                let body: Vec<u8> = (0..len).map(|_| self.rng.r#gen()).collect();
                Input {
                    headers: vec![("content-type".into(), "application/json".into())],
                    body,
                    principal,
                    graphql_answer_due: true,
                    get: None,
                }
            }
            5 => {
                let mut input = Input::query(query, json!({}), principal);
                let content_type = self
                    .pick(&[
                        "text/plain",
                        "image/png",
                        "application/json; charset=latin1",
                        "application/graphql",
                        "",
                        "multipart/form-data; boundary=x",
                    ])
                    .to_string();
                input.headers = vec![("content-type".into(), content_type)];
                input.graphql_answer_due = false;
                input
            }
            6 => {
                let mut input = Input::query(query, json!({}), principal);
                let encoding = self
                    .pick(&["br2", "gzip", "deflate", "identity", "gzip, gzip", "zstd"])
                    .to_string();
                input.headers.push(("content-encoding".into(), encoding));
                input.graphql_answer_due = false;
                input
            }
            _ => {
                let levels = self.rng.gen_range(100..100_000);
                let body = format!("{}{}", "[".repeat(levels), "]".repeat(levels));
                Input {
                    headers: vec![("content-type".into(), "application/json".into())],
                    body: body.into_bytes(),
                    principal,
                    graphql_answer_due: true,
                    get: None,
                }
            }
        }
    }

    /// Keeps the cursors and ids of an answer for later arguments.
    pub fn observe(&mut self, answer: &Value) {
        match answer {
            Value::Object(fields) => {
                for (key, value) in fields {
                    match (key.as_str(), value) {
                        ("cursor" | "endCursor" | "startCursor" | "id", Value::String(s)) => {
                            if self.observed.len() >= 2_000 {
                                let i = self.rng.gen_range(0..self.observed.len());
                                self.observed.swap_remove(i);
                            }
                            self.observed.push(s.clone());
                        }
                        _ => self.observe(value),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| self.observe(item)),
            _ => {}
        }
    }

    /// Anonymous a third of the time, else one of the harness's tokens.
    pub fn principal(&mut self) -> Option<usize> {
        if self.chance(0.35) {
            None
        } else {
            Some(self.rng.gen_range(0..crate::PRINCIPALS.len() + 1))
        }
    }
}

/// Percent-encodes a query-string value (RFC 3986 unreserved kept).
fn url_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
