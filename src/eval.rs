//! Evaluation of compiled conditions over one document's facts.
//!
//! Every atom's hits are gathered once per document (sorted spans with their
//! polarity); a condition is then evaluated over a byte range of the normalised
//! text by binary search into those lists, so no rule re-reads the text.

use std::ops::Range;

use crate::document::{BlockKind, Document};
use crate::facts::{self, ContactKind, Facts};
use crate::ruleset::dsl::FilterOp;
use crate::ruleset::{Atom, Cond, CountFilter, DateFilter, Polarity, Qualifier, Ruleset, Scope};

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
    /// Per atom, its hits sorted by start (outside excluded sections only).
    hits: Vec<Vec<Hit>>,
    sentences: Vec<Range<usize>>,
    paragraphs: Vec<Range<usize>>,
    /// (title, heading span, section span) of sections not excluded.
    sections: Vec<(String, Range<usize>, Range<usize>)>,
    /// The part of the text that is the notice (excluded sections removed).
    pub body: Range<usize>,
}

impl<'a> Evaluator<'a> {
    pub fn new(doc: &'a Document, facts: &Facts, ruleset: &Ruleset) -> Self {
        let excluded: Vec<Range<usize>> = doc
            .structure
            .sections
            .iter()
            .filter(|s| {
                ruleset
                    .exclude_sections
                    .iter()
                    .any(|x| s.title.contains(x.as_str()))
            })
            .map(|s| s.span.clone())
            .collect();
        let outside = |r: &Range<usize>| {
            !excluded
                .iter()
                .any(|x| x.start <= r.start && r.start < x.end)
        };
        let hits = ruleset
            .atoms
            .iter()
            .map(|atom| {
                let mut v: Vec<Hit> = atom_spans(atom, facts, &doc.norm)
                    .into_iter()
                    .filter(|s| outside(s))
                    .map(|span| Hit {
                        negated: facts.is_negated(&span),
                        span,
                    })
                    .collect();
                v.sort_by_key(|h| (h.span.start, h.span.end));
                v
            })
            .collect();
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
            .map(|s| (s.title.clone(), s.heading.clone(), s.span.clone()))
            .collect();
        // The body starts after the last excluded section that opens the document.
        let mut start = 0;
        for x in &excluded {
            if x.start <= start {
                start = start.max(x.end);
            }
        }
        Evaluator {
            doc,
            hits,
            sentences,
            paragraphs,
            sections,
            body: start..doc.norm.len(),
        }
    }

    pub fn doc(&self) -> &Document {
        self.doc
    }

    /// Evaluate over the whole notice.
    pub fn eval_body(&self, cond: &Cond) -> Option<Evidence> {
        self.eval(cond, 0..self.doc.norm.len(), Polarity::Affirmed)
    }

