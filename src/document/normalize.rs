//! Width folding and line-ending normalisation, with a compact map from
//! normalised byte offsets back to original byte offsets.
//!
//! The normalised text is what every later stage (structure, facts, rules)
//! works on; diagnostics are reported against the original text, so every
//! normalised offset must map back to a character boundary of the original.

use std::ops::Range;

use super::scan;

/// One run of the map: from `norm`/`orig` up to the next segment's start (or
/// the end of both texts), made of equal units of `nu` normalised bytes
/// standing for `ou` original bytes.
///
/// * `(1, 1)`: identity, byte for byte;
/// * `(n, o)`: replacement, e.g. `(1, 3)` for a run of full-width ASCII folded
///   to ASCII, `(1, 2)` for CRLF → LF, `(3, 6)` for `ｶﾞ` → `ガ`;
/// * `nu == 0`: deletion (empty in the normalised text), e.g. a BOM;
/// * `ou == 0`: insertion (normalised bytes with no original counterpart).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Seg {
    norm: usize,
    orig: usize,
    nu: u32,
    ou: u32,
}

impl Seg {
    fn is_identity(&self) -> bool {
        self.nu == 1 && self.ou == 1
    }
}

/// Maps byte offsets of a normalised (or otherwise derived) text back to byte
/// offsets of the text it was derived from.
///
/// Only places where byte lengths differ are recorded; runs of identical
/// replacements (e.g. a whole run of full-width digits) share one segment, so
/// a text that needed no length-changing replacement has a single segment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OffsetMap {
    segs: Vec<Seg>,
    norm_len: usize,
    orig_len: usize,
}

impl OffsetMap {
    /// The map of a text that was not changed.
    pub fn identity(len: usize) -> Self {
        let mut b = OffsetMapBuilder::new();
        b.identity(len);
        b.finish()
    }

    /// Converts `(derived_off, orig_off)` checkpoints (strictly increasing in
    /// `derived_off`, non-decreasing in `orig_off`; from each checkpoint on,
    /// offsets advance 1:1 until the next one) into a map. Text before the
    /// first checkpoint maps to the first checkpoint's original offset. Where
    /// a 1:1 run would overrun the next checkpoint, the run is clamped so
    /// that the map stays monotonic.
    pub fn from_checkpoints(points: &[(usize, usize)], norm_len: usize, orig_len: usize) -> Self {
        let mut b = OffsetMapBuilder::new();
        let Some(&(t_first, h_first)) = points.first() else {
            b.insert(norm_len);
            b.delete(orig_len);
            return b.finish();
        };
        b.delete(h_first.min(orig_len));
        b.insert(t_first.min(norm_len));
        let ends = points
            .iter()
            .skip(1)
            .copied()
            .chain(std::iter::once((norm_len, orig_len)));
        for (&(t0, _), (t1, h1)) in points.iter().zip(ends) {
            let run = t1.min(norm_len).saturating_sub(t0);
            let avail = h1.min(orig_len).saturating_sub(b.orig_pos());
            if avail >= run {
                b.identity(run);
                b.delete(avail - run);
            } else {
                b.identity(avail);
                b.insert(run - avail);
            }
        }
        b.delete(orig_len.saturating_sub(b.orig_pos()));
        b.finish()
    }

    /// Starts building a map piece by piece (used by [`normalize`] and by any
    /// other stage that derives a text, e.g. HTML-to-text extraction).
    pub fn builder() -> OffsetMapBuilder {
        OffsetMapBuilder::new()
    }

    /// Length of the derived (normalised) text.
    pub fn norm_len(&self) -> usize {
        self.norm_len
    }

    /// Length of the original text.
    pub fn orig_len(&self) -> usize {
        self.orig_len
    }

    /// True when every offset maps to itself.
    pub fn is_identity(&self) -> bool {
        self.segs.iter().all(Seg::is_identity)
    }

    /// Number of stored segments (a measure of the map's size).
    pub fn segment_count(&self) -> usize {
        self.segs.len()
    }

    fn seg_end(&self, i: usize) -> (usize, usize) {
        match self.segs.get(i + 1) {
            Some(s) => (s.norm, s.orig),
            None => (self.norm_len, self.orig_len),
        }
    }

    /// Index of the last segment starting at or before `n` (after any
    /// deletion sitting exactly at `n`). Requires a non-empty map.
    fn seg_floor(&self, n: usize) -> usize {
        self.segs.partition_point(|s| s.norm <= n).saturating_sub(1)
    }

    fn floor_in(&self, i: usize, n: usize) -> usize {
        let s = self.segs[i];
        let (_, end_o) = self.seg_end(i);
        if s.nu == 0 {
            return s.orig;
        }
        let q = (n - s.norm) / s.nu as usize;
        (s.orig + q * s.ou as usize).min(end_o)
    }

    fn ceil_in(&self, i: usize, n: usize) -> usize {
        let s = self.segs[i];
        let (_, end_o) = self.seg_end(i);
        if s.nu == 0 {
            return end_o;
        }
        let q = (n - s.norm).div_ceil(s.nu as usize);
        (s.orig + q * s.ou as usize).min(end_o)
    }

    /// Maps a normalised offset to the original offset of the start of the
    /// character it belongs to. Offsets sitting where original text was
    /// deleted map to just after the deleted text; offsets at or past the end
    /// map to the end of the original.
    ///
    /// For every char boundary of the normalised text the result is a char
    /// boundary of the original (see [`normalize`]).
    pub fn to_original(&self, norm_off: usize) -> usize {
        if norm_off >= self.norm_len {
            return self.orig_len;
        }
        let i = self.seg_floor(norm_off);
        self.floor_in(i, norm_off)
    }

