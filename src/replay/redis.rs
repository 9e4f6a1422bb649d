//! A [`ReplayStore`] in Redis or Valkey, shared by a fleet of gateways
//! (feature `redis`).
//!
//! Each accepted assertion costs one command, `SET key value NX PX ttl`:
//!
//! - **key**: a prefix (default `samlguard:replay:`), then the lowercase hex
//!   SHA-256 of the issuer, `:`, and the lowercase hex SHA-256 of the
//!   assertion ID. Both digests have a fixed length, so no choice of ID can
//!   spill into the issuer's part: the same ID from two issuers, or an ID
//!   containing `:`, never yields another assertion's key. Hashing also keeps
//!   received text (which may hold any character, at any length) out of key
//!   names, and groups one IdP's keys under one pattern for `SCAN`.
//! - **value**: the validation time (RFC 3339, milliseconds), for people
//!   looking at the store; nothing reads it back.
//! - **ttl**: `expires - now` in milliseconds, rounded up, at least 1 ms
//!   (plus an optional margin): the key lives as long as the assertion could
//!   be accepted. The TTL is relative, so Redis's own clock does not matter.
//!
//! Redis answers `OK` (recorded: first use) or nil (the key exists:
//! replayed). Anything else — connection refused, a timeout, a server error
//! such as `READONLY` or `OOM`, an unexpected reply — is a [`ReplayError`] of
//! kind `replay_store_unavailable`, with the Redis error as its `source()`,
//! and the response is refused: the store never says
//! [`ReplayVerdict::FirstUse`] without a `SET` that answered `OK`.
//!
//! Connections are made lazily, so a store can be built while Redis is down,
//! and a connection that failed is dropped and made again on the next
//! request: a Redis restart needs no gateway restart. The blocking
//! [`ReplayStore::record`] keeps a small pool of idle connections, one in use
//! per thread at a time; [`RedisReplayStore::record_async`] shares one
//! multiplexed connection between tasks. Connecting and each command are
//! bounded by timeouts (250 ms each by default). A pooled connection that the
//! server had closed (a restart, `timeout` in redis.conf) gets one retry on a
//! fresh connection; were the first `SET` to have run after all, the retry
//! answers nil, a refusal all the same.
//!
//! ```no_run
//! use std::sync::Arc;
//! use samlguard::replay::RedisReplayStore;
//! use samlguard::{AwsConsole, IdpTrust, MetadataOptions, Policy};
//!
//! let trust = IdpTrust::from_metadata(&std::fs::read("entra.xml")?, &MetadataOptions::default())?;
//! let store = RedisReplayStore::open("redis://10.0.0.5:6379/0")?;
//! let policy = Policy::<AwsConsole>::new(trust).with_replay_store(Arc::new(store));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use ::redis::aio::MultiplexedConnection;
use ::redis::{AsyncConnectionConfig, Client, Cmd, Connection, RedisError, Value};
use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};

use super::{ReplayError, ReplayKey, ReplayStore, ReplayVerdict};

/// Idle connections kept by the blocking path; more threads at once still
/// work, their extra connections are closed after use.
const DEFAULT_MAX_IDLE: usize = 16;

/// A [`ReplayStore`] in Redis or Valkey (see the [replay module](crate::replay)).
pub struct RedisReplayStore {
    client: Client,
    prefix: String,
    connect_timeout: Duration,
    command_timeout: Duration,
    ttl_margin: TimeDelta,
    max_idle: usize,
    /// The blocking path's idle connections.
    idle: Mutex<Vec<Connection>>,
    /// The async path's connection.
    shared: Mutex<Shared>,
}

/// The async path's multiplexed connection; the generation tells a task
/// whether the connection it saw fail is still the current one.
#[derive(Default)]
struct Shared {
    generation: u64,
    connection: Option<MultiplexedConnection>,
}

/// A Redis URL that cannot be used.
#[derive(Debug)]
pub struct RedisUrlError(RedisError);

impl fmt::Display for RedisUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a usable Redis URL (redis://HOST:PORT/DB, redis+unix:///PATH)")
    }
}

