//! The pipeline for one notice: source → document → facts → evaluation → findings.

use crate::document::Document;
use crate::eval::{EvalIndex, Evaluator};
use crate::facts::{Facts, Needs, TermMatcher};
use crate::findings::{self, CheckTexts, Diagnostic, Findings, Label, Location};
use crate::precompiled;
use crate::ruleset::Level;
use crate::ruleset::{self, Ruleset, RulesetError};
use crate::source::{InputFormat, SourceFile};

/// A compiled ruleset ready to lint any number of documents.
#[derive(Debug, Clone)]
pub struct Engine {
    pub ruleset: Ruleset,
    matcher: TermMatcher,
    index: EvalIndex,
    texts: CheckTexts,
    needs: Needs,
}

/// Everything known about one linted file; renderers read it, never change it.
#[derive(Debug)]
pub struct FileReport {
    pub path: String,
    /// Name of the ruleset that produced the findings.
    pub ruleset: String,
    pub encoding: &'static str,
    pub document: Document,
    pub findings: Findings,
}

impl Engine {
    pub fn new(ruleset: Ruleset) -> Self {
        Engine {
            matcher: TermMatcher::new(&ruleset),
            index: EvalIndex::new(&ruleset),
            texts: CheckTexts::new(&ruleset),
            needs: Needs::of(&ruleset),
            ruleset,
        }
    }

    /// An engine from a ruleset and the term automaton built for it.
    pub(crate) fn with_matcher(ruleset: Ruleset, matcher: TermMatcher) -> Self {
        Engine {
            matcher,
            index: EvalIndex::new(&ruleset),
            texts: CheckTexts::new(&ruleset),
            needs: Needs::of(&ruleset),
            ruleset,
        }
    }

    pub fn matcher(&self) -> &TermMatcher {
        &self.matcher
    }

    /// Load and compile an embedded ruleset by name, or a YAML file by path.
    pub fn load(spec: &str) -> Result<Self, RulesetError> {
        if let Some(engine) = ruleset::embedded::find(spec).and_then(precompiled::embedded) {
            return Ok(engine);
        }
        let layers = ruleset::load_named_or_path(spec)?;
        Ok(Engine::new(ruleset::compile(layers)?))
    }

    /// The embedded default ruleset.
    pub fn default_ruleset() -> Self {
        Engine::load(ruleset::embedded::DEFAULT).expect("the embedded default ruleset compiles")
    }

    pub fn lint_document(&self, document: &Document) -> Findings {
        // Matched once: the recognisers skip an excluded opening section, and
        // evaluation ignores every excluded one.
        let titles = self.index.section_titles(document, &self.ruleset);
        let from = crate::eval::body_start_after(&titles.excluded);
        let facts = Facts::find(document, &self.matcher, self.needs, from);
        let evaluator = Evaluator::new(document, &facts, &self.ruleset, &self.index, &titles);
        findings::evaluate(&self.ruleset, &self.texts, &evaluator)
    }

    /// Lint text already in memory (a Markdown or plain-text notice).
    pub fn lint_text(&self, text: &str) -> (Document, Findings) {
        let document = Document::new(text);
        let findings = self.lint_document(&document);
        (document, findings)
    }

    pub fn lint_source(&self, mut source: SourceFile) -> FileReport {
        let text = std::mem::take(&mut source.text);
        let document = match source.format {
            InputFormat::Html => Document::from_html(text),
            InputFormat::Markdown | InputFormat::Text => Document::new(text),
        };
        let mut findings = self.lint_document(&document);
        // Undecodable bytes: a located warning, never a crash.
        for w in &source.warnings {
            let at = w.byte_offset_in_text.min(document.original.len());
            let end = document.original[at..]
                .chars()
                .next()
                .map_or(at, |c| at + c.len_utf8());
            let (line, column) = document.line_col(at);
            findings.diagnostics.insert(
                0,
                Diagnostic {
                    code: "input/decode".into(),
                    check: "input".into(),
                    severity: Level::Warning,
                    message: w.message.as_str().into(),
                    help: Some(
                        format!(
                            "the file was read as {}; if that is wrong, pass --encoding",
                            source.encoding
                        )
                        .into(),
                    ),
                    why: None,
                    caption: "undecodable bytes".into(),
                    labels: vec![Label {
                        location: Location {
                            start: at,
                            end,
                            line,
                            column,
                        },
                        text: document.original[at..end].to_string(),
                    }],
                },
            );
        }
        FileReport {
            path: source.path,
            ruleset: self.ruleset.name.clone(),
            encoding: source.encoding,
            document,
            findings,
        }
    }
}
