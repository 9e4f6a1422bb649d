//! # The security invariants
//!
//! samlguard accepts a response only when every one of these holds. Each
//! has a test that fails when the check behind it is removed; the tests are
//! named after what they prove.
//!
//! # One parse
//!
//! The response bytes are parsed once, by one parser; canonicalization,
//! signature checks and value extraction all read that one immutable tree
//! ([`xml::Document`](crate::xml::Document)). Two parsers that disagree (a
//! DOCTYPE read one way by the verifier and another by the reader, a comment
//! or CDATA boundary seen differently) are how CVE-2025-25291 and its family
//! signed one thing and reported another. A decrypted Assertion is parsed
//! once, as its own document, with the same limits, and read only under its
//! own verified signature.
//!
//! # Strict XML
//!
//! No DOCTYPE (no DTD, no entities beyond the five predefined and character
//! references), UTF-8 only, one root with only comments, processing
//! instructions and whitespace around it, and limits on bytes, depth, nodes,
//! attributes, namespace declarations and attribute length
//! ([`xml::Limits`](crate::xml::Limits)); any limit hit is a typed error.
//! Namespace names must be absolute URIs, as libxml2's URI parser reads them:
//! a relative or unparsable one is how libxml2-based verifiers hashed an empty
//! canonical form (CVE-2025-66475). XML 1.0's own rules apply in full where
//! they are not refused: line ends are normalized everywhere (text, attribute
//! values, comments, processing instructions), character references may have
//! any number of leading zeros. `docs/conformance.md` lists every rule
//! stricter than libxml2 and libxmlsec1.
//!
//! # Unique IDs
//!
//! Every attribute named `ID` is unique in the document; a duplicate is a
//! refusal, never "pick the first". Signature wrapping attacks that plant a
//! forged copy with the signed element's ID (XSW7, XSW8, CVE-2025-23369) end
//! here.
//!
//! # Signature profile
//!
//! A `ds:Signature` counts only as the immediate child of the element it
//! signs, with exactly one Reference whose URI is `#` + that element's `ID`
//! (XPointer and other fragment syntaxes refused). The transforms are exactly
//! enveloped-signature then exclusive c14n (inclusive C14N 1.0 too where the
//! profile allows it, for SignedInfo as well: the generic profile; never
//! C14N 1.1), and the digest never covers comments, as `#ID` selects the
//! element without them; there is no `ds:Object`,
//! Manifest or RetrievalMethod; each child appears once, in schema order;
//! DigestValue, SignatureValue and X509Certificate are plain base64 text (a
//! comment inside DigestValue was CVE-2025-29775). Any other `ds:Signature`
//! anywhere in the response is a refusal (a decoy in StatusDetail was
//! CVE-2024-45409). See [`dsig`](crate::dsig).
//!
//! # Pinned keys
//!
//! Keys come only from configuration ([`IdpTrust`](crate::IdpTrust)): IdP
//! metadata (`use="signing"` or no `use`) or PEM certificates. KeyInfo only
//! orders the attempts; a certificate it carries is never trusted
//! (CVE-2024-32962). The algorithm is checked against the allow-list before
//! any key is used and must match the key type; HMAC is never accepted (the
//! public certificate as an HMAC key, xml-crypto 2020); SHA-1 only when
//! explicitly allowed; RSA keys under 2048 bits only for SHA-1 under that
//! opt-in. Pinned certificates' validity periods are not enforced: the
//! metadata is the trust decision, and rotation happens by refreshing it
//! ([`Policy::set_trust`](crate::Policy::set_trust)).
//!
//! # Canonicalization failure is fatal
//!
//! There is no empty canonical form standing in for a failure; a node that
//! cannot be canonicalized refuses the signature.
//!
//! # One assertion
//!
//! Exactly one Assertion, a direct child of the Response; none anywhere else
//! (hidden in Extensions, Advice, StatusDetail or SubjectConfirmationData:
//! CVE-2020-5390). Values are read only from the verified Assertion, and the
//! Response envelope (Destination, InResponseTo, Issuer) is reported only
//! when the Response signature verified; refusal-only checks on the envelope
//! apply either way (node-saml#433).
//!
//! # Proofs bound to their document
//!
//! A [`VerifiedSignature`](crate::dsig::VerifiedSignature) holds the
//! document it was verified in, and the readers of signed values read
//! through the proof: a genuine response's proof cannot read forged values
//! out of a tampered copy, and a proof cannot outlive its document. The
//! readers are private; only [`Policy`](crate::Policy) turns proofs into a
//! [`Verified`](crate::Verified) login.
//!
//! ```compile_fail
//! // The low-level readers of signed values are not part of the API.
//! use samlguard::saml::read_assertion;
//! ```
//!
//! # Whole text
//!
//! A value is the concatenation of all its text and CDATA:
//! `user@corp.com<!---->.evil.com` reads `user@corp.com.evil.com`, never the
//! truncated `user@corp.com` (VU#475445, CVE-2017-11427 to -11430); an
//! element inside a value is a refusal. Reported identities (Client VPN
//! NameIDs and groups) carry no invisible, bidi-override or control
//! characters, so that one cannot look like another.
//!
//! # Time is an argument
//!
//! The library never reads the clock: the validation time comes in the
//! [`Context`](crate::Context), with an explicit skew (60 s by default).
//! Intervals are half-open: at `NotOnOrAfter` itself the assertion has
//! expired.
//!
//! # Fail closed
//!
//! Metadata without a signing key is a configuration error, never "skip the
//! check" (CVE-2026-16443, samael's fail-open); unknown conditions are
//! refused; a full or unreachable replay store refuses the response rather
//! than forget an ID; a Client VPN login without an expected request ID is
//! refused unless the caller explicitly accepts unsolicited responses
//! ([`Context::accepting_unsolicited`](crate::Context::accepting_unsolicited)).
//!
//! # Decryption is not an oracle
//!
//! Only the AWS console and generic profiles accept an EncryptedAssertion,
//! only with the SP's private keys configured (feature `xmlenc`); Client VPN
//! refuses it anywhere (`encrypted_assertion`), and so does every profile in
//! a build without the feature. Where it is accepted:
//!
//! - it takes the place of the Assertion: exactly one Assertion *or* one
//!   EncryptedAssertion, a direct child of the Response ([one
//!   assertion](#one-assertion));
//! - the Response signature, when the profile requires it or the response
//!   has one, is verified first: it covers the ciphertext, so a tampered
//!   ciphertext is refused before any private key is used;
//! - RSA PKCS#1 v1.5 key transport (Bleichenbacher's padding) is refused
//!   before any key is used, like every algorithm outside the allow-list and
//!   every reference to a key outside the EncryptedAssertion;
//! - the content key is unwrapped with every configured SP key, whichever
//!   unwraps it, so the number of private-key operations does not say which
//!   key (if any) worked;
//! - the plaintext is parsed once, as a document of its own, with the
//!   policy's limits and the namespace bindings in scope at the
//!   EncryptedAssertion ([`xml::parse_with_scope`](crate::xml::parse_with_scope));
//!   it must be exactly one `saml:Assertion`, the root, holding no other
//!   Assertion, EncryptedAssertion or Signature than its own, with no `ID`
//!   the Response also has;
//! - that Assertion must carry its own valid signature from the pinned IdP,
//!   whatever the profile requires of plaintext Assertions: anyone can
//!   encrypt to the SP's public certificate, so decrypting proves nothing.
//!   It is verified in the decrypted document, and the Assertion is read
//!   through that proof ([proofs bound to their document](#proofs-bound-to-their-document)).
//!
//! Every failure from the key unwrap to that signature — an RSA-OAEP unwrap
//! that fails with every key, an unwrapped key of the wrong length, bad CBC
//! padding, a GCM tag that does not match, plaintext that is not XML or has
//! a DOCTYPE, not exactly one Assertion, an inner signature missing, invalid,
//! over other bytes or by another key — is **one** refusal:
//! [`ErrorKind::DecryptionFailed`](crate::ErrorKind::DecryptionFailed)
//! (`decryption_failed`), the message `decryption failed`, one hint, no
//! detail and no [`source`](std::error::Error::source). The refusals before
//! it depend only on what anyone can read in the response and keep their
//! own kinds; the checks after it read IdP-signed values and keep theirs.
//!
//! Why `decryption_failed` and not the kind of a bad signature: the window
//! must be one kind whatever failed, so a signature kind would have to
//! stand for padding and key failures too, and the operator would be sent
//! to the IdP's metadata when the usual cause of a failed decryption is the
//! SP key (a rotation, or another certificate uploaded to Entra). A kind of
//! its own says what is known — the encrypted assertion did not yield one
//! Assertion signed by the IdP — and its hint names every cause at once.
//! The kind itself tells an attacker nothing new: whether a response
//! reaches the decryption window is decided by its public structure alone.
//!
//! What still takes different times (the refusal is the same; the clock
//! may not be):
//!
//! - the structural refusals before any private key is used (public input);
//! - inside the `rsa` crate, its `Result` after the constant-time decoding
//!   and the allocation of the unwrapped key; lengths (a ciphertext that is
//!   too short or not whole blocks fails at once), and CBC against GCM (the
//!   algorithm is public);
//! - after a valid CBC padding or GCM tag, the XML parser and the signature
//!   check run on the plaintext: a plaintext that is not XML is refused
//!   sooner than a well-formed Assertion whose signature fails. With AES-CBC
//!   an attacker can change plaintext blocks without breaking the padding,
//!   so this difference is the one a timing attack in the style of Jager
//!   and Somorovsky would measure. It disappears when the Response is
//!   signed (Entra: "Sign SAML response and assertion"), since a changed
//!   ciphertext then fails that signature before decryption, or with
//!   AES-GCM only (`DecryptionOptions::gcm_only`),
//!   since a changed ciphertext then fails the tag. Entra encrypts with
//!   AES-256-CBC: sign the Response too.
//!
//! # Authorization reads only verified groups
//!
//! Client VPN authorization rules are evaluated on a
//! [`Verified`](crate::Verified) Client VPN login, never on raw attributes:
//! a refused login cannot reach the evaluator.
