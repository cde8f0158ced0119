//! The flow parser and formatter: any bytes parse without a panic, and a file without
//! syntax errors formats to a fixed point (`fmt(fmt(x)) == fmt(x)`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (text, parsed) = flowc_syntax::parse_bytes(data);
    for d in &parsed.diagnostics {
        assert!(d.primary_span().end <= text.len(), "a span past the end: {d:?}");
    }
    if parsed.has_errors() {
        return;
    }
    let once = match flowc_syntax::format(&text) {
        Ok(once) => once,
        Err(p) => panic!("a file without syntax errors does not format: {:?}", p.diagnostics),
    };
    let twice = match flowc_syntax::format(&once) {
        Ok(twice) => twice,
        Err(p) => panic!("formatted text does not parse: {:?}\n{once}", p.diagnostics),
    };
    assert_eq!(once, twice, "fmt is not idempotent");
});
