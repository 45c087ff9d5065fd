//! HTML → structured plain text, with a map from text offsets back to the HTML.
//!
//! Notices arrive as saved corporate web pages. disclint lints their *visible*
//! text, but diagnostics must point at lines and columns of the original HTML,
//! so every byte of the extracted text carries the HTML byte offset it came
//! from (stored compactly as checkpoints, see [`ExtractedText::map`]).
//!
//! # Approach
//!
//! Three linear passes, no external crates, no recursion (deeply nested or
//! hostile markup cannot overflow the stack):
//!
//! 1. **Tokenizer** – a small tolerant HTML tokenizer working on bytes: start
//!    and end tags (quoted attribute values may contain `>`), comments,
//!    doctype, `<?…?>`, `<![CDATA[…]]>`, raw-text elements (`script`, `style`,
//!    `noscript`, `textarea`, `title`, …) whose content is skipped, and a
//!    stray `<` that does not start markup is kept as text. Text runs are kept
//!    as byte ranges of the HTML, so positions are exact.
//! 2. **Tree builder** – turns tokens into a perfectly nested event list
//!    (`Open`/`Close`/`Text`) with the implied end tags of HTML that matter for
//!    text (`<p>`, `<li>`, `<dt>/<dd>`, table parts, headings, `<head>`), void
//!    elements, and stray end tags ignored. Searches up the open-element stack
//!    are either amortised (matching end tags) or bounded, so the whole thing
//!    is linear even for pathological input.
//! 3. **Selection + emission** – chooses the content scope (outermost `<main>`
//!    / `role="main"`, otherwise outermost `<article>`s that are not inside
//!    navigation and hold at least a quarter of the page's text, otherwise the
//!    whole body with navigation boilerplate dropped), then writes the text:
//!    block breaks, Markdown headings, `- ` list items, `| a | b |` table rows,
//!    whitespace collapsing, entity decoding, and the offset map.
//!
//! # Text rules
//!
//! * Dropped always: `head`, `script`, `style`, `noscript`, `template`, `svg`,
//!   `math`, `iframe`, `object`, `canvas`, `select`, `textarea`, ruby
//!   annotations (`rt`, `rp`), comments, and elements with a `hidden`
//!   attribute.
//! * Boilerplate (dropped only when no `<main>`/`<article>` scope was chosen):
//!   `nav`, `header`, `footer`, `aside` (and the ARIA roles `navigation`,
//!   `banner`, `contentinfo`, `complementary`), and elements whose `id` or
//!   `class` contains (case-insensitively) nav, menu, breadcrumb, footer,
//!   header, sidebar, sns, share, pagetop, pankuzu or topicpath. A class/id
//!   match is kept when it evidently holds the main content: more than half of
//!   the page's text, or a non-empty `<h1>`.
//! * Whitespace runs collapse to one space; a run that contains a line break
//!   between two Japanese characters becomes nothing (the CSS segment-break
//!   rule), so source line wrapping never puts a space inside Japanese text.
//!   `&nbsp;` counts as collapsible whitespace. `<pre>` keeps its spacing.
//! * Headings (`## title`), list items (`- item`, indented two spaces per
//!   nesting level) and data-table rows (`| a | b |`) each stay on one line:
//!   `<br>` and block elements inside them become a single space. Layout
//!   tables (one column, block content such as `<p>`/`<div>`/headings/nested
//!   tables, or a cell with a lot of text) are rendered as plain blocks.
//! * Lines never end in spaces; at most one blank line in a row; the text has
//!   no leading or trailing newline.

use std::collections::HashMap;

/// Visible text extracted from an HTML page, with a map back into the HTML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtractedText {
    /// The structured plain text (Markdown-like headings, lists and tables).
    pub text: String,
    /// `(text_off, html_off)` checkpoints, strictly increasing in `text_off`
    /// and non-decreasing in `html_off`. From `text_off` on, offsets advance
    /// 1:1 until the next checkpoint. Synthetic characters (newlines, `## `,
    /// `- `, the `|` of table rows) map to the tag that produced them; a
    /// decoded entity maps to its `&`. A final checkpoint at `text.len()` may mark where the last
    /// character's source ended.
    pub map: Vec<(usize, usize)>,
}

impl ExtractedText {
    /// HTML byte offset that the text byte offset `text_off` came from.
    ///
    /// Offsets inside a multi-byte character are first moved back to the
    /// character's start, and offsets past the end are clamped, so the result
    /// is always a char boundary of the HTML and at most `html.len()`.
    pub fn to_html(&self, text_off: usize) -> usize {
        let mut t = text_off.min(self.text.len());
        while !self.text.is_char_boundary(t) {
            t -= 1;
        }
        let i = self.map.partition_point(|&(to, _)| to <= t);
        if i == 0 {
            return self.map.first().map_or(0, |&(_, h)| h);
        }
        let (t0, h0) = self.map[i - 1];
        h0 + (t - t0)
    }
}

/// Extracts the visible, structured text of `html` together with its offset map.
///
/// Input beyond 1 GiB is ignored (positions are stored as `u32` internally).
pub fn html_to_text(html: &str) -> ExtractedText {
    let mut limit = html.len().min(MAX_INPUT);
    while !html.is_char_boundary(limit) {
        limit -= 1;
    }
    let html = &html[..limit];
    let mut tree = Tree::new(html.as_bytes());
    tokenize(html, &mut tree);
    tree.finish(html.len());
    let total = tree.weight;
    let Tree { mut elems, evs, .. } = tree;

    // Scope: outermost <main>s, else outermost substantial <article>s that
    // are not inside navigation.
    let outermost = |want: &dyn Fn(&Elem) -> bool| {
        let mut sel = Vec::new();
        let mut last_close = None;
        for (x, el) in elems.iter().enumerate() {
            if last_close.is_some_and(|c| el.open_ev < c) || !want(el) || el.weight == 0 {
                continue;
            }
            sel.push(x);
            last_close = Some(el.close_ev);
        }
        sel
    };
    let mut scope = outermost(&|el| el.flags & F_MAIN != 0);
    if scope.is_empty() {
        scope = outermost(&|el| el.flags & F_ARTICLE != 0 && el.flags & F_IN_SEM == 0);
        let w: u64 = scope.iter().map(|&x| u64::from(elems[x].weight)).sum();
        if w * 4 < u64::from(total) {
            scope.clear();
        }
    }
    let body_mode = scope.is_empty();

    for el in &mut elems {
        let skip = el.flags & F_DROP != 0
            || (body_mode
                && (el.flags & F_SEM != 0
                    || (el.flags & F_ATTR != 0
                        && u64::from(el.weight) * 2 <= u64::from(total)
                        && el.h1 == 0)));
        if skip {
            el.flags |= F_SKIP;
        }
    }

    let mut em = Emitter::new(html, &elems, &evs);
    if body_mode {
        em.run(0, evs.len());
    } else {
        for &x in &scope {
            let el = &elems[x];
            em.block(el.open_pos as usize);
            em.run(el.open_ev as usize + 1, el.close_ev as usize);
        }
    }
    em.finish()
}

// ---------------------------------------------------------------------------
// Tags
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tag {
    Other,
    Html,
    Head,
    Body,
    Title,
    Meta,
    Link,
    Base,
    Script,
    Style,
    Noscript,
    Template,
    Svg,
    Math,
    Iframe,
    Object,
    Select,
    Textarea,
    Canvas,
    Xmp,
    Noembed,
    Noframes,
    Rt,
    Rp,
    Nav,
    Header,
    Footer,
    Aside,
    Main,
    Article,
    P,
    Div,
    Section,
    Li,
    Ul,
    Ol,
    Dl,
    Dt,
    Dd,
    Table,
    Caption,
    Thead,
    Tbody,
    Tfoot,
    Tr,
    Td,
    Th,
    Br,
    Hr,
    H1,
    H2,
    H3,
    H4,
    H5,
    H6,
    Blockquote,
    Pre,
    Listing,
    Address,
    Figure,
    Figcaption,
    Form,
    Fieldset,
    Legend,
    Details,
    Summary,
    Center,
    Menu,
    // Common inline elements: known tags keep end-tag matching cheap.
    A,
    Span,
    B,
    I,
    U,
    S,
    Em,
    Strong,
    Small,
    Big,
    Sup,
    Sub,
    Font,
    Label,
    Button,
    Code,
    Mark,
    Time,
    Ruby,
    Cite,
    Abbr,
    Q,
    Ins,
    Del,
    Strike,
    Nobr,
    Void,
}

const TAG_COUNT: usize = Tag::Void as usize + 1;

