//! A fast search for the few characters that can start a date or a count in
//! mostly-kanji text.
//!
//! The recognisers used to walk `text.char_indices()` and test every character
//! against their lead list. Decoding every character and calling a membership
//! test for each was most of their cost, since only about one character in
//! twenty is a lead. [`LeadSet::find`] instead walks the UTF-8 bytes one
//! character at a time (one step per kanji, not three), rebuilds the code
//! point with a few shifts and tests one bit of a bitmap over the Basic
//! Multilingual Plane: no second check, no call.

/// A set of characters of the Basic Multilingual Plane, as one bit per code
/// point (8 KiB, small enough to stay in the L1 cache during a scan).
pub struct LeadSet {
    bits: [u64; 1024],
}

impl LeadSet {
    /// The set of `chars`. Panics (at compile time, for a `static`) if one is
    /// outside the BMP, which the bitmap does not cover.
    pub const fn new(chars: &[char]) -> Self {
        let mut bits = [0u64; 1024];
        let mut i = 0;
        while i < chars.len() {
            let v = chars[i] as u32;
            assert!(v <= 0xFFFF, "lead characters must be in the BMP");
            bits[(v >> 6) as usize] |= 1 << (v & 63);
            i += 1;
        }
        LeadSet { bits }
    }

    #[inline]
    fn has(&self, cp: u32) -> bool {
        self.bits[(cp >> 6) as usize & 1023] & (1 << (cp & 63)) != 0
    }

    /// Whether `c` is in the set.
    #[cfg(test)]
    fn contains(&self, c: char) -> bool {
        (c as u32) <= 0xFFFF && self.has(c as u32)
    }

    /// The byte position of the first member character at or after `from`,
    /// which must be a character boundary of the UTF-8 text `bytes`.
    #[inline]
    pub fn find(&self, bytes: &[u8], from: usize) -> Option<usize> {
        let mut s = &bytes[from..];
        loop {
            let (cp, rest) = decode(s)?;
            // Outside the BMP: never a member (the bitmap does not cover it).
            if cp > 0xFFFF {
                s = rest;
                continue;
            }
            if self.has(cp) {
                return Some(bytes.len() - s.len());
            }
            s = rest;
        }
    }
}

/// The first character of the UTF-8 text `s` (which starts at a character
/// boundary) and the text after it; `None` at the end.
///
/// Matching on slice patterns checks the remaining length once per character
/// instead of bounds-checking each byte; kanji and kana (three bytes) come first
/// as by far the most common case. The hot loops of the recognisers and of the
/// term automaton decode with it.
#[inline(always)]
pub fn decode(s: &[u8]) -> Option<(u32, &[u8])> {
    Some(match s {
        [b0 @ 0xE0..=0xEF, b1, b2, rest @ ..] => (
            (u32::from(b0 & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F),
            rest,
        ),
        [b0 @ 0..=0x7F, rest @ ..] => (u32::from(*b0), rest),
        [b0 @ 0xC0..=0xDF, b1, rest @ ..] => {
            ((u32::from(b0 & 0x1F) << 6) | u32::from(b1 & 0x3F), rest)
        }
        [b0, b1, b2, b3, rest @ ..] => (
            (u32::from(b0 & 0x07) << 18)
                | (u32::from(b1 & 0x3F) << 12)
                | (u32::from(b2 & 0x3F) << 6)
                | u32::from(b3 & 0x3F),
            rest,
        ),
        _ => return None,
    })
}

/// The positions of the members of `set` in the UTF-8 text `bytes`.
pub fn positions(bytes: &[u8], set: &LeadSet) -> Vec<usize> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = set.find(bytes, at) {
        out.push(i);
        at = i + utf8_len(bytes[i]);
    }
    out
}

/// Whether `s` starts with `lit`, comparing the literal's last byte first: in
/// kanji text most literals share their first byte (0xE3–0xE9) with whatever
/// is there, while the last byte rejects nearly every miss without a call to
/// `memcmp`.
#[inline]
pub fn starts(s: &str, lit: &str) -> bool {
    let (s, lit) = (s.as_bytes(), lit.as_bytes());
    match lit.last() {
        None => true,
        Some(last) => s.len() >= lit.len() && s[lit.len() - 1] == *last && s[..lit.len()] == *lit,
    }
}

/// The length in bytes of the UTF-8 character whose first byte is `b`.
#[inline]
pub fn utf8_len(b: u8) -> usize {
    match b {
        0..0x80 => 1,
        0x80..0xE0 => 2,
        0xE0..0xF0 => 3,
        _ => 4,
    }
}

/// Pseudo-random text from `tokens` (a fixed LCG, so failures repeat), for the
/// recognisers' invariant tests.
#[cfg(test)]
pub(crate) fn token_soup(tokens: &[&str], seed: u64, len: usize) -> String {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            tokens[(x >> 33) as usize % tokens.len()]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_the_listed_characters() {
        static F: LeadSet = LeadSet::new(&['令', '平', 'R', '7', 'é']);
        assert!(F.contains('令') && F.contains('平') && F.contains('R') && F.contains('é'));
        // Characters sharing the low bits with a member are not members.
        let alias = char::from_u32('令' as u32 + 1024).unwrap();
        assert!(!F.contains(alias));
        assert!(!F.contains('和') && !F.contains('r') && !F.contains('😀'));
    }

    /// `find` stops at exactly the characters the old per-character test
    /// accepted, over every character of the BMP (and a few beyond it).
    #[test]
    fn find_agrees_with_a_char_test_over_the_bmp() {
        let leads = [
            '0', '9', 'R', 'H', 'é', '令', '平', 'お', 'の', '千', '\u{FFFD}',
        ];
        let set = LeadSet::new(&leads);
        let text: String = (0..=0xFFFFu32)
            .filter_map(char::from_u32)
            .chain(['😀', '𠀋', '令'])
            .collect();
        let expected: Vec<usize> = text
            .char_indices()
            .filter(|(_, c)| leads.contains(c))
            .map(|(i, _)| i)
            .collect();
        let bytes = text.as_bytes();
        let mut got = Vec::new();
        let mut at = 0;
        while let Some(i) = set.find(bytes, at) {
            got.push(i);
            at = i + utf8_len(bytes[i]);
        }
        assert_eq!(got, expected);
        // Starting inside a run of four-byte characters, and at the very end.
        assert_eq!(set.find("😀😀".as_bytes(), 4), None);
        assert_eq!(set.find(bytes, bytes.len()), None);
        for c in text.chars() {
            assert_eq!(set.contains(c), leads.contains(&c), "{c:?}");
            assert_eq!(utf8_len(c.to_string().as_bytes()[0]), c.len_utf8());
        }
    }

    #[test]
    fn starts_is_starts_with() {
        for (s, lit) in [
            ("同日に", "同日"),
            ("同月に", "同日"),
            ("同", "同日"),
            ("", ""),
            ("abc", ""),
            ("ab", "abc"),
            ("日本", "本"),
        ] {
            assert_eq!(starts(s, lit), s.starts_with(lit), "{s:?} {lit:?}");
        }
    }
}
