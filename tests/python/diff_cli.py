#!/usr/bin/env python3
"""Differential probe: craft edge-case labels and lists with the DEMO keys of
`iotmark demo` (fixed, public seeds) and compare this verifier's verdict with the CLI's
(`iotmark verify --json`). Each case is a place where docs/wire-format.md leaves the answer
open or where an implementation could plausibly go either way; a difference is not
necessarily a bug in either, but a spot the spec should pin down.

    target/release/iotmark demo --out /tmp/pydemo
    python3 tests/python/diff_cli.py --demo /tmp/pydemo --cli target/release/iotmark

Always exits 0 (informational); prints one line per case.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import cbor2
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import iotmark_verify as V  # noqa: E402

TODAY = None


def key_hex(path):
    for line in open(path):
        line = line.strip()
        if line and not line.startswith("#"):
            return line.rsplit(":", 1)[-1]


def sk(path):
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(key_hex(path)))


def pub(k):
    from cryptography.hazmat.primitives import serialization as s
    return k.public_key().public_bytes(s.Encoding.Raw, s.PublicFormat.Raw)


def bstr(b):
    return cbor2.dumps(bytes(b))


def sign(key, payload, protected=None, unprotected=b"\xa0", head=b"\xd2\x84"):
    if protected is None:
        protected = b"\xa2\x01\x27\x04\x44" + V.kid_of(pub(key))
    sig = key.sign(cbor2.dumps(["Signature1", protected, b"", payload]))
    return head + bstr(protected) + unprotected + bstr(payload) + b"\x58\x40" + sig


def text_of(env):
    return "IM1:" + V.encode_digits(env)


class Ctx:
    def __init__(self, demo, cli):
        self.demo, self.cli = demo, cli
        self.root = bytes.fromhex(json.load(open(os.path.join(demo, "config.json")))["root"])
        self.trust_path = os.path.join(demo, "trust.cose")
        self.rev_path = os.path.join(demo, "revocation.cose")
        self.trust = V.open_trust_list(open(self.trust_path, "rb").read(), self.root)
        self.rev = V.open_revocation_list(open(self.rev_path, "rb").read(), self.trust, self.root)
        self.lab = sk(os.path.join(demo, "lab.key"))
        self.rootk = sk(os.path.join(demo, "root.key"))
        self.status = sk(os.path.join(demo, "status.key"))
        m = json.load(open(os.path.join(demo, "manifest.json")))
        self.good_text = m[0]["text"]
        env = V.parse_envelope(V.decode_digits(V.parse_text(self.good_text)[1]))
        self.claims = list(cbor2.loads(env.payload))
        self.tmp = tempfile.mkdtemp(prefix="iotmark-diff-")

    def cli_verdict(self, text, trust=None, rev=None):
        cmd = [self.cli, "verify", "--root", os.path.join(self.demo, "root.pub"),
               "--trust", trust or self.trust_path, "--today", TODAY, "--json"]
        if rev is not False:
            cmd += ["--revoked", rev or self.rev_path]
        cmd += ["--", text] if not text.startswith("-") else ["--", text]
        p = subprocess.run(cmd, capture_output=True, text=True)
        try:
            return json.loads(p.stdout)["verification"]["verdict"]
        except Exception:
            msg = (p.stderr.strip().splitlines() or ["?"])[-1]
            return f"exit {p.returncode}: {msg[:110]}"

    def py_verdict(self, text, trust=None, rev=None):
        try:
            return V.verify(text, trust or self.trust, self.rev if rev is None else rev, TODAY, self.root)
        except V.Fail as e:
            return f"list {e.code}"
        except Exception as e:
            return f"exception {type(e).__name__}: {e}"

    def label(self, **changes):
        c = list(self.claims)
        for k, v in changes.items():
            c[int(k[1:])] = v
        return cbor2.dumps(c)


def main():
    global TODAY
    ap = argparse.ArgumentParser()
    ap.add_argument("--demo", default="/tmp/pydemo")
    ap.add_argument("--cli", default=os.path.join(HERE, "..", "..", "target", "release", "iotmark"))
    ap.add_argument("--today")
    a = ap.parse_args()
    x = Ctx(a.demo, a.cli)
    TODAY = a.today or json.load(open(os.path.join(a.demo, "config.json")))["made"]
    good = x.good_text.split("#", 1)[1]
    L = x.lab
    P = x.claims
    cases = []

    def case(name, text):
        cases.append((name, text))

    # ---- text forms
    case("NBSP around the text", "\u00a0" + good + "\u00a0")
    case("ideographic space before", "\u3000" + good)
    case("tab/newline around", "\t" + good + "\r\n")
    case("URL with empty host", "HTTPS://#" + good)
    case("ftp URL", "ftp://iotmark.org#" + good)
    case("URL with a space in the address", "https://iot mark.org#" + good)
    case("URL then a second # after digits", "https://iotmark.org#" + good + "#x")
    case("bare form then #", good + "#x")
    case("IM1: with no digits", "IM1:")
    case("IM01: version", "IM01:" + good[4:])
    case("Arabic-Indic digits", "IM1:\u0661\u0662\u0663")
    case("URL with IM1: lower case after #", "https://iotmark.org#im1:" + good[4:])
    case("text with no address before #", "#" + good)

    # ---- envelope
    def with_payload(payload, **kw):
        return text_of(sign(L, payload, **kw))

    kid = V.kid_of(pub(L))
    pl = x.label()
    case("control: re-signed good label", with_payload(pl))
    case("protected alg -8 non-shortest (38 07)", with_payload(pl, protected=b"\xa2\x01\x38\x07\x04\x44" + kid))
    case("protected map keys in order 4, 1", with_payload(pl, protected=b"\xa2\x04\x44" + kid + b"\x01\x27"))
    case("protected without alg", with_payload(pl, protected=b"\xa1\x04\x44" + kid))
    case("protected alg -7 and no kid", with_payload(pl, protected=b"\xa1\x01\x26"))
    case("protected kid of 5 bytes", with_payload(pl, protected=b"\xa2\x01\x27\x04\x45" + kid + b"\x00"))
    case("protected header is not CBOR", with_payload(pl, protected=b"\xff"))
    case("protected header empty bstr", with_payload(pl, protected=b""))
    case("unprotected header not empty {4: kid}", with_payload(pl, unprotected=b"\xa1\x04\x44" + kid))
    case("tag 18 written as D8 12", with_payload(pl, head=b"\xd8\x12\x84"))
    case("self-describe tag 55799 around", with_payload(pl, head=b"\xd9\xd9\xf7\xd2\x84"))
    env = sign(L, pl)
    case("array of 5 (truncated after 4)", text_of(b"\xd2\x85" + env[2:]))
    case("array of 3 then bytes", text_of(b"\xd2\x83" + env[2:]))
    case("reserved AI (0x1c) at start", text_of(b"\x1c" + env))
    case("envelope is the single byte 0x00", text_of(b"\x00"))

    # ---- claims
    case("payload is a map", with_payload(cbor2.dumps({1: 2})))
    case("payload is truncated CBOR", with_payload(pl[:-3]))
    case("payload array of 22", with_payload(cbor2.dumps(P + [0])))
    case("payload array of 20", with_payload(cbor2.dumps(P[:20])))
    def raw_claims(items, grade_bytes):  # claims with the grade (item 8) as given bytes
        enc = [cbor2.dumps(v) for v in items]
        enc[8] = grade_bytes
        return bytes([0x95]) + b"".join(enc)

    case("catalogue 2 and grade 2-byte int",
         with_payload(raw_claims(P[:1] + [2] + P[2:], b"\x19\x00" + bytes([P[8]]))))
    case("grade 7 and non-canonical grade", with_payload(raw_claims(P, b"\x19\x00\x07")))
    case("catalogue 2 and maker empty", with_payload(x.label(c1=2, c2="")))
    case("catalogue as text and maker empty", with_payload(x.label(c1="1", c2="")))
    case("maker NBSP only", with_payload(x.label(c2="\u00a0")))
    case("maker zero-width space only (Cf)", with_payload(x.label(c2="\u200b")))
    case("maker with U+0085 (Cc)", with_payload(x.label(c2="A\u0085B")))
    case("maker with U+2028 line separator", with_payload(x.label(c2="A\u2028B")))
    case("maker with U+200E LRM (Cf)", with_payload(x.label(c2="A\u200eB")))
    case("maker 32 bytes of e-acute (16 chars)", with_payload(x.label(c2="\u00e9" * 16)))
    case("maker 33 bytes", with_payload(x.label(c2="A" * 33)))
    case("maker invalid UTF-8", with_payload(bytes([0x95]) + b"".join(cbor2.dumps(v) for v in P[:2])
                                             + b"\x62\xc3\x28" + b"".join(cbor2.dumps(v) for v in P[3:])))
    case("serial empty string", with_payload(x.label(c6="")))
    case("GTIN 0", with_payload(x.label(c5=0)))
    case("GTIN-8 96385074", with_payload(x.label(c5=96385074)))
    case("GTIN 10^14 + valid-looking", with_payload(x.label(c5=100000000000000)))
    case("GTIN bad check digit", with_payload(x.label(c5=4006381333932)))
    case("grade 0 with no-mark statuses", with_payload(x.label(c8=0, c7=bytes([0x20]) + bytes(8))))
    case("principles padding bit set", with_payload(x.label(c7=P[7][:-1] + bytes([P[7][-1] | 0x04]))))
    case("valid until before issued", with_payload(x.label(c11=P[10] - 1)))
    case("updates until 0 (2020-01)", with_payload(x.label(c12=0)))
    case("updates until 10^6 months", with_payload(x.label(c12=10 ** 6)))
    case("repair bit 3 set", with_payload(x.label(c15=8)))
    case("label id 0", with_payload(x.label(c0=0)))
    case("negative integer for update delivery", with_payload(x.label(c13=-1)))
    case("bool for processing", with_payload(x.label(c17=False)))
    case("issued 0, valid until 0 (expired)", with_payload(x.label(c10=0, c11=0)))
    case("issued far future (not-yet-valid or issuer-not-valid?)", with_payload(x.label(c10=40000, c11=40000)))

    # ---- label signed by the root / status key
    case("label signed by the root key", text_of(sign(x.rootk, pl)))
    case("label signed by the status key", text_of(sign(x.status, pl)))

    width = max(len(n) for n, _ in cases)
    same = diff = 0
    for name, text in cases:
        py = x.py_verdict(text)
        cli = x.cli_verdict(text)
        mark = "same" if py == cli else "DIFF"
        same += py == cli
        diff += py != cli
        print(f"{mark} {name:{width}}  py={py:24} cli={cli}")

    # ---- lists
    print("--- lists (opened with the demo root; revocation lists with the demo trust list)")
    T = list(cbor2.loads(V.parse_envelope(open(x.trust_path, "rb").read()).payload))
    R = list(cbor2.loads(V.parse_envelope(open(x.rev_path, "rb").read()).payload))
    lcases = []

    def tl(name, payload, key=None):
        lcases.append((name, "trust", sign(key or x.rootk, payload)))

    def rl(name, payload, key=None):
        lcases.append((name, "revocation", sign(key or x.rootk, payload)))

    iss = T[3]
    tl("control: re-signed trust list", cbor2.dumps(T))
    tl("issuer key equal to the root key", cbor2.dumps(T[:3] + [iss + [[x.root, "Root Lab", 7, 0, 99999]]] + T[4:]))
    tl("issuer name NBSP only", cbor2.dumps(T[:3] + [[[iss[0][0], "\u00a0"] + iss[0][2:]] + iss[1:]] + T[4:]))
    tl("issuer name 65 bytes", cbor2.dumps(T[:3] + [[[iss[0][0], "A" * 65] + iss[0][2:]] + iss[1:]] + T[4:]))
    tl("issuer name with U+200B (Cf)", cbor2.dumps(T[:3] + [[[iss[0][0], "A\u200b"] + iss[0][2:]] + iss[1:]] + T[4:]))
    tl("issuer name with U+202E", cbor2.dumps(T[:3] + [[[iss[0][0], "Lab\u202e"] + iss[0][2:]] + iss[1:]] + T[4:]))
    tl("issuer key of 31 bytes", cbor2.dumps(T[:3] + [[[iss[0][0][:31]] + iss[0][1:]] + iss[1:]] + T[4:]))
    tl("issuer key not a curve point", cbor2.dumps(T[:3] + [[[b"\x02" + bytes(31)] + iss[0][1:]] + iss[1:]] + T[4:]))
    tl("issuer key small order (identity)", cbor2.dumps(T[:3] + [[[b"\x01" + bytes(31)] + iss[0][1:]] + iss[1:]] + T[4:]))
    tl("issuer assurances 0", cbor2.dumps(T[:3] + [[iss[0][:2] + [0] + iss[0][3:]] + iss[1:]] + T[4:]))
    tl("issuer assurances 8", cbor2.dumps(T[:3] + [[iss[0][:2] + [15] + iss[0][3:]] + iss[1:]] + T[4:]))
    tl("issuer until before from", cbor2.dumps(T[:3] + [[iss[0][:3] + [100, 99]] + iss[1:]] + T[4:]))
    tl("two issuers with the same key", cbor2.dumps(T[:3] + [iss + [iss[0]]] + T[4:]))
    tl("status key equal to the root key", cbor2.dumps(T[:4] + [x.root]))
    tl("status key null", cbor2.dumps(T[:4] + [None]))
    tl("trust list expires before issued", cbor2.dumps([T[0], T[1], T[1] - 1] + T[3:]))
    tl("trust list array of 4", cbor2.dumps(T[:4]))
    tl("trust list payload truncated", cbor2.dumps(T)[:-5])
    tl("trust list trailing byte", cbor2.dumps(T) + b"\x00")
    tl("trust list sequence as text", cbor2.dumps(["7"] + T[1:]))
    tl("trust list signed by an issuer", cbor2.dumps(T), key=x.lab)
    rl("control: re-signed revocation list", cbor2.dumps(R))
    rev0 = R[3][0]
    rl("reason 5", cbor2.dumps(R[:3] + [[rev0[:2] + [5, rev0[3]]], R[4]]))
    rl("note 201 bytes", cbor2.dumps(R[:3] + [[rev0[:3] + ["x" * 201]], R[4]]))
    rl("note with a newline and U+0007", cbor2.dumps(R[:3] + [[rev0[:3] + ["a\nb\x07"]], R[4]]))
    rl("note of spaces only", cbor2.dumps(R[:3] + [[rev0[:3] + ["   "]], R[4]]))
    rl("note empty", cbor2.dumps(R[:3] + [[rev0[:3] + [""]], R[4]]))
    rl("note with U+202E (direction override)", cbor2.dumps(R[:3] + [[rev0[:3] + ["a\u202eb"]], R[4]]))
    rl("two strike-offs, ids descending", cbor2.dumps(R[:3] + [[[rev0[0] + 1] + rev0[1:], rev0], R[4]]))
    rl("two strike-offs, same id", cbor2.dumps(R[:3] + [[rev0, rev0], R[4]]))
    rl("suspension recorded of 13 bytes", cbor2.dumps(R[:4] + [[[b"abcd", 1, bytes(13)]]]))
    rl("suspension recorded descending", cbor2.dumps(R[:4] + [[[b"abcd", 1, b"\x01" * 12 + b"\x00" * 12]]]))
    rl("suspension kid of 3 bytes", cbor2.dumps(R[:4] + [[[b"abc", 1, b""]]]))
    rl("suspensions kids descending", cbor2.dumps(R[:4] + [[[b"abce", 1, b""], [b"abcd", 1, b""]]]))
    rl("suspension of an unknown kid, empty set", cbor2.dumps(R[:4] + [[[b"abcd", 1, b""]]]))
    rl("revocation expires before issued", cbor2.dumps([R[0], R[1], R[1] - 1] + R[3:]))
    rl("status-signed, 7 days", cbor2.dumps([R[0], R[1], R[1] + 7] + R[3:]), key=x.status)
    rl("status-signed, 8 days", cbor2.dumps([R[0], R[1], R[1] + 8] + R[3:]), key=x.status)
    rl("root-signed, 10 years", cbor2.dumps([R[0], R[1], R[1] + 3650] + R[3:]))
    rl("signed by an issuer", cbor2.dumps(R), key=x.lab)
    rl("revocation array of 4 (no suspensions)", cbor2.dumps(R[:4]))

    width = max(len(n) for n, _, _ in lcases)
    for name, kind, data in lcases:
        path = os.path.join(x.tmp, "l.cose")
        open(path, "wb").write(data)
        try:
            if kind == "trust":
                V.open_trust_list(data, x.root)
            else:
                V.open_revocation_list(data, x.trust, x.root)
            py = "ok"
        except V.Fail as e:
            py = e.code
        if kind == "trust":
            cli = x.cli_verdict(x.good_text, trust=path, rev=False)
        else:
            cli = x.cli_verdict(x.good_text, rev=path)
        print(f"     {name:{width}}  py={py:14} cli={cli}")
    print(f"labels: {same} same, {diff} different")
    return 0


if __name__ == "__main__":
    sys.exit(main())
