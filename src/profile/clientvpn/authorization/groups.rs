//! Matching a login's groups against the group rules of one CIDR.
//!
//! A decision asks one question of the deciding CIDR: does the user hold any
//! of its groups? The user's groups are walked once per decision (up to 200
//! for Client VPN); each CIDR's groups were indexed when the rules were
//! loaded: a few are compared directly (length and first bytes first), many
//! are looked up in a hash map keyed by a cheap fingerprint of the group
//! (length and three 8-byte windows), so that a lookup costs two loads and a
//! multiply instead of hashing every byte; strings are compared only when
//! fingerprints are equal, so a collision costs time, never a wrong answer.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::profile::ClientVpnLogin;

/// The groups of one login, in the order received.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Groups<'a> {
    /// A verified login's `memberOf` values.
    Login(&'a ClientVpnLogin),
    /// Any list (tests, the property model).
    #[cfg_attr(not(test), allow(dead_code))]
    List(&'a [&'a str]),
}

impl<'a> Groups<'a> {
    pub(crate) fn len(self) -> usize {
        match self {
            Self::Login(login) => login.groups().len(),
            Self::List(list) => list.len(),
        }
    }

    pub(crate) fn iter(self) -> impl Iterator<Item = &'a str> + 'a {
        let (login, list) = match self {
            Self::Login(login) => (Some(login.groups()), None),
            Self::List(list) => (None, Some(list)),
        };
        login.into_iter().flat_map(|values| values.iter()).chain(list.into_iter().flatten().copied())
    }

    /// Calls `f` on each group until it returns true; true if one did. The
    /// source is matched once, not per group: this is the decision's inner loop.
    #[inline]
    pub(crate) fn any(self, f: impl FnMut(&'a str) -> bool) -> bool {
        match self {
            Self::Login(login) => login.groups().iter().any(f),
            Self::List(list) => list.iter().copied().any(f),
        }
    }
}

/// Up to this many group rules at one CIDR are compared directly (length and
/// first 8 bytes, then the text); more go into the fingerprint map. At 1 to 4
/// groups both cost the same per user group in the authorization benchmark;
/// the direct form needs no map per CIDR.
const FEW: usize = 4;

/// The first 8 bytes of a string as a number: a cheap first comparison
/// before the full one (Entra group IDs are 36-byte GUIDs that differ early).
fn head(text: &str) -> u64 {
    let bytes = text.as_bytes();
    match bytes.first_chunk::<8>() {
        // One load: this runs once per user group per decision.
        Some(chunk) => u64::from_le_bytes(*chunk),
        None => tail(bytes),
    }
}

/// Up to 8 bytes as a little-endian number, without a call to `memcpy`.
fn tail(bytes: &[u8]) -> u64 {
    bytes.iter().take(8).enumerate().fold(0, |word, (i, &b)| word | (u64::from(b) << (8 * i)))
}

const K: u64 = 0xf135_7aea_2e62_a9c5;

/// Length, first, middle and last 8 bytes, mixed. Every byte of a string
/// up to 24 bytes long counts; longer strings that differ only outside the
/// three windows share a fingerprint and are told apart by comparison.
fn fingerprint(text: &str) -> u64 {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let (first, middle, last) = match (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        (Some(first), Some(last)) => {
            let mid = bytes.get(len / 2 - 4..len / 2 + 4).map_or(0, tail);
            (u64::from_le_bytes(*first), mid, u64::from_le_bytes(*last))
        }
        _ => (tail(bytes), 0, 0),
    };
    let x = first ^ middle.rotate_left(21) ^ last.rotate_left(42) ^ (len as u64).rotate_right(8);
    // A folded multiply spreads every input bit over both halves: the hash
    // table takes its bucket from the low bits and its tag from the high ones.
    let wide = u128::from(x) * u128::from(K);
    (wide as u64) ^ ((wide >> 64) as u64)
}

/// One rule's group, for direct comparison.
#[derive(Debug)]
pub(crate) struct FewGroup {
    len: usize,
    head: u64,
    text: Box<str>,
    rule: u32,
}

/// The groups sharing one fingerprint (almost always one), each with the
/// lowest index of a rule granting it.
#[derive(Debug, Default)]
pub(crate) struct Bucket(Vec<(Box<str>, u32)>);

/// The active group rules of one CIDR.
#[derive(Debug)]
pub(crate) enum GroupIndex {
    /// No active group rule.
    Empty,
    /// A few, in rule order.
    Few(Box<[FewGroup]>),
    /// Fingerprint → the groups with it, behind a one-bit-per-slot filter
    /// (about four bits per group) that turns most non-members away with one
    /// load: a denied user's groups are mostly not at the CIDR.
    Many { filter: Box<[u64]>, map: HashMap<u64, Bucket, BuildHasherDefault<Prehashed>> },
}

/// The filter's word and bit for a fingerprint. The high bits: the map's
/// buckets use the low ones.
fn filter_slot(fp: u64, words: usize) -> (usize, u64) {
    let bit = (fp >> 32) as usize;
    ((bit >> 6) & (words - 1), 1 << (bit & 63))
}

impl GroupIndex {
    /// Indexes `(group, rule index)` pairs given in rule order.
    pub(crate) fn new(groups: Vec<(&str, u32)>) -> Self {
        if groups.is_empty() {
            Self::Empty
        } else if groups.len() <= FEW {
            Self::Few(
                groups
                    .into_iter()
                    .map(|(text, rule)| FewGroup {
                        len: text.len(),
                        head: head(text),
                        text: text.into(),
                        rule,
                    })
                    .collect(),
            )
        } else {
            let words = (groups.len() * 4).div_ceil(64).next_power_of_two();
            let mut filter = vec![0u64; words].into_boxed_slice();
            let mut map: HashMap<u64, Bucket, _> =
                HashMap::with_capacity_and_hasher(groups.len(), Default::default());
            for (text, rule) in groups {
                let fp = fingerprint(text);
                let (word, bit) = filter_slot(fp, words);
                filter[word] |= bit;
                let bucket = &mut map.entry(fp).or_default().0;
                // Rule order: the first rule granting a group is the one reported.
                if !bucket.iter().any(|(t, _)| **t == *text) {
                    bucket.push((text.into(), rule));
                }
            }
            Self::Many { filter, map }
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Self::Empty)
    }

