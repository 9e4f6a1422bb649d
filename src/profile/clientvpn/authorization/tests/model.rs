//! The lookup structure against a brute-force model: for random rule sets,
//! groups and destinations, `decide` must agree with "collect the active
//! rules whose CIDR contains the destination, keep the longest prefix, allow
//! if any of them grants", and the reachable set must say the same.
//!
//! The seed is fixed, and a failing case is persisted in
//! `proptest-regressions/authorization/tests/model.txt` (proptest's place for
//! tests under `src/`), which is replayed first on the next run: commit it
//! with the fix.

use std::cell::Cell;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, RngSeed, TestCaseError, TestRunner};

use super::super::cidr::{mask_v4, mask_v6};
use super::super::groups::Groups;
use super::super::*;

/// Addresses near which CIDRs and destinations are drawn, so that they nest
/// and overlap often.
const BASE_V4: [u32; 8] =
    [0, 0x0a00_0000, 0x0a00_0277, 0x0a01_0000, 0x0a01_0203, 0xac10_0080, 0xc0a8_0001, u32::MAX];
const BASE_V6: [u128; 5] = [0, 0x2001_0db8 << 96, (0x2001_0db8 << 96) | 7, 0xfe80 << 112, u128::MAX];
const GROUPS: [&str; 5] = ["G1", "G2", "G3", "g1", "G4"];

fn low_bits_v4(k: u8) -> u32 {
    !mask_v4(32 - k.min(32))
}

fn low_bits_v6(k: u8) -> u128 {
    !mask_v6(128 - k.min(128))
}

fn address_v4() -> impl Strategy<Value = u32> {
    (0..BASE_V4.len(), any::<u32>(), 0u8..=32).prop_map(|(b, noise, k)| BASE_V4[b] ^ (noise & low_bits_v4(k)))
}

fn address_v6() -> impl Strategy<Value = u128> {
    (0..BASE_V6.len(), any::<u128>(), 0u8..=128)
        .prop_map(|(b, noise, k)| BASE_V6[b] ^ (noise & low_bits_v6(k)))
}

fn cidr() -> impl Strategy<Value = Cidr> {
    let v4 =
        (address_v4(), 0u8..=32).prop_map(|(a, len)| format!("{}/{len}", Ipv4Addr::from(a & mask_v4(len))));
    let v6 =
        (address_v6(), 0u8..=128).prop_map(|(a, len)| format!("{}/{len}", Ipv6Addr::from(a & mask_v6(len))));
    // IPv6 CIDRs inside ::ffff:0:0/96 are refused by design: drawn rarely, filtered out.
    prop_oneof![3 => v4, 1 => v6].prop_filter_map("mapped range", |text| text.parse().ok())
}

fn rule() -> impl Strategy<Value = (Cidr, Option<usize>, u8)> {
    (cidr(), prop::option::weighted(0.8, 0..GROUPS.len()), 0u8..10)
}

fn destination() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        6 => address_v4().prop_map(|a| IpAddr::V4(a.into())),
        3 => address_v6().prop_map(|a| IpAddr::V6(a.into())),
        1 => address_v4().prop_map(|a| IpAddr::V6(Ipv4Addr::from(a).to_ipv6_mapped())),
    ]
}

fn build(drawn: &[(Cidr, Option<usize>, u8)]) -> AuthorizationRules {
    let rules = drawn
        .iter()
        .enumerate()
        .map(|(i, &(cidr, group, status))| {
            let grant = group.map_or(Grant::AllUsers, |g| Grant::Group(Untrusted::new(GROUPS[g])));
            // Mostly active, so that inactive rules stay the exception they are.
            let status = match status {
                0 => RuleStatus::Revoking,
                1 => RuleStatus::Authorizing,
                2 => RuleStatus::Failed,
                _ => RuleStatus::Active,
            };
            Rule::new(i, cidr, grant, status)
        })
        .collect();
    AuthorizationRules::from_rules(rules)
}

fn grants(rule: &Rule, groups: &[&str]) -> bool {
    match rule.grant() {
        Grant::AllUsers => true,
        Grant::Group(g) => groups.contains(&g.as_str_less_safe()),
    }
}

