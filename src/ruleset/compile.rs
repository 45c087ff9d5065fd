//! The compile step: merge the layers of a ruleset chain, parse every DSL text,
//! resolve names, and reject what cannot work (unknown names, duplicate ids, unused
//! concepts, rules that can never match) with errors located in the YAML files.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use indexmap::IndexMap;
use serde_saphyr::Spanned;

use super::dsl::{self, Arg, Expr, FilterOp, Name, Statement};
use super::error::{Problem, RulesetError, RulesetSource, did_you_mean};
use super::load::Layer;
use super::raw::{SerializableCheck, Text};
use super::{
    Atom, Check, CheckDocs, Cond, CountFilter, DateFilter, DateRangeFilter, Examples, Level,
    Pending, Polarity, Qualifier, Ruleset, Scope, TermSet, Titles, UnitFilter,
};
use crate::document::normalize::normalize;

/// Fact kinds usable as bare names (`date`) or with filters (`count(unit in [件])`).
const FACT_KINDS: &[&str] = &["date", "date_range", "count", "phone", "email", "url"];
const FUNCTIONS: &[&str] = &[
    "sentence",
    "paragraph",
    "section",
    "heading",
    "negated",
    "affirmed",
    "mentioned",
    "phrase",
    "date",
    "date_range",
    "count",
    "phone",
    "email",
    "url",
];

/// Byte span of a scalar's value in its YAML file (its first line for block scalars).
pub fn value_span(yaml: &str, text: &Text) -> Range<usize> {
    let map = ScalarMap::new(yaml, text);
    let first_line_len = text.value.lines().next().map_or(0, str::len);
    let start = map.to_yaml(0);
    start..(start + first_line_len).min(yaml.len())
}

/// Maps byte offsets inside a scalar's value to byte offsets in the YAML file.
///
/// The deserializer gives where a scalar starts; a `|` block or a plain multi-line
/// scalar then lays its lines out with indentation. Each value line is found, in
/// order, in the YAML text after the start, so offsets land on the very character.
/// When a line cannot be found (escapes in a quoted scalar), the scalar start is used.
struct ScalarMap {
    /// (offset of the line in the value, offset of that line in the YAML)
    lines: Vec<(usize, usize)>,
    fallback: usize,
}

impl ScalarMap {
    fn new(yaml: &str, text: &Text) -> Self {
        let start = text
            .referenced
            .span()
            .byte_offset()
            .map_or(0, |b| b as usize)
            .min(yaml.len());
        let mut lines = Vec::new();
        let mut cursor = start;
        let mut value_off = 0;
        for line in text.value.split('\n') {
            let trimmed = line.trim_start();
            let lead = line.len() - trimmed.len();
            if !trimmed.is_empty() {
                if let Some(found) = yaml.get(cursor..).and_then(|rest| rest.find(trimmed)) {
                    let at = cursor + found;
                    lines.push((value_off + lead, at));
                    cursor = at + trimmed.len();
                } else {
                    break;
                }
            }
            value_off += line.len() + 1;
        }
        ScalarMap {
            lines,
            fallback: start,
        }
    }

    fn to_yaml(&self, value_off: usize) -> usize {
        match self.lines.partition_point(|(v, _)| *v <= value_off) {
            0 => self.lines.first().map_or(self.fallback, |(_, y)| *y),
            i => {
                let (v, y) = self.lines[i - 1];
                y + (value_off - v)
            }
        }
    }

    fn span(&self, r: &Range<usize>) -> Range<usize> {
        let s = self.to_yaml(r.start);
        let e = self.to_yaml(r.end.max(r.start));
        s..e.max(s)
    }
}

/// `ruleset/too-deep` for absurd nesting, `ruleset/syntax` for anything else.
fn syntax_code(err: &dsl::SyntaxError) -> &'static str {
    if err.message == dsl::TOO_DEEP {
        "ruleset/too-deep"
    } else {
        "ruleset/syntax"
    }
}

/// Deepest chain of concepts referring to concepts. Compiling (and later
/// evaluating) recurses through the chain, so it must stay shallow.
const MAX_CONCEPT_DEPTH: usize = 32;

/// Largest compiled condition (in nodes) a concept may expand to.
const MAX_COND_SIZE: usize = 100_000;

/// Concepts larger than this (in nodes) go to [`Ruleset::concepts`] and are
/// referred to by number; smaller ones are inlined where used. Most concepts are a
/// vocabulary or two: as references they would cost the evaluator a lookup and
/// lose its fast paths for atom operands, while the large ones, used in many
/// places, made up most of the stored ruleset.
const MAX_INLINE_SIZE: usize = 8;

/// Number of nodes of a condition, counted without recursion, a reference to a
/// concept counting `ref_size` of its number.
fn cond_size(c: &Cond, ref_size: impl Fn(u32) -> usize) -> usize {
    let mut stack = vec![c];
    let mut n: usize = 0;
    while let Some(c) = stack.pop() {
        n = n.saturating_add(1);
        match c {
            Cond::Concept(i) => n = n.saturating_add(ref_size(*i) - 1),
            Cond::And(xs) | Cond::Or(xs) => stack.extend(xs),
            Cond::Not(x) | Cond::Within(_, x, _) | Cond::Polarity(_, x) => stack.push(x),
            Cond::Near(a, b, _, _) | Cond::Except(a, b) => stack.extend([&**a, &**b]),
            Cond::Atom(_) | Cond::Heading(_) => {}
        }
    }
    n
}

/// `inner` within the units of `scope`, with its unit filter (`table`: the
/// concepts compiled so far, which `inner` may refer to).
fn within(scope: Scope, inner: Box<Cond>, table: &[Cond]) -> Cond {
    let filter = UnitFilter::of(&inner, table);
    Cond::Within(scope, inner, filter)
}

