//! Number reading for casualty figures: digits with separators, English number words,
//! ordinals and the vague quantity words that conflict-data coders turn into lower bounds.
//!
//! Callers hand over the words of a sentence from the candidate position on; the readers say
//! how many words the number spans, so the caller can look at what follows it.
//!
//! | text | value | qualifier |
//! |---|---|---|
//! | "1,200", "1 200" (two words), "1.200" (three digits after one dot) | 1200 | exact |
//! | "1.2 million", "3 thousand" | 1 200 000, 3000 | exact |
//! | "nine", "twenty-one", "twenty one", "a hundred and forty-three" | 9, 21, 21, 143 | exact |
//! | "a dozen", "two dozen" | 12, 24 | exact |
//! | "dozens" | 12 | at least |
//! | "scores" | 40 | at least |
//! | "hundreds" | 100 | at least |
//! | "thousands", "tens of thousands", "hundreds of thousands" | 1000, 10 000, 100 000 | at least |
//! | "millions" | 1 000 000 | at least |
//! | "several", "a few", "many", "numerous", "a handful", "several hundred" | none | — |
//!
//! Values saturate at `u64::MAX` rather than overflow, so absurd digit strings are harmless.

use crate::model::Qualifier;

/// A number read from the start of a run of words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedNumber {
    /// The value, saturated at `u64::MAX`.
    pub value: u64,
    /// `AtLeast` for vague lower bounds ("dozens"), otherwise `Exact`.
    pub qualifier: Qualifier,
    /// How many words the number spans.
    pub len: usize,
    /// True for ordinals ("ninth", "9th"): "a ninth suspect" means nine in all.
    pub ordinal: bool,
    /// True for vague words ("hundreds") that only give a lower bound.
    pub vague: bool,
}

/// Units 0–19 and the tens, as words.
fn small_word(w: &str) -> Option<u64> {
    const WORDS: [(&str, u64); 28] = [
        ("zero", 0),
        ("one", 1),
        ("two", 2),
        ("three", 3),
        ("four", 4),
        ("five", 5),
        ("six", 6),
        ("seven", 7),
        ("eight", 8),
        ("nine", 9),
        ("ten", 10),
        ("eleven", 11),
        ("twelve", 12),
        ("thirteen", 13),
        ("fourteen", 14),
        ("fifteen", 15),
        ("sixteen", 16),
        ("seventeen", 17),
        ("eighteen", 18),
        ("nineteen", 19),
        ("twenty", 20),
        ("thirty", 30),
        ("forty", 40),
        ("fifty", 50),
        ("sixty", 60),
        ("seventy", 70),
        ("eighty", 80),
        ("ninety", 90),
    ];
    WORDS
        .iter()
        .find(|(s, _)| s.eq_ignore_ascii_case(w))
        .map(|&(_, v)| v)
}

/// Ordinal words 1st–20th and the tens.
fn ordinal_small(w: &str) -> Option<u64> {
    const WORDS: [(&str, u64); 28] = [
        ("first", 1),
        ("second", 2),
        ("third", 3),
        ("fourth", 4),
        ("fifth", 5),
        ("sixth", 6),
        ("seventh", 7),
        ("eighth", 8),
        ("ninth", 9),
        ("tenth", 10),
        ("eleventh", 11),
        ("twelfth", 12),
        ("thirteenth", 13),
        ("fourteenth", 14),
        ("fifteenth", 15),
        ("sixteenth", 16),
        ("seventeenth", 17),
        ("eighteenth", 18),
        ("nineteenth", 19),
        ("twentieth", 20),
        ("thirtieth", 30),
        ("fortieth", 40),
        ("fiftieth", 50),
        ("sixtieth", 60),
        ("seventieth", 70),
        ("eightieth", 80),
        ("ninetieth", 90),
        ("hundredth", 100),
    ];
    WORDS
        .iter()
        .find(|(s, _)| s.eq_ignore_ascii_case(w))
        .map(|&(_, v)| v)
}

