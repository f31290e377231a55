//! The map in ARCHITECTURE.md, checked: which top-level module may name
//! which (`crate::…` paths in the source), and no source file over 600
//! lines (test files excepted). A move that breaks the layering fails here
//! with the file that did it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each module and the modules it may import. Everything may import
/// `model` and `text`; `model` imports nothing of the crate; `text` only
/// `model`.
const ALLOWED: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("text", &["model"]),
    ("import", &["model", "text"]),
    ("classify", &["model", "text"]),
    ("store", &["model", "text"]),
    ("ingest", &["model", "text", "import", "classify", "store"]),
    ("track", &["model", "text", "classify"]),
    ("findings", &["model", "text", "store", "track"]),
    ("config", &["model", "text", "classify", "track"]),
    (
        "export",
        &["model", "text", "classify", "store", "track", "findings"],
    ),
    (
        "send",
        &[
            "model", "text", "classify", "store", "track", "findings", "export",
        ],
    ),
    (
        "tui",
        &[
            "model", "text", "import", "classify", "ingest", "store", "track", "findings",
            "config", "export", "send",
        ],
    ),
    (
        "cli",
        &[
            "model", "text", "import", "classify", "ingest", "store", "track", "findings",
            "config", "export", "send", "tui",
        ],
    ),
];

const MAX_LINES: usize = 600;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/store/scan.rs` → `store`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main")).then(|| name.to_string())
}

fn is_test_file(file: &Path) -> bool {
    file.file_name().is_some_and(|n| n == "tests.rs")
}

/// The top-level modules named by `crate::name` or `crate::{a, b::c}` in
/// code (comments are skipped).
fn named_modules(source: &str) -> BTreeSet<String> {
    fn lead(s: &str) -> String {
        s.trim()
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect()
    }
    let mut out = BTreeSet::new();
    for line in source.lines() {
        let mut rest = line.split("//").next().unwrap_or("");
        while let Some((_, after)) = rest.split_once("crate::") {
            rest = after;
            let names: Vec<String> = match after.strip_prefix('{') {
                Some(group) => group
                    .split('}')
                    .next()
                    .unwrap_or("")
                    .split(',')
                    .map(lead)
                    .collect(),
                None => vec![lead(after)],
            };
            out.extend(names.into_iter().filter(|n| !n.is_empty()));
        }
    }
    out
}

#[test]
fn modules_only_import_downwards() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        let may = allowed
            .get(module.as_str())
            .unwrap_or_else(|| panic!("{}: module '{module}' is not in the map: add it to ARCHITECTURE.md and to ALLOWED here", file.display()));
        let source = std::fs::read_to_string(file).unwrap();
        for named in named_modules(&source) {
            if named == module || named == "DEMO_EXPORT" {
                continue;
            }
            if !may.contains(&named.as_str()) && !is_test_file(file) {
                wrong.push(format!("{} ({module}) imports {named}", file.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layering of ARCHITECTURE.md:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_source_file_is_over_600_lines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut long: Vec<String> = files
        .iter()
        .filter(|f| !is_test_file(f))
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > MAX_LINES).then(|| format!("{}: {n} lines", f.display()))
        })
        .collect();
    long.sort();
    assert!(
        long.is_empty(),
        "split these by what a reader looks for:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_map_names_every_module() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let map = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    for (module, _) in ALLOWED {
        assert!(
            map.contains(&format!("`src/{module}.rs`")),
            "ARCHITECTURE.md does not describe src/{module}.rs"
        );
    }
}
