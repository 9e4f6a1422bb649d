//! Any bytes through the whole pipeline of each profile, as a gateway would
//! call it (seed it with testdata/responses). Refusals are fine; panics are
//! not; an accepted login carries the pinned issuer and never a value cut
//! short by a comment or PI (the seeds include those splitting attacks).
#![no_main]
#![forbid(unsafe_code)]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use samlguard::trust::{IdpTrust, MetadataOptions, SpMetadata};
use samlguard::{AwsConsole, ClientVpn, Context, Generic, IdentityCenter, Policy};

static TRUST: LazyLock<IdpTrust> = LazyLock::new(|| {
    IdpTrust::from_metadata(include_bytes!("../../testdata/metadata/entra.xml"), &MetadataOptions::default())
        .expect("fixture metadata")
});
static VPN: LazyLock<Policy<ClientVpn>> =
    LazyLock::new(|| Policy::<ClientVpn>::new(TRUST.clone()).without_replay_store());
static CONSOLE: LazyLock<Policy<AwsConsole>> =
    LazyLock::new(|| Policy::<AwsConsole>::new(TRUST.clone()).without_replay_store());
static IDENTITY_CENTER: LazyLock<Policy<IdentityCenter>> = LazyLock::new(|| {
    let sp = SpMetadata::from_xml(include_bytes!("../../testdata/metadata/identity-center-sp.xml"))
        .expect("fixture SP metadata");
    Policy::<IdentityCenter>::new(TRUST.clone(), &sp).without_replay_store()
});
static GENERIC: LazyLock<Policy<Generic>> = LazyLock::new(|| {
    Policy::<Generic>::new(TRUST.clone(), ["https://sp.example.com/metadata"], ["https://sp.example.com/acs"])
        .without_replay_store()
});

fuzz_target!(|data: &[u8]| {
    let context = Context::new("2026-01-15T10:01:00Z".parse().expect("fixed clock"));
    let vpn = context.clone().expecting_request("id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c");
    if let Ok(login) = VPN.validate(data, &vpn) {
        assert_eq!(login.issuer(), TRUST.entity_id());
        // The splitting attacks sign `victim@corp.com.evil.com`; the truncated
        // prefix must never come out.
        assert_ne!(login.name_id(), "victim@corp.com");
        assert!(!login.groups().is_empty());
    }
    if let Ok(login) = CONSOLE.validate(data, &context) {
        assert_eq!(login.issuer(), TRUST.entity_id());
        assert!(!login.roles().is_empty());
    }
    if let Ok(login) = IDENTITY_CENTER.validate(data, &context) {
        assert_eq!(login.issuer(), TRUST.entity_id());
        // An accepted email is an ASCII addr-spec of at most 128 characters,
        // and every tag is within AWS's session-tag limits.
        let email = login.email();
        assert!(email.is_ascii() && email.len() <= 128 && email.contains('@'));
        assert!(login.access_control_tags().len() <= 50);
        for tag in login.access_control_tags() {
            assert!(
                !tag.key.is_empty() && tag.key.chars().count() <= 128 && tag.value.chars().count() <= 256
            );
        }
    }
    if let Ok(login) = GENERIC.validate(data, &context) {
        assert_eq!(login.issuer(), TRUST.entity_id());
    }
});
