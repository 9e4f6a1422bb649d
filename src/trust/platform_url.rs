//! The shape of IAM Identity Center's SP URLs, to tell a response made for
//! another Identity Center instance or Region from one made for another
//! service: entity ID `https://<region>.signin.aws.amazon.com/platform/saml/<id>`,
//! ACS `https://<region>.signin.aws.amazon.com/platform/saml/acs/<id>` (and
//! the same paths on the China and GovCloud sign-in hosts).

/// Which of the two SP endpoints a URL is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// `/platform/saml/<id>`: the entity ID (Entra's Identifier).
    EntityId,
    /// `/platform/saml/acs/<id>`: the ACS (Entra's Reply URL).
    Acs,
}

/// An IAM Identity Center SP URL, split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PlatformUrl<'a> {
    /// The sign-in host without its Region (`signin.aws.amazon.com`, ...).
    pub(crate) partition: &'a str,
    /// The Region label of the host, when it has one.
    pub(crate) region: Option<&'a str>,
    pub(crate) endpoint: Endpoint,
    /// The instance's ID in the path.
    pub(crate) id: &'a str,
}

const SIGN_IN_HOSTS: [&str; 3] =
    ["signin.aws.amazon.com", "signin.amazonaws.cn", "signin.amazonaws-us-gov.com"];

/// `eu-west-1`, `us-gov-west-1`, `cn-north-1`: lowercase parts joined by
/// `-`, the last one digits.
fn is_region(label: &str) -> bool {
    let parts: Vec<&str> = label.split('-').collect();
    parts.len() >= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
        && parts.last().is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

impl<'a> PlatformUrl<'a> {
    /// The parts of `url` when it has Identity Center's shape.
    pub(crate) fn parse(url: &'a str) -> Option<Self> {
        let rest = url.strip_prefix("https://")?;
        let (host, path) = rest.split_once('/')?;
        let (region, partition) = SIGN_IN_HOSTS.iter().find_map(|base| {
            if host == *base {
                return Some((None, *base));
            }
            let region = host.strip_suffix(base)?.strip_suffix('.')?;
            is_region(region).then_some((Some(region), *base))
        })?;
        let path = path.strip_prefix("platform/saml/")?;
        let (endpoint, id) = match path.strip_prefix("acs/") {
            Some(id) => (Endpoint::Acs, id),
            None => (Endpoint::EntityId, path),
        };
        let id_ok = !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        id_ok.then_some(Self { partition, region, endpoint, id })
    }
}

/// How a received Identity Center URL differs from the configured one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Difference {
    /// The other endpoint of an instance (entity ID for ACS or the reverse).
    pub(crate) endpoint: bool,
    /// Another Region (or partition).
    pub(crate) region: bool,
    /// Another instance ID.
    pub(crate) id: bool,
}

/// How `found` differs from `configured` when both are Identity Center SP
/// URLs and they differ; `None` otherwise.
pub(crate) fn difference(configured: &str, found: &str) -> Option<Difference> {
    let (configured, found) = (PlatformUrl::parse(configured)?, PlatformUrl::parse(found)?);
    let difference = Difference {
        endpoint: configured.endpoint != found.endpoint,
        region: (configured.partition, configured.region) != (found.partition, found.region),
        id: configured.id != found.id,
    };
    (difference.endpoint || difference.region || difference.id).then_some(difference)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENTITY: &str = "https://eu-west-1.signin.aws.amazon.com/platform/saml/d-93677a1b2c";
    const ACS: &str = "https://eu-west-1.signin.aws.amazon.com/platform/saml/acs/4c2d1e8f-7a6b";

    #[test]
    fn identity_center_urls() {
        let entity = PlatformUrl::parse(ENTITY).unwrap();
        assert_eq!(
            (entity.region, entity.endpoint, entity.id),
            (Some("eu-west-1"), Endpoint::EntityId, "d-93677a1b2c")
        );
        let acs = PlatformUrl::parse(ACS).unwrap();
        assert_eq!((acs.endpoint, acs.id), (Endpoint::Acs, "4c2d1e8f-7a6b"));
        for ok in [
            "https://signin.aws.amazon.com/platform/saml/d-1",
            "https://cn-north-1.signin.amazonaws.cn/platform/saml/acs/x",
            "https://us-gov-west-1.signin.amazonaws-us-gov.com/platform/saml/d-1",
        ] {
            assert!(PlatformUrl::parse(ok).is_some(), "{ok}");
        }
        for bad in [
            "http://eu-west-1.signin.aws.amazon.com/platform/saml/d-1",
            "https://eu-west-1.signin.aws.amazon.com.evil.com/platform/saml/d-1",
            "https://evil.com/eu-west-1.signin.aws.amazon.com/platform/saml/d-1",
            "https://x.signin.aws.amazon.com/platform/saml/d-1",
            "https://eu-west-1.signin.aws.amazon.com/platform/saml/",
            "https://eu-west-1.signin.aws.amazon.com/platform/saml/acs/",
            "https://eu-west-1.signin.aws.amazon.com/platform/saml/d-1/x",
            "https://eu-west-1.signin.aws.amazon.com/platform/saml/d-1?x",
            "https://eu-west-1.signin.aws.amazon.com/saml",
            "https://signin.aws.amazon.com",
            "urn:amazon:webservices",
        ] {
            assert_eq!(PlatformUrl::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn differences() {
        let d = |configured, found| difference(configured, found);
        assert_eq!(d(ENTITY, ENTITY), None);
        assert_eq!(d(ENTITY, "urn:amazon:webservices"), None);
        assert_eq!(d("https://sp.example.com/metadata", ENTITY), None);
        let region = ENTITY.replace("eu-west-1", "us-west-2");
        assert_eq!(d(ENTITY, &region), Some(Difference { endpoint: false, region: true, id: false }));
        let global = ENTITY.replace("eu-west-1.", "");
        assert_eq!(d(ENTITY, &global), Some(Difference { endpoint: false, region: true, id: false }));
        let china = ENTITY.replace("eu-west-1.signin.aws.amazon.com", "eu-west-1.signin.amazonaws.cn");
        assert_eq!(d(ENTITY, &china), Some(Difference { endpoint: false, region: true, id: false }));
        let id = ENTITY.replace("d-93677a1b2c", "d-0000000000");
        assert_eq!(d(ENTITY, &id), Some(Difference { endpoint: false, region: false, id: true }));
        let both = region.replace("d-93677a1b2c", "d-0000000000");
        assert_eq!(d(ENTITY, &both), Some(Difference { endpoint: false, region: true, id: true }));
        assert_eq!(d(ENTITY, ACS).map(|d| d.endpoint), Some(true));
        assert_eq!(d(ACS, ENTITY).map(|d| d.endpoint), Some(true));
    }
}
