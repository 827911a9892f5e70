//! The crate's public Rust API, kept in `tests/public-api.txt`.
//!
//! The test reads the sources with syn (rustdoc's JSON needs a nightly
//! compiler): from src/lib.rs it loads every module file, expands the
//! crate's own `macro_rules!` where they make items, resolves names the way
//! the compiler does for items and `use` declarations (definitions,
//! imports, glob imports, `crate`/`self`/`super` paths), and lists, with
//! the path a user writes:
//! public modules, types, traits, functions, constants, statics, type
//! aliases and `#[macro_export]` macros; public struct fields and enum
//! variants; public inherent methods and constants, wherever their `impl`
//! is; trait impls and derives that involve a public type and no private
//! one; re-exports of items reached by another path or defined elsewhere.
//! Types in signatures are written with their public paths
//! (`linuxns::Result<linuxns::Namespace>`, `std::os::fd::OwnedFd`), so the
//! list does not change when only the imports do. Left out: `pub(crate)` and
//! narrower items, `#[doc(hidden)]` items and modules (`fuzzing`), `#[cfg(test)]`
//! code, the C API (`extern "C"` functions of the private module `capi`),
//! items made by other crates' macros (derives of std and thiserror are
//! known), auto traits (Send, Sync) and blanket impls.
//!
//! When the API changes on purpose, regenerate the list:
//!
//! ```text
//! UPDATE_PUBLIC_API=1 cargo test --test public_api
//! ```

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};

const CRATE: &str = "linuxns";
const SNAPSHOT: &str = "tests/public-api.txt";
const HEADER: &str = "\
# The public Rust API of linuxns, as tests/public_api.rs reads it from src/.
# After an intended change: UPDATE_PUBLIC_API=1 cargo test --test public_api
";

#[test]
fn public_api_matches_snapshot() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let current = format!("{HEADER}{}", public_api(root));
    let file = root.join(SNAPSHOT);
    if std::env::var_os("UPDATE_PUBLIC_API").is_some_and(|v| !v.is_empty() && v != "0") {
        std::fs::write(&file, &current).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        eprintln!("public_api: wrote {}", file.display());
        return;
    }
    let expected = std::fs::read_to_string(&file).unwrap_or_default();
    if expected != current {
        panic!(
            "the public API differs from {SNAPSHOT} (- there only, + in the sources):\n{}\n\
             If the change is intended, update the file and commit it with the change:\n    \
             UPDATE_PUBLIC_API=1 cargo test --test public_api\n",
            diff(&expected, &current)
        );
    }
}

/// Every `pub use` names something and every macro of the crate that makes
/// items could be expanded: otherwise the list would be silently incomplete.
#[test]
fn reader_understands_the_crate() {
    let api = public_api(Path::new(env!("CARGO_MANIFEST_DIR")));
    let bad: Vec<&str> = api
        .lines()
        .filter(|l| l.contains("<unresolved") || l.contains("<unexpanded"))
        .collect();
    assert!(
        bad.is_empty(),
        "tests/public_api.rs cannot read these (a re-export of nothing it \
         found, or a macro it cannot expand): {bad:#?}"
    );
    assert!(
        api.lines()
            .any(|l| l.starts_with("pub mod ") || l.starts_with("pub fn ")),
        "no public item found"
    );
}

/// Lines only in `old` (-) and only in `new` (+), in their order.
fn diff(old: &str, new: &str) -> String {
    let in_old: HashSet<&str> = old.lines().collect();
    let in_new: HashSet<&str> = new.lines().collect();
    let mut out = String::new();
    for l in old.lines().filter(|l| !in_new.contains(l)) {
        let _ = writeln!(out, "- {l}");
    }
    for l in new.lines().filter(|l| !in_old.contains(l)) {
        let _ = writeln!(out, "+ {l}");
    }
    if out.is_empty() {
        out.push_str("(same lines, different order or duplicates)\n");
    }
    out
}

/// The list of public items, one a line, grouped by the item they belong to.
fn public_api(root: &Path) -> String {
    let krate = Crate::load(&root.join("src/lib.rs"));
    let public = krate.public_paths();
    let mut entries = BTreeSet::new();
    for u in &krate.unexpanded {
        entries.insert((String::new(), 0, 0, format!("<unexpanded macro {u}>")));
    }
    krate.items(&public, &mut entries);
    krate.impls(&public, &mut entries);
    let mut out = String::new();
    for (_, _, _, text) in entries {
        out.push_str(&text);
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------------------
// Loading the modules

type ModId = usize;
type DefId = usize;

struct Module {
    /// The path inside the crate, `crate::a::b`.
    path: Vec<String>,
    parent: Option<ModId>,
    items: Vec<syn::Item>,
    /// `#[doc(hidden)]`, or inside such a module.
    hidden: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ns {
    Type,
    Value,
    Macro,
    Any,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Vis {
    Public,
    Restricted,
    Private,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Mod(ModId),
    Type,
    Value,
}

struct Def {
    module: ModId,
    name: String,
    kind: Kind,
    /// Index in the module's items.
    item: usize,
    vis: Vis,
    hidden: bool,
}

struct Import {
    /// The path as written; a leading `::` is kept as a segment.
    path: Vec<String>,
    /// The name it brings in; None for a glob.
    name: Option<String>,
    vis: Vis,
    hidden: bool,
}

/// What a path resolves to: an item of this crate, or a path outside it
/// (another crate, or a prelude name), followed by segments that name
/// something inside the item (a variant, an associated item).
#[derive(Clone, Debug)]
enum Base {
    Def(DefId),
    Ext(Vec<String>),
}

#[derive(Clone, Debug)]
struct Res {
    base: Base,
    tail: Vec<String>,
}

struct Crate {
    modules: Vec<Module>,
    defs: Vec<Def>,
    imports: Vec<Import>,
    /// Definitions and imports of each module.
    mod_defs: Vec<Vec<DefId>>,
    mod_imports: Vec<Vec<usize>>,
    /// The definition of each module.
    mod_def: Vec<DefId>,
    /// `#[macro_export] macro_rules!` names.
    exported_macros: BTreeSet<String>,
    /// Invocations of the crate's macros that could not be expanded.
    unexpanded: Vec<String>,
}

fn attr_is(attr: &syn::Attribute, name: &str) -> bool {
    attr.path().is_ident(name)
}

fn attr_tokens(attr: &syn::Attribute) -> String {
    match &attr.meta {
        syn::Meta::List(l) => l.tokens.to_string(),
        syn::Meta::NameValue(nv) => nv.value.to_token_stream().to_string(),
        syn::Meta::Path(_) => String::new(),
    }
}

fn is_hidden(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| attr_is(a, "doc") && attr_tokens(a).split_whitespace().any(|w| w == "hidden"))
}

/// `#[cfg(test)]` (also inside all/any), but not `#[cfg(not(test))]`.
fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        let t = attr_tokens(a);
        attr_is(a, "cfg")
            && t.split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|w| w == "test")
            && !t.contains("not")
    })
}

