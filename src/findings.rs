//! Findings: per check a status with evidence, diagnostics for what is missing or
//! vague, and the completeness score. Everything a renderer needs, decided here.

use std::borrow::Borrow;
use std::fmt;
use std::ops::{Deref, Range};
use std::sync::Arc;

use serde::{Serialize, Serializer};

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

/// Text of a finding. Most of it is the same in every notice (a check's id, title,
/// help and why, the code, caption and message of a missing item): made once per
/// engine ([`CheckTexts`]) and shared, where copying it into every notice's
/// findings (and freeing it again) cost as much as finding out what is missing.
/// Reads as a `str`; compares, hashes and orders as one.
#[derive(Clone)]
pub struct Text {
    text: Arc<str>,
    /// Known to hold no `"`, `\\` or control character, the characters a JSON
    /// string escapes: found out once for the texts made once per engine, so that
    /// the JSON report copies them as they are instead of reading every byte of
    /// every copy. `false` when not looked for.
    plain: bool,
}

impl Text {
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// A text made once and shown many times: whether it is plain is found out.
    fn shared(s: &str) -> Self {
        Text {
            text: s.into(),
            plain: !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\'),
        }
    }

    /// Whether the text is known to hold no `"`, `\\` or control character.
    pub fn is_plain(&self) -> bool {
        self.plain
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.text == other.text
    }
}

impl Eq for Text {}

impl std::hash::Hash for Text {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> std::cmp::Ordering {
        self.text.cmp(&other.text)
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.text
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text {
            text: s.into(),
            plain: false,
        }
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text {
            text: s.into(),
            plain: false,
        }
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        *self.text == *other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        *self.text == **other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        *self.text == **other
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        **self == *other.text
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        *self == *other.text
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.text, f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
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
    pub id: Text,
    pub title: Text,
    pub level: Level,
    pub status: Status,
    pub weight: f64,
    pub evidence: Vec<Location>,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// `counts/vague`, `period/missing`.
    pub code: Text,
    pub check: Text,
    pub severity: Level,
    pub message: Text,
    pub help: Option<Text>,
    /// Why the item matters (legal ground).
    pub why: Option<Text>,
    /// Short caption under the underlined passage.
    pub caption: Text,
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

/// The texts of each check's results and diagnostics that are the same in every
/// notice, made once per engine.
#[derive(Debug, Clone)]
pub struct CheckTexts {
    checks: Vec<Texts>,
    /// The caption of a vague passage.
    vague_caption: Text,
}

#[derive(Debug, Clone)]
struct Texts {
    id: Text,
    title: Text,
    help: Option<Text>,
    why: Option<Text>,
    missing_code: Text,
    vague_code: Text,
    missing_caption: Text,
    missing_message: Text,
    pending_message: Option<Text>,
}

impl CheckTexts {
    pub fn new(ruleset: &Ruleset) -> Self {
        let japanese = ruleset.lang == "ja";
        let checks = ruleset
            .checks
            .iter()
            .map(|check| {
                let title = &check.docs.title;
                Texts {
                    id: Text::shared(&check.id),
                    title: Text::shared(title),
                    help: check.docs.help.as_deref().map(Text::shared),
                    why: check.docs.why.as_deref().map(Text::shared),
                    missing_code: Text::shared(&format!("{}/missing", check.id)),
                    vague_code: Text::shared(&format!("{}/vague", check.id)),
                    missing_caption: Text::shared(&if japanese {
                        format!("「{title}」がありません（この節か冒頭に）")
                    } else {
                        format!("no {title} (belongs here)")
                    }),
                    missing_message: match &check.docs.missing {
                        Some(m) => Text::shared(m),
                        None => Text::shared(&format!("{title}が書かれていません")),
                    },
                    pending_message: check.pending.as_ref().map(|p| Text::shared(&p.message)),
                }
            })
            .collect();
        CheckTexts {
            checks,
            vague_caption: Text::shared(if japanese {
                "具体性に欠ける表現"
            } else {
                "vague"
            }),
        }
    }
}

/// The findings of the notice `ev` evaluates under `ruleset`, whose [`CheckTexts`]
/// are `texts`.
pub fn evaluate(ruleset: &Ruleset, texts: &CheckTexts, ev: &Evaluator) -> Findings {
    let doc = ev.doc();
    let japanese = ruleset.lang == "ja";
    let mut checks = Vec::with_capacity(ruleset.checks.len());
    let mut diagnostics = Vec::new();
    let mut memo = Memo::default();
    for (i, (check, text)) in ruleset.checks.iter().zip(&texts.checks).enumerate() {
        let (status, evidence, vague_passages) = status_of(check, ev, &mut memo);
        let pending = match (&check.pending, &text.pending_message, status) {
            (Some(p), Some(message), Status::Missing | Status::Vague) => {
                memo.holds(ev, p.gate, &p.when).then_some(message)
            }
            _ => None,
        };
        diagnose(
            i,
            check,
            text,
            &texts.vague_caption,
            status,
            &vague_passages,
            pending,
            ev,
            japanese,
            &mut diagnostics,
        );
        checks.push(CheckResult {
            id: text.id.clone(),
            title: text.title.clone(),
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

#[allow(clippy::too_many_arguments)]
fn diagnose(
    number: usize,
    check: &Check,
    text: &Texts,
    vague_caption: &Text,
    status: Status,
    vague_passages: &Evidence,
    pending: Option<&Text>,
    ev: &Evaluator,
    japanese: bool,
    out: &mut Vec<Diagnostic>,
) {
    let doc = ev.doc();
    let scored_only = check.modality == Some(Modality::May);
    let title = &check.docs.title;
    let base = |code: &Text, severity: Level, message: Text, spans: &[Range<usize>]| Diagnostic {
        caption: if *code == text.missing_code {
            text.missing_caption.clone()
        } else {
            vague_caption.clone()
        },
        code: code.clone(),
        check: text.id.clone(),
        severity,
        message,
        help: text.help.clone(),
        why: text.why.clone(),
        labels: spans.iter().map(|s| label(doc, s)).collect(),
    };
    match status {
        Status::Missing if !scored_only => {
            let at = ev
                .section_heading(number, &check.docs.section)
                .unwrap_or_else(|| ev.head());
            let (severity, message) = match pending {
                Some(p) => (Level::Info, p.clone()),
                None => (check.level, text.missing_message.clone()),
            };
            out.push(base(&text.missing_code, severity, message, &[at]));
        }
        Status::Vague if !scored_only || pending.is_some() => {
            // One diagnostic for the check, every vague passage labelled.
            let (severity, message) = match pending {
                Some(p) => (Level::Info, p.clone()),
                None => (
                    check.level.max(Level::Warning),
                    vague_message(check, doc, &vague_passages[0]).into(),
                ),
            };
            let shown = &vague_passages[..vague_passages.len().min(MAX_LABELS)];
            out.push(base(&text.vague_code, severity, message, shown));
        }
        Status::Stated if check.avoid_vague => {
            // `avoid vague`: each vague passage beside a concrete statement is a warning.
            // The check is met, so the message names the passage, not a gap.
            for passage in vague_passages {
                let text_of = doc_text(doc, passage);
                let message = if japanese {
                    format!(
                        "{title}に曖昧な表現「{text_of}」があります。具体的な記載に揃えてください"
                    )
                } else {
                    format!(
                        "vague wording for {title}: \"{text_of}\"; say it as concretely as elsewhere"
                    )
                };
                out.push(base(
                    &text.vague_code,
                    Level::Warning,
                    message.into(),
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
