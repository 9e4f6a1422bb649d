//! The NameID IAM Identity Center signs users in with: an RFC 2822
//! addr-spec, in the form an Entra user principal name or mail address has.
//!
//! AWS: "The value of the nameID field in assertions must be an RFC 2822
//! addr-spec compliant ("name@domain.com") string". RFC 2822 §3.4.1:
//!
//! ```text
//! addr-spec  = local-part "@" domain
//! local-part = dot-atom / quoted-string / obs-local-part
//! domain     = dot-atom / domain-literal / obs-domain
//! dot-atom-text = 1*atext *("." 1*atext)
//! atext      = ALPHA / DIGIT / "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+"
//!            / "-" / "/" / "=" / "?" / "^" / "_" / "`" / "{" / "|" / "}" / "~"
//! ```
//!
//! Accepted: `dot-atom-text "@" domain-name`, where domain-name is a
//! dot-atom whose atoms are host-name labels (RFC 1123: letters, digits and
//! inner hyphens, 1 to 63 characters), at most 128 characters in all.
//! Refused, although RFC 2822 has them:
//!
//! - quoted-string local parts (`"john doe"@example.com`, `"a@b"@example.com`):
//!   Entra's user principal names and mail addresses cannot hold a `"`, and
//!   a quoted local part can hold `@`, spaces and backslash escapes, so one
//!   address gets several spellings and a reader splitting at `@` another
//!   user;
//! - domain literals (`alice@[192.0.2.1]`, `alice@[IPv6:2001:db8::1]`): they
//!   name a host, not a mail domain, and no Entra account has one;
//! - comments and folding white space around the parts, and the obsolete
//!   forms (`obs-local-part`, `obs-domain`): the same address spelled
//!   differently;
//! - `atext` other than letters, digits and hyphens in the domain
//!   (`alice@exa!mple.com` is a dot-atom but no DNS name);
//! - anything outside ASCII: RFC 2822 is ASCII (UTF-8 addresses are RFC
//!   6532's), an internationalized domain is written in its `xn--` form, and
//!   no invisible, bidi or look-alike character can make one user look like
//!   another.
//!
//! The 128-character limit is IAM Identity Center's user name limit (the
//! Identity Store's `UserName`, which the NameID must match): a longer NameID
//! can never sign anyone in.

use crate::profile::AddrSpecProblem;

/// The longest NameID: IAM Identity Center user names are at most 128
/// characters.
pub(super) const MAX_CHARS: usize = 128;

/// RFC 2822 atext.
fn is_atext(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b)
}

/// 1*atext *("." 1*atext) over `is_part_char`.
fn is_dot_atom(text: &str, is_part: impl Fn(&str) -> bool) -> bool {
    text.split('.').all(|part| !part.is_empty() && is_part(part))
}

/// A host-name label: 1 to 63 letters, digits and hyphens, not starting or
/// ending with a hyphen.
fn is_label(label: &str) -> bool {
    label.len() <= 63
        && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// Whether `value` is an addr-spec of the accepted form; the length limit is
/// the caller's.
pub(super) fn check(value: &str) -> Result<(), AddrSpecProblem> {
    if !value.is_ascii() {
        return Err(AddrSpecProblem::NonAscii);
    }
    if value.starts_with('"') {
        return Err(AddrSpecProblem::QuotedLocalPart);
    }
    let Some((local, domain)) = value.split_once('@') else { return Err(AddrSpecProblem::NoAt) };
    if !is_dot_atom(local, |atom| atom.bytes().all(is_atext)) {
        return Err(AddrSpecProblem::LocalPart);
    }
    if domain.starts_with('[') {
        return Err(AddrSpecProblem::DomainLiteral);
    }
    if !is_dot_atom(domain, is_label) {
        return Err(AddrSpecProblem::Domain);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use AddrSpecProblem as P;

    #[test]
    fn accepted_addresses() {
        for ok in [
            "alice@example.com",
            "alice.b+aws@example.co.uk",
            "a@b",
            "a.b.c@d-e.f",
            "ALICE@EXAMPLE.COM",
            "o'brien@example.com",
            "!#$%&'*+-/=?^_`{|}~@example.com",
            "user@xn--mnchen-3ya.de",
            "alice@contoso.onmicrosoft.com",
            "1@2.3",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn dots_in_the_local_part() {
        for bad in [".alice@example.com", "alice.@example.com", "al..ice@example.com", "@example.com"] {
            assert_eq!(check(bad), Err(P::LocalPart), "{bad}");
        }
    }

    #[test]
    fn no_second_at_and_no_specials() {
        assert_eq!(check("alice"), Err(P::NoAt));
        assert_eq!(check(""), Err(P::NoAt));
        for bad in ["alice@@example.com", "a@b@example.com", "alice@example.com@evil.com"] {
            assert_eq!(check(bad), Err(P::Domain), "{bad}");
        }
        for bad in
            ["al ice@example.com", "al(ice)@example.com", "a,b@example.com", "a\\b@example.com", "a<b>@x"]
        {
            assert_eq!(check(bad), Err(P::LocalPart), "{bad}");
        }
        // Folding white space or comments around the parts.
        assert_eq!(check(" alice@example.com"), Err(P::LocalPart));
        assert_eq!(check("alice@example.com "), Err(P::Domain));
        assert_eq!(check("alice@example.com(comment)"), Err(P::Domain));
        assert_eq!(check("alice\t@example.com"), Err(P::LocalPart));
    }

    #[test]
    fn quoted_local_parts_are_refused() {
        for bad in
            ["\"john doe\"@example.com", "\"a@b\"@example.com", "\"\"@example.com", "\"alice\"@example.com"]
        {
            assert_eq!(check(bad), Err(P::QuotedLocalPart), "{bad}");
        }
        // A quote inside a dot-atom is not atext either.
        assert_eq!(check("a\"b@example.com"), Err(P::LocalPart));
    }

    #[test]
    fn domains_are_host_names() {
        for bad in [
            "alice@",
            "alice@.example.com",
            "alice@example.com.",
            "alice@example..com",
            "alice@-example.com",
            "alice@example-.com",
            "alice@exa!mple.com",
            "alice@exa_mple.com",
            "alice@example.com/x",
        ] {
            assert_eq!(check(bad), Err(P::Domain), "{bad}");
        }
        let label63 = format!("a@{}.com", "b".repeat(63));
        assert_eq!(check(&label63), Ok(()));
        let label64 = format!("a@{}.com", "b".repeat(64));
        assert_eq!(check(&label64), Err(P::Domain));
    }

    #[test]
    fn ip_literals_are_refused() {
        for bad in ["alice@[192.0.2.1]", "alice@[IPv6:2001:db8::1]", "alice@[]"] {
            assert_eq!(check(bad), Err(P::DomainLiteral), "{bad}");
        }
        // A dotted quad without brackets is a (numeric) host name.
        assert_eq!(check("alice@192.0.2.1"), Ok(()));
    }

    #[test]
    fn non_ascii_and_invisible_characters_are_refused() {
        for bad in [
            "alice@münchen.de",
            "jörg@example.com",
            "alice@exаmple.com", // Cyrillic а
            "alice\u{200b}@example.com",
            "alice@example.com\u{202e}",
            "alice\u{a0}@example.com",
            "alice\u{feff}@example.com",
            "\u{e0041}alice@example.com",
        ] {
            assert_eq!(check(bad), Err(P::NonAscii), "{bad:?}");
        }
        for bad in ["alice\u{7}@example.com", "alice\u{0}@example.com", "alice@exam\u{7f}ple.com"] {
            assert!(check(bad).is_err(), "{bad:?}");
        }
    }
}
