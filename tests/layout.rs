//! The crate's shape, checked: which stage may use which (data flows one way,
//! see docs/design.md), and no source file whose code outgrows one concern.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What each module may name with `crate::`. The leaves (`kind`, `text`,
/// `bytes`) are named by everyone and name nothing.
const ALLOWED: &[(&str, &[&str])] = &[
    ("kind", &[]),
    ("text", &[]),
    ("bytes", &[]),
    ("manual", &[]),
    ("input", &[]),
    ("xml", &[]),
    ("c14n", &["xml"]),
    ("crypto", &[]),
    ("dsig", &["xml", "c14n", "crypto"]),
    ("xmlenc", &["xml", "crypto"]),
    ("saml", &["xml", "dsig"]),
    ("trust", &["xml", "dsig", "crypto"]),
    ("replay", &[]),
    ("policy", &["input", "xml", "c14n", "crypto", "dsig", "xmlenc", "saml", "trust", "replay", "error"]),
    ("profile", &["policy", "saml", "crypto", "replay", "trust", "input", "error"]),
    (
        "error",
        &["input", "xml", "c14n", "crypto", "dsig", "xmlenc", "saml", "trust", "replay", "policy", "profile"],
    ),
];

const LEAVES: &[&str] = &["kind", "text", "bytes"];

/// The crate-root re-exports, by the module that defines them.
const ROOT_NAMES: &[(&str, &str)] = &[
    ("Error", "error"),
    ("ErrorView", "error"),
    ("ErrorKind", "kind"),
    ("UnknownKind", "kind"),
    ("Untrusted", "text"),
    ("Policy", "policy"),
    ("Context", "policy"),
    ("Login", "policy"),
    ("Profile", "policy"),
    ("Unrecorded", "policy"),
    ("Verified", "policy"),
    ("AwsConsole", "profile"),
    ("AwsConsoleLogin", "profile"),
    ("ClientVpn", "profile"),
    ("ClientVpnLogin", "profile"),
    ("Generic", "profile"),
    ("IdentityCenter", "profile"),
    ("IdentityCenterLogin", "profile"),
    ("MemoryReplayStore", "replay"),
    ("ReplayStore", "replay"),
    ("IdpTrust", "trust"),
    ("MetadataOptions", "trust"),
];

/// Largest number of lines of a file's non-test code.
const MAX_CODE_LINES: usize = 900;

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level module a library file belongs to (`None` for lib.rs and the CLI).
fn module_of(path: &Path) -> Option<String> {
    let relative = path.strip_prefix(src()).unwrap();
    let first = relative.components().next()?.as_os_str().to_str()?.to_string();
    match first.as_str() {
        "lib.rs" | "bin" => None,
        name => Some(name.trim_end_matches(".rs").to_string()),
    }
}

/// Every module named through `crate::` in `code` (outside comments).
fn named_modules(code: &str) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    for line in code.lines() {
        let line = line.trim_start();
        if line.starts_with("//") {
            continue;
        }
        for (start, _) in line.match_indices("crate::") {
            let rest = &line[start + "crate::".len()..];
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if name.is_empty() {
                // `crate::{a, b}`: each name of the group.
                if let Some(group) = rest.strip_prefix('{') {
                    for part in group.split(['}', ',']) {
                        let part: String =
                            part.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                        if !part.is_empty() {
                            named.insert(part);
                        }
                    }
                }
                continue;
            }
            named.insert(name);
        }
    }
    named
        .into_iter()
        .map(|name| ROOT_NAMES.iter().find(|(n, _)| *n == name).map_or(name, |(_, m)| m.to_string()))
        .collect()
}

/// The file's code before its `#[cfg(test)]` module.
fn code_before_tests(text: &str) -> &str {
    text.find("\n#[cfg(test)]").map_or(text, |end| &text[..end])
}

#[test]
fn stages_name_only_the_stages_below_them() {
    let mut files = Vec::new();
    source_files(&src(), &mut files);
    let mut violations = Vec::new();
    let mut checked = 0;
    for path in &files {
        let Some(module) = module_of(path) else { continue };
        let Some((_, allowed)) = ALLOWED.iter().find(|(m, _)| *m == module) else {
            violations.push(format!("{}: module {module} is not in the import table", path.display()));
            continue;
        };
        let text = std::fs::read_to_string(path).unwrap();
        for named in named_modules(code_before_tests(&text)) {
            if named == module || LEAVES.contains(&named.as_str()) && !LEAVES.contains(&module.as_str()) {
                continue;
            }
            if !allowed.contains(&named.as_str()) {
                violations.push(format!("{}: {module} names {named}", path.display()));
            }
        }
        checked += 1;
    }
    assert!(checked > 30, "only {checked} library files found");
    assert!(violations.is_empty(), "imports against the design:\n{}", violations.join("\n"));
}

#[test]
fn the_checker_sees_a_violation() {
    // The checker itself must be able to fail: a saml file naming policy.
    let named = named_modules("use crate::policy::PolicyError;\nuse crate::{Error, xml::Document};");
    assert_eq!(named, ["error", "policy", "xml"].map(String::from).into_iter().collect());
    let saml_allowed = ALLOWED.iter().find(|(m, _)| *m == "saml").unwrap().1;
    assert!(!saml_allowed.contains(&"policy") && !saml_allowed.contains(&"error"));
}

#[test]
fn no_file_outgrows_one_concern() {
    let mut files = Vec::new();
    source_files(&src(), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let lines = code_before_tests(&text).lines().count();
            (lines > MAX_CODE_LINES).then(|| format!("{} ({lines} lines)", path.display()))
        })
        .collect();
    assert!(long.is_empty(), "split by concern: {long:?}");
}
