//! The namespace bindings in scope while walking a document, shared by the
//! parser (prefix to declaration) and the canonicalizer (prefix to rendered
//! namespace name).

use super::names::same_name;

/// A stack of namespace bindings (prefix, value), innermost last, whose
/// innermost-first lookup stays cheap at any depth. SAML keeps a handful of
/// bindings in scope and a backwards scan is fastest there; a hostile document
/// can nest thousands, so from [`Bindings::DEEP`] entries on, a prefix index
/// (built then, dropped when the stack shrinks back) answers instead.
#[derive(Debug)]
pub(crate) struct Bindings<'s, V> {
    entries: Vec<(&'s str, V)>,
    /// While deep: the innermost entry of each prefix.
    index: std::collections::HashMap<&'s str, usize>,
    /// While deep: for each entry, the entry of the same prefix it hides.
    shadowed: Vec<Option<usize>>,
}

impl<'s, V> Bindings<'s, V> {
    const DEEP: usize = 16;

    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: Vec::with_capacity(capacity),
            index: std::collections::HashMap::new(),
            shadowed: Vec::new(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entry at `position` (from [`Self::find`]).
    pub(crate) fn get(&self, position: usize) -> &(&'s str, V) {
        &self.entries[position]
    }

    pub(crate) fn push(&mut self, prefix: &'s str, value: V) {
        self.entries.push((prefix, value));
        let len = self.entries.len();
        if len == Self::DEEP {
            self.index.clear();
            self.shadowed.clear();
            for (position, &(p, _)) in self.entries.iter().enumerate() {
                self.shadowed.push(self.index.insert(p, position));
            }
        } else if len > Self::DEEP {
            self.shadowed.push(self.index.insert(prefix, len - 1));
        }
    }

    /// Pops back to `len` entries (a length [`Self::len`] returned before).
    pub(crate) fn truncate(&mut self, len: usize) {
        if self.entries.len() >= Self::DEEP {
            if len < Self::DEEP {
                self.index.clear();
                self.shadowed.clear();
            } else {
                for position in (len..self.entries.len()).rev() {
                    let prefix = self.entries[position].0;
                    match self.shadowed[position] {
                        Some(previous) => self.index.insert(prefix, previous),
                        None => self.index.remove(prefix),
                    };
                }
                self.shadowed.truncate(len);
            }
        }
        self.entries.truncate(len);
    }

    /// Position of the innermost entry for `prefix`.
    #[inline(always)]
    pub(crate) fn find(&self, prefix: &str) -> Option<usize> {
        if self.entries.len() < Self::DEEP {
            self.entries.iter().rposition(|(p, _)| same_name(p, prefix))
        } else {
            self.index.get(prefix).copied()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_answer_like_a_backwards_scan_at_any_depth() {
        const PREFIXES: [&str; 5] = ["", "a", "b", "c", "d"];
        let mut bindings = Bindings::with_capacity(4);
        let mut model: Vec<(&str, usize)> = Vec::new();
        let mut marks = Vec::new();
        let (mut deep, mut crossings) = (false, 0);
        let mut state = 0x2545_f491_u32;
        for step in 0..20_000 {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let choice = (state >> 16) as usize;
            // Wander between shallow and deep, crossing the index threshold often.
            if (choice.is_multiple_of(2) && model.len() < 48) || model.len() < 4 {
                marks.push(model.len());
                for i in 0..(choice % 4) {
                    let prefix = PREFIXES[(choice / 7 + i) % PREFIXES.len()];
                    bindings.push(prefix, step);
                    model.push((prefix, step));
                }
            } else if let Some(mark) = marks.pop() {
                bindings.truncate(mark);
                model.truncate(mark);
            }
            assert_eq!(bindings.len(), model.len());
            crossings += usize::from((model.len() >= 16) != deep);
            deep = model.len() >= 16;
            for prefix in PREFIXES {
                let expected = model.iter().rposition(|(p, _)| *p == prefix);
                assert_eq!(bindings.find(prefix), expected, "prefix {prefix:?} at depth {}", model.len());
            }
        }
        assert!(crossings > 100, "the walk crossed the index threshold only {crossings} times");
    }
}
