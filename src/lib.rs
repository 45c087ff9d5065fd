//! disclint: a declarative rules and linting engine for data-breach disclosure
//! notices (個人情報漏えい等の公表文).
//!
//! The pipeline runs in one direction:
//! [`source`] → [`document`] → [`facts`] → [`eval`] → [`findings`] → [`report`],
//! driven by a compiled [`ruleset`] through the [`engine`].
//!
//! ```
//! use disclint::Engine;
//! use disclint::findings::Status;
//!
//! let engine = Engine::default_ruleset(); // the embedded ja-ppc checklist
//! let (_document, findings) =
//!     engine.lint_text("先日、数万件のお客様の個人情報が流出した可能性があります。");
//! let counts = findings.checks.iter().find(|c| c.id == "counts").unwrap();
//! assert_eq!(counts.status, Status::Vague);
//! assert!(findings.diagnostics.iter().any(|d| d.code == "counts/vague"));
//! assert!(findings.score.unwrap() < 50.0);
//! ```

pub mod accuracy;
pub mod cli;
pub mod document;
pub mod engine;
pub mod eval;
pub mod examples;
pub mod facts;
pub mod findings;
pub mod pipeline;
pub mod precompiled;
pub mod report;
pub mod ruleset;
pub mod source;

pub use engine::{Engine, FileReport};
