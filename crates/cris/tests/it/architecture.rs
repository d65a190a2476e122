//! The architecture test: the shape `docs/ARCHITECTURE.md` promises, checked on the source.
//!
//! It reads `src/`, `migrations/`, `templates/staff/` and the owner table of
//! `docs/ARCHITECTURE.md`, and reports, each with file:line and an excerpt:
//! - **SQL outside its owner's store**: a string literal whose SQL names a table (after `FROM`,
//!   `JOIN`, `INTO`, `UPDATE`, `TABLE`, `TRUNCATE`, keywords in upper case as the house writes SQL)
//!   outside the store of the table's owner: *cross-owner* from another module, *own SQL outside
//!   the store* from the owner's other rooms. An owner `a::b` stores in any `store.rs` or `store/`
//!   folder under `src/a/b/`, sub-rooms included (`infopass/booking/store.rs` serves an owner
//!   `infopass` as well as `infopass::booking`); a kernel part (`kernel::session`) is one file and
//!   is its own store;
//! - **routes calling a store**: a routes room (`routes.rs`, `*_routes.rs`, under `routes/`) that
//!   names a `store` module in a path or a `use`;
//! - **import cycles** between top-level modules (`crate::x`, `$crate::x`, `super::` reaching the
//!   root), each with the imports that tie it; and any module importing the top (`app`, which with
//!   `lib.rs` and `main.rs` may import everything);
//! - **`format!` SQL**: `AssertSqlSafe(…)`, and `format!` whose text is SQL outside one;
//! - **hard-coded staff strings**: English in `templates/staff/**/*.html` outside askama tags (text,
//!   and the `title`, `aria-label`, `placeholder`, `alt`, `data-label` attributes and the `value` of
//!   input buttons), and in Rust, sentence-like literals in the files of staff pages (those with a
//!   handler taking `Staff`/`StaffForm`, or building the staff navigation `NavItem`), outside
//!   attributes and log macros;
//! - **owner table problems**: a table or view of the migrations without an owner row, a second
//!   row, a row naming no table, or an owner that is not a module of `src/`. Always enforced.
//!
//! Comments, doc comments and `#[cfg(test)]`/`#[test]` items are left out: prose may name tables,
//! and tests may set up any row. Rust is scanned as tokens by a small lexer (comments, raw strings,
//! byte strings, continuations, char literals versus lifetimes, `concat!` of literals) rather than
//! parsed with `syn`: the SQL we look for sits inside macro calls (`with_db!`, `format!`) that `syn`
//! leaves as opaque token streams, line numbers would need `proc-macro2`'s `span-locations`, and
//! `syn` with `visit` would be a second build of it (the proc macros' build has `visit-mut` only).
//!
//! The report prints with
//! `cargo test -p cris --test it architecture::house_in_order -- --nocapture`.
//! Every finding fails the suite; import cycles with `ENFORCE_LAYERING` and staff strings with
//! `ENFORCE_STAFF_STRINGS`, both on since they reached zero (issue 15).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// Fail the suite on import cycles too, beside the rest of the layering (cross-owner SQL, SQL
/// outside its owner's store, routes calling a store and `format!` SQL, which always fail).
/// On since none is left: the web shell's went when `app` assembled the router, the last (five
/// modules around `case_status`) when cases reached portfolio alerts, the case page's requests
/// and suggestions' decisions through hooks installed at start (`app::install_hooks`).
const ENFORCE_LAYERING: bool = true;
/// Fail the suite on hard-coded English in staff pages (their strings are in Fluent, issue 15).
const ENFORCE_STAFF_STRINGS: bool = true;

/// The modules at the top: they assemble everything and nothing imports them.
const TOP: [&str; 3] = ["app", "lib", "main"];

/// Foreign-partner data (R-IS-09): each sequestered module, the prefix of its tables, and the
/// top-level modules that may name it in code. Only its own store names its tables; the web
/// shell may only mount its routes (`crate::cpms::routes::routes()`).
const SEQUESTERED: [(&str, &str, &[&str]); 2] =
    [("cpms", "cpms_", &["cpms", "icts", "retention"]), ("icts", "icts_", &["icts", "retention"])];

/// Imports between top-level modules: (from, to) → (path, line, code) of each.
type Edges = BTreeMap<(String, String), Vec<(String, usize, String)>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Owners,
    CrossOwnerSql,
    SqlOutsideStore,
    RouteCallsStore,
    ImportCycle,
    FormatSql,
    StaffString,
    Sequestration,
}

impl Kind {
    const ALL: [Self; 8] = [
        Self::Owners,
        Self::CrossOwnerSql,
        Self::SqlOutsideStore,
        Self::RouteCallsStore,
        Self::ImportCycle,
        Self::FormatSql,
        Self::StaffString,
        Self::Sequestration,
    ];

    fn title(self) -> &'static str {
        match self {
            Self::Owners => "owner table problems",
            Self::CrossOwnerSql => "cross-owner SQL",
            Self::SqlOutsideStore => "own SQL outside the store",
            Self::RouteCallsStore => "routes calling a store",
            Self::ImportCycle => "import cycles",
            Self::FormatSql => "format! SQL",
            Self::StaffString => "hard-coded staff strings",
            Self::Sequestration => "sequestered data reached",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Finding {
    kind: Kind,
    /// The top-level module (or template folder) the finding belongs to, for grouping.
    module: String,
    /// Relative to the crate (the docs: to the repository); empty for a cycle.
    path: String,
    line: usize,
    text: String,
}

/// The files the checker reads, by path relative to the crate (`src/…`, `migrations/…`,
/// `templates/…`), plus `docs/ARCHITECTURE.md`.
struct Tree {
    files: BTreeMap<String, String>,
}

impl Tree {
    fn load() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = BTreeMap::new();
        for dir in ["src", "migrations", "templates/staff"] {
            walk(root, &root.join(dir), &mut files);
        }
        let doc = root.join("../../docs/ARCHITECTURE.md");
        files.insert("docs/ARCHITECTURE.md".to_owned(), std::fs::read_to_string(doc).unwrap());
        Self { files }
    }

    fn under<'a>(&'a self, prefix: &'a str, ext: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.files
            .iter()
            .filter(move |(p, _)| p.starts_with(prefix) && p.ends_with(ext))
            .map(|(p, t)| (p.as_str(), t.as_str()))
    }
}

fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(root, &path, files);
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            files.insert(path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"), text);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rust, as tokens

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// A string literal's value; its newlines are the source's, so lines can be counted in it.
    Str(String),
    Punct(char),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    line: usize,
}

fn is_ident(t: Option<&Token>, name: &str) -> bool {
    matches!(t, Some(Token { tok: Tok::Ident(s), .. }) if s == name)
}

fn is_punct(t: Option<&Token>, c: char) -> bool {
    matches!(t, Some(Token { tok: Tok::Punct(p), .. }) if *p == c)
}

fn is_path_sep(toks: &[Token], i: usize) -> bool {
    is_punct(toks.get(i), ':') && is_punct(toks.get(i + 1), ':')
}

/// Splits Rust source into identifiers, string literals and punctuation; comments, numbers,
/// char literals and lifetimes are dropped.
fn lex(src: &str) -> Vec<Token> {
    let c: Vec<char> = src.chars().collect();
    let at = |k: usize| c.get(k).copied().unwrap_or('\0');
    let (mut out, mut i, mut line) = (Vec::new(), 0, 1);
    while i < c.len() {
        let (ch, start) = (c[i], line);
        if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(c[i] == '\n');
                    i += 1;
                }
            }
        } else if let Some((hashes, skip)) = raw_string_start(&c, i) {
            i += skip;
            let mut s = String::new();
            while i < c.len() && !(c[i] == '"' && (1..=hashes).all(|h| at(i + h) == '#')) {
                line += usize::from(c[i] == '\n');
                s.push(c[i]);
                i += 1;
            }
            i += 1 + hashes;
            out.push(Token { tok: Tok::Str(s), line: start });
        } else if ch == '"' || (matches!(ch, 'b' | 'c') && at(i + 1) == '"') {
            i += if ch == '"' { 1 } else { 2 };
            let mut s = String::new();
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    let escaped = at(i + 1);
                    i += 2;
                    match escaped {
                        // A continuation: the newline and the indentation vanish from the value;
                        // a newline is kept in their place so that lines still count.
                        '\n' => {
                            line += 1;
                            s.push('\n');
                            while i < c.len() && c[i].is_whitespace() {
                                if c[i] == '\n' {
                                    line += 1;
                                    s.push('\n');
                                }
                                i += 1;
                            }
                        }
                        'n' | 't' | 'r' => s.push(' '),
                        other => s.push(other),
                    }
                } else {
                    line += usize::from(c[i] == '\n');
                    s.push(c[i]);
                    i += 1;
                }
            }
            i += 1;
            out.push(Token { tok: Tok::Str(s), line: start });
        } else if ch == '\'' || (ch == 'b' && at(i + 1) == '\'') {
            let q = if ch == 'b' { i + 1 } else { i };
            if at(q + 1) == '\\' {
                i = q + 3;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(q + 2) == '\'' {
                i = q + 3;
            } else {
                i = q + 1; // a lifetime or a label: its name lexes as an identifier next
            }
        } else if ch.is_alphabetic() || ch == '_' {
            let first = if ch == 'r' && at(i + 1) == '#' { i + 2 } else { i };
            let mut j = first;
            while j < c.len() && (c[j].is_alphanumeric() || c[j] == '_') {
                j += 1;
            }
            out.push(Token { tok: Tok::Ident(c[first..j].iter().collect()), line });
            i = j;
        } else if ch.is_ascii_digit() {
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
        } else {
            line += usize::from(ch == '\n');
            if !ch.is_whitespace() {
                out.push(Token { tok: Tok::Punct(ch), line });
            }
            i += 1;
        }
    }
    out
}

/// `r"`, `r#"`, `br##"`, `cr"`…: the number of hashes and the length of the opening.
fn raw_string_start(c: &[char], i: usize) -> Option<(usize, usize)> {
    let mut j = i + usize::from(matches!(c.get(i), Some('b' | 'c')));
    if c.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = c.get(j..)?.iter().take_while(|&&x| x == '#').count();
    (c.get(j + hashes) == Some(&'"')).then_some((hashes, j + hashes + 1 - i))
}

/// The index just past the group that opens at `i` with `(`, `[` or `{`.
fn group_end(toks: &[Token], mut i: usize) -> usize {
    let mut depth = 0usize;
    while let Some(t) = toks.get(i) {
        i += 1;
        match t.tok {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    i
}

/// The index just past the item that starts at `i`: its `;`, or the end of its body.
fn item_end(toks: &[Token], mut i: usize) -> usize {
    let mut depth = 0usize;
    while let Some(t) = toks.get(i) {
        i += 1;
        match t.tok {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']') => depth = depth.saturating_sub(1),
            Tok::Punct('}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i;
                }
            }
            Tok::Punct(';') if depth == 0 => return i,
            _ => {}
        }
    }
    i
}

/// The tokens without `#[cfg(test)]` and `#[test]` items.
fn without_tests(toks: Vec<Token>) -> Vec<Token> {
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        if is_punct(toks.get(i), '#') && is_punct(toks.get(i + 1), '[') {
            let end = group_end(&toks, i + 1);
            let attr: String = toks[i + 2..end - 1]
                .iter()
                .map(|t| match &t.tok {
                    Tok::Ident(s) | Tok::Str(s) => s.clone(),
                    Tok::Punct(p) => p.to_string(),
                })
                .collect();
            if attr == "cfg(test)" || attr == "test" || attr.starts_with("tokio::test") {
                i = end;
                while is_punct(toks.get(i), '#') {
                    i = group_end(&toks, i + 1);
                }
                i = item_end(&toks, i);
                continue;
            }
        }
        out.push(toks[i].clone());
        i += 1;
    }
    out
}

