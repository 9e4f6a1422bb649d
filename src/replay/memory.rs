//! The default store: bounded, in one process.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

use super::{ReplayError, ReplayKey, ReplayStore, ReplayVerdict};

/// A bounded in-memory [`ReplayStore`]. When full of unexpired keys it
/// refuses new ones rather than forgetting old ones (forgetting would allow a
/// replay).
#[derive(Debug)]
pub struct MemoryReplayStore {
    entries: Mutex<HashMap<ReplayKey, DateTime<Utc>>>,
    capacity: usize,
}

impl MemoryReplayStore {
    /// A store holding at most `capacity` unexpired keys.
    pub fn new(capacity: usize) -> Self {
        Self { entries: Mutex::new(HashMap::new()), capacity }
    }
}

impl Default for MemoryReplayStore {
    /// 100,000 keys.
    fn default() -> Self {
        Self::new(100_000)
    }
}

impl ReplayStore for MemoryReplayStore {
    fn record(
        &self,
        key: &ReplayKey,
        expires: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<ReplayVerdict, ReplayError> {
        // A poisoned lock only means another thread panicked mid-insert; the map is still consistent.
        let mut entries = self.entries.lock().unwrap_or_else(|poison| poison.into_inner());
        if let Some(&until) = entries.get(key)
            && until > now
        {
            return Ok(ReplayVerdict::Replayed);
        }
        if entries.len() >= self.capacity {
            entries.retain(|_, until| *until > now);
            if entries.len() >= self.capacity {
                return Err(ReplayError::full());
            }
        }
        entries.insert(key.clone(), expires);
        Ok(ReplayVerdict::FirstUse)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    #[test]
    fn bounded_and_fails_closed() {
        let now: DateTime<Utc> = "2026-01-15T10:00:00Z".parse().unwrap();
        let store = MemoryReplayStore::new(2);
        let key = |id: &str| ReplayKey::new("urn:idp", id);
        let until = now + TimeDelta::minutes(5);
        assert_eq!(store.record(&key("a"), until, now), Ok(ReplayVerdict::FirstUse));
        assert_eq!(store.record(&key("a"), until, now), Ok(ReplayVerdict::Replayed));
        assert_eq!(store.record(&key("b"), until, now), Ok(ReplayVerdict::FirstUse));
        assert_eq!(store.record(&key("c"), until, now), Err(ReplayError::full()));
        // Once expired, entries make room again.
        let later = now + TimeDelta::minutes(6);
        assert_eq!(
            store.record(&key("c"), later + TimeDelta::minutes(5), later),
            Ok(ReplayVerdict::FirstUse)
        );
        assert_eq!(
            store.record(&key("a"), later + TimeDelta::minutes(5), later),
            Ok(ReplayVerdict::FirstUse)
        );
    }

    #[test]
    fn the_same_id_from_two_issuers_does_not_collide() {
        let now: DateTime<Utc> = "2026-01-15T10:00:00Z".parse().unwrap();
        let store = MemoryReplayStore::new(10);
        let until = now + TimeDelta::minutes(5);
        assert_eq!(store.record(&ReplayKey::new("urn:a", "_1"), until, now), Ok(ReplayVerdict::FirstUse));
        assert_eq!(store.record(&ReplayKey::new("urn:b", "_1"), until, now), Ok(ReplayVerdict::FirstUse));
        // A separator-based key ("a\0b" + "c") cannot be forged with IDs either.
        assert_eq!(store.record(&ReplayKey::new("urn:a\0_1", ""), until, now), Ok(ReplayVerdict::FirstUse));
    }
}
