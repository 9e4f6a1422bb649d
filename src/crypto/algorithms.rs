//! The signature and digest algorithms samlguard accepts, each named by one
//! URI in one table.

/// A signature algorithm samlguard can verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// `http://www.w3.org/2001/04/xmldsig-more#rsa-sha256`
    RsaSha256,
    /// `http://www.w3.org/2001/04/xmldsig-more#rsa-sha384`
    RsaSha384,
    /// `http://www.w3.org/2001/04/xmldsig-more#rsa-sha512`
    RsaSha512,
    /// `http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256` (P-256 keys)
    EcdsaSha256,
    /// `http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384` (P-384 keys)
    EcdsaSha384,
    /// `http://www.w3.org/2000/09/xmldsig#rsa-sha1`, only with the SHA-1 opt-in.
    RsaSha1,
}

/// (algorithm, URI, short name): the only place these URIs are written.
const SIGNATURE_ALGORITHMS: [(SignatureAlgorithm, &str, &str); 6] = [
    (SignatureAlgorithm::RsaSha256, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "rsa-sha256"),
    (SignatureAlgorithm::RsaSha384, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384", "rsa-sha384"),
    (SignatureAlgorithm::RsaSha512, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", "rsa-sha512"),
    (SignatureAlgorithm::EcdsaSha256, "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", "ecdsa-sha256"),
    (SignatureAlgorithm::EcdsaSha384, "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384", "ecdsa-sha384"),
    (SignatureAlgorithm::RsaSha1, "http://www.w3.org/2000/09/xmldsig#rsa-sha1", "rsa-sha1"),
];

impl SignatureAlgorithm {
    /// The algorithm a SignatureMethod URI names, if samlguard supports it.
    pub fn from_uri(uri: &str) -> Option<Self> {
        SIGNATURE_ALGORITHMS.iter().find(|(_, u, _)| *u == uri).map(|(a, _, _)| *a)
    }

    /// The SignatureMethod URI.
    pub fn uri(self) -> &'static str {
        SIGNATURE_ALGORITHMS.iter().find(|(a, _, _)| *a == self).map_or("", |(_, u, _)| u)
    }

    /// Short name (`rsa-sha256`, …).
    pub fn name(self) -> &'static str {
        SIGNATURE_ALGORITHMS.iter().find(|(a, _, _)| *a == self).map_or("", |(_, _, n)| n)
    }

    /// Whether it hashes with SHA-1.
    pub fn is_sha1(self) -> bool {
        self == Self::RsaSha1
    }
}

/// A digest algorithm samlguard can compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DigestAlgorithm {
    /// `http://www.w3.org/2001/04/xmlenc#sha256`
    Sha256,
    /// `http://www.w3.org/2001/04/xmldsig-more#sha384`
    Sha384,
    /// `http://www.w3.org/2001/04/xmlenc#sha512`
    Sha512,
    /// `http://www.w3.org/2000/09/xmldsig#sha1`, only with the SHA-1 opt-in.
    Sha1,
}

/// (algorithm, URI, short name): the only place these URIs are written.
const DIGEST_ALGORITHMS: [(DigestAlgorithm, &str, &str); 4] = [
    (DigestAlgorithm::Sha256, "http://www.w3.org/2001/04/xmlenc#sha256", "sha256"),
    (DigestAlgorithm::Sha384, "http://www.w3.org/2001/04/xmldsig-more#sha384", "sha384"),
    (DigestAlgorithm::Sha512, "http://www.w3.org/2001/04/xmlenc#sha512", "sha512"),
    (DigestAlgorithm::Sha1, "http://www.w3.org/2000/09/xmldsig#sha1", "sha1"),
];

impl DigestAlgorithm {
    /// The algorithm a DigestMethod URI names, if samlguard supports it.
    pub fn from_uri(uri: &str) -> Option<Self> {
        DIGEST_ALGORITHMS.iter().find(|(_, u, _)| *u == uri).map(|(a, _, _)| *a)
    }

    /// The DigestMethod URI.
    pub fn uri(self) -> &'static str {
        DIGEST_ALGORITHMS.iter().find(|(a, _, _)| *a == self).map_or("", |(_, u, _)| u)
    }

    /// Short name (`sha256`, …).
    pub fn name(self) -> &'static str {
        DIGEST_ALGORITHMS.iter().find(|(a, _, _)| *a == self).map_or("", |(_, _, n)| n)
    }

    /// Length of the digest in bytes.
    pub fn output_len(self) -> usize {
        self.ring().output_len()
    }

    /// The digest of `bytes`.
    pub fn digest(self, bytes: &[u8]) -> Vec<u8> {
        ring::digest::digest(self.ring(), bytes).as_ref().to_vec()
    }

    pub(crate) fn ring(self) -> &'static ring::digest::Algorithm {
        match self {
            Self::Sha256 => &ring::digest::SHA256,
            Self::Sha384 => &ring::digest::SHA384,
            Self::Sha512 => &ring::digest::SHA512,
            Self::Sha1 => &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
        }
    }
}

/// Which algorithms are acceptable. The default refuses SHA-1 everywhere.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Algorithms {
    /// Accept rsa-sha1 signatures and sha1 digests (legacy IdPs only; RSA keys
    /// of 1024 bits are then accepted for rsa-sha1).
    pub allow_sha1: bool,
}

impl Algorithms {
    /// The secure default: SHA-256 and up, no SHA-1.
    pub const STRICT: Self = Self { allow_sha1: false };
    /// Also accept SHA-1 signatures and digests.
    pub const ALLOW_SHA1: Self = Self { allow_sha1: true };
}

#[cfg(feature = "serde")]
impl serde::Serialize for SignatureAlgorithm {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for DigestAlgorithm {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_uri_maps_both_ways() {
        for (algorithm, uri, name) in SIGNATURE_ALGORITHMS {
            assert_eq!(SignatureAlgorithm::from_uri(uri), Some(algorithm));
            assert_eq!((algorithm.uri(), algorithm.name()), (uri, name));
        }
        for (algorithm, uri, name) in DIGEST_ALGORITHMS {
            assert_eq!(DigestAlgorithm::from_uri(uri), Some(algorithm));
            assert_eq!((algorithm.uri(), algorithm.name()), (uri, name));
            assert_eq!(algorithm.digest(b"abc").len(), algorithm.output_len());
        }
        assert_eq!(SignatureAlgorithm::from_uri("http://www.w3.org/2000/09/xmldsig#hmac-sha1"), None);
        assert_eq!(DigestAlgorithm::from_uri("http://www.w3.org/2001/04/xmldsig-more#md5"), None);
    }
}