impl std::error::Error for RedisUrlError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// Failures that Redis errors do not say plainly.
#[derive(Debug)]
enum Fault {
    /// `SET ... NX` answered something other than OK or nil.
    UnexpectedReply(String),
    /// `record_async` polled outside a tokio runtime.
    NoRuntime,
    /// A timeout (the OS calls it "resource temporarily unavailable").
    TimedOut { step: Step, after: Duration, source: RedisError },
}

#[derive(Debug, Clone, Copy)]
enum Step {
    Connect,
    Set,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnexpectedReply(reply) => write!(f, "unexpected answer to SET NX: {reply}"),
            Self::NoRuntime => f.write_str("record_async must be awaited inside a tokio runtime"),
            Self::TimedOut { step: Step::Connect, after, .. } => {
                write!(f, "could not connect to Redis within {after:?}")
            }
            Self::TimedOut { step: Step::Set, after, .. } => {
                write!(f, "Redis did not answer SET within {after:?}")
            }
        }
    }
}

impl std::error::Error for Fault {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::TimedOut { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl RedisReplayStore {
    /// The default key prefix.
    pub const DEFAULT_PREFIX: &str = "samlguard:replay:";
    /// The default bound on connecting (TCP connect and the handshake).
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(250);
    /// The default bound on one `SET` (sending it and reading the answer).
    pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_millis(250);

    /// A store at `url` (`redis://[:PASSWORD@]HOST:PORT/DB`, `valkey://…`,
    /// `redis+unix:///PATH?db=N`). Nothing is connected yet: only the URL is
    /// checked here, Redis is reached on the first record.
    pub fn open(url: &str) -> Result<Self, RedisUrlError> {
        let info = Client::open(url).map_err(RedisUrlError)?.get_connection_info().clone();
        // No CLIENT SETINFO on connect: with database 0 and no password a
        // new connection sends nothing before its SET, so reconnecting costs
        // one round trip less and stays within the timeouts.
        let settings = info.redis_settings().clone().set_skip_set_lib_name();
        // One small command then wait for its answer: never hold it back.
        let tcp = info.tcp_settings().clone().set_nodelay(true);
        let client =
            Client::open(info.set_redis_settings(settings).set_tcp_settings(tcp)).map_err(RedisUrlError)?;
        Ok(Self {
            client,
            prefix: Self::DEFAULT_PREFIX.to_owned(),
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            command_timeout: Self::DEFAULT_COMMAND_TIMEOUT,
            ttl_margin: TimeDelta::zero(),
            max_idle: DEFAULT_MAX_IDLE,
            idle: Mutex::new(Vec::new()),
            shared: Mutex::new(Shared::default()),
        })
    }

    /// Sets the key prefix (default `samlguard:replay:`). Gateways that must
    /// see each other's assertions use the same prefix and database.
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Sets the bound on connecting (default 250 ms; at least 1 ms).
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// Sets the bound on one command (default 250 ms; at least 1 ms).
    pub fn with_command_timeout(mut self, timeout: Duration) -> Self {
        self.command_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// Keeps keys this much longer than the assertion's expiry (default
    /// none): covers gateways whose clocks run behind the one that recorded.
    pub fn with_ttl_margin(mut self, margin: Duration) -> Self {
        self.ttl_margin = TimeDelta::from_std(margin).unwrap_or(TimeDelta::MAX);
        self
    }

    /// Sets how many idle connections the blocking path keeps (default 16).
    pub fn with_max_idle_connections(mut self, max_idle: usize) -> Self {
        self.max_idle = max_idle;
        self
    }

    /// The Redis key of `key`: prefix, hex SHA-256 of the issuer, `:`, hex
    /// SHA-256 of the assertion ID.
    pub fn redis_key(&self, key: &ReplayKey) -> String {
        let mut out = String::with_capacity(self.prefix.len() + 129);
        out.push_str(&self.prefix);
        push_sha256_hex(&mut out, key.issuer());
        out.push(':');
        push_sha256_hex(&mut out, key.assertion_id());
        out
    }

    /// The time to live of a key recorded at `now` for an assertion valid
    /// until `expires`, in milliseconds.
    pub fn ttl_millis(&self, expires: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
        let delta = (expires - now).checked_add(&self.ttl_margin).unwrap_or(TimeDelta::MAX);
        let whole = delta.num_milliseconds();
        // Rounded up: the key must not expire before the assertion does.
        let ms = match TimeDelta::try_milliseconds(whole) {
            Some(truncated) if delta > truncated => whole.saturating_add(1),
            _ => whole,
        };
        u64::try_from(ms).unwrap_or(0).max(1)
    }

    /// Records `key` like [`ReplayStore::record`] without blocking the
    /// thread: for async gateways, with
    /// [`Policy::validate_unrecorded`](crate::Policy::validate_unrecorded)
    /// and [`Unrecorded::recorded`](crate::Unrecorded::recorded). Must be
    /// awaited inside a tokio runtime with its time driver enabled (as
    /// `#[tokio::main]` builds it); the connection is driven by a task of
    /// the runtime that made it.
    pub async fn record_async(
        &self,
        key: &ReplayKey,
        expires: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<ReplayVerdict, ReplayError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(ReplayError::unavailable(Fault::NoRuntime));
        }
        let command = self.set_command(key, expires, now);
        if let Some((generation, mut connection)) = self.current_shared() {
            match command.query_async::<Value>(&mut connection).await {
                Ok(reply) => return verdict(reply),
                Err(e) => {
                    self.forget_shared(generation);
                    if !worth_a_fresh_try(&e) {
                        return Err(self.unavailable(Step::Set, e));
                    }
                }
            }
        }
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.connect_timeout))
            .set_response_timeout(Some(self.command_timeout));
        let mut connection = self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await
            .map_err(|e| self.unavailable(Step::Connect, e))?;
        let generation = self.share(connection.clone());
        match command.query_async::<Value>(&mut connection).await {
            Ok(reply) => verdict(reply),
            Err(e) => {
                self.forget_shared(generation);
                Err(self.unavailable(Step::Set, e))
            }
        }
    }

