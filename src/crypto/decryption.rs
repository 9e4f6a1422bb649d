//! The SP's decryption keys: the RSA private keys an IdP encrypts assertions
//! to (feature `xmlenc`).
//!
//! Several keys can be live at once for a rotation (the way AWS IAM SAML
//! providers keep an old and a new private key): [`DecryptionKeys`] holds all
//! of them, and decryption runs the RSA-OAEP key unwrap with **every** one of
//! them, in the order the EncryptedKey's `KeyInfo` suggests, whatever the
//! outcome. Stopping at the first key that unwraps would make the number of
//! private-key operations (and so the response time) say whether a forged
//! EncryptedKey was valid OAEP for the first key: an oracle.
//!
//! A key may carry its certificate and a name; both are only matched against
//! the `KeyInfo` hint of an EncryptedKey to order the attempts, never to
//! decide anything.
//!
//! RSA-OAEP itself: [`OaepParams`] (digest, mask digest, label) and
//! [`DecryptionKey::decrypt_oaep`], one private-key operation, for tools and
//! benchmarks; the decryption stage unwraps with every key instead.
//!
//! Secrets: the private keys are RustCrypto `rsa` 0.10 `PrivateKey` values,
//! which wipe their private exponent, primes and CRT values on drop; the DER
//! decoded from the PEM text is held in a zeroizing buffer while it is parsed.
//! The PEM text itself belongs to the caller. `Debug` shows the key size, the
//! name and the certificate subject only.

use std::fmt;

use base64::Engine as _;
use rsa::traits::PublicKeyParts as _;
use x509_parser::prelude::FromDer as _;
use zeroize::Zeroizing;

use crate::kind::ErrorKind;

pub use super::oaep::{OaepHash, OaepParams};

/// The shortest RSA modulus accepted for a decryption key, in bits.
pub const MIN_DECRYPTION_KEY_BITS: usize = 2048;

/// A decryption key that cannot be used.
///
/// Messages never contain key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecryptionKeyError {
    /// Not an unencrypted RSA private key in PEM (PKCS#8 `PRIVATE KEY` or
    /// PKCS#1 `RSA PRIVATE KEY`), or more than one.
    #[error("not a usable RSA private key: {0}")]
    InvalidPrivateKey(&'static str),
    /// The modulus is shorter than [`MIN_DECRYPTION_KEY_BITS`].
    #[error("the RSA decryption key has {bits} bits; at least 2048 are required")]
    KeyTooSmall {
        /// The modulus size.
        bits: usize,
    },
    /// The certificate is not a usable X.509 RSA certificate, or it
    /// certifies another key.
    #[error("decryption key certificate: {0}")]
    Certificate(&'static str),
    /// [`DecryptionKeys::new`] was given no key.
    #[error("no decryption key configured")]
    NoKeys,
}

impl DecryptionKeyError {
    /// The stable kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidPrivateKey(_) => ErrorKind::InvalidPrivateKey,
            Self::KeyTooSmall { .. } => ErrorKind::DecryptionKeyTooSmall,
            Self::Certificate(_) => ErrorKind::DecryptionCertificate,
            Self::NoKeys => ErrorKind::NoDecryptionKeys,
        }
    }
}

/// What the certificate of a key offers for matching a hint.
struct KeyCertificate {
    /// The DER in standard padded base64, compared with `X509Certificate` text.
    base64: String,
    /// The subjectKeyIdentifier extension, compared with `X509SKI`.
    subject_key_id: Option<Vec<u8>>,
    /// The serial number in decimal, compared with `X509SerialNumber`.
    serial: String,
    subject: String,
}

/// One SP RSA private key, optionally with its certificate and a name.
///
/// The private key is wiped when the value is dropped; `Debug` shows the
/// key size, the name and the certificate subject, never key material.
pub struct DecryptionKey {
    key: rsa::PrivateKey,
    certificate: Option<KeyCertificate>,
    name: Option<String>,
}

impl fmt::Debug for DecryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecryptionKey")
            .field("bits", &self.bits())
            .field("name", &self.name)
            .field("certificate", &self.certificate_subject())
            .finish_non_exhaustive()
    }
}

