//! A quick membership test for a small set of characters, for recognisers that scan
//! mostly-kanji text looking for a few lead characters.

/// A 1024-bit filter on the low ten bits of the characters' code points: one load and
/// a mask reject nearly every other character before the exact check, which keeps a
/// scan over kanji and kana branch-light.
pub struct CharFilter {
    bits: [u64; 16],
    chars: &'static [char],
}

impl CharFilter {
    pub const fn new(chars: &'static [char]) -> Self {
        let mut bits = [0u64; 16];
        let mut i = 0;
        while i < chars.len() {
            let v = chars[i] as u32 & 1023;
            bits[(v >> 6) as usize] |= 1 << (v & 63);
            i += 1;
        }
        CharFilter { bits, chars }
    }

    pub fn contains(&self, c: char) -> bool {
        let v = c as u32 & 1023;
        self.bits[(v >> 6) as usize] & (1 << (v & 63)) != 0 && self.chars.contains(&c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_the_listed_characters() {
        static F: CharFilter = CharFilter::new(&['令', '平', 'R']);
        assert!(F.contains('令') && F.contains('平') && F.contains('R'));
        // Characters sharing the low ten bits with a member still fail the exact check.
        let alias = char::from_u32('令' as u32 + 1024).unwrap();
        assert!(!F.contains(alias));
        assert!(!F.contains('和') && !F.contains('r'));
    }
}
