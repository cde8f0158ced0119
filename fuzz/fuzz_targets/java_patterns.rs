//! The Java date-pattern and regex validators on arbitrary text: they never panic, hang or
//! blow up in memory, and every problem points inside the pattern, on character boundaries.
//! Each input is also judged as the content of a look-behind with a huge counted repeat, and
//! one in eight under deep nesting (around the 1,000-level limit), which mutation alone rarely
//! reaches.
//!
//! Run: cargo +nightly fuzz run java_patterns -- -max_total_time=600 -rss_limit_mb=512

#![no_main]

use flowc_check::patterns::{PatternProblem, check_java_date_pattern, check_java_regex, compile_java_regex};
use libfuzzer_sys::fuzz_target;

fn assert_inside(pattern: &str, p: &PatternProblem) {
    assert!(p.start <= p.end && p.end <= pattern.len(), "{pattern:?}: {p:?}");
    assert!(pattern.is_char_boundary(p.start) && pattern.is_char_boundary(p.end), "{pattern:?}: {p:?}");
}

fn judge(pattern: &str) {
    for p in check_java_date_pattern(pattern) {
        assert_inside(pattern, &p);
    }
    if let Some(p) = check_java_regex(pattern) {
        assert_inside(pattern, &p);
    }
    if let Ok(regex) = compile_java_regex(pattern) {
        let _ = regex.find("2026-11-28T10:00:00Z abc ABC 123 é 😀");
        let _ = regex.matches_fully("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    judge(text);
    judge(&format!("(?<={text}{{1,2147483647}})x{{2147483647}}"));
    // Deep nesting is translated on a thread of its own: one input in eight, to keep the pace.
    if data.len() % 8 == 0 {
        let depth = 990 + data.len() % 20;
        judge(&format!("{}{text}{}", "(?:".repeat(depth), ")".repeat(depth)));
    }
});
