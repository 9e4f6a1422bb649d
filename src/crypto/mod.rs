//! Cryptographic building blocks: the algorithm allow-list, pinned public
//! keys, and digests; with feature `xmlenc`, the SP's decryption keys,
//! RSA-OAEP key transport and AES content decryption. The only stage that
//! uses ring and the other crypto crates (`rsa`, `aes`, `cbc`, `sha1`,
//! `zeroize`); no type of theirs appears in its public API.
//!
//! ```
//! use samlguard::crypto::{DigestAlgorithm, PublicKey, SignatureAlgorithm};
//!
//! let keys = PublicKey::from_pem(&std::fs::read("testdata/keys/idp.crt")?)?;
//! assert_eq!(keys[0].rsa_bits(), Some(2048));
//! let algorithm = SignatureAlgorithm::from_uri("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
//! assert_eq!(algorithm, Some(SignatureAlgorithm::RsaSha256));
//! assert_eq!(DigestAlgorithm::Sha256.digest(b"").len(), 32);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod algorithms;
#[cfg(feature = "xmlenc")]
pub mod cipher;
#[cfg(feature = "xmlenc")]
mod ct;
#[cfg(feature = "xmlenc")]
pub mod decryption;
mod digest;
#[cfg(feature = "xmlenc")]
mod oaep;
mod public_key;

pub use algorithms::{Algorithms, DigestAlgorithm, SignatureAlgorithm};
pub use digest::{Digest, DigestValue};
pub use public_key::{KeyError, PublicKey, Unusable, VerifyError};

#[cfg(all(test, feature = "xmlenc"))]
pub(crate) use oaep::tests::PRIVATE_KEY_OPERATIONS;
