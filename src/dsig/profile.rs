//! The SAML signature profile: which shapes of `ds:Signature` are read at
//! all. Everything here is structure; no key is touched.

use std::borrow::Cow;

use super::values::crypto_text;
use super::{DSIG_NS, SignatureError};
use crate::c14n::{Method, Options};
use crate::xml::{Document, ElementRef, NodeId};

/// The InclusiveNamespaces namespace of exclusive c14n.
pub(crate) const EXC_C14N_NS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const EXC_C14N_COMMENTS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";
const C14N10: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
const C14N10_COMMENTS: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

/// Which canonicalization methods a Signature may name, as its SignedInfo
/// CanonicalizationMethod and as its Reference's canonicalization transform.
/// Exclusive C14N 1.0 (with or without comments) is always accepted;
/// Canonical XML 1.1 never is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Canonicalizations {
    /// Also accept inclusive Canonical XML 1.0 (`…REC-xml-c14n-20010315`,
    /// with or without `#WithComments`).
    pub inclusive: bool,
}

impl Canonicalizations {
    /// Exclusive C14N only: what Entra ID signs with, and the default.
    pub const EXCLUSIVE: Self = Self { inclusive: false };
    /// Exclusive or inclusive C14N 1.0.
    pub const EXCLUSIVE_OR_INCLUSIVE: Self = Self { inclusive: true };
}

/// A canonicalization as a Signature names it: the method, comments kept or
/// not, and the InclusiveNamespaces PrefixList (exclusive only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Canonicalization<'d> {
    pub(crate) method: Method,
    pub(crate) with_comments: bool,
    pub(crate) prefixes: &'d str,
}

impl<'d> Canonicalization<'d> {
    pub(crate) fn options(self, omit: Option<NodeId>) -> Options<'d> {
        Options { method: self.method, with_comments: self.with_comments, omit, ..Options::default() }
            .with_prefix_list(self.prefixes)
    }
}

/// The pieces of a Signature that passed the structural profile.
pub(crate) struct Shape<'d> {
    pub(crate) signature: NodeId,
    /// The element the signature is enveloped by and references.
    pub(crate) parent: NodeId,
    pub(crate) signed_info: NodeId,
    pub(crate) signed_info_c14n: Canonicalization<'d>,
    pub(crate) signature_method: &'d str,
    pub(crate) reference_uri: &'d str,
    pub(crate) reference_c14n: Canonicalization<'d>,
    pub(crate) digest_method: &'d str,
    pub(crate) digest_value: NodeId,
    pub(crate) signature_value: NodeId,
    /// The text of the first `KeyInfo/X509Data/X509Certificate`.
    pub(crate) x509_certificate: Option<Cow<'d, str>>,
}

/// The one `ds:Signature` child of `element`, if any; two is an error.
pub fn signature_child(doc: &Document<'_>, element: NodeId) -> Result<Option<NodeId>, SignatureError> {
    let mut found = None;
    for child in doc.child_elements(element) {
        if child.is(DSIG_NS, "Signature") {
            if found.is_some() {
                return Err(SignatureError::SeveralSignatures);
            }
            found = Some(child.id());
        }
    }
    Ok(found)
}

/// Every `ds:Signature` element in the document, in document order.
pub fn all_signatures(doc: &Document<'_>) -> Vec<NodeId> {
    doc.descendants(NodeId::DOCUMENT)
        .filter(|&n| doc.element(n).is_some_and(|e| e.is(DSIG_NS, "Signature")))
        .collect()
}

/// Element children of a signature structure element; text is refused.
fn ds_children<'d, 'a>(
    doc: &'d Document<'a>,
    node: NodeId,
) -> Result<Vec<ElementRef<'d, 'a>>, SignatureError> {
    doc.element_only_children(node)
        .map(Iterator::collect)
        .ok_or(SignatureError::Malformed("a signature element with text"))
}

