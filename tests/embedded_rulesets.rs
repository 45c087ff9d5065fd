//! The compiled forms of the embedded rulesets (`rules/**/*.compiled`) are generated
//! files: each must be what the current code makes of its YAML. A stale file is never
//! used (start-up falls back to compiling the YAML), but it costs every run the time
//! the precompiled form exists to save, so it fails here.
//!
//! Regenerate with `DISCLINT_UPDATE_EMBEDDED=1 cargo test --test embedded_rulesets`.

use std::path::Path;

use disclint::Engine;
use disclint::precompiled;
use disclint::ruleset::{compile, embedded, load_named_or_path};

#[test]
fn compiled_forms_are_up_to_date() {
    let update = std::env::var_os("DISCLINT_UPDATE_EMBEDDED").is_some();
    let mut stale = Vec::new();
    for r in embedded::RULESETS {
        let engine = Engine::new(compile(load_named_or_path(r.name).unwrap()).unwrap());
        let bytes = precompiled::encode(&engine, r.yaml);
        if bytes != r.compiled {
            if update {
                let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(r.compiled_path);
                std::fs::write(&path, &bytes).unwrap();
            }
            stale.push(r.compiled_path);
        }
    }
    assert!(
        update || stale.is_empty(),
        "stale compiled rulesets: {stale:?}; run `DISCLINT_UPDATE_EMBEDDED=1 cargo test --test embedded_rulesets`"
    );
}

#[test]
fn the_default_engine_uses_the_compiled_form() {
    // The precompiled ruleset checks the same things as the YAML compiled at run time.
    if std::env::var_os("DISCLINT_UPDATE_EMBEDDED").is_some() {
        return; // this binary embeds the files as they were before the update
    }
    let r = &embedded::RULESETS[0];
    let from_yaml = Engine::new(compile(load_named_or_path(r.name).unwrap()).unwrap());
    let stored = precompiled::embedded(r).expect("the default ruleset is precompiled");
    assert_eq!(
        precompiled::encode(&stored, r.yaml),
        precompiled::encode(&from_yaml, r.yaml)
    );
}
