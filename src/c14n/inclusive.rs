//! Canonical XML 1.0 (inclusive C14N): the namespace decisions of the
//! second [`NamespaceRendering`]. Every binding in scope is output; on the
//! apex of a subtree all of them, below it only the declarations whose value
//! differs from what the nearest output ancestor rendered. `xmlns=""` is
//! emitted only to undo a non-empty default rendered above. The writer adds
//! the other difference from exclusive C14N: a subtree apex inherits the
//! `xml:*` attributes of its ancestors.

use super::exclusive::NamespaceRendering;
use crate::xml::{Bindings, ElementRef, same_name};

/// Inclusive C14N 1.0 as libxml2 implements it.
pub(super) struct Inclusive<'d> {
    /// Namespace bindings of output ancestors (prefix, uri), innermost last.
    rendered: Bindings<'d, &'d str>,
    /// Whether the apex (the first element) has been seen.
    past_apex: bool,
    /// Scratch: the bindings in scope at the apex.
    in_scope: Vec<(&'d str, &'d str)>,
}

impl Inclusive<'_> {
    pub(super) fn new() -> Self {
        Self { rendered: Bindings::with_capacity(16), past_apex: false, in_scope: Vec::new() }
    }
}

impl<'d> Inclusive<'d> {
    /// Emits (prefix, uri) unless the nearest output ancestor rendered the
    /// same binding (nothing rendered stands for "no default namespace").
    fn consider(&mut self, prefix: &'d str, uri: &'d str, out: &mut Vec<(&'d str, &'d str)>) {
        if prefix == "xml" {
            return;
        }
        let already = match self.rendered.find(prefix) {
            Some(i) => same_name(self.rendered.get(i).1, uri),
            None => uri.is_empty(),
        };
        if !already {
            out.push((prefix, uri));
            self.rendered.push(prefix, uri);
        }
    }
}

impl<'d> NamespaceRendering<'d> for Inclusive<'d> {
    const INHERITS_XML_ATTRIBUTES: bool = true;

    fn start_tag<'a>(
        &mut self,
        element: ElementRef<'d, 'a>,
        _nested_mark: Option<usize>,
        out: &mut Vec<(&'d str, &'d str)>,
    ) -> bool {
        if self.past_apex {
            // Below the apex the parent is output: only what is declared here
            // can differ from what it rendered.
            for declaration in element.namespace_declarations() {
                self.consider(declaration.prefix(), declaration.uri(), out);
            }
            return false;
        }
        self.past_apex = true;
        // The apex renders every binding in scope, the innermost of each prefix.
        let mut in_scope = std::mem::take(&mut self.in_scope);
        in_scope.clear();
        let mut current = Some(element);
        while let Some(e) = current {
            for declaration in e.namespace_declarations() {
                if !in_scope.iter().any(|(p, _)| same_name(p, declaration.prefix())) {
                    in_scope.push((declaration.prefix(), declaration.uri()));
                }
            }
            current = e.parent_element();
        }
        for &(prefix, uri) in &in_scope {
            self.consider(prefix, uri, out);
        }
        self.in_scope = in_scope;
        false
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
