//! XML-DSig verification of one enveloped `ds:Signature` under the SAML
//! signature profile, against pinned keys only.
//!
//! [`verify`] returns a [`VerifiedSignature`] naming the exact element the
//! signature covers, and only after every rule below held (security
//! invariants 4–6):
//!
//! - the Signature is an immediate child of the signed element, which has an
//!   unprefixed `ID`; SignedInfo has exactly one Reference whose URI is `#` +
//!   that ID (an NCName), resolving to that very element;
//! - children appear exactly once, in schema order: SignedInfo, SignatureValue,
//!   optional KeyInfo; SignedInfo holds CanonicalizationMethod, SignatureMethod,
//!   Reference; the Reference holds Transforms, DigestMethod, DigestValue;
//! - the transforms are exactly enveloped-signature then exclusive c14n (with or
//!   without comments, InclusiveNamespaces allowed);
//! - no `ds:Object`, `ds:Manifest`, `ds:RetrievalMethod` or nested Signature;
//! - DigestValue, SignatureValue and X509Certificate are plain text (no comment,
//!   PI or element inside), base64 with optional whitespace;
//! - the algorithms are on the allow-list ([`Algorithms`]) *before* any key is
//!   used, and match the key type; RSA keys have at least 2048 bits except for
//!   rsa-sha1 under the SHA-1 opt-in;
//! - SignedInfo verifies under one of the pinned keys (KeyInfo only orders the
//!   attempts), and the canonical form of the element minus this Signature,
//!   streamed into the digest, equals DigestValue.

use base64::Engine;
use ring::signature as sig;

use crate::c14n::{self, Options};
use crate::xml::{Document, ElementRef, NodeId, NodeKind, is_ncname};

/// The XML-DSig namespace.
pub const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
/// The exclusive canonicalization namespace (InclusiveNamespaces).
pub const EXC_C14N_NS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const EXC_C14N_COMMENTS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

/// A signature algorithm samlguard can verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// `http://www.w3.org/2001/04/xmldsig-more#rsa-sha256`
    RsaSha256,
    /// `http://www.w3.org/2001/04/xmldsig-more#rsa-sha384`
    RsaSha384,
    /// `http://www.w3.org/2001/04/xmldsig-more#rsa-sha512`
    RsaSha512,
    /// `http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256` (P-256 keys)
    EcdsaSha256,
    /// `http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384` (P-384 keys)
    EcdsaSha384,
    /// `http://www.w3.org/2000/09/xmldsig#rsa-sha1`, only with the SHA-1 opt-in.
    RsaSha1,
}

impl SignatureAlgorithm {
    fn from_uri(uri: &str) -> Option<Self> {
        Some(match uri {
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" => Self::RsaSha256,
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384" => Self::RsaSha384,
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" => Self::RsaSha512,
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256" => Self::EcdsaSha256,
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384" => Self::EcdsaSha384,
            "http://www.w3.org/2000/09/xmldsig#rsa-sha1" => Self::RsaSha1,
            _ => return None,
        })
    }

    /// Short name (`rsa-sha256`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::RsaSha256 => "rsa-sha256",
            Self::RsaSha384 => "rsa-sha384",
            Self::RsaSha512 => "rsa-sha512",
            Self::EcdsaSha256 => "ecdsa-sha256",
            Self::EcdsaSha384 => "ecdsa-sha384",
            Self::RsaSha1 => "rsa-sha1",
        }
    }
}

/// A digest algorithm samlguard can compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DigestAlgorithm {
    /// `http://www.w3.org/2001/04/xmlenc#sha256`
    Sha256,
    /// `http://www.w3.org/2001/04/xmldsig-more#sha384`
    Sha384,
    /// `http://www.w3.org/2001/04/xmlenc#sha512`
    Sha512,
    /// `http://www.w3.org/2000/09/xmldsig#sha1`, only with the SHA-1 opt-in.
    Sha1,
}

impl DigestAlgorithm {
    /// The algorithm named by a DigestMethod URI, if samlguard supports it.
    pub fn from_uri(uri: &str) -> Option<Self> {
        Some(match uri {
            "http://www.w3.org/2001/04/xmlenc#sha256" => Self::Sha256,
            "http://www.w3.org/2001/04/xmldsig-more#sha384" => Self::Sha384,
            "http://www.w3.org/2001/04/xmlenc#sha512" => Self::Sha512,
            "http://www.w3.org/2000/09/xmldsig#sha1" => Self::Sha1,
            _ => return None,
        })
    }

