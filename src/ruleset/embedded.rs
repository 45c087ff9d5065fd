//! Rulesets shipped inside the binary, so that nothing needs configuring.

/// An embedded ruleset: its YAML, and the same compiled ahead of time (see
/// [`crate::precompiled`]).
pub struct EmbeddedRuleset {
    pub name: &'static str,
    pub yaml: &'static str,
    /// Path of the compiled form, relative to the crate root.
    pub compiled_path: &'static str,
    pub compiled: &'static [u8],
}

/// The first is the default.
pub const RULESETS: &[EmbeddedRuleset] = &[EmbeddedRuleset {
    name: "ja-ppc",
    yaml: include_str!("../../rules/ja/ppc.yaml"),
    compiled_path: "rules/ja/ppc.compiled",
    compiled: include_bytes!("../../rules/ja/ppc.compiled"),
}];

pub const DEFAULT: &str = RULESETS[0].name;

pub fn get(name: &str) -> Option<&'static str> {
    RULESETS.iter().find(|r| r.name == name).map(|r| r.yaml)
}

pub fn find(name: &str) -> Option<&'static EmbeddedRuleset> {
    RULESETS.iter().find(|r| r.name == name)
}

pub fn names() -> impl Iterator<Item = &'static str> {
    RULESETS.iter().map(|r| r.name)
}
