//! samlguard decides whether a SAML 2.0 Response may log someone in.
//!
//! It parses the response once with a strict XML parser, verifies its
//! XML-DSig signatures against pinned IdP keys under the SAML signature
//! profile, and checks the signed values against a deployment profile — AWS
//! Client VPN, the AWS console, IAM Identity Center, or a generic SP —
//! returning a typed [`Verified`] login or a precise [`Error`].
//!
//! ```
//! use samlguard::{AwsConsole, Context, IdpTrust, MetadataOptions, Policy};
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
//! The front door is re-exported here: [`Policy`], [`Context`], [`Verified`],
//! the profiles and their logins, [`IdpTrust`], the replay store, [`Error`] and
//! [`ErrorKind`]. The stages are public as building blocks for tools and
//! fuzzers — [`input`] (decode), [`xml`] (parse), [`c14n`] (canonicalize a
//! node), [`crypto`] (keys, algorithms), [`dsig`] (verify one signature, with
//! its proof) — but only [`Policy::validate`] produces a [`Verified`] value.
//! Why each check exists is in the [`manual`].
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod bytes;
pub mod c14n;
pub mod crypto;
pub mod dsig;
mod error;
pub mod input;
mod kind;
pub mod manual;
pub mod policy;
pub mod profile;
pub mod replay;
pub mod saml;
mod text;
pub mod trust;
pub mod xml;
#[cfg(feature = "xmlenc")]
pub mod xmlenc;

pub use error::{Error, ErrorView};
pub use kind::{ErrorKind, UnknownKind};
pub use policy::{Context, Login, Policy, Profile, Unrecorded, Verified};
pub use profile::authorization;
pub use profile::{AwsConsole, AwsConsoleLogin, ClientVpn, ClientVpnLogin, Generic};
pub use profile::{IdentityCenter, IdentityCenterLogin};
pub use replay::{MemoryReplayStore, ReplayStore};
pub use text::Untrusted;
pub use trust::{IdpTrust, MetadataOptions};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
