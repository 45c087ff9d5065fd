//! Inputs that are not notices, or are hostile: each is refused or handled with
//! a clear message, the rest of the run goes on, and the exit code says so.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

const GOOD: &str = "\
# 個人情報漏えいに関するお詫び

2025年6月2日、当社サーバーへの不正アクセスを検知しました。
調査の結果、約数万件のお客様の個人情報が流出した可能性があります。
";

fn disclint() -> Command {
    Command::cargo_bin("disclint").unwrap()
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, bytes).unwrap();
    p
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }

    fn paths(&self) -> Vec<String> {
        self.json()["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect()
    }
}

fn run(args: &[&str], paths: &[&Path]) -> Run {
    let out = disclint().args(args).args(paths).output().unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

#[test]
fn binary_files_are_skipped_with_a_warning_and_the_rest_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let png = write(
        dir.path(),
        "image.md",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
    );
    let nul = write(dir.path(), "nul.txt", b"abc\x00\x01\x02def");
    let good = write(dir.path(), "good.md", GOOD);
    let r = run(&["check", "--format", "json"], &[&png, &good, &nul]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_eq!(r.paths(), [good.display().to_string()]);
    for p in [&png, &nul] {
        assert!(
            r.stderr
                .contains(&format!("{} looks like a binary file", p.display())),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn empty_files_are_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.md", b"");
    let blank = write(dir.path(), "blank.md", " \n\u{3000}\r\n");
    let good = write(dir.path(), "good.md", GOOD);
    let r = run(&["check", "--format", "short"], &[&empty, &blank, &good]);
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains(&format!("{} is empty", empty.display())),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!("{} is empty", blank.display())),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("good.md:"), "{}", r.stdout);
}

#[test]
fn files_over_the_size_limit_are_refused_naming_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let big = write(dir.path(), "big.md", GOOD.repeat(10));
    let size = std::fs::metadata(&big).unwrap().len();
    let good = write(dir.path(), "good.md", GOOD);
    let r = run(
        &["check", "--format", "json", "--max-file-size", "1000"],
        &[&big, &good],
    );
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains(&format!(
            "{} is too large: {size} bytes, the limit is 1000 bytes",
            big.display()
        )),
        "{}",
        r.stderr
    );
    assert_eq!(r.paths(), [good.display().to_string()]);

    // Standard input is capped the same way.
    let out = disclint()
        .args(["check", "--max-file-size", "1000", "-"])
        .write_stdin(GOOD.repeat(10))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("the limit is 1000 bytes"), "{stderr}");
}

#[test]
fn directory_arguments_are_walked_sorted_skipping_hidden_and_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("notices");
    for name in [
        "b.md",
        "a.txt",
        "sub/c.html",
        "sub/d.MD",
        ".hidden/e.md",
        "f.pdf.bak",
    ] {
        let text = if name.ends_with("html") {
            format!("<p>{GOOD}</p>")
        } else {
            GOOD.to_string()
        };
        write(&root, name, text);
    }
    let r = run(&["check", "--format", "json"], &[&root]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let expected: Vec<String> = ["a.txt", "b.md", "sub/c.html", "sub/d.MD"]
        .iter()
        .map(|n| root.join(n).display().to_string())
        .collect();
    assert_eq!(r.paths(), expected);
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_reported_and_the_run_continues() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let locked = write(dir.path(), "locked.md", GOOD);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_ok() {
        eprintln!(
            "SKIPPED unreadable_files_are_reported_and_the_run_continues: \
             running with privileges that ignore file permissions (root?)"
        );
        return;
    }
    let good = write(dir.path(), "good.md", GOOD);
    let r = run(&["check", "--format", "json"], &[&locked, &good]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr
            .contains(&format!("{}: cannot read", locked.display())),
        "{}",
        r.stderr
    );
    assert_eq!(r.paths(), [good.display().to_string()]);
}

/// Unlike `chmod 000`, a symbolic-link loop cannot be read even by root.
#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_and_the_run_continues() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("loop-a.md");
    let b = dir.path().join("loop-b.md");
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    let good = write(dir.path(), "good.md", GOOD);
    let r = run(&["check", "--format", "json"], &[&a, &good]);
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains(&format!("{}: cannot read", a.display())),
        "{}",
        r.stderr
    );
    assert_eq!(r.paths(), [good.display().to_string()]);
}

