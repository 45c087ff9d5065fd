//! Facts: typed spans found once per document and shared by every rule.
//!
//! Recognisers run on the normalised text, each a single pass: dates and ranges,
//! counts, contact channels, negated clauses, and every vocabulary term of the
//! ruleset through one Aho-Corasick automaton, whose walk also marks where a date or
//! a count can start. No rule scans the text itself.

mod char_filter;
pub mod contact;
pub mod count;
pub mod date;
pub mod negation;
mod terms;

use std::borrow::Cow;
use std::ops::Range;

use zerocopy::little_endian::U32;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::document::Document;
use crate::ruleset::{Atom, Ruleset};

pub use contact::{ContactFact, ContactKind};
pub use count::{CountFact, Qualifier};
pub use date::{DateFact, DateRangeFact};

use terms::{Array, LEAD_COUNT, LEAD_DATE, LEAD_NEG, TermAutomaton, Walked, put_array, take_array};

/// Every term of every vocabulary and phrase of a ruleset, compiled once, in
/// one automaton that also marks the lead characters of dates and counts (see
/// [`terms`]).
#[derive(Clone)]
pub struct TermMatcher {
    automaton: TermAutomaton,
    set_count: usize,
    /// What a visit to an automaton state adds: for state `s`,
    /// `state_hits[state_hits_start[s]..state_hits_start[s + 1]]` holds a
    /// [`SetHit`] for every term ending there and every set it belongs to.
    /// One flat list per state spares the scan two levels of indirection
    /// (state to terms to sets) per hit.
    state_hits_start: Array<U32>,
    state_hits: Array<SetHit>,
}

/// A term set that a term ending at a state belongs to, and the term's length
/// in bytes; stored like the automaton's arrays (see [`terms`]).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout, Unaligned,
)]
#[repr(C)]
struct SetHit {
    set: U32,
    len: U32,
}

impl std::fmt::Debug for TermMatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TermMatcher")
            .field("patterns", &self.automaton.term_count())
            .field("sets", &self.set_count)
            .finish()
    }
}

/// The lead characters the automaton marks, with their flags.
const LEADS: [(u32, &[char]); 3] = [
    (LEAD_DATE, &date::LEAD_CHARS),
    (LEAD_COUNT, &count::LEAD_CHARS),
    (LEAD_NEG, &negation::LEAD_CHARS),
];

/// What one walk of the term automaton finds.
pub struct TermScan {
    /// Hits per term set, each sorted by start.
    pub terms: Vec<Vec<Range<usize>>>,
    /// Positions of the characters that can start a date, in order.
    pub date_leads: Vec<usize>,
    /// Positions of the characters that can start a count, in order.
    pub count_leads: Vec<usize>,
    /// Positions of the characters that can find a negation marker, in order.
    pub neg_leads: Vec<usize>,
}

impl TermMatcher {
    pub fn new(ruleset: &Ruleset) -> Self {
        let mut patterns: Vec<&str> = Vec::new();
        let mut pattern_sets: Vec<Vec<usize>> = Vec::new();
        let mut index = std::collections::HashMap::new();
        for (set, ts) in ruleset.term_sets.iter().enumerate() {
            for term in &ts.terms {
                let id = *index.entry(term.as_str()).or_insert_with(|| {
                    patterns.push(term.as_str());
                    pattern_sets.push(Vec::new());
                    patterns.len() - 1
                });
                if !pattern_sets[id].contains(&set) {
                    pattern_sets[id].push(set);
                }
            }
        }
        // Patterns are distinct and non-empty (the compiler rejects empty terms), which
        // is all the automaton asks of them.
        let automaton = TermAutomaton::new(&patterns, &LEADS);
        let mut state_hits_start = Vec::with_capacity(automaton.state_count() + 1);
        let mut state_hits = Vec::new();
        for state in 0..automaton.state_count() as u32 {
            state_hits_start.push(U32::new(state_hits.len() as u32));
            for (pattern, len) in automaton.outputs(state) {
                for &set in &pattern_sets[pattern as usize] {
                    state_hits.push(SetHit {
                        set: U32::new(set as u32),
                        len: U32::new(len),
                    });
                }
            }
        }
        state_hits_start.push(U32::new(state_hits.len() as u32));
        TermMatcher {
            automaton,
            set_count: ruleset.term_sets.len(),
            state_hits_start: Cow::Owned(state_hits_start),
            state_hits: Cow::Owned(state_hits),
        }
    }

