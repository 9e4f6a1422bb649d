//! RSA-OAEP key transport with the SP's private keys (feature `xmlenc`).
//!
//! [`OaepParams`] are the digest, the mask generation digest and the
//! optional label an EncryptedKey names (the `xmlenc` stage reads them from
//! the XML and refuses every other key transport, RSA PKCS#1 v1.5 included,
//! before any private key is used). RSA-OAEP decryption is RustCrypto `rsa`
//! 0.10: blinded, constant-time modular exponentiation and a constant-time
//! OAEP decoding.
//!
//! The unwrap the decryption stage runs uses **every** SP key, in the order
//! the EncryptedKey's hint gives, and takes the first key that yields a key
//! of the content algorithm's length; the selection is branch-free. When none
//! does, a random key comes out, so that a bad EncryptedKey costs the same AES
//! pass as a bad ciphertext and fails at the same point.

use rsa::sha2::{Sha256, Sha384, Sha512};
use sha1::Sha1;
use sha1::digest::{Digest, FixedOutputReset};

use super::cipher::Secret;
use super::ct;
use super::decryption::{DecryptionKey, DecryptionKeys, KeyHint};

/// A hash function of the RSA-OAEP parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OaepHash {
    /// SHA-1 (the default of both XML Encryption key transport URIs).
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl OaepHash {
    /// The hash a `ds:DigestMethod` Algorithm names inside a key transport
    /// EncryptionMethod: `xmldsig#sha1`, `xmlenc#sha256`,
    /// `xmldsig-more#sha384`, `xmlenc#sha512`.
    pub fn from_digest_uri(uri: &str) -> Option<Self> {
        match uri {
            "http://www.w3.org/2000/09/xmldsig#sha1" => Some(Self::Sha1),
            "http://www.w3.org/2001/04/xmlenc#sha256" => Some(Self::Sha256),
            "http://www.w3.org/2001/04/xmldsig-more#sha384" => Some(Self::Sha384),
            "http://www.w3.org/2001/04/xmlenc#sha512" => Some(Self::Sha512),
            _ => None,
        }
    }

    /// The hash an `xenc11:MGF` Algorithm names (`xmlenc11#mgf1sha1` … `mgf1sha512`).
    pub fn from_mgf_uri(uri: &str) -> Option<Self> {
        match uri {
            "http://www.w3.org/2009/xmlenc11#mgf1sha1" => Some(Self::Sha1),
            "http://www.w3.org/2009/xmlenc11#mgf1sha256" => Some(Self::Sha256),
            "http://www.w3.org/2009/xmlenc11#mgf1sha384" => Some(Self::Sha384),
            "http://www.w3.org/2009/xmlenc11#mgf1sha512" => Some(Self::Sha512),
            _ => None,
        }
    }
}

/// RSA-OAEP parameters: the label digest, the MGF1 digest and the label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OaepParams {
    /// The digest of the label (and of the OAEP encoding).
    pub digest: OaepHash,
    /// The digest of the MGF1 mask generation function.
    pub mgf: OaepHash,
    /// The OAEP label (`xenc:OAEPparams`), when there is one.
    pub label: Option<Vec<u8>>,
}

impl Default for OaepParams {
    /// SHA-1 and MGF1 with SHA-1, no label: `rsa-oaep-mgf1p` without children.
    fn default() -> Self {
        Self { digest: OaepHash::Sha1, mgf: OaepHash::Sha1, label: None }
    }
}

impl DecryptionKey {
    /// RSA-OAEP decryption of `ciphertext` with this key: one private-key
    /// operation. `None` on any failure (the reason is not told). For tools
    /// and benchmarks; the decryption stage runs every configured key
    /// instead.
    pub fn decrypt_oaep(&self, params: &OaepParams, ciphertext: &[u8]) -> Option<Secret> {
        oaep_decrypt(self.private_key(), params, ciphertext).ok().map(Secret::new)
    }
}

