//! Why a signature was refused.

use crate::c14n::C14nError;
use crate::kind::ErrorKind;
use crate::text::Untrusted;

/// Why a signature was refused. Crypto failures carry no detail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The element that must be signed has no `ds:Signature` child.
    #[error("the element is not signed")]
    Missing,
    /// The Signature is not an immediate child of an element.
    #[error("a Signature must be enveloped by the element it signs")]
    NotEnveloped,
    /// The signed element has more than one Signature child.
    #[error("more than one Signature on one element")]
    SeveralSignatures,
    /// A required child is missing, duplicated, out of order or unexpected.
    #[error("malformed signature: unexpected structure in {0}")]
    Malformed(&'static str),
    /// SignedInfo does not hold exactly one Reference.
    #[error("SignedInfo must hold exactly one Reference, found {0}")]
    ReferenceCount(usize),
    /// The Reference URI is not `#` + the parent's ID.
    #[error("the Reference URI must be '#' followed by the signed element's ID")]
    ReferenceUri,
    /// Transforms other than enveloped-signature then an allowed canonicalization.
    #[error(
        "transforms must be exactly enveloped-signature then exclusive c14n (or inclusive C14N 1.0 where the policy allows it)"
    )]
    Transforms,
    /// CanonicalizationMethod other than exclusive c14n (or inclusive C14N 1.0 where allowed).
    #[error(
        "SignedInfo must be canonicalized with exclusive c14n (or inclusive C14N 1.0 where the policy allows it)"
    )]
    CanonicalizationMethod,
    /// `ds:Object`, `ds:Manifest`, `ds:RetrievalMethod`, a nested Signature or
    /// a Reference Type.
    #[error("forbidden element in signature: {0}")]
    ForbiddenElement(&'static str),
    /// A comment, PI or element inside DigestValue, SignatureValue or X509Certificate.
    #[error("{0} must contain only base64 text")]
    CryptoText(&'static str),
    /// Invalid base64 in DigestValue, SignatureValue or X509Certificate.
    #[error("invalid base64 in {0}")]
    Base64(&'static str),
    /// SignatureMethod or DigestMethod not on the allow-list.
    #[error("unsupported algorithm {0}")]
    UnsupportedAlgorithm(Untrusted),
    /// SHA-1 used without the opt-in.
    #[error("SHA-1 is not allowed (it must be enabled explicitly for legacy IdPs)")]
    Sha1NotAllowed,
    /// RSA key shorter than 2048 bits for a non-SHA-1 signature.
    #[error("RSA key of {bits} bits is too small (2048 required)")]
    KeyTooSmall {
        /// Modulus size.
        bits: usize,
    },
    /// No pinned key of the type the algorithm needs.
    #[error("no pinned key matches the signature algorithm's key type")]
    AlgorithmKeyMismatch,
    /// No key was given to verify with.
    #[error("no key to verify with")]
    NoKeys,
    /// The KeyInfo certificate is not pinned and no pinned key verifies.
    #[error("signed with a certificate that is not in the trusted IdP metadata")]
    UnknownSigningKey,
    /// No pinned key verifies SignedInfo.
    #[error("signature is invalid")]
    SignatureInvalid,
    /// The signed element's digest does not match DigestValue.
    #[error("digest mismatch: the signed content was modified")]
    DigestMismatch,
    /// Canonicalization failed (fatal, never an empty digest).
    #[error(transparent)]
    Canonicalization(#[from] C14nError),
}

impl SignatureError {
    /// The stable kind.
    pub fn kind(&self) -> ErrorKind {
        use ErrorKind as K;
        match self {
            Self::Missing => K::SignatureMissing,
            Self::NotEnveloped | Self::SeveralSignatures => K::SignaturePosition,
            Self::Malformed(_) => K::MalformedSignature,
            Self::ReferenceCount(_) => K::ReferenceCount,
            Self::ReferenceUri => K::ReferenceUri,
            Self::Transforms => K::Transforms,
            Self::CanonicalizationMethod => K::CanonicalizationMethod,
            Self::ForbiddenElement(_) => K::ForbiddenElement,
            Self::CryptoText(_) => K::CryptoText,
            Self::Base64(_) => K::CryptoBase64,
            Self::UnsupportedAlgorithm(_) => K::UnsupportedAlgorithm,
            Self::Sha1NotAllowed => K::Sha1NotAllowed,
            Self::KeyTooSmall { .. } => K::KeyTooSmall,
            Self::AlgorithmKeyMismatch => K::AlgorithmKeyMismatch,
            Self::NoKeys => K::NoKeys,
            Self::UnknownSigningKey => K::UnknownSigningKey,
            Self::SignatureInvalid => K::SignatureInvalid,
            Self::DigestMismatch => K::DigestMismatch,
            Self::Canonicalization(e) => e.kind(),
        }
    }
}
