//! Parser of the checklist DSL (grammar in `grammar/checklist.pest`) into an AST.
//!
//! Every node keeps its byte span in the DSL text; the ruleset loader shifts those
//! spans into the YAML file so that errors point at the faulty character there.
//! Names are not resolved here: that is `compile`'s job.

use std::ops::Range;

use pest::Parser;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;
use pest_derive::Parser;

#[derive(Parser)]
#[grammar = "../grammar/checklist.pest"]
struct DslParser;

pub type Span = Range<usize>;

#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A vocabulary, concept or argument-less fact kind (`police`, `date`).
    Name(Name),
    Call {
        func: Name,
        args: Vec<Arg>,
        span: Span,
    },
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>, Span),
    Near {
        left: Box<Expr>,
        right: Box<Expr>,
        within: u32,
        /// `before`: the left side must end before the right side starts.
        ordered: bool,
        span: Span,
    },
    /// `a except b`: the evidence of `a` that overlaps no evidence of `b`.
    Except {
        left: Box<Expr>,
        right: Box<Expr>,
        span: Span,
    },
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Name(n) => n.span.clone(),
            Expr::Call { span, .. }
            | Expr::Not(_, span)
            | Expr::Near { span, .. }
            | Expr::Except { span, .. } => span.clone(),
            Expr::And(xs) | Expr::Or(xs) => {
                xs.first().map_or(0, |x| x.span().start)..xs.last().map_or(0, |x| x.span().end)
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Expr(Expr),
    /// `"概要" | "経緯"`
    Titles(Vec<Name>),
    Filter(Filter),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub field: Name,
    pub op: FilterOp,
    pub values: Vec<Name>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FilterOp {
    In,
    NotIn,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Modality {
    Must,
    Should,
    May,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    State {
        modality: Modality,
        concept: Name,
        when: Option<Expr>,
        span: Span,
    },
    AvoidVague {
        concept: Name,
        span: Span,
    },
}

impl Statement {
    pub fn concept(&self) -> &Name {
        match self {
            Statement::State { concept, .. } | Statement::AvoidVague { concept, .. } => concept,
        }
    }
}

/// Words of the grammar that cannot be names.
const KEYWORDS: &[&str] = &[
    "and", "or", "not", "near", "before", "within", "except", "in", "when", "must", "should",
    "may", "state", "avoid", "vague",
];

/// Whether `text` is a name in expressions (the grammar's `ident`), checked directly
/// rather than by running the parser for each vocabulary and concept name.
pub fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first == '_' || first.is_ascii_alphabetic() || unicode_ident::is_xid_start(first))
        && chars.all(|c| {
            c == '_' || c == '-' || c.is_ascii_alphanumeric() || unicode_ident::is_xid_continue(c)
        })
        && !KEYWORDS.contains(&text)
}

/// A syntax error: where, what was found, what was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
    pub expected: String,
}

/// Deepest parse tree accepted (about 60 levels of parentheses, or 300 `not`s):
/// building the AST, compiling and evaluating it recurse once per level, so an
/// absurdly nested expression must be refused here, not overflow the stack later.
pub const MAX_PARSE_DEPTH: usize = 300;

/// Message of the syntax error for an expression nested deeper than
/// [`MAX_PARSE_DEPTH`] (or deeper than the parser's own stack allows).
pub const TOO_DEEP: &str = "expression nested too deeply";

pub fn parse_expr(text: &str) -> Result<Expr, SyntaxError> {
    let mut pairs =
        DslParser::parse(Rule::concept_input, text).map_err(|e| syntax_error(text, e))?;
    let input = pairs.next().expect("concept_input always yields one pair");
    check_depth(text, &input)?;
    let expr = input
        .into_inner()
        .next()
        .expect("concept_input holds an expr");
    Ok(build_expr(expr))
}

pub fn parse_checklist(text: &str) -> Result<Vec<Statement>, SyntaxError> {
    let mut pairs =
        DslParser::parse(Rule::checklist_input, text).map_err(|e| syntax_error(text, e))?;
    let input = pairs
        .next()
        .expect("checklist_input always yields one pair");
    check_depth(text, &input)?;
    Ok(input
        .into_inner()
        .filter(|p| p.as_rule() == Rule::statement)
        .map(build_statement)
        .collect())
}

