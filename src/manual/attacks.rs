//! # The attack classes
//!
//! Every SAML bypass from 2011 to 2026 came from one of three mistakes:
//! verifying one thing and reading another, trusting keys the message brings
//! along, or accepting a shape the signature profile should have refused. This
//! chapter lists each attack class, the CVE that made it famous, the invariant
//! that stops it here, and the outcome.
//!
//! The tests:
//!
//! - `tests/suite.rs` runs every case of `testdata/cases.json` (at least one per
//!   class below, Entra-shaped Client VPN responses signed twice and AWS console
//!   responses signed on the Assertion, signed with `xmlsec1` wherever the
//!   attack needs a signature that still verifies) through the library and
//!   through `samlguard verify`, each as its own named trial with its expected
//!   verdict and error kind.
//! - `tests/dsig_profile.rs` checks the signature profile rule by rule on
//!   xmlsec1-signed cases; `tests/dsig_mutations.rs` on mutations of a valid
//!   signature, each its own named trial with its expected kind.
//! - `tests/dsig_vectors.rs` and `tests/policy_vectors.rs` run the real-IdP and
//!   attack samples collected from other projects (`SAMLGUARD_VECTORS`).
//! - `tests/oracle.rs` compares every signature verdict with libxmlsec1 on the
//!   fixtures and on mutated copies: samlguard never accepts what it rejects.
//! - `tests/mutation_props.rs` and the `mutate` fuzz target check that any edit
//!   of a signed response is refused or changes nothing samlguard reports.
//! - `tests/encrypted.rs` (feature `xmlenc`) runs the encrypted responses of
//!   `testdata/xmlenc/` (encrypted by xmlsec1 and openssl) and every class 35
//!   attack on them through the library and `samlguard verify`, and checks
//!   that every refusal of the decryption window is the same;
//!   `tests/oracle_xmlenc.rs` checks that whatever samlguard decrypts and
//!   accepts, xmlsec1 decrypts to the same Assertion; the `xmlenc` fuzz
//!   target feeds the decrypted-Assertion stage any plaintext.
//!
//! | # | Attack | Made famous by | Stopped by | Outcome here |
//! |---|---|---|---|---|
//! | 1–2 | XSW1/2: signed Response cloned into or before its own Signature, forged copy outside | "On Breaking SAML" (2012) | [one assertion] (one Assertion, direct child), [unique IDs] (unique IDs), [signature profile] (Reference resolves to the Signature's own parent) | `assertion_count` |
//! | 3–6 | XSW3–6: forged Assertion beside, around or above the signed one | same; CVE-2016-5697 | [one assertion], [signature profile] | `assertion_count` |
//! | 7–8 | XSW7/8: forged copy with the same ID in Extensions or ds:Object | same | [unique IDs] | `duplicate_id` |
//! | 9 | Several assertions, one signed | CVE-2022-41912, CVE-2021-28091 | [one assertion] | `assertion_count` |
//! | 10 | Genuine signed Assertion hidden in Extensions / Advice / StatusDetail / SubjectConfirmationData | CVE-2020-5390 | [one assertion] (no Assertion anywhere but as the Response's child), [unique IDs] | `assertion_count`, `duplicate_id` |
//! | 11 | Signed error response plus a decoy Signature carrying an Assertion in ds:Object | OneUptime#2981 | [one assertion], [signature profile] (no ds:Object, no second Signature), Status check | `assertion_count`, `assertion_position` |
//! | 12 | Several root elements, trailing text or PI | CVE-2022-39299 | [strict XML] | `multiple_root_elements`, `text_outside_root`; a trailing PI or comment is harmless and accepted |
//! | 13 | Duplicate ID anywhere, including a foreign-namespace `ID` | CVE-2025-23369 family | [unique IDs] | `duplicate_id` |
//! | 14 | XPointer and odd Reference URIs (`#element(/1/3)`, `#xpointer(…)`, `#`, external, query) | samael test vectors | [signature profile] (`#` + the parent's own `ID`, matched exactly: NCName characters, even a leading digit, so no XPointer or other fragment syntax) | `reference_uri` |
//! | 15 | Signature referencing an ancestor or a non-parent element | samael `ancestor_attack` | [signature profile] | `reference_uri`, `assertion_not_signed` |
//! | 16 | Two References, or a Manifest reference | CVE-2024-45409 family | [signature profile] | `reference_count`, `forbidden_element` |
//! | 17 | Two or wrapped SignedInfo, duplicate SignatureValue / methods / DigestValue / KeyInfo | CVE-2019-3465, CVE-2020-15216, CVE-2025-29774 | [signature profile] (each child exactly once, in schema order) | `malformed_signature` |
//! | 18 | Decoy Signature/Reference in StatusDetail found by a global XPath | CVE-2024-45409 | [signature profile] (no Signature outside the Response's and the Assertion's own) | `unexpected_signature` |
//! | 19 | Comment inside DigestValue / SignatureValue / X509Certificate | CVE-2025-29775 | [signature profile] (crypto values are plain text) | `crypto_text` |
//! | 20 | Comment / CDATA / PI splitting a signed value | VU#475445, CVE-2017-11427…11430, CVE-2018-7340 | [whole text] (values are the whole text) | the full signed text, never the truncated one; edits of signed text: `digest_mismatch` |
//! | 21 | Editing the unsigned Response envelope (InResponseTo, Destination, Issuer, Status) of an assertion-only response | node-saml#433 | [one assertion] (envelope values count only when the Response is signed; refusal-only checks still apply) | accepted with the signed values, or refused (`destination_mismatch`, `issuer_mismatch`, `status_not_success`) |
//! | 22 | XPath / XSLT / Base64 transforms, missing enveloped transform, extra transforms | CVE-2009-0217 era; OpenSAML profile | [signature profile] (exactly enveloped then exc-c14n, or inclusive C14N 1.0 where the profile allows it) | `transforms` |
//! | 23 | Relative namespace URI making canonicalization fail into an empty digest | CVE-2025-66475 | [strict XML] and [canonicalization failure is fatal] | `relative_namespace_uri` |
//! | 24 | Canonicalization edge cases (PrefixList and `#default`, `xmlns=""`, inherited namespaces, `xml:*`, CRLF, `&#xD;`, `#WithComments` on a Reference) | php-saml#282, goxmldsig 436aac5 | byte-exact c14n (159 libxmlsec1 outputs: 125 exclusive, 34 inclusive; property tests against xmllint and libxml2's own C14N of subtrees) | valid signatures verify |
//! | 25 | ds:Object or Manifest inside the Signature | simplesamlphp E91 | [signature profile] | `forbidden_element` |
//! | 26 | KeyInfo carrying the attacker's certificate, KeyValue, KeyName, RetrievalMethod | CVE-2024-32962, CVE-2021-21239 | [pinned keys] (pinned keys only; KeyInfo orders attempts) | `unknown_signing_key`, `signature_invalid`; IdP-signed with junk KeyInfo: valid |
//! | 27 | HMAC with the certificate as key, ECDSA URI with an RSA key, unknown URIs, SHA-1 | xml-crypto 2020, GHSA-6vx8-pcwv-xhf4 | [pinned keys] (allow-list before any key, key type must match) | `unsupported_algorithm`, `algorithm_key_mismatch`, `sha1_not_allowed` |
//! | 28 | Metadata with no signing key, only encryption keys, tampered or unsigned when a signer is configured | CVE-2026-16443, samael fail-open | [fail closed] | `no_signing_key`, `metadata_signature`, `metadata_not_signed` (configuration errors) |
//! | 29 | Valid signature, wrong Issuer | — | Issuer equals the configured entity ID on the Assertion and the Response | `issuer_mismatch` |
//! | 30 | DOCTYPE/comment/CDATA parser differential | CVE-2025-25291 | [one parse] (one parser) and 2 (no DOCTYPE) | `doctype_not_allowed` |
//! | 31 | DTD-defaulted namespace, non-ASCII namespace names | CVE-2025-25292 | [strict XML] | `doctype_not_allowed`, `relative_namespace_uri` |
//! | 32 | Entity inside an ID | CVE-2025-23369 | [strict XML] | `doctype_not_allowed` |
//! | 33 | XXE, billion laughs, external DTD | ruby-saml `attackxee` | [strict XML] | `doctype_not_allowed`, `unknown_entity` |
//! | 34 | Encoding tricks: UTF-16, Latin-1 declarations, NUL, XML 1.1 | — | [strict XML] (UTF-8 only, XML 1.0 characters) | `encoding`, `invalid_character`, `not_xml`, `xml_declaration` |
//! | 35 | Encrypted assertion injection and decryption oracles: an EncryptedAssertion beside or inside a signed Assertion, an assertion anyone encrypted to the SP (unsigned, signed by another key, edited and re-encrypted, wrapped, behind a DOCTYPE), bit flips in the content or the wrapped key (CBC padding and GCM tag oracles), RSA PKCS#1 v1.5 key transport, key references to other documents | CVE-2026-2092; Jager & Somorovsky 2011 (CBC), Jager, Schinzel & Somorovsky 2012 (PKCS#1 v1.5) | [one assertion] (one Assertion or one EncryptedAssertion, direct child), [decryption is not an oracle] (the decrypted Assertion signed by the pinned IdP, one opaque refusal) | `encrypted_assertion` (Client VPN, builds without `xmlenc`), `assertion_count`, `assertion_position`, `decryption_key_not_configured`, `rsa_v15_key_transport`, `encrypted_key_reference`, `decryption_failed` |
//! | 36 | Semantic refusals: audience, time, recipient, bearer, InResponseTo, replay, status, version, duplicates | many | policy layer, [time is an argument] and [fail closed] | the specific kind each time |
//! | 37 | Denial of service: huge input, deep nesting, many namespaces, elements or signatures | CVE-2023-28119 family | `Limits`, `InputLimits` | `input_too_large`, `depth_limit`, `node_limit`, `namespace_limit`, … in bounded time |
//!
//! # One canonicalization pass for two signatures
//!
//! A Client VPN response is signed twice, and the Assertion's canonical bytes
//! are part of the Response's. `dsig` computes both digests in one walk
//! (`c14n::canonicalize_nested`, one walk feeding two sinks): the Response is canonicalized as usual, and the
//! Assertion digest is fed from the same bytes, paused over the Assertion's own
//! Signature. This is only sound when the Assertion's bytes inside the Response
//! equal its bytes canonicalized alone, which exclusive c14n guarantees except
//! for namespace declarations an ancestor already rendered. So every namespace
//! decision inside the Assertion is checked both ways; at the first one that
//! differs (or when the two References use different comment or PrefixList
//! settings) the shared digest is dropped and the Assertion is canonicalized
//! alone. A digest is therefore always the standalone one. Errors are reported
//! exactly as two separate verifications would (Assertion first).
//! `tests/c14n_props.rs` (with `--features fuzzing`, which makes the function
//! public) compares the shared form with two separate canonicalizations on
//! every outer/inner element pair of 256 generated namespace-heavy documents
//! (963 shared, 1,590 refused for a namespace difference; removing the check
//! makes it fail), unit tests in `src/c14n/nested.rs` check both outcomes on
//! every `cargo test`, and the `c14n` fuzz target checks the digests on every
//! input.
//!
//! # What samlguard deliberately does not do
//!
//! - Inclusive C14N 1.0 is implemented and accepted only where the profile
//!   allows it: the `generic` profile does; `clientvpn` and `aws-console`
//!   accept exclusive C14N only, which is what Entra ID signs with.
//! - Canonical XML 1.1 and XPath node-set transforms: refused, never
//!   approximated.
//! - Encrypted assertions: refused by Client VPN and by builds without the
//!   `xmlenc` feature; elsewhere decrypted only with configured SP keys and
//!   trusted only under the decrypted Assertion's own IdP signature.
//! - Certificate validity periods of pinned keys: not enforced; the metadata is
//!   the trust decision, and rotation happens by refreshing it.
//! - KeyInfo: never a source of keys.
//!
//! [one parse]: super::invariants#one-parse
//! [strict XML]: super::invariants#strict-xml
//! [unique IDs]: super::invariants#unique-ids
//! [signature profile]: super::invariants#signature-profile
//! [pinned keys]: super::invariants#pinned-keys
//! [canonicalization failure is fatal]: super::invariants#canonicalization-failure-is-fatal
//! [one assertion]: super::invariants#one-assertion
//! [whole text]: super::invariants#whole-text
//! [time is an argument]: super::invariants#time-is-an-argument
//! [fail closed]: super::invariants#fail-closed
//! [decryption is not an oracle]: super::invariants#decryption-is-not-an-oracle
//!
