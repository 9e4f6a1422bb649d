//! Builds the document tree and checks everything that decides what the
//! document means: attribute syntax, references, namespace binding, names,
//! well-formedness and the limits.

use std::borrow::Cow;

use super::document::{Attribute, Document, Element, NamespaceDecl, Node, NodeId, NodeKind, NsIndex};
use super::error::{XmlError, XmlErrorKind, position_of};
use super::names::{find_whitespace, is_absolute_uri, is_ncname, resolve_reference, split_qname};
use super::namespaces::Bindings;
use super::{Limits, XML_NS, XMLNS_NS};
use crate::bytes::any_byte;

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

/// One parse in progress: the tables the [`Document`] is built from and the
/// state of the forward pass. Its lexing half is in `lexer.rs`.
pub(super) struct Parser<'a, 'l> {
    pub(super) input: &'a str,
    pub(super) limits: &'l Limits,
    pub(super) nodes: Vec<Node<'a>>,
    attributes: Vec<Attribute<'a>>,
    declarations: Vec<NamespaceDecl<'a>>,
    /// The bindings in scope (prefix, index into `declarations`), innermost last.
    scope: Bindings<'a, u32>,
    /// Open elements: node index and the scope length to restore on close.
    pub(super) open: Vec<(u32, usize)>,
    /// Text run being accumulated: node offset and content.
    pending_text: Option<(usize, Cow<'a, str>)>,
    /// Scratch for one start tag's raw (name, value, offset) triples, kept
    /// between tags so that a tag with attributes costs no allocation.
    raw_attributes: Vec<(&'a str, &'a str, usize)>,
    root: Option<NodeId>,
    seen_markup: bool,
    /// The range of `declarations` given as the context's bindings.
    context: (u32, u32),
}

impl<'a, 'l> Parser<'a, 'l> {
    pub(super) fn new(input: &'a str, limits: &'l Limits) -> Self {
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
            context: (1, 1),
        }
    }

    /// Starts the parse inside the context's `bindings` (prefix, namespace
    /// name), as if they were declared on an element around the root. Each
    /// is checked like a declaration written in the document and counts
    /// against the namespace limit; `xml` is accepted only with its own name
    /// (and then changes nothing), an empty name only for the default
    /// namespace (and then leaves it unbound).
    pub(super) fn with_context<S: AsRef<str>>(mut self, bindings: &'a [(S, S)]) -> Result<Self, XmlError> {
        let start = self.declarations.len();
        for (prefix, uri) in bindings {
            let (prefix, uri) = (prefix.as_ref(), uri.as_ref());
            if !prefix.is_empty() && !is_ncname(prefix) {
                return Err(self.error(XmlErrorKind::InvalidName, 0));
            }
            self.check_declaration(prefix, uri, 0)?;
            if prefix == "xml" || prefix.is_empty() && uri.is_empty() {
                continue;
            }
            if self.declarations[start..].iter().any(|d| d.prefix == prefix) {
                return Err(self.error(XmlErrorKind::DuplicateAttribute, 0));
            }
            if self.declarations.len() > self.limits.max_namespace_declarations {
                return Err(self.error(XmlErrorKind::NamespaceLimit, 0));
            }
            let index = u32::try_from(self.declarations.len())
                .map_err(|_| self.error(XmlErrorKind::NamespaceLimit, 0))?;
            self.declarations.push(NamespaceDecl { prefix, uri: Cow::Borrowed(uri) });
            self.scope.push(prefix, index);
        }
        self.context = (offset_u32(start), offset_u32(self.declarations.len()));
        Ok(self)
    }

    /// Byte offset of a sub-slice of the input.
    fn offset_of(&self, part: &str) -> usize {
        (part.as_ptr() as usize).saturating_sub(self.input.as_ptr() as usize)
    }

    pub(super) fn error(&self, kind: XmlErrorKind, offset: usize) -> XmlError {
        XmlError { kind, position: position_of(self.input, offset) }
    }

    pub(super) fn run(mut self) -> Result<Document<'a>, XmlError> {
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
            context: self.context,
            ids,
            root,
        })
    }

    pub(super) fn declaration(&mut self, raw: &str, start: usize) -> Result<(), XmlError> {
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

    pub(super) fn cdata(&mut self, raw: &'a str, start: usize) -> Result<(), XmlError> {
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

    pub(super) fn reference(&mut self, raw: &'a str, start: usize) -> Result<(), XmlError> {
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

    pub(super) fn comment(&mut self, raw: &'a str, start: usize) -> Result<(), XmlError> {
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
        // Line ends are normalized here as everywhere (XML 1.0 §2.11): a
        // comment written with CRLF reads, and canonicalizes, with LF.
        self.push_node(NodeKind::Comment(normalized_eol(content)), start)?;
        Ok(())
    }

    pub(super) fn processing_instruction(&mut self, raw: &'a str, start: usize) -> Result<(), XmlError> {
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
        let data = normalized_eol(data);
        self.push_node(NodeKind::ProcessingInstruction { target, data }, start)?;
        Ok(())
    }

    pub(super) fn start_tag(&mut self, raw: &'a str, start: usize, empty: bool) -> Result<(), XmlError> {
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
    pub(super) fn end_tag(&mut self, start: usize) -> Result<(), XmlError> {
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

/// Offsets and counts fit in u32 because inputs are bounded by
/// `Limits::max_input_bytes`, which `parse_with_limits` checks first.
fn offset_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use crate::xml::{TextPosition, parse};

    fn kind_of(input: &str) -> String {
        match parse(input.as_bytes()) {
            Ok(_) => "ok".to_string(),
            Err(e) => e.kind().to_string(),
        }
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
            ("<a b='1' b='2'/>", "duplicate_xml_attribute"),
            ("<a xmlns:x='urn:u' xmlns:y='urn:u' x:b='1' y:b='2'/>", "duplicate_xml_attribute"),
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
}
