//! AWS Client VPN (SAML federated authentication): its claims, and the
//! authorization rules evaluated on them.

pub mod authorization;

use super::{ClaimError, NameIdProblem, email_name_id, has_deceptive, single, values};
use crate::Error;
use crate::input::InputLimits;
use crate::policy::{
    AcsUrls, AllowedConditions, Login, Policy, Profile, RequiredSignatures, Settings, sealed,
};
use crate::saml::{Assertion, Values};
use crate::trust::IdpTrust;

const AUDIENCE: &str = "urn:amazon:webservices:clientvpn";
/// The AWS VPN Client's local listener, and the self-service portal (and its
/// GovCloud twin).
const ACS_URLS: [&str; 3] = [
    "http://127.0.0.1:35001",
    "https://self-service.clientvpn.amazonaws.com/api/auth/sso/saml",
    "https://gov.self-service.clientvpn.amazonaws.com/api/auth/sso/saml",
];
const MEMBER_OF: &str = "memberOf";
/// Entra's group-overage claim, sent instead of the groups.
const GROUPS_LINK: &str = "http://schemas.microsoft.com/claims/groups.link";
/// AWS: "Users can belong to a maximum of 200 groups"; group IDs and name IDs
/// are at most 255 characters.
const MAX_GROUPS: usize = 200;
const MAX_LENGTH: usize = 255;

/// AWS Client VPN (SAML federated authentication).
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientVpn;

impl sealed::Sealed for ClientVpn {}

/// A Client VPN login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientVpnLogin {
    login: Login,
    first_name: Option<String>,
    last_name: Option<String>,
}

derefs_to_login!(ClientVpnLogin);

impl ClientVpnLogin {
    /// Whether the attribute `name` is one of Client VPN's (reported as claims).
    pub fn is_claim_attribute(name: &str) -> bool {
        matches!(name, MEMBER_OF | "FirstName" | "LastName")
    }
    /// `memberOf` values (what Client VPN authorization rules match).
    pub fn groups(&self) -> &Values {
        // Checked present when the login was built; read from the verified assertion.
        values(&self.login.assertion, MEMBER_OF)
    }

    /// `FirstName`, when sent.
    pub fn first_name(&self) -> Option<&str> {
        self.first_name.as_deref()
    }

    /// `LastName`, when sent.
    pub fn last_name(&self) -> Option<&str> {
        self.last_name.as_deref()
    }
}

impl Policy<ClientVpn> {
    /// AWS Client VPN: both signatures, audience `urn:amazon:webservices:clientvpn`,
    /// ACS `http://127.0.0.1:35001` or the self-service portal, SP-initiated
    /// only, only AudienceRestriction and time conditions, 128 KiB.
    pub fn new(trust: IdpTrust) -> Self {
        let mut settings = Settings::new(
            vec![AUDIENCE.into()],
            AcsUrls::Exact(ACS_URLS.iter().map(|u| u.to_string()).collect()),
        );
        settings.signatures = RequiredSignatures::ResponseAndAssertion;
        settings.sp_initiated_only = true;
        settings.conditions = AllowedConditions::AudienceAndTime;
        settings.input_limits = InputLimits::client_vpn();
        Self::from_settings(trust, settings)
    }
}

impl Profile for ClientVpn {
    type Login = ClientVpnLogin;
    const NAME: &'static str = "clientvpn";

    fn claims(login: Login, _: sealed::Token) -> Result<ClientVpnLogin, Error> {
        let assertion = &login.assertion;
        check_name_id(assertion)?;
        check_groups(assertion)?;
        let first_name = single(assertion, "FirstName")?.map(str::to_string);
        let last_name = single(assertion, "LastName")?.map(str::to_string);
        Ok(ClientVpnLogin { login, first_name, last_name })
    }
}

/// An email address of at most 255 characters, in the emailAddress format,
/// with nothing that could make it look like another address.
fn check_name_id(assertion: &Assertion) -> Result<(), ClaimError> {
    let name_id = email_name_id(assertion)?;
    if name_id.value.chars().count() > MAX_LENGTH {
        return Err(ClaimError::NameId(NameIdProblem::TooLong { limit: MAX_LENGTH }));
    }
    if has_deceptive(&name_id.value) || !is_email(&name_id.value) {
        return Err(ClaimError::NameId(NameIdProblem::NotAnEmail(name_id.value.as_str().into())));
    }
    Ok(())
}

/// `memberOf` present (the overage claim is its own refusal), at most 200
/// values, each 1 to 255 characters with nothing invisible in it.
fn check_groups(assertion: &Assertion) -> Result<(), ClaimError> {
    let groups = match assertion.attribute(MEMBER_OF) {
        Some(values) => values,
        None if assertion.attribute(GROUPS_LINK).is_some() => return Err(ClaimError::GroupOverage),
        None => return Err(ClaimError::MissingGroups),
    };
    if groups.len() > MAX_GROUPS {
        return Err(ClaimError::TooManyGroups(groups.len()));
    }
    // A string has at most as many characters as bytes: count only long ones.
    if let Some(g) =
        groups.iter().find(|g| g.is_empty() || (g.len() > MAX_LENGTH && g.chars().count() > MAX_LENGTH))
    {
        return Err(ClaimError::GroupLength(g.into()));
    }
    if let Some(g) = groups.iter().find(|g| has_deceptive(g)) {
        return Err(ClaimError::GroupCharacters(g.into()));
    }
    Ok(())
}

/// RFC 5322 addr-spec, dot-atom form (what an Entra UPN or mail looks like).
pub(crate) fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else { return false };
    let atom = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c) || !c.is_ascii();
    let dot_atom = |s: &str, allowed: &dyn Fn(char) -> bool| {
        !s.is_empty() && s.split('.').all(|part| !part.is_empty() && part.chars().all(allowed))
    };
    dot_atom(local, &atom)
        && dot_atom(domain, &|c: char| c.is_ascii_alphanumeric() || c == '-' || !c.is_ascii())
}

#[cfg(feature = "serde")]
impl serde::Serialize for ClientVpnLogin {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        self.login.serialize_fields(&mut map)?;
        map.serialize_entry("groups", self.groups())?;
        map.serialize_entry("first_name", &self.first_name)?;
        map.serialize_entry("last_name", &self.last_name)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(is_email("alice.b+x@example.co.uk"));
        assert!(!is_email("alice@"));
        assert!(!is_email("alice example@example.com"));
        assert!(!is_email("alice@@example.com"));
    }

    #[test]
    fn deceptive_characters() {
        for bad in [
            "alice\u{202e}@x.com",
            "al\u{200b}ice",
            "a\u{a0}b",
            "a\u{2060}b",
            "a\u{e0041}",
            "a\u{7}b",
            "a\u{7f}",
            "\tb",
            "a\u{85}",
        ] {
            assert!(has_deceptive(bad), "{bad:?}");
        }
        for good in ["alice@example.com", "Grüße", "日本", "g-1_2", " ~", ""] {
            assert!(!has_deceptive(good), "{good:?}");
        }
    }
}
