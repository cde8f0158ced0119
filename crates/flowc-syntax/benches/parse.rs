//! Front-end throughput: parsing and formatting generated flow files of growing size.
//! Run: `cargo bench -p flowc-syntax --bench parse`

fn main() {
    divan::main();
}

/// A dataflow file with `entries` mapping entries of realistic shapes.
fn flow_file(entries: usize) -> String {
    let mut src = String::from(
        "flow {\n  name = \"Bench\"\n  spec = CRMToAEP\n}\n\nsource {\n  format = tabular\n  table = \"T\"\n  columns {\n    id: string\n    name: string\n  }\n}\n\nmapping {\n",
    );
    for i in 0..entries {
        let line = match i % 4 {
            0 => format!("  _acme.field{i}.value = column_{i}\n"),
            1 => format!("  _acme.field{i}.name = lower(trim(concat(first_{i}, \" \", last_{i})))\n"),
            2 => format!(
                "  productListItems[*].field{i} = iif(price_{i} > 10 && qty_{i} != null, \"big\", \"small\") # note\n"
            ),
            _ => format!("  @identity(namespace = \"Email\")\n  _acme.email{i} = ${{Email Address {i}}}\n"),
        };
        src.push_str(&line);
    }
    src.push_str("}\n");
    src
}

#[divan::bench(args = [40, 5_000])]
fn parse(bencher: divan::Bencher, entries: usize) {
    let src = flow_file(entries);
    bencher
        .counter(divan::counter::BytesCount::of_str(&src))
        .counter(divan::counter::ItemsCount::new(entries))
        .bench(|| flowc_syntax::parse(divan::black_box(&src)));
}

#[divan::bench(args = [40, 5_000])]
fn format(bencher: divan::Bencher, entries: usize) {
    let src = flow_file(entries);
    bencher
        .counter(divan::counter::ItemsCount::new(entries))
        .bench(|| flowc_syntax::format(divan::black_box(&src)).expect("the bench file parses"));
}
