//! Strict XML 1.0 + Namespaces parser producing an immutable arena [`Document`].
//!
//! The input is parsed exactly once (security invariant 1), in one forward
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
//! URIs (canonicalization cannot handle relative ones, CVE-2025-66475);
//! rebinding `xml`/`xmlns`; characters XML 1.0 does not allow; `<` in attribute
//! values; `]]>` in text; duplicate values of attributes named `ID`; and
//! anything over [`Limits`].
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

use std::borrow::Cow;
use std::fmt;

use quick_xml::parser::{ElementParser, Parser as _};

use crate::bytes::{any_byte, block_has};

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

/// A line and column (both 1-based, column counted in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextPosition {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl fmt::Display for TextPosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Why a document was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum XmlErrorKind {
    /// The input is larger than [`Limits::max_input_bytes`].
    InputTooLarge,
    /// The input is not UTF-8 (or declares another encoding, or has a UTF-16 BOM).
    Encoding,
    /// A character that XML 1.0 does not allow.
    InvalidCharacter,
    /// A `<!DOCTYPE`: DTDs are never processed.
    DoctypeNotAllowed,
    /// An entity reference other than the five predefined ones.
    UnknownEntity,
    /// A malformed character reference or one naming a disallowed character.
    InvalidCharacterReference,
    /// The XML declaration is malformed, misplaced or not version 1.0.
    XmlDeclaration,
    /// No root element.
    NoRootElement,
    /// A second root element.
    MultipleRootElements,
    /// Non-whitespace text (or CDATA, or a reference) outside the root element.
    TextOutsideRoot,
    /// An element is not closed before the end of input.
    UnclosedElement,
    /// An end tag does not match its start tag, or has no start tag.
    MismatchedTag,
    /// Two attributes with the same expanded name on one element.
    DuplicateAttribute,
    /// A prefix with no namespace binding in scope.
    UnboundPrefix,
    /// `xmlns:p=""`: namespace 1.0 forbids undeclaring a prefix.
    EmptyPrefixBinding,
    /// A namespace name that is not an absolute URI (CVE-2025-66475).
    RelativeNamespaceUri,
    /// Binding or rebinding the reserved `xml` / `xmlns` prefixes or names.
    ReservedNamespace,
    /// `<` inside an attribute value.
    LessThanInAttribute,
    /// The sequence `]]>` in text content.
    CdataEndInText,
    /// A name (element, attribute, PI target) that is not a valid XML name.
    InvalidName,
    /// Malformed markup that fits none of the other kinds.
    Syntax(&'static str),
    /// More nesting than [`Limits::max_depth`].
    DepthLimit,
    /// More nodes than [`Limits::max_nodes`].
    NodeLimit,
    /// More attributes on one element than [`Limits::max_attributes_per_element`].
    AttributeLimit,
    /// An attribute value longer than [`Limits::max_attribute_value_bytes`].
    AttributeValueLimit,
    /// More namespace declarations than [`Limits::max_namespace_declarations`].
    NamespaceLimit,
    /// Two attributes named `ID` with the same value.
    DuplicateId,
}

impl XmlErrorKind {
    /// Stable snake_case name of this kind.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::InputTooLarge => "input_too_large",
            Self::Encoding => "encoding",
            Self::InvalidCharacter => "invalid_character",
            Self::DoctypeNotAllowed => "doctype_not_allowed",
            Self::UnknownEntity => "unknown_entity",
            Self::InvalidCharacterReference => "invalid_character_reference",
            Self::XmlDeclaration => "xml_declaration",
            Self::NoRootElement => "no_root_element",
            Self::MultipleRootElements => "multiple_root_elements",
            Self::TextOutsideRoot => "text_outside_root",
            Self::UnclosedElement => "unclosed_element",
            Self::MismatchedTag => "mismatched_tag",
            Self::DuplicateAttribute => "duplicate_attribute",
            Self::UnboundPrefix => "unbound_prefix",
            Self::EmptyPrefixBinding => "empty_prefix_binding",
            Self::RelativeNamespaceUri => "relative_namespace_uri",
            Self::ReservedNamespace => "reserved_namespace",
            Self::LessThanInAttribute => "less_than_in_attribute",
            Self::CdataEndInText => "cdata_end_in_text",
            Self::InvalidName => "invalid_name",
            Self::Syntax(_) => "xml_syntax",
            Self::DepthLimit => "depth_limit",
            Self::NodeLimit => "node_limit",
            Self::AttributeLimit => "attribute_limit",
            Self::AttributeValueLimit => "attribute_value_limit",
            Self::NamespaceLimit => "namespace_limit",
            Self::DuplicateId => "duplicate_id",
        }
    }

    fn describe(&self) -> &'static str {
        match self {
            Self::InputTooLarge => "input is larger than the configured limit",
            Self::Encoding => "input is not UTF-8",
            Self::InvalidCharacter => "character not allowed in XML 1.0",
            Self::DoctypeNotAllowed => "DOCTYPE declarations are not allowed",
            Self::UnknownEntity => "entity reference other than the five predefined ones",
            Self::InvalidCharacterReference => "invalid character reference",
            Self::XmlDeclaration => "invalid or misplaced XML declaration",
            Self::NoRootElement => "no root element",
            Self::MultipleRootElements => "more than one root element",
            Self::TextOutsideRoot => "text outside the root element",
            Self::UnclosedElement => "element not closed before end of input",
            Self::MismatchedTag => "end tag does not match start tag",
            Self::DuplicateAttribute => "duplicate attribute",
            Self::UnboundPrefix => "namespace prefix is not bound",
            Self::EmptyPrefixBinding => "a prefix cannot be bound to the empty namespace name",
            Self::RelativeNamespaceUri => "namespace name is not an absolute URI (without '&')",
            Self::ReservedNamespace => "reserved namespace prefix or name rebound",
            Self::LessThanInAttribute => "'<' in attribute value",
            Self::CdataEndInText => "']]>' in text content",
            Self::InvalidName => "invalid XML name",
            Self::Syntax(what) => what,
            Self::DepthLimit => "nesting depth limit exceeded",
            Self::NodeLimit => "node count limit exceeded",
            Self::AttributeLimit => "attribute count limit exceeded",
            Self::AttributeValueLimit => "attribute value length limit exceeded",
            Self::NamespaceLimit => "namespace declaration limit exceeded",
            Self::DuplicateId => "two attributes named ID have the same value",
        }
    }
}

/// A refused document: what was wrong and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} at {position}", kind.describe())]
pub struct XmlError {
    kind: XmlErrorKind,
    position: TextPosition,
}

impl XmlError {
    /// What was wrong.
    pub fn error_kind(&self) -> &XmlErrorKind {
        &self.kind
    }

    /// Stable snake_case name of the error kind.
    pub fn kind(&self) -> &'static str {
        self.kind.as_str()
    }

    /// What was wrong, in words, without the position.
    pub fn message(&self) -> &'static str {
        self.kind.describe()
    }

    /// Where in the input (line:column).
    pub fn position(&self) -> TextPosition {
        self.position
    }
}

/// Index of a node in a [`Document`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(u32);

impl NodeId {
    /// The document node: parent of the root element and of top-level comments/PIs.
    pub const DOCUMENT: Self = Self(0);

    fn index(self) -> usize {
        self.0 as usize
    }
}

/// What a node is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind<'a> {
    /// The document node (always [`NodeId::DOCUMENT`]).
    Document,
    /// An element.
    Element(Element),
    /// A maximal run of character data: text, CDATA and references, resolved
    /// and concatenated, with line ends normalized.
    Text(Cow<'a, str>),
    /// A comment (content between `<!--` and `-->`).
    Comment(&'a str),
    /// A processing instruction.
    ProcessingInstruction {
        /// The target name.
        target: &'a str,
        /// The data after the target and its separating whitespace (may be empty).
        data: &'a str,
    },
}

/// One node of the arena.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node<'a> {
    kind: NodeKind<'a>,
    parent: Option<NodeId>,
    /// One past the last node of this node's subtree (nodes are in document order).
    subtree_end: u32,
    /// Byte offset of the node in the input.
    offset: u32,
}