fn vis_of(vis: &syn::Visibility) -> Vis {
    match vis {
        syn::Visibility::Public(_) => Vis::Public,
        syn::Visibility::Restricted(_) => Vis::Restricted,
        syn::Visibility::Inherited => Vis::Private,
    }
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::ExternCrate(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::ForeignMod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::TraitAlias(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

fn parse_file(path: &Path) -> syn::File {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    syn::parse_file(&text).unwrap_or_else(|e| {
        let l = e.span().start();
        panic!("{}:{}:{}: {e}", path.display(), l.line, l.column + 1)
    })
}

impl Crate {
    fn load(lib: &Path) -> Crate {
        let mut krate = Crate {
            modules: Vec::new(),
            defs: Vec::new(),
            imports: Vec::new(),
            mod_defs: Vec::new(),
            mod_imports: Vec::new(),
            mod_def: Vec::new(),
            exported_macros: BTreeSet::new(),
            unexpanded: Vec::new(),
        };
        let file = parse_file(lib);
        let dir = lib.parent().expect("src/").to_path_buf();
        krate.add_module(
            vec!["crate".into()],
            None,
            file.items,
            &dir,
            &dir,
            false,
            &mut Macros::new(),
        );
        // The root has no `mod` item: a definition of its own, found by
        // `crate` and `super`, never by name.
        krate.defs.push(Def {
            module: 0,
            name: "crate".into(),
            kind: Kind::Mod(0),
            item: usize::MAX,
            vis: Vis::Public,
            hidden: false,
        });
        krate.mod_def = vec![0; krate.modules.len()];
        for (d, def) in krate.defs.iter().enumerate() {
            if let Kind::Mod(m) = def.kind {
                krate.mod_def[m] = d;
            }
        }
        krate
    }

    /// Adds a module whose items are `items`; `dir` is where the files of
    /// its `mod x;` children are, `file_dir` the directory of its file
    /// (for `#[path]`).
    #[allow(clippy::too_many_arguments)]
    fn add_module(
        &mut self,
        path: Vec<String>,
        parent: Option<ModId>,
        items: Vec<syn::Item>,
        dir: &Path,
        file_dir: &Path,
        hidden: bool,
        macros: &mut Macros,
    ) -> ModId {
        let id = self.modules.len();
        self.modules.push(Module {
            path: path.clone(),
            parent,
            items: Vec::new(),
            hidden,
        });
        self.mod_defs.push(Vec::new());
        self.mod_imports.push(Vec::new());
        let mut kept = Vec::new();
        self.expand(items, macros, &path, 0, &mut kept);
        for (index, item) in kept.iter().enumerate() {
            let item_hidden = is_hidden(item_attrs(item));
            let def = |name: &syn::Ident, kind: Kind, vis: &syn::Visibility| Def {
                module: id,
                name: name.to_string(),
                kind,
                item: index,
                vis: vis_of(vis),
                hidden: item_hidden,
            };
            let new_def = match item {
                syn::Item::Const(i) => Some(def(&i.ident, Kind::Value, &i.vis)),
                syn::Item::Static(i) => Some(def(&i.ident, Kind::Value, &i.vis)),
                syn::Item::Fn(i) => Some(def(&i.sig.ident, Kind::Value, &i.vis)),
                syn::Item::Enum(i) => Some(def(&i.ident, Kind::Type, &i.vis)),
                syn::Item::Struct(i) => Some(def(&i.ident, Kind::Type, &i.vis)),
                syn::Item::Union(i) => Some(def(&i.ident, Kind::Type, &i.vis)),
                syn::Item::Trait(i) => Some(def(&i.ident, Kind::Type, &i.vis)),
                syn::Item::TraitAlias(i) => Some(def(&i.ident, Kind::Type, &i.vis)),
                syn::Item::Type(i) => Some(def(&i.ident, Kind::Type, &i.vis)),
                syn::Item::Mod(m) => {
                    let name = m.ident.to_string();
                    let (child_items, child_dir, child_file_dir) = match &m.content {
                        Some((_, items)) => {
                            (items.clone(), dir.join(&name), file_dir.to_path_buf())
                        }
                        None => {
                            let file = module_file(m, dir, file_dir);
                            let fdir = file.parent().expect("a directory").to_path_buf();
                            let is_mod_rs = file.file_name().is_some_and(|f| f == "mod.rs");
                            let cdir = if is_mod_rs || m.attrs.iter().any(|a| attr_is(a, "path")) {
                                fdir.clone()
                            } else {
                                fdir.join(&name)
                            };
                            (parse_file(&file).items, cdir, fdir)
                        }
                    };
                    let mut child_path = path.clone();
                    child_path.push(name);
                    // macro_rules! scoping is textual: a child sees what was
                    // defined above it, a #[macro_use] child gives back.
                    let mut child_macros = macros.clone();
                    let child = self.add_module(
                        child_path,
                        Some(id),
                        child_items,
                        &child_dir,
                        &child_file_dir,
                        hidden || item_hidden,
                        &mut child_macros,
                    );
                    if m.attrs.iter().any(|a| attr_is(a, "macro_use")) {
                        *macros = child_macros;
                    }
                    Some(def(&m.ident, Kind::Mod(child), &m.vis))
                }
                syn::Item::Use(u) => {
                    let mut flat = Vec::new();
                    flatten_use(&u.tree, Vec::new(), &mut flat, u.leading_colon.is_some());
                    for (path, name) in flat {
                        self.mod_imports[id].push(self.imports.len());
                        self.imports.push(Import {
                            path,
                            name,
                            vis: vis_of(&u.vis),
                            hidden: item_hidden,
                        });
                    }
                    None
                }
                syn::Item::Macro(m) => {
                    if let (Some(name), true) =
                        (&m.ident, m.attrs.iter().any(|a| attr_is(a, "macro_export")))
                    {
                        if !item_hidden {
                            self.exported_macros.insert(name.to_string());
                        }
                    }
                    None
                }
                _ => None,
            };
            if let Some(d) = new_def {
                self.mod_defs[id].push(self.defs.len());
                self.defs.push(d);
            }
        }
        self.modules[id].items = kept;
        id
    }

    fn is_ancestor(&self, anc: ModId, mut m: ModId) -> bool {
        loop {
            if m == anc {
                return true;
            }
            match self.modules[m].parent {
                Some(p) => m = p,
                None => return false,
            }
        }
    }

    /// The items `name` means in module `m`, in namespace `ns`, seen from
    /// module `from` (for glob imports, which bring in only what is visible).
    fn lookup(&self, m: ModId, name: &str, ns: Ns, from: ModId, depth: usize) -> Vec<Res> {
        if depth > 24 {
            return Vec::new();
        }
        let visible = |vis: Vis| vis != Vis::Private || self.is_ancestor(m, from);
        let mut found = Vec::new();
        for &d in &self.mod_defs[m] {
            let def = &self.defs[d];
            if def.name == name && ns_matches(def.kind, ns) && visible(def.vis) {
                found.push(Res {
                    base: Base::Def(d),
                    tail: Vec::new(),
                });
            }
        }
        if !found.is_empty() && ns != Ns::Any {
            return found;
        }
        for &i in &self.mod_imports[m] {
            let imp = &self.imports[i];
            if imp.name.as_deref() == Some(name) && visible(imp.vis) {
                found.extend(self.resolve(m, &imp.path, ns, depth + 1));
            }
        }
        if !found.is_empty() {
            return found;
        }
        for &i in &self.mod_imports[m] {
            let imp = &self.imports[i];
            if imp.name.is_none() && visible(imp.vis) {
                for r in self.resolve(m, &imp.path, Ns::Type, depth + 1) {
                    if let (Base::Def(d), true) = (&r.base, r.tail.is_empty()) {
                        if let Kind::Mod(t) = self.defs[*d].kind {
                            found.extend(self.lookup(t, name, ns, m, depth + 1));
                        }
                    }
                }
            }
        }
        found
    }

    /// Resolves a path written in module `m`; the last segment is looked up
    /// in `ns`. Empty when it names nothing in this crate that could be found
    /// and is no path outside it.
    fn resolve(&self, m: ModId, path: &[String], ns: Ns, depth: usize) -> Vec<Res> {
        if path.is_empty() || depth > 24 {
            return Vec::new();
        }
        let last_ns = |i: usize| if i + 1 == path.len() { ns } else { Ns::Type };
        let mut current: Vec<Res>;
        let mut i = 1;
        match path[0].as_str() {
            "::" => {
                return vec![Res {
                    base: Base::Ext(path[1..].to_vec()),
                    tail: Vec::new(),
                }];
            }
            "crate" => current = vec![self.module_res(0)],
            "self" => current = vec![self.module_res(m)],
            "super" => {
                let mut t = m;
                while i <= path.len() && path[i - 1] == "super" {
                    t = self.modules[t].parent.unwrap_or(0);
                    i += 1;
                }
                i -= 1;
                current = vec![self.module_res(t)];
            }
            first => {
                current = self.lookup(m, first, last_ns(0), m, depth);
                if current.is_empty() {
                    return vec![Res {
                        base: Base::Ext(path.to_vec()),
                        tail: Vec::new(),
                    }];
                }
            }
        }
        while i < path.len() {
            let seg = &path[i];
            let mut next = Vec::new();
            for r in &current {
                match (&r.base, r.tail.is_empty()) {
                    (Base::Def(d), true) => match self.defs[*d].kind {
                        Kind::Mod(t) => next.extend(self.lookup(t, seg, last_ns(i), m, depth + 1)),
                        _ => {
                            let mut r = r.clone();
                            r.tail.push(seg.clone());
                            next.push(r);
                        }
                    },
                    (Base::Ext(p), true) => {
                        let mut p = p.clone();
                        p.push(seg.clone());
                        next.push(Res {
                            base: Base::Ext(p),
                            tail: Vec::new(),
                        });
                    }
                    _ => {
                        let mut r = r.clone();
                        r.tail.push(seg.clone());
                        next.push(r);
                    }
                }
            }
            if i + 1 < path.len() {
                next.truncate(1);
            }
            current = next;
            i += 1;
        }
        current
    }

    fn module_res(&self, m: ModId) -> Res {
        Res {
            base: Base::Def(self.mod_def[m]),
            tail: Vec::new(),
        }
    }

    /// Each public item's path (the first one found from the root, breadth
    /// first), and the lines of re-exports under another name or of items
    /// of other crates.
    fn public_paths(&self) -> Public {
        let mut public = Public::default();
        let mut queue = std::collections::VecDeque::new();
        let mut seen = HashSet::new();
        queue.push_back((0usize, vec![CRATE.to_string()]));
        seen.insert(0usize);
        while let Some((m, path)) = queue.pop_front() {
            let mut found: Vec<(String, Res)> = Vec::new();
            for &d in &self.mod_defs[m] {
                let def = &self.defs[d];
                if def.vis == Vis::Public && !def.hidden {
                    found.push((
                        def.name.clone(),
                        Res {
                            base: Base::Def(d),
                            tail: Vec::new(),
                        },
                    ));
                }
            }
            for &i in &self.mod_imports[m] {
                let imp = &self.imports[i];
                if imp.vis != Vis::Public || imp.hidden {
                    continue;
                }
                match &imp.name {
                    Some(name) => {
                        let rs = self.resolve(m, &imp.path, Ns::Any, 0);
                        if rs.is_empty() {
                            public.reexports.push((
                                join(&path, name),
                                format!("<unresolved {}>", imp.path.join("::")),
                            ));
                        }
                        for r in rs {
                            found.push((name.clone(), r));
                        }
                    }
                    None => {
                        for r in self.resolve(m, &imp.path, Ns::Type, 0) {
                            match (&r.base, r.tail.is_empty()) {
                                (Base::Def(d), true)
                                    if matches!(self.defs[*d].kind, Kind::Mod(_)) =>
                                {
                                    let Kind::Mod(t) = self.defs[*d].kind else {
                                        unreachable!()
                                    };
                                    for &d in &self.mod_defs[t] {
                                        let def = &self.defs[d];
                                        if def.vis == Vis::Public && !def.hidden {
                                            found.push((
                                                def.name.clone(),
                                                Res {
                                                    base: Base::Def(d),
                                                    tail: Vec::new(),
                                                },
                                            ));
                                        }
                                    }
                                    for &j in &self.mod_imports[t] {
                                        let imp = &self.imports[j];
                                        if let (Some(name), Vis::Public) = (&imp.name, imp.vis) {
                                            for r in self.resolve(t, &imp.path, Ns::Any, 0) {
                                                found.push((name.clone(), r));
                                            }
                                        }
                                    }
                                }
                                _ => public.reexports.push((
                                    join(&path, "*"),
                                    format!("{}::*", self.res_text(&r, &public)),
                                )),
                            }
                        }
                    }
                }
            }
            for (name, r) in found {
                let here = {
                    let mut p = path.clone();
                    p.push(name);
                    p
                };
                match (&r.base, r.tail.is_empty()) {
                    (Base::Def(d), true) => {
                        if let Some(first) = public.paths.get(d) {
                            if *first != here {
                                public.reexports.push((here.join("::"), first.join("::")));
                            }
                            continue;
                        }
                        public.paths.insert(*d, here.clone());
                        public.order.push(*d);
                        if let Kind::Mod(t) = self.defs[*d].kind {
                            if !self.modules[t].hidden && seen.insert(t) {
                                queue.push_back((t, here));
                            }
                        }
                    }
                    _ => {
                        let text = self.res_text(&r, &public);
                        public.reexports.push((here.join("::"), text));
                    }
                }
            }
        }
        public
    }

    fn res_text(&self, r: &Res, public: &Public) -> String {
        let mut segs = match &r.base {
            Base::Def(d) => self.def_path(*d, public),
            Base::Ext(p) => normalize_ext(p),
        };
        segs.extend(r.tail.iter().cloned());
        segs.join("::")
    }

    /// The public path of a definition, or `crate::...` for a private one.
    fn def_path(&self, d: DefId, public: &Public) -> Vec<String> {
        match public.paths.get(&d) {
            Some(p) => p.clone(),
            None => {
                let def = &self.defs[d];
                let mut p = self.modules[def.module].path.clone();
                p.push(def.name.clone());
                p
            }
        }
    }
}

fn ns_matches(kind: Kind, ns: Ns) -> bool {
    match ns {
        Ns::Any => true,
        Ns::Type => matches!(kind, Kind::Type | Kind::Mod(_)),
        Ns::Value => kind == Kind::Value,
        Ns::Macro => false,
    }
}

fn join(path: &[String], name: &str) -> String {
    let mut p = path.join("::");
    p.push_str("::");
    p.push_str(name);
    p
}

/// `core::` and `alloc::` items are std's.
fn normalize_ext(p: &[String]) -> Vec<String> {
    let mut p = p.to_vec();
    if p.len() > 1 && (p[0] == "core" || p[0] == "alloc") {
        p[0] = "std".into();
    }
    p
}

fn module_file(m: &syn::ItemMod, dir: &Path, file_dir: &Path) -> PathBuf {
    for a in &m.attrs {
        if attr_is(a, "path") {
            if let syn::Meta::NameValue(nv) = &a.meta {
                if let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) = &nv.value
                {
                    return file_dir.join(s.value());
                }
            }
        }
    }
    let name = m.ident.to_string();
    let flat = dir.join(format!("{name}.rs"));
    if flat.exists() {
        flat
    } else {
        dir.join(&name).join("mod.rs")
    }
}

fn flatten_use(
    tree: &syn::UseTree,
    prefix: Vec<String>,
    out: &mut Vec<(Vec<String>, Option<String>)>,
    leading_colon: bool,
) {
    let mut prefix = prefix;
    if leading_colon && prefix.is_empty() {
        prefix.push("::".into());
    }
    match tree {
        syn::UseTree::Path(p) => {
            let mut next = prefix;
            next.push(p.ident.to_string());
            flatten_use(&p.tree, next, out, false);
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                let last = prefix.last().cloned();
                out.push((prefix, last));
            } else {
                let mut path = prefix;
                path.push(name.clone());
                out.push((path, Some(name)));
            }
        }
        syn::UseTree::Rename(r) => {
            let name = r.ident.to_string();
            let mut path = prefix;
            if name != "self" {
                path.push(name);
            }
            if r.rename != "_" {
                out.push((path, Some(r.rename.to_string())));
            }
        }
        syn::UseTree::Glob(_) => out.push((prefix, None)),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                flatten_use(t, prefix.clone(), out, false);
            }
        }
    }
}

