//! Content decryption as XML Encryption uses it: AES-CBC and AES-GCM
//! (feature `xmlenc`).
//!
//! - `http://www.w3.org/2001/04/xmlenc#aes128-cbc` and `…#aes256-cbc`: the
//!   data is a 16-byte IV followed by the ciphertext (whole blocks). The
//!   padding is XML Encryption's, not PKCS#7: the last byte gives the pad
//!   length, 1 to 16, and the other pad bytes may be anything, so they are
//!   not checked. AES-CBC is RustCrypto `aes` (AES-NI when the CPU has it, a
//!   constant-time bitsliced implementation otherwise) with `cbc`; their key
//!   schedules are wiped on drop.
//! - `http://www.w3.org/2009/xmlenc11#aes128-gcm` and `…#aes256-gcm`: the data
//!   is a 12-byte IV, the ciphertext and a 16-byte tag. AES-GCM is ring's,
//!   whose tag comparison is constant-time.
//!
//! Both run to the end whatever the key and the data are; success is a mask
//! (`0xff` or `0`) combined without branches, and the caller turns its final
//! mask into one opaque refusal. The CBC pad length is checked with
//! arithmetic, not comparisons that compile to branches, and a bad pad
//! removes nothing instead of stopping early. Only lengths, which are public,
//! take other paths: data too short or not whole blocks fails at once.
//!
//! ```
//! use samlguard::crypto::cipher::{ContentEncryption, decrypt_content};
//!
//! let algorithm = ContentEncryption::from_uri("http://www.w3.org/2009/xmlenc11#aes256-gcm").unwrap();
//! assert_eq!(algorithm.key_len(), 32);
//! // 12-byte IV and a 16-byte tag that does not match: no plaintext.
//! assert!(decrypt_content(algorithm, &[7; 32], &[0; 28]).is_none());
//! ```

use std::fmt;

use aes::cipher::{Array, BlockModeDecrypt as _, KeyIvInit as _, consts::U16};
use zeroize::Zeroizing;

use super::ct;

const CBC_IV: usize = 16;
const BLOCK: usize = 16;
const GCM_IV: usize = 12;
const GCM_TAG: usize = 16;

/// A content encryption algorithm of XML Encryption.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContentEncryption {
    /// `http://www.w3.org/2001/04/xmlenc#aes128-cbc`
    Aes128Cbc,
    /// `http://www.w3.org/2001/04/xmlenc#aes256-cbc`
    Aes256Cbc,
    /// `http://www.w3.org/2009/xmlenc11#aes128-gcm`
    Aes128Gcm,
    /// `http://www.w3.org/2009/xmlenc11#aes256-gcm`
    Aes256Gcm,
}

impl ContentEncryption {
    /// Every supported algorithm.
    pub const ALL: [Self; 4] = [Self::Aes128Cbc, Self::Aes256Cbc, Self::Aes128Gcm, Self::Aes256Gcm];

    /// The algorithm URI.
    pub const fn uri(self) -> &'static str {
        match self {
            Self::Aes128Cbc => "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
            Self::Aes256Cbc => "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
            Self::Aes128Gcm => "http://www.w3.org/2009/xmlenc11#aes128-gcm",
            Self::Aes256Gcm => "http://www.w3.org/2009/xmlenc11#aes256-gcm",
        }
    }

    /// The algorithm a URI names, if it is supported.
    pub fn from_uri(uri: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.uri() == uri)
    }

    /// A short name (`aes256-gcm`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Aes128Cbc => "aes128-cbc",
            Self::Aes256Cbc => "aes256-cbc",
            Self::Aes128Gcm => "aes128-gcm",
            Self::Aes256Gcm => "aes256-gcm",
        }
    }

    /// The content key length in bytes.
    pub const fn key_len(self) -> usize {
        match self {
            Self::Aes128Cbc | Self::Aes128Gcm => 16,
            Self::Aes256Cbc | Self::Aes256Gcm => 32,
        }
    }

    /// True for the CBC modes (no integrity of their own).
    pub const fn is_cbc(self) -> bool {
        matches!(self, Self::Aes128Cbc | Self::Aes256Cbc)
    }
}

