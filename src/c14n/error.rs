//! Why a canonical form could not be produced.

use crate::ErrorKind;

/// Why a canonical form could not be produced. There is never an "empty"
/// canonical form standing in for a failure (CVE-2025-66475).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum C14nError {
    /// The node to canonicalize is not an element (nor the document).
    #[error("the node to canonicalize is not an element")]
    NotAnElement,
    /// The node to omit is not an element inside the canonicalized subtree.
    #[error("the node to omit is not an element inside the canonicalized subtree")]
    OmitOutsideSubtree,
    /// A PrefixList entry is neither an NCName nor `#default`.
    #[error("invalid InclusiveNamespaces prefix {0:?}")]
    InvalidPrefix(String),
    /// A namespace name that is not absolute (the parser refuses these too).
    #[error("relative namespace URI {0:?} cannot be canonicalized")]
    RelativeNamespace(String),
}

impl C14nError {
    /// What was wrong, as a stable, matchable kind.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::NotAnElement => ErrorKind::C14nNotAnElement,
            Self::OmitOutsideSubtree => ErrorKind::C14nOmitOutsideSubtree,
            Self::InvalidPrefix(_) => ErrorKind::C14nInvalidPrefix,
            Self::RelativeNamespace(_) => ErrorKind::C14nRelativeNamespace,
        }
    }
}