    /// Maps a normalised offset used as the (exclusive) end of a range: an
    /// offset inside a replaced unit maps to the end of that unit, and an
    /// offset where original text was deleted maps to just before it.
    pub fn to_original_end(&self, norm_off: usize) -> usize {
        let n = norm_off.min(self.norm_len);
        if n == 0 || self.segs.is_empty() {
            return 0;
        }
        let i = self.segs.partition_point(|s| s.norm < n) - 1;
        self.ceil_in(i, n)
    }

    /// Maps a normalised range: the start to the start of its character, the
    /// end to the end of its character. The result is never inverted.
    pub fn range_to_original(&self, r: Range<usize>) -> Range<usize> {
        let start = self.to_original(r.start);
        if r.end <= r.start {
            return start..start;
        }
        let end = self.to_original_end(r.end).max(start);
        start..end
    }

    /// Chains two maps: `self` maps text2 → text1 and `inner` maps
    /// text1 → text0; the result maps text2 → text0.
    ///
    /// Exact wherever the pieces of the two maps line up (in particular on
    /// every char boundary when both maps respect char boundaries); where a
    /// piece of one map cuts through a unit of the other, the affected piece
    /// is treated as one unit.
    pub fn compose(&self, inner: &OffsetMap) -> OffsetMap {
        debug_assert_eq!(
            self.orig_len, inner.norm_len,
            "compose: outer map's original must be the inner map's derived text"
        );
        let mut b = OffsetMapBuilder::new();
        for i in 0..self.segs.len() {
            let s = self.segs[i];
            let (ne, me) = self.seg_end(i);
            let (ns, ms) = (s.norm, s.orig);
            if s.nu == 0 {
                // text1[ms..me] was deleted: delete its image in text0 too.
                b.skip_to(inner.to_original_end(me));
                continue;
            }
            if s.ou == 0 {
                b.insert(ne - ns);
                continue;
            }
            if inner.segs.is_empty() {
                b.emit(ne - ns, b.orig);
                continue;
            }
            if s.is_identity() {
                let mut x = ms;
                while x < me {
                    let j = inner.seg_floor(x);
                    let t = inner.segs[j];
                    let (tn_end, _) = inner.seg_end(j);
                    let y = me.min(tn_end);
                    if y <= x {
                        // Only reachable with an inconsistent map; stay total.
                        b.emit(me - x, inner.to_original_end(me));
                        break;
                    }
                    b.skip_to(inner.floor_in(j, x));
                    if t.is_identity() {
                        b.identity(y - x);
                    } else if t.ou == 0 {
                        b.insert(y - x);
                    } else {
                        let nu = t.nu as usize;
                        let mut p = x;
                        let off = (p - t.norm) % nu;
                        if off != 0 {
                            let q = (p + nu - off).min(y);
                            b.emit(q - p, inner.ceil_in(j, q));
                            p = q;
                        }
                        let k = (y - p) / nu;
                        if k > 0 {
                            b.skip_to(inner.floor_in(j, p));
                            b.units(t.nu, t.ou, k);
                            p += k * nu;
                        }
                        if p < y {
                            b.emit(y - p, inner.ceil_in(j, y));
                        }
                    }
                    x = y;
                }
            } else {
                let (nu, ou) = (s.nu as usize, s.ou as usize);
                let count = (ne - ns) / nu;
                let j = inner.seg_floor(ms);
                let (jn_end, _) = inner.seg_end(j);
                if inner.segs[j].is_identity() && me <= jn_end {
                    b.skip_to(inner.floor_in(j, ms));
                    b.units(s.nu, s.ou, count);
                } else {
                    for t in 0..count {
                        let x = ms + t * ou;
                        b.skip_to(inner.to_original(x));
                        b.emit(nu, inner.to_original_end(x + ou));
                    }
                }
            }
        }
        b.skip_to(inner.orig_len);
        let mut map = b.finish();
        // Trailing insertions/rounding cannot make the lengths disagree, but
        // keep the invariant explicit.
        map.orig_len = map.orig_len.max(inner.orig_len);
        map
    }
}

/// Builds an [`OffsetMap`] left to right.
#[derive(Clone, Debug, Default)]
pub struct OffsetMapBuilder {
    segs: Vec<Seg>,
    norm: usize,
    orig: usize,
}

