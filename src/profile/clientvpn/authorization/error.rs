//! [`RulesError`]: why a set of authorization rules was refused.

use std::fmt;

use super::cidr::Cidr;
use crate::{ErrorKind, Untrusted};

/// Which rule an error is about: its position in the `AuthorizationRules`
/// list (counted from 0, as in the JSON) and, when they could be read, its
/// `DestinationCidr` and `Description` as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRef {
    /// Index in the `AuthorizationRules` array.
    pub index: usize,
    /// `DestinationCidr`, when it is present and a string.
    pub destination_cidr: Option<Untrusted>,
    /// `Description`, when it is present and a string.
    pub description: Option<Untrusted>,
}

impl fmt::Display for RuleRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AuthorizationRules[{}]", self.index)?;
        match (&self.destination_cidr, &self.description) {
            (Some(cidr), Some(description)) => {
                write!(f, " (DestinationCidr {cidr}, Description {description})")
            }
            (Some(cidr), None) => write!(f, " (DestinationCidr {cidr})"),
            (None, Some(description)) => write!(f, " (Description {description})"),
            (None, None) => Ok(()),
        }
    }
}

/// Where in the document a field is: the top-level object, one rule, or the
/// `Status` object of one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Location {
    /// The top-level object.
    Document,
    /// One element of `AuthorizationRules`.
    Rule(RuleRef),
    /// The `Status` object of one rule.
    Status(RuleRef),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Document => f.write_str("the rules JSON"),
            Self::Rule(rule) => rule.fmt(f),
            Self::Status(rule) => write!(f, "{rule}.Status"),
        }
    }
}

/// Why authorization rules could not be loaded. Every variant has its own
/// [`ErrorKind`]; text from the file is kept as [`Untrusted`] and shown
/// escaped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RulesError {
    /// The input is longer than [`MAX_RULES_BYTES`](super::MAX_RULES_BYTES).
    #[error("the authorization rules are {len} bytes, more than the limit of {limit}")]
    TooLarge {
        /// Input length in bytes.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// Not UTF-8, or UTF-8 behind a byte order mark.
    #[error("the authorization rules are not plain UTF-8 text")]
    Encoding,
    /// Not JSON.
    #[error("the authorization rules are not valid JSON (line {line}, column {column})")]
    Json {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
    },
    /// A required field is absent.
    #[error("{location}: {field} is missing")]
    MissingField {
        /// The object that lacks it.
        location: Location,
        /// The field's name.
        field: &'static str,
    },
    /// A field of the wrong JSON type.
    #[error("{location}: {field} is not {expected}")]
    FieldType {
        /// The object holding it.
        location: Location,
        /// The field's name.
        field: &'static str,
        /// What it must be, for example "a string".
        expected: &'static str,
    },
    /// The same key twice in one object: which one counts would depend on the
    /// reader, so neither does.
    #[error("{location}: the key {field} appears more than once")]
    DuplicateField {
        /// The object holding it.
        location: Location,
        /// The key as received.
        field: Untrusted,
    },
    /// The output holds a `NextToken`: it is one page of the rules, and a
    /// missing more specific rule would change decisions.
    #[error("the output holds a NextToken: it is only one page of the endpoint's rules")]
    Incomplete,
    /// `DestinationCidr` is not a CIDR.
    #[error("{rule}: DestinationCidr is not an IPv4 or IPv6 CIDR (address/prefix length)")]
    InvalidCidr {
        /// The rule.
        rule: RuleRef,
    },
    /// `DestinationCidr` has bits set past its prefix length.
    #[error("{rule}: DestinationCidr has host bits set past the prefix length; the network is {network}")]
    CidrHostBits {
        /// The rule.
        rule: RuleRef,
        /// The network with those bits cleared.
        network: Cidr,
    },
    /// `DestinationCidr` is an IPv6 range inside `::ffff:0:0/96`.
    #[error("{rule}: DestinationCidr is an IPv4-mapped IPv6 range; write the IPv4 CIDR instead")]
    MappedIpv6Cidr {
        /// The rule.
        rule: RuleRef,
    },
    /// `AccessAll` is true and a `GroupId` is set too.
    #[error(
        "{rule}: AccessAll is true and GroupId {group} is set; a rule grants either all users or one group"
    )]
    BothGrants {
        /// The rule.
        rule: RuleRef,
        /// The `GroupId`.
        group: Untrusted,
    },
    /// `AccessAll` is false and there is no (or an empty) `GroupId`.
    #[error("{rule}: AccessAll is false and there is no GroupId, so the rule grants nobody")]
    NoGrant {
        /// The rule.
        rule: RuleRef,
    },
    /// A `Status.Code` other than `authorizing`, `active`, `failed`, `revoking`.
    #[error("{rule}: Status.Code {code} is none of authorizing, active, failed, revoking")]
    UnknownStatus {
        /// The rule.
        rule: RuleRef,
        /// The code as received.
        code: Untrusted,
    },
    /// Rules of two Client VPN endpoints in one set.
    #[error(
        "{rule}: ClientVpnEndpointId {found} differs from the first rule's {first}; load one endpoint's rules at a time"
    )]
    MixedEndpoints {
        /// The first rule with another endpoint.
        rule: RuleRef,
        /// The first rule's endpoint.
        first: Untrusted,
        /// This rule's endpoint.
        found: Untrusted,
    },
}

impl RulesError {
    /// The stable kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::TooLarge { .. } => ErrorKind::AuthorizationRulesTooLarge,
            Self::Encoding => ErrorKind::AuthorizationRulesEncoding,
            Self::Json { .. } => ErrorKind::AuthorizationRulesJson,
            Self::MissingField { .. } => ErrorKind::AuthorizationRulesMissingField,
            Self::FieldType { .. } => ErrorKind::AuthorizationRulesFieldType,
            Self::DuplicateField { .. } => ErrorKind::AuthorizationRulesDuplicateField,
            Self::Incomplete => ErrorKind::AuthorizationRulesIncomplete,
            Self::InvalidCidr { .. } => ErrorKind::AuthorizationRulesInvalidCidr,
            Self::CidrHostBits { .. } => ErrorKind::AuthorizationRulesCidrHostBits,
            Self::MappedIpv6Cidr { .. } => ErrorKind::AuthorizationRulesMappedIpv6Cidr,
            Self::BothGrants { .. } => ErrorKind::AuthorizationRulesBothGrants,
            Self::NoGrant { .. } => ErrorKind::AuthorizationRulesNoGrant,
            Self::UnknownStatus { .. } => ErrorKind::AuthorizationRulesUnknownStatus,
            Self::MixedEndpoints { .. } => ErrorKind::AuthorizationRulesMixedEndpoints,
        }
    }

    /// What to do about it, when there is a usual fix.
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self {
            Self::Encoding => {
                "save the output as UTF-8 without a byte order mark (Windows PowerShell 5 writes UTF-16 with '>'; use '| Out-File -Encoding utf8NoBOM' or PowerShell 7)"
            }
            Self::Json { .. } | Self::MissingField { .. } | Self::FieldType { .. } => {
                "pass the unmodified output of 'aws ec2 describe-client-vpn-authorization-rules --client-vpn-endpoint-id <id> --output json'"
            }
            Self::Incomplete => {
                "run the command without --max-items / --no-paginate so that the AWS CLI fetches every page"
            }
            Self::MixedEndpoints { .. } => "describe one Client VPN endpoint per file",
            _ => return None,
        })
    }
}
