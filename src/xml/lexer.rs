//! Where each piece of the input ends: the input is checked once for UTF-8
//! and XML characters, then `memchr` finds the next `<` or `&`, quick-xml's
//! quote-aware element parser finds where a tag ends, and comments, CDATA
//! sections and processing instructions end at their exact terminators.
//! What the pieces mean is decided in the parser.

use quick_xml::parser::{ElementParser, Parser as _};

use super::document::NodeKind;
use super::error::{TextPosition, XmlError, XmlErrorKind, position_of};
use super::parser::Parser;
use crate::bytes::block_has;

/// Strips a UTF-8 BOM, requires UTF-8 and XML 1.0 characters.
pub(super) fn decode(input: &[u8]) -> Result<&str, XmlError> {
    let start = TextPosition { line: 1, column: 1 };
    if input.starts_with(&[0xFE, 0xFF]) || input.starts_with(&[0xFF, 0xFE]) {
        return Err(XmlError { kind: XmlErrorKind::Encoding, position: start });
    }
    let body = input.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(input);
    let text = match std::str::from_utf8(body) {
        Ok(text) => text,
        Err(e) => {
            let valid = std::str::from_utf8(&body[..e.valid_up_to()]).unwrap_or("");
            return Err(XmlError { kind: XmlErrorKind::Encoding, position: position_of(valid, valid.len()) });
        }
    };
    // XML 1.0 Char: no C0 controls but TAB/LF/CR, no U+FFFE/U+FFFF (surrogates
    // cannot occur in a Rust str). Blocks without a suspect byte are skipped
    // with a branch-free test the compiler vectorizes.
    let bytes = text.as_bytes();
    let suspect = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) | (b == 0xEF);
    let mut block_start = 0;
    for block in bytes.chunks(64) {
        if block_has(block, suspect) {
            for (j, &b) in block.iter().enumerate() {
                let i = block_start + j;
                let bad = match b {
                    0xEF => bytes.get(i + 1..i + 3).is_some_and(|t| t == [0xBF, 0xBE] || t == [0xBF, 0xBF]),
                    _ => suspect(b),
                };
                if bad {
                    return Err(XmlError {
                        kind: XmlErrorKind::InvalidCharacter,
                        position: position_of(text, i),
                    });
                }
            }
        }
        block_start += block.len();
    }
    Ok(text)
}