impl DecryptionKey {
    /// Reads one unencrypted RSA private key from PEM text: a PKCS#8
    /// `PRIVATE KEY` or a PKCS#1 `RSA PRIVATE KEY` block. A `CERTIFICATE`
    /// block in the same text (a combined key + certificate file) is taken as
    /// the key's certificate and must certify this key.
    ///
    /// Refused: no key block, several, an `ENCRYPTED PRIVATE KEY`, a key that
    /// is not RSA or not consistent, a modulus under 2048 bits.
    pub fn from_pem(pem: &[u8]) -> Result<Self, DecryptionKeyError> {
        let mut key = None;
        let mut certificate = None;
        for block in x509_parser::pem::Pem::iter_from_buffer(pem) {
            let block = block.map_err(|_| DecryptionKeyError::InvalidPrivateKey("malformed PEM"))?;
            let contents = Zeroizing::new(block.contents);
            let parsed = match block.label.as_str() {
                "PRIVATE KEY" => {
                    use rsa::pkcs8::DecodePrivateKey as _;
                    rsa::PrivateKey::from_pkcs8_der(&contents)
                        .map_err(|_| DecryptionKeyError::InvalidPrivateKey("not an RSA PKCS#8 key"))?
                }
                "RSA PRIVATE KEY" => {
                    use rsa::pkcs1::DecodeRsaPrivateKey as _;
                    rsa::PrivateKey::from_pkcs1_der(&contents)
                        .map_err(|_| DecryptionKeyError::InvalidPrivateKey("not a PKCS#1 RSA key"))?
                }
                "ENCRYPTED PRIVATE KEY" => {
                    return Err(DecryptionKeyError::InvalidPrivateKey(
                        "password-protected keys are not supported: decrypt the PEM first",
                    ));
                }
                "CERTIFICATE" => {
                    if certificate.is_none() {
                        certificate = Some(contents.to_vec());
                    }
                    continue;
                }
                _ => continue,
            };
            if key.replace(parsed).is_some() {
                return Err(DecryptionKeyError::InvalidPrivateKey(
                    "more than one private key in the PEM text",
                ));
            }
        }
        let key =
            key.ok_or(DecryptionKeyError::InvalidPrivateKey("no PRIVATE KEY or RSA PRIVATE KEY block"))?;
        key.validate().map_err(|_| DecryptionKeyError::InvalidPrivateKey("inconsistent RSA key"))?;
        let bits = modulus_bits(&key.n_bytes());
        if bits < MIN_DECRYPTION_KEY_BITS {
            return Err(DecryptionKeyError::KeyTooSmall { bits });
        }
        let key = Self { key, certificate: None, name: None };
        match certificate {
            Some(der) => key.with_certificate_der(&der),
            None => Ok(key),
        }
    }

    /// Attaches the key's certificate from PEM (the first `CERTIFICATE`
    /// block); it must certify this key.
    pub fn with_certificate_pem(self, pem: &[u8]) -> Result<Self, DecryptionKeyError> {
        for block in x509_parser::pem::Pem::iter_from_buffer(pem) {
            let block = block.map_err(|_| DecryptionKeyError::Certificate("malformed PEM"))?;
            if block.label == "CERTIFICATE" {
                return self.with_certificate_der(&block.contents);
            }
        }
        Err(DecryptionKeyError::Certificate("no CERTIFICATE block in the PEM text"))
    }

