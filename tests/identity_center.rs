//! The IAM Identity Center profile and SP metadata through the public API:
//! what each refusal says (the suite checks the kinds), the login, the
//! configuration errors, and SP metadata used by the other profiles.

mod common;

use samlguard::policy::{InstancePart, PolicyError, SpField};
use samlguard::profile::{AddrSpecProblem, ClaimError, NameIdProblem, TagProblem};
use samlguard::trust::{ConfigError, MetadataOptions, SpMetadata};
use samlguard::{AwsConsole, Context, Error, ErrorKind, Generic, IdentityCenter, Policy};

const ENTITY: &str = "https://eu-west-1.signin.aws.amazon.com/platform/saml/d-93677a1b2c";
const ACS: &str =
    "https://eu-west-1.signin.aws.amazon.com/platform/saml/acs/4c2d1e8f-7a6b-4e5d-9c3b-2a1f0e9d8c7b";
const REQUEST: &str = "id-3b9e2c7d5a1f4e8b9c0d1e2f3a4b5c6d";

fn context() -> Context {
    Context::new("2026-01-15T10:01:00Z".parse().unwrap())
}

fn sp(name: &str) -> SpMetadata {
    SpMetadata::from_xml(&common::testdata(&format!("metadata/{name}.xml"))).unwrap()
}

fn policy() -> Policy<IdentityCenter> {
    Policy::<IdentityCenter>::new(common::entra_trust(), &sp("identity-center-sp")).without_replay_store()
}

fn refusal(case: &str) -> Error {
    policy()
        .validate(&common::testdata(&format!("policy/identity-center-{case}.xml")), &context())
        .unwrap_err()
}

#[test]
fn sp_metadata_in_aws_shape() {
    let ours = sp("identity-center-sp");
    assert_eq!(ours.entity_id(), ENTITY);
    assert_eq!(ours.acs_urls(), [ACS]);
    let other = sp("identity-center-sp-other");
    assert!(other.entity_id().starts_with("https://us-west-2.signin.aws.amazon.com/platform/saml/d-"));
    assert!(other.acs_urls()[0].starts_with("https://us-west-2.signin.aws.amazon.com/platform/saml/acs/"));
}

#[test]
fn the_login_carries_the_email_and_the_tags() {
    let login =
        policy().validate(&common::testdata("policy/identity-center-idp-initiated.xml"), &context()).unwrap();
    assert_eq!(login.email(), "alice@example.com");
    assert_eq!(login.name_id(), "alice@example.com");
    assert_eq!(login.audience(), ENTITY);
    assert_eq!(login.confirmation().recipient.as_deref(), Some(ACS));
    let tags: Vec<(&str, &str)> =
        login.access_control_tags().iter().map(|t| (t.key.as_str(), t.value.as_str())).collect();
    assert_eq!(tags, [("Department", "Engineering"), ("CostCenter", "1234")]);
    assert!(samlguard::IdentityCenterLogin::is_claim_attribute(
        "https://aws.amazon.com/SAML/Attributes/AccessControl:Department"
    ));
    assert!(!samlguard::IdentityCenterLogin::is_claim_attribute(
        "https://aws.amazon.com/SAML/Attributes/Role"
    ));
    // Assertion-only signature: nothing of the unsigned envelope is reported.
    assert!(login.envelope().is_none());
}

#[test]
fn sp_initiated_checks_in_response_to() {
    let response = common::testdata("policy/identity-center-sp-initiated.xml");
    let login = policy().validate(&response, &context().expecting_request(REQUEST)).unwrap();
    assert!(login.skipped_checks().is_empty());
    let unchecked = policy().validate(&response, &context()).unwrap();
    assert_eq!(unchecked.skipped_checks(), [samlguard::policy::SkippedCheck::InResponseTo]);
    let other = policy().validate(&response, &context().expecting_request("id-other")).unwrap_err();
    assert_eq!(other.kind(), ErrorKind::InResponseToMismatch);
}

