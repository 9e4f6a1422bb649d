//! AWS Client VPN authorization rules, evaluated on a verified login's groups.
//!
//! "User X connects but cannot reach Y" is answered from three things: the
//! groups in X's verified SAML response, the endpoint's authorization rules,
//! and longest-prefix matching done by hand. [`AuthorizationRules`] reads the
//! rules as `aws ec2 describe-client-vpn-authorization-rules` prints them and
//! [`decides`](AuthorizationRules::decide) for a [`Verified`] login (never raw
//! attributes) and a destination, saying which CIDR and rule decided and why.
//!
//! ```
//! use samlguard::authorization::AuthorizationRules;
//! use samlguard::trust::{IdpTrust, MetadataOptions};
//! use samlguard::{ClientVpn, Context, Policy};
//!
//! let trust = IdpTrust::from_metadata(&std::fs::read("testdata/metadata/entra.xml")?, &MetadataOptions::default())?;
//! let policy = Policy::<ClientVpn>::new(trust);
//! let context = Context::new("2026-01-15T10:01:00Z".parse()?)
//!     .expecting_request("id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c");
//! let login = policy.validate(&std::fs::read("testdata/responses/clientvpn.xml")?, &context)?;
//! assert_eq!(login.groups().get(0), Some("a0783c06-a6c7-4cfe-b3f5-aec5cc0e2258"));
//!
//! // The output of: aws ec2 describe-client-vpn-authorization-rules --client-vpn-endpoint-id cvpn-endpoint-0abc
//! let rules = AuthorizationRules::from_json(br#"{"AuthorizationRules": [
//!   {"ClientVpnEndpointId": "cvpn-endpoint-0abc", "Description": "engineering",
//!    "GroupId": "a0783c06-a6c7-4cfe-b3f5-aec5cc0e2258", "AccessAll": false,
//!    "DestinationCidr": "10.1.0.0/16", "Status": {"Code": "active"}},
//!   {"ClientVpnEndpointId": "cvpn-endpoint-0abc", "Description": "payroll",
//!    "GroupId": "11111111-2222-4333-8444-555555555555", "AccessAll": false,
//!    "DestinationCidr": "10.1.9.0/24", "Status": {"Code": "active"}},
//!   {"ClientVpnEndpointId": "cvpn-endpoint-0abc", "GroupId": "", "AccessAll": true,
//!    "DestinationCidr": "0.0.0.0/0", "Status": {"Code": "active"}}
//! ]}"#)?;
//!
//! let decision = rules.decide(&login, "10.1.2.3".parse()?);
//! assert!(decision.is_allowed());
//! assert_eq!(decision.deciding_cidr(), Some("10.1.0.0/16".parse()?));
//!
//! // 10.1.9.0/24 is more specific than the /16 and grants another group only.
//! let decision = rules.decide(&login, "10.1.9.9".parse()?);
//! assert!(!decision.is_allowed());
//! assert!(decision.to_string().starts_with(
//!     r#"denied: 10.1.9.9 is decided by 10.1.9.0/24, which grants only group "11111111-2222-4333-8444-555555555555"; the user is in "#
//! ));
//! assert!(decision.to_string().ends_with("; 10.1.0.0/16 and 0.0.0.0/0 would allow but are less specific"));
//!
//! // What the user can reach, for the ticket.
//! let reach: Vec<String> = rules.reachable(&login).iter().map(ToString::to_string).collect();
//! assert_eq!(reach, [
//!     "0.0.0.0/0 via AuthorizationRules[2] (all users)",
//!     r#"10.1.0.0/16 via AuthorizationRules[0] (group "a0783c06-a6c7-4cfe-b3f5-aec5cc0e2258", Description "engineering"), except 10.1.9.0/24"#,
//! ]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Only a [`Verified`] login reaches the evaluator: a refused validation is
//! an `Err`, and there is no way to make a `Verified` value from attributes.
//!
//! ```compile_fail,E0308
//! # use samlguard::authorization::AuthorizationRules;
//! # use samlguard::{ClientVpnLogin, Verified};
//! fn check(rules: &AuthorizationRules, outcome: Result<Verified<ClientVpnLogin>, samlguard::Error>) {
//!     // The validation's result, unchecked: not a verified login.
//!     rules.decide(&outcome, "10.0.0.1".parse().unwrap());
//! }
//! ```
//!
//! ```compile_fail,E0308
//! # use samlguard::authorization::AuthorizationRules;
//! fn check(rules: &AuthorizationRules) {
//!     // Group names from anywhere but a verified response.
//!     rules.decide(&["admins"], "10.0.0.1".parse().unwrap());
//! }
//! ```
//!
//! ```compile_fail,E0423
//! # use samlguard::authorization::AuthorizationRules;
//! # use samlguard::{ClientVpnLogin, Verified};
//! fn check(rules: &AuthorizationRules, unverified: ClientVpnLogin) {
//!     // Verified's field is private: only Policy::validate makes one.
//!     rules.decide(&Verified(unverified), "10.0.0.1".parse().unwrap());
//! }
//! ```
//!
//! # How AWS evaluates the rules
//!
//! Restated from the AWS Client VPN Administrator Guide (the authorization
//! rules page with its example scenarios, and the troubleshooting entry on
//! Active Directory group rules):
//!
//! - A rule names one destination network and grants it either to every
//!   user (`AccessAll`) or to one access group (`GroupId`); with SAML
//!   federation the group is compared with the values of the group attribute
//!   the IdP sends (`memberOf` here).
//! - Nothing is reachable without a rule, and no rule denies: rules only
//!   grant.
//! - The rule whose destination is the longest prefix containing the address
//!   takes precedence. `0.0.0.0/0` is simply the least specific network,
//!   which is why AWS describes it as evaluated last: it covers whatever no
//!   more specific rule covers. A more specific rule for another group
//!   therefore takes its network away from a user who only has
//!   `0.0.0.0/0`.
//!
//! What [`AuthorizationRules::decide`] does, accordingly:
//!
//! 1. Among the CIDRs of active rules of the destination's family, take the
//!    most specific one containing the destination. None: denied (default
//!    deny).
//! 2. Allowed when any active rule with exactly that CIDR grants all users or
//!    a group the user is in; several rules for one CIDR add up.
//! 3. Otherwise denied, even when a less specific rule would allow (the
//!    reason names those rules).
//!
//! # Choices where AWS says nothing
//!
//! - **Group IDs compare exactly**, byte for byte. AWS documents no case
//!   folding and Entra sends object IDs in lowercase, so a rule typed with
//!   capitals does not match; the decision points such a near miss out
//!   ([`Decision::case_near_misses`]) without granting on it.
//! - **Only `active` rules are in force.** `authorizing`, `failed` and
//!   `revoking` rules are kept and reported ([`Decision::not_in_force`]) but
//!   never grant and never take a network away.
//! - **Each family is matched against its own rules.** AWS's API reference
//!   still calls the destination an IPv4 range; IPv6 CIDRs are accepted so
//!   that dual-stack endpoints can be checked, and an IPv4 destination is
//!   never decided by an IPv6 rule (`::/0` included) or the reverse.
//! - **IPv4-mapped IPv6 destinations (`::ffff:a.b.c.d`) are evaluated as the
//!   IPv4 address** they stand for: that is how a dual-stack socket reports
//!   IPv4 traffic, and the packet the endpoint sees is IPv4. For the same
//!   reason a rule whose CIDR lies inside `::ffff:0:0/96` is refused when
//!   loading: it could never decide anything.
//! - **A CIDR with host bits set past its prefix (`10.1.2.3/16`) is
//!   refused**, naming the rule and the network it would be
//!   ([`RulesError::CidrHostBits`]). The Client VPN API reference does not
//!   say what `AuthorizeClientVpnIngress` does with such a value; elsewhere
//!   EC2 either stores the canonical network (security group rules:
//!   `100.68.0.18/18` is kept and described as `100.68.0.0/18`) or refuses
//!   the value (VPC and subnet CIDRs), and Terraform's AWS provider refuses it
//!   for Client VPN rules before calling the API. Either way, CIDRs read back
//!   from AWS have no host bits, so a file holding one was edited or made by
//!   something else, and what its author meant is ambiguous: the `/16`
//!   network, or the one host? Normalizing would silently grant a whole
//!   network to someone who may have meant one address.
//! - **The JSON is read strictly**: the fields AWS prints must have their
//!   types, a key given twice in one object is refused, rules of two
//!   endpoints are refused, and so is output with a `NextToken` (one page of
//!   the rules: a missing more specific rule would change decisions). Keys
//!   AWS may add later are ignored.
//!
//! # Performance and reloading
//!
//! Loading indexes each family's CIDRs by prefix length; a decision binary
//! searches one sorted array per prefix length in use and walks the user's
//! groups once, so its cost barely depends on the number of rules (`cargo
//! bench --bench authorization`). [`SharedRules`] holds the current rules for a gateway
//! that replaces them while other threads decide.

