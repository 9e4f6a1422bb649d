//! Exclusive XML Canonicalization 1.0 (with or without comments, with the
//! InclusiveNamespaces PrefixList) and Canonical XML 1.0 (inclusive, with or
//! without comments) over a subtree of a parsed [`Document`]. Canonical XML
//! 1.1 is not implemented.
//!
//! Output goes to a [`Sink`], so the signature stage streams canonical bytes
//! straight into a digest without materializing them (staged in a small
//! buffer, so that a digest sees few, long updates); the signature stage also
//! canonicalizes an element and one nested element (a Response and its
//! Assertion) in a single walk. The namespace rules follow the W3C
//! recommendation as libxml2 implements it (the reference every IdP's
//! signature was computed with): a namespace declaration is emitted on an
//! element when the element or one of its attributes visibly uses the prefix
//! (or the prefix is in the PrefixList and in scope) and the nearest output
//! ancestor did not already render the same binding; `xmlns=""` is emitted only
//! to undo a non-empty default rendered above. With [`Method::Inclusive`] every
//! binding in scope is rendered (on a subtree's apex all of them, below it
//! those that differ from the parent's), and the apex of a subtree carries the
//! `xml:*` attributes of its ancestors.
//!
//! ```
//! use samlguard::{c14n, xml};
//!
//! let doc = xml::parse(br#"<r xmlns:a="urn:a" xmlns:b="urn:b"><a:x b="2" a:c="1"/></r>"#)?;
//! let x = doc.child_elements(doc.root()).next().unwrap().id();
//! let mut out = Vec::new();
//! c14n::canonicalize(&doc, x, &c14n::Options::default(), &mut out)?;
//! assert_eq!(out, br#"<a:x xmlns:a="urn:a" b="2" a:c="1"></a:x>"#);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
// The namespace decisions of each method.
mod exclusive;
mod inclusive;
mod nested;
mod sink;
mod writer;

pub use error::C14nError;
#[cfg(feature = "fuzzing")]
pub use nested::canonicalize_nested;
#[cfg(not(feature = "fuzzing"))]
pub(crate) use nested::canonicalize_nested;
pub use sink::Sink;

use crate::xml::{Document, NodeId, is_ncname};
use exclusive::Exclusive;
use inclusive::Inclusive;
use sink::{Output, Plain, Staged};
use writer::Writer;

/// A canonicalization method.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// Exclusive XML Canonicalization 1.0
    /// (`http://www.w3.org/2001/10/xml-exc-c14n#`).
    #[default]
    Exclusive,
    /// Canonical XML 1.0, inclusive
    /// (`http://www.w3.org/TR/2001/REC-xml-c14n-20010315`).
    Inclusive,
}

/// Canonicalization parameters.
#[derive(Debug, Clone, Default)]
pub struct Options<'p> {
    /// The method (exclusive by default).
    pub method: Method,
    /// `…#WithComments`: keep comments.
    pub with_comments: bool,
    /// The InclusiveNamespaces PrefixList of exclusive C14N, split on
    /// whitespace; `#default` names the default namespace. Inclusive C14N
    /// renders every binding in scope and ignores it (entries must still be
    /// prefixes or `#default`).
    pub inclusive_prefixes: Vec<&'p str>,
    /// A descendant element left out with its subtree (the enveloped-signature
    /// transform).
    pub omit: Option<NodeId>,
}

impl<'p> Options<'p> {
    /// Parses a PrefixList attribute value (whitespace-separated).
    pub fn with_prefix_list(mut self, list: &'p str) -> Self {
        self.inclusive_prefixes = list.split_ascii_whitespace().collect();
        self
    }
}

/// Canonicalizes the subtree rooted at `apex` into `sink`.
///
/// With `apex == NodeId::DOCUMENT` the whole document is canonicalized as
/// `xmllint --exc-c14n` prints it: comments (when kept) and processing
/// instructions outside the root are joined to it by newlines.
pub fn canonicalize<S: Sink + ?Sized>(
    doc: &Document<'_>,
    apex: NodeId,
    options: &Options<'_>,
    sink: &mut S,
) -> Result<(), C14nError> {
    write(doc, apex, options, Staged::<S, S>::new(sink, None))?.finish();
    Ok(())
}

/// The walk of [`canonicalize`] into `out`, which it returns.
fn write<O: Output>(doc: &Document<'_>, apex: NodeId, options: &Options<'_>, out: O) -> Result<O, C14nError> {
    let prefixes = prepare(doc, apex, options)?;
    match options.method {
        Method::Exclusive => {
            walk(Writer::new(doc, out, options.with_comments, Exclusive::new(prefixes), None), apex, options)
        }
        Method::Inclusive => {
            walk(Writer::new(doc, out, options.with_comments, Inclusive::new(), None), apex, options)
        }
    }
}