/// The value of one number word ("nine", "forty-three"); `None` for anything else.
pub fn word_value(w: &str) -> Option<u64> {
    if let Some(v) = small_word(w) {
        return Some(v);
    }
    let (a, b) = w.split_once('-')?;
    let tens = small_word(a).filter(|v| *v >= 20)?;
    let unit = small_word(b).filter(|v| (1..10).contains(v))?;
    Some(tens + unit)
}

/// The value of an ordinal word or numeral ("ninth", "twenty-first", "9th"); `None` otherwise.
pub fn ordinal_value(w: &str) -> Option<u64> {
    if let Some(v) = ordinal_small(w) {
        return Some(v);
    }
    if let Some((a, b)) = w.split_once('-') {
        let tens = small_word(a).filter(|v| *v >= 20)?;
        let unit = ordinal_small(b).filter(|v| (1..10).contains(v))?;
        return Some(tens + unit);
    }
    let digits_end = w.find(|c: char| !c.is_ascii_digit())?;
    if digits_end == 0 || digits_end > 6 {
        return None;
    }
    let suffix = &w[digits_end..];
    if ["st", "nd", "rd", "th"]
        .iter()
        .any(|s| s.eq_ignore_ascii_case(suffix))
    {
        w[..digits_end].parse().ok()
    } else {
        None
    }
}

/// A numeral split into its whole part and its decimal fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Numeral {
    /// The whole part, saturated.
    pub whole: u64,
    /// The decimal digits after the point, as an integer (".25" is 25).
    pub frac: u64,
    /// How many decimal digits `frac` holds (capped at 9).
    pub frac_digits: u32,
}

/// Reads a digit string with thousands separators ("1,200", "1.200.000") or a decimal ("1.2").
///
/// One dot followed by exactly three digits reads as a European thousands separator, because
/// head counts are whole numbers; a multiplier word ("1.200 million") is the caller's concern
/// via [`parse_numeral_decimal`].
pub fn parse_numeral(s: &str) -> Option<Numeral> {
    let n = parse_numeral_decimal(s)?;
    if n.frac_digits == 3 && s.matches('.').count() == 1 && !s.contains(',') {
        let whole = n.whole.saturating_mul(1000).saturating_add(n.frac);
        return Some(Numeral {
            whole,
            frac: 0,
            frac_digits: 0,
        });
    }
    Some(n)
}

/// Reads a numeral where a lone dot is always a decimal point ("1.200" is 1.2).
pub fn parse_numeral_decimal(s: &str) -> Option<Numeral> {
    let b = s.as_bytes();
    if b.is_empty() || !b[0].is_ascii_digit() || !b[b.len() - 1].is_ascii_digit() {
        return None;
    }
    let commas = b.iter().filter(|&&c| c == b',').count();
    let dots = b.iter().filter(|&&c| c == b'.').count();
    if b.iter()
        .any(|&c| !(c.is_ascii_digit() || c == b',' || c == b'.'))
    {
        return None;
    }
    // Several dots, or dots then a comma, mean European grouping ("1.200.000", "1.200,5").
    let (group, point) = if dots > 1 || (dots == 1 && commas == 1 && s.find('.') < s.find(',')) {
        (b'.', b',')
    } else {
        (b',', b'.')
    };
    let (whole_s, frac_s) = match s.bytes().position(|c| c == point) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    };
    if frac_s.bytes().any(|c| c == point || c == group) {
        return None;
    }
    let mut groups = whole_s.split(group as char);
    let first = groups.next()?;
    if first.is_empty() {
        return None;
    }
    let grouped = whole_s.contains(group as char);
    if grouped && first.len() > 3 {
        return None;
    }
    let mut whole: u64 = 0;
    for (i, g) in std::iter::once(first).chain(groups).enumerate() {
        if g.is_empty() || (i > 0 && g.len() != 3) {
            return None;
        }
        for c in g.bytes() {
            whole = whole.saturating_mul(10).saturating_add(u64::from(c - b'0'));
        }
    }
    let mut frac: u64 = 0;
    let mut frac_digits = 0;
    for c in frac_s.bytes().take(9) {
        frac = frac * 10 + u64::from(c - b'0');
        frac_digits += 1;
    }
    Some(Numeral {
        whole,
        frac,
        frac_digits,
    })
}