impl OffsetMapBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Current position in the derived text.
    pub fn norm_pos(&self) -> usize {
        self.norm
    }

    /// Current position in the original text.
    pub fn orig_pos(&self) -> usize {
        self.orig
    }

    /// `len` bytes copied unchanged.
    pub fn identity(&mut self, len: usize) {
        self.units(1, 1, len);
    }

    /// One replaced unit: `norm_len` derived bytes stand for `orig_len`
    /// original bytes (either may be zero: insertion or deletion). Offsets
    /// inside the unit map to its start (or end, for range ends).
    pub fn replace(&mut self, norm_len: usize, orig_len: usize) {
        if norm_len == 0 {
            self.delete(orig_len);
        } else if orig_len == 0 {
            self.insert(norm_len);
        } else {
            match (u32::try_from(norm_len), u32::try_from(orig_len)) {
                (Ok(n), Ok(o)) => self.units(n, o, 1),
                // Absurdly large single unit: split as deletion + insertion
                // so that the map stays monotonic and total.
                _ => {
                    self.insert(norm_len);
                    self.delete(orig_len);
                }
            }
        }
    }

    /// `len` original bytes with nothing in the derived text.
    pub fn delete(&mut self, len: usize) {
        if len == 0 {
            return;
        }
        match self.segs.last() {
            Some(s) if s.nu == 0 && s.norm == self.norm => {}
            _ => self.segs.push(Seg {
                norm: self.norm,
                orig: self.orig,
                nu: 0,
                ou: 0,
            }),
        }
        self.orig += len;
    }

    /// `len` derived bytes with no original counterpart.
    pub fn insert(&mut self, len: usize) {
        self.units(1, 0, len);
    }

    fn skip_to(&mut self, orig: usize) {
        if orig > self.orig {
            self.delete(orig - self.orig);
        }
    }

    fn emit(&mut self, norm_len: usize, orig_end: usize) {
        let orig_len = orig_end.saturating_sub(self.orig);
        self.replace(norm_len, orig_len);
    }

    fn units(&mut self, nu: u32, ou: u32, count: usize) {
        if count == 0 || nu == 0 {
            return;
        }
        let extend = matches!(self.segs.last(), Some(s) if s.nu == nu && s.ou == ou);
        if !extend {
            self.segs.push(Seg {
                norm: self.norm,
                orig: self.orig,
                nu,
                ou,
            });
        }
        self.norm += nu as usize * count;
        self.orig += ou as usize * count;
    }

    pub fn finish(self) -> OffsetMap {
        OffsetMap {
            segs: self.segs,
            norm_len: self.norm,
            orig_len: self.orig,
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Half-width katakana block U+FF61..=U+FF9F → full-width equivalents
/// (the two sound marks become the spacing marks ゛ ゜ when they cannot
/// combine with the preceding kana).
const HALFWIDTH_KANA: [char; 63] = [
    '。', '「', '」', '、', '・', 'ヲ', 'ァ', 'ィ', 'ゥ', 'ェ', 'ォ', 'ャ', 'ュ', 'ョ', 'ッ', 'ー',
    'ア', 'イ', 'ウ', 'エ', 'オ', 'カ', 'キ', 'ク', 'ケ', 'コ', 'サ', 'シ', 'ス', 'セ', 'ソ', 'タ',
    'チ', 'ツ', 'テ', 'ト', 'ナ', 'ニ', 'ヌ', 'ネ', 'ノ', 'ハ', 'ヒ', 'フ', 'ヘ', 'ホ', 'マ', 'ミ',
    'ム', 'メ', 'モ', 'ヤ', 'ユ', 'ヨ', 'ラ', 'リ', 'ル', 'レ', 'ロ', 'ワ', 'ン', '゛', '゜',
];

/// Composes a kana with a (semi-)voiced sound mark: `カ` + dakuten → `ガ`.
fn compose_kana(base: char, semi: bool) -> Option<char> {
    let c = base as u32;
    // Work on hiragana code points; katakana are hiragana + 0x60.
    let (h, kata) = match c {
        0x3041..=0x309F => (c, false),
        0x30A1..=0x30FF => (c - 0x60, true),
        _ => return None,
    };
    let composed = if semi {
        match h {
            // は ひ ふ へ ほ
            0x306F | 0x3072 | 0x3075 | 0x3078 | 0x307B => h + 2,
            _ => return None,
        }
    } else {
        match h {
            // か..ぢ: every other code point takes a dakuten
            0x304B..=0x3061 if (h - 0x304B) % 2 == 0 => h + 1,
            // つ て と
            0x3064 | 0x3066 | 0x3068 => h + 1,
            // は ひ ふ へ ほ
            0x306F | 0x3072 | 0x3075 | 0x3078 | 0x307B => h + 1,
            0x3046 => 0x3094, // う → ゔ (ウ → ヴ)
            0x309D => 0x309E, // ゝ → ゞ (ヽ → ヾ)
            // ワ ヰ ヱ ヲ (katakana only) → ヷ ヸ ヹ ヺ
            0x308F..=0x3092 if kata => h + 8,
            _ => return None,
        }
    };
    let composed = if kata { composed + 0x60 } else { composed };
    char::from_u32(composed)
}

#[inline]
fn utf8_width(lead: u8) -> usize {
    if lead < 0xE0 {
        2
    } else if lead < 0xF0 {
        3
    } else {
        4
    }
}

#[inline]
fn cp3(b: &[u8], i: usize) -> u32 {
    ((b[i] as u32 & 0x0F) << 12) | ((b[i + 1] as u32 & 0x3F) << 6) | (b[i + 2] as u32 & 0x3F)
}

/// Cheap pre-filter: can the character starting at `i` (lead byte >= 0x80)
/// be changed by [`normalize`]? Sound marks are included (they may combine
/// with the kana before them).
#[inline(always)]
fn may_change(bytes: &[u8], i: usize) -> bool {
    let (b1, b2) = match bytes.get(i + 1..i + 3) {
        Some(&[b1, b2]) => (b1, b2),
        _ => return bytes[i] == 0xC2 && bytes.get(i + 1) == Some(&0xA0),
    };
    match bytes[i] {
        0xC2 => b1 == 0xA0,
        0xE2 => match b1 {
            0x80 => b2 <= 0x8A || (0x90..=0x92).contains(&b2) || b2 == 0xAF,
            0x81 => b2 == 0x93 || b2 == 0x9F,
            0x88 => b2 == 0x92 || b2 == 0xBC,
            0xBA => b2 == 0x9F,
            0xBB => b2 == 0xB3,
            0xBC..=0xBE => true,
            0xBF => b2 <= 0x95,
            _ => false,
        },
        0xE3 => match b1 {
            0x80 => matches!(b2, 0x80 | 0x9C | 0xB0),
            0x82 => matches!(b2, 0x99 | 0x9A),
            _ => false,
        },
        0xEF => matches!(b1, 0xBC | 0xBD) || (b1 == 0xBE && b2 <= 0x9F),
        _ => false,
    }
}

/// A voiced (`Some(false)`) or semi-voiced (`Some(true)`) sound mark at byte
/// `j`: combining U+3099/U+309A or half-width U+FF9E/U+FF9F (3 bytes each).
#[inline]
fn sound_mark_at(bytes: &[u8], j: usize) -> Option<bool> {
    match bytes.get(j..j + 3)? {
        [0xE3, 0x82, 0x99] | [0xEF, 0xBE, 0x9E] => Some(false),
        [0xE3, 0x82, 0x9A] | [0xEF, 0xBE, 0x9F] => Some(true),
        _ => None,
    }
}

/// The replacement for the character starting at `i` (and possibly the one
/// after it): the new char and how many original bytes it replaces.
#[inline]
fn replacement(bytes: &[u8], i: usize) -> Option<(char, usize)> {
    let b0 = bytes[i];
    match b0 {
        0xC2 => (bytes[i + 1] == 0xA0).then_some((' ', 2)),
        0xE2 => match cp3(bytes, i) {
            0x2000..=0x200A | 0x202F | 0x205F => Some((' ', 3)),
            0x2010..=0x2012 | 0x2212 => Some(('-', 3)),
            0x2053 | 0x223C => Some(('~', 3)),
            cp @ 0x2F00..=0x2FD5 => Some((KANGXI_RADICALS[(cp - 0x2F00) as usize], 3)),
            0x2E9F => Some(('母', 3)),
            0x2EF3 => Some(('龟', 3)),
            _ => None,
        },
        0xE3 => match bytes[i + 1] {
            0x80 => match cp3(bytes, i) {
                0x3000 => Some((' ', 3)),
                0x301C | 0x3030 => Some(('~', 3)),
                _ => None,
            },
            _ => None,
        },
        0xEF => {
            let cp = cp3(bytes, i);
            match cp {
                // Full-width ASCII (！..～) → ASCII; ～ becomes '~'.
                0xFF01..=0xFF5E => Some((char::from((cp - 0xFEE0) as u8), 3)),
                0xFF61..=0xFF9F => {
                    let full = HALFWIDTH_KANA[(cp - 0xFF61) as usize];
                    // A following sound mark combines when it can.
                    let combined = sound_mark_at(bytes, i + 3)
                        .filter(|_| cp < 0xFF9E)
                        .and_then(|semi| compose_kana(full, semi));
                    Some(combined.map_or((full, 3), |c| (c, 6)))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The ideographs that the Kangxi radicals U+2F00..=U+2FD5 stand for (their NFKC
/// forms, checked by a test). Text extracted from PDFs often has a radical in
/// place of the ideograph it looks like (`⽇` for 日, `⼈` for 人), which would hide
/// dates, counts and terms from every recogniser.
const KANGXI_RADICALS: [char; 214] = [
    '一', '丨', '丶', '丿', '乙', '亅', '二', '亠', '人', '儿', '入', '八', '冂', '冖', '冫', '几',
    '凵', '刀', '力', '勹', '匕', '匚', '匸', '十', '卜', '卩', '厂', '厶', '又', '口', '囗', '土',
    '士', '夂', '夊', '夕', '大', '女', '子', '宀', '寸', '小', '尢', '尸', '屮', '山', '巛', '工',
    '己', '巾', '干', '幺', '广', '廴', '廾', '弋', '弓', '彐', '彡', '彳', '心', '戈', '戶', '手',
    '支', '攴', '文', '斗', '斤', '方', '无', '日', '曰', '月', '木', '欠', '止', '歹', '殳', '毋',
    '比', '毛', '氏', '气', '水', '火', '爪', '父', '爻', '爿', '片', '牙', '牛', '犬', '玄', '玉',
    '瓜', '瓦', '甘', '生', '用', '田', '疋', '疒', '癶', '白', '皮', '皿', '目', '矛', '矢', '石',
    '示', '禸', '禾', '穴', '立', '竹', '米', '糸', '缶', '网', '羊', '羽', '老', '而', '耒', '耳',
    '聿', '肉', '臣', '自', '至', '臼', '舌', '舛', '舟', '艮', '色', '艸', '虍', '虫', '血', '行',
    '衣', '襾', '見', '角', '言', '谷', '豆', '豕', '豸', '貝', '赤', '走', '足', '身', '車', '辛',
    '辰', '辵', '邑', '酉', '釆', '里', '金', '長', '門', '阜', '隶', '隹', '雨', '靑', '非', '面',
    '革', '韋', '韭', '音', '頁', '風', '飛', '食', '首', '香', '馬', '骨', '高', '髟', '鬥', '鬯',
    '鬲', '鬼', '魚', '鳥', '鹵', '鹿', '麥', '麻', '黃', '黍', '黑', '黹', '黽', '鼎', '鼓', '鼠',
    '鼻', '齊', '齒', '龍', '龜', '龠',
];

/// Normalises `original` for matching:
///
/// * full-width ASCII U+FF01..=U+FF5E → ASCII (`ＡＢＣ１２３（）：` → `ABC123():`),
///   including ＠ → `@`, － → `-` and ～ → `~`;
/// * wave dashes and tildes (〜 U+301C, 〰 U+3030, ∼ U+223C, ⁓ U+2053) → `~`;
/// * hyphens and minus signs (U+2010, U+2011, U+2012, U+2212) → `-`;
/// * Kangxi radicals (U+2F00..=U+2FD5) and the two CJK radical supplements with a
///   compatibility form (U+2E9F, U+2EF3) → the ideograph (`⽇` → `日`);
/// * U+3000, NBSP and the other fixed-width spaces → ASCII space;
/// * CRLF and lone CR → LF;
/// * a leading BOM is dropped;
/// * half-width katakana → full-width, combining a following ﾞ/ﾟ
///   (`ﾃﾞｰﾀ` → `データ`); a full-width kana followed by a combining
///   U+3099/U+309A is composed (`カ\u{3099}` → `ガ`).
///
/// Kanji, hiragana, full-width katakana and Japanese punctuation
/// (、。「」・ー…) are left as they are.
///
/// Every char boundary of the result maps (via [`OffsetMap::to_original`])
/// to a char boundary of `original`, monotonically.
pub fn normalize(original: &str) -> (String, OffsetMap) {
    let bytes = original.as_bytes();
    let len = bytes.len();
    let mut n = Normalizer {
        original,
        out: String::with_capacity(len),
        map: OffsetMapBuilder::new(),
        copied: 0,
        mapped: 0,
    };
    let mut i = 0;
    if bytes.starts_with(BOM) {
        n.map.delete(BOM.len());
        i = BOM.len();
        n.copied = i;
        n.mapped = i;
    }
    // Candidates are found a block at a time with a bit mask computed by
    // SIMD compares (see `scan::block_mask`); blocks without one cost a few
    // instructions. Candidates always start at a char boundary (their first
    // byte is a lead byte), so no char decoding is needed to find them. The
    // last block is padded with zeros, which are never candidates.
    while i < len {
        let block = i;
        let mut mask = scan::block_mask_at(bytes, block, candidate_byte);
        while mask != 0 {
            let j = block + mask.trailing_zeros() as usize;
            mask &= mask - 1;
            // Skip candidates inside what the last replacement consumed.
            if j >= i {
                i = n.handle(j);
            }
        }
        i = i.max(block + scan::BLOCK);
    }
    n.out.push_str(&original[n.copied..]);
    n.map.identity(len - n.mapped);
    (n.out, n.map.finish())
}

/// Could a character needing normalisation start at this byte (given the two
/// bytes after it)? CR, U+0080..U+00BF, U+2000..U+2FFF, U+3000, U+301C,
/// U+3030, U+3099/U+309A (and the harmless U+3098/U+309B), U+F000..U+FFFF.
#[inline(always)]
fn candidate_byte(b0: u8, b1: u8, b2: u8) -> bool {
    let e3 = (b0 == 0xE3)
        & (((b1 == 0x80) & ((b2 == 0x80) | (b2 == 0x9C) | (b2 == 0xB0)))
            | ((b1 == 0x82) & ((b2 | 3) == 0x9B)));
    (b0 == b'\r') | (b0 == 0xC2) | (b0 == 0xE2) | (b0 == 0xEF) | e3
}

#[cfg(test)]
fn is_candidate(bytes: &[u8], i: usize) -> bool {
    let get = |k: usize| bytes.get(k).copied().unwrap_or(0);
    candidate_byte(bytes[i], get(i + 1), get(i + 2))
}

struct Normalizer<'a> {
    original: &'a str,
    out: String,
    map: OffsetMapBuilder,
    /// Original offset up to which bytes have been written to `out`.
    copied: usize,
    /// Original offset up to which the map has been emitted.
    mapped: usize,
}

impl Normalizer<'_> {
    /// Writes `ch` for the `consumed` original bytes at `i`; returns the next
    /// offset.
    fn emit(&mut self, i: usize, ch: char, consumed: usize) -> usize {
        self.out.push_str(&self.original[self.copied..i]);
        self.out.push(ch);
        let produced = ch.len_utf8();
        if produced != consumed {
            self.map.identity(i - self.mapped);
            self.map.replace(produced, consumed);
            self.mapped = i + consumed;
        }
        self.copied = i + consumed;
        self.copied
    }

    /// Handles the character at candidate position `i` (a char boundary);
    /// returns the offset to continue from.
    fn handle(&mut self, i: usize) -> usize {
        let bytes = self.original.as_bytes();
        let b0 = bytes[i];
        if b0 == b'\r' {
            return if bytes.get(i + 1) == Some(&b'\n') {
                self.emit(i, '\n', 2)
            } else {
                // Lone CR: same length, the map stays an identity run.
                self.emit(i, '\n', 1)
            };
        }
        if !may_change(bytes, i) {
            return i + utf8_width(b0);
        }
        // A sound mark right after an unchanged full-width kana: compose the
        // two (`カ` + U+3099 or ﾞ → `ガ`).
        let composed = sound_mark_at(bytes, i)
            .filter(|_| {
                i >= self.copied + 3 && bytes[i - 3] == 0xE3 && matches!(bytes[i - 2], 0x81..=0x83)
            })
            .and_then(|semi| char::from_u32(cp3(bytes, i - 3)).and_then(|b| compose_kana(b, semi)));
        if let Some(c) = composed {
            return self.emit(i - 3, c, 6);
        }
        match replacement(bytes, i) {
            None => i + utf8_width(b0),
            Some((ch, consumed)) => self.emit(i, ch, consumed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        normalize(s).0
    }

    /// Checks the properties every normalisation map must have.
    fn check_map(original: &str, normalised: &str, map: &OffsetMap) {
        assert_eq!(
            map.norm_len(),
            normalised.len(),
            "norm_len for {original:?}"
        );
        assert_eq!(map.orig_len(), original.len(), "orig_len for {original:?}");
        let mut prev = 0;
        let mut prev_end = 0;
        for (n, _) in normalised
            .char_indices()
            .chain(std::iter::once((normalised.len(), ' ')))
        {
            let o = map.to_original(n);
            assert!(
                original.is_char_boundary(o),
                "start {n} -> {o} not a boundary in {original:?}"
            );
            assert!(o >= prev, "not monotonic at {n} in {original:?}");
            prev = o;
            let e = map.to_original_end(n);
            assert!(
                original.is_char_boundary(e),
                "end {n} -> {e} not a boundary in {original:?}"
            );
            assert!(e >= prev_end, "end not monotonic at {n} in {original:?}");
            assert!(e <= o, "end {e} after start {o} at {n}");
            prev_end = e;
        }
        assert_eq!(map.to_original(normalised.len()), original.len());
        // Every normalised char comes from the original char(s) it maps to.
        for (n, c) in normalised.char_indices() {
            let r = map.range_to_original(n..n + c.len_utf8());
            assert!(r.start < r.end, "empty image for {c:?} in {original:?}");
            let src = &original[r.clone()];
            if src == c.to_string() {
                continue;
            }
            let (again, _) = normalize(src);
            assert_eq!(again, c.to_string(), "{src:?} should normalise to {c:?}");
        }
    }

    #[test]
    fn folds_fullwidth_ascii() {
        assert_eq!(norm("ＡＢＣ１２３"), "ABC123");
        assert_eq!(norm("（１）：＠－！？"), "(1):@-!?");
        assert_eq!(norm("２０２５年６月１１日"), "2025年6月11日");
        assert_eq!(norm("ａｂｃ＿ｘｙｚ［］｛｝"), "abc_xyz[]{}");
    }

    #[test]
    fn folds_spaces_dashes_tildes() {
        assert_eq!(norm("全角\u{3000}空白"), "全角 空白");
        assert_eq!(norm("a\u{00A0}b\u{2003}c"), "a b c");
        assert_eq!(norm("4月1日〜4月3日"), "4月1日~4月3日");
        assert_eq!(norm("4月1日～4月3日"), "4月1日~4月3日");
        assert_eq!(norm("1∼3 1⁓3 1〰3 1~3"), "1~3 1~3 1~3 1~3");
        assert_eq!(
            norm("03\u{2010}1234\u{2011}5678 \u{2212}5 \u{FF0D}1"),
            "03-1234-5678 -5 -1"
        );
    }

    #[test]
    fn kangxi_radicals_become_the_ideographs_nfkc_gives() {
        use unicode_normalization::UnicodeNormalization;
        let radicals = (0x2F00..=0x2FD5).chain([0x2E9F, 0x2EF3]);
        for c in radicals.filter_map(char::from_u32) {
            let nfkc: String = c.to_string().nfkc().collect();
            assert_eq!(norm(&c.to_string()), nfkc, "U+{:04X}", c as u32);
        }
        // Neighbours without a compatibility form are left alone.
        for c in [
            '\u{2E80}', '\u{2E9E}', '\u{2EF2}', '\u{2FD6}', '\u{2FF0}', '\u{2FFF}',
        ] {
            assert_eq!(norm(&c.to_string()), c.to_string());
        }
        let text = "2025年6⽉11⽇、⼊⼒された⽒名等(約3,000⼈分)";
        let (n, map) = normalize(text);
        assert_eq!(n, "2025年6月11日、入力された氏名等(約3,000人分)");
        check_map(text, &n, &map);
    }

    #[test]
    fn leaves_japanese_alone() {
        let s = "個人情報、漏えい。「お知らせ」・ひらがな・カタカナー";
        assert_eq!(norm(s), s);
        let (_, map) = normalize(s);
        assert!(map.is_identity());
        assert_eq!(map.segment_count(), 1);
        // Dashes that are not hyphens are not touched.
        assert_eq!(norm("――ー–—"), "――ー–—");
    }

    #[test]
    fn line_endings_and_bom() {
        assert_eq!(norm("a\r\nb\rc\nd"), "a\nb\nc\nd");
        assert_eq!(norm("\u{FEFF}本文"), "本文");
        assert_eq!(norm("本\u{FEFF}文"), "本\u{FEFF}文");
        let (n, m) = normalize("\u{FEFF}ab\r\ncd");
        assert_eq!(n, "ab\ncd");
        assert_eq!(m.to_original(0), 3);
        assert_eq!(m.to_original(2), 5); // the LF maps to the CR
        assert_eq!(m.to_original(3), 7); // 'c'
        assert_eq!(m.range_to_original(2..3), 5..7);
        assert_eq!(m.range_to_original(0..2), 3..5);
    }

    #[test]
    fn halfwidth_katakana() {
        assert_eq!(norm("ﾃﾞｰﾀ"), "データ");
        assert_eq!(norm("ｶﾞｷﾞｸﾞ ﾊﾟﾋﾟﾌﾟ ｳﾞ ﾜﾞ"), "ガギグ パピプ ヴ ヷ");
        assert_eq!(norm("ｱｲｳｴｵ｡｢ｶﾅ｣､･"), "アイウエオ。「カナ」、・");
        // A sound mark that cannot combine stays a (spacing) mark.
        assert_eq!(norm("ｱﾞﾟ"), "ア゛゜");
        assert_eq!(norm("ﾞ"), "゛");
        let (n, m) = normalize("xﾃﾞｰﾀy");
        assert_eq!(n, "xデータy");
        assert_eq!(m.range_to_original(1..4), 1..7); // デ <- ﾃﾞ
        assert_eq!(m.range_to_original(4..7), 7..10); // ー <- ｰ
    }

    #[test]
    fn combining_marks_compose() {
        assert_eq!(norm("カ\u{3099}ハ\u{309A}う\u{3099}"), "ガパゔ");
        // Mixed widths: full-width kana + half-width mark, and the reverse.
        assert_eq!(norm("カﾞﾊ\u{309A}"), "ガパ");
        // No composition possible: left as is.
        assert_eq!(norm("ア\u{3099}"), "ア\u{3099}");
        assert_eq!(norm("漢\u{3099}"), "漢\u{3099}");
    }

    #[test]
    fn composition_table_matches_unicode() {
        // Generated from Python's unicodedata.normalize("NFC", base + mark).
        const VOICED: &str = "3046-3094 304B-304C 304D-304E 304F-3050 3051-3052 3053-3054 \
            3055-3056 3057-3058 3059-305A 305B-305C 305D-305E 305F-3060 3061-3062 3064-3065 \
            3066-3067 3068-3069 306F-3070 3072-3073 3075-3076 3078-3079 307B-307C 30A6-30F4 \
            30AB-30AC 30AD-30AE 30AF-30B0 30B1-30B2 30B3-30B4 30B5-30B6 30B7-30B8 30B9-30BA \
            30BB-30BC 30BD-30BE 30BF-30C0 30C1-30C2 30C4-30C5 30C6-30C7 30C8-30C9 30CF-30D0 \
            30D2-30D3 30D5-30D6 30D8-30D9 30DB-30DC 30EF-30F7 30F0-30F8 30F1-30F9 30F2-30FA \
            30FD-30FE 309D-309E";
        const SEMI: &str = "306F-3071 3072-3074 3075-3077 3078-307A 307B-307D 30CF-30D1 \
            30D2-30D4 30D5-30D7 30D8-30DA 30DB-30DD";
        for (table, semi) in [(VOICED, false), (SEMI, true)] {
            let pairs: Vec<(u32, u32)> = table
                .split_whitespace()
                .map(|p| {
                    let (a, b) = p.split_once('-').unwrap();
                    (
                        u32::from_str_radix(a, 16).unwrap(),
                        u32::from_str_radix(b, 16).unwrap(),
                    )
                })
                .collect();
            for c in (0x3041..=0x309F).chain(0x30A1..=0x30FF) {
                let expected = pairs.iter().find(|p| p.0 == c).map(|p| p.1);
                let got = compose_kana(char::from_u32(c).unwrap(), semi).map(|c| c as u32);
                assert_eq!(got, expected, "U+{c:04X} semi={semi}");
            }
        }
    }

    #[test]
    fn prefilter_covers_every_change() {
        for cp in (0x80..=0xFFFF).filter_map(char::from_u32) {
            for next in ["", "x", "\u{3099}", "ﾞ"] {
                // A leading 'a' keeps a BOM from being the (dropped) first char.
                let s = format!("a{cp}{next}");
                let changed = normalize(&s).0 != s;
                let b = s.as_bytes();
                let filtered = !is_candidate(b, 1) || !may_change(b, 1);
                let mark_filtered = next.is_empty()
                    || !is_candidate(b, 1 + cp.len_utf8())
                    || !may_change(b, 1 + cp.len_utf8());
                assert!(
                    !changed || !filtered || !mark_filtered,
                    "U+{:04X}{next:?} changes but is filtered out",
                    cp as u32
                );
            }
        }
    }

    #[test]
    fn identity_map() {
        let m = OffsetMap::identity(10);
        assert!(m.is_identity());
        assert_eq!(m.to_original(4), 4);
        assert_eq!(m.to_original(99), 10);
        assert_eq!(m.range_to_original(2..7), 2..7);
        let e = OffsetMap::identity(0);
        assert_eq!(e.to_original(0), 0);
        assert_eq!(e.range_to_original(0..0), 0..0);
    }

    #[test]
    fn runs_are_compact() {
        let s = "ＡＢＣＤＥＦＧＨＩＪ漢字１２３４５";
        let (n, m) = normalize(s);
        assert_eq!(n, "ABCDEFGHIJ漢字12345");
        assert_eq!(m.segment_count(), 3);
        check_map(s, &n, &m);
        assert_eq!(m.range_to_original(3..5), 9..15);
    }

    #[test]
    fn ranges_round_out_to_whole_chars() {
        let (n, m) = normalize("aｶﾞb");
        assert_eq!(n, "aガb");
        // A range ending inside ガ covers the whole ｶﾞ.
        assert_eq!(m.range_to_original(0..2), 0..7);
        assert_eq!(m.range_to_original(2..4), 1..7);
        assert_eq!(m.range_to_original(4..5), 7..8);
    }

    /// A small deterministic generator (no external crates).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[(self.next() % items.len() as u64) as usize]
        }
    }

    const PIECES: &[&str] = &[
        "a", "Z", "9", " ", "\n", "\r\n", "\r", "\t", "-", "~", "。", "、", "「", "」", "漢", "字",
        "あ", "ア", "ー", "・", "Ａ", "ｚ", "０", "９", "（", "）", "＠", "．", "～", "〜", "∼",
        "\u{3000}", "\u{00A0}", "\u{2010}", "\u{2212}", "－", "ｱ", "ｶ", "ﾞ", "ﾟ", "ﾊ", "ｰ", "｡",
        "\u{3099}", "\u{309A}", "カ", "は", "\u{FEFF}", "😀", "é", "\r\r\n",
    ];

    fn random_text(rng: &mut Rng, max: usize) -> String {
        let len = (rng.next() % max as u64) as usize;
        let mut s = String::new();
        if rng.next() & 3 == 0 {
            s.push('\u{FEFF}');
        }
        for _ in 0..len {
            s.push_str(rng.pick(PIECES));
        }
        s
    }

    #[test]
    fn property_boundaries_and_monotonic() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..3000 {
            let s = random_text(&mut rng, 40);
            let (n, m) = normalize(&s);
            check_map(&s, &n, &m);
            // Normalisation is idempotent (a second BOM would be stripped).
            if !n.starts_with('\u{FEFF}') {
                let (n2, m2) = normalize(&n);
                assert_eq!(n2, n, "not idempotent for {s:?}");
                assert!(m2.is_identity());
            }
        }
    }

    /// A toy "HTML extraction" producing text1 from text0 with its map:
    /// `<...>` tags are deleted, `<br>` becomes a newline and a few entities
    /// are decoded.
    fn extract(text0: &str) -> (String, OffsetMap) {
        let mut out = String::new();
        let mut b = OffsetMap::builder();
        let mut rest = text0;
        while let Some(c) = rest.chars().next() {
            if rest.starts_with("<br>") {
                out.push('\n');
                b.replace(1, 4);
                rest = &rest[4..];
            } else if c == '<' {
                let end = rest.find('>').map_or(rest.len(), |e| e + 1);
                b.delete(end);
                rest = &rest[end..];
            } else if let Some((ent, rep)) =
                [("&amp;", "&"), ("&#12354;", "あ"), ("&#xFF21;", "Ａ")]
                    .iter()
                    .find(|(e, _)| rest.starts_with(e))
            {
                out.push_str(rep);
                b.replace(rep.len(), ent.len());
                rest = &rest[ent.len()..];
            } else {
                out.push(c);
                b.identity(c.len_utf8());
                rest = &rest[c.len_utf8()..];
            }
        }
        (out, b.finish())
    }

    #[test]
    fn compose_matches_chained_mapping() {
        const HTML: &[&str] = &[
            "<p>", "</p>", "<br>", "<b>", "&amp;", "&#12354;", "&#xFF21;", "Ａ", "ｶﾞ", "x", "漢",
            "\r\n", "〜", " ", "\u{3000}",
        ];
        let mut rng = Rng(12345);
        for _ in 0..2000 {
            let len = (rng.next() % 30) as usize;
            let text0: String = (0..len).map(|_| rng.pick(HTML)).collect();
            let (text1, inner) = extract(&text0);
            assert_eq!(inner.norm_len(), text1.len());
            assert_eq!(inner.orig_len(), text0.len());
            let (text2, outer) = normalize(&text1);
            let composed = outer.compose(&inner);
            assert_eq!(composed.norm_len(), text2.len());
            assert_eq!(composed.orig_len(), text0.len());
            for (n, _) in text2
                .char_indices()
                .chain(std::iter::once((text2.len(), ' ')))
            {
                let chained = inner.to_original(outer.to_original(n));
                assert_eq!(composed.to_original(n), chained, "start {n} in {text0:?}");
                let chained_end = inner.to_original_end(outer.to_original_end(n));
                assert_eq!(
                    composed.to_original_end(n),
                    chained_end,
                    "end {n} in {text0:?}"
                );
                assert!(text0.is_char_boundary(composed.to_original(n)));
            }
        }
    }

    #[test]
    fn from_checkpoints_matches_one_to_one_runs() {
        // derived "ab&c" from orig "<p>ab&amp;c</p>": checkpoints at 'a' and
        // after the entity.
        let orig = "<p>ab&amp;c</p>";
        let derived = "ab&c";
        let m = OffsetMap::from_checkpoints(&[(0, 3), (3, 10)], derived.len(), orig.len());
        assert_eq!(m.norm_len(), 4);
        assert_eq!(m.orig_len(), orig.len());
        assert_eq!(m.to_original(0), 3);
        assert_eq!(m.to_original(2), 5); // '&' -> "&amp;"
        assert_eq!(m.to_original(3), 10); // 'c'
        assert_eq!(&orig[m.range_to_original(0..2)], "ab");
        assert_eq!(&orig[m.range_to_original(3..4)], "c");
        // Derived text before the first checkpoint, and an overrunning run.
        let m = OffsetMap::from_checkpoints(&[(2, 5), (6, 7)], 8, 9);
        let mut last = 0;
        for n in 0..=8 {
            let o = m.to_original(n);
            assert!(o >= last && o <= 9);
            last = o;
        }
        assert_eq!(m.to_original(0), 5);
        assert_eq!(m.to_original(6), 7);
        // No checkpoints: everything maps to 0 (as the checkpoint reader does).
        let none = OffsetMap::from_checkpoints(&[], 3, 4);
        assert_eq!(
            (none.to_original(1), none.norm_len(), none.orig_len()),
            (0, 3, 4)
        );
    }

    #[test]
    fn compose_with_identity_is_neutral() {
        let (n, m) = normalize("ＡＢ\r\nｶﾞ");
        let id = OffsetMap::identity(m.orig_len());
        let c = m.compose(&id);
        for i in 0..=n.len() {
            assert_eq!(c.to_original(i), m.to_original(i));
            assert_eq!(c.to_original_end(i), m.to_original_end(i));
        }
        let c2 = OffsetMap::identity(n.len()).compose(&m);
        for i in 0..=n.len() {
            assert_eq!(c2.to_original(i), m.to_original(i));
        }
    }
}