impl<'a> Node<'a> {
    /// What this node is.
    pub fn kind(&self) -> &NodeKind<'a> {
        &self.kind
    }

    /// The parent node ([`None`] only for the document node).
    pub fn parent(&self) -> Option<NodeId> {
        self.parent
    }

    /// Byte offset of the node's start in the (BOM-stripped) input.
    pub fn offset(&self) -> usize {
        self.offset as usize
    }
}

/// Index into the document's namespace-declaration table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct NsIndex(u32);

/// An element: names as written, resolved namespace, attribute and namespace
/// declaration ranges into the document's tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    name_start: u32,
    prefix_len: u32,
    name_len: u32,
    /// Namespace declaration in scope for this element's prefix (None: no namespace).
    namespace: Option<NsIndex>,
    attributes: (u32, u32),
    declarations: (u32, u32),
}

impl Element {
    /// Where the qualified name is written in the input.
    fn name_range(&self) -> std::ops::Range<usize> {
        let start = self.name_start as usize;
        start..start + self.name_len as usize
    }
}

/// An attribute (namespace declarations are not attributes here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute<'a> {
    prefix: &'a str,
    local: &'a str,
    namespace: Option<NsIndex>,
    value: Cow<'a, str>,
    offset: u32,
}

/// A namespace declaration as written (`xmlns="…"` has an empty prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceDecl<'a> {
    prefix: &'a str,
    uri: Cow<'a, str>,
}

impl NamespaceDecl<'_> {
    /// The declared prefix; empty for a default namespace declaration.
    pub fn prefix(&self) -> &str {
        self.prefix
    }

    /// The namespace name; empty only for `xmlns=""`.
    pub fn uri(&self) -> &str {
        &self.uri
    }
}

/// A parsed, immutable document. Nodes are stored in document order, so a
/// subtree is a contiguous range.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    input: &'a str,
    nodes: Vec<Node<'a>>,
    attributes: Vec<Attribute<'a>>,
    /// Index 0 is the implicit `xml` binding; the rest as written, in document order.
    declarations: Vec<NamespaceDecl<'a>>,
    /// Attributes named `ID`, sorted by value.
    ids: Vec<(u32, NodeId)>,
    root: NodeId,
}

/// A borrowed view of an element together with its document.
#[derive(Debug, Clone, Copy)]
pub struct ElementRef<'d, 'a> {
    doc: &'d Document<'a>,
    element: &'d Element,
    id: NodeId,
}

impl<'d, 'a> ElementRef<'d, 'a> {
    /// The element's node id.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The prefix as written (empty when unprefixed).
    pub fn prefix(&self) -> &'a str {
        let start = self.element.name_range().start;
        &self.doc.input[start..start + self.element.prefix_len as usize]
    }

    /// The local name.
    pub fn local_name(&self) -> &'a str {
        let name = self.element.name_range();
        let p = self.element.prefix_len as usize;
        if p == 0 { &self.doc.input[name] } else { &self.doc.input[name.start + p + 1..name.end] }
    }

    /// The qualified name as written (`prefix:local` or `local`).
    pub fn qname(&self) -> &'a str {
        &self.doc.input[self.element.name_range()]
    }

    /// `<` and the qualified name, as written at the start of the element.
    pub(crate) fn tag_open(&self) -> &'a str {
        let name = self.element.name_range();
        &self.doc.input[name.start - 1..name.end]
    }

    /// The start tag when it is written `<qname>`, with nothing after the name.
    pub(crate) fn bare_start_tag(&self) -> Option<&'a str> {
        let name = self.element.name_range();
        (self.doc.input.as_bytes().get(name.end) == Some(&b'>'))
            .then(|| &self.doc.input[name.start - 1..=name.end])
    }

    /// The namespace name; empty when the element is in no namespace.
    pub fn namespace(&self) -> &'d str {
        self.doc.ns_uri(self.element.namespace)
    }

    /// True when the element has this namespace name and local name.
    pub fn is(&self, namespace: &str, local: &str) -> bool {
        same_name(self.local_name(), local) && same_name(self.namespace(), namespace)
    }

    /// Attributes in the order written (namespace declarations excluded).
    pub fn attributes(&self) -> impl ExactSizeIterator<Item = AttributeRef<'d, 'a>> + 'd {
        let doc = self.doc;
        let (start, end) = self.element.attributes;
        doc.attributes[start as usize..end as usize]
            .iter()
            .map(move |attribute| AttributeRef { doc, attribute })
    }

    /// The value of the attribute with this namespace name (empty for none) and local name.
    pub fn attribute(&self, namespace: &str, local: &str) -> Option<&'d str> {
        self.attributes()
            .find(|a| same_name(a.local_name(), local) && same_name(a.namespace(), namespace))
            .map(|a| a.value())
    }

    /// Namespace declarations written on this element, in written order.
    pub fn namespace_declarations(&self) -> &'d [NamespaceDecl<'a>] {
        let (start, end) = self.element.declarations;
        &self.doc.declarations[start as usize..end as usize]
    }

    /// The namespace name bound to `prefix` (empty string: default namespace)
    /// in scope at this element, or `None` when unbound (or, for the default,
    /// when no default namespace is in effect).
    pub fn lookup_namespace(&self, prefix: &str) -> Option<&'d str> {
        if prefix == "xml" {
            return Some(XML_NS);
        }
        let mut current = Some(self.id);
        while let Some(id) = current {
            if let Some(element) = self.doc.element(id)
                && let Some(decl) = element.namespace_declarations().iter().find(|d| d.prefix == prefix)
            {
                return if decl.uri.is_empty() { None } else { Some(decl.uri()) };
            }
            current = self.doc.nodes[id.index()].parent;
        }
        None
    }
}

/// A borrowed view of an attribute.
#[derive(Debug, Clone, Copy)]
pub struct AttributeRef<'d, 'a> {
    doc: &'d Document<'a>,
    attribute: &'d Attribute<'a>,
}

impl<'d, 'a> AttributeRef<'d, 'a> {
    /// The prefix as written (empty when unprefixed).
    pub fn prefix(&self) -> &'a str {
        self.attribute.prefix
    }

    /// The local name.
    pub fn local_name(&self) -> &'a str {
        self.attribute.local
    }

    /// The namespace name (empty: no namespace, as for every unprefixed attribute).
    pub fn namespace(&self) -> &'d str {
        self.doc.ns_uri(self.attribute.namespace)
    }

    /// The value after reference resolution and attribute-value normalization.
    pub fn value(&self) -> &'d str {
        &self.attribute.value
    }

    /// Byte offset of the attribute in the input.
    pub fn offset(&self) -> usize {
        self.attribute.offset as usize
    }
}

impl<'a> Document<'a> {
    /// The root element.
    pub fn root(&self) -> NodeId {
        self.root
    }