    /// Attaches the key's certificate from DER; it must certify this key.
    pub fn with_certificate_der(mut self, der: &[u8]) -> Result<Self, DecryptionKeyError> {
        let (rest, certificate) = x509_parser::certificate::X509Certificate::from_der(der)
            .map_err(|_| DecryptionKeyError::Certificate("not an X.509 certificate"))?;
        if !rest.is_empty() {
            return Err(DecryptionKeyError::Certificate("trailing data after the certificate"));
        }
        let x509_parser::public_key::PublicKey::RSA(public) = certificate
            .public_key()
            .parsed()
            .map_err(|_| DecryptionKeyError::Certificate("unreadable public key"))?
        else {
            return Err(DecryptionKeyError::Certificate("not an RSA certificate"));
        };
        if trim_zeros(public.modulus) != &*self.key.n_bytes()
            || trim_zeros(public.exponent) != &*self.key.e_bytes()
        {
            return Err(DecryptionKeyError::Certificate("the certificate is for another key"));
        }
        let subject_key_id = certificate.extensions().iter().find_map(|e| match e.parsed_extension() {
            x509_parser::extensions::ParsedExtension::SubjectKeyIdentifier(id) => Some(id.0.to_vec()),
            _ => None,
        });
        self.certificate = Some(KeyCertificate {
            base64: base64::engine::general_purpose::STANDARD.encode(der),
            subject_key_id,
            serial: certificate.tbs_certificate.serial.to_string(),
            subject: certificate.subject().to_string(),
        });
        Ok(self)
    }

    /// Names the key: an EncryptedKey whose `KeyInfo/KeyName` is this name
    /// tries this key first.
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        modulus_bits(&self.key.n_bytes())
    }

    /// The name given with [`with_name`](Self::with_name).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The subject of the attached certificate.
    pub fn certificate_subject(&self) -> Option<&str> {
        self.certificate.as_ref().map(|c| c.subject.as_str())
    }

    /// The RSA private key, for the key transport.
    pub(super) fn private_key(&self) -> &rsa::PrivateKey {
        &self.key
    }

    fn matches(&self, hint: &KeyHint) -> bool {
        let named = self.name.as_deref().is_some_and(|n| hint.names.iter().any(|h| h == n));
        named
            || self.certificate.as_ref().is_some_and(|c| {
                hint.certificates.iter().any(|h| h.as_slice() == c.base64.as_bytes())
                    || hint.serials.contains(&c.serial)
                    || c.subject_key_id.as_ref().is_some_and(|id| hint.subject_key_ids.contains(id))
            })
    }
}

/// The SP's decryption keys (at least one), tried together.
pub struct DecryptionKeys {
    keys: Vec<DecryptionKey>,
}

impl fmt::Debug for DecryptionKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.keys).finish()
    }
}

impl DecryptionKeys {
    /// The keys, in preference order when no hint names one. Refuses an empty set.
    pub fn new(keys: impl IntoIterator<Item = DecryptionKey>) -> Result<Self, DecryptionKeyError> {
        let keys: Vec<_> = keys.into_iter().collect();
        if keys.is_empty() {
            return Err(DecryptionKeyError::NoKeys);
        }
        Ok(Self { keys })
    }

    /// The keys, in configured order.
    pub fn keys(&self) -> &[DecryptionKey] {
        &self.keys
    }

    /// The keys in the order to try them: those the hint names first, then
    /// the rest, each group in configured order. Every key appears once.
    pub(super) fn attempt_order(&self, hint: &KeyHint) -> impl Iterator<Item = &DecryptionKey> {
        let (named, others): (Vec<_>, Vec<_>) = self.keys.iter().partition(|k| k.matches(hint));
        named.into_iter().chain(others)
    }
}

/// What an EncryptedKey's `KeyInfo` says about the key it was made for.
/// Only orders the attempts.
#[derive(Debug, Default, Clone)]
pub(crate) struct KeyHint {
    /// `X509Certificate` texts, whitespace removed (compared as base64 text).
    pub(crate) certificates: Vec<Vec<u8>>,
    /// Decoded `X509SKI` values.
    pub(crate) subject_key_ids: Vec<Vec<u8>>,
    /// `X509IssuerSerial/X509SerialNumber` texts (decimal).
    pub(crate) serials: Vec<String>,
    /// `KeyName` texts.
    pub(crate) names: Vec<String>,
}

fn trim_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(first..).unwrap_or_default()
}

