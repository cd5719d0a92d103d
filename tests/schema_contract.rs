//! The schema as a versioned contract (CHANGELOG.md): the committed
//! baseline holds what was released, and the check fails on a breaking
//! change the changelog does not declare — tried here on a throwaway copy
//! of the schema with a field removed.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Where graphql-js is installed for the checks, or `None` (the test then
/// says so and passes, unless the CI's tools are required).
fn node_modules() -> Option<PathBuf> {
    let found = [
        std::env::var("FINSAM_NODE_TOOLS")
            .ok()
            .map(|d| PathBuf::from(d).join("node_modules")),
        std::env::var("NODE_PATH").ok().map(PathBuf::from),
    ]
    .into_iter()
    .flatten()
    .find(|dir| dir.join("graphql/package.json").is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("FINSAM_REQUIRE_OIDC").is_none(),
            "graphql-js is not installed for the checks (tests/tools/package.json)"
        );
        eprintln!("skipped: graphql-js is not installed (npm ci in tests/tools)");
    }
    found
}

/// The check's exit status and what it printed.
fn diff(modules: &Path, released: &Path, served: &Path, changelog: &Path) -> (bool, String) {
    let out = Command::new("node")
        .arg(root().join("tests/contract/schema-diff.cjs"))
        .args([released, served, changelog])
        .env("NODE_PATH", modules)
        .output()
        .expect("node runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn the_served_schema_keeps_the_released_contract_or_declares_the_break() {
    let Some(modules) = node_modules() else {
        return;
    };
    let (ok, text) = diff(
        &modules,
        &root().join("schema.released.graphql"),
        &root().join("schema.graphql"),
        &root().join("CHANGELOG.md"),
    );
    assert!(ok, "{text}");
}

#[test]
fn an_undeclared_breaking_change_fails_the_check() {
    let Some(modules) = node_modules() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("finsam-contract-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    // A throwaway copy of the schema without `Forbund.county`.
    let schema = std::fs::read_to_string(root().join("schema.graphql")).expect("schema");
    let start = schema.find("type Forbund ").expect("type Forbund");
    let field = start
        + schema[start..]
            .find("\tcounty: String!\n")
            .expect("Forbund.county");
    let removed = format!(
        "{}{}",
        &schema[..field],
        &schema[field + "\tcounty: String!\n".len()..]
    );
    let served = dir.join("schema.graphql");
    std::fs::write(&served, removed).expect("write the copy");
    let (ok, text) = diff(
        &modules,
        &root().join("schema.graphql"),
        &served,
        &root().join("CHANGELOG.md"),
    );
    assert!(!ok, "a removed field must fail the check: {text}");
    assert!(text.contains("Forbund.county"), "{text}");
    // Declared in the changelog's Unreleased section, the same change passes.
    let changelog = dir.join("CHANGELOG.md");
    std::fs::write(
        &changelog,
        "# Changelog\n\n## [Unreleased]\n\n### Removed (breaking)\n\n- `Forbund.county`, deprecated since 0.1.0.\n\n## [0.1.0] - 2026-12-05\n",
    )
    .expect("write the changelog");
    let (ok, text) = diff(
        &modules,
        &root().join("schema.graphql"),
        &served,
        &changelog,
    );
    assert!(ok, "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
