//! The lookup structure: per IP family, the CIDRs that hold rules, indexed
//! by prefix length.
//!
//! A decision walks the prefix lengths that occur, longest first, and binary
//! searches that length's sorted networks for the destination masked to it:
//! at most 33 (IPv4) or 129 (IPv6) searches of a sorted array, whatever the
//! number of rules, and usually a handful. Sorted arrays rather than hash
//! maps keep the worst case fixed for any rule set, with no hasher to attack.

use super::cidr::{Cidr, Net, mask_v4, mask_v6};
use super::groups::{GroupIndex, GroupSet, Groups};
use super::rules::{Grant, Rule};

/// A network address of one family.
pub(crate) trait Bits: Copy + Ord + std::fmt::Debug {
    /// The address with every bit past `len` cleared.
    fn mask(self, len: u8) -> Self;
    /// This family's part of a CIDR, if the CIDR is of this family.
    fn of(cidr: Cidr) -> Option<(Self, u8)>;
}

impl Bits for u32 {
    fn mask(self, len: u8) -> Self {
        self & mask_v4(len)
    }

    fn of(cidr: Cidr) -> Option<(Self, u8)> {
        match cidr.net() {
            Net::V4 { network, len } => Some((network, len)),
            Net::V6 { .. } => None,
        }
    }
}

impl Bits for u128 {
    fn mask(self, len: u8) -> Self {
        self & mask_v6(len)
    }

    fn of(cidr: Cidr) -> Option<(Self, u8)> {
        match cidr.net() {
            Net::V6 { network, len } => Some((network, len)),
            Net::V4 { .. } => None,
        }
    }
}

/// Every rule for one CIDR.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) cidr: Cidr,
    /// Every rule with this CIDR, whatever its status, in rule order.
    pub(crate) rules: Box<[u32]>,
    /// The first active AccessAll rule.
    pub(crate) access_all: Option<u32>,
    /// The active group rules.
    pub(crate) groups: GroupIndex,
    /// The nearest less specific CIDR with active rules.
    pub(crate) parent: Option<u32>,
}

impl Entry {
    /// True when an active rule has this CIDR: only then does it decide.
    pub(crate) fn is_active(&self) -> bool {
        self.access_all.is_some() || !self.groups.is_empty()
    }

    /// The lowest index of an active rule here that grants to `groups`.
    pub(crate) fn grant(&self, groups: Groups<'_>) -> Option<u32> {
        lowest(self.access_all, self.groups.grant(groups))
    }

    /// [`Entry::grant`] for a prepared [`GroupSet`].
    pub(crate) fn grant_in(&self, set: &GroupSet<'_>) -> Option<u32> {
        lowest(self.access_all, self.groups.grant_in(set))
    }
}

fn lowest(a: Option<u32>, b: Option<u32>) -> Option<u32> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The active CIDRs of one prefix length.
#[derive(Debug)]
struct Level<B> {
    len: u8,
    /// Sorted network addresses.
    networks: Box<[B]>,
    /// The entry of each network.
    entries: Box<[u32]>,
}

/// One family's CIDRs.
#[derive(Debug)]
pub(crate) struct Table<B> {
    /// Every CIDR of this family holding a rule of any status, in CIDR order.
    pub(crate) entries: Vec<Entry>,
    /// The prefix lengths with an active CIDR, longest first.
    levels: Vec<Level<B>>,
}

impl<B: Bits> Table<B> {
    /// Indexes this family's rules; `rules` is the whole rule set.
    pub(crate) fn build(rules: &[Rule]) -> Self {
        let mut by_cidr: Vec<(Cidr, u32)> = rules
            .iter()
            .enumerate()
            .filter(|(_, rule)| B::of(rule.cidr()).is_some())
            .map(|(i, rule)| (rule.cidr(), i as u32))
            .collect();
        // Stable: rules of one CIDR stay in rule order.
        by_cidr.sort_by_key(|&(cidr, _)| cidr);

        let mut entries: Vec<Entry> = Vec::new();
        let mut start = 0;
        while start < by_cidr.len() {
            let cidr = by_cidr[start].0;
            let end = start + by_cidr[start..].iter().take_while(|(c, _)| *c == cidr).count();
            let here: Box<[u32]> = by_cidr[start..end].iter().map(|&(_, i)| i).collect();
            let active = || here.iter().map(|&i| (i, &rules[i as usize])).filter(|(_, r)| r.is_active());
            let access_all = active().find(|(_, r)| r.grant() == &Grant::AllUsers).map(|(i, _)| i);
            let groups = GroupIndex::new(
                active().filter_map(|(i, r)| r.group().map(|g| (g.as_str_less_safe(), i))).collect(),
            );
            entries.push(Entry { cidr, rules: here, access_all, groups, parent: None });
            start = end;
        }

        let mut levels: Vec<Level<B>> = Vec::new();
        let mut lens: Vec<u8> =
            entries.iter().filter(|e| e.is_active()).map(|e| e.cidr.prefix_len()).collect();
        lens.sort_unstable_by(|a, b| b.cmp(a));
        lens.dedup();
        for len in lens {
            // Entries are in CIDR order, so each length's networks come out sorted.
            let (networks, ids): (Vec<B>, Vec<u32>) = entries
                .iter()
                .enumerate()
                .filter(|(_, e)| e.is_active() && e.cidr.prefix_len() == len)
                .filter_map(|(i, e)| B::of(e.cidr).map(|(network, _)| (network, i as u32)))
                .unzip();
            levels.push(Level { len, networks: networks.into(), entries: ids.into() });
        }

        let mut table = Self { entries, levels };
        for i in 0..table.entries.len() {
            if let Some((network, len)) = B::of(table.entries[i].cidr) {
                table.entries[i].parent = table.longest_active_below(network, len);
            }
        }
        table
    }

    /// The most specific active CIDR containing `address`.
    pub(crate) fn longest_active(&self, address: B) -> Option<u32> {
        self.longest_active_below(address, u8::MAX)
    }

    /// The most specific active CIDR containing `address` whose prefix is
    /// shorter than `below`.
    fn longest_active_below(&self, address: B, below: u8) -> Option<u32> {
        self.levels.iter().filter(|level| level.len < below).find_map(|level| {
            let key = address.mask(level.len);
            level.networks.binary_search(&key).ok().map(|at| level.entries[at])
        })
    }

    pub(crate) fn entry(&self, id: u32) -> &Entry {
        &self.entries[id as usize]
    }

    /// True when no active rule is of this family.
    pub(crate) fn has_active(&self) -> bool {
        !self.levels.is_empty()
    }
}
