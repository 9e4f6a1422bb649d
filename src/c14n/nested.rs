//! One walk, two canonical forms: a doubly signed response's Response (the
//! outer element) and its Assertion (nested in it, its own Signature left
//! out) from the same bytes, so that the Assertion is walked once.

use super::exclusive::Exclusive;
use super::sink::{Output, Sink, Staged};
use super::writer::Writer;
use super::{C14nError, Method, Options, canonicalize, prepare};
use crate::xml::{Document, NodeId};

/// Canonicalizes `apex` under `options` into `sink` and, in the same pass,
/// writes to `nested_sink` the canonical form `nested` (an element inside it)
/// has when canonicalized alone under `nested_options`: the Response and
/// Assertion digests of a doubly signed response with the Assertion walked
/// once.
///
/// `sink` always receives the canonical form of `apex`. The result says
/// whether `nested_sink` received the canonical form of `nested`, byte for
/// byte what [`canonicalize`]`(doc, nested, nested_options)` writes; when it
/// is `false`, what `nested_sink` received is meaningless and the caller
/// canonicalizes `nested` on its own. That happens when the form cannot be
/// shared: inclusive C14N on either side, different comment or PrefixList settings, `nested` not written by
/// the outer form (outside `apex` or in what `options` omit), an outer
/// omission inside `nested`, or a namespace declaration that the two forms
/// render differently.
///
/// Public only with the `fuzzing` feature, for the fuzz targets: not a
/// stable API.
// `pub` for the fuzzing re-export; without it the item stays crate-private.
#[cfg_attr(not(feature = "fuzzing"), allow(unreachable_pub))]
pub fn canonicalize_nested<S: Sink + ?Sized, T: Sink + ?Sized>(
    doc: &Document<'_>,
    apex: NodeId,
    options: &Options<'_>,
    sink: &mut S,
    nested: NodeId,
    nested_options: &Options<'_>,
    nested_sink: &mut T,
) -> Result<bool, C14nError> {
    let inclusive = prepare(doc, apex, options)?;
    let shareable = options.method == Method::Exclusive
        && nested_options.method == Method::Exclusive
        && apex != NodeId::DOCUMENT
        && nested != apex
        && doc.contains(apex, nested)
        && options.omit.is_none_or(|omit| !doc.contains(omit, nested) && !doc.contains(nested, omit))
        && nested_options.with_comments == options.with_comments
        && prepare(doc, nested, nested_options).is_ok_and(|nested_inclusive| nested_inclusive == inclusive);
    if !shareable {
        canonicalize(doc, apex, options, sink)?;
        return Ok(false);
    }
    let out = Staged::new(sink, Some(nested_sink));
    let walk = NestedWalk { apex: nested, omit: nested_options.omit, mark: None, diverged: false };
    let mut writer = Writer::new(doc, out, options.with_comments, Exclusive::new(inclusive), Some(walk));
    writer.subtree(apex, options.omit)?;
    let diverged = writer.nested.as_ref().is_none_or(|walk| walk.diverged);
    writer.out.finish();
    Ok(!diverged)
}

/// The nested element of [`canonicalize_nested`] as the walk meets it.
pub(super) struct NestedWalk {
    apex: NodeId,
    omit: Option<NodeId>,
    /// Inside the nested element: the rendering depth at its start. Bindings
    /// below it exist only in the outer form.
    pub(super) mark: Option<usize>,
    /// A namespace decision inside differs between the two forms.
    pub(super) diverged: bool,
}

impl NestedWalk {
    /// Before `id`'s start tag, at rendering depth `mark`: the nested
    /// element's bytes start, or pause for its omitted descendant.
    #[inline]
    pub(super) fn enter(&mut self, id: NodeId, mark: usize, out: &mut impl Output) {
        if id == self.apex {
            self.mark = Some(mark);
            out.nested(true);
        } else if Some(id) == self.omit && self.mark.is_some() {
            out.nested(false);
        }
    }

    /// After `id`'s end tag: the nested element's bytes stop, or resume
    /// after its omitted descendant.
    pub(super) fn leave(&mut self, id: NodeId, out: &mut impl Output) {
        if id == self.apex {
            self.mark = None;
            out.nested(false);
        } else if Some(id) == self.omit && self.mark.is_some() {
            out.nested(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::c14n::to_vec;
    use crate::xml::parse;

    /// The shared nested form, checking the outer form on the way.
    fn shared_form(
        doc: &Document<'_>,
        outer: NodeId,
        outer_options: &Options<'_>,
        nested: NodeId,
        nested_options: &Options<'_>,
    ) -> Option<Vec<u8>> {
        let (mut outer_form, mut nested_form) = (Vec::new(), Vec::new());
        let shared = canonicalize_nested(
            doc,
            outer,
            outer_options,
            &mut outer_form,
            nested,
            nested_options,
            &mut nested_form,
        )
        .unwrap();
        assert_eq!(outer_form, to_vec(doc, outer, outer_options).unwrap());
        shared.then_some(nested_form)
    }

    fn signature_child(doc: &Document<'_>, parent: NodeId) -> NodeId {
        doc.child_elements(parent).find(|e| e.local_name() == "Signature").unwrap().id()
    }

    #[test]
    fn a_doubly_signed_response_shares_the_assertion_form() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/responses/clientvpn-200-groups.xml"
        ))
        .unwrap();
        let doc = parse(&bytes).unwrap();
        let response = doc.root();
        let assertion = doc.child_elements(response).find(|e| e.local_name() == "Assertion").unwrap().id();
        let outer_options = Options { omit: Some(signature_child(&doc, response)), ..Options::default() };
        let nested_options = Options { omit: Some(signature_child(&doc, assertion)), ..Options::default() };
        // Longer than the staging buffer, so the nested range spans flushes.
        let alone = to_vec(&doc, assertion, &nested_options).unwrap();
        assert!(alone.len() > 2 * 2048);
        assert_eq!(shared_form(&doc, response, &outer_options, assertion, &nested_options), Some(alone));
        let with_comments = Options { with_comments: true, ..nested_options };
        assert_eq!(shared_form(&doc, response, &outer_options, assertion, &with_comments), None);
    }

    #[test]
    fn a_binding_rendered_above_the_nested_element_is_not_shared() {
        let doc = parse(br#"<a:r xmlns:a="urn:a"><a:x><a:y/></a:x><z/></a:r>"#).unwrap();
        let x = doc.child_elements(doc.root()).next().unwrap().id();
        assert_eq!(shared_form(&doc, doc.root(), &Options::default(), x, &Options::default()), None);
        let doc = parse(br#"<r><a:x xmlns:a="urn:a"><a:y/></a:x><z/></r>"#).unwrap();
        let x = doc.child_elements(doc.root()).next().unwrap().id();
        let alone = to_vec(&doc, x, &Options::default()).unwrap();
        assert_eq!(shared_form(&doc, doc.root(), &Options::default(), x, &Options::default()), Some(alone));
    }
}