/// The value of a whole count written in digits ("1,200" is 1200); `None` for decimals.
pub fn parse_digits(s: &str) -> Option<u64> {
    let n = parse_numeral(s)?;
    (n.frac_digits == 0).then_some(n.whole)
}

/// Scale words that multiply what comes before them.
fn scale(w: &str) -> Option<u64> {
    if w.eq_ignore_ascii_case("thousand") {
        Some(1_000)
    } else if w.eq_ignore_ascii_case("million") {
        Some(1_000_000)
    } else if w.eq_ignore_ascii_case("billion") {
        Some(1_000_000_000)
    } else {
        None
    }
}

/// `n` times `scale`, keeping decimal digits ("1.2 million" is 1 200 000), saturating.
fn scaled(n: Numeral, scale: u64) -> u64 {
    let mut div = 1u64;
    for _ in 0..n.frac_digits {
        div = div.saturating_mul(10);
    }
    n.whole
        .saturating_mul(scale)
        .saturating_add(n.frac.saturating_mul(scale) / div)
}

fn is(w: &str, s: &str) -> bool {
    w.eq_ignore_ascii_case(s)
}

/// Vague plural quantity words ("hundreds of", "dozens") read as lower bounds.
fn vague(words: &[&str]) -> Option<ParsedNumber> {
    let w0 = *words.first()?;
    let get = |i: usize| words.get(i).copied().unwrap_or("");
    let base = if is(w0, "dozens") {
        12
    } else if is(w0, "scores")
        && [
            "of", "were", "are", "have", "had", "dead", "killed", "injured", "wounded", "died",
        ]
        .iter()
        .any(|w| is(get(1), w))
    {
        40
    } else if is(w0, "hundreds") {
        100
    } else if is(w0, "thousands") {
        1_000
    } else if is(w0, "millions") {
        1_000_000
    } else if is(w0, "tens") && is(get(1), "of") && is(get(2), "thousands") {
        return Some(ParsedNumber {
            value: 10_000,
            qualifier: Qualifier::AtLeast,
            len: 3,
            ordinal: false,
            vague: true,
        });
    } else {
        return None;
    };
    // "hundreds of thousands" multiplies out.
    if is(get(1), "of") {
        let more = if is(get(2), "thousands") {
            1_000
        } else if is(get(2), "millions") {
            1_000_000
        } else {
            1
        };
        if more > 1 {
            return Some(ParsedNumber {
                value: base * more,
                qualifier: Qualifier::AtLeast,
                len: 3,
                ordinal: false,
                vague: true,
            });
        }
    }
    Some(ParsedNumber {
        value: base,
        qualifier: Qualifier::AtLeast,
        len: 1,
        ordinal: false,
        vague: true,
    })
}

/// Reads the number that starts `words` (each entry one word or punctuation mark).
///
/// Returns `None` when the words do not start with a number, or start with a vague word that
/// gives no figure ("several", "a few", "many", "several hundred").
pub fn parse_number(words: &[&str]) -> Option<ParsedNumber> {
    let w0 = *words.first()?;
    if ["several", "few", "many", "numerous", "handful", "some"]
        .iter()
        .any(|s| is(w0, s))
    {
        return None;
    }
    if let Some(v) = vague(words) {
        return Some(v);
    }
    if let Some(v) = ordinal_value(w0) {
        return Some(ParsedNumber {
            value: v,
            qualifier: Qualifier::Exact,
            len: 1,
            ordinal: true,
            vague: false,
        });
    }
    if w0.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return digits_number(words);
    }
    words_number(words)
}

