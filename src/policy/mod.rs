//! The policy layer: a [`Policy`] built once per IdP and profile turns a
//! pasted or POSTed SAMLResponse into a [`Verified`] login or a precise
//! refusal.
//!
//! ```
//! use samlguard::{ClientVpn, Context, IdpTrust, MetadataOptions, Policy};
//!
//! let metadata = std::fs::read("testdata/metadata/entra.xml")?;
//! let trust = IdpTrust::from_metadata(&metadata, &MetadataOptions::default())?;
//! let policy = Policy::<ClientVpn>::new(trust);
//!
//! let response = std::fs::read("testdata/responses/clientvpn.xml")?;
//! let now = "2026-01-15T10:01:00Z".parse()?;
//! let context = Context::new(now).expecting_request("id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c");
//! let login = policy.validate(&response, &context)?;
//! assert_eq!(login.name_id(), "alice@example.com");
//! assert_eq!(login.groups().len(), 20);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What `validate` checks, in order (each failure is a typed [`Error`]):
//! input size and encoding; strict XML; the document is one `samlp:Response`
//! holding exactly one `saml:Assertion` as a direct child (or, where the
//! policy decrypts, one `saml:EncryptedAssertion` instead), no other
//! Assertion or EncryptedAssertion anywhere and no `ds:Signature` other than
//! the Response's and the Assertion's own; the profile's required signatures
//! are present and every present one verifies against the pinned keys; an
//! EncryptedAssertion is then decrypted with the SP's keys and its Assertion
//! must carry its own valid signature (see the manual's
//! [decryption is not an oracle](crate::manual::invariants#decryption-is-not-an-oracle));
//! then, from signed data only: Version, Status, Issuer, Destination, the bearer SubjectConfirmation
//! (Recipient, NotOnOrAfter, InResponseTo), time bounds with explicit skew
//! (half-open: `NotOnOrAfter == now` is expired), audience restrictions,
//! allowed conditions, freshness, the profile's claims, and finally the
//! replay store.

mod checks;
mod context;
mod encryption;
mod error;
mod login;
mod other_sp;
mod settings;
mod signatures;
mod structure;
mod verified;

use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, PoisonError, RwLock};

use chrono::TimeDelta;

pub use context::Context;
pub use encryption::Decrypting;
#[cfg(feature = "xmlenc")]
pub use encryption::EncryptionMode;
pub use error::{InstancePart, PolicyError, SpField, StatusProblem};
pub use login::{Login, SignedElement, SignedPart, SkippedCheck};
pub use settings::RequiredSignatures;
pub(crate) use settings::{AcsUrls, AllowedConditions, Settings};
// For the profiles, which name `policy` rather than `dsig`.
pub(crate) use crate::dsig::Canonicalizations;
pub use verified::{Unrecorded, Verified};

use crate::Error;
use crate::crypto::Algorithms;
use crate::input::{self, InputLimits};
use crate::replay::{MemoryReplayStore, ReplayStore};
use crate::saml;
use crate::trust::{IdpTrust, SpMetadata};
use crate::xml::{self, Limits};
use checks::{Rules, later};
use signatures::Proofs;

pub(crate) mod sealed {
    /// Only this crate's profiles implement [`Profile`](super::Profile).
    pub trait Sealed {}

    /// Only this crate can call [`Profile::claims`](super::Profile::claims):
    /// a login becomes a profile's login only inside a validation.
    #[derive(Debug)]
    pub struct Token(());

    impl Token {
        pub(crate) fn new() -> Self {
            Self(())
        }
    }
}

/// A deployment profile: its defaults and the claims it yields. Implemented
/// by [`ClientVpn`](crate::ClientVpn), [`AwsConsole`](crate::AwsConsole),
/// [`IdentityCenter`](crate::IdentityCenter) and [`Generic`](crate::Generic).
pub trait Profile: sealed::Sealed + Send + Sync + fmt::Debug + 'static {
    /// What a successful validation yields.
    type Login: fmt::Debug + AsRef<Login>;
    /// The profile's name (`clientvpn`, `aws-console`, `identity-center`,
    /// `generic`).
    const NAME: &'static str;
    #[doc(hidden)]
    fn claims(login: Login, token: sealed::Token) -> Result<Self::Login, Error>;
}

/// A validation policy: one IdP, one profile. Build once, share across
/// threads (`Send + Sync`); replace its trust when the IdP rolls its keys,
/// keeping its configuration and replay store.
pub struct Policy<P: Profile> {
    settings: Settings,
    trust: RwLock<Arc<IdpTrust>>,
    replay: Option<Arc<dyn ReplayStore>>,
    profile: PhantomData<P>,
}

impl<P: Profile> fmt::Debug for Policy<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("profile", &P::NAME)
            .field("settings", &self.settings)
            .field("trust", &self.trust())
            .field("replay", &self.replay)
            .finish()
    }
}

