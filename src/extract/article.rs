//! Main-text extraction: reads an article page's HTML into its headline, publication and
//! update times and body text, leaving out navigation, related-story lists, comments,
//! promotions and other page furniture.
//!
//! The body is found the way Readability does it (paragraph scores flow to their ancestors,
//! discounted by link density; the best ancestor and its worthy siblings are kept, then
//! cleaned block by block), on a flat pre-order copy of the DOM so that no step recurses.
//! What the page declares is used alongside: JSON-LD `articleBody` trims or replaces the DOM
//! text, and application-state scripts are read when the DOM holds no text at all.

use std::collections::HashSet;

use ego_tree::iter::Edge;
use scraper::{Html, Node as DomNode};

pub use super::charset::decode;
use super::page_meta::{self, collapse};
use super::script_text;
use crate::model::Article;

/// Larger inputs are cut here: article text never sits past the first megabytes, and
/// parsing time grows with size.
const MAX_INPUT_BYTES: usize = 5 << 20;
/// A paragraph shorter than this (in non-space characters) gives its ancestors no score.
const MIN_PARAGRAPH_CHARS: u32 = 22;
/// Below this many characters the strict pass is thought to have thrown the body away.
const SPARSE_TEXT_CHARS: usize = 250;
/// Marks "no node" in parent links.
const NONE: usize = usize::MAX;

/// Reads the headline, times and main text of an article page.
pub fn read(html: &str, _url: Option<&url::Url>) -> Article {
    let html = crate::text::nesting::bound(&html[..html.floor_char_boundary(MAX_INPUT_BYTES)]);
    let doc = Html::parse_document(&html);
    let meta = page_meta::read(&doc);

    let mut arena = build(&doc);
    let mut paragraphs = main_text(&mut arena, true, meta.title.as_deref());
    if char_total(&paragraphs) < SPARSE_TEXT_CHARS {
        let lenient = main_text(&mut arena, false, meta.title.as_deref());
        if char_total(&lenient) > char_total(&paragraphs) {
            paragraphs = lenient;
        }
    }

    if let Some(raw) = meta.ld_body.as_deref() {
        paragraphs = reconcile_with_declared_body(paragraphs, raw);
    }

    if char_total(&paragraphs) < SPARSE_TEXT_CHARS {
        let from_scripts = script_paragraphs(&meta.scripts);
        if char_total(&from_scripts) > char_total(&paragraphs) {
            paragraphs = from_scripts;
        }
    }

    Article {
        title: meta.title,
        published: meta.published,
        updated: meta.updated,
        text: paragraphs.join("\n\n"),
    }
}

fn char_total(paragraphs: &[String]) -> usize {
    paragraphs.iter().map(|p| p.chars().count()).sum()
}

/// What part an element plays in text layout and scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Text,
    P,
    Div,
    Section,
    Article,
    Main,
    Heading(u8),
    List,
    Li,
    Table,
    Cell,
    Blockquote,
    Pre,
    Br,
    A,
    Img,
    Body,
    Block,
    Inline,
}

impl Tag {
    fn of(name: &str) -> Tag {
        match name {
            "p" => Tag::P,
            "div" => Tag::Div,
            "section" => Tag::Section,
            "article" => Tag::Article,
            "main" => Tag::Main,
            "h1" => Tag::Heading(1),
            "h2" => Tag::Heading(2),
            "h3" => Tag::Heading(3),
            "h4" => Tag::Heading(4),
            "h5" => Tag::Heading(5),
            "h6" => Tag::Heading(6),
            "ul" | "ol" => Tag::List,
            "li" => Tag::Li,
            "table" => Tag::Table,
            "td" | "th" => Tag::Cell,
            "blockquote" => Tag::Blockquote,
            "pre" => Tag::Pre,
            "br" => Tag::Br,
            "a" => Tag::A,
            "img" => Tag::Img,
            "body" => Tag::Body,
            "html" | "address" | "center" | "details" | "summary" | "fieldset" | "hgroup"
            | "form" | "header" | "footer" | "nav" | "aside" | "figure" | "dl" | "dt" | "dd"
            | "tr" | "tbody" | "thead" | "tfoot" | "caption" | "hr" | "legend" | "dialog"
            | "menu" | "figcaption" | "noscript" => Tag::Block,
            _ => Tag::Inline,
        }
    }

