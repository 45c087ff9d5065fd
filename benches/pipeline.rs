//! The whole pipeline (read + decode → document → facts → evaluation → findings →
//! JSON rendered into a sink) for one notice and for the corpus of published
//! notices in `../shared/corpus/notices` (or `$DISCLINT_BENCH_CORPUS`).
//!
//! `cargo bench --bench pipeline` (all), `cargo bench --bench pipeline -- one/`
//! (single notices only), `cargo bench --bench pipeline -- corpus/`.

use std::hint::black_box;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use disclint::Engine;
use disclint::report::json::Json;
use disclint::report::{Renderer, Summary};
use disclint::source::{self, InputPath, ReadOptions};
use rayon::prelude::*;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("DISCLINT_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("../shared/corpus/notices"));
    dir.is_dir().then_some(dir)
}

/// Every lintable file of the corpus, as the CLI would walk it, with its size.
fn corpus_files(dir: &Path) -> Vec<(InputPath, u64)> {
    let (paths, errors) = source::expand_inputs(&[dir.display().to_string()]);
    assert!(
        errors.is_empty(),
        "cannot walk {}: {errors:?}",
        dir.display()
    );
    paths
        .into_iter()
        .map(|p| {
            let len = match &p {
                InputPath::File(f) => std::fs::metadata(f).map_or(0, |m| m.len()),
                InputPath::Stdin => 0,
            };
            (p, len)
        })
        .collect()
}

/// Read, lint and render one file as `disclint check --format json` does.
fn lint_one(engine: &Engine, path: &InputPath, renderer: &mut Json, summary: &mut Summary) {
    let opts = ReadOptions::default();
    let src = source::read_source(path, &opts).expect("readable notice");
    let report = engine.lint_source(src);
    summary.add(&report);
    renderer
        .file(&mut io::sink(), &report)
        .expect("render into a sink");
}

fn one_notice(c: &mut Criterion) {
    let engine = Engine::default_ruleset();
    let mut notices = vec![manifest_dir().join("examples/complete.md")];
    if let Some(dir) = corpus_dir()
        && let Some((InputPath::File(largest), _)) =
            corpus_files(&dir).into_iter().max_by_key(|(_, len)| *len)
    {
        notices.push(largest);
    }
    let mut group = c.benchmark_group("one");
    for path in notices {
        let len = std::fs::metadata(&path).unwrap().len();
        let input = InputPath::File(path.clone());
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        group.throughput(Throughput::Bytes(len));
        group.bench_function(format!("{name} ({len} bytes)"), |b| {
            b.iter(|| {
                let mut renderer = Json::default();
                let mut summary = Summary::default();
                lint_one(&engine, black_box(&input), &mut renderer, &mut summary);
                black_box(summary.files)
            })
        });
    }
    group.finish();
}

fn corpus(c: &mut Criterion) {
    let Some(dir) = corpus_dir() else {
        println!(
            "SKIPPED corpus/: no corpus at ../shared/corpus/notices (set DISCLINT_BENCH_CORPUS to a directory of notices)"
        );
        return;
    };
    let engine = Engine::default_ruleset();
    let files = corpus_files(&dir);
    let bytes: u64 = files.iter().map(|(_, len)| len).sum();
    let paths: Vec<InputPath> = files.into_iter().map(|(p, _)| p).collect();
    println!(
        "corpus: {} files, {} bytes in {}",
        paths.len(),
        bytes,
        dir.display()
    );
    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("sequential", |b| {
        b.iter(|| {
            let mut renderer = Json::default();
            let mut summary = Summary::default();
            let mut out = io::sink();
            renderer.begin(&mut out).unwrap();
            for p in &paths {
                lint_one(&engine, p, &mut renderer, &mut summary);
            }
            renderer.end(&mut out, &summary).unwrap();
            black_box(summary.files)
        })
    });
    // As the CLI runs: batches linted in parallel, rendered in input order.
    group.bench_function(
        format!("parallel ({} threads)", rayon::current_num_threads()),
        |b| {
            b.iter(|| {
                let mut renderer = Json::default();
                let mut summary = Summary::default();
                let mut out = io::sink();
                renderer.begin(&mut out).unwrap();
                for chunk in paths.chunks(64) {
                    let reports: Vec<_> = chunk
                        .par_iter()
                        .map(|p| {
                            let src = source::read_source(p, &ReadOptions::default()).unwrap();
                            engine.lint_source(src)
                        })
                        .collect();
                    for r in &reports {
                        summary.add(r);
                        renderer.file(&mut out, r).unwrap();
                    }
                }
                renderer.end(&mut out, &summary).unwrap();
                black_box(summary.files)
            })
        },
    );
    group.finish();
}

criterion_group!(benches, one_notice, corpus);
criterion_main!(benches);
