//! Embedded rulesets, compiled ahead of time.
//!
//! Reading the default ruleset's YAML, parsing its DSL, checking it and building the
//! term automaton takes a few milliseconds — most of a one-notice run. The compiled
//! [`Ruleset`] of each embedded ruleset and its term automaton are therefore stored
//! next to its YAML (`rules/ja/ppc.compiled`) and decoded at start-up instead. The
//! file is generated, like a lookup table: `tests/embedded_rulesets.rs` compiles every embedded YAML with the current code
//! and fails when the stored file differs (`DISCLINT_UPDATE_EMBEDDED=1 cargo test
//! --test embedded_rulesets` rewrites it).
//!
//! The stored file names a hash of the YAML text it was compiled from and of the
//! source of the code that defines and produces the stored types (the compiler, the
//! ruleset types, the term matcher), the crate version and a format number; when any
//! of them does not match (an edit not yet regenerated), the YAML is compiled as
//! usual, so a stale file can make start-up slower but never change what is checked.

use serde::{Deserialize, Serialize};

use crate::engine::Engine;
use crate::facts::TermMatcher;
use crate::ruleset::Ruleset;
use crate::ruleset::embedded::{self, EmbeddedRuleset};

/// Bumped when the meaning or layout of a stored ruleset changes.
const FORMAT: u32 = 4;

#[derive(Serialize, Deserialize)]
struct Stored {
    format: u32,
    crate_version: String,
    /// [`hash`] of the YAML and of [`SOURCES`].
    source_hash: u64,
    ruleset: Ruleset,
}
// The term automaton ([`TermMatcher::to_bytes`]) follows the postcard record as raw
// little-endian arrays, which the matcher borrows where they lie (the embedded
// files live as long as the program): decoding them was most of a one-notice run.

/// The code whose changes can change a stored ruleset's meaning or layout.
const SOURCES: &[&str] = &[
    include_str!("ruleset/mod.rs"),
    include_str!("ruleset/dsl.rs"),
    include_str!("ruleset/compile.rs"),
    include_str!("facts/mod.rs"),
    include_str!("facts/terms.rs"),
];

/// FNV-1a over the YAML and [`SOURCES`]: a stable 64-bit hash (std's hashers are not
/// stable across releases). A `const fn`, so that the embedded rulesets' hashes are
/// worked out when disclint is compiled ([`EMBEDDED_HASHES`]): at start-up it
/// cost a sixth of loading the ruleset.
const fn hash(yaml: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    h = fnv(h, yaml.as_bytes());
    let mut i = 0;
    while i < SOURCES.len() {
        h = fnv(h, SOURCES[i].as_bytes());
        i += 1;
    }
    h
}

const fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    h
}

/// [`hash`] of each embedded ruleset's YAML, in [`embedded::RULESETS`] order.
// The hash reads every byte of the YAML and of the sources in the compiler's const
// evaluator; the default ruleset outgrew the step budget after which rustc calls a
// constant "long running" and stops. The loop ends (it walks fixed slices), so the
// lint is allowed here rather than the hash moved back to start-up.
#[allow(long_running_const_eval)]
const EMBEDDED_HASHES: [u64; embedded::RULESETS.len()] = {
    let mut hashes = [0; embedded::RULESETS.len()];
    let mut i = 0;
    while i < hashes.len() {
        hashes[i] = hash(embedded::RULESETS[i].yaml);
        i += 1;
    }
    hashes
};

/// The stored form of `engine`, compiled from `yaml`.
pub fn encode(engine: &Engine, yaml: &str) -> Vec<u8> {
    // The terms themselves are left out: the stored automaton stands for them, and
    // decoding them (UTF-8 checks of every term) was a third of loading the rules.
    let mut ruleset = engine.ruleset.clone();
    for set in &mut ruleset.term_sets {
        set.terms = Vec::new();
    }
    let stored = Stored {
        format: FORMAT,
        crate_version: env!("CARGO_PKG_VERSION").to_string(),
        source_hash: hash(yaml),
        ruleset,
    };
    let mut bytes = postcard::to_stdvec(&stored).expect("a ruleset serialises");
    bytes.extend(engine.matcher().to_bytes());
    bytes
}

/// The engine stored in `bytes` if it was compiled from exactly `yaml` by this
/// version of disclint's code; `None` otherwise (compile the YAML instead).
pub fn decode(bytes: &'static [u8], yaml: &str) -> Option<Engine> {
    decode_hashed(bytes, hash(yaml))
}

/// [`decode`], given the [`hash`] of the YAML.
fn decode_hashed(bytes: &'static [u8], source_hash: u64) -> Option<Engine> {
    let (stored, terms): (Stored, &'static [u8]) = postcard::take_from_bytes(bytes).ok()?;
    if stored.format != FORMAT
        || stored.crate_version != env!("CARGO_PKG_VERSION")
        || stored.source_hash != source_hash
    {
        return None;
    }
    let matcher = TermMatcher::from_bytes(terms, &stored.ruleset)?;
    Some(Engine::with_matcher(stored.ruleset, matcher))
}

/// The engine of an embedded ruleset from its compiled form, when that is up to date.
pub fn embedded(r: &EmbeddedRuleset) -> Option<Engine> {
    // The YAML compared (a memcmp) rather than hashed again.
    let at = embedded::RULESETS.iter().position(|e| e.yaml == r.yaml);
    match at {
        Some(i) => decode_hashed(r.compiled, EMBEDDED_HASHES[i]),
        None => decode(r.compiled, r.yaml),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruleset::{compile, embedded, load_named_or_path};

    fn default_engine() -> (Engine, &'static str) {
        let yaml = embedded::get(embedded::DEFAULT).unwrap();
        let layers = load_named_or_path(embedded::DEFAULT).unwrap();
        (Engine::new(compile(layers).unwrap()), yaml)
    }

    #[test]
    fn round_trips() {
        let (engine, yaml) = default_engine();
        // A stored engine borrows its bytes for the life of the program.
        let bytes: &'static [u8] = encode(&engine, yaml).leak();
        let back = decode(bytes, yaml).expect("decodes");
        assert_eq!(encode(&back, yaml), bytes);
        // The decoded automaton finds what the built one finds.
        let text = "2025年4月1日、当社サーバーへの不正アクセスにより個人情報が漏えいしました。";
        assert_eq!(back.matcher().find(text), engine.matcher().find(text));
    }

    #[test]
    fn refuses_other_yaml_and_garbage() {
        let (engine, yaml) = default_engine();
        let bytes: &'static [u8] = encode(&engine, yaml).leak();
        let edited = format!("{yaml}\n# edited\n");
        assert!(decode(bytes, &edited).is_none());
        assert!(decode(&bytes[..bytes.len() / 2], yaml).is_none());
        assert!(decode(b"not a ruleset", yaml).is_none());
    }
}
