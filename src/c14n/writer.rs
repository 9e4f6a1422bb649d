//! The walk over a subtree in canonical form: tags, text, comments and
//! processing instructions, attributes sorted, text and values escaped. Which
//! namespace declarations a tag carries is the [`NamespaceRendering`]'s call.

use super::C14nError;
use super::exclusive::NamespaceRendering;
use super::nested::NestedWalk;
use super::sink::Output;
use crate::bytes::block_has;
use crate::xml::{Document, ElementRef, NodeId, NodeKind, XML_NS, is_absolute_uri, same_name};

pub(super) struct Writer<'d, 'a, O: Output, R: NamespaceRendering<'d>> {
    doc: &'d Document<'a>,
    pub(super) out: O,
    with_comments: bool,
    namespaces: R,
    /// Scratch: declarations to emit on the current element.
    candidates: Vec<(&'d str, &'d str)>,
    /// Scratch: attribute order for the current element.
    sorted_attributes: Vec<(&'d str, &'d str, &'d str, &'d str)>,
    pub(super) nested: Option<NestedWalk>,
}

impl<'d, 'a, O: Output, R: NamespaceRendering<'d>> Writer<'d, 'a, O, R> {
    pub(super) fn new(
        doc: &'d Document<'a>,
        out: O,
        with_comments: bool,
        namespaces: R,
        nested: Option<NestedWalk>,
    ) -> Self {
        Self {
            doc,
            out,
            with_comments,
            namespaces,
            candidates: Vec::with_capacity(8),
            sorted_attributes: Vec::with_capacity(16),
            nested,
        }
    }

    pub(super) fn document(&mut self, omit: Option<NodeId>) -> Result<(), C14nError> {
        let root = self.doc.root();
        let mut after_root = false;
        for child in self.doc.children(NodeId::DOCUMENT) {
            if child == root {
                self.subtree(root, omit)?;
                after_root = true;
                continue;
            }
            let printable = match self.doc.node(child).kind() {
                NodeKind::Comment(_) => self.with_comments,
                NodeKind::ProcessingInstruction { .. } => true,
                _ => false,
            };
            if !printable {
                continue;
            }
            if after_root {
                self.out.write(b"\n");
            }
            self.leaf(child);
            if !after_root {
                self.out.write(b"\n");
            }
        }
        Ok(())
    }

    /// Iterative walk (no recursion: depth is bounded only by `Limits`).
    pub(super) fn subtree(&mut self, apex: NodeId, omit: Option<NodeId>) -> Result<(), C14nError> {
        // Open elements: (id, end of subtree, rendering depth to restore).
        let mut open: Vec<(NodeId, NodeId, usize)> = Vec::with_capacity(32);
        let mut skip_until: Option<NodeId> = None;
        for id in self.doc.descendants(apex) {
            if let Some(end) = skip_until {
                if id < end {
                    continue;
                }
                skip_until = None;
            }
            while let Some(&(open_id, end, mark)) = open.last() {
                if id < end {
                    break;
                }
                self.close(open_id, mark);
                open.pop();
            }
            if Some(id) == omit {
                skip_until = Some(self.doc.subtree_end(id));
                continue;
            }
            if let Some(element) = self.doc.element(id) {
                let mark = self.namespaces.depth();
                if let Some(walk) = &mut self.nested {
                    walk.enter(id, mark, &mut self.out);
                }
                self.start_tag(element, id == apex)?;
                open.push((id, self.doc.subtree_end(id), mark));
            } else {
                self.leaf(id);
            }
        }
        while let Some((open_id, _, mark)) = open.pop() {
            self.close(open_id, mark);
        }
        Ok(())
    }

    fn close(&mut self, id: NodeId, mark: usize) {
        self.end_tag(id);
        self.namespaces.end_tag(mark);
        if let Some(walk) = &mut self.nested {
            walk.leave(id, &mut self.out);
        }
    }

    fn leaf(&mut self, id: NodeId) {
        match self.doc.node(id).kind() {
            NodeKind::Text(text) => write_escaped(&mut self.out, text.as_bytes(), false),
            NodeKind::Comment(text) => {
                if self.with_comments {
                    self.out.write(b"<!--");
                    self.out.write(text.as_bytes());
                    self.out.write(b"-->");
                }
            }
            NodeKind::ProcessingInstruction { target, data } => {
                self.out.write(b"<?");
                self.out.write(target.as_bytes());
                if !data.is_empty() {
                    self.out.write(b" ");
                    self.out.write(data.as_bytes());
                }
                self.out.write(b"?>");
            }
            NodeKind::Document | NodeKind::Element(_) => {}
        }
    }

    fn start_tag(&mut self, element: ElementRef<'d, 'a>, apex: bool) -> Result<(), C14nError> {
        self.candidates.clear();
        let nested_mark = self.nested.as_ref().and_then(|walk| walk.mark);
        if self.namespaces.start_tag(element, nested_mark, &mut self.candidates)
            && let Some(walk) = &mut self.nested
        {
            walk.diverged = true;
        }
        self.sorted_attributes.clear();
        for attribute in element.attributes() {
            self.sorted_attributes.push((
                attribute.namespace(),
                attribute.local_name(),
                attribute.prefix(),
                attribute.value(),
            ));
        }
        if R::INHERITS_XML_ATTRIBUTES && apex {
            self.inherit_xml_attributes(element);
        }
        for &(_, uri) in &self.candidates {
            if !uri.is_empty() && !is_absolute_uri(uri) {
                return Err(C14nError::RelativeNamespace(uri.to_string()));
            }
        }
        if self.candidates.len() > 1 {
            self.candidates.sort_unstable_by(|a, b| compare(a.0, b.0));
        }
        if self.sorted_attributes.len() > 1 {
            self.sorted_attributes.sort_unstable_by(|a, b| compare(a.0, b.0).then_with(|| compare(a.1, b.1)));
        }

        // `<qname` is written as such in the input; so is `<qname>` for a
        // bare start tag, the usual AttributeValue.
        if self.candidates.is_empty()
            && self.sorted_attributes.is_empty()
            && let Some(tag) = element.bare_start_tag()
        {
            self.out.write(tag.as_bytes());
            return Ok(());
        }
        self.out.write(element.tag_open().as_bytes());
        for &(p, uri) in &self.candidates {
            if p.is_empty() {
                self.out.write(b" xmlns=\"");
            } else {
                self.out.write(b" xmlns:");
                self.out.write(p.as_bytes());
                self.out.write(b"=\"");
            }
            write_escaped(&mut self.out, uri.as_bytes(), true);
            self.out.write(b"\"");
        }
        for &(_, local, p, value) in &self.sorted_attributes {
            self.out.write(b" ");
            if !p.is_empty() {
                self.out.write(p.as_bytes());
                self.out.write(b":");
            }
            self.out.write(local.as_bytes());
            self.out.write(b"=\"");
            write_escaped(&mut self.out, value.as_bytes(), true);
            self.out.write(b"\"");
        }
        self.out.write(b">");
        Ok(())
    }

    /// Adds to the apex's attributes the nearest `xml:*` attribute of each
    /// name on its ancestors, unless the apex has its own (C14N 1.0 on a
    /// document subset: an orphan element keeps its language and spacing).
    fn inherit_xml_attributes(&mut self, apex: ElementRef<'d, 'a>) {
        let mut ancestor = apex.parent_element();
        while let Some(element) = ancestor {
            for attribute in element.attributes() {
                let local = attribute.local_name();
                if attribute.namespace() == XML_NS
                    && !self
                        .sorted_attributes
                        .iter()
                        .any(|&(ns, l, _, _)| ns == XML_NS && same_name(l, local))
                {
                    self.sorted_attributes.push((XML_NS, local, attribute.prefix(), attribute.value()));
                }
            }
            ancestor = element.parent_element();
        }
    }

    fn end_tag(&mut self, id: NodeId) {
        if let Some(element) = self.doc.element(id) {
            self.out.write_parts([b"</", element.qname().as_bytes(), b">"]);
        }
    }
}