    fn is_block(self) -> bool {
        !matches!(self, Tag::Text | Tag::A | Tag::Img | Tag::Inline)
    }

    /// Readability's prior on how likely an element of this kind holds the article.
    fn prior(self) -> f32 {
        match self {
            Tag::Div => 5.0,
            Tag::Pre | Tag::Cell | Tag::Blockquote => 3.0,
            Tag::List | Tag::Li => -3.0,
            Tag::Heading(_) => -5.0,
            _ => 0.0,
        }
    }
}

/// One DOM node in the flat copy; subtrees are the ranges `index..end`.
#[derive(Debug, Clone)]
struct Node {
    tag: Tag,
    parent: usize,
    end: usize,
    /// Byte range of a text node's text in `Arena::text`.
    text: (usize, usize),
    /// Class/id evidence: positive for content-like names, negative for furniture.
    weight: f32,
    /// Class/id names bylines, tags or captions: dropped from output when short.
    short_furniture: bool,
    chars: u32,
    link_chars: u32,
    /// Characters in text and inline children directly inside this element.
    direct_chars: u32,
    commas: u32,
    paragraphs: u32,
    items: u32,
    element_children: u32,
    score: f32,
    scored: bool,
    /// Text size before anything was dropped, to tell page wrappers from widgets.
    raw_chars: u32,
    /// Characters inside blockquotes: embedded posts quoted by the article.
    quote_chars: u32,
    raw_quote_chars: u32,
    furniture_tag: bool,
    protected: bool,
    strong_negative: bool,
    /// A weak furniture name with no content-like name beside it.
    weak_negative: bool,
    /// Left out in the current pass.
    removed: bool,
}

impl Node {
    fn new(tag: Tag, parent: usize, idx: usize) -> Node {
        Node {
            tag,
            parent,
            end: idx + 1,
            text: (0, 0),
            weight: 0.0,
            short_furniture: false,
            chars: 0,
            link_chars: 0,
            direct_chars: 0,
            commas: 0,
            paragraphs: 0,
            items: 0,
            element_children: 0,
            score: 0.0,
            scored: false,
            raw_chars: 0,
            quote_chars: 0,
            raw_quote_chars: 0,
            furniture_tag: false,
            protected: false,
            strong_negative: false,
            weak_negative: false,
            removed: false,
        }
    }
}

/// The flat pre-order copy of the document's body.
struct Arena {
    nodes: Vec<Node>,
    text: String,
    /// Visible text of the whole page, in non-space characters.
    total_chars: u32,
}

impl Arena {
    fn text_of(&self, i: usize) -> &str {
        let (a, b) = self.nodes[i].text;
        &self.text[a..b]
    }

    fn link_density(&self, i: usize) -> f32 {
        let n = &self.nodes[i];
        if n.chars == 0 {
            0.0
        } else {
            n.link_chars as f32 / n.chars as f32
        }
    }

    /// Element children of `i`, in order.
    fn children(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let end = self.nodes[i].end;
        let mut c = i + 1;
        std::iter::from_fn(move || {
            while c < end {
                let here = c;
                c = self.nodes[here].end.max(here + 1);
                if self.nodes[here].tag != Tag::Text {
                    return Some(here);
                }
            }
            None
        })
    }
}

/// Elements whose whole subtree is never article text.
fn always_skipped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "head"
            | "title"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "select"
            | "textarea"
            | "button"
            | "input"
            | "option"
            | "video"
            | "audio"
            | "map"
    )
}

/// Elements that are page furniture in almost every layout.
fn furniture_tag(name: &str) -> bool {
    matches!(
        name,
        "nav"
            | "footer"
            | "aside"
            | "header"
            | "figure"
            | "figcaption"
            | "picture"
            | "dialog"
            | "menu"
    )
}

