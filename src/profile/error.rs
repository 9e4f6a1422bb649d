//! Why a profile refused the claims of a signed assertion.

use crate::kind::ErrorKind;
use crate::text::Untrusted;

/// Why a profile refused the claims of a signed, otherwise valid assertion.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClaimError {
    /// NameID missing, in the wrong format or not what the profile needs.
    #[error("NameID: {0}")]
    NameId(NameIdProblem),
    /// Client VPN: no memberOf attribute.
    #[error("the memberOf attribute (groups) is missing")]
    MissingGroups,
    /// Client VPN: Entra's group-overage claim instead of groups.
    #[error("Entra sent its group-overage claim instead of the groups")]
    GroupOverage,
    /// Client VPN: more groups than AWS uses.
    #[error("{0} groups; AWS Client VPN uses at most 200")]
    TooManyGroups(usize),
    /// Client VPN: an empty group ID or one over 255 characters.
    #[error("group ID {0} must be 1 to 255 characters")]
    GroupLength(Untrusted),
    /// Client VPN: a group ID with an invisible, bidi or control character.
    #[error("group ID {0} holds an invisible, bidi-override or control character")]
    GroupCharacters(Untrusted),
    /// A single-valued claim with several values.
    #[error("claim {name} must have exactly one value, found {count}")]
    NotSingleValued {
        /// The attribute name.
        name: &'static str,
        /// How many values it has.
        count: usize,
    },
    /// AWS console: no Role attribute.
    #[error("the https://aws.amazon.com/SAML/Attributes/Role attribute is missing")]
    MissingRole,
    /// AWS console: a Role value is not a role ARN + saml-provider ARN pair.
    #[error("Role {value}: {problem}")]
    Role {
        /// The value as received.
        value: Untrusted,
        /// What is wrong.
        problem: RoleProblem,
    },
    /// AWS console: RoleSessionName missing or not AWS's pattern.
    #[error("RoleSessionName {}: must match [\\w+=,.@-]{{2,64}}", .0.as_ref().map_or_else(|| "(missing)".to_string(), ToString::to_string))]
    RoleSessionName(Option<Untrusted>),
    /// AWS console: SessionDuration not an integer from 900 to 43200.
    #[error("SessionDuration {0} must be an integer from 900 to 43200")]
    SessionDuration(Untrusted),
    /// AWS console: SourceIdentity not AWS's pattern or starting with `aws:`.
    #[error("SourceIdentity {0} must match [\\w+=,.@-]{{2,64}} and not begin with aws:")]
    SourceIdentity(Untrusted),
    /// AWS console: session tags out of AWS's rules.
    #[error("session tags: {0}")]
    SessionTags(TagProblem),
    /// IAM Identity Center: `AccessControl:{TagKey}` attributes out of AWS's
    /// session-tag rules.
    #[error("access-control attributes: {0}")]
    AccessControlTags(TagProblem),
}

/// What is wrong with a NameID.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NameIdProblem {
    /// No NameID.
    Missing,
    /// An empty NameID.
    Empty,
    /// The profile needs another Format.
    Format {
        /// The Format the profile needs (`None`: any of AWS's list).
        expected: Option<&'static str>,
        /// The Format sent.
        found: Option<Untrusted>,
    },
    /// Longer than the profile allows.
    TooLong {
        /// The limit in characters.
        limit: usize,
    },
    /// Not an email address.
    NotAnEmail(Untrusted),
    /// Not an address of the RFC 2822 addr-spec form the profile accepts.
    NotAnAddrSpec {
        /// The value as received.
        value: Untrusted,
        /// What is wrong with it.
        problem: AddrSpecProblem,
    },
}

/// Why a NameID is not an addr-spec of the form IAM Identity Center's
/// profile accepts (see [`IdentityCenter`](crate::profile::IdentityCenter)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AddrSpecProblem {
    /// No `@`.
    NoAt,
    /// A character outside ASCII (RFC 2822 is ASCII; an internationalized
    /// domain must be in its `xn--` form).
    NonAscii,
    /// A quoted-string local part (`"john doe"@example.com`).
    QuotedLocalPart,
    /// The local part is not a dot-atom (empty, a leading, trailing or
    /// doubled dot, or a character outside RFC 2822's atext).
    LocalPart,
    /// A domain literal (`[192.0.2.1]`, `[IPv6:...]`) instead of a domain name.
    DomainLiteral,
    /// The domain is not a host name (labels of letters, digits and inner
    /// hyphens, 1 to 63 characters, separated by single dots).
    Domain,
}

