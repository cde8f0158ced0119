#!/usr/bin/env python3
"""Runs the divan benchmarks and rewrites the README's performance table.

Usage: python3 scripts/bench.py            # run every benchmark, update README.md
       python3 scripts/bench.py --print    # run them, print the table only

The table goes between the `<!-- bench:start -->` and `<!-- bench:end -->` markers. Each row
is one benchmark: its median time and its median throughput, as divan measured them on this
machine (say which machine when you publish numbers: `nproc`, the CPU model).
"""
import pathlib
import re
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
# (crate, bench target): every divan benchmark of the workspace.
BENCHES = [
    ("flowc-syntax", "parse"),
    ("flowc-schema", "index"),
    ("flowc-check", "check"),
    ("flowc-cli", "bodies"),
]
TREE = re.compile(r"^(?P<indent>[│ ]*)(?:├─|╰─) (?P<name>\S+)\s*(?P<rest>.*)$")


def run(crate, bench):
    out = subprocess.run(
        ["cargo", "bench", "-q", "-p", crate, "--bench", bench],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    rows, stack, last = [], [], None
    for line in out.splitlines():
        m = TREE.match(line)
        if m:
            depth = len(m["indent"]) // 3
            stack = stack[:depth] + [m["name"]]
            cells = [c.strip() for c in m["rest"].split("│")]
            if len(cells) >= 3 and cells[2]:
                last = {"name": f"{bench}/" + "/".join(stack), "median": cells[2], "throughput": []}
                rows.append(last)
            else:
                last = None
        elif last is not None and "│" in line:
            cells = [c.strip() for c in line.split("│")]
            if len(cells) >= 3 and cells[2]:
                last["throughput"].append(cells[2])
    return rows


def table(rows):
    lines = ["| benchmark | median time | median throughput |", "|---|---|---|"]
    for r in rows:
        lines.append(f"| `{r['name']}` | {r['median']} | {', '.join(r['throughput']) or '—'} |")
    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2; nproc"],
                         capture_output=True, text=True).stdout.split("\n")
    lines.append("")
    lines.append(f"Measured with `python3 scripts/bench.py` on {cpu[0].strip() or 'this machine'}, "
                 f"{cpu[1].strip()} cores.")
    return "\n".join(lines)


def wall(cmd, runs):
    """Median wall time of a command, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def end_to_end():
    """The release binary on the generated corpus (scripts/gen-corpus.py), process start included."""
    subprocess.run(["cargo", "build", "-q", "--release", "-p", "flowc-cli"], cwd=ROOT, check=True)
    flowc = str(ROOT / "target/release/flowc")
    corpus = ROOT / "target/corpus"
    if not (corpus / "flow-09999.flow").exists():
        subprocess.run([sys.executable, str(ROOT / "scripts/gen-corpus.py")], cwd=ROOT, check=True)
    many = wall([flowc, "check", "--quiet", str(corpus)], 5)
    one = wall([flowc, "check", "--quiet", str(corpus / "flow-00000.flow")], 20)
    return [
        {"name": "flowc check: 10,000 files x 40 mappings (wall, 2 cores)", "median": f"{many:.2f} s",
         "throughput": [f"{400_000 / many / 1000:.0f} Kmappings/s"]},
        {"name": "flowc check: one 40-mapping file (wall, with process start)", "median": f"{one * 1000:.1f} ms",
         "throughput": []},
    ]


def main():
    rows = end_to_end()
    for crate, bench in BENCHES:
        if (ROOT / "crates" / crate / "benches" / f"{bench}.rs").exists():
            rows += run(crate, bench)
    text = table(rows)
    if "--print" in sys.argv:
        print(text)
        return
    readme = ROOT / "README.md"
    content = readme.read_text()
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    before, rest = content.split(start, 1)
    _, after = rest.split(end, 1)
    readme.write_text(f"{before}{start}\n{text}\n{end}{after}")
    print(text)


if __name__ == "__main__":
    main()
