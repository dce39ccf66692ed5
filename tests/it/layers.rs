//! The layering rule, checked: each top-level module imports only the modules below it (the
//! table in `ALLOWED`, which lib.rs documents), and no two files of one module import each
//! other, directly or round a loop. A forbidden `use` fails this test naming the file and
//! the line.
//!
//! A test over the sources rather than a workspace of crates: it says the same thing about
//! the top level, also catches cycles between the files inside a module, and keeps one
//! crate to build.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module and the modules it may import. `fetch` and `store` take plain
/// values, never config types; `digest` is told about a round's results, never drives one.
const ALLOWED: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("chain", &[]),
    ("health", &[]),
    ("text", &["model"]),
    ("config", &["model", "text"]),
    ("schedule", &["model"]),
    ("fetch", &["model", "text", "chain", "schedule"]),
    ("extract", &["model", "text"]),
    ("story", &["model", "text", "extract", "config"]),
    ("store", &["model", "text", "chain", "extract", "story"]),
    ("metrics", &["model", "chain", "health"]),
    (
        "pipeline",
        &[
            "model", "text", "chain", "config", "schedule", "fetch", "extract", "story", "store",
            "metrics",
        ],
    ),
    (
        "digest",
        &[
            "model", "text", "chain", "config", "fetch", "extract", "story", "store",
        ],
    ),
    ("demo", &[]),
    (
        "daemon",
        &[
            "model", "text", "chain", "health", "config", "schedule", "fetch", "extract", "story",
            "store", "metrics", "pipeline", "digest",
        ],
    ),
    (
        "cli",
        &[
            "model", "text", "chain", "health", "config", "schedule", "fetch", "extract", "story",
            "store", "metrics", "pipeline", "digest", "daemon", "demo",
        ],
    ),
];

/// One source file: its module path (`["store", "feeds"]`) and its non-test code.
struct Source {
    file: PathBuf,
    module: Vec<String>,
    code: Vec<(usize, String)>,
}

/// A reference from one file to a module: where it is, and the path it names.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Reference {
    line: usize,
    target: Vec<String>,
}

fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap_or(file).with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// Test code may reach anywhere for fixtures: files that only hold tests, and the
/// `#[cfg(test)] mod tests { … }` that closes a file, are left out.
fn is_test_file(file: &Path) -> bool {
    let name = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    name == "tests" || name == "testing" || name.ends_with("_tests")
}

/// The lines of `text` outside comments and the trailing test module, numbered from 1.
fn code_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let next = lines.get(i + 1).map(|l| l.trim_start()).unwrap_or("");
        if trimmed.starts_with("#[cfg(test)]") && next.starts_with("mod tests") {
            if next.ends_with(';') {
                continue;
            }
            break;
        }
        let code = match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        };
        out.push((i + 1, code.to_string()));
    }
    out
}

fn read_sources(src: &Path) -> Vec<Source> {
    let mut files = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") && !is_test_file(&path) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).expect("read a source file");
            Source {
                module: module_of(src, &file),
                code: code_lines(&text),
                file,
            }
        })
        .collect()
}

/// Identifiers at the start of `rest`: `a` in `a::b`, and each first segment of a brace
/// group (`{a, b::c}` gives `a`, `b`).
fn first_segments(rest: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let Some(group) = rest.strip_prefix('{') else {
        return vec![ident(rest)];
    };
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                out.push(ident(group[start..i].trim()));
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(ident(group[start..i].trim()));
                start = i + 1;
            }
            _ => {}
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Every module path a file names through `crate::` or `super::`.
fn references(source: &Source) -> Vec<Reference> {
    let mut out = Vec::new();
    for (line, code) in &source.code {
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            let tops = first_segments(rest);
            if rest.starts_with('{') {
                out.extend(tops.into_iter().map(|top| Reference {
                    line: *line,
                    target: vec![top],
                }));
                continue;
            }
            let Some(top) = tops.into_iter().next().filter(|t| !t.is_empty()) else {
                continue;
            };
            if let Some(after) = rest[top.len()..].strip_prefix("::") {
                for next in first_segments(after) {
                    out.push(Reference {
                        line: *line,
                        target: vec![top.clone(), next],
                    });
                }
            }
            out.push(Reference {
                line: *line,
                target: vec![top],
            });
        }
        for (at, _) in code.match_indices("super::") {
            // `super::super::` is rare enough to leave out; one level is what the tree uses.
            let rest = &code[at + "super::".len()..];
            let parent = &source.module[..source.module.len().saturating_sub(1)];
            for next in first_segments(rest) {
                let mut target = parent.to_vec();
                target.push(next);
                out.push(Reference {
                    line: *line,
                    target,
                });
            }
        }
    }
    out
}

/// The imports a module's files make of other top-level modules that the table forbids.
fn forbidden(sources: &[Source], allowed: &[(&str, &[&str])]) -> Vec<String> {
    let tops: BTreeSet<&str> = allowed.iter().map(|(m, _)| *m).collect();
    let rules: BTreeMap<&str, &[&str]> = allowed.iter().copied().collect();
    let mut out = Vec::new();
    for source in sources {
        let Some(own) = source.module.first().map(String::as_str) else {
            continue;
        };
        let Some(may) = rules.get(own) else {
            continue;
        };
        for r in references(source) {
            let Some(top) = r.target.first().map(String::as_str) else {
                continue;
            };
            let message = (top != own && tops.contains(top) && !may.contains(&top)).then(|| {
                format!(
                    "{}:{}: `{own}` may not import `{top}` (it may import: {})",
                    source.file.display(),
                    r.line,
                    may.join(", ")
                )
            });
            // A path names its module and then its item: one message per line and module.
            if let Some(message) = message
                && out.last() != Some(&message)
            {
                out.push(message);
            }
        }
    }
    out
}

