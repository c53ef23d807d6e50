"""Whether two versions of the checker give the same results: the guard for
work that should change speed only.

    python benchmarks/same_output.py --base REV [--corpus ../shared/corpus] [--mutants 3] [--seed 7]
    python benchmarks/same_output.py --tree DIR ...

Checks out ``REV`` into a temporary git worktree (or takes the checker in the
folder ``DIR``, such as an installed copy with its compiled modules, given as
the site-packages folder holding ``checker/``), then runs it and the working
tree, each in its own process, over every corpus document and over randomly
edited copies of the seeds, the EDGAR exhibits and every twelfth batch
document (lines deleted, repeated, swapped, upper-cased, their words shuffled,
a quotation mark or parenthesis dropped: text no version was tuned on).  It
compares one hash of each document's full JSON result (timings left out),
lists the documents whose results differ and exits 1 if any does.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Run in a child process with the checker of one version first on sys.path:
# prints {document label: hash of its JSON result}.
_WORKER = r"""
import hashlib, json, os, random, sys, tempfile
root, corpus, mutants, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sys.path.insert(0, root)
from checker.pipeline import check_file, results_to_json

def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if k not in ("timings", "seconds", "elapsed", "path")}
    if isinstance(o, list):
        return [strip(x) for x in o]
    return o

def digest(path):
    res = json.loads(json.dumps(results_to_json([check_file(path)]), default=str))
    return hashlib.sha1(json.dumps(strip(res), sort_keys=True).encode()).hexdigest()

def mutate(lines, rng):
    out = list(lines)
    for _ in range(rng.randint(5, 40)):
        op, i = rng.random(), rng.randrange(len(out))
        if op < 0.25:
            del out[i]
        elif op < 0.45:
            out.insert(rng.randrange(len(out)), out[i])
        elif op < 0.6:
            out[i] = out[i].upper()
        elif op < 0.75:
            words = out[i].split(" ")
            rng.shuffle(words)
            out[i] = " ".join(words)
        elif op < 0.85:
            out[i] = out[i].replace('"', "", 1).replace("(", "", 1)
        else:
            j = rng.randrange(len(out))
            out[i], out[j] = out[j], out[i]
    return out

files = sorted(os.path.relpath(os.path.join(d, f), corpus) for d, _, fs in os.walk(corpus) for f in fs
               if not f.endswith((".md", ".tsv")))
result = {f: digest(os.path.join(corpus, f)) for f in files}
rng = random.Random(seed)
batch = [f for f in files if f.startswith("batch" + os.sep)]
for f in [f for f in files if not f.startswith("batch" + os.sep)] + batch[::12]:
    with open(os.path.join(corpus, f), encoding="utf-8", errors="replace") as fh:
        lines = fh.read().split("\n")
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(mutants):
            if not lines or lines == [""]:
                break
            p = os.path.join(tmp, f"m{k}.txt")
            with open(p, "w", encoding="utf-8") as fh:
                fh.write("\n".join(mutate(lines, rng)))
            result[f"{f} (edited copy {k + 1})"] = digest(p)
print(json.dumps(result))
"""


def _run(root: Path, corpus: Path, mutants: int, seed: int) -> subprocess.Popen:
    env = dict(os.environ, CLAUSECHECK_NO_CACHE="1")
    return subprocess.Popen([sys.executable, "-c", _WORKER, str(root), str(corpus), str(mutants), str(seed)],
                            stdout=subprocess.PIPE, text=True, env=env, cwd=str(root))


def results(roots: list[Path], corpus: Path, mutants: int = 3, seed: int = 7) -> list[dict]:
    """{document label: hash of its result} from the checker at each root, run side by side."""
    procs = [_run(root, corpus, mutants, seed) for root in roots]
    outs = [p.communicate()[0] for p in procs]
    if any(p.returncode for p in procs):
        raise RuntimeError("a checker process failed (its error is above)")
    return [json.loads(o) for o in outs]


def differing(old: dict, new: dict) -> list[str]:
    return sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    which = ap.add_mutually_exclusive_group(required=True)
    which.add_argument("--base", help="the git revision to compare the working tree with")
    which.add_argument("--tree", help="a folder holding another checker/ to compare the working tree with")
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--mutants", type=int, default=3, help="edited copies per document (0: none)")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)
    corpus = Path(a.corpus).resolve()
    if not corpus.is_dir():
        print(f"corpus not found at {corpus}; pass --corpus", file=sys.stderr)
        return 2
    try:
        if a.tree:
            if not (Path(a.tree) / "checker" / "__init__.py").is_file():
                print(f"no checker/ package in {a.tree}", file=sys.stderr)
                return 2
            old, new = results([Path(a.tree).resolve(), REPO], corpus, a.mutants, a.seed)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                base = Path(tmp) / "base"
                subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(base), a.base],
                               check=True)
                try:
                    old, new = results([base, REPO], corpus, a.mutants, a.seed)
                finally:
                    subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(base)], check=False)
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 2
    differ = differing(old, new)
    edited = sum(1 for k in old if "(edited copy" in k)
    print(f"{len(old) - edited} corpus documents and {edited} edited copies: {len(differ)} differ "
          f"between {a.base or a.tree} and the working tree")
    for k in differ:
        print(f"  {k}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