    /// The ring digest that computes it.
    pub fn ring(self) -> &'static ring::digest::Algorithm {
        match self {
            Self::Sha256 => &ring::digest::SHA256,
            Self::Sha384 => &ring::digest::SHA384,
            Self::Sha512 => &ring::digest::SHA512,
            Self::Sha1 => &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
        }
    }
}

/// Which algorithms are acceptable. The default refuses SHA-1 everywhere.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Algorithms {
    /// Accept rsa-sha1 signatures and sha1 digests (legacy IdPs only; RSA keys
    /// of 1024 bits are then accepted for rsa-sha1).
    pub allow_sha1: bool,
}

impl Algorithms {
    /// The secure default: SHA-256 and up, no SHA-1.
    pub const STRICT: Self = Self { allow_sha1: false };
    /// Also accept SHA-1 signatures and digests.
    pub const ALLOW_SHA1: Self = Self { allow_sha1: true };
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum KeyKind {
    Rsa { bits: usize },
    EcP256,
    EcP384,
}

/// A pinned public key taken from an X.509 certificate, parsed once when the
/// trust configuration is built.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    kind: KeyKind,
    /// PKCS#1 RSAPublicKey (what ring wants for RSA) or the uncompressed EC point.
    key: Vec<u8>,
    /// The certificate DER, compared against KeyInfo's hint.
    certificate: Vec<u8>,
    /// The certificate in canonical base64, compared with KeyInfo's text
    /// without decoding it.
    certificate_base64: String,
    subject: String,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicKey").field("kind", &self.kind).field("subject", &self.subject).finish()
    }
}

/// A certificate or key that cannot serve as a pinned key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The DER or PEM is not an X.509 certificate.
    #[error("not a valid X.509 certificate: {0}")]
    Certificate(String),
    /// The PEM text holds no certificate.
    #[error("no CERTIFICATE block found in PEM input")]
    NoCertificate,
    /// The key is neither RSA nor ECDSA P-256/P-384.
    #[error("unsupported public key type (only RSA and ECDSA P-256/P-384 are supported)")]
    UnsupportedKeyType,
}

