//! Reading `disclint check --format json` output in tests.

use serde_json::Value;

/// (check id, status) of every check of one file object, in ruleset order.
pub fn statuses(file: &Value) -> Vec<(String, String)> {
    file["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}
