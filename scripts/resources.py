#!/usr/bin/env python3
"""Peak memory and wall time of `flowc check` on large generated inputs (docs/limits.md).

Usage: python3 scripts/resources.py [--flowc target/release/flowc] [--out target/resources]

Generates, then measures with /usr/bin/time (peak RSS) and prints a Markdown table:
- one flow file of 50,000 mappings (inline columns, no target schema);
- a registry-form schema of 300,000 properties, checked through a one-mapping flow (the
  index stops at its 100,000-field limit with F207);
- 10,000 small flow files in one folder;
- hostile shapes at their limits: a 256-level expression, 256-segment paths, a 100 KB file
  of NUL bytes.
Nothing here is a test: figures vary with the machine. The bounds in docs/limits.md are
the ones to compare against.
"""
import argparse
import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def write_inputs(out: pathlib.Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    cases = {}

    big = out / "mappings-50000.flow"
    lines = ["source {", "  columns {"] + [f"    c{i}: string" for i in range(200)] + ["  }", "}", "", "mapping {"]
    lines += [f"  f{i}.v = upper(c{i % 200})" for i in range(50_000)]
    big.write_text("\n".join(lines + ["}", ""]))
    cases["one flow file, 50,000 mappings"] = [str(big)]

    schema_dir = out / "schema-300k"
    schema_dir.mkdir(exist_ok=True)
    props = {f"p{i}": {"type": "string"} for i in range(300_000)}
    schema = {"$id": "https://ns.adobe.com/acme/schemas/big", "title": "big", "type": "object",
              "meta:class": "https://ns.adobe.com/xdm/data/record", "properties": props}
    (schema_dir / "big.xed.json").write_text(json.dumps(schema))
    (schema_dir / "one.flow").write_text(
        'source {\n  columns {\n    a: string\n  }\n}\n\ntarget {\n  schema_file = "big.xed.json"\n}\n\n'
        "mapping {\n  p1 = a\n}\n")
    cases["schema of 300,000 properties"] = [str(schema_dir / "one.flow")]

    many = out / "files-10000"
    many.mkdir(exist_ok=True)
    small = "source {\n  columns {\n    a: string\n    b: integer\n  }\n}\n\nmapping {\n  x = a\n  y = b + 1\n}\n"
    for i in range(10_000):
        (many / f"f{i:05}.flow").write_text(small)
    cases["10,000 small flow files"] = [str(many)]

    hostile = out / "hostile"
    hostile.mkdir(exist_ok=True)
    (hostile / "deep.flow").write_text("mapping {\n  a = " + " + ".join(["a"] * 256) + "\n}\n")
    (hostile / "segments.flow").write_text(
        "mapping {\n" + "".join(f"  {'.'.join(['s'] * 255)}.x{i} = a\n" for i in range(1_000)) + "}\n")
    (hostile / "nul.flow").write_bytes(b"\0" * 100_000)
    cases["limit shapes (256-level expression, 1,000 × 256-segment paths, 100 KB of NUL)"] = [
        str(hostile / "deep.flow"), str(hostile / "segments.flow"), str(hostile / "nul.flow")]
    return cases


def measure(flowc: str, paths: list) -> tuple:
    run = subprocess.run(["/usr/bin/time", "-f", "%e %M", flowc, "check", "--format", "short", "--quiet", *paths],
                         capture_output=True, text=True)
    seconds, kib = run.stderr.strip().splitlines()[-1].split()
    codes = sorted(set(re.findall(r"\[(F\d{3})\]", run.stdout)))
    return float(seconds), int(kib) / 1024, run.returncode, codes


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--flowc", default=str(ROOT / "target/release/flowc"))
    parser.add_argument("--out", default=str(ROOT / "target/resources"))
    args = parser.parse_args()
    if not pathlib.Path(args.flowc).exists():
        print(f"no binary at {args.flowc}: cargo build --release first", file=sys.stderr)
        return 2
    cases = write_inputs(pathlib.Path(args.out))
    print("| input | wall time | peak RSS | exit | codes |")
    print("|---|---|---|---|---|")
    for name, paths in cases.items():
        seconds, mib, code, codes = measure(args.flowc, paths)
        print(f"| {name} | {seconds:.2f} s | {mib:.0f} MiB | {code} | {' '.join(codes) or '—'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