    /// The matcher as bytes, for [`crate::precompiled`]: the number of term
    /// sets, the state-to-hits table, then the automaton.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = (self.set_count as u32).to_le_bytes().to_vec();
        put_array(&mut bytes, &self.state_hits_start);
        put_array(&mut bytes, &self.state_hits);
        bytes.extend(self.automaton.to_bytes());
        bytes
    }

    /// The matcher stored by [`TermMatcher::to_bytes`], its tables borrowed
    /// from `bytes`, if they hold one for a ruleset with as many term sets as
    /// `ruleset` whose state-to-hits table is sound (the automaton's slots are
    /// not checked: see [`TermAutomaton::from_bytes`]).
    pub fn from_bytes(bytes: &'static [u8], ruleset: &Ruleset) -> Option<Self> {
        let (set_count, mut rest) = bytes.split_first_chunk::<4>()?;
        let set_count = u32::from_le_bytes(*set_count) as usize;
        let start: &[U32] = take_array(&mut rest)?;
        let hits: &[SetHit] = take_array(&mut rest)?;
        let automaton = TermAutomaton::from_bytes(rest, &LEADS)?;
        (set_count == ruleset.term_sets.len()
            && start.len() == automaton.state_count() + 1
            && start.windows(2).all(|w| w[0] <= w[1])
            && start.last().map(|n| n.get() as usize) == Some(hits.len())
            && hits.iter().all(|h| (h.set.get() as usize) < set_count))
        .then_some(TermMatcher {
            automaton,
            set_count,
            state_hits_start: Cow::Borrowed(start),
            state_hits: Cow::Borrowed(hits),
        })
    }

    /// Hits per term set, each sorted by start. Overlapping matches are all kept, so
    /// that 「個人情報保護委員会」 is both a regulator and, say, contains 「個人情報」.
    pub fn find(&self, text: &str) -> Vec<Vec<Range<usize>>> {
        self.scan(text, 0).terms
    }

    /// The term hits of [`TermMatcher::find`] and, from the same walk, the
    /// positions of the lead characters of dates, counts and negations. The
    /// hits are shifted by `offset` (where `text` starts in the document);
    /// the lead positions are in `text`.
    pub fn scan(&self, text: &str, offset: usize) -> TermScan {
        // Room for a lead every 24 bytes (eight kanji), about what notices
        // have, so that the vectors rarely grow; the same for the states
        // with outputs, which notices pass about every 15 bytes.
        let mut found = Walked {
            outputs: Vec::with_capacity(text.len() / 12),
            date_leads: Vec::with_capacity(text.len() / 24),
            count_leads: Vec::with_capacity(text.len() / 24),
            neg_leads: Vec::with_capacity(text.len() / 24),
        };
        self.automaton.walk(text, &mut found);
        let Walked {
            outputs: visits,
            date_leads,
            count_leads,
            neg_leads,
        } = found;
        // The hits of each set, in two passes over the visits: count them,
        // then fill vectors of exactly that size (growing a vector per set
        // hit by hit cost more than the walk).
        // By `get`: a damaged stored automaton can name a state past the table
        // (its slots are not checked when it is read), which has no hits.
        let hits = |state: u32| -> &[SetHit] {
            let st = state as usize;
            match (
                self.state_hits_start.get(st),
                self.state_hits_start.get(st + 1),
            ) {
                (Some(first), Some(end)) => self
                    .state_hits
                    .get(first.get() as usize..end.get() as usize)
                    .unwrap_or(&[]),
                _ => &[],
            }
        };
        let mut counts = vec![0u32; self.set_count];
        for &(state, _) in &visits {
            for hit in hits(state) {
                counts[hit.set.get() as usize] += 1;
            }
        }
        // Most sets have no hit in a notice: they skip the allocator's size
        // checks.
        let mut terms: Vec<Vec<Range<usize>>> = counts
            .iter()
            .map(|&n| match n {
                0 => Vec::new(),
                n => Vec::with_capacity(n as usize),
            })
            .collect();
        for &(state, end) in &visits {
            for &SetHit { set, len } in hits(state) {
                let (set, len) = (set.get(), len.get());
                // A stored automaton's term lengths are not checked against
                // anything, so a damaged one could claim a term longer than
                // the text before it.
                let hit = end.saturating_sub(len as usize) + offset..end + offset;
                // The walk reports hits in order of end; keep each set in
                // order of start (then end) by insertion. A hit only moves
                // past the hits of its own set that end inside it, so this is
                // a step or two at most, and usually none. (Two hits of a set
                // never share both start and end: distinct terms ending at
                // the same place differ in length, and a term is in a set
                // once.)
                let v = &mut terms[set as usize];
                match v.last() {
                    Some(last) if last.start > hit.start => {
                        let i = v.partition_point(|h| h.start <= hit.start);
                        v.insert(i, hit);
                    }
                    _ => v.push(hit),
                }
            }
        }
        TermScan {
            terms,
            date_leads,
            count_leads,
            neg_leads,
        }
    }
}

