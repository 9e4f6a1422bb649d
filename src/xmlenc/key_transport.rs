//! Key transport: unwrapping the content key with RSA-OAEP and the SP keys.
//!
//! Accepted (the EncryptedKey's EncryptionMethod):
//!
//! - `http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p`: the mask is MGF1 with
//!   SHA-1; the digest is SHA-1 unless a `ds:DigestMethod` child names
//!   another; an `xenc11:MGF` child is refused (the URI fixes the mask).
//! - `http://www.w3.org/2009/xmlenc11#rsa-oaep`: the digest from
//!   `ds:DigestMethod` (SHA-1 when absent), the mask from `xenc11:MGF`
//!   (`…xmlenc11#mgf1sha1`, `mgf1sha256`, `mgf1sha384`, `mgf1sha512`; MGF1
//!   with SHA-1 when absent).
//!
//! Digests: SHA-1 (`xmldsig#sha1`), SHA-256 (`xmlenc#sha256`), SHA-384
//! (`xmldsig-more#sha384`), SHA-512 (`xmlenc#sha512`). Both URIs take an
//! optional `xenc:OAEPparams`, the base64 OAEP label. Each child at most once.
//!
//! `http://www.w3.org/2001/04/xmlenc#rsa-1_5` (PKCS#1 v1.5, the padding of
//! Bleichenbacher's attack and its descendants) and every other URI are
//! refused while the document is read, before any private key is used.
//!
//! The unwrap runs RSA-OAEP with every SP key, in the order the hint gives,
//! and takes the first key that yields a key of the content algorithm's
//! length; the selection is branch-free. When none does, the content is
//! still decrypted, with a random key, so that a bad EncryptedKey costs the
//! same AES pass as a bad ciphertext and fails at the same point.

use rsa::sha2::{Sha256, Sha384, Sha512};
use sha1::Sha1;
use sha1::digest::{Digest, FixedOutputReset};
use zeroize::Zeroizing;

use super::ct;
use super::error::XmlEncError;
use super::read::{self, DS, XENC, XENC11};
use crate::crypto::decryption::{DecryptionKeys, KeyHint};
use crate::text::Untrusted;
use crate::xml::{Document, ElementRef};

const RSA_OAEP_MGF1P: &str = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
const RSA_OAEP: &str = "http://www.w3.org/2009/xmlenc11#rsa-oaep";
const RSA_1_5: &str = "http://www.w3.org/2001/04/xmlenc#rsa-1_5";

/// A hash function of the OAEP parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hash {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn from_digest_uri(uri: &str) -> Option<Self> {
        match uri {
            "http://www.w3.org/2000/09/xmldsig#sha1" => Some(Self::Sha1),
            "http://www.w3.org/2001/04/xmlenc#sha256" => Some(Self::Sha256),
            "http://www.w3.org/2001/04/xmldsig-more#sha384" => Some(Self::Sha384),
            "http://www.w3.org/2001/04/xmlenc#sha512" => Some(Self::Sha512),
            _ => None,
        }
    }

    fn from_mgf_uri(uri: &str) -> Option<Self> {
        match uri {
            "http://www.w3.org/2009/xmlenc11#mgf1sha1" => Some(Self::Sha1),
            "http://www.w3.org/2009/xmlenc11#mgf1sha256" => Some(Self::Sha256),
            "http://www.w3.org/2009/xmlenc11#mgf1sha384" => Some(Self::Sha384),
            "http://www.w3.org/2009/xmlenc11#mgf1sha512" => Some(Self::Sha512),
            _ => None,
        }
    }
}

/// RSA-OAEP parameters read from an EncryptedKey's EncryptionMethod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Oaep {
    pub(crate) digest: Hash,
    pub(crate) mgf: Hash,
    pub(crate) label: Option<Vec<u8>>,
}

impl Oaep {
    /// Reads the key transport EncryptionMethod; refuses rsa-1_5 and every
    /// other algorithm first.
    pub(crate) fn read(doc: &Document<'_>, method: ElementRef<'_, '_>) -> Result<Self, XmlEncError> {
        let uri = method
            .attribute("", "Algorithm")
            .ok_or(XmlEncError::Structure("EncryptedKey EncryptionMethod without Algorithm"))?;
        let mgf1p = match uri {
            RSA_OAEP_MGF1P => true,
            RSA_OAEP => false,
            RSA_1_5 => return Err(XmlEncError::RsaV15KeyTransport),
            _ => {
                return Err(XmlEncError::UnsupportedAlgorithm {
                    role: "key transport",
                    uri: Untrusted::new(uri),
                });
            }
        };
        let mut oaep = Self { digest: Hash::Sha1, mgf: Hash::Sha1, label: None };
        let (mut seen_params, mut seen_digest, mut seen_mgf) = (false, false, false);
        for child in
            read::element_children(doc, method.id(), "text inside the key transport EncryptionMethod")?
        {
            if child.is(XENC, "OAEPparams") && !seen_params {
                seen_params = true;
                let text =
                    read::plain_text(doc, child).ok_or(XmlEncError::CipherValueEncoding("OAEPparams"))?;
                if !text.trim_matches([' ', '\t', '\n', '\r']).is_empty() {
                    oaep.label = Some(read::base64_value(doc, child, "OAEPparams")?);
                }
            } else if child.is(DS, "DigestMethod") && !seen_digest {
                seen_digest = true;
                let uri = algorithm_of(doc, child, "DigestMethod")?;
                oaep.digest = Hash::from_digest_uri(uri).ok_or_else(|| {
                    XmlEncError::UnsupportedAlgorithm { role: "OAEP digest", uri: Untrusted::new(uri) }
                })?;
            } else if child.is(XENC11, "MGF") && !seen_mgf && !mgf1p {
                seen_mgf = true;
                let uri = algorithm_of(doc, child, "MGF")?;
                oaep.mgf = Hash::from_mgf_uri(uri).ok_or_else(|| XmlEncError::UnsupportedAlgorithm {
                    role: "OAEP mask generation",
                    uri: Untrusted::new(uri),
                })?;
            } else {
                return Err(XmlEncError::Structure(
                    "unexpected or repeated element in the key transport EncryptionMethod",
                ));
            }
        }
        Ok(oaep)
    }
}