#[test]
fn exit_codes_follow_the_documentation() {
    let dir = tempfile::tempdir().unwrap();
    let draft = write(dir.path(), "draft.md", GOOD);
    // A one-item checklist that GOOD satisfies (independent of the default rules).
    let rules = write(
        dir.path(),
        "rules.yaml",
        "ruleset: one\nvocab:\n  attack: [不正アクセス]\nconcepts:\n  incident: attack\nchecklist: |\n  must state incident\n",
    );
    let rules = rules.to_str().unwrap();
    // 0: nothing at or above the failing level.
    assert_eq!(run(&["check", "-r", rules], &[&draft]).code, Some(0));
    assert_eq!(
        run(&["check", "--fail-level", "never"], &[&draft]).code,
        Some(0)
    );
    // 1: findings, or a score below --min-score.
    assert_eq!(run(&["check"], &[&draft]).code, Some(1));
    assert_eq!(
        run(&["check", "-r", rules, "--min-score", "100.5"], &[&draft]).code,
        Some(1)
    );
    // 2: input, usage or configuration errors — even beside findings.
    let missing = dir.path().join("missing.md");
    let r = run(&["check"], &[&missing, &draft]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("no such file"), "{}", r.stderr);
    assert_eq!(run(&["check", "--no-such-flag"], &[&draft]).code, Some(2));
    assert_eq!(
        run(&["check", "-r", "no-such-ruleset"], &[&draft]).code,
        Some(2)
    );
    let no_match = dir.path().join("*.nothing");
    assert_eq!(run(&["check"], &[&no_match]).code, Some(2));
}

/// Debug builds are slow; these bounds catch quadratic blow-ups, not noise.
const GENEROUS: Duration = Duration::from_secs(60);

#[test]
fn a_huge_single_line_lints_in_reasonable_time() {
    let dir = tempfile::tempdir().unwrap();
    let sentence =
        "当社サーバーに不正アクセスがあり、約数万件の個人情報が流出した可能性があります。";
    let mut line = String::new();
    while line.len() < 5 * 1024 * 1024 {
        line.push_str(sentence);
    }
    let huge = write(dir.path(), "huge.md", &line);
    let started = Instant::now();
    let r = run(&["check", "--format", "json"], &[&huge]);
    let took = started.elapsed();
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(took < GENEROUS, "took {took:?}");
    let json = r.json();
    for d in json["files"][0]["diagnostics"].as_array().unwrap() {
        for l in d["labels"].as_array().unwrap() {
            assert_eq!(l["line"], 1);
        }
    }
}

#[test]
fn ten_thousand_vague_passages_render_in_reasonable_time() {
    let dir = tempfile::tempdir().unwrap();
    // With a concrete count stated, each vague passage is its own warning
    // (`avoid vague counts`), not one label among eight.
    let mut text = format!("{GOOD}対象となるお客様は12,480名です。\n");
    for i in 0..10_000 {
        text.push_str(&format!(
            "{i}. 一部のお客様につきましては、セキュリティ対策の強化に努めます。\n"
        ));
    }
    let many = write(dir.path(), "many.md", &text);
    let started = Instant::now();
    let r = run(&["check", "--color", "never"], &[&many]);
    let took = started.elapsed();
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(took < GENEROUS, "took {took:?}");
    assert!(
        r.stdout.contains("一部のお客様"),
        "{}",
        &r.stdout[..2000.min(r.stdout.len())]
    );
}

#[test]
fn stdin_is_linted_as_text() {
    let out = disclint()
        .args(["check", "--format", "json", "-"])
        .write_stdin(GOOD)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"][0]["path"], "<stdin>");
}

#[test]
fn report_file_is_written_atomically_and_only_on_success() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.md", GOOD);
    let report = dir.path().join("report.json");
    let r = run(
        &["check", "--format", "json", "-o", report.to_str().unwrap()],
        &[&good],
    );
    assert_eq!(r.code, Some(1));
    assert!(r.stdout.is_empty());
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(v["files"][0]["path"], good.display().to_string());
    // No temporary files left beside it.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, ["good.md", "report.json"]);
}

#[test]
fn report_file_is_left_alone_when_the_run_cannot_start() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.md", GOOD);
    let report = write(dir.path(), "report.json", "OLD");
    let bad_rules = write(dir.path(), "bad.yaml", "ruleset: x\nchecklist: |\n  must\n");
    let r = run(
        &[
            "check",
            "-r",
            bad_rules.to_str().unwrap(),
            "-o",
            report.to_str().unwrap(),
        ],
        &[&good],
    );
    assert_eq!(r.code, Some(2));
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "OLD");

    // An output directory that does not exist is an error, not a panic.
    let nowhere = dir.path().join("no/such/dir/report.json");
    let r = run(&["check", "-o", nowhere.to_str().unwrap()], &[&good]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("error[output]"), "{}", r.stderr);
}

/// One "sentence" (no 。 or line break) packed with negation markers. Each marker
/// used to be analysed against the whole sentence, so time grew with the square of
/// its length (2.1 MB took 400 s); the analysis now looks at a window around it.
#[test]
fn a_long_sentence_full_of_negations_lints_in_reasonable_time() {
    let dir = tempfile::tempdir().unwrap();
    let text = "個人情報は含まれておりません".repeat(20_000);
    let p = write(dir.path(), "negations.md", &text);
    let started = Instant::now();
    let r = run(&["check", "--format", "short"], &[&p]);
    let took = started.elapsed();
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(took < GENEROUS, "took {took:?}");
}
