//! A notice published as an HTML page: linted like its Markdown version, with
//! every diagnostic pointing at the right place of the HTML file.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

#[path = "common/json.rs"]
mod json;
use json::statuses;
#[path = "common/oracle.rs"]
mod oracle;
use oracle::line_col;

/// The same notice as `tests/encodings.rs` uses, in Markdown.
const MARKDOWN: &str = include_str!("fixtures/notices/full-width.md");

/// The same notice as a saved corporate page. The script, style, navigation
/// and footer mention the police and the PPC: if any of them leaked into the
/// linted text, `police-report` or `regulator-report` would be stated.
const HTML: &str = r#"<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<title>お知らせ｜架空電機株式会社</title>
<style>
/* 所轄警察署に被害届を提出しました */
body { font-family: sans-serif; }
</style>
<script>
  var msg = "所轄警察署に相談し、個人情報保護委員会へ報告しました。";
  if (a < b && c > d) { document.write("</p><p>"); }
</script>
</head>
<body>
<header class="site-header">
  <a href="/">架空電機株式会社</a>
  <nav><ul><li><a href="/news">ニュース</a></li><li><a href="/police">警察への届出について</a></li></ul></nav>
</header>
<div class="content">
<h1>不正アクセスによるお客様情報流出の可能性に関するお詫び</h1>
<p>２０２５年８月２０日<br>
架空電機株式会社</p>
<!-- 警察に相談済み（社内メモ） -->
<p>このたび、当社の会員向けサイトにおいて第三者による不正アクセスが発生し、
一部のお客様の個人情報が流出した可能性があることが判明いたしました。</p>
<h2>１．&#x7D4C;緯</h2>
<p>２０２５年８月１日から８月５日までの間、会員向けサイトが不正アクセスを受けました。８月６日に外部からの通報を受けて調査したところ、約数千件の会員情報が閲覧された可能性があることを確認しました。</p>
<h2>２．流出した可能性のある情報</h2>
<ul>
  <li>氏名、住所、電話番号、メールアドレス</li>
</ul>
<h2>３．今後の対応</h2>
<p>今後はセキュリティ対策の強化に努め、再発防止に努めてまいります。なお、現時点で二次被害は確認されておりません。</p>
<h2>４．お問い合わせ先</h2>
<table>
  <tr><th>窓口</th><td>架空電機株式会社&nbsp;お客様相談窓口</td></tr>
  <tr><th>電話</th><td>０１２０－１１１－２２２（受付時間：平日９時～１７時）</td></tr>
</table>
<p>お客様には多大なるご迷惑とご心配をおかけしますことを深くお詫び申し上げます。</p>
</div>
<footer><p>&copy; 2025 架空電機株式会社 | <a href="https://www.ppc.go.jp/">個人情報保護委員会</a> | 警察庁</p></footer>
</body>
</html>
"#;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn check_json(args: &[&str], files: &[&Path]) -> Value {
    let out = Command::cargo_bin("disclint")
        .unwrap()
        .args(["check", "--format", "json"])
        .args(args)
        .args(files)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn labels(file: &Value) -> Vec<(String, &Value)> {
    file["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| {
            let code = d["code"].as_str().unwrap().to_string();
            d["labels"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |l| (code.clone(), l))
        })
        .collect()
}

