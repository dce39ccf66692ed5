//! Whether a clause marks its figure as superseded: "initially", "first reported", "had
//! stood at" drop it; a bare "stood at" keeps it but ranks it last.

use crate::extract::figures::lexicon::{FIRST_REPORT_VERBS, STALE_WORDS};
use crate::extract::figures::sentence::{Scanner, is, is_any};

/// Whether the clause of token `i` marks the figure as superseded: `(hard, soft)`, where a
/// hard mark drops the figure and a soft one ("the toll stood at 52") ranks it last.
pub(super) fn stale(sc: &Scanner, i: usize) -> (bool, bool) {
    let (a, b) = sc.clause_range(sc.clause[i]);
    let mut hard = false;
    let mut soft = false;
    for k in a..b {
        if is_stale_word(sc, k) || is_first_report(sc, k) {
            hard = true;
        }
        if is(sc.toks.get(k), "stood") {
            if (a..k).any(|j| is(sc.toks.get(j), "had")) {
                hard = true;
            } else {
                soft = true;
            }
        }
    }
    (hard, soft)
}

/// "initially", "previously": the figure was an earlier one.
fn is_stale_word(sc: &Scanner, k: usize) -> bool {
    is_any(sc.toks.get(k), STALE_WORDS)
}

/// "first reported 40 dead": an early report.
fn is_first_report(sc: &Scanner, k: usize) -> bool {
    is(sc.toks.get(k), "first") && is_any(sc.toks.get(k + 1), FIRST_REPORT_VERBS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stale_at(s: &str, w: &str) -> (bool, bool) {
        let sc = Scanner::of(s);
        stale(&sc, sc.at(w))
    }

    #[test]
    fn hard_and_soft_marks_of_a_superseded_figure() {
        assert_eq!(
            stale_at("Officials initially reported 40 dead.", "40"),
            (true, false)
        );
        assert_eq!(
            stale_at("Rescuers first said 12 died.", "12"),
            (true, false)
        );
        assert_eq!(stale_at("The toll had stood at 30.", "30"), (true, false));
        assert_eq!(stale_at("The toll stood at 30.", "30"), (false, true));
        assert_eq!(stale_at("The toll is 30.", "30"), (false, false));
    }

    #[test]
    fn the_mark_must_sit_in_the_figure_s_clause() {
        let s = "The toll, which had stood at 52, rose to 61.";
        assert_eq!(stale_at(s, "61"), (false, false));
        assert_eq!(stale_at(s, "52"), (true, false));
    }

    #[test]
    fn stale_words_and_first_reports() {
        let sc = Scanner::of("previously first reported first victim");
        assert!(is_stale_word(&sc, 0) && !is_stale_word(&sc, 1));
        assert!(is_first_report(&sc, 1) && !is_first_report(&sc, 3));
    }
}
