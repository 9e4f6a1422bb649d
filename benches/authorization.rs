//! Client VPN authorization decisions: 1,000 rules and a verified login with
//! 200 groups (the bundled `clientvpn-200-groups.xml`).
//!
//!     cargo bench --bench authorization
//!
//! The target is one `decide` under 2 µs. The rule set mixes prefix lengths
//! /0 to /32 in both families and groups from a pool in which a quarter are
//! the user's, like a large endpoint's; the cases pick destinations whose
//! deciding CIDR has one group, three groups, or a thousand (the hash index).

use std::hint::black_box;
use std::net::IpAddr;

use criterion::{Criterion, criterion_group, criterion_main};
use samlguard::authorization::{AuthorizationRules, SharedRules};
use samlguard::trust::{IdpTrust, MetadataOptions};
use samlguard::{ClientVpn, ClientVpnLogin, Context, Policy, Verified};

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{}/testdata/{rel}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn login(response: &str) -> Verified<ClientVpnLogin> {
    let trust = IdpTrust::from_metadata(&fixture("metadata/entra.xml"), &MetadataOptions::default()).unwrap();
    let context = Context::new("2026-01-15T10:01:00Z".parse().unwrap())
        .expecting_request("id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c");
    Policy::<ClientVpn>::new(trust).validate(&fixture(response), &context).unwrap()
}

/// A small deterministic generator (no `rand` dependency for one bench).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 16
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn rule(cidr: &str, group: Option<&str>) -> String {
    let (group, all) = match group {
        Some(g) => (g, false),
        None => ("", true),
    };
    format!(
        r#"{{"ClientVpnEndpointId": "cvpn-endpoint-0bench", "Description": "bench", "GroupId": "{group}", "AccessAll": {all}, "DestinationCidr": "{cidr}", "Status": {{"Code": "active"}}}}"#
    )
}