    /// The refusal for a Redis error at `step`.
    fn unavailable(&self, step: Step, error: RedisError) -> ReplayError {
        if !error.is_timeout() {
            return ReplayError::unavailable(error);
        }
        let after = match step {
            Step::Connect => self.connect_timeout,
            Step::Set => self.command_timeout,
        };
        ReplayError::unavailable(Fault::TimedOut { step, after, source: error })
    }

    fn set_command(&self, key: &ReplayKey, expires: DateTime<Utc>, now: DateTime<Utc>) -> Cmd {
        let mut command = ::redis::cmd("SET");
        command
            .arg(self.redis_key(key))
            .arg(now.to_rfc3339_opts(SecondsFormat::Millis, true))
            .arg("NX")
            .arg("PX")
            .arg(self.ttl_millis(expires, now));
        command
    }

    fn connect(&self) -> Result<Connection, RedisError> {
        let connection = self.client.get_connection_with_timeout(self.connect_timeout)?;
        connection.set_read_timeout(Some(self.command_timeout))?;
        connection.set_write_timeout(Some(self.command_timeout))?;
        Ok(connection)
    }

    fn take_idle(&self) -> Option<Connection> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop()
    }

    /// Only a connection whose last command succeeded comes back: after an
    /// error or a timeout its stream may hold a late answer.
    fn put_idle(&self, connection: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < self.max_idle {
            idle.push(connection);
        }
    }

    fn current_shared(&self) -> Option<(u64, MultiplexedConnection)> {
        let shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        shared.connection.clone().map(|c| (shared.generation, c))
    }

    fn share(&self, connection: MultiplexedConnection) -> u64 {
        let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        shared.generation = shared.generation.wrapping_add(1);
        shared.connection = Some(connection);
        shared.generation
    }

    /// Drops the shared connection if it is still the one that failed (another
    /// task may already have replaced it).
    fn forget_shared(&self, generation: u64) {
        let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        if shared.generation == generation {
            shared.connection = None;
        }
    }
}

