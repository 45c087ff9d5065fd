//! Bad rulesets: every mistake gives an error with a code and a location
//! (`file:line:col`, column in characters) on the faulty part of the YAML.

use assert_cmd::Command;
use disclint::ruleset::error::Problem;
use disclint::ruleset::{RulesetError, compile, load_named_or_path, load_source};

/// A valid ruleset that the cases below break one piece at a time.
const BASE: &str = "\
ruleset: t
vocab:
  police: [警察, 警視庁]
  report_verb: [相談, 届出]
concepts:
  police-report: sentence(police and report_verb)
checklist: |
  must state police-report
";

fn load(yaml: &str) -> Result<(), RulesetError> {
    load_source("t.yaml", yaml).and_then(compile).map(|_| ())
}

fn error(yaml: &str) -> RulesetError {
    match load(yaml) {
        Ok(()) => panic!("ruleset unexpectedly compiled:\n{yaml}"),
        Err(e) => e,
    }
}

/// The problem with `code`, failing with every problem listed otherwise.
fn problem<'a>(e: &'a RulesetError, code: &str) -> &'a Problem {
    e.problems
        .iter()
        .find(|p| p.code == code)
        .unwrap_or_else(|| panic!("no `{code}` problem in:\n{}", e.one_line_each().join("\n")))
}

