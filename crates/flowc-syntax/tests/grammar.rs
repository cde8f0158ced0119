//! Keeps `grammar/flowc.ebnf` honest: every production has an example, every example parses
//! without a diagnostic, and the grammar names every block keyword the parser knows.

use flowc_syntax::ast::BlockKind;

const GRAMMAR: &str = include_str!("../../../grammar/flowc.ebnf");

/// `(production name, its example)` in grammar order.
fn productions() -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let mut lines = GRAMMAR.lines();
    while let Some(line) = lines.next() {
        if let Some((name, _)) = line.split_once("::=") {
            out.push((name.trim().to_owned(), None));
        } else if line.trim() == "/* example:" {
            let example: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "*/").collect();
            let last = out.last_mut().expect("an example follows a production");
            assert!(last.1.is_none(), "`{}` has two examples", last.0);
            last.1 = Some(example.join("\n") + "\n");
        }
    }
    out
}

#[test]
fn every_production_has_an_example_that_parses() {
    let productions = productions();
    assert!(productions.len() > 40, "the grammar reader found only {} productions", productions.len());
    for (name, example) in productions {
        let example = example.unwrap_or_else(|| panic!("production `{name}` has no example"));
        let parsed = flowc_syntax::parse(&example);
        assert!(
            parsed.diagnostics.is_empty(),
            "the example of `{name}` does not parse:\n{example}\n{:#?}",
            parsed.diagnostics
        );
    }
}

#[test]
fn the_grammar_names_every_block_and_production_it_uses() {
    for kind in BlockKind::ALL {
        assert!(GRAMMAR.contains(&format!("\"{}\" \"{{\"", kind.keyword())), "block `{}` is missing", kind.keyword());
    }
    // Every lowercase name used on a right-hand side is defined (character classes aside).
    let defined: Vec<String> = productions().into_iter().map(|(n, _)| n).collect();
    for line in GRAMMAR.lines().filter(|l| l.contains("::=")) {
        let rhs = line.split_once("::=").expect("production").1;
        // Skip quoted literals and `[...]` character classes; collect the other words.
        let mut in_quote = None;
        let mut word = String::new();
        for c in rhs.chars().chain([' ']) {
            match in_quote {
                Some(q) if c == q => in_quote = None,
                Some(_) => {}
                None if c == '"' || c == '\'' => in_quote = Some(c),
                None if c == '[' => in_quote = Some(']'),
                None if c.is_ascii_alphanumeric() || c == '_' => word.push(c),
                None => {
                    let known = ["Letter", "Digit", "S"];
                    if word.chars().next().is_some_and(|f| f.is_ascii_alphabetic())
                        && word.len() > 1
                        && !known.contains(&word.as_str())
                        && !word.starts_with('x')
                    {
                        assert!(defined.contains(&word), "`{word}` is used but not defined: {line}");
                    }
                    word.clear();
                }
            }
        }
    }
}
