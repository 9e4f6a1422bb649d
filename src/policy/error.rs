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
    /// An audience, Destination or Recipient that is the SP URL of another
    /// IAM Identity Center instance or Region than the configured one (or
    /// its other endpoint). Its kind is the field's: `audience_mismatch`,
    /// `destination_mismatch` or `recipient_mismatch`.
    #[error("{field} {found} is not the configured IAM Identity Center value {expected:?}: {differs}")]
    OtherIdentityCenter {
        /// Which value.
        field: SpField,
        /// What the response says.
        found: Untrusted,
        /// The configured value it was compared with.
        expected: String,
        /// What differs.
        differs: InstancePart,
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

/// A response value that names the service provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SpField {
    /// The AudienceRestriction's Audience (Entra's Identifier).
    Audience,
    /// The Response's Destination (Entra's Reply URL).
    Destination,
    /// The SubjectConfirmationData's Recipient (Entra's Reply URL).
    Recipient,
}

impl std::fmt::Display for SpField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Audience => "audience",
            Self::Destination => "Destination",
            Self::Recipient => "SubjectConfirmationData Recipient",
        })
    }
}

/// How an IAM Identity Center SP URL differs from the configured one
/// (`https://<region>.signin.aws.amazon.com/platform/saml/<id>`, and
/// `…/platform/saml/acs/<id>` for the ACS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InstancePart {
    /// The Region (the host) differs; the instance ID is the same.
    Region,
    /// The instance ID differs; the Region is the same.
    Id,
    /// Both the Region and the instance ID differ.
    RegionAndId,
    /// It is the other endpoint: the entity ID where the ACS is expected, or
    /// the reverse.
    Endpoint,
}

impl std::fmt::Display for InstancePart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Region => "another AWS Region, same instance ID",
            Self::Id => "another instance ID, same AWS Region",
            Self::RegionAndId => "another AWS Region and instance ID",
            Self::Endpoint => "the other endpoint (entity ID and ACS URL swapped)",
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
const IDENTITY_CENTER: &str = "identity-center";
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
            Self::OtherIdentityCenter { field, .. } => match field {
                SpField::Audience => K::AudienceMismatch,
                SpField::Destination => K::DestinationMismatch,
                SpField::Recipient => K::RecipientMismatch,
            },
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
                IDENTITY_CENTER => {
                    "the Entra app's Reply URL (Assertion Consumer Service URL) must be the AssertionConsumerService Location of this IAM Identity Center's SAML metadata (https://<region>.signin.aws.amazon.com/platform/saml/acs/<ID>)"
                }
                _ => {
                    "the Entra app's Reply URL (Assertion Consumer Service URL) does not match this service's ACS URL"
                }
            },
            Self::Audience { found, profile } => return audience_hint(found, profile),
            Self::OtherIdentityCenter { field, differs, .. } => other_identity_center_hint(*field, *differs),
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

/// A hint for an Identity Center SP URL of another instance, Region or
/// endpoint.
fn other_identity_center_hint(field: SpField, differs: InstancePart) -> &'static str {
    match (field, differs) {
        (_, InstancePart::Endpoint) => {
            "the Entra app's Identifier and Reply URL are swapped: the Identifier (Entity ID) is IAM Identity Center's https://<region>.signin.aws.amazon.com/platform/saml/<ID>, the Reply URL its https://<region>.signin.aws.amazon.com/platform/saml/acs/<ID>"
        }
        (SpField::Audience, InstancePart::Region) => {
            "the Entra app's Identifier (Entity ID) comes from IAM Identity Center in another AWS Region: copy the Identifier and Reply URL again from this instance's SAML metadata (IAM Identity Center console > Settings > Identity source)"
        }
        (SpField::Audience, InstancePart::Id) => {
            "the Entra app's Identifier (Entity ID) comes from another IAM Identity Center instance: copy the Identifier and Reply URL again from this instance's SAML metadata (IAM Identity Center console > Settings > Identity source)"
        }
        (SpField::Audience, _) => {
            "the Entra app's Identifier (Entity ID) comes from another IAM Identity Center instance in another AWS Region: copy the Identifier and Reply URL again from this instance's SAML metadata (IAM Identity Center console > Settings > Identity source)"
        }
        (_, InstancePart::Region) => {
            "the Entra app's Reply URL (Assertion Consumer Service URL) comes from IAM Identity Center in another AWS Region: copy it again from this instance's SAML metadata (IAM Identity Center console > Settings > Identity source)"
        }
        (_, InstancePart::Id) => {
            "the Entra app's Reply URL (Assertion Consumer Service URL) comes from another IAM Identity Center instance: copy it again from this instance's SAML metadata (IAM Identity Center console > Settings > Identity source)"
        }
        (_, _) => {
            "the Entra app's Reply URL (Assertion Consumer Service URL) comes from another IAM Identity Center instance in another AWS Region: copy it again from this instance's SAML metadata (IAM Identity Center console > Settings > Identity source)"
        }
    }
}