impl PublicKey {
    /// Parses a DER X.509 certificate.
    pub fn from_certificate_der(der: &[u8]) -> Result<Self, KeyError> {
        use x509_parser::prelude::FromDer;
        let (rest, certificate) = x509_parser::certificate::X509Certificate::from_der(der)
            .map_err(|e| KeyError::Certificate(e.to_string()))?;
        if !rest.is_empty() {
            return Err(KeyError::Certificate("trailing data after the certificate".into()));
        }
        let spki = certificate.public_key();
        let key = spki.subject_public_key.data.to_vec();
        let kind = match spki.parsed().map_err(|_| KeyError::UnsupportedKeyType)? {
            x509_parser::public_key::PublicKey::RSA(rsa) => {
                let modulus = rsa.modulus;
                let first = modulus.iter().position(|&b| b != 0).unwrap_or(modulus.len());
                let significant = &modulus[first..];
                let bits = significant
                    .first()
                    .map_or(0, |&b| (significant.len() - 1) * 8 + (8 - b.leading_zeros() as usize));
                KeyKind::Rsa { bits }
            }
            x509_parser::public_key::PublicKey::EC(_) => {
                let curve = spki
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|p| p.as_oid().ok())
                    .map(|o| o.to_id_string());
                match curve.as_deref() {
                    Some("1.2.840.10045.3.1.7") => KeyKind::EcP256,
                    Some("1.3.132.0.34") => KeyKind::EcP384,
                    _ => return Err(KeyError::UnsupportedKeyType),
                }
            }
            _ => return Err(KeyError::UnsupportedKeyType),
        };
        Ok(Self {
            kind,
            key,
            certificate: der.to_vec(),
            certificate_base64: base64::engine::general_purpose::STANDARD.encode(der),
            subject: certificate.subject().to_string(),
        })
    }

    /// Parses every `CERTIFICATE` block of a PEM text.
    pub fn from_pem(pem: &[u8]) -> Result<Vec<Self>, KeyError> {
        let mut keys = Vec::new();
        for block in x509_parser::pem::Pem::iter_from_buffer(pem) {
            let block = block.map_err(|e| KeyError::Certificate(e.to_string()))?;
            if block.label == "CERTIFICATE" {
                keys.push(Self::from_certificate_der(&block.contents)?);
            }
        }
        if keys.is_empty() {
            return Err(KeyError::NoCertificate);
        }
        Ok(keys)
    }

    /// The certificate subject, for messages.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The public key as verification takes it: the PKCS#1 RSAPublicKey for
    /// RSA, the uncompressed point for ECDSA.
    pub fn public_key_bytes(&self) -> &[u8] {
        &self.key
    }

    /// The DER certificate this key came from.
    pub fn certificate_der(&self) -> &[u8] {
        &self.certificate
    }

    /// RSA modulus size in bits (`None` for EC keys).
    pub fn rsa_bits(&self) -> Option<usize> {
        match self.kind {
            KeyKind::Rsa { bits } => Some(bits),
            _ => None,
        }
    }

    /// The ring algorithm for `algorithm` with this key, or why not.
    fn verification_algorithm(
        &self,
        algorithm: SignatureAlgorithm,
    ) -> Result<&'static dyn sig::VerificationAlgorithm, SignatureError> {
        use SignatureAlgorithm as A;
        match (&self.kind, algorithm) {
            (KeyKind::Rsa { bits }, A::RsaSha1) if *bits >= 1024 => {
                Ok(&sig::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY)
            }
            (KeyKind::Rsa { bits }, A::RsaSha256 | A::RsaSha384 | A::RsaSha512 | A::RsaSha1)
                if *bits < 2048 =>
            {
                Err(SignatureError::KeyTooSmall { bits: *bits })
            }
            (KeyKind::Rsa { .. }, A::RsaSha256) => Ok(&sig::RSA_PKCS1_2048_8192_SHA256),
            (KeyKind::Rsa { .. }, A::RsaSha384) => Ok(&sig::RSA_PKCS1_2048_8192_SHA384),
            (KeyKind::Rsa { .. }, A::RsaSha512) => Ok(&sig::RSA_PKCS1_2048_8192_SHA512),
            (KeyKind::EcP256, A::EcdsaSha256) => Ok(&sig::ECDSA_P256_SHA256_FIXED),
            (KeyKind::EcP384, A::EcdsaSha384) => Ok(&sig::ECDSA_P384_SHA384_FIXED),
            _ => Err(SignatureError::AlgorithmKeyMismatch),
        }
    }
}

