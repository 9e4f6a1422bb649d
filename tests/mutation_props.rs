//! The mutation property: any byte flipped, inserted or deleted in a valid
//! signed response is either refused or yields exactly the same verified
//! values. Nothing outside the signatures' coverage can change what samlguard
//! reports.

mod common;

use proptest::prelude::*;
use samlguard::metadata::{IdpTrust, MetadataOptions};
use samlguard::policy::{AwsConsole, ClientVpn, Context, Policy};

fn trust() -> IdpTrust {
    IdpTrust::from_metadata(&common::testdata("metadata/entra.xml"), &MetadataOptions::default()).unwrap()
}

fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-01-15T10:01:00Z".parse().unwrap()
}

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
    #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn client_vpn_mutations_are_refused_or_change_nothing(mutations in prop::collection::vec(mutation(), 1..4)) {
        let original = common::testdata("responses/clientvpn.xml");
        let policy = Policy::<ClientVpn>::new(trust()).without_replay_cache();
        let context = Context::new(now()).expecting_request("id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c");
        let expected = policy.validate(&original, &context).unwrap();
        let mutated = apply(&original, &mutations);
        if let Ok(login) = policy.validate(&mutated, &context) {
            prop_assert_eq!(&*login, &*expected);
        }
    }

    #[test]
    fn aws_console_mutations_are_refused_or_change_nothing(mutations in prop::collection::vec(mutation(), 1..4)) {
        let original = common::testdata("responses/aws-console.xml");
        let policy = Policy::<AwsConsole>::new(trust()).without_replay_cache();
        let context = Context::new(now());
        let expected = policy.validate(&original, &context).unwrap();
        let mutated = apply(&original, &mutations);
        if let Ok(login) = policy.validate(&mutated, &context) {
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
}

/// The property can fail: a mutation inside the signed NameID is refused, and
/// one in unsigned whitespace between elements is accepted unchanged.
#[test]
fn the_property_distinguishes_signed_from_unsigned_bytes() {
    let original = String::from_utf8(common::testdata("responses/aws-console.xml")).unwrap();
    let policy = Policy::<AwsConsole>::new(trust()).without_replay_cache();
    let context = Context::new(now());
    let signed_edit = original.replacen("alice@example.com", "alicf@example.com", 1);
    assert_eq!(policy.validate(signed_edit.as_bytes(), &context).unwrap_err().kind(), "digest_mismatch");
    // The Response element is outside the assertion-only signature.
    let unsigned_edit = original.replacen("<samlp:Status>", "<samlp:Status >", 1);
    assert_ne!(unsigned_edit, original);
    assert!(policy.validate(unsigned_edit.as_bytes(), &context).is_ok());
}
