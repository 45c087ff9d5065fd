//! The term automaton: every vocabulary term and phrase of a ruleset found in
//! one pass over the text, overlapping matches included, and on the same pass
//! the positions of the characters that can start a date or a count.
//!
//! An Aho-Corasick automaton over characters, stored as a DFA: each state's
//! transitions already include those its failure links would lead to, so a
//! character costs one lookup and never a chain of failure steps. Full rows
//! would be as wide as the alphabet, but most of their entries are the root's
//! own transition (the character starts a term afresh); those are kept once,
//! in a dense root row, and only the other entries are stored, in a double
//! array: the entry of class `c` of the state whose row starts at `base` is
//! `slots[base + c]`, valid when its `check` names that state. The root row is
//! the first `nclasses` slots of the same array (the root's base is 0), so
//! that a failed check falls back to `slots[c]`: one array for the walk to
//! keep at hand rather than two.
//!
//! Characters map to classes through a table over the Basic Multilingual
//! Plane, which also carries the lead-character flags of the date and count
//! recognisers: their scans used to be two more passes over every character
//! (and daachorse, used before, walked the terms alone at about the cost of
//! this walk with the leads).
//!
//! The arrays are little-endian words of alignment 1 ([`U32`]), so that a
//! stored automaton (the precompiled default ruleset's) is walked where it
//! lies: decoding its slots word by word was the larger part of a one-notice
//! run. Only the character map is rebuilt on reading, from the class
//! characters.

use std::borrow::Cow;
use std::collections::{BTreeMap, VecDeque};

use zerocopy::little_endian::U32;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::char_filter::decode;

/// An array of the automaton: built, or borrowed from a stored automaton.
pub(super) type Array<T> = Cow<'static, [T]>;

/// A state as the walk carries it: its number, with [`HAS_OUTPUT`] set when a
/// term ends there, and where its row starts in `slots`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Next {
    state: u32,
    base: u32,
}

/// An entry of the double array, as it is stored.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout, Unaligned,
)]
#[repr(C)]
struct Slot {
    /// The state owning this entry ([`EMPTY`] for none).
    check: U32,
    /// The entry's [`Next`].
    state: U32,
    base: U32,
}

impl Slot {
    fn new(check: u32, next: Next) -> Self {
        Slot {
            check: U32::new(check),
            state: U32::new(next.state),
            base: U32::new(next.base),
        }
    }

    #[inline(always)]
    fn next(&self) -> Next {
        Next {
            state: self.state.get(),
            base: self.base.get(),
        }
    }
}

const ROOT: Next = Next { state: 0, base: 0 };
const EMPTY: u32 = u32::MAX;
const HAS_OUTPUT: u32 = 1 << 31;

/// Class bits of a map entry; the bits above them are lead flags.
const CLASS_MASK: u32 = (1 << 24) - 1;
/// The character can start a date ([`super::date`]).
pub const LEAD_DATE: u32 = 1 << 24;
/// The character can start a count ([`super::count`]).
pub const LEAD_COUNT: u32 = 1 << 25;
/// The character can find a negation marker ([`super::negation`]).
pub const LEAD_NEG: u32 = 1 << 26;

/// A free slot tried this often as the place of a row's first entry is not
/// tried again: it keeps the placement search from rescanning the packed start
/// of the array for every row (the slot stays free for other rows' later
/// entries). Without it, building the default ruleset's automaton took 25 ms.
const MAX_TRIES: u8 = 8;

#[derive(Clone, PartialEq, Eq)]
pub struct TermAutomaton {
    /// Class and lead flags of each BMP code point; 0 for a character in no
    /// term and no lead set.
    map: Box<[u32; 0x10000]>,
    /// The same for characters outside the BMP, sorted by code point.
    astral: Vec<(u32, u32)>,
    /// The characters of the classes: class `k` is `chars[k - 1]`.
    chars: Vec<char>,
    slots: Array<Slot>,
    /// Outputs of state `s`: `outputs[out_start[s]..out_start[s + 1]]`, the
    /// term the state spells and every term that is a suffix of it.
    out_start: Array<U32>,
    outputs: Array<U32>,
    /// Byte length of each term.
    lens: Array<U32>,
}

/// What [`TermAutomaton::walk`] finds, each list in order of position.
#[derive(Default)]
pub struct Walked {
    /// `(state, end)` for every character after which the automaton is in a
    /// state where terms end (their ends are all `end`;
    /// [`TermAutomaton::outputs`] lists them).
    pub outputs: Vec<(u32, usize)>,
    /// Positions of the characters flagged [`LEAD_DATE`].
    pub date_leads: Vec<usize>,
    /// Positions of the characters flagged [`LEAD_COUNT`].
    pub count_leads: Vec<usize>,
    /// Positions of the characters flagged [`LEAD_NEG`].
    pub neg_leads: Vec<usize>,
}