/// Digits, optionally grouped by spaces ("1 200") or scaled ("1.2 million", "3 dozen").
fn digits_number(words: &[&str]) -> Option<ParsedNumber> {
    let w0 = words[0];
    let mut len = 1;
    let mut num = parse_numeral_decimal(w0)?;
    // "1 200": a short group followed by exact three-digit groups.
    if !w0.contains([',', '.']) && w0.len() <= 3 {
        while let Some(g) = words.get(len) {
            if g.len() == 3 && g.bytes().all(|c| c.is_ascii_digit()) {
                num.whole = num
                    .whole
                    .saturating_mul(1000)
                    .saturating_add(parse_digits(g).unwrap_or(0));
                len += 1;
            } else {
                break;
            }
        }
    }
    if let Some(s) = words.get(len).and_then(|w| scale(w)) {
        return Some(exact(scaled(num, s), len + 1));
    }
    if words.get(len).is_some_and(|w| is(w, "dozen")) && num.frac_digits == 0 {
        return Some(exact(num.whole.saturating_mul(12), len + 1));
    }
    let num = if len == 1 { parse_numeral(w0)? } else { num };
    if num.frac_digits != 0 {
        return None;
    }
    Some(exact(num.whole, len))
}

fn exact(value: u64, len: usize) -> ParsedNumber {
    ParsedNumber {
        value,
        qualifier: Qualifier::Exact,
        len,
        ordinal: false,
        vague: false,
    }
}

