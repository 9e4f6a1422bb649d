//! The AWS console: sign-in through STS AssumeRoleWithSAML.

mod arn;
mod session;
mod tags;
mod urls;

pub use arn::{Arn, AwsRole};
pub use tags::SessionTag;
#[cfg(feature = "serde")]
pub(super) use tags::TagMap;
pub(super) use tags::prefixed_tags;

use chrono::TimeDelta;

use super::{ClaimError, NameIdProblem, values};
use crate::Error;
use crate::input::InputLimits;
use crate::policy::{AcsUrls, Decrypting, Login, Policy, Profile, Settings, sealed};
use crate::saml::Assertion;
use crate::trust::IdpTrust;

const AWS_ATTR_ROLE: &str = "https://aws.amazon.com/SAML/Attributes/Role";
const AWS_ATTR_ROLE_SESSION_NAME: &str = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
const AWS_ATTR_SESSION_DURATION: &str = "https://aws.amazon.com/SAML/Attributes/SessionDuration";
const AWS_ATTR_SOURCE_IDENTITY: &str = "https://aws.amazon.com/SAML/Attributes/SourceIdentity";
const AWS_ATTR_PRINCIPAL_TAG: &str = "https://aws.amazon.com/SAML/Attributes/PrincipalTag:";
const AWS_ATTR_TRANSITIVE_TAG_KEYS: &str = "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys";
/// Attributes under this prefix are the profile's claims.
const AWS_ATTRIBUTES: &str = "https://aws.amazon.com/SAML/Attributes/";

/// The NameID formats AWS accepts.
const NAME_ID_FORMATS: [&str; 8] = [
    "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
    "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
    "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName",
    "urn:oasis:names:tc:SAML:1.1:nameid-format:WindowsDomainQualifiedName",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:kerberos",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:entity",
];

/// AWS console sign-in / AssumeRoleWithSAML.
#[derive(Debug, Clone, Copy, Default)]
pub struct AwsConsole;

impl sealed::Sealed for AwsConsole {}

/// AWS IAM SAML providers accept encrypted assertions (mode Allowed or
/// Required, with the provider's private keys).
impl Decrypting for AwsConsole {}

/// An AWS console / AssumeRoleWithSAML login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsConsoleLogin {
    login: Login,
    roles: Vec<AwsRole>,
    role_session_name: String,
    session_duration: Option<u32>,
    source_identity: Option<String>,
    principal_tags: Vec<SessionTag>,
    transitive_tag_keys: Vec<String>,
}

derefs_to_login!(AwsConsoleLogin);

impl AwsConsoleLogin {
    /// Whether the attribute `name` is one of AWS's (reported as claims).
    pub fn is_claim_attribute(name: &str) -> bool {
        name.starts_with(AWS_ATTRIBUTES)
    }
    /// The role / provider pairs, in attribute order.
    pub fn roles(&self) -> &[AwsRole] {
        &self.roles
    }
    /// RoleSessionName.
    pub fn role_session_name(&self) -> &str {
        &self.role_session_name
    }
    /// SessionDuration in seconds (900–43200), when sent.
    pub fn session_duration(&self) -> Option<u32> {
        self.session_duration
    }
    /// SourceIdentity, when sent.
    pub fn source_identity(&self) -> Option<&str> {
        self.source_identity.as_deref()
    }
    /// The `PrincipalTag:{key}` session tags.
    pub fn principal_tags(&self) -> &[SessionTag] {
        &self.principal_tags
    }
    /// TransitiveTagKeys.
    pub fn transitive_tag_keys(&self) -> &[String] {
        &self.transitive_tag_keys
    }
}

impl Policy<AwsConsole> {
    /// AWS console / AssumeRoleWithSAML: the Assertion signed (a Response
    /// signature, when present, must verify too), audience
    /// `https://signin.aws.amazon.com/saml` or `urn:amazon:webservices`, AWS
    /// sign-in ACS URLs, IssueInstant at most 5 minutes (plus the clock skew)
    /// before now, 100,000 base64 characters. An EncryptedAssertion is
    /// decrypted once SP keys are configured (feature `xmlenc`,
    /// `with_decryption_keys`); without
    /// them it is refused (`decryption_key_not_configured`).
    pub fn new(trust: IdpTrust) -> Self {
        let mut settings = Settings::new(
            vec!["https://signin.aws.amazon.com/saml".into(), "urn:amazon:webservices".into()],
            AcsUrls::Rule(urls::is_aws_sign_in_url),
        );
        settings.max_age = Some(TimeDelta::minutes(5));
        settings.input_limits = InputLimits::aws_console();
        settings.encryption.accepted = true;
        Self::from_settings(trust, settings)
    }
}

impl Profile for AwsConsole {
    type Login = AwsConsoleLogin;
    const NAME: &'static str = "aws-console";

    fn claims(login: Login, _: sealed::Token) -> Result<AwsConsoleLogin, Error> {
        let assertion = &login.assertion;
        check_name_id(assertion)?;
        let roles = roles(assertion)?;
        let role_session_name = session::role_session_name(assertion)?;
        let session_duration = session::session_duration(assertion)?;
        let source_identity = session::source_identity(assertion)?;
        let principal_tags = tags::principal_tags(assertion)?;
        let transitive_tag_keys = tags::transitive_tag_keys(assertion, &principal_tags)?;
        Ok(AwsConsoleLogin {
            login,
            roles,
            role_session_name,
            session_duration,
            source_identity,
            principal_tags,
            transitive_tag_keys,
        })
    }
}

/// A non-empty NameID in one of AWS's formats.
fn check_name_id(assertion: &Assertion) -> Result<(), ClaimError> {
    let name_id = assertion.name_id.as_ref().ok_or(ClaimError::NameId(NameIdProblem::Missing))?;
    if name_id.value.is_empty() {
        return Err(ClaimError::NameId(NameIdProblem::Empty));
    }
    if let Some(format) = &name_id.format
        && !NAME_ID_FORMATS.contains(&format.as_str())
    {
        return Err(ClaimError::NameId(NameIdProblem::Format {
            expected: None,
            found: Some(format.as_str().into()),
        }));
    }
    Ok(())
}

/// The Role attribute: at least one role / provider pair.
fn roles(assertion: &Assertion) -> Result<Vec<AwsRole>, ClaimError> {
    let role_values = values(assertion, AWS_ATTR_ROLE);
    if role_values.is_empty() {
        return Err(ClaimError::MissingRole);
    }
    role_values.iter().map(AwsRole::parse).collect()
}

#[cfg(feature = "serde")]
impl serde::Serialize for AwsConsoleLogin {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        self.login.serialize_fields(&mut map)?;
        map.serialize_entry("roles", &self.roles)?;
        map.serialize_entry("role_session_name", &self.role_session_name)?;
        map.serialize_entry("session_duration", &self.session_duration)?;
        map.serialize_entry("source_identity", &self.source_identity)?;
        map.serialize_entry("principal_tags", &TagMap(&self.principal_tags))?;
        map.serialize_entry("transitive_tag_keys", &self.transitive_tag_keys)?;
        map.end()
    }
}
