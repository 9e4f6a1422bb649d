//! An HTTP assertion consumer service (ACS) for the AWS console profile, as
//! one gateway of a fleet: one `Policy` shared by every request, replays
//! refused across the fleet through Redis (or in memory for one gateway),
//! metadata refreshed without a restart and without forgetting replays.
//!
//!     cargo run --example gateway --features redis -- \
//!         --metadata testdata/metadata/entra.xml \
//!         [--listen 127.0.0.1:8080] [--admin-listen 127.0.0.1:8081] \
//!         [--replay-store redis://127.0.0.1:6379/0]
//!
//! - `POST /saml/acs` takes the browser's form post (`SAMLResponse=…`; raw
//!   XML and base64 work too) and answers JSON: 200 with the login, or
//!   `{"valid":false,"error":{"kind","message","hint"}}` with 400 (not a
//!   SAML response), 413 (too large), 401 (signature), 409 (replayed), 403
//!   (any other refusal) or 503 (replay store unreachable: retry later).
//! - `POST /admin/refresh-metadata`, on the admin listener only (keep it on
//!   loopback), re-reads the metadata file and swaps the trust with
//!   `Policy::set_trust`; the replay store is untouched, so a response
//!   accepted before the refresh is still refused after it.
//!
//! With Redis, a request validates without recording, then awaits
//! `RedisReplayStore::record_async`: no worker thread waits on the network.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::SystemTime;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::{DateTime, SecondsFormat, Utc};
#[cfg(feature = "redis")]
use samlguard::replay::RedisReplayStore;
use samlguard::{AwsConsole, AwsConsoleLogin, Context, Error, ErrorKind, IdpTrust, MetadataOptions, Policy};
use serde_json::{Value, json};

/// Request bodies above this are cut off by the server; below it the
/// library's own limits answer (the profile allows 100,000 characters).
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The time a request is validated at: the system clock, or a fixed one in
/// tests.
pub(crate) type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// What every request shares.
pub(crate) struct Gateway {
    policy: Policy<AwsConsole>,
    metadata: PathBuf,
    #[cfg(feature = "redis")]
    redis: Option<Arc<RedisReplayStore>>,
    clock: Clock,
}

impl Gateway {
    /// A gateway trusting the IdP in the `metadata` file, recording replays
    /// in this process's memory.
    pub(crate) fn new(metadata: PathBuf, clock: Clock) -> Result<Self, String> {
        let trust = read_trust(&metadata, None)?;
        Ok(Self {
            policy: Policy::<AwsConsole>::new(trust),
            metadata,
            #[cfg(feature = "redis")]
            redis: None,
            clock,
        })
    }

    /// Records replays in Redis, shared with the rest of the fleet.
    #[cfg(feature = "redis")]
    pub(crate) fn with_redis(mut self, store: RedisReplayStore) -> Self {
        let store = Arc::new(store);
        // The policy's own store too: a blocking `validate` anywhere else
        // must not fall back to this process's memory.
        self.policy = self.policy.with_replay_store(store.clone());
        self.redis = Some(store);
        self
    }

    async fn validate(&self, body: &[u8]) -> Result<AwsConsoleLogin, Error> {
        let now = (self.clock)();
        let context = Context::new(now);
        #[cfg(feature = "redis")]
        if let Some(store) = &self.redis {
            let unrecorded = self.policy.validate_unrecorded(body, &context)?;
            let verdict = store.record_async(&unrecorded.replay_key(), unrecorded.expires(), now).await?;
            return Ok(unrecorded.recorded(verdict)?.into_inner());
        }
        Ok(self.policy.validate(body, &context)?.into_inner())
    }

    /// Re-reads the metadata file; a file that does not load, or names
    /// another entity, leaves the current trust in place.
    fn refresh(&self) -> Result<Arc<IdpTrust>, String> {
        let current = self.policy.trust();
        let trust = read_trust(&self.metadata, Some(current.entity_id()))?;
        self.policy.set_trust(trust);
        Ok(self.policy.trust())
    }
}

fn read_trust(path: &std::path::Path, entity_id: Option<&str>) -> Result<IdpTrust, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let options = match entity_id {
        Some(id) => MetadataOptions::default().with_entity_id(id),
        None => MetadataOptions::default(),
    };
    IdpTrust::from_metadata(&bytes, &options).map_err(|e| format!("{}: {e}", path.display()))
}

/// The public routes.
pub(crate) fn app(gateway: Arc<Gateway>) -> Router {
    Router::new()
        .route("/saml/acs", post(acs))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(gateway)
}

/// The operator's routes: serve them on loopback only.
pub(crate) fn admin(gateway: Arc<Gateway>) -> Router {
    Router::new().route("/admin/refresh-metadata", post(refresh_metadata)).with_state(gateway)
}

