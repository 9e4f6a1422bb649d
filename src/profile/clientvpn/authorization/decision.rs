//! [`Decision`]: allowed or denied, by which CIDR and rule, and why.
//!
//! `decide` does only the lookup and the group match; everything an operator
//! reads (the reason, the less specific rules that would have allowed, near
//! misses by letter case, rules not in force) is derived on demand from the
//! decision, so that a gateway deciding per connection pays for none of it.

use std::fmt;
use std::net::IpAddr;

use super::AuthorizationRules;
use super::cidr::Cidr;
use super::groups::Groups;
use super::rules::{Grant, Rule};
use super::table::Entry;
use crate::Untrusted;

/// At most this many groups (the user's, or a CIDR's) are listed in a reason.
const GROUPS_SHOWN: usize = 10;

/// The outcome of [`AuthorizationRules::decide`] for one destination.
///
/// It borrows the rules and the login it was made from. Its `Display` is the
/// operator-readable reason, for example:
///
/// `denied: 10.1.2.3 is decided by 10.1.0.0/16, which grants only group "G1"; the user is in "G2", "G3"; 0.0.0.0/0 would allow but is less specific`
#[derive(Clone, Copy)]
pub struct Decision<'a> {
    rules: &'a AuthorizationRules,
    groups: Groups<'a>,
    requested: IpAddr,
    destination: IpAddr,
    deciding: Option<u32>,
    granting: Option<u32>,
}

/// A rule's group that equals one of the user's groups except for letter
/// case. Group IDs compare exactly, so such a rule does not grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseNearMiss<'a> {
    /// The rule whose `GroupId` almost matches.
    pub rule: &'a Rule,
    /// The user's group, as the IdP sent it.
    pub user_group: &'a str,
}

impl<'a> Decision<'a> {
    pub(crate) fn new(
        rules: &'a AuthorizationRules,
        groups: Groups<'a>,
        requested: IpAddr,
        destination: IpAddr,
        deciding: Option<u32>,
        granting: Option<u32>,
    ) -> Self {
        Self { rules, groups, requested, destination, deciding, granting }
    }

    /// True when the destination is allowed.
    pub fn is_allowed(&self) -> bool {
        self.granting.is_some()
    }

    /// The address evaluated: the one asked about, or the IPv4 address an
    /// IPv4-mapped IPv6 address stands for.
    pub fn destination(&self) -> IpAddr {
        self.destination
    }

    /// The address as asked about.
    pub fn requested_destination(&self) -> IpAddr {
        self.requested
    }

    fn entry(&self, id: u32) -> &'a Entry {
        self.rules.entry(self.destination.is_ipv4(), id)
    }

    fn rule(&self, index: u32) -> &'a Rule {
        &self.rules.rules()[index as usize]
    }

    /// The most specific CIDR with an active rule that contains the
    /// destination; `None` when no active rule does (default deny).
    pub fn deciding_cidr(&self) -> Option<Cidr> {
        self.deciding.map(|id| self.entry(id).cidr)
    }

    /// Every rule with the deciding CIDR, in rule order, including rules that
    /// are not in force (see [`Rule::status`]).
    pub fn rules_at_prefix(&self) -> Vec<&'a Rule> {
        match self.deciding {
            None => Vec::new(),
            Some(id) => self.entry(id).rules.iter().map(|&i| self.rule(i)).collect(),
        }
    }

    /// The rule that allows: at the deciding CIDR, the first active rule (in
    /// rule order) granting all users or one of the user's groups.
    pub fn granting_rule(&self) -> Option<&'a Rule> {
        self.granting.map(|i| self.rule(i))
    }

    /// Active rules with less specific CIDRs containing the destination that
    /// would allow this user but do not decide: one per CIDR, most specific
    /// first. This is the "I have 0.0.0.0/0, why can't I reach it?" answer.
    pub fn less_specific_grants(&self) -> Vec<&'a Rule> {
        let mut out = Vec::new();
        let mut next = self.deciding.and_then(|id| self.entry(id).parent);
        while let Some(id) = next {
            let entry = self.entry(id);
            if let Some(rule) = entry.grant(self.groups) {
                out.push(self.rule(rule));
            }
            next = entry.parent;
        }
        out
    }

    /// Rules that contain the destination and would decide (their CIDR is at
    /// least as specific as the deciding one) but are not in force.
    pub fn not_in_force(&self) -> Vec<&'a Rule> {
        let min_len = self.deciding_cidr().map_or(0, Cidr::prefix_len);
        let entries = self.rules.entries(self.destination.is_ipv4());
        entries
            .iter()
            .filter(|e| e.cidr.prefix_len() >= min_len && e.cidr.contains(self.destination))
            .flat_map(|e| e.rules.iter().map(|&i| self.rule(i)))
            .filter(|rule| !rule.is_active())
            .collect()
    }

    /// Active group rules at the deciding CIDR whose group differs from one of
    /// the user's groups only by letter case (Unicode lowercase mapping).
    pub fn case_near_misses(&self) -> Vec<CaseNearMiss<'a>> {
        let mut out = Vec::new();
        for rule in self.rules_at_prefix().into_iter().filter(|r| r.is_active()) {
            let Some(group) = rule.group() else { continue };
            let group = group.as_str_less_safe();
            for user_group in self.groups.iter() {
                if user_group != group && same_but_case(user_group, group) {
                    out.push(CaseNearMiss { rule, user_group });
                }
            }
        }
        out
    }

    /// The operator-readable reason (the `Display` text).
    pub fn reason(&self) -> String {
        self.to_string()
    }

    fn write_destination(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.requested == self.destination {
            write!(f, "{}", self.destination)
        } else {
            write!(f, "{} (evaluated as the IPv4 address {})", self.requested, self.destination)
        }
    }

    fn write_user_groups(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.groups.len();
        if count == 0 {
            return f.write_str("the user is in no group");
        }
        f.write_str("the user is in ")?;
        for (i, group) in self.groups.iter().take(GROUPS_SHOWN).enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", Untrusted::new(group))?;
        }
        if count > GROUPS_SHOWN {
            write!(f, " and {} more", count - GROUPS_SHOWN)?;
        }
        Ok(())
    }

    fn write_notes(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for miss in self.case_near_misses() {
            if let Some(group) = miss.rule.group() {
                write!(
                    f,
                    "; rule group {group} differs only in case from the user's {}",
                    Untrusted::new(miss.user_group)
                )?;
            }
        }
        let wider = self.less_specific_grants();
        if !wider.is_empty() {
            f.write_str("; ")?;
            for (i, rule) in wider.iter().enumerate() {
                if i > 0 {
                    f.write_str(" and ")?;
                }
                write!(f, "{}", rule.cidr())?;
            }
            let verb = if wider.len() == 1 { "would allow but is" } else { "would allow but are" };
            write!(f, " {verb} less specific")?;
        }
        Ok(())
    }

    fn write_not_in_force(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for rule in self.not_in_force() {
            write!(f, "; {rule} is not in force")?;
        }
        Ok(())
    }
}