/// Where a DSL text lives, to turn its spans into YAML spans.
struct DslOrigin {
    source: Arc<RulesetSource>,
    map: ScalarMap,
}

impl DslOrigin {
    fn new(source: &Arc<RulesetSource>, text: &Text) -> Self {
        DslOrigin {
            source: source.clone(),
            map: ScalarMap::new(&source.text, text),
        }
    }

    fn problem(&self, span: &Range<usize>, code: &'static str, msg: impl Into<String>) -> Problem {
        Problem::new(Some(self.source.clone()), self.map.span(span), code, msg)
    }
}

/// A vocabulary as merged over the layers: defining layer, terms, the YAML node.
type VocabEntry<'a> = (usize, Vec<&'a Text>, &'a Spanned<Vec<Text>>);

/// A named DSL text of some layer (a concept or a vague entry).
struct Definition<'a> {
    layer: usize,
    text: &'a Text,
    parsed: Option<Expr>,
}

struct Compiler<'a> {
    layers: &'a [Layer],
    root: usize,
    vocab: IndexMap<String, VocabEntry<'a>>,
    concepts: IndexMap<String, Definition<'a>>,
    vague: IndexMap<String, Definition<'a>>,
    origins: HashMap<*const Text, DslOrigin>,
    term_sets: Vec<TermSet>,
    term_index: HashMap<String, usize>,
    atoms: Vec<Atom>,
    atom_index: HashMap<String, usize>,
    compiled_concepts: HashMap<String, Option<Cond>>,
    /// [`Ruleset::concepts`] so far, and the expanded size of each (in nodes).
    concept_table: Vec<Cond>,
    concept_sizes: Vec<usize>,
    expanding: Vec<String>,
    used_names: HashSet<String>,
    /// Heading-word lists of `section(…)`/`heading(…)`, numbered (see [`Titles`]).
    title_sets: HashMap<Vec<String>, usize>,
    problems: Vec<Problem>,
}

pub fn compile(layers: Vec<Layer>) -> Result<Ruleset, RulesetError> {
    let root = layers.len() - 1;
    let mut c = Compiler {
        layers: &layers,
        root,
        vocab: IndexMap::new(),
        concepts: IndexMap::new(),
        vague: IndexMap::new(),
        origins: HashMap::new(),
        term_sets: Vec::new(),
        term_index: HashMap::new(),
        atoms: Vec::new(),
        atom_index: HashMap::new(),
        compiled_concepts: HashMap::new(),
        concept_table: Vec::new(),
        concept_sizes: Vec::new(),
        expanding: Vec::new(),
        used_names: HashSet::new(),
        title_sets: HashMap::new(),
        problems: Vec::new(),
    };
    c.merge_definitions();
    let mut checks = c.compile_checklist();
    number_gates(&mut checks, &c.concept_table);
    // A syntax error hides what its expression uses; "unused" would then be noise.
    if !c.problems.iter().any(|p| p.code == "ruleset/syntax") {
        c.report_unused();
    }
    if !c.problems.is_empty() {
        return Err(RulesetError {
            problems: c.problems,
        });
    }
    let last = &layers[root].raw;
    let pick = |f: fn(&Layer) -> Option<&String>| layers.iter().rev().find_map(f).cloned();
    let mut exclude_sections: Vec<String> = Vec::new();
    for layer in &layers {
        for s in &layer.raw.exclude_sections {
            if !exclude_sections.contains(&s.value) {
                exclude_sections.push(s.value.clone());
            }
        }
    }
    Ok(Ruleset {
        name: last.ruleset.value.clone(),
        title: pick(|l| l.raw.title.as_ref()).unwrap_or_else(|| last.ruleset.value.clone()),
        lang: pick(|l| l.raw.lang.as_ref()).unwrap_or_else(|| "ja".to_string()),
        exclude_sections,
        term_sets: c.term_sets,
        atoms: c.atoms,
        concepts: c.concept_table,
        checks,
    })
}

/// Give equal gating conditions (`when` of checks and of pending messages) one
/// number, so that evaluation computes each once per notice without comparing trees.
/// Equal means equal once concept references are expanded, as when concepts were
/// inlined.
fn number_gates(checks: &mut [Check], table: &[Cond]) {
    let mut gates: Vec<Cond> = Vec::new();
    let mut number = |c: &Cond| match gates.iter().position(|g| Cond::same(g, c, table)) {
        Some(i) => i,
        None => {
            gates.push(c.clone());
            gates.len() - 1
        }
    };
    for check in checks {
        check.when_gate = check.when.as_ref().map(&mut number);
        if let Some(p) = &mut check.pending {
            p.gate = number(&p.when);
        }
    }
}