async fn acs(State(gateway): State<Arc<Gateway>>, body: Bytes) -> Response {
    match gateway.validate(&body).await {
        Ok(login) => (StatusCode::OK, Json(accepted(&login))).into_response(),
        Err(error) => refused(&error),
    }
}

async fn refresh_metadata(State(gateway): State<Arc<Gateway>>) -> Response {
    match gateway.refresh() {
        Ok(trust) => {
            let body = json!({"refreshed": true, "entity_id": trust.entity_id(), "signing_keys": trust.keys().len()});
            (StatusCode::OK, Json(body)).into_response()
        }
        Err(message) => {
            let body = json!({"refreshed": false, "error": message, "note": "the previous trust is kept"});
            (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
        }
    }
}

/// Every value comes from the verified login.
fn accepted(login: &AwsConsoleLogin) -> Value {
    let roles: Vec<Value> = login
        .roles()
        .iter()
        .map(|r| json!({"role_arn": r.role_arn.as_str(), "provider_arn": r.provider_arn.as_str()}))
        .collect();
    json!({
        "valid": true,
        "issuer": login.issuer(),
        "name_id": login.name_id(),
        "role_session_name": login.role_session_name(),
        "session_duration": login.session_duration(),
        "roles": roles,
        "not_on_or_after": login.not_on_or_after().to_rfc3339_opts(SecondsFormat::Secs, true),
    })
}

/// The HTTP status of a refusal.
pub(crate) fn status_for(error: &Error) -> StatusCode {
    match error.kind() {
        ErrorKind::InputTooLarge | ErrorKind::DecodedTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::ReplayedAssertion => StatusCode::CONFLICT,
        _ => match error {
            Error::Input(_) | Error::Xml(_) => StatusCode::BAD_REQUEST,
            Error::Signature { .. } => StatusCode::UNAUTHORIZED,
            // Not the sender's fault: the same response may be posted again.
            Error::Replay(_) => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::FORBIDDEN,
        },
    }
}

fn refused(error: &Error) -> Response {
    let view = error.view();
    if let Error::Replay(store_error) = error {
        // The cause (connection refused, timeout…) is for the operator's
        // log, not for the browser.
        let cause = std::error::Error::source(store_error).map(ToString::to_string).unwrap_or_default();
        eprintln!("gateway: replay store: {store_error}: {cause}");
    }
    let body = json!({
        "valid": false,
        "error": {"kind": view.kind.as_str(), "message": view.message, "hint": view.hint},
    });
    let mut response = (status_for(error), Json(body)).into_response();
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    response
}

struct Args {
    metadata: PathBuf,
    listen: SocketAddr,
    admin_listen: SocketAddr,
    replay_store: Option<String>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut metadata, mut replay_store) = (None, None);
    let mut listen = SocketAddr::from(([127, 0, 0, 1], 8080));
    let mut admin_listen = SocketAddr::from(([127, 0, 0, 1], 8081));
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let address = |v: &str| v.parse::<SocketAddr>().map_err(|e| format!("{flag} {v}: {e}"));
        match flag.as_str() {
            "--metadata" => metadata = Some(PathBuf::from(value)),
            "--listen" => listen = address(&value)?,
            "--admin-listen" => admin_listen = address(&value)?,
            "--replay-store" => replay_store = Some(value),
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    let metadata = metadata.ok_or("--metadata FILE is required")?;
    Ok(Args { metadata, listen, admin_listen, replay_store })
}

async fn run() -> Result<(), String> {
    let args = parse_args(std::env::args().skip(1))?;
    let clock: Clock = Arc::new(|| DateTime::<Utc>::from(SystemTime::now()));
    #[allow(unused_mut)] // without the redis feature nothing changes it
    let mut gateway = Gateway::new(args.metadata, clock)?;
    if let Some(url) = args.replay_store {
        #[cfg(feature = "redis")]
        {
            let store = RedisReplayStore::open(&url).map_err(|e| format!("--replay-store: {e}"))?;
            gateway = gateway.with_redis(store);
        }
        #[cfg(not(feature = "redis"))]
        return Err(format!("--replay-store {url}: built without the redis feature"));
    }
    let gateway = Arc::new(gateway);
    let public =
        tokio::net::TcpListener::bind(args.listen).await.map_err(|e| format!("{}: {e}", args.listen))?;
    let private = tokio::net::TcpListener::bind(args.admin_listen)
        .await
        .map_err(|e| format!("{}: {e}", args.admin_listen))?;
    eprintln!("gateway: ACS on http://{}/saml/acs, admin on http://{}", args.listen, args.admin_listen);
    let public = async { axum::serve(public, app(gateway.clone())).await };
    let private = async { axum::serve(private, admin(gateway.clone())).await };
    tokio::try_join!(public, private).map(|_| ()).map_err(|e| e.to_string())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gateway: {message}");
            ExitCode::FAILURE
        }
    }
}