#[test]
fn html_page_gets_the_statuses_of_its_markdown_version() {
    let dir = tempfile::tempdir().unwrap();
    let md = write(dir.path(), "notice.md", MARKDOWN);
    let html = write(dir.path(), "notice.html", HTML);
    let json = check_json(&[], &[&md, &html]);
    let (md, html) = (&json["files"][0], &json["files"][1]);
    assert_eq!(statuses(html), statuses(md));
    // Nothing from the script, style, comment, navigation or footer counted.
    for (id, status) in statuses(html) {
        if id == "police-report" || id == "regulator-report" {
            assert_eq!(status, "missing", "{id}");
        }
    }
    // The same diagnostics, in the same order.
    let codes = |f: &Value| -> Vec<String> {
        f["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(codes(html), codes(md));
}

#[test]
fn html_labels_point_into_the_html_at_the_passage() {
    let dir = tempfile::tempdir().unwrap();
    let md_path = write(dir.path(), "notice.md", MARKDOWN);
    let html_path = write(dir.path(), "notice.html", HTML);
    let json = check_json(&[], &[&md_path, &html_path]);
    let (md, html) = (&json["files"][0], &json["files"][1]);
    let md_labels = labels(md);
    let html_labels = labels(html);
    assert_eq!(md_labels.len(), html_labels.len());
    assert!(!html_labels.is_empty());
    for ((code, h), (_, m)) in html_labels.iter().zip(&md_labels) {
        let (start, end) = (
            h["start"].as_u64().unwrap() as usize,
            h["end"].as_u64().unwrap() as usize,
        );
        assert!(start <= end && end <= HTML.len(), "{code}: {h}");
        // The label's text is exactly the HTML at its offsets, and its
        // line/column are those of the offsets in the HTML file.
        assert_eq!(h["text"].as_str().unwrap(), &HTML[start..end], "{code}");
        assert_eq!(
            (
                h["line"].as_u64().unwrap() as usize,
                h["column"].as_u64().unwrap() as usize
            ),
            line_col(HTML, start),
            "{code}: {h}"
        );
        // Vague passages are underlined in the HTML exactly as in the Markdown.
        if code.ends_with("/vague") {
            assert_eq!(h["text"], m["text"], "{code}");
        }
        // The labelled HTML line shows what the Markdown label shows: the
        // passage itself or the heading the item belongs under.
        let html_line = HTML
            .lines()
            .nth(h["line"].as_u64().unwrap() as usize - 1)
            .unwrap();
        let passage = m["text"]
            .as_str()
            .unwrap()
            .trim_start_matches(['#', ' '])
            .trim();
        let passage: String = passage.chars().take(6).collect();
        assert!(
            html_line.contains(&passage) || html_line.contains("&#x7D4C;緯"),
            "{code}: HTML line {:?} does not show {passage:?}",
            html_line
        );
    }
    // The vague count in particular.
    let vague_count = html_labels
        .iter()
        .find(|(_, l)| l["text"] == "約数千件")
        .expect("約数千件 is labelled");
    let at = HTML.find("約数千件").unwrap();
    assert_eq!(vague_count.1["start"].as_u64().unwrap() as usize, at);
}

#[test]
fn input_format_html_applies_to_any_extension() {
    let dir = tempfile::tempdir().unwrap();
    let html = write(dir.path(), "notice.html", HTML);
    let txt = write(dir.path(), "saved-page.txt", HTML);
    let as_html = check_json(&[], &[&html]);
    let forced = check_json(&["--input-format", "html"], &[&txt]);
    assert_eq!(
        statuses(&forced["files"][0]),
        statuses(&as_html["files"][0])
    );
    assert_eq!(
        labels(&forced["files"][0])
            .iter()
            .map(|(c, l)| (c.clone(), l["start"].clone(), l["text"].clone()))
            .collect::<Vec<_>>(),
        labels(&as_html["files"][0])
            .iter()
            .map(|(c, l)| (c.clone(), l["start"].clone(), l["text"].clone()))
            .collect::<Vec<_>>()
    );
    // Without the flag the .txt is plain text: the markup is linted as words.
    let plain = check_json(&[], &[&txt]);
    assert_ne!(statuses(&plain["files"][0]), statuses(&as_html["files"][0]));
}

#[test]
fn html_in_shift_jis_with_crlf_is_read_too() {
    let dir = tempfile::tempdir().unwrap();
    let crlf = HTML.replace('\n', "\r\n");
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&crlf);
    assert!(!unmappable);
    let p = dir.path().join("sjis.htm");
    std::fs::write(&p, &bytes).unwrap();
    let reference = write(dir.path(), "notice.html", HTML);
    let json = check_json(&[], &[&p, &reference]);
    let (sjis, utf8) = (&json["files"][0], &json["files"][1]);
    assert_eq!(sjis["encoding"], "Shift_JIS");
    assert_eq!(statuses(sjis), statuses(utf8));
    let positions = |f: &Value| -> Vec<(Value, Value)> {
        labels(f)
            .iter()
            .map(|(_, l)| (l["line"].clone(), l["column"].clone()))
            .collect()
    };
    assert_eq!(positions(sjis), positions(utf8));
}
