//! [`SharedRules`]: the current rules of a running gateway, replaceable while
//! other threads decide.

use std::net::IpAddr;
use std::sync::{Arc, PoisonError, RwLock};

use super::{AuthorizationRules, RulesError};
use crate::policy::Verified;
use crate::profile::ClientVpnLogin;

/// The current [`AuthorizationRules`], shared between threads.
///
/// Readers take a snapshot (an `Arc`) and decide on it without holding any
/// lock; a reload parses and indexes the new rules first and then swaps the
/// `Arc`, so a decision sees either the old rules or the new ones, never a
/// mix, and a bad file leaves the current rules in force. The lock is held
/// only to clone or swap the `Arc`; `std`'s `RwLock` keeps the crate free of
/// a dependency such as `arc-swap`, whose lock-free reads would save a few
/// nanoseconds per snapshot at this scale.
///
/// ```
/// use std::sync::Arc;
/// use samlguard::authorization::{AuthorizationRules, SharedRules};
///
/// let shared = Arc::new(SharedRules::new(AuthorizationRules::default()));
/// let reader = Arc::clone(&shared);
/// let worker = std::thread::spawn(move || reader.snapshot().rules().len());
/// shared.reload_json(br#"{"AuthorizationRules": [{"ClientVpnEndpointId": "cvpn-endpoint-0abc",
///     "AccessAll": true, "DestinationCidr": "10.0.0.0/8", "Status": {"Code": "active"}}]}"#)?;
/// assert!(worker.join().unwrap() <= 1);
/// assert_eq!(shared.snapshot().rules().len(), 1);
///
/// // A bad file is refused and the current rules stay.
/// assert!(shared.reload_json(b"{}").is_err());
/// assert_eq!(shared.snapshot().rules().len(), 1);
/// # Ok::<(), samlguard::authorization::RulesError>(())
/// ```
#[derive(Debug, Default)]
pub struct SharedRules {
    current: RwLock<Arc<AuthorizationRules>>,
}

impl SharedRules {
    /// Holds `rules`.
    pub fn new(rules: AuthorizationRules) -> Self {
        Self { current: RwLock::new(Arc::new(rules)) }
    }

    /// The rules in force now. Decisions made on the snapshot stay consistent
    /// even if the rules are replaced meanwhile.
    pub fn snapshot(&self) -> Arc<AuthorizationRules> {
        // A panic elsewhere cannot leave an Arc half-written: poisoning carries no meaning here.
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Puts `rules` in force and returns the rules they replace.
    pub fn replace(&self, rules: AuthorizationRules) -> Arc<AuthorizationRules> {
        let rules = Arc::new(rules);
        std::mem::replace(&mut *self.current.write().unwrap_or_else(PoisonError::into_inner), rules)
    }

    /// Reads new rules from `describe-client-vpn-authorization-rules` JSON and
    /// puts them in force; on error the current rules stay.
    pub fn reload_json(&self, json: &[u8]) -> Result<(), RulesError> {
        // Parsed and indexed before the lock is taken.
        let rules = AuthorizationRules::from_json(json)?;
        self.replace(rules);
        Ok(())
    }

    /// Whether `login` may reach `destination` under the rules in force.
    pub fn is_allowed(&self, login: &Verified<ClientVpnLogin>, destination: IpAddr) -> bool {
        self.snapshot().decide(login, destination).is_allowed()
    }
}
