//! The command line as users and CI call it: exit codes and formats.

use assert_cmd::Command;
use predicates::prelude::*;

fn disclint() -> Command {
    let mut c = Command::cargo_bin("disclint").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

#[test]
fn complete_notice_is_clean_and_exits_0() {
    disclint()
        .args(["check", "examples/complete.md"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("完全性スコア 100.0"));
}

#[test]
fn draft_with_gaps_exits_1_with_diagnostics() {
    disclint()
        .args(["check", "--color", "never", "examples/draft.md"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("period/vague"))
        .stdout(predicate::str::contains("counts/vague"))
        .stdout(predicate::str::contains("約数万件"));
}

#[test]
fn short_format_is_one_line_per_diagnostic_with_character_columns() {
    let out = disclint()
        .args(["check", "--format", "short", "examples/draft.md"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(!lines.is_empty());
    for l in &lines {
        assert!(l.starts_with("examples/draft.md:"), "{l}");
    }
    // 「約数万件」 sits on line 7 after 「調査の結果、」 (6 characters): column 7.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("examples/draft.md:7:7: error[counts/vague]")),
        "{text}"
    );
}

#[test]
fn json_follows_the_documented_schema() {
    let out = disclint()
        .args([
            "check",
            "--format",
            "json",
            "examples/draft.md",
            "examples/complete.md",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["path"], "examples/draft.md");
    assert_eq!(files[0]["ruleset"], "ja-ppc");
    let checks = files[0]["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 12);
    assert_eq!(checks[0]["id"], "period");
    assert_eq!(checks[0]["level"], "error");
    assert_eq!(checks[0]["weight"], 3.0);
    for c in checks {
        assert!(
            ["stated", "vague", "missing", "not-applicable"]
                .contains(&c["status"].as_str().unwrap())
        );
    }
    let d = files[0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "counts/vague")
        .expect("counts/vague diagnostic");
    assert_eq!(d["check"], "counts");
    // A `must` check addressed only vaguely is not met: an error.
    assert_eq!(d["severity"], "error");
    let label = &d["labels"][0];
    assert_eq!(label["text"], "約数万件");
    assert_eq!(label["line"], 7);
    assert_eq!(label["column"], 7);
    let text = std::fs::read_to_string("examples/draft.md").unwrap();
    let (s, e) = (
        label["start"].as_u64().unwrap() as usize,
        label["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[s..e], "約数万件");
    assert_eq!(v["summary"]["files"], 2);
    assert!(v["summary"]["errors"].as_u64().unwrap() > 0);
    assert!(v["summary"]["mean_score"].is_number());
}

#[test]
fn stdin_is_read_with_dash() {
    disclint()
        .args(["check", "--format", "json", "-"])
        .write_stdin("お客様の個人情報が流出した可能性があります。")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"path\":\"<stdin>\""));
}

#[test]
fn missing_file_is_an_input_error_exit_2() {
    disclint()
        .args(["check", "examples/no-such-notice.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-notice.md"));
}

#[test]
fn glob_matching_nothing_is_exit_2() {
    disclint()
        .args(["check", "examples/*.nothing"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("examples/*.nothing"));
}

#[test]
fn unknown_option_is_a_usage_error_exit_2() {
    disclint()
        .args(["check", "--frobnicate", "x"])
        .assert()
        .code(2);
    disclint().assert().code(2);
}

#[test]
fn directory_is_walked_for_notices() {
    let out = disclint()
        .args(["score", "--format", "csv", "examples"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("path,score,period,discovery,counts"),
        "{text}"
    );
    assert!(text.contains("examples/complete.md,100.0,stated"), "{text}");
    assert!(text.contains("examples/draft.md"), "{text}");
}

#[test]
fn min_score_fails_a_clean_run() {
    disclint()
        .args(["check", "--min-score", "101", "examples/complete.md"])
        .assert()
        .code(1);
}

#[test]
fn fail_level_never_exits_0_on_findings() {
    disclint()
        .args(["check", "--fail-level", "never", "examples/draft.md"])
        .assert()
        .code(0);
}

#[test]
fn score_formats() {
    disclint()
        .args(["score", "examples/complete.md", "examples/draft.md"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("100.0"))
        .stdout(predicate::str::contains("recurrence-measures"));
    let out = disclint()
        .args(["score", "--format", "json", "examples/complete.md"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"][0]["score"], 100.0);
    assert_eq!(v["files"][0]["statuses"]["period"], "stated");
    assert_eq!(v["coverage"][0]["id"], "period");
}

#[test]
fn explain_shows_why_and_examples() {
    disclint()
        .args(["explain", "counts"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("第8条"))
        .stdout(predicate::str::contains("良い例"))
        .stdout(predicate::str::contains("悪い例"));
    disclint()
        .args(["explain", "count"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `counts`"));
}

#[test]
fn test_command_runs_embedded_examples() {
    disclint()
        .arg("test")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(" passed, 0 failed"));
}

#[test]
fn unknown_ruleset_name_is_exit_2_with_suggestion() {
    disclint()
        .args(["check", "--ruleset", "ja-ppx", "examples/draft.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ja-ppc"));
}

#[test]
fn ruleset_syntax_error_points_into_the_yaml_file() {
    disclint()
        .args([
            "check",
            "--ruleset",
            "tests/fixtures/rulesets/syntax-error.yaml",
            "examples/draft.md",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("syntax-error.yaml:6:"))
        .stderr(predicate::str::contains("ruleset/syntax"));
}

#[test]
fn output_file_is_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.json");
    disclint()
        .args(["check", "--format", "json", "-o"])
        .arg(&target)
        .arg("examples/complete.md")
        .assert()
        .code(0)
        .stdout("");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    assert_eq!(v["summary"]["files"], 1);
    // Only the report is in the directory: no temporary file left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[cfg(unix)]
#[test]
fn output_file_keeps_permissions_and_writes_through_symlinks() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let run = |target: &std::path::Path| {
        disclint()
            .args(["check", "--format", "json", "--fail-level", "never", "-o"])
            .arg(target)
            .arg("examples/draft.md")
            .assert()
            .code(0);
    };
    run(&report);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode(&report),
        0o644,
        "a new report is not private to its writer"
    );
    std::fs::set_permissions(&report, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&report, &link).unwrap();
    run(&link);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        mode(&report),
        0o640,
        "an existing report keeps its permissions"
    );
}

#[test]
fn a_notice_without_line_breaks_gets_short_human_output() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one-line.md");
    let text = format!(
        "{}先日、数万件の個人情報が流出した可能性があります。{}",
        "あ".repeat(100_000),
        "い".repeat(100_000)
    );
    std::fs::write(&path, text).unwrap();
    let out = disclint()
        .args(["check", "--color", "never"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // Every diagnostic shows a window of the line, not 600 KB of it.
    assert!(
        out.stdout.len() < 100_000,
        "{} bytes of output",
        out.stdout.len()
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("数万件"));
}

#[test]
fn eval_counts_agreement_over_several_label_files_and_lists_disagreements() {
    let out = disclint()
        .args([
            "eval",
            "--root",
            ".",
            "--labels",
            "tests/fixtures/labels/draft-labels.yaml",
            "tests/fixtures/labels/complete-labels.yaml",
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.lines().any(
            |l| l.split_whitespace().collect::<Vec<_>>() == ["overall", "24", "0.958", "0.958"]
        ),
        "{text}"
    );
    assert!(
        text.contains("examples/draft.md:1:1  apology  stated → missing"),
        "{text}"
    );
}

#[test]
fn eval_labels_flag_may_be_repeated_and_json_has_the_totals() {
    let out = disclint()
        .args([
            "eval",
            "--root",
            ".",
            "--format",
            "json",
            "--labels",
            "tests/fixtures/labels/draft-labels.yaml",
            "--labels",
            "tests/fixtures/labels/complete-labels.yaml",
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let j: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(j["overall"]["n"], 24);
    assert_eq!(j["overall"]["exact_agree"], 23);
    assert_eq!(j["checks"]["apology"]["binary_agree"], 1);
    assert_eq!(j["disagreements"].as_array().unwrap().len(), 1);
}

#[test]
fn eval_thresholds_fail_the_run_with_exit_1() {
    let labels = [
        "eval",
        "--root",
        ".",
        "--labels",
        "tests/fixtures/labels/draft-labels.yaml",
        "tests/fixtures/labels/complete-labels.yaml",
    ];
    disclint()
        .args(labels)
        .args(["--min-exact", "0.99"])
        .assert()
        .code(1);
    disclint()
        .args(labels)
        .args(["--min-binary", "0.95"])
        .assert()
        .code(0);
}

#[test]
fn eval_rejects_an_unknown_status_with_file_and_notice() {
    disclint()
        .args([
            "eval",
            "--root",
            ".",
            "--labels",
            "tests/fixtures/labels/bad-status-labels.yaml",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad-status-labels.yaml: notice 1 (examples/draft.md), item `period`: unknown status `unclear`",
        ));
}

#[test]
fn eval_warns_about_check_ids_the_ruleset_does_not_have() {
    disclint()
        .args([
            "eval",
            "--root",
            ".",
            "--labels",
            "tests/fixtures/labels/misspelt-check-labels.yaml",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "warning: the labels name checks the ruleset does not have (not counted): police",
        ));
}