fn tag_of(name: &[u8]) -> Tag {
    let mut buf = [0u8; 10];
    if name.len() > buf.len() {
        return Tag::Other;
    }
    for (d, s) in buf.iter_mut().zip(name) {
        *d = s.to_ascii_lowercase();
    }
    match &buf[..name.len()] {
        b"html" => Tag::Html,
        b"head" => Tag::Head,
        b"body" => Tag::Body,
        b"title" => Tag::Title,
        b"meta" => Tag::Meta,
        b"link" => Tag::Link,
        b"base" => Tag::Base,
        b"script" => Tag::Script,
        b"style" => Tag::Style,
        b"noscript" => Tag::Noscript,
        b"template" => Tag::Template,
        b"svg" => Tag::Svg,
        b"math" => Tag::Math,
        b"iframe" => Tag::Iframe,
        b"object" => Tag::Object,
        b"select" => Tag::Select,
        b"textarea" => Tag::Textarea,
        b"canvas" => Tag::Canvas,
        b"xmp" => Tag::Xmp,
        b"noembed" => Tag::Noembed,
        b"noframes" => Tag::Noframes,
        b"rt" => Tag::Rt,
        b"rp" => Tag::Rp,
        b"nav" => Tag::Nav,
        b"header" => Tag::Header,
        b"footer" => Tag::Footer,
        b"aside" => Tag::Aside,
        b"main" => Tag::Main,
        b"article" => Tag::Article,
        b"p" => Tag::P,
        b"div" => Tag::Div,
        b"section" => Tag::Section,
        b"li" => Tag::Li,
        b"ul" => Tag::Ul,
        b"ol" => Tag::Ol,
        b"dl" => Tag::Dl,
        b"dt" => Tag::Dt,
        b"dd" => Tag::Dd,
        b"table" => Tag::Table,
        b"caption" => Tag::Caption,
        b"thead" => Tag::Thead,
        b"tbody" => Tag::Tbody,
        b"tfoot" => Tag::Tfoot,
        b"tr" => Tag::Tr,
        b"td" => Tag::Td,
        b"th" => Tag::Th,
        b"br" => Tag::Br,
        b"hr" => Tag::Hr,
        b"h1" => Tag::H1,
        b"h2" => Tag::H2,
        b"h3" => Tag::H3,
        b"h4" => Tag::H4,
        b"h5" => Tag::H5,
        b"h6" => Tag::H6,
        b"blockquote" => Tag::Blockquote,
        b"pre" => Tag::Pre,
        b"listing" => Tag::Listing,
        b"address" => Tag::Address,
        b"figure" => Tag::Figure,
        b"figcaption" => Tag::Figcaption,
        b"form" => Tag::Form,
        b"fieldset" => Tag::Fieldset,
        b"legend" => Tag::Legend,
        b"details" => Tag::Details,
        b"summary" => Tag::Summary,
        b"center" => Tag::Center,
        b"menu" => Tag::Menu,
        b"a" => Tag::A,
        b"span" => Tag::Span,
        b"b" => Tag::B,
        b"i" => Tag::I,
        b"u" => Tag::U,
        b"s" => Tag::S,
        b"em" => Tag::Em,
        b"strong" => Tag::Strong,
        b"small" => Tag::Small,
        b"big" => Tag::Big,
        b"sup" => Tag::Sup,
        b"sub" => Tag::Sub,
        b"font" => Tag::Font,
        b"label" => Tag::Label,
        b"button" => Tag::Button,
        b"code" => Tag::Code,
        b"mark" => Tag::Mark,
        b"time" => Tag::Time,
        b"ruby" => Tag::Ruby,
        b"cite" => Tag::Cite,
        b"abbr" => Tag::Abbr,
        b"q" => Tag::Q,
        b"ins" => Tag::Ins,
        b"del" => Tag::Del,
        b"strike" => Tag::Strike,
        b"nobr" => Tag::Nobr,
        b"area" | b"col" | b"embed" | b"img" | b"input" | b"param" | b"source" | b"track"
        | b"wbr" | b"keygen" | b"frame" | b"image" => Tag::Void,
        _ => Tag::Other,
    }
}

impl Tag {
    fn is_void(self) -> bool {
        matches!(
            self,
            Tag::Br | Tag::Hr | Tag::Meta | Tag::Link | Tag::Base | Tag::Void
        )
    }

    /// Elements whose content is raw text up to the matching end tag.
    fn is_raw_text(self) -> bool {
        matches!(
            self,
            Tag::Script
                | Tag::Style
                | Tag::Noscript
                | Tag::Textarea
                | Tag::Title
                | Tag::Xmp
                | Tag::Iframe
                | Tag::Noembed
                | Tag::Noframes
        )
    }

    fn always_drop(self) -> bool {
        matches!(
            self,
            Tag::Head
                | Tag::Title
                | Tag::Meta
                | Tag::Link
                | Tag::Base
                | Tag::Script
                | Tag::Style
                | Tag::Noscript
                | Tag::Template
                | Tag::Svg
                | Tag::Math
                | Tag::Iframe
                | Tag::Object
                | Tag::Select
                | Tag::Textarea
                | Tag::Canvas
                | Tag::Xmp
                | Tag::Noembed
                | Tag::Noframes
                | Tag::Rt
                | Tag::Rp
        )
    }

    /// Allowed inside `<head>` without implicitly ending it.
    fn head_ok(self) -> bool {
        matches!(
            self,
            Tag::Head
                | Tag::Title
                | Tag::Meta
                | Tag::Link
                | Tag::Base
                | Tag::Script
                | Tag::Style
                | Tag::Noscript
                | Tag::Template
        )
    }

    fn heading_level(self) -> Option<u8> {
        match self {
            Tag::H1 => Some(1),
            Tag::H2 => Some(2),
            Tag::H3 => Some(3),
            Tag::H4 => Some(4),
            Tag::H5 => Some(5),
            Tag::H6 => Some(6),
            _ => None,
        }
    }

    /// Start tags that implicitly close an open `<p>`.
    fn closes_p(self) -> bool {
        self.heading_level().is_some()
            || matches!(
                self,
                Tag::Address
                    | Tag::Article
                    | Tag::Aside
                    | Tag::Blockquote
                    | Tag::Center
                    | Tag::Details
                    | Tag::Div
                    | Tag::Dl
                    | Tag::Dt
                    | Tag::Dd
                    | Tag::Fieldset
                    | Tag::Figcaption
                    | Tag::Figure
                    | Tag::Footer
                    | Tag::Form
                    | Tag::Header
                    | Tag::Hr
                    | Tag::Li
                    | Tag::Listing
                    | Tag::Main
                    | Tag::Menu
                    | Tag::Nav
                    | Tag::Ol
                    | Tag::P
                    | Tag::Pre
                    | Tag::Section
                    | Tag::Summary
                    | Tag::Table
                    | Tag::Ul
                    | Tag::Xmp
            )
    }

    /// Block-level elements that just produce a line break before and after.
    fn is_plain_block(self) -> bool {
        matches!(
            self,
            Tag::P
                | Tag::Div
                | Tag::Section
                | Tag::Article
                | Tag::Main
                | Tag::Nav
                | Tag::Header
                | Tag::Footer
                | Tag::Aside
                | Tag::Dl
                | Tag::Dt
                | Tag::Dd
                | Tag::Blockquote
                | Tag::Listing
                | Tag::Address
                | Tag::Figure
                | Tag::Figcaption
                | Tag::Form
                | Tag::Fieldset
                | Tag::Legend
                | Tag::Details
                | Tag::Summary
                | Tag::Center
                | Tag::Menu
                | Tag::Hr
                | Tag::Caption
                | Tag::Thead
                | Tag::Tbody
                | Tag::Tfoot
                | Tag::Html
                | Tag::Body
        )
    }

    /// Content that marks the table holding it as a layout table.
    fn is_layout_block(self) -> bool {
        self.heading_level().is_some()
            || matches!(
                self,
                Tag::Table
                    | Tag::P
                    | Tag::Div
                    | Tag::Section
                    | Tag::Article
                    | Tag::Main
                    | Tag::Nav
                    | Tag::Header
                    | Tag::Footer
                    | Tag::Aside
                    | Tag::Ul
                    | Tag::Ol
                    | Tag::Dl
                    | Tag::Blockquote
                    | Tag::Pre
                    | Tag::Form
                    | Tag::Fieldset
                    | Tag::Hr
                    | Tag::Center
                    | Tag::Address
            )
    }

    fn is_blockish(self) -> bool {
        self.is_plain_block()
            || self.heading_level().is_some()
            || matches!(
                self,
                Tag::Li
                    | Tag::Ul
                    | Tag::Ol
                    | Tag::Table
                    | Tag::Tr
                    | Tag::Td
                    | Tag::Th
                    | Tag::Pre
                    | Tag::Br
            )
    }
}

// ---------------------------------------------------------------------------
// Tree builder: tokens → perfectly nested events
// ---------------------------------------------------------------------------

/// Always dropped (script, style, head, `hidden`, …).
const F_DROP: u8 = 1;
/// Semantic navigation boilerplate (`nav`, `header`, `footer`, `aside`, roles).
const F_SEM: u8 = 2;
/// id/class looks like navigation boilerplate.
const F_ATTR: u8 = 4;
/// `<main>` or `role="main"`.
const F_MAIN: u8 = 8;
/// `<article>` or `role="article"`.
const F_ARTICLE: u8 = 16;
/// Inside a semantic navigation element.
const F_IN_SEM: u8 = 32;
/// Decided: not emitted.
const F_SKIP: u8 = 64;
/// A layout table (see [`Tree::tables`]): its cells are plain blocks, not
/// `| a | b |` rows.
const F_LAYOUT: u8 = 128;

/// A table cell with more visible text bytes than this is page layout.
const LAYOUT_CELL_WEIGHT: u32 = 400;

/// Longest input handled; `u32` positions and event indices cannot overflow.
const MAX_INPUT: usize = 1 << 30;

/// How far implied-end-tag searches look up the open-element stack. Keeps
/// pathological nesting linear; real pages never get close.
const SEARCH_LIMIT: usize = 256;

/// id/class substrings that mark navigation boilerplate.
const BOILER_WORDS: &[&[u8]] = &[
    b"nav",
    b"menu",
    b"breadcrumb",
    b"footer",
    b"header",
    b"sidebar",
    b"sns",
    b"share",
    b"pagetop",
    b"pankuzu",
    b"topicpath",
];

#[derive(Debug)]
struct Elem {
    tag: Tag,
    flags: u8,
    /// Offset of the `<` of the start tag.
    open_pos: u32,
    /// Offset of the `<` of the token that closed the element (or EOF).
    close_pos: u32,
    open_ev: u32,
    close_ev: u32,
    /// Visible non-whitespace text bytes inside (running total while open).
    weight: u32,
    /// Non-empty `<h1>`s inside (running total while open).
    h1: u32,
}

#[derive(Clone, Copy, Debug)]
enum Ev {
    Open(u32),
    Close(u32),
    /// A text node: byte range of the HTML, entities not yet decoded.
    Text(u32, u32),
}

struct Tree<'a> {
    html: &'a [u8],
    elems: Vec<Elem>,
    evs: Vec<Ev>,
    stack: Vec<u32>,
    counts: [u32; TAG_COUNT],
    /// Open unknown elements by lower-cased name, so that an unmatched
    /// `</custom-tag>` costs O(1) and a matched one only walks what it pops.
    other_open: HashMap<Box<[u8]>, u32>,
    key: Vec<u8>,
    head_done: bool,
    /// Open always-dropped / semantic-navigation elements.
    drop_depth: u32,
    sem_depth: u32,
    /// Running totals of visible text weight and non-empty `<h1>`s.
    weight: u32,
    h1: u32,
    /// Open tables: (element, looks like layout, cells in the current row,
    /// most cells in a row). A table is taken for page layout rather than
    /// data when it has a single column, holds block content (paragraphs,
    /// divs, lists, headings, tables…), or has a cell with a lot of text.
    /// Misjudging a data table only loses the `|` markup; misjudging a
    /// layout table would put the whole page on one line.
    tables: Vec<(u32, bool, u32, u32)>,
}

