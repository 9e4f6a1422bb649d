//! Strict XML 1.0 + Namespaces parser producing an immutable arena [`Document`].
//!
//! The input is parsed exactly once (the manual's one-parse invariant), in one forward
//! pass: `memchr` finds the next `<` or `&`, quick-xml's quote-aware element
//! parser finds where a tag ends, and comments, CDATA sections and processing
//! instructions end at their exact terminators (the boundaries quick-xml's
//! reader draws, without its per-event UTF-8 re-validation: the whole input
//! is validated once). Everything that decides what the document *means* —
//! attribute syntax, entity and character references, namespace binding, name
//! syntax, well-formedness — is checked here, because quick-xml is lenient on
//! several of these and parser differentials are where SAML bypasses live.
//!
//! What is refused: any DOCTYPE; entity references other than the five
//! predefined ones; encodings other than UTF-8; more than one root or text
//! outside it; unclosed or mismatched tags; duplicate attributes by expanded
//! name; unbound prefixes; `xmlns:p=""`; namespace names that are not absolute
//! URIs as libxml2 parses them (its canonicalization cannot handle the others,
//! CVE-2025-66475);
//! rebinding `xml`/`xmlns`; characters XML 1.0 does not allow; `<` in attribute
//! values; `]]>` in text; duplicate values of attributes named `ID`; and
//! anything over [`Limits`]. Line ends are normalized everywhere, comments and
//! processing instructions included (XML 1.0 §2.11).
//!
//! ```
//! use samlguard::xml::{self, NodeKind};
//!
//! let doc = xml::parse(br#"<a:root xmlns:a="urn:a" ID="x">hi &amp; <!--c-->bye</a:root>"#)?;
//! let root = doc.root();
//! assert_eq!(doc.element(root).unwrap().local_name(), "root");
//! assert_eq!(doc.element(root).unwrap().namespace(), "urn:a");
//! assert_eq!(doc.element_by_id("x"), Some(root));
//! assert_eq!(doc.text_content(root).unwrap(), "hi & bye");
//! # Ok::<(), samlguard::xml::XmlError>(())
//! ```

mod document;
mod error;
mod lexer;
mod names;
mod namespaces;
mod parser;

pub use document::{
    Attribute, AttributeRef, Children, Document, Element, ElementRef, NamespaceDecl, Node, NodeId, NodeKind,
};
pub use error::{TextPosition, XmlError, XmlErrorKind};
pub use names::is_ncname;
pub(crate) use names::{is_absolute_uri, is_ncname_chars, same_name};
pub(crate) use namespaces::Bindings;

use lexer::decode;
use parser::Parser;

/// The namespace bound to the `xml` prefix.
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
/// The namespace bound to the `xmlns` prefix.
pub const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";

/// Upper bounds on what a single parse may consume. Every excess is a typed
/// [`XmlError`], never a panic or an unbounded allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Maximum input size in bytes (including a BOM).
    pub max_input_bytes: usize,
    /// Maximum element nesting depth (the root is depth 1).
    pub max_depth: usize,
    /// Maximum number of nodes (elements, text runs, comments, PIs).
    pub max_nodes: usize,
    /// Maximum number of attributes on one element, namespace declarations included.
    pub max_attributes_per_element: usize,
    /// Maximum length in bytes of one attribute value as written.
    pub max_attribute_value_bytes: usize,
    /// Maximum number of namespace declarations in the whole document.
    pub max_namespace_declarations: usize,
}

impl Default for Limits {
    /// Generous for any real SAML response or IdP metadata, small enough that
    /// the worst case stays cheap.
    fn default() -> Self {
        Self {
            max_input_bytes: 1024 * 1024,
            max_depth: 256,
            max_nodes: 100_000,
            max_attributes_per_element: 128,
            max_attribute_value_bytes: 64 * 1024,
            max_namespace_declarations: 4096,
        }
    }
}

/// Parses `input` with the default [`Limits`].
pub fn parse(input: &[u8]) -> Result<Document<'_>, XmlError> {
    parse_with_limits(input, &Limits::default())
}

/// Parses `input` under `limits`.
pub fn parse_with_limits<'a>(input: &'a [u8], limits: &Limits) -> Result<Document<'a>, XmlError> {
    if input.len() > limits.max_input_bytes {
        return Err(too_large());
    }
    let text = decode(input)?;
    Parser::new(text, limits).run()
}

/// Parses `input` under `limits` as a fragment that stood where the
/// namespace `bindings` (prefix, namespace name; the empty prefix for the
/// default namespace) were in scope, as a decrypted element is read in the
/// place of the EncryptedData it replaces. The result is a document of its
/// own, with every rule and limit of [`parse_with_limits`]; the bindings
/// are checked like declarations written in it, count against
/// [`Limits::max_namespace_declarations`], and are listed by
/// [`Document::context_namespaces`].
///
/// ```
/// use samlguard::xml;
///
/// let scope = [("saml".to_owned(), "urn:oasis:names:tc:SAML:2.0:assertion".to_owned())];
/// let doc = xml::parse_with_scope(b"<saml:Assertion ID=\"a\"/>", &xml::Limits::default(), &scope)?;
/// assert!(doc.element(doc.root()).unwrap().is("urn:oasis:names:tc:SAML:2.0:assertion", "Assertion"));
/// assert!(xml::parse(b"<saml:Assertion/>").is_err());
/// # Ok::<(), samlguard::xml::XmlError>(())
/// ```
pub fn parse_with_scope<'a, S: AsRef<str>>(
    input: &'a [u8],
    limits: &Limits,
    bindings: &'a [(S, S)],
) -> Result<Document<'a>, XmlError> {
    if input.len() > limits.max_input_bytes {
        return Err(too_large());
    }
    let text = decode(input)?;
    Parser::new(text, limits).with_context(bindings)?.run()
}

