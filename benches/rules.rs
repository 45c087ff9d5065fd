//! Rule loading: parse the embedded YAML, parse every checklist expression (DSL),
//! compile and build the term automaton — everything `disclint` does before it
//! reads the first notice. Target: under 5 ms for the default ruleset.
//!
//! `cargo bench --bench rules`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use disclint::Engine;

fn load_default_ruleset(c: &mut Criterion) {
    c.bench_function(
        "rules/load default ruleset (yaml+dsl+compile+automaton)",
        |b| b.iter(|| black_box(Engine::default_ruleset())),
    );
}

criterion_group!(benches, load_default_ruleset);
criterion_main!(benches);
