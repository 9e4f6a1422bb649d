//! Any bytes through the whole pipeline of each profile, as a gateway would
//! call it (seed it with testdata/responses). Refusals are fine; panics are
//! not; an accepted Client VPN login must be the fixture's signed identity.
#![no_main]
#![forbid(unsafe_code)]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use samlguard::metadata::{IdpTrust, MetadataOptions};
use samlguard::policy::{AwsConsole, ClientVpn, Context, Generic, Policy};

static TRUST: LazyLock<IdpTrust> = LazyLock::new(|| {
    IdpTrust::from_metadata(include_bytes!("../../testdata/metadata/entra.xml"), &MetadataOptions::default())
        .expect("fixture metadata")
});
static VPN: LazyLock<Policy<ClientVpn>> = LazyLock::new(|| Policy::<ClientVpn>::new(TRUST.clone()).without_replay_cache());
static CONSOLE: LazyLock<Policy<AwsConsole>> =
    LazyLock::new(|| Policy::<AwsConsole>::new(TRUST.clone()).without_replay_cache());
static GENERIC: LazyLock<Policy<Generic>> = LazyLock::new(|| {
    Policy::<Generic>::new(TRUST.clone(), ["https://sp.example.com/metadata"], ["https://sp.example.com/acs"])
        .without_replay_cache()
});

fuzz_target!(|data: &[u8]| {
    let context = Context::new("2026-01-15T10:01:00Z".parse().expect("fixed clock"));
    let vpn = context.clone().expecting_request("id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c");
    if let Ok(login) = VPN.validate(data, &vpn) {
        // Only the IdP's signed identity can come out (every fixture signs alice).
        assert_eq!(login.name_id(), "alice@example.com");
        assert_eq!(login.issuer(), TRUST.entity_id());
    }
    if let Ok(login) = CONSOLE.validate(data, &context) {
        assert_eq!(login.issuer(), TRUST.entity_id());
        assert!(!login.roles().is_empty());
    }
    if let Ok(login) = GENERIC.validate(data, &context) {
        assert_eq!(login.issuer(), TRUST.entity_id());
    }
});
