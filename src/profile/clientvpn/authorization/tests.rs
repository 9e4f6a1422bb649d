//! AWS's documented scenarios, edge cases and configuration refusals, on the
//! crate-internal entry point that takes any list of groups. The property
//! test against a brute-force model is in `tests/model.rs` next to this file.

use std::net::IpAddr;

use super::groups::Groups;
use super::*;
use crate::ErrorKind;

mod model;

/// `None` as the group means AccessAll.
type Row<'r> = (&'r str, Option<&'r str>);

/// Active rules, in the order given.
fn rules(rows: &[Row<'_>]) -> AuthorizationRules {
    AuthorizationRules::from_rules(
        rows.iter()
            .enumerate()
            .map(|(i, &(cidr, group))| {
                let grant = group.map_or(Grant::AllUsers, |g| Grant::Group(Untrusted::new(g)));
                Rule::new(i, cidr.parse().unwrap(), grant, RuleStatus::Active)
            })
            .collect(),
    )
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

fn decide<'a>(rules: &'a AuthorizationRules, groups: &'a [&'a str], address: &str) -> Decision<'a> {
    rules.decide_groups(Groups::List(groups), ip(address))
}

fn allowed(rules: &AuthorizationRules, groups: &[&str], address: &str) -> bool {
    decide(rules, groups, address).is_allowed()
}

/// The reachable set as `cidr` or `cidr except a, b` strings.
fn reach(rules: &AuthorizationRules, groups: &[&str]) -> Vec<String> {
    rules
        .reachable_groups(Groups::List(groups))
        .iter()
        .map(|r| {
            let except: Vec<String> = r.except().iter().map(ToString::to_string).collect();
            if except.is_empty() {
                r.cidr().to_string()
            } else {
                format!("{} except {}", r.cidr(), except.join(", "))
            }
        })
        .collect()
}

/// Asserts allowed (`true`) or denied for each address.
#[track_caller]
fn check(rules: &AuthorizationRules, groups: &[&str], cases: &[(&str, bool)]) {
    for &(address, expect) in cases {
        let decision = decide(rules, groups, address);
        assert_eq!(decision.is_allowed(), expect, "{groups:?} -> {address}: {decision}");
    }
}

// AWS's example architecture and its groups.
const ENGINEERING: &str = "S-xxxxx14";
const DEVELOPMENT: &str = "S-xxxxx15";
const MANAGER: &str = "S-xxxxx16";
/// Any group no rule names ("admin group" in the last scenario).
const OTHER: &str = "S-xxxxx17";

const ON_PREM: &str = "172.16.0.10"; // 172.16.0.0/24, outside the /25
const ON_PREM_SUBNET: &str = "172.16.0.200"; // 172.16.0.128/25
const DEV_VPC: &str = "10.0.5.5"; // 10.0.0.0/16
const DEV_HOST: &str = "10.0.2.119"; // the /32 inside the development VPC
const CVPN_VPC: &str = "192.168.0.10"; // 192.168.0.0/24
const INTERNET: &str = "203.0.113.5";