/// Each refusal of another instance's or Region's value names the part that
/// differs, and keeps the kind of the field.
#[test]
fn another_instance_or_region_says_which_part_differs() {
    for (case, field, differs) in [
        ("audience-other-instance", SpField::Audience, InstancePart::Id),
        ("audience-other-region", SpField::Audience, InstancePart::Region),
        ("audience-is-acs", SpField::Audience, InstancePart::Endpoint),
        ("destination-other-region", SpField::Destination, InstancePart::Region),
        ("recipient-other-region", SpField::Recipient, InstancePart::Region),
        ("recipient-other-instance", SpField::Recipient, InstancePart::Id),
    ] {
        let error = refusal(case);
        match &error {
            Error::Policy(PolicyError::OtherIdentityCenter { field: f, differs: d, .. }) => {
                assert_eq!((*f, *d), (field, differs), "{case}");
            }
            other => panic!("{case}: {other:?}"),
        }
        let hint = error.hint().unwrap();
        assert!(hint.contains("Entra app's"), "{case}: {hint}");
        assert!(!hint.contains("--") && !hint.contains("Identity Center profile"), "{case}: {hint}");
    }
    // The whole response checked against another instance's metadata.
    let other = Policy::<IdentityCenter>::new(common::entra_trust(), &sp("identity-center-sp-other"));
    let error = other
        .validate(&common::testdata("policy/identity-center-idp-initiated.xml"), &context())
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::DestinationMismatch);
    assert!(
        matches!(
            error,
            Error::Policy(PolicyError::OtherIdentityCenter {
                field: SpField::Destination,
                differs: InstancePart::RegionAndId,
                ..
            })
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("another AWS Region and instance ID"), "{error}");
}

#[test]
fn the_wrong_entra_application() {
    for case in ["audience-aws-console", "audience-clientvpn"] {
        let error = refusal(case);
        assert!(matches!(error, Error::Policy(PolicyError::Audience { .. })), "{case}: {error:?}");
        let hint = error.hint().unwrap();
        assert!(hint.contains("AWS console or Client VPN application"), "{case}: {hint}");
    }
    // An Identity Center response sent to the AWS console profile.
    let console = Policy::<AwsConsole>::new(common::entra_trust())
        .with_audiences(["https://signin.aws.amazon.com/saml"])
        .with_acs_urls([ACS]);
    let error = console
        .validate(&common::testdata("policy/identity-center-idp-initiated.xml"), &context())
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::AudienceMismatch);
    assert!(error.hint().unwrap().contains("IAM Identity Center response"), "{:?}", error.hint());
}

#[test]
fn name_id_refusals_say_why_and_how_to_fix_it_in_entra() {
    for (case, problem) in [
        ("nameid-quoted", AddrSpecProblem::QuotedLocalPart),
        ("nameid-ip-literal", AddrSpecProblem::DomainLiteral),
        ("nameid-non-ascii", AddrSpecProblem::NonAscii),
        ("nameid-zero-width", AddrSpecProblem::NonAscii),
        ("nameid-no-at", AddrSpecProblem::NoAt),
        ("nameid-double-dot", AddrSpecProblem::LocalPart),
        ("nameid-trailing-dot-domain", AddrSpecProblem::Domain),
    ] {
        let error = refusal(case);
        match &error {
            Error::Claim(ClaimError::NameId(NameIdProblem::NotAnAddrSpec { problem: p, .. })) => {
                assert_eq!(*p, problem, "{case}");
            }
            other => panic!("{case}: {other:?}"),
        }
        assert!(error.to_string().contains("RFC 2822 addr-spec"), "{error}");
    }
    let too_long = refusal("nameid-129");
    assert!(
        matches!(too_long, Error::Claim(ClaimError::NameId(NameIdProblem::TooLong { limit: 128 }))),
        "{too_long:?}"
    );
    let missing = refusal("nameid-missing");
    assert_eq!(missing, Error::Claim(ClaimError::NameId(NameIdProblem::Missing)));
    let format = refusal("nameid-unspecified");
    assert!(matches!(format, Error::Claim(ClaimError::NameId(NameIdProblem::Format { .. }))), "{format:?}");
    let hint = format.hint().unwrap();
    for part in ["Unique User Identifier", "Email address", "user.userprincipalname", "user.mail"] {
        assert!(hint.contains(part), "{hint}");
    }
}

#[test]
fn tag_refusals() {
    for (case, expected) in [
        ("tags-value-filler", TagProblem::InvalidValue("Department".into())),
        ("tags-value-nbsp", TagProblem::InvalidValue("Department".into())),
        ("tags-key-aws-prefix", TagProblem::InvalidKey("aws:Department".into())),
        ("tags-key-filler", TagProblem::InvalidKey("Depart\u{3164}ment".into())),
        ("tags-duplicate-case", TagProblem::DuplicateKey("department".into())),
        ("tags-two-values", TagProblem::NotSingleValued("Department".into())),
        ("tags-51", TagProblem::TooMany(51)),
    ] {
        let error = refusal(case);
        assert_eq!(error, Error::Claim(ClaimError::AccessControlTags(expected)), "{case}");
        assert_eq!(error.kind(), ErrorKind::InvalidAccessControlTags);
        let hint = error.hint().unwrap();
        assert!(hint.contains("AccessControl:{TagKey}") && !hint.contains("--"), "{hint}");
    }
    let unicode =
        policy().validate(&common::testdata("policy/identity-center-tags-unicode.xml"), &context()).unwrap();
    let tag = unicode.access_control_tags().iter().find(|t| t.key == "Abteilung").unwrap();
    assert_eq!(tag.value, "Forschung und Entwicklung: Größe=1/2 @München");
}

