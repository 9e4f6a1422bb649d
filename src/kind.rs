//! [`ErrorKind`]: the stable name of every refusal and configuration error.
//!
//! A leaf module: every stage names it (each stage error's `kind()` returns
//! one), and it names nothing of the crate. Every kind has exactly one
//! snake_case string, unique across the crate; the CLI's JSON `kind`, logs and
//! users' `match` rely on it.

use std::fmt;

macro_rules! kinds {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, )*) => {
        /// What went wrong, as a stable, matchable value.
        ///
        /// ```
        /// use samlguard::ErrorKind;
        ///
        /// assert_eq!(ErrorKind::DigestMismatch.as_str(), "digest_mismatch");
        /// assert_eq!("digest_mismatch".parse::<ErrorKind>(), Ok(ErrorKind::DigestMismatch));
        /// assert_eq!(ErrorKind::DigestMismatch, "digest_mismatch");
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ErrorKind {
            $( $(#[$doc])* $variant, )*
        }

        impl ErrorKind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)*];

            /// The stable snake_case name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }
        }
    };
}

kinds! {
    // input: transport decoding
    /// Nothing but whitespace.
    InputEmpty = "input_empty",
    /// The input is longer than the input limit.
    InputTooLarge = "input_too_large",
    /// The decoded XML is longer than the limit.
    DecodedTooLarge = "decoded_too_large",
    /// The base64 text is not padded standard base64.
    InvalidBase64 = "invalid_base64",
    /// A malformed `application/x-www-form-urlencoded` body.
    InvalidFormEncoding = "invalid_form_encoding",
    /// A form body without a SAMLResponse field.
    MissingSamlResponse = "missing_saml_response",
    /// A form body with more than one SAMLResponse field.
    DuplicateSamlResponse = "duplicate_saml_response",
    /// A form field named like SAMLResponse but decorated.
    DecoratedSamlResponse = "decorated_saml_response",
    /// Neither XML nor something that decodes to XML.
    NotXml = "not_xml",

    // xml: the strict parser
    /// The document is larger than the XML limit.
    DocumentTooLarge = "document_too_large",
    /// Not UTF-8.
    Encoding = "encoding",
    /// A character XML 1.0 does not allow.
    InvalidCharacter = "invalid_character",
    /// A DOCTYPE.
    DoctypeNotAllowed = "doctype_not_allowed",
    /// An entity other than the five predefined ones.
    UnknownEntity = "unknown_entity",
    /// A malformed or disallowed character reference.
    InvalidCharacterReference = "invalid_character_reference",
    /// A malformed or misplaced XML declaration.
    XmlDeclaration = "xml_declaration",
    /// No root element.
    NoRootElement = "no_root_element",
    /// More than one root element.
    MultipleRootElements = "multiple_root_elements",
    /// Text outside the root element.
    TextOutsideRoot = "text_outside_root",
    /// An element not closed before the end.
    UnclosedElement = "unclosed_element",
    /// An end tag that does not match.
    MismatchedTag = "mismatched_tag",
    /// Two XML attributes with the same expanded name on one element.
    DuplicateXmlAttribute = "duplicate_xml_attribute",
    /// A namespace prefix without a binding.
    UnboundPrefix = "unbound_prefix",
    /// `xmlns:p=""`.
    EmptyPrefixBinding = "empty_prefix_binding",
    /// A namespace name that is not an absolute URI.
    RelativeNamespaceUri = "relative_namespace_uri",
    /// The `xml` / `xmlns` prefixes or names rebound.
    ReservedNamespace = "reserved_namespace",
    /// `<` in an attribute value.
    LessThanInAttribute = "less_than_in_attribute",
    /// `]]>` in text.
    CdataEndInText = "cdata_end_in_text",
    /// An invalid XML name.
    InvalidName = "invalid_name",
    /// Malformed markup of another kind.
    XmlSyntax = "xml_syntax",
    /// Nesting deeper than the limit.
    DepthLimit = "depth_limit",
    /// More nodes than the limit.
    NodeLimit = "node_limit",
    /// More attributes on one element than the limit.
    AttributeLimit = "attribute_limit",
    /// An attribute value longer than the limit.
    AttributeValueLimit = "attribute_value_limit",
    /// More namespace declarations than the limit.
    NamespaceLimit = "namespace_limit",
    /// Two attributes named ID with the same value.
    DuplicateId = "duplicate_id",

    // c14n
    /// The node to canonicalize is not an element.
    C14nNotAnElement = "c14n_not_an_element",
    /// The node to omit is not inside the canonicalized subtree.
    C14nOmitOutsideSubtree = "c14n_omit_outside_subtree",
    /// A PrefixList entry is neither an NCName nor `#default`.
    C14nInvalidPrefix = "c14n_invalid_prefix",
    /// A relative namespace name met while canonicalizing.
    C14nRelativeNamespace = "c14n_relative_namespace",

    // crypto: keys
    /// Not a usable X.509 certificate.
    InvalidCertificate = "invalid_certificate",
    /// PEM text without a CERTIFICATE block.
    NoCertificate = "no_certificate",
    /// A key type samlguard cannot verify with.
    UnsupportedKeyType = "unsupported_key_type",

    // dsig: the signature profile and the cryptography
    /// A required signature is absent.
    SignatureMissing = "signature_missing",
    /// A Signature that is not enveloped by the element it signs.
    SignaturePosition = "signature_position",
    /// Signature children missing, duplicated, out of order or unexpected.
    MalformedSignature = "malformed_signature",
    /// Not exactly one Reference.
    ReferenceCount = "reference_count",
    /// The Reference URI is not `#` + the signed element's ID.
    ReferenceUri = "reference_uri",
    /// Transforms other than the profile's.
    Transforms = "transforms",
    /// A CanonicalizationMethod outside the profile.
    CanonicalizationMethod = "canonicalization_method",
    /// Object, Manifest, RetrievalMethod or a nested Signature.
    ForbiddenElement = "forbidden_element",
    /// A comment, PI or element inside a crypto value.
    CryptoText = "crypto_text",
    /// Invalid base64 in DigestValue, SignatureValue or X509Certificate.
    CryptoBase64 = "crypto_base64",
    /// An algorithm not on the allow-list.
    UnsupportedAlgorithm = "unsupported_algorithm",
    /// SHA-1 without the opt-in.
    Sha1NotAllowed = "sha1_not_allowed",
    /// An RSA key shorter than 2048 bits.
    KeyTooSmall = "key_too_small",
    /// No pinned key of the algorithm's key type.
    AlgorithmKeyMismatch = "algorithm_key_mismatch",
    /// No key at all was given to verify with.
    NoKeys = "no_keys",
    /// Signed with a certificate that is not pinned.
    UnknownSigningKey = "unknown_signing_key",
    /// No pinned key verifies SignedInfo.
    SignatureInvalid = "signature_invalid",
    /// The signed content does not match DigestValue.
    DigestMismatch = "digest_mismatch",

    // crypto: SP decryption keys
    /// A decryption key that is not an unencrypted RSA private key in PEM
    /// (PKCS#8 `PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`).
    InvalidPrivateKey = "invalid_private_key",
    /// A decryption key shorter than 2048 bits.
    DecryptionKeyTooSmall = "decryption_key_too_small",
    /// The certificate given with a decryption key is not a usable X.509
    /// certificate, or certifies another key.
    DecryptionCertificate = "decryption_certificate",
    /// No decryption key was configured.
    NoDecryptionKeys = "no_decryption_keys",

    // xmlenc: encrypted assertions (structure refusals, before any private-key operation)
    /// EncryptedAssertion, EncryptedData or EncryptedKey with a missing,
    /// repeated, unexpected or misplaced part.
    EncryptionStructure = "encryption_structure",
    /// An encryption, key transport, digest or mask algorithm outside the allow-list.
    UnsupportedEncryptionAlgorithm = "unsupported_encryption_algorithm",
    /// RSA PKCS#1 v1.5 key transport (`rsa-1_5`).
    RsaV15KeyTransport = "rsa_v15_key_transport",
    /// AES-CBC content encryption where only AES-GCM is accepted.
    CbcNotAllowed = "cbc_not_allowed",
    /// The content key is not found exactly once in this EncryptedAssertion
    /// (external or unresolved reference, no candidate, or several).
    EncryptedKeyReference = "encrypted_key_reference",
    /// A comment, PI or element inside CipherValue or OAEPparams, or invalid base64.
    CipherValueEncoding = "cipher_value_encoding",
    /// Decryption failed: one opaque refusal for every failure from the key
    /// unwrap to the last check of the content.
    DecryptionFailed = "decryption_failed",

    // saml: reading signed nodes
    /// A required XML attribute of a SAML element is missing.
    MissingSamlAttribute = "missing_saml_attribute",
    /// A SAML element that may appear once appears twice.
    DuplicateElement = "duplicate_element",
    /// An element the SAML schema (or samlguard) does not allow there.
    UnexpectedElement = "unexpected_element",
    /// Non-whitespace text between SAML elements.
    UnexpectedText = "unexpected_text",
    /// A SAML construct samlguard does not support (EncryptedID, BaseID, ...).
    UnsupportedElement = "unsupported_element",
    /// The Assertion has no Issuer.
    MissingIssuer = "missing_issuer",
    /// An AudienceRestriction without an Audience.
    EmptyAudienceRestriction = "empty_audience_restriction",
    /// `Version` is not 2.0.
    UnsupportedVersion = "unsupported_version",
    /// No Subject.
    NoSubject = "no_subject",
    /// Not exactly one SubjectConfirmation / SubjectConfirmationData, or elements inside it.
    SubjectConfirmation = "subject_confirmation",
    /// An element inside a text value.
    MixedContent = "mixed_content",
    /// Two SAML Attributes with the same Name.
    DuplicateAttribute = "duplicate_attribute",
    /// A time that is not a UTC xs:dateTime.
    InvalidTime = "invalid_time",
    /// The node read is not covered by a verified signature.
    NotCovered = "not_covered",

    // policy: the rules on signed values
    /// The root is not a samlp:Response.
    NotAResponse = "not_a_response",
    /// The top-level status is not Success.
    StatusNotSuccess = "status_not_success",
    /// Status or StatusCode missing or repeated.
    MalformedStatus = "malformed_status",
    /// Not exactly one Assertion.
    AssertionCount = "assertion_count",
    /// The Assertion is not a direct child of the Response.
    AssertionPosition = "assertion_position",
    /// An EncryptedAssertion where the profile refuses them.
    EncryptedAssertion = "encrypted_assertion",
    /// An EncryptedAssertion, and no SP decryption key configured.
    DecryptionKeyNotConfigured = "decryption_key_not_configured",
    /// A plaintext Assertion where encrypted ones are required.
    EncryptionRequired = "encryption_required",
    /// A Signature other than the Response's and the Assertion's own.
    UnexpectedSignature = "unexpected_signature",
    /// The Response is not signed.
    ResponseNotSigned = "response_not_signed",
    /// No verified signature covers the Assertion.
    AssertionNotSigned = "assertion_not_signed",
    /// An Issuer other than the IdP's entity ID.
    IssuerMismatch = "issuer_mismatch",
    /// Destination not accepted.
    DestinationMismatch = "destination_mismatch",
    /// Recipient missing or not accepted.
    RecipientMismatch = "recipient_mismatch",
    /// The confirmation method is not bearer.
    NotBearer = "not_bearer",
    /// SubjectConfirmationData without NotOnOrAfter.
    MissingNotOnOrAfter = "missing_not_on_or_after",
    /// A validity window whose NotBefore is not before its NotOnOrAfter.
    EmptyValidityWindow = "empty_validity_window",
    /// A NotBefore in the future.
    NotYetValid = "not_yet_valid",
    /// A NotOnOrAfter in the past.
    Expired = "expired",
    /// IssueInstant in the future.
    IssuedInFuture = "issued_in_future",
    /// Older than the profile's freshness window.
    ResponseTooOld = "response_too_old",
    /// The IdP session ended.
    SessionExpired = "session_expired",
    /// No AudienceRestriction.
    NoAudienceRestriction = "no_audience_restriction",
    /// An AudienceRestriction without an accepted audience.
    AudienceMismatch = "audience_mismatch",
    /// A condition the profile does not allow.
    UnsupportedCondition = "unsupported_condition",
    /// InResponseTo required and absent.
    InResponseToMissing = "in_response_to_missing",
    /// InResponseTo differs from the request.
    InResponseToMismatch = "in_response_to_mismatch",
    /// An SP-initiated-only profile validated without the request ID.
    RequestIdRequired = "request_id_required",

    // replay
    /// The assertion ID was accepted before.
    ReplayedAssertion = "replayed_assertion",
    /// The in-memory replay store is full of unexpired IDs.
    ReplayCacheFull = "replay_cache_full",
    /// The replay store could not be reached or answered with an error.
    ReplayStoreUnavailable = "replay_store_unavailable",

    // profile claims
    /// NameID missing, in the wrong format or invalid.
    InvalidNameId = "invalid_name_id",
    /// Client VPN: no memberOf attribute.
    MissingGroups = "missing_groups",
    /// Client VPN: Entra's group-overage claim instead of groups.
    GroupOverage = "group_overage",
    /// Client VPN: group values out of AWS's limits.
    InvalidGroups = "invalid_groups",
    /// A claim with a bad shape.
    InvalidClaim = "invalid_claim",
    /// AWS console: no Role attribute.
    MissingRole = "missing_role",
    /// AWS console: a Role value is not a role + provider ARN pair.
    InvalidRole = "invalid_role",
    /// AWS console: RoleSessionName missing or invalid.
    InvalidRoleSessionName = "invalid_role_session_name",
    /// AWS console: SessionDuration invalid.
    InvalidSessionDuration = "invalid_session_duration",
    /// AWS console: SourceIdentity invalid.
    InvalidSourceIdentity = "invalid_source_identity",
    /// AWS console: session tags invalid.
    InvalidSessionTags = "invalid_session_tags",
    /// IAM Identity Center: `AccessControl:{TagKey}` attributes out of AWS's
    /// session-tag rules.
    InvalidAccessControlTags = "invalid_access_control_tags",

    // trust: configuration
    /// The metadata is not acceptable XML.
    MetadataXml = "metadata_xml",
    /// The root is not SAML metadata.
    NotMetadata = "not_metadata",
    /// No entity, several, or not the requested one.
    MetadataEntity = "metadata_entity",
    /// No SAML 2.0 IDPSSODescriptor.
    NoIdpDescriptor = "no_idp_descriptor",
    /// No signing key: refusing to run without one.
    NoSigningKey = "no_signing_key",
    /// A metadata certificate that is not plain base64.
    CertificateEncoding = "certificate_encoding",
    /// The metadata's own signature failed.
    MetadataSignature = "metadata_signature",
    /// A metadata signer was configured but the metadata is unsigned.
    MetadataNotSigned = "metadata_not_signed",
    /// An empty IdP entity ID.
    EmptyEntityId = "empty_entity_id",
    /// SP metadata without a SAML 2.0 SPSSODescriptor (IdP metadata given
    /// as SP metadata, for example).
    NoSpDescriptor = "no_sp_descriptor",
    /// SP metadata with more than one SAML 2.0 SPSSODescriptor.
    SeveralSpDescriptors = "several_sp_descriptors",
    /// An SPSSODescriptor without an HTTP-POST AssertionConsumerService.
    NoPostAcs = "no_post_acs",
    /// IdP metadata over the 75,000 characters IAM Identity Center imports.
    IdpMetadataTooLarge = "idp_metadata_too_large",

    // authorization: Client VPN authorization rules (configuration)
    /// The rules file is longer than the limit.
    AuthorizationRulesTooLarge = "authorization_rules_too_large",
    /// The rules file is not plain UTF-8.
    AuthorizationRulesEncoding = "authorization_rules_encoding",
    /// The rules file is not JSON.
    AuthorizationRulesJson = "authorization_rules_json",
    /// A required field of the rules JSON is missing.
    AuthorizationRulesMissingField = "authorization_rules_missing_field",
    /// A field of the rules JSON has the wrong type.
    AuthorizationRulesFieldType = "authorization_rules_field_type",
    /// A key appears twice in one object of the rules JSON.
    AuthorizationRulesDuplicateField = "authorization_rules_duplicate_field",
    /// The rules JSON is one page of several (it has a NextToken).
    AuthorizationRulesIncomplete = "authorization_rules_incomplete",
    /// A DestinationCidr that is not a CIDR.
    AuthorizationRulesInvalidCidr = "authorization_rules_invalid_cidr",
    /// A DestinationCidr with host bits set past its prefix length.
    AuthorizationRulesCidrHostBits = "authorization_rules_cidr_host_bits",
    /// A DestinationCidr inside the IPv4-mapped IPv6 range.
    AuthorizationRulesMappedIpv6Cidr = "authorization_rules_mapped_ipv6_cidr",
    /// A rule with both AccessAll and a GroupId.
    AuthorizationRulesBothGrants = "authorization_rules_both_grants",
    /// A rule with neither AccessAll nor a GroupId.
    AuthorizationRulesNoGrant = "authorization_rules_no_grant",
    /// A Status.Code AWS does not define.
    AuthorizationRulesUnknownStatus = "authorization_rules_unknown_status",
    /// Rules of more than one Client VPN endpoint.
    AuthorizationRulesMixedEndpoints = "authorization_rules_mixed_endpoints",
}

impl ErrorKind {
    /// The kind named `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that names no [`ErrorKind`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKind;

impl fmt::Display for UnknownKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a samlguard error kind")
    }
}

impl std::error::Error for UnknownKind {}

impl std::str::FromStr for ErrorKind {
    type Err = UnknownKind;

    fn from_str(name: &str) -> Result<Self, UnknownKind> {
        Self::from_name(name).ok_or(UnknownKind)
    }
}

impl PartialEq<str> for ErrorKind {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ErrorKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<ErrorKind> for &str {
    fn eq(&self, other: &ErrorKind) -> bool {
        *self == other.as_str()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ErrorKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_string_is_unique_snake_case_and_round_trips() {
        let mut seen = std::collections::BTreeSet::new();
        for &kind in ErrorKind::ALL {
            let name = kind.as_str();
            assert!(seen.insert(name), "{name} names two kinds");
            assert!(
                !name.is_empty()
                    && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{name} is not snake_case"
            );
            assert_eq!(ErrorKind::from_name(name), Some(kind));
        }
        assert_eq!(ErrorKind::from_name("no_such_kind"), None);
    }
}