/// Why a signature was refused. Crypto failures carry no detail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The element that must be signed has no `ds:Signature` child.
    #[error("the {0} is not signed")]
    Missing(&'static str),
    /// The Signature is not an immediate child of an element with an `ID`, or
    /// the signed element has more than one Signature.
    #[error("signature position: {0}")]
    Position(&'static str),
    /// A required child is missing, duplicated, out of order or unexpected.
    #[error("malformed signature: {0}")]
    Malformed(&'static str),
    /// SignedInfo does not hold exactly one Reference.
    #[error("SignedInfo must hold exactly one Reference, found {0}")]
    ReferenceCount(usize),
    /// The Reference URI is not `#` + the parent's ID.
    #[error("the Reference URI must be '#' followed by the signed element's ID")]
    ReferenceUri,
    /// Transforms other than enveloped-signature then exclusive c14n.
    #[error("transforms must be exactly enveloped-signature then exclusive c14n")]
    Transforms,
    /// CanonicalizationMethod other than exclusive c14n.
    #[error("SignedInfo must be canonicalized with exclusive c14n")]
    CanonicalizationMethod,
    /// `ds:Object`, `ds:Manifest`, `ds:RetrievalMethod` or a nested Signature.
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
    UnsupportedAlgorithm(String),
    /// SHA-1 used without the opt-in.
    #[error("SHA-1 is not allowed (enable it explicitly for legacy IdPs)")]
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
    /// No key is pinned at all.
    #[error("no signing key is configured")]
    NoKeys,
    /// The KeyInfo certificate is not pinned and no pinned key verifies.
    #[error(
        "signed with a certificate that is not in the trusted IdP metadata (certificate rollover? refresh the metadata)"
    )]
    UnknownSigningKey,
    /// No pinned key verifies SignedInfo.
    #[error("signature is invalid")]
    SignatureInvalid,
    /// The signed element's digest does not match DigestValue.
    #[error("digest mismatch: the signed content was modified")]
    DigestMismatch,
    /// Canonicalization failed (fatal, never an empty digest).
    #[error("canonicalization failed: {0}")]
    Canonicalization(#[from] c14n::C14nError),
}

impl SignatureError {
    /// Stable snake_case name of the error kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Missing(_) => "signature_missing",
            Self::Position(_) => "signature_position",
            Self::Malformed(_) => "malformed_signature",
            Self::ReferenceCount(_) => "reference_count",
            Self::ReferenceUri => "reference_uri",
            Self::Transforms => "transforms",
            Self::CanonicalizationMethod => "canonicalization_method",
            Self::ForbiddenElement(_) => "forbidden_element",
            Self::CryptoText(_) => "crypto_text",
            Self::Base64(_) => "invalid_base64",
            Self::UnsupportedAlgorithm(_) => "unsupported_algorithm",
            Self::Sha1NotAllowed => "sha1_not_allowed",
            Self::KeyTooSmall { .. } => "key_too_small",
            Self::AlgorithmKeyMismatch => "algorithm_key_mismatch",
            Self::NoKeys => "no_signing_key",
            Self::UnknownSigningKey => "unknown_signing_key",
            Self::SignatureInvalid => "signature_invalid",
            Self::DigestMismatch => "digest_mismatch",
            Self::Canonicalization(_) => "canonicalization",
        }
    }
}

/// Proof that one Signature verified: it names the element it covers. Only
/// [`verify`] creates one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    signed: NodeId,
    signature: NodeId,
    algorithm: SignatureAlgorithm,
    key_index: usize,
}

impl VerifiedSignature {
    /// The element whose canonical form (minus this Signature) was digested.
    pub fn signed_element(&self) -> NodeId {
        self.signed
    }

    /// The `ds:Signature` element.
    pub fn signature_element(&self) -> NodeId {
        self.signature
    }

    /// The signature algorithm used.
    pub fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    /// Index into the key list of the key that verified.
    pub fn key_index(&self) -> usize {
        self.key_index
    }
}