    /// The (BOM-stripped) input the document was parsed from.
    pub fn input(&self) -> &'a str {
        self.input
    }

    /// Number of nodes, the document node included.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Never true: a parsed document has at least a document node and a root.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// A node by id.
    ///
    /// # Panics
    /// If `id` does not come from this document.
    pub fn node(&self, id: NodeId) -> &Node<'a> {
        &self.nodes[id.index()]
    }

    /// The element view of `id`, or `None` when `id` is not an element.
    pub fn element(&self, id: NodeId) -> Option<ElementRef<'_, 'a>> {
        match &self.nodes.get(id.index())?.kind {
            NodeKind::Element(element) => Some(ElementRef { doc: self, element, id }),
            _ => None,
        }
    }

    /// The parent of `id`.
    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        self.nodes.get(id.index())?.parent
    }

    /// Children of `id`, in document order.
    pub fn children(&self, id: NodeId) -> Children<'_, 'a> {
        let end = self.nodes.get(id.index()).map_or(0, |n| n.subtree_end);
        Children { doc: self, next: id.0 + 1, end }
    }

    /// Element children of `id`, in document order.
    pub fn child_elements(&self, id: NodeId) -> impl Iterator<Item = ElementRef<'_, 'a>> + '_ {
        self.children(id).filter_map(move |c| self.element(c))
    }

    /// Element children of a node that may hold only elements (comments, PIs
    /// and whitespace between them are allowed); `None` when it holds
    /// non-whitespace text. Structure elements (SAML, XML-DSig) are read this way.
    pub fn element_only_children(
        &self,
        id: NodeId,
    ) -> Option<impl Iterator<Item = ElementRef<'_, 'a>> + use<'_, 'a>> {
        let only_elements = self.children(id).all(|child| match &self.nodes[child.index()].kind {
            NodeKind::Text(t) => t.trim_matches([' ', '\t', '\n', '\r']).is_empty(),
            _ => true,
        });
        only_elements.then(|| self.child_elements(id))
    }

    /// All nodes of the subtree rooted at `id` (including `id`), in document order.
    pub fn descendants(&self, id: NodeId) -> impl Iterator<Item = NodeId> + use<'_, 'a> {
        let end = self.nodes.get(id.index()).map_or(id.0, |n| n.subtree_end);
        (id.0..end).map(NodeId)
    }

    /// The first node after the subtree rooted at `id` (document order).
    pub fn subtree_end(&self, id: NodeId) -> NodeId {
        NodeId(self.nodes.get(id.index()).map_or(id.0, |n| n.subtree_end))
    }

    /// Where the subtree rooted at `id` is written in the input: from its
    /// start to the start of the next node (or the end of the input).
    pub(crate) fn subtree_span(&self, id: NodeId) -> std::ops::Range<usize> {
        let start = self.nodes.get(id.index()).map_or(0, Node::offset);
        let end = self.nodes.get(self.subtree_end(id).index()).map_or(self.input.len(), Node::offset);
        start..end.max(start)
    }

    /// True when `ancestor` is `id` or one of its ancestors.
    pub fn contains(&self, ancestor: NodeId, id: NodeId) -> bool {
        let end = self.nodes.get(ancestor.index()).map_or(0, |n| n.subtree_end);
        ancestor.0 <= id.0 && id.0 < end
    }

    /// The element whose attribute named `ID` (in any namespace) has this value.
    /// Values are unique: duplicates were refused at parse time.
    pub fn element_by_id(&self, value: &str) -> Option<NodeId> {
        self.ids
            .binary_search_by(|(a, _)| self.attributes[*a as usize].value.as_ref().cmp(value))
            .ok()
            .map(|i| self.ids[i].1)
    }

    /// Number of attributes named `ID` in the document.
    pub fn id_count(&self) -> usize {
        self.ids.len()
    }

    /// The concatenation of all text children of `id` (text, CDATA and
    /// references; comments and PIs skipped), or `None` when `id` has an
    /// element child. This is what a signature over the element covers
    /// (security invariant 8): `a<!---->b` reads `ab`, never `a`.
    pub fn text_content(&self, id: NodeId) -> Option<Cow<'_, str>> {
        let mut out: Option<Cow<'_, str>> = None;
        for child in self.children(id) {
            match &self.nodes[child.index()].kind {
                NodeKind::Text(text) => match &mut out {
                    None => out = Some(Cow::Borrowed(text)),
                    Some(acc) => acc.to_mut().push_str(text),
                },
                NodeKind::Element(_) => return None,
                _ => {}
            }
        }
        Some(out.unwrap_or(Cow::Borrowed("")))
    }

    /// Line and column of a byte offset in the input.
    pub fn position(&self, offset: usize) -> TextPosition {
        position_of(self.input, offset)
    }

    fn ns_uri(&self, ns: Option<NsIndex>) -> &str {
        ns.map_or("", |NsIndex(i)| self.declarations[i as usize].uri())
    }
}

/// Iterator over the children of a node.
#[derive(Debug, Clone)]
pub struct Children<'d, 'a> {
    doc: &'d Document<'a>,
    next: u32,
    end: u32,
}

impl Iterator for Children<'_, '_> {
    type Item = NodeId;

    fn next(&mut self) -> Option<NodeId> {
        if self.next >= self.end {
            return None;
        }
        let id = NodeId(self.next);
        self.next = self.doc.nodes[id.index()].subtree_end;
        Some(id)
    }
}

/// Parses `input` with the default [`Limits`].
pub fn parse(input: &[u8]) -> Result<Document<'_>, XmlError> {
    parse_with_limits(input, &Limits::default())
}

/// Parses `input` under `limits`.
pub fn parse_with_limits<'a>(input: &'a [u8], limits: &Limits) -> Result<Document<'a>, XmlError> {
    if input.len() > limits.max_input_bytes {
        return Err(XmlError {
            kind: XmlErrorKind::InputTooLarge,
            position: TextPosition { line: 1, column: 1 },
        });
    }
    let text = decode(input)?;
    Parser::new(text, limits).run()
}

