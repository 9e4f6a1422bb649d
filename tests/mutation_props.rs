//! The mutation property: any byte flipped, inserted or deleted in a valid
//! signed response is either refused or yields exactly the same verified
//! values. Nothing outside the signatures' coverage can change what samlguard
//! reports.

mod common;

use std::sync::LazyLock;

use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, RngSeed};
use samlguard::trust::SpMetadata;
use samlguard::{AwsConsole, ClientVpn, Context, IdentityCenter, Policy, Profile, Verified};

fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-01-15T10:01:00Z".parse().unwrap()
}

/// A valid response with its policy, context and verified values, built once
/// for all the cases of a property.
struct Fixture<P: Profile> {
    original: Vec<u8>,
    policy: Policy<P>,
    context: Context,
    expected: Verified<P::Login>,
}

impl<P: Profile> Fixture<P> {
    fn new(rel: &str, policy: Policy<P>, context: Context) -> Self {
        let original = common::testdata(rel);
        let policy = policy.without_replay_store();
        let expected = policy.validate(&original, &context).expect("the fixture is valid");
        Self { original, policy, context, expected }
    }
}

static CLIENT_VPN: LazyLock<Fixture<ClientVpn>> = LazyLock::new(|| {
    Fixture::new(
        "responses/clientvpn.xml",
        Policy::<ClientVpn>::new(common::entra_trust()),
        Context::new(now()).expecting_request("id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c"),
    )
});

static AWS_CONSOLE: LazyLock<Fixture<AwsConsole>> = LazyLock::new(|| {
    Fixture::new(
        "responses/aws-console.xml",
        Policy::<AwsConsole>::new(common::entra_trust()),
        Context::new(now()),
    )
});

static IDENTITY_CENTER: LazyLock<Fixture<IdentityCenter>> = LazyLock::new(|| {
    let sp = SpMetadata::from_xml(&common::testdata("metadata/identity-center-sp.xml")).expect("SP metadata");
    Fixture::new(
        "policy/identity-center-idp-initiated.xml",
        Policy::<IdentityCenter>::new(common::entra_trust(), &sp),
        Context::new(now()),
    )
});

#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, bit: u8 },
    Insert { at: usize, byte: u8 },
    Delete { at: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    // Bytes that change meaning in XML, plus arbitrary ones.
    let byte = prop_oneof![
        Just(b'<'),
        Just(b'>'),
        Just(b'&'),
        Just(b'"'),
        Just(b' '),
        Just(b'-'),
        Just(b'!'),
        any::<u8>()
    ];
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        (any::<usize>(), byte).prop_map(|(at, byte)| Mutation::Insert { at, byte }),
        any::<usize>().prop_map(|at| Mutation::Delete { at }),
    ]
}

fn apply(original: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = original.to_vec();
    for m in mutations {
        match *m {
            Mutation::Flip { at, bit } => {
                let at = at % bytes.len();
                bytes[at] ^= 1 << bit;
            }
            Mutation::Insert { at, byte } => bytes.insert(at % (bytes.len() + 1), byte),
            Mutation::Delete { at } => {
                bytes.remove(at % bytes.len());
            }
        }
    }
    bytes
}

proptest! {
    // A fixed seed: every run tries the same cases; a failure's seed is also
    // appended to proptest-regressions/mutation_props.txt (commit it) and replays first.
    #![proptest_config(ProptestConfig {
        cases: 1500,
        rng_seed: RngSeed::Fixed(0x5167_ed17),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/proptest-regressions/mutation_props.txt"
        )))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn client_vpn_mutations_are_refused_or_change_nothing(mutations in prop::collection::vec(mutation(), 1..4)) {
        let Fixture { original, policy, context, expected } = &*CLIENT_VPN;
        let mutated = apply(original, &mutations);
        if let Ok(login) = policy.validate(&mutated, context) {
            prop_assert_eq!(&*login, &**expected);
        }
    }

    #[test]
    fn aws_console_mutations_are_refused_or_change_nothing(mutations in prop::collection::vec(mutation(), 1..4)) {
        let Fixture { original, policy, context, expected } = &*AWS_CONSOLE;
        let mutated = apply(original, &mutations);
        if let Ok(login) = policy.validate(&mutated, context) {
            // The unsigned envelope may change (it is never reported); the
            // verified assertion and claims may not.
            prop_assert_eq!(login.assertion(), expected.assertion());
            prop_assert_eq!(login.roles(), expected.roles());
            prop_assert_eq!(login.role_session_name(), expected.role_session_name());
            prop_assert_eq!(login.session_duration(), expected.session_duration());
            prop_assert_eq!(login.principal_tags(), expected.principal_tags());
            prop_assert_eq!(login.envelope(), None);
        }
    }

    #[test]
    fn identity_center_mutations_are_refused_or_change_nothing(mutations in prop::collection::vec(mutation(), 1..4)) {
        let Fixture { original, policy, context, expected } = &*IDENTITY_CENTER;
        let mutated = apply(original, &mutations);
        if let Ok(login) = policy.validate(&mutated, context) {
            // Assertion-only signature, like the console's: the envelope is
            // never reported, the assertion, email and tags may not change.
            prop_assert_eq!(login.assertion(), expected.assertion());
            prop_assert_eq!(login.email(), expected.email());
            prop_assert_eq!(login.access_control_tags(), expected.access_control_tags());
            prop_assert_eq!(login.audience(), expected.audience());
            prop_assert_eq!(login.envelope(), None);
        }
    }
}

/// The property can fail: a mutation inside the signed NameID is refused, and
/// one in unsigned whitespace between elements is accepted unchanged.
#[test]
fn the_property_distinguishes_signed_from_unsigned_bytes() {
    let Fixture { original, policy, context, .. } = &*AWS_CONSOLE;
    let original = String::from_utf8(original.clone()).unwrap();
    let signed_edit = original.replacen("alice@example.com", "alicf@example.com", 1);
    assert_eq!(policy.validate(signed_edit.as_bytes(), context).unwrap_err().kind(), "digest_mismatch");
    // The Response element is outside the assertion-only signature.
    let unsigned_edit = original.replacen("<samlp:Status>", "<samlp:Status >", 1);
    assert_ne!(unsigned_edit, original);
    assert!(policy.validate(unsigned_edit.as_bytes(), context).is_ok());
}