/// The one `ds:Signature` child of `element`, if any; two is an error.
pub fn signature_child(doc: &Document<'_>, element: NodeId) -> Result<Option<NodeId>, SignatureError> {
    let mut found = None;
    for child in doc.child_elements(element) {
        if child.is(DSIG_NS, "Signature") {
            if found.is_some() {
                return Err(SignatureError::Position("more than one Signature on one element"));
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

/// Verifies the `ds:Signature` element `signature` against `keys`.
pub fn verify(
    doc: &Document<'_>,
    signature: NodeId,
    keys: &[PublicKey],
    algorithms: Algorithms,
) -> Result<VerifiedSignature, SignatureError> {
    verify_pending(doc, Pending::check(doc, signature, keys, algorithms)?)
}

/// Verifies `inner` (the Signature of an element inside the one `outer`
/// signs: the Assertion's, inside the Response) and `outer`, with one
/// canonicalization pass over the shared bytes when [`c14n::canonicalize_nested`]
/// allows it. Results and errors are exactly those of calling [`verify`] on
/// `inner`, then on `outer`: the error, if any, names which one failed first.
pub(crate) fn verify_nested(
    doc: &Document<'_>,
    inner: NodeId,
    outer: NodeId,
    keys: &[PublicKey],
    algorithms: Algorithms,
) -> Result<(VerifiedSignature, VerifiedSignature), (Nesting, SignatureError)> {
    let inner_pending = Pending::check(doc, inner, keys, algorithms).map_err(|e| (Nesting::Inner, e))?;
    let outer_pending = match Pending::check(doc, outer, keys, algorithms) {
        Ok(p) => p,
        Err(e) => {
            verify_pending(doc, inner_pending).map_err(|e| (Nesting::Inner, e))?;
            return Err((Nesting::Outer, e));
        }
    };
    let mut outer_sink = DigestSink::new(outer_pending.digest.ring());
    let mut inner_sink = DigestSink::new(inner_pending.digest.ring());
    let shared = c14n::canonicalize_nested(
        doc,
        outer_pending.shape.parent,
        &outer_pending.reference_options(),
        &mut outer_sink,
        inner_pending.shape.parent,
        &inner_pending.reference_options(),
        &mut inner_sink,
    );
    match shared {
        Ok(true) => {
            let (outer_digest, inner_digest) = (outer_sink.finish(), inner_sink.finish());
            let inner = inner_pending.finish(inner_digest.as_ref()).map_err(|e| (Nesting::Inner, e))?;
            let outer = outer_pending.finish(outer_digest.as_ref()).map_err(|e| (Nesting::Outer, e))?;
            Ok((inner, outer))
        }
        // Not shareable, or a canonicalization error: one at a time, in order,
        // so that the error is the one `verify` would report.
        _ => {
            let inner = verify_pending(doc, inner_pending).map_err(|e| (Nesting::Inner, e))?;
            let outer = verify_pending(doc, outer_pending).map_err(|e| (Nesting::Outer, e))?;
            Ok((inner, outer))
        }
    }
}

/// Which signature of [`verify_nested`] an error belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Nesting {
    Inner,
    Outer,
}

fn verify_pending(doc: &Document<'_>, pending: Pending<'_>) -> Result<VerifiedSignature, SignatureError> {
    let digest = pending.reference_digest(doc)?;
    pending.finish(digest.as_ref())
}

/// A Signature whose structure, algorithms and SignedInfo signature are
/// verified; its Reference digest is still to be compared.
struct Pending<'d> {
    shape: Shape<'d>,
    signature: NodeId,
    algorithm: SignatureAlgorithm,
    digest: DigestAlgorithm,
    digest_value: Vec<u8>,
    key_index: usize,
}

impl<'d> Pending<'d> {
    fn check(
        doc: &'d Document<'_>,
        signature: NodeId,
        keys: &[PublicKey],
        algorithms: Algorithms,
    ) -> Result<Self, SignatureError> {
        let shape = Shape::read(doc, signature)?;

        // Algorithms are checked before any key is touched.
        let algorithm = SignatureAlgorithm::from_uri(shape.signature_method)
            .ok_or_else(|| SignatureError::UnsupportedAlgorithm(shape.signature_method.to_string()))?;
        let digest = DigestAlgorithm::from_uri(shape.digest_method)
            .ok_or_else(|| SignatureError::UnsupportedAlgorithm(shape.digest_method.to_string()))?;
        if !algorithms.allow_sha1
            && (algorithm == SignatureAlgorithm::RsaSha1 || digest == DigestAlgorithm::Sha1)
        {
            return Err(SignatureError::Sha1NotAllowed);
        }
        if keys.is_empty() {
            return Err(SignatureError::NoKeys);
        }

        let digest_value = decode_base64(doc, shape.digest_value, "DigestValue")?;
        if digest_value.len() != digest.ring().output_len() {
            return Err(SignatureError::Base64("DigestValue"));
        }
        let signature_value = decode_base64(doc, shape.signature_value, "SignatureValue")?;
        let hint = match &shape.x509_certificate {
            Some(text) => certificate_hint(text, keys)?,
            None => Hint::Absent,
        };

        // SignedInfo first: it authenticates DigestValue and the transforms.
        let signed_info_bytes = c14n::to_vec(
            doc,
            shape.signed_info,
            &Options { with_comments: shape.signed_info_comments, ..Options::default() }
                .with_prefix_list(shape.signed_info_prefixes),
        )?;
        let key_index = verify_with_keys(keys, algorithm, hint, &signed_info_bytes, &signature_value)?;
        Ok(Self { shape, signature, algorithm, digest, digest_value, key_index })
    }

    /// The c14n options of the Reference: its transform, omitting this Signature.
    fn reference_options(&self) -> Options<'d> {
        Options {
            with_comments: self.shape.reference_comments,
            omit: Some(self.signature),
            ..Options::default()
        }
        .with_prefix_list(self.shape.reference_prefixes)
    }

    /// The digest of the referenced element's canonical form, computed alone.
    fn reference_digest(&self, doc: &Document<'_>) -> Result<ring::digest::Digest, SignatureError> {
        let mut sink = DigestSink::new(self.digest.ring());
        c14n::canonicalize(doc, self.shape.parent, &self.reference_options(), &mut sink)?;
        Ok(sink.finish())
    }

    fn finish(self, computed: &[u8]) -> Result<VerifiedSignature, SignatureError> {
        if !constant_time_eq(computed, &self.digest_value) {
            return Err(SignatureError::DigestMismatch);
        }
        Ok(VerifiedSignature {
            signed: self.shape.parent,
            signature: self.signature,
            algorithm: self.algorithm,
            key_index: self.key_index,
        })
    }
}

/// A ring digest fed by canonicalization (which stages its writes, so the
/// updates are few and long).
struct DigestSink(ring::digest::Context);

impl DigestSink {
    fn new(algorithm: &'static ring::digest::Algorithm) -> Self {
        Self(ring::digest::Context::new(algorithm))
    }

    fn finish(self) -> ring::digest::Digest {
        self.0.finish()
    }
}

impl c14n::Sink for DigestSink {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

/// Tries the KeyInfo-hinted key first, then the others. Returns the index of
/// the key that verified.
fn verify_with_keys(
    keys: &[PublicKey],
    algorithm: SignatureAlgorithm,
    hint: Hint,
    message: &[u8],
    signature: &[u8],
) -> Result<usize, SignatureError> {
    let hinted = match hint {
        Hint::Pinned(index) => Some(index),
        Hint::Absent | Hint::Unknown => None,
    };
    let order = hinted.into_iter().chain((0..keys.len()).filter(|&i| Some(i) != hinted));
    let mut usable = 0;
    let mut refusal = None;
    for index in order {
        let ring_algorithm = match keys[index].verification_algorithm(algorithm) {
            Ok(a) => a,
            Err(e) => {
                refusal.get_or_insert(e);
                continue;
            }
        };
        usable += 1;
        if sig::UnparsedPublicKey::new(ring_algorithm, &keys[index].key).verify(message, signature).is_ok() {
            return Ok(index);
        }
    }
    if usable == 0 {
        return Err(refusal.unwrap_or(SignatureError::AlgorithmKeyMismatch));
    }
    if hint == Hint::Unknown {
        return Err(SignatureError::UnknownSigningKey);
    }
    Err(SignatureError::SignatureInvalid)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The text of a crypto value element: text nodes only, no comment, PI or
/// element (CVE-2025-29775: a DigestValue read from a comment).
fn crypto_text<'d>(
    doc: &'d Document<'_>,
    node: NodeId,
    what: &'static str,
) -> Result<std::borrow::Cow<'d, str>, SignatureError> {
    if doc.children(node).any(|c| !matches!(doc.node(c).kind(), NodeKind::Text(_))) {
        return Err(SignatureError::CryptoText(what));
    }
    doc.text_content(node).ok_or(SignatureError::CryptoText(what))
}

/// KeyInfo's certificate, a hint only: which pinned key it names, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hint {
    Absent,
    Pinned(usize),
    Unknown,
}

