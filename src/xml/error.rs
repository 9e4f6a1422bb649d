//! Why a document was refused, and where.

use std::fmt;

use crate::ErrorKind;

/// A line and column (both 1-based, column counted in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextPosition {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl fmt::Display for TextPosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Why a document was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum XmlErrorKind {
    /// The input is larger than [`Limits::max_input_bytes`](super::Limits::max_input_bytes).
    InputTooLarge,
    /// The input is not UTF-8 (or declares another encoding, or has a UTF-16 BOM).
    Encoding,
    /// A character that XML 1.0 does not allow.
    InvalidCharacter,
    /// A `<!DOCTYPE`: DTDs are never processed.
    DoctypeNotAllowed,
    /// An entity reference other than the five predefined ones.
    UnknownEntity,
    /// A malformed character reference or one naming a disallowed character.
    InvalidCharacterReference,
    /// The XML declaration is malformed, misplaced or not version 1.0.
    XmlDeclaration,
    /// No root element.
    NoRootElement,
    /// A second root element.
    MultipleRootElements,
    /// Non-whitespace text (or CDATA, or a reference) outside the root element.
    TextOutsideRoot,
    /// An element is not closed before the end of input.
    UnclosedElement,
    /// An end tag does not match its start tag, or has no start tag.
    MismatchedTag,
    /// Two attributes with the same expanded name on one element.
    DuplicateAttribute,
    /// A prefix with no namespace binding in scope.
    UnboundPrefix,
    /// `xmlns:p=""`: namespace 1.0 forbids undeclaring a prefix.
    EmptyPrefixBinding,
    /// A namespace name that is not an absolute URI (CVE-2025-66475).
    RelativeNamespaceUri,
    /// Binding or rebinding the reserved `xml` / `xmlns` prefixes or names.
    ReservedNamespace,
    /// `<` inside an attribute value.
    LessThanInAttribute,
    /// The sequence `]]>` in text content.
    CdataEndInText,
    /// A name (element, attribute, PI target) that is not a valid XML name.
    InvalidName,
    /// Malformed markup that fits none of the other kinds.
    Syntax(&'static str),
    /// More nesting than [`Limits::max_depth`](super::Limits::max_depth).
    DepthLimit,
    /// More nodes than [`Limits::max_nodes`](super::Limits::max_nodes).
    NodeLimit,
    /// More attributes on one element than [`Limits::max_attributes_per_element`](super::Limits::max_attributes_per_element).
    AttributeLimit,
    /// An attribute value longer than [`Limits::max_attribute_value_bytes`](super::Limits::max_attribute_value_bytes).
    AttributeValueLimit,
    /// More namespace declarations than [`Limits::max_namespace_declarations`](super::Limits::max_namespace_declarations).
    NamespaceLimit,
    /// Two attributes named `ID` with the same value.
    DuplicateId,
}