/// Import cycles between the files of one top-level module (a module's `mod.rs` facade,
/// which re-exports its children, is not a node).
fn cycles(sources: &[Source]) -> Vec<String> {
    let files: BTreeSet<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for source in sources.iter().filter(|s| s.module.len() > 1) {
        for r in references(source) {
            // The file a path lands in: its longest prefix that is a file of the tree.
            let landed = (1..=r.target.len())
                .rev()
                .map(|n| r.target[..n].to_vec())
                .find(|p| files.contains(p));
            if let Some(to) = landed
                && to.len() > 1
                && to.first() == source.module.first()
                && to != source.module
                && !source.module.starts_with(&to)
            {
                edges.entry(source.module.clone()).or_default().insert(to);
            }
        }
    }
    let mut found = Vec::new();
    let mut done: BTreeSet<Vec<String>> = BTreeSet::new();
    for start in edges.keys() {
        let mut path = vec![start.clone()];
        walk(&edges, &mut path, &mut done, &mut found);
    }
    found.sort();
    found.dedup();
    found
}

fn walk(
    edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
    path: &mut Vec<Vec<String>>,
    done: &mut BTreeSet<Vec<String>>,
    found: &mut Vec<String>,
) {
    let Some(here) = path.last().cloned() else {
        return;
    };
    if done.contains(&here) {
        return;
    }
    for next in edges.get(&here).into_iter().flatten() {
        if let Some(at) = path.iter().position(|p| p == next) {
            let mut names: Vec<String> = path[at..].iter().map(|p| p.join("::")).collect();
            names.push(next.join("::"));
            found.push(names.join(" -> "));
            continue;
        }
        path.push(next.clone());
        walk(edges, path, done, found);
        path.pop();
    }
    done.insert(here);
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn every_import_goes_down_the_layers() {
    let sources = read_sources(&src());
    assert!(sources.len() > 50, "read {} files", sources.len());
    let bad = forbidden(&sources, ALLOWED);
    assert!(bad.is_empty(), "forbidden imports:\n{}", bad.join("\n"));
}

#[test]
fn every_top_level_module_is_in_the_table_and_the_table_is_a_dag() {
    let sources = read_sources(&src());
    let tops: BTreeSet<String> = sources
        .iter()
        .filter_map(|s| s.module.first().cloned())
        .filter(|m| m != "main" && m != "lib")
        .collect();
    let listed: BTreeSet<String> = ALLOWED.iter().map(|(m, _)| m.to_string()).collect();
    assert_eq!(tops, listed, "src/ and the layer table disagree");
    // Each module may import only modules listed before it: the table is its own order.
    for (i, (module, may)) in ALLOWED.iter().enumerate() {
        let below: Vec<&str> = ALLOWED[..i].iter().map(|(m, _)| *m).collect();
        for m in *may {
            assert!(
                below.contains(m),
                "{module} may import {m}, which is not below it"
            );
        }
    }
}

#[test]
fn no_two_files_of_a_module_import_each_other() {
    let found = cycles(&read_sources(&src()));
    assert!(found.is_empty(), "import cycles:\n{}", found.join("\n"));
}

fn source(module: &[&str], text: &str) -> Source {
    Source {
        file: PathBuf::from(format!("src/{}.rs", module.join("/"))),
        module: module.iter().map(|s| s.to_string()).collect(),
        code: code_lines(text),
    }
}

#[test]
fn the_check_sees_forbidden_imports_in_every_spelling() {
    let rules: &[(&str, &[&str])] = &[("model", &[]), ("store", &["model"]), ("config", &[])];
    let sources = [
        source(&["store", "feeds"], "use crate::config::FeedConfig;\n"),
        source(&["store", "items"], "use crate::{model::Item, config};\n"),
        source(
            &["store", "ok"],
            "// crate::config in a comment\nuse crate::model::Item;\n",
        ),
        source(
            &["store", "tail"],
            "use crate::model::Item;\n#[cfg(test)]\nmod tests {\n    use crate::config::X;\n}\n",
        ),
        source(
            &["store"],
            "fn f() -> crate::config::Settings { todo!() }\n",
        ),
    ];
    let bad = forbidden(&sources, rules);
    assert_eq!(bad.len(), 3, "{bad:#?}");
    assert!(bad[0].starts_with("src/store/feeds.rs:1: `store` may not import `config`"));
    assert!(bad[1].starts_with("src/store/items.rs:1:"));
    assert!(bad[2].starts_with("src/store.rs:1:"));
}

#[test]
fn the_check_sees_cycles_between_sibling_files() {
    let sources = [
        source(&["store"], "mod feeds;\nmod items;\n"),
        source(&["store", "feeds"], "use super::items::SavedItem;\n"),
        source(
            &["store", "items"],
            "use crate::store::feeds::{FeedCommit, other};\n",
        ),
        source(&["store", "prune"], "use super::{Store, items};\n"),
    ];
    assert_eq!(
        cycles(&sources),
        vec!["store::feeds -> store::items -> store::feeds".to_string()]
    );
    let acyclic = [
        source(&["store", "feeds"], "use super::items::SavedItem;\n"),
        source(&["store", "items"], "use super::Store;\n"),
    ];
    assert!(cycles(&acyclic).is_empty());
}
