#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<target>/ from the conformance vectors
(tests/vectors/labels.json) and the output of `iotmark demo` (labels and QR images).

    target/release/iotmark demo --out /tmp/imdemo
    python3 fuzz/make_corpus.py /tmp/imdemo

Each seed is named by the SHA-1 of its bytes, as libFuzzer names what it adds. The input
layouts are those of fuzz/src/targets.rs: `verify` and `lists` take a first mode byte,
`scan` a 4-byte header (flags, width-1, height-1, frame number) then the cells; `spec`
and `batch_csv` the text of a file.
"""

import glob
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "python"))
import iotmark_verify as V  # noqa: E402


def put(target, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def envelope_of(text):
    try:
        _, digits = V.parse_text(text)
        return V.decode_digits(digits)
    except V.Fail:
        return None


def payload_of(env):
    try:
        return V.parse_envelope(env).payload
    except V.Fail:
        return None


def main():
    demo = sys.argv[1] if len(sys.argv) > 1 else None
    doc = json.load(open(os.path.join(HERE, "..", "tests", "vectors", "labels.json")))
    texts = [v["text"] for v in doc["vectors"]]
    if demo:
        texts += [json.loads(open(os.path.join(demo, "manifest.json")).read())[i]["text"] for i in range(2)]
        texts += [open(p).read() for p in sorted(glob.glob(os.path.join(demo, "labels", "*.txt")))]
    for t in texts:
        put("text", t.encode())
        put("verify", b"\x00" + t.encode())
        env = envelope_of(t)
        if env is None:
            continue
        put("envelope", env)
        payload = payload_of(env)
        if payload is not None:
            put("claims", payload)
            put("verify", b"\x02" + payload)
    trust, revocation = bytes.fromhex(doc["trust_list"]), bytes.fromhex(doc["revocation_list"])
    put("lists", b"\x00" + trust)
    put("lists", b"\x01" + revocation)
    put("lists", b"\x02" + payload_of(trust))
    put("lists", b"\x03" + payload_of(revocation))
    put("lists", b"\x04" + payload_of(revocation))
    put("lists", b"\x05" + payload_of(revocation))
    for entry in doc["lists"]:
        b = bytes.fromhex(entry["bytes"])
        put("lists", (b"\x00" if entry["list"] == "trust" else b"\x01") + b)
    for path in sorted(glob.glob(os.path.join(HERE, "..", "labels", "examples", "*.toml"))):
        put("spec", open(path, "rb").read())
    for csv in (b"serial\nSN-1\nSN-2\n", b"SN-0001\nSN-0002\nSN-0003\n", b'line,serial,note\n1,"A,1","x ""q"""\n2, B-2 ,\n',
                b"\n\nX1\n\nX2\n", b'"multi\nline",x\nY\n', b"Serial;Other\r\nS1;a\r\nS2;b\r\n", b"id,serial\n1,\n"):
        put("batch_csv", csv)
    if demo:
        for name in ("trust.cose", "revocation.cose"):
            put("lists", (b"\x00" if name == "trust.cose" else b"\x01") + open(os.path.join(demo, name), "rb").read())
        scan_seeds(demo)


def scan_seeds(demo):
    from PIL import Image

    # QR images of the demo labels, 8 pixels a module: one bit a module (flags bit 2),
    # 2 pixels a cell, for the first code, for all, and as a camera frame.
    for i, path in enumerate(sorted(glob.glob(os.path.join(demo, "labels", "*.qr.png")))[:3]):
        im = Image.open(path).convert("L")
        cells = im.size[0] // 8
        bits = [1 if im.getpixel((8 * x + 4, 8 * y + 4)) < 128 else 0 for y in range(cells) for x in range(cells)]
        packed = bytes(sum(b << (7 - k) for k, b in enumerate(bits[j:j + 8])) for j in range(0, len(bits), 8))
        flags = 4 | (1 << 3) | (i % 3)
        put("scan", bytes([flags, cells - 1, cells - 1, 0]) + packed)
    # Grey frames (one byte a pixel), at most 160 pixels a side: a label image scaled to
    # 130 pixels, the same at 78 pixels a side and 2 pixels a cell, and a print-ready
    # sticker scaled down.
    qr = sorted(glob.glob(os.path.join(demo, "labels", "*.qr.png")))[0]
    im = Image.open(qr).convert("L").resize((130, 130), Image.BILINEAR)
    put("scan", bytes([0, 129, 129, 0]) + im.tobytes())
    im = Image.open(qr).convert("L").resize((78, 78), Image.BILINEAR)
    put("scan", bytes([1 | (1 << 3), 77, 77, 0]) + im.tobytes())
    sticker = sorted(glob.glob(os.path.join(demo, "labels", "*-sticker.png")))[0]
    im = Image.open(sticker).convert("L").resize((120, 160), Image.BILINEAR)
    put("scan", bytes([2, 119, 159, 5]) + im.tobytes())
    # The rqrr test captures (18 x 18 pixels), as they are.
    for path in sorted(glob.glob(os.path.join(HERE, "..", "vendor", "rqrr", "src", "test_data", "*.png"))):
        im = Image.open(path).convert("L")
        w, h = im.size
        put("scan", bytes([0, w - 1, h - 1, 0]) + im.tobytes())


if __name__ == "__main__":
    main()