/// Class/id words that mark furniture even beside content-like words.
const STRONG_NEGATIVE: &[&str] = &[
    "comment",
    "disqus",
    "related",
    "share",
    "sharing",
    "social",
    "newsletter",
    "subscri",
    "cookie",
    "consent",
    "gdpr",
    "promo",
    "sponsor",
    "outbrain",
    "taboola",
    "recommend",
    "trending",
    "popular",
    "mostread",
    "breadcrumb",
    "donat",
    "signup",
    "advert",
    "adsense",
    "adslot",
    "caption",
    "modal",
    "popup",
    "toolbar",
    "readmore",
];
/// Compound class/id words, matched anywhere in a token with separators removed.
const COMPOUND_NEGATIVE: &[&str] = &[
    "authorbio",
    "authorbox",
    "aboutauthor",
    "abouttheauthor",
    "authorinfo",
    "morestories",
    "mostread",
    "mostpopular",
    "seealso",
    "alsoread",
    "readnext",
    "upnext",
];
/// Exact class/id parts (after splitting on separators) that mark furniture.
const NEGATIVE_PARTS: &[&str] = &["ad", "ads", "dfp", "gpt", "follow", "print", "rss"];
/// Class/id words that mark furniture unless content-like words stand beside them.
const WEAK_NEGATIVE: &[&str] = &[
    "footer",
    "header",
    "masthead",
    "menu",
    "nav",
    "sidebar",
    "banner",
    "pagination",
    "pager",
    "widget",
    "extra",
    "supplement",
    "skip",
    "hidden",
    "combx",
    "contact",
    "shopping",
    "tool",
    "utility",
    "secondary",
    "rail",
    "aside",
    "jump",
    "breaking",
    "gallery",
    "slideshow",
    "carousel",
    "slider",
];
/// Class/id words for short bits of page furniture that sit inside article bodies.
const SHORT_FURNITURE: &[&str] = &[
    "byline",
    "dateline",
    "author",
    "meta",
    "tags",
    "credit",
    "timestamp",
    "date",
    "category",
    "kicker",
    "eyebrow",
    "label",
    "badge",
    "updated",
    "published",
    "time",
    "pubdate",
    "authorname",
    "publishdate",
];
/// Class/id words that mark article content.
const POSITIVE: &[&str] = &[
    "article", "body", "content", "entry", "hentry", "main", "page", "post", "text", "blog",
    "story", "column",
];

/// The lowercase words of an element's class and id, split on separators and camelCase.
fn name_parts(class: &str, id: &str) -> Vec<String> {
    let mut parts = Vec::new();
    for token in class.split_whitespace().chain(id.split_whitespace()) {
        // Modifier classes ("has-comments", "no-sidebar") describe the page, not the element.
        let lower = token.to_ascii_lowercase();
        if [
            "has-", "has_", "no-", "no_", "with-", "is-", "show-", "hide-",
        ]
        .iter()
        .any(|p| lower.starts_with(p))
        {
            continue;
        }
        let mut cur = String::new();
        let mut prev_lower = false;
        for c in token.chars() {
            if !c.is_alphanumeric() {
                if !cur.is_empty() {
                    parts.push(std::mem::take(&mut cur));
                }
                prev_lower = false;
                continue;
            }
            if c.is_uppercase() && prev_lower && !cur.is_empty() {
                parts.push(std::mem::take(&mut cur));
            }
            prev_lower = c.is_lowercase();
            cur.extend(c.to_lowercase());
        }
        if !cur.is_empty() {
            parts.push(cur);
        }
        // Joined forms catch "relatedstories" and "read-more" alike.
        parts.push(lower.replace(['-', '_'], ""));
    }
    parts
}

/// What the class and id say about an element.
struct NameEvidence {
    strong_negative: bool,
    weak_negative: bool,
    positive: bool,
    short_furniture: bool,
}

fn name_evidence(class: &str, id: &str) -> NameEvidence {
    let parts = name_parts(class, id);
    let has = |list: &[&str]| parts.iter().any(|p| list.iter().any(|w| p.starts_with(w)));
    let commentary = parts.iter().any(|p| p.starts_with("commentary"));
    NameEvidence {
        strong_negative: (has(STRONG_NEGATIVE) && !commentary)
            || parts.iter().any(|p| NEGATIVE_PARTS.contains(&p.as_str()))
            || parts
                .iter()
                .any(|p| COMPOUND_NEGATIVE.iter().any(|w| p.contains(w))),
        weak_negative: has(WEAK_NEGATIVE),
        positive: has(POSITIVE),
        // Exact words (or plurals): "time" must not catch "timeline", nor "author" "authority".
        short_furniture: parts.iter().any(|p| {
            SHORT_FURNITURE
                .iter()
                .any(|w| p.strip_suffix('s').unwrap_or(p) == *w || p == w)
        }),
    }
}

