//! The refusal-kind chapter of the manual (`src/manual/kinds.md`, shown by
//! rustdoc as `manual::kinds` and by `samlguard explain`) covers every
//! `ErrorKind`, and names no kind that does not exist.

use std::collections::BTreeSet;

use samlguard::ErrorKind;

const CHAPTER: &str = include_str!("../src/manual/kinds.md");

/// The kinds named by `` ## `kind` `` headings, in order.
fn headings() -> Vec<&'static str> {
    CHAPTER.lines().filter_map(|line| line.strip_prefix("## `")?.strip_suffix('`')).collect()
}

#[test]
fn every_kind_has_a_section() {
    let named: BTreeSet<&str> = headings().into_iter().collect();
    let missing: Vec<&str> =
        ErrorKind::ALL.iter().map(|k| k.as_str()).filter(|k| !named.contains(k)).collect();
    assert!(missing.is_empty(), "src/manual/kinds.md has no section for {missing:?}");
}

#[test]
fn no_section_names_an_unknown_kind_or_repeats_one() {
    let mut seen = BTreeSet::new();
    for kind in headings() {
        assert!(ErrorKind::from_name(kind).is_some(), "src/manual/kinds.md: {kind} is not an ErrorKind");
        assert!(seen.insert(kind), "src/manual/kinds.md: {kind} has two sections");
    }
    // Every level-2 heading is a kind.
    let sections = CHAPTER.lines().filter(|l| l.starts_with("## ")).count();
    assert_eq!(sections, seen.len(), "a `## ` heading that is not a kind");
}

#[test]
fn every_section_says_what_it_means_why_and_what_to_check() {
    let mut rest = CHAPTER;
    while let Some(start) = rest.find("\n## `") {
        let section = &rest[start + 1..];
        let end = section[3..].find("\n## ").map_or(section.len(), |e| e + 3);
        let (body, next) = section.split_at(end);
        for label in ["**Means:**", "**Causes:**", "**Check:**"] {
            assert!(body.contains(label), "{}: no {label}", body.lines().next().unwrap_or(""));
        }
        rest = next;
    }
}