/// The Algorithm of an empty DigestMethod / MGF element.
fn algorithm_of<'d>(
    doc: &Document<'_>,
    element: ElementRef<'d, '_>,
    what: &'static str,
) -> Result<&'d str, XmlEncError> {
    if doc.children(element.id()).any(|c| doc.element(c).is_some()) {
        return Err(XmlEncError::Structure(match what {
            "MGF" => "MGF with content",
            _ => "DigestMethod with content",
        }));
    }
    element.attribute("", "Algorithm").ok_or(XmlEncError::Structure(match what {
        "MGF" => "MGF without Algorithm",
        _ => "DigestMethod without Algorithm",
    }))
}

/// Unwraps the content key with every SP key: the key (random when no SP
/// key unwrapped one of `key_len` bytes) and a success mask.
pub(crate) fn unwrap(
    keys: &DecryptionKeys,
    hint: &KeyHint,
    oaep: &Oaep,
    ciphertext: &[u8],
    key_len: usize,
) -> Result<(Zeroizing<Vec<u8>>, u8), XmlEncError> {
    let mut content_key = Zeroizing::new(vec![0u8; key_len]);
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut content_key)
        .map_err(|_| XmlEncError::DecryptionFailed)?;
    let mut found = 0u8;
    for key in keys.attempt_order(hint) {
        #[cfg(test)]
        PRIVATE_KEY_OPERATIONS.with(|n| n.set(n.get() + 1));
        let result = oaep_decrypt(key.private_key(), oaep, ciphertext);
        let unwrapped = ct::mask(result.is_ok());
        let candidate = Zeroizing::new(result.unwrap_or_else(|_| vec![0u8; key_len]));
        let ok = unwrapped & ct::mask(candidate.len() == key_len);
        ct::select(ok & !found, &mut content_key, &candidate);
        found |= ok;
    }
    Ok((content_key, found))
}

#[cfg(test)]
thread_local! {
    /// RSA private-key operations run on this thread, for the tests.
    pub(crate) static PRIVATE_KEY_OPERATIONS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn oaep_decrypt(key: &rsa::PrivateKey, oaep: &Oaep, ciphertext: &[u8]) -> rsa::Result<Vec<u8>> {
    match oaep.digest {
        Hash::Sha1 => with_mask::<Sha1>(key, oaep, ciphertext),
        Hash::Sha256 => with_mask::<Sha256>(key, oaep, ciphertext),
        Hash::Sha384 => with_mask::<Sha384>(key, oaep, ciphertext),
        Hash::Sha512 => with_mask::<Sha512>(key, oaep, ciphertext),
    }
}

fn with_mask<D: Digest + FixedOutputReset>(
    key: &rsa::PrivateKey,
    oaep: &Oaep,
    ciphertext: &[u8],
) -> rsa::Result<Vec<u8>> {
    match oaep.mgf {
        Hash::Sha1 => run::<D, Sha1>(key, oaep.label.as_deref(), ciphertext),
        Hash::Sha256 => run::<D, Sha256>(key, oaep.label.as_deref(), ciphertext),
        Hash::Sha384 => run::<D, Sha384>(key, oaep.label.as_deref(), ciphertext),
        Hash::Sha512 => run::<D, Sha512>(key, oaep.label.as_deref(), ciphertext),
    }
}

/// RSA-OAEP decryption with the `rsa` crate: blinded, constant-time modular
/// exponentiation and a constant-time OAEP decoding.
fn run<D, M>(key: &rsa::PrivateKey, label: Option<&[u8]>, ciphertext: &[u8]) -> rsa::Result<Vec<u8>>
where
    D: Digest + FixedOutputReset,
    M: Digest + FixedOutputReset,
{
    let padding = match label {
        Some(label) => rsa::Oaep::<D, M>::new_with_mgf_hash_and_label(label.to_vec()),
        None => rsa::Oaep::<D, M>::new_with_mgf_hash(),
    };
    key.decrypt(padding, ciphertext)
}