/// True when `a` and `b` are equal after Unicode lowercase mapping.
fn same_but_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        // The common case (GUIDs, ASCII names), without per-character case tables.
        return a.eq_ignore_ascii_case(b);
    }
    a.chars().flat_map(char::to_lowercase).eq(b.chars().flat_map(char::to_lowercase))
}

/// The outcome without the borrowed rule set and groups (which can be large).
impl fmt::Debug for Decision<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decision")
            .field("allowed", &self.is_allowed())
            .field("destination", &self.destination)
            .field("requested", &self.requested)
            .field("deciding_cidr", &self.deciding_cidr())
            .field("granting_rule", &self.granting_rule().map(Rule::index))
            .finish()
    }
}

impl fmt::Display for Decision<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(id) = self.deciding else {
            f.write_str("denied: no active rule's destination contains ")?;
            self.write_destination(f)?;
            f.write_str(" (default deny)")?;
            let (this, other) = (self.destination.is_ipv4(), !self.destination.is_ipv4());
            let family = |v4: bool| if v4 { "IPv4" } else { "IPv6" };
            if !self.rules.has_active(this) {
                if self.rules.has_active(other) {
                    write!(
                        f,
                        "; the active rules cover only {} destinations, and each family is matched only against its own",
                        family(other)
                    )?;
                } else {
                    f.write_str("; there is no active rule at all")?;
                }
            }
            return self.write_not_in_force(f);
        };
        let entry = self.entry(id);
        if let Some(rule) = self.granting_rule() {
            f.write_str("allowed: ")?;
            self.write_destination(f)?;
            write!(f, " is decided by {}, where AuthorizationRules[{}] grants ", entry.cidr, rule.index())?;
            match rule.grant() {
                Grant::AllUsers => f.write_str("all users")?,
                Grant::Group(group) => write!(f, "group {group}, which the user is in")?,
            }
            return Ok(());
        }
        f.write_str("denied: ")?;
        self.write_destination(f)?;
        write!(f, " is decided by {}, which grants only ", entry.cidr)?;
        // Denied, so no active AccessAll rule here: only group rules.
        let mut groups: Vec<&Untrusted> = Vec::new();
        for rule in self.rules_at_prefix().into_iter().filter(|r| r.is_active()) {
            if let Some(group) = rule.group()
                && !groups.contains(&group)
            {
                groups.push(group);
            }
        }
        f.write_str(if groups.len() == 1 { "group " } else { "groups " })?;
        for (i, group) in groups.iter().take(GROUPS_SHOWN).enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{group}")?;
        }
        if groups.len() > GROUPS_SHOWN {
            write!(f, " and {} more", groups.len() - GROUPS_SHOWN)?;
        }
        f.write_str("; ")?;
        self.write_user_groups(f)?;
        self.write_notes(f)?;
        self.write_not_in_force(f)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Decision<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let indices = |rules: Vec<&Rule>| rules.iter().map(|r| r.index()).collect::<Vec<_>>();
        let mut s = serializer.serialize_struct("Decision", 9)?;
        s.serialize_field("allowed", &self.is_allowed())?;
        s.serialize_field("destination", &self.destination)?;
        s.serialize_field("requested_destination", &self.requested)?;
        s.serialize_field("deciding_cidr", &self.deciding_cidr())?;
        s.serialize_field("rules_at_prefix", &indices(self.rules_at_prefix()))?;
        s.serialize_field("granting_rule", &self.granting_rule().map(Rule::index))?;
        s.serialize_field("less_specific_grants", &indices(self.less_specific_grants()))?;
        s.serialize_field("not_in_force", &indices(self.not_in_force()))?;
        s.serialize_field("reason", &self.reason())?;
        s.end()
    }
}