    /// The lowest index of a rule here whose group the user holds.
    pub(crate) fn grant(&self, groups: Groups<'_>) -> Option<u32> {
        let mut best: Option<u32> = None;
        let mut found = |rule: u32| best = Some(best.map_or(rule, |b| b.min(rule)));
        match self {
            Self::Empty => {}
            Self::Few(few) => {
                let first = few.first().map(|c| c.rule);
                groups.any(|group| {
                    let (len, head) = (group.len(), head(group));
                    // `few` is in rule order: the first candidate that matches is this group's lowest.
                    if let Some(c) = few.iter().find(|c| c.len == len && c.head == head && *c.text == *group)
                    {
                        found(c.rule);
                        // Nothing beats the first rule.
                        return Some(c.rule) == first;
                    }
                    false
                });
            }
            Self::Many { filter, map } => {
                groups.any(|group| {
                    let fp = fingerprint(group);
                    let (word, bit) = filter_slot(fp, filter.len());
                    if filter[word] & bit != 0
                        && let Some(bucket) = map.get(&fp)
                        && let Some((_, rule)) = bucket.0.iter().find(|(text, _)| **text == *group)
                    {
                        found(*rule);
                    }
                    false
                });
            }
        }
        best
    }
}

/// A login's groups sorted by fingerprint, for asking about many CIDRs at
/// once ([`reachable`](super::AuthorizationRules::reachable)): built in
/// O(n log n) once, then each rule's group is one binary search instead of a
/// walk over the user's groups.
pub(crate) struct GroupSet<'a> {
    sorted: Vec<(u64, &'a str)>,
}

impl<'a> GroupSet<'a> {
    pub(crate) fn new(groups: Groups<'a>) -> Self {
        let mut sorted: Vec<(u64, &str)> = groups.iter().map(|g| (fingerprint(g), g)).collect();
        sorted.sort_unstable();
        Self { sorted }
    }