fn is_hidden(el: &scraper::node::Element) -> bool {
    if el.attr("hidden").is_some() || el.attr("aria-hidden") == Some("true") {
        return true;
    }
    el.attr("style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// True when an element is mostly a quoted post of some length.
fn is_quote_embed(quote_chars: u32, chars: u32) -> bool {
    quote_chars >= 60 && quote_chars * 10 >= chars * 7
}

/// Copies the document's visible nodes into an arena, with what their names say about them.
fn build(doc: &Html) -> Arena {
    let mut nodes: Vec<Node> = Vec::new();
    let mut text = String::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut skip_depth = 0usize;
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                DomNode::Element(el) => {
                    if skip_depth > 0 {
                        skip_depth += 1;
                        continue;
                    }
                    let name = el.name();
                    if always_skipped(name) || is_hidden(el) {
                        skip_depth = 1;
                        continue;
                    }
                    let tag = Tag::of(name);
                    let evidence =
                        name_evidence(el.attr("class").unwrap_or(""), el.id().unwrap_or(""));
                    let body_hint = el
                        .attr("itemprop")
                        .is_some_and(|p| p.eq_ignore_ascii_case("articleBody"));
                    let mut weight = 0.0;
                    if evidence.positive {
                        weight += 25.0;
                    }
                    if evidence.strong_negative || evidence.weak_negative {
                        weight -= 25.0;
                    }
                    if body_hint {
                        weight += 50.0;
                    }
                    let idx = nodes.len();
                    let mut n = Node::new(tag, stack.last().copied().unwrap_or(NONE), idx);
                    n.weight = weight;
                    n.short_furniture = evidence.short_furniture && !body_hint;
                    n.furniture_tag = furniture_tag(name);
                    n.protected = matches!(tag, Tag::Body | Tag::Main | Tag::Article)
                        || name == "html"
                        || body_hint;
                    n.strong_negative = evidence.strong_negative;
                    n.weak_negative = evidence.weak_negative && !evidence.positive;
                    nodes.push(n);
                    stack.push(idx);
                }
                DomNode::Text(t) if skip_depth == 0 && !stack.is_empty() => {
                    let start = text.len();
                    text.push_str(t);
                    let idx = nodes.len();
                    let mut n = Node::new(Tag::Text, stack.last().copied().unwrap_or(NONE), idx);
                    n.text = (start, text.len());
                    nodes.push(n);
                }
                _ => {}
            },
            Edge::Close(node) => {
                if !node.value().is_element() {
                    continue;
                }
                if skip_depth > 0 {
                    skip_depth -= 1;
                    continue;
                }
                if let Some(idx) = stack.pop() {
                    nodes[idx].end = nodes.len();
                }
            }
        }
    }
    let mut arena = Arena {
        nodes,
        text,
        total_chars: 0,
    };
    add_up(&mut arena);
    for n in &mut arena.nodes {
        n.raw_chars = n.chars;
        n.raw_quote_chars = n.quote_chars;
    }
    arena.total_chars = arena
        .nodes
        .iter()
        .filter(|n| n.parent == NONE)
        .map(|n| n.chars)
        .sum();
    arena
}

