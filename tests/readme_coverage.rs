//! The README's corpus coverage table is produced by the tool, not typed in: this
//! test recomputes it and fails when it is stale (run scripts/update-readme-coverage).
//! Skipped, with a message, when ../shared/corpus is not beside the repository.

use std::path::Path;

use disclint::Engine;
use disclint::report::{Renderer, Summary, score::Markdown};
use disclint::source::{ReadOptions, expand_inputs, read_source};
use rayon::prelude::*;

#[test]
fn readme_coverage_table_matches_the_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("../shared/corpus/notices");
    if !corpus.is_dir() {
        eprintln!("SKIPPED: ../shared/corpus is not present; README coverage table not checked");
        return;
    }
    // Paths as the script passes them, relative to the repository.
    std::env::set_current_dir(root).unwrap();
    let (paths, errors) = expand_inputs(&["../shared/corpus/notices".to_string()]);
    assert!(errors.is_empty(), "{errors:?}");
    let engine = Engine::default_ruleset();
    let opts = ReadOptions::default();
    let reports: Vec<_> = paths
        .par_iter()
        .map(|p| engine.lint_source(read_source(p, &opts).expect("corpus files read")))
        .collect();
    let mut md = Markdown::default();
    let mut summary = Summary::default();
    let mut out = Vec::new();
    for r in &reports {
        summary.add(r);
        md.file(&mut out, r).unwrap();
    }
    md.end(&mut out, &summary).unwrap();
    let text = String::from_utf8(out).unwrap();
    let table: Vec<&str> = text.lines().take_while(|l| !l.is_empty()).collect();
    let summary_line = text
        .lines()
        .find(|l| l.contains(" notices, mean score "))
        .unwrap();
    let expected = format!("{}\n\n{summary_line}", table.join("\n"));

    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme
        .find("<!-- coverage:start -->\n")
        .expect("coverage markers in README");
    let end = readme.find("\n<!-- coverage:end -->").unwrap();
    let current = &readme[start + "<!-- coverage:start -->\n".len()..end];
    assert_eq!(
        current, expected,
        "README coverage table is stale: run scripts/update-readme-coverage"
    );
}
