//! Parse, then canonicalize the document and every element (exclusive, exclusive
//! with PrefixList `#default`, inclusive; with and without comments, and with
//! the first child element omitted): canonicalization of an accepted document
//! never fails or panics, and is a fixpoint; the one-pass nested form (digested
//! with ring) equals the two standalone digests whenever it is shared.
#![no_main]
#![forbid(unsafe_code)]

use libfuzzer_sys::fuzz_target;
use samlguard::c14n::{self, Method, Options, Sink};
use samlguard::xml::{self, Document, NodeId};

/// Per-element canonicalization is quadratic in the element count; bound the
/// work per input so the fuzzer keeps its speed.
const MAX_APEXES: usize = 32;

/// The canonicalizations tried: (method, PrefixList).
const METHODS: [(Method, &str); 3] =
    [(Method::Exclusive, ""), (Method::Exclusive, "#default"), (Method::Inclusive, "")];

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = xml::parse(data) else { return };
    let elements: Vec<NodeId> =
        doc.descendants(NodeId::DOCUMENT).filter(|&n| doc.element(n).is_some()).take(MAX_APEXES).collect();
    for (with_comments, (method, prefixes)) in
        [false, true].into_iter().flat_map(|comments| METHODS.into_iter().map(move |m| (comments, m)))
    {
        let options = Options { method, with_comments, ..Options::default() }.with_prefix_list(prefixes);
        let whole = c14n::to_vec(&doc, NodeId::DOCUMENT, &options).expect("accepted documents canonicalize");
        check_fixpoint(&whole, &options);

        // The streaming digest sees exactly the bytes to_vec produces.
        let mut sink = Sha256Sink::new();
        c14n::canonicalize(&doc, NodeId::DOCUMENT, &options, &mut sink).expect("canonicalize");
        assert_eq!(sink.finish(), sha256(&whole));

        for &apex in &elements {
            let out = c14n::to_vec(&doc, apex, &options).expect("every element canonicalizes");
            check_fixpoint(&out, &options);
            if let Some(first) = doc.child_elements(apex).next() {
                let omitted = Options { omit: Some(first.id()), ..options.clone() };
                let out = c14n::to_vec(&doc, apex, &omitted).expect("omitting a child element works");
                check_fixpoint(&out, &options);
                check_nested(&doc, apex, first.id(), &options);
            }
        }
    }
});

/// `canonicalize_nested` of `outer` and its child `nested` (omitting the
/// nested element's first child element, as a Signature would be), digested
/// as the signature stage digests it, agrees with canonicalizing each alone.
fn check_nested(doc: &Document<'_>, outer: NodeId, nested: NodeId, options: &Options<'_>) {
    let nested_options =
        Options { omit: doc.child_elements(nested).next().map(|e| e.id()), ..options.clone() };
    let (mut outer_sink, mut nested_sink) = (Sha256Sink::new(), Sha256Sink::new());
    let shared = c14n::canonicalize_nested(
        doc,
        outer,
        options,
        &mut outer_sink,
        nested,
        &nested_options,
        &mut nested_sink,
    )
    .expect("canonicalize_nested of accepted documents");
    let whole = c14n::to_vec(doc, outer, options).expect("outer canonicalizes");
    assert_eq!(outer_sink.finish(), sha256(&whole), "outer digest");
    if shared {
        let alone = c14n::to_vec(doc, nested, &nested_options).expect("nested canonicalizes");
        assert_eq!(nested_sink.finish(), sha256(&alone), "shared nested digest");
    }
}

/// Canonicalizing the re-parsed canonical form gives the same bytes.
fn check_fixpoint(canonical: &[u8], options: &Options<'_>) {
    let reparsed: Document<'_> = match xml::parse(canonical) {
        Ok(doc) => doc,
        // Escaping can push an attribute value or the input over a limit.
        Err(e) if e.kind().as_str().ends_with("_limit") || e.kind() == "document_too_large" => return,
        Err(e) => panic!("canonical form does not re-parse ({e}): {:?}", String::from_utf8_lossy(canonical)),
    };
    let again = c14n::to_vec(&reparsed, NodeId::DOCUMENT, options).expect("canonical form canonicalizes");
    assert!(
        again == canonical,
        "not idempotent:\n first:  {:?}\n second: {:?}",
        String::from_utf8_lossy(canonical),
        String::from_utf8_lossy(&again)
    );
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA256, bytes).as_ref().to_vec()
}

/// SHA-256 fed by canonicalization, as the signature stage digests.
struct Sha256Sink(ring::digest::Context);

impl Sha256Sink {
    fn new() -> Self {
        Self(ring::digest::Context::new(&ring::digest::SHA256))
    }

    fn finish(self) -> Vec<u8> {
        self.0.finish().as_ref().to_vec()
    }
}

impl Sink for Sha256Sink {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}