/// Marks the furniture to leave out and recounts without it. `strict` drops furniture tags
/// and class/id furniture; otherwise nothing is dropped before scoring. Names that merely
/// suggest furniture ("header") never drop a wrapper holding much of the page.
fn prepare(arena: &mut Arena, strict: bool) {
    let big = arena.total_chars as f32 * 0.3;
    for i in 0..arena.nodes.len() {
        let parent = arena.nodes[i].parent;
        let inherited = parent != NONE && arena.nodes[parent].removed;
        let n = &mut arena.nodes[i];
        // A "social" wrapper around a quoted post is part of the story, not a share bar.
        let quote = is_quote_embed(n.raw_quote_chars, n.raw_chars);
        let own = strict
            && (n.furniture_tag
                || (!n.protected
                    && !quote
                    && (n.strong_negative || (n.weak_negative && (n.raw_chars as f32) < big))));
        n.removed = inherited || own;
        n.chars = 0;
        n.link_chars = 0;
        n.direct_chars = 0;
        n.commas = 0;
        n.quote_chars = 0;
        n.paragraphs = 0;
        n.items = 0;
        n.element_children = 0;
        n.score = 0.0;
        n.scored = false;
    }
    add_up(arena);
}

/// Fills in text, link and structure counts bottom-up (children follow parents).
fn add_up(arena: &mut Arena) {
    for i in (0..arena.nodes.len()).rev() {
        if arena.nodes[i].removed {
            continue;
        }
        if arena.nodes[i].tag == Tag::Text {
            let t = arena.text_of(i);
            let chars = t.chars().filter(|c| !c.is_whitespace()).count() as u32;
            let commas = t
                .chars()
                .filter(|c| matches!(c, ',' | '，' | '、' | '،'))
                .count() as u32;
            let n = &mut arena.nodes[i];
            n.chars = chars;
            n.direct_chars = chars;
            n.commas = commas;
        }
        let n = arena.nodes[i].clone();
        let link_chars = if n.tag == Tag::A {
            n.chars
        } else {
            n.link_chars
        };
        arena.nodes[i].link_chars = link_chars;
        let quote_chars = if n.tag == Tag::Blockquote {
            n.chars
        } else {
            n.quote_chars
        };
        arena.nodes[i].quote_chars = quote_chars;
        if n.parent == NONE {
            continue;
        }
        let p = &mut arena.nodes[n.parent];
        p.chars += n.chars;
        p.link_chars += link_chars;
        p.quote_chars += quote_chars;
        p.commas += n.commas;
        p.paragraphs += n.paragraphs + u32::from(n.tag == Tag::P);
        p.items += n.items + u32::from(n.tag == Tag::Li);
        if n.tag != Tag::Text {
            p.element_children += 1;
        }
        if !n.tag.is_block() {
            p.direct_chars += n.chars;
        }
    }
}

/// Readability's scoring: paragraphs give points to five generations of ancestors.
fn score(arena: &mut Arena) {
    for i in 0..arena.nodes.len() {
        let n = &arena.nodes[i];
        if n.removed {
            continue;
        }
        let len = match n.tag {
            Tag::P | Tag::Pre | Tag::Cell => n.chars,
            Tag::Div | Tag::Section | Tag::Article | Tag::Main | Tag::Block | Tag::Blockquote => {
                n.direct_chars
            }
            _ => 0,
        };
        if len < MIN_PARAGRAPH_CHARS {
            continue;
        }
        let points = 1.0 + n.commas.min(30) as f32 + (len as f32 / 85.0).min(3.0);
        let mut ancestor = if n.tag == Tag::P || n.tag == Tag::Pre {
            n.parent
        } else {
            i
        };
        let mut level = 0usize;
        while ancestor != NONE && level < 5 {
            let a = &mut arena.nodes[ancestor];
            if !a.scored {
                a.scored = true;
                a.score = a.tag.prior() + a.weight;
            }
            a.score += match level {
                0 => points,
                1 => points / 2.0,
                _ => points / (level as f32 * 3.0),
            };
            ancestor = a.parent;
            level += 1;
        }
    }
    for i in 0..arena.nodes.len() {
        if arena.nodes[i].scored {
            let ld = arena.link_density(i);
            arena.nodes[i].score *= 1.0 - ld;
        }
    }
}

fn contains(arena: &Arena, outer: usize, inner: usize) -> bool {
    outer <= inner && inner < arena.nodes[outer].end
}

