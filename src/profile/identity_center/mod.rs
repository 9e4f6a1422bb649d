//! AWS IAM Identity Center with an external IdP (Entra ID): configured from
//! the SP metadata Identity Center hands out.

mod email;

use super::aws_console::prefixed_tags;
use super::{ClaimError, NameIdProblem, SessionTag, TagProblem, email_name_id, has_deceptive};
use crate::Error;
use crate::policy::{AcsUrls, Login, Policy, Profile, Settings, sealed};
use crate::saml::Assertion;
use crate::trust::{ConfigError, IdpTrust, MetadataOptions, SpMetadata};

/// Attributes under this prefix are Identity Center's access-control
/// attributes (attribute-based access control).
const ACCESS_CONTROL: &str = "https://aws.amazon.com/SAML/Attributes/AccessControl:";

/// AWS IAM Identity Center as the SAML service provider, with Entra ID (or
/// another external IdP) as its identity source.
///
/// What it requires, from AWS's "Using SAML and SCIM identity federation
/// with external identity providers", "Attributes for access control" and
/// Microsoft's "Configure AWS IAM Identity Center for single sign-on" (the
/// manual's [profiles](crate::manual::profiles) chapter has the table):
///
/// - audience: the entity ID of Identity Center's SP metadata
///   (`https://<region>.signin.aws.amazon.com/platform/saml/<id>`, Entra's
///   Identifier); Destination and Recipient: its HTTP-POST
///   AssertionConsumerService (`…/platform/saml/acs/<id>`, Entra's Reply URL);
/// - the Assertion signed (a Response signature, when present, must verify
///   too); SP- or IdP-initiated (InResponseTo is checked when the caller
///   gives the request ID);
/// - NameID format `urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress`
///   with an RFC 2822 addr-spec value: a dot-atom local part, `@`, a host
///   name, ASCII only, at most 128 characters (Identity Center's user name
///   limit);
/// - `https://aws.amazon.com/SAML/Attributes/AccessControl:{TagKey}`
///   attributes are passed to the AWS account as session tags, so they obey
///   the session-tag rules: one value each, a key of 1 to 128 and a value of
///   at most 256 letters, digits, spaces and `_ . : / = + - @` (no invisible
///   character: of Unicode's spaces only the ASCII one), no `aws:` key
///   prefix, keys unique regardless of case, at most 50;
/// - no EncryptedAssertion ("An encryption key is not supported");
/// - IdP metadata of at most 75,000 characters ("The metadata file cannot be
///   over 75000 characters"): checked by
///   [`Policy::<IdentityCenter>::from_metadata`](Policy::from_metadata) and
///   [`IdentityCenter::check_idp_metadata`].
#[derive(Debug, Clone, Copy, Default)]
pub struct IdentityCenter;

impl sealed::Sealed for IdentityCenter {}

impl IdentityCenter {
    /// The longest IdP metadata Identity Center imports, in characters.
    pub const MAX_IDP_METADATA_CHARS: usize = 75_000;

    /// Refuses IdP metadata Identity Center would refuse to import: over
    /// [`MAX_IDP_METADATA_CHARS`](Self::MAX_IDP_METADATA_CHARS) characters
    /// (UTF-8 characters; bytes when it is not UTF-8).
    pub fn check_idp_metadata(xml: &[u8]) -> Result<(), ConfigError> {
        // Characters are never more than bytes: count only long documents.
        if xml.len() <= Self::MAX_IDP_METADATA_CHARS {
            return Ok(());
        }
        let chars = std::str::from_utf8(xml).map_or(xml.len(), |text| text.chars().count());
        if chars > Self::MAX_IDP_METADATA_CHARS {
            return Err(ConfigError::IdpMetadataTooLarge { chars, limit: Self::MAX_IDP_METADATA_CHARS });
        }
        Ok(())
    }
}

/// An IAM Identity Center login: the verified email address and the
/// access-control tags; derefs to [`Login`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityCenterLogin {
    login: Login,
    access_control_tags: Vec<SessionTag>,
}

derefs_to_login!(IdentityCenterLogin);

impl IdentityCenterLogin {
    /// Whether the attribute `name` is an access-control attribute (reported
    /// as claims).
    pub fn is_claim_attribute(name: &str) -> bool {
        name.starts_with(ACCESS_CONTROL)
    }

    /// The user's email address: the NameID, an addr-spec Identity Center
    /// matches with its user name.
    pub fn email(&self) -> &str {
        self.login.name_id()
    }

