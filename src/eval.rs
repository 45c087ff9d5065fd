//! Evaluation of compiled conditions over one document's facts.
//!
//! Every atom's hits are gathered once per document (sorted spans with their
//! polarity); a condition is then evaluated over a byte range of the normalised
//! text by binary search into those lists, so no rule re-reads the text.

use std::cell::OnceCell;
use std::ops::Range;

use crate::document::{BlockKind, Document};
use crate::facts::{self, ContactKind, Facts};
use crate::ruleset::dsl::FilterOp;
use crate::ruleset::{
    Atom, Cond, CountFilter, DateFilter, Polarity, Qualifier, Ruleset, Scope, Titles, UnitFilter,
};

/// Evidence of a condition that holds: spans in the normalised text (maybe none).
pub type Evidence = Vec<Range<usize>>;

#[derive(Debug, Clone)]
struct Hit {
    span: Range<usize>,
    negated: bool,
    /// Per [`UnitKind`], the index of the unit whose span contains the hit's start
    /// ([`NO_UNIT`] when none does).
    unit: [u32; 2],
}

const NO_UNIT: u32 = u32::MAX;

/// The units `sentence(…)` and `paragraph(…)` look into.
#[derive(Debug, Clone, Copy)]
enum UnitKind {
    Sentence = 0,
    Paragraph = 1,
}

/// Sentences or paragraphs of the notice (outside excluded sections), with the
/// atoms that have a hit inside each.
struct Units {
    spans: Vec<Range<usize>>,
    /// Per unit, `2 × words` bits: the atoms with an affirmed hit inside the unit,
    /// then the atoms with a negated one (see [`UnitFilter`]).
    bits: Vec<u64>,
}

/// What a caller needs of a condition: its evidence, or only whether it holds (under
/// a `not`, a `when`), which lets `or` and the scopes stop at the first that holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    Evidence,
    Truth,
}

/// Characters of the first line that a "missing" diagnostic underlines at most.
const HEAD_LABEL_CHARS: usize = 60;

pub struct Evaluator<'a> {
    doc: &'a Document,
    /// Every atom's hits (outside excluded sections), atom after atom, each atom's
    /// sorted by start: one allocation per notice instead of one per atom.
    hits: Vec<Hit>,
    /// Per atom, its slice of `hits`.
    atom_hits: Vec<Range<usize>>,
    /// Per [`UnitKind`].
    units: [Units; 2],
    /// u64 words of one polarity's atom bits in [`Units::bits`].
    words: usize,
    /// (title, heading span, section span) of sections not excluded.
    sections: Vec<(&'a str, Range<usize>, Range<usize>)>,
    titles: &'a TitleMatcher,
    index: &'a EvalIndex,
    /// [`Ruleset::concepts`], which [`Cond::Concept`] refers to.
    concepts: &'a [Cond],
    /// Per section, the heading words its title contains ([`TitleMatcher::words_in`]).
    section_words: Vec<u64>,
    /// The part of the text that is the notice (excluded sections removed).
    pub body: Range<usize>,
    /// [`Evaluator::head`], once asked for.
    head: OnceCell<Range<usize>>,
}

/// Spans of the sections the ruleset excludes (`exclude_sections`).
pub fn excluded_sections(doc: &Document, ruleset: &Ruleset) -> Vec<Range<usize>> {
    doc.structure
        .sections
        .iter()
        .filter(|s| {
            ruleset
                .exclude_sections
                .iter()
                .any(|x| title_has(&s.title, x))
        })
        .map(|s| s.span.clone())
        .collect()
}

/// The heading words of a notice's section titles ([`TitleMatcher::words_in`]) and
/// the spans of the sections the ruleset excludes, found from them: every title is
/// read once.
pub struct SectionTitles {
    /// Per section of the document, `TitleMatcher::words` u64s.
    words: Vec<u64>,
    pub excluded: Vec<Range<usize>>,
}

/// Where the notice starts: after the excluded sections that open the document.
pub fn body_start_after(excluded: &[Range<usize>]) -> usize {
    let mut start = 0;
    for x in excluded {
        if x.start <= start {
            start = start.max(x.end);
        }
    }
    start
}

/// Where the notice starts in `doc` under `ruleset` (see [`Evaluator::body`]).
pub fn body_start(doc: &Document, ruleset: &Ruleset) -> usize {
    body_start_after(&excluded_sections(doc, ruleset))
}

