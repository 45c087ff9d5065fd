//! Findings: per check a status with evidence, diagnostics for what is missing or
//! vague, and the completeness score. Everything a renderer needs, decided here.

use std::ops::Range;

use serde::Serialize;

use crate::document::Document;
use crate::eval::{Evaluator, Evidence};
use crate::ruleset::{Check, Cond, Level, Modality, Ruleset};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Stated,
    Vague,
    Missing,
    NotApplicable,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Stated => "stated",
            Status::Vague => "vague",
            Status::Missing => "missing",
            Status::NotApplicable => "not-applicable",
        }
    }

    /// Credit towards the score.
    pub fn credit(self) -> f64 {
        match self {
            Status::Stated => 1.0,
            Status::Vague => 0.5,
            Status::Missing | Status::NotApplicable => 0.0,
        }
    }
}

/// A span of the original text with its position for people.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Location {
    /// Byte offsets into the decoded original text.
    pub start: usize,
    pub end: usize,
    /// 1-based line; 1-based column in characters.
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Label {
    #[serde(flatten)]
    pub location: Location,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct CheckResult {
    pub id: String,
    pub title: String,
    pub level: Level,
    pub status: Status,
    pub weight: f64,
    pub evidence: Vec<Location>,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// `counts/vague`, `period/missing`.
    pub code: String,
    pub check: String,
    pub severity: Level,
    pub message: String,
    pub help: Option<String>,
    /// Why the item matters (legal ground).
    pub why: Option<String>,
    /// Short caption under the underlined passage.
    pub caption: String,
    pub labels: Vec<Label>,
}

#[derive(Debug, Clone)]
pub struct Findings {
    pub checks: Vec<CheckResult>,
    pub diagnostics: Vec<Diagnostic>,
    /// `None` when no check applies.
    pub score: Option<f64>,
}

impl Findings {
    pub fn count(&self, level: Level) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == level)
            .count()
    }
}

/// Whether the gating conditions already evaluated for this notice hold, by gate
/// number ([`Check::when_gate`]): four checks apply `when personal_data`. A gate's
/// evidence is never shown, so only its truth is evaluated.
#[derive(Default)]
struct Memo {
    results: Vec<Option<bool>>,
}

impl Memo {
    fn holds(&mut self, ev: &Evaluator, gate: usize, cond: &Cond) -> bool {
        if gate >= self.results.len() {
            self.results.resize(gate + 1, None);
        }
        *self.results[gate].get_or_insert_with(|| ev.holds_body(cond))
    }
}

pub fn evaluate(ruleset: &Ruleset, ev: &Evaluator) -> Findings {
    let doc = ev.doc();
    let japanese = ruleset.lang == "ja";
    let mut checks = Vec::with_capacity(ruleset.checks.len());
    let mut diagnostics = Vec::new();
    let mut memo = Memo::default();
    for (i, check) in ruleset.checks.iter().enumerate() {
        let (status, evidence, vague_passages) = status_of(check, ev, &mut memo);
        let pending = match (&check.pending, status) {
            (Some(p), Status::Missing | Status::Vague) => memo
                .holds(ev, p.gate, &p.when)
                .then_some(p.message.as_str()),
            _ => None,
        };
        diagnose(
            i,
            check,
            status,
            &vague_passages,
            pending,
            ev,
            japanese,
            &mut diagnostics,
        );
        checks.push(CheckResult {
            id: check.id.clone(),
            title: check.docs.title.clone(),
            level: check.level,
            status,
            weight: check.weight,
            evidence: evidence
                .iter()
                .take(MAX_EVIDENCE)
                .map(|s| locate(doc, s))
                .collect(),
        });
    }
    let score = score(&checks);
    Findings {
        checks,
        diagnostics,
        score,
    }
}

/// score = 100 × Σ(weight × credit) / Σ(weight of applicable checks).
pub fn score(checks: &[CheckResult]) -> Option<f64> {
    let (mut got, mut total) = (0.0, 0.0);
    for c in checks {
        if c.status != Status::NotApplicable {
            got += c.weight * c.status.credit();
            total += c.weight;
        }
    }
    (total > 0.0).then(|| (1000.0 * got / total).round() / 10.0)
}

