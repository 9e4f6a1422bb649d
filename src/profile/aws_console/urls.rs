//! The AWS sign-in endpoints that may be a console response's ACS.

/// `https://signin.aws.amazon.com/saml`, its regional, China and GovCloud
/// hosts, `/static/saml`, and the `/saml/acs/<IdP-ID>` form of providers
/// with encryption.
pub(crate) fn is_aws_sign_in_url(url: &str) -> bool {
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
}
