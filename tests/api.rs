//! The public API as an embedder uses it: what it refuses to let a caller
//! do wrong, and what it keeps across a metadata refresh.

mod common;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use samlguard::replay::{ReplayError, ReplayKey, ReplayStore, ReplayVerdict};
use samlguard::{AwsConsole, ClientVpn, Context, ErrorKind, Generic, MemoryReplayStore, Policy};

const VPN_REQUEST: &str = "id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c";

fn now() -> DateTime<Utc> {
    "2026-01-15T10:01:00Z".parse().unwrap()
}

fn clientvpn() -> Vec<u8> {
    common::testdata("responses/clientvpn.xml")
}

#[test]
fn client_vpn_without_a_request_id_is_refused_unless_unsolicited_is_accepted() {
    let policy = Policy::<ClientVpn>::new(common::entra_trust()).without_replay_store();
    let refused = policy.validate(&clientvpn(), &Context::new(now())).unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::RequestIdRequired);

    let login = policy.validate(&clientvpn(), &Context::new(now()).accepting_unsolicited()).unwrap();
    assert_eq!(login.skipped_checks(), [samlguard::policy::SkippedCheck::InResponseTo]);
    let login = policy.validate(&clientvpn(), &Context::new(now()).expecting_request(VPN_REQUEST)).unwrap();
    assert!(login.skipped_checks().is_empty());
}

#[test]
fn profiles_that_allow_idp_initiated_sign_in_need_no_request_id() {
    let policy = Policy::<AwsConsole>::new(common::entra_trust());
    let login =
        policy.validate(&common::testdata("responses/aws-console.xml"), &Context::new(now())).unwrap();
    assert!(login.skipped_checks().is_empty(), "no InResponseTo to check");
}

#[test]
fn a_refreshed_trust_keeps_the_replay_memory() {
    let policy = Policy::<ClientVpn>::new(common::entra_trust());
    let context = Context::new(now()).expecting_request(VPN_REQUEST);
    policy.validate(&clientvpn(), &context).unwrap();
    // Key rollover: the same metadata fetched again.
    policy.set_trust(common::entra_trust());
    let replay = policy.validate(&clientvpn(), &context).unwrap_err();
    assert_eq!(replay.kind(), ErrorKind::ReplayedAssertion);
    // A policy rebuilt from scratch would have forgotten it: that is why set_trust exists.
    let rebuilt = Policy::<ClientVpn>::new(common::entra_trust());
    assert!(rebuilt.validate(&clientvpn(), &context).is_ok());
}

#[test]
fn a_new_trust_is_used_by_the_next_validation() {
    let policy = Policy::<ClientVpn>::new(common::entra_trust()).without_replay_store();
    let context = Context::new(now()).expecting_request(VPN_REQUEST);
    let attacker = samlguard::IdpTrust::from_pem(
        "https://sts.windows.net/6f2a1c1e-0000-4000-8000-5a4d1e2f3a4b/",
        &common::testdata("keys/attacker.crt"),
    )
    .unwrap();
    policy.set_trust(attacker);
    let refused = policy.validate(&clientvpn(), &context).unwrap_err();
    assert!(
        matches!(refused.kind(), ErrorKind::UnknownSigningKey | ErrorKind::SignatureInvalid),
        "{refused}"
    );
}

#[test]
fn an_unrecorded_login_is_released_only_by_a_store_answer() {
    let policy = Policy::<ClientVpn>::new(common::entra_trust());
    let context = Context::new(now()).expecting_request(VPN_REQUEST);
    let store = MemoryReplayStore::new(10);
    let unrecorded = policy.validate_unrecorded(&clientvpn(), &context).unwrap();
    assert_eq!(unrecorded.replay_key().assertion_id(), "_a8f3e6d21-0c4b-4a97-b5e8-6d7c1f2a3b4c");
    assert!(unrecorded.expires() > now());
    let verdict = store.record(&unrecorded.replay_key(), unrecorded.expires(), now()).unwrap();
    assert_eq!(unrecorded.recorded(verdict).unwrap().name_id(), "alice@example.com");

    let again = policy.validate_unrecorded(&clientvpn(), &context).unwrap();
    let verdict = store.record(&again.replay_key(), again.expires(), now()).unwrap();
    assert_eq!(verdict, ReplayVerdict::Replayed);
    assert_eq!(again.recorded(verdict).unwrap_err().kind(), ErrorKind::ReplayedAssertion);
}

