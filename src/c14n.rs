//! Exclusive XML Canonicalization 1.0 (with or without comments, with the
//! InclusiveNamespaces PrefixList) over a subtree of a parsed [`Document`].
//!
//! Output goes to a [`Sink`], so the signature stage streams canonical bytes
//! straight into a digest without materializing them; [`digest_nested`]
//! digests an element and one nested element (a Response and its Assertion)
//! in a single walk. The namespace rules
//! follow the W3C recommendation as libxml2 implements it (the reference every
//! IdP's signature was computed with): a namespace declaration is emitted on an
//! element when the element or one of its attributes visibly uses the prefix
//! (or the prefix is in the PrefixList and in scope) and the nearest output
//! ancestor did not already render the same binding; `xmlns=""` is emitted only
//! to undo a non-empty default rendered above.
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

use crate::xml::{Bindings, Document, ElementRef, NodeId, NodeKind};

/// Where canonical bytes go.
pub trait Sink {
    /// Appends `bytes` to the output.
    fn write(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn write(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// A sink that feeds a ring digest through a small staging buffer, so that the
/// many short writes of canonicalization become few `update` calls.
pub struct DigestSink(StagedDigests);

impl std::fmt::Debug for DigestSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DigestSink").field("algorithm", self.0.main.algorithm()).finish_non_exhaustive()
    }
}

impl DigestSink {
    /// A sink hashing with `algorithm`.
    pub fn new(algorithm: &'static ring::digest::Algorithm) -> Self {
        Self(StagedDigests::new(algorithm, None))
    }

    /// Flushes and returns the digest of everything written.
    pub fn finish(self) -> ring::digest::Digest {
        self.0.finish().0
    }
}

impl Sink for DigestSink {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        Output::write(&mut self.0, bytes);
    }
}

/// Where the walk writes: a caller's [`Sink`], or the staged digests of
/// [`digest_nested`], which also hear where the nested element's bytes start
/// and stop.
trait Output {
    fn write(&mut self, bytes: &[u8]);
    /// Several short pieces at once (one capacity check instead of one per piece).
    #[inline]
    fn write_parts<const N: usize>(&mut self, parts: [&[u8]; N]) {
        for part in parts {
            self.write(part);
        }
    }
    /// The nested element's bytes start (`true`) or pause/stop (`false`) here.
    fn nested(&mut self, on: bool);
}

struct Plain<'s, S: Sink + ?Sized>(&'s mut S);

impl<S: Sink + ?Sized> Output for Plain<'_, S> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.0.write(bytes);
    }

    #[inline]
    fn nested(&mut self, _on: bool) {}
}

/// Digests fed from one staging buffer: `main` over everything, `nested`
/// (for [`digest_nested`]) over the ranges the walk switches on.
struct StagedDigests {
    main: ring::digest::Context,
    nested: Option<ring::digest::Context>,
    buffer: [u8; 2048],
    len: usize,
    /// Where in the buffer the nested digest's current range began.
    nested_from: Option<usize>,
}

impl StagedDigests {
    fn new(main: &'static ring::digest::Algorithm, nested: Option<&'static ring::digest::Algorithm>) -> Self {
        Self {
            main: ring::digest::Context::new(main),
            nested: nested.map(ring::digest::Context::new),
            buffer: [0; 2048],
            len: 0,
            nested_from: None,
        }
    }

    /// Feeds the nested digest the buffered bytes of its current range.
    fn feed_nested(&mut self, from: usize) {
        if let Some(nested) = &mut self.nested {
            nested.update(&self.buffer[from..self.len]);
        }
    }

    fn flush(&mut self) {
        if let Some(from) = self.nested_from {
            self.feed_nested(from);
            self.nested_from = Some(0);
        }
        self.main.update(&self.buffer[..self.len]);
        self.len = 0;
    }

    fn finish(mut self) -> (ring::digest::Digest, Option<ring::digest::Digest>) {
        self.flush();
        (self.main.finish(), self.nested.map(ring::digest::Context::finish))
    }
}