fn too_large() -> XmlError {
    XmlError { kind: XmlErrorKind::InputTooLarge, position: TextPosition { line: 1, column: 1 } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_typed_errors() {
        let limits = Limits { max_depth: 3, ..Limits::default() };
        let err = parse_with_limits(b"<a><b><c><d/></c></b></a>", &limits).unwrap_err();
        assert_eq!(err.kind(), "depth_limit");
        let limits = Limits { max_input_bytes: 4, ..Limits::default() };
        assert_eq!(parse_with_limits(b"<abc/>", &limits).unwrap_err().kind(), "document_too_large");
        let limits = Limits { max_nodes: 3, ..Limits::default() };
        assert_eq!(parse_with_limits(b"<a><b/><c/></a>", &limits).unwrap_err().kind(), "node_limit");
        let limits = Limits { max_attributes_per_element: 2, ..Limits::default() };
        assert_eq!(
            parse_with_limits(b"<a b='1' c='2' d='3'/>", &limits).unwrap_err().kind(),
            "attribute_limit"
        );
        let limits = Limits { max_attribute_value_bytes: 2, ..Limits::default() };
        assert_eq!(parse_with_limits(b"<a b='123'/>", &limits).unwrap_err().kind(), "attribute_value_limit");
        let limits = Limits { max_namespace_declarations: 2, ..Limits::default() };
        let input = b"<a xmlns:a='urn:a' xmlns:b='urn:b' xmlns:c='urn:c'/>";
        assert_eq!(parse_with_limits(input, &limits).unwrap_err().kind(), "namespace_limit");
        let scope = [("a", "urn:a"), ("b", "urn:b")];
        assert_eq!(
            parse_with_scope(b"<a xmlns:c='urn:c'/>", &limits, &scope).unwrap_err().kind(),
            "namespace_limit"
        );
        let limits = Limits { max_input_bytes: 4, ..Limits::default() };
        assert_eq!(parse_with_scope(b"<abc/>", &limits, &scope).unwrap_err().kind(), "document_too_large");
    }

    #[test]
    fn a_fragment_is_read_in_the_scope_it_stood_in() {
        const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
        let scope = [("", SAML), ("saml", SAML), ("xs", "http://www.w3.org/2001/XMLSchema")];
        let doc = parse_with_scope(
            b"<Assertion><saml:Issuer>x</saml:Issuer><b xmlns=''/></Assertion>",
            &Limits::default(),
            &scope,
        )
        .unwrap();
        let root = doc.element(doc.root()).unwrap();
        assert!(root.is(SAML, "Assertion"));
        assert!(root.namespace_declarations().is_empty());
        let issuer = doc.child_elements(doc.root()).next().unwrap();
        assert!(issuer.is(SAML, "Issuer"));
        assert_eq!(issuer.lookup_namespace("xs"), Some("http://www.w3.org/2001/XMLSchema"));
        assert_eq!(doc.child_elements(doc.root()).nth(1).unwrap().namespace(), "");
        let context: Vec<_> = doc.context_namespaces().iter().map(|d| (d.prefix(), d.uri())).collect();
        assert_eq!(context, scope);
        assert!(parse(b"<x/>").unwrap().context_namespaces().is_empty());
        // Without the scope the same bytes do not parse.
        assert_eq!(parse(b"<saml:Issuer/>").unwrap_err().kind(), "unbound_prefix");
        // `xml` with its own name and an empty default change nothing.
        let harmless = [("xml", XML_NS), ("", "")];
        assert!(
            parse_with_scope(b"<a/>", &Limits::default(), &harmless).unwrap().context_namespaces().is_empty()
        );
    }

    #[test]
    fn a_scope_is_checked_like_declarations() {
        let kind = |scope: &[(&str, &str)]| {
            parse_with_scope(b"<a/>", &Limits::default(), scope).unwrap_err().kind().as_str()
        };
        assert_eq!(kind(&[("p", "relative")]), "relative_namespace_uri");
        assert_eq!(kind(&[("p", "")]), "empty_prefix_binding");
        assert_eq!(kind(&[("xmlns", "urn:x")]), "reserved_namespace");
        assert_eq!(kind(&[("xml", "urn:x")]), "reserved_namespace");
        assert_eq!(kind(&[("p", XMLNS_NS)]), "reserved_namespace");
        assert_eq!(kind(&[("1p", "urn:x")]), "invalid_name");
        assert_eq!(kind(&[("p", "urn:x"), ("p", "urn:y")]), "duplicate_xml_attribute");
        // DOCTYPE and every other rule still apply.
        let doctype = parse_with_scope(b"<!DOCTYPE a><a/>", &Limits::default(), &[("p", "urn:x")]);
        assert_eq!(doctype.unwrap_err().kind(), "doctype_not_allowed");
    }
}
