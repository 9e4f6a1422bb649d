//! What a policy is configured with: set by its profile, adjusted by the
//! caller's setters.

use chrono::TimeDelta;

use super::encryption::Encryption;
use crate::crypto::Algorithms;
use crate::dsig::Canonicalizations;
use crate::input::InputLimits;
use crate::xml::Limits;

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
#[derive(Debug, Clone)]
pub(crate) enum AcsUrls {
    /// Exactly these.
    Exact(Vec<String>),
    /// Any URL a profile's rule accepts (the AWS sign-in endpoints).
    Rule(fn(&str) -> bool),
}

impl AcsUrls {
    pub(crate) fn accepts(&self, url: &str) -> bool {
        match self {
            Self::Exact(list) => list.iter().any(|u| u == url),
            Self::Rule(accepts) => accepts(url),
        }
    }
}

/// Which conditions an Assertion may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AllowedConditions {
    /// AudienceRestriction, OneTimeUse, ProxyRestriction (and the time bounds).
    Standard,
    /// Only AudienceRestriction and the time bounds (Client VPN).
    AudienceAndTime,
}

/// The configuration of a [`Policy`](super::Policy).
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) audiences: Vec<String>,
    pub(crate) acs_urls: AcsUrls,
    pub(crate) clock_skew: TimeDelta,
    pub(crate) algorithms: Algorithms,
    /// Canonicalization methods a Signature may name (exclusive only unless
    /// the profile widens it).
    pub(crate) canonicalizations: Canonicalizations,
    pub(crate) input_limits: InputLimits,
    pub(crate) xml_limits: Limits,
    pub(crate) signatures: RequiredSignatures,
    /// Responses must answer a request the service sent (SP-initiated only).
    pub(crate) sp_initiated_only: bool,
    /// Freshness: IssueInstant at most this long ago (plus the skew).
    pub(crate) max_age: Option<TimeDelta>,
    pub(crate) conditions: AllowedConditions,
    /// EncryptedAssertion: refused unless the profile accepts it.
    pub(crate) encryption: Encryption,
}

impl Settings {
    /// The defaults every profile starts from.
    pub(crate) fn new(audiences: Vec<String>, acs_urls: AcsUrls) -> Self {
        Self {
            audiences,
            acs_urls,
            clock_skew: TimeDelta::seconds(60),
            algorithms: Algorithms::STRICT,
            canonicalizations: Canonicalizations::EXCLUSIVE,
            input_limits: InputLimits::default(),
            xml_limits: Limits::default(),
            signatures: RequiredSignatures::Assertion,
            sp_initiated_only: false,
            max_age: None,
            conditions: AllowedConditions::Standard,
            encryption: Encryption::default(),
        }
    }
}
