//! One notice in every encoding Japanese notices are published in: the CLI
//! detects each, reports it, and gives identical statuses and diagnostics.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use encoding_rs::{EUC_JP, Encoding, ISO_2022_JP, SHIFT_JIS};
use serde_json::Value;

#[path = "common/json.rs"]
mod json;
use json::statuses;

/// A realistic notice: some items stated, some vague, some missing, with
/// full-width digits and Japanese punctuation; JIS X 0208 characters only, so
/// that every legacy encoding can represent it exactly.
const NOTICE: &str = include_str!("fixtures/notices/full-width.md");

fn disclint() -> Command {
    Command::cargo_bin("disclint").unwrap()
}

/// Encodes with encoding_rs, insisting on an exact round trip.
fn encode(encoding: &'static Encoding, s: &str) -> Vec<u8> {
    let (bytes, used, unmappable) = encoding.encode(s);
    assert_eq!(used, encoding);
    assert!(!unmappable, "not representable in {}", encoding.name());
    let (back, had_errors) = encoding.decode_without_bom_handling(&bytes);
    assert!(!had_errors);
    assert_eq!(back, s, "{} does not round-trip", encoding.name());
    bytes.into_owned()
}

/// UTF-16 with BOM (encoding_rs has no UTF-16 encoder).
fn utf16(s: &str, little_endian: bool) -> Vec<u8> {
    let mut out = if little_endian {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in s.encode_utf16() {
        out.extend(if little_endian {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    out
}

/// (file name, bytes, expected `encoding` in the JSON report).
fn variants() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(NOTICE.as_bytes());
    vec![
        ("utf8.md", NOTICE.as_bytes().to_vec(), "UTF-8"),
        ("utf8-bom.md", bom, "UTF-8 (BOM)"),
        ("utf16le.md", utf16(NOTICE, true), "UTF-16LE"),
        ("utf16be.md", utf16(NOTICE, false), "UTF-16BE"),
        ("sjis.md", encode(SHIFT_JIS, NOTICE), "Shift_JIS"),
        ("eucjp.md", encode(EUC_JP, NOTICE), "EUC-JP"),
        ("iso2022jp.md", encode(ISO_2022_JP, NOTICE), "ISO-2022-JP"),
    ]
}

fn check_json(args: &[&str], files: &[PathBuf]) -> (Option<i32>, Value) {
    let out = disclint()
        .args(["check", "--format", "json"])
        .args(args)
        .args(files)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), json)
}

/// Every diagnostic as (code, message, [(line, column, text, start, end)]).
type Diag = (String, String, Vec<(u64, u64, String, u64, u64)>);

fn diagnostics(file: &Value) -> Vec<Diag> {
    file["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let labels = d["labels"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    (
                        l["line"].as_u64().unwrap(),
                        l["column"].as_u64().unwrap(),
                        l["text"].as_str().unwrap().to_string(),
                        l["start"].as_u64().unwrap(),
                        l["end"].as_u64().unwrap(),
                    )
                })
                .collect();
            (
                d["code"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
                labels,
            )
        })
        .collect()
}

fn write_all(dir: &Path) -> Vec<(PathBuf, &'static str)> {
    variants()
        .into_iter()
        .map(|(name, bytes, enc)| {
            let p = dir.join(name);
            std::fs::write(&p, bytes).unwrap();
            (p, enc)
        })
        .collect()
}

#[test]
fn every_encoding_gives_identical_statuses_and_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let written = write_all(dir.path());
    let paths: Vec<PathBuf> = written.iter().map(|(p, _)| p.clone()).collect();
    let (code, json) = check_json(&[], &paths);
    assert_eq!(code, Some(1), "the notice has errors: exit 1");
    let files = json["files"].as_array().unwrap();
    assert_eq!(files.len(), written.len());

    let reference_statuses = statuses(&files[0]);
    let reference_diagnostics = diagnostics(&files[0]);
    // The notice is neither clean nor empty of findings: the comparison means something.
    assert!(reference_statuses.iter().any(|(_, s)| s == "stated"));
    assert!(reference_statuses.iter().any(|(_, s)| s != "stated"));
    assert!(
        reference_diagnostics
            .iter()
            .any(|(code, _, labels)| code.ends_with("/vague")
                && labels.iter().any(|l| l.2 == "約数千件")),
        "{reference_diagnostics:#?}"
    );
    for (file, (path, encoding)) in files.iter().zip(&written) {
        assert_eq!(file["path"], path.display().to_string());
        assert_eq!(file["encoding"], *encoding, "{}", path.display());
        assert_eq!(statuses(file), reference_statuses, "{encoding}");
        assert_eq!(diagnostics(file), reference_diagnostics, "{encoding}");
        assert!(
            !diagnostics(file)
                .iter()
                .any(|(code, _, _)| code == "input/decode"),
            "{encoding}"
        );
    }
}

