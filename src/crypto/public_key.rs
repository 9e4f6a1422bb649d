//! Pinned public keys, taken from X.509 certificates when the trust is built.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use ring::signature as sig;

use super::{DigestAlgorithm, SignatureAlgorithm};

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
    /// The certificate DER.
    certificate: Vec<u8>,
    /// The certificate in canonical base64, compared with KeyInfo's text
    /// without decoding it.
    certificate_base64: String,
    subject: String,
    /// SHA-256 of the certificate DER, computed once.
    thumbprint: [u8; 32],
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
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
    #[error("not a valid X.509 certificate")]
    Certificate,
    /// The PEM text holds no certificate.
    #[error("no CERTIFICATE block found in PEM input")]
    NoCertificate,
    /// The key is neither RSA nor ECDSA P-256/P-384.
    #[error("unsupported public key type (only RSA and ECDSA P-256/P-384 are supported)")]
    UnsupportedKeyType,
}

impl KeyError {
    /// The stable kind.
    pub fn kind(&self) -> crate::ErrorKind {
        use crate::ErrorKind as K;
        match self {
            Self::Certificate => K::InvalidCertificate,
            Self::NoCertificate => K::NoCertificate,
            Self::UnsupportedKeyType => K::UnsupportedKeyType,
        }
    }
}

/// Why a key cannot check a signature of some algorithm (before any crypto).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unusable {
    /// An RSA key under 2048 bits for anything but rsa-sha1.
    KeyTooSmall {
        /// The modulus size.
        bits: usize,
    },
    /// The algorithm needs another key type (or curve).
    AlgorithmKeyMismatch,
}

/// Why a signature did not verify under a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// The key cannot be used with the algorithm.
    Unusable(Unusable),
    /// The signature is not valid for this key and message (no detail).
    BadSignature,
}

