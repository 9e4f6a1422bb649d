//! A refused audience, Destination or Recipient that is the SP URL of
//! another IAM Identity Center (another instance, another Region, or the
//! other endpoint of the same one) is reported as such, so the refusal can
//! say which part of Entra's Identifier or Reply URL to fix.

use super::checks::Rules;
use super::settings::AcsUrls;
use super::{InstancePart, PolicyError, SpField};
use crate::trust::platform_url;

impl Rules<'_> {
    /// The refusal of `found` in `field` when it and a configured value are
    /// both Identity Center SP URLs; `None` otherwise (the caller reports
    /// the plain mismatch).
    pub(crate) fn other_identity_center(&self, field: SpField, found: &str) -> Option<PolicyError> {
        let configured: &[String] = match field {
            SpField::Audience => &self.settings.audiences,
            SpField::Destination | SpField::Recipient => match &self.settings.acs_urls {
                AcsUrls::Exact(urls) => urls,
                AcsUrls::Rule(_) => return None,
            },
        };
        configured.iter().find_map(|expected| {
            let difference = platform_url::difference(expected, found)?;
            let differs = match (difference.endpoint, difference.region, difference.id) {
                (true, _, _) => InstancePart::Endpoint,
                (false, true, true) => InstancePart::RegionAndId,
                (false, true, false) => InstancePart::Region,
                (false, false, _) => InstancePart::Id,
            };
            Some(PolicyError::OtherIdentityCenter {
                field,
                found: found.into(),
                expected: expected.clone(),
                differs,
            })
        })
    }
}