impl std::fmt::Display for AddrSpecProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NoAt => "no @",
            Self::NonAscii => "a character outside ASCII",
            Self::QuotedLocalPart => "a quoted local part",
            Self::LocalPart => "the part before @ is not a dot-atom",
            Self::DomainLiteral => "a domain literal instead of a domain name",
            Self::Domain => "the part after @ is not a domain name",
        })
    }
}

impl std::fmt::Display for NameIdProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Missing => f.write_str("missing (a Subject NameID is required)"),
            Self::Empty => f.write_str("empty"),
            Self::Format { expected: Some(expected), found } => match found {
                Some(found) => write!(f, "format must be {expected}, found {found}"),
                None => write!(f, "format must be {expected}, found none"),
            },
            Self::Format { expected: None, found } => match found {
                Some(found) => write!(f, "format {found} is not accepted by AWS"),
                None => f.write_str("format is not accepted by AWS"),
            },
            Self::TooLong { limit } => write!(f, "longer than {limit} characters"),
            Self::NotAnEmail(value) => write!(f, "{value} is not an email address"),
            Self::NotAnAddrSpec { value, problem } => {
                write!(f, "{value} is not an RFC 2822 addr-spec name@domain: {problem}")
            }
        }
    }
}

/// What is wrong with a Role value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RoleProblem {
    /// Not two comma-separated ARNs.
    NotAPair,
    /// An ARN that is not an IAM ARN of a known AWS partition.
    InvalidArn,
    /// Not exactly one role ARN and one saml-provider ARN.
    Kinds,
    /// The role and the provider are in different partitions or accounts.
    DifferentAccounts,
}

impl std::fmt::Display for RoleProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NotAPair => "expected 'role ARN,saml-provider ARN'",
            Self::InvalidArn => "invalid ARN",
            Self::Kinds => "expected exactly one role ARN and one saml-provider ARN",
            Self::DifferentAccounts => "the role and the provider must be in the same partition and account",
        })
    }
}

/// What is wrong with the session tags.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TagProblem {
    /// A tag attribute without exactly one value.
    NotSingleValued(Untrusted),
    /// A key that is empty, too long, has other characters or starts with `aws:`.
    InvalidKey(Untrusted),
    /// A value too long or with other characters.
    InvalidValue(Untrusted),
    /// Two keys equal but for case.
    DuplicateKey(Untrusted),
    /// More than 50 tags.
    TooMany(usize),
    /// A TransitiveTagKeys entry that is not a session tag.
    UnknownTransitiveKey(Untrusted),
}

impl std::fmt::Display for TagProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotSingleValued(key) => write!(f, "tag {key} must have exactly one value"),
            Self::InvalidKey(key) => write!(f, "invalid tag key {key}"),
            Self::InvalidValue(key) => write!(f, "invalid value for tag {key}"),
            Self::DuplicateKey(key) => write!(f, "tag {key} appears twice (keys are case-insensitive)"),
            Self::TooMany(n) => write!(f, "{n} tags; AWS allows at most 50"),
            Self::UnknownTransitiveKey(key) => write!(f, "transitive key {key} is not a session tag"),
        }
    }
}

impl ClaimError {
    /// The stable kind.
    pub fn kind(&self) -> ErrorKind {
        use ErrorKind as K;
        match self {
            Self::NameId(_) => K::InvalidNameId,
            Self::MissingGroups => K::MissingGroups,
            Self::GroupOverage => K::GroupOverage,
            Self::TooManyGroups(_) | Self::GroupLength(_) | Self::GroupCharacters(_) => K::InvalidGroups,
            Self::NotSingleValued { .. } => K::InvalidClaim,
            Self::MissingRole => K::MissingRole,
            Self::Role { .. } => K::InvalidRole,
            Self::RoleSessionName(_) => K::InvalidRoleSessionName,
            Self::SessionDuration(_) => K::InvalidSessionDuration,
            Self::SourceIdentity(_) => K::InvalidSourceIdentity,
            Self::SessionTags(_) => K::InvalidSessionTags,
            Self::AccessControlTags(_) => K::InvalidAccessControlTags,
        }
    }

    /// What to change in Entra, when the refusal stems from a typical
    /// misconfiguration.
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self {
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
            Self::AccessControlTags(_) => {
                "in Entra (Attributes & Claims) each https://aws.amazon.com/SAML/Attributes/AccessControl:{TagKey} claim needs one value of at most 256 letters, digits, spaces and _ . : / = + - @, a key of 1 to 128 such characters not starting with aws:, keys differing in more than case, and at most 50 of them"
            }
            _ => return None,
        })
    }
}
