//! The policy layer: a [`Policy`] built once per IdP and profile turns a
//! pasted or POSTed SAMLResponse into a [`Verified`] login or a precise
//! refusal.
//!
//! ```
//! use samlguard::metadata::{IdpTrust, MetadataOptions};
//! use samlguard::policy::{ClientVpn, Context, Policy};
//!
//! let metadata = std::fs::read("testdata/metadata/entra.xml")?;
//! let trust = IdpTrust::from_metadata(&metadata, &MetadataOptions::default())?;
//! let policy = Policy::<ClientVpn>::new(trust);
//!
//! let response = std::fs::read("testdata/responses/clientvpn.xml")?;
//! let now = "2026-01-15T10:01:00Z".parse()?;
//! let context = Context::new(now).expecting_request("id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c");
//! let login = policy.validate(&response, &context)?;
//! assert_eq!(login.name_id(), "alice@example.com");
//! assert_eq!(login.groups().len(), 20);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What `validate` checks, in order (each failure is a typed [`crate::Error`]):
//! input size and encoding; strict XML; the document is one `samlp:Response`
//! holding exactly one `saml:Assertion` as a direct child, no
//! EncryptedAssertion anywhere and no `ds:Signature` other than the Response's
//! and the Assertion's own; each present signature verifies against the pinned
//! keys, and the profile's required ones are present; then, from signed data
//! only: Version, Status, Issuer, Destination, the single bearer
//! SubjectConfirmation (Recipient, NotOnOrAfter, InResponseTo), time bounds
//! with explicit skew (half-open: `NotOnOrAfter == now` is expired), audience
//! restrictions, allowed conditions, freshness, the profile's claims, and
//! finally the replay cache.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeDelta, Utc};

use crate::Error;
use crate::dsig::{self, Algorithms, VerifiedSignature};
use crate::input::{self, InputLimits};
use crate::metadata::IdpTrust;
use crate::saml::{self, Assertion, Envelope, SAML_NS, SAMLP_NS, Values};
use crate::xml::{self, Limits, NodeId};

/// Why a signed, well-formed response was still refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The root element is not `samlp:Response`.
    #[error("the document is not a SAML 2.0 Response")]
    NotAResponse,
    /// `Version` is not `2.0`.
    #[error("only SAML Version 2.0 is supported")]
    Version,
    /// The top-level StatusCode is not Success.
    #[error("the IdP returned status {0}")]
    Status(String),
    /// Not exactly one Assertion.
    #[error("exactly one Assertion is required, found {0}")]
    AssertionCount(usize),
    /// The Assertion is not a direct child of the Response.
    #[error("the Assertion must be a direct child of the Response")]
    AssertionPosition,
    /// An EncryptedAssertion is present.
    #[error("encrypted assertions are not supported")]
    EncryptedAssertion,
    /// A `ds:Signature` somewhere other than on the Response or the Assertion.
    #[error("unexpected ds:Signature inside {0}")]
    UnexpectedSignature(String),
    /// The profile requires a Response signature and there is none.
    #[error("the Response is not signed")]
    ResponseNotSigned,
    /// No verified signature covers the Assertion.
    #[error("the Assertion is not signed")]
    AssertionNotSigned,
    /// An Issuer differs from the IdP's entity ID.
    #[error("issuer {found:?} is not the configured IdP {expected:?}")]
    Issuer {
        /// The configured entity ID.
        expected: String,
        /// What the response says.
        found: String,
    },
    /// Destination not in the allowed set.
    #[error("Destination {0:?} is not an accepted ACS URL")]
    Destination(String),
    /// Recipient missing or not in the allowed set.
    #[error("SubjectConfirmationData Recipient {0:?} is not an accepted ACS URL")]
    Recipient(String),
    /// No Subject.
    #[error("the Assertion has no Subject")]
    NoSubject,
    /// SubjectConfirmation shape problems.
    #[error("subject confirmation: {0}")]
    SubjectConfirmation(String),
    /// The confirmation method is not bearer.
    #[error("the SubjectConfirmation method must be bearer, found {0:?}")]
    NotBearer(String),
    /// A NotBefore is in the future (beyond the skew).
    #[error("not valid before {0}")]
    NotYetValid(DateTime<Utc>),
    /// A NotOnOrAfter has passed (beyond the skew).
    #[error("expired at {0}")]
    Expired(DateTime<Utc>),
    /// IssueInstant in the future (beyond the skew).
    #[error("issued in the future ({0})")]
    IssuedInFuture(DateTime<Utc>),
    /// Older than the profile's freshness window.
    #[error("issued at {0}, more than 5 minutes ago")]
    TooOld(DateTime<Utc>),
    /// The authentication session ended.
    #[error("the IdP session ended at {0}")]
    SessionExpired(DateTime<Utc>),
    /// No AudienceRestriction at all.
    #[error("the Assertion has no AudienceRestriction")]
    NoAudienceRestriction,
    /// An AudienceRestriction without an accepted audience.
    #[error("audience {0:?} is not accepted")]
    Audience(Vec<String>),
    /// A condition this profile does not allow or that nobody understands.
    #[error("unsupported condition {0}")]
    UnsupportedCondition(String),
    /// InResponseTo required but absent.
    #[error("InResponseTo is missing (IdP-initiated sign-in)")]
    InResponseToMissing,
    /// InResponseTo differs from the request (or between Response and Assertion).
    #[error("InResponseTo {found:?} does not match the request {expected:?}")]
    InResponseTo {
        /// The request ID expected.
        expected: String,
        /// What the response says.
        found: String,
    },
    /// The assertion ID was seen before.
    #[error("assertion {0:?} was already used")]
    Replay(String),
    /// The replay cache is full of unexpired entries: fail closed.
    #[error("replay cache is full")]
    ReplayCacheFull,
    /// Structure that the SAML schema or samlguard's strict reading refuses.
    #[error("malformed SAML: {0}")]
    Malformed(String),
    /// An element child inside a value element.
    #[error("{0} must contain text only")]
    MixedContent(String),
    /// Two Attributes with the same Name.
    #[error("attribute {0:?} appears more than once")]
    DuplicateAttribute(String),
    /// A date that is not a UTC xs:dateTime.
    #[error("invalid time {0:?} (expected UTC xs:dateTime like 2026-01-15T10:00:00Z)")]
    InvalidTime(String),
    /// NameID missing, in the wrong format or too long.
    #[error("NameID: {0}")]
    NameId(String),
    /// Client VPN: no memberOf attribute.
    #[error("the memberOf attribute (groups) is missing")]
    MissingGroups,
    /// Client VPN: Entra's group-overage claim instead of groups.
    #[error("Entra sent its group-overage claim instead of the groups")]
    GroupOverage,
    /// Client VPN: group values out of AWS's limits.
    #[error("groups: {0}")]
    Groups(String),
    /// A claim with a bad shape (multi-valued name, ...).
    #[error("claim {name}: {problem}")]
    Claim {
        /// The attribute name.
        name: String,
        /// What is wrong.
        problem: String,
    },
    /// AWS console: no Role attribute.
    #[error("the https://aws.amazon.com/SAML/Attributes/Role attribute is missing")]
    MissingRole,
    /// AWS console: a Role value is not a role ARN + provider ARN pair.
    #[error("Role: {0}")]
    Role(String),
    /// AWS console: RoleSessionName missing or invalid.
    #[error("RoleSessionName: {0}")]
    RoleSessionName(String),
    /// AWS console: SessionDuration invalid.
    #[error("SessionDuration: {0}")]
    SessionDuration(String),
    /// AWS console: SourceIdentity invalid.
    #[error("SourceIdentity: {0}")]
    SourceIdentity(String),
    /// AWS console: session tags invalid.
    #[error("session tags: {0}")]
    SessionTags(String),
}

