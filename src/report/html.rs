//! `disclint score --format html`: one self-contained HTML page (inline CSS and
//! JS, no network) with a per-check coverage chart, a score histogram and a
//! sortable table of notices.
//!
//! The renderer keeps only small data per notice (path, score, and which checks
//! are missing or vague) because the page needs every notice before it can be
//! written. Every string that comes from a notice, a path or a ruleset is
//! HTML-escaped.

use std::borrow::Cow;
use std::io::{self, Write};

use super::score::Coverage;
use super::{Renderer, Summary};
use crate::engine::FileReport;
use crate::findings::Status;

/// What the page keeps of one notice.
struct Row {
    path: String,
    score: Option<f64>,
    /// Indices into `Coverage::checks`.
    missing: Vec<u16>,
    vague: Vec<u16>,
}

/// Accumulates rows and coverage; writes the whole page at the end.
#[derive(Default)]
pub struct Html {
    coverage: Coverage,
    rows: Vec<Row>,
    ruleset: Option<String>,
}

/// Escape text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Number of 10-point bins in the score histogram (the last one includes 100).
const BINS: usize = 10;

fn bin_of(score: f64) -> usize {
    ((score.max(0.0) / 10.0).floor() as usize).min(BINS - 1)
}

fn share(n: usize, d: usize) -> f64 {
    if d == 0 {
        0.0
    } else {
        100.0 * n as f64 / d as f64
    }
}

fn score_class(score: f64) -> &'static str {
    if score >= 80.0 {
        "hi"
    } else if score >= 50.0 {
        "mid"
    } else {
        "lo"
    }
}

/// A "nice" step (1, 2 or 5 × 10^k) for about four grid lines up to `max`.
fn nice_step(max: usize) -> usize {
    let target = (max as f64 / 4.0).max(1.0);
    let mut magnitude = 1usize;
    loop {
        for m in [1, 2, 5] {
            if (m * magnitude) as f64 >= target {
                return m * magnitude;
            }
        }
        magnitude *= 10;
    }
}

impl Renderer for Html {
    fn file(&mut self, _out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        self.coverage.add(report);
        if self.ruleset.is_none() {
            self.ruleset = Some(report.ruleset.clone());
        }
        let mut row = Row {
            path: report.path.clone(),
            score: report.findings.score,
            missing: Vec::new(),
            vague: Vec::new(),
        };
        for c in &report.findings.checks {
            let list = match c.status {
                Status::Missing => &mut row.missing,
                Status::Vague => &mut row.vague,
                Status::Stated | Status::NotApplicable => continue,
            };
            if let Some(i) = self.coverage.checks.iter().position(|x| x.id == c.id) {
                list.push(i as u16);
            }
        }
        self.rows.push(row);
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        self.write_head(out)?;
        self.write_summary(out, summary)?;
        self.write_coverage(out)?;
        self.write_histogram(out)?;
        self.write_table(out)?;
        write!(out, "<script>{SCRIPT}</script>\n</body>\n</html>\n")
    }
}

