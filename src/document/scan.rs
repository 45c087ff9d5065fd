//! Byte-class bit masks over small blocks of text, for the scans of
//! [`normalize`](super::normalize) and the sentence splitter.
//!
//! Both scans look for a few rare characters in long runs of Japanese text.
//! Testing byte by byte costs ~10 instructions a byte; computing the test for
//! a whole block at once lets the compiler use SIMD compares (SSE2 is part of
//! every x86-64), and only the set bits of the resulting mask are looked at.
//! Written without `unsafe` or intrinsics: the predicate is evaluated into a
//! byte array (which vectorises) and the array is packed into bits with a
//! multiplication (which a byte-by-byte `mask |= bit << j` loop does not
//! compile to).

/// Bytes covered by one mask.
pub(crate) const BLOCK: usize = 16;

/// Bytes a block needs: the predicate also sees the two bytes after each
/// position (the rest of a 3-byte UTF-8 sequence).
pub(crate) const WINDOW: usize = BLOCK + 2;

/// Bit `j` set when `pred(w[j], w[j + 1], w[j + 2])` holds, for `j` in
/// `0..BLOCK`. `pred` must be branch-free (plain `&`/`|`/`==` on bytes) for
/// the loop to vectorise.
#[inline(always)]
pub(crate) fn block_mask(w: &[u8; WINDOW], pred: impl Fn(u8, u8, u8) -> bool) -> u32 {
    let mut hits = [0u8; BLOCK];
    for j in 0..BLOCK {
        hits[j] = pred(w[j], w[j + 1], w[j + 2]) as u8;
    }
    let lo = u64::from_le_bytes(hits[..8].try_into().expect("8 bytes"));
    let hi = u64::from_le_bytes(hits[8..].try_into().expect("8 bytes"));
    pack_bits(lo) | (pack_bits(hi) << 8)
}

/// [`block_mask`] of the block of `bytes` starting at `k`. Past the end of
/// `bytes` the predicate sees zero bytes.
#[inline(always)]
pub(crate) fn block_mask_at(bytes: &[u8], k: usize, pred: impl Fn(u8, u8, u8) -> bool) -> u32 {
    match bytes.get(k..k + WINDOW) {
        Some(w) => block_mask(w.try_into().expect("window"), pred),
        None => {
            let mut w = [0u8; WINDOW];
            let tail = &bytes[k.min(bytes.len())..];
            w[..tail.len()].copy_from_slice(tail);
            block_mask(&w, pred)
        }
    }
}

/// Packs eight bytes that are each 0 or 1 into the low 8 bits (byte `i` →
/// bit `i`). The multiplication adds shifted copies of `x` such that bit 0
/// of byte `i` lands on bit `56 + i`, with no carries between the copies.
#[inline(always)]
fn pack_bits(x: u64) -> u32 {
    (x.wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_bits_is_exact() {
        for m in 0..=255u32 {
            let mut bytes = [0u8; 8];
            for (i, b) in bytes.iter_mut().enumerate() {
                *b = (m >> i & 1) as u8;
            }
            assert_eq!(pack_bits(u64::from_le_bytes(bytes)), m);
        }
    }

    #[test]
    fn block_mask_matches_the_predicate() {
        let mut w = [0u8; WINDOW];
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..2000 {
            for b in w.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Few distinct values so that the predicate holds often.
                *b = [b'a', b'.', 0xE3, 0x80, 0x82][(x % 5) as usize];
            }
            let pred =
                |a: u8, b: u8, c: u8| (a == b'.') | ((a == 0xE3) & (b == 0x80) & (c == 0x82));
            let m = block_mask(&w, pred);
            for j in 0..BLOCK {
                assert_eq!(m >> j & 1 == 1, pred(w[j], w[j + 1], w[j + 2]), "{w:?} {j}");
            }
            assert_eq!(m >> BLOCK, 0);
        }
    }
}