/// Runs `writer` over `apex` (the document or an element) and returns its output.
fn walk<'d, O: Output, R: exclusive::NamespaceRendering<'d>>(
    mut writer: Writer<'d, '_, O, R>,
    apex: NodeId,
    options: &Options<'_>,
) -> Result<O, C14nError> {
    if apex == NodeId::DOCUMENT {
        writer.document(options.omit)?;
    } else {
        writer.subtree(apex, options.omit)?;
    }
    Ok(writer.out)
}

/// Checks `apex` and `options`; returns the PrefixList (`""` for `#default`).
fn prepare<'p>(doc: &Document<'_>, apex: NodeId, options: &Options<'p>) -> Result<Vec<&'p str>, C14nError> {
    if apex != NodeId::DOCUMENT && doc.element(apex).is_none() {
        return Err(C14nError::NotAnElement);
    }
    if let Some(omit) = options.omit
        && (omit == apex || doc.element(omit).is_none() || !doc.contains(apex, omit))
    {
        return Err(C14nError::OmitOutsideSubtree);
    }
    let mut inclusive = Vec::with_capacity(options.inclusive_prefixes.len());
    for &prefix in &options.inclusive_prefixes {
        match prefix {
            "#default" => inclusive.push(""),
            p if is_ncname(p) => inclusive.push(p),
            p => return Err(C14nError::InvalidPrefix(p.to_string())),
        }
    }
    Ok(inclusive)
}