impl<'a> Evaluator<'a> {
    /// The evaluator of `doc`, whose facts are `facts` and section titles `found`
    /// ([`EvalIndex::section_titles`]).
    pub fn new(
        doc: &'a Document,
        facts: &Facts,
        ruleset: &'a Ruleset,
        index: &'a EvalIndex,
        found: &SectionTitles,
    ) -> Self {
        let excluded = &found.excluded[..];
        let titles = &index.titles;
        let [in_sentences, in_paragraphs] = &index.unit_atoms;
        // Past the last excluded section (where most of a notice is, the excluded
        // ones opening it), one comparison tells.
        let excluded_end = excluded.iter().map(|x| x.end).max().unwrap_or(0);
        let outside = |r: &Range<usize>| {
            r.start >= excluded_end
                || !excluded
                    .iter()
                    .any(|x| x.start <= r.start && r.start < x.end)
        };
        // Sized for all the document's units, so that they are not regrown.
        let mut sentences = Vec::with_capacity(doc.structure.sentences.len());
        sentences.extend(
            doc.structure
                .sentences
                .iter()
                .filter(|s| outside(s))
                .cloned(),
        );
        let mut paragraphs = Vec::with_capacity(doc.structure.blocks.len());
        paragraphs.extend(
            doc.structure
                .blocks
                .iter()
                .filter(|b| b.kind != BlockKind::Heading && outside(&b.span))
                .map(|b| b.span.clone()),
        );
        let len = doc.norm.len();
        let words = ruleset.atoms.len().div_ceil(64);
        let mut sentences = UnitIndex::new(sentences, words, len);
        let mut paragraphs = UnitIndex::new(paragraphs, words, len);
        // At most every fact of each atom's kind (every term hit once, as term
        // sets are each one atom's): one allocation, no regrowth, without a walk
        // over the atoms.
        let [dates, ranges, counts, contacts] = index.fact_atoms;
        let most = facts.terms.iter().map(Vec::len).sum::<usize>()
            + facts.dates.len() * dates
            + facts.ranges.len() * ranges
            + facts.counts.len() * counts
            + facts.contacts.len() * contacts;
        let mut hits: Vec<Hit> = Vec::with_capacity(most);
        let mut atom_hits = Vec::with_capacity(ruleset.atoms.len());
        // A term of several vocabularies is a hit of each: the negated clause of a
        // hit is found like its units, a step or two from its bucket's first
        // clause, not by a binary search over all clauses per hit.
        let negated_clauses = NegatedIndex::new(&facts.negated, len);
        // The spans of an atom other than a vocabulary (dates, counts, contacts
        // that pass its filter), gathered so that the hits of every atom are
        // recorded by the one loop below, inlined, not by a closure called per hit.
        let mut gathered: Vec<Range<usize>> = Vec::new();
        for (id, &set) in index.term_sets.iter().enumerate() {
            let first = hits.len();
            let spans: &[Range<usize>] = if set != NOT_TERMS {
                facts.terms.get(set as usize).map_or(&[], Vec::as_slice)
            } else {
                gathered.clear();
                for_each_atom_span(&ruleset.atoms[id], facts, |span| {
                    gathered.push(span.clone())
                });
                &gathered
            };
            // Most vocabularies have no hit in a notice.
            if spans.is_empty() {
                atom_hits.push(first..first);
                continue;
            }
            let (in_sentence, in_paragraph) = (in_sentences[id], in_paragraphs[id]);
            for span in spans.iter().filter(|&span| outside(span)) {
                let negated = negated_clauses.contains(span);
                hits.push(Hit {
                    unit: [
                        if in_sentence {
                            sentences.add(id, span, negated)
                        } else {
                            NO_UNIT
                        },
                        if in_paragraph {
                            paragraphs.add(id, span, negated)
                        } else {
                            NO_UNIT
                        },
                    ],
                    negated,
                    span: span.clone(),
                });
            }
            let mine = &mut hits[first..];
            if !mine.is_sorted_by_key(|h| (h.span.start, h.span.end)) {
                mine.sort_by_key(|h| (h.span.start, h.span.end));
            }
            atom_hits.push(first..hits.len());
        }
        let w = titles.words;
        let mut sections = Vec::with_capacity(doc.structure.sections.len());
        let mut section_words = Vec::with_capacity(doc.structure.sections.len() * w);
        for (i, s) in doc.structure.sections.iter().enumerate() {
            if outside(&s.heading) {
                sections.push((s.title.as_str(), s.heading.clone(), s.span.clone()));
                section_words.extend_from_slice(&found.words[w * i..w * (i + 1)]);
            }
        }
        let start = body_start_after(excluded);
        Evaluator {
            doc,
            hits,
            atom_hits,
            units: [sentences.units, paragraphs.units],
            words,
            sections,
            titles,
            index,
            concepts: &ruleset.concepts,
            section_words,
            body: start..len,
            head: OnceCell::new(),
        }
    }

    /// Whether the title of section `i` contains one of `titles`' words.
    fn titled(&self, i: usize, titles: &Titles) -> bool {
        let w = self.titles.words;
        let words = &self.section_words[w * i..w * (i + 1)];
        self.titles.matches(titles, words, self.sections[i].0)
    }

    pub fn doc(&self) -> &Document {
        self.doc
    }

    fn atom(&self, id: usize) -> &[Hit] {
        &self.hits[self.atom_hits[id].clone()]
    }

    /// Evaluate over the whole notice.
    pub fn eval_body(&self, cond: &Cond) -> Option<Evidence> {
        self.eval(cond, 0..self.doc.norm.len(), Polarity::Affirmed)
    }

    /// The heading span of the first section whose title contains one of the words
    /// of check number `check`'s `section:` list, which are `words`. The titles'
    /// words are known (`section_words`): a few bit tests per section, where a
    /// search of each title for each word cost more than the rest of diagnosing.
    pub fn section_heading(&self, check: usize, words: &[String]) -> Option<Range<usize>> {
        let id = self.index.first_check_list + check;
        let w = self.titles.words;
        (0..self.sections.len())
            .find(|&i| {
                let title_words = &self.section_words[w * i..w * (i + 1)];
                self.titles
                    .list_matches(id, words, title_words, self.sections[i].0)
            })
            .map(|i| self.sections[i].1.clone())
    }

    /// The first line of the notice body, where "missing" diagnostics point by default.
    pub fn head(&self) -> Range<usize> {
        // Asked once per missing item: found once per notice.
        self.head.get_or_init(|| self.find_head()).clone()
    }

    fn find_head(&self) -> Range<usize> {
        let text = &self.doc.norm;
        let mut start = self.body.start;
        // Skip blank lines.
        while start < text.len() && text.as_bytes()[start].is_ascii_whitespace() {
            start += 1;
        }
        let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
        // The label marks where the item belongs, not the whole line: a notice
        // without line breaks would otherwise underline all of it.
        let end = text[start..end]
            .char_indices()
            .nth(HEAD_LABEL_CHARS)
            .map_or(end, |(i, _)| start + i);
        start..end
    }

    /// The evidence of `cond` over `range`, or `None` when it does not hold. `cond`
    /// must be a condition of the ruleset the evaluator was made for: the unit
    /// index holds only the atoms its filters name.
    fn eval(&self, cond: &Cond, range: Range<usize>, pol: Polarity) -> Option<Evidence> {
        let mut ev = Vec::new();
        self.eval_into(cond, range, pol, Need::Evidence, &mut ev)
            .then_some(ev)
    }

