//! `--format short`: one line per diagnostic, `path:line:col: severity[code]: message`,
//! rendered by codespan-reporting (its columns count characters).

use std::io::{self, Write};

use codespan_reporting::diagnostic::{Diagnostic, Label, Severity};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config, DisplayStyle};

use super::{Renderer, Summary};
use crate::engine::FileReport;
use crate::ruleset::Level;

pub struct Short {
    config: Config,
}

impl Default for Short {
    fn default() -> Self {
        Short {
            config: Config {
                display_style: DisplayStyle::Short,
                ..Config::default()
            },
        }
    }
}

impl Renderer for Short {
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        let file = SimpleFile::new(report.path.as_str(), &*report.document.original);
        for d in &report.findings.diagnostics {
            let severity = match d.severity {
                Level::Error => Severity::Error,
                Level::Warning => Severity::Warning,
                Level::Info => Severity::Note,
            };
            // The first passage is the primary label; codespan's short style prints
            // one line per primary label, so the others are secondary.
            let labels = d
                .labels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let span = l.location.start..l.location.end;
                    if i == 0 {
                        Label::primary((), span)
                    } else {
                        Label::secondary((), span)
                    }
                })
                .collect();
            let diagnostic = Diagnostic::new(severity)
                .with_code(d.code.as_str())
                .with_message(d.message.as_str())
                .with_labels(labels);
            term::emit_to_io_write(out, &self.config, &file, &diagnostic)
                .map_err(|e| io::Error::other(e.to_string()))?;
        }
        Ok(())
    }

    fn end(&mut self, _out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}
