//! The rules every profile applies to signed values: issuer, time, subject
//! confirmation, conditions, audience, InResponseTo.

use chrono::{DateTime, TimeDelta, Utc};

use super::context::Context;
use super::settings::{AllowedConditions, Settings};
use super::{PolicyError, SkippedCheck, SpField, StatusProblem};
use crate::Error;
use crate::saml::{
    self, Assertion, BEARER, Conditions, Envelope, SAML_NS, SAMLP_NS, STATUS_SUCCESS, SubjectConfirmation,
};
use crate::text::Untrusted;
use crate::xml::{Document, NodeId};

/// The rules of one validation: the policy's settings, the trusted IdP and
/// the profile's name (refusals name it, so hints can suggest another).
pub(crate) struct Rules<'p> {
    pub(crate) settings: &'p Settings,
    pub(crate) entity_id: &'p str,
    pub(crate) profile: &'static str,
}

/// What the assertion checks accepted.
pub(crate) struct Accepted {
    pub(crate) audience: String,
    pub(crate) confirmation: usize,
    pub(crate) skipped: Vec<SkippedCheck>,
}

/// `t + d`, saturating: a huge configured skew must not overflow.
pub(crate) fn later(t: DateTime<Utc>, d: TimeDelta) -> DateTime<Utc> {
    t.checked_add_signed(d).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `t - d`, saturating.
fn earlier(t: DateTime<Utc>, d: TimeDelta) -> DateTime<Utc> {
    t.checked_sub_signed(d).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

impl Rules<'_> {
    /// Envelope checks that can only refuse: they apply whether or not the
    /// Response is signed (its values are reported only when it is).
    pub(crate) fn envelope(&self, doc: &Document<'_>, response: NodeId) -> Result<(), Error> {
        let root = doc.element(response).ok_or(PolicyError::NotAResponse)?;
        if root.attribute("", "Version") != Some("2.0") {
            return Err(PolicyError::Version.into());
        }
        check_status(doc, response)?;
        for issuer in doc.child_elements(response).filter(|e| e.is(SAML_NS, "Issuer")) {
            let found = saml::text(doc, issuer)?;
            self.issuer(&found)?;
        }
        if let Some(destination) = root.attribute("", "Destination")
            && !self.settings.acs_urls.accepts(destination)
        {
            return Err(self
                .other_identity_center(SpField::Destination, destination)
                .unwrap_or(PolicyError::Destination { found: destination.into(), profile: self.profile })
                .into());
        }
        Ok(())
    }

    pub(crate) fn issuer(&self, found: &str) -> Result<(), PolicyError> {
        if found != self.entity_id {
            return Err(PolicyError::Issuer { expected: self.entity_id.to_string(), found: found.into() });
        }
        Ok(())
    }

    /// IssueInstant: not in the future, and fresh where the profile says so.
    pub(crate) fn issued(&self, issued: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), PolicyError> {
        let skew = self.settings.clock_skew;
        if issued > later(now, skew) {
            return Err(PolicyError::IssuedInFuture(issued));
        }
        if let Some(max_age) = self.settings.max_age
            && earlier(now, skew) > later(issued, max_age)
        {
            return Err(PolicyError::TooOld { issued, max_age_seconds: max_age.num_seconds() });
        }
        Ok(())
    }

    /// A validity window, half-open: at NotOnOrAfter itself it has expired.
    fn window(
        &self,
        not_before: Option<DateTime<Utc>>,
        not_on_or_after: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), PolicyError> {
        let skew = self.settings.clock_skew;
        if let (Some(not_before), Some(not_on_or_after)) = (not_before, not_on_or_after)
            && not_before >= not_on_or_after
        {
            return Err(PolicyError::EmptyWindow { not_before, not_on_or_after });
        }
        if let Some(nb) = not_before
            && later(now, skew) < nb
        {
            return Err(PolicyError::NotYetValid(nb));
        }
        if let Some(noa) = not_on_or_after
            && earlier(now, skew) >= noa
        {
            return Err(PolicyError::Expired(noa));
        }
        Ok(())
    }

    /// Every check on the signed Assertion (and the signed envelope).
    pub(crate) fn assertion(
        &self,
        assertion: &Assertion,
        envelope: Option<&Envelope>,
        context: &Context,
    ) -> Result<Accepted, Error> {
        let now = context.now();
        self.issuer(&assertion.issuer)?;
        self.issued(assertion.issue_instant, now)?;
        let (confirmation, skipped) =
            self.subject_confirmation(&assertion.subject_confirmations, envelope, context)?;
        let conditions = assertion.conditions.as_ref().ok_or(PolicyError::NoAudienceRestriction)?;
        self.window(conditions.not_before, conditions.not_on_or_after, now)?;
        if let Some(session_end) = assertion.authn.as_ref().and_then(|a| a.session_not_on_or_after)
            && earlier(now, self.settings.clock_skew) >= session_end
        {
            return Err(PolicyError::SessionExpired(session_end).into());
        }
        self.conditions(conditions)?;
        let audience = self.audience(conditions)?;
        Ok(Accepted { audience, confirmation, skipped })
    }

    /// The first bearer SubjectConfirmation that satisfies every rule
    /// (Recipient, NotOnOrAfter, window, InResponseTo); the others are
    /// ignored. When none does, the refusal of the first bearer one (or of
    /// the first one, when none is bearer).
    fn subject_confirmation(
        &self,
        confirmations: &[SubjectConfirmation],
        envelope: Option<&Envelope>,
        context: &Context,
    ) -> Result<(usize, Vec<SkippedCheck>), Error> {
        let mut first_refusal: Option<(bool, PolicyError)> = None;
        for (index, confirmation) in confirmations.iter().enumerate() {
            match self.confirmation(confirmation, envelope, context) {
                Ok(skipped) => return Ok((index, skipped)),
                Err(e) => {
                    let bearer = confirmation.method == BEARER;
                    if first_refusal.as_ref().is_none_or(|(was_bearer, _)| bearer && !was_bearer) {
                        first_refusal = Some((bearer, e));
                    }
                }
            }
        }
        Err(match first_refusal {
            Some((_, refusal)) => refusal.into(),
            None => saml::SamlError::SubjectConfirmation(saml::ConfirmationProblem::Count(0)).into(),
        })
    }

    /// One SubjectConfirmation against every rule.
    fn confirmation(
        &self,
        confirmation: &SubjectConfirmation,
        envelope: Option<&Envelope>,
        context: &Context,
    ) -> Result<Vec<SkippedCheck>, PolicyError> {
        if confirmation.method != BEARER {
            return Err(PolicyError::NotBearer(confirmation.method.as_str().into()));
        }
        let recipient = confirmation.recipient.as_deref();
        if !recipient.is_some_and(|r| self.settings.acs_urls.accepts(r)) {
            if let Some(other) = recipient.and_then(|r| self.other_identity_center(SpField::Recipient, r)) {
                return Err(other);
            }
            let found = recipient.map(Untrusted::from);
            return Err(PolicyError::Recipient { found, profile: self.profile });
        }
        if confirmation.not_on_or_after.is_none() {
            return Err(PolicyError::MissingNotOnOrAfter);
        }
        self.window(confirmation.not_before, confirmation.not_on_or_after, context.now())?;
        self.in_response_to(confirmation, envelope, context)
    }

    /// Unknown conditions are refused; Client VPN allows only the audience
    /// and the time bounds.
    fn conditions(&self, conditions: &Conditions) -> Result<(), PolicyError> {
        if let Some(unknown) = conditions.unknown.first() {
            return Err(PolicyError::UnsupportedCondition(unknown.as_str().into()));
        }
        if self.settings.conditions == AllowedConditions::AudienceAndTime
            && (conditions.one_time_use || conditions.proxy_restriction)
        {
            let which = if conditions.one_time_use { "OneTimeUse" } else { "ProxyRestriction" };
            return Err(PolicyError::UnsupportedCondition(which.into()));
        }
        Ok(())
    }

    /// Every AudienceRestriction must name an accepted audience (they are
    /// ANDed; the audiences within one are ORed). Returns the first accepted.
    fn audience(&self, conditions: &Conditions) -> Result<String, PolicyError> {
        let mut accepted = None;
        for restriction in &conditions.audience_restrictions {
            match restriction.iter().find(|a| self.settings.audiences.iter().any(|allowed| allowed == *a)) {
                Some(a) => {
                    accepted.get_or_insert_with(|| a.clone());
                }
                None => {
                    if let Some(other) =
                        restriction.iter().find_map(|a| self.other_identity_center(SpField::Audience, a))
                    {
                        return Err(other);
                    }
                    return Err(PolicyError::Audience {
                        found: restriction.iter().map(|a| a.as_str().into()).collect(),
                        profile: self.profile,
                    });
                }
            }
        }
        accepted.ok_or(PolicyError::NoAudienceRestriction)
    }

    /// InResponseTo from signed data only (the SubjectConfirmationData, and
    /// the Response when it is signed); every present value must agree.
    fn in_response_to(
        &self,
        confirmation: &SubjectConfirmation,
        envelope: Option<&Envelope>,
        context: &Context,
    ) -> Result<Vec<SkippedCheck>, PolicyError> {
        let signed: Vec<&str> = confirmation
            .in_response_to
            .as_deref()
            .into_iter()
            .chain(envelope.and_then(|e| e.in_response_to.as_deref()))
            .collect();
        let mut skipped = Vec::new();
        match context.expected_request_id() {
            Some(expected) => {
                if let Some(found) = signed.iter().find(|v| **v != expected) {
                    return Err(PolicyError::InResponseTo {
                        expected: expected.into(),
                        found: (*found).into(),
                    });
                }
                if signed.is_empty() {
                    return Err(PolicyError::InResponseToMissing);
                }
            }
            None => {
                if let [first, rest @ ..] = signed.as_slice()
                    && let Some(other) = rest.iter().find(|v| *v != first)
                {
                    return Err(PolicyError::InResponseTo {
                        expected: (*first).into(),
                        found: (*other).into(),
                    });
                }
                if !signed.is_empty() {
                    skipped.push(SkippedCheck::InResponseTo);
                }
            }
        }
        if self.settings.sp_initiated_only && signed.is_empty() {
            return Err(PolicyError::InResponseToMissing);
        }
        Ok(skipped)
    }
}

/// Exactly one Status, exactly one top-level StatusCode, and it is Success.
fn check_status(doc: &Document<'_>, response: NodeId) -> Result<(), PolicyError> {
    let mut statuses = doc.child_elements(response).filter(|e| e.is(SAMLP_NS, "Status"));
    let status = statuses.next().ok_or(PolicyError::MalformedStatus(StatusProblem::Missing))?;
    if statuses.next().is_some() {
        return Err(PolicyError::MalformedStatus(StatusProblem::Repeated));
    }
    let mut codes = doc.child_elements(status.id()).filter(|e| e.is(SAMLP_NS, "StatusCode"));
    let code = codes
        .next()
        .and_then(|e| e.attribute("", "Value"))
        .ok_or(PolicyError::MalformedStatus(StatusProblem::NoCode))?;
    if codes.next().is_some() {
        return Err(PolicyError::MalformedStatus(StatusProblem::SeveralCodes));
    }
    if code != STATUS_SUCCESS {
        return Err(PolicyError::Status(code.into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saturating_time_arithmetic() {
        let now: DateTime<Utc> = "2026-01-15T10:00:00Z".parse().unwrap();
        assert_eq!(later(now, TimeDelta::MAX), DateTime::<Utc>::MAX_UTC);
        assert_eq!(earlier(now, TimeDelta::MAX), DateTime::<Utc>::MIN_UTC);
        assert_eq!(
            later(now, TimeDelta::seconds(60)),
            "2026-01-15T10:01:00Z".parse::<DateTime<Utc>>().unwrap()
        );
    }
}