impl<'a> Tree<'a> {
    fn new(html: &'a [u8]) -> Self {
        Tree {
            html,
            // Generous: untouched capacity costs address space, not memory.
            elems: Vec::with_capacity(html.len() / 16),
            evs: Vec::with_capacity(html.len() / 4),
            stack: Vec::new(),
            counts: [0; TAG_COUNT],
            other_open: HashMap::new(),
            key: Vec::new(),
            head_done: false,
            drop_depth: 0,
            sem_depth: 0,
            weight: 0,
            h1: 0,
            tables: Vec::new(),
        }
    }

    fn open(&mut self, tag: Tag, pos: usize, mut flags: u8, void: bool) {
        let idx = self.elems.len() as u32;
        let ev = self.evs.len() as u32;
        if self.sem_depth > 0 {
            flags |= F_IN_SEM;
        }
        self.elems.push(Elem {
            tag,
            flags,
            open_pos: pos as u32,
            close_pos: pos as u32,
            open_ev: ev,
            close_ev: ev,
            weight: self.weight,
            h1: self.h1,
        });
        self.evs.push(Ev::Open(idx));
        if let Some(t) = self.tables.last_mut() {
            match tag {
                _ if tag.is_layout_block() => t.1 = true,
                Tag::Tr => t.2 = 0,
                Tag::Td | Tag::Th => {
                    t.2 += 1;
                    t.3 = t.3.max(t.2);
                }
                _ => {}
            }
        }
        if void {
            self.close_elem(idx, pos);
        } else {
            self.stack.push(idx);
            self.counts[tag as usize] += 1;
            if tag == Tag::Table {
                self.tables.push((idx, false, 0, 0));
            }
            if tag == Tag::Other {
                self.set_key(start_tag_name(self.html, pos));
                match self.other_open.get_mut(&self.key[..]) {
                    Some(c) => *c += 1,
                    None => {
                        self.other_open.insert(self.key.as_slice().into(), 1);
                    }
                }
            }
            self.drop_depth += u32::from(flags & F_DROP != 0);
            self.sem_depth += u32::from(flags & F_SEM != 0);
        }
    }

    fn set_key(&mut self, name: &[u8]) {
        self.key.clear();
        self.key.extend(name.iter().map(u8::to_ascii_lowercase));
    }

    fn close_elem(&mut self, idx: u32, pos: usize) {
        let ev = self.evs.len() as u32;
        let el = &mut self.elems[idx as usize];
        el.close_pos = pos as u32;
        el.close_ev = ev;
        el.weight = self.weight - el.weight;
        el.h1 = self.h1 - el.h1;
        if el.tag == Tag::H1 && el.weight > 0 {
            self.h1 += 1;
        }
        self.evs.push(Ev::Close(idx));
    }

    /// Pops (and closes) everything from stack index `depth` upwards.
    fn pop_to(&mut self, depth: usize, pos: usize) {
        while self.stack.len() > depth {
            if let Some(idx) = self.stack.pop() {
                let Elem {
                    tag,
                    flags,
                    open_pos,
                    ..
                } = self.elems[idx as usize];
                self.counts[tag as usize] -= 1;
                if matches!(tag, Tag::Td | Tag::Th) {
                    let w = self.weight - self.elems[idx as usize].weight;
                    if let (true, Some(t)) = (w > LAYOUT_CELL_WEIGHT, self.tables.last_mut()) {
                        t.1 = true;
                    }
                }
                if tag == Tag::Table {
                    let layout = self
                        .tables
                        .pop()
                        .is_some_and(|(_, blocks, _, max_cells)| blocks || max_cells <= 1);
                    if layout {
                        self.elems[idx as usize].flags |= F_LAYOUT;
                    }
                }
                if tag == Tag::Other {
                    self.set_key(start_tag_name(self.html, open_pos as usize));
                    if let Some(c) = self.other_open.get_mut(&self.key[..]) {
                        *c -= 1;
                    }
                }
                self.drop_depth -= u32::from(flags & F_DROP != 0);
                self.sem_depth -= u32::from(flags & F_SEM != 0);
                self.close_elem(idx, pos);
            }
        }
    }

    /// Implied end tag: closes the nearest open element among `targets`
    /// unless one of `stops` is found first.
    fn close_if_open(&mut self, targets: &[Tag], stops: &[Tag], pos: usize) {
        if targets.iter().all(|t| self.counts[*t as usize] == 0) {
            return;
        }
        let mut found = None;
        for (k, &idx) in self.stack.iter().enumerate().rev().take(SEARCH_LIMIT) {
            let t = self.elems[idx as usize].tag;
            if targets.contains(&t) {
                found = Some(k);
                break;
            }
            if stops.contains(&t) {
                break;
            }
        }
        if let Some(k) = found {
            self.pop_to(k, pos);
        }
    }

    /// Ends `<head>` (explicitly open or not) at the first body content.
    fn end_head(&mut self, pos: usize) {
        if self.head_done {
            return;
        }
        self.head_done = true;
        let head = match self.counts[Tag::Head as usize] {
            0 => None,
            _ => self
                .stack
                .iter()
                .rposition(|&i| self.elems[i as usize].tag == Tag::Head),
        };
        if let Some(k) = head {
            self.pop_to(k, pos);
        }
    }

    fn start_tag(&mut self, tag: Tag, pos: usize, flags: u8, void: bool) {
        match tag {
            Tag::Html | Tag::Body => {
                if tag == Tag::Body {
                    self.end_head(pos);
                }
                return;
            }
            Tag::Head if self.head_done || self.counts[Tag::Head as usize] > 0 => return,
            _ => {}
        }
        if !tag.head_ok() {
            self.end_head(pos);
        }
        if tag.closes_p() {
            self.close_if_open(
                &[Tag::P],
                &[
                    Tag::Table,
                    Tag::Td,
                    Tag::Th,
                    Tag::Caption,
                    Tag::Object,
                    Tag::Template,
                    Tag::Svg,
                    Tag::Math,
                ],
                pos,
            );
        }
        match tag {
            Tag::Li => self.close_if_open(
                &[Tag::Li],
                &[
                    Tag::Ul,
                    Tag::Ol,
                    Tag::Menu,
                    Tag::Table,
                    Tag::Td,
                    Tag::Th,
                    Tag::Template,
                ],
                pos,
            ),
            Tag::Dt | Tag::Dd => self.close_if_open(
                &[Tag::Dt, Tag::Dd],
                &[Tag::Dl, Tag::Table, Tag::Td, Tag::Th, Tag::Template],
                pos,
            ),
            Tag::Tr => {
                let stops = [
                    Tag::Table,
                    Tag::Thead,
                    Tag::Tbody,
                    Tag::Tfoot,
                    Tag::Template,
                ];
                self.close_if_open(&[Tag::Td, Tag::Th], &stops, pos);
                self.close_if_open(&[Tag::Tr], &stops, pos);
            }
            Tag::Td | Tag::Th => self.close_if_open(
                &[Tag::Td, Tag::Th],
                &[
                    Tag::Tr,
                    Tag::Table,
                    Tag::Thead,
                    Tag::Tbody,
                    Tag::Tfoot,
                    Tag::Template,
                ],
                pos,
            ),
            Tag::Thead | Tag::Tbody | Tag::Tfoot => self.close_if_open(
                &[Tag::Thead, Tag::Tbody, Tag::Tfoot],
                &[Tag::Table, Tag::Template],
                pos,
            ),
            _ if tag.heading_level().is_some() => {
                let top_is_heading = self
                    .stack
                    .last()
                    .is_some_and(|&top| self.elems[top as usize].tag.heading_level().is_some());
                if top_is_heading {
                    self.pop_to(self.stack.len() - 1, pos);
                }
            }
            _ => {}
        }
        let mut flags = flags;
        if tag.always_drop() {
            flags |= F_DROP;
        }
        match tag {
            Tag::Nav | Tag::Header | Tag::Footer | Tag::Aside => flags |= F_SEM,
            Tag::Main => flags |= F_MAIN,
            Tag::Article => flags |= F_ARTICLE,
            _ => {}
        }
        self.open(tag, pos, flags, void || tag.is_void());
    }

    fn end_tag(&mut self, tag: Tag, name: (usize, usize), pos: usize) {
        match tag {
            Tag::Html | Tag::Body => {}
            // `</br>` is treated as `<br>`.
            Tag::Br => self.start_tag(Tag::Br, pos, 0, true),
            // `</p>` without an open `<p>` makes an empty paragraph.
            Tag::P if self.counts[Tag::P as usize] == 0 => {
                self.start_tag(Tag::P, pos, 0, true);
            }
            Tag::Other => {
                let want = &self.html[name.0..name.1];
                self.set_key(want);
                if self.other_open.get(&self.key[..]).is_none_or(|&c| c == 0) {
                    return;
                }
                // The element is open, so this walk is paid for by the pops.
                let found = self
                    .stack
                    .iter()
                    .enumerate()
                    .rev()
                    .find(|&(_, &idx)| {
                        let el = &self.elems[idx as usize];
                        el.tag == Tag::Other
                            && start_tag_name(self.html, el.open_pos as usize)
                                .eq_ignore_ascii_case(want)
                    })
                    .map(|(k, _)| k);
                if let Some(k) = found {
                    self.pop_to(k, pos);
                }
            }
            _ => {
                if tag == Tag::Head {
                    self.end_head(pos);
                } else if self.counts[tag as usize] > 0 {
                    // Amortised: everything walked over is popped.
                    if let Some(k) = self
                        .stack
                        .iter()
                        .rposition(|&i| self.elems[i as usize].tag == tag)
                    {
                        self.pop_to(k, pos);
                    }
                }
            }
        }
    }

