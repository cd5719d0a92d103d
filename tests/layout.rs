//! DESIGN.md's Layout section is the tree: every module under `api/src/` is
//! named there by its path (files of one folder grouped as `folder/{a,b}.rs`),
//! and nothing it names is gone. A newcomer reads the picture; this keeps it
//! true.

use std::collections::BTreeSet;
use std::path::Path;

/// Every `.rs` file under `dir`, as a path relative to `root`.
fn modules(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).expect("a folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            modules(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).expect("under the root");
            out.insert(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// The module paths the Layout section names: `a/b.rs`, `a/{b,c}.rs`, and
/// the top-level files of `api/src/` by name (`app.rs`, or `db.rs, error.rs`).
fn named(layout: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for word in layout.split(char::is_whitespace) {
        let word = word.trim_matches(|c: char| c == ',' || c == ';' || c == '(' || c == ')');
        if !word.ends_with(".rs") || word.contains("::") {
            continue;
        }
        match (word.find('{'), word.find('}')) {
            (Some(open), Some(close)) => {
                let (prefix, names) = (&word[..open], &word[open + 1..close]);
                for name in names.split(',') {
                    out.insert(format!("{prefix}{name}.rs"));
                }
            }
            _ => {
                out.insert(word.to_string());
            }
        }
    }
    out
}

/// The lines of DESIGN.md's Layout section that describe `api/src/`: from
/// `api/src/` to the next line that starts at the left margin.
fn api_lines(design: &str) -> String {
    let section = design
        .split("\n## Layout")
        .nth(1)
        .expect("a Layout section")
        .split("\n## ")
        .next()
        .unwrap_or_default();
    let mut lines = section
        .lines()
        .skip_while(|l| !l.starts_with("api/src/"))
        .peekable();
    let mut out = String::new();
    if let Some(first) = lines.next() {
        out.push_str(first.trim_start_matches("api/src/"));
        out.push('\n');
    }
    for line in lines {
        if !line.starts_with(' ') {
            break;
        }
        // Top-level files are named alone ("app.rs"); their lines' other
        // words are prose.
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[test]
fn the_design_layout_names_every_module_and_no_other() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("api/src");
    let mut actual = BTreeSet::new();
    modules(&src, &src, &mut actual);
    let design = std::fs::read_to_string(root.join("DESIGN.md")).expect("DESIGN.md");
    let named = named(&api_lines(&design));
    let missing: Vec<_> = actual.difference(&named).collect();
    let gone: Vec<_> = named.difference(&actual).collect();
    assert!(
        missing.is_empty() && gone.is_empty(),
        "DESIGN.md's Layout: modules not named there: {missing:?}; named but not in api/src: {gone:?}"
    );
}

#[test]
fn no_module_of_the_api_is_over_500_lines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("api/src");
    let mut files = BTreeSet::new();
    modules(&src, &src, &mut files);
    let long: Vec<(String, usize)> = files
        .into_iter()
        .map(|f| {
            let lines = std::fs::read_to_string(src.join(&f))
                .expect("a module")
                .lines()
                .count();
            (f, lines)
        })
        .filter(|(_, lines)| *lines > 500)
        .collect();
    assert!(long.is_empty(), "split these by concern: {long:?}");
}

#[test]
fn every_module_says_what_it_is_for_and_no_floor_imports_one_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("api/src");
    let mut files = BTreeSet::new();
    modules(&src, &src, &mut files);
    // DESIGN.md: HTTP (app → router → web, endpoint) → graphql → service →
    // record → domain.
    let above = |file: &str| -> &'static [&'static str] {
        if file.starts_with("domain/") {
            &[
                "crate::record",
                "crate::service",
                "crate::graphql",
                "crate::endpoint",
                "crate::web",
                "crate::app",
                "crate::router",
            ]
        } else if file.starts_with("record/") {
            &[
                "crate::service",
                "crate::graphql",
                "crate::endpoint",
                "crate::web",
                "crate::app",
                "crate::router",
            ]
        } else if file.starts_with("service/") {
            &[
                "crate::graphql",
                "crate::endpoint",
                "crate::web",
                "crate::app",
                "crate::router",
            ]
        } else if file.starts_with("graphql/") {
            // The schema reads its own context (`graphql/context.rs`), never
            // the endpoint's state, the server or the transports that serve it.
            &[
                "crate::endpoint",
                "crate::web",
                "crate::app",
                "crate::router",
            ]
        } else if file.starts_with("endpoint/") {
            // The transports are served by the router and the server.
            &["crate::app", "crate::router"]
        } else if file == "web.rs" {
            &["crate::app", "crate::router"]
        } else {
            &[]
        }
    };
    for file in &files {
        let text = std::fs::read_to_string(src.join(file)).expect("a module");
        assert!(
            text.starts_with("//!"),
            "{file} does not begin with a //! line saying what it is for"
        );
        for floor in above(file) {
            assert!(
                !text.contains(floor),
                "{file} reaches up to {floor}, a floor above it"
            );
        }
        assert!(
            !text
                .lines()
                .any(|l| l.trim_start().starts_with("pub use") && l.ends_with("::*;")),
            "{file} re-exports with a glob, hiding where its names are defined"
        );
    }
}

/// The room a module lives in: its folder under `api/src/`, or the file's
/// own name for a top-level file (`app`, `db`).
fn room(file: &str) -> &str {
    file.split('/')
        .next()
        .unwrap_or(file)
        .trim_end_matches(".rs")
}

/// The rooms `text` imports from: every `crate::room` it names.
fn imported_rooms(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        let name: String = text[at + "crate::".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.insert(name);
        }
    }
    out
}

/// A circle in `edges`, as the rooms along it, when there is one.
fn find_circle(
    edges: &std::collections::BTreeMap<String, BTreeSet<String>>,
) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &std::collections::BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut circle = path[at..].to_vec();
            circle.push(node.to_string());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(circle) = visit(next, edges, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|start| visit(start, edges, &mut Vec::new(), &mut done))
}

#[test]
fn no_two_rooms_of_the_api_import_each_other_even_through_others() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("api/src");
    let mut files = BTreeSet::new();
    modules(&src, &src, &mut files);
    let mut edges: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for file in &files {
        let from = room(file).to_string();
        let text = std::fs::read_to_string(src.join(file)).expect("a module");
        // The crate's root declares every room and re-exports two of them.
        if from == "lib" || from == "main" {
            continue;
        }
        for to in imported_rooms(&text) {
            if to != from {
                edges.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    assert_eq!(
        find_circle(&edges),
        None,
        "an import circle between the rooms of api/src"
    );
}

#[test]
fn the_circle_finder_finds_a_circle_through_three_rooms() {
    let mut edges: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for (from, to) in [
        ("app", "graphql"),
        ("graphql", "service"),
        ("service", "app"),
        ("service", "domain"),
    ] {
        edges.entry(from.into()).or_default().insert(to.into());
    }
    let circle = find_circle(&edges).expect("a circle");
    assert_eq!(circle.first(), circle.last());
    assert_eq!(circle.len(), 4, "{circle:?}");
    edges.get_mut("service").expect("service").remove("app");
    assert_eq!(find_circle(&edges), None);
}
