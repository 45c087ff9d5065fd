//! `disclint eval`: agreement of a ruleset's statuses with hand labels.
//!
//! A labels file is a YAML list, one record per notice:
//! `{file, kind, items: {CHECK: {status, evidence}}}` with status one of
//! stated / vague / missing / na (see the README). Binary accuracy asks
//! "stated or not"; exact accuracy asks for the very status.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::engine::Engine;
use crate::findings::Status;
use crate::source::{self, InputPath, ReadOptions};

#[derive(Debug, Deserialize)]
pub struct LabelledNotice {
    pub file: String,
    #[serde(default)]
    pub kind: Option<String>,
    pub items: IndexMap<String, LabelledItem>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default, rename = "vague-passages")]
    pub vague_passages: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct LabelledItem {
    pub status: String,
    #[serde(default)]
    pub evidence: Option<String>,
}

pub fn parse_status(s: &str) -> Option<Status> {
    match s {
        "stated" => Some(Status::Stated),
        "vague" => Some(Status::Vague),
        "missing" => Some(Status::Missing),
        "na" | "not-applicable" => Some(Status::NotApplicable),
        _ => None,
    }
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct Tally {
    pub n: usize,
    pub binary_agree: usize,
    pub exact_agree: usize,
}

impl Tally {
    fn add(&mut self, expected: Status, got: Status) {
        self.n += 1;
        if (expected == Status::Stated) == (got == Status::Stated) {
            self.binary_agree += 1;
        }
        if expected == got {
            self.exact_agree += 1;
        }
    }

    pub fn binary(&self) -> f64 {
        ratio(self.binary_agree, self.n)
    }

    pub fn exact(&self) -> f64 {
        ratio(self.exact_agree, self.n)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub check: String,
    pub expected: Status,
    pub got: Status,
    /// The labelled evidence, or what the ruleset took as evidence.
    pub passage: String,
}

#[derive(Debug, Default, Serialize)]
pub struct EvalReport {
    pub overall: Tally,
    pub checks: IndexMap<String, Tally>,
    /// confusion[expected][got] = count
    pub confusion: BTreeMap<&'static str, BTreeMap<&'static str, usize>>,
    pub disagreements: Vec<Disagreement>,
    /// Notices that could not be read.
    pub errors: Vec<String>,
    /// Check ids the labels name that the ruleset does not have (their items are
    /// not counted): a misspelt id would otherwise drop out of the figures unseen.
    pub unknown_checks: Vec<String>,
}

#[derive(Debug)]
pub enum EvalError {
    Read(PathBuf, std::io::Error),
    Parse(String),
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvalError::Read(p, e) => write!(f, "cannot read labels file `{}`: {e}", p.display()),
            EvalError::Parse(m) => f.write_str(m),
        }
    }
}

pub fn load_labels(path: &Path) -> Result<Vec<LabelledNotice>, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|e| EvalError::Read(path.to_path_buf(), e))?;
    let labels: Vec<LabelledNotice> = serde_saphyr::from_str(&text).map_err(|e| {
        let loc = e
            .location()
            .map(|l| format!(":{}:{}", l.line(), l.column()))
            .unwrap_or_default();
        let msg = e.to_string();
        EvalError::Parse(format!(
            "{}{loc}: {}",
            path.display(),
            msg.lines().next().unwrap_or("invalid labels file")
        ))
    })?;
    for (i, n) in labels.iter().enumerate() {
        for (check, item) in &n.items {
            if parse_status(&item.status).is_none() {
                return Err(EvalError::Parse(format!(
                    "{}: notice {} ({}), item `{check}`: unknown status `{}` (expected stated, vague, missing or na)",
                    path.display(),
                    i + 1,
                    n.file,
                    item.status
                )));
            }
        }
    }
    Ok(labels)
}

impl EvalReport {
    /// An empty report with a row for every check of `engine`'s ruleset.
    pub fn for_ruleset(engine: &Engine) -> Self {
        let mut report = EvalReport::default();
        for c in &engine.ruleset.checks {
            report.checks.insert(c.id.clone(), Tally::default());
        }
        report
    }