/// What the brute-force model says: (deciding CIDR, granting rule, less
/// specific CIDRs that would grant, most specific first).
fn model(rules: &[Rule], groups: &[&str], destination: IpAddr) -> (Option<Cidr>, Option<usize>, Vec<Cidr>) {
    let destination = match destination {
        IpAddr::V6(a) => a.to_ipv4_mapped().map_or(destination, IpAddr::V4),
        v4 => v4,
    };
    let matching: Vec<&Rule> =
        rules.iter().filter(|r| r.is_active() && r.cidr().contains(destination)).collect();
    let Some(longest) = matching.iter().map(|r| r.cidr().prefix_len()).max() else {
        return (None, None, Vec::new());
    };
    let at: Vec<&&Rule> = matching.iter().filter(|r| r.cidr().prefix_len() == longest).collect();
    let granting = at.iter().filter(|r| grants(r, groups)).map(|r| r.index()).min();
    let mut wider: Vec<Cidr> = matching
        .iter()
        .filter(|r| r.cidr().prefix_len() < longest && grants(r, groups))
        .map(|r| r.cidr())
        .collect();
    wider.sort_by_key(|c| std::cmp::Reverse(c.prefix_len()));
    wider.dedup();
    (Some(at[0].cidr()), granting, wider)
}

#[test]
fn decide_agrees_with_the_brute_force_model() {
    let config = Config {
        cases: 4000,
        rng_seed: RngSeed::Fixed(0x00c1_1e47_a77e),
        source_file: Some(file!()),
        failure_persistence: Some(Box::new(FileFailurePersistence::SourceParallel("proptest-regressions"))),
        ..Config::default()
    };
    let strategy = (
        prop::collection::vec(rule(), 0..40),
        prop::sample::subsequence(GROUPS.to_vec(), 0..=GROUPS.len()),
        prop::collection::vec(destination(), 1..20),
    );
    let mut runner = TestRunner::new(config);
    let (allowed, total) = (Cell::new(0usize), Cell::new(0usize));
    let result = runner.run(&strategy, |(drawn, groups, destinations)| {
        let rules = build(&drawn);
        let reach = rules.reachable_groups(Groups::List(&groups));
        for destination in destinations {
            let decision = rules.decide_groups(Groups::List(&groups), destination);
            let (cidr, granting, wider) = model(rules.rules(), &groups, destination);
            prop_assert_eq!(decision.deciding_cidr(), cidr, "deciding CIDR for {}", destination);
            prop_assert_eq!(
                decision.granting_rule().map(Rule::index),
                granting,
                "granting rule for {}",
                destination
            );
            prop_assert_eq!(decision.is_allowed(), granting.is_some());
            let shown: Vec<Cidr> = decision.less_specific_grants().iter().map(|r| r.cidr()).collect();
            prop_assert_eq!(shown, wider, "less specific grants for {}", destination);

            // The reachable list, read by longest prefix, gives the same answer.
            let evaluated = decision.destination();
            let listed = reach
                .iter()
                .flat_map(|r| std::iter::once((r.cidr(), true)).chain(r.except().iter().map(|&c| (c, false))))
                .filter(|(c, _)| c.contains(evaluated))
                .max_by_key(|(c, _)| c.prefix_len());
            let reachable = listed.is_some_and(|(_, granted)| granted);
            if reachable != decision.is_allowed() {
                return Err(TestCaseError::fail(format!(
                    "reachable set says {reachable} for {destination}: {decision}"
                )));
            }
            // Rendering never fails and names the outcome.
            let reason = decision.to_string();
            let outcome = if decision.is_allowed() { "allowed: " } else { "denied: " };
            prop_assert!(reason.starts_with(outcome), "{}", reason);
            total.set(total.get() + 1);
            allowed.set(allowed.get() + usize::from(decision.is_allowed()));
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // Guard against a generator that never allows (or always does).
    let (allowed, total) = (allowed.get(), total.get());
    assert!(allowed * 10 > total && allowed * 10 < total * 9, "{allowed} of {total} allowed");
}