#[derive(Default)]
struct Public {
    paths: HashMap<DefId, Vec<String>>,
    /// Definitions in the order they were found.
    order: Vec<DefId>,
    /// (path of the re-export, what it names)
    reexports: Vec<(String, String)>,
}

// ---------------------------------------------------------------------------
// macro_rules! expansion, for items a macro of the crate writes

type Macros = HashMap<String, std::rc::Rc<Vec<Rule>>>;

#[derive(Debug)]
struct Rule {
    pattern: Vec<Matcher>,
    body: TokenStream,
}

#[derive(Debug)]
enum Matcher {
    Tok(String),
    Group(Delimiter, Vec<Matcher>),
    Frag(String, String),
    Rep(Vec<Matcher>, Option<TokenTree>, char),
}

#[derive(Clone, Debug)]
enum Frag {
    Leaf(TokenStream),
    Seq(Vec<Frag>),
}

type Binds = HashMap<String, Frag>;

fn tok_text(t: &TokenTree) -> String {
    match t {
        TokenTree::Punct(p) => p.as_char().to_string(),
        other => other.to_string(),
    }
}

fn is_punct(t: Option<&TokenTree>, c: char) -> bool {
    matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == c)
}

/// The separator and the operator after `$( ... )`, and how many tokens
/// they take.
fn rep_op(toks: &[TokenTree]) -> Option<(Option<TokenTree>, char, usize)> {
    let op = |t: Option<&TokenTree>| match t {
        Some(TokenTree::Punct(p)) if matches!(p.as_char(), '*' | '+' | '?') => Some(p.as_char()),
        _ => None,
    };
    match op(toks.first()) {
        Some(c) => Some((None, c, 1)),
        None => op(toks.get(1)).map(|c| (toks.first().cloned(), c, 2)),
    }
}