#[test]
fn encrypted_assertions_are_refused_with_a_hint() {
    let error = refusal("encrypted-assertion");
    assert_eq!(error.kind(), ErrorKind::EncryptedAssertion);
    assert!(error.hint().unwrap().contains("token encryption"), "{:?}", error.hint());
}

#[test]
fn configuration_from_the_two_metadata_files() {
    let idp = common::testdata("metadata/entra.xml");
    let ours = common::testdata("metadata/identity-center-sp.xml");
    let policy = Policy::<IdentityCenter>::from_metadata(&idp, &MetadataOptions::default(), &ours).unwrap();
    assert!(
        policy.validate(&common::testdata("policy/identity-center-idp-initiated.xml"), &context()).is_ok()
    );

    // The IdP's metadata where the SP's is expected: says what it got.
    let error = Policy::<IdentityCenter>::from_metadata(&idp, &MetadataOptions::default(), &idp).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NoSpDescriptor);
    let message = error.to_string();
    assert!(message.contains("IDPSSODescriptor") && message.contains("IdP's metadata"), "{message}");

    // IdP metadata Identity Center would not import.
    let large = common::testdata("metadata/entra-large.xml");
    let error =
        Policy::<IdentityCenter>::from_metadata(&large, &MetadataOptions::default(), &ours).unwrap_err();
    assert_eq!(error, Error::Config(ConfigError::IdpMetadataTooLarge { chars: 76_645, limit: 75_000 }));
}

/// At most 75,000 characters: counted as characters, not bytes.
#[test]
fn the_idp_metadata_limit_is_in_characters() {
    assert_eq!(IdentityCenter::MAX_IDP_METADATA_CHARS, 75_000);
    let ascii = |n: usize| vec![b' '; n];
    assert!(IdentityCenter::check_idp_metadata(&ascii(75_000)).is_ok());
    assert_eq!(
        IdentityCenter::check_idp_metadata(&ascii(75_001)),
        Err(ConfigError::IdpMetadataTooLarge { chars: 75_001, limit: 75_000 })
    );
    // 75,000 characters, 75,001 bytes.
    let mut accented = ascii(74_999);
    accented.extend_from_slice("é".as_bytes());
    assert!(IdentityCenter::check_idp_metadata(&accented).is_ok());
    // Not UTF-8: bytes.
    let mut latin1 = ascii(75_000);
    latin1.push(0xE9);
    assert!(IdentityCenter::check_idp_metadata(&latin1).is_err());
}

#[test]
fn sp_metadata_configures_the_other_profiles() {
    let console_sp = |entity_id: &str| {
        let xml = format!(
            r#"<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity_id}"><SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://signin.aws.amazon.com/saml" index="1"/></SPSSODescriptor></EntityDescriptor>"#
        );
        SpMetadata::from_xml(xml.as_bytes()).unwrap()
    };
    let response = common::testdata("responses/aws-console.xml");
    let console = |sp: &SpMetadata| {
        Policy::<AwsConsole>::new(common::entra_trust()).without_replay_store().with_sp_metadata(sp)
    };
    assert!(
        console(&console_sp("https://signin.aws.amazon.com/saml")).validate(&response, &context()).is_ok()
    );
    // It replaces the profile's audiences: AWS's own console metadata names
    // urn:amazon:webservices, which Entra's default Identifier is not.
    let error = console(&console_sp("urn:amazon:webservices")).validate(&response, &context()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::AudienceMismatch);

    let generic = Policy::<Generic>::from_sp_metadata(common::entra_trust(), &sp("identity-center-sp"));
    let login =
        generic.validate(&common::testdata("policy/identity-center-idp-initiated.xml"), &context()).unwrap();
    assert_eq!(login.audience(), ENTITY);
}

#[cfg(feature = "serde")]
#[test]
fn the_login_serializes_with_its_tags() {
    let login =
        policy().validate(&common::testdata("policy/identity-center-idp-initiated.xml"), &context()).unwrap();
    let json = serde_json::to_value(&*login).unwrap();
    assert_eq!(json["name_id"], "alice@example.com");
    assert_eq!(json["email"], "alice@example.com");
    assert_eq!(json["audience"], ENTITY);
    assert_eq!(
        json["access_control_tags"],
        serde_json::json!({"Department": "Engineering", "CostCenter": "1234"})
    );
    assert_eq!(
        json["attributes"]["https://aws.amazon.com/SAML/Attributes/AccessControl:Department"],
        serde_json::json!(["Engineering"])
    );
}
