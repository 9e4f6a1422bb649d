//! Client VPN authorization rules through the public API, on logins verified
//! from the bundled Entra fixtures.

mod common;

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use samlguard::ErrorKind;
use samlguard::authorization::{AuthorizationRules, RulesError, SharedRules};
use samlguard::trust::{IdpTrust, MetadataOptions};
use samlguard::{ClientVpn, ClientVpnLogin, Context, Policy, Verified};

fn login(response: &str) -> Verified<ClientVpnLogin> {
    let trust = IdpTrust::from_metadata(&common::testdata("metadata/entra.xml"), &MetadataOptions::default())
        .unwrap();
    let context = Context::new("2026-01-15T10:01:00Z".parse().unwrap())
        .expecting_request("id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c");
    Policy::<ClientVpn>::new(trust).validate(&common::testdata(response), &context).unwrap()
}

fn rule(cidr: &str, group: Option<&str>) -> String {
    let (group, all) = group.map_or(("", true), |g| (g, false));
    format!(
        r#"{{"ClientVpnEndpointId": "cvpn-endpoint-0abc", "GroupId": "{group}", "AccessAll": {all}, "DestinationCidr": "{cidr}", "Status": {{"Code": "active"}}}}"#
    )
}

fn rules(rows: &[(&str, Option<&str>)]) -> AuthorizationRules {
    let rules: Vec<String> = rows.iter().map(|&(cidr, group)| rule(cidr, group)).collect();
    AuthorizationRules::from_json(format!(r#"{{"AuthorizationRules": [{}]}}"#, rules.join(",")).as_bytes())
        .unwrap()
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

#[test]
fn decides_on_the_verified_groups_of_the_fixture() {
    let login = login("responses/clientvpn.xml");
    let groups: Vec<&str> = login.groups().iter().collect();
    assert_eq!(groups.len(), 20);
    let member = groups[0];
    let r = rules(&[
        ("10.1.0.0/16", Some(member)),
        ("10.1.9.0/24", Some("11111111-2222-4333-8444-555555555555")),
        ("0.0.0.0/0", Some(&member.to_uppercase())),
    ]);
    let decision = r.decide(&login, ip("10.1.2.3"));
    assert!(decision.is_allowed(), "{decision}");
    assert_eq!(decision.granting_rule().map(|r| r.index()), Some(0));
    // Outside every rule but the default route, whose group differs only in case.
    let decision = r.decide(&login, ip("192.0.2.1"));
    assert!(!decision.is_allowed());
    let reason = decision.to_string();
    assert!(
        reason.starts_with("denied: 192.0.2.1 is decided by 0.0.0.0/0, which grants only group "),
        "{reason}"
    );
    assert!(reason.contains(&format!(r#"differs only in case from the user's "{member}""#)), "{reason}");
    assert!(reason.contains(" and 10 more"), "{reason}");
    let reach: Vec<String> = r.reachable(&login).iter().map(ToString::to_string).collect();
    assert_eq!(
        reach,
        [format!(r#"10.1.0.0/16 via AuthorizationRules[0] (group "{member}"), except 10.1.9.0/24"#)]
    );
}

#[test]
fn the_200th_verified_group_still_grants() {
    let login = login("responses/clientvpn-200-groups.xml");
    let groups: Vec<&str> = login.groups().iter().collect();
    assert_eq!(groups.len(), 200);
    let r = rules(&[("10.0.0.0/8", Some(groups[199])), ("10.9.0.0/16", Some("not-a-member"))]);
    assert!(r.decide(&login, ip("10.1.1.1")).is_allowed());
    let decision = r.decide(&login, ip("10.9.1.1"));
    assert!(!decision.is_allowed());
    assert!(
        decision.to_string().contains(" and 190 more; 10.0.0.0/8 would allow but is less specific"),
        "{decision}"
    );
    // The same set, many CIDRs: only the one naming the 200th group is reachable.
    let many: Vec<(String, Option<&str>)> =
        (0..200).map(|i| (format!("10.{i}.0.0/16"), Some(groups[i]))).collect();
    let rows: Vec<(&str, Option<&str>)> = many.iter().map(|(c, g)| (c.as_str(), *g)).collect();
    let r = rules(&rows);
    assert_eq!(r.reachable(&login).len(), 200);
    assert!((0..200).all(|i| r.decide(&login, ip(&format!("10.{i}.1.1"))).is_allowed()));
}

#[test]
fn shared_rules_reload_while_threads_decide() {
    let login = Arc::new(login("responses/clientvpn.xml"));
    let member = login.groups().get(0).unwrap().to_owned();
    // Two rule sets that disagree about 10.1.2.3: a decision must match the snapshot it was made on.
    let open = format!(r#"{{"AuthorizationRules": [{}]}}"#, rule("10.1.0.0/16", Some(&member)));
    let closed = format!(
        r#"{{"AuthorizationRules": [{}, {}]}}"#,
        rule("10.1.0.0/16", Some(&member)),
        rule("10.1.2.0/24", Some("someone-else"))
    );
    let shared = Arc::new(SharedRules::new(AuthorizationRules::from_json(open.as_bytes()).unwrap()));
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (shared, login, stop) = (Arc::clone(&shared), Arc::clone(&login), Arc::clone(&stop));
            std::thread::spawn(move || {
                let (mut allowed, mut denied) = (0, 0);
                while !stop.load(Ordering::Relaxed) {
                    let snapshot = shared.snapshot();
                    let decision = snapshot.decide(&login, ip("10.1.2.3"));
                    assert_eq!(decision.is_allowed(), snapshot.rules().len() == 1, "{decision}");
                    if decision.is_allowed() {
                        allowed += 1
                    } else {
                        denied += 1
                    }
                    // Until a reload completes, the old rules stay in force for everybody.
                    let _ = shared.is_allowed(&login, ip("10.1.2.3"));
                }
                (allowed, denied)
            })
        })
        .collect();
    for i in 0..200 {
        let json = if i % 2 == 0 { &closed } else { &open };
        shared.reload_json(json.as_bytes()).unwrap();
        // A refused file changes nothing.
        assert_eq!(
            shared.reload_json(b"{\"AuthorizationRules\": [1]}").unwrap_err().kind(),
            ErrorKind::AuthorizationRulesFieldType
        );
        std::thread::yield_now();
    }
    stop.store(true, Ordering::Relaxed);
    for reader in readers {
        let (allowed, denied) = reader.join().unwrap();
        assert!(allowed + denied > 0);
    }
    assert_eq!(shared.snapshot().rules().len(), 1, "the last reload (open) is in force");
    let old = shared.replace(AuthorizationRules::default());
    assert_eq!(old.rules().len(), 1);
    assert!(!shared.is_allowed(&login, ip("10.1.2.3")));
}

#[test]
fn refusals_are_typed_errors_with_stable_kinds() {
    let error =
        AuthorizationRules::from_json(br#"{"AuthorizationRules": [], "NextToken": "abc"}"#).unwrap_err();
    assert_eq!(error, RulesError::Incomplete);
    assert_eq!(error.kind().as_str(), "authorization_rules_incomplete");
    assert!(error.hint().unwrap().contains("--max-items"));
    let dynamic: Box<dyn std::error::Error + Send + Sync> = Box::new(error);
    assert_eq!(
        dynamic.to_string(),
        "the output holds a NextToken: it is only one page of the endpoint's rules"
    );
    for kind in ErrorKind::ALL.iter().filter(|k| k.as_str().starts_with("authorization_rules_")) {
        assert_eq!(kind.as_str().parse::<ErrorKind>(), Ok(*kind));
    }
}

#[cfg(feature = "serde")]
#[test]
fn decisions_and_reach_serialize() {
    let login = login("responses/clientvpn.xml");
    let member = login.groups().get(0).unwrap().to_owned();
    let r = rules(&[("10.1.0.0/16", Some(&member)), ("10.1.9.0/24", Some("other")), ("::/0", None)]);
    let value = serde_json::to_value(r.decide(&login, ip("10.1.9.9"))).unwrap();
    assert_eq!(value["allowed"], false);
    assert_eq!(value["destination"], "10.1.9.9");
    assert_eq!(value["deciding_cidr"], "10.1.9.0/24");
    assert_eq!(value["rules_at_prefix"], serde_json::json!([1]));
    assert_eq!(value["granting_rule"], serde_json::Value::Null);
    assert_eq!(value["less_specific_grants"], serde_json::json!([0]));
    assert!(value["reason"].as_str().unwrap().starts_with("denied: 10.1.9.9 is decided by 10.1.9.0/24"));
    assert_eq!(
        serde_json::to_value(&r.rules()[1]).unwrap(),
        serde_json::json!({
            "index": 1, "client_vpn_endpoint_id": "cvpn-endpoint-0abc", "description": null,
            "destination_cidr": "10.1.9.0/24", "access_all": false, "group_id": "other",
            "status": "active", "status_message": null,
        })
    );
    let reach = serde_json::to_value(r.reachable(&login)).unwrap();
    assert_eq!(
        reach,
        serde_json::json!([
            {"cidr": "10.1.0.0/16", "granted_by": 0, "except": ["10.1.9.0/24"]},
            {"cidr": "::/0", "granted_by": 2, "except": []},
        ])
    );
}