/// Refuses parse trees deeper than [`MAX_PARSE_DEPTH`], walking them without
/// recursion; the error points at the first character of the too-deep node.
fn check_depth(text: &str, root: &Pair<Rule>) -> Result<(), SyntaxError> {
    let mut stack = vec![(root.clone(), 0usize)];
    while let Some((pair, depth)) = stack.pop() {
        if depth > MAX_PARSE_DEPTH {
            return Err(too_deep(text, pair.as_span().start()));
        }
        // Children pushed in reverse, so that nodes are visited in text order
        // and the error points at the first too-deep one.
        let children: Vec<Pair<Rule>> = pair.into_inner().collect();
        stack.extend(children.into_iter().rev().map(|child| (child, depth + 1)));
    }
    Ok(())
}

fn too_deep(text: &str, pos: usize) -> SyntaxError {
    let end = text[pos..]
        .chars()
        .next()
        .map_or(pos, |c| pos + c.len_utf8());
    SyntaxError {
        span: pos..end,
        message: TOO_DEEP.to_string(),
        expected: "a flatter expression (name parts of it as concepts)".to_string(),
    }
}

fn span_of(p: &Pair<Rule>) -> Span {
    p.as_span().start()..p.as_span().end()
}

fn name(p: Pair<Rule>) -> Name {
    Name {
        text: p.as_str().to_string(),
        span: span_of(&p),
    }
}

fn build_statement(p: Pair<Rule>) -> Statement {
    let span = span_of(&p);
    let mut inner = p.into_inner();
    let first = inner.next().expect("statement starts with a keyword");
    if first.as_rule() == Rule::kw_avoid {
        inner.next(); // kw_vague
        let concept = name(inner.next().expect("avoid vague <ident>"));
        return Statement::AvoidVague { concept, span };
    }
    let modality = match first.as_str() {
        "must" => Modality::Must,
        "should" => Modality::Should,
        _ => Modality::May,
    };
    inner.next(); // kw_state
    let concept = name(inner.next().expect("state <ident>"));
    let when = inner.find(|p| p.as_rule() == Rule::expr).map(build_expr);
    Statement::State {
        modality,
        concept,
        when,
        span,
    }
}

fn build_expr(p: Pair<Rule>) -> Expr {
    match p.as_rule() {
        Rule::expr => {
            let mut terms: Vec<Expr> = p
                .into_inner()
                .filter(|p| p.as_rule() == Rule::and_term)
                .map(build_expr)
                .collect();
            if terms.len() == 1 {
                terms.pop().unwrap()
            } else {
                Expr::Or(terms)
            }
        }
        Rule::and_term => {
            let mut terms: Vec<Expr> = p
                .into_inner()
                .filter(|p| p.as_rule() == Rule::unary)
                .map(build_expr)
                .collect();
            if terms.len() == 1 {
                terms.pop().unwrap()
            } else {
                Expr::And(terms)
            }
        }
        Rule::unary => {
            let span = span_of(&p);
            let mut inner = p.into_inner();
            let first = inner.next().expect("unary is not empty");
            if first.as_rule() == Rule::not_op {
                let operand = build_expr(inner.next().expect("not <unary>"));
                Expr::Not(Box::new(operand), span)
            } else {
                build_expr(first)
            }
        }
        Rule::near_term => {
            let span = span_of(&p);
            let mut inner = p.into_inner();
            let left = build_expr(inner.next().expect("near_term has a primary"));
            let Some(op) = inner.next() else {
                return left;
            };
            if op.as_rule() == Rule::kw_except {
                let right = build_expr(inner.next().expect("except <primary>"));
                return Expr::Except {
                    left: Box::new(left),
                    right: Box::new(right),
                    span,
                };
            }
            let ordered = op.as_rule() == Rule::kw_before;
            let right = build_expr(inner.next().expect("near <primary>"));
            inner.next(); // within
            let within_pair = inner.next().expect("within <integer>");
            let within = within_pair.as_str().parse().unwrap_or(u32::MAX);
            Expr::Near {
                left: Box::new(left),
                right: Box::new(right),
                within,
                ordered,
                span,
            }
        }
        Rule::primary => build_expr(p.into_inner().next().expect("primary is not empty")),
        Rule::rparen => unreachable!("`)` is skipped by its parent"),
        Rule::ident => Expr::Name(name(p)),
        Rule::call => {
            let span = span_of(&p);
            let mut inner = p.into_inner();
            let func = name(inner.next().expect("call has a name"));
            let args = inner
                .filter(|p| p.as_rule() == Rule::arg)
                .map(build_arg)
                .collect();
            Expr::Call { func, args, span }
        }
        other => unreachable!("unexpected rule in expression: {other:?}"),
    }
}