    /// Whether `cond` holds over the whole notice, its evidence unneeded (a `when`).
    pub fn holds_body(&self, cond: &Cond) -> bool {
        let range = 0..self.doc.norm.len();
        self.eval_into(
            cond,
            range,
            Polarity::Affirmed,
            Need::Truth,
            &mut Vec::new(),
        )
    }

    /// Whether `cond` holds over `range`; when it does, its evidence is appended to
    /// `out` (unless only the truth is needed: then `out` may hold anything past its
    /// length on entry, for the caller to drop), otherwise `out` is left as it was.
    /// Every node appends to the one buffer (and tidies its own part of it) instead
    /// of returning a vector of its own: the checklist evaluates thousands of nodes
    /// per notice, most of which fail.
    fn eval_into(
        &self,
        cond: &Cond,
        range: Range<usize>,
        pol: Polarity,
        need: Need,
        out: &mut Evidence,
    ) -> bool {
        // The common nodes are evaluated here; the larger ones each in a function
        // of their own, so that this one, entered hundreds of times per notice,
        // stays small enough to keep its variables in registers (inlined, they
        // made every call save and restore a large frame).
        let mark = out.len();
        let truth = need == Need::Truth;
        match cond {
            Cond::Atom(id) => self.atom_into(*id, range, pol, need, out),
            Cond::And(parts) => {
                for p in parts {
                    if !self.operand_into(p, range.clone(), pol, need, out) {
                        out.truncate(mark);
                        return false;
                    }
                }
                if !truth {
                    tidy_from(out, mark);
                }
                true
            }
            Cond::Or(parts) => {
                let mut holds = false;
                for p in parts {
                    holds |= self.operand_into(p, range.clone(), pol, need, out);
                    // Evidence is gathered from every alternative; the truth is
                    // known at the first that holds.
                    if holds && truth {
                        return true;
                    }
                }
                if holds {
                    tidy_from(out, mark);
                }
                holds
            }
            Cond::Not(inner) => {
                // The inner evidence would be dropped: only its truth is needed.
                let inner_holds = self.operand_into(inner, range, pol, Need::Truth, out);
                out.truncate(mark);
                !inner_holds
            }
            Cond::Polarity(p, inner) => self.operand_into(inner, range, *p, need, out),
            // An atom operand without hits (the rarer side, mostly) fails before
            // anything else is evaluated.
            Cond::Near(a, b, within, ordered) => {
                !self.has_no_hits(a)
                    && !self.has_no_hits(b)
                    && self.near_into(a, b, *within, *ordered, range, pol, truth, out)
            }
            Cond::Except(a, b) => !self.has_no_hits(a) && self.except_into(a, b, range, pol, out),
            Cond::Heading(titles) => self.heading_into(titles, range, out),
            Cond::Within(scope, inner, filter) => {
                !self.lacks_needed_atom(scope, filter)
                    && self.within_into(scope, inner, filter, range, pol, need, out)
            }
            // The tree a reference stands for holds exactly where it would inlined.
            Cond::Concept(_) => self.eval_into(cond.resolve(self.concepts), range, pol, need, out),
        }
    }

    /// [`Evaluator::eval_into`] of a node's operand: an atom (most operands are)
    /// is evaluated here, without a call.
    #[inline(always)]
    fn operand_into(
        &self,
        cond: &Cond,
        range: Range<usize>,
        pol: Polarity,
        need: Need,
        out: &mut Evidence,
    ) -> bool {
        match cond {
            Cond::Atom(id) => self.atom_into(*id, range, pol, need, out),
            _ => self.eval_into(cond, range, pol, need, out),
        }
    }

    /// [`Cond::Atom`] for [`Evaluator::eval_into`]: the atom's hits in `range`.
    #[inline(always)]
    fn atom_into(
        &self,
        id: usize,
        range: Range<usize>,
        pol: Polarity,
        need: Need,
        out: &mut Evidence,
    ) -> bool {
        let hits = self.atom(id);
        let first = hits.partition_point(|h| h.span.start < range.start);
        let mut found = hits[first..]
            .iter()
            .take_while(|h| h.span.start < range.end)
            .filter(|h| h.span.end <= range.end)
            .filter(|h| match pol {
                Polarity::Affirmed => !h.negated,
                Polarity::Negated => h.negated,
                Polarity::Any => true,
            })
            .map(|h| h.span.clone());
        if need == Need::Truth {
            return found.next().is_some();
        }
        let mark = out.len();
        out.extend(found);
        out.len() > mark
    }

    /// [`Cond::Near`] for [`Evaluator::eval_into`].
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn near_into(
        &self,
        a: &Cond,
        b: &Cond,
        within: u32,
        ordered: bool,
        range: Range<usize>,
        pol: Polarity,
        truth: bool,
        out: &mut Evidence,
    ) -> bool {
        let mark = out.len();
        // Pairs are made of both sides' evidence, needed either way.
        if !self.operand_into(a, range.clone(), pol, Need::Evidence, out) {
            return false;
        }
        let split = out.len();
        if !self.operand_into(b, range, pol, Need::Evidence, out) {
            out.truncate(mark);
            return false;
        }
        let end = out.len();
        out[split..end].sort_by_key(|r| r.start);
        let within = within as usize;
        // A character is at most 4 bytes: spans further apart than this many
        // bytes cannot be `within` characters apart.
        let reach = 4 * within + 4;
        let longest_b = out[split..end]
            .iter()
            .map(|y| y.end - y.start)
            .max()
            .unwrap_or(0);
        // Pairs are appended after both sides' evidence, which is then removed.
        for i in mark..split {
            let x = out[i].clone();
            let from = x.start.saturating_sub(reach + longest_b);
            let first = split + out[split..end].partition_point(|y| y.start < from);
            for j in first..end {
                let y = out[j].clone();
                if y.start > x.end + reach {
                    break;
                }
                if ordered && x.end > y.start {
                    continue;
                }
                if self.char_gap(&x, &y) <= within {
                    if truth {
                        return true;
                    }
                    out.push(x.start.min(y.start)..x.end.max(y.end));
                }
            }
        }
        out.drain(mark..end);
        if out.len() == mark {
            return false;
        }
        tidy_from(out, mark);
        true
    }