impl Output for StagedDigests {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() > self.buffer.len() {
            self.flush();
            if bytes.len() >= self.buffer.len() {
                self.main.update(bytes);
                if let (Some(nested), Some(_)) = (&mut self.nested, self.nested_from) {
                    nested.update(bytes);
                }
                return;
            }
        }
        self.buffer[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    #[inline]
    fn write_parts<const N: usize>(&mut self, parts: [&[u8]; N]) {
        let total: usize = parts.iter().map(|p| p.len()).sum();
        if self.len + total > self.buffer.len() {
            for part in parts {
                self.write(part);
            }
            return;
        }
        for part in parts {
            self.buffer[self.len..self.len + part.len()].copy_from_slice(part);
            self.len += part.len();
        }
    }

    fn nested(&mut self, on: bool) {
        match (on, self.nested_from) {
            (true, None) => self.nested_from = Some(self.len),
            (false, Some(from)) => {
                self.feed_nested(from);
                self.nested_from = None;
            }
            _ => {}
        }
    }
}

/// Canonicalization parameters.
#[derive(Debug, Clone, Default)]
pub struct Options<'p> {
    /// `…xml-exc-c14n#WithComments`: keep comments.
    pub with_comments: bool,
    /// The InclusiveNamespaces PrefixList, split on whitespace; `#default`
    /// names the default namespace.
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

/// Why a canonical form could not be produced. There is never an "empty"
/// canonical form standing in for a failure (CVE-2025-66475).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum C14nError {
    /// The node to canonicalize is not an element (nor the document).
    #[error("the node to canonicalize is not an element")]
    NotAnElement,
    /// The node to omit is not an element inside the canonicalized subtree.
    #[error("the node to omit is not an element inside the canonicalized subtree")]
    OmitOutsideSubtree,
    /// A PrefixList entry is neither an NCName nor `#default`.
    #[error("invalid InclusiveNamespaces prefix {0:?}")]
    InvalidPrefix(String),
    /// A namespace name that is not absolute (the parser refuses these too).
    #[error("relative namespace URI {0:?} cannot be canonicalized")]
    RelativeNamespace(String),
}

impl C14nError {
    /// Stable snake_case name of the error kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NotAnElement => "c14n_not_an_element",
            Self::OmitOutsideSubtree => "c14n_omit_outside_subtree",
            Self::InvalidPrefix(_) => "c14n_invalid_prefix",
            Self::RelativeNamespace(_) => "c14n_relative_namespace",
        }
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
    let inclusive = prepare(doc, apex, options)?;
    let mut writer = Writer::new(doc, Plain(sink), options.with_comments, inclusive, None);
    if apex == NodeId::DOCUMENT { writer.document(options.omit) } else { writer.subtree(apex, options.omit) }
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
            p if crate::xml::is_ncname(p) => inclusive.push(p),
            p => return Err(C14nError::InvalidPrefix(p.to_string())),
        }
    }
    Ok(inclusive)
}