impl PolicyError {
    /// Stable snake_case name of the error kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NotAResponse => "not_a_response",
            Self::Version => "unsupported_version",
            Self::Status(_) => "status_not_success",
            Self::AssertionCount(_) => "assertion_count",
            Self::AssertionPosition => "assertion_position",
            Self::EncryptedAssertion => "encrypted_assertion",
            Self::UnexpectedSignature(_) => "unexpected_signature",
            Self::ResponseNotSigned => "response_not_signed",
            Self::AssertionNotSigned => "assertion_not_signed",
            Self::Issuer { .. } => "issuer_mismatch",
            Self::Destination(_) => "destination_mismatch",
            Self::Recipient(_) => "recipient_mismatch",
            Self::NoSubject => "no_subject",
            Self::SubjectConfirmation(_) => "subject_confirmation",
            Self::NotBearer(_) => "not_bearer",
            Self::NotYetValid(_) => "not_yet_valid",
            Self::Expired(_) => "expired",
            Self::IssuedInFuture(_) => "issued_in_future",
            Self::TooOld(_) => "response_too_old",
            Self::SessionExpired(_) => "session_expired",
            Self::NoAudienceRestriction => "no_audience_restriction",
            Self::Audience(_) => "audience_mismatch",
            Self::UnsupportedCondition(_) => "unsupported_condition",
            Self::InResponseToMissing => "in_response_to_missing",
            Self::InResponseTo { .. } => "in_response_to_mismatch",
            Self::Replay(_) => "replayed_assertion",
            Self::ReplayCacheFull => "replay_cache_full",
            Self::Malformed(_) => "malformed_saml",
            Self::MixedContent(_) => "mixed_content",
            Self::DuplicateAttribute(_) => "duplicate_attribute",
            Self::InvalidTime(_) => "invalid_time",
            Self::NameId(_) => "invalid_name_id",
            Self::MissingGroups => "missing_groups",
            Self::GroupOverage => "group_overage",
            Self::Groups(_) => "invalid_groups",
            Self::Claim { .. } => "invalid_claim",
            Self::MissingRole => "missing_role",
            Self::Role(_) => "invalid_role",
            Self::RoleSessionName(_) => "invalid_role_session_name",
            Self::SessionDuration(_) => "invalid_session_duration",
            Self::SourceIdentity(_) => "invalid_source_identity",
            Self::SessionTags(_) => "invalid_session_tags",
        }
    }

    /// What to change when the refusal stems from a typical Entra / AWS
    /// misconfiguration.
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self {
            Self::ResponseNotSigned => {
                "in Entra (Enterprise application > Single sign-on > SAML Certificates) set Signing Option to 'Sign SAML response and assertion'"
            }
            Self::AssertionNotSigned => {
                "in Entra set Signing Option to 'Sign SAML assertion' or 'Sign SAML response and assertion'"
            }
            Self::EncryptedAssertion => "turn off token encryption for this application in Entra",
            Self::Issuer { .. } => {
                "the response comes from another IdP or tenant: check that the metadata (or --idp-entity-id) is this Entra tenant's"
            }
            Self::Destination(_) | Self::Recipient(_) => {
                "the Entra app's Reply URL (Assertion Consumer Service URL) is wrong: for Client VPN it is http://127.0.0.1:35001 (self-service portal: https://self-service.clientvpn.amazonaws.com/api/auth/sso/saml); for the AWS console https://signin.aws.amazon.com/saml"
            }
            Self::Audience(found)
                if found
                    .iter()
                    .any(|a| a.contains("signin.aws.amazon.com") || a == "urn:amazon:webservices") =>
            {
                "this is an AWS console response: the Entra app's Identifier (Entity ID) must be urn:amazon:webservices:clientvpn for Client VPN, or use the aws-console profile"
            }
            Self::Audience(found) if found.iter().any(|a| a == "urn:amazon:webservices:clientvpn") => {
                "this is an AWS Client VPN response: use the clientvpn profile, or set the Entra app's Identifier for the AWS console"
            }
            Self::Audience(_) => {
                "the Entra app's Identifier (Entity ID) does not match the audience this service expects"
            }
            Self::NoAudienceRestriction => {
                "the IdP must restrict the assertion to this service (AudienceRestriction)"
            }
            Self::NotYetValid(_) | Self::IssuedInFuture(_) => {
                "clocks disagree: check NTP on this host and the IdP, or raise the clock skew"
            }
            Self::Expired(_) => {
                "the response expired: check the clock on this host (or the clock skew), or the response was replayed or pasted too late"
            }
            Self::TooOld(_) => {
                "AWS STS requires a SAML response to be redeemed within 5 minutes of issuance: sign in again"
            }
            Self::UnsupportedCondition(_) => {
                "AWS Client VPN only supports AudienceRestriction and NotBefore/NotOnOrAfter conditions: remove other conditions in the IdP"
            }
            Self::InResponseToMissing => {
                "AWS Client VPN is SP-initiated only: start the sign-in from the AWS VPN Client, not from the IdP portal (My Apps)"
            }
            Self::InResponseTo { .. } => {
                "the response answers another sign-in request: start the sign-in again (responses cannot be reused)"
            }
            Self::Replay(_) => "this response was already used: start the sign-in again",
            Self::NameId(_) => {
                "in Entra (Attributes & Claims) set the Unique User Identifier (Name ID) format to Email address, source user.userprincipalname or user.mail"
            }
            Self::MissingGroups => {
                "in Entra (Attributes & Claims) add a group claim named memberOf (source: groups assigned to the application)"
            }
            Self::GroupOverage => {
                "the user is in more groups than Entra puts in a SAML token (150): in Entra assign the groups to the application and emit 'Groups assigned to the application' as memberOf"
            }
            Self::MissingRole => {
                "in Entra add the claim https://aws.amazon.com/SAML/Attributes/Role with values 'role ARN,saml-provider ARN'"
            }
            Self::RoleSessionName(_) => {
                "in Entra map https://aws.amazon.com/SAML/Attributes/RoleSessionName to user.userprincipalname (2-64 of [A-Za-z0-9_+=,.@-])"
            }
            _ => return None,
        })
    }
}

