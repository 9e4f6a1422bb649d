//! The deployment profiles: each one's defaults (audience, ACS URLs,
//! signatures, limits) and the claims it yields.
//!
//! | profile | yields |
//! |---|---|
//! | [`ClientVpn`] | [`ClientVpnLogin`]: groups, first and last name |
//! | [`AwsConsole`] | [`AwsConsoleLogin`]: role pairs, session name and duration, source identity, session tags |
//! | [`IdentityCenter`] | [`IdentityCenterLogin`]: the email address, the access-control tags |
//! | [`Generic`] | [`Login`](crate::Login): the verified assertion and its attributes |
//!
//! The rules of each are in the manual's [profiles](crate::manual::profiles)
//! chapter.

/// `Deref` and `AsRef` to the [`Login`](crate::Login) a profile's login
/// type wraps in its `login` field: every profile's login is a `Login` plus
/// its own claims.
macro_rules! derefs_to_login {
    ($login:ty) => {
        impl std::ops::Deref for $login {
            type Target = crate::Login;
            fn deref(&self) -> &crate::Login {
                &self.login
            }
        }

        impl AsRef<crate::Login> for $login {
            fn as_ref(&self) -> &crate::Login {
                &self.login
            }
        }
    };
}

mod aws_console;
mod clientvpn;
mod error;
mod generic;
mod identity_center;

pub use aws_console::{Arn, AwsConsole, AwsConsoleLogin, AwsRole, SessionTag};
pub use clientvpn::{ClientVpn, ClientVpnLogin, authorization};
pub use error::{AddrSpecProblem, ClaimError, NameIdProblem, RoleProblem, TagProblem};
pub use generic::Generic;
pub use identity_center::{IdentityCenter, IdentityCenterLogin};

use crate::saml::{Assertion, Values};

/// The single value of attribute `name`, if present.
fn single<'a>(assertion: &'a Assertion, name: &'static str) -> Result<Option<&'a str>, ClaimError> {
    match assertion.attribute(name) {
        None => Ok(None),
        Some(values) if values.len() == 1 => Ok(values.get(0)),
        Some(values) => Err(ClaimError::NotSingleValued { name, count: values.len() }),
    }
}

/// Whether `value` holds a character that could make one identity look like
/// another (controls, bidi overrides, zero-width and other invisible
/// characters, non-ASCII spaces).
fn has_deceptive(value: &str) -> bool {
    // Printable ASCII (group IDs, addresses) is never deceptive, and checking
    // that is one pass without an early exit, which the compiler vectorizes
    // (with 200 group IDs, a visible part of a Client VPN validation).
    let printable = value.bytes().fold(true, |all, b| all & (0x20..0x7f).contains(&b));
    !printable && value.chars().any(crate::text::is_deceptive)
}

/// The SAML 1.1 emailAddress NameID format, the one Client VPN and Identity
/// Center require.
const EMAIL_FORMAT: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";

/// The Assertion's NameID, which must be present and in the emailAddress
/// format (its value is each profile's to check).
fn email_name_id(assertion: &Assertion) -> Result<&crate::saml::NameId, ClaimError> {
    let name_id = assertion.name_id.as_ref().ok_or(ClaimError::NameId(NameIdProblem::Missing))?;
    if name_id.format.as_deref() != Some(EMAIL_FORMAT) {
        return Err(ClaimError::NameId(NameIdProblem::Format {
            expected: Some(EMAIL_FORMAT),
            found: name_id.format.as_deref().map(Into::into),
        }));
    }
    Ok(name_id)
}

/// The values of `name`, or an empty list.
fn values<'a>(assertion: &'a Assertion, name: &str) -> &'a Values {
    assertion.attribute(name).unwrap_or(&crate::saml::NO_VALUES)
}
