//! Which namespace declarations a start tag renders: the one thing the
//! canonicalization methods disagree on. The walk, escaping and attribute
//! order in `writer.rs` are shared; a method is a [`NamespaceRendering`]:
//! exclusive C14N here, inclusive C14N 1.0 in `inclusive.rs`.

use crate::xml::{Bindings, ElementRef, same_name};

/// A canonicalization method's namespace decisions, made element by element
/// in document order.
pub(super) trait NamespaceRendering<'d> {
    /// Whether a subtree apex carries the `xml:*` attributes of its
    /// ancestors (inclusive C14N 1.0 of a document subset), its own winning.
    const INHERITS_XML_ATTRIBUTES: bool = false;

    /// Adds to `out` (empty on entry) the declarations `element`'s start tag
    /// renders, as (prefix, namespace name), and records them as rendered.
    ///
    /// `nested_mark` is set inside the nested element of the one-pass nested
    /// form: the [`Self::depth`] at its start. Returns true when a decision
    /// differs from the one canonicalizing the nested element alone makes.
    fn start_tag<'a>(
        &mut self,
        element: ElementRef<'d, 'a>,
        nested_mark: Option<usize>,
        out: &mut Vec<(&'d str, &'d str)>,
    ) -> bool;

    /// How many rendered bindings are in scope; [`Self::end_tag`] goes back to it.
    fn depth(&self) -> usize;

    /// Forgets what was rendered since `depth` (the element closed).
    fn end_tag(&mut self, depth: usize);
}

/// Exclusive C14N as libxml2 implements it: a declaration is rendered when
/// the element or one of its attributes visibly uses the prefix (or the prefix
/// is in the PrefixList and in scope) and the nearest output ancestor did not
/// already render the same binding; `xmlns=""` only undoes a non-empty
/// default rendered above.
pub(super) struct Exclusive<'d> {
    /// PrefixList entries (`""` for `#default`).
    inclusive: Vec<&'d str>,
    /// Namespace bindings of output ancestors (prefix, uri), innermost last.
    rendered: Bindings<'d, &'d str>,
}

impl<'d> Exclusive<'d> {
    pub(super) fn new(inclusive: Vec<&'d str>) -> Self {
        Self { inclusive, rendered: Bindings::with_capacity(16) }
    }

    /// Whether binding (prefix, uri) must be emitted here; records it as
    /// rendered when it is. (libxml2 records every visibly used binding; one
    /// equal to the innermost rendered one changes no later answer, so it is
    /// not recorded here, which keeps the stack as short as the output.)
    /// Returns true when the nested form would decide otherwise.
    fn consider(
        &mut self,
        prefix: &'d str,
        uri: &'d str,
        nested_mark: Option<usize>,
        out: &mut Vec<(&'d str, &'d str)>,
    ) -> bool {
        let found = self.rendered.find(prefix);
        let already = match found {
            Some(i) => same_uri(self.rendered.get(i).1, uri),
            // Nothing rendered for this prefix: only "no default namespace" is implied.
            None => uri.is_empty(),
        };
        // Inside the nested element a binding found below its mark is not
        // there when it is canonicalized alone, where the answer is the
        // nothing-rendered one.
        let diverges =
            nested_mark.is_some_and(|mark| found.is_some_and(|i| i < mark)) && already != uri.is_empty();
        if !already {
            if !out.iter().any(|(p, _)| same_name(p, prefix)) {
                out.push((prefix, uri));
            }
            self.rendered.push(prefix, uri);
        }
        diverges
    }
}

impl<'d> NamespaceRendering<'d> for Exclusive<'d> {
    fn start_tag<'a>(
        &mut self,
        element: ElementRef<'d, 'a>,
        nested_mark: Option<usize>,
        out: &mut Vec<(&'d str, &'d str)>,
    ) -> bool {
        let mut diverges = false;
        for i in 0..self.inclusive.len() {
            let prefix = self.inclusive[i];
            if prefix == "xml" {
                continue;
            }
            match element.lookup_namespace(prefix) {
                Some(uri) => diverges |= self.consider(prefix, uri, nested_mark, out),
                // `#default` hands the default namespace to the inclusive
                // rules: with none in scope here (`xmlns=""` here or above),
                // `xmlns=""` undoes a default rendered above, prefixed
                // element or not.
                None if prefix.is_empty() => diverges |= self.consider("", "", nested_mark, out),
                None => {}
            }
        }
        diverges |= self.consider(element.prefix(), element.namespace(), nested_mark, out);
        for attribute in element.attributes() {
            let prefix = attribute.prefix();
            if !prefix.is_empty() && prefix != "xml" {
                diverges |= self.consider(prefix, attribute.namespace(), nested_mark, out);
            }
        }
        diverges
    }

    #[inline]
    fn depth(&self) -> usize {
        self.rendered.len()
    }

    #[inline]
    fn end_tag(&mut self, depth: usize) {
        self.rendered.truncate(depth);
    }
}

/// Namespace names usually come from the same declaration: equal pointers
/// answer without comparing bytes.
#[inline]
fn same_uri(a: &str, b: &str) -> bool {
    (std::ptr::eq(a.as_ptr(), b.as_ptr()) && a.len() == b.len()) || same_name(a, b)
}
