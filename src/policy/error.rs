//! Why a signed, well-formed response was still refused.

use chrono::{DateTime, Utc};

use crate::kind::ErrorKind;
use crate::text::Untrusted;

/// Why a signed, well-formed response was still refused by the rules every
/// profile shares (its profile's own claim rules refuse with
/// [`ClaimError`](crate::profile::ClaimError)).
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
    Status(Untrusted),
    /// Status or its top-level StatusCode missing or repeated.
    #[error("the Response must hold exactly one Status with exactly one top-level StatusCode ({0})")]
    MalformedStatus(StatusProblem),
    /// Not exactly one Assertion.
    #[error("exactly one Assertion is required, found {0}")]
    AssertionCount(usize),
    /// The Assertion is not a direct child of the Response.
    #[error("the Assertion must be a direct child of the Response")]
    AssertionPosition,
    /// An EncryptedAssertion where the profile refuses them.
    #[error("encrypted assertions are not accepted by this profile")]
    EncryptedAssertion,
    /// An EncryptedAssertion, and no SP decryption key is configured
    /// (feature `xmlenc`).
    #[error("the assertion is encrypted and no SP decryption key is configured")]
    DecryptionKeyNotConfigured,
    /// A plaintext Assertion where the policy requires encrypted ones
    /// (feature `xmlenc`).
    #[error("the Assertion is not encrypted, and this policy requires encrypted assertions")]
    EncryptionRequired,
    /// A `ds:Signature` somewhere other than on the Response or the Assertion.
    #[error("unexpected ds:Signature inside {0}")]
    UnexpectedSignature(Untrusted),
    /// The profile requires a Response signature and there is none.
    #[error("the Response is not signed")]
    ResponseNotSigned,
    /// No verified signature covers the Assertion.
    #[error("the Assertion is not signed")]
    AssertionNotSigned,
    /// An Issuer differs from the IdP's entity ID.
    #[error("issuer {found} is not the configured IdP {expected:?}")]
    Issuer {
        /// The configured entity ID.
        expected: String,
        /// What the response says.
        found: Untrusted,
    },
    /// Destination not in the allowed set.
    #[error("Destination {found} is not an accepted ACS URL")]
    Destination {
        /// What the response says.
        found: Untrusted,
        /// The profile that refused it.
        profile: &'static str,
    },
    /// Recipient missing or not in the allowed set.
    #[error("SubjectConfirmationData Recipient {} is not an accepted ACS URL", found.as_ref().map_or_else(|| "(missing)".to_string(), ToString::to_string))]
    Recipient {
        /// What the response says (`None`: no Recipient).
        found: Option<Untrusted>,
        /// The profile that refused it.
        profile: &'static str,
    },
    /// The confirmation method is not bearer.
    #[error("the SubjectConfirmation method must be bearer, found {0}")]
    NotBearer(Untrusted),
    /// SubjectConfirmationData has no NotOnOrAfter.
    #[error("SubjectConfirmationData has no NotOnOrAfter")]
    MissingNotOnOrAfter,
    /// A window whose NotBefore is not before its NotOnOrAfter: valid never.
    #[error("the validity window is empty: NotBefore {} is not before NotOnOrAfter {}", rfc3339(*not_before), rfc3339(*not_on_or_after))]
    EmptyWindow {
        /// Its NotBefore.
        not_before: DateTime<Utc>,
        /// Its NotOnOrAfter.
        not_on_or_after: DateTime<Utc>,
    },
    /// A NotBefore is in the future (beyond the skew).
    #[error("not valid before {}", rfc3339(*.0))]
    NotYetValid(DateTime<Utc>),
    /// A NotOnOrAfter has passed (beyond the skew).
    #[error("expired at {}", rfc3339(*.0))]
    Expired(DateTime<Utc>),
    /// IssueInstant in the future (beyond the skew).
    #[error("issued in the future ({})", rfc3339(*.0))]
    IssuedInFuture(DateTime<Utc>),
    /// Older than the profile's freshness window.
    #[error("issued at {}, more than {} s (plus the clock skew) before now", rfc3339(*issued), max_age_seconds)]
    TooOld {
        /// IssueInstant.
        issued: DateTime<Utc>,
        /// The freshness window.
        max_age_seconds: i64,
    },
    /// The authentication session ended.
    #[error("the IdP session ended at {}", rfc3339(*.0))]
    SessionExpired(DateTime<Utc>),
    /// No AudienceRestriction at all.
    #[error("the Assertion has no AudienceRestriction")]
    NoAudienceRestriction,
    /// An AudienceRestriction without an accepted audience.
    #[error("audience {} is not accepted", list(found))]
    Audience {
        /// The restriction's audiences.
        found: Vec<Untrusted>,
        /// The profile that refused it.
        profile: &'static str,
    },
    /// A condition this profile does not allow or that nobody understands.
    #[error("unsupported condition {0}")]
    UnsupportedCondition(Untrusted),
    /// InResponseTo required but absent.
    #[error("InResponseTo is missing (IdP-initiated sign-in)")]
    InResponseToMissing,
    /// InResponseTo differs from the request (or between Response and Assertion).
    #[error("InResponseTo {found} does not match the request {expected}")]
    InResponseTo {
        /// The request ID expected.
        expected: Untrusted,
        /// What the response says.
        found: Untrusted,
    },
    /// An SP-initiated profile validated without the request's ID.
    #[error("this profile answers only requests it sent: the request ID is required to validate")]
    RequestIdRequired,
    /// The assertion ID was accepted before.
    #[error("assertion {0} was already used")]
    Replayed(Untrusted),
}