/// A store that cannot reach its backend.
#[derive(Debug)]
struct Down;

impl ReplayStore for Down {
    fn record(
        &self,
        _: &ReplayKey,
        _: DateTime<Utc>,
        _: DateTime<Utc>,
    ) -> Result<ReplayVerdict, ReplayError> {
        Err(ReplayError::unavailable(std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "backend down",
        )))
    }
}

#[test]
fn a_store_that_cannot_answer_refuses_and_keeps_its_cause() {
    let policy = Policy::<ClientVpn>::new(common::entra_trust()).with_replay_store(Arc::new(Down));
    let error =
        policy.validate(&clientvpn(), &Context::new(now()).expecting_request(VPN_REQUEST)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ReplayStoreUnavailable);
    let cause = std::error::Error::source(&error).expect("the backend error");
    assert_eq!(cause.to_string(), "backend down");
    assert_eq!(error.to_string(), "the replay store is unavailable");
}

#[test]
fn policies_are_shared_across_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Policy<ClientVpn>>();
    send_sync::<Policy<AwsConsole>>();
    send_sync::<Policy<Generic>>();
    send_sync::<Policy<samlguard::IdentityCenter>>();
    send_sync::<samlguard::Error>();
}

#[test]
fn every_profile_has_every_setter() {
    fn configure<P: samlguard::Profile>(policy: Policy<P>) -> Policy<P> {
        policy
            .with_input_limits(samlguard::input::InputLimits::new(1 << 20, 1 << 20))
            .with_xml_limits(samlguard::xml::Limits::default())
            .with_clock_skew(std::time::Duration::from_secs(30))
            .with_max_age(Some(std::time::Duration::from_secs(300)))
            .with_algorithms(samlguard::crypto::Algorithms::STRICT)
            .with_audiences(["urn:a"])
            .with_acs_urls(["https://sp/acs"])
            .with_replay_store(Arc::new(MemoryReplayStore::new(1)))
    }
    let trust = common::entra_trust;
    let vpn = configure(Policy::<ClientVpn>::new(trust()));
    let console = configure(Policy::<AwsConsole>::new(trust()));
    let generic = configure(Policy::<Generic>::new(trust(), ["x"], ["y"]));
    let context = Context::new(now()).expecting_request(VPN_REQUEST);
    // The audiences were replaced, so the bundled responses now fail on them.
    for kind in [
        vpn.validate(&clientvpn(), &context).unwrap_err().kind(),
        console.validate(&common::testdata("responses/aws-console.xml"), &context).unwrap_err().kind(),
        generic.validate(&common::testdata("responses/generic.xml"), &context).unwrap_err().kind(),
    ] {
        assert!(
            matches!(
                kind,
                ErrorKind::DestinationMismatch | ErrorKind::AudienceMismatch | ErrorKind::RecipientMismatch
            ),
            "{kind}"
        );
    }
}

#[cfg(feature = "serde")]
#[test]
fn logins_and_errors_serialize_as_the_cli_prints_them() {
    let policy = Policy::<ClientVpn>::new(common::entra_trust()).without_replay_store();
    let login = policy.validate(&clientvpn(), &Context::new(now()).expecting_request(VPN_REQUEST)).unwrap();
    let json = serde_json::to_value(&login).unwrap();
    assert_eq!(json["name_id"], "alice@example.com");
    assert_eq!(json["groups"].as_array().unwrap().len(), 20);
    assert_eq!(json["signatures"][0]["element"], "Assertion");
    assert_eq!(json["signatures"][0]["algorithm"], "rsa-sha256");
    assert_eq!(json["signatures"][1]["element"], "Response");

    let error = policy.validate(&clientvpn(), &Context::new(now())).unwrap_err();
    let view = serde_json::to_value(error.view()).unwrap();
    assert_eq!(view["kind"], "request_id_required");
}