/// Expects the children to be exactly `names` (a `?` suffix marks optional)
/// in order, and returns them (`None` for an absent optional one).
fn expect_sequence<'d, 'a, const N: usize>(
    children: &[ElementRef<'d, 'a>],
    names: [&'static str; N],
    context: &'static str,
) -> Result<[Option<ElementRef<'d, 'a>>; N], SignatureError> {
    let mut out = [None; N];
    let mut i = 0;
    for (slot, name) in out.iter_mut().zip(names) {
        let (local, optional) = match name.strip_suffix('?') {
            Some(n) => (n, true),
            None => (name, false),
        };
        match children.get(i) {
            Some(c) if c.is(DSIG_NS, local) => {
                *slot = Some(*c);
                i += 1;
            }
            _ if optional => {}
            _ => return Err(SignatureError::Malformed(context)),
        }
    }
    if i != children.len() {
        return Err(SignatureError::Malformed(context));
    }
    Ok(out)
}

/// A same-document reference's fragment that names an element by ID: name
/// characters only, though not necessarily an NCName (real IdPs send IDs
/// that start with a digit). XPointer (`xpointer(…)`, `element(…)`) and
/// other fragment syntaxes hold characters outside that set and are refused.
fn is_id_fragment(id: &str) -> bool {
    crate::xml::is_ncname_chars(id)
}

/// The canonicalization an algorithm element names, if `allowed` holds it.
fn canonicalization<'d>(
    doc: &'d Document<'_>,
    element: ElementRef<'d, '_>,
    allowed: Canonicalizations,
) -> Option<Canonicalization<'d>> {
    let (method, with_comments) = match element.attribute("", "Algorithm")? {
        EXC_C14N => (Method::Exclusive, false),
        EXC_C14N_COMMENTS => (Method::Exclusive, true),
        C14N10 if allowed.inclusive => (Method::Inclusive, false),
        C14N10_COMMENTS if allowed.inclusive => (Method::Inclusive, true),
        _ => return None,
    };
    // At most one child: an InclusiveNamespaces with no element inside, for
    // exclusive C14N only.
    let mut children = doc.element_only_children(element.id())?;
    let prefixes = match children.next() {
        None => "",
        Some(e)
            if method == Method::Exclusive
                && e.is(EXC_C14N_NS, "InclusiveNamespaces")
                && doc.child_elements(e.id()).next().is_none() =>
        {
            e.attribute("", "PrefixList")?
        }
        Some(_) => return None,
    };
    children.next().is_none().then_some(Canonicalization { method, with_comments, prefixes })
}

fn no_element_children(
    doc: &Document<'_>,
    element: ElementRef<'_, '_>,
    what: &'static str,
) -> Result<(), SignatureError> {
    if doc.child_elements(element.id()).next().is_some() {
        return Err(SignatureError::Malformed(what));
    }
    Ok(())
}

/// Refuses `ds:Object`, `ds:Manifest`, `ds:RetrievalMethod` and nested
/// Signatures anywhere inside `signature`.
fn no_forbidden_descendants(doc: &Document<'_>, signature: NodeId) -> Result<(), SignatureError> {
    for node in doc.descendants(signature).skip(1) {
        let Some(e) = doc.element(node).filter(|e| e.namespace() == DSIG_NS) else { continue };
        let forbidden = match e.local_name() {
            "Object" => "ds:Object",
            "Manifest" => "ds:Manifest",
            "RetrievalMethod" => "ds:RetrievalMethod",
            "Signature" => "nested ds:Signature",
            _ => continue,
        };
        return Err(SignatureError::ForbiddenElement(forbidden));
    }
    Ok(())
}