/// Picks the element holding the article and the siblings that continue it.
fn choose(arena: &Arena) -> Vec<usize> {
    let mut ranked: Vec<usize> = (0..arena.nodes.len())
        .filter(|&i| arena.nodes[i].scored)
        .collect();
    ranked.sort_by(|&a, &b| arena.nodes[b].score.total_cmp(&arena.nodes[a].score));
    let Some(&first) = ranked.first() else {
        // No paragraph anywhere: everything left after cleaning is the text.
        return arena
            .nodes
            .iter()
            .position(|n| n.tag == Tag::Body)
            .into_iter()
            .collect();
    };
    let mut top = first;
    let top_score = arena.nodes[top].score;

    // Several near-best candidates under one ancestor mean the body is split up (live blogs,
    // paginated sections): take the ancestor that holds them.
    let alternatives: Vec<usize> = ranked
        .iter()
        .skip(1)
        .take(4)
        .copied()
        .filter(|&c| arena.nodes[c].score >= top_score * 0.75)
        .collect();
    if alternatives.len() >= 3 {
        let mut parent = arena.nodes[top].parent;
        while parent != NONE && arena.nodes[parent].tag != Tag::Body {
            let held = alternatives
                .iter()
                .filter(|&&c| contains(arena, parent, c))
                .count();
            if held >= 3 {
                top = parent;
                break;
            }
            parent = arena.nodes[parent].parent;
        }
    }

    // Climb while the parent scores at least as well: the body is then wider than this node.
    let mut last = arena.nodes[top].score;
    let threshold = last / 3.0;
    let mut parent = arena.nodes[top].parent;
    while parent != NONE && arena.nodes[parent].tag != Tag::Body {
        let p = &arena.nodes[parent];
        if !p.scored {
            parent = p.parent;
            continue;
        }
        if p.score < threshold {
            break;
        }
        if p.score > last {
            top = parent;
            break;
        }
        last = p.score;
        parent = p.parent;
    }
    // A lone child says nothing its parent does not; the parent may hold siblings' text.
    while arena.nodes[top].parent != NONE {
        let parent = arena.nodes[top].parent;
        if arena.nodes[parent].tag == Tag::Body || arena.nodes[parent].element_children != 1 {
            break;
        }
        top = parent;
    }

    let parent = arena.nodes[top].parent;
    if parent == NONE {
        return vec![top];
    }
    let top_score = arena.nodes[top].score;
    let bar = (top_score * 0.2).max(10.0);
    arena
        .children(parent)
        .filter(|&s| {
            if s == top {
                return true;
            }
            let n = &arena.nodes[s];
            if n.scored && n.score >= bar {
                return true;
            }
            if n.tag == Tag::P {
                let ld = arena.link_density(s);
                if n.chars > 70 && ld < 0.25 {
                    return true;
                }
                if n.chars > 0 && n.chars <= 70 && ld == 0.0 {
                    return paragraph_text(arena, s).contains(". ");
                }
            }
            false
        })
        .collect()
}

/// The collapsed text of one element.
fn paragraph_text(arena: &Arena, i: usize) -> String {
    let mut s = String::new();
    for j in i..arena.nodes[i].end {
        if arena.nodes[j].tag == Tag::Text {
            s.push_str(arena.text_of(j));
        }
    }
    collapse(&s)
}

/// Readability's conditional cleaning: blocks inside the body that look like furniture.
fn drop_block(arena: &Arena, i: usize, title: Option<&str>) -> bool {
    let n = &arena.nodes[i];
    if n.short_furniture && n.chars < 160 {
        return true;
    }
    match n.tag {
        Tag::Heading(_) => {
            n.weight < 0.0
                || title.is_some_and(|t| same_words(&paragraph_text(arena, i), t))
                || arena.link_density(i) > 0.5
        }
        Tag::Div | Tag::Section | Tag::List | Tag::Table | Tag::Block => {
            if is_quote_embed(n.quote_chars, n.chars) {
                return arena.link_density(i) > 0.5;
            }
            let score = if n.scored { n.score } else { 0.0 };
            if n.weight + score < 0.0 {
                return true;
            }
            if n.commas >= 10 {
                return false;
            }
            let ld = arena.link_density(i);
            if n.chars < 25 && n.tag != Tag::Block {
                return true;
            }
            if n.tag == Tag::List && n.items > 0 && ld > 0.5 {
                return true;
            }
            (n.weight < 25.0 && ld > 0.2) || ld > 0.5
        }
        Tag::Li | Tag::P => arena.link_density(i) > 0.8 && n.chars < 200,
        _ => false,
    }
}

