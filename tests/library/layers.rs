//! The library's modules form layers: no file of `src/` (outside the binary's `src/cli/`)
//! uses, through `crate::` or `super::` paths, a module that uses it back, directly or by a
//! detour. A module and its own submodules aside (a child may use its parent's items), the
//! vocabulary (`finding.rs`) sits below the scanners and the rules that produce findings, and
//! the sentences (`message.rs`) above them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every library module by path (`scan::fast`), with the text of its file outside tests.
fn modules() -> BTreeMap<String, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = BTreeMap::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/ is readable") {
            let path = entry.expect("a directory entry").path();
            let relative = path.strip_prefix(&src).expect("below src/").to_string_lossy().replace('\\', "/");
            if path.is_dir() {
                if relative != "cli" {
                    dirs.push(path);
                }
                continue;
            }
            let Some(name) = relative.strip_suffix(".rs") else { continue };
            if name == "lib" || name == "main" {
                continue;
            }
            let name = name.strip_suffix("/mod").unwrap_or(name).replace('/', "::");
            let text = std::fs::read_to_string(&path).expect("a source file is UTF-8");
            let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
            let code: Vec<&str> = code.lines().map(|l| l.split("//").next().unwrap_or_default()).collect();
            found.insert(name, code.join("\n"));
        }
    }
    found
}

/// The paths after each `crate::` and `super::` in `code` (a `{...}` list gives one path per
/// name in it), `super` resolved against `module`.
fn paths(module: &str, code: &str) -> Vec<String> {
    let parent = module.rsplit_once("::").map_or("", |(p, _)| p);
    let mut out = Vec::new();
    for (marker, base) in [("crate::", ""), ("super::", parent)] {
        for (at, _) in code.match_indices(marker) {
            let rest = &code[at + marker.len()..];
            let end =
                rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(rest.len());
            let path = rest[..end].trim_end_matches(':');
            let path = if base.is_empty() { path.to_string() } else { format!("{base}::{path}") };
            if rest[end..].starts_with('{') {
                let list = &rest[end + 1..rest[end..].find('}').map_or(rest.len(), |e| end + e)];
                for name in list.split(|c: char| c == ',' || c == '{' || c.is_whitespace()) {
                    let first = name.split("::").next().unwrap_or_default();
                    if !first.is_empty() {
                        out.push(format!("{path}::{first}"));
                    }
                }
            }
            out.push(path);
        }
    }
    out
}

#[test]
fn no_module_of_the_library_uses_one_that_uses_it() {
    let modules = modules();
    let owner = |path: &str| {
        let mut p = path.to_string();
        loop {
            if modules.contains_key(&p) {
                return Some(p);
            }
            p = p.rsplit_once("::")?.0.to_string();
        }
    };
    let uses: BTreeMap<String, BTreeSet<String>> = modules
        .iter()
        .map(|(m, code)| {
            (m.clone(), paths(m, code).iter().filter_map(|p| owner(p)).filter(|t| t != m).collect())
        })
        .collect();
    // Depth-first from each module: reaching it again is a cycle.
    for start in modules.keys() {
        let mut stack: Vec<Vec<String>> = vec![vec![start.clone()]];
        let mut seen = BTreeSet::new();
        while let Some(trail) = stack.pop() {
            for next in &uses[trail.last().expect("a trail is never empty").as_str()] {
                assert!(next != start, "an import cycle: {} -> {start}", trail.join(" -> "));
                if seen.insert(next.clone()) {
                    stack.push([trail.clone(), vec![next.clone()]].concat());
                }
            }
        }
    }
}