fn parse_matchers(ts: TokenStream) -> Result<Vec<Matcher>, String> {
    let toks: Vec<TokenTree> = ts.into_iter().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if is_punct(toks.get(i), '$') {
            match toks.get(i + 1) {
                Some(TokenTree::Ident(name)) if is_punct(toks.get(i + 2), ':') => {
                    let Some(TokenTree::Ident(kind)) = toks.get(i + 3) else {
                        return Err(format!("${name}: no fragment kind"));
                    };
                    out.push(Matcher::Frag(name.to_string(), kind.to_string()));
                    i += 4;
                    continue;
                }
                Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
                    let inner = parse_matchers(g.stream())?;
                    let (sep, op, n) = rep_op(&toks[i + 2..]).ok_or("$(...) without * + ?")?;
                    out.push(Matcher::Rep(inner, sep, op));
                    i += 2 + n;
                    continue;
                }
                _ => {}
            }
        }
        match &toks[i] {
            TokenTree::Group(g) => {
                out.push(Matcher::Group(g.delimiter(), parse_matchers(g.stream())?))
            }
            t => out.push(Matcher::Tok(tok_text(t))),
        }
        i += 1;
    }
    Ok(out)
}

fn parse_rules(tokens: TokenStream) -> Result<Vec<Rule>, String> {
    let toks: Vec<TokenTree> = tokens.into_iter().collect();
    let mut rules = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let (Some(TokenTree::Group(pat)), true, true, Some(TokenTree::Group(body))) = (
            toks.get(i),
            is_punct(toks.get(i + 1), '='),
            is_punct(toks.get(i + 2), '>'),
            toks.get(i + 3),
        ) else {
            return Err("a rule is not (pattern) => {body}".into());
        };
        rules.push(Rule {
            pattern: parse_matchers(pat.stream())?,
            body: body.stream(),
        });
        i += 4;
        if is_punct(toks.get(i), ';') {
            i += 1;
        }
    }
    Ok(rules)
}

fn frag_names(ms: &[Matcher], out: &mut Vec<String>) {
    for m in ms {
        match m {
            Matcher::Frag(n, _) => out.push(n.clone()),
            Matcher::Group(_, inner) | Matcher::Rep(inner, _, _) => frag_names(inner, out),
            Matcher::Tok(_) => {}
        }
    }
}

fn eat(input: syn::parse::ParseStream, text: &str) -> syn::Result<()> {
    input.step(|cursor| match cursor.token_tree() {
        Some((tt, next)) if !matches!(tt, TokenTree::Group(_)) && tok_text(&tt) == text => {
            Ok(((), next))
        }
        _ => Err(cursor.error(format!("expected `{text}`"))),
    })
}

/// A fragment, as the tokens it matched. Types and expressions stay one
/// unit where they are put, as rustc keeps them.
fn fragment(input: syn::parse::ParseStream, kind: &str) -> syn::Result<TokenStream> {
    use syn::ext::IdentExt;
    let grouped = |ts: TokenStream| {
        TokenStream::from(TokenTree::Group(proc_macro2::Group::new(
            Delimiter::None,
            ts,
        )))
    };
    Ok(match kind {
        "ident" => input.call(syn::Ident::parse_any)?.to_token_stream(),
        "tt" => input.parse::<TokenTree>()?.to_token_stream(),
        "meta" => input.parse::<syn::Meta>()?.to_token_stream(),
        "path" => input.parse::<syn::Path>()?.to_token_stream(),
        "lifetime" => input.parse::<syn::Lifetime>()?.to_token_stream(),
        "literal" => input.parse::<syn::Lit>()?.to_token_stream(),
        "vis" => input.parse::<syn::Visibility>()?.to_token_stream(),
        "block" => input.parse::<syn::Block>()?.to_token_stream(),
        "item" => input.parse::<syn::Item>()?.to_token_stream(),
        "ty" => grouped(input.parse::<syn::Type>()?.to_token_stream()),
        "expr" => grouped(input.parse::<syn::Expr>()?.to_token_stream()),
        "stmt" => grouped(input.parse::<syn::Stmt>()?.to_token_stream()),
        "pat" => grouped(syn::Pat::parse_multi_with_leading_vert(input)?.to_token_stream()),
        "pat_param" => grouped(syn::Pat::parse_single(input)?.to_token_stream()),
        other => return Err(input.error(format!("fragment kind {other}"))),
    })
}

fn match_seq(input: syn::parse::ParseStream, ms: &[Matcher], binds: &mut Binds) -> syn::Result<()> {
    use syn::parse::discouraged::Speculative;
    use syn::parse::Parser;
    for m in ms {
        match m {
            Matcher::Tok(t) => eat(input, t)?,
            Matcher::Frag(name, kind) => {
                let ts = fragment(input, kind)?;
                binds.insert(name.clone(), Frag::Leaf(ts));
            }
            Matcher::Group(delim, inner) => {
                let g = input.step(|cursor| match cursor.token_tree() {
                    Some((TokenTree::Group(g), next)) if g.delimiter() == *delim => Ok((g, next)),
                    _ => Err(cursor.error("expected a group")),
                })?;
                let parser = |inner_input: syn::parse::ParseStream| {
                    match_seq(inner_input, inner, binds)?;
                    if inner_input.is_empty() {
                        Ok(())
                    } else {
                        Err(inner_input.error("tokens left in the group"))
                    }
                };
                parser.parse2(g.stream())?;
            }
            Matcher::Rep(inner, sep, op) => {
                let mut iterations: Vec<Binds> = Vec::new();
                loop {
                    if *op == '?' && iterations.len() == 1 {
                        break;
                    }
                    let fork = input.fork();
                    if let (Some(sep), false) = (sep, iterations.is_empty()) {
                        if eat(&fork, &tok_text(sep)).is_err() {
                            break;
                        }
                    }
                    let mut b = Binds::new();
                    if match_seq(&fork, inner, &mut b).is_err() || fork.cursor() == input.cursor() {
                        break;
                    }
                    input.advance_to(&fork);
                    iterations.push(b);
                }
                if *op == '+' && iterations.is_empty() {
                    return Err(input.error("$(...)+ matched nothing"));
                }
                let mut names = Vec::new();
                frag_names(inner, &mut names);
                for n in names {
                    let seq = iterations
                        .iter()
                        .map(|b| b.get(&n).cloned().unwrap_or(Frag::Seq(Vec::new())))
                        .collect();
                    binds.insert(n, Frag::Seq(seq));
                }
            }
        }
    }
    Ok(())
}

fn vars_used(ts: &TokenStream, out: &mut Vec<String>) {
    let toks: Vec<TokenTree> = ts.clone().into_iter().collect();
    for (i, t) in toks.iter().enumerate() {
        match t {
            TokenTree::Ident(id) if i > 0 && is_punct(toks.get(i - 1), '$') => {
                out.push(id.to_string())
            }
            TokenTree::Group(g) => vars_used(&g.stream(), out),
            _ => {}
        }
    }
}

fn transcribe(body: TokenStream, binds: &Binds) -> Result<TokenStream, String> {
    let toks: Vec<TokenTree> = body.into_iter().collect();
    let mut out = TokenStream::new();
    let mut i = 0;
    while i < toks.len() {
        if is_punct(toks.get(i), '$') {
            match toks.get(i + 1) {
                Some(TokenTree::Ident(name)) if name == "crate" => {
                    out.extend([TokenTree::Ident(syn::Ident::new("crate", name.span()))]);
                    i += 2;
                    continue;
                }
                Some(TokenTree::Ident(name)) => {
                    match binds.get(&name.to_string()) {
                        Some(Frag::Leaf(ts)) => out.extend(ts.clone()),
                        Some(Frag::Seq(_)) => return Err(format!("${name} is still repeating")),
                        None => return Err(format!("${name} is not bound")),
                    }
                    i += 2;
                    continue;
                }
                Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
                    let (sep, _, n) = rep_op(&toks[i + 2..]).ok_or("$(...) without * + ?")?;
                    let mut used = Vec::new();
                    vars_used(&g.stream(), &mut used);
                    let count = used
                        .iter()
                        .filter_map(|v| match binds.get(v) {
                            Some(Frag::Seq(s)) => Some(s.len()),
                            _ => None,
                        })
                        .max()
                        .ok_or("$(...) repeats no repeating variable")?;
                    for k in 0..count {
                        let mut b = binds.clone();
                        for v in &used {
                            if let Some(Frag::Seq(s)) = binds.get(v) {
                                let one = s
                                    .get(k)
                                    .cloned()
                                    .ok_or("repetitions of different lengths")?;
                                b.insert(v.clone(), one);
                            }
                        }
                        out.extend(transcribe(g.stream(), &b)?);
                        if let (Some(sep), true) = (&sep, k + 1 < count) {
                            out.extend([sep.clone()]);
                        }
                    }
                    i += 2 + n;
                    continue;
                }
                _ => {}
            }
        }
        match &toks[i] {
            TokenTree::Group(g) => {
                let mut ng = proc_macro2::Group::new(g.delimiter(), transcribe(g.stream(), binds)?);
                ng.set_span(g.span());
                out.extend([TokenTree::Group(ng)]);
            }
            t => out.extend([t.clone()]),
        }
        i += 1;
    }
    Ok(out)
}