impl TermAutomaton {
    /// The automaton of `patterns` (distinct, non-empty), with `leads` (flag,
    /// characters) marked in the character map.
    pub fn new(patterns: &[&str], leads: &[(u32, &[char])]) -> Self {
        // Classes 1.. for the distinct characters of the terms.
        let mut classes: BTreeMap<char, u32> = BTreeMap::new();
        let mut chars = Vec::new();
        for c in patterns.iter().flat_map(|p| p.chars()) {
            classes.entry(c).or_insert_with(|| {
                chars.push(c);
                chars.len() as u32
            });
        }
        let nclasses = chars.len() + 1;
        // The trie; children sorted by class.
        let mut goto: Vec<Vec<(u32, u32)>> = vec![Vec::new()];
        let mut terminal: Vec<Option<u32>> = vec![None];
        for (id, p) in patterns.iter().enumerate() {
            let mut s = 0usize;
            for c in p.chars() {
                let cls = classes[&c];
                s = match goto[s].binary_search_by_key(&cls, |&(l, _)| l) {
                    Ok(i) => goto[s][i].1 as usize,
                    Err(i) => {
                        let t = goto.len() as u32;
                        goto[s].insert(i, (cls, t));
                        goto.push(Vec::new());
                        terminal.push(None);
                        goto.len() - 1
                    }
                };
            }
            terminal[s] = Some(id as u32);
        }
        let n = goto.len();
        let mut root_row = vec![0u32; nclasses];
        for &(c, t) in &goto[0] {
            root_row[c as usize] = t;
        }
        // Breadth first: failure links; each state's row (its children, then
        // its failure state's row where it has no child of that class; the
        // root's row is the dense one, so it is never copied); outputs.
        let mut fail = vec![0u32; n];
        let mut rows: Vec<Vec<(u32, u32)>> = vec![Vec::new(); n];
        let mut outs: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut queue: VecDeque<u32> = goto[0].iter().map(|&(_, t)| t).collect();
        while let Some(s) = queue.pop_front() {
            let s = s as usize;
            let f = fail[s] as usize;
            let mut row = goto[s].clone();
            for &(c, t) in &rows[f] {
                if let Err(i) = row.binary_search_by_key(&c, |&(l, _)| l) {
                    row.insert(i, (c, t));
                }
            }
            let mut out: Vec<u32> = terminal[s].into_iter().collect();
            out.extend_from_slice(&outs[f]);
            outs[s] = out;
            for &(c, t) in &goto[s] {
                // The failure state of a child is where the failure state of
                // `s` goes on the same class (`s` is not the root here).
                fail[t as usize] = match rows[f].binary_search_by_key(&c, |&(l, _)| l) {
                    Ok(i) => rows[f][i].1,
                    Err(_) => root_row[c as usize],
                };
                queue.push_back(t);
            }
            rows[s] = row;
        }
        // Children of the root fail to the root: that was the default above.

        // Double-array placement, longest rows first (the hard ones to fit),
        // each at the first base where all its classes land on free slots.
        // `skip` jumps over slots that are taken or tried too often.
        let mut order: Vec<usize> = (1..n).filter(|&s| !rows[s].is_empty()).collect();
        order.sort_by_key(|&s| std::cmp::Reverse(rows[s].len()));
        // The root's row (base 0) comes first and takes every class.
        let mut owner: Vec<u32> = vec![0; nclasses];
        let mut skip: Vec<usize> = (1..=nclasses).collect();
        let mut tries: Vec<u8> = vec![0; nclasses];
        let mut base = vec![0u32; n];
        for s in order {
            let row = &rows[s];
            let first = row[0].0 as usize;
            let mut p = next_free(&mut skip, first);
            let b = loop {
                let b = p - first;
                if row
                    .iter()
                    .all(|&(c, _)| owner.get(b + c as usize).is_none_or(|&o| o == EMPTY))
                {
                    break b;
                }
                if let Some(t) = tries.get_mut(p) {
                    *t += 1;
                    if *t == MAX_TRIES {
                        skip[p] = p + 1;
                    }
                }
                p = next_free(&mut skip, p + 1);
            };
            let end = b + row.last().map_or(0, |&(c, _)| c as usize) + 1;
            if owner.len() < end {
                skip.extend(owner.len()..end);
                owner.resize(end, EMPTY);
                tries.resize(end, 0);
            }
            for &(c, _) in row {
                let i = b + c as usize;
                owner[i] = s as u32;
                skip[i] = i + 1;
            }
            base[s] = b as u32;
        }
        let next = |t: u32| Next {
            state: t | if outs[t as usize].is_empty() {
                0
            } else {
                HAS_OUTPUT
            },
            base: base[t as usize],
        };
        // Room for every class after every base, so that no lookup falls off.
        let max_base = base.iter().copied().max().unwrap_or(0) as usize;
        owner.resize(owner.len().max(max_base + nclasses), EMPTY);
        let mut slots = vec![Slot::new(EMPTY, ROOT); owner.len()];
        for (c, &t) in root_row.iter().enumerate() {
            slots[c] = Slot::new(next(0).state, next(t));
        }
        for (s, row) in rows.iter().enumerate() {
            for &(c, t) in row {
                slots[base[s] as usize + c as usize] = Slot::new(next(s as u32).state, next(t));
            }
        }
        let mut out_start = Vec::with_capacity(n + 1);
        let mut outputs = Vec::new();
        for out in &outs {
            out_start.push(U32::new(outputs.len() as u32));
            outputs.extend(out.iter().map(|&p| U32::new(p)));
        }
        out_start.push(U32::new(outputs.len() as u32));
        let (map, astral) = char_map(&chars, leads).expect("term characters are distinct");
        TermAutomaton {
            map,
            astral,
            chars,
            slots: Cow::Owned(slots),
            out_start: Cow::Owned(out_start),
            outputs: Cow::Owned(outputs),
            lens: patterns.iter().map(|p| U32::new(p.len() as u32)).collect(),
        }
    }

