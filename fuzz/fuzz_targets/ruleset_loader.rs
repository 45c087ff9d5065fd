//! Ruleset loading and compiling on arbitrary YAML: no panic, and every
//! problem is located inside its file, on character boundaries.
#![no_main]

use disclint::ruleset::{compile, load_source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // `extends` may name files; never let the fuzzer make us read devices.
    if text.contains("/dev") || text.contains("/proc") || text.contains("/sys") {
        return;
    }
    let result = load_source("fuzz.yaml", text).and_then(compile);
    let Err(err) = result else {
        return;
    };
    assert!(!err.problems.is_empty(), "an error without problems");
    for p in &err.problems {
        if let Some(src) = &p.source {
            let t = &src.text;
            assert!(
                p.span.start <= p.span.end,
                "{}: inverted span {:?}",
                p.code,
                p.span
            );
            assert!(
                p.span.end <= t.len(),
                "{}: span {:?} past the end",
                p.code,
                p.span
            );
            assert!(
                t.is_char_boundary(p.span.start),
                "{}: start off boundary",
                p.code
            );
            assert!(
                t.is_char_boundary(p.span.end),
                "{}: end off boundary",
                p.code
            );
        }
        let _ = p.location();
    }
    // Rendering must not panic either (the CLI prints it through miette).
    let mut out = String::new();
    let _ = miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut out, &err);
    let _ = err.one_line_each();
});