fn expand_macro(rules: &[Rule], input: TokenStream) -> Result<Vec<syn::Item>, String> {
    use syn::parse::Parser;
    for rule in rules {
        let mut binds = Binds::new();
        let matched = (|i: syn::parse::ParseStream| {
            match_seq(i, &rule.pattern, &mut binds)?;
            if i.is_empty() {
                Ok(())
            } else {
                Err(i.error("tokens left"))
            }
        })
        .parse2(input.clone());
        if matched.is_err() {
            continue;
        }
        let out = transcribe(rule.body.clone(), &binds)?;
        let items = |i: syn::parse::ParseStream| {
            let mut v = Vec::new();
            while !i.is_empty() {
                v.push(i.parse::<syn::Item>()?);
            }
            Ok(v)
        };
        return items
            .parse2(out)
            .map_err(|e| format!("the expansion is no list of items: {e}"));
    }
    Err("no rule matches".into())
}

impl Crate {
    /// The items of a module with the invocations of the crate's own
    /// macros replaced by what they expand to, without `#[cfg(test)]` items.
    fn expand(
        &mut self,
        items: Vec<syn::Item>,
        macros: &mut Macros,
        path: &[String],
        depth: usize,
        out: &mut Vec<syn::Item>,
    ) {
        for item in items {
            if is_cfg_test(item_attrs(&item)) {
                continue;
            }
            if let syn::Item::Macro(m) = &item {
                let name = m
                    .mac
                    .path
                    .get_ident()
                    .map(|i| i.to_string())
                    .unwrap_or_default();
                let here = format!("{}::{name}!", path.join("::"));
                if let (Some(macro_name), "macro_rules") = (&m.ident, name.as_str()) {
                    match parse_rules(m.mac.tokens.clone()) {
                        Ok(rules) => {
                            macros.insert(macro_name.to_string(), std::rc::Rc::new(rules));
                        }
                        Err(e) => self.unexpanded.push(format!("{here} {macro_name}: {e}")),
                    }
                } else if let Some(rules) = macros.get(&name).cloned() {
                    match expand_macro(&rules, m.mac.tokens.clone()) {
                        Ok(expanded) if depth < 16 => {
                            self.expand(expanded, macros, path, depth + 1, out);
                            continue;
                        }
                        Ok(_) => self.unexpanded.push(format!("{here}: expands without end")),
                        Err(e) => self.unexpanded.push(format!("{here}: {e}")),
                    }
                }
            }
            out.push(item);
        }
    }
}

// ---------------------------------------------------------------------------
// Writing the items

/// (the item a line belongs to, its rank among that item's lines, the
/// declaration order for fields and variants, the line)
type Entry = (String, u8, usize, String);

/// Rewrites the paths of a type, bound or expression to the paths a user
/// writes, and notes whether any names a private item of the crate.
struct Canon<'a> {
    krate: &'a Crate,
    public: &'a Public,
    module: ModId,
    /// Generic parameters in scope: never resolved.
    generics: Vec<String>,
    /// What `Self` means, in an impl.
    self_ty: Option<syn::Type>,
    private: usize,
    public_defs: Vec<String>,
}

impl Canon<'_> {
    fn path(&mut self, path: &mut syn::Path, ns: Ns) {
        for seg in path.segments.iter_mut() {
            visit_mut::visit_path_arguments_mut(self, &mut seg.arguments);
        }
        let mut names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if path.leading_colon.is_some() {
            names.insert(0, "::".into());
        }
        let first = names[0].as_str();
        if first == "Self" || self.generics.iter().any(|g| g == first) {
            return;
        }
        let Some(r) = self
            .krate
            .resolve(self.module, &names, ns, 0)
            .into_iter()
            .next()
        else {
            return;
        };
        let mut segs = match &r.base {
            Base::Def(d) => {
                if self.public.paths.contains_key(d) {
                    self.public_defs.push(self.public.paths[d].join("::"));
                } else {
                    self.private += 1;
                }
                self.krate.def_path(*d, self.public)
            }
            // A name of no crate: the prelude (Option, Vec, Clone) or a
            // generic parameter not declared here; keep it as written.
            Base::Ext(p) if p.len() == 1 && names.len() == 1 => return,
            Base::Ext(p) => normalize_ext(p),
        };
        segs.extend(r.tail.iter().cloned());
        let old: Vec<syn::PathSegment> = path.segments.iter().cloned().collect();
        let mut new: Vec<syn::PathSegment> = segs
            .iter()
            .map(|s| syn::PathSegment::from(syn::Ident::new(s, proc_macro2::Span::call_site())))
            .collect();
        for (n, o) in new.iter_mut().rev().zip(old.iter().rev()) {
            n.arguments = o.arguments.clone();
        }
        path.leading_colon = None;
        path.segments = new.into_iter().collect();
    }
}

impl VisitMut for Canon<'_> {
    fn visit_type_mut(&mut self, t: &mut syn::Type) {
        if let (syn::Type::Path(tp), Some(s)) = (&*t, &self.self_ty) {
            if tp.qself.is_none() && tp.path.is_ident("Self") {
                *t = s.clone();
                return;
            }
        }
        visit_mut::visit_type_mut(self, t);
    }

    fn visit_type_path_mut(&mut self, tp: &mut syn::TypePath) {
        if let Some(q) = &mut tp.qself {
            self.visit_type_mut(&mut q.ty);
            for seg in tp.path.segments.iter_mut() {
                visit_mut::visit_path_arguments_mut(self, &mut seg.arguments);
            }
            return;
        }
        self.path(&mut tp.path, Ns::Type);
    }

    fn visit_trait_bound_mut(&mut self, b: &mut syn::TraitBound) {
        if let Some(l) = &mut b.lifetimes {
            self.visit_bound_lifetimes_mut(l);
        }
        self.path(&mut b.path, Ns::Type);
    }

    fn visit_expr_path_mut(&mut self, e: &mut syn::ExprPath) {
        if e.qself.is_none() {
            self.path(&mut e.path, Ns::Value);
        }
    }

    fn visit_attribute_mut(&mut self, _: &mut syn::Attribute) {}

    fn visit_receiver_mut(&mut self, r: &mut syn::Receiver) {
        // `&self` carries its type `&Self` unwritten: leave it so.
        if r.colon_token.is_some() {
            self.visit_type_mut(&mut r.ty);
        }
    }
}

fn generic_names(g: &syn::Generics) -> Vec<String> {
    g.params
        .iter()
        .filter_map(|p| match p {
            syn::GenericParam::Type(t) => Some(t.ident.to_string()),
            syn::GenericParam::Const(c) => Some(c.ident.to_string()),
            syn::GenericParam::Lifetime(_) => None,
        })
        .collect()
}

/// The attributes that are part of an item's API.
fn api_attrs(attrs: &[syn::Attribute]) -> String {
    let mut out = String::new();
    for a in attrs {
        if ["non_exhaustive", "repr", "deprecated", "cfg"]
            .iter()
            .any(|n| attr_is(a, n))
        {
            let mut a = a.clone();
            a.style = syn::AttrStyle::Outer;
            out.push_str(&render(a.to_token_stream()));
            out.push(' ');
        }
    }
    out
}

