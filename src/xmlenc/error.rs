//! [`XmlEncError`]: why an EncryptedAssertion was not decrypted.

use crate::kind::ErrorKind;
use crate::text::Untrusted;

/// Why an EncryptedAssertion was not decrypted.
///
/// Every variant but [`DecryptionFailed`](Self::DecryptionFailed) is a
/// structural refusal made while reading the XML, before any private key is
/// used: it depends only on what anyone can see in the document, so its
/// detail helps the operator and tells an attacker nothing new.
///
/// [`DecryptionFailed`](Self::DecryptionFailed) covers everything after that:
/// the RSA-OAEP key unwrap with every SP key, the length of the unwrapped
/// key, the AES decryption, the CBC padding and the GCM tag. It is a unit
/// variant with one fixed message, so its kind, `Display` and `Debug` are
/// the same whichever step failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum XmlEncError {
    /// A missing, repeated, unexpected or misplaced element or attribute.
    #[error("encrypted assertion: {0}")]
    Structure(&'static str),
    /// An algorithm outside the allow-list.
    #[error("unsupported {role} algorithm {uri}")]
    UnsupportedAlgorithm {
        /// `content encryption`, `key transport`, `OAEP digest` or `OAEP mask generation`.
        role: &'static str,
        /// The URI as received.
        uri: Untrusted,
    },
    /// RSA PKCS#1 v1.5 key transport, refused before any key is used
    /// (Bleichenbacher-style attacks).
    #[error("RSA PKCS#1 v1.5 key transport (rsa-1_5) is refused; use RSA-OAEP")]
    RsaV15KeyTransport,
    /// AES-CBC content encryption while the options accept AES-GCM only.
    #[error("AES-CBC content encryption is refused: only AES-GCM is accepted")]
    CbcNotAllowed,
    /// The content key is not found exactly once in this EncryptedAssertion.
    #[error("content key: {0}")]
    KeyReference(&'static str),
    /// A comment, PI or element inside a base64 value, or invalid base64.
    #[error("{0} is not plain base64 text")]
    CipherValueEncoding(&'static str),
    /// Decryption failed. The one opaque refusal for every failure from the
    /// key unwrap to the last check of the content.
    #[error("decryption failed")]
    DecryptionFailed,
}

impl XmlEncError {
    /// The stable kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Structure(_) => ErrorKind::EncryptionStructure,
            Self::UnsupportedAlgorithm { .. } => ErrorKind::UnsupportedEncryptionAlgorithm,
            Self::RsaV15KeyTransport => ErrorKind::RsaV15KeyTransport,
            Self::CbcNotAllowed => ErrorKind::CbcNotAllowed,
            Self::KeyReference(_) => ErrorKind::EncryptedKeyReference,
            Self::CipherValueEncoding(_) => ErrorKind::CipherValueEncoding,
            Self::DecryptionFailed => ErrorKind::DecryptionFailed,
        }
    }
}
