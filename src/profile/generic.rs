//! Any SAML 2.0 SP: the caller names the audiences and ACS URLs.

use crate::Error;
use crate::policy::{
    AcsUrls, Canonicalizations, Decrypting, Login, Policy, Profile, RequiredSignatures, Settings, sealed,
};
use crate::trust::{IdpTrust, SpMetadata};

/// Any SAML 2.0 SP with configured audiences and ACS URLs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Generic;

impl sealed::Sealed for Generic {}

/// Any SP may receive encrypted assertions.
impl Decrypting for Generic {}

impl Profile for Generic {
    type Login = Login;
    const NAME: &'static str = "generic";

    fn claims(login: Login, _: sealed::Token) -> Result<Login, Error> {
        Ok(login)
    }
}

impl Policy<Generic> {
    /// Any SP: the caller names the audiences and ACS URLs; the Assertion must
    /// be covered by a verified signature (its own or the Response's).
    /// Signatures may use exclusive or inclusive C14N 1.0 (IdPs other than
    /// Entra ID sign with either); the Client VPN and AWS console profiles
    /// accept exclusive C14N only.
    pub fn new(
        trust: IdpTrust,
        audiences: impl IntoIterator<Item = impl Into<String>>,
        acs_urls: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        let mut settings = Settings::new(Vec::new(), AcsUrls::Exact(Vec::new()));
        settings.signatures = RequiredSignatures::Either;
        settings.encryption.accepted = true;
        settings.canonicalizations = Canonicalizations::EXCLUSIVE_OR_INCLUSIVE;
        Self::from_settings(trust, settings).with_audiences(audiences).with_acs_urls(acs_urls)
    }

    /// Any SP described by its own metadata: the audience is its entity ID,
    /// the ACS URLs its HTTP-POST AssertionConsumerService Locations.
    pub fn from_sp_metadata(trust: IdpTrust, sp: &SpMetadata) -> Self {
        Self::new(trust, [sp.entity_id()], sp.acs_urls().iter().cloned())
    }

    /// Which signatures must be present.
    pub fn with_required_signatures(mut self, required: RequiredSignatures) -> Self {
        self.settings_mut().signatures = required;
        self
    }

    /// Requires InResponseTo (SP-initiated only).
    pub fn requiring_in_response_to(mut self) -> Self {
        self.settings_mut().sp_initiated_only = true;
        self
    }
}