fn position_of(input: &str, offset: usize) -> TextPosition {
    let offset = offset.min(input.len());
    let mut cut = offset;
    while !input.is_char_boundary(cut) {
        cut -= 1;
    }
    let before = &input[..cut];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    TextPosition { line: saturate(line), column: saturate(column) }
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Strips a UTF-8 BOM, requires UTF-8 and XML 1.0 characters.
fn decode(input: &[u8]) -> Result<&str, XmlError> {
    let start = TextPosition { line: 1, column: 1 };
    if input.starts_with(&[0xFE, 0xFF]) || input.starts_with(&[0xFF, 0xFE]) {
        return Err(XmlError { kind: XmlErrorKind::Encoding, position: start });
    }
    let body = input.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(input);
    let text = match std::str::from_utf8(body) {
        Ok(text) => text,
        Err(e) => {
            let valid = std::str::from_utf8(&body[..e.valid_up_to()]).unwrap_or("");
            return Err(XmlError { kind: XmlErrorKind::Encoding, position: position_of(valid, valid.len()) });
        }
    };
    // XML 1.0 Char: no C0 controls but TAB/LF/CR, no U+FFFE/U+FFFF (surrogates
    // cannot occur in a Rust str). Blocks without a suspect byte are skipped
    // with a branch-free test the compiler vectorizes.
    let bytes = text.as_bytes();
    let suspect = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) | (b == 0xEF);
    let mut block_start = 0;
    for block in bytes.chunks(64) {
        if block_has(block, suspect) {
            for (j, &b) in block.iter().enumerate() {
                let i = block_start + j;
                let bad = match b {
                    0xEF => bytes.get(i + 1..i + 3).is_some_and(|t| t == [0xBF, 0xBE] || t == [0xBF, 0xBF]),
                    _ => suspect(b),
                };
                if bad {
                    return Err(XmlError {
                        kind: XmlErrorKind::InvalidCharacter,
                        position: position_of(text, i),
                    });
                }
            }
        }
        block_start += block.len();
    }
    Ok(text)
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

fn is_name_start_char(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

fn is_name_char(c: char) -> bool {
    is_name_start_char(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Classes of ASCII bytes in names: 0 not a name character, 1 a name
/// character, 2 also a name start character.
const ASCII_NAME_CLASS: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphabetic() || c == b'_' {
            2
        } else if c.is_ascii_digit() || c == b'-' || c == b'.' {
            1
        } else {
            0
        };
        b += 1;
    }
    table
};

/// An XML name without colons.
pub fn is_ncname(s: &str) -> bool {
    // ASCII fast path: nearly every name in SAML is plain ASCII.
    let bytes = s.as_bytes();
    if bytes.is_ascii() {
        return bytes.first().is_some_and(|&b| ASCII_NAME_CLASS[usize::from(b)] == 2)
            && bytes.iter().all(|&b| ASCII_NAME_CLASS[usize::from(b)] != 0);
    }
    let mut chars = s.chars();
    chars.next().is_some_and(is_name_start_char) && chars.all(is_name_char)
}

/// Position of the first XML whitespace byte.
fn find_whitespace(s: &str) -> Option<usize> {
    s.bytes().position(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// Splits a QName into (prefix, local); `None` when it is not `NCName` or `NCName:NCName`.
fn split_qname(name: &str) -> Option<(&str, &str)> {
    // ASCII fast path in one pass (element and attribute names of every tag).
    let mut colon = None;
    let mut at_start = true;
    for (i, &b) in name.as_bytes().iter().enumerate() {
        if b >= 0x80 {
            return split_qname_unicode(name);
        }
        if b == b':' {
            if at_start || colon.is_some() {
                return None;
            }
            colon = Some(i);
            at_start = true;
            continue;
        }
        let class = ASCII_NAME_CLASS[usize::from(b)];
        if class == 0 || (at_start && class != 2) {
            return None;
        }
        at_start = false;
    }
    if at_start {
        return None;
    }
    match colon {
        None => Some(("", name)),
        Some(i) => Some((&name[..i], &name[i + 1..])),
    }
}

fn split_qname_unicode(name: &str) -> Option<(&str, &str)> {
    match name.split_once(':') {
        None => is_ncname(name).then_some(("", name)),
        Some((prefix, local)) => (is_ncname(prefix) && is_ncname(local)).then_some((prefix, local)),
    }
}

/// An absolute URI: a scheme, then only characters a URI may contain.
/// libxml2's canonicalizer refuses anything else, so we refuse it at parse time
/// rather than produce a canonical form nobody else can reproduce. `&` is
/// refused too: libxml2 writes it unescaped in canonical namespace
/// declarations where the C14N recommendation escapes it, so the two disagree.
pub(crate) fn is_absolute_uri(uri: &str) -> bool {
    /// Bytes a URI may contain: ASCII letters, digits and this punctuation.
    const URI_BYTE: [bool; 256] = {
        let mut table = [false; 256];
        let punctuation = b"-._~:/?#[]@!$'()*+,;=%";
        let mut i = 0;
        while i < punctuation.len() {
            table[punctuation[i] as usize] = true;
            i += 1;
        }
        let mut b = 0;
        while b < 128 {
            if (b as u8).is_ascii_alphanumeric() {
                table[b] = true;
            }
            b += 1;
        }
        table
    };
    let Some((scheme, rest)) = uri.split_once(':') else {
        return false;
    };
    let mut sc = scheme.chars();
    sc.next().is_some_and(|c| c.is_ascii_alphabetic())
        && sc.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && rest.bytes().all(|b| URI_BYTE[usize::from(b)])
}

/// Resolves the reference body between `&` and `;`.
fn resolve_reference(name: &str) -> Result<char, XmlErrorKind> {
    match name {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        _ => {
            let Some(number) = name.strip_prefix('#') else {
                return Err(XmlErrorKind::UnknownEntity);
            };
            let (digits, radix) = match number.strip_prefix('x') {
                Some(hex) => (hex, 16),
                None => (number, 10),
            };
            if digits.is_empty() || digits.len() > 8 || !digits.chars().all(|c| c.is_digit(radix)) {
                return Err(XmlErrorKind::InvalidCharacterReference);
            }
            u32::from_str_radix(digits, radix)
                .ok()
                .and_then(char::from_u32)
                .filter(|&c| is_xml_char(c))
                .ok_or(XmlErrorKind::InvalidCharacterReference)
        }
    }
}

/// `raw` (text content without markup) with its line ends normalized,
/// borrowed when it has no CR.
fn normalized_eol(raw: &str) -> Cow<'_, str> {
    if !raw.contains('\r') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('\r') {
        out.push_str(&rest[..i]);
        out.push('\n');
        rest = &rest[i + 1..];
        if rest.starts_with('\n') {
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// A stack of namespace bindings (prefix, value), innermost last, whose
/// innermost-first lookup stays cheap at any depth. SAML keeps a handful of
/// bindings in scope and a backwards scan is fastest there; a hostile document
/// can nest thousands, so from [`Bindings::DEEP`] entries on, a prefix index
/// (built then, dropped when the stack shrinks back) answers instead.
#[derive(Debug)]
pub(crate) struct Bindings<'s, V> {
    entries: Vec<(&'s str, V)>,
    /// While deep: the innermost entry of each prefix.
    index: std::collections::HashMap<&'s str, usize>,
    /// While deep: for each entry, the entry of the same prefix it hides.
    shadowed: Vec<Option<usize>>,
}

impl<'s, V> Bindings<'s, V> {
    const DEEP: usize = 16;

    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: Vec::with_capacity(capacity),
            index: std::collections::HashMap::new(),
            shadowed: Vec::new(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entry at `position` (from [`Self::find`]).
    pub(crate) fn get(&self, position: usize) -> &(&'s str, V) {
        &self.entries[position]
    }

    pub(crate) fn push(&mut self, prefix: &'s str, value: V) {
        self.entries.push((prefix, value));
        let len = self.entries.len();
        if len == Self::DEEP {
            self.index.clear();
            self.shadowed.clear();
            for (position, &(p, _)) in self.entries.iter().enumerate() {
                self.shadowed.push(self.index.insert(p, position));
            }
        } else if len > Self::DEEP {
            self.shadowed.push(self.index.insert(prefix, len - 1));
        }
    }

    /// Pops back to `len` entries (a length [`Self::len`] returned before).
    pub(crate) fn truncate(&mut self, len: usize) {
        if self.entries.len() >= Self::DEEP {
            if len < Self::DEEP {
                self.index.clear();
                self.shadowed.clear();
            } else {
                for position in (len..self.entries.len()).rev() {
                    let prefix = self.entries[position].0;
                    match self.shadowed[position] {
                        Some(previous) => self.index.insert(prefix, previous),
                        None => self.index.remove(prefix),
                    };
                }
                self.shadowed.truncate(len);
            }
        }
        self.entries.truncate(len);
    }

    /// Position of the innermost entry for `prefix`.
    #[inline]
    pub(crate) fn find(&self, prefix: &str) -> Option<usize> {
        if self.entries.len() < Self::DEEP {
            self.entries.iter().rposition(|(p, _)| same_name(p, prefix))
        } else {
            self.index.get(prefix).copied()
        }
    }
}

struct Parser<'a, 'l> {
    input: &'a str,
    limits: &'l Limits,
    nodes: Vec<Node<'a>>,
    attributes: Vec<Attribute<'a>>,
    declarations: Vec<NamespaceDecl<'a>>,
    /// The bindings in scope (prefix, index into `declarations`), innermost last.
    scope: Bindings<'a, u32>,
    /// Open elements: node index and the scope length to restore on close.
    open: Vec<(u32, usize)>,
    /// Text run being accumulated: node offset and content.
    pending_text: Option<(usize, Cow<'a, str>)>,
    /// Scratch for one start tag's raw (name, value, offset) triples, kept
    /// between tags so that a tag with attributes costs no allocation.
    raw_attributes: Vec<(&'a str, &'a str, usize)>,
    root: Option<NodeId>,
    seen_markup: bool,
}

impl<'a, 'l> Parser<'a, 'l> {
    fn new(input: &'a str, limits: &'l Limits) -> Self {
        Self {
            input,
            limits,
            nodes: Vec::with_capacity(input.len() / 24 + 4),
            attributes: Vec::with_capacity(input.len() / 48 + 4),
            declarations: vec![NamespaceDecl { prefix: "xml", uri: Cow::Borrowed(XML_NS) }],
            scope: {
                let mut scope = Bindings::with_capacity(16);
                scope.push("xml", 0);
                scope
            },
            open: Vec::new(),
            pending_text: None,
            raw_attributes: Vec::with_capacity(16),
            root: None,
            seen_markup: false,
        }
    }

    /// Byte offset of a sub-slice of the input.
    fn offset_of(&self, part: &str) -> usize {
        (part.as_ptr() as usize).saturating_sub(self.input.as_ptr() as usize)
    }

    fn error(&self, kind: XmlErrorKind, offset: usize) -> XmlError {
        XmlError { kind, position: position_of(self.input, offset) }
    }

    fn run(mut self) -> Result<Document<'a>, XmlError> {
        self.nodes.push(Node { kind: NodeKind::Document, parent: None, subtree_end: 0, offset: 0 });
        let bytes = self.input.as_bytes();
        let mut pos = 0;
        while pos < bytes.len() {
            // Character data runs to the next markup or reference.
            let stop = memchr::memchr2(b'<', b'&', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
            if stop > pos {
                self.text(&self.input[pos..stop], pos)?;
                self.seen_markup = true;
                pos = stop;
                continue;
            }
            pos = if bytes[pos] == b'&' { self.reference_at(pos)? } else { self.markup_at(pos)? };
            self.seen_markup = true;
        }
        if !self.open.is_empty() {
            return Err(self.error(XmlErrorKind::UnclosedElement, self.input.len()));
        }
        let Some(root) = self.root else {
            return Err(self.error(XmlErrorKind::NoRootElement, self.input.len()));
        };
        let total = u32::try_from(self.nodes.len()).map_err(|_| self.error(XmlErrorKind::NodeLimit, 0))?;
        self.nodes[0].subtree_end = total;
        let ids = self.index_ids()?;
        Ok(Document {
            input: self.input,
            nodes: self.nodes,
            attributes: self.attributes,
            declarations: self.declarations,
            ids,
            root,
        })
    }

    /// A reference at `pos` (on `&`): up to the first `;`, which must come
    /// before any `&` or `<`. Returns where the input continues.
    fn reference_at(&mut self, pos: usize) -> Result<usize, XmlError> {
        let bytes = self.input.as_bytes();
        match memchr::memchr3(b';', b'&', b'<', &bytes[pos + 1..]) {
            Some(i) if bytes[pos + 1 + i] == b';' => {
                let end = pos + i + 2;
                self.reference(&self.input[pos..end], pos)?;
                Ok(end)
            }
            _ => Err(self.error(XmlErrorKind::Syntax("'&' without a reference"), pos)),
        }
    }

    /// The markup at `pos` (on `<`), delimited as quick-xml's parsers delimit
    /// it. Returns where the input continues.
    fn markup_at(&mut self, pos: usize) -> Result<usize, XmlError> {
        let input = self.input;
        let bytes = &input.as_bytes()[pos..];
        let malformed = || self.error(XmlErrorKind::Syntax("malformed markup"), pos);
        match bytes.get(1) {
            Some(b'!') => {
                if bytes.starts_with(b"<!--") {
                    let Some(close) = memchr::memmem::find(&bytes[4..], b"-->") else {
                        return Err(malformed());
                    };
                    let end = pos + 4 + close + 3;
                    self.comment(&input[pos..end], pos)?;
                    Ok(end)
                } else if bytes.starts_with(b"<![CDATA[") {
                    let Some(close) = memchr::memmem::find(&bytes[9..], b"]]>") else {
                        return Err(malformed());
                    };
                    let end = pos + 9 + close + 3;
                    self.cdata(&input[pos..end], pos)?;
                    Ok(end)
                } else if bytes.len() >= 9 && bytes[..9].eq_ignore_ascii_case(b"<!DOCTYPE") {
                    Err(self.error(XmlErrorKind::DoctypeNotAllowed, pos))
                } else {
                    Err(malformed())
                }
            }
            Some(b'/') => {
                let Some(close) = memchr::memchr(b'>', bytes) else { return Err(malformed()) };
                // Whitespace may follow the name; nothing else may.
                let name = input[pos + 2..pos + close].trim_end_matches([' ', '\t', '\n', '\r']);
                let expected =
                    self.open.last().and_then(|&(index, _)| match &self.nodes[index as usize].kind {
                        NodeKind::Element(e) => Some(&input[e.name_range()]),
                        _ => None,
                    });
                if expected != Some(name) {
                    return Err(self.error(XmlErrorKind::MismatchedTag, pos));
                }
                self.end_tag(pos)?;
                Ok(pos + close + 1)
            }
            Some(b'?') => {
                // The first `>` preceded by `?` ends it (`<?>` is too short).
                let close = memchr::memchr_iter(b'>', bytes).find(|&i| i > 0 && bytes[i - 1] == b'?');
                let Some(close) = close.filter(|&i| i + 1 > 3) else { return Err(malformed()) };
                let raw = &input[pos..pos + close + 1];
                let content = &bytes[2..close - 1];
                if content.starts_with(b"xml")
                    && content.get(3).is_none_or(|&b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                {
                    self.declaration(raw, pos)?;
                } else {
                    self.processing_instruction(raw, pos)?;
                }
                Ok(pos + close + 1)
            }
            Some(_) => {
                let Some(close) = ElementParser::Outside.feed(bytes) else { return Err(malformed()) };
                let raw = &input[pos..pos + close + 1];
                self.start_tag(raw, pos, raw.ends_with("/>"))?;
                Ok(pos + close + 1)
            }
            None => Err(malformed()),
        }
    }

    fn declaration(&mut self, raw: &str, start: usize) -> Result<(), XmlError> {
        if start != 0 || self.seen_markup {
            return Err(self.error(XmlErrorKind::XmlDeclaration, start));
        }
        // `<?xml` S attributes `?>`: reuse the attribute grammar.
        let body = raw.strip_prefix("<?xml").and_then(|r| r.strip_suffix("?>"));
        let Some(body) = body else {
            return Err(self.error(XmlErrorKind::XmlDeclaration, start));
        };
        let mut pairs = Vec::new();
        self.scan_attributes(body, start + 5, &mut pairs)?;
        // version, then optional encoding, then optional standalone: each once, in order.
        let mut stage = 0;
        for &(name, value, offset) in &pairs {
            let next = match (stage, name) {
                (0, "version") if value == "1.0" => 1,
                (1, "encoding") if value.eq_ignore_ascii_case("UTF-8") => 2,
                (1, "encoding") => return Err(self.error(XmlErrorKind::Encoding, offset)),
                (1 | 2, "standalone") if matches!(value, "yes" | "no") => 3,
                _ => return Err(self.error(XmlErrorKind::XmlDeclaration, offset)),
            };
            stage = next;
        }
        if stage == 0 {
            return Err(self.error(XmlErrorKind::XmlDeclaration, start));
        }
        Ok(())
    }

    /// Scans `name="value"` pairs of a start tag (or XML declaration) body.
    /// `base` is the byte offset of `body` in the input. Values are raw.
    fn scan_attributes(
        &self,
        body: &'a str,
        base: usize,
        out: &mut Vec<(&'a str, &'a str, usize)>,
    ) -> Result<(), XmlError> {
        let bytes = body.as_bytes();
        let mut i = 0;
        loop {
            let ws_start = i;
            while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
            }
            if i == bytes.len() {
                return Ok(());
            }
            if i == ws_start {
                return Err(
                    self.error(XmlErrorKind::Syntax("attributes must be separated by whitespace"), base + i)
                );
            }
            let name_start = i;
            while i < bytes.len() && !matches!(bytes[i], b'=' | b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
            }
            let name = &body[name_start..i];
            while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
            }
            if bytes.get(i) != Some(&b'=') {
                return Err(self.error(XmlErrorKind::Syntax("attribute without a value"), base + name_start));
            }
            i += 1;
            while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
            }
            let Some(&quote @ (b'"' | b'\'')) = bytes.get(i) else {
                return Err(self.error(XmlErrorKind::Syntax("attribute value must be quoted"), base + i));
            };
            let value_start = i + 1;
            let Some(len) = bytes[value_start..].iter().position(|&b| b == quote) else {
                return Err(self.error(XmlErrorKind::Syntax("unterminated attribute value"), base + i));
            };
            let value = &body[value_start..value_start + len];
            if value.len() > self.limits.max_attribute_value_bytes {
                return Err(self.error(XmlErrorKind::AttributeValueLimit, base + value_start));
            }
            out.push((name, value, base + name_start));
            if out.len() > self.limits.max_attributes_per_element {
                return Err(self.error(XmlErrorKind::AttributeLimit, base + name_start));
            }
            i = value_start + len + 1;
        }
    }

    /// Resolves references and normalizes whitespace in a raw attribute value.
    fn attribute_value(&self, raw: &'a str, offset: usize) -> Result<Cow<'a, str>, XmlError> {
        if !any_byte(raw.as_bytes(), |b| {
            (b == b'<') | (b == b'&') | (b == b'\t') | (b == b'\n') | (b == b'\r')
        }) {
            return Ok(Cow::Borrowed(raw));
        }
        if let Some(i) = raw.find('<') {
            return Err(self.error(XmlErrorKind::LessThanInAttribute, offset + i));
        }
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw;
        let mut consumed = 0;
        while let Some(i) = rest.find(['&', '\t', '\n', '\r']) {
            out.push_str(&rest[..i]);
            let b = rest.as_bytes()[i];
            if b == b'&' {
                let Some(semi) = rest[i..].find(';') else {
                    return Err(
                        self.error(XmlErrorKind::Syntax("'&' without a reference"), offset + consumed + i)
                    );
                };
                let c = resolve_reference(&rest[i + 1..i + semi])
                    .map_err(|kind| self.error(kind, offset + consumed + i))?;
                out.push(c);
                consumed += i + semi + 1;
                rest = &rest[i + semi + 1..];
            } else {
                // Line-end normalization then attribute-value normalization:
                // CRLF becomes one space, any other TAB/LF/CR a space each.
                out.push(' ');
                let skip = if b == b'\r' && rest.as_bytes().get(i + 1) == Some(&b'\n') { 2 } else { 1 };
                consumed += i + skip;
                rest = &rest[i + skip..];
            }
        }
        out.push_str(rest);
        Ok(Cow::Owned(out))
    }

    #[inline]
    fn check_node_budget(&self, offset: usize) -> Result<(), XmlError> {
        if self.nodes.len() >= self.limits.max_nodes {
            return Err(self.error(XmlErrorKind::NodeLimit, offset));
        }
        Ok(())
    }

    #[inline]
    fn push_node(&mut self, kind: NodeKind<'a>, offset: usize) -> Result<u32, XmlError> {
        self.check_node_budget(offset)?;
        let index =
            u32::try_from(self.nodes.len()).map_err(|_| self.error(XmlErrorKind::NodeLimit, offset))?;
        let parent = self.open.last().map_or(NodeId::DOCUMENT, |&(i, _)| NodeId(i));
        self.nodes.push(Node {
            kind,
            parent: Some(parent),
            subtree_end: index + 1,
            offset: offset_u32(offset),
        });
        Ok(index)
    }

    #[inline]
    fn flush_text(&mut self) -> Result<(), XmlError> {
        if let Some((offset, text)) = self.pending_text.take() {
            self.push_node(NodeKind::Text(text), offset)?;
        }
        Ok(())
    }

    /// Adds character data to the current text run (inside the root only).
    #[inline]
    fn append_text(&mut self, text: Cow<'a, str>, offset: usize) {
        match &mut self.pending_text {
            None => self.pending_text = Some((offset, text)),
            Some((_, acc)) => acc.to_mut().push_str(&text),
        }
    }

    fn text(&mut self, raw: &'a str, start: usize) -> Result<(), XmlError> {
        if self.open.is_empty() {
            if let Some(i) = raw.find(|c: char| !matches!(c, ' ' | '\t' | '\n' | '\r')) {
                return Err(self.error(XmlErrorKind::TextOutsideRoot, start + i));
            }
            return Ok(());
        }
        // `]` and CR are rare in SAML text: one vectorizable pass looks for
        // either, the exact searches run only when one is there.
        if !any_byte(raw.as_bytes(), |b| (b == b']') | (b == b'\r')) {
            self.append_text(Cow::Borrowed(raw), start);
            return Ok(());
        }
        if let Some(i) = raw.find("]]>") {
            return Err(self.error(XmlErrorKind::CdataEndInText, start + i));
        }
        self.append_text(normalized_eol(raw), start);
        Ok(())
    }

    fn cdata(&mut self, raw: &'a str, start: usize) -> Result<(), XmlError> {
        if self.open.is_empty() {
            return Err(self.error(XmlErrorKind::TextOutsideRoot, start));
        }
        let content = raw
            .strip_prefix("<![CDATA[")
            .and_then(|r| r.strip_suffix("]]>"))
            .ok_or_else(|| self.error(XmlErrorKind::Syntax("malformed CDATA section"), start))?;
        self.append_text(normalized_eol(content), start);
        Ok(())
    }

    fn reference(&mut self, raw: &'a str, start: usize) -> Result<(), XmlError> {
        if self.open.is_empty() {
            return Err(self.error(XmlErrorKind::TextOutsideRoot, start));
        }
        let name = raw
            .strip_prefix('&')
            .and_then(|r| r.strip_suffix(';'))
            .ok_or_else(|| self.error(XmlErrorKind::Syntax("malformed reference"), start))?;
        let c = resolve_reference(name).map_err(|kind| self.error(kind, start))?;
        self.append_text(Cow::Owned(c.to_string()), start);
        Ok(())
    }

    fn comment(&mut self, raw: &'a str, start: usize) -> Result<(), XmlError> {
        let content = raw
            .strip_prefix("<!--")
            .and_then(|r| r.strip_suffix("-->"))
            .ok_or_else(|| self.error(XmlErrorKind::Syntax("malformed comment"), start))?;
        // `--` inside, or a `-` right before the closing `-->`: reported at
        // the first offending `-`.
        let bytes = raw.as_bytes();
        if let Some(p) = memchr::memchr_iter(b'-', content.as_bytes()).find(|&p| bytes[4 + p + 1] == b'-') {
            return Err(self.error(XmlErrorKind::Syntax("'--' inside a comment"), start + 4 + p));
        }
        self.flush_text()?;
        if content.contains('\r') {
            // Line ends inside comments would need normalizing for c14n; no real
            // SAML producer writes CR there, so refuse rather than carry a copy.
            return Err(self.error(XmlErrorKind::Syntax("carriage return inside a comment"), start));
        }
        self.push_node(NodeKind::Comment(content), start)?;
        Ok(())
    }

    fn processing_instruction(&mut self, raw: &'a str, start: usize) -> Result<(), XmlError> {
        self.flush_text()?;
        let body = raw
            .strip_prefix("<?")
            .and_then(|r| r.strip_suffix("?>"))
            .ok_or_else(|| self.error(XmlErrorKind::Syntax("malformed processing instruction"), start))?;
        let split = find_whitespace(body).unwrap_or(body.len());
        let target = &body[..split];
        let data = body[split..].trim_start_matches([' ', '\t', '\n', '\r']);
        if target.eq_ignore_ascii_case("xml") {
            return Err(self.error(XmlErrorKind::XmlDeclaration, start));
        }
        if !is_ncname(target) {
            return Err(self.error(XmlErrorKind::InvalidName, start + 2));
        }
        if data.contains('\r') {
            return Err(
                self.error(XmlErrorKind::Syntax("carriage return inside a processing instruction"), start)
            );
        }
        self.push_node(NodeKind::ProcessingInstruction { target, data }, start)?;
        Ok(())
    }

    fn start_tag(&mut self, raw: &'a str, start: usize, empty: bool) -> Result<(), XmlError> {
        self.flush_text()?;
        if self.open.is_empty() && self.root.is_some() {
            return Err(self.error(XmlErrorKind::MultipleRootElements, start));
        }
        if self.open.len() >= self.limits.max_depth {
            return Err(self.error(XmlErrorKind::DepthLimit, start));
        }
        let inner = raw.strip_prefix('<').and_then(|r| r.strip_suffix('>'));
        let inner = match (inner, empty) {
            (Some(i), true) => i.strip_suffix('/'),
            (i, false) => i,
            (None, true) => None,
        };
        let Some(inner) = inner else {
            return Err(self.error(XmlErrorKind::Syntax("malformed start tag"), start));
        };
        let name_len = find_whitespace(inner).unwrap_or(inner.len());
        let qname = &inner[..name_len];
        let Some((prefix, _)) = split_qname(qname) else {
            return Err(self.error(XmlErrorKind::InvalidName, start + 1));
        };

        let mut raw_attributes = std::mem::take(&mut self.raw_attributes);
        raw_attributes.clear();
        let result = self.element(start, empty, inner, name_len, prefix, &mut raw_attributes);
        self.raw_attributes = raw_attributes;
        result
    }

    /// The rest of [`Self::start_tag`], with the attribute scratch lent out.
    fn element(
        &mut self,
        start: usize,
        empty: bool,
        inner: &'a str,
        name_len: usize,
        prefix: &'a str,
        raw_attributes: &mut Vec<(&'a str, &'a str, usize)>,
    ) -> Result<(), XmlError> {
        self.scan_attributes(&inner[name_len..], start + 1 + name_len, raw_attributes)?;

        // Namespace declarations first: they are in scope for the element's own
        // name and attributes.
        let scope_mark = self.scope.len();
        let decl_start = self.declarations.len();
        for &(name, value, offset) in raw_attributes.iter() {
            let declared = if name == "xmlns" { Some("") } else { name.strip_prefix("xmlns:") };
            let Some(declared) = declared else { continue };
            if name != "xmlns" && !is_ncname(declared) {
                return Err(self.error(XmlErrorKind::InvalidName, offset));
            }
            let uri = self.attribute_value(value, self.offset_of(value))?;
            self.check_declaration(declared, &uri, offset)?;
            if self.declarations[decl_start..].iter().any(|d| d.prefix == declared) {
                return Err(self.error(XmlErrorKind::DuplicateAttribute, offset));
            }
            if self.declarations.len() > self.limits.max_namespace_declarations {
                return Err(self.error(XmlErrorKind::NamespaceLimit, offset));
            }
            let index = u32::try_from(self.declarations.len())
                .map_err(|_| self.error(XmlErrorKind::NamespaceLimit, offset))?;
            self.declarations.push(NamespaceDecl { prefix: declared, uri });
            self.scope.push(declared, index);
        }
        let decl_end = self.declarations.len();

        let namespace =
            self.resolve(prefix).ok_or_else(|| self.error(XmlErrorKind::UnboundPrefix, start + 1))?;

        let attr_start = self.attributes.len();
        for &(name, value, offset) in raw_attributes.iter() {
            if name == "xmlns" || name.starts_with("xmlns:") {
                continue;
            }
            let Some((prefix, local)) = split_qname(name) else {
                return Err(self.error(XmlErrorKind::InvalidName, offset));
            };
            // Unprefixed attributes are in no namespace, whatever the default.
            let namespace = if prefix.is_empty() {
                None
            } else {
                Some(
                    self.resolve(prefix)
                        .flatten()
                        .ok_or_else(|| self.error(XmlErrorKind::UnboundPrefix, offset))?,
                )
            };
            let value = self.attribute_value(value, self.offset_of(value))?;
            self.attributes.push(Attribute { prefix, local, namespace, value, offset: offset_u32(offset) });
        }
        self.check_unique_attributes(attr_start)?;

        let element = Element {
            name_start: offset_u32(start + 1),
            prefix_len: offset_u32(prefix.len()),
            name_len: offset_u32(name_len),
            namespace,
            attributes: (offset_u32(attr_start), offset_u32(self.attributes.len())),
            declarations: (offset_u32(decl_start), offset_u32(decl_end)),
        };
        let index = self.push_node(NodeKind::Element(element), start)?;
        if self.open.is_empty() {
            self.root = Some(NodeId(index));
        }
        if empty {
            self.scope.truncate(scope_mark);
        } else {
            self.open.push((index, scope_mark));
        }
        Ok(())
    }

    fn check_declaration(&self, prefix: &str, uri: &str, offset: usize) -> Result<(), XmlError> {
        match prefix {
            "xml" if uri == XML_NS => return Ok(()),
            "xml" | "xmlns" => return Err(self.error(XmlErrorKind::ReservedNamespace, offset)),
            _ => {}
        }
        if uri == XML_NS || uri == XMLNS_NS {
            return Err(self.error(XmlErrorKind::ReservedNamespace, offset));
        }
        if uri.is_empty() {
            return if prefix.is_empty() {
                Ok(())
            } else {
                Err(self.error(XmlErrorKind::EmptyPrefixBinding, offset))
            };
        }
        if !is_absolute_uri(uri) {
            return Err(self.error(XmlErrorKind::RelativeNamespaceUri, offset));
        }
        Ok(())
    }

    /// The binding of `prefix` in scope. Outer `None`: unbound. For the default
    /// namespace (empty prefix) an unbound or `xmlns=""` default resolves to
    /// `Some(None)`, meaning "no namespace".
    #[inline]
    fn resolve(&self, prefix: &str) -> Option<Option<NsIndex>> {
        match self.scope.find(prefix) {
            Some(position) => {
                let index = self.scope.get(position).1;
                let uri = &self.declarations[index as usize].uri;
                Some(if uri.is_empty() { None } else { Some(NsIndex(index)) })
            }
            None => prefix.is_empty().then_some(None),
        }
    }

    fn check_unique_attributes(&self, from: usize) -> Result<(), XmlError> {
        let list = &self.attributes[from..];
        if list.len() > 8 {
            return self.check_many_unique_attributes(list);
        }
        for (i, a) in list.iter().enumerate() {
            let a_ns = a.namespace.map(|NsIndex(n)| self.declarations[n as usize].uri.as_ref());
            for b in &list[..i] {
                let b_ns = b.namespace.map(|NsIndex(n)| self.declarations[n as usize].uri.as_ref());
                if a.local == b.local && a_ns == b_ns {
                    return Err(self.error(XmlErrorKind::DuplicateAttribute, a.offset as usize));
                }
            }
        }
        Ok(())
    }

    /// [`Self::check_unique_attributes`] for long lists, by sorting (pairwise
    /// comparison would be quadratic in the attribute count). Reports the
    /// same attribute: the first one that repeats an earlier one.
    fn check_many_unique_attributes(&self, list: &[Attribute<'a>]) -> Result<(), XmlError> {
        let mut keys: Vec<(&str, &str, u32)> = list
            .iter()
            .map(|a| {
                (
                    a.local,
                    a.namespace.map_or("", |NsIndex(n)| self.declarations[n as usize].uri.as_ref()),
                    a.offset,
                )
            })
            .collect();
        keys.sort_unstable();
        let first_repeat = keys
            .windows(2)
            .filter(|pair| pair[0].0 == pair[1].0 && pair[0].1 == pair[1].1)
            .map(|pair| pair[1].2)
            .min();
        match first_repeat {
            Some(offset) => Err(self.error(XmlErrorKind::DuplicateAttribute, offset as usize)),
            None => Ok(()),
        }
    }

    #[inline]
    fn end_tag(&mut self, start: usize) -> Result<(), XmlError> {
        self.flush_text()?;
        // `markup_at` has already matched the end name against the start name.
        let Some((index, scope_mark)) = self.open.pop() else {
            return Err(self.error(XmlErrorKind::MismatchedTag, start));
        };
        self.scope.truncate(scope_mark);
        let end = offset_u32(self.nodes.len());
        self.nodes[index as usize].subtree_end = end;
        Ok(())
    }

    fn index_ids(&self) -> Result<Vec<(u32, NodeId)>, XmlError> {
        let mut ids = Vec::new();
        for (node_index, node) in self.nodes.iter().enumerate() {
            if let NodeKind::Element(element) = &node.kind {
                for a in element.attributes.0..element.attributes.1 {
                    if self.attributes[a as usize].local == "ID" {
                        ids.push((a, NodeId(offset_u32(node_index))));
                    }
                }
            }
        }
        ids.sort_by(|(a, _), (b, _)| {
            self.attributes[*a as usize].value.cmp(&self.attributes[*b as usize].value)
        });
        for pair in ids.windows(2) {
            let (first, second) =
                (&self.attributes[pair[0].0 as usize], &self.attributes[pair[1].0 as usize]);
            if first.value == second.value {
                let offset = first.offset.max(second.offset) as usize;
                return Err(self.error(XmlErrorKind::DuplicateId, offset));
            }
        }
        Ok(ids)
    }
}

/// Equality of two short names without a call into `memcmp` (names and
/// prefixes are compared for every element; they are a few bytes long).
#[inline]
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// Offsets and counts fit in u32 because inputs are bounded by
/// `Limits::max_input_bytes`, which `parse_with_limits` checks first.
fn offset_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(input: &str) -> String {
        match parse(input.as_bytes()) {
            Ok(_) => "ok".to_string(),
            Err(e) => e.kind().to_string(),
        }
    }

    #[test]
    fn bindings_answer_like_a_backwards_scan_at_any_depth() {
        const PREFIXES: [&str; 5] = ["", "a", "b", "c", "d"];
        let mut bindings = Bindings::with_capacity(4);
        let mut model: Vec<(&str, usize)> = Vec::new();
        let mut marks = Vec::new();
        let (mut deep, mut crossings) = (false, 0);
        let mut state = 0x2545_f491_u32;
        for step in 0..20_000 {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let choice = (state >> 16) as usize;
            // Wander between shallow and deep, crossing the index threshold often.
            if (choice.is_multiple_of(2) && model.len() < 48) || model.len() < 4 {
                marks.push(model.len());
                for i in 0..(choice % 4) {
                    let prefix = PREFIXES[(choice / 7 + i) % PREFIXES.len()];
                    bindings.push(prefix, step);
                    model.push((prefix, step));
                }
            } else if let Some(mark) = marks.pop() {
                bindings.truncate(mark);
                model.truncate(mark);
            }
            assert_eq!(bindings.len(), model.len());
            crossings += usize::from((model.len() >= 16) != deep);
            deep = model.len() >= 16;
            for prefix in PREFIXES {
                let expected = model.iter().rposition(|(p, _)| *p == prefix);
                assert_eq!(bindings.find(prefix), expected, "prefix {prefix:?} at depth {}", model.len());
            }
        }
        assert!(crossings > 100, "the walk crossed the index threshold only {crossings} times");
    }

    #[test]
    fn text_is_concatenated_across_cdata_and_references() {
        let doc = parse(b"<a>x&amp;<![CDATA[<y>]]>&#x41;z</a>").unwrap();
        assert_eq!(doc.text_content(doc.root()).unwrap(), "x&<y>Az");
        assert_eq!(doc.children(doc.root()).count(), 1);
    }

    #[test]
    fn comment_splits_text_but_content_is_whole() {
        let doc = parse(b"<a>user@corp.com<!---->.evil.com</a>").unwrap();
        assert_eq!(doc.children(doc.root()).count(), 3);
        assert_eq!(doc.text_content(doc.root()).unwrap(), "user@corp.com.evil.com");
    }

    #[test]
    fn element_child_makes_text_content_none() {
        let doc = parse(b"<a>x<b/>y</a>").unwrap();
        assert!(doc.text_content(doc.root()).is_none());
    }

    #[test]
    fn attribute_normalization() {
        let doc = parse(b"<a b=\"x&#9;y&#xA;z\tt\r\nu\"/>").unwrap();
        assert_eq!(doc.element(doc.root()).unwrap().attribute("", "b"), Some("x\ty\nz t u"));
    }

    #[test]
    fn line_ends_are_normalized_in_text() {
        let doc = parse(b"<a>1\r\n2\r3</a>").unwrap();
        assert_eq!(doc.text_content(doc.root()).unwrap(), "1\n2\n3");
    }

    #[test]
    fn namespaces_resolve_with_prefix_as_written() {
        let doc = parse(br#"<p:a xmlns:p="urn:x" xmlns:q="urn:x"><q:b q:c="1" d="2"/></p:a>"#).unwrap();
        let b = doc.child_elements(doc.root()).next().unwrap();
        assert_eq!(b.prefix(), "q");
        assert_eq!(b.namespace(), "urn:x");
        let attrs: Vec<_> = b.attributes().map(|a| (a.prefix(), a.namespace(), a.value())).collect();
        assert_eq!(attrs, vec![("q", "urn:x", "1"), ("", "", "2")]);
    }

    #[test]
    fn default_namespace_undeclared() {
        let doc = parse(br#"<a xmlns="urn:x"><b xmlns=""/></a>"#).unwrap();
        assert_eq!(doc.element(doc.root()).unwrap().namespace(), "urn:x");
        assert_eq!(doc.child_elements(doc.root()).next().unwrap().namespace(), "");
    }

    #[test]
    fn rejections() {
        let cases = [
            ("<!DOCTYPE a><a/>", "doctype_not_allowed"),
            ("<a>&ent;</a>", "unknown_entity"),
            ("<a b='&ent;'/>", "unknown_entity"),
            ("<a>&#0;</a>", "invalid_character_reference"),
            ("<a>&#xD800;</a>", "invalid_character_reference"),
            ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>", "encoding"),
            ("<?xml version=\"1.1\"?><a/>", "xml_declaration"),
            ("<a/> <?xml version=\"1.0\"?>", "xml_declaration"),
            ("<a/><b/>", "multiple_root_elements"),
            ("<a/>x", "text_outside_root"),
            ("<a>", "unclosed_element"),
            ("<a></b>", "mismatched_tag"),
            ("</a>", "mismatched_tag"),
            ("<a b='1' b='2'/>", "duplicate_attribute"),
            ("<a xmlns:x='urn:u' xmlns:y='urn:u' x:b='1' y:b='2'/>", "duplicate_attribute"),
            ("<p:a/>", "unbound_prefix"),
            ("<a p:b='1'/>", "unbound_prefix"),
            ("<a xmlns:p=''/>", "empty_prefix_binding"),
            ("<a xmlns:p='1'/>", "relative_namespace_uri"),
            ("<a xmlns='ns'/>", "relative_namespace_uri"),
            ("<a xmlns:p='http://x?a=1&amp;b=2'/>", "relative_namespace_uri"),
            ("<a xmlns:xml='urn:x'/>", "reserved_namespace"),
            ("<a xmlns:xmlns='urn:x'/>", "reserved_namespace"),
            ("<a xmlns:p='http://www.w3.org/XML/1998/namespace'/>", "reserved_namespace"),
            ("<a>\u{1}</a>", "invalid_character"),
            ("<a b='<'/>", "less_than_in_attribute"),
            ("<a>]]></a>", "cdata_end_in_text"),
            ("", "no_root_element"),
            ("<a:b:c xmlns:a='urn:a'/>", "invalid_name"),
            ("<a b='1'c='2'/>", "xml_syntax"),
            ("<a b=1/>", "xml_syntax"),
            ("<a ID='x'><b ID='x'/></a>", "duplicate_id"),
            ("<a xmlns:f='urn:f' ID='x'><b f:ID='x'/></a>", "duplicate_id"),
        ];
        for (input, expected) in cases {
            assert_eq!(kind_of(input), expected, "{input}");
        }
    }

    #[test]
    fn error_positions() {
        let e = parse(b"<a>\n  <b c='<'/>\n</a>").unwrap_err();
        assert_eq!(e.position(), TextPosition { line: 2, column: 9 });
        let e = parse(b"<a>\n<!DOCTYPE x>").unwrap_err();
        assert_eq!(e.position(), TextPosition { line: 2, column: 1 });
    }

    #[test]
    fn limits_are_typed_errors() {
        let limits = Limits { max_depth: 3, ..Limits::default() };
        let err = parse_with_limits(b"<a><b><c><d/></c></b></a>", &limits).unwrap_err();
        assert_eq!(err.kind(), "depth_limit");
        let limits = Limits { max_input_bytes: 4, ..Limits::default() };
        assert_eq!(parse_with_limits(b"<abc/>", &limits).unwrap_err().kind(), "input_too_large");
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
    }

    #[test]
    fn bom_and_declaration_accepted() {
        let doc = parse(b"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<a/>").unwrap();
        assert_eq!(doc.element(doc.root()).unwrap().local_name(), "a");
        assert_eq!(parse(b"\xFF\xFE<\x00a\x00/\x00>\x00").unwrap_err().kind(), "encoding");
    }
}
