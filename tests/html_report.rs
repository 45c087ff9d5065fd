//! `disclint score --format html`: one self-contained page with the coverage chart,
//! the score histogram and a sortable table. The markup is checked always; when
//! Chromium is on PATH the page is also rendered headless and the DOM after its
//! script ran is checked, along with the browser's console.

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;

fn disclint() -> Command {
    let mut c = Command::cargo_bin("disclint").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// Run `disclint score ARGS --format html -o DIR/report.html` and return the page.
fn render(args: &[&str], dir: &Path) -> (PathBuf, String) {
    render_with_code(args, dir, 0)
}

fn render_with_code(args: &[&str], dir: &Path, code: i32) -> (PathBuf, String) {
    let out = dir.join("report.html");
    disclint()
        .arg("score")
        .args(args)
        .args(["--format", "html", "-o"])
        .arg(&out)
        .assert()
        .code(code);
    let html = std::fs::read_to_string(&out).unwrap();
    (out, html)
}

/// Every `src=`/`href=`/`url(` value in the page, to check that none leaves the file.
fn resource_refs(html: &str) -> Vec<String> {
    let mut refs = Vec::new();
    for attr in ["src=", "href=", "url(", "@import", "action="] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let value: String = rest
                .trim_start_matches(['"', '\''])
                .chars()
                .take_while(|c| !matches!(c, '"' | '\'' | ')' | ' ' | '>'))
                .collect();
            refs.push(format!("{attr}{value}"));
        }
    }
    refs
}

fn is_external(reference: &str) -> bool {
    let value = reference
        .trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == '@')
        .trim_start_matches(['=', '(', ' ']);
    let lower = value.to_ascii_lowercase();
    lower.starts_with("http:") || lower.starts_with("https:") || lower.starts_with("//")
}

#[test]
fn html_report_is_one_self_contained_file_with_chart_histogram_and_table() {
    let dir = tempfile::tempdir().unwrap();
    let (_, html) = render(&["examples"], dir.path());

    // Exactly one file written.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["report.html"]);

    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    // Coverage chart: one row per check of the default ruleset, stacked segments.
    assert!(html.contains("id=\"coverage-chart\""));
    assert_eq!(html.matches("class=\"cov-row\"").count(), 12);
    assert!(html.contains("data-check=\"police-report\""));
    assert!(html.contains("class=\"seg stated\""));
    assert!(html.contains("class=\"seg missing\""));
    // Histogram: ten bins.
    assert!(html.contains("<svg id=\"score-histogram\""));
    assert_eq!(html.matches("<g class=\"bin ").count(), 10);
    // Table: one row per notice with score and missing items.
    assert!(html.contains("<table id=\"notices\">"));
    assert_eq!(html.matches("<tr data-score=").count(), 2);
    assert!(html.contains("examples/draft.md"));
    for row in html.split("<tr data-score=\"").skip(1) {
        let score: f64 = row[..row.find('"').unwrap()].parse().unwrap();
        assert!((0.0..=100.0).contains(&score));
    }
    // The draft lacks items: chips name the check, with its Japanese title.
    assert!(html.contains("<span class=\"chip missing\" title=\""));
    assert!(html.contains("<span class=\"chip vague\""));
    // Inline CSS and JS only; nothing loaded from elsewhere.
    assert!(html.contains("<style>") && html.contains("<script>"));
    assert!(!html.contains("<script src"));
    assert!(!html.contains("<link rel=\"stylesheet\""));
    let external: Vec<_> = resource_refs(&html)
        .into_iter()
        .filter(|r| is_external(r))
        .collect();
    assert!(external.is_empty(), "external resources: {external:?}");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no URL at all in a report of the examples"
    );
}

#[test]
fn html_report_escapes_paths() {
    let dir = tempfile::tempdir().unwrap();
    let notices = dir.path().join("in");
    std::fs::create_dir(&notices).unwrap();
    let name = "<img src=x onerror=alert(1)>&\"'.md";
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/draft.md"),
        notices.join(name),
    )
    .unwrap();
    let (_, html) = render(&[notices.to_str().unwrap()], dir.path());
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;.md"));
    assert!(!html.contains("<img"));
}

#[test]
fn html_report_of_no_notices_is_still_a_page() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    // An empty directory is an input error (exit 2), but the page is still written.
    let (_, html) = render_with_code(&[empty.to_str().unwrap()], dir.path(), 2);
    assert!(html.contains("<table id=\"notices\">"));
    assert!(html.contains("通知がありません"));
    assert!(html.trim_end().ends_with("</html>"));
}

