//! Remembering accepted assertions until they expire, so that each is
//! accepted once.
//!
//! A [`ReplayStore`] answers one question atomically: has this
//! [`ReplayKey`] (issuer, assertion ID) been recorded before and not yet
//! expired? If not, it records it. [`MemoryReplayStore`] is the default, for
//! one process; `RedisReplayStore` (feature `redis`) is shared by a fleet of
//! gateways.
//!
//! Stores fail closed: when a store cannot answer (full, unreachable, timed
//! out) it returns a [`ReplayError`] and the response is refused; it never
//! answers [`ReplayVerdict::FirstUse`] without having recorded the key.
//!
//! ```
//! use samlguard::replay::{MemoryReplayStore, ReplayKey, ReplayStore, ReplayVerdict};
//!
//! let store = MemoryReplayStore::new(10_000);
//! let now = "2026-01-15T10:01:00Z".parse()?;
//! let expires = "2026-01-15T10:06:00Z".parse()?;
//! let key = ReplayKey::new("https://sts.windows.net/tenant/", "_a1");
//! assert_eq!(store.record(&key, expires, now)?, ReplayVerdict::FirstUse);
//! assert_eq!(store.record(&key, expires, now)?, ReplayVerdict::Replayed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod memory;
#[cfg(feature = "redis")]
mod redis;

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};

#[cfg(feature = "redis")]
pub use self::redis::{RedisReplayStore, RedisUrlError};
pub use memory::MemoryReplayStore;

use crate::kind::ErrorKind;
use crate::text::Untrusted;

/// What a store remembers: the assertion's issuer and ID. Two IdPs may use
/// the same ID; they never collide.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReplayKey {
    issuer: String,
    assertion_id: String,
}

impl ReplayKey {
    /// The key of an assertion.
    pub fn new(issuer: impl Into<String>, assertion_id: impl Into<String>) -> Self {
        Self { issuer: issuer.into(), assertion_id: assertion_id.into() }
    }

    /// The assertion's Issuer.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The assertion's ID.
    pub fn assertion_id(&self) -> &str {
        &self.assertion_id
    }
}

/// A store's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayVerdict {
    /// The key was not recorded (or had expired): it is recorded now.
    FirstUse,
    /// The key was recorded before and has not expired: refuse the response.
    Replayed,
}

/// Remembers [`ReplayKey`]s until they expire.
///
/// `record` must be atomic: of two concurrent calls with the same unexpired
/// key, exactly one gets [`ReplayVerdict::FirstUse`]. It must fail closed: an
/// `Err` whenever the key could not be recorded. `expires` is when the
/// assertion stops being valid (its earliest NotOnOrAfter plus the clock
/// skew); `now` is the validation time, which a store may use to compute a
/// time to live.
pub trait ReplayStore: Send + Sync + fmt::Debug {
    /// Records `key` until `expires`, or says it was recorded before.
    fn record(
        &self,
        key: &ReplayKey,
        expires: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<ReplayVerdict, ReplayError>;
}

/// Why a store could not answer. The response is then refused.
#[derive(Clone)]
pub struct ReplayError {
    reason: ReplayFailure,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

/// What kind of store failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplayFailure {
    /// A bounded store is full of unexpired keys: recording would mean
    /// forgetting one, which would let it be replayed.
    Full,
    /// The store could not be reached, timed out, or answered with an error.
    Unavailable,
}

impl ReplayError {
    /// A bounded store is full.
    pub fn full() -> Self {
        Self { reason: ReplayFailure::Full, source: None }
    }

    /// The store failed; `source` is the backend's error.
    pub fn unavailable(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self { reason: ReplayFailure::Unavailable, source: Some(Arc::new(source)) }
    }

    /// What kind of failure.
    pub fn reason(&self) -> ReplayFailure {
        self.reason
    }

    /// The stable kind: `replay_cache_full` or `replay_store_unavailable`.
    pub fn kind(&self) -> ErrorKind {
        match self.reason {
            ReplayFailure::Full => ErrorKind::ReplayCacheFull,
            ReplayFailure::Unavailable => ErrorKind::ReplayStoreUnavailable,
        }
    }
}

impl fmt::Debug for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayError").field("reason", &self.reason).field("source", &self.source).finish()
    }
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason {
            ReplayFailure::Full => f.write_str("the replay store is full of unexpired assertion IDs"),
            ReplayFailure::Unavailable => f.write_str("the replay store is unavailable"),
        }
    }
}

impl std::error::Error for ReplayError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Equal when the failure is the same (backend errors are not compared).
impl PartialEq for ReplayError {
    fn eq(&self, other: &Self) -> bool {
        self.reason == other.reason
    }
}

impl Eq for ReplayError {}

/// The refusal of a replayed assertion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replayed {
    /// The assertion ID, as received.
    pub assertion_id: Untrusted,
}

impl fmt::Display for Replayed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "assertion {} was already used", self.assertion_id)
    }
}