impl DecryptionKeys {
    /// Unwraps the content key with every SP key: the key (random when no SP
    /// key unwrapped one of `key_len` bytes) and a success mask (`0xff` or
    /// `0`). `None` only when the system random generator fails.
    pub(crate) fn unwrap_content_key(
        &self,
        hint: &KeyHint,
        params: &OaepParams,
        ciphertext: &[u8],
        key_len: usize,
    ) -> Option<(Secret, u8)> {
        let mut content_key = Secret::random(key_len)?;
        let mut found = 0u8;
        for key in self.attempt_order(hint) {
            #[cfg(test)]
            tests::PRIVATE_KEY_OPERATIONS.with(|n| n.set(n.get() + 1));
            let result = oaep_decrypt(key.private_key(), params, ciphertext);
            let unwrapped = ct::mask(result.is_ok());
            let candidate = Secret::new(result.unwrap_or_else(|_| vec![0u8; key_len]));
            let ok = unwrapped & ct::mask(candidate.len() == key_len);
            ct::select(ok & !found, content_key.as_mut_bytes(), candidate.as_bytes());
            found |= ok;
        }
        Some((content_key, found))
    }
}

fn oaep_decrypt(key: &rsa::PrivateKey, params: &OaepParams, ciphertext: &[u8]) -> rsa::Result<Vec<u8>> {
    match params.digest {
        OaepHash::Sha1 => with_mask::<Sha1>(key, params, ciphertext),
        OaepHash::Sha256 => with_mask::<Sha256>(key, params, ciphertext),
        OaepHash::Sha384 => with_mask::<Sha384>(key, params, ciphertext),
        OaepHash::Sha512 => with_mask::<Sha512>(key, params, ciphertext),
    }
}

fn with_mask<D: Digest + FixedOutputReset>(
    key: &rsa::PrivateKey,
    params: &OaepParams,
    ciphertext: &[u8],
) -> rsa::Result<Vec<u8>> {
    match params.mgf {
        OaepHash::Sha1 => run::<D, Sha1>(key, params.label.as_deref(), ciphertext),
        OaepHash::Sha256 => run::<D, Sha256>(key, params.label.as_deref(), ciphertext),
        OaepHash::Sha384 => run::<D, Sha384>(key, params.label.as_deref(), ciphertext),
        OaepHash::Sha512 => run::<D, Sha512>(key, params.label.as_deref(), ciphertext),
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    thread_local! {
        /// RSA private-key operations run on this thread, for the tests.
        pub(crate) static PRIVATE_KEY_OPERATIONS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    fn key(name: &str) -> DecryptionKey {
        let pem = std::fs::read(format!("{}/testdata/keys/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        DecryptionKey::from_pem(&pem).unwrap()
    }

    #[test]
    fn uris_name_the_hashes() {
        assert_eq!(
            OaepHash::from_digest_uri("http://www.w3.org/2001/04/xmlenc#sha256"),
            Some(OaepHash::Sha256)
        );
        assert_eq!(OaepHash::from_digest_uri("http://www.w3.org/2001/04/xmldsig-more#md5"), None);
        assert_eq!(
            OaepHash::from_mgf_uri("http://www.w3.org/2009/xmlenc11#mgf1sha512"),
            Some(OaepHash::Sha512)
        );
        assert_eq!(OaepHash::from_mgf_uri("http://www.w3.org/2009/xmlenc11#mgf1sha224"), None);
    }

    #[test]
    fn garbage_is_refused_by_every_key_and_still_costs_every_key() {
        let keys = DecryptionKeys::new([key("sp.key"), key("sp-next.key")]).unwrap();
        PRIVATE_KEY_OPERATIONS.with(|n| n.set(0));
        let (content_key, ok) =
            keys.unwrap_content_key(&KeyHint::default(), &OaepParams::default(), &[7; 256], 32).unwrap();
        assert_eq!((ok, content_key.len()), (0, 32));
        assert_eq!(PRIVATE_KEY_OPERATIONS.with(std::cell::Cell::get), 2);
        assert!(keys.keys()[0].decrypt_oaep(&OaepParams::default(), &[7; 256]).is_none());
        assert!(keys.keys()[0].decrypt_oaep(&OaepParams::default(), &[7; 3]).is_none());
    }
}
