fn main() {
    let path = std::env::args().nth(1).unwrap();
    let src = std::fs::read_to_string(path).unwrap();
    let p = flowc_syntax::parse(&src);
    for d in &p.diagnostics { eprintln!("{:?}", d); }
    match flowc_syntax::format(&src) { Ok(s) => print!("{s}"), Err(_) => eprintln!("errors") }
}
