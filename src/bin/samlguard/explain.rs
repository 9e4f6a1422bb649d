//! `samlguard explain KIND`: the section of the manual's refusal-kind chapter
//! (`src/manual/kinds.md`, also the rustdoc chapter `manual::kinds`) for one
//! kind: what it means, its usual causes, what to check in Entra or AWS.

use std::process::ExitCode;

use clap::Args;

use crate::failure::Failure;
use crate::output::{emit, show};
use crate::report::wrap;
use crate::style::Style;

/// The chapter, one `` ## `kind` `` section per kind.
const CHAPTER: &str = include_str!("../../manual/kinds.md");

#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// The kind, as printed after `REJECTED:` or in the JSON `kind`
    /// (e.g. digest_mismatch).
    #[arg(value_name = "KIND")]
    kind: String,
}

pub(crate) fn run(args: &ExplainArgs) -> Result<ExitCode, Failure> {
    let wanted = normalize(&args.kind);
    let sections = sections(CHAPTER);
    let Some((kind, body)) = sections.iter().find(|(kind, _)| *kind == wanted) else {
        let closest = closest(&wanted, sections.iter().map(|(kind, _)| *kind));
        return Err(Failure::usage(format!(
            "{} is not a samlguard refusal kind; closest: {}",
            show(&args.kind),
            closest.join(", ")
        )));
    };
    emit(&render(kind, body, Style::stdout()));
    Ok(ExitCode::SUCCESS)
}

/// `Digest-Mismatch`, `DigestMismatch` and ` digest_mismatch ` all name
/// `digest_mismatch`.
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    for (i, c) in text.trim().chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 && !out.ends_with('_') {
            out.push('_');
        }
        out.push(if c == '-' || c == ' ' { '_' } else { c.to_ascii_lowercase() });
    }
    out
}

/// Every `` ## `kind` `` section of the chapter: the kind and its text.
pub(crate) fn sections(chapter: &str) -> Vec<(&str, &str)> {
    let mut sections = Vec::new();
    let mut rest = chapter;
    while let Some(start) = rest.find("\n## `") {
        let heading = &rest[start + "\n## `".len()..];
        let Some(end) = heading.find("`\n") else { break };
        let kind = &heading[..end];
        let body = &heading[end + 2..];
        let next = body.find("\n## ").unwrap_or(body.len());
        sections.push((kind, body[..next].trim()));
        rest = &body[next..];
    }
    sections
}

/// The section for a terminal: the kind, then its paragraphs with the bold
/// labels as headings and without markdown marks.
fn render(kind: &str, body: &str, style: Style) -> String {
    let mut out = format!("{}\n", style.heading(kind));
    for paragraph in body.split("\n\n") {
        let text = paragraph.split_whitespace().collect::<Vec<_>>().join(" ").replace(['`', '*'], "");
        let (label, rest) = match paragraph.strip_prefix("**").and_then(|p| p.split_once(":**")) {
            Some((label, _)) => {
                let rest = text.strip_prefix(&format!("{label}:")).unwrap_or(&text).trim_start();
                (Some(label), rest.to_owned())
            }
            None => (None, text),
        };
        out.push('\n');
        if let Some(label) = label {
            out.push_str(&format!("{}\n", style.heading(label)));
        }
        for line in wrap(&rest, 78) {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out
}

/// The three kinds nearest to `wanted`: those that contain it first, then by
/// edit distance.
fn closest<'a>(wanted: &str, kinds: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut scored: Vec<(usize, &str)> = kinds
        .map(|kind| {
            let contains = !wanted.is_empty() && (kind.contains(wanted) || wanted.contains(kind));
            (if contains { 0 } else { 1 + distance(wanted, kind) }, kind)
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, kind)| kind).collect()
}

/// Levenshtein distance over characters (inputs are short; the command line
/// is capped so that this stays cheap).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalized() {
        for text in ["digest_mismatch", "DigestMismatch", "digest-mismatch", " Digest_Mismatch "] {
            assert_eq!(normalize(text), "digest_mismatch", "{text}");
        }
    }

    #[test]
    fn closest_kinds() {
        let kinds = ["digest_mismatch", "expired", "audience_mismatch", "issuer_mismatch"];
        assert_eq!(closest("digest_mismatc", kinds.into_iter())[0], "digest_mismatch");
        assert_eq!(closest("expird", kinds.into_iter())[0], "expired");
        assert_eq!(closest("audience", kinds.into_iter())[0], "audience_mismatch");
    }

    #[test]
    fn every_section_has_the_three_parts() {
        for (kind, body) in sections(CHAPTER) {
            for label in ["**Means:**", "**Causes:**", "**Check:**"] {
                assert!(body.contains(label), "{kind}: no {label}");
            }
            let rendered = render(kind, body, Style::stdout());
            assert!(!rendered.contains("**") && !rendered.contains('`'), "{rendered}");
        }
    }
}