    fn text(&mut self, start: usize, end: usize) {
        if start >= end {
            return;
        }
        let visible = self.html[start..end].iter().filter(|&&c| !is_ws(c)).count() as u32;
        if !self.head_done && visible > 0 {
            self.end_head(start);
        }
        if self.drop_depth == 0 {
            self.weight += visible;
        }
        self.evs.push(Ev::Text(start as u32, end as u32));
    }

    fn finish(&mut self, end: usize) {
        self.pop_to(0, end);
    }
}

// ---------------------------------------------------------------------------
// Tokenizer
// ---------------------------------------------------------------------------

/// Bytes that end a verbatim text run: whitespace, `&`, and the start of U+00A0.
fn is_special(b: &[u8], i: usize) -> bool {
    match b[i] {
        b' ' | b'\t' | b'\n' | b'\r' | 0x0c | b'&' => true,
        0xC2 => b.get(i + 1) == Some(&0xA0),
        _ => false,
    }
}

fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
}

/// Position of the first `c` at or after `from` (word-at-a-time scan).
fn find_byte(b: &[u8], from: usize, c: u8) -> Option<usize> {
    const LO: u64 = u64::from_ne_bytes([0x01; 8]);
    const HI: u64 = u64::from_ne_bytes([0x80; 8]);
    let hay = b.get(from..)?;
    let rep = u64::from_ne_bytes([c; 8]);
    let mut chunks = hay.chunks_exact(8);
    let mut base = from;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_ne_bytes(word) ^ rep;
        if v.wrapping_sub(LO) & !v & HI != 0 {
            return chunk.iter().position(|&x| x == c).map(|k| base + k);
        }
        base += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&x| x == c)
        .map(|k| base + k)
}

fn find_seq(b: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    let mut j = from;
    while let Some(k) = find_byte(b, j, pat[0]) {
        if b[k..].starts_with(pat) {
            return Some(k);
        }
        j = k + 1;
    }
    None
}

struct TagToken {
    name_end: usize,
    /// Index just after the closing `>`.
    end: usize,
    self_closing: bool,
    flags: u8,
}

/// Parses a tag whose name starts at `start` (just after `<` or `</`).
/// Returns `None` when the input ends inside the tag.
fn parse_tag(b: &[u8], start: usize) -> Option<TagToken> {
    let n = b.len();
    let mut j = start;
    while j < n && !is_ws(b[j]) && b[j] != b'/' && b[j] != b'>' {
        j += 1;
    }
    let name_end = j;
    let mut self_closing = false;
    let mut flags = 0;
    loop {
        while j < n && (is_ws(b[j]) || b[j] == b'/') {
            self_closing = b[j] == b'/' && b.get(j + 1) == Some(&b'>');
            j += 1;
        }
        if j >= n {
            return None;
        }
        if b[j] == b'>' {
            return Some(TagToken {
                name_end,
                end: j + 1,
                self_closing,
                flags,
            });
        }
        self_closing = false;
        let an = j;
        j += 1; // the first character may be anything, even '='
        while j < n && !is_ws(b[j]) && !matches!(b[j], b'/' | b'>' | b'=') {
            j += 1;
        }
        let name = &b[an..j];
        while j < n && is_ws(b[j]) {
            j += 1;
        }
        let mut value: &[u8] = b"";
        if j < n && b[j] == b'=' {
            j += 1;
            while j < n && is_ws(b[j]) {
                j += 1;
            }
            if j >= n {
                return None;
            }
            if b[j] == b'"' || b[j] == b'\'' {
                let q = find_byte(b, j + 1, b[j])?;
                value = &b[j + 1..q];
                j = q + 1;
            } else {
                let vs = j;
                while j < n && !is_ws(b[j]) && b[j] != b'>' {
                    j += 1;
                }
                value = &b[vs..j];
            }
        }
        flags |= attr_flags(name, value);
    }
}

fn attr_flags(name: &[u8], value: &[u8]) -> u8 {
    if name.eq_ignore_ascii_case(b"id") || name.eq_ignore_ascii_case(b"class") {
        let boiler = BOILER_WORDS
            .iter()
            .any(|w| value.windows(w.len()).any(|s| s.eq_ignore_ascii_case(w)));
        if boiler {
            return F_ATTR;
        }
    } else if name.eq_ignore_ascii_case(b"role") {
        let v = value.trim_ascii();
        let is = |r: &[u8]| v.eq_ignore_ascii_case(r);
        if is(b"main") {
            return F_MAIN;
        }
        if is(b"article") {
            return F_ARTICLE;
        }
        if is(b"navigation") || is(b"banner") || is(b"contentinfo") || is(b"complementary") {
            return F_SEM;
        }
    } else if name.eq_ignore_ascii_case(b"hidden") {
        return F_DROP;
    }
    0
}

/// Finds the `<` of `</name` (followed by whitespace, `/`, `>` or EOF).
/// Name of the start tag whose `<` is at `lt`.
fn start_tag_name(b: &[u8], lt: usize) -> &[u8] {
    let rest = b.get(lt + 1..).unwrap_or_default();
    let len = rest
        .iter()
        .position(|&c| is_ws(c) || c == b'/' || c == b'>')
        .unwrap_or(rest.len());
    &rest[..len]
}

fn find_raw_close(b: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut j = from;
    while let Some(lt) = find_byte(b, j, b'<') {
        if b.get(lt + 1) == Some(&b'/') {
            let s = lt + 2;
            let e = s + name.len();
            if e <= b.len()
                && b[s..e].eq_ignore_ascii_case(name)
                && b.get(e).is_none_or(|&c| is_ws(c) || c == b'/' || c == b'>')
            {
                return Some(lt);
            }
        }
        j = lt + 1;
    }
    None
}

fn tokenize(html: &str, tree: &mut Tree) {
    let b = html.as_bytes();
    let n = b.len();
    let mut i = 0;
    let mut text_start = 0;
    while let Some(lt) = find_byte(b, i, b'<') {
        let end = match b.get(lt + 1).copied() {
            Some(c) if c.is_ascii_alphabetic() => {
                tree.text(text_start, lt);
                let Some(t) = parse_tag(b, lt + 1) else {
                    // EOF inside a tag: the rest is dropped, as browsers do.
                    return;
                };
                let name = (lt + 1, t.name_end);
                let tag = tag_of(&b[name.0..name.1]);
                if tag.is_raw_text() {
                    // Raw text up to the matching end tag; with no end tag at
                    // all, treat the element as empty instead of eating the page.
                    let close = find_raw_close(b, t.end, &b[name.0..name.1]);
                    tree.start_tag(tag, lt, t.flags, close.is_none());
                    close.unwrap_or(t.end)
                } else {
                    tree.start_tag(tag, lt, t.flags, t.self_closing);
                    t.end
                }
            }
            Some(b'/') => match b.get(lt + 2).copied() {
                Some(c) if c.is_ascii_alphabetic() => {
                    tree.text(text_start, lt);
                    let Some(t) = parse_tag(b, lt + 2) else {
                        return;
                    };
                    let name = (lt + 2, t.name_end);
                    tree.end_tag(tag_of(&b[name.0..name.1]), name, lt);
                    t.end
                }
                Some(b'>') => {
                    tree.text(text_start, lt);
                    lt + 3
                }
                None => {
                    i = lt + 1;
                    continue;
                }
                Some(_) => {
                    tree.text(text_start, lt);
                    find_byte(b, lt + 2, b'>').map_or(n, |k| k + 1)
                }
            },
            Some(b'!') => {
                tree.text(text_start, lt);
                let rest = &b[lt + 2..];
                if rest.starts_with(b"--") {
                    let j = lt + 4;
                    if b[j..].starts_with(b">") {
                        j + 1
                    } else if b[j..].starts_with(b"->") {
                        j + 2
                    } else {
                        find_seq(b, j, b"-->").map_or(n, |k| k + 3)
                    }
                } else if rest.starts_with(b"[CDATA[") {
                    find_seq(b, lt + 9, b"]]>").map_or(n, |k| k + 3)
                } else {
                    find_byte(b, lt + 2, b'>').map_or(n, |k| k + 1)
                }
            }
            Some(b'?') => {
                tree.text(text_start, lt);
                find_byte(b, lt + 2, b'>').map_or(n, |k| k + 1)
            }
            _ => {
                // A stray '<' is text.
                i = lt + 1;
                continue;
            }
        };
        i = end;
        text_start = end;
    }
    tree.text(text_start, n);
}

// ---------------------------------------------------------------------------
// Entities
// ---------------------------------------------------------------------------

/// Latin-1 named entities, U+00A0 ..= U+00FF in order.
const LATIN1: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
    "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
    "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute",
    "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
    "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
    "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
    "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde",
    "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
    "uuml", "yacute", "thorn", "yuml",
];

