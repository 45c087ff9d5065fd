//! Rulesets: YAML files of vocabularies, concepts and a checklist written in the
//! checklist DSL. `raw` is the YAML shape, `dsl` the expression parser, `load`
//! reads files and follows `extends`, `compile` checks everything and produces the
//! [`Ruleset`] that evaluation runs.

pub mod compile;
pub mod dsl;
pub mod embedded;
pub mod error;
pub mod load;
pub mod raw;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use compile::compile;
pub use dsl::Modality;
pub use error::RulesetError;
pub use load::{load_named_or_path, load_source};

/// A checked, evaluable ruleset.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ruleset {
    pub name: String,
    pub title: String,
    pub lang: String,
    pub exclude_sections: Vec<String>,
    /// Vocabularies and phrase literals; `Atom::Terms` indexes into it.
    pub term_sets: Vec<TermSet>,
    /// Every distinct atom used by some check; `Cond::Atom` indexes into it.
    pub atoms: Vec<Atom>,
    /// Compiled trees of the larger concepts; `Cond::Concept` indexes into it.
    /// Inlined where used, they made the stored ruleset megabytes large and its
    /// decoding most of a one-notice run.
    pub concepts: Vec<Cond>,
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TermSet {
    /// Vocabulary name, or the quoted literal of a `phrase(…)`.
    pub name: String,
    /// Empty in a ruleset read from its precompiled form, whose stored term
    /// automaton stands for them (see `precompiled::encode`).
    pub terms: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Check {
    pub id: String,
    /// `None` for a check made only of `avoid vague X`.
    pub modality: Option<Modality>,
    pub level: Level,
    pub weight: f64,
    pub when: Option<Cond>,
    /// Number of `when` among the ruleset's gating conditions: checks whose
    /// conditions are equal (four checks apply `when personal_data`, and concepts are
    /// inlined) share it, so that each is evaluated once per notice.
    pub when_gate: Option<usize>,
    pub stated: Option<Cond>,
    pub vague: Option<Cond>,
    /// `avoid vague X`: every vague passage gets a diagnostic, even when X is stated.
    pub avoid_vague: bool,
    pub pending: Option<Pending>,
    pub docs: CheckDocs,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    pub when: Cond,
    /// Number of `when` among the gating conditions (see [`Check::when_gate`]).
    pub gate: usize,
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CheckDocs {
    pub title: String,
    pub why: Option<String>,
    pub help: Option<String>,
    pub missing: Option<String>,
    pub vague: Option<String>,
    pub section: Vec<String>,
    pub examples: Examples,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Examples {
    pub pass: Vec<String>,
    pub vague: Vec<String>,
    pub fail: Vec<String>,
    /// Notices where the check does not apply (its `when` condition fails).
    pub na: Vec<String>,
}

/// How bad it is when a check is not met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Level {
    /// Counted in the score only.
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "info" | "note" => Some(Level::Info),
            "warning" | "warn" => Some(Level::Warning),
            "error" => Some(Level::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Modality {
    pub fn level(self) -> Level {
        match self {
            Modality::Must => Level::Error,
            Modality::Should => Level::Warning,
            Modality::May => Level::Info,
        }
    }

    pub fn default_weight(self) -> f64 {
        match self {
            Modality::Must => 3.0,
            Modality::Should => 2.0,
            Modality::May => 1.0,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Must => "must",
            Modality::Should => "should",
            Modality::May => "may",
        }
    }
}

/// A compiled condition. Evaluated over a byte range of the normalised text, it
/// either fails or holds with evidence spans (possibly none, e.g. for `not`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Cond {
    Atom(usize),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    /// Both sides hold with evidence at most `within` characters apart; when
    /// `ordered` (`before`), the left evidence must end before the right starts.
    Near(Box<Cond>, Box<Cond>, u32, bool),
    /// The left side holds with evidence that overlaps no evidence of the right
    /// side; that evidence is kept. An exclusion bound to one passage, where
    /// `a and not b` rules out the whole range.
    Except(Box<Cond>, Box<Cond>),
    /// Holds in some sentence / paragraph / titled section of the range. The filter
    /// is derived from the condition when it is compiled ([`UnitFilter::of`]).
    Within(Scope, Box<Cond>, UnitFilter),
    /// Atoms inside only count when their mention is affirmed / negated / either.
    Polarity(Polarity, Box<Cond>),
    /// A heading whose title contains one of the words.
    Heading(Titles),
    /// The concept of that number in [`Ruleset::concepts`]: means exactly what its
    /// tree there means. Only concepts larger than a few nodes are referred to, so
    /// atoms (and other small operands) stay inline for the evaluator's fast paths.
    Concept(u32),
}

impl Cond {
    /// `self`, or the tree a [`Cond::Concept`] refers to in `table` (never itself
    /// a reference: the table holds compiled trees, whose references are inside).
    #[inline(always)]
    pub fn resolve<'c>(&'c self, table: &'c [Cond]) -> &'c Cond {
        match self {
            Cond::Concept(i) => &table[*i as usize],
            c => c,
        }
    }

    /// Whether `a` and `b` are the same condition once references are expanded
    /// (what `==` told when concepts were inlined).
    pub fn same(a: &Cond, b: &Cond, table: &[Cond]) -> bool {
        if let (Cond::Concept(x), Cond::Concept(y)) = (a, b)
            && x == y
        {
            return true;
        }
        let same_all = |xs: &[Cond], ys: &[Cond]| {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| Cond::same(x, y, table))
        };
        match (a.resolve(table), b.resolve(table)) {
            (Cond::Atom(x), Cond::Atom(y)) => x == y,
            (Cond::And(xs), Cond::And(ys)) | (Cond::Or(xs), Cond::Or(ys)) => same_all(xs, ys),
            (Cond::Not(x), Cond::Not(y)) => Cond::same(x, y, table),
            (Cond::Near(a1, b1, w1, o1), Cond::Near(a2, b2, w2, o2)) => {
                w1 == w2 && o1 == o2 && Cond::same(a1, a2, table) && Cond::same(b1, b2, table)
            }
            (Cond::Except(a1, b1), Cond::Except(a2, b2)) => {
                Cond::same(a1, a2, table) && Cond::same(b1, b2, table)
            }
            (Cond::Within(s1, x, f1), Cond::Within(s2, y, f2)) => {
                s1 == s2 && f1 == f2 && Cond::same(x, y, table)
            }
            (Cond::Polarity(p1, x), Cond::Polarity(p2, y)) => p1 == p2 && Cond::same(x, y, table),
            (Cond::Heading(x), Cond::Heading(y)) => x == y,
            _ => false,
        }
    }
}

/// What a condition needs of one unit (a sentence, a paragraph) to hold there, read
/// off the condition at compile time: evaluation tests it against the unit's atom
/// presence bits and evaluates the condition only in units that pass. Most units
/// of a notice fail most conditions, and a few bit tests cost less than evaluating
/// the condition, with a binary search per atom, to find that out.
///
/// Each list is a necessary condition only, never a sufficient one: a unit that
/// passes is still evaluated. An atom's polarity is `None` where it is the one the
/// condition is evaluated under (known only at evaluation).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UnitFilter {
    /// Atoms at least one of which has a hit wherever the condition holds (any
    /// polarity); empty when there are none such (`not x`, a heading).
    pub any_of: Vec<usize>,
    /// Atoms each of which has a hit of the polarity wherever the condition holds.
    pub all_of: Vec<(usize, Option<Polarity>)>,
    /// Atoms a hit of which (of the polarity) in the unit makes the condition fail:
    /// `x` in `… and not x`.
    pub none_of: Vec<(usize, Option<Polarity>)>,
}

type PolAtoms = Vec<(usize, Option<Polarity>)>;

impl UnitFilter {
    /// The filter of `cond` evaluated over one whole unit; `table` is the
    /// ruleset's [`Ruleset::concepts`], whose trees references stand for.
    pub fn of(cond: &Cond, table: &[Cond]) -> Self {
        let mut any_of = Vec::new();
        if !any_of_atoms(cond, table, &mut any_of) {
            any_of.clear();
        }
        dedup(&mut any_of);
        UnitFilter {
            any_of,
            all_of: needed(cond, table, None),
            none_of: forbidden(cond, table, None),
        }
    }
}

fn dedup<T: PartialEq>(v: &mut Vec<T>) {
    let mut kept: Vec<T> = Vec::with_capacity(v.len());
    for x in v.drain(..) {
        if !kept.contains(&x) {
            kept.push(x);
        }
    }
    *v = kept;
}

/// Atoms in every list (an alternative holds only if one of its parts does).
fn common(lists: impl IntoIterator<Item = PolAtoms>) -> PolAtoms {
    let mut lists = lists.into_iter();
    let Some(mut first) = lists.next() else {
        return Vec::new();
    };
    for other in lists {
        first.retain(|x| other.contains(x));
    }
    first
}

fn all(lists: impl IntoIterator<Item = PolAtoms>) -> PolAtoms {
    let mut out: PolAtoms = lists.into_iter().flatten().collect();
    dedup(&mut out);
    out
}

/// Collect atoms of which at least one must have a hit for `cond` to hold.
/// Returns false when `cond` can hold with no hit at all (`not x`, headings).
fn any_of_atoms(cond: &Cond, t: &[Cond], out: &mut Vec<usize>) -> bool {
    match cond {
        Cond::Concept(_) => any_of_atoms(cond.resolve(t), t, out),
        Cond::Atom(id) => {
            out.push(*id);
            true
        }
        // Any one conjunct's requirement is enough; take the first that has one.
        Cond::And(parts) => parts.iter().any(|p| {
            let mark = out.len();
            let ok = any_of_atoms(p, t, out);
            if !ok {
                out.truncate(mark);
            }
            ok
        }),
        // Every alternative must be covered.
        Cond::Or(parts) => parts.iter().all(|p| any_of_atoms(p, t, out)),
        Cond::Near(a, _, _, _) | Cond::Except(a, _) => any_of_atoms(a, t, out),
        Cond::Within(_, inner, _) | Cond::Polarity(_, inner) => any_of_atoms(inner, t, out),
        Cond::Not(_) | Cond::Heading(_) => false,
    }
}

/// Atoms (with polarity) each of which has a hit in the range wherever `cond`
/// holds over it, `pol` being the polarity `cond` is evaluated under.
fn needed(cond: &Cond, t: &[Cond], pol: Option<Polarity>) -> PolAtoms {
    match cond {
        Cond::Concept(_) => needed(cond.resolve(t), t, pol),
        Cond::Atom(id) => vec![(*id, pol)],
        Cond::And(parts) => all(parts.iter().map(|p| needed(p, t, pol))),
        Cond::Or(parts) => common(parts.iter().map(|p| needed(p, t, pol))),
        // Both sides must hold over the range.
        Cond::Near(a, b, _, _) => all([needed(a, t, pol), needed(b, t, pol)]),
        Cond::Except(a, _) => needed(a, t, pol),
        // A sub-unit of the range holds it, and its hits lie inside the range.
        Cond::Within(_, inner, _) => needed(inner, t, pol),
        Cond::Polarity(p, inner) => needed(inner, t, Some(*p)),
        Cond::Not(_) | Cond::Heading(_) => Vec::new(),
    }
}

/// Atoms a hit of which in the range makes `cond` fail over it.
fn forbidden(cond: &Cond, t: &[Cond], pol: Option<Polarity>) -> PolAtoms {
    match cond {
        Cond::Concept(_) => forbidden(cond.resolve(t), t, pol),
        Cond::And(parts) => all(parts.iter().map(|p| forbidden(p, t, pol))),
        Cond::Or(parts) => common(parts.iter().map(|p| forbidden(p, t, pol))),
        Cond::Not(inner) => sufficient(inner, t, pol),
        Cond::Near(a, b, _, _) => all([forbidden(a, t, pol), forbidden(b, t, pol)]),
        Cond::Except(a, _) => forbidden(a, t, pol),
        Cond::Polarity(p, inner) => forbidden(inner, t, Some(*p)),
        // A hit in the range need not lie in the sub-unit that holds.
        Cond::Atom(_) | Cond::Within(..) | Cond::Heading(_) => Vec::new(),
    }
}

/// Atoms a hit of which in the range makes `cond` hold over it.
fn sufficient(cond: &Cond, t: &[Cond], pol: Option<Polarity>) -> PolAtoms {
    match cond {
        Cond::Concept(_) => sufficient(cond.resolve(t), t, pol),
        Cond::Atom(id) => vec![(*id, pol)],
        Cond::Or(parts) => all(parts.iter().map(|p| sufficient(p, t, pol))),
        Cond::And(parts) => common(parts.iter().map(|p| sufficient(p, t, pol))),
        Cond::Not(inner) => forbidden(inner, t, pol),
        Cond::Polarity(p, inner) => sufficient(inner, t, Some(*p)),
        // Evidence must be near, or survive an exclusion: presence is not enough.
        Cond::Near(..) | Cond::Except(..) | Cond::Within(..) | Cond::Heading(_) => Vec::new(),
    }
}

/// Heading words of `section(…)` and `heading(…)`. Equal lists share an `id`, given at
/// compile time, so that evaluation matches each list against a notice's section
/// titles once, however often conditions ask.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Titles {
    pub id: usize,
    pub words: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Scope {
    Sentence,
    Paragraph,
    Section(Titles),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Polarity {
    Affirmed,
    Negated,
    Any,
}

/// A primitive recognised in the document's facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Atom {
    Terms(usize),
    Date(DateFilter),
    DateRange(DateRangeFilter),
    Count(CountFilter),
    Phone,
    Email,
    Url,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DateFilter {
    pub relative: Option<bool>,
    pub approx: Option<bool>,
    pub has_year: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DateRangeFilter {
    pub open_end: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CountFilter {
    /// (keep when listed?, list)
    pub units: Option<(bool, Vec<String>)>,
    pub qualifiers: Option<(bool, Vec<Qualifier>)>,
    pub value: Vec<(dsl::FilterOp, f64)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Qualifier {
    Exact,
    Approx,
    Max,
    AtLeast,
    AtMost,
    Vague,
}

impl Qualifier {
    pub const ALL: [(&'static str, Qualifier); 6] = [
        ("exact", Qualifier::Exact),
        ("approx", Qualifier::Approx),
        ("max", Qualifier::Max),
        ("at_least", Qualifier::AtLeast),
        ("at_most", Qualifier::AtMost),
        ("vague", Qualifier::Vague),
    ];
}

impl Ruleset {
    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(id: usize) -> Cond {
        Cond::Atom(id)
    }

    fn not(c: Cond) -> Cond {
        Cond::Not(Box::new(c))
    }

    #[test]
    fn unit_filter_reads_needs_and_exclusions() {
        // a and b and not c and not (d or e)
        let f = UnitFilter::of(
            &Cond::And(vec![
                atom(0),
                atom(1),
                not(atom(2)),
                not(Cond::Or(vec![atom(3), atom(4)])),
            ]),
            &[],
        );
        assert_eq!(f.any_of, vec![0]);
        assert_eq!(f.all_of, vec![(0, None), (1, None)]);
        assert_eq!(f.none_of, vec![(2, None), (3, None), (4, None)]);
    }

    #[test]
    fn unit_filter_of_alternatives_keeps_what_all_share() {
        // (a and b) or (a and c): a is needed, neither b nor c is.
        let f = UnitFilter::of(
            &Cond::Or(vec![
                Cond::And(vec![atom(0), atom(1)]),
                Cond::And(vec![atom(0), atom(2)]),
            ]),
            &[],
        );
        assert_eq!(f.any_of, vec![0]);
        assert_eq!(f.all_of, vec![(0, None)]);
        assert!(f.none_of.is_empty());
    }

    #[test]
    fn unit_filter_keeps_polarity_and_is_silent_on_proximity() {
        // negated(a) and not mentioned(b near c within 3)
        let near = Cond::Near(Box::new(atom(1)), Box::new(atom(2)), 3, false);
        let f = UnitFilter::of(
            &Cond::And(vec![
                Cond::Polarity(Polarity::Negated, Box::new(atom(0))),
                not(Cond::Polarity(Polarity::Any, Box::new(near))),
            ]),
            &[],
        );
        assert_eq!(f.all_of, vec![(0, Some(Polarity::Negated))]);
        // A hit of b or c does not make the proximity hold: nothing is ruled out.
        assert!(f.none_of.is_empty());
        // `not x` alone needs nothing.
        let f = UnitFilter::of(&not(atom(0)), &[]);
        assert!(f.any_of.is_empty() && f.all_of.is_empty());
        assert_eq!(f.none_of, vec![(0, None)]);
    }

    #[test]
    fn references_read_as_the_trees_they_stand_for() {
        // table[0] = a and not b; the condition uses it as a reference.
        let tree = Cond::And(vec![atom(0), not(atom(1))]);
        let table = vec![tree.clone()];
        let r = Cond::Concept(0);
        let inlined = Cond::Or(vec![tree.clone(), atom(2)]);
        let referred = Cond::Or(vec![r.clone(), atom(2)]);
        assert_eq!(
            UnitFilter::of(&referred, &table),
            UnitFilter::of(&inlined, &table)
        );
        assert!(Cond::same(&referred, &inlined, &table));
        assert!(Cond::same(&r, &tree, &table));
        assert!(!Cond::same(&r, &atom(0), &table));
    }
}