impl PublicKey {
    /// Parses a DER X.509 certificate.
    pub fn from_certificate_der(der: &[u8]) -> Result<Self, KeyError> {
        use x509_parser::prelude::FromDer;
        let (rest, certificate) =
            x509_parser::certificate::X509Certificate::from_der(der).map_err(|_| KeyError::Certificate)?;
        if !rest.is_empty() {
            return Err(KeyError::Certificate);
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
        let validity = certificate.validity();
        let time = |t: x509_parser::time::ASN1Time| {
            DateTime::from_timestamp(t.timestamp(), 0).ok_or(KeyError::Certificate)
        };
        Ok(Self {
            kind,
            key,
            certificate: der.to_vec(),
            certificate_base64: base64::engine::general_purpose::STANDARD.encode(der),
            subject: certificate.subject().to_string(),
            thumbprint: DigestAlgorithm::Sha256.digest(der).try_into().map_err(|_| KeyError::Certificate)?,
            not_before: time(validity.not_before)?,
            not_after: time(validity.not_after)?,
        })
    }

    /// Parses every `CERTIFICATE` block of a PEM text.
    pub fn from_pem(pem: &[u8]) -> Result<Vec<Self>, KeyError> {
        let mut keys = Vec::new();
        for block in x509_parser::pem::Pem::iter_from_buffer(pem) {
            let block = block.map_err(|_| KeyError::Certificate)?;
            if block.label == "CERTIFICATE" {
                keys.push(Self::from_certificate_der(&block.contents)?);
            }
        }
        if keys.is_empty() {
            return Err(KeyError::NoCertificate);
        }
        Ok(keys)
    }

    /// The certificate subject (from configuration, not from a response).
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The public key as a verifier takes it: the PKCS#1 RSAPublicKey for
    /// RSA, the uncompressed point for ECDSA (for measuring the crypto floor).
    pub fn public_key_bytes(&self) -> &[u8] {
        &self.key
    }

    /// The DER certificate this key came from.
    pub fn certificate_der(&self) -> &[u8] {
        &self.certificate
    }

    /// The certificate as canonical base64 (no whitespace).
    pub fn certificate_base64(&self) -> &str {
        &self.certificate_base64
    }

    /// SHA-256 of the DER certificate.
    pub fn sha256_thumbprint(&self) -> [u8; 32] {
        self.thumbprint
    }

    /// SHA-1 of the DER certificate (Entra's "Thumbprint"; an identifier,
    /// not a security decision).
    pub fn sha1_thumbprint(&self) -> Vec<u8> {
        DigestAlgorithm::Sha1.digest(&self.certificate)
    }

    /// The certificate's notBefore.
    pub fn not_before(&self) -> DateTime<Utc> {
        self.not_before
    }

    /// The certificate's notAfter.
    pub fn not_after(&self) -> DateTime<Utc> {
        self.not_after
    }

    /// RSA modulus size in bits (`None` for EC keys).
    pub fn rsa_bits(&self) -> Option<usize> {
        match self.kind {
            KeyKind::Rsa { bits } => Some(bits),
            _ => None,
        }
    }

    /// Checks that this key can verify `algorithm` (key type, curve, size).
    pub fn check_usable(&self, algorithm: SignatureAlgorithm) -> Result<(), Unusable> {
        self.ring_algorithm(algorithm).map(|_| ())
    }

    /// Verifies `signature` over `message` (the canonical SignedInfo) with
    /// this key.
    pub fn verify(
        &self,
        algorithm: SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), VerifyError> {
        let ring_algorithm = self.ring_algorithm(algorithm).map_err(VerifyError::Unusable)?;
        sig::UnparsedPublicKey::new(ring_algorithm, &self.key)
            .verify(message, signature)
            .map_err(|_| VerifyError::BadSignature)
    }

    /// The ring algorithm for `algorithm` with this key, or why not.
    fn ring_algorithm(
        &self,
        algorithm: SignatureAlgorithm,
    ) -> Result<&'static dyn sig::VerificationAlgorithm, Unusable> {
        use SignatureAlgorithm as A;
        match (&self.kind, algorithm) {
            (KeyKind::Rsa { bits }, A::RsaSha1) if *bits >= 1024 => {
                Ok(&sig::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY)
            }
            (KeyKind::Rsa { bits }, A::RsaSha256 | A::RsaSha384 | A::RsaSha512 | A::RsaSha1)
                if *bits < 2048 =>
            {
                Err(Unusable::KeyTooSmall { bits: *bits })
            }
            (KeyKind::Rsa { .. }, A::RsaSha256) => Ok(&sig::RSA_PKCS1_2048_8192_SHA256),
            (KeyKind::Rsa { .. }, A::RsaSha384) => Ok(&sig::RSA_PKCS1_2048_8192_SHA384),
            (KeyKind::Rsa { .. }, A::RsaSha512) => Ok(&sig::RSA_PKCS1_2048_8192_SHA512),
            (KeyKind::EcP256, A::EcdsaSha256) => Ok(&sig::ECDSA_P256_SHA256_FIXED),
            (KeyKind::EcP384, A::EcdsaSha384) => Ok(&sig::ECDSA_P384_SHA384_FIXED),
            _ => Err(Unusable::AlgorithmKeyMismatch),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_facts() {
        let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/idp.crt")).unwrap();
        let key = &PublicKey::from_pem(&pem).unwrap()[0];
        assert_eq!(key.rsa_bits(), Some(2048));
        assert!(key.not_before() < key.not_after());
        assert_eq!(key.sha256_thumbprint().len(), 32);
        assert_eq!(key.sha1_thumbprint().len(), 20);
        assert_eq!(key.check_usable(SignatureAlgorithm::EcdsaSha256), Err(Unusable::AlgorithmKeyMismatch));
        assert_eq!(key.verify(SignatureAlgorithm::RsaSha256, b"m", b"s"), Err(VerifyError::BadSignature));
        assert_eq!(PublicKey::from_pem(b"nothing"), Err(KeyError::NoCertificate));
    }
}
