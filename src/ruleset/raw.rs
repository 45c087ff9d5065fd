//! The YAML shape of a ruleset, as written by people: serde types only, no checks.
//! `compile` turns these into the checked [`super::Ruleset`].
//!
//! Every value a later check may complain about is `Spanned`, so that the complaint
//! points at its line and column in the YAML file.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_saphyr::Spanned;

pub type Text = Spanned<String>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SerializableRuleset {
    /// The ruleset's name (`ja-ppc`).
    pub ruleset: Text,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub lang: Option<String>,
    /// Rulesets this one builds on: embedded names or paths relative to this file.
    #[serde(default)]
    pub extends: Vec<Text>,
    /// Sections (by heading text) that are not part of the notice, e.g. an archive's
    /// metadata block. Nothing in them counts and nothing points into them.
    #[serde(default)]
    pub exclude_sections: Vec<Text>,
    #[serde(default)]
    pub vocab: IndexMap<String, Spanned<Vec<Text>>>,
    /// Terms added to vocabularies inherited through `extends`.
    #[serde(default)]
    pub extend_vocab: IndexMap<String, Spanned<Vec<Text>>>,
    /// Named expressions of the checklist DSL: when a concept is stated.
    #[serde(default)]
    pub concepts: IndexMap<String, Text>,
    /// For a concept of the same name: when it is addressed only vaguely.
    #[serde(default)]
    pub vague: IndexMap<String, Text>,
    /// The statements, one DSL block.
    #[serde(default)]
    pub checklist: Option<Text>,
    /// Documentation, messages and examples per check id.
    #[serde(default)]
    pub checks: IndexMap<String, SerializableCheck>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SerializableCheck {
    #[serde(default)]
    pub title: Option<String>,
    /// Why the item matters (the legal ground, the reader's need).
    #[serde(default)]
    pub why: Option<String>,
    /// An example of a good phrasing.
    #[serde(default)]
    pub help: Option<String>,
    #[serde(default)]
    pub message: SerializableMessages,
    /// When the item may legitimately be open (a first report still under
    /// investigation): the condition and the message shown instead of a reproach.
    #[serde(default)]
    pub pending: Option<SerializablePending>,
    /// Heading words of the section where the item belongs; a "missing" diagnostic
    /// points there when the notice has such a section.
    #[serde(default)]
    pub section: Vec<String>,
    #[serde(default)]
    pub weight: Option<Spanned<f64>>,
    #[serde(default)]
    pub examples: SerializableExamples,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SerializableMessages {
    #[serde(default)]
    pub missing: Option<String>,
    #[serde(default)]
    pub vague: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SerializablePending {
    pub when: Text,
    pub message: String,
}

/// Snippets the test suite runs: each must get the named status.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SerializableExamples {
    #[serde(default)]
    pub pass: Vec<Text>,
    #[serde(default)]
    pub vague: Vec<Text>,
    #[serde(default)]
    pub fail: Vec<Text>,
    #[serde(default)]
    pub na: Vec<Text>,
}
