//! Sentence reading for the figure rules: the text cut into sentences, each sentence into
//! words, numerals and punctuation, and the clauses they fall into.

use super::lexicon::{ABBREVIATIONS, CLAUSE_CONJUNCTIONS};

/// Text beyond this many bytes is not read: articles are far shorter, junk can be huge.
const MAX_TEXT_BYTES: usize = 1 << 20;
/// Sentences longer than this are page junk (menus, scripts, lists run together), not prose.
pub(super) const MAX_SENTENCE_BYTES: usize = 1_500;
/// Words read per sentence; the rest of an absurd sentence is ignored.
const MAX_TOKENS: usize = 200;
/// Punctuation that opens a new clause, as "but" and "while" do.
const CLAUSE_MARKS: &str = ",;:()[]—–-\"“”";

/// The text cut to [`MAX_TEXT_BYTES`] at a character boundary.
pub(super) fn clip(text: &str) -> &str {
    if text.len() <= MAX_TEXT_BYTES {
        return text;
    }
    let mut end = MAX_TEXT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Calls `f(paragraph, sentence)` for each sentence until it returns false.
pub(super) fn for_each_sentence<'a>(text: &'a str, mut f: impl FnMut(usize, &'a str) -> bool) {
    let bytes = text.as_bytes();
    let mut para = 0;
    let mut start = 0;
    let mut i = 0;
    let mut emit = |from: usize, to: usize, para: usize| -> bool {
        let s = text[from..to].trim();
        if s.is_empty() { true } else { f(para, s) }
    };
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\n' {
            if !emit(start, i, para) {
                return;
            }
            // A blank line starts a new paragraph.
            let mut j = i + 1;
            while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t' || bytes[j] == b'\r') {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b'\n' {
                para += 1;
            }
            start = i + 1;
            i += 1;
            continue;
        }
        if (c == b'.' || c == b'!' || c == b'?') && ends_sentence(text, i) {
            if !emit(start, i + 1, para) {
                return;
            }
            start = i + 1;
        } else if bytes[i..].starts_with("•".as_bytes()) {
            if !emit(start, i, para) {
                return;
            }
            start = i + '•'.len_utf8();
        }
        i += 1;
    }
    emit(start, text.len(), para);
}

/// Whether the mark at byte `i` ends a sentence: space then a capital, digit or quote follows,
/// and a period does not close an abbreviation or an initial.
fn ends_sentence(text: &str, i: usize) -> bool {
    let rest = &text[i + 1..];
    let after_quotes = rest.trim_start_matches(['"', '\'', '’', '”', ')']);
    let Some(sp) = after_quotes.chars().next() else {
        return true;
    };
    if !sp.is_whitespace() {
        return false;
    }
    let next = after_quotes.trim_start().chars().next();
    if !next.is_some_and(|c| {
        c.is_uppercase() || c.is_ascii_digit() || "\"'“‘([".contains(c) || c == '•'
    }) {
        return false;
    }
    if text.as_bytes()[i] == b'.' {
        let before = &text[..i];
        let word_start = before.rfind(|c: char| !c.is_alphabetic()).map_or(0, |p| {
            p + before[p..].chars().next().map_or(1, char::len_utf8)
        });
        let word = &before[word_start..];
        if word.chars().count() == 1 && word.chars().all(char::is_uppercase) {
            return false;
        }
        if ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word)) {
            return false;
        }
    }
    true
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tk {
    /// Letters, with inner hyphens or apostrophes ("year-old", "Krasnogorsk's").
    Word,
    /// Starts with a digit, with inner separators ("1,204", "4:30", "100-plus", "9th").
    Num,
    /// One mark or symbol.
    Punct,
}

/// One word, numeral or punctuation mark of a sentence.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tok<'a> {
    /// The token's text.
    pub(super) s: &'a str,
    /// What the token is.
    pub(super) kind: Tk,
}