fn same_words(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && a == b
}

/// Writes the text under `roots` as paragraphs, skipping blocks `drop` rejects.
fn emit(arena: &Arena, roots: &[usize], drop: &dyn Fn(usize) -> bool, out: &mut Vec<String>) {
    let mut current = String::new();
    let flush = |current: &mut String, out: &mut Vec<String>| {
        let p = collapse(current);
        if !p.is_empty() {
            out.push(p);
        }
        current.clear();
    };
    for &root in roots {
        let mut open: Vec<usize> = Vec::new();
        let end = arena.nodes[root].end;
        let mut i = root;
        while i < end {
            while open.last().is_some_and(|&e| e <= i) {
                open.pop();
                flush(&mut current, out);
            }
            let n = &arena.nodes[i];
            if n.removed {
                i = n.end.max(i + 1);
                continue;
            }
            match n.tag {
                Tag::Text => {
                    current.push_str(arena.text_of(i));
                    i += 1;
                    continue;
                }
                Tag::Br => {
                    flush(&mut current, out);
                    i += 1;
                    continue;
                }
                _ => {}
            }
            if i != root && drop(i) {
                if n.tag.is_block() {
                    flush(&mut current, out);
                }
                i = n.end.max(i + 1);
                continue;
            }
            if n.tag == Tag::Cell && n.paragraphs == 0 && n.items == 0 && n.element_children < 4 {
                // Cells of a data table read as one line per row; layout cells that hold
                // paragraphs or lists still break.
                current.push(' ');
            } else if n.tag.is_block() {
                flush(&mut current, out);
                open.push(n.end);
            }
            i += 1;
        }
        flush(&mut current, out);
    }
}

/// Short lines that are page furniture in any layout.
fn furniture_line(p: &str) -> bool {
    let lower = p.to_lowercase();
    let bare = lower.trim_matches(|c: char| !c.is_alphanumeric());
    const EXACT: &[&str] = &[
        "advertisement",
        "advertisements",
        "advertising",
        "ad",
        "sponsored",
        "sponsored content",
        "story continues below advertisement",
        "continue reading",
        "continue reading below",
        "read more",
        "read more below",
        "share",
        "share this",
        "share this article",
        "share this story",
        "share on facebook",
        "share on twitter",
        "tweet",
        "email",
        "print",
        "comments",
        "comment",
        "related",
        "related articles",
        "related stories",
        "related content",
        "related news",
        "related posts",
        "related links",
        "most read",
        "most popular",
        "trending",
        "trending now",
        "recommended",
        "recommended for you",
        "you may also like",
        "you might also like",
        "sign up",
        "subscribe",
        "loading",
        "skip to content",
        "back to top",
        "follow us",
        "next",
        "previous",
        "close",
        "read next",
        "more stories",
        "see also",
        "also read",
        "watch",
        "listen",
    ];
    if EXACT.contains(&bare) {
        return true;
    }
    const PREFIXES: &[&str] = &[
        "a version of this article appears in print",
        "a version of this article appeared in print",
        "this article appeared in print",
        "this article appears in print",
        "(adsbygoogle",
    ];
    lower.len() < 400 && PREFIXES.iter().any(|pre| lower.starts_with(pre))
}

/// The main text of the document as paragraphs.
fn main_text(arena: &mut Arena, strict: bool, title: Option<&str>) -> Vec<String> {
    if arena.nodes.is_empty() {
        return Vec::new();
    }
    prepare(arena, strict);
    score(arena);
    let roots = choose(arena);
    let mut out = Vec::new();
    let drop = |i: usize| drop_block(arena, i, title);
    emit(arena, &roots, &drop, &mut out);
    tidy(out)
}

/// Removes furniture lines and immediate repeats.
fn tidy(paragraphs: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(paragraphs.len());
    for p in paragraphs {
        if furniture_line(&p) || out.last() == Some(&p) {
            continue;
        }
        out.push(p);
    }
    out
}