/// Compares the certificate text with each pinned certificate's canonical
/// base64 (equal texts are equal certificates, with no decoding on the usual
/// path); a certificate that matches none must still be valid base64.
fn certificate_hint(text: &str, keys: &[PublicKey]) -> Result<Hint, SignatureError> {
    let compact = compact_base64(text);
    if let Some(index) = keys.iter().position(|k| k.certificate_base64.as_bytes() == compact.as_ref()) {
        return Ok(Hint::Pinned(index));
    }
    decode_compact(&compact, "X509Certificate")?;
    Ok(Hint::Unknown)
}

/// Base64 text without the whitespace XML-DSig allows inside it (borrowed
/// when there is none, as in Entra's certificates and signature values).
fn compact_base64(text: &str) -> std::borrow::Cow<'_, [u8]> {
    let is_space = |b: u8| (b == b' ') | (b == b'\t') | (b == b'\n') | (b == b'\r');
    if !crate::bytes::any_byte(text.as_bytes(), is_space) {
        return std::borrow::Cow::Borrowed(text.as_bytes());
    }
    std::borrow::Cow::Owned(text.bytes().filter(|&b| !is_space(b)).collect())
}

fn decode_compact(compact: &[u8], what: &'static str) -> Result<Vec<u8>, SignatureError> {
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map_err(|_| SignatureError::Base64(what))?;
    if decoded.is_empty() {
        return Err(SignatureError::Base64(what));
    }
    Ok(decoded)
}

