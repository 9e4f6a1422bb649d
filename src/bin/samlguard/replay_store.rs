//! `verify --replay-store URL`: a replay store shared with other runs and
//! with gateways, so that a response accepted anywhere is refused here.

use std::error::Error as _;
use std::sync::Arc;

use samlguard::replay::RedisReplayStore;
use samlguard::{Error, ErrorKind, ReplayStore};

use crate::failure::Failure;
use crate::setup::AnyPolicy;

/// The store at `url`. Only the URL is checked here (exit 2); a store that
/// cannot be reached refuses the response when it is validated (exit 1).
pub(crate) fn open(url: &str) -> Result<Arc<dyn ReplayStore>, Failure> {
    // The URL may hold a password: the message never repeats it.
    let store = RedisReplayStore::open(url).map_err(|e| {
        let cause = e.source().map(|c| format!(" ({c})")).unwrap_or_default();
        Failure::usage(format!("--replay-store: {e}{cause}"))
    })?;
    Ok(Arc::new(store))
}

impl AnyPolicy {
    /// The same policy recording in `store` instead of its own memory.
    pub(crate) fn with_replay_store(self, store: Arc<dyn ReplayStore>) -> Self {
        match self {
            Self::ClientVpn(policy) => Self::ClientVpn(policy.with_replay_store(store)),
            Self::AwsConsole(policy) => Self::AwsConsole(policy.with_replay_store(store)),
            Self::IdentityCenter(policy) => Self::IdentityCenter(policy.with_replay_store(store)),
            Self::Generic(policy) => Self::Generic(policy.with_replay_store(store)),
        }
    }
}

/// A store failure's message says what Redis answered (connection refused,
/// timed out, READONLY…), which the library keeps as the error's source.
pub(crate) fn with_cause(failure: Failure, error: &Error) -> Failure {
    if error.kind() != ErrorKind::ReplayStoreUnavailable {
        return failure;
    }
    let mut cause = String::new();
    let mut source = error.source();
    while let Some(e) = source {
        // Backend errors often display their own source too: say it once.
        let text = e.to_string();
        if !cause.contains(&text) {
            cause.push_str(": ");
            cause.push_str(&text);
        }
        source = e.source();
    }
    failure.with_cause(&cause)
}
