//! Branch-free helpers for the decryption path: a success is a mask byte,
//! `0xff` or `0`, combined with `&`, and data is selected with masks instead
//! of `if`. `black_box` keeps the optimizer from turning the masks back into
//! branches.

use std::hint::black_box;

/// `0xff` for true, `0` for false.
pub(super) fn mask(flag: bool) -> u8 {
    black_box(u8::from(flag).wrapping_neg())
}

/// Copies `src` over `dst` where `mask` is `0xff`, leaves `dst` as it is where
/// `mask` is `0`; touches every byte of `dst` either way (a `src` shorter than
/// `dst` reads as zeros; lengths are public).
pub(super) fn select(mask: u8, dst: &mut [u8], src: &[u8]) {
    let mask = black_box(mask);
    for (i, d) in dst.iter_mut().enumerate() {
        let s = src.get(i).copied().unwrap_or(0);
        *d ^= mask & (*d ^ s);
    }
}

/// XML Encryption block padding, read from the last plaintext byte: the
/// number of bytes to remove and a validity mask. Valid when the byte is 1 to
/// 16; an invalid byte removes nothing.
pub(super) fn xmlenc_padding(last: u8) -> (usize, u8) {
    let x = u32::from(last);
    // x >= 1: x - 1 does not wrap; x <= 16: 16 - x does not wrap.
    let at_least_one = ((x.wrapping_sub(1) >> 31) ^ 1) & 1;
    let at_most_16 = ((16u32.wrapping_sub(x) >> 31) ^ 1) & 1;
    let valid = black_box(at_least_one & at_most_16) as u8;
    let mask = valid.wrapping_neg();
    (usize::from(last & mask), mask)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_byte_is_valid_from_1_to_16_only() {
        for last in 0..=255u8 {
            let (pad, mask) = xmlenc_padding(last);
            if (1..=16).contains(&last) {
                assert_eq!((pad, mask), (usize::from(last), 0xff));
            } else {
                assert_eq!((pad, mask), (0, 0));
            }
        }
    }

    #[test]
    fn select_copies_only_under_a_full_mask() {
        let mut dst = [1u8, 2, 3];
        select(0, &mut dst, &[9, 9, 9]);
        assert_eq!(dst, [1, 2, 3]);
        select(0xff, &mut dst, &[7, 8]);
        assert_eq!(dst, [7, 8, 0]);
        assert_eq!((mask(true), mask(false)), (0xff, 0));
    }
}
