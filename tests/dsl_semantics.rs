//! What each DSL construct means when a notice is evaluated, on small inline rulesets.

use disclint::Engine;
use disclint::findings::Status;
use disclint::ruleset::{compile, load_source};

/// A ruleset with the vocabularies the expressions use (unused ones are an error).
fn engine(concepts: &str, vague: &str, checklist: &str) -> Engine {
    let vocab: String = [
        ("police", "[警察, 警察署]"),
        ("report", "[相談, 届出]"),
        ("leak", "[流出, 漏えい]"),
        ("item", "[氏名, 住所]"),
        ("gen", "[個人情報]"),
    ]
    .iter()
    .filter(|(name, _)| concepts.contains(name) || vague.contains(name))
    .map(|(name, terms)| format!("  {name}: {terms}\n"))
    .collect();
    let vocab = if vocab.is_empty() {
        " {}\n".to_string()
    } else {
        format!("\n{vocab}")
    };
    let yaml = format!(
        "ruleset: t\nvocab:{vocab}concepts:\n{concepts}\nvague:\n{vague}\nchecklist: |\n{checklist}\n"
    );
    let layers = load_source("t.yaml", &yaml).unwrap_or_else(|e| panic!("{e:?}"));
    Engine::new(compile(layers).unwrap_or_else(|e| panic!("{}", e.one_line_each().join("\n"))))
}

fn status(e: &Engine, id: &str, text: &str) -> Status {
    let (_, f) = e.lint_text(text);
    f.checks.iter().find(|c| c.id == id).unwrap().status
}

#[test]
fn sentence_scope_needs_both_in_one_sentence() {
    let e = engine("  x: sentence(police and report)", "  {}", "  must state x");
    assert_eq!(status(&e, "x", "警察署に相談しました。"), Status::Stated);
    assert_eq!(
        status(&e, "x", "警察署がありました。相談しました。"),
        Status::Missing
    );
}

#[test]
fn paragraph_scope_spans_sentences_but_not_blank_lines() {
    let e = engine(
        "  x: paragraph(police and report)",
        "  {}",
        "  must state x",
    );
    assert_eq!(
        status(&e, "x", "警察署です。相談しました。"),
        Status::Stated
    );
    assert_eq!(
        status(&e, "x", "警察署です。\n\n相談しました。"),
        Status::Missing
    );
}

#[test]
fn section_scope_and_heading() {
    let e = engine(
        "  x: section(\"対応\", police)\n  h: heading(\"問い合わせ\")",
        "  {}",
        "  must state x\n  must state h",
    );
    let text = "# お知らせ\n警察\n## 当社の対応\n警察署に相談しました。\n## お問い合わせ先\n窓口\n";
    assert_eq!(status(&e, "x", text), Status::Stated);
    assert_eq!(status(&e, "h", text), Status::Stated);
    assert_eq!(
        status(&e, "x", "# お知らせ\n警察署に相談しました。\n"),
        Status::Missing
    );
    assert_eq!(status(&e, "h", "お問い合わせください。"), Status::Missing);
}

#[test]
fn near_counts_characters_not_bytes() {
    let e = engine("  x: police near report within 3", "  {}", "  must state x");
    assert_eq!(status(&e, "x", "警察へ相談"), Status::Stated); // 1 character apart
    assert_eq!(status(&e, "x", "警察へすぐに相談"), Status::Missing); // 4 characters apart
    assert_eq!(status(&e, "x", "相談先は警察"), Status::Stated); // either order
}

#[test]
fn before_is_ordered_near() {
    let e = engine(
        "  x: police before report within 3",
        "  {}",
        "  must state x",
    );
    assert_eq!(status(&e, "x", "警察へ相談"), Status::Stated);
    assert_eq!(status(&e, "x", "相談先は警察"), Status::Missing);
    assert_eq!(status(&e, "x", "警察へすぐに相談"), Status::Missing);
}

#[test]
fn except_excludes_one_passage_not_the_whole_range() {
    // 「警察…相談」 counts unless that very pair is part of 「個人情報…流出」's
    // passage; `and not` would rule out the whole sentence instead.
    let e = engine(
        "  x: sentence((police near report within 2) except (report near leak within 1))\n  y: sentence((police near report within 2) and not (report near leak within 1))",
        "  {}",
        "  must state x\n  must state y",
    );
    assert_eq!(status(&e, "x", "警察へ相談しました。"), Status::Stated);
    assert_eq!(status(&e, "y", "警察へ相談しました。"), Status::Stated);
    // Two pairs in one sentence; only the second touches 流出.
    let text = "警察へ相談し、また警察署と相談流出の件も。";
    assert_eq!(status(&e, "x", text), Status::Stated);
    assert_eq!(status(&e, "y", text), Status::Missing);
    // The only pair is excluded.
    assert_eq!(status(&e, "x", "警察署と相談流出の件。"), Status::Missing);
}

