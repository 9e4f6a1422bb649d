//! samlguard decides whether a SAML 2.0 Response may log someone in.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod c14n;
pub mod dsig;
pub mod input;
pub mod metadata;
pub mod xml;
