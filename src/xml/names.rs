//! XML names and QNames, namespace names (absolute URIs) and the predefined
//! entity and character references.

use super::error::XmlErrorKind;

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

fn is_name_start_char(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

fn is_name_char(c: char) -> bool {
    is_name_start_char(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Classes of ASCII bytes in names: 0 not a name character, 1 a name
/// character, 2 also a name start character.
const ASCII_NAME_CLASS: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphabetic() || c == b'_' {
            2
        } else if c.is_ascii_digit() || c == b'-' || c == b'.' {
            1
        } else {
            0
        };
        b += 1;
    }
    table
};

/// An XML name without colons.
pub fn is_ncname(s: &str) -> bool {
    s.chars().next().is_some_and(is_name_start_char) && is_ncname_chars(s)
}

/// A non-empty run of NCName characters, where the first may also be a
/// digit, `-` or `.` (an NCName once a name-start character is put in front).
pub(crate) fn is_ncname_chars(s: &str) -> bool {
    // ASCII fast path: nearly every name in SAML is plain ASCII.
    let bytes = s.as_bytes();
    if bytes.is_ascii() {
        return !bytes.is_empty() && bytes.iter().all(|&b| ASCII_NAME_CLASS[usize::from(b)] != 0);
    }
    !s.is_empty() && s.chars().all(is_name_char)
}

/// Position of the first XML whitespace byte.
pub(super) fn find_whitespace(s: &str) -> Option<usize> {
    s.bytes().position(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// Splits a QName into (prefix, local); `None` when it is not `NCName` or `NCName:NCName`.
pub(super) fn split_qname(name: &str) -> Option<(&str, &str)> {
    // ASCII fast path in one pass (element and attribute names of every tag).
    let mut colon = None;
    let mut at_start = true;
    for (i, &b) in name.as_bytes().iter().enumerate() {
        if b >= 0x80 {
            return split_qname_unicode(name);
        }
        if b == b':' {
            if at_start || colon.is_some() {
                return None;
            }
            colon = Some(i);
            at_start = true;
            continue;
        }
        let class = ASCII_NAME_CLASS[usize::from(b)];
        if class == 0 || (at_start && class != 2) {
            return None;
        }
        at_start = false;
    }
    if at_start {
        return None;
    }
    match colon {
        None => Some(("", name)),
        Some(i) => Some((&name[..i], &name[i + 1..])),
    }
}

fn split_qname_unicode(name: &str) -> Option<(&str, &str)> {
    match name.split_once(':') {
        None => is_ncname(name).then_some(("", name)),
        Some((prefix, local)) => (is_ncname(prefix) && is_ncname(local)).then_some((prefix, local)),
    }
}

/// A namespace name libxml2's canonicalizer accepts, checked more strictly
/// than it does: a scheme, then only characters an RFC 3986 URI may contain,
/// with every `%` starting a `%XX` escape, no `[` or `]` (IP literals), at
/// most one `#`, and an authority (`//…`) of `[user@]host[:port]`. libxml2 refuses a relative or unparsable namespace name in
/// every canonicalization of the document (CVE-2025-66475 was a verifier
/// hashing the empty output that followed), so libxmlsec1 verifies no
/// signature in a document that declares one: samlguard refuses it at parse
/// time rather than produce a canonical form nobody else can reproduce. `&`
/// is refused too: libxml2 writes it unescaped in canonical namespace
/// declarations where the C14N recommendation escapes it, so the two would
/// disagree.
pub(crate) fn is_absolute_uri(uri: &str) -> bool {
    /// Unreserved characters, sub-delimiters (`&` left out, see above),
    /// `:/?@`, and `%` and `#`, which get a second look.
    const URI_BYTE: [bool; 256] = {
        let mut table = [false; 256];
        let punctuation = b"-._~!$'()*+,;=:/?@%#";
        let mut i = 0;
        while i < punctuation.len() {
            table[punctuation[i] as usize] = true;
            i += 1;
        }
        let mut b = 0;
        while b < 128 {
            if (b as u8).is_ascii_alphanumeric() {
                table[b] = true;
            }
            b += 1;
        }
        table
    };
    let Some((scheme, rest)) = uri.split_once(':') else {
        return false;
    };
    let mut sc = scheme.bytes();
    if !(sc.next().is_some_and(|c| c.is_ascii_alphabetic())
        && sc.all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')))
    {
        return false;
    }
    let bytes = rest.as_bytes();
    if !bytes.iter().all(|&b| URI_BYTE[usize::from(b)]) {
        return false;
    }
    // Every `%` starts a `%XX` escape; one `#` at most.
    if let Some(first) = memchr::memchr2(b'%', b'#', bytes) {
        let tail = &bytes[first..];
        let mut hashes = 0;
        for (i, &b) in tail.iter().enumerate() {
            let ok = match b {
                b'%' => tail.get(i + 1..i + 3).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)),
                b'#' => {
                    hashes += 1;
                    hashes == 1
                }
                _ => true,
            };
            if !ok {
                return false;
            }
        }
    }
    // An authority, when there is one: [userinfo `@`] host [`:` port].
    let Some(after) = rest.strip_prefix("//") else {
        return true;
    };
    let after = after.as_bytes();
    let authority =
        &after[..after.iter().position(|&b| matches!(b, b'/' | b'?' | b'#')).unwrap_or(after.len())];
    let host_port = memchr::memchr(b'@', authority).map_or(authority, |at| &authority[at + 1..]);
    let port = memchr::memchr(b':', host_port).map_or(&b"0"[..], |at| &host_port[at + 1..]);
    !host_port.contains(&b'@') && !port.is_empty() && port.iter().all(u8::is_ascii_digit)
}

/// Resolves the reference body between `&` and `;`.
pub(super) fn resolve_reference(name: &str) -> Result<char, XmlErrorKind> {
    match name {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        _ => {
            let Some(number) = name.strip_prefix('#') else {
                return Err(XmlErrorKind::UnknownEntity);
            };
            let (digits, radix) = match number.strip_prefix('x') {
                Some(hex) => (hex, 16),
                None => (number, 10),
            };
            if digits.is_empty() || !digits.bytes().all(|b| char::from(b).is_digit(radix)) {
                return Err(XmlErrorKind::InvalidCharacterReference);
            }
            // Any number of leading zeros (`&#x000000041;` is `A`); what is
            // left must name a character, which takes at most 7 digits.
            let significant = digits.trim_start_matches('0');
            if significant.len() > 7 {
                return Err(XmlErrorKind::InvalidCharacterReference);
            }
            u32::from_str_radix(if significant.is_empty() { "0" } else { significant }, radix)
                .ok()
                .and_then(char::from_u32)
                .filter(|&c| is_xml_char(c))
                .ok_or(XmlErrorKind::InvalidCharacterReference)
        }
    }
}

/// Equality of two short names without a call into `memcmp` (names and
/// prefixes are compared for every element; they are a few bytes long).
#[inline]
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ncname_chars_allow_a_leading_digit_and_nothing_outside_name_characters() {
        for id in ["0f3a-uuid", "_a8f3", "-x", ".5", "é9", "a\u{B7}b"] {
            assert!(is_ncname_chars(id), "{id:?}");
            assert!(is_ncname(&format!("_{id}")), "{id:?}");
        }
        for id in ["", "xpointer(/)", "element(/1)", "a:b", "a b", "a#b", "\u{B7}\u{2028}"] {
            assert!(!is_ncname_chars(id), "{id:?}");
        }
    }
}