/// Per-call input to [`Policy::validate`]: the library never reads the clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    now: DateTime<Utc>,
    expected_request_id: Option<String>,
}

impl Context {
    /// A context at time `now`.
    pub fn new(now: DateTime<Utc>) -> Self {
        Self { now, expected_request_id: None }
    }

    /// The ID of the AuthnRequest this response must answer (SP-initiated).
    pub fn expecting_request(mut self, id: impl Into<String>) -> Self {
        self.expected_request_id = Some(id.into());
        self
    }

    /// The validation time.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }
}

/// A value that passed every check. Only [`Policy::validate`] creates one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified<T>(T);

impl<T> Verified<T> {
    /// The verified value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Verified<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// Remembers assertion IDs until they expire, so that each is accepted once.
pub trait ReplayCache: Send + Sync + fmt::Debug {
    /// Records `id` until `expires`. `Ok(true)` when new, `Ok(false)` when the
    /// ID was already recorded and has not expired; an error when it cannot
    /// record (the caller then refuses: fail closed).
    fn insert(&self, id: &str, expires: DateTime<Utc>, now: DateTime<Utc>) -> Result<bool, PolicyError>;
}

/// A bounded in-memory [`ReplayCache`]. When full of unexpired entries it
/// refuses new ones rather than forgetting old ones (forgetting would allow a
/// replay).
#[derive(Debug)]
pub struct MemoryReplayCache {
    entries: Mutex<HashMap<String, DateTime<Utc>>>,
    capacity: usize,
}

impl MemoryReplayCache {
    /// A cache holding at most `capacity` unexpired IDs.
    pub fn new(capacity: usize) -> Self {
        Self { entries: Mutex::new(HashMap::new()), capacity }
    }
}

impl Default for MemoryReplayCache {
    fn default() -> Self {
        Self::new(100_000)
    }
}

impl ReplayCache for MemoryReplayCache {
    fn insert(&self, id: &str, expires: DateTime<Utc>, now: DateTime<Utc>) -> Result<bool, PolicyError> {
        // A poisoned lock only means another thread panicked mid-insert; the map is still consistent.
        let mut entries = self.entries.lock().unwrap_or_else(|poison| poison.into_inner());
        if let Some(&until) = entries.get(id)
            && until > now
        {
            return Ok(false);
        }
        if entries.len() >= self.capacity {
            entries.retain(|_, until| *until > now);
            if entries.len() >= self.capacity {
                return Err(PolicyError::ReplayCacheFull);
            }
        }
        entries.insert(id.to_string(), expires);
        Ok(true)
    }
}

/// Which signatures a profile requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequiredSignatures {
    /// Both the Response and the Assertion must be signed (Client VPN).
    ResponseAndAssertion,
    /// The Assertion must be signed (a Response signature, when present, must verify too).
    Assertion,
    /// The Response must be signed (it then covers the Assertion).
    Response,
    /// At least one of them; the Assertion must be covered by a verified signature.
    Either,
}

/// Accepted Destination / Recipient values.
#[derive(Debug, Clone, PartialEq, Eq)]
enum AcsUrls {
    Exact(Vec<String>),
    /// `https://signin.aws.amazon.com/saml`, its regional and China/GovCloud
    /// hosts, and the `/saml/acs/<IdP-ID>` form.
    AwsSignIn,
}

impl AcsUrls {
    fn accepts(&self, url: &str) -> bool {
        match self {
            Self::Exact(list) => list.iter().any(|u| u == url),
            Self::AwsSignIn => is_aws_sign_in_url(url),
        }
    }
}

fn is_aws_sign_in_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else { return false };
    let (host, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
    let region_ok = |r: &str| {
        let parts: Vec<&str> = r.split('-').collect();
        parts.len() >= 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
            && parts.last().is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
    };
    let host_ok =
        ["signin.aws.amazon.com", "signin.amazonaws.cn", "signin.amazonaws-us-gov.com"].iter().any(|base| {
            host == *base || host.strip_suffix(base).and_then(|r| r.strip_suffix('.')).is_some_and(region_ok)
        });
    let path_ok = path == "saml"
        || path == "static/saml"
        || path.strip_prefix("saml/acs/").is_some_and(|id| {
            !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    host_ok && path_ok
}

mod sealed {
    pub trait Sealed {}
}

/// A deployment profile: its defaults and the claims it yields.
pub trait Profile: sealed::Sealed + Send + Sync + fmt::Debug + 'static {
    /// What a successful validation yields.
    type Login: fmt::Debug;
    /// The profile's name (`clientvpn`, `aws-console`, `generic`).
    const NAME: &'static str;
    #[doc(hidden)]
    fn claims(login: Login) -> Result<Self::Login, PolicyError>;
}

/// AWS Client VPN (SAML federated authentication).
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientVpn;
/// AWS console sign-in / AssumeRoleWithSAML.
#[derive(Debug, Clone, Copy, Default)]
pub struct AwsConsole;
/// Any SAML 2.0 SP with configured audiences and ACS URLs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Generic;

impl sealed::Sealed for ClientVpn {}
impl sealed::Sealed for AwsConsole {}
impl sealed::Sealed for Generic {}

/// One signature that verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedPart {
    /// `"Response"` or `"Assertion"`.
    pub element: &'static str,
    /// The signature algorithm.
    pub algorithm: dsig::SignatureAlgorithm,
    /// Index into [`IdpTrust::keys`] of the key that verified it.
    pub key_index: usize,
}

/// The verified values every profile reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    assertion: Assertion,
    audience: String,
    envelope: Option<Envelope>,
    signatures: Vec<SignedPart>,
}

impl Login {
    /// The Assertion's Issuer (equal to the IdP entity ID).
    pub fn issuer(&self) -> &str {
        &self.assertion.issuer
    }

    /// The NameID value (empty when the assertion has none and the profile allows it).
    pub fn name_id(&self) -> &str {
        self.assertion.name_id.as_ref().map_or("", |n| n.value.as_str())
    }

    /// The NameID Format, when present.
    pub fn name_id_format(&self) -> Option<&str> {
        self.assertion.name_id.as_ref().and_then(|n| n.format.as_deref())
    }

    /// The accepted audience.
    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// The earliest NotOnOrAfter that bounded this assertion.
    pub fn not_on_or_after(&self) -> DateTime<Utc> {
        earliest_not_on_or_after(&self.assertion).unwrap_or(self.assertion.issue_instant)
    }

    /// The AuthnStatement's SessionIndex.
    pub fn session_index(&self) -> Option<&str> {
        self.assertion.authn.as_ref().and_then(|a| a.session_index.as_deref())
    }

    /// The whole verified assertion.
    pub fn assertion(&self) -> &Assertion {
        &self.assertion
    }

