//! The engine's layers point one way, as Perfetto's `check_imports` keeps its own: `model`
//! imports nothing above it; `import` and `analysis` import `model` (and not each other);
//! `share` may import all three; the crate's top (`lib.rs`, `engine`, `generate`, `wire`)
//! imports anything. Every path to `crate::…` or `super::…` in every source file is checked,
//! outside `#[cfg(test)]` items (tests may build a set with any part). A path through a
//! re-export at the crate root counts as the module it re-exports.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use syn::visit::Visit;

const LAYERS: [&str; 4] = ["model", "import", "analysis", "share"];

/// Whether code of layer `from` may use layer `to` ("top" is the crate's top).
fn allowed(from: &str, to: &str) -> bool {
    from == to
        || from == "top"
        || to == "model"
        || (from == "share" && matches!(to, "import" | "analysis"))
}

/// The layer a module of the crate root belongs to.
fn layer_of(root_module: &str) -> &str {
    LAYERS
        .into_iter()
        .find(|l| *l == root_module)
        .unwrap_or("top")
}

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

fn parse(path: &Path) -> syn::File {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The module path of a source file: `import/jaeger.rs` is `import::jaeger`, `import/mod.rs`
/// is `import`, `lib.rs` the root.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// What each name the crate root re-exports (`pub use a::…::Name`) or declares (`mod a`)
/// belongs to: the root module it comes from.
fn root_names() -> HashMap<String, String> {
    fn leaves(tree: &syn::UseTree, first: Option<&str>, out: &mut HashMap<String, String>) {
        match tree {
            syn::UseTree::Path(p) => {
                let head = first.map_or_else(|| p.ident.to_string(), str::to_string);
                leaves(&p.tree, Some(&head), out);
            }
            syn::UseTree::Name(n) => {
                out.insert(n.ident.to_string(), first.unwrap_or("").to_string());
            }
            syn::UseTree::Rename(r) => {
                out.insert(r.rename.to_string(), first.unwrap_or("").to_string());
            }
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| leaves(t, first, out)),
            syn::UseTree::Glob(_) => {}
        }
    }
    let mut out = HashMap::new();
    for item in parse(&src().join("lib.rs")).items {
        match item {
            syn::Item::Use(u) => leaves(&u.tree, None, &mut out),
            syn::Item::Mod(m) => {
                out.insert(m.ident.to_string(), m.ident.to_string());
            }
            _ => {}
        }
    }
    out
}

/// Collects the root module every `crate::`/`super::` path of a file reaches.
struct Paths<'a> {
    module: &'a [String],
    roots: &'a HashMap<String, String>,
    found: Vec<(String, String)>,
}

impl Paths<'_> {
    /// Resolves a path's leading segments (`crate`, `super`, `self`) to the root module it
    /// reaches, if it leaves the file's module for another of the crate.
    fn reach(&mut self, segments: &[String]) {
        let mut here: Vec<String> = self.module.to_vec();
        let mut rest = segments;
        match rest.first().map(String::as_str) {
            Some("crate") => {
                here.clear();
                rest = &rest[1..];
            }
            Some("super") => {
                while rest.first().map(String::as_str) == Some("super") {
                    here.pop();
                    rest = &rest[1..];
                }
            }
            _ => return,
        }
        let root = match (here.first(), rest.first()) {
            (Some(root), _) => root.clone(),
            (None, Some(name)) => match self.roots.get(name) {
                Some(root) => root.clone(),
                None => name.clone(),
            },
            (None, None) => return,
        };
        self.found.push((root, segments.join("::")));
    }

    fn use_tree(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(&p.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Name(n) => self.leaf(prefix, &n.ident),
            syn::UseTree::Rename(r) => self.leaf(prefix, &r.ident),
            syn::UseTree::Glob(_) => self.reach(prefix),
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| self.use_tree(t, prefix)),
        }
    }

    fn leaf(&mut self, prefix: &[String], ident: &syn::Ident) {
        let mut path = prefix.to_vec();
        if ident != "self" {
            path.push(ident.to_string());
        }
        self.reach(&path);
    }
}

fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Meta>()
                .is_ok_and(|m| m.path().is_ident("test"))
    })
}

impl<'ast> Visit<'ast> for Paths<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs = match item {
            syn::Item::Mod(m) => &m.attrs,
            syn::Item::Fn(f) => &f.attrs,
            syn::Item::Use(u) => &u.attrs,
            syn::Item::Impl(i) => &i.attrs,
            _ => return syn::visit::visit_item(self, item),
        };
        if !is_test_only(attrs) {
            syn::visit::visit_item(self, item);
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.use_tree(&u.tree, &mut Vec::new());
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.reach(&segments);
        syn::visit::visit_path(self, path);
    }
}

#[test]
fn the_layers_point_one_way() {
    let roots = root_names();
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut broken = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(src()).unwrap_or(path);
        let module = module_of(rel);
        let from = layer_of(module.first().map_or("", String::as_str));
        let mut paths = Paths {
            module: &module,
            roots: &roots,
            found: Vec::new(),
        };
        paths.visit_file(&parse(path));
        for (root, used) in paths.found {
            let to = layer_of(&root);
            if !allowed(from, to) {
                broken.push(format!("{} ({from}) uses {used} ({to})", rel.display()));
            }
        }
    }
    broken.sort();
    broken.dedup();
    assert!(
        broken.is_empty(),
        "imports against the layers' direction:\n{}",
        broken.join("\n")
    );
    assert!(files.len() > 60, "the sources were found: {}", files.len());
}

#[test]
fn the_check_sees_a_path_against_the_direction() {
    let roots = root_names();
    let module = vec!["model".to_string(), "set".to_string()];
    let file = syn::parse_file(
        "use crate::analysis::cost::CostReport;
         fn f() -> crate::TraceSetBuilder { super::super::import::builder::new() }
         #[cfg(test)]
         mod tests { use crate::share::bundle; }",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut paths = Paths {
        module: &module,
        roots: &roots,
        found: Vec::new(),
    };
    paths.visit_file(&file);
    let reached: Vec<&str> = paths.found.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(reached, ["analysis", "import", "import"]);
}