fn build_arg(p: Pair<Rule>) -> Arg {
    let inner = p.into_inner().next().expect("arg is not empty");
    match inner.as_rule() {
        Rule::titles => Arg::Titles(inner.into_inner().map(string_value).collect()),
        Rule::filter => Arg::Filter(build_filter(inner)),
        _ => Arg::Expr(build_expr(inner)),
    }
}

fn build_filter(p: Pair<Rule>) -> Filter {
    let span = span_of(&p);
    let mut inner = p.into_inner();
    let field = name(inner.next().expect("filter has a field"));
    let op_pair = inner.next().expect("filter has an operator");
    let op = match op_pair.as_rule() {
        Rule::filter_not_in => FilterOp::NotIn,
        Rule::kw_in => FilterOp::In,
        _ => match op_pair.as_str() {
            "=" => FilterOp::Eq,
            "!=" => FilterOp::Ne,
            "<" => FilterOp::Lt,
            "<=" => FilterOp::Le,
            ">" => FilterOp::Gt,
            _ => FilterOp::Ge,
        },
    };
    let value_pair = inner.next().expect("filter has a value");
    let values = match value_pair.as_rule() {
        Rule::list => value_pair
            .into_inner()
            .map(|item| string_value(item.into_inner().next().expect("list item")))
            .collect(),
        _ => vec![string_value(
            value_pair.into_inner().next().expect("filter value"),
        )],
    };
    Filter {
        field,
        op,
        values,
        span,
    }
}

/// The value of a `string`, `bare_word` or `number` pair, unescaped.
fn string_value(p: Pair<Rule>) -> Name {
    let span = span_of(&p);
    let text = match p.as_rule() {
        Rule::string => {
            let raw = p.into_inner().next().map_or("", |i| i.as_str());
            raw.replace("\\\"", "\"").replace("\\\\", "\\")
        }
        _ => p.as_str().to_string(),
    };
    Name { text, span }
}

/// Turn a pest error into a span on the offending character and a readable
/// "expected …" line. pest reports positions as byte offsets into the input, which
/// is what we keep (its `line_col` is in characters and must not be mixed in).
fn syntax_error(text: &str, e: pest::error::Error<Rule>) -> SyntaxError {
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    // pest's own guard ("stack limit reached", "call limit reached").
    if matches!(&e.variant, ErrorVariant::CustomError { message } if message.contains("limit reached"))
    {
        return too_deep(text, pos);
    }
    let end = text[pos..]
        .chars()
        .next()
        .map_or(pos, |c| pos + c.len_utf8());
    let found = match text[pos..].chars().next() {
        None => "the end of the expression".to_string(),
        Some(_) => {
            let word: String = text[pos..]
                .chars()
                .take_while(|c| !c.is_whitespace())
                .take(20)
                .collect();
            format!("`{word}`")
        }
    };
    let expected = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => describe_expected(positives),
        ErrorVariant::CustomError { message } => message.clone(),
    };
    let rest_of_line = text[pos..].split('\n').next().unwrap_or("");
    if rest_of_line.starts_with('"') && !rest_of_line[1..].contains('"') {
        return SyntaxError {
            span: pos..end,
            message: "unterminated string".to_string(),
            expected: "a closing `\"` on the same line".to_string(),
        };
    }
    SyntaxError {
        span: pos..end,
        message: format!("unexpected {found}"),
        expected,
    }
}