mod cidr;
mod decision;
mod error;
mod groups;
mod reach;
mod rules;
mod shared;
mod table;

#[cfg(test)]
mod tests;

use std::net::IpAddr;

pub use cidr::{Cidr, CidrError};
pub use decision::{CaseNearMiss, Decision};
pub use error::{Location, RuleRef, RulesError};
pub use reach::Reach;
pub use rules::{Grant, Rule, RuleStatus};
pub use shared::SharedRules;

use crate::Untrusted;
use crate::policy::Verified;
use crate::profile::ClientVpnLogin;
use groups::Groups;
use table::{Entry, Table};

/// Longest rules JSON accepted, in bytes. AWS's default quota is 50 rules
/// per endpoint, a few hundred bytes each; 4 MiB holds well over 10,000
/// while bounding what an untrusted file can make the parser allocate.
pub const MAX_RULES_BYTES: usize = 4 << 20;

/// One Client VPN endpoint's authorization rules, indexed for decisions.
#[derive(Debug)]
pub struct AuthorizationRules {
    rules: Vec<Rule>,
    v4: Table<u32>,
    v6: Table<u128>,
}

/// No rules: every destination is denied.
impl Default for AuthorizationRules {
    fn default() -> Self {
        Self::from_rules(Vec::new())
    }
}

