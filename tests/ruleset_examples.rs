//! Every `pass:` / `vague:` / `fail:` example of every shipped ruleset gets its status.

use disclint::Engine;
use disclint::examples;
use disclint::ruleset::embedded;

#[test]
fn every_shipped_example_gets_its_status() {
    for name in embedded::names() {
        let engine = Engine::load(name).expect("shipped ruleset compiles");
        let outcomes = examples::run(&engine);
        let failures: Vec<String> = outcomes
            .iter()
            .filter(|o| !o.ok())
            .map(|o| {
                format!(
                    "{name}/{}: {} example got {}: {}",
                    o.check,
                    o.expected.as_str(),
                    o.got.as_str(),
                    o.text
                )
            })
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

#[test]
fn every_statement_of_a_shipped_ruleset_has_pass_and_fail_examples() {
    for name in embedded::names() {
        let engine = Engine::load(name).unwrap();
        for check in &engine.ruleset.checks {
            let ex = &check.docs.examples;
            assert!(!ex.pass.is_empty(), "{name}/{}: no pass example", check.id);
            assert!(
                !ex.fail.is_empty() || !ex.vague.is_empty(),
                "{name}/{}: no fail example",
                check.id
            );
        }
    }
}

#[test]
fn default_ruleset_has_the_twelve_stable_check_ids_in_order() {
    let engine = Engine::default_ruleset();
    let ids: Vec<&str> = engine
        .ruleset
        .checks
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "period",
            "discovery",
            "counts",
            "data-categories",
            "cause",
            "police-report",
            "regulator-report",
            "secondary-damage",
            "individual-notice",
            "contact",
            "recurrence-measures",
            "apology"
        ]
    );
}

#[test]
fn every_check_of_the_default_ruleset_is_documented_in_japanese() {
    let engine = Engine::default_ruleset();
    for c in &engine.ruleset.checks {
        let d = &c.docs;
        assert_ne!(d.title, c.id, "{}: no title", c.id);
        let why = d
            .why
            .as_deref()
            .unwrap_or_else(|| panic!("{}: no why", c.id));
        assert!(
            why.chars()
                .any(|ch| ('\u{3040}'..='\u{30ff}').contains(&ch)),
            "{}",
            c.id
        );
        assert!(d.missing.is_some(), "{}: no missing message", c.id);
        assert!(
            d.help.as_deref().is_some_and(|h| h.starts_with('例')),
            "{}: help is not an example",
            c.id
        );
    }
}