/// Secret bytes (a content key, a plaintext), wiped when dropped. `Debug`
/// shows the length only.
pub struct Secret(Zeroizing<Vec<u8>>);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secret").field("len", &self.0.len()).finish()
    }
}

impl Secret {
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// `len` bytes from the system's secure random generator.
    pub(crate) fn random(len: usize) -> Option<Self> {
        let mut secret = Self::new(vec![0; len]);
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut secret.0).ok()?;
        Some(secret)
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub(crate) fn as_mut_bytes(&mut self) -> &mut [u8] {
        &mut self.0
    }

    /// The number of bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The bytes, moved out: the caller becomes responsible for wiping them.
    pub fn into_vec(mut self) -> Vec<u8> {
        std::mem::take(&mut *self.0)
    }
}

/// Decrypts `data` (IV ‖ ciphertext [‖ tag]) with `key`: the plaintext, or
/// `None` when the key does not fit, the CBC padding is invalid or the GCM
/// tag does not match. The same computation as the decryption stage, for
/// tools and benchmarks that measure it.
pub fn decrypt_content(algorithm: ContentEncryption, key: &[u8], data: &[u8]) -> Option<Secret> {
    let (plaintext, ok) = decrypt_masked(algorithm, key, data);
    (ok == 0xff).then_some(plaintext)
}

/// Decrypts `data` with `key`: the plaintext and a success mask (`0xff` only
/// when the key fits, the padding is valid or the tag matches). The
/// plaintext is meaningless unless the mask is `0xff`.
pub(crate) fn decrypt_masked(algorithm: ContentEncryption, key: &[u8], data: &[u8]) -> (Secret, u8) {
    match algorithm {
        ContentEncryption::Aes128Cbc => cbc::<aes::Aes128>(key, data),
        ContentEncryption::Aes256Cbc => cbc::<aes::Aes256>(key, data),
        ContentEncryption::Aes128Gcm => gcm(&ring::aead::AES_128_GCM, key, data),
        ContentEncryption::Aes256Gcm => gcm(&ring::aead::AES_256_GCM, key, data),
    }
}

fn failed() -> (Secret, u8) {
    (Secret::new(Vec::new()), 0)
}

fn cbc<C>(key: &[u8], data: &[u8]) -> (Secret, u8)
where
    C: aes::cipher::BlockCipherDecrypt<BlockSize = U16> + aes::cipher::KeyInit,
{
    let (Some(iv), Some(ciphertext)) = (data.get(..CBC_IV), data.get(CBC_IV..)) else {
        return failed();
    };
    if ciphertext.is_empty() || ciphertext.len() % BLOCK != 0 {
        return failed();
    }
    let Ok(mut decryptor) = cbc::Decryptor::<C>::new_from_slices(key, iv) else {
        return failed();
    };
    let mut plaintext = Secret::new(ciphertext.to_vec());
    let (blocks, _) = Array::<u8, U16>::slice_as_chunks_mut(plaintext.as_mut_bytes());
    decryptor.decrypt_blocks(blocks);
    let last = plaintext.as_bytes().last().copied().unwrap_or(0);
    let (pad, valid) = ct::xmlenc_padding(last);
    let keep = plaintext.len() - pad;
    plaintext.0.truncate(keep);
    (plaintext, valid)
}