#[test]
fn except_keeps_the_left_side_when_the_right_does_not_hold() {
    let e = engine("  x: police except leak", "  {}", "  must state x");
    assert_eq!(status(&e, "x", "警察に相談"), Status::Stated);
    assert_eq!(status(&e, "x", "相談"), Status::Missing);
    // Apart, both hold and nothing overlaps.
    assert_eq!(status(&e, "x", "警察に。流出"), Status::Stated);
}

#[test]
fn negated_mentions_do_not_state_unless_asked() {
    let e = engine(
        "  x: sentence(item and leak)\n  n: negated(item)\n  m: mentioned(item)",
        "  {}",
        "  must state x\n  must state n\n  must state m",
    );
    let negative = "氏名は流出しておりません。";
    let positive = "氏名が流出しました。";
    assert_eq!(status(&e, "x", negative), Status::Missing);
    assert_eq!(status(&e, "x", positive), Status::Stated);
    assert_eq!(status(&e, "n", negative), Status::Stated);
    assert_eq!(status(&e, "n", positive), Status::Missing);
    assert_eq!(status(&e, "m", negative), Status::Stated);
    assert_eq!(status(&e, "m", positive), Status::Stated);
}

#[test]
fn statutory_hedge_is_not_a_negation() {
    let e = engine("  x: sentence(item and leak)", "  {}", "  must state x");
    assert_eq!(
        status(&e, "x", "氏名が流出した可能性を否定できません。"),
        Status::Stated
    );
}

#[test]
fn not_and_or() {
    let e = engine(
        "  x: (police or item) and not gen",
        "  {}",
        "  must state x",
    );
    assert_eq!(status(&e, "x", "警察"), Status::Stated);
    assert_eq!(status(&e, "x", "住所"), Status::Stated);
    assert_eq!(status(&e, "x", "警察と個人情報"), Status::Missing);
}

#[test]
fn facts_with_filters() {
    let e = engine(
        "  c: count(unit in [件, 名], qualifier not in [vague], value >= 100)\n  d: date_range\n  p: phone or email",
        "  {}",
        "  must state c\n  must state d\n  must state p",
    );
    assert_eq!(status(&e, "c", "約1,200件が対象です。"), Status::Stated);
    assert_eq!(status(&e, "c", "12件が対象です。"), Status::Missing);
    assert_eq!(status(&e, "c", "数万件が対象です。"), Status::Missing);
    assert_eq!(status(&e, "c", "1,200台が対象です。"), Status::Missing);
    assert_eq!(
        status(&e, "d", "4月17日から4月21日までの間"),
        Status::Stated
    );
    assert_eq!(status(&e, "d", "4月17日に"), Status::Missing);
    assert_eq!(
        status(&e, "p", "電話：０１２０－１２３－４５６"),
        Status::Stated
    );
    assert_eq!(status(&e, "p", "info@example.jp まで"), Status::Stated);
}

#[test]
fn vague_status_and_avoid_vague_diagnostics() {
    let e = engine(
        "  c: count(qualifier not in [vague])",
        "  c: count(qualifier in [vague]) or phrase(\"一部のお客様\")",
        "  must state c\n  avoid vague c",
    );
    assert_eq!(status(&e, "c", "数万件が流出しました。"), Status::Vague);
    assert_eq!(status(&e, "c", "何かが流出しました。"), Status::Missing);
    // Stated, and the vague passage beside it still gets a warning.
    let (_, f) = e.lint_text("1,000件のうち、一部のお客様の情報が流出しました。");
    assert_eq!(f.checks[0].status, Status::Stated);
    let d: Vec<_> = f
        .diagnostics
        .iter()
        .filter(|d| d.code == "c/vague")
        .collect();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].labels[0].text, "一部のお客様");
}

#[test]
fn when_makes_a_check_not_applicable_and_leaves_the_score() {
    let e = engine(
        "  pd: gen\n  c: count(unit in [件])\n  a: police",
        "  {}",
        "  must state c when pd\n  should state a",
    );
    let (_, f) = e.lint_text("警察に届けました。");
    assert_eq!(f.checks[0].status, Status::NotApplicable);
    assert_eq!(f.score, Some(100.0));
    let (_, f) = e.lint_text("個人情報が流出しました。警察に届けました。");
    assert_eq!(f.checks[0].status, Status::Missing);
    // must (3) missing, should (2) stated: 100 × 2 / 5.
    assert_eq!(f.score, Some(40.0));
}

#[test]
fn vague_counts_half_in_the_score() {
    let e = engine(
        "  c: count(qualifier not in [vague])",
        "  c: count(qualifier in [vague])",
        "  must state c",
    );
    let (_, f) = e.lint_text("数千件です。");
    assert_eq!(f.score, Some(50.0));
}

#[test]
fn vocabulary_terms_match_full_width_text() {
    let yaml = "ruleset: t\nvocab:\n  mfa: [MFA, 2段階認証]\nconcepts:\n  m: mfa\nchecklist: |\n  must state m\n";
    let e = Engine::new(compile(load_source("t.yaml", yaml).unwrap()).unwrap());
    assert_eq!(status(&e, "m", "ＭＦＡを導入しました。"), Status::Stated);
    assert_eq!(
        status(&e, "m", "２段階認証を導入しました。"),
        Status::Stated
    );
}