    /// The `AccessControl:{TagKey}` attributes as the session tags
    /// Identity Center passes to the account, in attribute order.
    pub fn access_control_tags(&self) -> &[SessionTag] {
        &self.access_control_tags
    }
}

impl Policy<IdentityCenter> {
    /// IAM Identity Center as described by its SP metadata: audience its
    /// entity ID, Destination and Recipient its HTTP-POST ACS URLs, the
    /// Assertion signed (a Response signature, when present, must verify
    /// too), SP- or IdP-initiated, no encrypted assertions.
    ///
    /// ```
    /// use samlguard::trust::{IdpTrust, MetadataOptions, SpMetadata};
    /// use samlguard::{Context, IdentityCenter, Policy};
    ///
    /// let trust = IdpTrust::from_metadata(&std::fs::read("testdata/metadata/entra.xml")?, &MetadataOptions::default())?;
    /// let sp = SpMetadata::from_xml(&std::fs::read("testdata/metadata/identity-center-sp.xml")?)?;
    /// let policy = Policy::<IdentityCenter>::new(trust, &sp);
    ///
    /// let response = std::fs::read("testdata/policy/identity-center-idp-initiated.xml")?;
    /// let login = policy.validate(&response, &Context::new("2026-01-15T10:01:00Z".parse()?))?;
    /// assert_eq!(login.email(), "alice@example.com");
    /// assert_eq!(login.access_control_tags()[0].key, "Department");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(trust: IdpTrust, sp: &SpMetadata) -> Self {
        let settings =
            Settings::new(vec![sp.entity_id().to_string()], AcsUrls::Exact(sp.acs_urls().to_vec()));
        Self::from_settings(trust, settings)
    }

    /// The policy from the two documents as downloaded: the IdP's metadata
    /// (Entra's Federation Metadata XML of the application) and Identity
    /// Center's SP metadata. IdP metadata Identity Center would refuse to
    /// import (over 75,000 characters) is a configuration error here: the
    /// file given is then not the one Identity Center trusts, and its keys
    /// may not be either.
    pub fn from_metadata(
        idp_metadata: &[u8],
        options: &MetadataOptions,
        sp_metadata: &[u8],
    ) -> Result<Self, Error> {
        IdentityCenter::check_idp_metadata(idp_metadata)?;
        let trust = IdpTrust::from_metadata(idp_metadata, options)?;
        let sp = SpMetadata::from_xml(sp_metadata)?;
        Ok(Self::new(trust, &sp))
    }
}

impl Profile for IdentityCenter {
    type Login = IdentityCenterLogin;
    const NAME: &'static str = "identity-center";

    fn claims(login: Login, _: sealed::Token) -> Result<IdentityCenterLogin, Error> {
        check_name_id(&login.assertion)?;
        let access_control_tags = access_control_tags(&login.assertion)?;
        Ok(IdentityCenterLogin { login, access_control_tags })
    }
}

/// The emailAddress format and an addr-spec of at most 128 characters.
fn check_name_id(assertion: &Assertion) -> Result<(), ClaimError> {
    let name_id = email_name_id(assertion)?;
    let value = name_id.value.as_str();
    if value.len() > email::MAX_CHARS && value.chars().count() > email::MAX_CHARS {
        return Err(ClaimError::NameId(NameIdProblem::TooLong { limit: email::MAX_CHARS }));
    }
    email::check(value)
        .map_err(|problem| ClaimError::NameId(NameIdProblem::NotAnAddrSpec { value: value.into(), problem }))
}

/// The access-control attributes under the session-tag rules, and without
/// invisible characters (Unicode spaces other than the ASCII one, fillers).
fn access_control_tags(assertion: &Assertion) -> Result<Vec<SessionTag>, ClaimError> {
    let tags = prefixed_tags(assertion, ACCESS_CONTROL).map_err(ClaimError::AccessControlTags)?;
    for tag in &tags {
        if has_deceptive(&tag.key) {
            return Err(ClaimError::AccessControlTags(TagProblem::InvalidKey(tag.key.as_str().into())));
        }
        if has_deceptive(&tag.value) {
            return Err(ClaimError::AccessControlTags(TagProblem::InvalidValue(tag.key.as_str().into())));
        }
    }
    Ok(tags)
}

#[cfg(feature = "serde")]
impl serde::Serialize for IdentityCenterLogin {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        self.login.serialize_fields(&mut map)?;
        map.serialize_entry("email", self.email())?;
        map.serialize_entry("access_control_tags", &super::aws_console::TagMap(&self.access_control_tags))?;
        map.end()
    }
}