fn json(rules: &[String]) -> Vec<u8> {
    format!(r#"{{"AuthorizationRules": [{}]}}"#, rules.join(",")).into_bytes()
}

/// `count` rules over 10.0.0.0/8 (10.200.0.0/13 kept free for the cases
/// below), 172.16.0.0/12, 2001:db8::/32 and the default routes.
fn random_rules(count: usize, user_groups: &[&str]) -> Vec<String> {
    let mut rng = Lcg(0x5eed);
    let others: Vec<String> = (0..800).map(|i| format!("{i:08x}-1111-4222-8333-444444444444")).collect();
    let group = |rng: &mut Lcg| -> Option<String> {
        match rng.below(20) {
            0 => None,
            1..=5 => Some(user_groups[rng.below(user_groups.len() as u64) as usize].to_owned()),
            _ => Some(others[rng.below(others.len() as u64) as usize].clone()),
        }
    };
    let mut out = vec![rule("0.0.0.0/0", Some(&others[0])), rule("::/0", Some(&others[1]))];
    while out.len() < count {
        let cidr = match rng.below(10) {
            0..=6 => {
                let len = 9 + rng.below(24) as u32; // /9 to /32
                let mut address = 0x0a00_0000 | (rng.next() as u32 & 0x00ff_ffff);
                if address & 0x00f8_0000 == 0x00c8_0000 {
                    address ^= 0x0080_0000; // stay out of 10.200.0.0/13
                }
                // A /9 to /12 may still cover 10.200.0.0/13: less specific than the cases' /16s.
                let network = address & (u32::MAX << (32 - len));
                format!("{}/{len}", std::net::Ipv4Addr::from(network))
            }
            7 | 8 => {
                let len = 12 + rng.below(21) as u32;
                let network = (0xac10_0000 | (rng.next() as u32 & 0x000f_ffff)) & (u32::MAX << (32 - len));
                format!("{}/{len}", std::net::Ipv4Addr::from(network))
            }
            _ => {
                let len = 32 + rng.below(97) as u32;
                let address =
                    (0x2001_0db8_u128 << 96) | (u128::from(rng.next()) << 64 | u128::from(rng.next()));
                let network = address & (u128::MAX << (128 - len));
                format!("{}/{len}", std::net::Ipv6Addr::from(network))
            }
        };
        let group = group(&mut rng);
        out.push(rule(&cidr, group.as_deref()));
    }
    out
}

fn bench_decide(c: &mut Criterion) {
    let login = login("responses/clientvpn-200-groups.xml");
    let user: Vec<&str> = login.groups().iter().collect();
    assert_eq!(user.len(), 200);
    let last = user[199];

    // 997 random rules + the three CIDRs the cases decide on.
    let mut rules = random_rules(997, &user);
    rules.push(rule("10.200.0.0/16", Some(last))); // one group: the user's 200th
    for i in 0..3 {
        rules.push(rule("10.201.0.0/16", Some(&format!("ffffffff-0000-4000-8000-00000000000{i}"))));
    }
    rules.truncate(1000);
    let bytes = json(&rules);
    let set = AuthorizationRules::from_json(&bytes).unwrap();
    assert_eq!(set.rules().len(), 1000);

    let at = |text: &str| -> IpAddr { text.parse().unwrap() };
    let cases = [
        ("allowed, deciding CIDR has 1 group (the user's last)", at("10.200.1.1"), true, "10.200.0.0/16"),
        ("denied, deciding CIDR has 3 groups, none the user's", at("10.201.1.1"), false, "10.201.0.0/16"),
        ("default route (0.0.0.0/0), denied", at("192.0.2.1"), false, "0.0.0.0/0"),
        ("IPv6, random rule set", at("2001:db8::1"), false, ""),
    ];
    for (name, destination, allowed, cidr) in cases {
        let decision = set.decide(&login, destination);
        if !cidr.is_empty() {
            assert_eq!(decision.is_allowed(), allowed, "{name}: {decision}");
            assert_eq!(decision.deciding_cidr().map(|c| c.to_string()).as_deref(), Some(cidr), "{name}");
        }
        c.bench_function(&format!("decide: 1000 rules, 200 groups, {name}"), |b| {
            b.iter(|| black_box(set.decide(black_box(&login), black_box(destination))).is_allowed())
        });
    }

    // Worst case for group matching: 1,000 group rules on one CIDR, none the user's.
    let wide: Vec<String> = (0..1000)
        .map(|i| rule("10.0.0.0/8", Some(&format!("{i:08x}-9999-4999-8999-999999999999"))))
        .collect();
    let wide = AuthorizationRules::from_json(&json(&wide)).unwrap();
    let inside = at("10.1.1.1");
    assert!(!wide.decide(&login, inside).is_allowed());
    c.bench_function("decide: 1000 group rules on one CIDR, 200 groups, denied", |b| {
        b.iter(|| black_box(wide.decide(black_box(&login), black_box(inside))).is_allowed())
    });

    // What an operator-facing caller pays on top: the reason text.
    let denied = at("10.201.1.1");
    c.bench_function("decide + reason: 1000 rules, 200 groups, denied", |b| {
        b.iter(|| black_box(set.decide(black_box(&login), black_box(denied)).to_string()))
    });

    let shared = SharedRules::new(AuthorizationRules::from_json(&bytes).unwrap());
    let allowed = at("10.200.1.1");
    c.bench_function("SharedRules::is_allowed: 1000 rules, 200 groups", |b| {
        b.iter(|| black_box(shared.is_allowed(black_box(&login), black_box(allowed))))
    });

    c.bench_function("reachable: 1000 rules, 200 groups", |b| {
        b.iter(|| black_box(set.reachable(black_box(&login))).len())
    });
    c.bench_function("from_json: 1000 rules", |b| {
        b.iter(|| black_box(AuthorizationRules::from_json(black_box(&bytes)).unwrap()).rules().len())
    });
}

criterion_group!(benches, bench_decide);
criterion_main!(benches);
