//! The shape of the document before any signature is checked: one
//! `samlp:Response` holding exactly one Assertion as a direct child (or,
//! where the policy decrypts, exactly one EncryptedAssertion instead), no
//! other Assertion or EncryptedAssertion anywhere, no `ds:Signature` other
//! than the Response's and the Assertion's own.

use super::PolicyError;
use super::encryption::Encryption;
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
    /// The Assertion, or the EncryptedAssertion when `encrypted`.
    pub(crate) assertion: NodeId,
    pub(crate) encrypted: bool,
    pub(crate) response_signature: Option<NodeId>,
    pub(crate) assertion_signature: Option<NodeId>,
}

/// Finds the Response's parts in one pass and refuses every other shape.
/// An EncryptedAssertion counts as an Assertion where the policy accepts
/// them, and is refused wherever it is otherwise.
pub(crate) fn scan(doc: &Document<'_>, encryption: &Encryption) -> Result<Structure, Error> {
    let response = doc.root();
    let root = doc.element(response).ok_or(PolicyError::NotAResponse)?;
    if !root.is(SAMLP_NS, "Response") {
        return Err(PolicyError::NotAResponse.into());
    }
    let refused = encryption.refused();
    let (mut assertions, mut encrypted, mut signatures) = (Vec::new(), Vec::new(), Vec::new());
    for node in doc.descendants(response) {
        let Some(e) = doc.element(node) else { continue };
        // The local name first: it is short and rarely one of these three.
        match e.local_name() {
            "Assertion" if e.namespace() == SAML_NS => assertions.push(node),
            "EncryptedAssertion" if e.namespace() == SAML_NS => {
                if refused {
                    return Err(PolicyError::EncryptedAssertion.into());
                }
                encrypted.push(node);
            }
            "Signature" if e.namespace() == DSIG_NS => signatures.push(node),
            _ => {}
        }
    }
    let (assertion, is_encrypted) = match (assertions.as_slice(), encrypted.as_slice()) {
        ([assertion], []) => (*assertion, false),
        ([], [encrypted]) => (*encrypted, true),
        _ => return Err(PolicyError::AssertionCount(assertions.len() + encrypted.len()).into()),
    };
    if doc.parent(assertion) != Some(response) {
        return Err(PolicyError::AssertionPosition.into());
    }
    // Only the Response's and the Assertion's own signatures may exist (an
    // encrypted Assertion's is inside the ciphertext).
    for signature in signatures {
        let parent = doc.parent(signature).unwrap_or(NodeId::DOCUMENT);
        if parent != response && (parent != assertion || is_encrypted) {
            let inside = doc.element(parent).map_or("the document", |e| e.qname());
            return Err(PolicyError::UnexpectedSignature(inside.into()).into());
        }
    }
    let response_signature =
        dsig::signature_child(doc, response).map_err(signature_error(SignedElement::Response))?;
    let assertion_signature = if is_encrypted {
        None
    } else {
        dsig::signature_child(doc, assertion).map_err(signature_error(SignedElement::Assertion))?
    };
    Ok(Structure { response, assertion, encrypted: is_encrypted, response_signature, assertion_signature })
}

/// Refuses a response without the signatures the profile requires. An
/// encrypted Assertion's own signature is required whatever the profile,
/// and checked once it is decrypted (a missing one is then the opaque
/// decryption refusal).
pub(crate) fn require_signatures(
    structure: &Structure,
    required: RequiredSignatures,
) -> Result<(), PolicyError> {
    let (response, assertion) = (
        structure.response_signature.is_some(),
        structure.assertion_signature.is_some() || structure.encrypted,
    );
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