/// Splits a sentence into words, numerals and punctuation marks.
fn tokenize<'a>(s: &'a str, out: &mut Vec<Tok<'a>>) {
    out.clear();
    let mut it = s.char_indices().peekable();
    while let Some((start, c)) = it.next() {
        if out.len() >= MAX_TOKENS {
            return;
        }
        if c.is_whitespace() {
            continue;
        }
        if !c.is_alphanumeric() {
            out.push(Tok {
                s: &s[start..start + c.len_utf8()],
                kind: Tk::Punct,
            });
            continue;
        }
        let numeric = c.is_ascii_digit();
        let mut end = start + c.len_utf8();
        let mut prev = c;
        while let Some(&(p, d)) = it.peek() {
            if d.is_alphanumeric() {
                end = p + d.len_utf8();
                prev = d;
                it.next();
                continue;
            }
            // Joiners stay inside a word only between two word characters.
            let joins = match d {
                '-' | '\'' | '’' => true,
                '.' | ',' | ':' => prev.is_ascii_digit(),
                _ => false,
            };
            let after = s[p + d.len_utf8()..].chars().next();
            let ok = joins
                && after.is_some_and(|a| {
                    if matches!(d, '.' | ',' | ':') {
                        a.is_ascii_digit()
                    } else {
                        a.is_alphanumeric()
                    }
                });
            if !ok {
                break;
            }
            it.next();
            end = p + d.len_utf8();
            prev = d;
        }
        out.push(Tok {
            s: &s[start..end],
            kind: if numeric { Tk::Num } else { Tk::Word },
        });
    }
}

/// Whether `t` is the word `w`, ignoring ASCII case.
pub(super) fn is(t: Option<&Tok>, w: &str) -> bool {
    t.is_some_and(|t| t.s.eq_ignore_ascii_case(w))
}

/// Whether `t` is one of the words `ws`, ignoring ASCII case.
pub(super) fn is_any(t: Option<&Tok>, ws: &[&str]) -> bool {
    t.is_some_and(|t| ws.iter().any(|w| t.s.eq_ignore_ascii_case(w)))
}

/// Per-sentence reading state, reused across sentences to avoid allocation.
pub(super) struct Scanner<'a> {
    /// The sentence's tokens, at most [`MAX_TOKENS`].
    pub(super) toks: Vec<Tok<'a>>,
    /// The tokens' text, for the number parser.
    pub(super) words: Vec<&'a str>,
    /// Clause number of each token: punctuation and "but"/"while" open a new clause.
    pub(super) clause: Vec<u16>,
}

impl<'a> Scanner<'a> {
    /// An empty scanner, sized for the longest sentence read.
    pub(super) fn new() -> Self {
        Self {
            toks: Vec::with_capacity(MAX_TOKENS),
            words: Vec::with_capacity(MAX_TOKENS),
            clause: Vec::with_capacity(MAX_TOKENS),
        }
    }

    /// Reads sentence `s` into tokens and clauses, replacing the last one.
    pub(super) fn load(&mut self, s: &'a str) {
        tokenize(s, &mut self.toks);
        self.words.clear();
        self.words.extend(self.toks.iter().map(|t| t.s));
        self.clause.clear();
        let mut c: u16 = 0;
        for (i, t) in self.toks.iter().enumerate() {
            let boundary = (t.kind == Tk::Punct && CLAUSE_MARKS.contains(t.s))
                || is_any(Some(t), CLAUSE_CONJUNCTIONS);
            if boundary && i > 0 {
                c = c.saturating_add(1);
            }
            self.clause.push(c);
        }
    }

    /// Token range of clause `c`.
    pub(super) fn clause_range(&self, c: u16) -> (usize, usize) {
        let a = self.clause.iter().position(|&x| x == c).unwrap_or(0);
        let b = self
            .clause
            .iter()
            .rposition(|&x| x == c)
            .map_or(a, |p| p + 1);
        (a, b)
    }

    /// First word of clause `c`, skipping its opening punctuation.
    pub(super) fn clause_head(&self, c: u16) -> Option<&Tok<'a>> {
        let (a, b) = self.clause_range(c);
        self.toks[a..b].iter().find(|t| t.kind != Tk::Punct)
    }

    /// Whether token `k` is a year of the 1900s or 2000s ("2015").
    pub(super) fn is_year(&self, k: usize) -> bool {
        let t = &self.toks[k];
        t.kind == Tk::Num
            && t.s.len() == 4
            && t.s.bytes().all(|b| b.is_ascii_digit())
            && matches!(t.s.as_bytes()[..2], [b'1', b'9'] | [b'2', b'0'])
    }

    /// The value of the year at token `k` (see [`Scanner::is_year`]).
    pub(super) fn year_value(&self, k: usize) -> u16 {
        self.toks[k].s.parse().unwrap_or(0)
    }
}

#[cfg(test)]
impl<'a> Scanner<'a> {
    /// A scanner loaded with `s`.
    pub(super) fn of(s: &'a str) -> Self {
        let mut sc = Self::new();
        sc.load(s);
        sc
    }