impl<'d> Shape<'d> {
    pub(crate) fn read(
        doc: &'d Document<'_>,
        signature: NodeId,
        allowed: Canonicalizations,
    ) -> Result<Self, SignatureError> {
        let element = doc.element(signature).ok_or(SignatureError::Malformed("ds:Signature"))?;
        if !element.is(DSIG_NS, "Signature") {
            return Err(SignatureError::Malformed("ds:Signature"));
        }
        let parent = doc.parent(signature).filter(|&p| doc.element(p).is_some());
        let Some(parent) = parent else {
            return Err(SignatureError::NotEnveloped);
        };
        if signature_child(doc, parent)? != Some(signature) {
            return Err(SignatureError::SeveralSignatures);
        }
        no_forbidden_descendants(doc, signature)?;

        let top = ds_children(doc, signature)?;
        let [signed_info, signature_value, key_info] =
            expect_sequence(&top, ["SignedInfo", "SignatureValue", "KeyInfo?"], "Signature")?;
        let (signed_info, signature_value) =
            (signed_info.unwrap_or(element), signature_value.unwrap_or(element));
        no_element_children(doc, signature_value, "SignatureValue")?;

        let info = ds_children(doc, signed_info.id())?;
        let references = info.iter().filter(|e| e.is(DSIG_NS, "Reference")).count();
        if references != 1 {
            return Err(SignatureError::ReferenceCount(references));
        }
        let [c14n_method, signature_method, reference] =
            expect_sequence(&info, ["CanonicalizationMethod", "SignatureMethod", "Reference"], "SignedInfo")?
                .map(|e| e.unwrap_or(element));
        let signed_info_c14n =
            canonicalization(doc, c14n_method, allowed).ok_or(SignatureError::CanonicalizationMethod)?;
        no_element_children(doc, signature_method, "SignatureMethod")?;
        let signature_method = signature_method
            .attribute("", "Algorithm")
            .ok_or(SignatureError::Malformed("SignatureMethod"))?;

        let reference_uri = Self::reference_to_parent(doc, reference, parent)?;
        let parts = ds_children(doc, reference.id())?;
        let [transforms, digest_method, digest_value] =
            expect_sequence(&parts, ["Transforms", "DigestMethod", "DigestValue"], "Reference")?
                .map(|e| e.unwrap_or(element));
        // A same-document reference by ID selects the element without its
        // comments (XML-DSig 4.3.3.3): `#WithComments` has none left to keep.
        let reference_c14n =
            Canonicalization { with_comments: false, ..Self::transforms(doc, transforms, allowed)? };
        no_element_children(doc, digest_method, "DigestMethod")?;
        let digest_method =
            digest_method.attribute("", "Algorithm").ok_or(SignatureError::Malformed("DigestMethod"))?;

        let x509_certificate = match key_info {
            Some(key_info) => Self::first_certificate(doc, key_info)?,
            None => None,
        };
        Ok(Self {
            signature,
            parent,
            signed_info: signed_info.id(),
            signed_info_c14n,
            signature_method,
            reference_uri,
            reference_c14n,
            digest_method,
            digest_value: digest_value.id(),
            signature_value: signature_value.id(),
            x509_certificate,
        })
    }

    /// The Reference's URI, which must be `#` + the parent's own ID and
    /// resolve to the parent.
    fn reference_to_parent(
        doc: &'d Document<'_>,
        reference: ElementRef<'d, '_>,
        parent: NodeId,
    ) -> Result<&'d str, SignatureError> {
        if reference.attribute("", "Type").is_some() {
            return Err(SignatureError::ForbiddenElement("Reference Type"));
        }
        let uri = reference.attribute("", "URI").ok_or(SignatureError::ReferenceUri)?;
        let id = uri.strip_prefix('#').filter(|id| is_id_fragment(id)).ok_or(SignatureError::ReferenceUri)?;
        let parent_element = doc.element(parent).ok_or(SignatureError::ReferenceUri)?;
        if parent_element.attribute("", "ID") != Some(id) || doc.element_by_id(id) != Some(parent) {
            return Err(SignatureError::ReferenceUri);
        }
        Ok(uri)
    }

    /// Exactly enveloped-signature, then the canonicalization.
    fn transforms(
        doc: &'d Document<'_>,
        transforms: ElementRef<'d, '_>,
        allowed: Canonicalizations,
    ) -> Result<Canonicalization<'d>, SignatureError> {
        let transforms = ds_children(doc, transforms.id())?;
        let [enveloped, canonical] = transforms.as_slice() else { return Err(SignatureError::Transforms) };
        if !enveloped.is(DSIG_NS, "Transform")
            || enveloped.attribute("", "Algorithm") != Some(ENVELOPED)
            || doc.children(enveloped.id()).any(|c| doc.element(c).is_some())
            || !canonical.is(DSIG_NS, "Transform")
        {
            return Err(SignatureError::Transforms);
        }
        canonicalization(doc, *canonical, allowed).ok_or(SignatureError::Transforms)
    }

    /// The text of the first `KeyInfo/X509Data/X509Certificate` (a hint
    /// only); every one must be plain text.
    fn first_certificate(
        doc: &'d Document<'_>,
        key_info: ElementRef<'_, '_>,
    ) -> Result<Option<Cow<'d, str>>, SignatureError> {
        let mut first = None;
        for data in doc.child_elements(key_info.id()).filter(|e| e.is(DSIG_NS, "X509Data")) {
            for certificate in doc.child_elements(data.id()).filter(|e| e.is(DSIG_NS, "X509Certificate")) {
                let text = crypto_text(doc, certificate.id(), "X509Certificate")?;
                first.get_or_insert(text);
            }
        }
        Ok(first)
    }
}
