//! Keys and the cryptographic primitives the verification and decryption
//! stages use. A leaf stage: it names only the leaf modules of the crate.

#[cfg(feature = "xmlenc")]
pub mod decryption;
