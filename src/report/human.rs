//! Default output: miette graphical diagnostics with the passage underlined.
//!
//! The source is wrapped in the line-indexed `IndexedSource`, so many labels on one
//! long notice stay cheap, and the `[file:line:col]` header shows character columns.

use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, Severity,
    SourceCode,
};

use super::{Renderer, Summary};
use crate::document::line_index::IndexedSource;
use crate::engine::FileReport;
use crate::findings::Diagnostic;
use crate::ruleset::Level;

pub struct Human {
    handler: GraphicalReportHandler,
    /// Japanese headings and summary for Japanese rulesets.
    japanese: bool,
}

impl Human {
    pub fn new(color: bool, japanese: bool) -> Self {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        Human {
            handler: GraphicalReportHandler::new_themed(theme)
                .with_width(100)
                .with_context_lines(1),
            japanese,
        }
    }
}

/// One finding as a miette diagnostic over the notice's source.
struct Shown<'a> {
    d: &'a Diagnostic,
    source: &'a IndexedSource,
    help: Option<String>,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl MietteDiagnostic for Shown<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.d.code))
    }

    fn severity(&self) -> Option<Severity> {
        Some(match self.d.severity {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Info => Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.d.labels.iter().map(|l| {
            LabeledSpan::new_primary_with_span(
                Some(self.d.caption.to_string()),
                l.location.start..l.location.end,
            )
        })))
    }
}

impl Renderer for Human {
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        let source = IndexedSource::new(
            report.path.clone(),
            report.document.original.clone(),
            report.document.lines.clone(),
        );
        for d in &report.findings.diagnostics {
            let help = match (&d.why, &d.help) {
                (Some(w), Some(h)) => Some(format!("{w}\n{h}")),
                (Some(x), None) | (None, Some(x)) => Some(x.to_string()),
                (None, None) => None,
            };
            let shown = Shown {
                d,
                source: &source,
                help,
            };
            let mut text = String::new();
            self.handler
                .render_report(&mut text, &shown)
                .map_err(|_| io::Error::other("rendering a diagnostic failed"))?;
            out.write_all(text.as_bytes())?;
        }
        let score = report
            .findings
            .score
            .map_or_else(|| "-".to_string(), |s| format!("{s:.1}"));
        if self.japanese {
            writeln!(
                out,
                "{}: 完全性スコア {score} / 100（{}）",
                report.path, report.ruleset
            )
        } else {
            writeln!(
                out,
                "{}: completeness score {score} / 100 ({})",
                report.path, report.ruleset
            )
        }
    }

    fn end(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        let mean = summary
            .mean_score()
            .map_or_else(|| "-".to_string(), |s| format!("{s:.1}"));
        if self.japanese {
            writeln!(
                out,
                "\n{} ファイル: エラー {}、警告 {}、情報 {}、平均スコア {mean}",
                summary.files, summary.errors, summary.warnings, summary.infos
            )
        } else {
            writeln!(
                out,
                "\n{} files: {} errors, {} warnings, {} notes, mean score {mean}",
                summary.files, summary.errors, summary.warnings, summary.infos
            )
        }
    }
}