// ---------------------------------------------------------------------------
// Browser-level: headless Chromium.

fn find_chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

fn chromium_required() -> bool {
    std::env::var_os("CI").is_some()
        && std::env::var("DISCLINT_REQUIRE_CHROMIUM").is_ok_and(|v| v == "1")
}

/// Chromium, or `None` after printing why the browser test is skipped.
fn chromium_or_skip() -> Option<PathBuf> {
    let found = find_chromium();
    if found.is_none() {
        assert!(
            !chromium_required(),
            "chromium not found on PATH, but CI and DISCLINT_REQUIRE_CHROMIUM=1 require it"
        );
        println!("SKIPPED: chromium not found; HTML report not rendered in a browser");
    }
    found
}

/// Render `url` headless; return (dumped DOM, stderr).
fn dump_dom(chromium: &Path, url: &str, work: &Path) -> (String, String) {
    let profile = work.join("profile");
    let stdout_path = work.join("dom.html");
    let stderr_path = work.join("chromium.log");
    let mut child = StdCommand::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(url)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path).unwrap())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .expect("start chromium");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    (
        std::fs::read_to_string(&stdout_path).unwrap(),
        std::fs::read_to_string(&stderr_path).unwrap(),
    )
}

fn file_url(path: &Path) -> String {
    let abs = std::fs::canonicalize(path).unwrap();
    let mut url = String::from("file://");
    for b in abs.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

fn console_errors(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
        .collect()
}

/// Rows of the table body in DOM order, as their first cell's text.
fn row_paths(dom: &str) -> Vec<String> {
    let body = &dom[dom.find("<tbody>").expect("tbody")..];
    body.split("<td class=\"path\">")
        .skip(1)
        .map(|s| s[..s.find("</td>").unwrap()].to_string())
        .collect()
}

#[test]
fn html_report_renders_in_headless_chromium() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (page, _) = render(&["examples"], dir.path());
    let (dom, stderr) = dump_dom(&chromium, &file_url(&page), dir.path());
    assert!(
        console_errors(&stderr).is_empty(),
        "console errors: {:?}",
        console_errors(&stderr)
    );
    assert!(
        dom.contains("data-ready=\"1\""),
        "the page script did not run:\n{dom}"
    );
    assert_eq!(dom.matches("class=\"cov-row\"").count(), 12);
    assert!(dom.contains("id=\"score-histogram\""));
    assert_eq!(dom.matches("<g class=\"bin ").count(), 10);
    // Written in input order (complete, draft); the script sorts by score ascending.
    assert_eq!(
        row_paths(&dom),
        ["examples/draft.md", "examples/complete.md"]
    );
    assert!(dom.contains("data-key=\"score\" class=\"num\" aria-sort=\"ascending\""));

    // The address can ask for another order.
    let url = format!("{}#sort=path", file_url(&page));
    let (dom, stderr) = dump_dom(&chromium, &url, dir.path());
    assert!(console_errors(&stderr).is_empty(), "{stderr}");
    assert_eq!(
        row_paths(&dom),
        ["examples/complete.md", "examples/draft.md"]
    );
}

#[test]
fn html_report_with_2000_notices_renders_and_sorts() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let notices = dir.path().join("notices");
    std::fs::create_dir(&notices).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for i in 0..1000 {
        std::fs::copy(
            root.join("examples/complete.md"),
            notices.join(format!("c{i:04}.md")),
        )
        .unwrap();
        std::fs::copy(
            root.join("examples/draft.md"),
            notices.join(format!("d{i:04}.md")),
        )
        .unwrap();
    }
    let (page, html) = render(&[notices.to_str().unwrap()], dir.path());
    assert_eq!(html.matches("<tr data-score=").count(), 2000);
    let url = format!("{}#sort=-score", file_url(&page));
    let (dom, stderr) = dump_dom(&chromium, &url, dir.path());
    assert!(console_errors(&stderr).is_empty(), "{stderr}");
    assert!(dom.contains("data-ready=\"1\""));
    let rows = row_paths(&dom);
    assert_eq!(rows.len(), 2000);
    // Highest first: every complete notice before every draft.
    assert!(
        rows[..1000]
            .iter()
            .all(|p| p.ends_with(".md") && p.contains("/c"))
    );
    assert!(rows[1000..].iter().all(|p| p.contains("/d")));
}