fn status_of(check: &Check, ev: &Evaluator, memo: &mut Memo) -> (Status, Evidence, Evidence) {
    let applies = match (&check.when, check.when_gate) {
        (None, _) => true,
        (Some(when), Some(gate)) => memo.holds(ev, gate, when),
        (Some(when), None) => ev.holds_body(when),
    };
    if !applies {
        return (Status::NotApplicable, Vec::new(), Vec::new());
    }
    let stated = check.stated.as_ref().map(|c| ev.eval_body(c));
    // A stated check shows its vague passages only under `avoid vague`: otherwise
    // they are not looked for.
    let vague = match (&stated, check.avoid_vague) {
        (Some(Some(_)), false) => Vec::new(),
        _ => check
            .vague
            .as_ref()
            .and_then(|c| ev.eval_body(c))
            .unwrap_or_default(),
    };
    match stated {
        Some(stated) => match stated {
            Some(e) => (Status::Stated, e, vague),
            None if !vague.is_empty() => (Status::Vague, vague.clone(), vague),
            None => (Status::Missing, Vec::new(), vague),
        },
        // `avoid vague X` alone: stated unless a vague passage is found.
        None if !vague.is_empty() => (Status::Vague, vague.clone(), vague),
        None => (Status::Stated, Vec::new(), vague),
    }
}

fn diagnose(
    number: usize,
    check: &Check,
    status: Status,
    vague_passages: &Evidence,
    pending: Option<&str>,
    ev: &Evaluator,
    japanese: bool,
    out: &mut Vec<Diagnostic>,
) {
    let doc = ev.doc();
    let scored_only = check.modality == Some(Modality::May);
    let title = &check.docs.title;
    let caption = |code: &str| match (code, japanese) {
        // `concat` sizes the string once; `format!` costs several times as much, and
        // every diagnostic of every notice has a caption and a code.
        ("missing", true) => ["「", title, "」がありません（この節か冒頭に）"].concat(),
        ("missing", false) => ["no ", title, " (belongs here)"].concat(),
        (_, true) => "具体性に欠ける表現".to_string(),
        (_, false) => "vague".to_string(),
    };
    let base = |code: &str, severity: Level, message: String, spans: &[Range<usize>]| Diagnostic {
        caption: caption(code),
        code: [check.id.as_str(), "/", code].concat(),
        check: check.id.clone(),
        severity,
        message,
        help: check.docs.help.clone(),
        why: check.docs.why.clone(),
        labels: spans.iter().map(|s| label(doc, s)).collect(),
    };
    match status {
        Status::Missing if !scored_only => {
            let at = ev
                .section_heading(number, &check.docs.section)
                .unwrap_or_else(|| ev.head());
            let (severity, message) = match pending {
                Some(p) => (Level::Info, p.to_string()),
                None => (
                    check.level,
                    check
                        .docs
                        .missing
                        .clone()
                        .unwrap_or_else(|| format!("{title}が書かれていません")),
                ),
            };
            out.push(base("missing", severity, message, &[at]));
        }
        Status::Vague if !scored_only || pending.is_some() => {
            // One diagnostic for the check, every vague passage labelled.
            let (severity, message) = match pending {
                Some(p) => (Level::Info, p.to_string()),
                None => (
                    check.level.max(Level::Warning),
                    vague_message(check, doc, &vague_passages[0]),
                ),
            };
            let shown = &vague_passages[..vague_passages.len().min(MAX_LABELS)];
            out.push(base("vague", severity, message, shown));
        }
        Status::Stated if check.avoid_vague => {
            // `avoid vague`: each vague passage beside a concrete statement is a warning.
            // The check is met, so the message names the passage, not a gap.
            for passage in vague_passages {
                let text = doc_text(doc, passage);
                let message = if japanese {
                    format!("{title}に曖昧な表現「{text}」があります。具体的な記載に揃えてください")
                } else {
                    format!(
                        "vague wording for {title}: \"{text}\"; say it as concretely as elsewhere"
                    )
                };
                out.push(base(
                    "vague",
                    Level::Warning,
                    message,
                    std::slice::from_ref(passage),
                ));
            }
        }
        _ => {}
    }
}

/// Evidence spans reported per check; more adds nothing for a reader.
const MAX_EVIDENCE: usize = 16;

/// Labels on one diagnostic; more passages add noise, not information.
const MAX_LABELS: usize = 8;

fn vague_message(check: &Check, doc: &Document, passage: &Range<usize>) -> String {
    let text = doc_text(doc, passage);
    match &check.docs.vague {
        Some(m) => m.replace("{text}", &text),
        None => format!("{}が「{text}」としか書かれていません", check.docs.title),
    }
}

fn doc_text(doc: &Document, norm: &Range<usize>) -> String {
    let r = doc.to_original(norm.clone());
    doc.original[r].to_string()
}

pub fn locate(doc: &Document, norm: &Range<usize>) -> Location {
    let r = doc.to_original(norm.clone());
    let (line, column) = doc.line_col(r.start);
    Location {
        start: r.start,
        end: r.end,
        line,
        column,
    }
}

fn label(doc: &Document, norm: &Range<usize>) -> Label {
    let location = locate(doc, norm);
    Label {
        text: doc.original[location.start..location.end].to_string(),
        location,
    }
}