    /// [`Cond::Except`] for [`Evaluator::eval_into`].
    #[inline(never)]
    fn except_into(
        &self,
        a: &Cond,
        b: &Cond,
        range: Range<usize>,
        pol: Polarity,
        out: &mut Evidence,
    ) -> bool {
        let mark = out.len();
        // Which passages of `a` survive depends on both sides' evidence.
        if !self.operand_into(a, range.clone(), pol, Need::Evidence, out) {
            return false;
        }
        let split = out.len();
        // A left side without evidence (`not x`) has no passage to exclude.
        if split == mark || !self.operand_into(b, range, pol, Need::Evidence, out) {
            return true;
        }
        // Both sides' evidence is sorted by start (atoms' hits are, every
        // other node tidies its own): one merge-like walk keeps the left
        // spans that overlap no right span.
        let end = out.len();
        debug_assert!(out[mark..split].is_sorted_by_key(|r| r.start));
        debug_assert!(out[split..end].is_sorted_by_key(|r| r.start));
        let mut kept = mark;
        let mut j = split;
        for i in mark..split {
            let x = out[i].clone();
            while j < end && out[j].end <= x.start {
                j += 1;
            }
            let overlaps = j < end && out[j].start < x.end;
            if !overlaps {
                out[kept] = x;
                kept += 1;
            }
        }
        out.truncate(kept);
        kept > mark
    }

    /// [`Cond::Heading`] for [`Evaluator::eval_into`].
    #[inline(never)]
    fn heading_into(&self, titles: &Titles, range: Range<usize>, out: &mut Evidence) -> bool {
        let mark = out.len();
        for i in (0..self.sections.len()).filter(|&i| self.titled(i, titles)) {
            let h = &self.sections[i].1;
            if h.start >= range.start && h.end <= range.end {
                out.push(h.clone());
            }
        }
        out.len() > mark
    }

    /// Whether `cond` is an atom without hits in the notice.
    #[inline(always)]
    fn has_no_hits(&self, cond: &Cond) -> bool {
        matches!(cond, Cond::Atom(id) if self.atom_hits[*id].is_empty())
    }

    /// Whether a `sentence(…)` or `paragraph(…)` needs an atom the notice has no hit
    /// of: most do, and it is known before anything is set up (tested in
    /// [`Evaluator::eval_into`], so that they cost no call).
    #[inline(always)]
    fn lacks_needed_atom(&self, scope: &Scope, filter: &UnitFilter) -> bool {
        matches!(scope, Scope::Sentence | Scope::Paragraph)
            && filter
                .all_of
                .iter()
                .any(|&(id, _)| self.atom_hits[id].is_empty())
    }