/// The decoded base64 text of a crypto value element (whitespace allowed,
/// nothing but text inside).
pub(crate) fn decode_base64(
    doc: &Document<'_>,
    node: NodeId,
    what: &'static str,
) -> Result<Vec<u8>, SignatureError> {
    decode_compact(&compact_base64(&crypto_text(doc, node, what)?), what)
}

/// The pieces of a Signature that passed the structural profile.
struct Shape<'d> {
    parent: NodeId,
    signed_info: NodeId,
    signed_info_comments: bool,
    signed_info_prefixes: &'d str,
    signature_method: &'d str,
    reference_comments: bool,
    reference_prefixes: &'d str,
    digest_method: &'d str,
    digest_value: NodeId,
    signature_value: NodeId,
    /// The text of the first `KeyInfo/X509Data/X509Certificate`.
    x509_certificate: Option<std::borrow::Cow<'d, str>>,
}

/// Element children of a signature structure element; text is refused.
fn ds_children<'d, 'a>(
    doc: &'d Document<'a>,
    node: NodeId,
) -> Result<Vec<ElementRef<'d, 'a>>, SignatureError> {
    doc.element_only_children(node)
        .map(Iterator::collect)
        .ok_or(SignatureError::Malformed("unexpected text in signature structure"))
}

/// Expects the children to be exactly `names` (a `?` suffix marks optional) in order.
fn expect_sequence<'d, 'a>(
    children: &[ElementRef<'d, 'a>],
    names: &[&'static str],
    context: &'static str,
) -> Result<Vec<Option<ElementRef<'d, 'a>>>, SignatureError> {
    let mut out = Vec::with_capacity(names.len());
    let mut i = 0;
    for name in names {
        let (local, optional) = match name.strip_suffix('?') {
            Some(n) => (n, true),
            None => (*name, false),
        };
        match children.get(i) {
            Some(c) if c.is(DSIG_NS, local) => {
                out.push(Some(*c));
                i += 1;
            }
            _ if optional => out.push(None),
            _ => return Err(SignatureError::Malformed(context)),
        }
    }
    if i != children.len() {
        return Err(SignatureError::Malformed(context));
    }
    Ok(out)
}

/// (with_comments, PrefixList) of an exclusive c14n algorithm element.
fn exclusive_c14n<'d>(doc: &'d Document<'_>, element: ElementRef<'d, '_>) -> Option<(bool, &'d str)> {
    let with_comments = match element.attribute("", "Algorithm")? {
        EXC_C14N => false,
        EXC_C14N_COMMENTS => true,
        _ => return None,
    };
    // At most one child: an InclusiveNamespaces with no element inside.
    let mut children = doc.element_only_children(element.id())?;
    let prefixes = match children.next() {
        None => "",
        Some(e)
            if e.is(EXC_C14N_NS, "InclusiveNamespaces") && doc.child_elements(e.id()).next().is_none() =>
        {
            e.attribute("", "PrefixList")?
        }
        Some(_) => return None,
    };
    children.next().is_none().then_some((with_comments, prefixes))
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

impl<'d> Shape<'d> {
    fn read(doc: &'d Document<'_>, signature: NodeId) -> Result<Self, SignatureError> {
        let element = doc.element(signature).ok_or(SignatureError::Malformed("not an element"))?;
        if !element.is(DSIG_NS, "Signature") {
            return Err(SignatureError::Malformed("not a ds:Signature element"));
        }
        let parent = doc.parent(signature).filter(|&p| doc.element(p).is_some());
        let Some(parent) = parent else {
            return Err(SignatureError::Position("a Signature must be enveloped by the element it signs"));
        };
        if signature_child(doc, parent)? != Some(signature) {
            return Err(SignatureError::Position("more than one Signature on one element"));
        }
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

        let top = ds_children(doc, signature)?;
        let top = expect_sequence(&top, &["SignedInfo", "SignatureValue", "KeyInfo?"], "Signature children")?;
        let (signed_info, signature_value, key_info) =
            (top[0].unwrap_or(element), top[1].unwrap_or(element), top[2]);
        no_element_children(doc, signature_value, "SignatureValue")?;

        let info = ds_children(doc, signed_info.id())?;
        let references = info.iter().filter(|e| e.is(DSIG_NS, "Reference")).count();
        if references != 1 {
            return Err(SignatureError::ReferenceCount(references));
        }
        let info = expect_sequence(
            &info,
            &["CanonicalizationMethod", "SignatureMethod", "Reference"],
            "SignedInfo children",
        )?;
        let (c14n_method, signature_method, reference) =
            (info[0].unwrap_or(element), info[1].unwrap_or(element), info[2].unwrap_or(element));
        let (signed_info_comments, signed_info_prefixes) =
            exclusive_c14n(doc, c14n_method).ok_or(SignatureError::CanonicalizationMethod)?;
        no_element_children(doc, signature_method, "SignatureMethod")?;
        let signature_method = signature_method
            .attribute("", "Algorithm")
            .ok_or(SignatureError::Malformed("SignatureMethod"))?;

        // Reference: URI must be `#` + the parent's own ID, resolving to the parent.
        if reference.attribute("", "Type").is_some() {
            return Err(SignatureError::ForbiddenElement("Reference Type"));
        }
        let uri = reference.attribute("", "URI").ok_or(SignatureError::ReferenceUri)?;
        let id = uri.strip_prefix('#').filter(|id| is_ncname(id)).ok_or(SignatureError::ReferenceUri)?;
        let parent_element = doc.element(parent).ok_or(SignatureError::ReferenceUri)?;
        if parent_element.attribute("", "ID") != Some(id) || doc.element_by_id(id) != Some(parent) {
            return Err(SignatureError::ReferenceUri);
        }
        let parts = ds_children(doc, reference.id())?;
        let parts =
            expect_sequence(&parts, &["Transforms", "DigestMethod", "DigestValue"], "Reference children")?;
        let (transforms, digest_method, digest_value) =
            (parts[0].unwrap_or(element), parts[1].unwrap_or(element), parts[2].unwrap_or(element));
        let transforms = ds_children(doc, transforms.id())?;
        let [enveloped, exclusive] = transforms.as_slice() else { return Err(SignatureError::Transforms) };
        if !enveloped.is(DSIG_NS, "Transform")
            || enveloped.attribute("", "Algorithm") != Some(ENVELOPED)
            || doc.children(enveloped.id()).any(|c| doc.element(c).is_some())
            || !exclusive.is(DSIG_NS, "Transform")
        {
            return Err(SignatureError::Transforms);
        }
        let (reference_comments, reference_prefixes) =
            exclusive_c14n(doc, *exclusive).ok_or(SignatureError::Transforms)?;
        no_element_children(doc, digest_method, "DigestMethod")?;
        let digest_method =
            digest_method.attribute("", "Algorithm").ok_or(SignatureError::Malformed("DigestMethod"))?;

        let x509_certificate = match key_info {
            Some(key_info) => Self::first_certificate(doc, key_info)?,
            None => None,
        };
        Ok(Self {
            parent,
            signed_info: signed_info.id(),
            signed_info_comments,
            signed_info_prefixes,
            signature_method,
            reference_comments,
            reference_prefixes,
            digest_method,
            digest_value: digest_value.id(),
            signature_value: signature_value.id(),
            x509_certificate,
        })
    }

    /// The text of the first `KeyInfo/X509Data/X509Certificate` (a hint
    /// only); every one must be plain text.
    fn first_certificate(
        doc: &'d Document<'_>,
        key_info: ElementRef<'_, '_>,
    ) -> Result<Option<std::borrow::Cow<'d, str>>, SignatureError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_accepts_whitespace_and_refuses_comments() {
        let doc = crate::xml::parse(b"<a><v> QUJD\r\n REVG </v><w>QUJD<!--x-->REVG</w></a>").unwrap();
        let mut children = doc.child_elements(doc.root());
        let v = children.next().unwrap().id();
        let w = children.next().unwrap().id();
        assert_eq!(decode_base64(&doc, v, "DigestValue").unwrap(), b"ABCDEF");
        assert_eq!(decode_base64(&doc, w, "DigestValue"), Err(SignatureError::CryptoText("DigestValue")));
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
