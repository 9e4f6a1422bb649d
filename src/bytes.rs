//! Byte scans written so that the compiler vectorizes them. A leaf module:
//! the parser, the canonicalizer and the signature stage use it, it uses
//! nothing of ours.

/// Whether any byte satisfies `test`, in 32-byte blocks the compiler
/// vectorizes (a short-circuiting search costs more on the short runs of a
/// SAML document).
#[inline]
pub(crate) fn any_byte(bytes: &[u8], test: impl Fn(u8) -> bool) -> bool {
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        if block_has(block, &test) {
            return true;
        }
    }
    blocks.remainder().iter().any(|&b| test(b))
}

/// Whether any byte of `block` satisfies `test`, without branching per byte.
/// The accumulator is a `u8`: LLVM vectorizes this form and not the `bool` one.
#[inline]
pub(crate) fn block_has(block: &[u8], test: impl Fn(u8) -> bool) -> bool {
    block.iter().fold(0u8, |acc, &b| acc | u8::from(test(b))) != 0
}
