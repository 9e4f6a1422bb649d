//! The parsed document and its read API: an immutable arena of nodes in
//! document order, so that a subtree is a contiguous range of ids.

use std::borrow::Cow;

use super::XML_NS;
use super::error::{TextPosition, position_of};
use super::names::same_name;

/// Index of a node in a [`Document`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub(super) u32);

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
    /// A comment (content between `<!--` and `-->`, line ends normalized).
    Comment(Cow<'a, str>),
    /// A processing instruction.
    ProcessingInstruction {
        /// The target name.
        target: &'a str,
        /// The data after the target and its separating whitespace (may be
        /// empty), line ends normalized.
        data: Cow<'a, str>,
    },
}

/// One node of the arena.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node<'a> {
    pub(super) kind: NodeKind<'a>,
    pub(super) parent: Option<NodeId>,
    /// One past the last node of this node's subtree (nodes are in document order).
    pub(super) subtree_end: u32,
    /// Byte offset of the node in the input.
    pub(super) offset: u32,
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
pub(super) struct NsIndex(pub(super) u32);

/// An element: names as written, resolved namespace, attribute and namespace
/// declaration ranges into the document's tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub(super) name_start: u32,
    pub(super) prefix_len: u32,
    pub(super) name_len: u32,
    /// Namespace declaration in scope for this element's prefix (None: no namespace).
    pub(super) namespace: Option<NsIndex>,
    pub(super) attributes: (u32, u32),
    pub(super) declarations: (u32, u32),
}

impl Element {
    /// Where the qualified name is written in the input.
    pub(super) fn name_range(&self) -> std::ops::Range<usize> {
        let start = self.name_start as usize;
        start..start + self.name_len as usize
    }
}

/// An attribute (namespace declarations are not attributes here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute<'a> {
    pub(super) prefix: &'a str,
    pub(super) local: &'a str,
    pub(super) namespace: Option<NsIndex>,
    pub(super) value: Cow<'a, str>,
    pub(super) offset: u32,
}

/// A namespace declaration as written (`xmlns="…"` has an empty prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceDecl<'a> {
    pub(super) prefix: &'a str,
    pub(super) uri: Cow<'a, str>,
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
    pub(super) input: &'a str,
    pub(super) nodes: Vec<Node<'a>>,
    pub(super) attributes: Vec<Attribute<'a>>,
    /// Index 0 is the implicit `xml` binding, then the bindings of the
    /// context (see [`parse_with_scope`](super::parse_with_scope)), then the
    /// declarations as written, in document order.
    pub(super) declarations: Vec<NamespaceDecl<'a>>,
    /// The range of `declarations` that is the context's bindings.
    pub(super) context: (u32, u32),
    /// Attributes named `ID`, sorted by value.
    pub(super) ids: Vec<(u32, NodeId)>,
    pub(super) root: NodeId,
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

    /// The parent element (`None` for the root element).
    pub fn parent_element(&self) -> Option<Self> {
        self.doc.parent(self.id).and_then(|parent| self.doc.element(parent))
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
        self.doc.context_namespaces().iter().find(|d| d.prefix == prefix).map(NamespaceDecl::uri)
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

    /// The namespace bindings the document was parsed in the scope of
    /// ([`parse_with_scope`](super::parse_with_scope)), as if declared on an
    /// element around the root; empty for a document parsed on its own.
    pub fn context_namespaces(&self) -> &[NamespaceDecl<'a>] {
        let (start, end) = self.context;
        &self.declarations[start as usize..end as usize]
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
    /// (the manual's whole-text invariant): `a<!---->b` reads `ab`, never `a`.
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

#[cfg(test)]
mod tests {
    use crate::xml::parse;

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
}