    /// The automaton as bytes (little-endian `u32` arrays, each after its
    /// length), for [`crate::precompiled`]; the character map is rebuilt on
    /// reading.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let chars: Vec<U32> = self.chars.iter().map(|&c| U32::new(c as u32)).collect();
        put_array(&mut out, &chars);
        put_array(&mut out, &self.slots);
        put_array(&mut out, &self.out_start);
        put_array(&mut out, &self.outputs);
        put_array(&mut out, &self.lens);
        out
    }

    /// The automaton stored by [`TermAutomaton::to_bytes`], with `leads` as in
    /// [`TermAutomaton::new`], its arrays borrowed from `bytes`; `None` unless
    /// `bytes` hold exactly one whose character map, classes and outputs are
    /// sound. A damaged slot is not looked for: the walk stays in bounds
    /// whatever the slots say (see below).
    pub fn from_bytes(mut bytes: &'static [u8], leads: &[(u32, &[char])]) -> Option<Self> {
        let chars: &[U32] = take_array(&mut bytes)?;
        let slots: &[Slot] = take_array(&mut bytes)?;
        let out_start: &[U32] = take_array(&mut bytes)?;
        let outputs: &[U32] = take_array(&mut bytes)?;
        let lens: &[U32] = take_array(&mut bytes)?;
        if !bytes.is_empty() {
            return None;
        }
        let chars: Vec<char> = chars
            .iter()
            .map(|c| char::from_u32(c.get()))
            .collect::<Option<_>>()?;
        let nclasses = chars.len() + 1;
        // The slots (most of the stored bytes) are not checked one by one: the walk
        // reads them with `get` and falls back on the root's row, and whoever maps
        // a state to its outputs does so with `get` too, so a damaged slot gives
        // wrong hits, never a panic. (A pass over them cost a third of starting
        // the binary.)
        let ok = nclasses <= slots.len()
            && out_start.windows(2).all(|w| w[0] <= w[1])
            && out_start.last().map(|n| n.get() as usize) == Some(outputs.len())
            && outputs.iter().all(|p| (p.get() as usize) < lens.len());
        let (map, astral) = char_map(&chars, leads)?;
        ok.then_some(TermAutomaton {
            map,
            astral,
            chars,
            slots: Cow::Borrowed(slots),
            out_start: Cow::Borrowed(out_start),
            outputs: Cow::Borrowed(outputs),
            lens: Cow::Borrowed(lens),
        })
    }

    /// Number of terms.
    pub fn term_count(&self) -> usize {
        self.lens.len()
    }

    /// The terms that end at state `state` (as [`TermAutomaton::walk`]
    /// reports it), longest first, each with its length in bytes.
    pub fn outputs(&self, state: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        let st = state as usize;
        self.outputs[self.out_start[st].get() as usize..self.out_start[st + 1].get() as usize]
            .iter()
            .map(|p| (p.get(), self.lens[p.get() as usize].get()))
    }

    /// Number of states.
    pub fn state_count(&self) -> usize {
        self.out_start.len() - 1
    }

    /// Walks `text`: pushes to `found` every state with outputs the
    /// automaton enters and every character with lead flags (see [`Walked`]).
    ///
    /// The loop is kept small on purpose, and out of line: the callers' work
    /// (one entry per term and per term set) used to be inlined here, and its
    /// live values pushed the automaton's own out of registers, which cost
    /// about as much as the walk itself. What it keeps at hand per character
    /// is the text, the state, the character map and the slots.
    #[inline(never)]
    pub fn walk(&self, text: &str, found: &mut Walked) {
        let bytes = text.as_bytes();
        let map: &[u32; 0x10000] = &self.map;
        let slots = &self.slots[..];
        let mut s = bytes;
        let mut state = ROOT;
        while let Some((cp, rest)) = decode(s) {
            let entry = match map.get(cp as usize) {
                Some(&entry) => entry,
                None => self.astral_entry(cp),
            };
            if entry > CLASS_MASK {
                let at = bytes.len() - s.len();
                if entry & LEAD_DATE != 0 {
                    found.date_leads.push(at);
                }
                if entry & LEAD_COUNT != 0 {
                    found.count_leads.push(at);
                }
                if entry & LEAD_NEG != 0 {
                    found.neg_leads.push(at);
                }
            }
            s = rest;
            // A character in no term has class 0, which no state's row has:
            // its lookup fails the check and takes the root's entry for class
            // 0, the root itself. (A branch for it cost more than it saved.)
            let cls = (entry & CLASS_MASK) as usize;
            state = match slots.get(state.base as usize + cls) {
                Some(slot) if slot.check.get() == state.state => slot.next(),
                _ => slots[cls].next(),
            };
            if state.state & HAS_OUTPUT != 0 {
                found
                    .outputs
                    .push((state.state & !HAS_OUTPUT, bytes.len() - s.len()));
            }
        }
    }

    #[cold]
    fn astral_entry(&self, cp: u32) -> u32 {
        self.astral
            .binary_search_by_key(&cp, |&(c, _)| c)
            .map_or(0, |i| self.astral[i].1)
    }
}

