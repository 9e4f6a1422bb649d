//! Per-call input to validation.

use chrono::{DateTime, Utc};

/// Per-call input to [`Policy::validate`](super::Policy::validate): the
/// validation time (the library never reads the clock) and the request the
/// response must answer.
///
/// ```
/// use samlguard::Context;
///
/// let now = "2026-01-15T10:01:00Z".parse()?;
/// // The gateway sent AuthnRequest ID "id-4c1f…": the response must answer it.
/// let context = Context::new(now).expecting_request("id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c");
/// assert_eq!(context.expected_request_id(), Some("id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    now: DateTime<Utc>,
    expected_request_id: Option<String>,
    accept_unsolicited: bool,
}

impl Context {
    /// A context at time `now`.
    pub fn new(now: DateTime<Utc>) -> Self {
        Self { now, expected_request_id: None, accept_unsolicited: false }
    }

    /// The ID of the AuthnRequest this response must answer (SP-initiated):
    /// every InResponseTo the signatures cover must equal it.
    pub fn expecting_request(mut self, id: impl Into<String>) -> Self {
        self.expected_request_id = Some(id.into());
        self
    }

    /// Validates without a request to match, for profiles that answer only
    /// requests the service sent (Client VPN), where that is otherwise
    /// refused: for an operator looking at a captured response, never for a
    /// gateway. The response must still carry InResponseTo where the profile
    /// requires it; the login reports the check as skipped.
    pub fn accepting_unsolicited(mut self) -> Self {
        self.accept_unsolicited = true;
        self
    }

    /// The validation time.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The request the response must answer, when given.
    pub fn expected_request_id(&self) -> Option<&str> {
        self.expected_request_id.as_deref()
    }

    /// Whether the caller accepts responses it cannot match to a request.
    pub fn accepts_unsolicited(&self) -> bool {
        self.accept_unsolicited
    }
}
