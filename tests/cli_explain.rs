//! `samlguard explain KIND`: the manual's section for every kind (exit 0),
//! the closest kinds for an unknown one (exit 2).
#![cfg(feature = "cli")]

mod common;

use common::{samlguard, stderr};
use samlguard::ErrorKind;

#[test]
fn every_kind_is_explained() {
    for kind in ErrorKind::ALL {
        let out = samlguard(&["explain", kind.as_str()], None);
        assert_eq!(out.status.code(), Some(0), "{kind}: {}", stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.starts_with(&format!("{kind}\n\nMeans\n  ")), "{text}");
        assert!(text.contains("\n\nCauses\n  ") && text.contains("\n\nCheck\n  "), "{text}");
        assert!(!text.contains("**") && !text.contains('`'), "{text}");
        assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    }
}

#[test]
fn digest_mismatch_is_explained_by_meaning_causes_and_checks() {
    let out = samlguard(&["explain", "digest_mismatch"], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "digest_mismatch\n\n\
         Means\n  the canonical form of the signed element does not hash to the DigestValue the\n  IdP signed.\n\n\
         Causes\n  the element was changed after signing: an edited value, whitespace, line\n  \
         endings or encoding rewritten by a proxy, a copy and paste, a pretty-printer.\n\n\
         Check\n  send the response byte for byte. samlguard verify prints the samlguard c14n\n  \
         command that shows the bytes that were hashed; compare them with a response\n  that verifies.\n"
    );
}

#[test]
fn any_spelling_of_a_kind_is_explained() {
    for spelling in ["UnknownSigningKey", "unknown-signing-key", " unknown_signing_key "] {
        let out = samlguard(&["explain", spelling], None);
        assert_eq!(out.status.code(), Some(0), "{spelling}");
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("unknown_signing_key\n"));
    }
}

#[test]
fn an_unknown_kind_suggests_the_closest() {
    let out = samlguard(&["explain", "digest_missmatch"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.starts_with(
            "error: usage_error: digest_missmatch is not a samlguard refusal kind; closest: digest_mismatch, "
        ),
        "{err}"
    );
    let out = samlguard(&["explain", "audience"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("closest: audience_mismatch, "), "{}", stderr(&out));
    let out = samlguard(&["explain", "--format", "json", "nope"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = samlguard(&["explain"], None);
    assert_eq!(out.status.code(), Some(2));
}
