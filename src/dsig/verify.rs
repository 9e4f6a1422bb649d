//! Verification: SignedInfo under a pinned key first (it authenticates the
//! DigestValue and the transforms), then the Reference digest.

use super::profile::{Canonicalizations, Shape};
use super::values::{compact_base64, constant_time_eq, decode_base64, decode_compact};
use super::{DigestSink, SignatureError};
use crate::c14n;
use crate::crypto::{Algorithms, DigestAlgorithm, PublicKey, SignatureAlgorithm, Unusable, VerifyError};
use crate::xml::{Document, NodeId};

/// A `ds:Signature` that passed the structural profile, read but NOT
/// verified: for tools that explain a signature (which element it names,
/// its algorithms, its canonical bytes). Nothing here is trusted.
pub struct ParsedSignature<'d> {
    doc: &'d Document<'d>,
    shape: Shape<'d>,
    algorithm: SignatureAlgorithm,
    digest: DigestAlgorithm,
    digest_value: Vec<u8>,
    signature_value: Vec<u8>,
}

impl std::fmt::Debug for ParsedSignature<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParsedSignature")
            .field("signed_element", &self.shape.parent)
            .field("algorithm", &self.algorithm)
            .field("digest", &self.digest)
            .finish_non_exhaustive()
    }
}

/// Where the policy checks happen while reading (`None` for a plain read).
struct Checks<'k> {
    keys: &'k [PublicKey],
    algorithms: Algorithms,
    canonicalizations: Canonicalizations,
}

impl<'d> ParsedSignature<'d> {
    /// Reads the `ds:Signature` element `signature` under the profile's
    /// structural rules, without verifying anything (any canonicalization
    /// samlguard implements is read: the allow-list applies when verifying).
    pub fn read(doc: &'d Document<'_>, signature: NodeId) -> Result<Self, SignatureError> {
        Self::read_checked(doc, signature, None)
    }

    /// Reads, and when `checks` is given applies the algorithm allow-list and
    /// refuses an empty key list, in the order a verifier must: structure,
    /// algorithms, keys, then the crypto values.
    fn read_checked(
        doc: &'d Document<'_>,
        signature: NodeId,
        checks: Option<&Checks<'_>>,
    ) -> Result<Self, SignatureError> {
        let allowed = checks.map_or(Canonicalizations::EXCLUSIVE_OR_INCLUSIVE, |c| c.canonicalizations);
        let shape = Shape::read(doc, signature, allowed)?;
        let algorithm = SignatureAlgorithm::from_uri(shape.signature_method)
            .ok_or_else(|| SignatureError::UnsupportedAlgorithm(shape.signature_method.into()))?;
        let digest = DigestAlgorithm::from_uri(shape.digest_method)
            .ok_or_else(|| SignatureError::UnsupportedAlgorithm(shape.digest_method.into()))?;
        if let Some(checks) = checks {
            if !checks.algorithms.allow_sha1 && (algorithm.is_sha1() || digest == DigestAlgorithm::Sha1) {
                return Err(SignatureError::Sha1NotAllowed);
            }
            if checks.keys.is_empty() {
                return Err(SignatureError::NoKeys);
            }
        }
        let digest_value = decode_base64(doc, shape.digest_value, "DigestValue")?;
        if digest_value.len() != digest.output_len() {
            return Err(SignatureError::Base64("DigestValue"));
        }
        let signature_value = decode_base64(doc, shape.signature_value, "SignatureValue")?;
        Ok(Self { doc, shape, algorithm, digest, digest_value, signature_value })
    }

    /// The element the signature names (and is enveloped by).
    pub fn signed_element(&self) -> NodeId {
        self.shape.parent
    }

    /// The `ds:Signature` element.
    pub fn signature_element(&self) -> NodeId {
        self.shape.signature
    }