    /// The Response envelope, present only when the Response was signed.
    pub fn envelope(&self) -> Option<&Envelope> {
        self.envelope.as_ref()
    }

    /// The signatures that verified (Assertion first).
    pub fn signatures(&self) -> &[SignedPart] {
        &self.signatures
    }
}

/// The earlier of the SubjectConfirmationData and Conditions NotOnOrAfter.
fn earliest_not_on_or_after(assertion: &Assertion) -> Option<DateTime<Utc>> {
    assertion
        .subject_confirmation
        .not_on_or_after
        .into_iter()
        .chain(assertion.conditions.not_on_or_after)
        .min()
}

/// A Client VPN login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientVpnLogin {
    login: Login,
    first_name: Option<String>,
    last_name: Option<String>,
}

impl std::ops::Deref for ClientVpnLogin {
    type Target = Login;
    fn deref(&self) -> &Login {
        &self.login
    }
}

impl ClientVpnLogin {
    /// `memberOf` values (what Client VPN authorization rules match).
    pub fn groups(&self) -> &Values {
        // Checked present when the login was built; read from the verified assertion.
        self.login.assertion.attribute(MEMBER_OF).unwrap_or(&saml::NO_VALUES)
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

/// One role the user may assume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsRole {
    /// `arn:<partition>:iam::<account>:role/<name>`.
    pub role_arn: String,
    /// `arn:<partition>:iam::<account>:saml-provider/<name>`.
    pub provider_arn: String,
}

/// An AWS console / AssumeRoleWithSAML login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsConsoleLogin {
    login: Login,
    roles: Vec<AwsRole>,
    role_session_name: String,
    session_duration: Option<u32>,
    source_identity: Option<String>,
    principal_tags: Vec<(String, String)>,
    transitive_tag_keys: Vec<String>,
}

impl std::ops::Deref for AwsConsoleLogin {
    type Target = Login;
    fn deref(&self) -> &Login {
        &self.login
    }
}

impl AwsConsoleLogin {
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
    /// `PrincipalTag:{key}` values.
    pub fn principal_tags(&self) -> &[(String, String)] {
        &self.principal_tags
    }
    /// TransitiveTagKeys.
    pub fn transitive_tag_keys(&self) -> &[String] {
        &self.transitive_tag_keys
    }
}

const MEMBER_OF: &str = "memberOf";
const GROUPS_LINK: &str = "http://schemas.microsoft.com/claims/groups.link";
const EMAIL_FORMAT: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
const AWS_ATTR: &str = "https://aws.amazon.com/SAML/Attributes/";

fn single<'x>(assertion: &'x Assertion, name: &str) -> Result<Option<&'x str>, PolicyError> {
    match assertion.attribute(name) {
        None => Ok(None),
        Some(values) if values.len() == 1 => Ok(values.get(0)),
        Some(values) => Err(PolicyError::Claim {
            name: name.to_string(),
            problem: format!("expected one value, found {}", values.len()),
        }),
    }
}

impl Profile for ClientVpn {
    type Login = ClientVpnLogin;
    const NAME: &'static str = "clientvpn";

    fn claims(login: Login) -> Result<ClientVpnLogin, PolicyError> {
        let assertion = &login.assertion;
        let name_id = assertion.name_id.as_ref().ok_or_else(|| PolicyError::NameId("missing".into()))?;
        if name_id.format.as_deref() != Some(EMAIL_FORMAT) {
            return Err(PolicyError::NameId(format!(
                "format must be {EMAIL_FORMAT}, found {:?}",
                name_id.format
            )));
        }
        if name_id.value.chars().count() > 255 {
            return Err(PolicyError::NameId("longer than 255 characters".into()));
        }
        if !is_email(&name_id.value) {
            return Err(PolicyError::NameId(format!("{:?} is not an email address", name_id.value)));
        }
        let groups = match assertion.attribute(MEMBER_OF) {
            Some(values) => values,
            None if assertion.attribute(GROUPS_LINK).is_some() => return Err(PolicyError::GroupOverage),
            None => return Err(PolicyError::MissingGroups),
        };
        if groups.len() > 200 {
            return Err(PolicyError::Groups(format!(
                "{} groups; AWS Client VPN uses at most 200",
                groups.len()
            )));
        }
        // A string has at most as many characters as bytes: count only long ones.
        if let Some(g) = groups.iter().find(|g| g.is_empty() || (g.len() > 255 && g.chars().count() > 255)) {
            return Err(PolicyError::Groups(format!(
                "group ID {:?} must be 1 to 255 characters",
                truncate(g)
            )));
        }
        let first_name = single(assertion, "FirstName")?.map(str::to_string);
        let last_name = single(assertion, "LastName")?.map(str::to_string);
        Ok(ClientVpnLogin { login, first_name, last_name })
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}

/// RFC 5322 addr-spec, dot-atom form (what an Entra UPN or mail looks like).
fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else { return false };
    let atom = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c) || !c.is_ascii();
    let dot_atom = |s: &str, allowed: &dyn Fn(char) -> bool| {
        !s.is_empty() && s.split('.').all(|part| !part.is_empty() && part.chars().all(allowed))
    };
    dot_atom(local, &atom)
        && dot_atom(domain, &|c: char| c.is_ascii_alphanumeric() || c == '-' || !c.is_ascii())
}

/// `[\w+=,.@-]{2,64}` with `\w` = ASCII letters, digits and `_` (AWS's pattern).
fn is_aws_name(value: &str) -> bool {
    (2..=64).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b))
}

fn parse_arn(arn: &str) -> Option<(&str, &str, &str, &str)> {
    // arn:<partition>:iam::<account>:<kind>/<name>
    let mut parts = arn.splitn(6, ':');
    let (prefix, partition, service, region, account, resource) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let valid_partition =
        partition.starts_with("aws") && partition.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
    if prefix != "arn" || !valid_partition || service != "iam" || !region.is_empty() {
        return None;
    }
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (kind, name) = resource.split_once('/')?;
    let name_ok = !name.is_empty()
        && name.len() <= 512
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-/".contains(&b));
    name_ok.then_some((partition, account, kind, name))
}

fn parse_role_pair(value: &str) -> Result<AwsRole, PolicyError> {
    let bad = |why: &str| PolicyError::Role(format!("{:?}: {why}", truncate(value)));
    let (a, b) = value.split_once(',').ok_or_else(|| bad("expected 'role ARN,saml-provider ARN'"))?;
    let (pa, pb) =
        (parse_arn(a).ok_or_else(|| bad("invalid ARN"))?, parse_arn(b).ok_or_else(|| bad("invalid ARN"))?);
    let (role, provider) = match (pa.2, pb.2) {
        ("role", "saml-provider") => ((a, pa), (b, pb)),
        ("saml-provider", "role") => ((b, pb), (a, pa)),
        _ => return Err(bad("expected exactly one role ARN and one saml-provider ARN")),
    };
    if role.1.0 != provider.1.0 || role.1.1 != provider.1.1 {
        return Err(bad("the role and the provider must be in the same partition and account"));
    }
    Ok(AwsRole { role_arn: role.0.to_string(), provider_arn: provider.0.to_string() })
}