/// `t.yaml:LINE:COL` of the `nth` (0-based) occurrence of `needle` in `yaml`,
/// the column counted in characters.
fn at_nth(yaml: &str, needle: &str, nth: usize) -> String {
    let off = yaml
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` not in the YAML"))
        .0;
    let before = &yaml[..off];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = yaml[line_start..off].chars().count() + 1;
    format!("t.yaml:{line}:{col}")
}

/// Asserts the problem's span text starts with `needle` at its `nth` occurrence.
fn assert_points_at(yaml: &str, p: &Problem, needle: &str, nth: usize) {
    assert_eq!(
        p.location(),
        at_nth(yaml, needle, nth),
        "[{}] {} (span {:?} = {:?})",
        p.code,
        p.message,
        p.span,
        &yaml[p.span.clone()]
    );
    assert!(
        yaml[p.span.start..].starts_with(needle),
        "[{}] span {:?} does not start at `{needle}`",
        p.code,
        p.span
    );
}

fn assert_spans_valid(yaml: &str, e: &RulesetError) {
    for p in &e.problems {
        assert!(
            p.span.start <= p.span.end && p.span.end <= yaml.len(),
            "{p:?}"
        );
        assert!(yaml.is_char_boundary(p.span.start) && yaml.is_char_boundary(p.span.end));
    }
}

#[test]
fn the_base_ruleset_compiles() {
    load(BASE).unwrap();
}

#[test]
fn invalid_yaml_is_located() {
    let yaml = "ruleset: t\nvocab:\n  police: [警察, 警視庁\nchecklist: |\n  must state x\n";
    let e = error(yaml);
    let p = &e.problems[0];
    assert_eq!(p.code, "ruleset/yaml", "{}", e.one_line_each().join("\n"));
    // The unclosed flow sequence is detected on line 3 or where the next key starts.
    let line: usize = p.location().split(':').nth(1).unwrap().parse().unwrap();
    assert!((3..=4).contains(&line), "{}", p.location());
    assert_spans_valid(yaml, &e);
}

#[test]
fn vocabulary_as_a_string_is_a_type_error_on_its_value() {
    let yaml = BASE.replace("police: [警察, 警視庁]", "police: 警察");
    let e = error(&yaml);
    // Was `ruleset/yaml` ("expected sequence start") before load.rs classified it.
    let p = problem(&e, "ruleset/type");
    assert_points_at(&yaml, p, "警察", 0);
    assert!(
        p.help.as_deref().unwrap_or("").contains("list"),
        "{:?}",
        p.help
    );
    assert_spans_valid(&yaml, &e);
}

#[test]
fn other_wrong_types_are_type_errors_on_the_value() {
    for (yaml, needle) in [
        (BASE.replace("vocab:\n", "vocab: 3\nx:\n"), "3\n"),
        (
            BASE.replace(
                "checklist: |\n  must state police-report\n",
                "checklist: [a, b]\n",
            ),
            "[a, b]",
        ),
        (
            format!("{BASE}checks:\n  police-report:\n    weight: heavy\n"),
            "heavy",
        ),
        (BASE.replace("ruleset: t", "ruleset: [t]"), "[t]"),
    ] {
        let e = error(&yaml);
        let p = problem(&e, "ruleset/type");
        assert_points_at(&yaml, p, needle, 0);
        assert!(p.help.is_some());
    }
}

#[test]
fn unknown_top_level_key() {
    let yaml = format!("{BASE}checklst: oops\n");
    let e = error(&yaml);
    let p = problem(&e, "ruleset/unknown-key");
    assert_points_at(&yaml, p, "checklst", 0);
    assert!(p.message.contains("checklst"), "{}", p.message);
    assert!(p.help.as_deref().unwrap_or("").contains("checklist"));
}

#[test]
fn unknown_key_in_a_check() {
    let yaml = format!("{BASE}checks:\n  police-report:\n    titel: 警察への届出\n");
    let e = error(&yaml);
    let p = problem(&e, "ruleset/unknown-key");
    assert_points_at(&yaml, p, "titel", 0);
    assert!(
        p.help.as_deref().unwrap_or("").contains("title"),
        "{:?}",
        p.help
    );
}

#[test]
fn dsl_syntax_error_points_at_the_character() {
    let yaml = BASE.replace(
        "sentence(police and report_verb)",
        "sentence(police and (report_verb or))",
    );
    let e = error(&yaml);
    let p = problem(&e, "ruleset/syntax");
    // The `)` right after `or`.
    assert_points_at(&yaml, p, "))", 0);
}

#[test]
fn dsl_syntax_error_inside_a_block_scalar() {
    let yaml = BASE.replace(
        "  police-report: sentence(police and report_verb)\n",
        "  police-report: |\n    sentence(police and report_verb)\n    or sentence(police near near report_verb within 5)\n",
    );
    let e = error(&yaml);
    let p = problem(&e, "ruleset/syntax");
    // The second `near` is the unexpected token.
    assert_points_at(&yaml, p, "near report_verb", 0);
}

#[test]
fn dsl_syntax_error_after_japanese_text_counts_characters() {
    let yaml = BASE.replace(
        "  police-report: sentence(police and report_verb)\n",
        "  police-report: |\n    sentence(police and report_verb)\n    or section(\"警察への届出\" | \"通報\", police ]\n",
    );
    let e = error(&yaml);
    let p = problem(&e, "ruleset/syntax");
    assert_points_at(&yaml, p, "]", 2);
    // Line 8; columns count the 8 Japanese characters as one each.
    let col = 5 + "or section(\"警察への届出\" | \"通報\", police "
        .chars()
        .count();
    assert_eq!(p.location(), format!("t.yaml:8:{col}"));
}

#[test]
fn dsl_syntax_error_in_the_checklist() {
    let yaml = BASE.replace(
        "  must state police-report\n",
        "  must state police-report\n  shall state police-report\n",
    );
    let e = error(&yaml);
    let p = problem(&e, "ruleset/syntax");
    assert_points_at(&yaml, p, "shall", 0);
}

#[test]
fn unknown_vocabulary_name_suggests_the_closest() {
    let yaml = BASE.replace("sentence(police and", "sentence(polise and");
    let e = error(&yaml);
    let p = problem(&e, "ruleset/unknown-name");
    assert_points_at(&yaml, p, "polise", 0);
    assert_eq!(p.help.as_deref(), Some("did you mean `police`?"));
}

#[test]
fn unknown_concept_in_the_checklist_suggests_the_closest() {
    let yaml = BASE.replace("must state police-report", "must state police-reprot");
    let e = error(&yaml);
    let p = problem(&e, "ruleset/unknown-name");
    assert_points_at(&yaml, p, "police-reprot", 0);
    assert_eq!(p.help.as_deref(), Some("did you mean `police-report`?"));
}

#[test]
fn unknown_function() {
    let yaml = BASE.replace("sentence(police", "sentense(police");
    let e = error(&yaml);
    let p = problem(&e, "ruleset/unknown-name");
    assert_points_at(&yaml, p, "sentense", 0);
    assert!(p.message.contains("function"), "{}", p.message);
    assert_eq!(p.help.as_deref(), Some("did you mean `sentence`?"));
}

#[test]
fn bad_count_filter_field() {
    let yaml = BASE.replace(
        "sentence(police and report_verb)",
        "sentence(police and report_verb) and count(unti in [件])",
    );
    let e = error(&yaml);
    let p = problem(&e, "ruleset/bad-filter");
    assert_points_at(&yaml, p, "unti", 0);
    assert_eq!(p.help.as_deref(), Some("did you mean `unit`?"));
}

#[test]
fn bad_count_qualifier() {
    let yaml = BASE.replace(
        "sentence(police and report_verb)",
        "sentence(police and report_verb) and count(qualifier in [exact, aprox])",
    );
    let e = error(&yaml);
    let p = problem(&e, "ruleset/bad-filter");
    assert_points_at(&yaml, p, "aprox", 0);
    assert_eq!(p.help.as_deref(), Some("did you mean `approx`?"));
}

#[test]
fn bad_date_filter() {
    let yaml = BASE.replace(
        "sentence(police and report_verb)",
        "sentence(police and report_verb) and date(has_yaer = true)",
    );
    let e = error(&yaml);
    let p = problem(&e, "ruleset/bad-filter");
    assert_points_at(&yaml, p, "has_yaer", 0);
    assert_eq!(p.help.as_deref(), Some("did you mean `has_year`?"));
}

#[test]
fn duplicate_check_id() {
    let yaml = BASE.replace(
        "  must state police-report\n",
        "  must state police-report\n  should state police-report\n",
    );
    let e = error(&yaml);
    let p = problem(&e, "ruleset/duplicate-id");
    assert_points_at(&yaml, p, "police-report", 2);
}

#[test]
fn avoid_vague_without_a_vague_definition() {
    let yaml = BASE.replace(
        "  must state police-report\n",
        "  must state police-report\n  avoid vague police-report\n",
    );
    let e = error(&yaml);
    let p = problem(&e, "ruleset/unknown-name");
    assert_points_at(&yaml, p, "police-report", 2);
    assert!(p.message.contains("vague"), "{}", p.message);
}

#[test]
fn unused_concept() {
    let yaml = BASE.replace(
        "concepts:\n",
        "concepts:\n  orphan: police or report_verb\n",
    );
    let e = error(&yaml);
    let p = problem(&e, "ruleset/unused");
    assert_points_at(&yaml, p, "orphan", 0);
    assert!(p.message.contains("concept `orphan`"), "{}", p.message);
}

#[test]
fn unused_vocabulary() {
    let yaml = BASE.replace("vocab:\n", "vocab:\n  leftovers: [余り]\n");
    let e = error(&yaml);
    let p = problem(&e, "ruleset/unused");
    assert_points_at(&yaml, p, "leftovers", 0);
    assert!(
        p.message.contains("vocabulary `leftovers`"),
        "{}",
        p.message
    );
}

#[test]
fn empty_vocabulary_never_matches() {
    let yaml = BASE.replace("police: [警察, 警視庁]", "police: []");
    let e = error(&yaml);
    let p = problem(&e, "ruleset/never-matches");
    assert_points_at(&yaml, p, "police", 0);
}

#[test]
fn vocabulary_of_blank_terms_never_matches() {
    let yaml = BASE.replace("police: [警察, 警視庁]", "police: [\"\", \"　\"]");
    let e = error(&yaml);
    let p = problem(&e, "ruleset/never-matches");
    assert!(p.location().starts_with("t.yaml:3:"), "{}", p.location());
}

#[test]
fn x_and_not_x_never_matches() {
    let yaml = BASE.replace(
        "sentence(police and report_verb)",
        "sentence(police and report_verb) and not sentence(police and report_verb)",
    );
    let e = error(&yaml);
    let p = problem(&e, "ruleset/never-matches");
    assert_points_at(&yaml, p, "sentence(police", 0);
}

#[test]
fn contradictory_count_bounds_never_match() {
    let yaml = BASE.replace(
        "sentence(police and report_verb)",
        "sentence(police and report_verb) and count(value > 10, value < 5)",
    );
    let e = error(&yaml);
    let p = problem(&e, "ruleset/bad-filter");
    assert_points_at(&yaml, p, "value > 10", 0);
    assert!(p.message.contains("never match"), "{}", p.message);
}

#[test]
fn cyclic_concepts() {
    let yaml = BASE.replace(
        "  police-report: sentence(police and report_verb)\n",
        "  police-report: sentence(police and report_verb) or reported\n  reported: police and police-report\n",
    );
    let e = error(&yaml);
    let p = problem(&e, "ruleset/cycle");
    assert!(p.message.contains("police-report"), "{}", p.message);
    assert_points_at(&yaml, p, "police-report\n", 0);
}

#[test]
fn cyclic_extends_across_two_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.yaml");
    let b = dir.path().join("b.yaml");
    std::fs::write(&a, format!("extends: [b.yaml]\n{BASE}")).unwrap();
    std::fs::write(&b, format!("extends: [a.yaml]\n{BASE}")).unwrap();
    let e = load_named_or_path(a.to_str().unwrap()).unwrap_err();
    let p = problem(&e, "ruleset/extends-cycle");
    // Located at the `a.yaml` entry of b.yaml's `extends`.
    let loc = p.location();
    assert!(loc.ends_with("b.yaml:1:11"), "{loc}");
}

#[test]
fn extends_of_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.yaml");
    std::fs::write(&a, format!("extends: [./missing.yaml]\n{BASE}")).unwrap();
    let e = load_named_or_path(a.to_str().unwrap()).unwrap_err();
    let p = problem(&e, "ruleset/not-found");
    let loc = p.location();
    assert!(loc.ends_with("a.yaml:1:11"), "{loc}");
    assert!(p.message.contains("missing.yaml"), "{}", p.message);
}

#[cfg(unix)]
#[test]
fn extends_of_a_device_or_directory_is_refused_without_reading_it() {
    // `/dev/zero` used to be read until memory ran out.
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.yaml");
    for target in ["/dev/zero", "/tmp"] {
        std::fs::write(&a, format!("extends: [{target}]\n{BASE}")).unwrap();
        let e = load_named_or_path(a.to_str().unwrap()).unwrap_err();
        let p = problem(&e, "ruleset/not-found");
        assert!(p.message.contains("not a regular file"), "{}", p.message);
        assert!(p.location().ends_with("a.yaml:1:11"), "{}", p.location());
    }
}

#[test]
fn oversized_ruleset_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.yaml");
    let mut text = BASE.to_string();
    text.push_str(&format!("# {}\n", "x".repeat(5 * 1024 * 1024)));
    std::fs::write(&big, text).unwrap();
    let e = load_named_or_path(big.to_str().unwrap()).unwrap_err();
    let p = problem(&e, "ruleset/not-found");
    assert!(p.message.contains("larger than"), "{}", p.message);
}

#[test]
fn extends_of_an_unknown_embedded_name_suggests_one() {
    let yaml = format!("extends: [ja-pcc]\n{BASE}");
    let e = error(&yaml);
    let p = problem(&e, "ruleset/not-found");
    assert_points_at(&yaml, p, "ja-pcc", 0);
    assert_eq!(p.help.as_deref(), Some("did you mean `ja-ppc`?"));
}

#[test]
fn absurdly_nested_yaml_is_refused_without_crashing() {
    let depth = 100_000;
    let yaml = format!(
        "ruleset: t\nvocab:\n  police: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let e = error(&yaml);
    // serde-saphyr's "recursion limit exceeded" (was classified `ruleset/yaml`).
    let p = problem(&e, "ruleset/too-deep");
    assert!(p.location().starts_with("t.yaml:3:"), "{}", p.location());
    assert!(p.help.is_some());
    assert_spans_valid(&yaml, &e);
}

#[test]
fn absurdly_nested_expression_is_refused_without_crashing() {
    let depth = 20_000;
    let expr = format!("{}police{}", "(".repeat(depth), ")".repeat(depth));
    let yaml = BASE.replace(
        "sentence(police and report_verb)",
        &format!("{expr} and report_verb"),
    );
    let e = error(&yaml);
    // Used to overflow the stack (dsl::build_expr) instead.
    let p = problem(&e, "ruleset/too-deep");
    assert!(p.location().starts_with("t.yaml:6:"), "{}", p.location());
    assert_spans_valid(&yaml, &e);
}

#[test]
fn absurdly_long_concept_chains_are_refused() {
    let mut yaml = BASE.replace(
        "  police-report: sentence(police and report_verb)\n",
        "  police-report: sentence(police and report_verb) and c0\n",
    );
    let chain: String = (0..200)
        .map(|i| format!("  c{i}: c{} or police\n", i + 1))
        .chain(std::iter::once("  c200: report_verb\n".to_string()))
        .collect();
    yaml = yaml.replace("checklist:", &format!("{chain}checklist:"));
    let e = error(&yaml);
    let p = problem(&e, "ruleset/too-deep");
    assert!(p.message.contains("levels deep"), "{}", p.message);
    // No cascade of "unused" complaints about the rest of the chain.
    assert!(e.problems.iter().all(|p| p.code != "ruleset/unused"));
}

#[test]
fn exponentially_expanding_concepts_are_refused_quickly() {
    // Each concept uses the previous one twice: 2^30 conditions if inlined.
    let chain: String = (1..=30)
        .map(|i| format!("  d{i}: d{0} and d{0}\n", i - 1))
        .collect();
    let yaml = BASE.replace(
        "  police-report: sentence(police and report_verb)\n",
        &format!(
            "  police-report: sentence(police and report_verb) and d30\n  d0: police\n{chain}"
        ),
    );
    let started = std::time::Instant::now();
    let e = error(&yaml);
    assert!(
        started.elapsed().as_secs() < 10,
        "took {:?}",
        started.elapsed()
    );
    let p = problem(&e, "ruleset/too-deep");
    assert!(p.message.contains("expands to more than"), "{}", p.message);
}

#[test]
fn empty_file() {
    for yaml in ["", "\n  \n"] {
        let e = error(yaml);
        let p = problem(&e, "ruleset/empty");
        assert_eq!(p.location(), "t.yaml:1:1");
    }
}

#[test]
fn missing_checklist() {
    let yaml = BASE.replace("checklist: |\n  must state police-report\n", "");
    let e = error(&yaml);
    let p = problem(&e, "ruleset/missing-key");
    assert!(p.message.contains("checklist"), "{}", p.message);
    assert!(p.location().starts_with("t.yaml:"), "{}", p.location());
}

#[test]
fn missing_ruleset_name() {
    let yaml = BASE.replace("ruleset: t\n", "");
    let e = error(&yaml);
    let p = problem(&e, "ruleset/missing-key");
    assert!(p.message.contains("ruleset"), "{}", p.message);
}

#[test]
fn several_problems_are_all_reported() {
    let yaml = BASE
        .replace("sentence(police and", "sentence(polise and")
        .replace("concepts:\n", "concepts:\n  orphan: police\n");
    let e = error(&yaml);
    problem(&e, "ruleset/unknown-name");
    problem(&e, "ruleset/unused");
    let lines = e.one_line_each();
    assert!(lines.iter().all(|l| l.starts_with("t.yaml:")), "{lines:?}");
}

#[test]
fn cli_prints_the_located_error_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.yaml");
    let yaml = BASE.replace("sentence(police and", "sentence(polise and");
    std::fs::write(&rules, &yaml).unwrap();
    let notice = dir.path().join("notice.md");
    std::fs::write(&notice, "警察に相談しました。\n").unwrap();
    let out = Command::cargo_bin("disclint")
        .unwrap()
        .args(["check", "-r"])
        .arg(&rules)
        .arg(&notice)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ruleset/unknown-name"), "{stderr}");
    assert!(stderr.contains("did you mean `police`?"), "{stderr}");
    let name = rules.display().to_string();
    assert!(
        stderr.contains(&format!("{name}:6:")),
        "no {name}:6:… location in:\n{stderr}"
    );
}
