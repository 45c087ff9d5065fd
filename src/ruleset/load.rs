//! Reading ruleset files: YAML into [`SerializableRuleset`], following `extends`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::embedded;
use super::error::{Problem, RulesetError, RulesetSource, did_you_mean};
use super::raw::SerializableRuleset;

/// One file of a ruleset chain, parents before children.
#[derive(Debug)]
pub struct Layer {
    pub source: Arc<RulesetSource>,
    pub raw: SerializableRuleset,
}

/// Deeper than this, `extends` is a mistake, not a design.
const MAX_EXTENDS_DEPTH: usize = 16;

/// Load an embedded ruleset by name (`ja-ppc`) or a YAML file by path.
pub fn load_named_or_path(spec: &str) -> Result<Vec<Layer>, RulesetError> {
    let mut layers = Vec::new();
    load_spec(spec, None, &mut Vec::new(), &mut layers)?;
    Ok(layers)
}

/// Load a ruleset from text already in memory (tests, `disclint test` on a file).
pub fn load_source(name: &str, text: &str) -> Result<Vec<Layer>, RulesetError> {
    let mut layers = Vec::new();
    let source = Arc::new(RulesetSource::new(name, text));
    load_layer(source, None, &mut vec![name.to_string()], &mut layers)?;
    Ok(layers)
}

fn load_spec(
    spec: &str,
    from: Option<(&Arc<RulesetSource>, std::ops::Range<usize>, Option<&Path>)>,
    stack: &mut Vec<String>,
    out: &mut Vec<Layer>,
) -> Result<(), RulesetError> {
    let locate = |code, msg: String| match &from {
        Some((src, span, _)) => Problem::new(Some((*src).clone()), span.clone(), code, msg),
        None => Problem::new(None, 0..0, code, msg),
    };
    let (key, name, text, dir) = if let Some(text) = embedded::get(spec) {
        (
            format!("embedded:{spec}"),
            format!("<embedded>/{spec}.yaml"),
            text.to_string(),
            None,
        )
    } else {
        let base = from.as_ref().and_then(|(_, _, dir)| *dir);
        let path = match base {
            Some(dir) if Path::new(spec).is_relative() => dir.join(spec),
            _ => PathBuf::from(spec),
        };
        let looks_like_path =
            spec.contains('/') || spec.ends_with(".yaml") || spec.ends_with(".yml");
        let text = match read_ruleset_file(&path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|e| {
                locate(
                    "ruleset/encoding",
                    format!(
                        "ruleset file `{}` is not valid UTF-8 (byte {})",
                        path.display(),
                        e.utf8_error().valid_up_to()
                    ),
                )
            })?,
            Err(e) => {
                let mut p = if looks_like_path {
                    locate(
                        "ruleset/not-found",
                        format!("cannot read ruleset file `{}`: {e}", path.display()),
                    )
                } else {
                    locate("ruleset/not-found", format!("no ruleset named `{spec}`"))
                        .with_help(did_you_mean(spec, embedded::names()))
                };
                if p.help.is_none() {
                    p = p.help(format!(
                        "embedded rulesets: {}; or give the path of a YAML file",
                        embedded::names().collect::<Vec<_>>().join(", ")
                    ));
                }
                return Err(p.into());
            }
        };
        let key = path
            .canonicalize()
            .unwrap_or_else(|_| path.clone())
            .display()
            .to_string();
        let dir = path.parent().map(Path::to_path_buf);
        (key, path.display().to_string(), text, dir)
    };
    if let Some(pos) = stack.iter().position(|k| *k == key) {
        let cycle: Vec<&str> = stack[pos..].iter().map(String::as_str).collect();
        return Err(locate(
            "ruleset/extends-cycle",
            format!("`extends` forms a cycle: {} → {key}", cycle.join(" → ")),
        )
        .label("extends a ruleset that extends this one")
        .into());
    }
    if stack.len() >= MAX_EXTENDS_DEPTH {
        return Err(locate(
            "ruleset/extends-depth",
            format!("`extends` chain deeper than {MAX_EXTENDS_DEPTH} rulesets"),
        )
        .into());
    }
    stack.push(key);
    let source = Arc::new(RulesetSource::new(name, text));
    load_layer(source, dir.as_deref(), stack, out)?;
    stack.pop();
    Ok(())
}

/// Larger than this, a "ruleset" is not one.
const MAX_RULESET_SIZE: u64 = 4 * 1024 * 1024;