/// The text of an HTML fragment (a JSON-LD body or a script string), every block kept.
fn fragment_paragraphs(fragment: &str) -> Vec<String> {
    let doc = Html::parse_fragment(&crate::text::nesting::bound(fragment));
    let mut arena = build(&doc);
    prepare(&mut arena, false);
    let mut out = Vec::new();
    if !arena.nodes.is_empty() {
        let roots: Vec<usize> = (0..arena.nodes.len())
            .filter(|&i| arena.nodes[i].parent == NONE)
            .collect();
        emit(&arena, &roots, &|_| false, &mut out);
    }
    tidy(out)
}

/// Reads a plain-text article (a saved `.txt`, a `text/plain` answer): its first line is the
/// title, each further line a paragraph, so a lead stays a lead.
pub fn read_plain(text: &str) -> Article {
    let text = &text[..text.floor_char_boundary(MAX_INPUT_BYTES)];
    let mut lines = text.split('\n').map(collapse).filter(|p| !p.is_empty());
    let title = lines.next();
    Article {
        title,
        published: None,
        updated: None,
        text: tidy(lines.collect()).join("\n\n"),
    }
}

/// Whether text with no declared type reads as plain text: nothing in its opening looks
/// like a tag ("<p", "</", "<!").
pub fn looks_plain(text: &str) -> bool {
    let head = &text[..text.floor_char_boundary(4096)];
    !head
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

/// Declared text to paragraphs: markup and entities are read as HTML, plain text by lines.
fn declared_paragraphs(raw: &str) -> Vec<String> {
    if raw.contains('<') || raw.contains('&') {
        let with_breaks = raw.replace("\n\n", "<br>");
        return fragment_paragraphs(&with_breaks);
    }
    tidy(
        raw.split('\n')
            .map(collapse)
            .filter(|p| !p.is_empty())
            .collect(),
    )
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn shingles(words: &[String]) -> HashSet<&[String]> {
    if words.len() < 3 {
        return words.windows(words.len().max(1)).collect();
    }
    words.windows(3).collect()
}

/// Uses a JSON-LD `articleBody` to check the DOM text: when the DOM holds it, leading and
/// trailing paragraphs it lacks are trimmed; when the DOM misses it, it replaces the DOM
/// text. Truncated teasers change nothing, and the body is never output twice.
fn reconcile_with_declared_body(dom: Vec<String>, raw: &str) -> Vec<String> {
    let declared = declared_paragraphs(raw);
    let declared_words = words(&declared.join(" "));
    if declared_words.len() < 30 {
        return dom;
    }
    let declared_set = shingles(&declared_words);
    let dom_words = words(&dom.join(" "));
    let dom_set = shingles(&dom_words);
    let covered = declared_set.iter().filter(|s| dom_set.contains(*s)).count() as f32
        / declared_set.len().max(1) as f32;
    if covered < 0.6 {
        // The DOM pick missed the declared body; it is the better text unless it is a
        // teaser much shorter than what the DOM found.
        if declared_words.len() * 2 >= dom_words.len()
            || covered < 0.2 && declared_words.len() >= 150
        {
            return declared;
        }
        return dom;
    }
    let matches: Vec<bool> = dom
        .iter()
        .map(|p| {
            let w = words(p);
            let set = shingles(&w);
            !set.is_empty()
                && set.iter().filter(|s| declared_set.contains(*s)).count() * 2 >= set.len()
        })
        .collect();
    let Some(first) = matches.iter().position(|&m| m) else {
        return dom;
    };
    let complete = declared_words.len() * 10 >= dom_words.len() * 7;
    let last = if complete {
        matches.iter().rposition(|&m| m).unwrap_or(dom.len() - 1)
    } else {
        dom.len() - 1
    };
    dom.into_iter().skip(first).take(last + 1 - first).collect()
}

/// Text kept in application-state scripts, for pages whose DOM holds none.
fn script_paragraphs(scripts: &[String]) -> Vec<String> {
    let strings = script_text::prose_strings(scripts);
    let longest = strings.iter().max_by_key(|s| s.len());
    if let Some(long) = longest.filter(|s| s.len() >= 1500) {
        return declared_paragraphs(long);
    }
    strings
        .iter()
        .flat_map(|s| declared_paragraphs(s))
        .collect()
}

#[cfg(test)]
mod tests;