impl ReplayStore for RedisReplayStore {
    fn record(
        &self,
        key: &ReplayKey,
        expires: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<ReplayVerdict, ReplayError> {
        let command = self.set_command(key, expires, now);
        if let Some(mut connection) = self.take_idle() {
            match command.query::<Value>(&mut connection) {
                Ok(reply) => {
                    self.put_idle(connection);
                    return verdict(reply);
                }
                Err(e) if worth_a_fresh_try(&e) => {}
                Err(e) => return Err(self.unavailable(Step::Set, e)),
            }
        }
        let mut connection = self.connect().map_err(|e| self.unavailable(Step::Connect, e))?;
        let reply = command.query::<Value>(&mut connection).map_err(|e| self.unavailable(Step::Set, e))?;
        self.put_idle(connection);
        verdict(reply)
    }
}

impl fmt::Debug for RedisReplayStore {
    /// The address and database, never the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let info = self.client.get_connection_info();
        f.debug_struct("RedisReplayStore")
            .field("addr", &info.addr().to_string())
            .field("db", &info.redis_settings().db())
            .field("prefix", &self.prefix)
            .field("connect_timeout", &self.connect_timeout)
            .field("command_timeout", &self.command_timeout)
            .finish_non_exhaustive()
    }
}

/// `OK` is a first use, nil a replay, anything else a failure.
fn verdict(reply: Value) -> Result<ReplayVerdict, ReplayError> {
    match reply {
        Value::Okay => Ok(ReplayVerdict::FirstUse),
        Value::SimpleString(text) if text == "OK" => Ok(ReplayVerdict::FirstUse),
        Value::Nil => Ok(ReplayVerdict::Replayed),
        other => Err(ReplayError::unavailable(Fault::UnexpectedReply(format!("{other:?}")))),
    }
}

/// A reused connection found closed (not a timeout: a retry could double the
/// wait, and a timed-out SET may still run).
fn worth_a_fresh_try(error: &RedisError) -> bool {
    error.is_connection_dropped() && !error.is_timeout()
}

fn push_sha256_hex(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for byte in ring::digest::digest(&ring::digest::SHA256, text.as_bytes()).as_ref() {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> RedisReplayStore {
        // Never connected: these tests only build commands.
        RedisReplayStore::open("redis://127.0.0.1:1/0").unwrap()
    }

    #[test]
    fn keys_are_prefix_and_two_digests() {
        let store = store();
        // The digests as `printf %s urn:a | sha256sum` prints them, so that
        // operators can find a key by hand.
        assert_eq!(
            store.redis_key(&ReplayKey::new("urn:a", "_1")),
            "samlguard:replay:558181ea170c2a30a7804911b21769260d8ec81bec8e702ac793119b528ae4f7:\
             46c9e22099ee4bfe54a99a3cdbaf69f17f7c6e2581b92f7bab25128fd2100b7a"
        );
        let custom = store.with_prefix("p/");
        assert!(custom.redis_key(&ReplayKey::new("urn:a", "_1")).starts_with("p/558181ea"));
    }

    #[test]
    fn separators_in_ids_do_not_collide() {
        let store = store();
        let keys = [
            ReplayKey::new("urn:a", "_1"),
            ReplayKey::new("urn:b", "_1"),
            ReplayKey::new("urn:a:", "_1"),
            ReplayKey::new("urn:a", ":_1"),
            ReplayKey::new("urn:a\0_1", ""),
            ReplayKey::new("", "urn:a\0_1"),
        ];
        let mut redis_keys: Vec<String> = keys.iter().map(|k| store.redis_key(k)).collect();
        redis_keys.sort();
        redis_keys.dedup();
        assert_eq!(redis_keys.len(), keys.len());
    }

    #[test]
    fn ttl_is_rounded_up_and_at_least_one_ms() {
        let store = store();
        let now: DateTime<Utc> = "2026-01-15T10:05:59.950Z".parse().unwrap();
        let expires: DateTime<Utc> = "2026-01-15T10:06:00Z".parse().unwrap();
        assert_eq!(store.ttl_millis(expires, now), 50);
        assert_eq!(store.ttl_millis(expires, now + TimeDelta::microseconds(1)), 50);
        assert_eq!(store.ttl_millis(expires, expires), 1);
        assert_eq!(store.ttl_millis(now, expires), 1);
        let store = store.with_ttl_margin(Duration::from_secs(1));
        assert_eq!(store.ttl_millis(expires, now), 1050);
    }

    #[test]
    fn debug_hides_the_password() {
        let store = RedisReplayStore::open("redis://:hunter2@127.0.0.1:6380/3").unwrap();
        let text = format!("{store:?}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("6380"), "{text}");
    }

    #[test]
    fn bad_urls_are_refused() {
        assert!(RedisReplayStore::open("http://127.0.0.1/").is_err());
        assert!(RedisReplayStore::open("not a url").is_err());
    }
}