impl XmlErrorKind {
    /// Stable snake_case name of this kind: its [`ErrorKind`]'s.
    pub fn as_str(&self) -> &'static str {
        self.kind().as_str()
    }

    fn kind(&self) -> ErrorKind {
        match self {
            Self::InputTooLarge => ErrorKind::DocumentTooLarge,
            Self::Encoding => ErrorKind::Encoding,
            Self::InvalidCharacter => ErrorKind::InvalidCharacter,
            Self::DoctypeNotAllowed => ErrorKind::DoctypeNotAllowed,
            Self::UnknownEntity => ErrorKind::UnknownEntity,
            Self::InvalidCharacterReference => ErrorKind::InvalidCharacterReference,
            Self::XmlDeclaration => ErrorKind::XmlDeclaration,
            Self::NoRootElement => ErrorKind::NoRootElement,
            Self::MultipleRootElements => ErrorKind::MultipleRootElements,
            Self::TextOutsideRoot => ErrorKind::TextOutsideRoot,
            Self::UnclosedElement => ErrorKind::UnclosedElement,
            Self::MismatchedTag => ErrorKind::MismatchedTag,
            Self::DuplicateAttribute => ErrorKind::DuplicateXmlAttribute,
            Self::UnboundPrefix => ErrorKind::UnboundPrefix,
            Self::EmptyPrefixBinding => ErrorKind::EmptyPrefixBinding,
            Self::RelativeNamespaceUri => ErrorKind::RelativeNamespaceUri,
            Self::ReservedNamespace => ErrorKind::ReservedNamespace,
            Self::LessThanInAttribute => ErrorKind::LessThanInAttribute,
            Self::CdataEndInText => ErrorKind::CdataEndInText,
            Self::InvalidName => ErrorKind::InvalidName,
            Self::Syntax(_) => ErrorKind::XmlSyntax,
            Self::DepthLimit => ErrorKind::DepthLimit,
            Self::NodeLimit => ErrorKind::NodeLimit,
            Self::AttributeLimit => ErrorKind::AttributeLimit,
            Self::AttributeValueLimit => ErrorKind::AttributeValueLimit,
            Self::NamespaceLimit => ErrorKind::NamespaceLimit,
            Self::DuplicateId => ErrorKind::DuplicateId,
        }
    }

    fn describe(&self) -> &'static str {
        match self {
            Self::InputTooLarge => "input is larger than the configured limit",
            Self::Encoding => "input is not UTF-8",
            Self::InvalidCharacter => "character not allowed in XML 1.0",
            Self::DoctypeNotAllowed => "DOCTYPE declarations are not allowed",
            Self::UnknownEntity => "entity reference other than the five predefined ones",
            Self::InvalidCharacterReference => "invalid character reference",
            Self::XmlDeclaration => "invalid or misplaced XML declaration",
            Self::NoRootElement => "no root element",
            Self::MultipleRootElements => "more than one root element",
            Self::TextOutsideRoot => "text outside the root element",
            Self::UnclosedElement => "element not closed before end of input",
            Self::MismatchedTag => "end tag does not match start tag",
            Self::DuplicateAttribute => "duplicate attribute",
            Self::UnboundPrefix => "namespace prefix is not bound",
            Self::EmptyPrefixBinding => "a prefix cannot be bound to the empty namespace name",
            Self::RelativeNamespaceUri => "namespace name is not an absolute URI (without '&')",
            Self::ReservedNamespace => "reserved namespace prefix or name rebound",
            Self::LessThanInAttribute => "'<' in attribute value",
            Self::CdataEndInText => "']]>' in text content",
            Self::InvalidName => "invalid XML name",
            Self::Syntax(what) => what,
            Self::DepthLimit => "nesting depth limit exceeded",
            Self::NodeLimit => "node count limit exceeded",
            Self::AttributeLimit => "attribute count limit exceeded",
            Self::AttributeValueLimit => "attribute value length limit exceeded",
            Self::NamespaceLimit => "namespace declaration limit exceeded",
            Self::DuplicateId => "two attributes named ID have the same value",
        }
    }
}

/// A refused document: what was wrong and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} at {position}", kind.describe())]
pub struct XmlError {
    pub(super) kind: XmlErrorKind,
    pub(super) position: TextPosition,
}

impl XmlError {
    /// What was wrong.
    pub fn error_kind(&self) -> &XmlErrorKind {
        &self.kind
    }

    /// What was wrong, as a stable, matchable kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind.kind()
    }

    /// What was wrong, in words, without the position.
    pub fn message(&self) -> &'static str {
        self.kind.describe()
    }

    /// Where in the input (line:column).
    pub fn position(&self) -> TextPosition {
        self.position
    }
}

/// Line and column of byte `offset` of `input`.
pub(super) fn position_of(input: &str, offset: usize) -> TextPosition {
    let offset = offset.min(input.len());
    let mut cut = offset;
    while !input.is_char_boundary(cut) {
        cut -= 1;
    }
    let before = &input[..cut];
    // A line ends at LF, CRLF or a lone CR (XML 1.0 §2.11).
    let bytes = before.as_bytes();
    let lone_cr = |i: usize| bytes[i] == b'\r' && input.as_bytes().get(i + 1) != Some(&b'\n');
    let line = memchr::memchr_iter(b'\n', bytes).count()
        + memchr::memchr_iter(b'\r', bytes).filter(|&i| lone_cr(i)).count()
        + 1;
    let after_lf = memchr::memrchr(b'\n', bytes).map_or(0, |i| i + 1);
    let after_cr = memchr::memrchr_iter(b'\r', bytes).find(|&i| lone_cr(i)).map_or(0, |i| i + 1);
    let line_start = after_lf.max(after_cr);
    let column = before[line_start..].chars().count() + 1;
    TextPosition { line: saturate(line), column: saturate(column) }
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
