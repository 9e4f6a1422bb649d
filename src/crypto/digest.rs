//! Streaming digests.

use super::DigestAlgorithm;

/// A digest being computed: feed it with [`update`](Self::update), read it
/// with [`finish`](Self::finish).
#[derive(Clone)]
pub struct Digest(ring::digest::Context);

impl Digest {
    /// Starts a digest.
    pub fn new(algorithm: DigestAlgorithm) -> Self {
        Self(ring::digest::Context::new(algorithm.ring()))
    }

    /// Adds bytes.
    #[inline]
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The digest of everything added.
    pub fn finish(self) -> DigestValue {
        let digest = self.0.finish();
        let mut value = DigestValue { bytes: [0; 64], len: digest.as_ref().len() };
        value.bytes[..value.len].copy_from_slice(digest.as_ref());
        value
    }
}

impl std::fmt::Debug for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Digest").finish_non_exhaustive()
    }
}

/// A finished digest (up to SHA-512's 64 bytes, kept on the stack).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct DigestValue {
    bytes: [u8; 64],
    len: usize,
}

impl AsRef<[u8]> for DigestValue {
    fn as_ref(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl std::fmt::Debug for DigestValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_ref().iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}