/// Other named entities (a practical subset of the HTML5 list).
const NAMED: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("AMP", '&'),
    ("LT", '<'),
    ("GT", '>'),
    ("QUOT", '"'),
    ("COPY", '©'),
    ("REG", '®'),
    ("hellip", '…'),
    ("mldr", '…'),
    ("mdash", '—'),
    ("ndash", '–'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("rsquor", '’'),
    ("sbquo", '‚'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("rdquor", '”'),
    ("bdquo", '„'),
    ("lsaquo", '‹'),
    ("rsaquo", '›'),
    ("bull", '•'),
    ("bullet", '•'),
    ("centerdot", '·'),
    ("trade", '™'),
    ("TRADE", '™'),
    ("euro", '€'),
    ("larr", '←'),
    ("rarr", '→'),
    ("uarr", '↑'),
    ("darr", '↓'),
    ("harr", '↔'),
    ("lArr", '⇐'),
    ("rArr", '⇒'),
    ("uArr", '⇑'),
    ("dArr", '⇓'),
    ("hArr", '⇔'),
    ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'),
    ("thinsp", '\u{2009}'),
    ("zwnj", '\u{200C}'),
    ("zwj", '\u{200D}'),
    ("lrm", '\u{200E}'),
    ("rlm", '\u{200F}'),
    ("minus", '−'),
    ("le", '≤'),
    ("ge", '≥'),
    ("ne", '≠'),
    ("asymp", '≈'),
    ("equiv", '≡'),
    ("infin", '∞'),
    ("there4", '∴'),
    ("prime", '′'),
    ("Prime", '″'),
    ("dagger", '†'),
    ("Dagger", '‡'),
    ("permil", '‰'),
    ("loz", '◊'),
    ("spades", '♠'),
    ("clubs", '♣'),
    ("hearts", '♥'),
    ("diams", '♦'),
    ("starf", '★'),
    ("bigstar", '★'),
    ("star", '☆'),
    ("cir", '○'),
    ("squ", '□'),
    ("square", '□'),
    ("squf", '▪'),
    ("circ", 'ˆ'),
    ("tilde", '˜'),
    ("oline", '‾'),
    ("frasl", '⁄'),
    ("sdot", '⋅'),
    ("radic", '√'),
    ("sum", '∑'),
    ("prod", '∏'),
    ("fnof", 'ƒ'),
    ("OElig", 'Œ'),
    ("oelig", 'œ'),
    ("Scaron", 'Š'),
    ("scaron", 'š'),
    ("Yuml", 'Ÿ'),
    ("lang", '⟨'),
    ("rang", '⟩'),
    ("check", '✓'),
    ("cross", '✗'),
];

/// Entities that HTML also recognises without the trailing `;`.
const LEGACY: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("nbsp", '\u{A0}'),
    ("copy", '©'),
    ("reg", '®'),
    ("AMP", '&'),
    ("LT", '<'),
    ("GT", '>'),
    ("QUOT", '"'),
    ("COPY", '©'),
    ("REG", '®'),
];

/// Windows-1252 remapping of numeric references in 0x80..=0x9F.
const WIN1252: [u32; 32] = [
    0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
];

fn lookup_named(name: &[u8]) -> Option<char> {
    if let Some(i) = LATIN1.iter().position(|n| n.as_bytes() == name) {
        return char::from_u32(0xA0 + i as u32);
    }
    NAMED
        .iter()
        .find(|(n, _)| n.as_bytes() == name)
        .map(|&(_, c)| c)
}

fn numeric_char(v: u32) -> char {
    let v = match v {
        0x80..=0x9F => WIN1252[(v - 0x80) as usize],
        _ => v,
    };
    match v {
        0 => '\u{FFFD}',
        _ => char::from_u32(v).unwrap_or('\u{FFFD}'),
    }
}

/// Decodes the character reference starting at `b[amp] == b'&'`, not reading
/// past `end`. Returns the character and the length of its source.
fn decode_entity(b: &[u8], amp: usize, end: usize) -> Option<(char, usize)> {
    let mut j = amp + 1;
    if j >= end {
        return None;
    }
    if b[j] == b'#' {
        j += 1;
        let hex = j < end && (b[j] | 0x20) == b'x';
        if hex {
            j += 1;
        }
        let radix = if hex { 16 } else { 10 };
        let digits = j;
        let mut v: u32 = 0;
        while j < end {
            let Some(d) = (b[j] as char).to_digit(radix) else {
                break;
            };
            v = v.saturating_mul(radix).saturating_add(d);
            j += 1;
        }
        if j == digits {
            return None;
        }
        if j < end && b[j] == b';' {
            j += 1;
        }
        return Some((numeric_char(v), j - amp));
    }
    let start = j;
    while j < end && j - start < 32 && b[j].is_ascii_alphanumeric() {
        j += 1;
    }
    if j == start {
        return None;
    }
    let name = &b[start..j];
    let full = match b.get(j) {
        Some(b';') if j < end => lookup_named(name),
        _ => None,
    };
    if let Some(c) = full {
        return Some((c, j + 1 - amp));
    }
    LEGACY
        .iter()
        .filter(|(n, _)| name.starts_with(n.as_bytes()))
        .max_by_key(|(n, _)| n.len())
        .map(|&(n, c)| (c, 1 + n.len()))
}

// ---------------------------------------------------------------------------
// Emitter: events → text + map
// ---------------------------------------------------------------------------

/// Is `c` a Japanese (CJK, kana, full-width) character?
fn is_ja(c: char) -> bool {
    matches!(
        c as u32,
        0x3000..=0x30FF
            | 0x31F0..=0x31FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xF900..=0xFAFF
            | 0xFF00..=0xFFEF
            | 0x20000..=0x3FFFF
    )
}

#[derive(Clone, Copy, Debug)]
enum Prefix {
    Heading(u8),
    Item(u32),
}

/// Kinds of pending whitespace, weakest first (merging keeps the strongest).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Gap {
    /// Source whitespace on one line: one space.
    Space,
    /// Source whitespace with a line break: one space, but nothing between
    /// two Japanese characters (source line wrapping).
    Wrap,
    /// A structural break inside a heading or table cell (`<br>`, `<li>`,
    /// `<p>`…), where the text must stay on one line: always one space.
    Break,
}

/// What an element's start did, so its end can undo it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Fmt {
    None,
    Soft,
    Block,
    Heading,
    Item,
    List,
    Table,
    Row,
    Cell,
    Pre,
}

struct Emitter<'a> {
    html: &'a str,
    elems: &'a [Elem],
    evs: &'a [Ev],
    fmt: Vec<Fmt>,

    text: String,
    map: Vec<(usize, usize)>,
    /// HTML offset just past the source of the last written character.
    last_end: usize,
    /// Largest HTML offset written so far (keeps synthetic text monotonic).
    floor: usize,

    /// Pending collapsible whitespace: (offset of its source, kind).
    ws: Option<(usize, Gap)>,
    /// Pending newlines (0..=2) and the offsets of the tags that asked for them.
    nl: u8,
    nl_off: [usize; 2],
    prefix: Option<(Prefix, usize)>,
    /// Last character on the current line, `None` at line start / after a marker.
    last: Option<char>,

    /// Pending whitespace inside `<pre>`: (byte, offset, source length).
    pre_ws: Vec<(u8, usize, usize)>,
    pre_depth: u32,
    pre_fresh: bool,
    heading_depth: u32,
    cell_depth: u32,
    list_depth: u32,
    /// Open tables: (row open, cells written in the row), `None` for a
    /// layout table.
    tables: Vec<Option<(bool, u32)>>,
}

impl<'a> Emitter<'a> {
    fn new(html: &'a str, elems: &'a [Elem], evs: &'a [Ev]) -> Self {
        Emitter {
            html,
            elems,
            evs,
            fmt: vec![Fmt::None; elems.len()],
            text: String::with_capacity(html.len() + 16),
            map: Vec::with_capacity(html.len() / 16),
            last_end: 0,
            floor: 0,
            ws: None,
            nl: 0,
            nl_off: [0; 2],
            prefix: None,
            last: None,
            pre_ws: Vec::new(),
            pre_depth: 0,
            pre_fresh: false,
            heading_depth: 0,
            cell_depth: 0,
            list_depth: 0,
            tables: Vec::new(),
        }
    }

    fn run(&mut self, from: usize, to: usize) {
        let mut k = from;
        while k < to {
            match self.evs[k] {
                Ev::Text(s, e) => self.text_node(s as usize, e as usize),
                Ev::Open(x) => {
                    let el = &self.elems[x as usize];
                    if el.flags & F_SKIP != 0 {
                        if el.tag.is_blockish() {
                            self.brk(el.open_pos as usize);
                        }
                        k = el.close_ev as usize + 1;
                        continue;
                    }
                    self.open(x as usize);
                }
                Ev::Close(x) => self.close(x as usize),
            }
            k += 1;
        }
    }

    fn finish(mut self) -> ExtractedText {
        let len = self.text.len();
        let stale = self
            .map
            .last()
            .is_some_and(|&(t0, h0)| h0 + (len - t0) != self.last_end);
        if stale {
            self.map.push((len, self.last_end));
        }
        ExtractedText {
            text: self.text,
            map: self.map,
        }
    }

    // --- low-level writing -------------------------------------------------

    fn put(&mut self, s: &str, off: usize, src_len: usize) {
        if s.is_empty() {
            return;
        }
        let t = self.text.len();
        let continues = self
            .map
            .last()
            .is_some_and(|&(t0, h0)| h0 + (t - t0) == off);
        if !continues {
            self.map.push((t, off));
        }
        self.text.push_str(s);
        self.last_end = off + src_len;
        self.floor = self.floor.max(off);
    }

    fn put_synth(&mut self, c: u8, off: usize) {
        let mut buf = [0u8; 4];
        let s = char::from(c).encode_utf8(&mut buf);
        self.put(s, off.max(self.floor), 0);
    }

    fn flush_lines(&mut self) {
        if self.nl > 0 {
            if !self.text.is_empty() {
                for k in 0..usize::from(self.nl) {
                    self.put_synth(b'\n', self.nl_off[k]);
                }
            }
            self.nl = 0;
            self.last = None;
        }
    }

    fn flush_prefix(&mut self) {
        if let Some((p, off)) = self.prefix.take() {
            match p {
                Prefix::Heading(level) => {
                    for _ in 0..level {
                        self.put_synth(b'#', off);
                    }
                }
                Prefix::Item(depth) => {
                    for _ in 0..depth.saturating_sub(1).min(8) * 2 {
                        self.put_synth(b' ', off);
                    }
                    self.put_synth(b'-', off);
                }
            }
            self.put_synth(b' ', off);
            self.last = None;
        }
    }

    /// Writes real text (a slice of the HTML or a decoded entity).
    fn content(&mut self, s: &str, off: usize, src_len: usize) {
        self.flush_lines();
        self.flush_prefix();
        self.pre_fresh = false;
        if self.pre_depth > 0 {
            self.ws = None;
            let pending = std::mem::take(&mut self.pre_ws);
            for &(c, o, l) in &pending {
                let mut buf = [0u8; 4];
                self.put(char::from(c).encode_utf8(&mut buf), o, l);
            }
            self.pre_ws = pending;
            self.pre_ws.clear();
        } else if let Some((woff, gap)) = self.ws.take() {
            let keep = match (self.last, s.chars().next()) {
                (Some(prev), Some(next)) => !(gap == Gap::Wrap && is_ja(prev) && is_ja(next)),
                _ => false,
            };
            if keep {
                self.put(" ", woff, 1);
            }
        }
        self.put(s, off, src_len);
        if let Some(c) = s.chars().next_back() {
            self.last = Some(c);
        }
    }

