//! disclint: a declarative rules and linting engine for data-breach disclosure
//! notices (個人情報漏えい等の公表文).
//!
//! The pipeline runs in one direction:
//! [`source`] → [`document`] → [`facts`] → [`eval`] → [`findings`] → [`report`],
//! driven by a compiled [`ruleset`] through the [`engine`].

pub mod accuracy;
pub mod cli;
pub mod document;
pub mod engine;
pub mod eval;
pub mod examples;
pub mod facts;
pub mod findings;
pub mod report;
pub mod ruleset;
pub mod source;

pub use engine::{Engine, FileReport};