/// A signature without argument patterns' `mut` and attributes, named `name`.
fn render_sig(sig: &syn::Signature, name: &str, canon: &mut Canon) -> String {
    let mut sig = sig.clone();
    for arg in sig.inputs.iter_mut() {
        match arg {
            syn::FnArg::Receiver(r) => {
                r.attrs.clear();
                if r.reference.is_none() {
                    r.mutability = None;
                }
            }
            syn::FnArg::Typed(t) => {
                t.attrs.clear();
                if let syn::Pat::Ident(p) = &mut *t.pat {
                    p.mutability = None;
                    p.by_ref = None;
                    p.subpat = None;
                } else {
                    *t.pat = syn::parse_quote!(_);
                }
            }
        }
    }
    sig.inputs.pop_punct();
    trim_generics(&mut sig.generics);
    canon.generics.extend(generic_names(&sig.generics));
    canon.visit_signature_mut(&mut sig);
    let mut out = String::new();
    for t in [
        sig.constness.to_token_stream(),
        sig.asyncness.to_token_stream(),
        sig.unsafety.to_token_stream(),
        sig.abi.to_token_stream(),
    ] {
        if !t.is_empty() {
            out.push_str(&render(t));
            out.push(' ');
        }
    }
    let _ = write!(
        out,
        "fn {name}{}({}){}{}",
        render(sig.generics.to_token_stream()),
        render(sig.inputs.to_token_stream()),
        render_prefixed(" ", sig.output.to_token_stream()),
        render_prefixed(" ", sig.generics.where_clause.to_token_stream()),
    );
    out
}

/// Without trailing commas.
fn trim_generics(g: &mut syn::Generics) {
    g.params.pop_punct();
    if let Some(w) = &mut g.where_clause {
        w.predicates.pop_punct();
    }
}

fn render_prefixed(prefix: &str, t: TokenStream) -> String {
    if t.is_empty() {
        String::new()
    } else {
        format!("{prefix}{}", render(t))
    }
}

fn render_type(ty: &syn::Type, canon: &mut Canon) -> String {
    let mut ty = ty.clone();
    canon.visit_type_mut(&mut ty);
    render(ty.to_token_stream())
}

fn render_generics(g: &syn::Generics, canon: &mut Canon) -> (String, String) {
    let mut g = g.clone();
    for p in g.params.iter_mut() {
        match p {
            syn::GenericParam::Type(t) => t.attrs.clear(),
            syn::GenericParam::Lifetime(l) => l.attrs.clear(),
            syn::GenericParam::Const(c) => c.attrs.clear(),
        }
    }
    trim_generics(&mut g);
    canon.generics.extend(generic_names(&g));
    canon.visit_generics_mut(&mut g);
    (
        render(g.to_token_stream()),
        render_prefixed(" ", g.where_clause.to_token_stream()),
    )
}

/// The generic parameters as arguments: `<T, 'a>` for `<T: Clone, 'a>`.
fn generic_args(g: &syn::Generics) -> String {
    let (_, args, _) = g.split_for_impl();
    render(args.to_token_stream())
}

fn fields_text(fields: &syn::Fields, canon: &mut Canon, only_pub: bool) -> String {
    let one = |f: &syn::Field, canon: &mut Canon| {
        if only_pub && !public_field(f) {
            "_".to_string()
        } else {
            let v = if only_pub { "pub " } else { "" };
            format!("{v}{}", render_type(&f.ty, canon))
        }
    };
    match fields {
        syn::Fields::Unit => String::new(),
        syn::Fields::Unnamed(u) => {
            let parts: Vec<String> = u.unnamed.iter().map(|f| one(f, canon)).collect();
            format!("({})", parts.join(", "))
        }
        syn::Fields::Named(n) => {
            let parts: Vec<String> = n
                .named
                .iter()
                .map(|f| {
                    format!(
                        "{}: {}",
                        f.ident.as_ref().expect("named"),
                        render_type(&f.ty, canon)
                    )
                })
                .collect();
            format!(" {{ {} }}", parts.join(", "))
        }
    }
}

fn public_field(f: &syn::Field) -> bool {
    vis_of(&f.vis) == Vis::Public && !is_hidden(&f.attrs)
}

/// `pub path::field: Type` for each public named field.
fn named_fields(
    path: &str,
    fields: &syn::punctuated::Punctuated<syn::Field, syn::Token![,]>,
    c: &mut Canon,
    lines: &mut Vec<(u8, usize, String)>,
) {
    for (n, f) in fields.iter().enumerate() {
        if public_field(f) {
            let name = f.ident.as_ref().expect("a named field");
            lines.push((
                1,
                n,
                format!("pub {path}::{name}: {}", render_type(&f.ty, c)),
            ));
        }
    }
}

impl Crate {
    fn canon<'a>(&'a self, public: &'a Public, module: ModId) -> Canon<'a> {
        Canon {
            krate: self,
            public,
            module,
            generics: Vec::new(),
            self_ty: None,
            private: 0,
            public_defs: Vec::new(),
        }
    }

    fn items(&self, public: &Public, out: &mut BTreeSet<Entry>) {
        for &d in &public.order {
            let def = &self.defs[d];
            let path = public.paths[&d].join("::");
            let item = &self.modules[def.module].items[def.item];
            let mut c = self.canon(public, def.module);
            let attrs = api_attrs(item_attrs(item));
            // (rank, declaration order, line)
            let mut lines: Vec<(u8, usize, String)> = Vec::new();
            let mut derived = Vec::new();
            match item {
                syn::Item::Mod(_) => lines.push((0, 0, format!("{attrs}pub mod {path}"))),
                syn::Item::Fn(f) => {
                    let sig = render_sig(&f.sig, &path, &mut c);
                    lines.push((0, 0, format!("{attrs}pub {sig}")));
                }
                syn::Item::Const(k) => {
                    let ty = render_type(&k.ty, &mut c);
                    lines.push((0, 0, format!("{attrs}pub const {path}: {ty}")));
                }
                syn::Item::Static(s) => {
                    let m = match s.mutability {
                        syn::StaticMutability::Mut(_) => "mut ",
                        _ => "",
                    };
                    let ty = render_type(&s.ty, &mut c);
                    lines.push((0, 0, format!("{attrs}pub static {m}{path}: {ty}")));
                }
                syn::Item::Type(t) => {
                    let (g, w) = render_generics(&t.generics, &mut c);
                    let ty = render_type(&t.ty, &mut c);
                    lines.push((0, 0, format!("{attrs}pub type {path}{g}{w} = {ty}")));
                }
                syn::Item::Struct(s) => {
                    let (g, w) = render_generics(&s.generics, &mut c);
                    let shape = match &s.fields {
                        syn::Fields::Unit => ";".to_string(),
                        syn::Fields::Unnamed(_) => fields_text(&s.fields, &mut c, true),
                        syn::Fields::Named(n) => {
                            if n.named.iter().all(public_field) {
                                String::new()
                            } else {
                                " { /* private fields */ }".into()
                            }
                        }
                    };
                    lines.push((0, 0, format!("{attrs}pub struct {path}{g}{w}{shape}")));
                    if let syn::Fields::Named(n) = &s.fields {
                        named_fields(&path, &n.named, &mut c, &mut lines);
                    }
                    derived = self.derives(
                        &path,
                        &s.attrs,
                        &s.generics,
                        Some(&s.fields),
                        public,
                        def.module,
                    );
                }
                syn::Item::Union(u) => {
                    let (g, w) = render_generics(&u.generics, &mut c);
                    lines.push((0, 0, format!("{attrs}pub union {path}{g}{w}")));
                    named_fields(&path, &u.fields.named, &mut c, &mut lines);
                    derived = self.derives(&path, &u.attrs, &u.generics, None, public, def.module);
                }
                syn::Item::Enum(e) => {
                    let (g, w) = render_generics(&e.generics, &mut c);
                    lines.push((0, 0, format!("{attrs}pub enum {path}{g}{w}")));
                    // Variants keep their order: it is Ord's and the
                    // implicit discriminants'.
                    for (n, v) in e.variants.iter().enumerate() {
                        if is_hidden(&v.attrs) {
                            continue;
                        }
                        let discr = match &v.discriminant {
                            Some((_, e)) => {
                                let mut e = e.clone();
                                c.visit_expr_mut(&mut e);
                                format!(" = {}", render(e.to_token_stream()))
                            }
                            None => String::new(),
                        };
                        let fields = fields_text(&v.fields, &mut c, false);
                        let a = api_attrs(&v.attrs);
                        lines.push((1, n, format!("{a}{path}::{}{fields}{discr}", v.ident)));
                    }
                    derived = self.derives(&path, &e.attrs, &e.generics, None, public, def.module);
                }
                syn::Item::Trait(t) => {
                    let (g, w) = render_generics(&t.generics, &mut c);
                    let unsafety = if t.unsafety.is_some() { "unsafe " } else { "" };
                    let mut supers = String::new();
                    if !t.supertraits.is_empty() {
                        let mut b = t.supertraits.clone();
                        for bound in b.iter_mut() {
                            c.visit_type_param_bound_mut(bound);
                        }
                        supers = format!(": {}", render(b.to_token_stream()));
                    }
                    lines.push((
                        0,
                        0,
                        format!("{attrs}pub {unsafety}trait {path}{g}{supers}{w}"),
                    ));
                    for ti in &t.items {
                        let text = match ti {
                            syn::TraitItem::Fn(f) if !is_hidden(&f.attrs) => {
                                let name = format!("{path}::{}", f.sig.ident);
                                let provided = if f.default.is_some() {
                                    " (provided)"
                                } else {
                                    ""
                                };
                                format!("{}{provided}", render_sig(&f.sig, &name, &mut c))
                            }
                            syn::TraitItem::Const(k) if !is_hidden(&k.attrs) => {
                                format!("const {path}::{}: {}", k.ident, render_type(&k.ty, &mut c))
                            }
                            syn::TraitItem::Type(ty) if !is_hidden(&ty.attrs) => {
                                let mut b = ty.bounds.clone();
                                for bound in b.iter_mut() {
                                    c.visit_type_param_bound_mut(bound);
                                }
                                let bounds = render_prefixed(": ", b.to_token_stream());
                                format!("type {path}::{}{bounds}", ty.ident)
                            }
                            _ => continue,
                        };
                        lines.push((1, 0, text));
                    }
                }
                _ => lines.push((0, 0, format!("pub {path} (an item of another kind)"))),
            }
            for (rank, n, text) in lines {
                out.insert((path.clone(), rank, n, text));
            }
            out.extend(derived);
        }
        for (path, target) in &public.reexports {
            out.insert((target.clone(), 4, 0, format!("pub use {path} = {target}")));
        }
        for m in &self.exported_macros {
            out.insert((
                format!("{CRATE}::{m}"),
                0,
                0,
                format!("macro_rules! {CRATE}::{m}"),
            ));
        }
    }

