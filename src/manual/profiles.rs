//! # The deployment profiles
//!
//! A profile is what one kind of service provider requires of a response.
//! [`Policy`](crate::Policy) applies the rules every profile shares (the
//! [invariants](super::invariants), issuer, time, subject confirmation,
//! audience, InResponseTo, replay); the profile sets their values and adds
//! its claim rules. The values below come from AWS's and Microsoft's
//! documentation; where they are silent, the stricter reading is taken and
//! said so.
//!
//! | | `clientvpn` | `aws-console` | `identity-center` | `generic` |
//! |---|---|---|---|---|
//! | audience | `urn:amazon:webservices:clientvpn` | `https://signin.aws.amazon.com/saml`, `urn:amazon:webservices` | the entityID of Identity Center's SP metadata (`https://<region>.signin.aws.amazon.com/platform/saml/<id>`) | configured (or an SP metadata's entityID) |
//! | Destination / Recipient | `http://127.0.0.1:35001`, the self-service portal (`https://self-service.clientvpn.amazonaws.com/api/auth/sso/saml`, and its `gov.` twin) | AWS sign-in `/saml` endpoints: global, regional (`<region>.signin.aws.amazon.com`), China and GovCloud hosts, `/static/saml`, `/saml/acs/<IdP-ID>` | the SP metadata's HTTP-POST AssertionConsumerService (`https://<region>.signin.aws.amazon.com/platform/saml/acs/<id>`) | configured (or an SP metadata's HTTP-POST ACS) |
//! | signatures | Response **and** Assertion | Assertion (a Response signature, when present, must verify too) | same as aws-console | Assertion covered by a verified signature (configurable) |
//! | encryption | EncryptedAssertion refused anywhere (`encrypted_assertion`; the hint says to turn token encryption off in Entra) | with the SP's keys (feature `xmlenc`): EncryptedAssertion decrypted, its Assertion signed by the IdP; mode Allowed (default) or Required (`encryption_required`); AES-GCM only on request; without keys `decryption_key_not_configured` | refused (`encrypted_assertion`): Identity Center does not accept encrypted assertions | same as aws-console |
//! | conditions | only AudienceRestriction and the time bounds | AudienceRestriction, OneTimeUse, ProxyRestriction | same as aws-console | same as aws-console |
//! | flow | SP-initiated only: InResponseTo must equal the request ID; without one the caller must say it accepts unsolicited responses | SP- or IdP-initiated | SP- or IdP-initiated | configurable |
//! | freshness | — | IssueInstant at most 5 minutes plus the clock skew before now | — | configurable |
//! | size | 128 KiB of XML | 100,000 base64 characters (75,000 bytes of XML) | 1 MiB (configurable) | 1 MiB (configurable) |
//!
//! Every profile also refuses an IssueInstant more than the clock skew in
//! the future, and checks every signed InResponseTo against the request ID
//! when one is given.
//!
//! # Client VPN
//!
//! AWS says the SAML response and the assertion must be signed, that only
//! AudienceRestriction and NotBefore/NotOnOrAfter conditions are supported,
//! that the NameID is an email address (at most 255 characters) and that the
//! `memberOf` attribute carries the groups (at most 200, each at most 255
//! characters; attribute names are case-sensitive). Entra's application for
//! Client VPN is SP-initiated only. So:
//!
//! - NameID: format `urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress`,
//!   an RFC 5322 dot-atom address, at most 255 characters, without invisible,
//!   bidi or control characters (`invalid_name_id`);
//! - `memberOf` required (`missing_groups`); Entra's group-overage claim
//!   (sent instead of the groups when a user is in more than 150) is its own
//!   refusal (`group_overage`); more than 200 values, an empty one, one over
//!   255 characters, or one with an invisible character is `invalid_groups`;
//! - `FirstName` and `LastName` optional, single-valued.
//!
//! # AWS console
//!
//! Sign-in through STS AssumeRoleWithSAML:
//!
//! - a NameID in one of AWS's eight formats (`invalid_name_id`);
//! - `https://aws.amazon.com/SAML/Attributes/Role`: at least one value, each
//!   exactly two comma-separated IAM ARNs, one `role/` and one
//!   `saml-provider/`, in either order, in the same partition and account;
//!   the partition is one AWS has (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso`,
//!   `aws-iso-b`, `aws-iso-e`, `aws-iso-f`, `aws-eusc`) (`invalid_role`);
//! - `RoleSessionName` required, `[\w+=,.@-]{2,64}`;
//! - `SessionDuration` optional, an integer from 900 to 43200;
//! - `SourceIdentity` optional, `[\w+=,.@-]{2,64}`, not starting with `aws:`;
//! - `PrincipalTag:{key}` session tags: one value each, keys 1 to 128
//!   characters and values at most 256 of letters, digits, spaces and
//!   `_ . : / = + - @`, no `aws:` prefix, keys unique regardless of case, at
//!   most 50; `TransitiveTagKeys` must name session tags;
//! - freshness: STS refuses a response redeemed more than 5 minutes after it
//!   was issued, so IssueInstant must be at most 5 minutes plus the clock
//!   skew (60 s by default) before now (`response_too_old`);
//! - encrypted assertions: an IAM SAML provider can accept them, in the mode
//!   `Allowed` or `Required`, with one or two private keys (the second during
//!   a rotation), and AES-GCM or AES-CBC content encryption. Entra encrypts
//!   the whole signed Assertion when token encryption is turned on for the
//!   application. With the feature `xmlenc`, the policy takes the same
//!   private keys (`Policy::with_decryption_keys`, several for a rotation,
//!   every one tried on every response), the same mode
//!   (`Policy::with_encryption_mode`; `Required` refuses a plaintext
//!   Assertion with `encryption_required`) and can refuse AES-CBC
//!   (`DecryptionOptions::with_gcm_only`). The rules of the
//!   [decryption is not an oracle](super::invariants#decryption-is-not-an-oracle)
//!   invariant apply; the login says the Assertion arrived encrypted
//!   (`Login::encrypted`, `"encrypted"` in the serialized login).
//!
//! # IAM Identity Center
//!
//! AWS IAM Identity Center with Entra ID as its external identity provider.
//! It is configured from the SP metadata Identity Center offers for
//! download ([`SpMetadata`](crate::trust::SpMetadata)): Entra's application
//! for Identity Center takes its entityID as the Identifier and its HTTP-POST
//! AssertionConsumerService as the Reply URL, both of the form
//! `https://<region>.signin.aws.amazon.com/platform/saml/[acs/]<id>`; it
//! signs users in SP- or IdP-initiated (Microsoft's tutorial "Configure AWS
//! IAM Identity Center for single sign-on"). AWS's requirements for external
//! identity providers ("Using SAML and SCIM identity federation with
//! external identity providers") are a NameID of format
//! `urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress` whose value is
//! "an RFC 2822 addr-spec compliant (name@domain.com) string", IdP metadata
//! of at most 75,000 characters, and no encryption key. So:
//!
//! - audience, Destination and Recipient: the SP metadata's; a value that is
//!   another Identity Center's SP URL is refused under the field's kind
//!   (`audience_mismatch`, `destination_mismatch`, `recipient_mismatch`) as
//!   [`OtherIdentityCenter`](crate::policy::PolicyError::OtherIdentityCenter),
//!   saying whether the Region, the instance ID or both differ, or whether
//!   Identifier and Reply URL are swapped; an audience of Entra's AWS console
//!   or Client VPN application is named as such;
//! - NameID: the emailAddress format and an addr-spec: a dot-atom local part
//!   (RFC 2822 atext, no leading, trailing or doubled dot), `@`, a host name
//!   (letters, digits and inner hyphens, labels of 1 to 63 characters),
//!   ASCII only (an internationalized domain in its `xn--` form), at most 128
//!   characters, the Identity Store's user name limit (`invalid_name_id`).
//!   Quoted local parts, domain literals (`[192.0.2.1]`), comments and the
//!   obsolete forms are RFC 2822 but refused: Entra cannot issue them, and
//!   they give one address several spellings;
//! - `https://aws.amazon.com/SAML/Attributes/AccessControl:{TagKey}`
//!   attributes (attribute-based access control, "Attributes for access
//!   control"): Identity Center passes them to the AWS account as session
//!   tags, so they follow STS's session-tag rules (the `Tag` type of the STS
//!   API and "Passing session tags"): one value each, keys of 1 to 128 and
//!   values of at most 256 characters of `[\p{L}\p{Z}\p{N}_.:/=+\-@]`, no
//!   `aws:` key prefix, keys unique regardless of case, at most 50
//!   (`invalid_access_control_tags`). Of `\p{Z}` only the ASCII space is
//!   accepted, and invisible letters (Hangul fillers) are refused, as for
//!   Client VPN's identities; letters are Rust's `char::is_alphanumeric`,
//!   which also admits the few combining marks Unicode counts as alphabetic;
//! - an EncryptedAssertion is refused (`encrypted_assertion`): Identity
//!   Center accepts no encryption key, and the hint is to turn token
//!   encryption off in Entra;
//! - IdP metadata over 75,000 characters is a configuration error
//!   (`idp_metadata_too_large`) when the policy is built from the metadata
//!   bytes ([`Policy::<IdentityCenter>::from_metadata`](crate::Policy::from_metadata),
//!   the CLI): Identity Center would not have imported that file, so it is
//!   not the one Identity Center trusts.
//!
//! # Generic
//!
//! Any SAML 2.0 service provider: the caller names the accepted audiences
//! and ACS URLs (or hands over the SP's own metadata), which signatures are
//! required, and whether InResponseTo is. The login carries the verified
//! assertion and its attributes. Encrypted assertions as for the AWS console
//! (with the SP's keys; the decrypted Assertion must be signed whatever
//! signatures are required).
//!
//! # Client VPN and encryption
//!
//! AWS documents no encrypted assertions for Client VPN, so its policy has no
//! decryption setters at all: an EncryptedAssertion anywhere is refused
//! (`encrypted_assertion`), and the hint says to turn off token encryption
//! for the application in Entra.
