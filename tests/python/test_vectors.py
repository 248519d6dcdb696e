#!/usr/bin/env python3
"""Run the iotmark conformance vectors (tests/vectors/labels.json) through the independent
Python verifier, and optionally a manifest of CLI-made labels.

    python3 tests/python/test_vectors.py
    python3 tests/python/test_vectors.py --labels /tmp/pydemo/manifest.json \
        --root $(python3 -c "import json;print(json.load(open('/tmp/pydemo/config.json'))['root'])") \
        --trust /tmp/pydemo/trust.cose --revocation /tmp/pydemo/revocation.cose \
        --today 2026-12-01

Exit code 0 when everything matches, 1 on any mismatch, 2 on a usage error.
"""

import argparse
import datetime
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import iotmark_verify as V  # noqa: E402

DEFAULT_VECTORS = os.path.join(HERE, "..", "vectors", "labels.json")


def read_list_file(path):
    """A list file may hold raw COSE bytes, or hex text."""
    data = open(path, "rb").read()
    try:
        t = data.decode("ascii").strip()
        if t and all(c in "0123456789abcdefABCDEF" for c in t) and len(t) % 2 == 0:
            return bytes.fromhex(t)
    except UnicodeDecodeError:
        pass
    return data


def read_root(arg):
    """Hex, or a file: 32 raw bytes, hex, or the CLI's `root.pub` text
    (`# comment` lines and a `iotmark-public-key-1:<hex>` line)."""
    if os.path.exists(arg):
        data = open(arg, "rb").read()
        if len(data) == 32:
            return data
        for line in data.decode().splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            return bytes.fromhex(line.rsplit(":", 1)[-1])
        raise ValueError(f"no key in {arg}")
    return bytes.fromhex(arg)


def run_conformance(path, verbose):
    doc = json.load(open(path))
    root = bytes.fromhex(doc["root_public_key"])
    trust = V.open_trust_list(bytes.fromhex(doc["trust_list"]), root)
    rev = V.open_revocation_list(bytes.fromhex(doc["revocation_list"]), trust, root)
    ok = total = 0
    failures = []
    for vec in doc["vectors"]:
        total += 1
        today = vec.get("today", doc["today"])
        try:
            got = V.verify(vec["text"], trust, rev, today, root)
        except Exception as e:  # a crash is a mismatch
            got = f"exception {type(e).__name__}: {e}"
        if got == vec["expected"]:
            ok += 1
        else:
            failures.append(f"vector {vec.get('name')!r}: expected {vec['expected']}, got {got}")
        if verbose:
            print(f"  {'ok ' if got == vec['expected'] else 'BAD'} {vec['expected']:22} {vec.get('name')}")
    lok = ltotal = 0
    for lv in doc.get("lists", []):
        ltotal += 1
        data = bytes.fromhex(lv["bytes"])
        try:
            if lv["list"] == "trust":
                V.open_trust_list(data, root)
            elif lv["list"] == "revocation":
                V.open_revocation_list(data, trust, root)
            elif lv["list"] == "rotation":
                V.open_root_rotation(data, root)
            else:
                raise ValueError(f"unknown list kind {lv['list']!r}")
            got = "ok"
        except V.Fail as e:
            got = e.code
        except Exception as e:
            got = f"exception {type(e).__name__}: {e}"
        if got == lv["expected"]:
            lok += 1
        else:
            failures.append(f"list {lv.get('name')!r}: expected {lv['expected']}, got {got}")
        if verbose:
            print(f"  {'ok ' if got == lv['expected'] else 'BAD'} {lv['expected']:22} {lv.get('name')}")
    return ok, total, lok, ltotal, failures


