//! Matching a login's groups against the group rules of one CIDR.
//!
//! A decision asks one question of the deciding CIDR: does the user hold any
//! of its groups? The user's groups are walked once per decision (up to 200
//! for Client VPN); each CIDR's groups were indexed when the rules were
//! loaded: a few are compared directly (length and first bytes first), many
//! are looked up in a hash map.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::saml::Values;

/// The groups of one login, in the order received.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Groups<'a> {
    /// A verified login's `memberOf` values.
    Values(&'a Values),
    /// Any list (tests, the property model).
    #[cfg_attr(not(test), allow(dead_code))]
    List(&'a [&'a str]),
}

impl<'a> Groups<'a> {
    pub(crate) fn len(self) -> usize {
        match self {
            Self::Values(values) => values.len(),
            Self::List(list) => list.len(),
        }
    }

    pub(crate) fn iter(self) -> impl Iterator<Item = &'a str> + 'a {
        // Index-based so that both sources share one iterator type.
        (0..self.len()).map(move |i| match self {
            Self::Values(values) => values.get(i).unwrap_or_default(),
            Self::List(list) => list.get(i).copied().unwrap_or_default(),
        })
    }
}

/// Up to this many group rules at one CIDR are compared directly; more go
/// into a hash map. Set from the authorization benchmark: below it, direct
/// comparison of 200 user groups is faster than hashing them.
const FEW: usize = 4;

/// The first 8 bytes of a string as a number: a cheap first comparison
/// before the full one (Entra group IDs are 36-byte GUIDs that differ early).
fn head(text: &str) -> u64 {
    let bytes = text.as_bytes();
    let mut head = [0u8; 8];
    let n = bytes.len().min(8);
    head[..n].copy_from_slice(&bytes[..n]);
    u64::from_le_bytes(head)
}

/// One rule's group, for direct comparison.
#[derive(Debug)]
pub(crate) struct FewGroup {
    len: usize,
    head: u64,
    text: Box<str>,
    rule: u32,
}

/// The active group rules of one CIDR.
#[derive(Debug)]
pub(crate) enum GroupIndex {
    /// No active group rule.
    Empty,
    /// A few, in rule order.
    Few(Box<[FewGroup]>),
    /// Group → the lowest index of a rule granting it.
    Many(HashMap<Box<str>, u32, BuildHasherDefault<FastHasher>>),
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
            let mut map = HashMap::with_capacity_and_hasher(groups.len(), BuildHasherDefault::default());
            for (text, rule) in groups {
                // Rule order: the first rule granting a group is the one reported.
                map.entry(text.into()).or_insert(rule);
            }
            Self::Many(map)
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Self::Empty)
    }

    /// The lowest index of a rule here whose group the user holds.
    pub(crate) fn grant(&self, groups: Groups<'_>) -> Option<u32> {
        match self {
            Self::Empty => None,
            Self::Few(few) => {
                let mut best: Option<u32> = None;
                for group in groups.iter() {
                    let (len, head) = (group.len(), head(group));
                    for candidate in few.iter() {
                        if candidate.len == len && candidate.head == head && *candidate.text == *group {
                            best = Some(best.map_or(candidate.rule, |b| b.min(candidate.rule)));
                            // `few` is in rule order: nothing after this candidate is lower.
                            break;
                        }
                    }
                    if best == Some(few[0].rule) {
                        break;
                    }
                }
                best
            }
            Self::Many(map) => groups.iter().filter_map(|g| map.get(g).copied()).min(),
        }
    }
}

/// A word-at-a-time multiplicative hash (the Fx construction) with a final
/// fold. SipHash, std's default, costs about five times as much on a
/// 36-byte group ID, and a decision hashes up to 200 of them. The keys are
/// group IDs from the rules, probed with group IDs from a signed assertion;
/// this hash does not resist chosen collisions, which could only slow a
/// lookup down, never change its answer.
#[derive(Default)]
pub(crate) struct FastHasher(u64);

const K: u64 = 0xf135_7aea_2e62_a9c5;

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(26) ^ word).wrapping_mul(K);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        // The length keeps "a" and "a\0" apart.
        self.add(u64::from_le_bytes(word) ^ ((bytes.len() as u64) << 56));
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        // Fold the high half down: the multiply leaves the low bits weak, and
        // the table picks buckets with them.
        let wide = u128::from(self.0) * u128::from(K);
        (wide as u64) ^ ((wide >> 64) as u64)
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
        assert!(matches!(index(&many), GroupIndex::Many(_)));
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
    fn hasher_separates_lengths() {
        use std::hash::BuildHasher;
        let build = BuildHasherDefault::<FastHasher>::default();
        assert_ne!(build.hash_one("a"), build.hash_one("a\0"));
        assert_ne!(build.hash_one(""), build.hash_one("\0"));
        assert_ne!(build.hash_one("12345678"), build.hash_one("123456780"));
    }
}