impl<P: Profile> Clone for Policy<P> {
    /// A policy with the same settings and trust, sharing the replay store.
    fn clone(&self) -> Self {
        Self {
            settings: self.settings.clone(),
            trust: RwLock::new(self.trust()),
            replay: self.replay.clone(),
            profile: PhantomData,
        }
    }
}

impl<P: Profile> Policy<P> {
    /// A policy from a profile's settings, with a bounded in-memory replay store.
    pub(crate) fn from_settings(trust: IdpTrust, settings: Settings) -> Self {
        Self {
            settings,
            trust: RwLock::new(Arc::new(trust)),
            replay: Some(Arc::new(MemoryReplayStore::default())),
            profile: PhantomData,
        }
    }

    #[cfg(feature = "xmlenc")]
    pub(crate) fn settings(&self) -> &Settings {
        &self.settings
    }

    pub(crate) fn settings_mut(&mut self) -> &mut Settings {
        &mut self.settings
    }

    /// Replaces the profile's accepted audiences (exact string comparison).
    pub fn with_audiences(mut self, audiences: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.settings.audiences = audiences.into_iter().map(Into::into).collect();
        self
    }

    /// Replaces the profile's accepted ACS URLs (Destination and Recipient).
    pub fn with_acs_urls(mut self, urls: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.settings.acs_urls = AcsUrls::Exact(urls.into_iter().map(Into::into).collect());
        self
    }

