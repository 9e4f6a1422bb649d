//! Cryptographic building blocks: the algorithm allow-list, pinned public
//! keys, and digests. The only stage that uses ring (and, for decryption, the
//! chosen crypto crates); no ring type appears in its public API.
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
pub mod decryption;
mod digest;
mod public_key;

pub use algorithms::{Algorithms, DigestAlgorithm, SignatureAlgorithm};
pub use digest::{Digest, DigestValue};
pub use public_key::{KeyError, PublicKey, Unusable, VerifyError};
