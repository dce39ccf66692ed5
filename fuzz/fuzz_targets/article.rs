//! Page bytes → charset-decoded text → article title, times and main text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = followup::extract::charset::decode(data, Some("text/html"));
    let _ = followup::extract::article::read(&text, None);
});