fn describe_expected(rules: &[Rule]) -> String {
    let mut names: Vec<&str> = rules.iter().map(|r| rule_name(*r)).collect();
    names.sort_unstable();
    names.dedup();
    match names.as_slice() {
        [] => "a valid expression".to_string(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

fn rule_name(r: Rule) -> &'static str {
    match r {
        Rule::ident | Rule::primary | Rule::unary | Rule::near_term => {
            "a name, `not`, `(` or a function call"
        }
        Rule::expr | Rule::and_term | Rule::arg => "an expression",
        Rule::kw_and => "`and`",
        Rule::rparen => "`)`",
        Rule::kw_or => "`or`",
        Rule::kw_not | Rule::not_op => "`not`",
        Rule::kw_near => "`near`",
        Rule::kw_before => "`before`",
        Rule::kw_within => "`within N`",
        Rule::kw_except => "`except`",
        Rule::integer => "a whole number (characters)",
        Rule::kw_in | Rule::filter_not_in => "`in` or `not in`",
        Rule::kw_when => "`when <condition>`",
        Rule::kw_state => "`state`",
        Rule::kw_vague => "`vague`",
        Rule::concept_input => "an expression",
        Rule::string_inner => "a closing `\"` on the same line",
        Rule::modality | Rule::statement | Rule::kw_avoid | Rule::checklist_input => {
            "a statement (`must|should|may state NAME [when COND]` or `avoid vague NAME`)"
        }
        Rule::string | Rule::titles => "a quoted string",
        Rule::list => "a list `[a, b]`",
        Rule::list_item | Rule::bare_word | Rule::filter_value | Rule::number => "a value",
        Rule::cmp_op => "a comparison (=, !=, <, <=, >, >=)",
        Rule::EOI => "the end of the expression",
        _ => "valid syntax",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(e: &Expr) -> Vec<String> {
        match e {
            Expr::Name(n) => vec![n.text.clone()],
            Expr::Call { func, args, .. } => {
                let mut v = vec![format!("{}()", func.text)];
                for a in args {
                    if let Arg::Expr(e) = a {
                        v.extend(names(e));
                    }
                }
                v
            }
            Expr::And(xs) | Expr::Or(xs) => xs.iter().flat_map(names).collect(),
            Expr::Not(x, _) => names(x),
            Expr::Near { left, right, .. } | Expr::Except { left, right, .. } => {
                let mut v = names(left);
                v.extend(names(right));
                v
            }
        }
    }

    #[test]
    fn absurd_nesting_is_a_syntax_error_not_a_stack_overflow() {
        // Found by tests/ruleset_errors.rs: 1,000 parentheses overflowed the stack
        // in `build_expr` (pest's own stack guard only protects the parser).
        for depth in [1_000, 100_000] {
            let text = format!("{}a{}", "(".repeat(depth), ")".repeat(depth));
            let e = parse_expr(&text).unwrap_err();
            assert_eq!(e.message, TOO_DEEP);
            // On an opening parenthesis, not somewhere in the closing ones.
            assert_eq!(&text[e.span.clone()], "(", "{:?}", e.span);
            let nots = format!("{}a", "not ".repeat(depth));
            assert_eq!(parse_expr(&nots).unwrap_err().message, TOO_DEEP);
            let checklist = format!("must state x when {text}");
            assert_eq!(parse_checklist(&checklist).unwrap_err().message, TOO_DEEP);
        }
        // Reasonable nesting still parses.
        let ok = format!("{}a{}", "(".repeat(40), ")".repeat(40));
        assert_eq!(names(&parse_expr(&ok).unwrap()), ["a"]);
    }

    #[test]
    fn precedence_not_binds_tighter_than_and_than_or() {
        let e = parse_expr("a or b and not c").unwrap();
        let Expr::Or(terms) = &e else { panic!("{e:?}") };
        assert_eq!(terms.len(), 2);
        let Expr::And(ands) = &terms[1] else { panic!() };
        assert!(matches!(ands[1], Expr::Not(..)));
    }

    #[test]
    fn parentheses_group() {
        let e = parse_expr("(a or b) and c").unwrap();
        let Expr::And(terms) = &e else {
            panic!("{e:?}")
        };
        assert!(matches!(terms[0], Expr::Or(_)));
    }

    #[test]
    fn near_within() {
        let e = parse_expr("date near incident_verb within 30").unwrap();
        let Expr::Near {
            within,
            left,
            right,
            span,
            ..
        } = &e
        else {
            panic!("{e:?}")
        };
        assert_eq!(*within, 30);
        assert_eq!(names(left), ["date"]);
        assert_eq!(names(right), ["incident_verb"]);
        assert_eq!(*span, 0..33);
    }

    #[test]
    fn except_takes_primaries() {
        let e = parse_expr("sentence(date except publication_date) and x").unwrap();
        let Expr::And(parts) = &e else {
            panic!("{e:?}")
        };
        let Expr::Call { args, .. } = &parts[0] else {
            panic!("{e:?}")
        };
        let Arg::Expr(Expr::Except { left, right, span }) = &args[0] else {
            panic!("{e:?}")
        };
        assert_eq!(names(left), ["date"]);
        assert_eq!(names(right), ["publication_date"]);
        assert_eq!(*span, 9..37);
        // `except` is a keyword, not a name; its right side is one primary.
        assert!(parse_expr("except").is_err());
        assert!(parse_expr("a except").is_err());
        let e = parse_expr("(a near b within 3) except (c or d)").unwrap();
        assert!(matches!(e, Expr::Except { .. }), "{e:?}");
    }

    #[test]
    fn before_within_is_ordered() {
        let e = parse_expr("date before discovery_verb within 6").unwrap();
        let Expr::Near {
            ordered, within, ..
        } = &e
        else {
            panic!("{e:?}")
        };
        assert!(*ordered);
        assert_eq!(*within, 6);
        let Expr::Near { ordered, .. } = parse_expr("a near b within 1").unwrap() else {
            panic!()
        };
        assert!(!ordered);
        assert!(parse_expr("before").is_err(), "`before` is a keyword");
    }

    #[test]
    fn scopes_filters_and_titles() {
        let e = parse_expr(
            r#"sentence(police and report_verb) or count(unit in [件, 名, 人分], qualifier not in [vague]) or section("概要" | "経緯", date)"#,
        )
        .unwrap();
        let Expr::Or(terms) = &e else { panic!() };
        let Expr::Call { args, .. } = &terms[1] else {
            panic!()
        };
        let Arg::Filter(f) = &args[0] else { panic!() };
        assert_eq!(f.field.text, "unit");
        assert_eq!(f.op, FilterOp::In);
        let units: Vec<_> = f.values.iter().map(|v| v.text.as_str()).collect();
        assert_eq!(units, ["件", "名", "人分"]);
        let Arg::Filter(f) = &args[1] else { panic!() };
        assert_eq!(f.op, FilterOp::NotIn);
        let Expr::Call { args, .. } = &terms[2] else {
            panic!()
        };
        let Arg::Titles(t) = &args[0] else {
            panic!("{args:?}")
        };
        assert_eq!(
            t.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(),
            ["概要", "経緯"]
        );
        assert!(matches!(args[1], Arg::Expr(Expr::Name(_))));
    }

    #[test]
    fn comparison_filter() {
        let e = parse_expr("count(value >= 1000)").unwrap();
        let Expr::Call { args, .. } = &e else {
            panic!()
        };
        let Arg::Filter(f) = &args[0] else { panic!() };
        assert_eq!(f.op, FilterOp::Ge);
        assert_eq!(f.values[0].text, "1000");
    }

    #[test]
    fn japanese_identifiers_and_spans_are_bytes() {
        let e = parse_expr("警察 and 相談").unwrap();
        let Expr::And(terms) = &e else { panic!() };
        let Expr::Name(n) = &terms[1] else { panic!() };
        assert_eq!(n.text, "相談");
        assert_eq!(n.span, 11..17);
    }

    #[test]
    fn is_name_agrees_with_the_grammar() {
        for text in [
            "police",
            "police-report",
            "_x",
            "警察",
            "相談先",
            "a1",
            "android",
            "and",
            "before",
            "1abc",
            "-x",
            "a b",
            "",
            "a.b",
            "x(",
            "ｘ",
            "名前_2",
        ] {
            let parsed = matches!(parse_expr(text), Ok(Expr::Name(ref n)) if n.text == text);
            assert_eq!(is_name(text), parsed, "{text:?}");
        }
    }

    #[test]
    fn keywords_are_not_names_but_prefixes_are() {
        assert!(parse_expr("and").is_err());
        let e = parse_expr("android or nothing").unwrap();
        assert_eq!(names(&e), ["android", "nothing"]);
    }

    #[test]
    fn checklist_statements() {
        let s = parse_checklist(
            "must state period\n# comment\nmust state counts when personal_data and not x\nshould state police-report\nmay state apology\navoid vague counts\n",
        )
        .unwrap();
        assert_eq!(s.len(), 5);
        let Statement::State {
            modality,
            concept,
            when,
            ..
        } = &s[1]
        else {
            panic!()
        };
        assert_eq!(*modality, Modality::Must);
        assert_eq!(concept.text, "counts");
        assert!(matches!(when, Some(Expr::And(_))));
        assert_eq!(s[2].concept().text, "police-report");
        assert!(matches!(s[4], Statement::AvoidVague { .. }));
    }

    #[test]
    fn statements_may_span_lines_and_share_one() {
        let s = parse_checklist("must state a when\n  b or\n  c should state d").unwrap();
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn error_unclosed_paren_points_at_end() {
        let err = parse_expr("sentence(police and report").unwrap_err();
        assert_eq!(err.span, 26..26);
        assert!(
            err.expected.contains("`)`") || err.expected.contains("`and`"),
            "{err:?}"
        );
    }

    #[test]
    fn error_on_non_ascii_points_at_the_character_in_bytes() {
        // The error is at "）" (a full-width paren), byte 14.
        let text = "sentence(警察）";
        let err = parse_expr(text).unwrap_err();
        assert_eq!(&text[err.span.clone()], "）");
        assert!(err.message.contains('）'));
    }

    #[test]
    fn error_missing_operand() {
        let err = parse_expr("a and").unwrap_err();
        assert_eq!(err.span.start, 5);
        assert!(err.expected.contains("name"), "{err:?}");
    }

    #[test]
    fn error_near_without_within() {
        let err = parse_expr("a near b").unwrap_err();
        assert_eq!(err.span.start, 8);
        assert!(err.expected.contains("within"), "{err:?}");
    }

    #[test]
    fn error_unterminated_string() {
        let err = parse_expr(r#"phrase("一部の)"#).unwrap_err();
        assert_eq!(err.span.start, 7, "{err:?}");
        assert!(err.expected.contains("closing"), "{err:?}");
    }

    #[test]
    fn error_bad_statement() {
        let err = parse_checklist("must state period\nmust report counts\n").unwrap_err();
        assert_eq!(err.span.start, 23);
        assert!(err.expected.contains("`state`"), "{err:?}");
        let err = parse_checklist("avoid counts").unwrap_err();
        assert!(err.expected.contains("`vague`"), "{err:?}");
        let err = parse_checklist("must state").unwrap_err();
        assert!(err.expected.contains("name"), "{err:?}");
        let err = parse_checklist("state period").unwrap_err();
        assert!(err.expected.contains("statement"), "{err:?}");
    }

    #[test]
    fn error_empty_expression() {
        let err = parse_expr("   ").unwrap_err();
        assert_eq!(err.span, 3..3);
        assert!(err.message.contains("end"));
    }

    #[test]
    fn error_bad_filter_list() {
        let err = parse_expr("count(unit in [件, ])x").unwrap_err();
        assert!(err.span.start >= 20, "{err:?}");
    }
}