    /// Runs the checklist on every labelled notice (its `file` relative to `root`)
    /// and counts the agreement into the report.
    pub fn add(&mut self, engine: &Engine, labels: &[LabelledNotice], root: &Path) {
        let report = self;
        let opts = ReadOptions::default();
        for notice in labels {
            let path = root.join(&notice.file);
            let file = match source::read_source(&InputPath::File(path.clone()), &opts) {
                Ok(f) => f,
                Err(e) => {
                    report.errors.push(e.to_string());
                    continue;
                }
            };
            let result = engine.lint_source(file);
            let doc = &result.document;
            for (check, item) in &notice.items {
                let Some(expected) = parse_status(&item.status) else {
                    continue;
                };
                let Some(got) = result.findings.checks.iter().find(|c| c.id == *check) else {
                    if !report.unknown_checks.contains(check) {
                        report.unknown_checks.push(check.clone());
                    }
                    continue;
                };
                report.overall.add(expected, got.status);
                report
                    .checks
                    .entry(check.clone())
                    .or_default()
                    .add(expected, got.status);
                *report
                    .confusion
                    .entry(expected.as_str())
                    .or_default()
                    .entry(got.status.as_str())
                    .or_default() += 1;
                if expected != got.status {
                    // Point at the labelled passage if it is in the text, else at our evidence.
                    let labelled = item
                        .evidence
                        .as_deref()
                        .and_then(|ev| doc.original.find(ev).map(|at| (at, ev.to_string())));
                    let ours = got
                        .evidence
                        .first()
                        .map(|l| (l.start, doc.original[l.start..l.end].to_string()));
                    let (at, passage) = labelled.or(ours).unwrap_or((0, String::new()));
                    let (line, column) = doc.line_col(at);
                    report.disagreements.push(Disagreement {
                        file: notice.file.clone(),
                        line,
                        column,
                        check: check.clone(),
                        expected,
                        got: got.status,
                        passage,
                    });
                }
            }
        }
    }
}

impl EvalReport {
    pub fn render_text(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{:<22} {:>5} {:>8} {:>8}",
            "check", "n", "binary", "exact"
        );
        for (id, t) in &self.checks {
            let _ = writeln!(
                s,
                "{:<22} {:>5} {:>8.3} {:>8.3}",
                id,
                t.n,
                t.binary(),
                t.exact()
            );
        }
        let _ = writeln!(
            s,
            "{:<22} {:>5} {:>8.3} {:>8.3}\n",
            "overall",
            self.overall.n,
            self.overall.binary(),
            self.overall.exact()
        );
        let cols = ["stated", "vague", "missing", "not-applicable"];
        let _ = writeln!(s, "confusion (rows: labelled, columns: disclint)");
        let _ = writeln!(s, "{:<16}{}", "", cols.map(|c| format!("{c:>16}")).join(""));
        for row in cols {
            let counts = self.confusion.get(row);
            let cells: String = cols
                .iter()
                .map(|c| {
                    format!(
                        "{:>16}",
                        counts.and_then(|m| m.get(c)).copied().unwrap_or(0)
                    )
                })
                .collect();
            let _ = writeln!(s, "{row:<16}{cells}");
        }
        if !self.disagreements.is_empty() {
            let _ = writeln!(s, "\ndisagreements:");
            for d in &self.disagreements {
                let _ = writeln!(
                    s,
                    "{}:{}:{}  {}  {} → {}  {}",
                    d.file,
                    d.line,
                    d.column,
                    d.check,
                    d.expected.as_str(),
                    d.got.as_str(),
                    d.passage.replace('\n', " ")
                );
            }
        }
        if !self.unknown_checks.is_empty() {
            let _ = writeln!(
                s,
                "warning: the labels name checks the ruleset does not have (not counted): {}",
                self.unknown_checks.join(", ")
            );
        }
        for e in &self.errors {
            let _ = writeln!(s, "error: {e}");
        }
        s
    }
}