    /// [`Cond::Within`] for [`Evaluator::eval_into`], once [`Evaluator::lacks_needed_atom`]
    /// has said it can hold.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn within_into(
        &self,
        scope: &Scope,
        inner: &Cond,
        filter: &UnitFilter,
        range: Range<usize>,
        pol: Polarity,
        need: Need,
        out: &mut Evidence,
    ) -> bool {
        let mark = out.len();
        let truth = need == Need::Truth;
        let mut holds = false;
        // Returns whether the search can stop (the truth is known).
        let mut visit = |r: Range<usize>, out: &mut Evidence| {
            let r = r.start.max(range.start)..r.end.min(range.end);
            if r.start >= r.end {
                return false;
            }
            let unit_mark = out.len();
            if !self.operand_into(inner, r.clone(), pol, need, out) {
                return false;
            }
            holds = true;
            if truth {
                return true;
            }
            // The passage that holds, from its first to its last evidence.
            let found = &out[unit_mark..];
            let passage = match (
                found.iter().map(|s| s.start).min(),
                found.iter().map(|s| s.end).max(),
            ) {
                (Some(s), Some(t)) => s..t,
                _ => r,
            };
            out.truncate(unit_mark);
            out.push(passage);
            false
        };
        match scope {
            Scope::Sentence => {
                self.for_each_unit(UnitKind::Sentence, filter, &range, pol, out, &mut visit)
            }
            Scope::Paragraph => {
                self.for_each_unit(UnitKind::Paragraph, filter, &range, pol, out, &mut visit)
            }
            Scope::Section(titles) => {
                for i in (0..self.sections.len()).filter(|&i| self.titled(i, titles)) {
                    if visit(self.sections[i].2.clone(), out) {
                        break;
                    }
                }
            }
        }
        if holds && !truth {
            tidy_from(out, mark);
        }
        holds
    }

    /// Visit, in order, the units (sentences, paragraphs) of `range` where a
    /// condition with `filter` can hold, until `visit` says to stop.
    ///
    /// Candidates are the units holding a hit of the rarest atom the condition needs
    /// (a handful instead of every sentence of the notice); each is then tested
    /// against the atoms present in it, so that the condition is evaluated only where
    /// all it needs is there and nothing that rules it out.
    fn for_each_unit(
        &self,
        kind: UnitKind,
        filter: &UnitFilter,
        range: &Range<usize>,
        pol: Polarity,
        out: &mut Evidence,
        visit: &mut impl FnMut(Range<usize>, &mut Evidence) -> bool,
    ) {
        let units = &self.units[kind as usize];
        let rarest = filter
            .all_of
            .iter()
            .map(|&(id, _)| id)
            .min_by_key(|&id| self.atom_hits[id].len());
        // The units of the range; all of them when it is the whole notice, as it
        // mostly is.
        let (lo, hi) = match (units.spans.first(), units.spans.last()) {
            (Some(first), Some(last)) if range.start <= first.start && last.end <= range.end => {
                (0, units.spans.len())
            }
            _ => {
                let lo = units.spans.partition_point(|u| u.end <= range.start);
                (
                    lo,
                    lo + units.spans[lo..].partition_point(|u| u.start < range.end),
                )
            }
        };
        // Returns whether to stop.
        let mut try_unit = |i: usize, out: &mut Evidence| {
            let span = &units.spans[i];
            // The bits describe the whole unit: they decide only when the range
            // does not cut it.
            let whole = range.start <= span.start && span.end <= range.end;
            (!whole || self.unit_passes(units, i, filter, pol)) && visit(span.clone(), out)
        };
        if let Some(id) = rarest {
            // Hits are sorted by start, so their units come in order.
            let mut last = NO_UNIT;
            for h in self.atom(id) {
                let u = h.unit[kind as usize];
                if u != last && u != NO_UNIT && (lo..hi).contains(&(u as usize)) {
                    last = u;
                    if try_unit(u as usize, out) {
                        return;
                    }
                }
            }
        } else if !filter.any_of.is_empty() {
            let mut picked: Vec<u32> = Vec::new();
            for &id in &filter.any_of {
                picked.extend(self.atom(id).iter().map(|h| h.unit[kind as usize]));
            }
            picked.sort_unstable();
            picked.dedup();
            for u in picked {
                if u != NO_UNIT && (lo..hi).contains(&(u as usize)) && try_unit(u as usize, out) {
                    return;
                }
            }
        } else {
            for i in lo..hi {
                if try_unit(i, out) {
                    return;
                }
            }
        }
    }

    /// Whether unit `i` has a hit of every atom `filter` needs and none that rules
    /// the condition out, under polarity `pol`.
    fn unit_passes(&self, units: &Units, i: usize, filter: &UnitFilter, pol: Polarity) -> bool {
        let w = self.words;
        let bits = &units.bits[2 * w * i..2 * w * (i + 1)];
        let has = |&(id, p): &(usize, Option<Polarity>)| {
            let (word, bit) = (id / 64, 1u64 << (id % 64));
            let affirmed = bits[word] & bit != 0;
            let negated = bits[w + word] & bit != 0;
            match p.unwrap_or(pol) {
                Polarity::Affirmed => affirmed,
                Polarity::Negated => negated,
                Polarity::Any => affirmed || negated,
            }
        };
        filter.all_of.iter().all(has) && !filter.none_of.iter().any(has)
    }

    /// Characters between two spans (0 when they touch or overlap).
    fn char_gap(&self, a: &Range<usize>, b: &Range<usize>) -> usize {
        let (lo, hi) = if a.end <= b.start {
            (a.end, b.start)
        } else if b.end <= a.start {
            (b.end, a.start)
        } else {
            return 0;
        };
        self.doc.norm[lo..hi].chars().count()
    }
}

/// [`EvalIndex::term_sets`] of an atom that is not a vocabulary.
const NOT_TERMS: u32 = u32::MAX;

/// What evaluation reads off a ruleset once per engine rather than once per notice.
#[derive(Debug, Clone)]
pub struct EvalIndex {
    titles: TitleMatcher,
    /// Per [`UnitKind`], per atom, whether some unit filter of that kind names it.
    /// Only those atoms' hits need their unit found and their bit set: most atoms
    /// never appear in a `paragraph(…)`.
    unit_atoms: [Vec<bool>; 2],
    /// How many atoms read dates, date ranges, counts and contacts.
    fact_atoms: [usize; 4],
    /// Per atom, its term set if it is a vocabulary, else [`NOT_TERMS`]: read per
    /// atom per notice, where matching the atom cost more than finding that most
    /// vocabularies have no hit.
    term_sets: Vec<u32>,
    /// The [`TitleMatcher`] list of the first check's `section:` list; the other
    /// checks' follow in order, then `exclude_sections`.
    first_check_list: usize,
    /// The `exclude_sections` list, which follows the checks'.
    exclude_list: usize,
}

impl EvalIndex {
    pub fn new(ruleset: &Ruleset) -> Self {
        let mut unit_atoms = [
            vec![false; ruleset.atoms.len()],
            vec![false; ruleset.atoms.len()],
        ];
        for cond in conditions(ruleset) {
            each_node(cond, &mut |c| {
                let (kind, filter) = match c {
                    Cond::Within(Scope::Sentence, _, f) => (UnitKind::Sentence, f),
                    Cond::Within(Scope::Paragraph, _, f) => (UnitKind::Paragraph, f),
                    _ => return,
                };
                let named = filter.any_of.iter().copied().chain(
                    filter
                        .all_of
                        .iter()
                        .chain(&filter.none_of)
                        .map(|&(id, _)| id),
                );
                for id in named {
                    unit_atoms[kind as usize][id] = true;
                }
            });
        }
        let mut fact_atoms = [0; 4];
        let term_sets = ruleset
            .atoms
            .iter()
            .map(|atom| match atom {
                Atom::Terms(set) => u32::try_from(*set).unwrap_or(NOT_TERMS),
                _ => NOT_TERMS,
            })
            .collect();
        for atom in &ruleset.atoms {
            match atom {
                Atom::Terms(_) => {}
                Atom::Date(_) => fact_atoms[0] += 1,
                Atom::DateRange(_) => fact_atoms[1] += 1,
                Atom::Count(_) => fact_atoms[2] += 1,
                Atom::Phone | Atom::Email | Atom::Url => fact_atoms[3] += 1,
            }
        }
        let (titles, first_check_list) = TitleMatcher::new(ruleset);
        EvalIndex {
            titles,
            first_check_list,
            exclude_list: first_check_list + ruleset.checks.len(),
            unit_atoms,
            fact_atoms,
            term_sets,
        }
    }
}