fn gcm(algorithm: &'static ring::aead::Algorithm, key: &[u8], data: &[u8]) -> (Secret, u8) {
    let (Some(iv), Some(sealed)) = (data.get(..GCM_IV), data.get(GCM_IV..)) else {
        return failed();
    };
    if sealed.len() < GCM_TAG {
        return failed();
    }
    let (Ok(key), Ok(nonce)) =
        (ring::aead::UnboundKey::new(algorithm, key), ring::aead::Nonce::try_assume_unique_for_key(iv))
    else {
        return failed();
    };
    let key = ring::aead::LessSafeKey::new(key);
    let mut plaintext = Secret::new(sealed.to_vec());
    let opened =
        key.open_in_place(nonce, ring::aead::Aad::empty(), plaintext.as_mut_bytes()).map(|p| p.len());
    // ring compares the tag in constant time; only its verdict is read here.
    let valid = ct::mask(opened.is_ok());
    let keep = opened.unwrap_or(0);
    plaintext.0.truncate(keep);
    (plaintext, valid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cbc_encrypt(key: &[u8; 16], iv: [u8; 16], padded: &[u8]) -> Vec<u8> {
        use aes::cipher::BlockModeEncrypt as _;
        let mut buf = padded.to_vec();
        let (blocks, _) = Array::<u8, U16>::slice_as_chunks_mut(&mut buf);
        cbc::Encryptor::<aes::Aes128>::new_from_slices(key, &iv).unwrap().encrypt_blocks(blocks);
        [iv.as_slice(), &buf].concat()
    }

    fn decrypt(algorithm: ContentEncryption, key: &[u8], data: &[u8]) -> (Vec<u8>, u8) {
        let (plain, ok) = decrypt_masked(algorithm, key, data);
        (plain.as_bytes().to_vec(), ok)
    }

    #[test]
    fn cbc_padding_is_xml_encryption_padding_not_pkcs7() {
        let key = [7u8; 16];
        // 13 bytes of text, then 3 pad bytes of which only the last is read.
        let mut padded = b"<a>hello</a>!".to_vec();
        padded.extend([0xAA, 0x55, 3]);
        let (plain, ok) = decrypt(ContentEncryption::Aes128Cbc, &key, &cbc_encrypt(&key, [1; 16], &padded));
        assert_eq!((plain.as_slice(), ok), (&b"<a>hello</a>!"[..], 0xff));
        // A whole block of padding.
        let mut padded = b"0123456789abcdef".to_vec();
        padded.extend([0u8; 15].into_iter().chain([16]));
        let (plain, ok) = decrypt(ContentEncryption::Aes128Cbc, &key, &cbc_encrypt(&key, [2; 16], &padded));
        assert_eq!((plain.as_slice(), ok), (&b"0123456789abcdef"[..], 0xff));
        for bad in [0u8, 17, 0x80, 0xff] {
            let mut padded = [b'x'; 32];
            padded[31] = bad;
            let (_, ok) = decrypt(ContentEncryption::Aes128Cbc, &key, &cbc_encrypt(&key, [3; 16], &padded));
            assert_eq!(ok, 0, "pad byte {bad}");
            assert!(
                decrypt_content(ContentEncryption::Aes128Cbc, &key, &cbc_encrypt(&key, [3; 16], &padded))
                    .is_none()
            );
        }
    }

    #[test]
    fn wrong_lengths_fail_without_panicking() {
        for algorithm in ContentEncryption::ALL {
            let key = vec![1u8; algorithm.key_len()];
            for len in [0, 1, 12, 16, 27, 31, 33] {
                assert_eq!(decrypt(algorithm, &key, &vec![0u8; len]).1, 0, "{algorithm:?} {len}");
            }
            assert_eq!(decrypt(algorithm, &[1u8; 24], &[0u8; 64]).1, 0, "{algorithm:?} key length");
        }
    }

    #[test]
    fn gcm_tag_is_checked() {
        let key = ring::aead::LessSafeKey::new(
            ring::aead::UnboundKey::new(&ring::aead::AES_256_GCM, &[9; 32]).unwrap(),
        );
        let mut sealed = b"<a/>".to_vec();
        let nonce = [4u8; 12];
        key.seal_in_place_append_tag(
            ring::aead::Nonce::assume_unique_for_key(nonce),
            ring::aead::Aad::empty(),
            &mut sealed,
        )
        .unwrap();
        let data = [nonce.as_slice(), &sealed].concat();
        let (plain, ok) = decrypt(ContentEncryption::Aes256Gcm, &[9; 32], &data);
        assert_eq!((plain.as_slice(), ok), (&b"<a/>"[..], 0xff));
        assert_eq!(
            decrypt_content(ContentEncryption::Aes256Gcm, &[9; 32], &data).unwrap().as_bytes(),
            b"<a/>"
        );
        let mut flipped = data.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(decrypt(ContentEncryption::Aes256Gcm, &[9; 32], &flipped).1, 0);
        assert_eq!(decrypt(ContentEncryption::Aes256Gcm, &[8; 32], &data).1, 0);
    }

    #[test]
    fn secrets_show_only_their_length() {
        let secret = Secret::new(b"top secret".to_vec());
        assert_eq!(format!("{secret:?}"), "Secret { len: 10 }");
        assert_eq!(secret.into_vec(), b"top secret");
    }
}