    /// The impls `#[derive]` writes.
    fn derives(
        &self,
        path: &str,
        attrs: &[syn::Attribute],
        generics: &syn::Generics,
        fields: Option<&syn::Fields>,
        public: &Public,
        module: ModId,
    ) -> Vec<Entry> {
        let ty = format!("{path}{}", generic_args(generics));
        let mut out = Vec::new();
        for a in attrs.iter().filter(|a| attr_is(a, "derive")) {
            let parser = syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated;
            let Ok(list) = a.parse_args_with(parser) else {
                continue;
            };
            for p in list {
                let written = render(p.to_token_stream());
                let traits: Vec<String> = match written.as_str() {
                    "Debug" => vec!["std::fmt::Debug".into()],
                    "Hash" => vec!["std::hash::Hash".into()],
                    "Clone" | "Copy" | "Default" | "PartialEq" | "Eq" | "PartialOrd" | "Ord" => {
                        vec![written.clone()]
                    }
                    _ => {
                        let mut p = p.clone();
                        self.canon(public, module).path(&mut p, Ns::Macro);
                        let t = render(p.to_token_stream());
                        if t == "thiserror::Error" {
                            // thiserror writes Display from #[error] and
                            // From for #[from] fields.
                            let mut v =
                                vec!["std::error::Error".to_string(), "std::fmt::Display".into()];
                            for f in fields.into_iter().flat_map(|f| f.iter()) {
                                if f.attrs.iter().any(|a| attr_is(a, "from")) {
                                    let mut c = self.canon(public, module);
                                    v.push(format!("From<{}>", render_type(&f.ty, &mut c)));
                                }
                            }
                            v
                        } else {
                            vec![format!("{t} (derive macro)")]
                        }
                    }
                };
                for t in traits {
                    out.push((path.to_string(), 3, 0, format!("impl {t} for {ty}")));
                }
            }
        }
        out
    }

    /// Inherent items and trait impls, from every module.
    fn impls(&self, public: &Public, out: &mut BTreeSet<Entry>) {
        for (m, module) in self.modules.iter().enumerate() {
            for item in &module.items {
                let syn::Item::Impl(imp) = item else { continue };
                let mut c = self.canon(public, m);
                let mut head = imp.clone();
                head.items.clear();
                head.attrs.clear();
                let (g, w) = render_generics(&head.generics, &mut c);
                let self_ty = render_type(&head.self_ty, &mut c);
                let trait_text = head.trait_.as_mut().map(|(bang, p, _)| {
                    c.path(p, Ns::Type);
                    format!(
                        "{}{}",
                        if bang.is_some() { "!" } else { "" },
                        render(p.to_token_stream())
                    )
                });
                if c.private > 0 || c.public_defs.is_empty() {
                    continue;
                }
                let owner = match &*imp.self_ty {
                    syn::Type::Path(_) if public_self(&c, &self_ty) => {
                        self_ty.split('<').next().expect("a path").to_string()
                    }
                    _ => c.public_defs[0].clone(),
                };
                let mut canon_self = (*imp.self_ty).clone();
                c.visit_type_mut(&mut canon_self);
                let mut inner = self.canon(public, m);
                inner.generics = generic_names(&imp.generics);
                inner.self_ty = Some(canon_self);
                match trait_text {
                    Some(t) => {
                        let unsafety = if imp.unsafety.is_some() {
                            "unsafe "
                        } else {
                            ""
                        };
                        let mut assoc = Vec::new();
                        for ii in &imp.items {
                            if let syn::ImplItem::Type(ty) = ii {
                                assoc.push(format!(
                                    "type {} = {}",
                                    ty.ident,
                                    render_type(&ty.ty, &mut inner)
                                ));
                            }
                        }
                        let assoc = if assoc.is_empty() {
                            String::new()
                        } else {
                            format!(" {{ {} }}", assoc.join("; "))
                        };
                        out.insert((
                            owner,
                            3,
                            0,
                            format!(
                                "{}{unsafety}impl{g} {t} for {self_ty}{w}{assoc}",
                                api_attrs(&imp.attrs)
                            ),
                        ));
                    }
                    None => {
                        if !public_self(&c, &self_ty) {
                            continue;
                        }
                        let context = if g.is_empty() && w.is_empty() {
                            String::new()
                        } else {
                            format!("   [impl{g} {self_ty}{w}]")
                        };
                        for ii in &imp.items {
                            let (vis, attrs) = match ii {
                                syn::ImplItem::Fn(f) => (&f.vis, &f.attrs),
                                syn::ImplItem::Const(k) => (&k.vis, &k.attrs),
                                syn::ImplItem::Type(t) => (&t.vis, &t.attrs),
                                _ => continue,
                            };
                            if vis_of(vis) != Vis::Public || is_hidden(attrs) || is_cfg_test(attrs)
                            {
                                continue;
                            }
                            let a = format!("{}{}", api_attrs(&imp.attrs), api_attrs(attrs));
                            let mut ic = self.canon(public, m);
                            ic.generics = inner.generics.clone();
                            ic.self_ty = inner.self_ty.clone();
                            let text = match ii {
                                syn::ImplItem::Fn(f) => {
                                    let name = format!("{self_ty}::{}", f.sig.ident);
                                    format!(
                                        "{a}pub {}{context}",
                                        render_sig(&f.sig, &name, &mut ic)
                                    )
                                }
                                syn::ImplItem::Const(k) => format!(
                                    "{a}pub const {self_ty}::{}: {}{context}",
                                    k.ident,
                                    render_type(&k.ty, &mut ic)
                                ),
                                syn::ImplItem::Type(t) => format!(
                                    "{a}pub type {self_ty}::{} = {}{context}",
                                    t.ident,
                                    render_type(&t.ty, &mut ic)
                                ),
                                _ => continue,
                            };
                            out.insert((owner.clone(), 2, 0, text));
                        }
                    }
                }
            }
        }
    }
}

/// Whether the (rendered) self type is one of the crate's public types.
fn public_self(c: &Canon, self_ty: &str) -> bool {
    let base = self_ty.split('<').next().unwrap_or("");
    c.public_defs.iter().any(|p| p == base)
}

// ---------------------------------------------------------------------------
// Token streams as text

enum Tok {
    Word(String),
    Lit(String),
    Op(String),
    Open(char),
    Close(char),
}