    /// Writes a synthetic marker such as `| ` (mapped to its tag).
    fn synth(&mut self, s: &str, off: usize) {
        self.flush_lines();
        self.flush_prefix();
        self.ws = None;
        self.pre_ws.clear();
        for &c in s.as_bytes() {
            self.put_synth(c, off);
        }
        self.last = None;
    }

    fn space(&mut self, off: usize, gap: Gap) {
        match &mut self.ws {
            Some((_, g)) => *g = (*g).max(gap),
            None => self.ws = Some((off, gap)),
        }
    }

    fn src_space(&mut self, off: usize, has_nl: bool) {
        self.space(off, if has_nl { Gap::Wrap } else { Gap::Space });
    }

    fn want_newlines(&mut self, count: u8, off: usize) {
        while self.nl < count {
            self.nl_off[usize::from(self.nl)] = off;
            self.nl += 1;
        }
        self.ws = None;
        self.pre_ws.clear();
    }

    /// Ends the current line (no-op at line start).
    fn block(&mut self, off: usize) {
        self.want_newlines(1, off);
    }

    /// Ends the current line and leaves a blank line.
    fn blank(&mut self, off: usize) {
        self.want_newlines(2, off);
    }

    /// A forced newline (`<br>`, newline in `<pre>`).
    fn hard_nl(&mut self, off: usize) {
        if self.prefix.is_some() {
            // A `<br>` before the first word of an item or heading is noise,
            // and the marker must stay mapped to its own tag.
            return;
        }
        self.want_newlines((self.nl + 1).min(2), off);
    }

    fn soft(&self) -> bool {
        self.heading_depth > 0 || self.cell_depth > 0
    }

    /// A line break, or a soft break inside a heading or table cell.
    fn brk(&mut self, off: usize) {
        if self.soft() {
            self.space(off, Gap::Break);
        } else {
            self.block(off);
        }
    }

    // --- text nodes --------------------------------------------------------

    fn text_node(&mut self, start: usize, end: usize) {
        let html = self.html;
        let b = html.as_bytes();
        let mut i = start;
        let mut run = start;
        let pre = self.pre_depth > 0;
        while i < end {
            let c = b[i];
            if !is_special(b, i) {
                i += 1;
                continue;
            }
            // Fast path: a single space between two words stays a single
            // space and maps 1:1, so it can remain part of the run.
            if c == b' ' && !pre && i > run && i + 1 < end && !is_special(b, i + 1) {
                i += 2;
                continue;
            }
            if run < i {
                self.content(&html[run..i], run, i - run);
            }
            if c == b'&' {
                match decode_entity(b, i, end) {
                    Some((ch, len)) => {
                        self.decoded(ch, i, len);
                        i += len;
                    }
                    None => {
                        self.content("&", i, 1);
                        i += 1;
                    }
                }
            } else if c == 0xC2 {
                self.decoded('\u{A0}', i, 2);
                i += 2;
            } else if pre {
                self.decoded(char::from(c), i, 1);
                i += 1;
            } else {
                let s = i;
                let mut has_nl = false;
                while i < end && is_ws(b[i]) {
                    has_nl |= matches!(b[i], b'\n' | b'\r');
                    i += 1;
                }
                self.src_space(s, has_nl);
            }
            run = i;
        }
        if run < end {
            self.content(&html[run..end], run, end - run);
        }
    }

    fn decoded(&mut self, ch: char, off: usize, len: usize) {
        let is_space = matches!(ch, ' ' | '\t' | '\n' | '\r' | '\u{C}' | '\u{A0}');
        if !is_space {
            let mut buf = [0u8; 4];
            self.content(ch.encode_utf8(&mut buf), off, len);
        } else if self.pre_depth == 0 {
            self.src_space(off, matches!(ch, '\n' | '\r'));
        } else {
            match ch {
                '\r' => {}
                '\n' => {
                    if self.pre_fresh {
                        self.pre_fresh = false;
                    } else {
                        self.hard_nl(off);
                    }
                }
                _ => {
                    self.pre_fresh = false;
                    let c = if ch == '\t' { b'\t' } else { b' ' };
                    self.pre_ws.push((c, off, len));
                }
            }
        }
    }

    // --- elements ----------------------------------------------------------

    fn open(&mut self, x: usize) {
        let el = &self.elems[x];
        let (tag, pos) = (el.tag, el.open_pos as usize);
        let soft = self.soft();
        let fmt = match tag {
            Tag::Br => {
                if soft {
                    self.space(pos, Gap::Break);
                } else {
                    self.hard_nl(pos);
                }
                Fmt::None
            }
            _ if tag.heading_level().is_some() => {
                if soft || self.pre_depth > 0 {
                    self.brk(pos);
                    Fmt::Soft
                } else {
                    self.blank(pos);
                    let level = tag.heading_level().unwrap_or(1);
                    self.prefix = Some((Prefix::Heading(level), pos));
                    self.heading_depth += 1;
                    Fmt::Heading
                }
            }
            Tag::Li if !soft => {
                self.block(pos);
                self.prefix = Some((Prefix::Item(self.list_depth), pos));
                Fmt::Item
            }
            Tag::Ul | Tag::Ol if !soft => {
                self.block(pos);
                self.list_depth += 1;
                Fmt::List
            }
            Tag::Table if !soft => {
                self.block(pos);
                let layout = el.flags & F_LAYOUT != 0;
                self.tables
                    .push(if layout { None } else { Some((false, 0)) });
                Fmt::Table
            }
            Tag::Tr if !soft && self.in_data_table() => {
                self.end_row(pos);
                self.block(pos);
                if let Some(Some(t)) = self.tables.last_mut() {
                    *t = (true, 0);
                }
                Fmt::Row
            }
            Tag::Td | Tag::Th if !soft && self.in_data_table() => {
                let (row_open, cells) = self.tables.last().copied().flatten().unwrap_or((false, 0));
                if !row_open {
                    self.block(pos);
                }
                // The space after the bar is pending whitespace, so an empty
                // last cell never leaves a trailing space.
                self.synth(if cells == 0 || !row_open { "|" } else { " |" }, pos);
                self.last = Some('|');
                self.ws = Some((pos, Gap::Space));
                if let Some(Some(t)) = self.tables.last_mut() {
                    *t = (true, if row_open { cells + 1 } else { 1 });
                }
                self.cell_depth += 1;
                Fmt::Cell
            }
            Tag::Pre if !soft => {
                self.block(pos);
                self.pre_depth += 1;
                self.pre_fresh = true;
                Fmt::Pre
            }
            _ if tag.is_blockish() => {
                if soft {
                    self.space(pos, Gap::Break);
                    Fmt::Soft
                } else {
                    self.block(pos);
                    Fmt::Block
                }
            }
            _ => Fmt::None,
        };
        self.fmt[x] = fmt;
    }

    fn close(&mut self, x: usize) {
        let pos = self.elems[x].close_pos as usize;
        match self.fmt[x] {
            Fmt::None => {}
            Fmt::Soft => self.space(pos, Gap::Break),
            Fmt::Block => self.block(pos),
            Fmt::Heading => {
                self.heading_depth -= 1;
                if matches!(self.prefix, Some((Prefix::Heading(_), _))) {
                    self.prefix = None;
                }
                self.blank(pos);
            }
            Fmt::Item => {
                if matches!(self.prefix, Some((Prefix::Item(_), _))) {
                    self.prefix = None;
                }
                self.block(pos);
            }
            Fmt::List => {
                self.list_depth -= 1;
                self.block(pos);
            }
            Fmt::Table => {
                self.end_row(pos);
                self.tables.pop();
                self.block(pos);
            }
            Fmt::Row => {
                self.end_row(pos);
                self.block(pos);
            }
            Fmt::Cell => {
                self.cell_depth -= 1;
                self.ws = None;
            }
            Fmt::Pre => {
                self.pre_depth -= 1;
                self.pre_fresh = false;
                self.block(pos);
            }
        }
    }

    fn in_data_table(&self) -> bool {
        matches!(self.tables.last(), Some(Some(_)))
    }

