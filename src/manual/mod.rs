//! Why samlguard checks what it checks.
//!
//! Documentation only, nothing here is code. Four chapters:
//!
//! - [`invariants`]: the security invariants, each with a name the code links
//!   to and the tests that fail without it;
//! - [`attacks`]: the attack classes every SAML validator must resist, the
//!   CVE that made each famous, and the invariant that stops it here;
//! - [`profiles`]: what each deployment profile (Client VPN, AWS console,
//!   generic) requires, and where AWS and Entra say so;
//! - [`kinds`]: every refusal kind, what it means, its usual causes and the
//!   Entra or AWS setting to check (`samlguard explain KIND` prints the same
//!   text).

pub mod attacks;
pub mod invariants;
pub mod profiles;

#[doc = include_str!("kinds.md")]
pub mod kinds {}