    /// The Reference URI (`#` + the signed element's ID).
    pub fn reference_uri(&self) -> &'d str {
        self.shape.reference_uri
    }

    /// The SignatureMethod.
    pub fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    /// The DigestMethod.
    pub fn digest_algorithm(&self) -> DigestAlgorithm {
        self.digest
    }

    /// The DigestValue, decoded (what the signer claims the digest is).
    pub fn digest_value(&self) -> &[u8] {
        &self.digest_value
    }

    /// The SignatureValue, decoded.
    pub fn signature_value(&self) -> &[u8] {
        &self.signature_value
    }

    /// The text of the first KeyInfo X509Certificate: a hint, never a key.
    pub fn key_info_certificate(&self) -> Option<&str> {
        self.shape.x509_certificate.as_deref()
    }

    /// The canonical SignedInfo: the bytes the SignatureValue signs.
    pub fn canonical_signed_info(&self) -> Result<Vec<u8>, SignatureError> {
        Ok(c14n::to_vec(self.doc, self.shape.signed_info, &self.shape.signed_info_c14n.options(None))?)
    }

    /// The signed element's canonical form minus this Signature: the bytes
    /// the DigestValue digests.
    pub fn canonical_reference(&self) -> Result<Vec<u8>, SignatureError> {
        Ok(c14n::to_vec(self.doc, self.shape.parent, &self.reference_options())?)
    }

    /// The digest of the referenced element, computed here (streamed).
    pub fn computed_digest(&self) -> Result<Vec<u8>, SignatureError> {
        let mut sink = DigestSink::new(self.digest);
        c14n::canonicalize(self.doc, self.shape.parent, &self.reference_options(), &mut sink)?;
        Ok(sink.finish().as_ref().to_vec())
    }

    /// How the Reference's transforms canonicalize the signed element: with
    /// or without comments, the InclusiveNamespaces PrefixList, and this
    /// Signature omitted (the enveloped-signature transform).
    pub fn reference_options(&self) -> c14n::Options<'d> {
        self.shape.reference_c14n.options(Some(self.shape.signature))
    }
}

/// Proof that one Signature verified: the element it covers, in the
/// document it was made on. Only [`verify`] creates one, and it cannot
/// outlive (or be moved to) another document: it holds its document.
///
/// ```compile_fail
/// use samlguard::{crypto::{Algorithms, PublicKey}, dsig, xml};
/// let keys = PublicKey::from_pem(&std::fs::read("testdata/keys/idp.crt").unwrap()).unwrap();
/// let bytes = std::fs::read("testdata/responses/aws-console.xml").unwrap();
/// let proof = {
///     let doc = xml::parse(&bytes).unwrap();
///     let signature = dsig::all_signatures(&doc)[0];
///     dsig::verify(&doc, signature, &keys, Algorithms::STRICT).unwrap()
/// }; // the document is gone: its proof cannot be kept
/// let _ = proof.signed_element();
/// ```
#[derive(Clone)]
pub struct VerifiedSignature<'d> {
    doc: &'d Document<'d>,
    signed: NodeId,
    signature: NodeId,
    algorithm: SignatureAlgorithm,
    digest: DigestAlgorithm,
    key_index: usize,
}

impl std::fmt::Debug for VerifiedSignature<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedSignature")
            .field("signed", &self.signed)
            .field("signature", &self.signature)
            .field("algorithm", &self.algorithm)
            .field("key_index", &self.key_index)
            .finish()
    }
}

impl<'d> VerifiedSignature<'d> {
    /// The document the signature was verified in.
    pub fn document(&self) -> &'d Document<'d> {
        self.doc
    }

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

    /// The digest algorithm used.
    pub fn digest_algorithm(&self) -> DigestAlgorithm {
        self.digest
    }

    /// Index into the key list of the key that verified.
    pub fn key_index(&self) -> usize {
        self.key_index
    }

    /// Whether `node` (of this proof's document) is covered: the signed
    /// element or inside it, and not inside the omitted Signature.
    pub fn covers(&self, node: NodeId) -> bool {
        self.doc.contains(self.signed, node) && !self.doc.contains(self.signature, node)
    }

    /// Whether both proofs were made on the same document.
    pub fn same_document(&self, other: &VerifiedSignature<'_>) -> bool {
        std::ptr::eq(
            self.doc as *const Document<'_> as *const u8,
            other.doc as *const Document<'_> as *const u8,
        )
    }
}

/// Verifies the `ds:Signature` element `signature` against `keys`, with
/// exclusive C14N only ([`verify_with_canonicalizations`] takes an allow-list).
pub fn verify<'d>(
    doc: &'d Document<'_>,
    signature: NodeId,
    keys: &[PublicKey],
    algorithms: Algorithms,
) -> Result<VerifiedSignature<'d>, SignatureError> {
    verify_with_canonicalizations(doc, signature, keys, algorithms, Canonicalizations::EXCLUSIVE)
}

/// [`verify`], accepting the canonicalization methods `canonicalizations`
/// allows (a method outside it is refused like an unknown one, before any key
/// is used).
pub fn verify_with_canonicalizations<'d>(
    doc: &'d Document<'_>,
    signature: NodeId,
    keys: &[PublicKey],
    algorithms: Algorithms,
    canonicalizations: Canonicalizations,
) -> Result<VerifiedSignature<'d>, SignatureError> {
    let checks = Checks { keys, algorithms, canonicalizations };
    Pending::check(doc, signature, &checks)?.verify_alone()
}