    /// Index of the first token spelled `w`.
    pub(super) fn at(&self, w: &str) -> usize {
        self.toks
            .iter()
            .position(|t| t.s == w)
            .unwrap_or_else(|| panic!("no token {w:?} in {:?}", self.words))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<(usize, &str)> {
        let mut out = Vec::new();
        for_each_sentence(text, |para, s| {
            out.push((para, s));
            true
        });
        out
    }

    fn words(s: &str) -> Vec<(&str, Tk)> {
        let mut toks = Vec::new();
        tokenize(s, &mut toks);
        toks.iter().map(|t| (t.s, t.kind)).collect()
    }

    #[test]
    fn sentences_split_at_marks_lines_and_bullets() {
        assert_eq!(
            sentences("Five died. Two are missing!\nA line\n\n• One • Two"),
            vec![
                (0, "Five died."),
                (0, "Two are missing!"),
                (0, "A line"),
                (1, "One"),
                (1, "Two"),
            ]
        );
    }

    #[test]
    fn sentences_stop_when_told() {
        let mut seen = 0;
        for_each_sentence("One. Two. Three.", |_, _| {
            seen += 1;
            seen < 2
        });
        assert_eq!(seen, 2);
    }

    #[test]
    fn a_period_after_an_abbreviation_or_initial_does_not_end_a_sentence() {
        assert!(!ends_sentence("Mr. Lane", 2));
        assert!(!ends_sentence("J. Smith", 1));
        assert!(!ends_sentence("12 Jan. 2024", 6));
        assert!(!ends_sentence("died. then", 4));
        assert!(ends_sentence("died. Then", 4));
        assert!(ends_sentence("died.\" Then", 4));
        assert!(ends_sentence("died.", 4));
    }

    #[test]
    fn clip_cuts_at_a_char_boundary() {
        assert_eq!(clip("short"), "short");
        let long = "é".repeat(MAX_TEXT_BYTES);
        let cut = clip(&long);
        assert!(cut.len() <= MAX_TEXT_BYTES && cut.len() >= MAX_TEXT_BYTES - 1);
    }

    #[test]
    fn tokens_keep_joiners_between_word_characters() {
        use Tk::*;
        assert_eq!(
            words("A 15-year-old, 1,204 at 4:30 - O'Neil's."),
            vec![
                ("A", Word),
                ("15-year-old", Num),
                (",", Punct),
                ("1,204", Num),
                ("at", Word),
                ("4:30", Num),
                ("-", Punct),
                ("O'Neil's", Word),
                (".", Punct),
            ]
        );
        assert_eq!(words("3, 4"), vec![("3", Num), (",", Punct), ("4", Num)]);
    }

    #[test]
    fn tokens_stop_at_the_limit() {
        assert_eq!(words(&"x ".repeat(MAX_TOKENS * 2)).len(), MAX_TOKENS);
    }

    #[test]
    fn words_match_ignoring_case() {
        let sc = Scanner::of("Killed");
        assert!(is(sc.toks.first(), "killed"));
        assert!(is_any(sc.toks.first(), &["dead", "KILLED"]));
        assert!(!is(None, "killed"));
    }

    #[test]
    fn clauses_open_at_punctuation_and_conjunctions() {
        let sc = Scanner::of("Six died, but nine survived while two fled");
        assert_eq!(sc.clause, vec![0, 0, 1, 2, 2, 2, 3, 3, 3]);
        assert_eq!(sc.clause_range(2), (3, 6));
        assert!(
            sc.clause_head(1).is_none(),
            "a comma alone has no head word"
        );
        assert!(is(sc.clause_head(3), "while"));
        let sc = Scanner::of("(In 2015) they left");
        assert!(is(sc.clause_head(0), "In"));
        assert!(is(sc.clause_head(1), "they"));
    }

    #[test]
    fn years_are_four_digits_of_the_1900s_or_2000s() {
        let sc = Scanner::of("In 2015 and 1998, not 1850 or 20150 or 15");
        assert!(sc.is_year(sc.at("2015")) && sc.is_year(sc.at("1998")));
        assert_eq!(sc.year_value(sc.at("2015")), 2015);
        assert!(!sc.is_year(sc.at("1850")) && !sc.is_year(sc.at("20150")));
        assert!(!sc.is_year(sc.at("15")) && !sc.is_year(sc.at("In")));
    }
}