impl EvalIndex {
    /// The heading words of `doc`'s section titles and the sections the ruleset
    /// (`ruleset`, the one this index was made for) excludes: the same as
    /// [`excluded_sections`], with every title read once.
    pub fn section_titles(&self, doc: &Document, ruleset: &Ruleset) -> SectionTitles {
        let sections = &doc.structure.sections;
        let w = self.titles.words;
        let mut words = Vec::with_capacity(sections.len() * w);
        let mut excluded = Vec::new();
        for (i, s) in sections.iter().enumerate() {
            self.titles.words_in(&s.title, &mut words);
            let title_words = &words[w * i..w * (i + 1)];
            if self.titles.list_matches(
                self.exclude_list,
                &ruleset.exclude_sections,
                title_words,
                &s.title,
            ) {
                excluded.push(s.span.clone());
            }
        }
        SectionTitles { words, excluded }
    }
}

/// Every condition of a ruleset's checks, and every tree of its concept table:
/// with [`each_node`], which does not follow references, every node that
/// evaluation can reach is visited at least once.
fn conditions(ruleset: &Ruleset) -> impl Iterator<Item = &Cond> {
    ruleset
        .checks
        .iter()
        .flat_map(|c| {
            [&c.when, &c.stated, &c.vague]
                .into_iter()
                .flatten()
                .chain(c.pending.as_ref().map(|p| &p.when))
        })
        .chain(&ruleset.concepts)
}

/// Every heading-word list of a ruleset (`section(…)`, `heading(…)`) indexed by the
/// first character of its words, so that a notice's section titles are each read
/// once, and which lists a title matches is a few bit tests. Matching each list's
/// words against each title, one substring search per word, cost more than all the
/// rest of condition evaluation but the sentence scopes. (An Aho-Corasick automaton
/// reads titles no faster and takes a noticeable part of a one-notice run to build.)
#[derive(Debug, Clone)]
pub struct TitleMatcher {
    /// The distinct non-empty words of all lists, grouped by [`bucket`] of their
    /// first character; a word's number is its index here.
    patterns: Vec<String>,
    /// Per bucket, its words in `patterns`. Most characters of a title fall in an
    /// empty bucket: one load tells that no word starts there.
    buckets: Vec<Range<u32>>,
    /// u64 words of a word set.
    words: usize,
    /// Per list ([`Titles::id`]), the set of its words; empty for an id no
    /// condition of the ruleset has.
    lists: Vec<Vec<u64>>,
    /// Per list, whether it has the empty word (contained in every title).
    always: Vec<bool>,
}

const TITLE_BUCKETS: usize = 256;

/// A character's bucket in [`TitleMatcher::buckets`] (a multiplicative hash).
fn bucket(c: char) -> usize {
    ((c as u32).wrapping_mul(0x9E37_79B1) >> 24) as usize
}

fn first_bucket(word: &str) -> usize {
    word.chars().next().map_or(0, bucket)
}

impl TitleMatcher {
    /// The matcher of the ruleset's `section(…)` and `heading(…)` lists, and after
    /// them of each check's `section:` list (where its "missing" diagnostic points),
    /// numbered from the returned first id in check order.
    fn new(ruleset: &Ruleset) -> (Self, usize) {
        let mut lists: Vec<Option<&[String]>> = Vec::new();
        // Lists are numbered by `Titles::id`, so visiting a referenced concept's
        // tree once (in the table) finds the same lists as visiting it per use.
        for cond in conditions(ruleset) {
            each_node(cond, &mut |c| {
                let t = match c {
                    Cond::Heading(t) | Cond::Within(Scope::Section(t), _, _) => t,
                    _ => return,
                };
                if lists.len() <= t.id {
                    lists.resize(t.id + 1, None);
                }
                lists[t.id] = Some(&t.words);
            });
        }
        let first_check_list = lists.len();
        lists.extend(ruleset.checks.iter().map(|c| Some(&c.docs.section[..])));
        lists.push(Some(&ruleset.exclude_sections));
        (Self::of_lists(&lists), first_check_list)
    }

    /// The matcher of the word lists, by [`Titles::id`].
    fn of_lists(lists: &[Option<&[String]>]) -> Self {
        let mut patterns: Vec<String> = lists
            .iter()
            .flatten()
            .flat_map(|t| t.iter())
            .filter(|w| !w.is_empty())
            .cloned()
            .collect();
        patterns.sort_unstable_by(|a, b| (first_bucket(a), a).cmp(&(first_bucket(b), b)));
        patterns.dedup();
        let mut buckets = vec![0..0; TITLE_BUCKETS];
        for (i, p) in patterns.iter().enumerate() {
            let b = &mut buckets[first_bucket(p)];
            if b.start == b.end {
                b.start = i as u32;
            }
            b.end = i as u32 + 1;
        }
        let words = patterns.len().div_ceil(64);
        let set_of = |t: &[String]| {
            let mut set = vec![0u64; words];
            for w in t {
                if let Some(i) = patterns.iter().position(|p| p == w) {
                    set[i / 64] |= 1 << (i % 64);
                }
            }
            set
        };
        TitleMatcher {
            lists: lists
                .iter()
                .map(|t| t.map_or_else(Vec::new, set_of))
                .collect(),
            always: lists
                .iter()
                .map(|t| t.is_some_and(|t| t.iter().any(|w| w.is_empty())))
                .collect(),
            patterns,
            buckets,
            words,
        }
    }

    /// Append the set of words `title` contains (`self.words` u64s) to `out`.
    fn words_in(&self, title: &str, out: &mut Vec<u64>) {
        let at = out.len();
        out.resize(at + self.words, 0);
        for (pos, c) in title.char_indices() {
            for i in self.buckets[bucket(c)].clone() {
                let i = i as usize;
                if title[pos..].starts_with(self.patterns[i].as_str()) {
                    out[at + i / 64] |= 1 << (i % 64);
                }
            }
        }
    }

