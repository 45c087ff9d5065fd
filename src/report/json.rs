//! `--format json`: the stable machine-readable schema of DESIGN.md, streamed one
//! file object at a time.

use std::io::{self, Write};

use serde::Serialize;

use super::{Renderer, Summary};
use crate::engine::FileReport;
use crate::findings::{Label, Location};

#[derive(Default)]
pub struct Json {
    files_written: usize,
    /// One file's object, serialised here and written with one call: serde_json
    /// emits many small pieces, and each would otherwise be a dynamic call into the
    /// output writer.
    buf: Vec<u8>,
}

#[derive(Serialize)]
struct FileJson<'a> {
    path: &'a str,
    ruleset: &'a str,
    encoding: &'a str,
    score: Option<f64>,
    checks: Vec<CheckJson<'a>>,
    diagnostics: Vec<DiagnosticJson<'a>>,
}

#[derive(Serialize)]
struct CheckJson<'a> {
    id: &'a str,
    level: &'a str,
    status: &'a str,
    weight: f64,
    evidence: &'a [Location],
}

#[derive(Serialize)]
struct DiagnosticJson<'a> {
    code: &'a str,
    check: &'a str,
    severity: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    labels: &'a [Label],
}

#[derive(Serialize)]
struct SummaryJson {
    files: usize,
    errors: usize,
    warnings: usize,
    mean_score: Option<f64>,
}

pub fn file_json(report: &FileReport) -> serde_json::Value {
    serde_json::to_value(file_object(report)).expect("reports serialize")
}

fn file_object(report: &FileReport) -> FileJson<'_> {
    let f = &report.findings;
    FileJson {
        path: &report.path,
        ruleset: &report.ruleset,
        encoding: report.encoding,
        score: f.score,
        checks: f
            .checks
            .iter()
            .map(|c| CheckJson {
                id: &c.id,
                level: c.level.as_str(),
                status: c.status.as_str(),
                weight: c.weight,
                evidence: &c.evidence,
            })
            .collect(),
        diagnostics: f
            .diagnostics
            .iter()
            .map(|d| DiagnosticJson {
                code: &d.code,
                check: &d.check,
                severity: d.severity.as_str(),
                message: &d.message,
                help: d.help.as_deref(),
                labels: &d.labels,
            })
            .collect(),
    }
}

impl Renderer for Json {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"{\n  \"version\": 1,\n  \"files\": [")
    }

    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        self.buf.clear();
        if self.files_written > 0 {
            self.buf.push(b',');
        }
        self.buf.extend_from_slice(b"\n    ");
        serde_json::to_writer(&mut self.buf, &file_object(report))?;
        self.files_written += 1;
        out.write_all(&self.buf)
    }

    fn end(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        out.write_all(b"\n  ],\n  \"summary\": ")?;
        serde_json::to_writer(
            &mut *out,
            &SummaryJson {
                files: summary.files,
                errors: summary.errors,
                warnings: summary.warnings,
                mean_score: summary.mean_score(),
            },
        )?;
        out.write_all(b"\n}\n")
    }
}