/// What is wrong with the Response's Status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusProblem {
    /// No Status.
    Missing,
    /// More than one Status.
    Repeated,
    /// No top-level StatusCode, or no Value on it.
    NoCode,
    /// More than one top-level StatusCode.
    SeveralCodes,
}

impl std::fmt::Display for StatusProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Missing => "no Status",
            Self::Repeated => "more than one Status",
            Self::NoCode => "no StatusCode Value",
            Self::SeveralCodes => "more than one top-level StatusCode",
        })
    }
}

fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

fn list(values: &[Untrusted]) -> String {
    values.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

const CLIENT_VPN: &str = "clientvpn";
const AWS_CONSOLE: &str = "aws-console";
const CLIENT_VPN_AUDIENCE: &str = "urn:amazon:webservices:clientvpn";

impl PolicyError {
    /// The stable kind.
    pub fn kind(&self) -> ErrorKind {
        use ErrorKind as K;
        match self {
            Self::NotAResponse => K::NotAResponse,
            Self::Version => K::UnsupportedVersion,
            Self::Status(_) => K::StatusNotSuccess,
            Self::MalformedStatus(_) => K::MalformedStatus,
            Self::AssertionCount(_) => K::AssertionCount,
            Self::AssertionPosition => K::AssertionPosition,
            Self::EncryptedAssertion => K::EncryptedAssertion,
            Self::DecryptionKeyNotConfigured => K::DecryptionKeyNotConfigured,
            Self::EncryptionRequired => K::EncryptionRequired,
            Self::UnexpectedSignature(_) => K::UnexpectedSignature,
            Self::ResponseNotSigned => K::ResponseNotSigned,
            Self::AssertionNotSigned => K::AssertionNotSigned,
            Self::Issuer { .. } => K::IssuerMismatch,
            Self::Destination { .. } => K::DestinationMismatch,
            Self::Recipient { .. } => K::RecipientMismatch,
            Self::NotBearer(_) => K::NotBearer,
            Self::MissingNotOnOrAfter => K::MissingNotOnOrAfter,
            Self::EmptyWindow { .. } => K::EmptyValidityWindow,
            Self::NotYetValid(_) => K::NotYetValid,
            Self::Expired(_) => K::Expired,
            Self::IssuedInFuture(_) => K::IssuedInFuture,
            Self::TooOld { .. } => K::ResponseTooOld,
            Self::SessionExpired(_) => K::SessionExpired,
            Self::NoAudienceRestriction => K::NoAudienceRestriction,
            Self::Audience { .. } => K::AudienceMismatch,
            Self::UnsupportedCondition(_) => K::UnsupportedCondition,
            Self::InResponseToMissing => K::InResponseToMissing,
            Self::InResponseTo { .. } => K::InResponseToMismatch,
            Self::RequestIdRequired => K::RequestIdRequired,
            Self::Replayed(_) => K::ReplayedAssertion,
        }
    }

    /// What to change, in Entra and AWS terms, when the refusal stems from a
    /// typical misconfiguration.
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self {
            Self::ResponseNotSigned => {
                "in Entra (Enterprise application > Single sign-on > SAML Certificates) set Signing Option to 'Sign SAML response and assertion'"
            }
            Self::AssertionNotSigned => {
                "in Entra set Signing Option to 'Sign SAML assertion' or 'Sign SAML response and assertion'"
            }
            Self::EncryptedAssertion => {
                "turn off token encryption for this application in Entra (Enterprise application > Single sign-on > Token encryption)"
            }
            Self::DecryptionKeyNotConfigured => {
                "configure the SP's private key whose certificate Entra encrypts to (Enterprise application > Single sign-on > Token encryption); in AWS it is the private key added to the IAM SAML provider. Or turn off token encryption in Entra"
            }
            Self::EncryptionRequired => {
                "activate token encryption for this application in Entra (Enterprise application > Single sign-on > Token encryption) with the SP's certificate, or accept plaintext assertions (in AWS: the IAM SAML provider's assertion encryption mode Allowed)"
            }
            Self::Issuer { .. } => {
                "the response comes from another IdP or tenant: the trusted metadata must be this Entra tenant's Federation Metadata"
            }
            Self::Destination { profile, .. } | Self::Recipient { profile, .. } => match *profile {
                CLIENT_VPN => {
                    "the Entra app's Reply URL (Assertion Consumer Service URL) must be http://127.0.0.1:35001 (self-service portal: https://self-service.clientvpn.amazonaws.com/api/auth/sso/saml)"
                }
                AWS_CONSOLE => {
                    "the Entra app's Reply URL (Assertion Consumer Service URL) must be an AWS sign-in endpoint such as https://signin.aws.amazon.com/saml"
                }
                _ => {
                    "the Entra app's Reply URL (Assertion Consumer Service URL) does not match this service's ACS URL"
                }
            },
            Self::Audience { found, profile } => return audience_hint(found, profile),
            Self::NoAudienceRestriction => {
                "the IdP must restrict the assertion to this service (AudienceRestriction)"
            }
            Self::NotYetValid(_) | Self::IssuedInFuture(_) => {
                "clocks disagree: check NTP on this host and on the IdP side, or allow more clock skew"
            }
            Self::Expired(_) => {
                "the response expired: check this host's clock (or the allowed clock skew); a response is valid only minutes after Entra issues it"
            }
            Self::TooOld { .. } => {
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
            Self::Replayed(_) => "this response was already used: start the sign-in again",
            _ => return None,
        })
    }
}

