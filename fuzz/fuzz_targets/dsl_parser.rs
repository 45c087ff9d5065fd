//! The checklist DSL parser on arbitrary text: no panic, no stack overflow, and
//! every syntax error points at a character boundary inside the text.
#![no_main]

use disclint::ruleset::dsl::{parse_checklist, parse_expr};
use libfuzzer_sys::fuzz_target;

fn check_span(text: &str, span: &std::ops::Range<usize>) {
    assert!(span.start <= span.end, "inverted span {span:?}");
    assert!(
        span.end <= text.len(),
        "span {span:?} past the end ({})",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start),
        "span start {span:?} not on a char boundary"
    );
    assert!(
        text.is_char_boundary(span.end),
        "span end {span:?} not on a char boundary"
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse_expr(text) {
        Ok(e) => check_span(text, &e.span()),
        Err(e) => check_span(text, &e.span),
    }
    match parse_checklist(text) {
        Ok(statements) => {
            for st in &statements {
                check_span(text, &st.concept().span);
            }
        }
        Err(e) => check_span(text, &e.span),
    }
});