    /// Replaces the accepted audiences and ACS URLs with what the SP's own
    /// metadata says: its entity ID, its HTTP-POST AssertionConsumerService
    /// Locations. For the generic profile this configures the service; for
    /// the AWS console it replaces the sign-in defaults (AWS's console
    /// metadata has entityID `urn:amazon:webservices`, while Entra's AWS
    /// application sends `https://signin.aws.amazon.com/saml` unless its
    /// Identifier is changed).
    ///
    /// ```
    /// use samlguard::trust::{IdpTrust, MetadataOptions, SpMetadata};
    /// use samlguard::{Context, Generic, Policy};
    ///
    /// let trust = IdpTrust::from_metadata(&std::fs::read("testdata/metadata/entra.xml")?, &MetadataOptions::default())?;
    /// let sp = SpMetadata::from_xml(&std::fs::read("testdata/metadata/identity-center-sp.xml")?)?;
    /// let policy = Policy::<Generic>::new(trust, ["https://old.example.com"], ["https://old.example.com/acs"])
    ///     .with_sp_metadata(&sp);
    /// let response = std::fs::read("testdata/policy/identity-center-idp-initiated.xml")?;
    /// let login = policy.validate(&response, &Context::new("2026-01-15T10:01:00Z".parse()?))?;
    /// assert_eq!(login.audience(), sp.entity_id());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_sp_metadata(self, sp: &SpMetadata) -> Self {
        self.with_audiences([sp.entity_id()]).with_acs_urls(sp.acs_urls().iter().cloned())
    }

    /// Sets the clock skew allowed on every time bound (default 60 s).
    pub fn with_clock_skew(mut self, skew: std::time::Duration) -> Self {
        self.settings.clock_skew = TimeDelta::from_std(skew).unwrap_or(TimeDelta::MAX);
        self
    }

    /// Sets the freshness window: IssueInstant at most this long before now
    /// (plus the clock skew). The AWS console profile sets 5 minutes.
    pub fn with_max_age(mut self, max_age: Option<std::time::Duration>) -> Self {
        self.settings.max_age = max_age.map(|age| TimeDelta::from_std(age).unwrap_or(TimeDelta::MAX));
        self
    }

    /// Sets the accepted algorithms ([`Algorithms::STRICT`] by default).
    pub fn with_algorithms(mut self, algorithms: Algorithms) -> Self {
        self.settings.algorithms = algorithms;
        self
    }

    /// Sets the input size limits (the profile's by default).
    pub fn with_input_limits(mut self, limits: InputLimits) -> Self {
        self.settings.input_limits = limits;
        self
    }

    /// Sets the XML parser limits.
    pub fn with_xml_limits(mut self, limits: Limits) -> Self {
        self.settings.xml_limits = limits;
        self
    }

    /// Uses `store` to refuse replayed assertions (a bounded in-memory store
    /// by default). Share one store between policies to share their memory.
    pub fn with_replay_store(mut self, store: Arc<dyn ReplayStore>) -> Self {
        self.replay = Some(store);
        self
    }

    /// Turns replay detection off: only for tools that validate the same
    /// response repeatedly (benchmarks, the CLI) or callers that record with
    /// [`validate_unrecorded`](Self::validate_unrecorded).
    pub fn without_replay_store(mut self) -> Self {
        self.replay = None;
        self
    }

    /// The trusted IdP (a snapshot: [`set_trust`](Self::set_trust) may
    /// replace it).
    pub fn trust(&self) -> Arc<IdpTrust> {
        Arc::clone(&self.trust.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Replaces the trusted IdP (refreshed metadata, key rollover) while
    /// the policy is in use; settings and replay store are kept, so an
    /// assertion accepted before the refresh is still refused as a replay.
    pub fn set_trust(&self, trust: IdpTrust) {
        *self.trust.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(trust);
    }

    /// The profile's name.
    pub fn profile_name(&self) -> &'static str {
        P::NAME
    }

    /// Validates a response (raw XML, base64, or a form body with
    /// `SAMLResponse=`) and records its assertion in the replay store.
    pub fn validate(&self, input: &[u8], context: &Context) -> Result<Verified<P::Login>, Error> {
        let unrecorded = self.validate_unrecorded(input, context)?;
        match &self.replay {
            Some(store) => unrecorded.record(store.as_ref(), context.now()),
            None => Ok(unrecorded.unrecorded_by_choice()),
        }
    }

    /// Validates everything but replay: the caller records
    /// [`Unrecorded::replay_key`] in its store (for example awaiting an async
    /// store, without blocking a worker thread) and passes the answer to
    /// [`Unrecorded::recorded`]. The policy's own store is not used.
    pub fn validate_unrecorded(
        &self,
        input: &[u8],
        context: &Context,
    ) -> Result<Unrecorded<P::Login>, Error> {
        let settings = &self.settings;
        if settings.sp_initiated_only
            && context.expected_request_id().is_none()
            && !context.accepts_unsolicited()
        {
            return Err(PolicyError::RequestIdRequired.into());
        }
        let trust = self.trust();
        let bytes = input::decode(input, &settings.input_limits)?;
        let doc = xml::parse_with_limits(&bytes, &settings.xml_limits)?;
        let structure = structure::scan(&doc, &settings.encryption)?;
        #[cfg(feature = "xmlenc")]
        settings.encryption.check(structure.encrypted)?;
        structure::require_signatures(&structure, settings.signatures)?;
        // The Response signature, when there is one, covers the ciphertext:
        // it is verified before anything is decrypted.
        let proofs = Proofs::verify(&doc, &structure, trust.keys(), settings)?;

        let rules = Rules { settings, entity_id: trust.entity_id(), profile: P::NAME };
        rules.envelope(&doc, structure.response)?;
        let (assertion, mut signatures) = if structure.encrypted {
            self.open_encrypted(&doc, &structure, trust.keys())?
        } else {
            let proof = proofs.of_assertion().ok_or(PolicyError::AssertionNotSigned)?;
            let assertion = saml::read_assertion(proof, structure.assertion).map_err(|e| match e {
                saml::SamlError::NotCovered => Error::from(PolicyError::AssertionNotSigned),
                e => e.into(),
            })?;
            (assertion, Vec::new())
        };
        signatures.extend(proofs.parts(trust.keys()));
        let envelope = proofs.response.as_ref().map(saml::read_envelope).transpose()?;
        if let Some(envelope) = &envelope {
            rules.issued(envelope.issue_instant, context.now())?;
        }
        let accepted = rules.assertion(&assertion, envelope.as_ref(), context)?;
        let expires = later(
            login::earliest_not_on_or_after(&assertion, accepted.confirmation).unwrap_or(context.now()),
            settings.clock_skew,
        );
        let login = Login {
            assertion,
            confirmation: accepted.confirmation,
            audience: accepted.audience,
            envelope,
            signatures,
            skipped: accepted.skipped,
            encrypted: structure.encrypted,
        };
        Ok(Unrecorded::new(P::claims(login, sealed::Token::new())?, expires))
    }

    /// The Assertion inside the EncryptedAssertion, verified, and its
    /// signature as the login reports it (first in the list).
    #[cfg(feature = "xmlenc")]
    fn open_encrypted(
        &self,
        doc: &xml::Document<'_>,
        structure: &structure::Structure,
        keys: &[crate::crypto::PublicKey],
    ) -> Result<(saml::Assertion, Vec<SignedPart>), Error> {
        let (assertion, part) = encryption::open(doc, structure.assertion, &self.settings, keys)?;
        Ok((assertion, vec![part]))
    }

    /// Without the feature the structure scan refuses every EncryptedAssertion.
    #[cfg(not(feature = "xmlenc"))]
    fn open_encrypted(
        &self,
        _: &xml::Document<'_>,
        _: &structure::Structure,
        _: &[crate::crypto::PublicKey],
    ) -> Result<(saml::Assertion, Vec<SignedPart>), Error> {
        Err(PolicyError::EncryptedAssertion.into())
    }
}
