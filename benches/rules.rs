//! Rule loading: everything `disclint` does before it reads the first notice.
//! Target: under 5 ms for the default ruleset.
//!
//! - `default ruleset (precompiled)`: what the binary does — decode the embedded
//!   ruleset compiled ahead of time (`rules/ja/ppc.compiled`) and its term automaton;
//! - `default ruleset from YAML`: what a ruleset file costs — parse the YAML, parse
//!   every checklist expression (DSL), compile, build the term automaton.
//!
//! `cargo bench --bench rules`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use disclint::Engine;
use disclint::ruleset::{compile, embedded, load_named_or_path};

fn load_default_ruleset(c: &mut Criterion) {
    c.bench_function("rules/default ruleset (precompiled)", |b| {
        b.iter(|| black_box(Engine::default_ruleset()))
    });
    c.bench_function(
        "rules/default ruleset from YAML (yaml+dsl+compile+automaton)",
        |b| {
            b.iter(|| {
                let layers = load_named_or_path(embedded::DEFAULT).unwrap();
                black_box(Engine::new(compile(layers).unwrap()))
            })
        },
    );
}

criterion_group!(benches, load_default_ruleset);
criterion_main!(benches);