/// A hint for an audience refusal that never names the profile in use.
fn audience_hint(found: &[Untrusted], profile: &str) -> Option<&'static str> {
    let console = found.iter().any(|a| {
        let a = a.as_str_less_safe();
        a.contains("signin.aws.amazon.com") || a == "urn:amazon:webservices"
    });
    let vpn = found.iter().any(|a| a.as_str_less_safe() == CLIENT_VPN_AUDIENCE);
    Some(match profile {
        CLIENT_VPN if console => {
            "this is an AWS console response (audience https://signin.aws.amazon.com/saml): the Entra app's Identifier (Entity ID) must be urn:amazon:webservices:clientvpn for Client VPN, or validate it under the AWS console profile"
        }
        AWS_CONSOLE if vpn => {
            "this is an AWS Client VPN response: validate it under the Client VPN profile, or set the Entra app's Identifier (Entity ID) to https://signin.aws.amazon.com/saml for the AWS console"
        }
        CLIENT_VPN => "the Entra app's Identifier (Entity ID) must be urn:amazon:webservices:clientvpn",
        AWS_CONSOLE => {
            "the Entra app's Identifier (Entity ID) must be https://signin.aws.amazon.com/saml (or urn:amazon:webservices)"
        }
        _ if console || vpn => {
            "this is an AWS response: validate it under the AWS profile it was made for, or set the Entra app's Identifier (Entity ID) to this service's"
        }
        _ => "the Entra app's Identifier (Entity ID) does not match the audience this service expects",
    })
}
