#!/usr/bin/env python3
"""Memory and time of `flowc check` on the hostile Java patterns of issue 19.

Each pattern goes into its own flow (a regex in `matches_regex`, a date pattern in `date`), and
`flowc check` runs on it under /usr/bin/time; the table gives the peak memory (max RSS) and the
wall time of each run. Measured, never asserted: the budget (100 MB, 1 s) is in
docs/java-patterns.md.

    python3 scripts/pattern_limits.py [path/to/flowc]     (default: target/debug/flowc)
"""

import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA = os.path.join(ROOT, "fixtures", "schema", "experienceevent.xed.json")

REGEXES = [
    r"(?<=a{1,2147483647})b",
    r"(?<!x{2147483647})y",
    r"(?:a{100000}){100000}",
    r"((a{99999}){99999}){99999}",
    r"[a-z]{0,2147483647}?",
    r"(?<=\w+)x",
    r"(a|aa)*+b{1000}c{1000}",
    "(" * 1000 + "a" + ")" * 1000,
    "(?:" * 1001 + "a" + ")" * 1001,
    "[" * 1000 + "a" + "]" * 1000,
    r"\N{LATIN SMALL LETTER A}\p{IsLatin}\p{InGreek}",
]
DATES = ["p" * 100000 + "H", "Y" * 100000, "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"]


def flow(line: str) -> str:
    return f"""source {{
  columns {{
    OrderId: string
    OrderDate: string
  }}
}}

target {{
  schema_file = "{SCHEMA}"
}}

mapping {{
  _id = OrderId
  {line}
}}
"""


def literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def measure(flowc: str, line: str) -> tuple[str, str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "p.flow")
        with open(path, "w") as f:
            f.write(flow(line))
        run = subprocess.run(
            ["/usr/bin/time", "-f", "%M %e", flowc, "check", "--format", "short", path],
            capture_output=True,
            text=True,
        )
        rss_kb, seconds = run.stderr.strip().splitlines()[-1].split()
        codes = sorted(set(re.findall(r"\[(F\d+)\]", run.stdout)))
        return f"{int(rss_kb) / 1024:.1f} MB", f"{float(seconds):.2f} s", " ".join(codes) or "none"


def main() -> None:
    flowc = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "debug", "flowc")
    print("| pattern | max RSS | wall time | diagnostics |")
    print("|---|---|---|---|")
    cases = [(r, f'timestamp = now()\n  eventType = iif(matches_regex(OrderId, {literal(r)}), "a", "b")') for r in REGEXES]
    cases += [(d, f"timestamp = date(OrderDate, {literal(d)})") for d in DATES]
    for shown, line in cases:
        rss, wall, code = measure(flowc, line)
        short = shown if len(shown) <= 40 else f"{shown[:30]}… ({len(shown)} chars)"
        print(f"| `{short}` | {rss} | {wall} | {code} |")


if __name__ == "__main__":
    main()
