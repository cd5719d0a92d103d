// The generated server's `Model` of a table, made from the project's own
// entity (`entity/src/<table>.rs`): its table name and fields as declared
// there, each of the project's value sets (`entity/src/value.rs`) read as
// the text it is stored as. Included by this crate's build script, and by
// finsam-bench's tests, which check it against every entity.

/// The names of the value sets `value.rs` declares with `stored_values!`.
pub fn value_sets(values: &str) -> Vec<String> {
    values
        .split("stored_values!(")
        .skip(1)
        .filter_map(|invocation| {
            invocation
                .lines()
                .map(str::trim)
                .find(|l| !l.starts_with("///") && !l.is_empty())
                .and_then(|l| l.split_whitespace().next())
                .map(str::to_string)
        })
        .collect()
}

/// The `Model` of `entity` (an entity file's text) for the generated server.
pub fn model_from_entity(entity: &str, sets: &[String]) -> Result<String, String> {
    let table = entity
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("#[sea_orm(table_name"))
        .ok_or("no table_name")?;
    let start = entity.find("pub struct Model {").ok_or("no Model")?;
    let body = &entity[start..];
    let end = body.find("\n}").ok_or("no end of the Model")?;
    let mut out = String::from("#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]\n");
    out.push_str(table);
    out.push('\n');
    for line in body[..end].lines() {
        let mut line = line.to_string();
        for set in sets {
            line = line
                .replace(&format!(": {set},"), ": String,")
                .replace(&format!("<{set}>"), "<String>");
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("}\n");
    Ok(out)
}
