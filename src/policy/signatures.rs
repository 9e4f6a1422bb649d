//! Verifying the signatures a Response carries, the Assertion's first.

use super::settings::Settings;
use super::structure::{Structure, signature_error};
use super::{SignedElement, SignedPart};
use crate::Error;
use crate::crypto::PublicKey;
use crate::dsig::{self, Nesting, VerifiedSignature};
use crate::xml::Document;

/// The proofs of the signatures present.
pub(crate) struct Proofs<'d> {
    pub(crate) assertion: Option<VerifiedSignature<'d>>,
    pub(crate) response: Option<VerifiedSignature<'d>>,
}

impl<'d> Proofs<'d> {
    /// Verifies every signature present; both together in one canonicalization
    /// pass when the Response's covers the Assertion's.
    pub(crate) fn verify(
        doc: &'d Document<'_>,
        structure: &Structure,
        keys: &[PublicKey],
        settings: &Settings,
    ) -> Result<Self, Error> {
        let (algorithms, canonicalizations) = (settings.algorithms, settings.canonicalizations);
        let verify = |signature, element| {
            dsig::verify_with_canonicalizations(doc, signature, keys, algorithms, canonicalizations)
                .map_err(signature_error(element))
        };
        // The Assertion first: with Entra's default (assertion-only) it is the one that matters.
        Ok(match (structure.assertion_signature, structure.response_signature) {
            (Some(inner), Some(outer)) => {
                let (assertion, response) =
                    dsig::verify_nested(doc, inner, outer, keys, algorithms, canonicalizations).map_err(
                        |(which, e)| {
                            signature_error(match which {
                                Nesting::Inner => SignedElement::Assertion,
                                Nesting::Outer => SignedElement::Response,
                            })(e)
                        },
                    )?;
                Self { assertion: Some(assertion), response: Some(response) }
            }
            (assertion, response) => Self {
                assertion: assertion.map(|s| verify(s, SignedElement::Assertion)).transpose()?,
                response: response.map(|s| verify(s, SignedElement::Response)).transpose()?,
            },
        })
    }

    /// The proof the Assertion is read through: its own signature's, else
    /// the Response's (which then covers it).
    pub(crate) fn of_assertion(&self) -> Option<&VerifiedSignature<'d>> {
        self.assertion.as_ref().or(self.response.as_ref())
    }

    /// What a login reports about them.
    pub(crate) fn parts(&self, keys: &[PublicKey]) -> Vec<SignedPart> {
        self.assertion
            .iter()
            .map(|p| signed_part(SignedElement::Assertion, p, keys))
            .chain(self.response.iter().map(|p| signed_part(SignedElement::Response, p, keys)))
            .collect()
    }
}

/// What a login reports about one verified signature.
pub(crate) fn signed_part(
    element: SignedElement,
    proof: &VerifiedSignature<'_>,
    keys: &[PublicKey],
) -> SignedPart {
    SignedPart {
        element,
        algorithm: proof.algorithm(),
        digest: proof.digest_algorithm(),
        key_index: proof.key_index(),
        key_sha256: keys[proof.key_index()].sha256_thumbprint(),
    }
}