/// Byte-order comparison inlined (the sorted names are short; a call into
/// `memcmp` per comparison costs more than the comparison).
#[inline]
fn compare(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

/// Writes text (`attribute == false`) or an attribute value with the C14N
/// escapes, in runs between the bytes that need escaping. Blocks with nothing
/// to escape (nearly all of a SAML document) are passed through after a
/// branch-free test the compiler vectorizes.
fn write_escaped<O: Output>(sink: &mut O, bytes: &[u8], attribute: bool) {
    let special = |b: u8| {
        (b == b'&')
            | (b == b'<')
            | (b == b'\r')
            | if attribute { (b == b'"') | (b == b'\t') | (b == b'\n') } else { b == b'>' }
    };
    let mut run_start = 0;
    let mut block_start = 0;
    for block in bytes.chunks(32) {
        if block_has(block, special) {
            for (j, &b) in block.iter().enumerate() {
                let escaped: &[u8] = match b {
                    b'&' => b"&amp;",
                    b'<' => b"&lt;",
                    b'>' if !attribute => b"&gt;",
                    b'"' if attribute => b"&quot;",
                    b'\t' if attribute => b"&#x9;",
                    b'\n' if attribute => b"&#xA;",
                    b'\r' => b"&#xD;",
                    _ => continue,
                };
                let i = block_start + j;
                sink.write(&bytes[run_start..i]);
                sink.write(escaped);
                run_start = i + 1;
            }
        }
        block_start += block.len();
    }
    sink.write(&bytes[run_start..]);
}