/// Which recognisers a ruleset needs: a ruleset without counts does not pay for them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Needs {
    pub dates: bool,
    pub ranges: bool,
    pub counts: bool,
    pub contacts: bool,
}

impl Needs {
    pub fn of(ruleset: &Ruleset) -> Self {
        let mut n = Needs::default();
        for a in &ruleset.atoms {
            match a {
                Atom::Date(_) => n.dates = true,
                Atom::DateRange(_) => {
                    n.dates = true;
                    n.ranges = true;
                }
                Atom::Count(_) => n.counts = true,
                Atom::Phone | Atom::Email | Atom::Url => n.contacts = true,
                Atom::Terms(_) => {}
            }
        }
        n
    }
}

#[derive(Debug, Default)]
pub struct Facts {
    pub dates: Vec<DateFact>,
    pub ranges: Vec<DateRangeFact>,
    pub counts: Vec<CountFact>,
    pub contacts: Vec<ContactFact>,
    /// Clauses whose predicate is negated (sorted, non-overlapping).
    pub negated: Vec<Range<usize>>,
    /// Vocabulary and phrase hits, per term set of the ruleset.
    pub terms: Vec<Vec<Range<usize>>>,
}

impl Facts {
    /// The facts of `doc`, read from byte `from` on: the bytes before it are an
    /// excluded opening section (an archive's metadata block), which no rule reads,
    /// so no recogniser needs to either. Spans are positions in the whole text.
    pub fn find(doc: &Document, matcher: &TermMatcher, needs: Needs, from: usize) -> Facts {
        let from = doc.norm.floor_char_boundary(from);
        let text = &doc.norm[from..];
        // The terms, and the characters that can start a date or a count or
        // find a negation marker, in one walk over the text.
        let TermScan {
            terms,
            date_leads,
            count_leads,
            mut neg_leads,
        } = matcher.scan(text, from);
        let mut dates = if needs.dates {
            date::find_dates_at(text, &date_leads)
        } else {
            Vec::new()
        };
        let mut ranges = if needs.ranges {
            date::find_date_ranges(text, &dates)
        } else {
            Vec::new()
        };
        let mut counts = if needs.counts {
            count::find_counts_at(text, &count_leads)
        } else {
            Vec::new()
        };
        let mut contacts = if needs.contacts {
            contact::find_contacts(text)
        } else {
            Vec::new()
        };
        if from > 0 {
            let shift = |r: &mut Range<usize>| *r = r.start + from..r.end + from;
            for d in &mut dates {
                shift(&mut d.span);
            }
            for r in &mut ranges {
                shift(&mut r.span);
                for d in [&mut r.start, &mut r.end].into_iter().flatten() {
                    shift(&mut d.span);
                }
            }
            counts.iter_mut().for_each(|c| shift(&mut c.span));
            contacts.iter_mut().for_each(|c| shift(&mut c.span));
        }
        // Negated clauses are found in the whole text (a clause may start
        // before `from`).
        neg_leads.iter_mut().for_each(|p| *p += from);
        let negated = negation::find_negated_clauses_at(
            &doc.norm,
            &doc.structure.sentences,
            from,
            &neg_leads,
        );
        Facts {
            counts,
            contacts,
            negated,
            terms,
            dates,
            ranges,
        }
    }

