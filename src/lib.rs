//! samlguard decides whether a SAML 2.0 Response may log someone in.
//!
//! It parses the response once with a strict XML parser, verifies its
//! XML-DSig signatures against pinned IdP keys under the SAML signature
//! profile, and checks the signed values against a deployment profile — AWS
//! Client VPN, the AWS console, or a generic SP — returning a typed
//! [`policy::Verified`] login or a precise [`Error`].
//!
//! ```
//! use samlguard::metadata::{IdpTrust, MetadataOptions};
//! use samlguard::policy::{AwsConsole, Context, Policy};
//!
//! let trust = IdpTrust::from_metadata(&std::fs::read("testdata/metadata/entra.xml")?, &MetadataOptions::default())?;
//! let policy = Policy::<AwsConsole>::new(trust);
//! let response = std::fs::read("testdata/responses/aws-console.xml")?;
//! let login = policy.validate(&response, &Context::new("2026-01-15T10:01:00Z".parse()?))?;
//! assert_eq!(login.roles()[0].role_arn, "arn:aws:iam::123456789012:role/Admin");
//! assert_eq!(login.role_session_name(), "alice@example.com");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Pipeline, one module per stage: [`input`] → [`xml`] → [`c14n`] → [`dsig`]
//! → [`saml`] → [`policy`], with [`metadata`] as the trust source. The lower
//! stages are public for tooling and fuzzing; only [`policy::Policy::validate`]
//! produces a [`policy::Verified`] value.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod authorization;
pub mod c14n;
pub mod dsig;
mod error;
pub mod input;
mod kind;
pub mod metadata;
pub mod policy;
pub mod replay;
pub mod saml;
mod text;
pub mod xml;

pub use error::Error;
pub use kind::{ErrorKind, UnknownKind};
pub use text::Untrusted;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
