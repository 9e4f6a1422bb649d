//! XML-DSig verification of one enveloped `ds:Signature` under the SAML
//! signature profile, against pinned keys only.
//!
//! [`verify`] returns a [`VerifiedSignature`] naming the exact element the
//! signature covers in the document it was made on, and only after every
//! rule below held (see the manual's [signature profile] and [pinned keys]
//! invariants):
//!
//! - the Signature is an immediate child of the signed element, which has an
//!   unprefixed `ID`; SignedInfo has exactly one Reference whose URI is `#` +
//!   that ID (an NCName), resolving to that very element;
//! - children appear exactly once, in schema order: SignedInfo, SignatureValue,
//!   optional KeyInfo; SignedInfo holds CanonicalizationMethod, SignatureMethod,
//!   Reference; the Reference holds Transforms, DigestMethod, DigestValue;
//! - the transforms are exactly enveloped-signature then exclusive c14n (with or
//!   without comments, InclusiveNamespaces allowed), or inclusive C14N 1.0
//!   where the [`Canonicalizations`] allow-list admits it (the same goes for
//!   SignedInfo's CanonicalizationMethod); comments are never part of the
//!   digest, since `#ID` selects the element without them; C14N 1.1 is refused;
//! - no `ds:Object`, `ds:Manifest`, `ds:RetrievalMethod` or nested Signature;
//! - DigestValue, SignatureValue and X509Certificate are plain text (no comment,
//!   PI or element inside), base64 with optional whitespace;
//! - the algorithms are on the allow-list ([`Algorithms`](crate::crypto::Algorithms))
//!   *before* any key is used, and match the key type; RSA keys have at least
//!   2048 bits except for rsa-sha1 under the SHA-1 opt-in;
//! - SignedInfo verifies under one of the pinned keys (KeyInfo only orders the
//!   attempts), and the canonical form of the element minus this Signature,
//!   streamed into the digest, equals DigestValue.
//!
//! ```
//! use samlguard::{crypto::{Algorithms, PublicKey}, dsig, xml};
//!
//! let keys = PublicKey::from_pem(&std::fs::read("testdata/keys/idp.crt")?)?;
//! let bytes = std::fs::read("testdata/responses/aws-console.xml")?;
//! let doc = xml::parse(&bytes)?;
//! let signature = dsig::all_signatures(&doc)[0];
//! let proof = dsig::verify(&doc, signature, &keys, Algorithms::STRICT)?;
//! let signed = doc.element(proof.signed_element()).unwrap();
//! assert_eq!(signed.local_name(), "Assertion");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [signature profile]: crate::manual::invariants#signature-profile
//! [pinned keys]: crate::manual::invariants#pinned-keys

mod error;
mod profile;
mod values;
mod verify;

pub use error::SignatureError;
pub use profile::{Canonicalizations, all_signatures, signature_child};
pub(crate) use values::decode_base64;
pub(crate) use verify::{Nesting, verify_nested};
pub use verify::{ParsedSignature, VerifiedSignature, verify, verify_with_canonicalizations};

use crate::crypto::{Digest, DigestAlgorithm, DigestValue};

/// The XML-DSig namespace.
pub const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";

/// A digest fed by canonicalization (which stages its writes, so the
/// updates are few and long).
struct DigestSink(Digest);

impl DigestSink {
    fn new(algorithm: DigestAlgorithm) -> Self {
        Self(Digest::new(algorithm))
    }

    fn finish(self) -> DigestValue {
        self.0.finish()
    }
}

impl crate::c14n::Sink for DigestSink {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}