impl Html {
    fn write_head(&self, out: &mut dyn Write) -> io::Result<()> {
        write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
             <meta name=\"generator\" content=\"disclint {version}\">\n\
             <link rel=\"icon\" href=\"data:,\">\n\
             <title>disclint 完全性スコア報告</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
            version = env!("CARGO_PKG_VERSION"),
        )
    }

    fn write_summary(&self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        let mut scores: Vec<f64> = self.rows.iter().filter_map(|r| r.score).collect();
        scores.sort_by(f64::total_cmp);
        let median = match scores.len() {
            0 => None,
            n if n % 2 == 1 => Some(scores[n / 2]),
            n => Some((scores[n / 2 - 1] + scores[n / 2]) / 2.0),
        };
        let fmt = |s: Option<f64>| s.map_or_else(|| "–".to_string(), |s| format!("{s:.1}"));
        let ruleset = self.ruleset.as_deref().unwrap_or("–");
        write!(
            out,
            "<header>\n<h1>公表文の完全性スコア <small>disclint score</small></h1>\n\
             <p class=\"sub\">ルールセット <code>{ruleset}</code> による記載事項のチェック結果</p>\n\
             <div class=\"cards\" id=\"summary\">\n\
             <div class=\"card\"><span class=\"k\">通知数</span><span class=\"v\" id=\"summary-files\">{files}</span></div>\n\
             <div class=\"card\"><span class=\"k\">平均スコア</span><span class=\"v\" id=\"summary-mean\">{mean}</span></div>\n\
             <div class=\"card\"><span class=\"k\">中央値</span><span class=\"v\">{median}</span></div>\n\
             <div class=\"card\"><span class=\"k\">エラー</span><span class=\"v\">{errors}</span></div>\n\
             <div class=\"card\"><span class=\"k\">警告</span><span class=\"v\">{warnings}</span></div>\n\
             </div>\n</header>\n<main>\n",
            ruleset = escape(ruleset),
            files = summary.files,
            mean = fmt(summary.mean_score()),
            median = fmt(median),
            errors = summary.errors,
            warnings = summary.warnings,
        )
    }

    fn write_coverage(&self, out: &mut dyn Write) -> io::Result<()> {
        write!(
            out,
            "<section>\n<h2>項目別の記載状況 <small>coverage</small></h2>\n\
             <p class=\"note\">各項目が該当する通知のうち、記載あり・曖昧・欠落の割合。\
             「対象外」は項目が当てはまらない通知の数です。</p>\n\
             <div class=\"legend\"><span><i class=\"stated\"></i>記載あり stated</span>\
             <span><i class=\"vague\"></i>曖昧 vague</span>\
             <span><i class=\"missing\"></i>欠落 missing</span></div>\n\
             <div class=\"coverage\" id=\"coverage-chart\">\n"
        )?;
        for c in &self.coverage.checks {
            let n = c.applicable();
            let parts = [
                ("stated", "記載あり", c.stated),
                ("vague", "曖昧", c.vague),
                ("missing", "欠落", c.missing),
            ];
            write!(
                out,
                "<div class=\"cov-row\" data-check=\"{id}\">\
                 <div class=\"cov-label\"><span class=\"t\">{title}</span> <code>{id}</code></div>\
                 <div class=\"bar\" role=\"img\" aria-label=\"{id}: 記載あり {s:.1}%, 曖昧 {v:.1}%, 欠落 {m:.1}%\">",
                id = escape(&c.id),
                title = escape(&c.title),
                s = share(c.stated, n),
                v = share(c.vague, n),
                m = share(c.missing, n),
            )?;
            for (class, label, count) in parts {
                if count == 0 {
                    continue;
                }
                let pct = share(count, n);
                write!(
                    out,
                    "<span class=\"seg {class}\" style=\"width:{pct:.3}%\" \
                     title=\"{label}: {count}件 ({pct:.1}%)\">{text}</span>",
                    text = if pct >= 9.0 {
                        format!("{pct:.0}%")
                    } else {
                        String::new()
                    },
                )?;
            }
            writeln!(
                out,
                "</div><div class=\"cov-n\">n={n}{na}</div></div>",
                na = if c.not_applicable > 0 {
                    format!("<span class=\"na\">対象外 {}</span>", c.not_applicable)
                } else {
                    String::new()
                },
            )?;
        }
        if self.coverage.checks.is_empty() {
            writeln!(out, "<p class=\"empty\">チェック結果がありません。</p>")?;
        }
        writeln!(out, "</div>\n</section>")
    }

    fn write_histogram(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut bins = [0usize; BINS];
        let mut unscored = 0;
        for r in &self.rows {
            match r.score {
                Some(s) => bins[bin_of(s)] += 1,
                None => unscored += 1,
            }
        }
        let max = bins.iter().copied().max().unwrap_or(0);
        let step = nice_step(max);
        let top = step * max.div_ceil(step).max(1);
        // Geometry of the plot inside the viewBox.
        let (w, h) = (720.0, 260.0);
        let (left, right, upper, bottom) = (44.0, 12.0, 22.0, 34.0);
        let pw = w - left - right;
        let ph = h - upper - bottom;
        let bw = pw / BINS as f64;
        let y = |count: usize| upper + ph - ph * count as f64 / top as f64;
        write!(
            out,
            "<section>\n<h2>スコア分布 <small>histogram, 10点刻み</small></h2>\n\
             <svg id=\"score-histogram\" class=\"hist\" viewBox=\"0 0 {w} {h}\" \
             role=\"img\" aria-label=\"スコア分布\">\n"
        )?;
        let mut tick = 0;
        while tick <= top {
            let ty = y(tick);
            writeln!(
                out,
                "<line class=\"grid\" x1=\"{left}\" x2=\"{x2}\" y1=\"{ty:.1}\" y2=\"{ty:.1}\"/>\
                 <text class=\"ylab\" x=\"{lx}\" y=\"{ly:.1}\">{tick}</text>",
                x2 = left + pw,
                lx = left - 6.0,
                ly = ty + 4.0,
            )?;
            tick += step;
        }
        for (i, &count) in bins.iter().enumerate() {
            let x = left + bw * i as f64;
            let lo = i * 10;
            let range = if i == BINS - 1 {
                "90–100".to_string()
            } else {
                format!("{lo}–{}", lo + 9)
            };
            let by = y(count);
            writeln!(
                out,
                "<g class=\"bin b{class}\"><rect x=\"{rx:.1}\" y=\"{by:.1}\" width=\"{rw:.1}\" \
                 height=\"{bh:.1}\"><title>{range}点: {count}件</title></rect>\
                 {label}</g>",
                class = score_class(lo as f64 + 5.0),
                rx = x + 3.0,
                rw = bw - 6.0,
                bh = upper + ph - by,
                label = if count > 0 {
                    format!(
                        "<text class=\"cnt\" x=\"{:.1}\" y=\"{:.1}\">{count}</text>",
                        x + bw / 2.0,
                        by - 5.0
                    )
                } else {
                    String::new()
                },
            )?;
        }
        for i in 0..=BINS {
            writeln!(
                out,
                "<text class=\"xlab\" x=\"{x:.1}\" y=\"{ty}\">{v}</text>",
                x = left + bw * i as f64,
                ty = upper + ph + 18.0,
                v = i * 10,
            )?;
        }
        writeln!(
            out,
            "<line class=\"axis\" x1=\"{left}\" x2=\"{x2}\" y1=\"{b}\" y2=\"{b}\"/>\n</svg>",
            x2 = left + pw,
            b = upper + ph,
        )?;
        if unscored > 0 {
            writeln!(
                out,
                "<p class=\"note\">スコアなし（該当する項目がない通知）: {unscored}件</p>"
            )?;
        }
        writeln!(out, "</section>")
    }

    fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        let total = self.rows.len();
        write!(
            out,
            "<section>\n<h2>通知一覧 <small>notices</small></h2>\n\
             <div class=\"tools\"><input type=\"search\" id=\"filter\" \
             placeholder=\"パスで絞り込み / filter by path\" aria-label=\"パスで絞り込み\">\
             <span id=\"shown\">{total} / {total} 件</span>\
             <span class=\"hint\">列見出しをクリックで並べ替え</span></div>\n\
             <table id=\"notices\">\n<thead><tr>\
             <th data-key=\"path\" class=\"path\"><button type=\"button\">ファイル</button></th>\
             <th data-key=\"score\" class=\"num\"><button type=\"button\">スコア</button></th>\
             <th data-key=\"missing\"><button type=\"button\">欠落</button></th>\
             <th data-key=\"vague\"><button type=\"button\">曖昧</button></th>\
             </tr></thead>\n<tbody>\n"
        )?;
        let ids: Vec<(Cow<'_, str>, Cow<'_, str>)> = self
            .coverage
            .checks
            .iter()
            .map(|c| (escape(&c.id), escape(&c.title)))
            .collect();
        let chips = |list: &[u16], class: &str| -> String {
            let mut s = String::new();
            for &i in list {
                if let Some((id, title)) = ids.get(i as usize) {
                    s.push_str(&format!(
                        "<span class=\"chip {class}\" title=\"{title}\">{id}</span>"
                    ));
                }
            }
            s
        };
        for r in &self.rows {
            let (score_attr, score_cell) = match r.score {
                Some(s) => (
                    format!("{s:.1}"),
                    format!(
                        "<span class=\"meter\"><i class=\"{c}\" style=\"width:{s:.1}%\"></i></span>{s:.1}",
                        c = score_class(s)
                    ),
                ),
                None => (String::new(), "–".to_string()),
            };
            writeln!(
                out,
                "<tr data-score=\"{score_attr}\" data-missing=\"{m}\" data-vague=\"{v}\">\
                 <td class=\"path\">{path}</td><td class=\"num\">{score_cell}</td>\
                 <td>{mc}</td><td>{vc}</td></tr>",
                m = r.missing.len(),
                v = r.vague.len(),
                path = escape(&r.path),
                mc = chips(&r.missing, "missing"),
                vc = chips(&r.vague, "vague"),
            )?;
        }
        writeln!(out, "</tbody>\n</table>")?;
        if total == 0 {
            writeln!(out, "<p class=\"empty\">通知がありません。</p>")?;
        }
        writeln!(
            out,
            "</section>\n</main>\n<footer>disclint {} — このページは単一のファイルで、外部への通信を行いません。</footer>",
            env!("CARGO_PKG_VERSION")
        )
    }
}