/// The string literals of the code, a `concat!` of literals as one.
fn literals(toks: &[Token]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if is_ident(toks.get(i), "concat") && is_punct(toks.get(i + 1), '!') {
            let end = group_end(toks, i + 2);
            let mut joined: Option<(usize, String)> = None;
            for t in &toks[i + 2..end] {
                if let Tok::Str(s) = &t.tok {
                    match &mut joined {
                        None => joined = Some((t.line, s.clone())),
                        Some((first, text)) => {
                            let gap = t.line.saturating_sub(*first + text.matches('\n').count());
                            text.push_str(&if gap == 0 { " ".to_owned() } else { "\n".repeat(gap) });
                            text.push_str(s);
                        }
                    }
                }
            }
            out.extend(joined);
            i = end;
        } else {
            if let Tok::Str(s) = &toks[i].tok {
                out.push((toks[i].line, s.clone()));
            }
            i += 1;
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// SQL in literals

/// The words of a text with the number of newlines before each, punctuation dropped.
fn words(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let (mut lines, mut current) = (0, String::new());
    for ch in text.chars().chain(std::iter::once(' ')) {
        if ch.is_alphanumeric() || ch == '_' {
            current.push(ch);
        } else {
            if !current.is_empty() {
                out.push((lines, std::mem::take(&mut current)));
            }
            lines += usize::from(ch == '\n');
        }
    }
    out
}

const SQL_WORDS: [&str; 10] =
    ["SELECT", "INSERT", "UPDATE", "DELETE", "FROM", "WHERE", "JOIN", "VALUES", "RETURNING", "CREATE"];

fn is_sql(text: &str) -> bool {
    words(text).iter().any(|(_, w)| SQL_WORDS.contains(&w.as_str()))
}

/// The tables a piece of SQL names, each with the newlines before it.
fn table_refs(sql: &str, tables: &BTreeSet<String>) -> Vec<(usize, String)> {
    let words = words(sql);
    let mut out = Vec::new();
    for (k, (_, w)) in words.iter().enumerate() {
        if !["FROM", "JOIN", "INTO", "UPDATE", "TABLE", "TRUNCATE"].contains(&w.as_str()) {
            continue;
        }
        let next = words[k + 1..].iter().find(|(_, w)| !["ONLY", "IF", "NOT", "EXISTS"].contains(&w.as_str()));
        if let Some((lines, name)) = next.filter(|(_, name)| tables.contains(name)) {
            out.push((*lines, name.clone()));
        }
    }
    let mut seen = BTreeSet::new();
    out.retain(|(_, name)| seen.insert(name.clone()));
    out
}

fn excerpt(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 110 { format!("{}…", flat.chars().take(110).collect::<String>()) } else { flat }
}

// ---------------------------------------------------------------------------------------------
// Modules and owners

/// The module path of a source file: `src/lobby/routes.rs` → `["lobby", "routes"]`.
fn module_path(path: &str) -> Vec<String> {
    let rel = path.trim_start_matches("src/").trim_end_matches(".rs");
    let mut parts: Vec<String> = rel.split('/').map(str::to_owned).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib" || p == "main") {
        parts.pop();
    }
    parts
}

/// The top-level module of a source file; `lib.rs` and `main.rs` count as `lib` and `main`.
fn top_of(path: &str) -> String {
    let rel = path.trim_start_matches("src/");
    rel.split('/').next().unwrap_or(rel).trim_end_matches(".rs").to_owned()
}

fn is_routes_room(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name == "routes.rs" || name.ends_with("_routes.rs") || path.contains("/routes/")
}

fn is_store_room(path: &str) -> bool {
    path.ends_with("/store.rs") || path.contains("/store/")
}

/// Whether the file at `path` is a store of the module `owner` (`a::b`).
fn is_owners_store(path: &str, owner: &str) -> bool {
    let dir = format!("src/{}/", owner.replace("::", "/"));
    let kernel_part = owner.starts_with("kernel::")
        && (path == format!("src/{}.rs", owner.replace("::", "/")) || path == format!("{dir}mod.rs"));
    kernel_part || (path.starts_with(&dir) && is_store_room(path))
}

fn module_exists(tree: &Tree, module: &str) -> bool {
    let base = format!("src/{}", module.replace("::", "/"));
    tree.files.contains_key(&format!("{base}.rs")) || tree.files.keys().any(|p| p.starts_with(&format!("{base}/")))
}

/// The tables and views the migrations leave.
fn tables(tree: &Tree) -> BTreeSet<String> {
    let mut tables = BTreeSet::new();
    for (_, sql) in tree.under("migrations/", ".sql") {
        let sql: String = sql.lines().map(|l| l.split("--").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
        let words: Vec<String> = words(&sql).into_iter().map(|(_, w)| w.to_lowercase()).collect();
        for (k, verb) in words.iter().enumerate().filter(|(_, w)| *w == "create" || *w == "drop") {
            let skip = ["or", "replace", "temp", "temporary", "unlogged", "materialized"];
            let mut rest = words[k + 1..].iter().skip_while(|w| skip.contains(&w.as_str()));
            if rest.next().is_some_and(|object| object == "table" || object == "view")
                && let Some(name) = rest.find(|w| !["if", "not", "exists"].contains(&w.as_str()))
            {
                if verb == "create" {
                    tables.insert(name.clone());
                } else {
                    tables.remove(name);
                }
            }
        }
    }
    tables
}

/// The owner table of the docs: `| table | owner | what it holds |`, with the line of each row.
fn owner_rows(doc: &str) -> Vec<(usize, String, String)> {
    let cells = |line: &str| -> Vec<String> {
        line.trim().trim_matches('|').split('|').map(|c| c.trim().trim_matches('`').to_owned()).collect()
    };
    let mut rows = Vec::new();
    let mut inside = false;
    for (n, line) in doc.lines().enumerate() {
        let c = cells(line);
        if !line.trim_start().starts_with('|') {
            inside = false;
        } else if c.first().is_some_and(|h| h.eq_ignore_ascii_case("table"))
            && c.get(1).is_some_and(|h| h.eq_ignore_ascii_case("owner"))
        {
            inside = true;
        } else if inside && !c.iter().all(|x| x.chars().all(|ch| ch == '-' || ch == ':')) {
            rows.push((n + 1, c.first().cloned().unwrap_or_default(), c.get(1).cloned().unwrap_or_default()));
        }
    }
    rows
}

/// The owner of each table, by the docs; what is wrong with the owner table goes to `findings`.
fn owners(tree: &Tree, tables: &BTreeSet<String>, findings: &mut Vec<Finding>) -> BTreeMap<String, String> {
    let doc = "docs/ARCHITECTURE.md";
    let rows = owner_rows(tree.files.get(doc).map_or("", String::as_str));
    let mut push =
        |line, text| findings.push(Finding { kind: Kind::Owners, module: "docs".into(), path: doc.into(), line, text });
    if rows.is_empty() {
        push(0, "no owner table (| table | owner | what it holds |)".into());
    }
    let mut owners = BTreeMap::new();
    for (line, table, owner) in rows {
        if !tables.contains(&table) {
            push(line, format!("`{table}` is not a table of the migrations"));
        }
        if !module_exists(tree, &owner) {
            push(line, format!("owner `{owner}` of `{table}` is not a module of src/"));
        }
        if owners.insert(table.clone(), owner).is_some() {
            push(line, format!("`{table}` has a second owner row"));
        }
    }
    for table in tables.iter().filter(|t| !owners.contains_key(*t)) {
        push(0, format!("table `{table}` has no owner row"));
    }
    owners
}

// ---------------------------------------------------------------------------------------------
// The checks

fn check(tree: &Tree) -> Vec<Finding> {
    let tables = tables(tree);
    let mut findings = Vec::new();
    let owners = owners(tree, &tables, &mut findings);

    let tops: BTreeSet<String> = tree.under("src/", ".rs").map(|(p, _)| top_of(p)).collect();
    let mut edges: Edges = BTreeMap::new();
    for (path, src) in tree.under("src/", ".rs") {
        let toks = without_tests(lex(src));
        let module = top_of(path);
        let line_of = |n: usize| excerpt(src.lines().nth(n.saturating_sub(1)).unwrap_or(""));
        let mut push =
            |kind, line, text| findings.push(Finding { kind, module: module.clone(), path: path.into(), line, text });

        for (line, text) in literals(&toks) {
            for (offset, table) in table_refs(&text, &tables) {
                if let Some(owner) = owners.get(&table).filter(|o| !is_owners_store(path, o)) {
                    let own = path.starts_with(&format!("src/{}/", owner.replace("::", "/")));
                    let kind = if own { Kind::SqlOutsideStore } else { Kind::CrossOwnerSql };
                    push(kind, line + offset, format!("`{table}` (owner {owner}): {}", excerpt(&text)));
                }
            }
        }
        for (table_line, table, owner) in literals(&toks)
            .iter()
            .flat_map(|(line, text)| {
                table_refs(text, &tables).into_iter().map(move |(offset, table)| (line + offset, table))
            })
            .filter_map(|(line, table)| owners.get(&table).map(|o| (line, table, o.clone())))
        {
            let sequestered = SEQUESTERED.iter().any(|(_, prefix, _)| table.starts_with(prefix));
            if sequestered && !is_owners_store(path, &owner) {
                push(Kind::Sequestration, table_line, format!("`{table}` outside {owner}'s store"));
            }
        }
        if !TOP.contains(&module.as_str()) {
            for (target, line) in imports(&module_path(path), &toks) {
                let Some((_, _, allowed)) = SEQUESTERED.iter().find(|(m, _, _)| *m == target) else { continue };
                let mounts = module == "web" && line_of(line).contains(&format!("crate::{target}::routes::routes()"));
                if !allowed.contains(&module.as_str()) && !mounts {
                    push(Kind::Sequestration, line, format!("{module} names {target}: {}", line_of(line)));
                }
            }
        }
        if is_routes_room(path) {
            for line in store_uses(&toks) {
                push(Kind::RouteCallsStore, line, line_of(line));
            }
        }
        for line in format_sql(&toks) {
            push(Kind::FormatSql, line, line_of(line));
        }
        for (line, text) in staff_literals(&toks) {
            push(Kind::StaffString, line, excerpt(&text));
        }
        if !TOP.contains(&module.as_str()) {
            for (target, line) in imports(&module_path(path), &toks) {
                if target != module && tops.contains(&target) {
                    edges.entry((module.clone(), target)).or_default().push((path.to_owned(), line, line_of(line)));
                }
            }
        }
    }
    cycles(&edges, &mut findings);
    for (path, html) in tree.under("templates/staff/", ".html") {
        for (line, text) in template_english(html) {
            findings.push(Finding {
                kind: Kind::StaffString,
                module: "templates/staff".into(),
                path: path.into(),
                line,
                text,
            });
        }
    }
    findings.sort();
    findings.dedup();
    findings
}

/// Lines of a routes room that name a `store` module: in a `use`, or as a path segment.
fn store_uses(toks: &[Token]) -> BTreeSet<usize> {
    let mut lines = BTreeSet::new();
    let mut in_use = false;
    for (i, t) in toks.iter().enumerate() {
        match &t.tok {
            Tok::Ident(s) if s == "use" => in_use = true,
            Tok::Punct(';') => in_use = false,
            Tok::Ident(s)
                if s == "store" && (in_use || is_path_sep(toks, i + 1) || (i >= 2 && is_path_sep(toks, i - 2))) =>
            {
                lines.insert(t.line);
            }
            _ => {}
        }
    }
    lines
}

/// The lines of `AssertSqlSafe(…)` calls, and of `format!` calls whose text is SQL outside them.
fn format_sql(toks: &[Token]) -> BTreeSet<usize> {
    let mut lines = BTreeSet::new();
    let mut covered_until = 0;
    for (i, t) in toks.iter().enumerate() {
        if is_ident(Some(t), "AssertSqlSafe") && is_punct(toks.get(i + 1), '(') {
            covered_until = group_end(toks, i + 1);
            lines.insert(t.line);
        } else if i >= covered_until
            && is_ident(Some(t), "format")
            && is_punct(toks.get(i + 1), '!')
            && let Some(Token { tok: Tok::Str(text), line }) = toks.get(i + 3)
            && is_sql(text)
        {
            lines.insert(*line);
        }
    }
    lines
}

/// The top-level modules a file's code names (`crate::x`, `$crate::x`, `super::` up to the root,
/// `crate::{x, y}`), with the line of each mention.
fn imports(file_module: &[String], toks: &[Token]) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut inline: Vec<(String, usize)> = Vec::new(); // inline `mod x {` and the depth inside it
    let mut depth = 0usize;
    for (i, t) in toks.iter().enumerate() {
        match &t.tok {
            Tok::Punct('{') => {
                depth += 1;
                if is_ident(i.checked_sub(2).and_then(|k| toks.get(k)), "mod")
                    && let Some(Token { tok: Tok::Ident(name), .. }) = toks.get(i - 1)
                {
                    inline.push((name.clone(), depth));
                }
            }
            Tok::Punct('}') => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Tok::Ident(s)
                if (s == "crate" || s == "super")
                    && !(i >= 2 && is_path_sep(toks, i - 2))
                    && is_path_sep(toks, i + 1) =>
            {
                let mut j = i;
                let mut supers = 0;
                while is_ident(toks.get(j), "super") && is_path_sep(toks, j + 1) {
                    supers += 1;
                    j += 3;
                }
                let here = file_module.len() + inline.len();
                if s == "super" && supers < here {
                    continue; // stays inside the file's own top-level module
                }
                if s == "crate" {
                    j = i + 3;
                }
                match toks.get(j).map(|t| &t.tok) {
                    Some(Tok::Ident(name)) => out.push((name.clone(), t.line)),
                    Some(Tok::Punct('{')) => {
                        let end = group_end(toks, j);
                        let mut level = 0;
                        for k in j..end {
                            match toks[k].tok {
                                Tok::Punct('{') => level += 1,
                                Tok::Punct('}') => level -= 1,
                                Tok::Ident(ref name)
                                    if level == 1
                                        && (is_punct(toks.get(k - 1), '{') || is_punct(toks.get(k - 1), ',')) =>
                                {
                                    out.push((name.clone(), toks[k].line));
                                }
                                _ => {}
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    out
}

/// The strongly connected components of more than one module, each with the imports tying it,
/// and every import of the top.
fn cycles(edges: &Edges, findings: &mut Vec<Finding>) {
    let reach = |from: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_owned()];
        while let Some(m) = todo.pop() {
            for ((a, b), _) in edges.range((m.clone(), String::new())..) {
                if *a != m {
                    break;
                }
                if seen.insert(b.clone()) {
                    todo.push(b.clone());
                }
            }
        }
        seen
    };
    let nodes: BTreeSet<&String> = edges.keys().map(|(a, _)| a).collect();
    let reached: BTreeMap<&String, BTreeSet<String>> = nodes.iter().map(|n| (*n, reach(n))).collect();
    let mut components: BTreeSet<Vec<String>> = BTreeSet::new();
    for n in &nodes {
        let mut component: Vec<String> =
            reached[n].iter().filter(|m| reached.get(m).is_some_and(|r| r.contains(*n))).cloned().collect();
        if !component.is_empty() {
            if !component.contains(n) {
                component.push((*n).clone());
            }
            component.sort();
            components.insert(component);
        }
    }
    for component in components.into_iter().filter(|c| c.len() > 1) {
        let mut text = format!("cycle of {} modules: {}", component.len(), component.join(", "));
        for ((a, b), sites) in edges.iter().filter(|((a, b), _)| component.contains(a) && component.contains(b)) {
            let _ = write!(text, "\n      {a} -> {b} ({} sites)", sites.len());
            for (path, line, code) in sites {
                let _ = write!(text, "\n        {path}:{line}  {code}");
            }
        }
        findings.push(Finding {
            kind: Kind::ImportCycle,
            module: component.join(", "),
            path: String::new(),
            line: 0,
            text,
        });
    }
    for ((a, b), sites) in edges.iter().filter(|((_, b), _)| TOP.contains(&b.as_str())) {
        for (path, line, code) in sites {
            let text = format!("imports the top `{b}`: {code}");
            findings.push(Finding {
                kind: Kind::ImportCycle,
                module: a.clone(),
                path: path.clone(),
                line: *line,
                text,
            });
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Staff strings

/// Sentence-like literals in a file of staff pages: the literal starts with a capital letter,
/// holds a lower-case one, and only letters, digits, spaces and sentence punctuation.
fn staff_literals(toks: &[Token]) -> Vec<(usize, String)> {
    // A parameter's type (`staff: Staff`), not a path ending in the name (`Audience::Staff`).
    let handler = toks.windows(3).any(|w| {
        !is_punct(w.first(), ':')
            && is_punct(w.get(1), ':')
            && (is_ident(w.get(2), "Staff") || is_ident(w.get(2), "StaffForm"))
    });
    if !handler && !toks.iter().any(|t| is_ident(Some(t), "NavItem")) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let log_macro = ["trace", "debug", "info", "warn", "error", "event"].iter().any(|m| is_ident(toks.get(i), m))
            && is_punct(toks.get(i + 1), '!');
        if is_punct(toks.get(i), '#') && is_punct(toks.get(i + 1), '[') {
            i = group_end(toks, i + 1);
        } else if log_macro {
            i = group_end(toks, i + 2);
        } else {
            if let Tok::Str(s) = &toks[i].tok {
                let english = s.starts_with(|c: char| c.is_ascii_uppercase())
                    && s.chars().any(|c| c.is_ascii_lowercase())
                    && s.chars().all(|c| c.is_alphanumeric() || " .,;:'’()?!-–—{}".contains(c));
                if english {
                    out.push((toks[i].line, s.clone()));
                }
            }
            i += 1;
        }
    }
    out
}

/// English in a staff template outside askama tags: text, and the attributes people read.
fn template_english(html: &str) -> Vec<(usize, String)> {
    // An expression is part of the sentence around it (\u{1}); a statement, a comment, a script or
    // a style ends the text before it (\u{2}). Both keep their newlines, so lines still count.
    let pairs =
        [("{{", "}}"), ("{%", "%}"), ("{#", "#}"), ("<!--", "-->"), ("<script", "</script>"), ("<style", "</style>")];
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some((pos, open, close)) = pairs.iter().filter_map(|(o, c)| rest.find(o).map(|p| (p, *o, *c))).min() {
        let (before, after) = rest.split_at(pos);
        let end =
            after.get(open.len()..).and_then(|a| a.find(close)).map_or(after.len(), |e| e + open.len() + close.len());
        let (tag, tail) = after.split_at(end);
        text.push_str(before);
        text.push(if open == "{{" { '\u{1}' } else { '\u{2}' });
        text.extend(tag.chars().filter(|&c| c == '\n'));
        rest = tail;
    }
    text.push_str(rest);

    let mut out = Vec::new();
    let mut line = 1;
    for (k, piece) in text.split('<').enumerate() {
        let (tag, body) = if k == 0 { ("", piece) } else { piece.split_once('>').unwrap_or((piece, "")) };
        out.extend(attribute_english(tag).into_iter().map(|t| (line, t)));
        line += tag.matches('\n').count();
        for run in body.split('\u{2}') {
            if has_words(run) {
                let first = run.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(0);
                out.push((
                    line + run.get(..first).unwrap_or("").matches('\n').count(),
                    excerpt(&run.replace('\u{1}', "{…}")),
                ));
            }
            line += run.matches('\n').count();
        }
    }
    out
}

/// Whether a text holds a word (two letters or more) once its character references are gone.
fn has_words(text: &str) -> bool {
    let plain: String = text
        .split('&')
        .enumerate()
        .map(|(k, part)| if k == 0 { part } else { part.split_once(';').map_or(part, |(_, t)| t) })
        .collect();
    words(&plain).iter().any(|(_, w)| w.chars().filter(char::is_ascii_alphabetic).count() >= 2)
}

/// The readable attributes of one tag (its text between `<` and `>`) that hold words.
fn attribute_english(tag: &str) -> Vec<String> {
    let name = tag.split_whitespace().next().unwrap_or("").to_ascii_lowercase();
    let mut attrs: Vec<(String, String)> = Vec::new();
    let mut rest = tag.get(name.len()..).unwrap_or("");
    while let Some(eq) = rest.find('=') {
        let key = rest.get(..eq).unwrap_or("").split_whitespace().last().unwrap_or("").to_ascii_lowercase();
        let after = rest.get(eq + 1..).unwrap_or("").trim_start();
        let (value, tail) = match after.chars().next() {
            Some(q @ ('"' | '\'')) => after.get(1..).unwrap_or("").split_once(q).unwrap_or((after, "")),
            _ => after.split_once(char::is_whitespace).unwrap_or((after, "")),
        };
        attrs.push((key, value.replace(['\u{1}', '\u{2}'], " ")));
        rest = tail;
    }
    let button = name == "input"
        && attrs.iter().any(|(k, v)| k == "type" && ["submit", "button", "reset"].contains(&v.as_str()));
    attrs
        .into_iter()
        .filter(|(k, v)| {
            (["title", "aria-label", "placeholder", "alt", "data-label"].contains(&k.as_str())
                || (button && k == "value"))
                && has_words(v)
        })
        .map(|(k, v)| format!("{k}=\"{v}\""))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The report

fn report(findings: &[Finding]) -> String {
    let mut out = String::from("Architecture report (crates/cris; see docs/ARCHITECTURE.md)\n");
    for kind in Kind::ALL {
        let _ = writeln!(out, "  {:<28} {}", kind.title(), findings.iter().filter(|f| f.kind == kind).count());
    }
    // The same counts by module (a cycle counts for each of its members), as a to-do list.
    let modules: BTreeSet<&str> = findings.iter().flat_map(|f| f.module.split(", ")).collect();
    let _ = write!(out, "\n  {:<20}", "by module");
    for short in ["owners", "cross", "own", "routes", "cycles", "format", "staff", "seq"] {
        let _ = write!(out, " {short:>6}");
    }
    out.push('\n');
    for module in modules {
        let _ = write!(out, "  {module:<20}");
        for kind in Kind::ALL {
            let n = findings.iter().filter(|f| f.kind == kind && f.module.split(", ").any(|m| m == module)).count();
            let _ = write!(out, " {n:>6}");
        }
        out.push('\n');
    }
    for kind in Kind::ALL {
        let _ = writeln!(out, "\n== {}", kind.title());
        let mut module = "";
        for f in findings.iter().filter(|f| f.kind == kind) {
            if f.module != module {
                module = &f.module;
                let _ = writeln!(out, "  [{module}]");
            }
            let at = match (f.path.as_str(), f.line) {
                ("", _) => String::new(),
                (path, 0) => format!("{path}  "),
                (path, line) => format!("{path}:{line}  "),
            };
            let _ = writeln!(out, "    {at}{}", f.text);
        }
    }
    out
}

/// What fails the suite: the owner table, sequestration, cross-owner SQL, SQL outside its
/// owner's store, routes calling a store and `format!` SQL always; import cycles with the
/// layering switch; hard-coded staff strings with theirs. `Err` names what failed, with the report.
fn verdict(findings: &[Finding], enforce_layering: bool, enforce_staff_strings: bool) -> Result<(), String> {
    let report = report(findings);
    let count = |kinds: &[Kind]| findings.iter().filter(|f| kinds.contains(&f.kind)).count();
    let mut rules: Vec<(&[Kind], &str)> = vec![
        (&[Kind::Owners], "every table has one owner in docs/ARCHITECTURE.md"),
        // R-IS-09: always enforced.
        (&[Kind::Sequestration], "foreign-partner data is reached from outside"),
        // Reached zero (issue 15): a new one fails at once.
        (&[Kind::CrossOwnerSql], "SQL names another owner's table"),
        (&[Kind::FormatSql], "SQL built with format!"),
        (&[Kind::RouteCallsStore], "a routes file names a store"),
        (&[Kind::SqlOutsideStore], "SQL outside its owner's store"),
    ];
    if enforce_layering {
        rules.push((&[Kind::ImportCycle], "modules import each other in a cycle, or import the top"));
    }
    if enforce_staff_strings {
        rules.push((&[Kind::StaffString], "hard-coded English in staff pages"));
    }
    let failed: Vec<&str> = rules.iter().filter(|(kinds, _)| count(kinds) > 0).map(|(_, what)| *what).collect();
    if failed.is_empty() { Ok(()) } else { Err(format!("{}:\n{report}", failed.join("; "))) }
}

/// The whole tree: everything [`verdict`] enforces.
#[test]
fn house_in_order() {
    let findings = check(&Tree::load());
    println!("{}", report(&findings));
    if let Err(failed) = verdict(&findings, ENFORCE_LAYERING, ENFORCE_STAFF_STRINGS) {
        panic!("{failed}");
    }
}

/// The checker on small trees held in strings: one wrong line each, reported exactly.
mod checker {
    use super::*;

    const MIGRATION: &str = "-- cases and tickets\nCREATE TABLE cases (id INTEGER);\nCREATE TABLE lobby_tickets (id INTEGER);\n\
                             CREATE TABLE IF NOT EXISTS app_meta (key TEXT);\nCREATE TABLE gone (id INTEGER);\nDROP TABLE gone;\n";
    const OWNERS: &str = "# Architecture\n\n| table | owner | what it holds |\n|---|---|---|\n| `cases` | `case_status` | cases |\n\
                          | `lobby_tickets` | `lobby` | tickets |\n| `app_meta` | `kernel::db` | facts |\n\nText after.\n";

    /// A clean tree, whose prose, comments and tests name tables freely.
    fn clean() -> BTreeMap<String, String> {
        let files = [
            ("migrations/sqlite/0001_core.sql", MIGRATION),
            ("docs/ARCHITECTURE.md", OWNERS),
            ("src/lib.rs", "pub mod app;\npub mod kernel;\npub mod case_status;\npub mod lobby;\n"),
            ("src/app.rs", "use crate::lobby::routes;\nuse crate::case_status::{routes as cases, service};\n"),
            ("src/kernel/mod.rs", "//! Reads FROM cases, in prose.\npub mod db;\n"),
            (
                "src/kernel/db.rs",
                "pub const META: &str = \"SELECT value FROM app_meta WHERE key = $1\";\npub mod meta {\n    use super::META;\n}\n",
            ),
            (
                "src/case_status/store.rs",
                "use crate::kernel::db;\n/// SELECT * FROM lobby_tickets, in a doc comment.\npub const FIND: &str = r#\"SELECT id FROM cases\"#;\n\
                 /* UPDATE lobby_tickets /* nested */ in a comment */\n#[cfg(test)]\n#[expect(dead_code)]\nmod tests {\n    \
                 const SETUP: &str = \"INSERT INTO lobby_tickets (id) VALUES (1)\";\n    use crate::lobby::store;\n}\n",
            ),
            (
                "src/case_status/service.rs",
                "use super::store;\npub fn find() -> &'static str {\n    tracing::info!(\"could not read from cases\");\n    store::FIND\n}\n",
            ),
            (
                "src/case_status/routes.rs",
                "use super::service;\npub fn page() -> char {\n    service::find();\n    let _s = \"}\";\n    '{'\n}\n",
            ),
            (
                "src/lobby/store.rs",
                "pub fn next() -> &'static str {\n    concat!(\"UPDATE lobby_tickets \", \"SET called = 1\")\n}\n",
            ),
            (
                "src/lobby/service.rs",
                "use crate::case_status::service as cases;\npub fn call() {\n    cases::find();\n    super::store::next();\n}\n",
            ),
            (
                "src/lobby/routes.rs",
                "use super::service;\npub async fn call(staff: Staff) {\n    let _ = format!(\"/staff/lobby/{n}\");\n    service::call();\n}\n",
            ),
            (
                "templates/staff/lobby.html",
                "{% extends \"staff/base.html\" %}\n{% block title %}{{ ctx.t(\"lobby-title\") }}{% endblock %}\n\
                 <h1 title=\"{{ ctx.t(\"x\") }}\">{{ ctx.t(\"lobby-title\") }} &middot; {{ n }}</h1>\n<!-- English in a comment -->\n\
                 <input class=\"usa-input\" type=\"submit\" value=\"{{ ctx.t(\"go\") }}\">{# a note #}\n",
            ),
        ];
        files.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect()
    }

    /// The findings of the clean tree with `path` replaced by `text`.
    fn with(path: &str, text: &str) -> Vec<Finding> {
        let mut files = clean();
        files.insert(path.to_owned(), text.to_owned());
        check(&Tree { files })
    }

    fn found(findings: &[Finding]) -> Vec<(Kind, String, usize)> {
        findings.iter().map(|f| (f.kind, f.path.clone(), f.line)).collect()
    }

    #[test]
    fn a_clean_tree_reports_nothing() {
        let findings = check(&Tree { files: clean() });
        assert!(findings.is_empty(), "{}", report(&findings));
    }

    #[test]
    fn a_store_naming_another_modules_table_is_reported_at_its_line() {
        let store = "pub const NEXT: &str = r#\"SELECT t.id\n  FROM lobby_tickets t\n  JOIN cases c ON c.id = t.case_id\"#;\n\
                     pub const TWO: &str = \"SELECT 1 \\\n    FROM cases\";\n";
        let findings = with("src/lobby/store.rs", store);
        let want = [
            (Kind::CrossOwnerSql, "src/lobby/store.rs".to_owned(), 3),
            (Kind::CrossOwnerSql, "src/lobby/store.rs".to_owned(), 5),
        ];
        assert_eq!(found(&findings), want, "{}", report(&findings));
        assert!(findings[0].text.starts_with("`cases` (owner case_status)"), "{}", findings[0].text);
    }

    #[test]
    fn own_sql_outside_the_store_and_sql_in_concat_are_reported() {
        let service = "pub fn call() -> &'static str {\n    concat!(\"DELETE \", \"FROM lobby_tickets\")\n}\n";
        let findings = with("src/lobby/service.rs", service);
        assert_eq!(
            found(&findings),
            [(Kind::SqlOutsideStore, "src/lobby/service.rs".to_owned(), 2)],
            "{}",
            report(&findings)
        );
    }

    #[test]
    fn a_route_calling_a_store_is_reported() {
        let routes = "use super::service;\npub fn call() {\n    service::call();\n    super::store::next();\n}\n";
        let findings = with("src/lobby/routes.rs", routes);
        assert_eq!(
            found(&findings),
            [(Kind::RouteCallsStore, "src/lobby/routes.rs".to_owned(), 4)],
            "{}",
            report(&findings)
        );
        let findings = with("src/lobby/staff_routes.rs", "use crate::case_status::{service, store};\n");
        assert_eq!(
            found(&findings),
            [(Kind::RouteCallsStore, "src/lobby/staff_routes.rs".to_owned(), 1)],
            "{}",
            report(&findings)
        );
    }

    #[test]
    fn two_modules_importing_each_other_are_a_cycle_with_both_imports() {
        let service = "use super::store;\npub fn find() {\n    crate::lobby::service::call();\n}\n";
        let findings = with("src/case_status/service.rs", service);
        assert_eq!(found(&findings), [(Kind::ImportCycle, String::new(), 0)], "{}", report(&findings));
        let text = &findings[0].text;
        assert!(text.starts_with("cycle of 2 modules: case_status, lobby"), "{text}");
        assert!(text.contains("src/case_status/service.rs:3") && text.contains("src/lobby/service.rs:1"), "{text}");
        // Through `super::` from a module's root, in a group; and into the top.
        let findings = with("src/case_status/mod.rs", "use super::{lobby::service, kernel};\n");
        assert_eq!(findings.len(), 1, "{}", report(&findings));
        assert!(findings[0].text.contains("src/case_status/mod.rs:1"), "{}", findings[0].text);
        let findings = with("src/kernel/db.rs", "pub fn start() {\n    crate::app::serve();\n}\n");
        assert_eq!(found(&findings), [(Kind::ImportCycle, "src/kernel/db.rs".to_owned(), 2)], "{}", report(&findings));
    }

    /// A deliberate cycle fails the suite, as a route calling a store or a staff string does.
    #[test]
    fn a_deliberate_cycle_fails_the_verdict() {
        assert_eq!(verdict(&check(&Tree { files: clean() }), true, true), Ok(()));
        let service = "use super::store;\npub fn find() {\n    crate::lobby::service::call();\n}\n";
        let findings = with("src/case_status/service.rs", service);
        let failed = verdict(&findings, true, true).unwrap_err();
        assert!(failed.starts_with("modules import each other in a cycle"), "{failed}");
        assert!(failed.contains("cycle of 2 modules: case_status, lobby"), "{failed}");
        // Switched off, the same cycle is only reported.
        assert_eq!(verdict(&findings, false, true), Ok(()));
        let routes = "use super::service;\npub fn call() {\n    service::call();\n    super::store::next();\n}\n";
        let failed = verdict(&with("src/lobby/routes.rs", routes), true, true).unwrap_err();
        assert!(failed.starts_with("a routes file names a store"), "{failed}");
    }

    #[test]
    fn format_sql_and_assert_sql_safe_are_reported_outside_tests() {
        let store = "pub fn next(pool: &Pool) {\n    let sql = format!(\"SELECT {COLUMNS} FROM lobby_tickets\");\n    \
                     sqlx::query(sqlx::AssertSqlSafe(sql));\n    sqlx::query(sqlx::AssertSqlSafe(format!(\"UPDATE lobby_tickets SET {x}\")));\n    \
                     let _ = format!(\"Ticket {n}\");\n}\n#[test]\nfn t() {\n    sqlx::AssertSqlSafe(format!(\"SELECT 1\"));\n}\n";
        let findings = with("src/lobby/store.rs", store);
        let at = |line| (Kind::FormatSql, "src/lobby/store.rs".to_owned(), line);
        assert_eq!(found(&findings), [at(2), at(3), at(4)], "{}", report(&findings));
    }

    #[test]
    fn english_in_staff_pages_is_reported() {
        let page = "{% extends \"staff/base.html\" %}\n{% block title %}Lobby{% endblock %}\n<p class=\"x\">\n  Ticket {{ n }} called\n</p>\n\
                    <nav aria-label=\"Main\"></nav><input type=\"submit\" value=\"Save\"><input type=\"text\" value=\"{{ v }}\">\n";
        let findings = with("templates/staff/lobby.html", page);
        let texts: Vec<(usize, &str)> = findings.iter().map(|f| (f.line, f.text.as_str())).collect();
        assert_eq!(
            texts,
            [(2, "Lobby"), (4, "Ticket {…} called"), (6, "aria-label=\"Main\""), (6, "value=\"Save\"")],
            "{}",
            report(&findings)
        );

        let routes = "use super::service;\npub async fn call(staff: Staff) {\n    tracing::warn!(\"Could not call\");\n    \
                      let page = Page { title: \"Ticket called\".into() };\n}\n";
        let findings = with("src/lobby/routes.rs", routes);
        assert_eq!(
            found(&findings),
            [(Kind::StaffString, "src/lobby/routes.rs".to_owned(), 4)],
            "{}",
            report(&findings)
        );
        // A path ending in `Staff` is not a staff handler: its file's literals are not staff pages'.
        let kernel = "pub fn audience() -> (Audience, &'static str) {\n    (Audience::Staff, \"Staff pages\")\n}\n";
        let findings = with("src/kernel/i18n.rs", kernel);
        assert!(findings.is_empty(), "{}", report(&findings));
    }

    #[test]
    fn the_owner_table_matches_the_migrations_and_the_modules() {
        let doc = OWNERS.replace(
            "| `app_meta` | `kernel::db` | facts |\n",
            "| `app_meta` | `kernel::meta` | facts |\n| `tickets` | `lobby` | |\n| `lobby_tickets` | `case_status` | |\n",
        );
        let doc = doc.replace("| `cases` | `case_status` | cases |\n", "");
        let findings = with("docs/ARCHITECTURE.md", &doc);
        let texts: Vec<&str> = findings.iter().filter(|f| f.kind == Kind::Owners).map(|f| f.text.as_str()).collect();
        let want = [
            "table `cases` has no owner row",
            "owner `kernel::meta` of `app_meta` is not a module of src/",
            "`tickets` is not a table of the migrations",
            "`lobby_tickets` has a second owner row",
        ];
        assert_eq!(texts, want, "{}", report(&findings));
    }

    // R-IS-09
    // Partner data is sequestered: a line of another capability naming the cpms module or a
    // cpms_ table is reported at its line; the web shell may mount cpms's routes, nothing more.
    #[test]
    fn naming_sequestered_data_outside_its_readers_is_reported() {
        let mut files = clean();
        files.insert("migrations/sqlite/0031_cpms.sql".into(), "CREATE TABLE cpms_persons (id INTEGER);\n".into());
        let doc = OWNERS.replace("| `app_meta` |", "| `cpms_persons` | `cpms` | persons |\n| `app_meta` |");
        files.insert("docs/ARCHITECTURE.md".into(), doc);
        files.insert("src/cpms/store.rs".into(), "pub const P: &str = \"SELECT id FROM cpms_persons\";\n".into());
        files.insert("src/cpms/service.rs".into(), "pub fn find() -> &'static str {\n    super::store::P\n}\n".into());
        files.insert("src/cpms/routes.rs".into(), "pub fn routes() {}\n".into());
        files
            .insert("src/retention/service.rs".into(), "pub fn run() {\n    crate::cpms::service::find();\n}\n".into());
        files.insert("src/web/mod.rs".into(), "pub fn router() {\n    crate::cpms::routes::routes();\n}\n".into());
        let clean_findings = check(&Tree { files: files.clone() });
        assert!(clean_findings.iter().all(|f| f.kind != Kind::Sequestration), "{}", report(&clean_findings));

        files.insert(
            "src/lobby/service.rs".into(),
            "pub fn call() {\n    let _ = crate::cpms::service::find();\n}\n".into(),
        );
        files.insert(
            "src/lobby/store.rs".into(),
            "pub fn next() -> &'static str {\n    \"SELECT id FROM cpms_persons\"\n}\n".into(),
        );
        files.insert("src/web/pages.rs".into(), "pub fn page() {\n    crate::cpms::service::find();\n}\n".into());
        let findings = check(&Tree { files });
        let seq: Vec<(String, usize)> =
            findings.iter().filter(|f| f.kind == Kind::Sequestration).map(|f| (f.path.clone(), f.line)).collect();
        let want = [
            ("src/lobby/service.rs".to_owned(), 2),
            ("src/lobby/store.rs".to_owned(), 2),
            ("src/web/pages.rs".to_owned(), 2),
        ];
        assert_eq!(seq, want, "{}", report(&findings));
    }
}