fn is_tag_text(s: &str) -> bool {
    s.chars().all(|c| c.is_alphanumeric() || " _.:/=+-@".contains(c))
}

impl Profile for AwsConsole {
    type Login = AwsConsoleLogin;
    const NAME: &'static str = "aws-console";

    fn claims(login: Login) -> Result<AwsConsoleLogin, PolicyError> {
        let assertion = &login.assertion;
        const FORMATS: [&str; 8] = [
            "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
            "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
            "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
            "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
            "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName",
            "urn:oasis:names:tc:SAML:1.1:nameid-format:WindowsDomainQualifiedName",
            "urn:oasis:names:tc:SAML:2.0:nameid-format:kerberos",
            "urn:oasis:names:tc:SAML:2.0:nameid-format:entity",
        ];
        let name_id = assertion
            .name_id
            .as_ref()
            .ok_or_else(|| PolicyError::NameId("missing (AWS requires Subject/NameID)".into()))?;
        if name_id.value.is_empty() {
            return Err(PolicyError::NameId("empty".into()));
        }
        if let Some(format) = &name_id.format
            && !FORMATS.contains(&format.as_str())
        {
            return Err(PolicyError::NameId(format!("format {format:?} is not accepted by AWS")));
        }
        let role_values = assertion.attribute(&format!("{AWS_ATTR}Role")).ok_or(PolicyError::MissingRole)?;
        if role_values.is_empty() {
            return Err(PolicyError::MissingRole);
        }
        let roles = role_values.iter().map(parse_role_pair).collect::<Result<Vec<_>, _>>()?;

        let role_session_name = single(assertion, &format!("{AWS_ATTR}RoleSessionName"))
            .map_err(|e| PolicyError::RoleSessionName(e.to_string()))?
            .ok_or_else(|| PolicyError::RoleSessionName("missing".into()))?
            .to_string();
        if !is_aws_name(&role_session_name) {
            return Err(PolicyError::RoleSessionName(format!(
                "{:?} must match [\\w+=,.@-]{{2,64}}",
                truncate(&role_session_name)
            )));
        }
        let session_duration = match single(assertion, &format!("{AWS_ATTR}SessionDuration"))
            .map_err(|e| PolicyError::SessionDuration(e.to_string()))?
        {
            None => None,
            Some(text) => {
                let seconds = text
                    .parse::<u32>()
                    .ok()
                    .filter(|s| (900..=43200).contains(s) && text.bytes().all(|b| b.is_ascii_digit()))
                    .ok_or_else(|| {
                        PolicyError::SessionDuration(format!(
                            "{:?} must be an integer from 900 to 43200",
                            truncate(text)
                        ))
                    })?;
                Some(seconds)
            }
        };
        let source_identity = match single(assertion, &format!("{AWS_ATTR}SourceIdentity"))
            .map_err(|e| PolicyError::SourceIdentity(e.to_string()))?
        {
            None => None,
            Some(s) if is_aws_name(s) && !s.to_ascii_lowercase().starts_with("aws:") => Some(s.to_string()),
            Some(s) => {
                return Err(PolicyError::SourceIdentity(format!(
                    "{:?} must match [\\w+=,.@-]{{2,64}} and not begin with aws:",
                    truncate(s)
                )));
            }
        };
        let mut principal_tags: Vec<(String, String)> = Vec::new();
        let tag_prefix = format!("{AWS_ATTR}PrincipalTag:");
        for attribute in &assertion.attributes {
            let Some(key) = attribute.name.strip_prefix(tag_prefix.as_str()) else {
                continue;
            };
            let (1, Some(value)) = (attribute.values.len(), attribute.values.get(0)) else {
                return Err(PolicyError::SessionTags(format!(
                    "tag {:?} must have exactly one value",
                    truncate(key)
                )));
            };
            if key.is_empty()
                || key.chars().count() > 128
                || !is_tag_text(key)
                || key.to_ascii_lowercase().starts_with("aws:")
            {
                return Err(PolicyError::SessionTags(format!("invalid tag key {:?}", truncate(key))));
            }
            if value.chars().count() > 256 || !is_tag_text(value) {
                return Err(PolicyError::SessionTags(format!("invalid value for tag {:?}", truncate(key))));
            }
            if principal_tags.iter().any(|(k, _)| k.eq_ignore_ascii_case(key)) {
                return Err(PolicyError::SessionTags(format!(
                    "tag {:?} appears twice (keys are case-insensitive)",
                    truncate(key)
                )));
            }
            principal_tags.push((key.to_string(), value.to_string()));
        }
        if principal_tags.len() > 50 {
            return Err(PolicyError::SessionTags(format!(
                "{} tags; AWS allows at most 50",
                principal_tags.len()
            )));
        }
        let transitive_tag_keys = assertion
            .attribute(&format!("{AWS_ATTR}TransitiveTagKeys"))
            .map_or_else(Vec::new, |values| values.iter().map(str::to_string).collect::<Vec<String>>());
        if let Some(k) = transitive_tag_keys
            .iter()
            .find(|k| !principal_tags.iter().any(|(t, _)| t.eq_ignore_ascii_case(k)))
        {
            return Err(PolicyError::SessionTags(format!(
                "transitive key {:?} is not a session tag",
                truncate(k)
            )));
        }
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

impl Profile for Generic {
    type Login = Login;
    const NAME: &'static str = "generic";

    fn claims(login: Login) -> Result<Login, PolicyError> {
        Ok(login)
    }
}

/// A validation policy: one IdP, one profile. Build once, share across threads.
#[derive(Debug, Clone)]
pub struct Policy<P: Profile> {
    trust: IdpTrust,
    audiences: Vec<String>,
    acs_urls: AcsUrls,
    clock_skew: TimeDelta,
    algorithms: Algorithms,
    input_limits: InputLimits,
    xml_limits: Limits,
    signatures: RequiredSignatures,
    in_response_to_required: bool,
    max_age: Option<TimeDelta>,
    strict_conditions: bool,
    replay_cache: Option<Arc<dyn ReplayCache>>,
    profile: std::marker::PhantomData<P>,
}

impl<P: Profile> Policy<P> {
    fn with_defaults(trust: IdpTrust, audiences: Vec<String>, acs_urls: AcsUrls) -> Self {
        Self {
            trust,
            audiences,
            acs_urls,
            clock_skew: TimeDelta::seconds(60),
            algorithms: Algorithms::STRICT,
            input_limits: InputLimits::default(),
            xml_limits: Limits::default(),
            signatures: RequiredSignatures::Assertion,
            in_response_to_required: false,
            max_age: None,
            strict_conditions: false,
            replay_cache: Some(Arc::new(MemoryReplayCache::default())),
            profile: std::marker::PhantomData,
        }
    }

    /// Replaces the profile's accepted audiences (exact string comparison).
    pub fn with_audiences(mut self, audiences: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.audiences = audiences.into_iter().map(Into::into).collect();
        self
    }

    /// Replaces the profile's accepted ACS URLs (Destination and Recipient).
    pub fn with_acs_urls(mut self, urls: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.acs_urls = AcsUrls::Exact(urls.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the clock skew allowed on every time bound (default 60 s).
    pub fn with_clock_skew(mut self, skew: std::time::Duration) -> Self {
        self.clock_skew = TimeDelta::from_std(skew).unwrap_or(TimeDelta::MAX);
        self
    }

    /// Sets the accepted algorithms ([`Algorithms::STRICT`] by default).
    pub fn with_algorithms(mut self, algorithms: Algorithms) -> Self {
        self.algorithms = algorithms;
        self
    }

    /// Uses `cache` to refuse replayed assertions (a bounded in-memory cache by default).
    pub fn with_replay_cache(mut self, cache: Arc<dyn ReplayCache>) -> Self {
        self.replay_cache = Some(cache);
        self
    }

    /// Turns replay detection off: only for tools that validate the same
    /// response repeatedly (benchmarks, the CLI) or callers that dedupe elsewhere.
    pub fn without_replay_cache(mut self) -> Self {
        self.replay_cache = None;
        self
    }

    /// The trusted IdP.
    pub fn trust(&self) -> &IdpTrust {
        &self.trust
    }

    /// The profile's name.
    pub fn profile_name(&self) -> &'static str {
        P::NAME
    }

    /// Validates a response: raw XML, base64, or a form body with `SAMLResponse=`.
    pub fn validate(&self, input: &[u8], context: &Context) -> Result<Verified<P::Login>, Error> {
        let bytes = input::decode(input, &self.input_limits)?;
        let doc = xml::parse_with_limits(&bytes, &self.xml_limits)?;
        let (assertion, envelope, signatures) = self.verified_assertion(&doc, context)?;
        let audience = self.check_assertion(&assertion, envelope.as_ref(), context)?;
        // Keyed by issuer and ID; the ID is the part after the separator.
        let replay_entry = self.replay_cache.as_ref().map(|cache| {
            let expires = earliest_not_on_or_after(&assertion).unwrap_or(context.now);
            let key = format!("{}\u{0}{}", assertion.issuer, assertion.id);
            (cache, key, assertion.issuer.len() + 1, later(expires, self.clock_skew))
        });
        let login = P::claims(Login { assertion, audience, envelope, signatures })?;
        if let Some((cache, key, id_start, expires)) = replay_entry
            && !cache.insert(&key, expires, context.now)?
        {
            return Err(PolicyError::Replay(key[id_start..].to_string()).into());
        }
        Ok(Verified(login))
    }

    /// Structure, signatures, and extraction from signed nodes only.
    fn verified_assertion(
        &self,
        doc: &xml::Document<'_>,
        context: &Context,
    ) -> Result<(Assertion, Option<Envelope>, Vec<SignedPart>), Error> {
        let response = doc.root();
        let root = doc.element(response).ok_or(PolicyError::NotAResponse)?;
        if !root.is(SAMLP_NS, "Response") {
            return Err(PolicyError::NotAResponse.into());
        }
        // One pass: exactly one Assertion, a direct child; no EncryptedAssertion
        // anywhere; signatures collected to check their parents below.
        let (mut assertions, mut signatures) = (Vec::new(), Vec::new());
        for node in doc.descendants(response) {
            let Some(e) = doc.element(node) else { continue };
            // The local name first: it is short and rarely one of these three.
            match e.local_name() {
                "Assertion" if e.namespace() == SAML_NS => assertions.push(node),
                "EncryptedAssertion" if e.namespace() == SAML_NS => {
                    return Err(PolicyError::EncryptedAssertion.into());
                }
                "Signature" if e.namespace() == dsig::DSIG_NS => signatures.push(node),
                _ => {}
            }
        }
        let [assertion] = assertions.as_slice() else {
            return Err(PolicyError::AssertionCount(assertions.len()).into());
        };
        let assertion = *assertion;
        if doc.parent(assertion) != Some(response) {
            return Err(PolicyError::AssertionPosition.into());
        }
        // Only the Response's and the Assertion's own signatures may exist.
        for signature in signatures {
            let parent = doc.parent(signature).unwrap_or(NodeId::DOCUMENT);
            if parent != response && parent != assertion {
                let inside =
                    doc.element(parent).map_or("the document".to_string(), |e| e.qname().to_string());
                return Err(PolicyError::UnexpectedSignature(inside).into());
            }
        }
        let response_signature =
            dsig::signature_child(doc, response).map_err(|e| sig_error("Response", e))?;
        let assertion_signature =
            dsig::signature_child(doc, assertion).map_err(|e| sig_error("Assertion", e))?;
        match (self.signatures, response_signature.is_some(), assertion_signature.is_some()) {
            (RequiredSignatures::ResponseAndAssertion | RequiredSignatures::Response, false, _) => {
                return Err(PolicyError::ResponseNotSigned.into());
            }
            (RequiredSignatures::ResponseAndAssertion | RequiredSignatures::Assertion, _, false) => {
                return Err(PolicyError::AssertionNotSigned.into());
            }
            (RequiredSignatures::Either, false, false) => return Err(PolicyError::AssertionNotSigned.into()),
            _ => {}
        }
        let keys = self.trust.keys();
        let verify =
            |signature: Option<NodeId>, what: &'static str| -> Result<Option<VerifiedSignature>, Error> {
                signature
                    .map(|s| dsig::verify(doc, s, keys, self.algorithms).map_err(|e| sig_error(what, e)))
                    .transpose()
            };
        // The Assertion first: with Entra's default (assertion-only) it is the one that matters.
        let (assertion_proof, response_proof) = match (assertion_signature, response_signature) {
            // Both: the Assertion's bytes are part of the Response's, canonicalized once.
            (Some(inner), Some(outer)) => {
                let (a, r) =
                    dsig::verify_nested(doc, inner, outer, keys, self.algorithms).map_err(|(which, e)| {
                        sig_error(if which == dsig::Nesting::Inner { "Assertion" } else { "Response" }, e)
                    })?;
                (Some(a), Some(r))
            }
            _ => (verify(assertion_signature, "Assertion")?, verify(response_signature, "Response")?),
        };

        // Envelope checks that can only refuse apply whether or not the
        // Response is signed; envelope values are reported only when signed.
        if root.attribute("", "Version") != Some("2.0") {
            return Err(PolicyError::Version.into());
        }
        check_status(doc, response)?;
        for issuer in doc.child_elements(response).filter(|e| e.is(SAML_NS, "Issuer")) {
            let found = saml::text(doc, issuer)?;
            self.check_issuer(&found)?;
        }
        if let Some(destination) = root.attribute("", "Destination")
            && !self.acs_urls.accepts(destination)
        {
            return Err(PolicyError::Destination(destination.to_string()).into());
        }

        let proofs: Vec<&VerifiedSignature> = assertion_proof.iter().chain(response_proof.iter()).collect();
        let assertion = saml::read_assertion(doc, assertion, &proofs)?;
        let envelope = response_proof.as_ref().map(|p| saml::read_envelope(doc, p)).transpose()?;
        if let Some(envelope) = &envelope {
            self.check_time_issued(envelope.issue_instant, context)?;
        }
        let part = |element, proof: &VerifiedSignature| SignedPart {
            element,
            algorithm: proof.algorithm(),
            key_index: proof.key_index(),
        };
        let signatures = assertion_proof
            .iter()
            .map(|p| part("Assertion", p))
            .chain(response_proof.iter().map(|p| part("Response", p)))
            .collect();
        Ok((assertion, envelope, signatures))
    }

    fn check_issuer(&self, found: &str) -> Result<(), PolicyError> {
        if found != self.trust.entity_id() {
            return Err(PolicyError::Issuer {
                expected: self.trust.entity_id().to_string(),
                found: found.to_string(),
            });
        }
        Ok(())
    }

    fn check_time_issued(&self, issued: DateTime<Utc>, context: &Context) -> Result<(), PolicyError> {
        if issued > later(context.now, self.clock_skew) {
            return Err(PolicyError::IssuedInFuture(issued));
        }
        if let Some(max_age) = self.max_age
            && earlier(context.now, self.clock_skew) > later(issued, max_age)
        {
            return Err(PolicyError::TooOld(issued));
        }
        Ok(())
    }

    fn check_window(
        &self,
        not_before: Option<DateTime<Utc>>,
        not_on_or_after: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), PolicyError> {
        if let Some(nb) = not_before
            && later(now, self.clock_skew) < nb
        {
            return Err(PolicyError::NotYetValid(nb));
        }
        // Half-open: at NotOnOrAfter itself the assertion is already expired.
        if let Some(noa) = not_on_or_after
            && earlier(now, self.clock_skew) >= noa
        {
            return Err(PolicyError::Expired(noa));
        }
        Ok(())
    }

    /// Every check on signed values; returns the accepted audience.
    fn check_assertion(
        &self,
        assertion: &Assertion,
        envelope: Option<&Envelope>,
        context: &Context,
    ) -> Result<String, PolicyError> {
        let now = context.now;
        self.check_issuer(&assertion.issuer)?;
        self.check_time_issued(assertion.issue_instant, context)?;

        let confirmation = &assertion.subject_confirmation;
        if confirmation.method != saml::BEARER {
            return Err(PolicyError::NotBearer(confirmation.method.clone()));
        }
        let recipient =
            confirmation.recipient.as_deref().ok_or_else(|| PolicyError::Recipient(String::new()))?;
        if !self.acs_urls.accepts(recipient) {
            return Err(PolicyError::Recipient(recipient.to_string()));
        }
        if confirmation.not_on_or_after.is_none() {
            return Err(PolicyError::SubjectConfirmation(
                "SubjectConfirmationData has no NotOnOrAfter".into(),
            ));
        }
        self.check_window(confirmation.not_before, confirmation.not_on_or_after, now)?;
        let conditions = &assertion.conditions;
        self.check_window(conditions.not_before, conditions.not_on_or_after, now)?;
        if let Some(session_end) = assertion.authn.as_ref().and_then(|a| a.session_not_on_or_after)
            && earlier(now, self.clock_skew) >= session_end
        {
            return Err(PolicyError::SessionExpired(session_end));
        }

        if let Some(unknown) = conditions.unknown.first() {
            return Err(PolicyError::UnsupportedCondition(unknown.clone()));
        }
        if self.strict_conditions && (conditions.one_time_use || conditions.proxy_restriction) {
            let which = if conditions.one_time_use { "OneTimeUse" } else { "ProxyRestriction" };
            return Err(PolicyError::UnsupportedCondition(which.to_string()));
        }
        if conditions.audience_restrictions.is_empty() {
            return Err(PolicyError::NoAudienceRestriction);
        }
        let mut accepted = None;
        for restriction in &conditions.audience_restrictions {
            match restriction.iter().find(|a| self.audiences.iter().any(|allowed| allowed == *a)) {
                Some(a) => {
                    accepted.get_or_insert_with(|| a.clone());
                }
                None => return Err(PolicyError::Audience(restriction.clone())),
            }
        }

        // InResponseTo: from signed data only (the SubjectConfirmationData, and
        // the Response when it is signed); every present value must agree.
        let signed_irts: Vec<&str> = confirmation
            .in_response_to
            .as_deref()
            .into_iter()
            .chain(envelope.and_then(|e| e.in_response_to.as_deref()))
            .collect();
        if let Some(expected) = &context.expected_request_id {
            if let Some(found) = signed_irts.iter().find(|v| *v != expected) {
                return Err(PolicyError::InResponseTo {
                    expected: expected.clone(),
                    found: found.to_string(),
                });
            }
            if signed_irts.is_empty() {
                return Err(PolicyError::InResponseToMissing);
            }
        } else if let [first, rest @ ..] = signed_irts.as_slice()
            && let Some(other) = rest.iter().find(|v| *v != first)
        {
            return Err(PolicyError::InResponseTo { expected: first.to_string(), found: other.to_string() });
        }
        if self.in_response_to_required && signed_irts.is_empty() {
            return Err(PolicyError::InResponseToMissing);
        }
        accepted.ok_or(PolicyError::NoAudienceRestriction)
    }
}

/// `t + d`, saturating: a huge configured skew must not overflow.
fn later(t: DateTime<Utc>, d: TimeDelta) -> DateTime<Utc> {
    t.checked_add_signed(d).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `t - d`, saturating.
fn earlier(t: DateTime<Utc>, d: TimeDelta) -> DateTime<Utc> {
    t.checked_sub_signed(d).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn sig_error(element: &'static str, error: dsig::SignatureError) -> Error {
    Error::Signature { element, source: error }
}

fn check_status(doc: &xml::Document<'_>, response: NodeId) -> Result<(), PolicyError> {
    let status = doc
        .child_elements(response)
        .find(|e| e.is(SAMLP_NS, "Status"))
        .ok_or_else(|| PolicyError::Malformed("the Response has no Status".into()))?;
    let code = doc
        .child_elements(status.id())
        .find(|e| e.is(SAMLP_NS, "StatusCode"))
        .and_then(|e| e.attribute("", "Value"))
        .ok_or_else(|| PolicyError::Malformed("the Status has no StatusCode".into()))?;
    if code != saml::STATUS_SUCCESS {
        return Err(PolicyError::Status(code.chars().take(128).collect()));
    }
    Ok(())
}

impl Policy<ClientVpn> {
    /// AWS Client VPN: both signatures, audience `urn:amazon:webservices:clientvpn`,
    /// ACS `http://127.0.0.1:35001` or the self-service portal, SP-initiated
    /// only, only AudienceRestriction and time conditions, 128 KiB.
    pub fn new(trust: IdpTrust) -> Self {
        let mut policy = Self::with_defaults(
            trust,
            vec!["urn:amazon:webservices:clientvpn".into()],
            AcsUrls::Exact(vec![
                "http://127.0.0.1:35001".into(),
                "https://self-service.clientvpn.amazonaws.com/api/auth/sso/saml".into(),
                "https://gov.self-service.clientvpn.amazonaws.com/api/auth/sso/saml".into(),
            ]),
        );
        policy.signatures = RequiredSignatures::ResponseAndAssertion;
        policy.in_response_to_required = true;
        policy.strict_conditions = true;
        policy.input_limits = InputLimits::client_vpn();
        policy
    }
}

impl Policy<AwsConsole> {
    /// AWS console / AssumeRoleWithSAML: the Assertion signed (a Response
    /// signature, when present, must verify too), audience
    /// `https://signin.aws.amazon.com/saml` or `urn:amazon:webservices`, AWS
    /// sign-in ACS URLs, at most 5 minutes old, 100,000 base64 characters.
    pub fn new(trust: IdpTrust) -> Self {
        let mut policy = Self::with_defaults(
            trust,
            vec!["https://signin.aws.amazon.com/saml".into(), "urn:amazon:webservices".into()],
            AcsUrls::AwsSignIn,
        );
        policy.max_age = Some(TimeDelta::minutes(5));
        policy.input_limits = InputLimits::aws_console();
        policy
    }
}

impl Policy<Generic> {
    /// Any SP: the caller names the audiences and ACS URLs; the Assertion must
    /// be covered by a verified signature (its own or the Response's).
    pub fn new(
        trust: IdpTrust,
        audiences: impl IntoIterator<Item = impl Into<String>>,
        acs_urls: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        let mut policy = Self::with_defaults(trust, Vec::new(), AcsUrls::Exact(Vec::new()));
        policy.signatures = RequiredSignatures::Either;
        policy.with_audiences(audiences).with_acs_urls(acs_urls)
    }

    /// Which signatures must be present.
    pub fn with_required_signatures(mut self, required: RequiredSignatures) -> Self {
        self.signatures = required;
        self
    }

    /// Requires InResponseTo (SP-initiated only).
    pub fn requiring_in_response_to(mut self) -> Self {
        self.in_response_to_required = true;
        self
    }

    /// Sets the input size limits.
    pub fn with_input_limits(mut self, limits: InputLimits) -> Self {
        self.input_limits = limits;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_sign_in_urls() {
        for ok in [
            "https://signin.aws.amazon.com/saml",
            "https://signin.aws.amazon.com/static/saml",
            "https://eu-west-1.signin.aws.amazon.com/saml",
            "https://us-gov-west-1.signin.amazonaws-us-gov.com/saml",
            "https://eu-central-1.signin.aws.amazon.com/saml/acs/SAMLSP4SHN3UIS2D558H46",
        ] {
            assert!(is_aws_sign_in_url(ok), "{ok}");
        }
        for bad in [
            "http://signin.aws.amazon.com/saml",
            "https://signin.aws.amazon.com.evil.com/saml",
            "https://evil.com/signin.aws.amazon.com/saml",
            "https://x.signin.aws.amazon.com/saml",
            "https://signin.aws.amazon.com/saml/",
            "https://signin.aws.amazon.com/saml?x",
            "https://signin.aws.amazon.com/saml/acs/",
        ] {
            assert!(!is_aws_sign_in_url(bad), "{bad}");
        }
    }

    #[test]
    fn role_pairs() {
        let role = "arn:aws:iam::123456789012:role/Admin";
        let provider = "arn:aws:iam::123456789012:saml-provider/EntraID";
        let expected = AwsRole { role_arn: role.into(), provider_arn: provider.into() };
        assert_eq!(parse_role_pair(&format!("{role},{provider}")).unwrap(), expected);
        assert_eq!(parse_role_pair(&format!("{provider},{role}")).unwrap(), expected);
        for bad in [
            format!("{role},{role}"),
            role.to_string(),
            format!("{role},arn:aws:iam::210987654321:saml-provider/EntraID"),
            format!("{role},arn:aws-cn:iam::123456789012:saml-provider/EntraID"),
            format!("{role}, {provider}"),
            format!("{role},{provider},{provider}"),
            "arn:aws:iam::12345678901:role/A,arn:aws:iam::12345678901:saml-provider/B".to_string(),
        ] {
            assert!(parse_role_pair(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_and_emails() {
        assert!(is_aws_name("alice@example.com"));
        assert!(!is_aws_name("a"));
        assert!(!is_aws_name("alice example"));
        assert!(!is_aws_name(&"a".repeat(65)));
        assert!(is_email("alice.b+x@example.co.uk"));
        assert!(!is_email("alice@"));
        assert!(!is_email("alice example@example.com"));
        assert!(!is_email("alice@@example.com"));
    }

    #[test]
    fn policies_are_shareable_across_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Policy<ClientVpn>>();
        send_sync::<Policy<AwsConsole>>();
        send_sync::<Policy<Generic>>();
    }

    #[test]
    fn saturating_time_arithmetic() {
        let now = saml::parse_datetime("2026-01-15T10:00:00Z").unwrap();
        assert_eq!(later(now, TimeDelta::MAX), DateTime::<Utc>::MAX_UTC);
        assert_eq!(earlier(now, TimeDelta::MAX), DateTime::<Utc>::MIN_UTC);
        assert_eq!(later(now, TimeDelta::seconds(60)), saml::parse_datetime("2026-01-15T10:01:00Z").unwrap());
    }

    #[test]
    fn replay_cache_is_bounded_and_fails_closed() {
        let now = saml::parse_datetime("2026-01-15T10:00:00Z").unwrap();
        let cache = MemoryReplayCache::new(2);
        assert_eq!(cache.insert("a", now + TimeDelta::minutes(5), now), Ok(true));
        assert_eq!(cache.insert("a", now + TimeDelta::minutes(5), now), Ok(false));
        assert_eq!(cache.insert("b", now + TimeDelta::minutes(5), now), Ok(true));
        assert_eq!(cache.insert("c", now + TimeDelta::minutes(5), now), Err(PolicyError::ReplayCacheFull));
        // Once expired, entries make room again.
        let later = now + TimeDelta::minutes(6);
        assert_eq!(cache.insert("c", later + TimeDelta::minutes(5), later), Ok(true));
        assert_eq!(cache.insert("a", later + TimeDelta::minutes(5), later), Ok(true));
    }
}
