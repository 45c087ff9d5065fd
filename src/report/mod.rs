//! Renderers: they turn finished reports into text and decide nothing.
//!
//! Each renderer is fed one file at a time (in input order) and a summary at the
//! end, so that batch runs can stream their output.

pub mod html;
pub mod human;
pub mod json;
pub mod score;
pub mod short;

use std::io::{self, Write};

use crate::engine::FileReport;
use crate::ruleset::Level;

/// Totals over a run.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    score_sum: f64,
    scored: usize,
}

impl Summary {
    pub fn add(&mut self, report: &FileReport) {
        self.files += 1;
        self.errors += report.findings.count(Level::Error);
        self.warnings += report.findings.count(Level::Warning);
        self.infos += report.findings.count(Level::Info);
        if let Some(s) = report.findings.score {
            self.score_sum += s;
            self.scored += 1;
        }
    }

    pub fn mean_score(&self) -> Option<f64> {
        (self.scored > 0).then(|| (10.0 * self.score_sum / self.scored as f64).round() / 10.0)
    }
}

pub trait Renderer: Send {
    fn begin(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()>;
    fn end(&mut self, _out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}
