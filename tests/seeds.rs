//! The seed documents in ../shared/seeds with their firm labels. Skipped, with a
//! message, when ../shared is not beside the repository.

use std::path::{Path, PathBuf};

use disclint::Engine;
use disclint::accuracy::{load_labels, parse_status};
use disclint::findings::Status;
use disclint::source::{InputPath, ReadOptions, read_source};

fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if p.join("seeds").is_dir() && p.join("eval/seed-labels.yaml").is_file() {
        Some(p)
    } else {
        eprintln!("SKIPPED: ../shared/seeds is not present; seed acceptance tests did not run");
        None
    }
}

/// Items marked `# firm` in the labels file, as (file, check).
fn firm_items(labels_text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut file = String::new();
    for line in labels_text.lines() {
        let t = line.trim_start();
        if let Some(f) = t.strip_prefix("- file:") {
            file = f.trim().to_string();
        } else if line.contains("# firm") && t.contains(": {status:") {
            let check = t.split(':').next().unwrap().trim().to_string();
            out.push((file.clone(), check));
        }
    }
    out
}

fn lint(engine: &Engine, path: &Path) -> disclint::FileReport {
    let src = read_source(
        &InputPath::File(path.to_path_buf()),
        &ReadOptions::default(),
    )
    .unwrap();
    engine.lint_source(src)
}

#[test]
fn firm_seed_labels_are_reproduced() {
    let Some(shared) = shared() else { return };
    let labels_path = shared.join("eval/seed-labels.yaml");
    let labels = load_labels(&labels_path).unwrap();
    let firm = firm_items(&std::fs::read_to_string(&labels_path).unwrap());
    assert!(
        firm.len() > 40,
        "expected the firm items, found {}",
        firm.len()
    );
    let engine = Engine::default_ruleset();
    let mut wrong = Vec::new();
    for (file, check) in &firm {
        let notice = labels.iter().find(|n| n.file == *file).unwrap();
        let expected = parse_status(&notice.items[check.as_str()].status).unwrap();
        let report = lint(&engine, &shared.join("seeds").join(file));
        let got = report
            .findings
            .checks
            .iter()
            .find(|c| c.id == *check)
            .unwrap()
            .status;
        if got != expected {
            wrong.push(format!(
                "{file} {check}: expected {expected:?}, got {got:?}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} firm items differ:\n{}",
        wrong.len(),
        firm.len(),
        wrong.join("\n")
    );
}

#[test]
fn blog_post_scores_below_every_notice_and_flags_vague_counts() {
    let Some(shared) = shared() else { return };
    let engine = Engine::default_ruleset();
    let seeds = shared.join("seeds");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let blog = files
        .iter()
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("004"))
        .unwrap();
    let blog_report = lint(&engine, blog);
    let blog_score = blog_report.findings.score.unwrap();
    for f in files.iter().filter(|p| *p != blog) {
        let s = lint(&engine, f).findings.score.unwrap();
        assert!(
            blog_score < s,
            "blog post {blog_score} is not below {} ({s})",
            f.display()
        );
    }
    for passage in ["約数万件", "数千件"] {
        let flagged =
            blog_report.findings.diagnostics.iter().any(|d| {
                d.code == "counts/vague" && d.labels.iter().any(|l| l.text.contains(passage))
            });
        assert!(flagged, "no counts/vague diagnostic on {passage}");
    }
    assert_ne!(
        blog_report
            .findings
            .checks
            .iter()
            .find(|c| c.id == "police-report")
            .unwrap()
            .status,
        Status::Stated
    );
}
