//! Running the `pass:` / `vague:` / `fail:` / `na:` examples that rulesets carry per check.
//! `disclint test` and the test suite both use this.

use crate::engine::Engine;
use crate::findings::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expectation {
    /// `pass:` — the check is stated.
    Pass,
    /// `vague:` — the check is addressed only vaguely.
    Vague,
    /// `fail:` — the check is not stated (missing, or vague).
    Fail,
    /// `na:` — the check does not apply to the notice.
    NotApplicable,
}

impl Expectation {
    pub fn as_str(self) -> &'static str {
        match self {
            Expectation::Pass => "pass",
            Expectation::Vague => "vague",
            Expectation::Fail => "fail",
            Expectation::NotApplicable => "na",
        }
    }

    fn accepts(self, status: Status) -> bool {
        match self {
            Expectation::Pass => status == Status::Stated,
            Expectation::Vague => status == Status::Vague,
            Expectation::Fail => matches!(status, Status::Missing | Status::Vague),
            Expectation::NotApplicable => status == Status::NotApplicable,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ExampleOutcome {
    pub check: String,
    pub expected: Expectation,
    pub text: String,
    pub got: Status,
}

impl ExampleOutcome {
    pub fn ok(&self) -> bool {
        self.expected.accepts(self.got)
    }
}

/// Lint every example of every check as a document of its own.
pub fn run(engine: &Engine) -> Vec<ExampleOutcome> {
    let mut out = Vec::new();
    for check in &engine.ruleset.checks {
        let ex = &check.docs.examples;
        let groups = [
            (Expectation::Pass, &ex.pass),
            (Expectation::Vague, &ex.vague),
            (Expectation::Fail, &ex.fail),
            (Expectation::NotApplicable, &ex.na),
        ];
        for (expected, texts) in groups {
            for text in texts {
                let (_, findings) = engine.lint_text(text);
                let got = findings
                    .checks
                    .iter()
                    .find(|c| c.id == check.id)
                    .map_or(Status::Missing, |c| c.status);
                out.push(ExampleOutcome {
                    check: check.id.clone(),
                    expected,
                    text: text.clone(),
                    got,
                });
            }
        }
    }
    out
}
