//! Structure-aware: edits a valid doubly signed Client VPN response at element
//! boundaries (insert comments, CDATA splits, processing instructions, copies
//! of elements, attribute and namespace tweaks, moved subtrees) and checks the
//! mutation property: the result is refused, or it yields exactly the values
//! of the original. Nothing outside the signatures' coverage may change what
//! samlguard reports.
#![no_main]
#![forbid(unsafe_code)]

use std::sync::LazyLock;

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use samlguard::trust::{IdpTrust, MetadataOptions};
use samlguard::{ClientVpn, ClientVpnLogin, Context, Policy};

const ORIGINAL: &str = include_str!("../../testdata/responses/clientvpn.xml");

static POLICY: LazyLock<Policy<ClientVpn>> = LazyLock::new(|| {
    let trust = IdpTrust::from_metadata(
        include_bytes!("../../testdata/metadata/entra.xml"),
        &MetadataOptions::default(),
    )
    .expect("fixture metadata");
    Policy::<ClientVpn>::new(trust).without_replay_store()
});

fn context() -> Context {
    Context::new("2026-01-15T10:01:00Z".parse().expect("fixed clock"))
        .expecting_request("id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c")
}

static EXPECTED: LazyLock<ClientVpnLogin> = LazyLock::new(|| {
    POLICY.validate(ORIGINAL.as_bytes(), &context()).expect("fixture validates").into_inner()
});

#[derive(Debug, Arbitrary)]
enum Edit {
    /// Insert a snippet at the n-th tag boundary (`>` position).
    Insert { boundary: u16, snippet: Snippet },
    /// Copy the n-th element (from its `<` to its matching end) to another boundary.
    Copy { element: u16, boundary: u16 },
    /// Remove the n-th element.
    Remove { element: u16 },
    /// Replace one byte with another from a small alphabet.
    Byte { at: u16, byte: u8 },
}

#[derive(Debug, Arbitrary)]
enum Snippet {
    Comment,
    Cdata,
    Pi,
    Text,
    Whitespace,
    ForeignElement,
    ForeignAttribute,
    NamespaceDeclaration,
    Signature,
    Assertion,
}

impl Snippet {
    fn text(&self) -> &'static str {
        match self {
            Self::Comment => "<!---->",
            Self::Cdata => "<![CDATA[x]]>",
            Self::Pi => "<?pi x?>",
            Self::Text => "evil",
            Self::Whitespace => "\n ",
            Self::ForeignElement => "<x:e xmlns:x=\"urn:x\" ID=\"_f\"/>",
            Self::ForeignAttribute => " xmlns:y=\"urn:y\" y:ID=\"_y\"",
            Self::NamespaceDeclaration => " xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"",
            Self::Signature => "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"/>",
            Self::Assertion => "<Assertion xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_evil\"/>",
        }
    }
}

/// Byte offsets of every `>` and every `<` (tag boundaries).
fn positions(text: &str, c: u8) -> Vec<usize> {
    text.bytes().enumerate().filter(|&(_, b)| b == c).map(|(i, _)| i).collect()
}

/// The span of the element starting at the `<` at `start` (start tags only).
fn element_span(text: &str, start: usize) -> Option<(usize, usize)> {
    let rest = &text[start + 1..];
    if rest.starts_with(['/', '!', '?']) {
        return None;
    }
    let name_end = rest.find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
    let name = &rest[..name_end];
    let open_end = start + 1 + rest.find('>')?;
    if text.as_bytes()[open_end - 1] == b'/' {
        return Some((start, open_end + 1));
    }
    let close = format!("</{name}>");
    let end = text[open_end..].find(&close)? + open_end + close.len();
    Some((start, end))
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut text = text.to_string();
    for edit in edits.iter().take(4) {
        // An earlier edit may have removed every tag.
        if !text.contains('<') || !text.contains('>') {
            break;
        }
        match edit {
            Edit::Insert { boundary, snippet } => {
                let ends = positions(&text, b'>');
                let at = ends[*boundary as usize % ends.len()] + 1;
                let snippet = snippet.text();
                // Attribute-shaped snippets go inside the start tag.
                let at = if snippet.starts_with(' ') && !snippet.trim().is_empty() { at - 1 } else { at };
                text.insert_str(at, snippet);
            }
            Edit::Copy { element, boundary } => {
                let starts = positions(&text, b'<');
                let Some((s, e)) = element_span(&text, starts[*element as usize % starts.len()]) else {
                    continue;
                };
                let copy = text[s..e].to_string();
                let ends = positions(&text, b'>');
                text.insert_str(ends[*boundary as usize % ends.len()] + 1, &copy);
            }
            Edit::Remove { element } => {
                let starts = positions(&text, b'<');
                if let Some((s, e)) = element_span(&text, starts[*element as usize % starts.len()]) {
                    text.replace_range(s..e, "");
                }
            }
            Edit::Byte { at, byte } => {
                let mut bytes = text.into_bytes();
                let at = *at as usize % bytes.len();
                bytes[at] = b"<>/=\"' a:_#!-x"[*byte as usize % 14];
                text = String::from_utf8_lossy(&bytes).into_owned();
            }
        }
    }
    text
}

fuzz_target!(|edits: Vec<Edit>| {
    let mutated = apply(ORIGINAL, &edits);
    if let Ok(login) = POLICY.validate(mutated.as_bytes(), &context()) {
        let expected = &*EXPECTED;
        assert_eq!(login.name_id(), expected.name_id());
        assert_eq!(login.groups(), expected.groups());
        assert_eq!(login.first_name(), expected.first_name());
        assert_eq!(login.last_name(), expected.last_name());
        assert_eq!(login.audience(), expected.audience());
        assert_eq!(login.assertion(), expected.assertion());
        assert_eq!(login.envelope(), expected.envelope());
    }
});
