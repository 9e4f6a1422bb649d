//! IAM ARNs and the Role attribute's role / provider pairs.

use crate::profile::{ClaimError, RoleProblem};

/// The AWS partitions: an ARN naming any other is refused.
const PARTITIONS: [&str; 8] =
    ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];

/// An IAM ARN, `arn:<partition>:iam::<account>:<kind>/<name>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn {
    text: String,
    /// Where the partition ends and the resource starts in `text`.
    partition_end: usize,
    resource_start: usize,
}

impl Arn {
    fn parse(text: &str) -> Option<Self> {
        let mut parts = text.splitn(6, ':');
        let (prefix, partition, service, region, account, resource) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if prefix != "arn" || !PARTITIONS.contains(&partition) || service != "iam" || !region.is_empty() {
            return None;
        }
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (kind, name) = resource.split_once('/')?;
        let name_ok = !kind.is_empty()
            && !name.is_empty()
            && name.len() <= 512
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"_+=.@-/".contains(&b));
        name_ok.then(|| Self {
            text: text.to_string(),
            partition_end: 4 + partition.len(),
            resource_start: text.len() - resource.len(),
        })
    }

    /// The whole ARN.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// `aws`, `aws-cn`, `aws-us-gov`, …
    pub fn partition(&self) -> &str {
        &self.text[4..self.partition_end]
    }

    /// The 12-digit account ID.
    pub fn account(&self) -> &str {
        &self.text[self.resource_start - 13..self.resource_start - 1]
    }

    /// `role` or `saml-provider`.
    pub fn resource_type(&self) -> &str {
        self.resource().split_once('/').map_or("", |(kind, _)| kind)
    }

    /// The name after the resource type (a role name may hold a path).
    pub fn resource_name(&self) -> &str {
        self.resource().split_once('/').map_or("", |(_, name)| name)
    }

    fn resource(&self) -> &str {
        &self.text[self.resource_start..]
    }
}

impl std::fmt::Display for Arn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq<str> for Arn {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for Arn {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

/// One role the user may assume, with the SAML provider that vouches for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsRole {
    /// `arn:<partition>:iam::<account>:role/<name>`.
    pub role_arn: Arn,
    /// `arn:<partition>:iam::<account>:saml-provider/<name>`.
    pub provider_arn: Arn,
}

impl AwsRole {
    /// Reads a Role attribute value: exactly two comma-separated ARNs, one
    /// role and one saml-provider, in either order, same partition and account.
    pub(crate) fn parse(value: &str) -> Result<Self, ClaimError> {
        let bad = |problem| ClaimError::Role { value: value.into(), problem };
        let mut parts = value.split(',');
        let (Some(a), Some(b), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad(RoleProblem::NotAPair));
        };
        let (a, b) = (
            Arn::parse(a).ok_or(bad(RoleProblem::InvalidArn))?,
            Arn::parse(b).ok_or(bad(RoleProblem::InvalidArn))?,
        );
        let (role_arn, provider_arn) = match (a.resource_type(), b.resource_type()) {
            ("role", "saml-provider") => (a, b),
            ("saml-provider", "role") => (b, a),
            _ => return Err(bad(RoleProblem::Kinds)),
        };
        if role_arn.partition() != provider_arn.partition() || role_arn.account() != provider_arn.account() {
            return Err(bad(RoleProblem::DifferentAccounts));
        }
        Ok(Self { role_arn, provider_arn })
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for AwsRole {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("role_arn", self.role_arn.as_str())?;
        map.serialize_entry("provider_arn", self.provider_arn.as_str())?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLE: &str = "arn:aws:iam::123456789012:role/Admin";
    const PROVIDER: &str = "arn:aws:iam::123456789012:saml-provider/EntraID";

    #[test]
    fn role_pairs_in_either_order() {
        for value in [format!("{ROLE},{PROVIDER}"), format!("{PROVIDER},{ROLE}")] {
            let role = AwsRole::parse(&value).unwrap();
            assert_eq!(role.role_arn, ROLE);
            assert_eq!(role.provider_arn, PROVIDER);
            assert_eq!((role.role_arn.partition(), role.role_arn.account()), ("aws", "123456789012"));
            assert_eq!((role.role_arn.resource_type(), role.role_arn.resource_name()), ("role", "Admin"));
        }
    }

    #[test]
    fn anything_but_one_role_and_one_provider_is_refused() {
        let problem = |value: &str| match AwsRole::parse(value) {
            Err(ClaimError::Role { problem, .. }) => Some(problem),
            _ => None,
        };
        for (value, expected) in [
            (format!("{ROLE},{ROLE}"), RoleProblem::Kinds),
            (ROLE.to_string(), RoleProblem::NotAPair),
            // A third part must not slip into the role name (it allows commas in IAM).
            (format!("{PROVIDER},{ROLE},Evil"), RoleProblem::NotAPair),
            (format!("{ROLE},{PROVIDER},{PROVIDER}"), RoleProblem::NotAPair),
            (
                format!("{ROLE},arn:aws:iam::210987654321:saml-provider/EntraID"),
                RoleProblem::DifferentAccounts,
            ),
            (
                format!("{ROLE},arn:aws-cn:iam::123456789012:saml-provider/EntraID"),
                RoleProblem::DifferentAccounts,
            ),
            (format!("{ROLE}, {PROVIDER}"), RoleProblem::InvalidArn),
            (
                "arn:aws:iam::12345678901:role/A,arn:aws:iam::12345678901:saml-provider/B".into(),
                RoleProblem::InvalidArn,
            ),
            // A word starting with "aws" is not a partition.
            (
                "arn:awsevil:iam::123456789012:role/A,arn:awsevil:iam::123456789012:saml-provider/B".into(),
                RoleProblem::InvalidArn,
            ),
        ] {
            assert_eq!(problem(&value), Some(expected), "{value}");
        }
        let gov = "arn:aws-us-gov:iam::123456789012:role/A,arn:aws-us-gov:iam::123456789012:saml-provider/B";
        assert!(AwsRole::parse(gov).is_ok());
    }
}