    /// The heading span of the first section whose title contains one of `words`.
    pub fn section_heading(&self, words: &[String]) -> Option<Range<usize>> {
        self.sections
            .iter()
            .find(|(title, _, _)| words.iter().any(|w| title.contains(w.as_str())))
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

    pub fn eval(&self, cond: &Cond, range: Range<usize>, pol: Polarity) -> Option<Evidence> {
        match cond {
            Cond::Atom(id) => {
                let hits = &self.hits[*id];
                let first = hits.partition_point(|h| h.span.start < range.start);
                let ev: Evidence = hits[first..]
                    .iter()
                    .take_while(|h| h.span.start < range.end)
                    .filter(|h| h.span.end <= range.end)
                    .filter(|h| match pol {
                        Polarity::Affirmed => !h.negated,
                        Polarity::Negated => h.negated,
                        Polarity::Any => true,
                    })
                    .map(|h| h.span.clone())
                    .collect();
                (!ev.is_empty()).then_some(ev)
            }
            Cond::And(parts) => {
                let mut ev = Vec::new();
                for p in parts {
                    ev.extend(self.eval(p, range.clone(), pol)?);
                }
                Some(tidy(ev))
            }
            Cond::Or(parts) => {
                let mut ev = Vec::new();
                let mut holds = false;
                for p in parts {
                    if let Some(e) = self.eval(p, range.clone(), pol) {
                        holds = true;
                        ev.extend(e);
                    }
                }
                holds.then(|| tidy(ev))
            }
            Cond::Not(inner) => match self.eval(inner, range, pol) {
                Some(_) => None,
                None => Some(Vec::new()),
            },
            Cond::Polarity(p, inner) => self.eval(inner, range, *p),
            Cond::Near(a, b, within, ordered) => {
                let ea = self.eval(a, range.clone(), pol)?;
                let mut eb = self.eval(b, range, pol)?;
                eb.sort_by_key(|r| r.start);
                let within = *within as usize;
                // A character is at most 4 bytes: spans further apart than this many
                // bytes cannot be `within` characters apart.
                let reach = 4 * within + 4;
                let longest_b = eb.iter().map(|y| y.end - y.start).max().unwrap_or(0);
                let mut ev = Vec::new();
                for x in &ea {
                    let from = x.start.saturating_sub(reach + longest_b);
                    let first = eb.partition_point(|y| y.start < from);
                    for y in eb[first..].iter().take_while(|y| y.start <= x.end + reach) {
                        if *ordered && x.end > y.start {
                            continue;
                        }
                        if self.char_gap(x, y) <= within {
                            ev.push(x.start.min(y.start)..x.end.max(y.end));
                        }
                    }
                }
                (!ev.is_empty()).then(|| tidy(ev))
            }
            Cond::Heading(words) => {
                let ev: Evidence = self
                    .sections
                    .iter()
                    .filter(|(title, h, _)| {
                        h.start >= range.start
                            && h.end <= range.end
                            && words.iter().any(|w| title.contains(w.as_str()))
                    })
                    .map(|(_, h, _)| h.clone())
                    .collect();
                (!ev.is_empty()).then_some(ev)
            }
            Cond::Within(scope, inner) => {
                let mut ev = Vec::new();
                let mut holds = false;
                let mut visit = |r: Range<usize>| {
                    let r = r.start.max(range.start)..r.end.min(range.end);
                    if r.start >= r.end {
                        return;
                    }
                    if let Some(e) = self.eval(inner, r.clone(), pol) {
                        holds = true;
                        // The passage that holds, from its first to its last evidence.
                        match (
                            e.iter().map(|s| s.start).min(),
                            e.iter().map(|s| s.end).max(),
                        ) {
                            (Some(s), Some(t)) => ev.push(s..t),
                            _ => ev.push(r),
                        }
                    }
                };
                match scope {
                    Scope::Sentence => {
                        self.for_each_unit(&self.sentences, inner, &range, &mut visit)
                    }
                    Scope::Paragraph => {
                        self.for_each_unit(&self.paragraphs, inner, &range, &mut visit)
                    }
                    Scope::Section(words) => {
                        for (title, _, span) in &self.sections {
                            if words.iter().any(|w| title.contains(w.as_str())) {
                                visit(span.clone());
                            }
                        }
                    }
                }
                holds.then(|| tidy(ev))
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
        visit: &mut impl FnMut(Range<usize>),
    ) {
        let mut required = Vec::new();
        if !required_atoms(inner, &mut required) {
            return for_each_in(units, range, visit);
        }
        let mut picked: Vec<usize> = Vec::new();
        for id in required {
            let hits = &self.hits[id];
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
            visit(units[i].clone());
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
            let mut mine = Vec::new();
            let ok = required_atoms(p, &mut mine);
            if ok {
                out.extend(mine);
            }
            ok
        }),
        // Every alternative must be covered.
        Cond::Or(parts) => parts.iter().all(|p| required_atoms(p, out)),
        Cond::Near(a, _, _, _) => required_atoms(a, out),
        Cond::Within(_, inner) | Cond::Polarity(_, inner) => required_atoms(inner, out),
        Cond::Not(_) | Cond::Heading(_) => false,
    }
}

/// Call `f` for each span of a sorted list that overlaps `range`.
fn for_each_in(spans: &[Range<usize>], range: &Range<usize>, f: &mut impl FnMut(Range<usize>)) {
    let first = spans.partition_point(|s| s.end <= range.start);
    for s in spans[first..].iter().take_while(|s| s.start < range.end) {
        f(s.clone());
    }
}

/// Sort, merge duplicates and overlaps, cap the number of spans.
fn tidy(mut ev: Evidence) -> Evidence {
    ev.sort_by_key(|r| (r.start, r.end));
    let mut out: Evidence = Vec::with_capacity(ev.len());
    for r in ev {
        match out.last_mut() {
            // Touching passages read as one: 「第三者による」+「不正アクセス」.
            Some(last) if r.start <= last.end => {
                last.end = last.end.max(r.end);
            }
            _ => out.push(r),
        }
    }
    out
}

fn atom_spans(atom: &Atom, facts: &Facts, _text: &str) -> Vec<Range<usize>> {
    match atom {
        Atom::Terms(set) => facts.terms.get(*set).cloned().unwrap_or_default(),
        Atom::Date(f) => facts
            .dates
            .iter()
            .filter(|d| date_matches(d, f))
            .map(|d| d.span.clone())
            .collect(),
        Atom::DateRange(f) => facts
            .ranges
            .iter()
            .filter(|r| f.open_end.is_none_or(|o| o == r.open_end))
            .map(|r| r.span.clone())
            .collect(),
        Atom::Count(f) => facts
            .counts
            .iter()
            .filter(|c| count_matches(c, f))
            .map(|c| c.span.clone())
            .collect(),
        Atom::Phone => contacts(facts, ContactKind::Phone),
        Atom::Email => contacts(facts, ContactKind::Email),
        Atom::Url => contacts(facts, ContactKind::Url),
    }
}

fn contacts(facts: &Facts, kind: ContactKind) -> Vec<Range<usize>> {
    facts
        .contacts
        .iter()
        .filter(|c| c.kind == kind)
        .map(|c| c.span.clone())
        .collect()
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
