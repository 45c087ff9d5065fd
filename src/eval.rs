//! Evaluation of compiled conditions over one document's facts.
//!
//! Every atom's hits are gathered once per document (sorted spans with their
//! polarity); a condition is then evaluated over a byte range of the normalised
//! text by binary search into those lists, so no rule re-reads the text.

use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;

use crate::document::{BlockKind, Document};
use crate::facts::{self, ContactKind, Facts};
use crate::ruleset::dsl::FilterOp;
use crate::ruleset::{
    Atom, Cond, CountFilter, DateFilter, Polarity, Qualifier, Ruleset, Scope, Titles,
};

/// Evidence of a condition that holds: spans in the normalised text (maybe none).
pub type Evidence = Vec<Range<usize>>;

#[derive(Debug, Clone)]
struct Hit {
    span: Range<usize>,
    negated: bool,
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
    sentences: Vec<Range<usize>>,
    paragraphs: Vec<Range<usize>>,
    /// (title, heading span, section span) of sections not excluded.
    sections: Vec<(&'a str, Range<usize>, Range<usize>)>,
    /// Per heading-word list ([`Titles::id`]), the indices of the sections whose title
    /// contains one of its words; filled on first use.
    titled: RefCell<Vec<Option<Rc<[usize]>>>>,
    /// The part of the text that is the notice (excluded sections removed).
    pub body: Range<usize>,
}

/// Spans of the sections the ruleset excludes (`exclude_sections`).
fn excluded_sections(doc: &Document, ruleset: &Ruleset) -> Vec<Range<usize>> {
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

/// Where the notice starts: after the excluded sections that open the document.
fn body_start_after(excluded: &[Range<usize>]) -> usize {
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
    pub fn new(doc: &'a Document, facts: &Facts, ruleset: &Ruleset) -> Self {
        let excluded = excluded_sections(doc, ruleset);
        let outside = |r: &Range<usize>| {
            !excluded
                .iter()
                .any(|x| x.start <= r.start && r.start < x.end)
        };
        let mut hits: Vec<Hit> = Vec::new();
        let mut atom_hits = Vec::with_capacity(ruleset.atoms.len());
        for atom in &ruleset.atoms {
            let first = hits.len();
            for_each_atom_span(atom, facts, |span| {
                if outside(span) {
                    hits.push(Hit {
                        negated: facts.is_negated(span),
                        span: span.clone(),
                    });
                }
            });
            let mine = &mut hits[first..];
            if !mine.is_sorted_by_key(|h| (h.span.start, h.span.end)) {
                mine.sort_by_key(|h| (h.span.start, h.span.end));
            }
            atom_hits.push(first..hits.len());
        }
        let sentences = doc
            .structure
            .sentences
            .iter()
            .filter(|s| outside(s))
            .cloned()
            .collect();
        let paragraphs = doc
            .structure
            .blocks
            .iter()
            .filter(|b| b.kind != BlockKind::Heading && outside(&b.span))
            .map(|b| b.span.clone())
            .collect();
        let sections = doc
            .structure
            .sections
            .iter()
            .filter(|s| outside(&s.heading))
            .map(|s| (s.title.as_str(), s.heading.clone(), s.span.clone()))
            .collect();
        let start = body_start_after(&excluded);
        Evaluator {
            doc,
            hits,
            atom_hits,
            sentences,
            paragraphs,
            sections,
            titled: RefCell::new(Vec::new()),
            body: start..doc.norm.len(),
        }
    }

    /// Indices of the sections whose title contains one of `titles`' words.
    fn titled_sections(&self, titles: &Titles) -> Rc<[usize]> {
        let mut cache = self.titled.borrow_mut();
        if cache.len() <= titles.id {
            cache.resize(titles.id + 1, None);
        }
        cache[titles.id]
            .get_or_insert_with(|| {
                self.sections
                    .iter()
                    .enumerate()
                    .filter(|(_, (title, _, _))| title_has_any(title, &titles.words))
                    .map(|(i, _)| i)
                    .collect()
            })
            .clone()
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

    /// The heading span of the first section whose title contains one of `words`.
    pub fn section_heading(&self, words: &[String]) -> Option<Range<usize>> {
        self.sections
            .iter()
            .find(|(title, _, _)| title_has_any(title, words))
            .map(|(_, h, _)| h.clone())
    }

    /// The first line of the notice body, where "missing" diagnostics point by default.
    pub fn head(&self) -> Range<usize> {
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

    /// The evidence of `cond` over `range`, or `None` when it does not hold.
    pub fn eval(&self, cond: &Cond, range: Range<usize>, pol: Polarity) -> Option<Evidence> {
        let mut ev = Vec::new();
        self.eval_into(cond, range, pol, &mut ev).then_some(ev)
    }

    /// Whether `cond` holds over `range`; when it does, its evidence is appended to
    /// `out`, otherwise `out` is left as it was. Every node appends to the one buffer
    /// (and tidies its own part of it) instead of returning a vector of its own: the
    /// checklist evaluates thousands of nodes per notice, most of which fail.
    fn eval_into(
        &self,
        cond: &Cond,
        range: Range<usize>,
        pol: Polarity,
        out: &mut Evidence,
    ) -> bool {
        let mark = out.len();
        match cond {
            Cond::Atom(id) => {
                let hits = self.atom(*id);
                let first = hits.partition_point(|h| h.span.start < range.start);
                out.extend(
                    hits[first..]
                        .iter()
                        .take_while(|h| h.span.start < range.end)
                        .filter(|h| h.span.end <= range.end)
                        .filter(|h| match pol {
                            Polarity::Affirmed => !h.negated,
                            Polarity::Negated => h.negated,
                            Polarity::Any => true,
                        })
                        .map(|h| h.span.clone()),
                );
                out.len() > mark
            }
            Cond::And(parts) => {
                for p in parts {
                    if !self.eval_into(p, range.clone(), pol, out) {
                        out.truncate(mark);
                        return false;
                    }
                }
                tidy_from(out, mark);
                true
            }
            Cond::Or(parts) => {
                let mut holds = false;
                for p in parts {
                    holds |= self.eval_into(p, range.clone(), pol, out);
                }
                if holds {
                    tidy_from(out, mark);
                }
                holds
            }
            Cond::Not(inner) => {
                let inner_holds = self.eval_into(inner, range, pol, out);
                out.truncate(mark);
                !inner_holds
            }
            Cond::Polarity(p, inner) => self.eval_into(inner, range, *p, out),
            Cond::Near(a, b, within, ordered) => {
                if !self.eval_into(a, range.clone(), pol, out) {
                    return false;
                }
                let split = out.len();
                if !self.eval_into(b, range, pol, out) {
                    out.truncate(mark);
                    return false;
                }
                let end = out.len();
                out[split..end].sort_by_key(|r| r.start);
                let within = *within as usize;
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
                        if *ordered && x.end > y.start {
                            continue;
                        }
                        if self.char_gap(&x, &y) <= within {
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
            Cond::Except(a, b) => {
                if !self.eval_into(a, range.clone(), pol, out) {
                    return false;
                }
                let split = out.len();
                // A left side without evidence (`not x`) has no passage to exclude.
                if split == mark || !self.eval_into(b, range, pol, out) {
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
            Cond::Heading(titles) => {
                for &i in self.titled_sections(titles).iter() {
                    let h = &self.sections[i].1;
                    if h.start >= range.start && h.end <= range.end {
                        out.push(h.clone());
                    }
                }
                out.len() > mark
            }
            Cond::Within(scope, inner) => {
                let mut holds = false;
                let mut visit = |r: Range<usize>, out: &mut Evidence| {
                    let r = r.start.max(range.start)..r.end.min(range.end);
                    if r.start >= r.end {
                        return;
                    }
                    let unit_mark = out.len();
                    if self.eval_into(inner, r.clone(), pol, out) {
                        holds = true;
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
                    }
                };
                match scope {
                    Scope::Sentence => {
                        self.for_each_unit(&self.sentences, inner, &range, out, &mut visit)
                    }
                    Scope::Paragraph => {
                        self.for_each_unit(&self.paragraphs, inner, &range, out, &mut visit)
                    }
                    Scope::Section(titles) => {
                        for &i in self.titled_sections(titles).iter() {
                            visit(self.sections[i].2.clone(), out);
                        }
                    }
                }
                if holds {
                    tidy_from(out, mark);
                }
                holds
            }
        }
    }

    /// Visit the units (sentences, paragraphs) of `range` where `inner` can hold.
    ///
    /// When `inner` cannot hold without a hit of some atom, only units containing
    /// such a hit are visited: a handful instead of every sentence of the notice.
    fn for_each_unit(
        &self,
        units: &[Range<usize>],
        inner: &Cond,
        range: &Range<usize>,
        out: &mut Evidence,
        visit: &mut impl FnMut(Range<usize>, &mut Evidence),
    ) {
        let mut required = Vec::new();
        if !required_atoms(inner, &mut required) {
            let first = units.partition_point(|s| s.end <= range.start);
            for s in units[first..].iter().take_while(|s| s.start < range.end) {
                visit(s.clone(), out);
            }
            return;
        }
        let mut picked: Vec<usize> = Vec::new();
        for id in required {
            let hits = self.atom(id);
            let first = hits.partition_point(|h| h.span.start < range.start);
            for h in hits[first..]
                .iter()
                .take_while(|h| h.span.start < range.end)
            {
                let i = units.partition_point(|u| u.end <= h.span.start);
                if units.get(i).is_some_and(|u| u.start <= h.span.start) {
                    picked.push(i);
                }
            }
        }
        picked.sort_unstable();
        picked.dedup();
        for i in picked {
            visit(units[i].clone(), out);
        }
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

/// Collect atoms of which at least one must have a hit for `cond` to hold.
/// Returns false when `cond` can hold with no hit at all (`not x`, headings).
fn required_atoms(cond: &Cond, out: &mut Vec<usize>) -> bool {
    match cond {
        Cond::Atom(id) => {
            out.push(*id);
            true
        }
        // Any one conjunct's requirement is enough; take the first that has one.
        Cond::And(parts) => parts.iter().any(|p| {
            let mark = out.len();
            let ok = required_atoms(p, out);
            if !ok {
                out.truncate(mark);
            }
            ok
        }),
        // Every alternative must be covered.
        Cond::Or(parts) => parts.iter().all(|p| required_atoms(p, out)),
        Cond::Near(a, _, _, _) | Cond::Except(a, _) => required_atoms(a, out),
        Cond::Within(_, inner) | Cond::Polarity(_, inner) => required_atoms(inner, out),
        Cond::Not(_) | Cond::Heading(_) => false,
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

    #[test]
    fn title_has_agrees_with_str_contains() {
        let titles = [
            "",
            "お問い合わせ窓口",
            "1. 発生日時",
            "漏えい",
            "窓口",
            "abc",
        ];
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
        for t in titles {
            for w in words {
                assert_eq!(title_has(t, w), t.contains(w), "{t:?} / {w:?}");
            }
        }
    }
}
