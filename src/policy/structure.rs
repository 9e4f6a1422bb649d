//! The shape of the document before any signature is checked: one
//! `samlp:Response` holding exactly one Assertion as a direct child, no
//! EncryptedAssertion, no `ds:Signature` other than the Response's and the
//! Assertion's own.

use super::PolicyError;
use super::settings::RequiredSignatures;
use crate::Error;
use crate::dsig::{self, DSIG_NS, SignatureError};
use crate::policy::SignedElement;
use crate::saml::{SAML_NS, SAMLP_NS};
use crate::xml::{Document, NodeId};

/// Where the parts of a Response are.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Structure {
    pub(crate) response: NodeId,
    pub(crate) assertion: NodeId,
    pub(crate) response_signature: Option<NodeId>,
    pub(crate) assertion_signature: Option<NodeId>,
}

/// Finds the Response's parts in one pass and refuses every other shape.
pub(crate) fn scan(doc: &Document<'_>) -> Result<Structure, Error> {
    let response = doc.root();
    let root = doc.element(response).ok_or(PolicyError::NotAResponse)?;
    if !root.is(SAMLP_NS, "Response") {
        return Err(PolicyError::NotAResponse.into());
    }
    let (mut assertions, mut signatures) = (Vec::new(), Vec::new());
    for node in doc.descendants(response) {
        let Some(e) = doc.element(node) else { continue };
        // The local name first: it is short and rarely one of these three.
        match e.local_name() {
            "Assertion" if e.namespace() == SAML_NS => assertions.push(node),
            "EncryptedAssertion" if e.namespace() == SAML_NS => {
                return Err(PolicyError::EncryptedAssertion.into());
            }
            "Signature" if e.namespace() == DSIG_NS => signatures.push(node),
            _ => {}
        }
    }
    let [assertion] = assertions.as_slice() else {
        return Err(PolicyError::AssertionCount(assertions.len()).into());
    };
    let assertion = *assertion;
    if doc.parent(assertion) != Some(response) {
        return Err(PolicyError::AssertionPosition.into());
    }
    // Only the Response's and the Assertion's own signatures may exist.
    for signature in signatures {
        let parent = doc.parent(signature).unwrap_or(NodeId::DOCUMENT);
        if parent != response && parent != assertion {
            let inside = doc.element(parent).map_or("the document", |e| e.qname());
            return Err(PolicyError::UnexpectedSignature(inside.into()).into());
        }
    }
    let response_signature =
        dsig::signature_child(doc, response).map_err(signature_error(SignedElement::Response))?;
    let assertion_signature =
        dsig::signature_child(doc, assertion).map_err(signature_error(SignedElement::Assertion))?;
    Ok(Structure { response, assertion, response_signature, assertion_signature })
}

/// Refuses a response without the signatures the profile requires.
pub(crate) fn require_signatures(
    structure: &Structure,
    required: RequiredSignatures,
) -> Result<(), PolicyError> {
    let (response, assertion) =
        (structure.response_signature.is_some(), structure.assertion_signature.is_some());
    match (required, response, assertion) {
        (RequiredSignatures::ResponseAndAssertion | RequiredSignatures::Response, false, _) => {
            Err(PolicyError::ResponseNotSigned)
        }
        (RequiredSignatures::ResponseAndAssertion | RequiredSignatures::Assertion, _, false)
        | (RequiredSignatures::Either, false, false) => Err(PolicyError::AssertionNotSigned),
        _ => Ok(()),
    }
}

/// Wraps a signature error with the element it belongs to.
pub(crate) fn signature_error(element: SignedElement) -> impl Fn(SignatureError) -> Error {
    move |error| Error::Signature { element, error }
}
