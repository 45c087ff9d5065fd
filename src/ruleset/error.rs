//! Errors found while loading a ruleset, each pointing into the YAML file.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, SourceCode};

use crate::document::line_index::{IndexedSource, LineIndex};

/// A ruleset file's text, shared by every error that points into it.
#[derive(Debug, Clone)]
pub struct RulesetSource {
    pub name: String,
    pub text: Arc<str>,
    pub lines: Arc<LineIndex>,
}

impl RulesetSource {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let lines = Arc::new(LineIndex::new(&text));
        RulesetSource {
            name: name.into(),
            text,
            lines,
        }
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines.line_col(&self.text, offset.min(self.text.len()))
    }
}

/// One or more problems in a ruleset; the first is the headline, the rest are related.
#[derive(Debug)]
pub struct RulesetError {
    pub problems: Vec<Problem>,
}

#[derive(Debug)]
pub struct Problem {
    pub source: Option<Arc<RulesetSource>>,
    pub span: Range<usize>,
    pub message: String,
    pub label: String,
    pub help: Option<String>,
    /// Error codes a user can search for: `ruleset/syntax`, `ruleset/unknown-name`, …
    pub code: &'static str,
    source_code: Option<IndexedSource>,
}

impl Problem {
    pub fn new(
        source: Option<Arc<RulesetSource>>,
        span: Range<usize>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        let source_code = source
            .as_ref()
            .map(|s| IndexedSource::new(s.name.clone(), s.text.clone(), s.lines.clone()));
        let span = match &source {
            Some(s) => clamp_span(&s.text, span),
            None => span,
        };
        Problem {
            source,
            span,
            message: message.into(),
            label: String::from("here"),
            help: None,
            code,
            source_code,
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// `file:line:col` of the problem (character column), for one-line output.
    pub fn location(&self) -> String {
        match &self.source {
            Some(s) => {
                let (line, col) = s.line_col(self.span.start);
                format!("{}:{line}:{col}", s.name)
            }
            None => String::from("<ruleset>"),
        }
    }
}

/// Keep a span inside the text and on character boundaries.
fn clamp_span(text: &str, span: Range<usize>) -> Range<usize> {
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

impl RulesetError {
    pub fn single(problem: Problem) -> Self {
        RulesetError {
            problems: vec![problem],
        }
    }

    /// Every problem as `file:line:col: message`, one per line.
    pub fn one_line_each(&self) -> Vec<String> {
        self.problems
            .iter()
            .map(|p| format!("{}: {} [{}]", p.location(), p.message, p.code))
            .collect()
    }

    fn head(&self) -> &Problem {
        &self.problems[0]
    }
}

impl From<Problem> for RulesetError {
    fn from(p: Problem) -> Self {
        RulesetError::single(p)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Problem {}

impl Diagnostic for Problem {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source_code.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source_code.as_ref()?;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(
                Some(self.label.clone()),
                self.span.start..self.span.end,
            ),
        )))
    }
}

impl fmt::Display for RulesetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.head().message)
    }
}

impl std::error::Error for RulesetError {}

impl Diagnostic for RulesetError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.head().code()
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.head().help()
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.head().source_code()
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.head().labels()
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.problems.len() < 2 {
            return None;
        }
        Some(Box::new(
            self.problems[1..].iter().map(|p| p as &dyn Diagnostic),
        ))
    }
}

/// The closest candidate to a misspelt name, if it is close enough to suggest.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!("did you mean `{c}`?"))
}