/// Verifies `inner` (the Signature of an element inside the one `outer`
/// signs: the Assertion's, inside the Response) and `outer`, with one
/// canonicalization pass over the shared bytes when
/// [`c14n::canonicalize_nested`] allows it. Results and errors are exactly those of
/// calling [`verify`] on `inner`, then on `outer`: the error, if any, names
/// which one failed first.
pub(crate) fn verify_nested<'d>(
    doc: &'d Document<'_>,
    inner: NodeId,
    outer: NodeId,
    keys: &[PublicKey],
    algorithms: Algorithms,
    canonicalizations: Canonicalizations,
) -> Result<(VerifiedSignature<'d>, VerifiedSignature<'d>), (Nesting, SignatureError)> {
    let checks = Checks { keys, algorithms, canonicalizations };
    let inner_pending = Pending::check(doc, inner, &checks).map_err(|e| (Nesting::Inner, e))?;
    let outer_pending = match Pending::check(doc, outer, &checks) {
        Ok(p) => p,
        Err(e) => {
            inner_pending.verify_alone().map_err(|e| (Nesting::Inner, e))?;
            return Err((Nesting::Outer, e));
        }
    };
    let (outer_parsed, inner_parsed) = (&outer_pending.parsed, &inner_pending.parsed);
    let mut outer_sink = DigestSink::new(outer_parsed.digest);
    let mut inner_sink = DigestSink::new(inner_parsed.digest);
    let shared = c14n::canonicalize_nested(
        doc,
        outer_parsed.shape.parent,
        &outer_parsed.reference_options(),
        &mut outer_sink,
        inner_parsed.shape.parent,
        &inner_parsed.reference_options(),
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
            let inner = inner_pending.verify_alone().map_err(|e| (Nesting::Inner, e))?;
            let outer = outer_pending.verify_alone().map_err(|e| (Nesting::Outer, e))?;
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

/// A Signature whose structure, algorithms and SignedInfo signature are
/// verified; its Reference digest is still to be compared.
struct Pending<'d> {
    parsed: ParsedSignature<'d>,
    key_index: usize,
}

impl<'d> Pending<'d> {
    fn check(doc: &'d Document<'_>, signature: NodeId, checks: &Checks<'_>) -> Result<Self, SignatureError> {
        let parsed = ParsedSignature::read_checked(doc, signature, Some(checks))?;
        let keys = checks.keys;
        let hint = match &parsed.shape.x509_certificate {
            Some(text) => certificate_hint(text, keys)?,
            None => Hint::Absent,
        };
        let signed_info = parsed.canonical_signed_info()?;
        let key_index =
            verify_with_keys(keys, parsed.algorithm, hint, &signed_info, &parsed.signature_value)?;
        Ok(Self { parsed, key_index })
    }

    fn verify_alone(self) -> Result<VerifiedSignature<'d>, SignatureError> {
        let mut sink = DigestSink::new(self.parsed.digest);
        c14n::canonicalize(
            self.parsed.doc,
            self.parsed.shape.parent,
            &self.parsed.reference_options(),
            &mut sink,
        )?;
        self.finish(sink.finish().as_ref())
    }

    fn finish(self, computed: &[u8]) -> Result<VerifiedSignature<'d>, SignatureError> {
        if !constant_time_eq(computed, &self.parsed.digest_value) {
            return Err(SignatureError::DigestMismatch);
        }
        Ok(VerifiedSignature {
            doc: self.parsed.doc,
            signed: self.parsed.shape.parent,
            signature: self.parsed.shape.signature,
            algorithm: self.parsed.algorithm,
            digest: self.parsed.digest,
            key_index: self.key_index,
        })
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
        match keys[index].verify(algorithm, message, signature) {
            Ok(()) => return Ok(index),
            Err(VerifyError::BadSignature) => usable += 1,
            Err(VerifyError::Unusable(why)) => {
                refusal.get_or_insert(match why {
                    Unusable::KeyTooSmall { bits } => SignatureError::KeyTooSmall { bits },
                    _ => SignatureError::AlgorithmKeyMismatch,
                });
            }
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
    if let Some(index) = keys.iter().position(|k| k.certificate_base64().as_bytes() == compact.as_ref()) {
        return Ok(Hint::Pinned(index));
    }
    decode_compact(&compact, "X509Certificate")?;
    Ok(Hint::Unknown)
}