/// Reads a ruleset file; devices, FIFOs and directories (`extends: /dev/zero`
/// would otherwise exhaust memory, a FIFO would block) and oversized files are
/// refused with an I/O error.
fn read_ruleset_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, Read};
    // Checked before opening: opening a FIFO blocks until it has a writer.
    if !std::fs::metadata(path)?.is_file() {
        return Err(Error::other("not a regular file"));
    }
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_RULESET_SIZE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_RULESET_SIZE {
        return Err(Error::other(format!(
            "larger than {MAX_RULESET_SIZE} bytes"
        )));
    }
    Ok(bytes)
}

fn load_layer(
    source: Arc<RulesetSource>,
    dir: Option<&Path>,
    stack: &mut Vec<String>,
    out: &mut Vec<Layer>,
) -> Result<(), RulesetError> {
    let raw: SerializableRuleset = parse_yaml(&source)?;
    for parent in &raw.extends {
        let span = super::compile::value_span(&source.text, parent);
        load_spec(&parent.value, Some((&source, span, dir)), stack, out)?;
    }
    out.push(Layer { source, raw });
    Ok(())
}

fn parse_yaml(source: &Arc<RulesetSource>) -> Result<SerializableRuleset, RulesetError> {
    if source.text.trim().is_empty() {
        return Err(Problem::new(
            Some(source.clone()),
            0..0,
            "ruleset/empty",
            "the ruleset file is empty",
        )
        .help("a ruleset needs at least `ruleset: NAME` and a `checklist:`")
        .into());
    }
    serde_saphyr::from_str(&source.text).map_err(|e| yaml_problem(source, &e).into())
}

/// A serde-saphyr error as a located problem. Its own rendering embeds a snippet;
/// we keep just the message and point the label at the byte offset it reports.
fn yaml_problem(source: &Arc<RulesetSource>, e: &serde_saphyr::Error) -> Problem {
    let offset = e
        .location()
        .and_then(|l| {
            l.span().byte_offset().map(|b| b as usize).or_else(|| {
                line_col_to_offset(&source.text, l.line() as usize, l.column() as usize)
            })
        })
        .unwrap_or(0);
    let full = e.to_string();
    // The message is the first line, minus a trailing "at line X column Y".
    let first = full.lines().next().unwrap_or("invalid YAML").trim();
    let message = match first.find(" at line ") {
        Some(i) => &first[..i],
        None => first,
    };
    // Its messages may start with "error: line X column Y: "; the label says where.
    let message = message.strip_prefix("error: ").unwrap_or(message);
    let message = match message
        .strip_prefix("line ")
        .and_then(|m| m.split_once(": "))
    {
        Some((pos, rest)) if pos.contains("column") => rest,
        _ => message,
    };
    let (code, help) = classify_yaml_error(message);
    let end = source.text[offset.min(source.text.len())..]
        .find(['\n', ':'])
        .map_or(source.text.len(), |n| offset + n.max(1));
    Problem::new(Some(source.clone()), offset..end, code, message.to_string()).with_help(help)
}

fn classify_yaml_error(message: &str) -> (&'static str, Option<String>) {
    let known = "ruleset, title, lang, extends, exclude_sections, vocab, extend_vocab, concepts, vague, checklist, checks";
    if message.contains("unknown field") {
        let help = if message.contains("why") && message.contains("examples") {
            "keys of a check: title, why, help, message, pending, section, weight, examples"
                .to_string()
        } else {
            format!("top-level keys: {known}")
        };
        ("ruleset/unknown-key", Some(help))
    } else if message.contains("invalid type") {
        ("ruleset/type", None)
    } else if let Some(help) = wrong_shape_help(message) {
        ("ruleset/type", Some(help.to_string()))
    } else if message.contains("missing field") {
        ("ruleset/missing-key", None)
    } else if message.contains("depth")
        || message.contains("budget")
        || message.contains("recursion limit")
    {
        (
            "ruleset/too-deep",
            Some("rulesets are shallow: vocabularies are lists, concepts are strings".into()),
        )
    } else {
        ("ruleset/yaml", None)
    }
}

/// serde-saphyr reports a value of the wrong type ("vocab: 警察" where a list
/// belongs) as "expected sequence start" and the like: a type error, not bad YAML.
fn wrong_shape_help(message: &str) -> Option<&'static str> {
    Some(match message {
        "expected sequence start" => "a list is expected here, e.g. `[警察, 警視庁]`",
        "expected mapping start" => "a mapping (`key: value` lines) is expected here",
        "expected string scalar" => "a string is expected here",
        m if m.starts_with("invalid floating point") || m.starts_with("invalid integer") => {
            "a number is expected here"
        }
        m if m.starts_with("invalid boolean") => "`true` or `false` is expected here",
        _ => return None,
    })
}

fn line_col_to_offset(text: &str, line: usize, col: usize) -> Option<usize> {
    let start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let line_text = text.get(start..)?.lines().next().unwrap_or("");
    let within: usize = line_text
        .chars()
        .take(col.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    Some(start + within)
}