/// Canonicalizes into a new vector (for tooling and tests; the signature stage
/// streams instead).
pub fn to_vec(doc: &Document<'_>, apex: NodeId, options: &Options<'_>) -> Result<Vec<u8>, C14nError> {
    // The written size plus room for expanded empty tags and pushed-down
    // namespaces: one allocation for a typical SignedInfo.
    let written = doc.subtree_span(apex).len();
    let mut out = Vec::with_capacity(written + written / 2 + 256);
    // Straight into the vector: staging would only copy the bytes twice.
    write(doc, apex, options, Plain(&mut out))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    fn c14n(input: &str, options: &Options<'_>) -> String {
        let doc = parse(input.as_bytes()).unwrap();
        String::from_utf8(to_vec(&doc, NodeId::DOCUMENT, options).unwrap()).unwrap()
    }

    fn c14n_id(input: &str, id: &str, options: &Options<'_>) -> String {
        let doc = parse(input.as_bytes()).unwrap();
        let node = doc.element_by_id(id).unwrap();
        String::from_utf8(to_vec(&doc, node, options).unwrap()).unwrap()
    }

    #[test]
    fn namespaces_are_pushed_down_to_first_use() {
        let input =
            r#"<r xmlns="urn:d" xmlns:a="urn:a" xmlns:u="urn:unused"><a:x ID="1"><y a:k="v"/></a:x></r>"#;
        assert_eq!(
            c14n_id(input, "1", &Options::default()),
            r#"<a:x xmlns:a="urn:a" ID="1"><y xmlns="urn:d" a:k="v"></y></a:x>"#
        );
        assert_eq!(
            c14n(input, &Options::default()),
            r#"<r xmlns="urn:d"><a:x xmlns:a="urn:a" ID="1"><y a:k="v"></y></a:x></r>"#
        );
    }

    #[test]
    fn empty_default_only_undoes_a_rendered_default() {
        let input = r#"<r xmlns="urn:d"><p:x xmlns:p="urn:p" xmlns=""><y/></p:x><z xmlns=""/></r>"#;
        assert_eq!(
            c14n(input, &Options::default()),
            r#"<r xmlns="urn:d"><p:x xmlns:p="urn:p"><y xmlns=""></y></p:x><z xmlns=""></z></r>"#
        );
    }

    #[test]
    fn inclusive_prefix_list() {
        let input = r#"<r xmlns:xs="urn:xs" xmlns:u="urn:u"><a ID="1" t="xs:string"/></r>"#;
        let options = Options::default().with_prefix_list("xs #default");
        assert_eq!(c14n_id(input, "1", &options), r#"<a xmlns:xs="urn:xs" ID="1" t="xs:string"></a>"#);
    }

    #[test]
    fn default_in_prefix_list_undoes_a_rendered_default_on_a_prefixed_element() {
        let input = r#"<r xmlns="urn:d"><p:x xmlns:p="urn:p" xmlns=""><y/></p:x></r>"#;
        assert_eq!(
            c14n(input, &Options::default().with_prefix_list("#default")),
            r#"<r xmlns="urn:d"><p:x xmlns="" xmlns:p="urn:p"><y></y></p:x></r>"#
        );
        assert_eq!(
            c14n(input, &Options::default()),
            r#"<r xmlns="urn:d"><p:x xmlns:p="urn:p"><y xmlns=""></y></p:x></r>"#
        );
    }

    #[test]
    fn inclusive_renders_what_differs_from_the_parent() {
        let input = r#"<r xmlns="urn:d" xmlns:a="urn:a"><a:x xmlns:a="urn:a" xmlns=""><y xmlns="urn:e" xmlns:b="urn:b"/><!--c--></a:x></r>"#;
        let options = Options { method: Method::Inclusive, ..Options::default() };
        assert_eq!(
            c14n(input, &options),
            r#"<r xmlns="urn:d" xmlns:a="urn:a"><a:x xmlns=""><y xmlns="urn:e" xmlns:b="urn:b"></y></a:x></r>"#
        );
        let options = Options { with_comments: true, ..options };
        assert_eq!(
            c14n(input, &options),
            r#"<r xmlns="urn:d" xmlns:a="urn:a"><a:x xmlns=""><y xmlns="urn:e" xmlns:b="urn:b"></y><!--c--></a:x></r>"#
        );
    }

    #[test]
    fn inclusive_apex_renders_the_scope_and_inherits_xml_attributes() {
        let input = r#"<r xmlns="urn:d" xml:lang="en" xmlns:a="urn:a"><q xml:space="preserve"><p:x ID="x" xmlns:p="urn:p" xml:lang="fr"><y xmlns:a="urn:a"/></p:x></q></r>"#;
        let options = Options { method: Method::Inclusive, ..Options::default() };
        assert_eq!(
            c14n_id(input, "x", &options),
            r#"<p:x xmlns="urn:d" xmlns:a="urn:a" xmlns:p="urn:p" ID="x" xml:lang="fr" xml:space="preserve"><y></y></p:x>"#
        );
        // Exclusive C14N neither renders the unused bindings nor inherits.
        assert_eq!(
            c14n_id(input, "x", &Options::default()),
            r#"<p:x xmlns:p="urn:p" ID="x" xml:lang="fr"><y xmlns="urn:d"></y></p:x>"#
        );
    }

    #[test]
    fn attribute_order_and_escaping() {
        let input = "<r xmlns:b=\"urn:b\" xmlns:a=\"urn:z\" z=\"1\" b:y=\"&quot;&#9;&#xA;&#xD;\" a:x=\"&lt;&gt;\">a&gt;b&#xD;&amp;</r>";
        assert_eq!(
            c14n(input, &Options::default()),
            "<r xmlns:a=\"urn:z\" xmlns:b=\"urn:b\" z=\"1\" b:y=\"&quot;&#x9;&#xA;&#xD;\" a:x=\"&lt;>\">a&gt;b&#xD;&amp;</r>"
        );
    }

    #[test]
    fn omit_and_comments() {
        let input = "<?pi x?><!--c--><r ID=\"1\"><s:Signature xmlns:s=\"urn:s\"><k/></s:Signature><!--in--><a>x</a></r><!--after-->";
        let doc = parse(input.as_bytes()).unwrap();
        let root = doc.root();
        let signature = doc.child_elements(root).next().unwrap().id();
        let options = Options { omit: Some(signature), ..Options::default() };
        assert_eq!(to_vec(&doc, root, &options).unwrap(), b"<r ID=\"1\"><a>x</a></r>");
        let options = Options { with_comments: true, ..Options::default() };
        assert_eq!(
            String::from_utf8(to_vec(&doc, NodeId::DOCUMENT, &options).unwrap()).unwrap(),
            "<?pi x?>\n<!--c-->\n<r ID=\"1\"><s:Signature xmlns:s=\"urn:s\"><k></k></s:Signature><!--in--><a>x</a></r>\n<!--after-->"
        );
        assert_eq!(
            canonicalize(&doc, root, &Options { omit: Some(root), ..Options::default() }, &mut Vec::new()),
            Err(C14nError::OmitOutsideSubtree)
        );
    }

    /// Records the length of every write, to see that staging coalesces them.
    #[derive(Default)]
    struct Writes(Vec<u8>, Vec<usize>);

    impl Sink for Writes {
        fn write(&mut self, bytes: &[u8]) {
            self.0.extend_from_slice(bytes);
            self.1.push(bytes.len());
        }
    }

    #[test]
    fn staged_sink_sees_the_bytes_of_to_vec_in_few_writes() {
        let body = "<r>".to_string() + &"<a b=\"1\">text &amp; more</a>".repeat(500) + "</r>";
        let doc = parse(body.as_bytes()).unwrap();
        let bytes = to_vec(&doc, doc.root(), &Options::default()).unwrap();
        let mut sink = Writes::default();
        canonicalize(&doc, doc.root(), &Options::default(), &mut sink).unwrap();
        assert_eq!(sink.0, bytes);
        // The walk's writes are short: each handed-on piece but the last fills most of the buffer.
        let (last, full) = sink.1.split_last().unwrap();
        assert!(full.len() >= 5 && full.iter().all(|&n| n > 2000) && *last <= 2048, "{:?}", sink.1);
    }
}