fn modulus_bits(modulus: &[u8]) -> usize {
    let modulus = trim_zeros(modulus);
    modulus.first().map_or(0, |&b| (modulus.len() - 1) * 8 + (8 - b.leading_zeros() as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/testdata/keys/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn reads_pkcs8_and_pkcs1_and_checks_the_certificate() {
        let pkcs8 = DecryptionKey::from_pem(&key("sp.key")).unwrap();
        let pkcs1 = DecryptionKey::from_pem(&key("sp.pkcs1.key")).unwrap();
        assert_eq!(pkcs8.bits(), 2048);
        assert_eq!(pkcs8.key.n_bytes(), pkcs1.key.n_bytes());
        let with_cert = pkcs8.with_certificate_pem(&key("sp.crt")).unwrap();
        assert_eq!(with_cert.certificate_subject(), Some("CN=samlguard test SP encryption"));
        assert_eq!(
            pkcs1.with_certificate_pem(&key("sp-next.crt")).unwrap_err(),
            DecryptionKeyError::Certificate("the certificate is for another key")
        );
    }

    #[test]
    fn refuses_what_is_not_one_usable_rsa_key() {
        let err = |pem: &[u8]| DecryptionKey::from_pem(pem).unwrap_err().kind();
        assert_eq!(err(b""), ErrorKind::InvalidPrivateKey);
        assert_eq!(err(&key("sp.crt")), ErrorKind::InvalidPrivateKey);
        assert_eq!(err(&key("ec-p256.key")), ErrorKind::InvalidPrivateKey);
        assert_eq!(err(&key("legacy1024.key")), ErrorKind::DecryptionKeyTooSmall);
        let two = [key("sp.key"), key("sp-next.key")].concat();
        assert_eq!(
            DecryptionKey::from_pem(&two).unwrap_err(),
            DecryptionKeyError::InvalidPrivateKey("more than one private key in the PEM text")
        );
        let mismatched = [key("sp.key"), key("sp-next.crt")].concat();
        assert_eq!(err(&mismatched), ErrorKind::DecryptionCertificate);
        assert_eq!(DecryptionKeys::new([]).unwrap_err().kind(), ErrorKind::NoDecryptionKeys);
    }

    #[test]
    fn keys_can_be_shared_across_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<DecryptionKeys>();
        shared::<DecryptionKey>();
    }

    #[test]
    fn debug_shows_no_key_material() {
        let key = DecryptionKey::from_pem(&key("sp.key")).unwrap().with_name("current");
        let shown = format!("{:?}", DecryptionKeys::new([key]).unwrap());
        assert!(shown.contains("bits: 2048") && shown.contains("current"), "{shown}");
        assert!(!shown.contains("primes") && !shown.contains(" d:") && shown.len() < 200, "{shown}");
    }

    #[test]
    fn hints_order_the_attempts_and_every_key_stays() {
        let current =
            DecryptionKey::from_pem(&key("sp.key")).unwrap().with_certificate_pem(&key("sp.crt")).unwrap();
        let next = DecryptionKey::from_pem(&key("sp-next.key"))
            .unwrap()
            .with_certificate_pem(&key("sp-next.crt"))
            .unwrap()
            .with_name("next");
        let keys = DecryptionKeys::new([current, next]).unwrap();
        let names = |hint: &KeyHint| {
            keys.attempt_order(hint).map(|k| k.name().unwrap_or("current").to_owned()).collect::<Vec<_>>()
        };
        let next_cert = keys.keys()[1].certificate.as_ref().unwrap();
        assert_eq!(names(&KeyHint::default()), ["current", "next"]);
        for hint in [
            KeyHint { names: vec!["next".into()], ..KeyHint::default() },
            KeyHint { certificates: vec![next_cert.base64.clone().into_bytes()], ..KeyHint::default() },
            KeyHint { serials: vec![next_cert.serial.clone()], ..KeyHint::default() },
            KeyHint {
                subject_key_ids: vec![next_cert.subject_key_id.clone().unwrap()],
                ..KeyHint::default()
            },
        ] {
            assert_eq!(names(&hint), ["next", "current"], "{hint:?}");
        }
        let unknown =
            KeyHint { names: vec!["retired".into()], serials: vec!["1".into()], ..KeyHint::default() };
        assert_eq!(names(&unknown), ["current", "next"]);
        // generate-xmlenc.sh writes serial 2002 in hex; X509SerialNumber is decimal.
        assert_eq!(next_cert.serial, "8194");
    }
}
