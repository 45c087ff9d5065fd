//! Rulesets shipped inside the binary, so that nothing needs configuring.

/// (name, YAML text). The first is the default.
pub const RULESETS: &[(&str, &str)] = &[("ja-ppc", include_str!("../../rules/ja/ppc.yaml"))];

pub const DEFAULT: &str = RULESETS[0].0;

pub fn get(name: &str) -> Option<&'static str> {
    RULESETS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

pub fn names() -> impl Iterator<Item = &'static str> {
    RULESETS.iter().map(|(n, _)| *n)
}