const STYLE: &str = r#"
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--card:#fff;
--stated:#2e7d32;--vague:#e3a008;--missing:#c62828;--accent:#0969da}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);line-height:1.5;
font-family:system-ui,-apple-system,"Segoe UI","Hiragino Sans","Hiragino Kaku Gothic ProN","Noto Sans CJK JP","Noto Sans JP","Yu Gothic UI",Meiryo,sans-serif;font-size:14px}
header,main,footer{max-width:1120px;margin:0 auto;padding:0 24px}
header{padding-top:24px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:17px;margin:0 0 8px}
h1 small,h2 small{font-weight:normal;color:var(--muted);font-size:13px;margin-left:6px}
.sub,.note,.hint{color:var(--muted);font-size:13px;margin:0 0 12px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;color:var(--muted)}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0 8px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:120px}
.card .k{display:block;color:var(--muted);font-size:12px}
.card .v{display:block;font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:16px 0}
.legend{display:flex;gap:16px;font-size:12px;color:var(--muted);margin-bottom:8px}
.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.legend i.stated,.seg.stated{background:var(--stated)}
.legend i.vague,.seg.vague{background:var(--vague)}
.legend i.missing,.seg.missing{background:var(--missing)}
.cov-row{display:grid;grid-template-columns:23em 1fr 9em;gap:12px;align-items:center;padding:3px 0}
.cov-label{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.cov-label .t{font-weight:600}
.bar{display:flex;height:20px;border-radius:4px;overflow:hidden;background:#eaeef2}
.seg{display:block;height:100%;color:#fff;font-size:11px;line-height:20px;text-align:center;overflow:hidden;white-space:nowrap;font-variant-numeric:tabular-nums}
.seg.vague{color:#3b2a00}
.cov-n{font-size:12px;color:var(--muted);font-variant-numeric:tabular-nums}
.cov-n .na{margin-left:8px}
.hist{width:100%;max-width:760px;height:auto;display:block}
.hist .grid{stroke:#eaeef2}
.hist .axis{stroke:#8c959f}
.hist text{font-size:12px;fill:var(--muted);font-family:inherit}
.hist .ylab{text-anchor:end}
.hist .xlab,.hist .cnt{text-anchor:middle}
.hist .cnt{fill:var(--fg);font-weight:600}
.hist .blo rect{fill:#d1453b}.hist .bmid rect{fill:#e3a008}.hist .bhi rect{fill:#2e7d32}
.tools{display:flex;gap:12px;align-items:center;margin-bottom:8px}
.tools input{font:inherit;padding:5px 8px;border:1px solid var(--line);border-radius:6px;width:22em}
#shown{color:var(--muted);font-variant-numeric:tabular-nums}
.tools .hint{margin:0 0 0 auto}
table{width:100%;border-collapse:collapse;font-size:13px}
th{position:sticky;top:0;background:#f0f3f6;text-align:left;border-bottom:1px solid var(--line);padding:0}
th button{all:unset;cursor:pointer;display:block;padding:6px 8px;font-weight:600;width:100%;box-sizing:border-box}
th button:focus-visible{outline:2px solid var(--accent)}
th[aria-sort] button::after{color:var(--accent);margin-left:4px}
th[aria-sort=ascending] button::after{content:"▲"}
th[aria-sort=descending] button::after{content:"▼"}
td{padding:4px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
tr:hover td{background:#f6f8fa}
td.path{overflow-wrap:anywhere}
th.path{width:36%}th.num{width:8.5em}
th.num,td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.meter{display:inline-block;width:48px;height:6px;background:#eaeef2;border-radius:3px;margin-right:8px;vertical-align:middle;overflow:hidden}
.meter i{display:block;height:100%}
.meter i.hi{background:var(--stated)}.meter i.mid{background:var(--vague)}.meter i.lo{background:var(--missing)}
.chip{display:inline-block;font-size:11px;padding:0 6px;margin:1px 3px 1px 0;border-radius:10px;white-space:nowrap;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.chip.missing{background:#ffebe9;color:#a40e26;border:1px solid #ffcecb}
.chip.vague{background:#fff8c5;color:#7d4e00;border:1px solid #f5e0a0}
.empty{color:var(--muted)}
footer{color:var(--muted);font-size:12px;padding-bottom:24px}
"#;

/// Sorting and filtering of the notices table. It only reorders existing rows and
/// sets text, so nothing from the notices is ever parsed as HTML.
const SCRIPT: &str = r#"
(function () {
  "use strict";
  var table = document.getElementById("notices");
  var tbody = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  var collator = new Intl.Collator("ja", { numeric: true });
  var items = Array.prototype.map.call(tbody.rows, function (tr, i) {
    var s = tr.getAttribute("data-score");
    return {
      tr: tr,
      i: i,
      path: tr.cells[0].textContent,
      lower: tr.cells[0].textContent.toLowerCase(),
      score: s === "" ? null : parseFloat(s),
      missing: parseInt(tr.getAttribute("data-missing"), 10),
      vague: parseInt(tr.getAttribute("data-vague"), 10)
    };
  });
  var current = { key: null, dir: 1 };

  function compare(key, dir) {
    return function (a, b) {
      var c;
      if (key === "path") {
        c = collator.compare(a.path, b.path);
      } else {
        var x = a[key], y = b[key];
        if (x === null || y === null) {
          if (x === y) { return a.i - b.i; }
          return x === null ? 1 : -1; // rows without a score always last
        }
        c = x - y;
      }
      return c !== 0 ? dir * c : a.i - b.i;
    };
  }

  function sortBy(key, dir) {
    items.sort(compare(key, dir));
    var frag = document.createDocumentFragment();
    for (var i = 0; i < items.length; i++) { frag.appendChild(items[i].tr); }
    tbody.appendChild(frag);
    for (var j = 0; j < heads.length; j++) {
      if (heads[j].getAttribute("data-key") === key) {
        heads[j].setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
      } else {
        heads[j].removeAttribute("aria-sort");
      }
    }
    current.key = key;
    current.dir = dir;
  }

  Array.prototype.forEach.call(heads, function (th) {
    th.addEventListener("click", function () {
      var key = th.getAttribute("data-key");
      var dir = key === current.key ? -current.dir : (key === "path" || key === "score" ? 1 : -1);
      sortBy(key, dir);
    });
  });

  var filter = document.getElementById("filter");
  var shown = document.getElementById("shown");
  filter.addEventListener("input", function () {
    var q = filter.value.trim().toLowerCase();
    var n = 0;
    for (var i = 0; i < items.length; i++) {
      var hit = q === "" || items[i].lower.indexOf(q) !== -1;
      items[i].tr.hidden = !hit;
      if (hit) { n++; }
    }
    shown.textContent = n + " / " + items.length + " 件";
  });

  // Lowest scores first (the notices that most need attention), unless the
  // address asks for another order: `report.html#sort=path`, `#sort=-score`.
  var m = /^#sort=(-?)(path|score|missing|vague)$/.exec(location.hash);
  if (m) { sortBy(m[2], m[1] === "-" ? -1 : 1); } else { sortBy("score", 1); }
  document.body.setAttribute("data-ready", "1");
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
        assert!(matches!(escape("お知らせ.md"), Cow::Borrowed(_)));
    }

    #[test]
    fn bins_are_ten_points_wide_and_100_is_in_the_last() {
        assert_eq!(bin_of(0.0), 0);
        assert_eq!(bin_of(9.9), 0);
        assert_eq!(bin_of(10.0), 1);
        assert_eq!(bin_of(89.9), 8);
        assert_eq!(bin_of(100.0), 9);
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(0), 1);
        assert_eq!(nice_step(3), 1);
        assert_eq!(nice_step(7), 2);
        assert_eq!(nice_step(19), 5);
        assert_eq!(nice_step(1989), 500);
    }
}
