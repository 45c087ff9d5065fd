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
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TermSet {
    /// Vocabulary name, or the quoted literal of a `phrase(…)`.
    pub name: String,
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
    /// Holds in some sentence / paragraph / titled section of the range.
    Within(Scope, Box<Cond>),
    /// Atoms inside only count when their mention is affirmed / negated / either.
    Polarity(Polarity, Box<Cond>),
    /// A heading whose title contains one of the words.
    Heading(Titles),
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
