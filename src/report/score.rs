//! `disclint score`: per-notice completeness and per-check coverage, as a table,
//! CSV, JSON or Markdown.

use std::io::{self, Write};

use serde::Serialize;

use super::{Renderer, Summary};
use crate::engine::FileReport;
use crate::findings::Status;

/// Per check: how many notices state it, state it vaguely, miss it, or where it does not apply.
#[derive(Debug, Default, Clone, Serialize)]
pub struct CheckCoverage {
    pub id: String,
    pub title: String,
    pub stated: usize,
    pub vague: usize,
    pub missing: usize,
    pub not_applicable: usize,
}

impl CheckCoverage {
    pub fn applicable(&self) -> usize {
        self.stated + self.vague + self.missing
    }

    /// Share of applicable notices that state the item (0–100).
    pub fn stated_share(&self) -> f64 {
        percent(self.stated, self.applicable())
    }

    pub fn vague_share(&self) -> f64 {
        percent(self.vague, self.applicable())
    }
}

fn percent(n: usize, d: usize) -> f64 {
    if d == 0 {
        0.0
    } else {
        (1000.0 * n as f64 / d as f64).round() / 10.0
    }
}

#[derive(Debug, Default, Clone)]
pub struct Coverage {
    pub checks: Vec<CheckCoverage>,
}

impl Coverage {
    pub fn add(&mut self, report: &FileReport) {
        for c in &report.findings.checks {
            let i = match self.checks.iter().position(|x| x.id == c.id) {
                Some(i) => i,
                None => {
                    self.checks.push(CheckCoverage {
                        id: c.id.to_string(),
                        title: c.title.to_string(),
                        ..CheckCoverage::default()
                    });
                    self.checks.len() - 1
                }
            };
            let cov = &mut self.checks[i];
            match c.status {
                Status::Stated => cov.stated += 1,
                Status::Vague => cov.vague += 1,
                Status::Missing => cov.missing += 1,
                Status::NotApplicable => cov.not_applicable += 1,
            }
        }
    }
}

fn score_text(score: Option<f64>) -> String {
    score.map_or_else(|| "-".to_string(), |s| format!("{s:.1}"))
}

fn missing_ids(report: &FileReport) -> Vec<&str> {
    report
        .findings
        .checks
        .iter()
        .filter(|c| c.status == Status::Missing)
        .map(|c| c.id.as_str())
        .collect()
}

/// Plain table for terminals.
#[derive(Default)]
pub struct Table {
    coverage: Coverage,
}

impl Renderer for Table {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{:>6}  {:<60}  missing", "score", "file")
    }

    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        self.coverage.add(report);
        writeln!(
            out,
            "{:>6}  {:<60}  {}",
            score_text(report.findings.score),
            report.path,
            missing_ids(report).join(" ")
        )
    }

    fn end(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        writeln!(out)?;
        writeln!(
            out,
            "{:<22} {:>7} {:>7} {:>7} {:>7}",
            "check", "stated", "vague", "missing", "n/a"
        )?;
        for c in &self.coverage.checks {
            writeln!(
                out,
                "{:<22} {:>6.1}% {:>6.1}% {:>7} {:>7}",
                c.id,
                c.stated_share(),
                c.vague_share(),
                c.missing,
                c.not_applicable
            )?;
        }
        writeln!(
            out,
            "\n{} files, mean score {}",
            summary.files,
            score_text(summary.mean_score())
        )
    }
}

/// One row per notice: path, score, then the status of every check.
#[derive(Default)]
pub struct Csv {
    header_written: bool,
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

impl Renderer for Csv {
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        if !self.header_written {
            let mut header = vec!["path".to_string(), "score".to_string()];
            header.extend(report.findings.checks.iter().map(|c| c.id.to_string()));
            writeln!(out, "{}", header.join(","))?;
            self.header_written = true;
        }
        let mut row = vec![csv_field(&report.path), score_text(report.findings.score)];
        row.extend(
            report
                .findings
                .checks
                .iter()
                .map(|c| c.status.as_str().to_string()),
        );
        writeln!(out, "{}", row.join(","))
    }
}

/// Markdown: the coverage table (for READMEs and reports), then per-notice rows.
#[derive(Default)]
pub struct Markdown {
    coverage: Coverage,
    rows: Vec<(String, Option<f64>, Vec<String>)>,
}

impl Renderer for Markdown {
    fn file(&mut self, _out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        self.coverage.add(report);
        self.rows.push((
            report.path.clone(),
            report.findings.score,
            missing_ids(report).iter().map(|s| s.to_string()).collect(),
        ));
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        writeln!(out, "| check | title | stated | vague | missing | n/a |")?;
        writeln!(out, "|---|---|---:|---:|---:|---:|")?;
        for c in &self.coverage.checks {
            writeln!(
                out,
                "| `{}` | {} | {:.1}% | {:.1}% | {} | {} |",
                c.id,
                c.title,
                c.stated_share(),
                c.vague_share(),
                c.missing,
                c.not_applicable
            )?;
        }
        writeln!(
            out,
            "\n{} notices, mean score {}.\n",
            summary.files,
            score_text(summary.mean_score())
        )?;
        writeln!(out, "| score | notice | missing |")?;
        writeln!(out, "|---:|---|---|")?;
        for (path, score, missing) in &self.rows {
            writeln!(
                out,
                "| {} | {} | {} |",
                score_text(*score),
                path.replace('|', "\\|"),
                missing.join(", ")
            )?;
        }
        Ok(())
    }
}

/// JSON: per-notice scores and statuses, then the coverage.
#[derive(Default)]
pub struct Json {
    coverage: Coverage,
    written: usize,
}

#[derive(Serialize)]
struct Row<'a> {
    path: &'a str,
    score: Option<f64>,
    statuses: indexmap::IndexMap<&'a str, &'a str>,
}

impl Renderer for Json {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"{\n  \"version\": 1,\n  \"files\": [")
    }

    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        self.coverage.add(report);
        if self.written > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"\n    ")?;
        let row = Row {
            path: &report.path,
            score: report.findings.score,
            statuses: report
                .findings
                .checks
                .iter()
                .map(|c| (c.id.as_str(), c.status.as_str()))
                .collect(),
        };
        serde_json::to_writer(&mut *out, &row)?;
        self.written += 1;
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        out.write_all(b"\n  ],\n  \"coverage\": ")?;
        serde_json::to_writer(&mut *out, &self.coverage.checks)?;
        write!(
            out,
            ",\n  \"summary\": {{\"files\": {}, \"mean_score\": {}}}\n}}\n",
            summary.files,
            summary
                .mean_score()
                .map_or_else(|| "null".to_string(), |s| format!("{s}"))
        )
    }
}