    /// Whether a title with the word set `words` contains one of `titles`' words.
    fn matches(&self, titles: &Titles, words: &[u64], title: &str) -> bool {
        self.list_matches(titles.id, &titles.words, words, title)
    }

    /// Whether a title with the word set `words` contains one of the words of list
    /// `id`, which are `list`.
    fn list_matches(&self, id: usize, list: &[String], words: &[u64], title: &str) -> bool {
        match self.lists.get(id) {
            Some(set) if !set.is_empty() || self.always[id] => {
                self.always[id] || set.iter().zip(words).any(|(a, b)| a & b != 0)
            }
            // A list this matcher was not built with: read the title.
            _ => title_has_any(title, list),
        }
    }
}

/// Call `f` with `cond` and every condition inside it, not following concept
/// references ([`conditions`] holds the trees they refer to).
fn each_node<'c>(cond: &'c Cond, f: &mut impl FnMut(&'c Cond)) {
    f(cond);
    match cond {
        Cond::And(parts) | Cond::Or(parts) => parts.iter().for_each(|p| each_node(p, f)),
        Cond::Not(x) | Cond::Polarity(_, x) | Cond::Within(_, x, _) => each_node(x, f),
        Cond::Near(a, b, _, _) | Cond::Except(a, b) => {
            each_node(a, f);
            each_node(b, f);
        }
        // Its tree is one of `conditions`, visited there.
        Cond::Atom(_) | Cond::Heading(_) | Cond::Concept(_) => {}
    }
}

/// Whether a section title contains `word`. Titles are a few characters long, where
/// a plain comparison at each position beats `str::contains`, whose searcher is set
/// up anew on every call (thousands of calls per notice).
fn title_has(title: &str, word: &str) -> bool {
    let (t, w) = (title.as_bytes(), word.as_bytes());
    match w.first() {
        None => true,
        Some(&first) => t
            .windows(w.len())
            .any(|window| window[0] == first && window == w),
    }
}

fn title_has_any(title: &str, words: &[String]) -> bool {
    words.iter().any(|w| title_has(title, w))
}

/// Bytes per bucket of [`UnitIndex::lookup`]: fewer than most sentences have, so
/// that finding a hit's unit rarely steps over more than one.
const BUCKET_SHIFT: u32 = 6;

/// Units being filled in with the hits inside them, while the hits are gathered.
struct UnitIndex {
    units: Units,
    /// Per bucket of `1 << BUCKET_SHIFT` bytes of the text, the first unit that ends
    /// after the bucket's start: a hit's unit is a step or two from there, where a
    /// binary search over the units took half a dozen.
    lookup: Vec<u32>,
    words: usize,
}

impl UnitIndex {
    fn new(spans: Vec<Range<usize>>, words: usize, len: usize) -> Self {
        let lookup = bucket_lookup(&spans, len);
        UnitIndex {
            units: Units {
                bits: vec![0; 2 * words * spans.len()],
                spans,
            },
            lookup,
            words,
        }
    }

    /// Record a hit of atom `id`: the index of the unit containing its start
    /// ([`NO_UNIT`] if none), and the atom's bit in that unit if the hit lies inside.
    fn add(&mut self, id: usize, span: &Range<usize>, negated: bool) -> u32 {
        let spans = &self.units.spans;
        let mut i = self.lookup[span.start >> BUCKET_SHIFT] as usize;
        while i < spans.len() && spans[i].end <= span.start {
            i += 1;
        }
        match spans.get(i) {
            Some(u) if u.start <= span.start => {
                if span.end <= u.end {
                    let w = self.words;
                    self.units.bits[2 * w * i + usize::from(negated) * w + id / 64] |=
                        1 << (id % 64);
                }
                i as u32
            }
            _ => NO_UNIT,
        }
    }
}

/// Per bucket of `1 << BUCKET_SHIFT` bytes of a text `len` bytes long, the index
/// of the first of `spans` (sorted, non-overlapping) that ends after the bucket's
/// start.
///
/// Filled span by span: the buckets that start before span `i` ends, and after the
/// one before it does, are span `i`'s, a run written at once (a test per bucket
/// cost a tenth of making the evaluator).
fn bucket_lookup(spans: &[Range<usize>], len: usize) -> Vec<u32> {
    let buckets = (len >> BUCKET_SHIFT) + 1;
    let mut lookup = Vec::with_capacity(buckets);
    for (i, span) in spans.iter().enumerate() {
        let before_end = span.end.div_ceil(1 << BUCKET_SHIFT).min(buckets);
        if before_end > lookup.len() {
            lookup.resize(before_end, i as u32);
        }
    }
    lookup.resize(buckets, spans.len() as u32);
    lookup
}

/// The negated clauses of [`Facts::negated`], indexed like [`UnitIndex`]: which
/// clause holds a hit is a step or two from its bucket's first clause.
struct NegatedIndex<'f> {
    clauses: &'f [Range<usize>],
    lookup: Vec<u32>,
}

impl<'f> NegatedIndex<'f> {
    fn new(clauses: &'f [Range<usize>], len: usize) -> Self {
        NegatedIndex {
            clauses,
            lookup: bucket_lookup(clauses, len),
        }
    }

    /// Whether `span` lies inside a negated clause (as [`Facts::is_negated`]).
    fn contains(&self, span: &Range<usize>) -> bool {
        let clauses = self.clauses;
        let mut i = self.lookup[span.start >> BUCKET_SHIFT] as usize;
        while i < clauses.len() && clauses[i].end <= span.start {
            i += 1;
        }
        clauses
            .get(i)
            .is_some_and(|r| r.start <= span.start && span.end <= r.end)
    }
}