/// Digests the canonical form of `apex` and, in the same pass, the canonical
/// form `nested` (an element inside it) has when canonicalized alone under
/// `nested_options`: the Response and Assertion digests of a doubly signed
/// response with the Assertion walked once.
///
/// The nested digest is `None` when it cannot be shared, and the caller then
/// canonicalizes `nested` on its own: different comment or PrefixList
/// settings, `nested` not written by the outer form (outside `apex` or in
/// what `options` omit), an outer omission inside `nested`, or a namespace
/// declaration that the two forms render differently. When it is `Some`, it
/// is byte for byte the digest of [`canonicalize`]`(doc, nested, nested_options)`.
pub fn digest_nested(
    doc: &Document<'_>,
    apex: NodeId,
    options: &Options<'_>,
    algorithm: &'static ring::digest::Algorithm,
    nested: NodeId,
    nested_options: &Options<'_>,
    nested_algorithm: &'static ring::digest::Algorithm,
) -> Result<(ring::digest::Digest, Option<ring::digest::Digest>), C14nError> {
    let inclusive = prepare(doc, apex, options)?;
    let shareable = apex != NodeId::DOCUMENT
        && nested != apex
        && doc.contains(apex, nested)
        && options.omit.is_none_or(|omit| !doc.contains(omit, nested) && !doc.contains(nested, omit))
        && nested_options.with_comments == options.with_comments
        && prepare(doc, nested, nested_options).is_ok_and(|nested_inclusive| nested_inclusive == inclusive);
    if !shareable {
        let mut sink = DigestSink::new(algorithm);
        canonicalize(doc, apex, options, &mut sink)?;
        return Ok((sink.finish(), None));
    }
    let out = StagedDigests::new(algorithm, Some(nested_algorithm));
    let walk = NestedWalk { apex: nested, omit: nested_options.omit, mark: None, diverged: false };
    let mut writer = Writer::new(doc, out, options.with_comments, inclusive, Some(walk));
    writer.subtree(apex, options.omit)?;
    let diverged = writer.nested.as_ref().is_none_or(|walk| walk.diverged);
    let (outer, nested) = writer.out.finish();
    Ok((outer, nested.filter(|_| !diverged)))
}

/// Canonicalizes into a new vector (for tooling and tests; the signature stage
/// streams instead).
pub fn to_vec(doc: &Document<'_>, apex: NodeId, options: &Options<'_>) -> Result<Vec<u8>, C14nError> {
    // The written size plus room for expanded empty tags and pushed-down
    // namespaces: one allocation for a typical SignedInfo.
    let written = doc.subtree_span(apex).len();
    let mut out = Vec::with_capacity(written + written / 2 + 256);
    canonicalize(doc, apex, options, &mut out)?;
    Ok(out)
}

/// The nested element of [`digest_nested`] as the walk meets it.
struct NestedWalk {
    apex: NodeId,
    omit: Option<NodeId>,
    /// Inside the nested element: the rendered-stack length at its start.
    /// Bindings below it exist only in the outer form.
    mark: Option<usize>,
    /// A namespace decision inside differs between the two forms.
    diverged: bool,
}

struct Writer<'d, 'a, O: Output> {
    doc: &'d Document<'a>,
    out: O,
    with_comments: bool,
    /// PrefixList entries (`""` for `#default`).
    inclusive: Vec<&'d str>,
    /// Namespace bindings of output ancestors (prefix, uri), innermost last.
    rendered: Bindings<'d, &'d str>,
    /// Scratch: declarations to emit on the current element.
    candidates: Vec<(&'d str, &'d str)>,
    /// Scratch: attribute order for the current element.
    sorted_attributes: Vec<(&'d str, &'d str, &'d str, &'d str)>,
    nested: Option<NestedWalk>,
}

impl<'d, 'a, O: Output> Writer<'d, 'a, O> {
    fn new(
        doc: &'d Document<'a>,
        out: O,
        with_comments: bool,
        inclusive: Vec<&'d str>,
        nested: Option<NestedWalk>,
    ) -> Self {
        Self {
            doc,
            out,
            with_comments,
            inclusive,
            rendered: Bindings::with_capacity(16),
            candidates: Vec::with_capacity(8),
            sorted_attributes: Vec::with_capacity(16),
            nested,
        }
    }