/// A hint for an audience refusal that never names the profile in use.
fn audience_hint(found: &[Untrusted], profile: &str) -> Option<&'static str> {
    let identity_center =
        found.iter().any(|a| crate::trust::platform_url::PlatformUrl::parse(a.as_str_less_safe()).is_some());
    let console = !identity_center
        && found.iter().any(|a| {
            let a = a.as_str_less_safe();
            a.contains("signin.aws.amazon.com") || a == "urn:amazon:webservices"
        });
    let vpn = found.iter().any(|a| a.as_str_less_safe() == CLIENT_VPN_AUDIENCE);
    Some(match profile {
        IDENTITY_CENTER if console || vpn => {
            "this response was made for Entra's AWS console or Client VPN application: sign in through the Entra application for IAM Identity Center (its Identifier is https://<region>.signin.aws.amazon.com/platform/saml/<ID>), or validate the response under the profile of the service it was made for"
        }
        IDENTITY_CENTER => {
            "the Entra app's Identifier (Entity ID) must be the entityID of this IAM Identity Center's SAML metadata (https://<region>.signin.aws.amazon.com/platform/saml/<ID>)"
        }
        CLIENT_VPN | AWS_CONSOLE if identity_center => {
            "this is an IAM Identity Center response (audience https://<region>.signin.aws.amazon.com/platform/saml/<ID>): validate it under the Identity Center profile, or sign in through the Entra application of this service"
        }
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
        _ if console || vpn || identity_center => {
            "this is an AWS response: validate it under the AWS profile it was made for, or set the Entra app's Identifier (Entity ID) to this service's"
        }
        _ => "the Entra app's Identifier (Entity ID) does not match the audience this service expects",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hint may suggest another profile, never the one already in use.
    #[test]
    fn hints_never_suggest_the_profile_in_use() {
        let audiences = [
            "https://signin.aws.amazon.com/saml",
            "urn:amazon:webservices",
            CLIENT_VPN_AUDIENCE,
            "https://sp.example.com/metadata",
        ];
        let audiences = [
            audiences[0],
            audiences[1],
            audiences[2],
            audiences[3],
            "https://eu-west-1.signin.aws.amazon.com/platform/saml/d-1",
        ];
        for (profile, own) in [
            (CLIENT_VPN, "Client VPN profile"),
            (AWS_CONSOLE, "AWS console profile"),
            (IDENTITY_CENTER, "Identity Center profile"),
            ("generic", "generic profile"),
        ] {
            for audience in audiences {
                let error = PolicyError::Audience { found: vec![audience.into()], profile };
                let hint = error.hint().unwrap_or_default();
                assert!(!hint.contains(own), "{profile} with {audience}: {hint}");
            }
            for error in [
                PolicyError::Destination { found: "https://x".into(), profile },
                PolicyError::Recipient { found: None, profile },
            ] {
                let hint = error.hint().unwrap_or_default();
                assert!(!hint.contains(own) && !hint.contains("--"), "{hint}");
            }
        }
    }

    /// Hints speak Entra and AWS: command-line flags belong to the CLI.
    #[test]
    fn hints_name_no_command_line_flags() {
        let samples = [
            PolicyError::ResponseNotSigned,
            PolicyError::AssertionNotSigned,
            PolicyError::EncryptedAssertion,
            PolicyError::Issuer { expected: "a".into(), found: "b".into() },
            PolicyError::NoAudienceRestriction,
            PolicyError::NotYetValid(DateTime::<Utc>::MIN_UTC),
            PolicyError::Expired(DateTime::<Utc>::MIN_UTC),
            PolicyError::TooOld { issued: DateTime::<Utc>::MIN_UTC, max_age_seconds: 300 },
            PolicyError::UnsupportedCondition("x".into()),
            PolicyError::InResponseToMissing,
            PolicyError::InResponseTo { expected: "a".into(), found: "b".into() },
            PolicyError::Replayed("a".into()),
        ];
        let other_instances =
            [SpField::Audience, SpField::Destination, SpField::Recipient].into_iter().flat_map(|field| {
                [InstancePart::Region, InstancePart::Id, InstancePart::RegionAndId, InstancePart::Endpoint]
                    .map(|differs| PolicyError::OtherIdentityCenter {
                        field,
                        found: "x".into(),
                        expected: String::new(),
                        differs,
                    })
            });
        for error in samples.into_iter().chain(other_instances) {
            let hint = error.hint().expect("a hint");
            assert!(!hint.contains("--"), "{hint}");
        }
    }

    /// An Identity Center SP URL of another instance says which part
    /// differs, in the message and in the hint, under the field's kind.
    #[test]
    fn other_identity_center_says_what_differs() {
        let error = |field, differs| PolicyError::OtherIdentityCenter {
            field,
            found: "https://us-west-2.signin.aws.amazon.com/platform/saml/d-1".into(),
            expected: "https://eu-west-1.signin.aws.amazon.com/platform/saml/d-1".into(),
            differs,
        };
        let audience = error(SpField::Audience, InstancePart::Region);
        assert_eq!(audience.kind(), ErrorKind::AudienceMismatch);
        assert!(audience.to_string().contains("another AWS Region, same instance ID"), "{audience}");
        assert!(
            audience
                .hint()
                .unwrap()
                .contains("Identifier (Entity ID) comes from IAM Identity Center in another AWS Region")
        );
        let id = error(SpField::Audience, InstancePart::Id);
        assert!(id.hint().unwrap().contains("another IAM Identity Center instance:"));
        let destination = error(SpField::Destination, InstancePart::RegionAndId);
        assert_eq!(destination.kind(), ErrorKind::DestinationMismatch);
        assert!(destination.hint().unwrap().contains("Reply URL (Assertion Consumer Service URL) comes from another IAM Identity Center instance in another AWS Region"));
        let recipient = error(SpField::Recipient, InstancePart::Endpoint);
        assert_eq!(recipient.kind(), ErrorKind::RecipientMismatch);
        assert!(recipient.hint().unwrap().contains("swapped"));
    }

    /// The wrong Entra application: a console or Client VPN response sent to
    /// Identity Center, and the reverse.
    #[test]
    fn audience_hints_name_the_application_it_was_made_for() {
        let hint = |audience: &str, profile| {
            PolicyError::Audience { found: vec![audience.into()], profile }.hint().unwrap_or_default()
        };
        for audience in ["https://signin.aws.amazon.com/saml", "urn:amazon:webservices", CLIENT_VPN_AUDIENCE]
        {
            assert!(
                hint(audience, IDENTITY_CENTER).contains("AWS console or Client VPN application"),
                "{audience}"
            );
        }
        assert!(
            hint("https://sp.example.com", IDENTITY_CENTER).contains("entityID of this IAM Identity Center")
        );
        let idc = "https://eu-west-1.signin.aws.amazon.com/platform/saml/d-1";
        for profile in [CLIENT_VPN, AWS_CONSOLE] {
            assert!(hint(idc, profile).contains("IAM Identity Center response"), "{profile}");
        }
        assert!(hint(idc, "generic").contains("AWS response"));
    }
}
