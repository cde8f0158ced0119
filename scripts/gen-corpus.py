#!/usr/bin/env python3
"""Generates the benchmark corpus: N flow files x M mappings against the XDM ExperienceEvent +
Commerce Details composition of fixtures/xdm (source form, loaded once per run).

Usage: python3 scripts/gen-corpus.py [--files 10000] [--mappings 40] [--out target/corpus]

Every file is valid: each mapping writes a distinct leaf of the composition from a source
column of a compatible type (some through functions), so `flowc check` reports nothing and
the measurement is of the full type-check, not of an early exit.
"""
import argparse
import json
import pathlib
import random
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
CLASS = "https://ns.adobe.com/xdm/context/experienceevent"
FIELD_GROUPS = ["https://ns.adobe.com/xdm/context/experienceevent-commerce"]
SOURCE_TYPE = {"string": "string", "number": "double as number", "long": "long", "int": "integer as int",
               "date-time": "string as date-time", "boolean": "boolean"}


def leaves(flowc):
    out = subprocess.run([flowc, "schema", "paths", "--format", "json", "--xdm-dir",
                          str(ROOT / "fixtures/xdm/components"), CLASS, *FIELD_GROUPS],
                         check=True, capture_output=True, text=True).stdout
    fields = json.loads(out)
    # Objects with required fields are left out: a mapping into them must map those too.
    with_required = {f["path"].rsplit(".", 1)[0] for f in fields if f.get("required") and "." in f["path"]}
    paths = []
    for f in fields:
        path, kind = f["path"], f["type"]
        parent = path.rsplit(".", 1)[0] if "." in path else ""
        # Plain leaves only: `[*]` needs array sources and `_id`/`timestamp` are always mapped.
        if (kind in SOURCE_TYPE and "[*]" not in path and path not in ("_id", "timestamp")
                and parent not in with_required):
            paths.append((path, kind))
    return paths


def expression(column, kind, rng):
    if kind == "string":
        return rng.choice([column, f"lower(trim({column}))", f"concat({column}, \"-\", upper({column}))",
                           f"iif({column} == null, \"unknown\", {column})"])
    if kind in ("number", "long", "int"):
        return rng.choice([column, f"{column}"])
    return column


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=10000)
    ap.add_argument("--mappings", type=int, default=40)
    ap.add_argument("--out", default=str(ROOT / "target/corpus"))
    ap.add_argument("--flowc", default=str(ROOT / "target/release/flowc"))
    args = ap.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    paths = leaves(args.flowc)
    rng = random.Random(42)
    xdm = pathlib.Path("../../fixtures/xdm/components") if out == ROOT / "target/corpus" else ROOT / "fixtures/xdm/components"
    for n in range(args.files):
        chosen = rng.sample(paths, min(args.mappings - 2, len(paths)))
        columns = ["    EventId: string", "    EventTime: string as date-time"]
        entries = ["  _id = EventId", "  timestamp = EventTime"]
        for i, (path, kind) in enumerate(chosen):
            column = f"col_{i}"
            columns.append(f"    {column}: {SOURCE_TYPE[kind]}")
            entries.append(f"  {path} = {expression(column, kind, rng)}")
        text = "\n".join([
            f"# corpus file {n}",
            "source {", "  columns {", *columns, "  }", "}", "",
            "target {", "  schema = \"https://ns.adobe.com/acme/schemas/corpus\"",
            f"  xdm_dir = \"{xdm}\"", f"  class = \"{CLASS}\"",
            "  field_groups = [" + ", ".join(f'"{g}"' for g in FIELD_GROUPS) + "]", "}", "",
            "mapping {", *entries, "}", "",
        ])
        (out / f"flow-{n:05}.flow").write_text(text)
    print(f"wrote {args.files} files x {args.mappings} mappings to {out}")


if __name__ == "__main__":
    main()
