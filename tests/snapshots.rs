//! Snapshots of what people read: the human (miette) and short (codespan) output on
//! the example notices. Review changes with `cargo insta review`.

use disclint::Engine;
use disclint::report::{Renderer, Summary, human::Human, json::Json, short::Short};
use disclint::source::{InputPath, ReadOptions, read_source};

fn render(renderer: &mut dyn Renderer, paths: &[&str]) -> String {
    let engine = Engine::default_ruleset();
    let mut out = Vec::new();
    let mut summary = Summary::default();
    renderer.begin(&mut out).unwrap();
    for p in paths {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(p);
        let mut src = read_source(&InputPath::File(path), &ReadOptions::default()).unwrap();
        src.path = p.to_string();
        let report = engine.lint_source(src);
        summary.add(&report);
        renderer.file(&mut out, &report).unwrap();
    }
    renderer.end(&mut out, &summary).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn human_output_on_the_draft() {
    insta::assert_snapshot!(render(&mut Human::new(false, true), &["examples/draft.md"]));
}

#[test]
fn human_output_on_the_complete_notice() {
    insta::assert_snapshot!(render(
        &mut Human::new(false, true),
        &["examples/complete.md"]
    ));
}

#[test]
fn short_output_on_both_examples() {
    insta::assert_snapshot!(render(
        &mut Short::default(),
        &["examples/draft.md", "examples/complete.md"]
    ));
}

#[test]
fn json_output_on_the_draft() {
    let text = render(&mut Json::default(), &["examples/draft.md"]);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    insta::assert_json_snapshot!(v);
}