def run_spec_examples():
    """The worked examples in docs/wire-format.md section 2 and docs/grading.md."""
    failures = []
    digits = [([], ""), ([0], "000"), ([255], "255"), ([1, 0], "00256"),
              ([255] * 7, "72057594037927935"), ([0] * 7 + [7], "00000000000000000007")]
    for data, text in digits:
        if V.encode_digits(bytes(data)) != text:
            failures.append(f"digits: encode {data} != {text!r}")
        try:
            if V.decode_digits(text) != bytes(data):
                failures.append(f"digits: decode {text!r} != {data}")
        except V.Fail as e:
            failures.append(f"digits: decode {text!r} failed {e.code}")
    for bad in ("256", "0000", "12a", "\u0661\u0662\u0663"):
        try:
            V.decode_digits(bad)
            failures.append(f"digits: {bad!r} accepted")
        except V.Fail as e:
            if e.code != "bad-digits":
                failures.append(f"digits: {bad!r} gave {e.code}")
    kinds = V.CATALOGUES[1]
    M, P, N, X = V.MET, V.PARTLY, V.NOT_MET, V.NOT_APPLICABLE

    def st(**changes):
        s = [M] * 33
        for status, ids in changes.items():
            for i in ids:
                s[i - 1] = {"P": P, "N": N, "X": X}[status]
        return s

    table = [
        (st(), 3), (st(N=[11, 14]), 3), (st(N=[11, 13, 14]), 2),
        (st(N=[13], X=[11, 14]), 3), (st(X=[11, 13, 14, 15, 16]), 3),
        (st(N=[9, 10, 12, 17]), 2), (st(N=[9, 10, 12, 17], P=[26]), 1),
        (st(P=[24]), 1), (st(N=[3]), 0), (st(N=[3, 29]), 0),
    ]
    extra = 0
    grading = os.path.join(HERE, "..", "..", "docs", "grading.md")
    if os.path.exists(grading):  # the tier table of docs/grading.md, when it has one
        import re
        tiers = {"essential": V.ESSENTIAL, "nice-to-have": V.NICE, "open": V.OPEN}
        rows = re.findall(r"^\| (\d+) \| (essential|nice-to-have|open) \|", open(grading).read(), re.M)
        if rows:
            extra = 1
            doc = [tiers[t] for _, t in sorted(rows, key=lambda r: int(r[0]))]
            if doc != kinds:
                failures.append("catalogue 1 tiers differ from docs/grading.md's table")
    for i, (s, g) in enumerate(table, 1):
        got = V.earned_grade(kinds, s)
        if got != g:
            failures.append(f"grading.md row {i}: expected {g}, got {got}")
    n = len(digits) + 4 + len(table) + extra
    return n - len(failures), n, failures


def run_manifest(args, verbose):
    if not (args.root and args.trust):
        print("--labels needs --root and --trust", file=sys.stderr)
        sys.exit(2)
    root = read_root(args.root)
    trust = V.open_trust_list(read_list_file(args.trust), root)
    rev = None
    if args.revocation:
        rev = V.open_revocation_list(read_list_file(args.revocation), trust, root)
    today = args.today or datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    labels = json.load(open(args.labels))
    ok = 0
    failures = []
    for item in labels:
        try:
            got = V.verify(item["text"], trust, rev, item.get("today", today), root)
        except Exception as e:
            got = f"exception {type(e).__name__}: {e}"
        name = item.get("name", item["text"][:40])
        if got == item["expected"]:
            ok += 1
        else:
            failures.append(f"manifest {name!r}: expected {item['expected']}, got {got}")
        if verbose:
            print(f"  {'ok ' if got == item['expected'] else 'BAD'} {item['expected']:22} {name}")
    return ok, len(labels), failures


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vectors", default=DEFAULT_VECTORS, help="conformance file (default: tests/vectors/labels.json)")
    ap.add_argument("--labels", help="JSON manifest: a list of {text, expected} (iotmark demo's manifest.json)")
    ap.add_argument("--root", help="root public key, hex (or a file holding it)")
    ap.add_argument("--trust", help="trust list file (COSE bytes or hex)")
    ap.add_argument("--revocation", help="revocation list file (COSE bytes or hex)")
    ap.add_argument("--today", help="YYYY-MM-DD for the manifest labels (default: today, UTC)")
    ap.add_argument("--no-vectors", action="store_true", help="skip the conformance vectors")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    failures = []
    parts = []
    if not args.no_vectors:
        ok, total, lok, ltotal, f = run_conformance(args.vectors, args.verbose)
        failures += f
        parts.append(f"vectors {ok}/{total} passed, list vectors {lok}/{ltotal} passed")
        eok, etotal, f = run_spec_examples()
        failures += f
        parts.append(f"spec examples {eok}/{etotal} passed")
    if args.labels:
        mok, mtotal, f = run_manifest(args, args.verbose)
        failures += f
        parts.append(f"manifest labels {mok}/{mtotal} passed")
    for f in failures:
        print("MISMATCH", f)
    print("; ".join(parts) if parts else "nothing to run")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