    fn contains(&self, group: &str) -> bool {
        let fp = fingerprint(group);
        let start = self.sorted.partition_point(|&(f, _)| f < fp);
        self.sorted[start..].iter().take_while(|&&(f, _)| f == fp).any(|&(_, g)| g == group)
    }
}

impl GroupIndex {
    /// [`GroupIndex::grant`] for a prepared [`GroupSet`].
    pub(crate) fn grant_in(&self, set: &GroupSet<'_>) -> Option<u32> {
        match self {
            Self::Empty => None,
            // In rule order: the first held is the lowest.
            Self::Few(few) => few.iter().find(|c| set.contains(&c.text)).map(|c| c.rule),
            Self::Many { map, .. } => map
                .values()
                .flat_map(|bucket| &bucket.0)
                .filter(|(g, _)| set.contains(g))
                .map(|&(_, r)| r)
                .min(),
        }
    }
}

/// A `Hasher` for keys that are already well-mixed fingerprints.
#[derive(Default)]
pub(crate) struct Prehashed(u64);

impl Hasher for Prehashed {
    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys are hashed; anything else is folded in, never dropped.
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(groups: &[&str]) -> GroupIndex {
        GroupIndex::new(groups.iter().enumerate().map(|(i, g)| (*g, i as u32 * 10)).collect())
    }

    #[test]
    fn few_and_many_agree_and_report_the_lowest_rule() {
        let few = ["G1", "G2", "G2", "G3"];
        let many = ["G1", "G2", "G2", "G3", "G4", "G5", "G6", "G7", "G8"];
        for (rules, user, expect) in [
            (&few[..], &["G2", "G3"][..], Some(10)),
            (&few[..], &["G3", "G1"][..], Some(0)),
            (&few[..], &["g1", "G"][..], None),
            (&few[..], &[][..], None),
            (&many[..], &["G8", "G2"][..], Some(10)),
            (&many[..], &["G8"][..], Some(80)),
            (&many[..], &["G9", "g8"][..], None),
        ] {
            assert_eq!(index(rules).grant(Groups::List(user)), expect, "{rules:?} {user:?}");
        }
        assert!(matches!(index(&few), GroupIndex::Few(_)));
        assert!(matches!(index(&many), GroupIndex::Many { .. }));
        assert!(index(&[]).is_empty());
    }

    #[test]
    fn prefix_and_length_do_not_fool_the_comparison() {
        // Same first 8 bytes, different lengths and tails.
        let rules = ["S-xxxxx14", "S-xxxxx15", "S-xxxxx1"];
        assert_eq!(index(&rules).grant(Groups::List(&["S-xxxxx16", "S-xxxxx1 "])), None);
        assert_eq!(index(&rules).grant(Groups::List(&["S-xxxxx15"])), Some(10));
        assert_eq!(index(&rules).grant(Groups::List(&["S-xxxxx1"])), Some(20));
    }

    #[test]
    fn fingerprints_separate_short_strings_and_collisions_stay_correct() {
        assert_ne!(fingerprint("a"), fingerprint("a\0"));
        assert_ne!(fingerprint(""), fingerprint("\0"));
        assert_ne!(fingerprint("12345678"), fingerprint("123456780"));
        // 30 bytes differing only outside the three windows: same fingerprint, told apart by comparison.
        let (a, b) = ("12345678abc_DEFGHIJK_xyz87654321", "12345678abd_DEFGHIJK_xyy87654321");
        assert_eq!(fingerprint(a), fingerprint(b));
        let groups: Vec<String> = (0..10).map(|i| format!("12345678ab{i}_DEFGHIJK_xy{i}87654321")).collect();
        let pairs: Vec<(&str, u32)> =
            groups.iter().enumerate().map(|(i, g)| (g.as_str(), i as u32)).collect();
        let index = GroupIndex::new(pairs);
        let GroupIndex::Many { map, .. } = &index else { panic!("not hashed") };
        assert_eq!(map.len(), 1);
        assert_eq!(index.grant(Groups::List(&[groups[7].as_str()])), Some(7));
        assert_eq!(index.grant(Groups::List(&["12345678ab7_DEFGHIJK_xy787654320"])), None);
        // The sorted set used for reachable() agrees, collisions included.
        let user = [groups[7].as_str(), groups[3].as_str(), "12345678ab7_DEFGHIJK_xy787654320"];
        let set = GroupSet::new(Groups::List(&user));
        assert_eq!(index.grant_in(&set), Some(3));
        assert_eq!(GroupIndex::new(vec![("x", 4), (groups[3].as_str(), 9)]).grant_in(&set), Some(9));
        assert_eq!(index.grant_in(&GroupSet::new(Groups::List(&[]))), None);
    }
}