    fn document(&mut self, omit: Option<NodeId>) -> Result<(), C14nError> {
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
    fn subtree(&mut self, apex: NodeId, omit: Option<NodeId>) -> Result<(), C14nError> {
        // Open elements: (id, end of subtree, rendered-stack length to restore).
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
                let mark = self.rendered.len();
                self.enter(id, mark);
                self.start_tag(element)?;
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
        self.rendered.truncate(mark);
        if let Some(walk) = &mut self.nested {
            if id == walk.apex {
                walk.mark = None;
                self.out.nested(false);
            } else if Some(id) == walk.omit && walk.mark.is_some() {
                self.out.nested(true);
            }
        }
    }

    /// Before an element's start tag: the nested element's bytes start, or
    /// pause for its omitted descendant.
    #[inline]
    fn enter(&mut self, id: NodeId, mark: usize) {
        if let Some(walk) = &mut self.nested {
            if id == walk.apex {
                walk.mark = Some(mark);
                self.out.nested(true);
            } else if Some(id) == walk.omit && walk.mark.is_some() {
                self.out.nested(false);
            }
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

    /// Whether binding (prefix, uri) must be emitted here; records it as
    /// rendered when it is. (libxml2 records every visibly used binding; one
    /// equal to the innermost rendered one changes no later answer, so it is
    /// not recorded here, which keeps the stack as short as the output.)
    fn consider(&mut self, prefix: &'d str, uri: &'d str) {
        let found = self.rendered.find(prefix);
        let already = match found {
            Some(i) => same_uri(self.rendered.get(i).1, uri),
            // Nothing rendered for this prefix: only "no default namespace" is implied.
            None => uri.is_empty(),
        };
        // Inside the nested element a binding found below its mark is not
        // there when it is canonicalized alone, where the answer is the
        // nothing-rendered one.
        if let Some(NestedWalk { mark: Some(mark), diverged, .. }) = &mut self.nested
            && found.is_some_and(|i| i < *mark)
            && already != uri.is_empty()
        {
            *diverged = true;
        }
        if !already {
            if !self.candidates.iter().any(|(p, _)| crate::xml::same_name(p, prefix)) {
                self.candidates.push((prefix, uri));
            }
            self.rendered.push(prefix, uri);
        }
    }

    fn start_tag(&mut self, element: ElementRef<'d, 'a>) -> Result<(), C14nError> {
        self.candidates.clear();
        for i in 0..self.inclusive.len() {
            let prefix = self.inclusive[i];
            if let Some(uri) = element.lookup_namespace(prefix)
                && prefix != "xml"
            {
                self.consider(prefix, uri);
            }
        }
        let prefix = element.prefix();
        self.consider(prefix, element.namespace());
        self.sorted_attributes.clear();
        for attribute in element.attributes() {
            let (ap, ans) = (attribute.prefix(), attribute.namespace());
            if !ap.is_empty() && ap != "xml" {
                self.consider(ap, ans);
            }
            self.sorted_attributes.push((ans, attribute.local_name(), attribute.prefix(), attribute.value()));
        }
        for &(_, uri) in &self.candidates {
            if !uri.is_empty() && !crate::xml::is_absolute_uri(uri) {
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

    fn end_tag(&mut self, id: NodeId) {
        if let Some(element) = self.doc.element(id) {
            self.out.write_parts([b"</", element.qname().as_bytes(), b">"]);
        }
    }
}

/// Namespace names usually come from the same declaration: equal pointers
/// answer without comparing bytes.
#[inline]
fn same_uri(a: &str, b: &str) -> bool {
    (std::ptr::eq(a.as_ptr(), b.as_ptr()) && a.len() == b.len()) || crate::xml::same_name(a, b)
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
        if crate::bytes::block_has(block, special) {
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

    #[test]
    fn digest_sink_matches_buffered_digest() {
        let body = "<r>".to_string() + &"<a b=\"1\">text &amp; more</a>".repeat(500) + "</r>";
        let doc = parse(body.as_bytes()).unwrap();
        let bytes = to_vec(&doc, doc.root(), &Options::default()).unwrap();
        let mut sink = DigestSink::new(&ring::digest::SHA256);
        canonicalize(&doc, doc.root(), &Options::default(), &mut sink).unwrap();
        assert_eq!(sink.finish().as_ref(), ring::digest::digest(&ring::digest::SHA256, &bytes).as_ref());
    }
}