/// Sort `ev[from..]`, merge duplicates and overlaps in place.
fn tidy_from(ev: &mut Evidence, from: usize) {
    let part = &mut ev[from..];
    if part.len() < 2 {
        return;
    }
    part.sort_by_key(|r| (r.start, r.end));
    let mut kept = from;
    for i in from + 1..ev.len() {
        let r = ev[i].clone();
        let last = &mut ev[kept];
        // Touching passages read as one: 「第三者による」+「不正アクセス」.
        if r.start <= last.end {
            last.end = last.end.max(r.end);
        } else {
            kept += 1;
            ev[kept] = r;
        }
    }
    ev.truncate(kept + 1);
}

/// Call `f` with the span of every fact of `atom`.
fn for_each_atom_span(atom: &Atom, facts: &Facts, mut f: impl FnMut(&Range<usize>)) {
    match atom {
        Atom::Terms(set) => facts.terms.get(*set).into_iter().flatten().for_each(f),
        Atom::Date(filter) => facts
            .dates
            .iter()
            .filter(|d| date_matches(d, filter))
            .for_each(|d| f(&d.span)),
        Atom::DateRange(filter) => facts
            .ranges
            .iter()
            .filter(|r| filter.open_end.is_none_or(|o| o == r.open_end))
            .for_each(|r| f(&r.span)),
        Atom::Count(filter) => facts
            .counts
            .iter()
            .filter(|c| count_matches(c, filter))
            .for_each(|c| f(&c.span)),
        Atom::Phone => contacts(facts, ContactKind::Phone, f),
        Atom::Email => contacts(facts, ContactKind::Email, f),
        Atom::Url => contacts(facts, ContactKind::Url, f),
    }
}

fn contacts(facts: &Facts, kind: ContactKind, f: impl FnMut(&Range<usize>)) {
    facts
        .contacts
        .iter()
        .filter(|c| c.kind == kind)
        .map(|c| &c.span)
        .for_each(f);
}

fn date_matches(d: &facts::DateFact, f: &DateFilter) -> bool {
    f.relative.is_none_or(|v| v == d.relative)
        && f.approx.is_none_or(|v| v == d.approx)
        && f.has_year.is_none_or(|v| v == d.year.is_some())
}

fn count_matches(c: &facts::CountFact, f: &CountFilter) -> bool {
    if let Some((keep, units)) = &f.units
        && units.contains(&c.unit) != *keep
    {
        return false;
    }
    if let Some((keep, quals)) = &f.qualifiers
        && quals.contains(&qualifier(&c.qualifier)) != *keep
    {
        return false;
    }
    f.value.iter().all(|(op, bound)| match c.value {
        None => false,
        Some(v) => match op {
            FilterOp::Eq => v == *bound,
            FilterOp::Ne => v != *bound,
            FilterOp::Lt => v < *bound,
            FilterOp::Le => v <= *bound,
            FilterOp::Gt => v > *bound,
            FilterOp::Ge => v >= *bound,
            FilterOp::In | FilterOp::NotIn => true,
        },
    })
}

fn qualifier(q: &facts::Qualifier) -> Qualifier {
    match q {
        facts::Qualifier::Exact => Qualifier::Exact,
        facts::Qualifier::Approx => Qualifier::Approx,
        facts::Qualifier::Max => Qualifier::Max,
        facts::Qualifier::AtLeast => Qualifier::AtLeast,
        facts::Qualifier::AtMost => Qualifier::AtMost,
        facts::Qualifier::Vague => Qualifier::Vague,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Section titles the title matchers are checked against.
    const SAMPLE_TITLES: [&str; 7] = [
        "",
        "お問い合わせ窓口",
        "1. 発生日時",
        "漏えい",
        "窓口",
        "abc",
        "発生",
    ];

    #[test]
    fn title_matcher_agrees_with_title_has_any() {
        let lists: Vec<Vec<&str>> = vec![
            vec!["窓口", "問い合わせ"],
            vec!["発生日", "発生日時", "日時"],
            vec!["c", "abcd", "い"],
            vec!["漏えいした情報", ""],
        ];
        let lists: Vec<Titles> = lists
            .into_iter()
            .enumerate()
            .map(|(id, words)| Titles {
                id,
                words: words.into_iter().map(String::from).collect(),
            })
            .collect();
        let refs: Vec<Option<&[String]>> = lists.iter().map(|t| Some(&t.words[..])).collect();
        let matcher = TitleMatcher::of_lists(&refs);
        for title in SAMPLE_TITLES {
            let mut words = Vec::new();
            matcher.words_in(title, &mut words);
            for t in &lists {
                assert_eq!(
                    matcher.matches(t, &words, title),
                    title_has_any(title, &t.words),
                    "{title:?} / {:?}",
                    t.words
                );
            }
        }
        // A list the matcher was not built with is read from the title.
        let other = Titles {
            id: 9,
            words: vec!["abc".into()],
        };
        assert!(matcher.matches(&other, &[0], "abc"));
    }

    #[test]
    fn bucket_lookup_finds_the_first_span_ending_after_each_bucket() {
        let spans = [3..10, 10..64, 64..65, 70..200, 200..201, 300..400, 400..400];
        for len in [0, 1, 64, 65, 200, 401, 1000] {
            let kept: Vec<Range<usize>> = spans.iter().filter(|s| s.end <= len).cloned().collect();
            let lookup = bucket_lookup(&kept, len);
            assert_eq!(lookup.len(), (len >> BUCKET_SHIFT) + 1);
            for (b, &i) in lookup.iter().enumerate() {
                let at = b << BUCKET_SHIFT;
                let first = kept.iter().position(|s| s.end > at).unwrap_or(kept.len());
                assert_eq!(i as usize, first, "len {len}, bucket {b}");
            }
        }
    }

    #[test]
    fn title_has_agrees_with_str_contains() {
        let words = [
            "",
            "窓口",
            "問い合わせ",
            "発生日",
            "漏えいした情報",
            "い",
            "c",
            "abcd",
        ];
        for t in SAMPLE_TITLES {
            for w in words {
                assert_eq!(title_has(t, w), t.contains(w), "{t:?} / {w:?}");
            }
        }
    }
}