/// English number words: "a hundred and forty-three", "two dozen", "twenty one".
fn words_number(words: &[&str]) -> Option<ParsedNumber> {
    let mut total: u64 = 0;
    let mut current: u64 = 0;
    let mut seen = false;
    let mut i = 0;
    // Whether the last word read was a unit or tens word (so "twenty one" may continue).
    let mut last_small: Option<u64> = None;
    let mut len = 0;
    while i < words.len() && i < 12 {
        let w = words[i];
        if !seen && (is(w, "a") || is(w, "an")) {
            let next = words.get(i + 1).copied().unwrap_or("");
            if is(next, "hundred") || is(next, "dozen") || scale(next).is_some() {
                current = 1;
                i += 1;
                continue;
            }
            return None;
        }
        if let Some(v) = word_value(w) {
            match last_small {
                // "twenty one": a unit may follow a bare tens word.
                Some(t) if t >= 20 && t % 10 == 0 && v < 10 && !w.contains('-') => {
                    current += v;
                    last_small = Some(t + v);
                }
                Some(_) => break,
                None => {
                    current += v;
                    last_small = Some(v);
                }
            }
            seen = true;
            i += 1;
            len = i;
            continue;
        }
        if is(w, "hundred") {
            current = current.max(1).saturating_mul(100);
            seen = true;
            last_small = None;
            i += 1;
            len = i;
            continue;
        }
        if is(w, "dozen") {
            current = current.max(1).saturating_mul(12);
            seen = true;
            last_small = None;
            i += 1;
            len = i;
            continue;
        }
        if let Some(s) = scale(w) {
            total = total.saturating_add(current.max(1).saturating_mul(s));
            current = 0;
            seen = true;
            last_small = None;
            i += 1;
            len = i;
            continue;
        }
        // "a hundred and forty-three": "and" only joins after a hundred or a scale word.
        if is(w, "and") && seen && last_small.is_none() {
            if words.get(i + 1).is_some_and(|n| word_value(n).is_some()) {
                i += 1;
                continue;
            }
            break;
        }
        break;
    }
    if !seen {
        return None;
    }
    Some(exact(total.saturating_add(current), len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> Option<(u64, Qualifier, usize)> {
        let words: Vec<&str> = s.split(' ').collect();
        parse_number(&words).map(|p| (p.value, p.qualifier, p.len))
    }

    fn val(s: &str) -> Option<u64> {
        num(s).map(|n| n.0)
    }

    #[test]
    fn digits_with_separators() {
        assert_eq!(val("1,200 people"), Some(1200));
        assert_eq!(val("1 200 people"), Some(1200));
        assert_eq!(val("1.200 people"), Some(1200));
        assert_eq!(val("1.200.000"), Some(1_200_000));
        assert_eq!(val("12 people"), Some(12));
        assert_eq!(val("1,2,3"), None);
        assert_eq!(val("1.5 people"), None);
    }

    #[test]
    fn scaled_decimals() {
        assert_eq!(val("1.2 million"), Some(1_200_000));
        assert_eq!(val("3 thousand"), Some(3000));
        assert_eq!(val("2 dozen"), Some(24));
    }

    #[test]
    fn number_words() {
        assert_eq!(val("nine"), Some(9));
        assert_eq!(val("twenty-one"), Some(21));
        assert_eq!(val("twenty one people"), Some(21));
        assert_eq!(
            num("a hundred and forty-three"),
            Some((143, Qualifier::Exact, 4))
        );
        assert_eq!(val("one hundred and forty-four"), Some(144));
        assert_eq!(val("two dozen"), Some(24));
        assert_eq!(val("a dozen"), Some(12));
        assert_eq!(val("a hundred"), Some(100));
        assert_eq!(val("three thousand five hundred"), Some(3500));
        assert_eq!(val("a man"), None);
    }

    #[test]
    fn and_does_not_join_two_counts() {
        assert_eq!(num("nine and four"), Some((9, Qualifier::Exact, 1)));
        assert_eq!(num("twenty-one twenty"), Some((21, Qualifier::Exact, 1)));
    }

    #[test]
    fn vague_words_are_lower_bounds() {
        assert_eq!(num("dozens"), Some((12, Qualifier::AtLeast, 1)));
        assert_eq!(num("scores of people"), Some((40, Qualifier::AtLeast, 1)));
        assert_eq!(num("hundreds"), Some((100, Qualifier::AtLeast, 1)));
        assert_eq!(num("thousands"), Some((1000, Qualifier::AtLeast, 1)));
        assert_eq!(
            num("tens of thousands"),
            Some((10_000, Qualifier::AtLeast, 3))
        );
        assert_eq!(
            num("hundreds of thousands"),
            Some((100_000, Qualifier::AtLeast, 3))
        );
    }

    #[test]
    fn vague_words_without_figure() {
        assert_eq!(val("several"), None);
        assert_eq!(val("several hundred"), None);
        assert_eq!(val("many"), None);
        assert_eq!(val("few"), None);
        assert_eq!(val("scores"), None);
        assert_eq!(val("scores in the exam"), None);
        assert_eq!(val("scores were hurt"), Some(40));
    }

    #[test]
    fn ordinals() {
        let p = parse_number(&["ninth", "suspect"]);
        assert_eq!(p.map(|p| (p.value, p.ordinal)), Some((9, true)));
        assert_eq!(ordinal_value("eighth"), Some(8));
        assert_eq!(ordinal_value("twenty-first"), Some(21));
        assert_eq!(ordinal_value("9th"), Some(9));
        assert_eq!(ordinal_value("9x"), None);
    }

    #[test]
    fn absurd_numbers_saturate() {
        assert_eq!(val("999999999999999999999"), Some(u64::MAX));
        assert_eq!(val("999999999999999999999 million"), Some(u64::MAX));
        assert_eq!(val("99999999999999 million"), Some(u64::MAX));
    }

    #[test]
    fn junk_is_none() {
        assert_eq!(val(""), None);
        assert_eq!(parse_number(&[]), None);
        assert_eq!(val("1,"), None);
        assert_eq!(val("people"), None);
        assert_eq!(parse_digits("12a"), None);
    }
}
