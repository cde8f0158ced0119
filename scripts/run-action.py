#!/usr/bin/env python3
"""Runs the `run` steps of a composite action (action.yml) here, as a runner would: each with
bash -eo pipefail, its `env`, and `${{ inputs.* }}` / `${{ runner.temp }}` filled in, from the
current folder (the workspace). Steps whose `if:` is false are skipped (the only condition the
action uses is `inputs.NAME == 'VALUE'`). Stops at the first failing step.

    scripts/run-action.py ACTION_YML [NAME=VALUE ...]

Prints one line per step, `step N (NAME): exit S` or `skipped`, and exits with the status of
the failing step or 0. Used by scripts/test-actions.sh; needs PyYAML (pre-commit brings it).
"""

import os
import re
import subprocess
import sys
import tempfile

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*(inputs|runner)\.([A-Za-z0-9_-]+)\s*\}\}")
CONDITION = re.compile(r"^inputs\.([A-Za-z0-9_-]+)\s*==\s*'([^']*)'$")


def main() -> int:
    path, given = sys.argv[1], dict(arg.split("=", 1) for arg in sys.argv[2:])
    with open(path, encoding="utf-8") as f:
        action = yaml.safe_load(f)
    inputs = {name: str(spec.get("default", "")) for name, spec in action.get("inputs", {}).items()}
    unknown = set(given) - set(inputs)
    if unknown:
        print(f"run-action: {path} has no input {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    inputs.update(given)
    temp = tempfile.mkdtemp()
    contexts = {"inputs": inputs, "runner": {"temp": temp}}
    github_path = os.path.join(temp, "github-path")
    open(github_path, "w").close()

    def fill(text: str) -> str:
        return EXPRESSION.sub(lambda m: contexts[m.group(1)][m.group(2)], str(text))

    env = dict(os.environ, GITHUB_ACTION_PATH=os.path.dirname(os.path.abspath(path)), GITHUB_PATH=github_path)
    for number, step in enumerate(action["runs"]["steps"], 1):
        name = step.get("name", "")
        condition = step.get("if")
        if condition is not None:
            match = CONDITION.match(str(condition).strip())
            if not match:
                print(f"run-action: step {number} has a condition this harness cannot read: {condition}", file=sys.stderr)
                return 2
            if inputs[match.group(1)] != match.group(2):
                print(f"step {number} ({name}): skipped", flush=True)
                continue
        step_env = dict(env, **{key: fill(value) for key, value in step.get("env", {}).items()})
        # Directories a step added to GITHUB_PATH are on PATH for the steps after it.
        with open(github_path, encoding="utf-8") as f:
            added = [line.strip() for line in f if line.strip()]
        step_env["PATH"] = os.pathsep.join(added[::-1] + [step_env["PATH"]])
        status = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", fill(step["run"])], env=step_env).returncode
        print(f"step {number} ({name}): exit {status}", flush=True)
        if status != 0:
            return status
    return 0


if __name__ == "__main__":
    sys.exit(main())
