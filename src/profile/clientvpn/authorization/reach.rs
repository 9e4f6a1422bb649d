//! [`Reach`]: what one login can reach, CIDR by CIDR.

use std::fmt;

use super::AuthorizationRules;
use super::cidr::Cidr;
use super::groups::{GroupSet, Groups};
use super::rules::{Grant, Rule};
use super::table::Table;

/// One CIDR the login can reach, the rule that grants it, and the more
/// specific CIDRs inside it that other rules take away from this user.
///
/// Read a list of them the way the rules are read: for an address, the most
/// specific listed CIDR containing it (a `cidr` or one of the `except`
/// entries) says whether it is reachable. A granted subnet inside a denied
/// one is listed as its own `Reach`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach<'a> {
    cidr: Cidr,
    granted_by: &'a Rule,
    except: Vec<Cidr>,
}

impl<'a> Reach<'a> {
    /// The CIDR.
    pub fn cidr(&self) -> Cidr {
        self.cidr
    }

    /// The first active rule (in rule order) for this CIDR that grants to
    /// the user.
    pub fn granted_by(&self) -> &'a Rule {
        self.granted_by
    }

    /// The more specific CIDRs directly inside this one whose rules do not
    /// grant to the user, in address order.
    pub fn except(&self) -> &[Cidr] {
        &self.except
    }
}

/// `10.0.0.0/16 via AuthorizationRules[1] (group "S-xxxxx15", Description "dev VPC"), except 10.0.2.119/32`
impl fmt::Display for Reach<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rule = self.granted_by;
        write!(f, "{} via AuthorizationRules[{}] (", self.cidr, rule.index())?;
        match rule.grant() {
            Grant::AllUsers => f.write_str("all users")?,
            Grant::Group(group) => write!(f, "group {group}")?,
        }
        if let Some(description) = rule.description() {
            write!(f, ", Description {description}")?;
        }
        f.write_str(")")?;
        for (i, cidr) in self.except.iter().enumerate() {
            f.write_str(if i == 0 { ", except " } else { ", " })?;
            write!(f, "{cidr}")?;
        }
        Ok(())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Reach<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Reach", 3)?;
        s.serialize_field("cidr", &self.cidr)?;
        s.serialize_field("granted_by", &self.granted_by.index())?;
        s.serialize_field("except", &self.except)?;
        s.end()
    }
}

/// Every reachable CIDR of both families, IPv4 first, in address order.
pub(crate) fn reachable<'a>(rules: &'a AuthorizationRules, groups: Groups<'_>) -> Vec<Reach<'a>> {
    // Every CIDR is asked about: sort the user's groups once.
    let set = GroupSet::new(groups);
    let mut out = Vec::new();
    family(rules, &rules.v4, &set, &mut out);
    family(rules, &rules.v6, &set, &mut out);
    out
}

fn family<'a, B>(
    rules: &'a AuthorizationRules,
    table: &Table<B>,
    set: &GroupSet<'_>,
    out: &mut Vec<Reach<'a>>,
) {
    let grants: Vec<Option<u32>> =
        table.entries.iter().map(|e| if e.is_active() { e.grant_in(set) } else { None }).collect();
    // Entry id -> position in `out`, for the carve-outs below.
    let mut at: Vec<Option<usize>> = vec![None; table.entries.len()];
    for (id, entry) in table.entries.iter().enumerate() {
        if let Some(rule) = grants[id] {
            at[id] = Some(out.len());
            out.push(Reach {
                cidr: entry.cidr,
                granted_by: &rules.rules()[rule as usize],
                except: Vec::new(),
            });
        }
    }
    // A denying CIDR is carved out of its parent when the parent grants; a
    // denying CIDR under a denying one is already unreachable.
    for (id, entry) in table.entries.iter().enumerate() {
        if entry.is_active()
            && grants[id].is_none()
            && let Some(parent) = entry.parent
            && let Some(position) = at[parent as usize]
        {
            // Entries are in CIDR order, so `except` comes out sorted.
            out[position].except.push(entry.cidr);
        }
    }
}