const SCENARIO_1: &[Row<'static>] = &[
    ("172.16.0.0/24", Some(ENGINEERING)),
    ("10.0.0.0/16", Some(DEVELOPMENT)),
    ("192.168.0.0/24", Some(MANAGER)),
];
const SCENARIO_2: &[Row<'static>] =
    &[("172.16.0.0/24", Some(ENGINEERING)), ("10.0.0.0/16", Some(DEVELOPMENT)), ("0.0.0.0/0", Some(MANAGER))];
const SCENARIO_3: &[Row<'static>] = &[
    ("172.16.0.0/24", Some(ENGINEERING)),
    ("10.0.0.0/16", Some(DEVELOPMENT)),
    ("0.0.0.0/0", Some(MANAGER)),
    ("10.0.2.119/32", Some(MANAGER)),
];
const SCENARIO_4: &[Row<'static>] = &[
    ("172.16.0.0/24", Some(ENGINEERING)),
    ("10.0.0.0/16", Some(DEVELOPMENT)),
    ("0.0.0.0/0", Some(MANAGER)),
    ("10.0.2.119/32", Some(MANAGER)),
    ("172.16.0.128/25", Some(ENGINEERING)),
];
const SCENARIO_5: &[Row<'static>] = &[
    ("172.16.0.0/24", Some(ENGINEERING)),
    ("10.0.0.0/16", Some(DEVELOPMENT)),
    ("0.0.0.0/0", Some(MANAGER)),
    ("10.0.2.119/32", Some(MANAGER)),
    ("172.16.0.128/25", Some(ENGINEERING)),
    ("0.0.0.0/0", Some(ENGINEERING)),
];
const SCENARIO_6: &[Row<'static>] = &[
    ("172.16.0.0/24", Some(ENGINEERING)),
    ("10.0.0.0/16", Some(DEVELOPMENT)),
    ("0.0.0.0/0", Some(MANAGER)),
    ("10.0.2.119/32", Some(MANAGER)),
    ("172.16.0.128/25", Some(ENGINEERING)),
    ("0.0.0.0/0", Some(ENGINEERING)),
    ("192.168.0.0/24", Some(MANAGER)),
];
const SCENARIO_ALL_USERS: &[Row<'static>] = &[
    ("172.16.0.0/24", Some(ENGINEERING)),
    ("10.0.0.0/16", Some(DEVELOPMENT)),
    ("0.0.0.0/0", Some(MANAGER)),
    ("10.0.2.119/32", Some(MANAGER)),
    ("172.16.0.128/25", Some(ENGINEERING)),
    ("0.0.0.0/0", Some(ENGINEERING)),
    ("192.168.0.0/24", Some(MANAGER)),
    ("0.0.0.0/0", None),
];

// Numbering: the current "AWS Client VPN authorization rules" page has eight
// scenarios; the older "Example scenarios for authorization rules" page has
// seven, without the SAML one, so its scenario 7 is the current 8. The rule
// tables are otherwise the same on both pages.

#[test]
fn aws_scenario_1_access_to_a_single_destination() {
    let r = rules(SCENARIO_1);
    let everything = [ON_PREM, DEV_VPC, CVPN_VPC, INTERNET];
    for (group, only) in [(ENGINEERING, ON_PREM), (DEVELOPMENT, DEV_VPC), (MANAGER, CVPN_VPC)] {
        let cases: Vec<(&str, bool)> = everything.iter().map(|&a| (a, a == only)).collect();
        check(&r, &[group], &cases);
    }
    // "All other traffic is dropped"; no group reaches the internet.
    check(&r, &[OTHER], &everything.map(|a| (a, false)));
    assert_eq!(reach(&r, &[ENGINEERING]), ["172.16.0.0/24"]);
    assert_eq!(reach(&r, &[DEVELOPMENT]), ["10.0.0.0/16"]);
    assert_eq!(reach(&r, &[MANAGER]), ["192.168.0.0/24"]);
}

#[test]
fn aws_scenario_2_any_destination() {
    let r = rules(SCENARIO_2);
    check(&r, &[ENGINEERING], &[(ON_PREM, true), (DEV_VPC, false), (CVPN_VPC, false), (INTERNET, false)]);
    check(&r, &[DEVELOPMENT], &[(DEV_VPC, true), (ON_PREM, false), (CVPN_VPC, false), (INTERNET, false)]);
    // AWS prints the development VPC as "10.0.0/16" here (a slip): the table says 10.0.0.0/16.
    check(&r, &[MANAGER], &[(INTERNET, true), (CVPN_VPC, true), (ON_PREM, false), (DEV_VPC, false)]);
    assert_eq!(reach(&r, &[MANAGER]), ["0.0.0.0/0 except 10.0.0.0/16, 172.16.0.0/24"]);
}

#[test]
fn aws_scenario_3_longer_prefix_match() {
    let r = rules(SCENARIO_3);
    check(&r, &[ENGINEERING], &[(ON_PREM, true), (DEV_VPC, false), (DEV_HOST, false), (INTERNET, false)]);
    check(&r, &[DEVELOPMENT], &[(DEV_VPC, true), (DEV_HOST, false), (ON_PREM, false), (INTERNET, false)]);
    check(
        &r,
        &[MANAGER],
        &[(INTERNET, true), (CVPN_VPC, true), (DEV_HOST, true), (ON_PREM, false), (DEV_VPC, false)],
    );
    assert_eq!(reach(&r, &[DEVELOPMENT]), ["10.0.0.0/16 except 10.0.2.119/32"]);
    assert_eq!(reach(&r, &[MANAGER]), ["0.0.0.0/0 except 10.0.0.0/16, 172.16.0.0/24", "10.0.2.119/32"]);
}

#[test]
fn aws_scenario_4_overlapping_cidr_same_group() {
    let r = rules(SCENARIO_4);
    check(&r, &[DEVELOPMENT], &[(DEV_VPC, true), (DEV_HOST, false)]);
    check(
        &r,
        &[MANAGER],
        &[
            (INTERNET, true),
            (CVPN_VPC, true),
            (DEV_HOST, true),
            (ON_PREM, false),
            (ON_PREM_SUBNET, false),
            (DEV_VPC, false),
        ],
    );
    // The text names only the on-premises network for engineering; by the
    // key points it has nothing else (no 0.0.0.0/0 rule yet).
    check(
        &r,
        &[ENGINEERING],
        &[(ON_PREM, true), (ON_PREM_SUBNET, true), (INTERNET, false), (DEV_VPC, false)],
    );
    assert_eq!(reach(&r, &[ENGINEERING]), ["172.16.0.0/24", "172.16.0.128/25"]);
}

#[test]
fn aws_scenario_5_additional_any_destination_rule() {
    let r = rules(SCENARIO_5);
    check(&r, &[DEVELOPMENT], &[(DEV_VPC, true), (DEV_HOST, false), (CVPN_VPC, false)]);
    check(
        &r,
        &[MANAGER],
        &[(INTERNET, true), (CVPN_VPC, true), (DEV_HOST, true), (ON_PREM, false), (DEV_VPC, false)],
    );
    check(
        &r,
        &[ENGINEERING],
        &[
            (INTERNET, true),
            (CVPN_VPC, true),
            (ON_PREM, true),
            (ON_PREM_SUBNET, true),
            (DEV_VPC, false),
            (DEV_HOST, false),
        ],
    );
    // Both groups reach 192.168.0.0/24 through their 0.0.0.0/0 rules.
    assert!(allowed(&r, &[ENGINEERING], CVPN_VPC) && allowed(&r, &[MANAGER], CVPN_VPC));
}

#[test]
fn aws_scenario_6_rule_for_192_168_0_0_24() {
    let r = rules(SCENARIO_6);
    check(&r, &[DEVELOPMENT], &[(DEV_VPC, true), (DEV_HOST, false), (CVPN_VPC, false)]);
    check(
        &r,
        &[MANAGER],
        &[(INTERNET, true), (CVPN_VPC, true), (DEV_HOST, true), (ON_PREM, false), (DEV_VPC, false)],
    );
    // AWS's note says the *development* group loses 192.168.0.0/24 here (a
    // slip: it never had it). The group that loses it is engineering, which
    // reached it through 0.0.0.0/0 in scenario 5.
    check(
        &r,
        &[ENGINEERING],
        &[(INTERNET, true), (ON_PREM, true), (ON_PREM_SUBNET, true), (CVPN_VPC, false)],
    );
    assert!(allowed(&rules(SCENARIO_5), &[ENGINEERING], CVPN_VPC));
    let decision = decide(&r, &[ENGINEERING], CVPN_VPC);
    assert_eq!(
        decision.to_string(),
        r#"denied: 192.168.0.10 is decided by 192.168.0.0/24, which grants only group "S-xxxxx16"; the user is in "S-xxxxx14"; 0.0.0.0/0 would allow but is less specific"#
    );
}

#[test]
fn aws_scenario_7_saml_federated_authentication() {
    // The current page's SAML scenario: group IDs are the SAML group values.
    let r = rules(&[
        ("172.16.0.0/24", Some("Engineering")),
        ("10.0.0.0/16", Some("Developers")),
        ("192.168.0.0/24", Some("Managers")),
    ]);
    let everything = [ON_PREM, DEV_VPC, CVPN_VPC, INTERNET];
    for (group, only) in [("Engineering", ON_PREM), ("Developers", DEV_VPC), ("Managers", CVPN_VPC)] {
        let cases: Vec<(&str, bool)> = everything.iter().map(|&a| (a, a == only)).collect();
        check(&r, &[group], &cases);
    }
    check(&r, &[OTHER], &everything.map(|a| (a, false)));
    // Exact comparison: an IdP sending "engineering" does not match, and the reason says why.
    let decision = decide(&r, &["engineering"], ON_PREM);
    assert!(!decision.is_allowed());
    assert_eq!(
        decision.to_string(),
        r#"denied: 172.16.0.10 is decided by 172.16.0.0/24, which grants only group "Engineering"; the user is in "engineering"; rule group "Engineering" differs only in case from the user's "engineering""#
    );
}

#[test]
fn aws_scenario_8_access_for_all_user_groups() {
    // Scenario 7 on the older page. "N/A" in the Group ID column is no GroupId.
    let r = rules(SCENARIO_ALL_USERS);
    // The text lists only the development VPC for development; the
    // all-users 0.0.0.0/0 rule gives it the internet too (key points).
    check(
        &r,
        &[DEVELOPMENT],
        &[(DEV_VPC, true), (DEV_HOST, false), (INTERNET, true), (CVPN_VPC, false), (ON_PREM, false)],
    );
    check(
        &r,
        &[MANAGER],
        &[(INTERNET, true), (CVPN_VPC, true), (DEV_HOST, true), (ON_PREM, false), (DEV_VPC, false)],
    );
    check(
        &r,
        &[ENGINEERING],
        &[(INTERNET, true), (ON_PREM, true), (ON_PREM_SUBNET, true), (CVPN_VPC, false)],
    );
    // "Any other user group ... can access the public internet, but not any
    // other destination networks defined in the other rules."
    check(
        &r,
        &[OTHER],
        &[
            (INTERNET, true),
            (DEV_VPC, false),
            (DEV_HOST, false),
            (ON_PREM, false),
            (ON_PREM_SUBNET, false),
            (CVPN_VPC, false),
        ],
    );
    check(&r, &[], &[(INTERNET, true), (DEV_VPC, false)]);
    assert_eq!(reach(&r, &[OTHER]), ["0.0.0.0/0 except 10.0.0.0/16, 172.16.0.0/24, 192.168.0.0/24"]);
    let decision = decide(&r, &[OTHER], INTERNET);
    assert_eq!(decision.granting_rule().map(Rule::index), Some(7));
    // Engineering's own 0.0.0.0/0 rule (index 5) comes before the all-users one.
    assert_eq!(decide(&r, &[ENGINEERING], INTERNET).granting_rule().map(Rule::index), Some(5));
}

const GROUP_1: &str = "Group 1";
const GROUP_2: &str = "Group 2";
const GROUP_3: &str = "Group 3";

#[test]
fn aws_troubleshooting_active_directory_group_rules() {
    // "Authorization rules for Active Directory groups not working as expected", rules 1 to 5.
    let rows = [
        ("10.1.0.0/16", Some(GROUP_1)),
        ("0.0.0.0/0", Some(GROUP_1)),
        ("0.0.0.0/0", Some(GROUP_2)),
        ("0.0.0.0/0", Some(GROUP_3)),
        ("172.131.0.0/16", Some(GROUP_2)),
    ];
    let r = rules(&rows);
    // The page says group 1 has "10.1.0.0/16 only" and group 2
    // "172.131.0.0/16 only"; both also hold 0.0.0.0/0, so by the key points
    // (which this module follows) each reaches everything but the other's network.
    check(&r, &[GROUP_1], &[("10.1.2.3", true), ("172.131.5.5", false), (INTERNET, true)]);
    check(&r, &[GROUP_2], &[("172.131.5.5", true), ("10.1.2.3", false), (INTERNET, true)]);
    // Stated exactly: group 3 reaches neither network but everything else.
    check(&r, &[GROUP_3], &[("10.1.2.3", false), ("172.131.5.5", false), (INTERNET, true), (CVPN_VPC, true)]);
    assert_eq!(reach(&r, &[GROUP_3]), ["0.0.0.0/0 except 10.1.0.0/16, 172.131.0.0/16"]);
    assert_eq!(
        decide(&r, &[GROUP_2, GROUP_3], "10.1.2.3").to_string(),
        r#"denied: 10.1.2.3 is decided by 10.1.0.0/16, which grants only group "Group 1"; the user is in "Group 2", "Group 3"; 0.0.0.0/0 would allow but is less specific"#
    );
    // "If you remove Rules 1 and 5, all three groups have access to all networks."
    let r = rules(&rows[1..4]);
    for group in [GROUP_1, GROUP_2, GROUP_3] {
        check(&r, &[group], &[("10.1.2.3", true), ("172.131.5.5", true), (INTERNET, true)]);
    }
}

// Edges.

#[test]
fn host_routes_v4_and_v6() {
    let r = rules(&[
        ("10.0.0.0/8", Some("wide")),
        ("10.0.0.7/32", Some("host")),
        ("2001:db8::/32", Some("wide")),
        ("2001:db8::7/128", Some("host")),
    ]);
    check(&r, &["host"], &[("10.0.0.7", true), ("10.0.0.6", false), ("10.0.0.8", false)]);
    check(&r, &["wide"], &[("10.0.0.7", false), ("10.0.0.6", true)]);
    check(&r, &["host"], &[("2001:db8::7", true), ("2001:db8::6", false)]);
    check(&r, &["wide"], &[("2001:db8::7", false), ("2001:db8::8", true)]);
    assert_eq!(
        reach(&r, &["wide"]),
        ["10.0.0.0/8 except 10.0.0.7/32", "2001:db8::/32 except 2001:db8::7/128"]
    );
}

#[test]
fn network_and_broadcast_addresses_are_inside() {
    let r = rules(&[("10.0.0.0/16", Some("G"))]);
    check(
        &r,
        &["G"],
        &[("10.0.0.0", true), ("10.0.255.255", true), ("9.255.255.255", false), ("10.1.0.0", false)],
    );
    let r = rules(&[("0.0.0.0/0", None)]);
    check(&r, &[], &[("0.0.0.0", true), ("255.255.255.255", true), ("::", false)]);
}

#[test]
fn several_rules_for_one_cidr_add_up() {
    let r = rules(&[("10.0.0.0/16", Some("G1")), ("10.0.0.0/16", Some("G2")), ("10.0.0.0/16", Some("G2"))]);
    check(&r, &["G1"], &[("10.0.1.1", true)]);
    check(&r, &["G2"], &[("10.0.1.1", true)]);
    check(&r, &["G3"], &[("10.0.1.1", false)]);
    let decision = decide(&r, &["G3", "G2", "G1"], "10.0.1.1");
    assert_eq!(decision.granting_rule().map(Rule::index), Some(0));
    assert_eq!(decision.rules_at_prefix().iter().map(|r| r.index()).collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(
        decide(&r, &["G3"], "10.0.1.1").to_string(),
        r#"denied: 10.0.1.1 is decided by 10.0.0.0/16, which grants only groups "G1", "G2"; the user is in "G3""#
    );
    // An all-users rule at the same CIDR grants everyone.
    let r = rules(&[("10.0.0.0/16", Some("G1")), ("10.0.0.0/16", None)]);
    assert_eq!(decide(&r, &["G9"], "10.0.1.1").granting_rule().map(Rule::index), Some(1));
    assert_eq!(decide(&r, &["G1"], "10.0.1.1").granting_rule().map(Rule::index), Some(0));
    assert_eq!(
        decide(&r, &["G9"], "10.0.1.1").to_string(),
        "allowed: 10.0.1.1 is decided by 10.0.0.0/16, where AuthorizationRules[1] grants all users"
    );
    assert_eq!(
        decide(&r, &["G1"], "10.0.1.1").to_string(),
        r#"allowed: 10.0.1.1 is decided by 10.0.0.0/16, where AuthorizationRules[0] grants group "G1", which the user is in"#
    );
}

#[test]
fn many_groups_at_one_cidr_use_the_hash_index() {
    let groups: Vec<String> = (0..50).map(|i| format!("group-{i:02}")).collect();
    let rows: Vec<Row<'_>> = groups.iter().map(|g| ("10.0.0.0/8", Some(g.as_str()))).collect();
    let r = rules(&rows);
    check(&r, &["group-49"], &[("10.1.1.1", true)]);
    check(&r, &["group-50", "GROUP-49"], &[("10.1.1.1", false)]);
    assert_eq!(decide(&r, &["group-49", "group-07"], "10.1.1.1").granting_rule().map(Rule::index), Some(7));
    assert_eq!(decide(&r, &["GROUP-49"], "10.1.1.1").case_near_misses().len(), 1);
    assert_eq!(
        decide(&r, &["x"], "10.1.1.1").to_string(),
        r#"denied: 10.1.1.1 is decided by 10.0.0.0/8, which grants only groups "group-00", "group-01", "group-02", "group-03", "group-04", "group-05", "group-06", "group-07", "group-08", "group-09" and 40 more; the user is in "x""#
    );
}

#[test]
fn default_routes_of_each_family() {
    let r = rules(&[("0.0.0.0/0", Some("v4")), ("::/0", Some("v6"))]);
    check(
        &r,
        &["v4"],
        &[("0.0.0.0", true), ("255.255.255.255", true), ("::1", false), ("2001:db8::1", false)],
    );
    check(
        &r,
        &["v6"],
        &[("::", true), ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true), ("10.0.0.1", false)],
    );
}

#[test]
fn rules_not_in_force_neither_grant_nor_take_away() {
    let status_rule = |i, cidr: &str, group: Option<&str>, status| {
        let grant = group.map_or(Grant::AllUsers, |g| Grant::Group(Untrusted::new(g)));
        Rule::new(i, cidr.parse().unwrap(), grant, status)
    };
    let r = AuthorizationRules::from_rules(vec![
        status_rule(0, "10.0.0.0/16", Some("G1"), RuleStatus::Active),
        status_rule(1, "10.0.2.0/24", Some("G2"), RuleStatus::Revoking),
        status_rule(2, "10.0.2.0/24", Some("G1"), RuleStatus::Failed),
        status_rule(3, "0.0.0.0/0", None, RuleStatus::Authorizing),
    ]);
    // The revoking /24 does not take 10.0.2.0/24 away from G1 ...
    let decision = decide(&r, &["G1"], "10.0.2.5");
    assert!(decision.is_allowed());
    assert_eq!(decision.deciding_cidr(), Some("10.0.0.0/16".parse().unwrap()));
    // ... nor give it to G2, and the authorizing all-users rule gives nothing yet.
    let decision = decide(&r, &["G2"], "10.0.2.5");
    assert!(!decision.is_allowed());
    assert_eq!(decision.not_in_force().iter().map(|r| r.index()).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(
        decision.to_string(),
        r#"denied: 10.0.2.5 is decided by 10.0.0.0/16, which grants only group "G1"; the user is in "G2"; AuthorizationRules[1] (10.0.2.0/24 for group "G2", revoking) is not in force; AuthorizationRules[2] (10.0.2.0/24 for group "G1", failed) is not in force"#
    );
    let decision = decide(&r, &["G2"], "192.0.2.1");
    assert_eq!(
        decision.to_string(),
        "denied: no active rule's destination contains 192.0.2.1 (default deny); AuthorizationRules[3] (0.0.0.0/0 for all users, authorizing) is not in force"
    );
    assert_eq!(reach(&r, &["G1", "G2"]), ["10.0.0.0/16"]);
    assert_eq!(r.rules().len(), 4);
}

#[test]
fn no_rules_deny_everything() {
    let r = AuthorizationRules::default();
    for address in ["10.0.0.1", "::1", "::ffff:10.0.0.1"] {
        let decision = decide(&r, &["G1"], address);
        assert!(!decision.is_allowed());
        assert_eq!(decision.deciding_cidr(), None);
        assert!(decision.rules_at_prefix().is_empty() && decision.less_specific_grants().is_empty());
    }
    assert_eq!(
        decide(&r, &[], "10.0.0.1").to_string(),
        "denied: no active rule's destination contains 10.0.0.1 (default deny); there is no active rule at all"
    );
    assert!(reach(&r, &["G1"]).is_empty());
    assert_eq!(r.endpoint_id(), None);
}

#[test]
fn a_user_without_groups_gets_only_all_users_rules() {
    let r = rules(&[("10.0.0.0/8", None), ("10.1.0.0/16", Some("G1"))]);
    check(&r, &[], &[("10.2.0.1", true), ("10.1.0.1", false)]);
    assert_eq!(
        decide(&r, &[], "10.1.0.1").to_string(),
        r#"denied: 10.1.0.1 is decided by 10.1.0.0/16, which grants only group "G1"; the user is in no group; 10.0.0.0/8 would allow but is less specific"#
    );
}

#[test]
fn two_hundred_groups() {
    let groups: Vec<String> = (0..200).map(|i| format!("{i:08x}-0000-4000-8000-000000000000")).collect();
    let list: Vec<&str> = groups.iter().map(String::as_str).collect();
    let r = rules(&[("10.0.0.0/8", Some(list[199])), ("10.1.0.0/16", Some("not-a-member"))]);
    check(&r, &list, &[("10.2.0.1", true), ("10.1.0.1", false)]);
    let reason = decide(&r, &list, "10.1.0.1").to_string();
    assert!(
        reason.contains(r#""00000009-0000-4000-8000-000000000000" and 190 more; 10.0.0.0/8 would allow"#),
        "{reason}"
    );
    assert!(!reason.contains("0000000a-"), "{reason}");
}

#[test]
fn each_family_matches_only_its_own_rules() {
    let v4_only = rules(&[("0.0.0.0/0", None)]);
    let v6_only = rules(&[("::/0", None)]);
    check(&v4_only, &[], &[("2001:db8::1", false), ("10.0.0.1", true)]);
    check(&v6_only, &[], &[("10.0.0.1", false), ("2001:db8::1", true)]);
    assert_eq!(
        decide(&v4_only, &[], "2001:db8::1").to_string(),
        "denied: no active rule's destination contains 2001:db8::1 (default deny); the active rules cover only IPv4 destinations, and each family is matched only against its own"
    );
    assert!(decide(&v6_only, &[], "10.0.0.1").to_string().contains("cover only IPv6 destinations"));
}

#[test]
fn ipv4_mapped_destinations_are_evaluated_as_ipv4() {
    let r = rules(&[("10.0.0.0/8", Some("v4")), ("::/0", Some("v6"))]);
    let decision = decide(&r, &["v4"], "::ffff:10.0.0.1");
    assert!(decision.is_allowed());
    assert_eq!(decision.destination(), ip("10.0.0.1"));
    assert_eq!(decision.requested_destination(), ip("::ffff:10.0.0.1"));
    assert_eq!(
        format!("{decision:?}"),
        "Decision { allowed: true, destination: 10.0.0.1, requested: ::ffff:10.0.0.1, deciding_cidr: Some(Cidr(10.0.0.0/8)), granting_rule: Some(0) }"
    );
    // ::/0 does not decide IPv4 traffic, whatever its notation.
    let decision = decide(&r, &["v6"], "::ffff:10.0.0.1");
    assert!(!decision.is_allowed());
    assert!(
        decision.to_string().starts_with(
            "denied: ::ffff:10.0.0.1 (evaluated as the IPv4 address 10.0.0.1) is decided by 10.0.0.0/8"
        ),
        "{decision}"
    );
    // The deprecated IPv4-compatible form (::a.b.c.d) is an ordinary IPv6 address.
    check(&r, &["v6"], &[("::10.0.0.1", true)]);
    check(&r, &["v4"], &[("::10.0.0.1", false)]);
}

#[test]
fn case_near_misses_ascii_and_unicode() {
    let r = rules(&[("10.0.0.0/8", Some("ABC")), ("10.0.0.0/8", Some("ÄRGER")), ("10.0.0.0/8", Some("xyz"))]);
    let decision = decide(&r, &["abc", "ärger", "XYZ ", "Abc"], "10.0.0.1");
    assert!(!decision.is_allowed());
    let misses: Vec<(usize, &str)> =
        decision.case_near_misses().iter().map(|m| (m.rule.index(), m.user_group)).collect();
    assert_eq!(misses, [(0, "abc"), (0, "Abc"), (1, "ärger")]);
    let reason = decision.to_string();
    assert!(reason.contains(r#"; rule group "ABC" differs only in case from the user's "abc""#), "{reason}");
    assert!(
        reason.contains(r#"; rule group "ÄRGER" differs only in case from the user's "ärger""#),
        "{reason}"
    );
    // An exact match grants and no near miss is reported.
    assert!(decide(&r, &["ABC", "abc"], "10.0.0.1").is_allowed());
}

#[test]
fn received_text_is_escaped_in_reasons() {
    let r = rules(&[("10.0.0.0/8", Some("G\u{202e}1"))]);
    let reason = decide(&r, &["evil\nINFO allowed: 10.0.0.1"], "10.0.0.1").to_string();
    assert!(!reason.contains('\n') && !reason.contains('\u{202e}'), "{reason}");
    assert!(
        reason.contains(r#""G\u{202e}1""#) && reason.contains(r#""evil\nINFO allowed: 10.0.0.1""#),
        "{reason}"
    );
}

#[test]
fn reach_lists_granted_subnets_inside_denied_ones() {
    let r = rules(&[
        ("0.0.0.0/0", Some("G")),
        ("10.0.0.0/8", Some("other")),
        ("10.1.0.0/16", Some("G")),
        ("10.1.2.0/24", Some("other")),
        ("10.1.2.3/32", Some("other")),
        ("10.2.0.0/16", Some("other")),
    ]);
    assert_eq!(reach(&r, &["G"]), ["0.0.0.0/0 except 10.0.0.0/8", "10.1.0.0/16 except 10.1.2.0/24"]);
    let shown: Vec<String> =
        r.reachable_groups(Groups::List(&["G"])).iter().map(ToString::to_string).collect();
    assert_eq!(shown[1], r#"10.1.0.0/16 via AuthorizationRules[2] (group "G"), except 10.1.2.0/24"#);
}

// Configuration refusals, through the JSON.

fn json_rule(fields: &str) -> String {
    format!(r#"{{"AuthorizationRules": [{{"ClientVpnEndpointId": "cvpn-endpoint-1", {fields}}}]}}"#)
}

const GOOD: &str = r#""AccessAll": false, "GroupId": "G1", "DestinationCidr": "10.0.0.0/16", "Description": "dev", "Status": {"Code": "active"}"#;

#[track_caller]
fn refused(json: &str) -> RulesError {
    match AuthorizationRules::from_json(json.as_bytes()) {
        Ok(_) => panic!("accepted: {json}"),
        Err(e) => e,
    }
}

#[test]
fn reads_what_the_aws_cli_prints() {
    let json = r#"{
        "AuthorizationRules": [
            {"ClientVpnEndpointId": "cvpn-endpoint-123456789123abcde", "GroupId": "", "AccessAll": true,
             "DestinationCidr": "0.0.0.0/0", "Status": {"Code": "active"}},
            {"ClientVpnEndpointId": "cvpn-endpoint-123456789123abcde", "Description": "dev VPC",
             "GroupId": "6f2a1c1e-0000-4000-8000-5a4d1e2f3a4b", "AccessAll": false,
             "DestinationCidr": "10.0.0.0/16", "Status": {"Code": "revoking", "Message": "being removed"},
             "SomeFieldAwsAddsLater": {"x": [1, 2.5, null]}},
            {"ClientVpnEndpointId": "cvpn-endpoint-123456789123abcde", "Description": "",
             "GroupId": "g6", "AccessAll": false, "DestinationCidr": "2001:db8::/32", "Status": {"Code": "failed", "Message": ""}}
        ],
        "NextToken": null
    }"#;
    let r = AuthorizationRules::from_json(json.as_bytes()).unwrap();
    assert_eq!(r.endpoint_id().map(Untrusted::as_str_less_safe), Some("cvpn-endpoint-123456789123abcde"));
    let [all, dev, v6] = r.rules() else { panic!("{:?}", r.rules()) };
    assert_eq!((all.grant(), all.status(), all.description()), (&Grant::AllUsers, RuleStatus::Active, None));
    assert_eq!(dev.group().map(Untrusted::as_str_less_safe), Some("6f2a1c1e-0000-4000-8000-5a4d1e2f3a4b"));
    assert_eq!(dev.status(), RuleStatus::Revoking);
    assert_eq!(dev.status_message().map(Untrusted::as_str_less_safe), Some("being removed"));
    assert_eq!(dev.description().map(Untrusted::as_str_less_safe), Some("dev VPC"));
    assert_eq!(
        (v6.cidr().to_string(), v6.description(), v6.status_message()),
        ("2001:db8::/32".into(), None, None)
    );
    assert_eq!(v6.index(), 2);
    assert!(AuthorizationRules::from_json(br#"{"AuthorizationRules": []}"#).unwrap().rules().is_empty());
    assert!(AuthorizationRules::from_json(br#"{"AuthorizationRules": [], "NextToken": ""}"#).is_ok());
}

#[test]
fn each_refusal_has_its_kind() {
    let too_large = " ".repeat(MAX_RULES_BYTES + 1);
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let cases: Vec<(String, ErrorKind)> = vec![
        (too_large, ErrorKind::AuthorizationRulesTooLarge),
        ("{\"AuthorizationRules\": [\"a\u{1}\"]}".into(), ErrorKind::AuthorizationRulesJson),
        ("{".into(), ErrorKind::AuthorizationRulesJson),
        (deep, ErrorKind::AuthorizationRulesJson),
        (r#"{"AuthorizationRules": []} {}"#.into(), ErrorKind::AuthorizationRulesJson),
        ("{}".into(), ErrorKind::AuthorizationRulesMissingField),
        (json_rule(r#""GroupId": "G1", "DestinationCidr": "10.0.0.0/16", "Status": {"Code": "active"}"#), ErrorKind::AuthorizationRulesMissingField),
        (json_rule(r#""AccessAll": true, "Status": {"Code": "active"}"#), ErrorKind::AuthorizationRulesMissingField),
        (json_rule(r#""AccessAll": true, "DestinationCidr": "10.0.0.0/16""#), ErrorKind::AuthorizationRulesMissingField),
        (json_rule(r#""AccessAll": true, "DestinationCidr": "10.0.0.0/16", "Status": {"Message": "x"}"#), ErrorKind::AuthorizationRulesMissingField),
        (r#"{"AuthorizationRules": [{"AccessAll": true, "DestinationCidr": "10.0.0.0/16", "Status": {"Code": "active"}}]}"#.into(), ErrorKind::AuthorizationRulesMissingField),
        ("[]".into(), ErrorKind::AuthorizationRulesFieldType),
        (r#"{"AuthorizationRules": {}}"#.into(), ErrorKind::AuthorizationRulesFieldType),
        (r#"{"AuthorizationRules": ["10.0.0.0/8"]}"#.into(), ErrorKind::AuthorizationRulesFieldType),
        (json_rule(r#""AccessAll": "true", "DestinationCidr": "10.0.0.0/16", "Status": {"Code": "active"}"#), ErrorKind::AuthorizationRulesFieldType),
        (json_rule(r#""AccessAll": true, "GroupId": null, "DestinationCidr": "10.0.0.0/16", "Status": {"Code": "active"}"#), ErrorKind::AuthorizationRulesFieldType),
        (json_rule(r#""AccessAll": true, "DestinationCidr": 167772160, "Status": {"Code": "active"}"#), ErrorKind::AuthorizationRulesFieldType),
        (json_rule(r#""AccessAll": true, "DestinationCidr": "10.0.0.0/16", "Status": "active""#), ErrorKind::AuthorizationRulesFieldType),
        (json_rule(r#""AccessAll": true, "DestinationCidr": "10.0.0.0/16", "Status": {"Code": 1}"#), ErrorKind::AuthorizationRulesFieldType),
        (json_rule(&format!(r#"{GOOD}, "AccessAll": true"#)), ErrorKind::AuthorizationRulesDuplicateField),
        (json_rule(r#""AccessAll": true, "DestinationCidr": "10.0.0.0/16", "Status": {"Code": "active", "Code": "failed"}"#), ErrorKind::AuthorizationRulesDuplicateField),
        (r#"{"AuthorizationRules": [], "AuthorizationRules": []}"#.into(), ErrorKind::AuthorizationRulesDuplicateField),
        (r#"{"AuthorizationRules": [], "NextToken": "eyJ2IjoxfQ=="}"#.into(), ErrorKind::AuthorizationRulesIncomplete),
        (json_rule(&GOOD.replace("10.0.0.0/16", "10.0.0/16")), ErrorKind::AuthorizationRulesInvalidCidr),
        (json_rule(&GOOD.replace("10.0.0.0/16", "10.0.0.0/16 ")), ErrorKind::AuthorizationRulesInvalidCidr),
        (json_rule(&GOOD.replace("10.0.0.0/16", "10.0.0.0")), ErrorKind::AuthorizationRulesInvalidCidr),
        (json_rule(&GOOD.replace("10.0.0.0/16", "10.1.2.3/16")), ErrorKind::AuthorizationRulesCidrHostBits),
        (json_rule(&GOOD.replace("10.0.0.0/16", "::ffff:10.0.0.0/104")), ErrorKind::AuthorizationRulesMappedIpv6Cidr),
        (json_rule(&GOOD.replace(r#""AccessAll": false"#, r#""AccessAll": true"#)), ErrorKind::AuthorizationRulesBothGrants),
        (json_rule(&GOOD.replace(r#""GroupId": "G1""#, r#""GroupId": """#)), ErrorKind::AuthorizationRulesNoGrant),
        (json_rule(r#""AccessAll": false, "DestinationCidr": "10.0.0.0/16", "Status": {"Code": "active"}"#), ErrorKind::AuthorizationRulesNoGrant),
        (json_rule(&GOOD.replace(r#""Code": "active""#, r#""Code": "Active""#)), ErrorKind::AuthorizationRulesUnknownStatus),
        (
            format!(
                r#"{{"AuthorizationRules": [{{"ClientVpnEndpointId": "cvpn-endpoint-1", {GOOD}}}, {{"ClientVpnEndpointId": "cvpn-endpoint-2", {GOOD}}}]}}"#
            ),
            ErrorKind::AuthorizationRulesMixedEndpoints,
        ),
    ];
    for (json, kind) in &cases {
        let error = refused(json);
        assert_eq!(error.kind(), *kind, "{}: {error}", json.chars().take(200).collect::<String>());
    }
    // Byte-level encodings: UTF-16 (what Windows PowerShell 5 redirects), a UTF-8 BOM, stray bytes.
    let utf16: Vec<u8> = "\u{feff}{}".encode_utf16().flat_map(u16::to_le_bytes).collect();
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(br#"{"AuthorizationRules": []}"#);
    for bytes in [utf16, bom, b"{\"AuthorizationRules\": [\xff]}".to_vec()] {
        let error = AuthorizationRules::from_json(&bytes).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::AuthorizationRulesEncoding);
        assert!(error.hint().is_some());
    }
    // Every kind of this module is exercised above.
    let seen: std::collections::BTreeSet<ErrorKind> =
        cases.iter().map(|(_, k)| *k).chain([ErrorKind::AuthorizationRulesEncoding]).collect();
    let ours = ErrorKind::ALL.iter().filter(|k| k.as_str().starts_with("authorization_rules_")).count();
    assert_eq!(seen.len(), ours);
}

#[test]
fn refusals_name_the_rule() {
    let two = |second: &str| {
        format!(
            r#"{{"AuthorizationRules": [{{"ClientVpnEndpointId": "cvpn-endpoint-1", {GOOD}}}, {{"ClientVpnEndpointId": "cvpn-endpoint-1", {second}}}]}}"#
        )
    };
    let error = refused(&two(&GOOD.replace("10.0.0.0/16", "10.1.2.3/16").replace("dev", "payroll")));
    assert_eq!(
        error,
        RulesError::CidrHostBits {
            rule: RuleRef {
                index: 1,
                destination_cidr: Some(Untrusted::new("10.1.2.3/16")),
                description: Some(Untrusted::new("payroll")),
            },
            network: "10.1.0.0/16".parse().unwrap(),
        }
    );
    assert_eq!(
        error.to_string(),
        r#"AuthorizationRules[1] (DestinationCidr "10.1.2.3/16", Description "payroll"): DestinationCidr has host bits set past the prefix length; the network is 10.1.0.0/16"#
    );
    let error = refused(&two(
        r#""AccessAll": true, "GroupId": "G\n2", "DestinationCidr": "10.9.0.0/16", "Status": {"Code": "active"}"#,
    ));
    assert_eq!(
        error.to_string(),
        r#"AuthorizationRules[1] (DestinationCidr "10.9.0.0/16"): AccessAll is true and GroupId "G\n2" is set; a rule grants either all users or one group"#
    );
    let error = refused(&two(
        r#""AccessAll": true, "DestinationCidr": "10.9.0.0/16", "Status": {"Code": "active"}, "Status": {}"#,
    ));
    assert_eq!(
        error.to_string(),
        r#"AuthorizationRules[1] (DestinationCidr "10.9.0.0/16"): the key "Status" appears more than once"#
    );
    let error = refused(&two(
        r#""AccessAll": true, "DestinationCidr": "10.9.0.0/16", "Description": "x\u202ey", "Status": {}"#,
    ));
    assert_eq!(
        error.to_string(),
        r#"AuthorizationRules[1] (DestinationCidr "10.9.0.0/16", Description "x\u{202e}y").Status: Code is missing"#
    );
    assert_eq!(refused("{}").to_string(), "the rules JSON: AuthorizationRules is missing");
    assert_eq!(
        refused("{\n\"AuthorizationRules\": [}").to_string(),
        "the authorization rules are not valid JSON (line 2, column 24)"
    );
    let error = refused(&json_rule(&GOOD.replace(r#""Code": "active""#, r#""Code": "Active""#)));
    assert!(
        error
            .to_string()
            .ends_with(r#"Status.Code "Active" is none of authorizing, active, failed, revoking"#),
        "{error}"
    );
}

#[test]
fn many_keys_in_one_object_are_checked_without_quadratic_cost() {
    let keys: Vec<String> = (0..50_000).map(|i| format!(r#""k{i}": {i}"#)).collect();
    let mut json = format!(r#"{{"AuthorizationRules": [], {}}}"#, keys.join(", "));
    let started = std::time::Instant::now();
    assert!(AuthorizationRules::from_json(json.as_bytes()).is_ok());
    json.insert_str(json.len() - 1, r#", "k25000": 0"#);
    assert_eq!(refused(&json).kind(), ErrorKind::AuthorizationRulesDuplicateField);
    // Quadratic pairwise checks would take tens of seconds here.
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}