fn flatten(ts: TokenStream, out: &mut Vec<Tok>) {
    let mut pending = String::new();
    let mut iter = ts.into_iter().peekable();
    while let Some(tt) = iter.next() {
        match tt {
            TokenTree::Punct(p) => {
                pending.push(p.as_char());
                if p.as_char() == '\'' {
                    if let Some(TokenTree::Ident(i)) = iter.peek() {
                        out.push(Tok::Word(format!("'{i}")));
                        iter.next();
                        pending.clear();
                        continue;
                    }
                }
                if p.spacing() == Spacing::Alone {
                    out.push(Tok::Op(std::mem::take(&mut pending)));
                }
            }
            other => {
                if !pending.is_empty() {
                    out.push(Tok::Op(std::mem::take(&mut pending)));
                }
                match other {
                    TokenTree::Ident(i) => out.push(Tok::Word(i.to_string())),
                    TokenTree::Literal(l) => out.push(Tok::Lit(l.to_string())),
                    TokenTree::Group(g) => {
                        let (open, close) = match g.delimiter() {
                            Delimiter::Parenthesis => ('(', ')'),
                            Delimiter::Bracket => ('[', ']'),
                            Delimiter::Brace => ('{', '}'),
                            Delimiter::None => {
                                flatten(g.stream(), out);
                                continue;
                            }
                        };
                        out.push(Tok::Open(open));
                        flatten(g.stream(), out);
                        out.push(Tok::Close(close));
                    }
                    TokenTree::Punct(_) => unreachable!(),
                }
            }
        }
    }
    if !pending.is_empty() {
        out.push(Tok::Op(pending));
    }
}

/// Keywords followed by a space even before `(` or `[`.
const SPACED: &[&str] = &[
    "mut", "dyn", "impl", "as", "for", "in", "where", "const", "unsafe", "extern", "static",
    "type", "ref", "move", "pub",
];

fn space(prev: &Tok, next: &Tok) -> bool {
    use Tok::*;
    let op = |t: &Tok, set: &[&str]| matches!(t, Op(o) if set.contains(&o.as_str()));
    let spaced = |w: &str| SPACED.contains(&w);
    match (prev, next) {
        (Open('{'), Close('}')) => false,
        (Open('{'), _) | (_, Close('}')) => true,
        (Open(_), _) | (_, Close(_)) => false,
        _ if op(next, &[",", ";", ":", "."]) => false,
        _ if op(prev, &[",", ";", ":"]) => true,
        _ if op(prev, &["::", "&", "#", "!", "?", ".", "<"]) => false,
        (Op(o), Word(w)) if o == "*" && (w == "const" || w == "mut") => false,
        (Op(o), Lit(_)) if o == "-" => false,
        _ if op(next, &["::"]) => !matches!(prev, Word(_) | Close(_) | Op(_)),
        (Word(w), Op(o)) if o == "<" => spaced(w) && w != "impl" && w != "for",
        _ if op(next, &["<"]) => !op(prev, &["::"]),
        _ if op(next, &[">"]) => false,
        (Op(o), _) if o == ">" => !op(next, &[">", "::", ","]) && !matches!(next, Open('(')),
        (Word(w), Open('(')) => spaced(w),
        (Word(w), Op(o)) if o == "!" => spaced(w),
        _ => true,
    }
}

fn render(ts: TokenStream) -> String {
    let mut toks = Vec::new();
    flatten(ts, &mut toks);
    let mut out = String::new();
    for (i, t) in toks.iter().enumerate() {
        if i > 0 && space(&toks[i - 1], t) {
            out.push(' ');
        }
        match t {
            Tok::Word(s) | Tok::Lit(s) | Tok::Op(s) => out.push_str(s),
            Tok::Open(c) | Tok::Close(c) => out.push(*c),
        }
    }
    out
}

/// The reader on a small crate with the cases it must get right: names
/// that only an import or a glob gives, `super` paths, the same name in
/// two modules, re-exported modules and items of other crates, private
/// and hidden items, impls in private modules, derives, items a
/// `macro_rules!` of the crate makes.
#[test]
fn reader_on_a_small_crate() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("public_api_fixture");
    let files = [
        (
            "src/lib.rs",
            "mod inner;\n\
             pub mod tools;\n\
             #[doc(hidden)] pub mod hidden { pub fn h() {} }\n\
             pub use inner::{Thing, make as build, Trait};\n\
             pub use std::process::ExitStatus;\n\
             pub use tools::Command as Cmd;\n\
             pub(crate) fn internal() {}\n\
             #[macro_export] macro_rules! m { () => {} }\n\
             #[cfg(test)] pub fn only_in_tests() {}\n",
        ),
        (
            "src/inner.rs",
            "use std::fmt;\n\
             use crate::tools::*;\n\
             #[derive(Clone, Debug)]\n\
             pub struct Thing { pub a: Option<Tool>, b: u8 }\n\
             pub struct Private;\n\
             pub(crate) trait Sealed {}\n\
             pub trait Trait: fmt::Debug { type Out; fn go(&self) -> Self::Out; fn more(&self) {} }\n\
             pub fn make<T: Into<Thing>>(x: T, mut n: u8,) -> Thing { x.into() }\n\
             impl Sealed for Thing {}\n\
             impl From<Private> for Thing { fn from(_: Private) -> Thing { todo!() } }\n\
             impl fmt::Display for Thing { fn fmt(&self, _: &mut fmt::Formatter) -> fmt::Result { Ok(()) } }\n\
             impl Trait for Tool { type Out = Thing; fn go(&self) -> Thing { todo!() } }\n",
        ),
        (
            "src/tools/mod.rs",
            "mod more;\n\
             pub use more::{Command, Made, Other};\n\
             pub use crate::inner::Thing as Same;\n\
             #[non_exhaustive] pub enum Tool { A = 1, B(super::Thing) }\n\
             pub struct Pair(pub u32, u32);\n",
        ),
        (
            "src/tools/more.rs",
            "use super::super::inner::Thing;\n\
             pub struct Command;\n\
             impl Command {\n\
                 pub fn new(t: &Thing) -> Self { Command }\n\
                 pub(crate) fn hidden(&self) {}\n\
                 pub fn set(&mut self, p: super::Pair) -> &mut Self { self }\n\
             }\n\
             macro_rules! make {\n\
                 ($($(#[$a:meta])* $n:ident),* ; $t:ty) => { $(\n\
                     $(#[$a])* pub struct $n(pub $t);\n\
                     impl From<$t> for $n { fn from(x: $t) -> Self { $n(x) } }\n\
                 )* };\n\
             }\n\
             make!(#[derive(Debug)] Made, Other; Option<u8>);\n",
        ),
    ];
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("a directory")).expect("mkdir");
        std::fs::write(&path, text).expect("write the fixture");
    }
    let got = public_api(&dir);
    let want = "\
pub struct linuxns::Cmd;
pub fn linuxns::Cmd::new(t: &linuxns::Thing) -> linuxns::Cmd
pub fn linuxns::Cmd::set(&mut self, p: linuxns::tools::Pair) -> &mut linuxns::Cmd
pub use linuxns::tools::Command = linuxns::Cmd
pub struct linuxns::Thing { /* private fields */ }
pub linuxns::Thing::a: Option<linuxns::tools::Tool>
impl Clone for linuxns::Thing
impl std::fmt::Debug for linuxns::Thing
impl std::fmt::Display for linuxns::Thing
pub use linuxns::tools::Same = linuxns::Thing
pub trait linuxns::Trait: std::fmt::Debug
fn linuxns::Trait::go(&self) -> Self::Out
fn linuxns::Trait::more(&self) (provided)
type linuxns::Trait::Out
pub fn linuxns::build<T: Into<linuxns::Thing>>(x: T, n: u8) -> linuxns::Thing
macro_rules! linuxns::m
pub mod linuxns::tools
pub struct linuxns::tools::Made(pub Option<u8>)
impl From<Option<u8>> for linuxns::tools::Made
impl std::fmt::Debug for linuxns::tools::Made
pub struct linuxns::tools::Other(pub Option<u8>)
impl From<Option<u8>> for linuxns::tools::Other
pub struct linuxns::tools::Pair(pub u32, _)
#[non_exhaustive] pub enum linuxns::tools::Tool
linuxns::tools::Tool::A = 1
linuxns::tools::Tool::B(linuxns::Thing)
impl linuxns::Trait for linuxns::tools::Tool { type Out = linuxns::Thing }
pub use linuxns::ExitStatus = std::process::ExitStatus
";
    assert_eq!(got, want, "got:\n{got}");
}