/// Appends `array` to `out` as its length and its little-endian words.
pub(super) fn put_array<T: IntoBytes + Immutable>(out: &mut Vec<u8>, array: &[T]) {
    out.extend((array.len() as u32).to_le_bytes());
    out.extend_from_slice(array.as_bytes());
}

/// The array [`put_array`] wrote at the start of `bytes`, borrowed in place;
/// `bytes` moves past it.
pub(super) fn take_array<T>(bytes: &mut &'static [u8]) -> Option<&'static [T]>
where
    T: FromBytes + Immutable + KnownLayout + Unaligned,
{
    let (len, rest) = bytes.split_first_chunk::<4>()?;
    let len = u32::from_le_bytes(*len) as usize;
    let (array, rest) = <[T]>::ref_from_prefix_with_elems(rest, len).ok()?;
    *bytes = rest;
    Some(array)
}

/// The first slot at or after `i` that `skip` does not jump over (union-find
/// with path halving).
fn next_free(skip: &mut [usize], mut i: usize) -> usize {
    while i < skip.len() && skip[i] != i {
        let next = skip[i];
        if next < skip.len() {
            skip[i] = skip[next];
        }
        i = next;
    }
    i
}

/// The character map: class `k` for `chars[k - 1]`, plus lead flags; `None`
/// if a character repeats (only a damaged stored automaton has that).
type CharMap = (Box<[u32; 0x10000]>, Vec<(u32, u32)>);
fn char_map(chars: &[char], leads: &[(u32, &[char])]) -> Option<CharMap> {
    let mut map: Box<[u32; 0x10000]> = vec![0u32; 0x10000]
        .into_boxed_slice()
        .try_into()
        .expect("0x10000 entries");
    let mut astral: BTreeMap<u32, u32> = BTreeMap::new();
    // Adds `bits` to the entry of `c`; returns the entry as it was.
    let mut set = |c: char, bits: u32| {
        let e = match map.get_mut(c as usize) {
            Some(e) => e,
            None => astral.entry(c as u32).or_default(),
        };
        let old = *e;
        *e |= bits;
        old
    };
    for (k, &c) in chars.iter().enumerate() {
        if set(c, 0) & CLASS_MASK != 0 {
            return None;
        }
        set(c, k as u32 + 1);
    }
    for &(flag, cs) in leads {
        for &c in cs {
            set(c, flag);
        }
    }
    Some((map, astral.into_iter().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::char_filter::token_soup;
    use crate::facts::tests::{for_each_damaged, leaked};

    const LEADS: [(u32, &[char]); 3] = [
        (LEAD_DATE, &['1', '令', '😀']),
        (LEAD_COUNT, &['1', '約']),
        (LEAD_NEG, &['約', 'b']),
    ];

    /// Every (term, start, end) and every (position, flags).
    type Found = (Vec<(u32, usize, usize)>, Vec<(usize, u32)>);

    /// What the automaton should find, found naively.
    fn naive(patterns: &[&str], text: &str) -> Found {
        let mut terms = Vec::new();
        for (end, c) in text.char_indices() {
            let end = end + c.len_utf8();
            for (p, pat) in patterns.iter().enumerate() {
                if text[..end].ends_with(pat) {
                    terms.push((p as u32, end - pat.len(), end));
                }
            }
        }
        let leads = text
            .char_indices()
            .filter_map(|(i, c)| {
                let flags = LEADS
                    .iter()
                    .filter(|(_, cs)| cs.contains(&c))
                    .fold(0, |f, (flag, _)| f | flag);
                (flags != 0).then_some((i, flags))
            })
            .collect();
        (terms, leads)
    }

    fn walked(a: &TermAutomaton, text: &str) -> Found {
        let mut found = Walked::default();
        a.walk(text, &mut found);
        let Walked {
            outputs,
            date_leads,
            count_leads,
            neg_leads,
        } = found;
        // Back to (position, flags).
        let mut leads: Vec<(usize, u32)> = Vec::new();
        for (flag, list) in [
            (LEAD_DATE, date_leads),
            (LEAD_COUNT, count_leads),
            (LEAD_NEG, neg_leads),
        ] {
            for i in list {
                match leads.iter_mut().find(|l| l.0 == i) {
                    Some(l) => l.1 |= flag,
                    None => leads.push((i, flag)),
                }
            }
        }
        leads.sort();
        let mut terms = Vec::new();
        for (st, e) in outputs {
            for (p, len) in a.outputs(st) {
                terms.push((p, e - len as usize, e));
            }
        }
        // The walk reports the terms ending at one position in its own order.
        terms.sort_by_key(|&(p, s, e)| (e, p, s));
        (terms, leads)
    }

    /// Terms that overlap, nest, share prefixes and suffixes, and use
    /// characters of one, two, three and four bytes.
    const PATTERNS: [&str; 14] = [
        "個人情報",
        "個人情報保護委員会",
        "情報",
        "報",
        "委員会",
        "保護",
        "ab",
        "bab",
        "b",
        "é約",
        "約1",
        "😀x",
        "x😀x",
        "令和",
    ];

    #[test]
    fn finds_what_a_naive_search_finds() {
        let a = TermAutomaton::new(&PATTERNS, &LEADS);
        let tokens = [
            "個人",
            "情報",
            "保護",
            "委員会",
            "報",
            "a",
            "b",
            "é",
            "約",
            "1",
            "😀",
            "x",
            "令和",
            "令",
            "和",
            "。",
            "\n",
        ];
        for seed in 0..40 {
            let text = token_soup(&tokens, seed, 200);
            let mut want = naive(&PATTERNS, &text);
            want.0.sort_by_key(|&(p, s, e)| (e, p, s));
            assert_eq!(walked(&a, &text), want, "{text}");
        }
    }

    #[test]
    fn no_terms() {
        let a = TermAutomaton::new(&[], &LEADS);
        assert_eq!(walked(&a, "令和1年 約"), naive(&[], "令和1年 約"));
    }

    #[test]
    fn stored_automaton_walks_the_same() {
        let a = TermAutomaton::new(&PATTERNS, &LEADS);
        let back = TermAutomaton::from_bytes(leaked(&a.to_bytes()), &LEADS).expect("reads back");
        assert!(back == a);
    }

    /// A damaged stored automaton is refused, or walks without a panic.
    #[test]
    fn damaged_bytes_never_panic() {
        let bytes = TermAutomaton::new(&PATTERNS, &LEADS).to_bytes();
        let text = "個人情報保護委員会 bab é約1 😀x😀x 令和";
        for_each_damaged(&bytes, |damaged, cut_short| {
            if let Some(d) = TermAutomaton::from_bytes(damaged, &LEADS) {
                assert!(!cut_short, "a cut-short automaton was accepted");
                d.walk(text, &mut Walked::default());
            }
        });
    }
}
