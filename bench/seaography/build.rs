//! Writes each table's `Model` from the project's entities (see
//! `model_from_entity.rs`), so the generated server reads exactly the
//! project's columns with no copy kept by hand.

include!("model_from_entity.rs");

const TABLES: [&str; 6] = [
    "forbund",
    "forbund_member",
    "insats",
    "insats_budget",
    "insats_goal",
    "insats_share",
];

fn main() {
    let entities = std::path::Path::new("../../entity/src");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let values = entities.join("value.rs");
    println!("cargo:rerun-if-changed={}", values.display());
    let sets = value_sets(&std::fs::read_to_string(&values).expect("entity/src/value.rs"));
    for table in TABLES {
        let path = entities.join(format!("{table}.rs"));
        println!("cargo:rerun-if-changed={}", path.display());
        let entity = std::fs::read_to_string(&path).expect("an entity");
        let model = model_from_entity(&entity, &sets)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        std::fs::write(out.join(format!("{table}_model.rs")), model).expect("written");
    }
}