impl AuthorizationRules {
    /// Reads the JSON printed by `aws ec2 describe-client-vpn-authorization-rules`
    /// (`{"AuthorizationRules": [...]}`); see the [module](self) notes for
    /// what is refused. An empty list is valid: every destination is denied.
    pub fn from_json(json: &[u8]) -> Result<Self, RulesError> {
        rules::parse(json).map(Self::from_rules)
    }

    /// Indexes rules given in rule order (each [`Rule::index`] its position).
    pub(crate) fn from_rules(rules: Vec<Rule>) -> Self {
        let v4 = Table::build(&rules);
        let v6 = Table::build(&rules);
        Self { rules, v4, v6 }
    }

    /// Every rule, in the order read, whatever its status.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The endpoint the rules belong to (`None` when there are no rules).
    pub fn endpoint_id(&self) -> Option<&Untrusted> {
        self.rules.first().map(Rule::endpoint_id)
    }

    /// Decides whether `login` may reach `destination`.
    pub fn decide<'a>(&'a self, login: &'a Verified<ClientVpnLogin>, destination: IpAddr) -> Decision<'a> {
        self.decide_groups(Groups::Login(login), destination)
    }

    /// Every CIDR `login` can reach, with the granting rule and the more
    /// specific CIDRs taken away from it; IPv4 first, in address order.
    pub fn reachable<'a>(&'a self, login: &'a Verified<ClientVpnLogin>) -> Vec<Reach<'a>> {
        reach::reachable(self, Groups::Login(login))
    }

    /// The decision for any list of groups: the core of [`Self::decide`].
    pub(crate) fn decide_groups<'a>(&'a self, groups: Groups<'a>, requested: IpAddr) -> Decision<'a> {
        let destination = match requested {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(requested, IpAddr::V4),
            IpAddr::V4(_) => requested,
        };
        let (deciding, granting) = match destination {
            IpAddr::V4(a) => self.lookup(&self.v4, u32::from(a), groups),
            IpAddr::V6(a) => self.lookup(&self.v6, u128::from(a), groups),
        };
        Decision::new(self, groups, requested, destination, deciding, granting)
    }

    fn lookup<B: table::Bits>(
        &self,
        table: &Table<B>,
        address: B,
        groups: Groups<'_>,
    ) -> (Option<u32>, Option<u32>) {
        match table.longest_active(address) {
            None => (None, None),
            Some(id) => (Some(id), table.entry(id).grant(groups)),
        }
    }

    #[cfg(test)]
    pub(crate) fn reachable_groups<'a>(&'a self, groups: Groups<'_>) -> Vec<Reach<'a>> {
        reach::reachable(self, groups)
    }

    pub(crate) fn entry(&self, ipv4: bool, id: u32) -> &Entry {
        if ipv4 { self.v4.entry(id) } else { self.v6.entry(id) }
    }

    pub(crate) fn entries(&self, ipv4: bool) -> &[Entry] {
        if ipv4 { &self.v4.entries } else { &self.v6.entries }
    }

    pub(crate) fn has_active(&self, ipv4: bool) -> bool {
        if ipv4 { self.v4.has_active() } else { self.v6.has_active() }
    }
}