impl<'a> Parser<'a, '_> {
    /// A reference at `pos` (on `&`): up to the first `;`, which must come
    /// before any `&` or `<`. Returns where the input continues.
    pub(super) fn reference_at(&mut self, pos: usize) -> Result<usize, XmlError> {
        let bytes = self.input.as_bytes();
        match memchr::memchr3(b';', b'&', b'<', &bytes[pos + 1..]) {
            Some(i) if bytes[pos + 1 + i] == b';' => {
                let end = pos + i + 2;
                self.reference(&self.input[pos..end], pos)?;
                Ok(end)
            }
            _ => Err(self.error(XmlErrorKind::Syntax("'&' without a reference"), pos)),
        }
    }

    /// The markup at `pos` (on `<`), delimited as quick-xml's parsers delimit
    /// it. Returns where the input continues.
    pub(super) fn markup_at(&mut self, pos: usize) -> Result<usize, XmlError> {
        let input = self.input;
        let bytes = &input.as_bytes()[pos..];
        let malformed = || self.error(XmlErrorKind::Syntax("malformed markup"), pos);
        match bytes.get(1) {
            Some(b'!') => {
                if bytes.starts_with(b"<!--") {
                    let Some(close) = memchr::memmem::find(&bytes[4..], b"-->") else {
                        return Err(malformed());
                    };
                    let end = pos + 4 + close + 3;
                    self.comment(&input[pos..end], pos)?;
                    Ok(end)
                } else if bytes.starts_with(b"<![CDATA[") {
                    let Some(close) = memchr::memmem::find(&bytes[9..], b"]]>") else {
                        return Err(malformed());
                    };
                    let end = pos + 9 + close + 3;
                    self.cdata(&input[pos..end], pos)?;
                    Ok(end)
                } else if bytes.len() >= 9 && bytes[..9].eq_ignore_ascii_case(b"<!DOCTYPE") {
                    Err(self.error(XmlErrorKind::DoctypeNotAllowed, pos))
                } else {
                    Err(malformed())
                }
            }
            Some(b'/') => {
                let Some(close) = memchr::memchr(b'>', bytes) else { return Err(malformed()) };
                // Whitespace may follow the name; nothing else may.
                let name = input[pos + 2..pos + close].trim_end_matches([' ', '\t', '\n', '\r']);
                let expected =
                    self.open.last().and_then(|&(index, _)| match &self.nodes[index as usize].kind {
                        NodeKind::Element(e) => Some(&input[e.name_range()]),
                        _ => None,
                    });
                if expected != Some(name) {
                    return Err(self.error(XmlErrorKind::MismatchedTag, pos));
                }
                self.end_tag(pos)?;
                Ok(pos + close + 1)
            }
            Some(b'?') => {
                // The first `>` preceded by `?` ends it (`<?>` is too short).
                let close = memchr::memchr_iter(b'>', bytes).find(|&i| i > 0 && bytes[i - 1] == b'?');
                let Some(close) = close.filter(|&i| i + 1 > 3) else { return Err(malformed()) };
                let raw = &input[pos..pos + close + 1];
                let content = &bytes[2..close - 1];
                if content.starts_with(b"xml")
                    && content.get(3).is_none_or(|&b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                {
                    self.declaration(raw, pos)?;
                } else {
                    self.processing_instruction(raw, pos)?;
                }
                Ok(pos + close + 1)
            }
            Some(_) => {
                let Some(close) = ElementParser::Outside.feed(bytes) else { return Err(malformed()) };
                let raw = &input[pos..pos + close + 1];
                self.start_tag(raw, pos, raw.ends_with("/>"))?;
                Ok(pos + close + 1)
            }
            None => Err(malformed()),
        }
    }

    /// Scans `name="value"` pairs of a start tag (or XML declaration) body.
    /// `base` is the byte offset of `body` in the input. Values are raw.
    pub(super) fn scan_attributes(
        &self,
        body: &'a str,
        base: usize,
        out: &mut Vec<(&'a str, &'a str, usize)>,
    ) -> Result<(), XmlError> {
        let bytes = body.as_bytes();
        let mut i = 0;
        loop {
            let ws_start = i;
            while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
            }
            if i == bytes.len() {
                return Ok(());
            }
            if i == ws_start {
                return Err(
                    self.error(XmlErrorKind::Syntax("attributes must be separated by whitespace"), base + i)
                );
            }
            let name_start = i;
            while i < bytes.len() && !matches!(bytes[i], b'=' | b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
            }
            let name = &body[name_start..i];
            while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
            }
            if bytes.get(i) != Some(&b'=') {
                return Err(self.error(XmlErrorKind::Syntax("attribute without a value"), base + name_start));
            }
            i += 1;
            while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
            }
            let Some(&quote @ (b'"' | b'\'')) = bytes.get(i) else {
                return Err(self.error(XmlErrorKind::Syntax("attribute value must be quoted"), base + i));
            };
            let value_start = i + 1;
            let Some(len) = bytes[value_start..].iter().position(|&b| b == quote) else {
                return Err(self.error(XmlErrorKind::Syntax("unterminated attribute value"), base + i));
            };
            let value = &body[value_start..value_start + len];
            if value.len() > self.limits.max_attribute_value_bytes {
                return Err(self.error(XmlErrorKind::AttributeValueLimit, base + value_start));
            }
            out.push((name, value, base + name_start));
            if out.len() > self.limits.max_attributes_per_element {
                return Err(self.error(XmlErrorKind::AttributeLimit, base + name_start));
            }
            i = value_start + len + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::xml::parse;

    #[test]
    fn bom_and_declaration_accepted() {
        let doc = parse(b"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<a/>").unwrap();
        assert_eq!(doc.element(doc.root()).unwrap().local_name(), "a");
        assert_eq!(parse(b"\xFF\xFE<\x00a\x00/\x00>\x00").unwrap_err().kind(), "encoding");
    }
}
