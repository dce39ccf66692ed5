//! Text → casualty figures: no panic, no overflow, on any text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = followup::extract::figures::observations(&text);
    let (title, body) = text.split_once('\n').unwrap_or((&text, ""));
    let _ = followup::extract::figures::article_figures(title, body);
});
