//! What validation hands back: a login that passed every check, recorded
//! against replay or still to be recorded.

use chrono::{DateTime, Utc};

use super::{Login, PolicyError};
use crate::Error;
use crate::replay::{ReplayKey, ReplayStore, ReplayVerdict};
use crate::text::Untrusted;

/// A value that passed every check. Only a [`Policy`](super::Policy) creates
/// one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified<T>(T);

impl<T> Verified<T> {
    /// The verified value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Verified<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

#[cfg(feature = "serde")]
impl<T: serde::Serialize> serde::Serialize for Verified<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// A login that passed every check but replay: record its assertion ID in a
/// [`ReplayStore`] (possibly asynchronously, see
/// [`Policy::validate_unrecorded`](super::Policy::validate_unrecorded)) to
/// get the [`Verified`] login. Its values are not reachable before that.
#[derive(Debug)]
#[must_use = "an unrecorded login must be recorded against replay before use"]
pub struct Unrecorded<T> {
    login: T,
    expires: DateTime<Utc>,
}

impl<T: AsRef<Login>> Unrecorded<T> {
    pub(crate) fn new(login: T, expires: DateTime<Utc>) -> Self {
        Self { login, expires }
    }

    /// The key to record: the assertion's issuer and ID.
    pub fn replay_key(&self) -> ReplayKey {
        let assertion = &self.login.as_ref().assertion;
        ReplayKey::new(assertion.issuer.as_str(), assertion.id.as_str())
    }

    /// When the record may be forgotten: the assertion's earliest
    /// NotOnOrAfter plus the clock skew.
    pub fn expires(&self) -> DateTime<Utc> {
        self.expires
    }

    /// Records the assertion in `store` (blocking) and yields the login when
    /// this is its first use.
    pub fn record(self, store: &dyn ReplayStore, now: DateTime<Utc>) -> Result<Verified<T>, Error> {
        let verdict = store.record(&self.replay_key(), self.expires, now)?;
        self.recorded(verdict)
    }

    /// Yields the login given what a store answered for
    /// [`replay_key`](Self::replay_key) (an async store awaited by the caller).
    pub fn recorded(self, verdict: ReplayVerdict) -> Result<Verified<T>, Error> {
        match verdict {
            ReplayVerdict::FirstUse => Ok(Verified(self.login)),
            ReplayVerdict::Replayed => {
                Err(PolicyError::Replayed(Untrusted::new(self.login.as_ref().assertion.id.as_str())).into())
            }
        }
    }

    /// For policies configured without a replay store.
    pub(crate) fn unrecorded_by_choice(self) -> Verified<T> {
        Verified(self.login)
    }
}