    /// Whether a span lies inside a negated clause.
    pub fn is_negated(&self, span: &Range<usize>) -> bool {
        let i = self.negated.partition_point(|r| r.end <= span.start);
        self.negated
            .get(i)
            .is_some_and(|r| r.start <= span.start && span.end <= r.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruleset::{compile, load_source};

    /// Two vocabularies whose terms nest and overlap across them.
    fn ruleset() -> Ruleset {
        let yaml = "ruleset: t\nvocab:\n  data: [個人情報, 情報, 氏名]\n  body: [個人情報保護委員会, 委員会, 報告]\nconcepts:\n  d: data\n  b: body\nchecklist: |\n  must state d\n  must state b\n";
        compile(load_source("t.yaml", yaml).unwrap()).unwrap()
    }

    const TEXT: &str = "個人情報保護委員会に報告しました。氏名と個人情報が含まれます。";

    /// A copy of `bytes` that lives as long as the program, as the stored
    /// matcher and automaton borrow theirs (the embedded files do).
    pub(super) fn leaked(bytes: &[u8]) -> &'static [u8] {
        bytes.to_vec().leak()
    }

    /// Calls `f` with every damaged copy of `bytes` (leaked, see [`leaked`]):
    /// each prefix cut short (`true`), then each copy with one byte flipped by
    /// 0x01, 0x80 or 0xFF (`false`).
    pub(super) fn for_each_damaged(bytes: &[u8], mut f: impl FnMut(&'static [u8], bool)) {
        for cut in 0..bytes.len() {
            f(leaked(&bytes[..cut]), true);
        }
        for i in 0..bytes.len() {
            for flip in [0x01, 0x80, 0xFF] {
                let mut damaged = bytes.to_vec();
                damaged[i] ^= flip;
                f(leaked(&damaged), false);
            }
        }
    }

    #[test]
    fn stored_matcher_finds_what_the_built_one_finds() {
        let rs = ruleset();
        let built = TermMatcher::new(&rs);
        let found = built.find(TEXT);
        assert!(found.iter().all(|hits| !hits.is_empty()), "{found:?}");
        let stored = TermMatcher::from_bytes(leaked(&built.to_bytes()), &rs).expect("reads back");
        assert_eq!(stored.find(TEXT), found);
    }

    /// A stored matcher cut short is refused; a damaged one is refused or scans
    /// without a panic (its tables are read within bounds, not checked for meaning).
    #[test]
    fn damaged_stored_matcher_never_panics() {
        let rs = ruleset();
        let bytes = TermMatcher::new(&rs).to_bytes();
        for_each_damaged(&bytes, |damaged, cut_short| {
            if let Some(m) = TermMatcher::from_bytes(damaged, &rs) {
                assert!(!cut_short, "a cut-short matcher was accepted");
                m.find(TEXT);
            }
        });
    }
}