    fn end_row(&mut self, pos: usize) {
        if let Some(&Some((true, cells))) = self.tables.last() {
            if let Some(Some(t)) = self.tables.last_mut() {
                *t = (false, 0);
            }
            if cells > 0 {
                self.synth(" |", pos);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        html_to_text(html).text
    }

    /// Checks the map invariants and that verbatim text maps onto itself.
    fn check_map(html: &str, ex: &ExtractedText) {
        let mut prev: Option<(usize, usize)> = None;
        for &(t, h) in &ex.map {
            assert!(t <= ex.text.len() && h <= html.len(), "{t},{h}");
            assert!(html.is_char_boundary(h));
            if let Some((pt, ph)) = prev {
                assert!(t > pt, "text offsets not increasing: {:?}", ex.map);
                assert!(h >= ph, "html offsets decreasing: {:?}", ex.map);
            }
            prev = Some((t, h));
        }
        if !ex.text.is_empty() {
            assert_eq!(ex.map.first().map(|m| m.0), Some(0));
        }
        let mut last_h = 0;
        for off in 0..=ex.text.len() {
            let h = ex.to_html(off);
            assert!(h <= html.len() && html.is_char_boundary(h));
            assert!(h >= last_h, "to_html not monotonic at {off}");
            last_h = h;
        }
    }

    /// For every char of `ex.text`, either it is found verbatim at its mapped
    /// HTML offset, or it is synthetic / whitespace / decoded from an entity.
    fn check_verbatim(html: &str, ex: &ExtractedText) -> usize {
        let mut verbatim = 0;
        for (off, c) in ex.text.char_indices() {
            let h = ex.to_html(off);
            let src = &html[h..];
            if src.starts_with(c) {
                verbatim += 1;
                continue;
            }
            let synthetic = src.starts_with('<') || h == html.len();
            let entity = src.starts_with('&');
            let space = c == ' '
                && (src.starts_with(|x: char| x.is_ascii_whitespace())
                    || src.starts_with('\u{A0}'));
            let ctx: String = src.chars().take(20).collect();
            assert!(
                synthetic || entity || space,
                "char {c:?} at {off} maps to {ctx:?}"
            );
        }
        verbatim
    }

    #[test]
    fn headings_paragraphs_lists() {
        let html = "<html><head><title>タイトル</title></head><body>\
            <h1>個人情報漏えいに関するお知らせ</h1>\
            <p>このたび、当社サーバーが\n不正アクセスを受けました。</p>\
            <h2>1. 漏えいした情報</h2>\
            <ul><li>氏名</li><li>住所\n</li><li> 電話番号 </li></ul>\
            <p>お問い合わせは<br>下記まで。</p></body></html>";
        let ex = html_to_text(html);
        assert_eq!(
            ex.text,
            "# 個人情報漏えいに関するお知らせ\n\n\
             このたび、当社サーバーが不正アクセスを受けました。\n\n\
             ## 1. 漏えいした情報\n\n\
             - 氏名\n- 住所\n- 電話番号\n\
             お問い合わせは\n下記まで。"
        );
        check_map(html, &ex);
        check_verbatim(html, &ex);
        // Synthetic "## " maps to the <h2> tag.
        let t = ex.text.find("## ").unwrap();
        for k in 0..3 {
            assert!(html[ex.to_html(t + k)..].starts_with("<h2>"));
        }
        let li = ex.text.find("- 住所").unwrap();
        assert!(html[ex.to_html(li)..].starts_with("<li>住所"));
        assert!(html[ex.to_html(li + 2)..].starts_with("住所"));
    }

    #[test]
    fn nested_lists_and_implied_ends() {
        let html = "<ul><li>第一<ul><li>詳細A<li>詳細B</ul><li>第二</ul><p>段落1<p>段落2";
        assert_eq!(
            text(html),
            "- 第一\n  - 詳細A\n  - 詳細B\n- 第二\n段落1\n段落2"
        );
        let html = "<dl><dt>発生日<dd>2024年5月1日<dt>件数<dd>約1,000件</dl>";
        assert_eq!(text(html), "発生日\n2024年5月1日\n件数\n約1,000件");
    }

    #[test]
    fn tables() {
        let html = "<table>\n<tr><th>項目</th><th>内容</th></tr>\n\
            <tr><td>発生日</td><td> 2024年5月1日 </td></tr>\
            <tr><td>対象</td><td>お客様<br>情報</td></tr>\
            <tr><td></td><td>空欄</td></tr>\n</table><p>以上</p>";
        let ex = html_to_text(html);
        assert_eq!(
            ex.text,
            "| 項目 | 内容 |\n| 発生日 | 2024年5月1日 |\n| 対象 | お客様 情報 |\n| | 空欄 |\n以上"
        );
        check_map(html, &ex);
        check_verbatim(html, &ex);
        // Implied </td></tr> and a missing <tr>.
        assert_eq!(
            text("<table><td>A<td>B<tr><td>C</table>"),
            "| A | B |\n| C |"
        );
        // Line structure inside a cell stays on the row, separated by spaces.
        let html =
            "<table><tr><th>漏えいした<br>情報</th><td><span>氏名</span><br>住所</td></tr></table>";
        assert_eq!(text(html), "| 漏えいした 情報 | 氏名 住所 |");
        // Layout tables (one column, block content, long cells) are plain blocks.
        let html = "<table width=\"100%\"><tr><td><h1>お知らせ</h1><p>本文1</p><p>本文2</p></td>\
            <td><table><tr><td>項目</td><td>値</td></tr></table></td></tr></table>";
        assert_eq!(text(html), "# お知らせ\n\n本文1\n本文2\n| 項目 | 値 |");
        let html = "<table><tr><td>お問い合わせ先：<br>サンプル窓口</td></tr></table>";
        assert_eq!(text(html), "お問い合わせ先：\nサンプル窓口");
    }

    #[test]
    fn drops_script_style_and_friends() {
        let html = "<head><style>p{color:red}</style><script>var a='<p>x</p>';</script></head>\
            <body><p>本文<script type=\"text/javascript\">document.write(\"</div>\")</SCRIPT>です</p>\
            <noscript>JavaScriptを有効にしてください</noscript><template><p>テンプレ</p></template>\
            <svg><text>図</text></svg><!-- コメント --><p hidden>隠し</p>\
            <p><ruby>漏洩<rp>(</rp><rt>ろうえい</rt><rp>)</rp></ruby>の件</p></body>";
        assert_eq!(text(html), "本文です\n漏洩の件");
    }

    #[test]
    fn navigation_boilerplate_dropped_without_main() {
        let html = "<body><header><a href=/>ホーム</a></header>\
            <div id=\"gNavi\"><ul><li>製品</li><li>会社情報</li></ul></div>\
            <div class=\"topicpath\">ホーム &gt; ニュース</div>\
            <div class=\"contents\"><h1>不正アクセスに関するお知らせ</h1><p>本文です。</p>\
            <div class=\"sns-share\">ツイート</div></div>\
            <aside>関連記事</aside><div id=\"pagetop\">ページトップへ</div>\
            <footer>Copyright &copy; 2024</footer></body>";
        assert_eq!(text(html), "# 不正アクセスに関するお知らせ\n\n本文です。");
    }

    #[test]
    fn boilerplate_class_holding_the_content_is_kept() {
        // A layout wrapper whose class mentions "sidebar" but holds the notice.
        let html = "<div class=\"layout-with-sidebar\"><div class=\"main\">\
            <p>このたび当社の通販サイトにおいて、お客様のクレジットカード情報が漏えいした可能性があることが判明しました。</p></div>\
            <div class=\"sidebar\">新着情報</div></div>";
        assert_eq!(
            text(html),
            "このたび当社の通販サイトにおいて、お客様のクレジットカード情報が漏えいした可能性があることが判明しました。"
        );
        // A page header block holding the title heading is kept.
        let html = "<div class=\"page-header\"><h1>お詫びとお知らせ</h1></div><p>本文。</p>";
        assert_eq!(text(html), "# お詫びとお知らせ\n\n本文。");
    }

    #[test]
    fn main_and_article_preferred() {
        let html = "<body><nav>メニュー</nav><div class=\"side\">広告</div>\
            <main><nav class=\"breadcrumb\">ホーム &gt; お知らせ</nav>\
            <h1>お知らせ</h1><p>本文</p><footer>2024年5月1日 株式会社サンプル</footer></main>\
            <footer>フッター</footer></body>";
        // Everything inside <main> is kept, nothing outside it.
        assert_eq!(
            text(html),
            "ホーム > お知らせ\n\n# お知らせ\n\n本文\n2024年5月1日 株式会社サンプル"
        );

        let html = "<div id=\"header\">ヘッダー</div><div class=\"wrap\">\
            <article><header><h1>個人情報漏えいのお知らせ</h1></header><p>詳細は以下の通りです。</p></article></div>\
            <aside><article><p>関連ニュース</p></article></aside>";
        assert_eq!(
            text(html),
            "# 個人情報漏えいのお知らせ\n\n詳細は以下の通りです。"
        );

        // A main inside a header-like wrapper still wins.
        let html = "<div id=\"header-wrap\"><main><p>本文</p></main></div><p>外側</p>";
        assert_eq!(text(html), "本文");

        // Small teaser articles do not hide the real content.
        let html = "<div class=\"news\"><article>他の記事</article></div>\
            <div><p>このたび、弊社が運営するウェブサイトに対して第三者による不正アクセスがあり、お客様の個人情報が流出した可能性があることが判明いたしました。</p></div>";
        assert!(text(html).starts_with("他の記事\nこのたび"));
    }

    #[test]
    fn entities_and_map() {
        let html = "<p>A&amp;B &lt;重要&gt; &quot;引用&quot; &#39;x&#39;&nbsp;y &#12354;&#x3042; &yen;100 &copy; &hellip;&mdash;&ndash;&rsquo;&ldquo; &unknown; &amp &#150; &#0;</p>";
        let ex = html_to_text(html);
        assert_eq!(
            ex.text,
            "A&B <重要> \"引用\" 'x' y ああ ¥100 © …—–’“ &unknown; & – \u{FFFD}"
        );
        check_map(html, &ex);
        check_verbatim(html, &ex);
        for (needle, src) in [
            ("&B", "&amp;"),
            ("<重要", "&lt;"),
            ("ああ", "&#12354;"),
            ("¥", "&yen;"),
            ("…", "&hellip;"),
        ] {
            let t = ex.text.find(needle).unwrap();
            assert!(html[ex.to_html(t)..].starts_with(src), "{needle}");
        }
        // Inside a multi-byte decoded char, to_html snaps to the '&'.
        let t = ex.text.find('あ').unwrap();
        assert_eq!(ex.to_html(t + 1), ex.to_html(t));
        assert!(html[ex.to_html(t + 3)..].starts_with("&#x3042;"));
        // The char after an entity maps back into the source.
        let t = ex.text.find("重要").unwrap();
        assert!(html[ex.to_html(t)..].starts_with("重要"));
    }

    #[test]
    fn whitespace_rules() {
        // Line wrapping between Japanese characters disappears, spaces elsewhere collapse.
        assert_eq!(text("<p>個人\n  情報の\r\n漏えい</p>"), "個人情報の漏えい");
        assert_eq!(
            text("<p>Web\nサイト  と   API\tです</p>"),
            "Web サイト と API です"
        );
        assert_eq!(
            text("<p><span>個人</span>\n<span>情報</span></p>"),
            "個人情報"
        );
        // A plain space between Japanese characters is real text.
        assert_eq!(text("<p>株式会社 サンプル</p>"), "株式会社 サンプル");
        // Trailing spaces trimmed, at most one blank line.
        assert_eq!(text("<p>a   </p>\n\n<br><br><br><br><p>   b</p>"), "a\n\nb");
        assert_eq!(text("<div>一<br></div><div>二</div>"), "一\n二");
        assert_eq!(text(""), "");
        assert_eq!(text("   \n "), "");
    }

    #[test]
    fn pre_keeps_spacing() {
        let html = "<p>前</p><pre>\n  項目:  値\n\n\n\n  次  \n</pre><p>後</p>";
        let ex = html_to_text(html);
        assert_eq!(ex.text, "前\n  項目:  値\n\n  次\n後");
        check_map(html, &ex);
        check_verbatim(html, &ex);
    }

    #[test]
    fn broken_markup() {
        let cases = [
            "<p>未閉じ<div>ブロック<span>インライン",
            "1 < 2 かつ 3 > 2 <あ> </ >",
            "<P CLASS=X>大文字<BR>タグ</P>",
            "<a title=\"a>b\" href='c>d'>リンク</a>です",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><!DOCTYPE html><p>本文</p>",
            "<p>前<![CDATA[ <p>中</p> ]]>後</p>",
            "<p>前<!-->後<!--->終</p>",
            "</div></p></li></td><p>迷子</p>",
            "<script>閉じない",
            "<title>タイトルだけ",
            "<p>属性が<a href=\"閉じない",
            "<!-- 閉じないコメント",
            "&#xFFFFFFFFFF; &#99999999999999999999; &#xD800; &;&#;&#x;",
        ];
        let expected = [
            "未閉じ\nブロックインライン",
            "1 < 2 かつ 3 > 2 <あ>",
            "大文字\nタグ",
            "リンクです",
            "本文",
            "前後",
            "前後終",
            "\n迷子",
            "閉じない",
            "タイトルだけ",
            "属性が",
            "",
            "\u{FFFD} \u{FFFD} \u{FFFD} &;&#;&#x;",
        ];
        for (html, want) in cases.iter().zip(expected) {
            let ex = html_to_text(html);
            assert_eq!(ex.text, want.trim_start_matches('\n'), "{html}");
            check_map(html, &ex);
            check_verbatim(html, &ex);
        }
    }

    #[test]
    fn synthetic_newlines_map_to_tags() {
        let html = "<p>一行目</p><p>二行目</p>";
        let ex = html_to_text(html);
        assert_eq!(ex.text, "一行目\n二行目");
        let nl = ex.text.find('\n').unwrap();
        assert!(html[ex.to_html(nl)..].starts_with("</p>"));
        assert_eq!(ex.to_html(ex.text.len()), html.len() - "</p>".len());
        assert_eq!(ex.to_html(usize::MAX), ex.to_html(ex.text.len()));
        assert_eq!(html_to_text("").to_html(5), 0);
    }

    #[test]
    fn realistic_notice_maps_verbatim() {
        let html = sample_page();
        let ex = html_to_text(&html);
        check_map(&html, &ex);
        let verbatim = check_verbatim(&html, &ex);
        assert!(verbatim > ex.text.chars().count() / 2);
        let title = "# 不正アクセスによる個人情報漏えいに関するお詫びとお知らせ";
        let row = "| 漏えいした可能性のある件数 | 12,345件 |";
        assert!(ex.text.contains(title));
        assert!(ex.text.contains(row));
        assert!(!ex.text.contains("グローバルメニュー"));
        assert!(!ex.text.contains("gtag"));
        // Line/column of a diagnostic in the text points at the same words in the HTML.
        let t = ex.text.find("クレジットカード").unwrap();
        assert!(html[ex.to_html(t)..].starts_with("クレジットカード"));
    }

    #[test]
    fn legacy_layout_table_page() {
        let html = "<!DOCTYPE html>
<HTML>
<HEAD><META http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">
<TITLE>お知らせ</TITLE></HEAD>
<BODY>
<TABLE width=\"800\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\">
<TR><TD colspan=\"2\"><IMG src=\"logo.gif\" alt=\"株式会社テスト\"></TD></TR>
<TR>
<TD width=\"180\" valign=\"top\" class=\"leftmenu\">
<A href=\"/\">トップページ</A><BR>
<A href=\"/company/\">会社概要</A><BR>
</TD>
<TD valign=\"top\">
<P align=\"right\">2024年6月1日<BR>株式会社テスト<BR>代表取締役社長　山田太郎</P>
<P align=\"center\"><B>当社ウェブサイトへの不正アクセスによる<BR>個人情報流出に関するお詫びとお知らせ</B></P>
<P>　このたび、当社ウェブサイトが第三者による不正アクセスを受け、
お客様の個人情報（氏名、住所、電話番号、メールアドレス）
が流出した可能性があることが判明いたしました。</P>
<P>１．流出した可能性のある情報<BR>
&nbsp;&nbsp;・氏名<BR>
&nbsp;&nbsp;・住所</P>
<P>２．お問い合わせ先<BR>
　　株式会社テスト　お客様相談室<BR>
　　TEL：0120-xxx-xxx（平日9:00～17:00）</P>
</TD></TR>
<TR><TD colspan=\"2\" class=\"footer\">Copyright(C) TEST Co., Ltd. All Rights Reserved.</TD></TR>
</TABLE>
</BODY>
</HTML>
";
        let ex = html_to_text(html);
        check_map(html, &ex);
        check_verbatim(html, &ex);
        let lines: Vec<&str> = ex.text.lines().collect();
        assert_eq!(lines[0], "2024年6月1日");
        assert!(lines.contains(&"個人情報流出に関するお詫びとお知らせ"));
        assert!(lines.contains(&"・氏名"));
        assert!(lines.contains(&"　　TEL：0120-xxx-xxx（平日9:00～17:00）"));
        let end = "が流出した可能性があることが判明いたしました。";
        assert!(lines.iter().any(|l| l.ends_with(end)));
        assert!(!ex.text.contains("会社概要") && !ex.text.contains("Copyright"));
        assert!(!ex.text.contains('|'));
    }

    #[test]
    fn fuzz_byte_soup() {
        const ALPHABET: [&str; 12] = [
            "<", ">", "/", "&", ";", "a", "p", " ", "\"", "=", "あ", "\n",
        ];
        const WORDS: [&str; 24] = [
            "<p>",
            "</p>",
            "<li>",
            "<td>",
            "<tr>",
            "<table>",
            "<pre>",
            "<h2>",
            "<nav>",
            "<main>",
            "<script>",
            "</script>",
            "&amp;",
            "<!--",
            "</td>",
            "<x-a>",
            "</x-a>",
            "<article>",
            "<br>",
            "&#12354;",
            "<div class=menu>",
            "</div>",
            "<ul>",
            "</h2>",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut rnd = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..3000 {
            let len = (rnd() % 200) as usize;
            let mut s = String::new();
            for _ in 0..len {
                let r = rnd();
                if round % 2 == 1 && r % 5 == 0 {
                    s.push_str(WORDS[(r / 5 % WORDS.len() as u64) as usize]);
                } else {
                    s.push_str(ALPHABET[(r % ALPHABET.len() as u64) as usize]);
                }
            }
            let ex = html_to_text(&s);
            check_map(&s, &ex);
            check_verbatim(&s, &ex);
            assert!(
                !ex.text.starts_with('\n') && !ex.text.ends_with('\n'),
                "{s:?}"
            );
            assert!(!ex.text.contains("\n\n\n"), "{s:?}");
            assert!(ex.text.lines().all(|l| !l.ends_with(' ')), "{s:?}");
        }
    }

    #[test]
    fn deep_nesting_does_not_blow_up() {
        let mut html = String::new();
        for _ in 0..50_000 {
            html.push_str("<div><span><li>");
        }
        html.push_str("深い");
        for _ in 0..50_000 {
            html.push_str("</x-unknown></td>");
        }
        let ex = html_to_text(&html);
        assert!(ex.text.ends_with("- 深い"));
        check_map(&html, &ex);
    }

    pub(super) fn sample_page() -> String {
        let mut s = String::from(
            "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"UTF-8\">\n\
             <title>不正アクセスによる個人情報漏えいに関するお詫びとお知らせ | 株式会社サンプル</title>\n\
             <script>window.dataLayer=[];function gtag(){dataLayer.push(arguments)}</script>\n\
             <style>.a>b{content:\"<p>\"}</style>\n</head>\n<body class=\"news\">\n\
             <div id=\"header\"><div class=\"logo\"><a href=\"/\"><img src=\"logo.png\" alt=\"株式会社サンプル\"></a></div>\n\
             <ul class=\"gnav\"><li><a href=\"/\">グローバルメニュー</a></li><li>製品情報</li><li>企業情報</li></ul></div>\n\
             <div class=\"breadcrumb\"><a href=\"/\">トップ</a> &gt; <a href=\"/news/\">ニュース</a></div>\n\
             <div id=\"contents\">\n<h1 class=\"ttl\">不正アクセスによる個人情報漏えいに関するお詫びとお知らせ</h1>\n\
             <p class=\"date\">2024年5月20日</p>\n\
             <p>このたび、当社が運営する通販サイト「サンプルストア」におきまして、第三者による不正アクセスを受け、\n\
             お客様のクレジットカード情報（6,789件）を含む個人情報が漏えいした可能性があることが判明いたしました。</p>\n\
             <h2>1．経緯</h2>\n<p>2024年4月1日、一部のクレジットカード会社から、当サイトを利用したお客様の\n\
             クレジットカード情報の漏えい懸念について連絡を受けました。</p>\n\
             <h2>2．漏えいした可能性のある情報</h2>\n<table class=\"tbl\">\n<tr><th>漏えいした可能性のある件数</th><td>12,345件</td></tr>\n\
             <tr><th>対象期間</th><td>2023年1月1日&#xFF5E;2024年4月1日</td></tr>\n</table>\n\
             <ul>\n<li>カード名義人名</li>\n<li>クレジットカード番号</li>\n<li>有効期限</li>\n</ul>\n\
             <h2>3．お問い合わせ窓口</h2>\n<p>株式会社サンプル&nbsp;お客様相談窓口<br>\n電話番号：0120-000-000<br>\n\
             受付時間：10:00&#12316;18:00（土日祝日を除く）</p>\n</div>\n\
             <div class=\"sns\"><a>シェア</a></div>\n<div id=\"footer\"><p>&copy; Sample Co., Ltd.</p></div>\n",
        );
        s.push_str("<script>gtag('config','X');</script>\n</body>\n</html>\n");
        s
    }
}