#[test]
fn vague_count_label_is_at_the_right_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("sjis.md");
    std::fs::write(&p, encode(SHIFT_JIS, NOTICE)).unwrap();
    let (_, json) = check_json(&[], &[p]);
    let line_no = NOTICE.lines().position(|l| l.contains("約数千件")).unwrap() + 1;
    let line = NOTICE.lines().nth(line_no - 1).unwrap();
    let column = line[..line.find("約数千件").unwrap()].chars().count() + 1;
    let found = diagnostics(&json["files"][0])
        .into_iter()
        .flat_map(|d| d.2)
        .any(|l| l.0 == line_no as u64 && l.1 == column as u64 && l.2 == "約数千件");
    assert!(found, "no label at {line_no}:{column}: {json:#}");
}

#[test]
fn forced_encoding_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let sjis = dir.path().join("sjis.md");
    std::fs::write(&sjis, encode(SHIFT_JIS, NOTICE)).unwrap();
    let utf8 = dir.path().join("utf8.md");
    std::fs::write(&utf8, NOTICE).unwrap();
    let euc = dir.path().join("euc.md");
    std::fs::write(&euc, encode(EUC_JP, NOTICE)).unwrap();

    let (_, detected) = check_json(&[], std::slice::from_ref(&utf8));
    let (_, forced) = check_json(&["--encoding", "shift_jis"], std::slice::from_ref(&sjis));
    let forced = &forced["files"][0];
    assert_eq!(forced["encoding"], "Shift_JIS");
    assert_eq!(statuses(forced), statuses(&detected["files"][0]));
    assert_eq!(diagnostics(forced), diagnostics(&detected["files"][0]));

    // Forcing the wrong encoding is obeyed (and the damage reported, not hidden).
    let (_, wrong) = check_json(&["--encoding", "cp932"], &[euc]);
    let wrong = &wrong["files"][0];
    assert_eq!(wrong["encoding"], "Shift_JIS");
    assert_ne!(diagnostics(wrong), diagnostics(&detected["files"][0]));

    // An unknown label is a usage error.
    disclint()
        .args(["check", "--encoding", "klingon"])
        .arg(&utf8)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("klingon"));
}

#[test]
fn one_invalid_byte_gives_a_located_decode_warning() {
    let dir = tempfile::tempdir().unwrap();
    let needle = "第三者による";
    let at = NOTICE.find(needle).unwrap();
    let mut bytes = NOTICE.as_bytes()[..at].to_vec();
    bytes.push(0xFF);
    bytes.extend_from_slice(&NOTICE.as_bytes()[at..]);
    let p = dir.path().join("damaged.md");
    std::fs::write(&p, &bytes).unwrap();

    let (code, json) = check_json(&[], &[p]);
    assert_eq!(code, Some(1));
    let file = &json["files"][0];
    assert_eq!(file["encoding"], "UTF-8");
    let decode: Vec<Diag> = diagnostics(file)
        .into_iter()
        .filter(|d| d.0 == "input/decode")
        .collect();
    assert_eq!(decode.len(), 1, "{file:#}");
    let severity = file["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "input/decode")
        .unwrap()["severity"]
        .clone();
    assert_eq!(severity, "warning");
    let before = &NOTICE[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before[before.rfind('\n').unwrap() + 1..].chars().count() as u64 + 1;
    let label = &decode[0].2[0];
    assert_eq!((label.0, label.1), (line, column), "{decode:?}");
    assert_eq!(label.2, "\u{FFFD}");
    assert_eq!(label.3 as usize, at, "byte offset in the decoded text");

    // The rest of the notice is still linted as usual.
    let dir2 = tempfile::tempdir().unwrap();
    let clean = dir2.path().join("clean.md");
    std::fs::write(&clean, NOTICE).unwrap();
    let (_, reference) = check_json(&[], &[clean]);
    assert_eq!(statuses(file), statuses(&reference["files"][0]));
}

#[test]
fn one_invalid_byte_in_shift_jis_gives_a_located_decode_warning() {
    let dir = tempfile::tempdir().unwrap();
    let needle = "会員向けサイトが";
    let at = NOTICE.find(needle).unwrap();
    let mut bytes = encode(SHIFT_JIS, &NOTICE[..at]);
    // 0xA0 is not a valid Shift_JIS byte.
    bytes.push(0xA0);
    bytes.extend(encode(SHIFT_JIS, &NOTICE[at..]));
    let p = dir.path().join("damaged-sjis.txt");
    std::fs::write(&p, &bytes).unwrap();
    let (_, json) = check_json(&[], &[p]);
    let file = &json["files"][0];
    assert_eq!(file["encoding"], "Shift_JIS");
    let decode: Vec<Diag> = diagnostics(file)
        .into_iter()
        .filter(|d| d.0 == "input/decode")
        .collect();
    assert_eq!(decode.len(), 1, "{file:#}");
    let before = &NOTICE[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before[before.rfind('\n').unwrap() + 1..].chars().count() as u64 + 1;
    let label = &decode[0].2[0];
    assert_eq!(
        (label.0, label.1, label.2.as_str()),
        (line, column, "\u{FFFD}")
    );
}
