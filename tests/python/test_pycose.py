#!/usr/bin/env python3
"""Show that an ordinary COSE library (PyPI `pycose`) reads an iotmark envelope: decode a
conformance label and the trust list as COSE_Sign1, and check their Ed25519 signatures
(the label with its issuer's key from the trust list, the trust list with the root key).

    pip install pycose cbor2
    python3 tests/python/test_pycose.py

Exit 0 on success (or, with a printed note, when pycose is not installed), 1 on failure.
"""

import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "..", "vectors", "labels.json")

try:
    import cbor2
    from pycose.messages import Sign1Message
    from pycose.keys import OKPKey
    from pycose.keys.curves import Ed25519
    from pycose.headers import Algorithm, KID
    from pycose.algorithms import EdDSA
except ImportError as e:  # pragma: no cover
    print(f"NOTE: pycose is not available ({e}); install it with `pip install pycose`. Skipped.")
    sys.exit(0)


def digits_to_bytes(digits):
    width_to_bytes = {3: 1, 5: 2, 8: 3, 10: 4, 13: 5, 15: 6, 17: 7}
    out = bytearray()
    i = 0
    while i < len(digits):
        w = 17 if len(digits) - i >= 17 else len(digits) - i
        k = width_to_bytes[w]
        out += int(digits[i:i + w]).to_bytes(k, "big")
        i += w
    return bytes(out)


_NOTED = []


def decode_sign1(envelope):
    """Sign1Message.decode; pycose 1.1.0 expects cbor2 to decode arrays as lists, but
    cbor2 >= 6 returns a tuple (and frozendict maps) inside a tag, and pycose then fails with "Bytes cannot be decoded as COSE
    message". In that case hand pycose the same decoded item as a list with dict maps."""
    try:
        return Sign1Message.decode(envelope)
    except TypeError:
        item = cbor2.loads(envelope)
        if not (isinstance(item, cbor2.CBORTag) and item.tag == 18 and isinstance(item.value, tuple)):
            raise
        if not _NOTED:
            _NOTED.append(1)
            print("NOTE: pycose 1.1.0 + cbor2 >= 6 (a tag's array decodes as a tuple, its maps as "
                  "frozendict): using "
                  "Sign1Message.from_cose_obj on the decoded array (pip install 'cbor2<6' avoids this)")
        arr = [dict(x) if hasattr(x, "keys") else x for x in item.value]
        return Sign1Message.from_cose_obj(arr, True)


def check(name, envelope, public_key):
    msg = decode_sign1(envelope)
    alg = msg.phdr.get(Algorithm)
    kid = msg.phdr.get(KID)
    assert alg is EdDSA or alg == EdDSA, f"{name}: alg {alg!r}"
    assert kid == hashlib.sha256(public_key).digest()[:4], f"{name}: kid {kid!r}"
    msg.key = OKPKey(crv=Ed25519, x=public_key)
    ok = msg.verify_signature()
    print(f"{name}: pycose decoded COSE_Sign1, alg EdDSA, kid {kid.hex()}, "
          f"payload {len(msg.payload)} bytes, signature {'VALID' if ok else 'INVALID'}")
    return ok, msg


def main():
    doc = json.load(open(VECTORS))
    root = bytes.fromhex(doc["root_public_key"])
    trust_env = bytes.fromhex(doc["trust_list"])
    ok_trust, tmsg = check("trust list", trust_env, root)
    trust = cbor2.loads(tmsg.payload)
    issuers = {hashlib.sha256(i[0]).digest()[:4]: i for i in trust[3]}

    vec = next(v for v in doc["vectors"] if v["expected"] == "valid")
    envelope = digits_to_bytes(vec["text"].strip().split("IM1:", 1)[1])
    kid = decode_sign1(envelope).phdr.get(KID)
    issuer = issuers[kid]
    ok_label, lmsg = check(f"label {vec['name']!r} (issuer {issuer[1]!r})", envelope, issuer[0])
    claims = cbor2.loads(lmsg.payload)
    print(f"  claims: {len(claims)} items, maker {claims[2]!r}, product {claims[3]!r}")

    # A tampered label must fail under pycose too.
    bad = next(v for v in doc["vectors"] if v["name"] == "one signature byte changed")
    benv = digits_to_bytes(bad["text"].strip().split("IM1:", 1)[1])
    bissuer = issuers[decode_sign1(benv).phdr.get(KID)]
    try:
        ok_bad, _ = check("tampered label (expect INVALID)", benv, bissuer[0])
    except Exception as e:  # some pycose versions raise instead of returning False
        print(f"tampered label: pycose refused it ({type(e).__name__}: {e})")
        ok_bad = False

    if ok_trust and ok_label and not ok_bad:
        print("pycose: OK")
        return 0
    print("pycose: FAILED")
    return 1


if __name__ == "__main__":
    sys.exit(main())