impl<'a> Compiler<'a> {
    fn source(&self, layer: usize) -> &'a Arc<RulesetSource> {
        &self.layers[layer].source
    }

    fn origin(&mut self, layer: usize, text: &'a Text) -> &DslOrigin {
        let source = self.source(layer);
        self.origins
            .entry(text as *const Text)
            .or_insert_with(|| DslOrigin::new(source, text))
    }

    fn text_problem(&self, layer: usize, text: &Text, code: &'static str, msg: String) -> Problem {
        let src = self.source(layer);
        Problem::new(Some(src.clone()), value_span(&src.text, text), code, msg)
    }

    /// The span of a mapping key `name:` that precedes `value_at` in the file.
    fn key_span(&self, layer: usize, name: &str, value_at: usize) -> Range<usize> {
        let text = &self.source(layer).text;
        let before = &text[..value_at.min(text.len())];
        match before.rfind(name) {
            Some(i) => i..i + name.len(),
            None => value_at..value_at,
        }
    }

    fn merge_definitions(&mut self) {
        let layers = self.layers;
        for (i, layer) in layers.iter().enumerate() {
            for (name, terms) in &layer.raw.vocab {
                self.check_definable(i, name, terms.referenced.span().byte_offset());
                self.vocab
                    .insert(name.clone(), (i, terms.value.iter().collect(), terms));
            }
            for (name, terms) in &layer.raw.extend_vocab {
                match self.vocab.get_mut(name) {
                    Some(entry) => entry.1.extend(terms.value.iter()),
                    None => {
                        let at = terms.referenced.span().byte_offset().unwrap_or(0) as usize;
                        let span = self.key_span(i, name, at);
                        let help = did_you_mean(name, self.vocab.keys().map(String::as_str));
                        self.problems.push(
                            Problem::new(
                                Some(self.source(i).clone()),
                                span,
                                "ruleset/unknown-name",
                                format!("`extend_vocab` names `{name}`, which no extended ruleset defines"),
                            )
                            .with_help(help),
                        );
                    }
                }
            }
            for (name, text) in &layer.raw.concepts {
                self.check_definable(i, name, text.referenced.span().byte_offset());
                let parsed = self.parse(i, text);
                self.concepts.insert(
                    name.clone(),
                    Definition {
                        layer: i,
                        text,
                        parsed,
                    },
                );
            }
            for (name, text) in &layer.raw.vague {
                let parsed = self.parse(i, text);
                self.vague.insert(
                    name.clone(),
                    Definition {
                        layer: i,
                        text,
                        parsed,
                    },
                );
            }
        }
        // A name must mean one thing: a vocabulary or a concept, not both.
        let clashes: Vec<(String, usize, u64)> = self
            .concepts
            .iter()
            .filter(|(name, _)| self.vocab.contains_key(*name))
            .map(|(name, d)| {
                let at = d.text.referenced.span().byte_offset().unwrap_or(0);
                (name.clone(), d.layer, at)
            })
            .collect();
        for (name, layer, at) in clashes {
            let span = self.key_span(layer, &name, at as usize);
            self.problems.push(
                Problem::new(
                    Some(self.source(layer).clone()),
                    span,
                    "ruleset/duplicate-name",
                    format!("`{name}` is defined both as a vocabulary and as a concept"),
                )
                .help("rename one of them: a name in an expression must mean one thing"),
            );
        }
    }

    /// Vocabulary and concept names may not shadow fact kinds and functions.
    fn check_definable(&mut self, layer: usize, name: &str, at: Option<u64>) {
        if FUNCTIONS.contains(&name) {
            let span = self.key_span(layer, name, at.unwrap_or(0) as usize);
            self.problems.push(
                Problem::new(
                    Some(self.source(layer).clone()),
                    span,
                    "ruleset/reserved-name",
                    format!("`{name}` is a built-in fact kind or function and cannot be redefined"),
                )
                .help("choose another name"),
            );
        }
        if !dsl::is_name(name) {
            let span = self.key_span(layer, name, at.unwrap_or(0) as usize);
            self.problems.push(
                Problem::new(
                    Some(self.source(layer).clone()),
                    span,
                    "ruleset/bad-name",
                    format!("`{name}` cannot be used as a name in expressions"),
                )
                .help("names start with a letter or `_` and contain letters, digits, `_` and `-`; `and`, `or`, `not`… are keywords"),
            );
        }
    }

    /// A DSL syntax error as a problem on the faulty character of the YAML file.
    fn syntax_problem(&mut self, layer: usize, text: &'a Text, err: &dsl::SyntaxError, what: &str) {
        let p = self
            .origin(layer, text)
            .problem(
                &err.span,
                syntax_code(err),
                format!("{what}: {}", err.message),
            )
            .label(format!("expected {}", err.expected))
            .help(format!("expected {} here", err.expected));
        self.problems.push(p);
    }

    fn parse(&mut self, layer: usize, text: &'a Text) -> Option<Expr> {
        match dsl::parse_expr(&text.value) {
            Ok(e) => Some(e),
            Err(err) => {
                self.syntax_problem(layer, text, &err, "syntax error");
                None
            }
        }
    }

    // ------------------------------------------------------------ checklist

    fn compile_checklist(&mut self) -> Vec<Check> {
        let layers = self.layers;
        let Some((layer, text)) = layers
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, l)| l.raw.checklist.as_ref().map(|t| (i, t)))
        else {
            let src = self.source(self.root).clone();
            self.problems.push(
                Problem::new(
                    Some(src),
                    0..0,
                    "ruleset/missing-key",
                    "the ruleset has no `checklist:`",
                )
                .help("add `checklist: |` with statements such as `must state period`"),
            );
            return Vec::new();
        };
        let statements = match dsl::parse_checklist(&text.value) {
            Ok(s) => s,
            Err(err) => {
                self.syntax_problem(layer, text, &err, "syntax error in checklist");
                return Vec::new();
            }
        };
        if statements.is_empty() {
            self.problems.push(self.text_problem(
                layer,
                text,
                "ruleset/empty-checklist",
                "the checklist has no statements".to_string(),
            ));
        }
        let mut checks: Vec<Check> = Vec::new();
        let mut seen_state: HashSet<String> = HashSet::new();
        let mut seen_avoid: HashSet<String> = HashSet::new();
        for st in &statements {
            let id = st.concept().text.clone();
            match st {
                Statement::State {
                    modality,
                    concept,
                    when,
                    ..
                } => {
                    if !seen_state.insert(id.clone()) {
                        let p = self
                            .origin(layer, text)
                            .problem(
                                &concept.span,
                                "ruleset/duplicate-id",
                                format!("check `{id}` is stated twice"),
                            )
                            .label("second statement of this check")
                            .help("each check id may have one `must|should|may state` statement");
                        self.problems.push(p);
                        continue;
                    }
                    let stated = self.resolve_concept(concept, layer, text);
                    let vague = self.vague_of(&id);
                    let when = when
                        .as_ref()
                        .and_then(|w| self.compile_expr(w, layer, text));
                    let check = Check {
                        id: id.clone(),
                        modality: Some(*modality),
                        level: modality.level(),
                        weight: modality.default_weight(),
                        when,
                        when_gate: None,
                        stated,
                        vague,
                        avoid_vague: false,
                        pending: None,
                        docs: CheckDocs::default(),
                    };
                    match checks.iter_mut().find(|c| c.id == id) {
                        // `avoid vague X` came first: keep its flag.
                        Some(existing) => {
                            *existing = Check {
                                avoid_vague: true,
                                ..check
                            }
                        }
                        None => checks.push(check),
                    }
                }
                Statement::AvoidVague { concept, .. } => {
                    if !seen_avoid.insert(id.clone()) {
                        let p = self
                            .origin(layer, text)
                            .problem(
                                &concept.span,
                                "ruleset/duplicate-id",
                                format!("`avoid vague {id}` appears twice"),
                            )
                            .label("second statement");
                        self.problems.push(p);
                        continue;
                    }
                    if !self.vague.contains_key(&id) {
                        let help = did_you_mean(&id, self.vague.keys().map(String::as_str))
                            .unwrap_or_else(|| format!("add `vague:` → `{id}: <expression>` saying what a vague {id} looks like"));
                        let p = self
                            .origin(layer, text)
                            .problem(&concept.span, "ruleset/unknown-name", format!("`avoid vague {id}`: there is no `vague` definition named `{id}`"))
                            .label("no vague definition")
                            .help(help);
                        self.problems.push(p);
                        continue;
                    }
                    match checks.iter_mut().find(|c| c.id == id) {
                        Some(existing) => existing.avoid_vague = true,
                        None => {
                            let vague = self.vague_of(&id);
                            checks.push(Check {
                                id: id.clone(),
                                modality: None,
                                level: Level::Warning,
                                weight: 1.0,
                                when: None,
                                when_gate: None,
                                stated: None,
                                vague,
                                avoid_vague: true,
                                pending: None,
                                docs: CheckDocs::default(),
                            });
                        }
                    }
                }
            }
        }
        self.attach_docs(&mut checks);
        checks
    }

    fn vague_of(&mut self, id: &str) -> Option<Cond> {
        let def = self.vague.get(id)?;
        let (layer, text, parsed) = (def.layer, def.text, def.parsed.clone()?);
        self.used_names.insert(format!("vague:{id}"));
        self.compile_expr(&parsed, layer, text)
    }

    fn resolve_concept(&mut self, name: &Name, layer: usize, text: &'a Text) -> Option<Cond> {
        if self.concepts.contains_key(&name.text) {
            return self.concept_cond(&name.text);
        }
        let help = did_you_mean(&name.text, self.concepts.keys().map(String::as_str))
            .unwrap_or_else(|| {
                format!(
                    "define it under `concepts:` as `{}: <expression>`",
                    name.text
                )
            });
        let p = self
            .origin(layer, text)
            .problem(
                &name.span,
                "ruleset/unknown-name",
                format!("unknown concept `{}`", name.text),
            )
            .label("not defined under `concepts:`")
            .help(help);
        self.problems.push(p);
        None
    }

    fn attach_docs(&mut self, checks: &mut [Check]) {
        let layers = self.layers;
        let mut docs: IndexMap<&str, Vec<(usize, &'a SerializableCheck)>> = IndexMap::new();
        for (i, layer) in layers.iter().enumerate() {
            for (id, doc) in &layer.raw.checks {
                docs.entry(id.as_str()).or_default().push((i, doc));
            }
        }
        for (id, versions) in &docs {
            let Some(check) = checks.iter_mut().find(|c| c.id == *id) else {
                let (layer, _) = versions[versions.len() - 1];
                if layer == self.root {
                    let span =
                        self.key_span(layer, &format!("{id}:"), self.source(layer).text.len());
                    let help = did_you_mean(id, checks.iter().map(|c| c.id.as_str()))
                        .unwrap_or_else(|| "remove it, or add a statement to the checklist".into());
                    self.problems.push(
                        Problem::new(
                            Some(self.source(layer).clone()),
                            span,
                            "ruleset/unused-check-doc",
                            format!("`checks.{id}` documents a check that no statement makes"),
                        )
                        .help(help),
                    );
                }
                continue;
            };
            let mut d = CheckDocs::default();
            let mut weight = None;
            let mut pending = None;
            for (layer, v) in versions {
                if v.title.is_some() {
                    d.title = v.title.clone().unwrap_or_default();
                }
                d.why = v.why.clone().or(d.why);
                d.help = v.help.clone().or(d.help);
                d.missing = v.message.missing.clone().or(d.missing);
                d.vague = v.message.vague.clone().or(d.vague);
                if !v.section.is_empty() {
                    d.section = v.section.iter().map(|s| normalize(s).0).collect();
                }
                let ex = &v.examples;
                if !(ex.pass.is_empty()
                    && ex.vague.is_empty()
                    && ex.fail.is_empty()
                    && ex.na.is_empty())
                {
                    let strings = |xs: &Vec<Text>| xs.iter().map(|t| t.value.clone()).collect();
                    d.examples = Examples {
                        pass: strings(&ex.pass),
                        vague: strings(&ex.vague),
                        fail: strings(&ex.fail),
                        na: strings(&ex.na),
                    };
                }
                if let Some(w) = &v.weight {
                    if !(w.value.is_finite() && w.value >= 0.0) {
                        let src = self.source(*layer);
                        let at = w.referenced.span().byte_offset().unwrap_or(0) as usize;
                        self.problems.push(
                            Problem::new(
                                Some(src.clone()),
                                at..at + 1,
                                "ruleset/bad-weight",
                                format!("weight of `{id}` must be a number ≥ 0"),
                            )
                            .label("not a usable weight"),
                        );
                    }
                    weight = Some(w.value);
                }
                if let Some(p) = &v.pending {
                    pending = Some((*layer, p));
                }
            }
            if d.title.is_empty() {
                d.title = id.to_string();
            }
            if let Some(w) = weight {
                check.weight = w;
            }
            if let Some((layer, p)) = pending
                && let Some(expr) = self.parse(layer, &p.when)
                && let Some(cond) = self.compile_expr(&expr, layer, &p.when)
            {
                check.pending = Some(Pending {
                    when: cond,
                    gate: 0,
                    message: p.message.clone(),
                });
            }
            check.docs = d;
        }
        for check in checks.iter_mut() {
            if check.docs.title.is_empty() {
                check.docs.title = check.id.clone();
            }
        }
    }

    fn report_unused(&mut self) {
        // Past a too-deep chain, names are unused only because compiling stopped.
        if self.problems.iter().any(|p| p.code == "ruleset/too-deep") {
            return;
        }
        let root = self.root;
        let mut unused = Vec::new();
        for (name, def) in &self.concepts {
            if def.layer == root && !self.used_names.contains(name) {
                let at = def.text.referenced.span().byte_offset().unwrap_or(0) as usize;
                unused.push((name.clone(), "concept", self.key_span(root, name, at)));
            }
        }
        for (name, def) in &self.vague {
            if def.layer == root && !self.used_names.contains(&format!("vague:{name}")) {
                let at = def.text.referenced.span().byte_offset().unwrap_or(0) as usize;
                unused.push((
                    name.clone(),
                    "vague definition",
                    self.key_span(root, name, at),
                ));
            }
        }
        for (name, (layer, _, terms)) in &self.vocab {
            if *layer == root && !self.used_names.contains(name) {
                let at = terms.referenced.span().byte_offset().unwrap_or(0) as usize;
                unused.push((name.clone(), "vocabulary", self.key_span(root, name, at)));
            }
        }
        for (name, what, span) in unused {
            let help = match what {
                "vague definition" => format!(
                    "add `avoid vague {name}` or `must state {name}` to the checklist, or remove it"
                ),
                _ => {
                    "use it in the checklist or in a concept that the checklist uses, or remove it"
                        .to_string()
                }
            };
            self.problems.push(
                Problem::new(
                    Some(self.source(root).clone()),
                    span,
                    "ruleset/unused",
                    format!("{what} `{name}` is never used by the checklist"),
                )
                .label("defined here")
                .help(help),
            );
        }
    }

    // ------------------------------------------------------------ expressions

    fn concept_cond(&mut self, name: &str) -> Option<Cond> {
        self.used_names.insert(name.to_string());
        if let Some(c) = self.compiled_concepts.get(name) {
            return c.clone();
        }
        let def = self.concepts.get(name)?;
        let (layer, text, parsed) = (def.layer, def.text, def.parsed.clone());
        self.expanding.push(name.to_string());
        let mut cond = parsed.and_then(|e| self.compile_expr(&e, layer, text));
        self.expanding.pop();
        // Evaluation walks a concept's tree wherever it is used, so concepts that
        // each use the previous one twice grow exponentially: refuse, don't hang.
        let sizes = &self.concept_sizes;
        let expanded = cond.as_ref().map(|c| cond_size(c, |i| sizes[i as usize]));
        if expanded.is_some_and(|n| n > MAX_COND_SIZE) {
            let p = self
                .text_problem(
                    layer,
                    text,
                    "ruleset/too-deep",
                    format!("concept `{name}` expands to more than {MAX_COND_SIZE} conditions"),
                )
                .help("concepts are inlined where they are used; flatten the definitions");
            self.problems.push(p);
            cond = None;
        }
        if let (Some(c), Some(expanded)) = (&mut cond, expanded)
            && cond_size(c, |_| 1) > MAX_INLINE_SIZE
        {
            let id = u32::try_from(self.concept_table.len()).expect("fewer than 2^32 concepts");
            self.concept_table
                .push(std::mem::replace(c, Cond::Concept(id)));
            self.concept_sizes.push(expanded);
        }
        self.compiled_concepts
            .insert(name.to_string(), cond.clone());
        cond
    }

    fn compile_expr(&mut self, e: &Expr, layer: usize, text: &'a Text) -> Option<Cond> {
        match e {
            Expr::And(xs) => {
                let parts: Vec<Option<Cond>> = xs
                    .iter()
                    .map(|x| self.compile_expr(x, layer, text))
                    .collect();
                let parts: Vec<Cond> = parts.into_iter().collect::<Option<_>>()?;
                // `x and not x` can never hold.
                for p in &parts {
                    if parts
                        .iter()
                        .any(|q| matches!(q, Cond::Not(inner) if Cond::same(inner, p, &self.concept_table)))
                    {
                        let problem = self
                            .origin(layer, text)
                            .problem(&e.span(), "ruleset/never-matches", "this condition can never hold: it requires something and its absence")
                            .label("contradictory");
                        self.problems.push(problem);
                        return None;
                    }
                }
                Some(Cond::And(parts))
            }
            Expr::Or(xs) => {
                let parts: Vec<Option<Cond>> = xs
                    .iter()
                    .map(|x| self.compile_expr(x, layer, text))
                    .collect();
                Some(Cond::Or(parts.into_iter().collect::<Option<_>>()?))
            }
            Expr::Not(x, _) => Some(Cond::Not(Box::new(self.compile_expr(x, layer, text)?))),
            Expr::Near {
                left,
                right,
                within,
                ordered,
                ..
            } => {
                let l = self.compile_expr(left, layer, text);
                let r = self.compile_expr(right, layer, text);
                Some(Cond::Near(Box::new(l?), Box::new(r?), *within, *ordered))
            }
            Expr::Except { left, right, .. } => {
                let l = self.compile_expr(left, layer, text);
                let r = self.compile_expr(right, layer, text);
                Some(Cond::Except(Box::new(l?), Box::new(r?)))
            }
            Expr::Name(n) => self.compile_name(n, layer, text),
            Expr::Call { func, args, span } => self.compile_call(func, args, span, layer, text),
        }
    }

    fn compile_name(&mut self, n: &Name, layer: usize, text: &'a Text) -> Option<Cond> {
        let name = n.text.as_str();
        if FACT_KINDS.contains(&name) {
            return self.compile_call(n, &[], &n.span, layer, text);
        }
        if self.vocab.contains_key(name) {
            self.used_names.insert(name.to_string());
            return self.vocab_atom(name, layer, text, &n.span);
        }
        if self.concepts.contains_key(name) {
            if self.expanding.iter().any(|x| x == name) {
                let chain = self.expanding.join(" → ");
                let p = self
                    .origin(layer, text)
                    .problem(
                        &n.span,
                        "ruleset/cycle",
                        format!("concept `{name}` refers to itself: {chain} → {name}"),
                    )
                    .label("cyclic reference");
                self.problems.push(p);
                return None;
            }
            if self.expanding.len() >= MAX_CONCEPT_DEPTH
                && !self.compiled_concepts.contains_key(name)
            {
                let p = self
                    .origin(layer, text)
                    .problem(
                        &n.span,
                        "ruleset/too-deep",
                        format!(
                            "concepts refer to concepts more than {MAX_CONCEPT_DEPTH} levels deep"
                        ),
                    )
                    .label("too deep")
                    .help("flatten the chain: a concept may use vocabularies directly");
                self.problems.push(p);
                return None;
            }
            return self.concept_cond(name);
        }
        let candidates: Vec<String> = self
            .vocab
            .keys()
            .chain(self.concepts.keys())
            .cloned()
            .chain(FACT_KINDS.iter().map(|s| s.to_string()))
            .collect();
        let help = did_you_mean(name, candidates.iter().map(String::as_str)).unwrap_or_else(|| {
            "a name is a vocabulary (`vocab:`), a concept (`concepts:`) or a fact kind (date, date_range, count, phone, email, url)".to_string()
        });
        let p = self
            .origin(layer, text)
            .problem(
                &n.span,
                "ruleset/unknown-name",
                format!("unknown name `{name}`"),
            )
            .label("not a vocabulary, concept or fact kind")
            .help(help);
        self.problems.push(p);
        None
    }

    fn vocab_atom(
        &mut self,
        name: &str,
        layer: usize,
        text: &'a Text,
        span: &Range<usize>,
    ) -> Option<Cond> {
        let key = format!("vocab:{name}");
        if let Some(&id) = self.term_index.get(&key) {
            return Some(self.atom(Atom::Terms(id)));
        }
        let (vlayer, terms, spanned) = self.vocab.get(name).cloned()?;
        let mut normalised: Vec<String> = Vec::new();
        for t in &terms {
            let norm = normalize(t.value.trim()).0;
            if norm.is_empty() {
                let src = self.source(vlayer);
                self.problems.push(
                    Problem::new(
                        Some(src.clone()),
                        value_span(&src.text, t),
                        "ruleset/never-matches",
                        format!("vocabulary `{name}` has an empty term"),
                    )
                    .help("remove the empty entry"),
                );
                continue;
            }
            if !normalised.contains(&norm) {
                normalised.push(norm);
            }
        }
        if normalised.is_empty() {
            let at = spanned.referenced.span().byte_offset().unwrap_or(0) as usize;
            let kspan = self.key_span(vlayer, name, at);
            let src = self.source(vlayer).clone();
            self.problems.push(
                Problem::new(
                    Some(src),
                    kspan,
                    "ruleset/never-matches",
                    format!("vocabulary `{name}` is empty, so it can never match"),
                )
                .help("add terms to it"),
            );
            let _ = (layer, text, span);
            return None;
        }
        let id = self.term_sets.len();
        self.term_sets.push(TermSet {
            name: name.to_string(),
            terms: normalised,
        });
        self.term_index.insert(key, id);
        Some(self.atom(Atom::Terms(id)))
    }

    fn atom(&mut self, atom: Atom) -> Cond {
        let key = format!("{atom:?}");
        if let Some(&id) = self.atom_index.get(&key) {
            return Cond::Atom(id);
        }
        let id = self.atoms.len();
        self.atoms.push(atom);
        self.atom_index.insert(key, id);
        Cond::Atom(id)
    }

    fn compile_call(
        &mut self,
        func: &Name,
        args: &[Arg],
        span: &Range<usize>,
        layer: usize,
        text: &'a Text,
    ) -> Option<Cond> {
        let f = func.text.as_str();
        let arg_error = |c: &mut Self, msg: String| {
            let p = c
                .origin(layer, text)
                .problem(span, "ruleset/bad-arguments", msg)
                .label("wrong arguments");
            c.problems.push(p);
            None
        };
        match f {
            "sentence" | "paragraph" | "negated" | "affirmed" | "mentioned" => {
                let [Arg::Expr(inner)] = args else {
                    return arg_error(
                        self,
                        format!(
                            "`{f}(…)` takes one expression, e.g. `{f}(police and report_verb)`"
                        ),
                    );
                };
                let inner = Box::new(self.compile_expr(inner, layer, text)?);
                Some(match f {
                    "sentence" => within(Scope::Sentence, inner, &self.concept_table),
                    "paragraph" => within(Scope::Paragraph, inner, &self.concept_table),
                    "negated" => Cond::Polarity(Polarity::Negated, inner),
                    "affirmed" => Cond::Polarity(Polarity::Affirmed, inner),
                    _ => Cond::Polarity(Polarity::Any, inner),
                })
            }
            "section" => {
                let [words, Arg::Expr(inner)] = args else {
                    return arg_error(self, "`section(…)` takes heading words (or a vocabulary) and an expression, e.g. `section(\"概要\" | \"経緯\", date)`".into());
                };
                let titles = self.heading_words(words, layer, text)?;
                let inner = self.compile_expr(inner, layer, text)?;
                Some(within(
                    Scope::Section(self.title_set(titles)),
                    Box::new(inner),
                    &self.concept_table,
                ))
            }
            "heading" => {
                let [words] = args else {
                    return arg_error(self, "`heading(…)` takes heading words or a vocabulary, e.g. `heading(\"お問い合わせ\" | \"問合せ\")`".into());
                };
                let titles = self.heading_words(words, layer, text)?;
                Some(Cond::Heading(self.title_set(titles)))
            }
            "phrase" => {
                let [Arg::Titles(phrases)] = args else {
                    return arg_error(
                        self,
                        "`phrase(…)` takes quoted text, e.g. `phrase(\"一部のお客様\" | \"多数\")`"
                            .into(),
                    );
                };
                let terms = self.titles(phrases, layer, text)?;
                let key = format!("phrase:{terms:?}");
                let id = match self.term_index.get(&key) {
                    Some(&id) => id,
                    None => {
                        let id = self.term_sets.len();
                        let name = phrases
                            .iter()
                            .map(|p| format!("\"{}\"", p.text))
                            .collect::<Vec<_>>()
                            .join(" | ");
                        self.term_sets.push(TermSet { name, terms });
                        self.term_index.insert(key, id);
                        id
                    }
                };
                Some(self.atom(Atom::Terms(id)))
            }
            "phone" | "email" | "url" => {
                if !args.is_empty() {
                    return arg_error(self, format!("`{f}` takes no arguments"));
                }
                Some(self.atom(match f {
                    "phone" => Atom::Phone,
                    "email" => Atom::Email,
                    _ => Atom::Url,
                }))
            }
            "count" | "date" | "date_range" => {
                let mut filters = Vec::new();
                for a in args {
                    match a {
                        Arg::Filter(flt) => filters.push(flt),
                        _ => {
                            return arg_error(
                                self,
                                format!(
                                    "`{f}(…)` takes filters such as `unit in [件, 名]`, `qualifier not in [vague]`, `value >= 100`"
                                ),
                            );
                        }
                    }
                }
                let atom = match f {
                    "count" => Atom::Count(self.count_filter(&filters, layer, text)?),
                    "date" => Atom::Date(self.date_filter(&filters, layer, text)?),
                    _ => Atom::DateRange(self.range_filter(&filters, layer, text)?),
                };
                Some(self.atom(atom))
            }
            _ => {
                let help = did_you_mean(f, FUNCTIONS.iter().copied())
                    .unwrap_or_else(|| format!("functions: {}", FUNCTIONS.join(", ")));
                let p = self
                    .origin(layer, text)
                    .problem(
                        &func.span,
                        "ruleset/unknown-name",
                        format!("unknown function `{f}`"),
                    )
                    .label("not a function")
                    .help(help);
                self.problems.push(p);
                None
            }
        }
    }

    /// The heading words with their list's number (equal lists, equal numbers).
    fn title_set(&mut self, words: Vec<String>) -> Titles {
        let next = self.title_sets.len();
        let id = *self.title_sets.entry(words.clone()).or_insert(next);
        Titles { id, words }
    }

    /// Heading words given as quoted strings or as the name of a vocabulary.
    fn heading_words(&mut self, arg: &Arg, layer: usize, text: &'a Text) -> Option<Vec<String>> {
        match arg {
            Arg::Titles(titles) => self.titles(titles, layer, text),
            Arg::Expr(Expr::Name(n)) if self.vocab.contains_key(&n.text) => {
                self.used_names.insert(n.text.clone());
                let Some(Cond::Atom(id)) = self.vocab_atom(&n.text, layer, text, &n.span) else {
                    return None;
                };
                let Atom::Terms(set) = self.atoms[id] else {
                    return None;
                };
                Some(self.term_sets[set].terms.clone())
            }
            other => {
                let span = match other {
                    Arg::Expr(e) => e.span(),
                    Arg::Filter(f) => f.span.clone(),
                    Arg::Titles(_) => 0..0,
                };
                let p = self
                    .origin(layer, text)
                    .problem(
                        &span,
                        "ruleset/bad-arguments",
                        "expected heading words (\"概要\" | \"経緯\") or a vocabulary name",
                    )
                    .label("not heading words");
                self.problems.push(p);
                None
            }
        }
    }

    fn titles(&mut self, titles: &[Name], layer: usize, text: &'a Text) -> Option<Vec<String>> {
        let mut out = Vec::new();
        for t in titles {
            let norm = normalize(t.text.trim()).0;
            if norm.is_empty() {
                let p = self
                    .origin(layer, text)
                    .problem(
                        &t.span,
                        "ruleset/never-matches",
                        "an empty string can never match",
                    )
                    .label("empty");
                self.problems.push(p);
                return None;
            }
            out.push(norm);
        }
        Some(out)
    }

    fn filter_problem(
        &mut self,
        span: &Range<usize>,
        layer: usize,
        text: &'a Text,
        msg: String,
        help: Option<String>,
    ) {
        let p = self
            .origin(layer, text)
            .problem(span, "ruleset/bad-filter", msg)
            .label("here")
            .with_help(help);
        self.problems.push(p);
    }

    fn count_filter(
        &mut self,
        filters: &[&dsl::Filter],
        layer: usize,
        text: &'a Text,
    ) -> Option<CountFilter> {
        let mut out = CountFilter::default();
        let mut ok = true;
        for f in filters {
            let list_op = matches!(f.op, FilterOp::In | FilterOp::NotIn);
            let keep = f.op == FilterOp::In;
            match f.field.text.as_str() {
                "unit" if list_op => {
                    if keep && f.values.is_empty() {
                        self.filter_problem(
                            &f.span,
                            layer,
                            text,
                            "`unit in []` can never match".into(),
                            Some("list at least one unit, e.g. [件, 名]".into()),
                        );
                        ok = false;
                    }
                    out.units = Some((
                        keep,
                        f.values.iter().map(|v| normalize(&v.text).0).collect(),
                    ));
                }
                "qualifier" if list_op => {
                    let mut qs = Vec::new();
                    for v in &f.values {
                        match Qualifier::ALL.iter().find(|(n, _)| *n == v.text) {
                            Some((_, q)) => qs.push(*q),
                            None => {
                                let help = did_you_mean(
                                    &v.text,
                                    Qualifier::ALL.iter().map(|(n, _)| *n),
                                )
                                .unwrap_or_else(|| {
                                    "qualifiers: exact, approx, max, at_least, at_most, vague"
                                        .into()
                                });
                                self.filter_problem(
                                    &v.span,
                                    layer,
                                    text,
                                    format!("unknown count qualifier `{}`", v.text),
                                    Some(help),
                                );
                                ok = false;
                            }
                        }
                    }
                    if keep && qs.is_empty() && ok {
                        self.filter_problem(
                            &f.span,
                            layer,
                            text,
                            "`qualifier in []` can never match".into(),
                            None,
                        );
                        ok = false;
                    }
                    out.qualifiers = Some((keep, qs));
                }
                "value" if !list_op => match f.values[0].text.parse::<f64>() {
                    Ok(v) => out.value.push((f.op, v)),
                    Err(_) => {
                        self.filter_problem(
                            &f.values[0].span,
                            layer,
                            text,
                            format!("`{}` is not a number", f.values[0].text),
                            None,
                        );
                        ok = false;
                    }
                },
                field => {
                    let help = match field {
                        "unit" | "qualifier" => {
                            Some(format!("use `{field} in [...]` or `{field} not in [...]`"))
                        }
                        "value" => Some("use a comparison: `value >= 100`".to_string()),
                        _ => did_you_mean(field, ["unit", "qualifier", "value"])
                            .or_else(|| Some("count filters: unit, qualifier, value".into())),
                    };
                    self.filter_problem(
                        &f.span,
                        layer,
                        text,
                        format!("`{field}` is not a usable filter of `count` here"),
                        help,
                    );
                    ok = false;
                }
            }
        }
        // Contradictory value bounds (`value > 10 and value < 5`) can never match.
        let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
        for (op, v) in &out.value {
            match op {
                FilterOp::Gt | FilterOp::Ge => lo = lo.max(*v),
                FilterOp::Lt | FilterOp::Le => hi = hi.min(*v),
                FilterOp::Eq => {
                    lo = lo.max(*v);
                    hi = hi.min(*v);
                }
                _ => {}
            }
        }
        let strict = out
            .value
            .iter()
            .any(|(op, v)| matches!(op, FilterOp::Gt | FilterOp::Lt) && (*v == lo || *v == hi));
        if ok && (lo > hi || (lo == hi && strict)) {
            let span = filters
                .first()
                .map_or(0..0, |f| f.span.start..filters.last().unwrap().span.end);
            self.filter_problem(
                &span,
                layer,
                text,
                "these value bounds exclude every number, so this can never match".into(),
                None,
            );
            ok = false;
        }
        ok.then_some(out)
    }

    fn bool_filter(&mut self, f: &dsl::Filter, layer: usize, text: &'a Text) -> Option<bool> {
        let v = f.values.first().map(|v| v.text.as_str());
        match (f.op, v) {
            (FilterOp::Eq, Some("true")) | (FilterOp::Ne, Some("false")) => Some(true),
            (FilterOp::Eq, Some("false")) | (FilterOp::Ne, Some("true")) => Some(false),
            _ => {
                self.filter_problem(
                    &f.span,
                    layer,
                    text,
                    format!("`{}` takes `= true` or `= false`", f.field.text),
                    None,
                );
                None
            }
        }
    }

    fn date_filter(
        &mut self,
        filters: &[&dsl::Filter],
        layer: usize,
        text: &'a Text,
    ) -> Option<DateFilter> {
        let mut out = DateFilter::default();
        for f in filters {
            let v = match f.field.text.as_str() {
                "relative" => &mut out.relative,
                "approx" => &mut out.approx,
                "has_year" => &mut out.has_year,
                other => {
                    let help =
                        did_you_mean(other, ["relative", "approx", "has_year"]).or_else(|| {
                            Some("date filters: relative, approx, has_year (= true|false)".into())
                        });
                    self.filter_problem(
                        &f.field.span,
                        layer,
                        text,
                        format!("`{other}` is not a filter of `date`"),
                        help,
                    );
                    return None;
                }
            };
            let b = self.bool_filter(f, layer, text)?;
            *v = Some(b);
        }
        Some(out)
    }

    fn range_filter(
        &mut self,
        filters: &[&dsl::Filter],
        layer: usize,
        text: &'a Text,
    ) -> Option<DateRangeFilter> {
        let mut out = DateRangeFilter::default();
        for f in filters {
            if f.field.text != "open_end" {
                self.filter_problem(
                    &f.field.span,
                    layer,
                    text,
                    format!("`{}` is not a filter of `date_range`", f.field.text),
                    Some("date_range filters: open_end (= true|false)".into()),
                );
                return None;
            }
            out.open_end = Some(self.bool_filter(f, layer, text)?);
        }
        Some(out)
    }
}
