"""An independent iotmark label verifier, written from docs/wire-format.md and
docs/grading.md only (no project source was read).

Public API
----------
parse_text(text) -> (link or None, digits)           raises Fail('not-a-label')
decode_digits(digits) -> bytes                       raises Fail('bad-digits')
encode_digits(data) -> str
parse_envelope(data) -> Envelope                     raises Fail(<section 3 code>)
decode_claims(payload) -> Claims                     raises Fail(<section 4 code>)
earned_grade(catalogue, statuses) -> 0..3
open_trust_list(data, root_public_key) -> TrustList  raises Fail(<list code>)
open_revocation_list(data, trust_list, root_public_key) -> RevocationList
verify(text, trust_list, revocation_list, today, root) -> verdict code (str)
verify_full(...) -> Verdict (code plus what a verifier would report)

`cbor2` is used only to build the Sig_structure (a fixed, canonical shape); parsing is a
strict hand-written CBOR reader, because the spec fixes which error a malformed input
gives, which a general-purpose decoder does not report.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import unicodedata
from dataclasses import dataclass, field
from typing import Optional, Union

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class Fail(Exception):
    """A verification or parsing failure carrying the spec's error code."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code if not detail else f"{code}: {detail}")
        self.code = code
        self.detail = detail


# --------------------------------------------------------------------------- section 1

# Section 1 says "white space" without defining it; section 4 defines **white space** as
# the Unicode White_Space property, which is used here too.
_WS = "".join(map(chr, [*range(0x09, 0x0E), 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
                        0x2028, 0x2029, 0x202F, 0x205F, 0x3000]))


def parse_text(text: str):
    """Section 1. Returns (link, digits); link is the unsigned address of the URL form."""
    if not isinstance(text, str):
        raise Fail("not-a-label", "not text")
    t = text.strip(_WS)
    link = None
    if not t.startswith("IM"):
        if "#" not in t:
            raise Fail("not-a-label")
        addr, bare = t.split("#", 1)
        low = addr.lower()
        if not (low.startswith("http://") or low.startswith("https://")):
            raise Fail("not-a-label", "address is not http(s)")
        link, t = addr, bare
    # bare form: "IM" <version> ":" <digits>
    if not t.startswith("IM"):
        raise Fail("not-a-label")
    colon = t.find(":")
    if colon < 0:
        raise Fail("not-a-label")
    version = t[2:colon]
    if version != "1":
        raise Fail("not-a-label", f"unknown version {version!r}")
    return link, t[colon + 1:]


# --------------------------------------------------------------------------- section 2

_WIDTH = {1: 3, 2: 5, 3: 8, 4: 10, 5: 13, 6: 15, 7: 17}
_BYTES_OF_WIDTH = {w: k for k, w in _WIDTH.items()}


def encode_digits(data: bytes) -> str:
    out = []
    for i in range(0, len(data), 7):
        g = data[i:i + 7]
        out.append(str(int.from_bytes(g, "big")).zfill(_WIDTH[len(g)]))
    return "".join(out)


def decode_digits(digits: str) -> bytes:
    if any(c not in "0123456789" for c in digits):
        raise Fail("bad-digits", "not an ASCII digit")
    full, rest = divmod(len(digits), 17)
    if rest != 0 and rest not in _BYTES_OF_WIDTH:
        raise Fail("bad-digits", "bad length")
    groups = [(digits[i * 17:(i + 1) * 17], 7) for i in range(full)]
    if rest:
        groups.append((digits[full * 17:], _BYTES_OF_WIDTH[rest]))
    out = bytearray()
    for g, k in groups:
        v = int(g)
        if v >= 256 ** k:
            raise Fail("bad-digits", "group over its byte range")
        out += v.to_bytes(k, "big")
    return bytes(out)


# --------------------------------------------------------------------------- strict CBOR

class Truncated(Exception):
    pass


class Malformed(Exception):
    pass


@dataclass
class Text:
    raw: bytes

    @property
    def valid(self) -> bool:
        try:
            self.raw.decode("utf-8")
            return True
        except UnicodeDecodeError:
            return False

    def str(self) -> str:
        return self.raw.decode("utf-8")


@dataclass
class Tag:
    tag: int
    value: object


@dataclass
class CMap:
    pairs: list


@dataclass
class Simple:
    """A float, undefined or other simple value: never a valid item in this format."""
    kind: str
    value: object = None


class _Reader:
    """Reads one CBOR data item (RFC 8949) and records whether its encoding is canonical
    (shortest heads, definite lengths). Maps are kept as ordered pairs."""

    def __init__(self, data: bytes, pos: int = 0):
        self.d = data
        self.p = pos
        self.noncanonical = False

    def _take(self, n: int) -> bytes:
        if self.p + n > len(self.d):
            raise Truncated()
        b = self.d[self.p:self.p + n]
        self.p += n
        return b

    def _head(self):
        ib = self._take(1)[0]
        major, ai = ib >> 5, ib & 31
        if ai < 24:
            return major, ai, ai
        if ai in (24, 25, 26, 27):
            n = 1 << (ai - 24)
            v = int.from_bytes(self._take(n), "big")
            minimum = {24: 24, 25: 256, 26: 65536, 27: 1 << 32}[ai]
            if major != 7 and v < minimum:
                self.noncanonical = True
            return major, ai, v
        if ai == 31:
            return major, ai, None
        raise Malformed("reserved additional information")

    def item(self, depth: int = 0):
        if depth > 64:
            raise Malformed("too deep")
        major, ai, v = self._head()
        if major == 0:
            if v is None:
                raise Malformed()
            return v
        if major == 1:
            if v is None:
                raise Malformed()
            return -1 - v
        if major in (2, 3):
            if v is None:  # indefinite-length string
                self.noncanonical = True
                chunks = []
                while True:
                    if self.p >= len(self.d):
                        raise Truncated()
                    if self.d[self.p] == 0xFF:
                        self.p += 1
                        break
                    m2, ai2, n2 = self._head()
                    if m2 != major or n2 is None:
                        raise Malformed("bad chunk")
                    chunks.append(self._take(n2))
                raw = b"".join(chunks)
            else:
                raw = self._take(v)
            return raw if major == 2 else Text(raw)
        if major == 4:
            items = []
            if v is None:
                self.noncanonical = True
                while True:
                    if self.p >= len(self.d):
                        raise Truncated()
                    if self.d[self.p] == 0xFF:
                        self.p += 1
                        break
                    items.append(self.item(depth + 1))
            else:
                if v > len(self.d):  # cannot fit: still "ends inside a structure"
                    raise Truncated()
                for _ in range(v):
                    items.append(self.item(depth + 1))
            return items
        if major == 5:
            pairs = []
            if v is None:
                self.noncanonical = True
                while True:
                    if self.p >= len(self.d):
                        raise Truncated()
                    if self.d[self.p] == 0xFF:
                        self.p += 1
                        break
                    k = self.item(depth + 1)
                    pairs.append((k, self.item(depth + 1)))
            else:
                if v > len(self.d):
                    raise Truncated()
                for _ in range(v):
                    k = self.item(depth + 1)
                    pairs.append((k, self.item(depth + 1)))
            return CMap(pairs)
        if major == 6:
            if v is None:
                raise Malformed()
            return Tag(v, self.item(depth + 1))
        # major 7
        if ai < 24:
            if v == 20:
                return False
            if v == 21:
                return True
            if v == 22:
                return None
            return Simple("undefined" if v == 23 else "simple", v)
        if ai == 24:
            if v < 32:
                raise Malformed("bad simple value")
            return Simple("simple", v)
        if ai in (25, 26, 27):
            return Simple("float")
        raise Malformed("unexpected break")


def _read_one(data: bytes):
    """Returns (item, noncanonical, end_position); raises Truncated / Malformed."""
    r = _Reader(data)
    it = r.item()
    return it, r.noncanonical, r.p


def is_uint(x) -> bool:
    return type(x) is int and x >= 0


def is_int(x) -> bool:
    return type(x) is int


# --------------------------------------------------------------------------- Ed25519

_P = 2 ** 255 - 19
_L = 2 ** 252 + 27742317777372353535851937790883648493
_D = (-121665 * pow(121666, _P - 2, _P)) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _decompress(b: bytes):
    """RFC 8032 5.1.3; returns extended coordinates or None."""
    if len(b) != 32:
        return None
    n = int.from_bytes(b, "little")
    sign = n >> 255
    y = n & ((1 << 255) - 1)
    if y >= _P:
        return None
    u = (y * y - 1) % _P
    v = (_D * y * y + 1) % _P
    x2 = u * pow(v, _P - 2, _P) % _P
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    if x == 0 and sign:
        return None
    if (x & 1) != sign:
        x = _P - x
    return (x, y, 1, x * y % _P)


def _double(pt):
    x1, y1, z1, _ = pt
    a = x1 * x1 % _P
    b = y1 * y1 % _P
    c = 2 * z1 * z1 % _P
    h = (a + b) % _P
    e = (h - (x1 + y1) * (x1 + y1)) % _P
    g = (a - b) % _P
    f = (c + g) % _P
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def is_small_order(b: bytes) -> bool:
    pt = _decompress(b)
    if pt is None:
        return False
    for _ in range(3):
        pt = _double(pt)
    x, y, z, _ = pt
    return x % _P == 0 and (y - z) % _P == 0


def is_usable_key(pub: bytes) -> bool:
    """A 32-byte encoding of a curve point (RFC 8032 decoding) that is not of small order."""
    return _decompress(pub) is not None and not is_small_order(pub)


def ed25519_verify_strict(pub: bytes, msg: bytes, sig: bytes) -> bool:
    """RFC 8032 5.1.7, with S < L and no small-order (or undecodable) public keys."""
    if len(pub) != 32 or len(sig) != 64:
        return False
    if not is_usable_key(pub):
        return False
    if int.from_bytes(sig[32:], "little") >= _L:
        return False
    if _decompress(sig[:32]) is None:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(pub).verify(sig, msg)
        return True
    except (InvalidSignature, ValueError):
        return False


def kid_of(pub: bytes) -> bytes:
    return hashlib.sha256(pub).digest()[:4]


# --------------------------------------------------------------------------- section 3

@dataclass
class Envelope:
    protected: bytes
    kid: bytes
    payload: bytes
    signature: bytes

    def sig_structure(self) -> bytes:
        return cbor2.dumps(["Signature1", self.protected, b"", self.payload])

    def verify_with(self, pub: bytes) -> bool:
        return ed25519_verify_strict(pub, self.sig_structure(), self.signature)


def parse_envelope(data: bytes) -> Envelope:
    try:
        item, noncanon, end = _read_one(data)
    except Truncated:
        raise Fail("truncated")
    except Malformed as e:
        raise Fail("bad-structure", f"not well-formed CBOR ({e})")
    if not (isinstance(item, Tag) and item.tag == 18):
        raise Fail("bad-structure", "not tag 18")
    arr = item.value
    if not (isinstance(arr, list) and len(arr) == 4):
        raise Fail("bad-structure", "not an array of 4")
    prot, unprot, payload, sig = arr
    if not (isinstance(prot, bytes) and isinstance(unprot, CMap) and isinstance(payload, bytes)
            and isinstance(sig, bytes)):
        raise Fail("bad-structure", "wrong item types")
    if len(sig) != 64:
        raise Fail("bad-structure", "signature not 64 bytes")
    if noncanon:
        raise Fail("non-canonical")
    if end != len(data):
        raise Fail("trailing-data")
    # protected header
    try:
        hdr, hnc, hend = _read_one(prot)
    except (Truncated, Malformed):
        raise Fail("bad-header", "protected header is not CBOR")
    if not isinstance(hdr, CMap):
        raise Fail("bad-header", "protected header is not a map")
    algs = [v for k, v in hdr.pairs if k == 1 and type(k) is int]
    if algs and any(a != -8 or type(a) is not int for a in algs):
        raise Fail("wrong-algorithm")
    if not (len(prot) == 9 and prot[:5] == b"\xa2\x01\x27\x04\x44"):
        raise Fail("bad-header")
    if unprot.pairs:
        raise Fail("bad-header", "unprotected header not empty")
    return Envelope(prot, prot[5:9], payload, sig)


# --------------------------------------------------------------------------- section 4

# Catalogue version 1 (June 2018): 33 principles and their tiers. When this verifier was
# begun, docs/grading.md did not list the tiers (it pointed at core/src/catalogue.rs); they
# were taken from the public "Better IoT (fka Open IoT Certification Mark) Principles -
# June 13th 2018" (MUST = essential, SHOULD = nice to have, MAY = open), which agree with
# grading.md's examples. grading.md now carries the table ("The June 2018 catalogue"), and
# test_vectors.py checks this list against it.
ESSENTIAL, NICE, OPEN = "essential", "nice", "open"
_NICE_V1 = {9, 10, 12, 17, 26, 31, 32, 33}
_OPEN_V1 = {11, 13, 14, 15, 16}
CATALOGUES = {
    1: [OPEN if i in _OPEN_V1 else NICE if i in _NICE_V1 else ESSENTIAL for i in range(1, 34)],
}
MET, PARTLY, NOT_MET, NOT_APPLICABLE = 0, 1, 2, 3


def set_catalogue_kinds(version: int, nice: set, open_: set, n: int = 33):
    CATALOGUES[version] = [OPEN if i in open_ else NICE if i in nice else ESSENTIAL
                           for i in range(1, n + 1)]


def earned_grade(kinds: list, statuses: list) -> int:
    """docs/grading.md. 0 no mark, 1 bronze, 2 silver, 3 gold."""
    def applicable(kind):
        return [s for k, s in zip(kinds, statuses) if k == kind and s != NOT_APPLICABLE]

    ess, nice, opn = applicable(ESSENTIAL), applicable(NICE), applicable(OPEN)

    def half_met(xs):
        return sum(1 for s in xs if s == MET) >= (len(xs) + 1) // 2

    if any(s == NOT_MET for s in ess):
        return 0
    grade = 1  # every applicable essential is met or partly
    if all(s == MET for s in ess) and half_met(nice):
        grade = 2
    if all(s == MET for s in ess) and all(s == MET for s in nice) and half_met(opn):
        grade = 3
    return grade


def gtin_check_ok(v: int) -> bool:
    s = str(v).zfill(14)
    body, check = s[:-1], int(s[-1])
    total = sum(int(c) * (3 if i % 2 == 0 else 1) for i, c in enumerate(body))
    return (10 - total % 10) % 10 == check


# Section 4, "Text claims ... are shown text" (maker, product, model, serial, issuer names;
# strike-off notes follow the first two rules and may be empty).
_INVISIBLE_RANGES = [
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x206F), (0x2800, 0x2800), (0x3164, 0x3164), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFFB), (0xE0000, 0xE007F),
]
_WHITE_SPACE = set(range(0x09, 0x0E)) | {0x20, 0x85, 0xA0, 0x1680} | set(range(0x2000, 0x200B)) \
    | {0x2028, 0x2029, 0x202F, 0x205F, 0x3000}


def is_control(c: str) -> bool:
    return unicodedata.category(c) == "Cc"


def is_invisible(c: str) -> bool:
    o = ord(c)
    return any(a <= o <= b for a, b in _INVISIBLE_RANGES)


def shown_text_ok(s: str, may_be_blank: bool = False) -> bool:
    if any(is_control(c) or is_invisible(c) for c in s):
        return False
    if not may_be_blank and all(ord(c) in _WHITE_SPACE for c in s):
        return False
    return True


def _good_string(x, lo, hi) -> bool:
    if not isinstance(x, Text) or not x.valid:
        return False
    if not (lo <= len(x.raw) <= hi):
        return False
    return shown_text_ok(x.str())


@dataclass
class Claims:
    label_id: int
    catalogue: int
    maker: str
    product: str
    model: str
    gtin: Optional[int]
    serial: Optional[str]
    statuses: list
    grade: int
    assurance: int
    issued: int
    valid_until: int
    updates_until: int
    update_delivery: int
    without_cloud: int
    repair: int
    sensors: int
    processing: int
    sharing: int
    data_rights: int
    openness: int

    @property
    def label_id_text(self) -> str:
        h = f"{self.label_id:016X}"
        return "-".join(h[i:i + 4] for i in range(0, 16, 4))


def decode_claims(payload: bytes) -> Claims:
    try:
        arr, noncanon, end = _read_one(payload)
    except (Truncated, Malformed):
        raise Fail("bad-claim", "payload is not CBOR")
    if not (isinstance(arr, list) and len(arr) == 21):
        raise Fail("bad-claim", "not an array of 21")
    if noncanon:
        raise Fail("non-canonical")
    if end != len(payload):
        raise Fail("trailing-data")
    bad = lambda why: Fail("bad-claim", why)  # noqa: E731
    cat = arr[1]
    if not is_uint(cat):
        raise bad("catalogue")
    if cat not in CATALOGUES:
        raise Fail("unknown-catalogue")
    kinds = CATALOGUES[cat]
    n = len(kinds)
    if not is_uint(arr[0]) or arr[0] >= 1 << 64:
        raise bad("label id")
    for i, hi in ((2, 32), (3, 32), (4, 24)):
        if not _good_string(arr[i], 1, hi):
            raise bad(f"claim {i}")
    gtin = arr[5]
    if gtin is not None:
        if not is_uint(gtin) or gtin >= 10 ** 14 or not gtin_check_ok(gtin):
            raise bad("gtin")
    serial = arr[6]
    if serial is not None and not _good_string(serial, 1, 24):
        raise bad("serial")
    pr = arr[7]
    if not isinstance(pr, bytes) or len(pr) != (n + 3) // 4:
        raise bad("principles length")
    statuses = [(pr[i // 4] >> (2 * (i % 4))) & 3 for i in range(n)]
    if n % 4 and pr[-1] >> (2 * (n % 4)):
        raise bad("principles padding")
    enums = {8: (1, 3), 9: (0, 2), 13: (0, 2), 14: (0, 2), 17: (0, 2)}
    bits = {15: 3, 16: 8, 18: 2, 19: 4, 20: 5}
    for i in range(8, 21):
        v = arr[i]
        if not is_uint(v):
            raise bad(f"claim {i} type")
        if i in enums and not (enums[i][0] <= v <= enums[i][1]):
            raise bad(f"claim {i} range")
        if i in bits and v >> bits[i]:
            raise bad(f"claim {i} undefined bits")
    if arr[11] < arr[10]:
        raise bad("valid until before issued")
    return Claims(arr[0], cat, arr[2].str(), arr[3].str(), arr[4].str(), gtin,
                  None if serial is None else serial.str(), statuses, *arr[8:21])


def fingerprint(payload: bytes) -> bytes:
    return hashlib.sha256(payload).digest()[:12]


# --------------------------------------------------------------------------- section 5

@dataclass
class Issuer:
    public_key: bytes
    name: str
    assurances: int
    from_day: int
    until_day: int

    @property
    def kid(self) -> bytes:
        return kid_of(self.public_key)


@dataclass
class TrustList:
    sequence: int
    issued: int
    expires: int
    issuers: list
    status_key: Optional[bytes]


@dataclass
class Revoked:
    label_id: int
    on: int
    reason: int
    note: str


@dataclass
class Suspension:
    kid: bytes
    from_day: int
    recorded: set


@dataclass
class RevocationList:
    sequence: int
    issued: int
    expires: int
    revoked: list
    suspensions: list
    signed_by_status_key: bool = False

    def find(self, label_id: int) -> Optional[Revoked]:
        for r in self.revoked:
            if r.label_id == label_id:
                return r
        return None


REASONS = {0: "other", 1: "wrong-product", 2: "false-claims", 3: "copied", 4: "withdrawn"}


def _list_payload(payload: bytes, n_items: int):
    try:
        arr, noncanon, end = _read_one(payload)
    except Truncated:
        raise Fail("truncated", "list payload")
    except Malformed:
        raise Fail("bad-structure", "list payload is not CBOR")
    if not (isinstance(arr, list) and len(arr) == n_items):
        raise Fail("bad-structure", f"not an array of {n_items}")
    return arr, noncanon, end


def _finish(noncanon, end, payload):
    if noncanon:
        raise Fail("non-canonical")
    if end != len(payload):
        raise Fail("trailing-data")


def _struct(cond, why):
    if not cond:
        raise Fail("bad-structure", why)


def _entry(cond, why):
    if not cond:
        raise Fail("bad-entry", why)


def open_trust_list(data: bytes, root: bytes) -> TrustList:
    env = parse_envelope(data)
    if env.kid != kid_of(root) or not env.verify_with(root):
        raise Fail("bad-signature", "trust list not signed by the root key")
    p = env.payload
    arr, noncanon, end = _list_payload(p, 5)
    seq, issued, expires, issuers, status = arr
    _struct(is_uint(seq) and is_uint(issued) and is_uint(expires), "header types")
    _struct(isinstance(issuers, list), "issuers")
    _struct(status is None or (isinstance(status, bytes) and len(status) == 32), "status key")
    out = []
    for it in issuers:
        _struct(isinstance(it, list) and len(it) == 5, "issuer shape")
        pk, name, asr, fr, un = it
        _struct(isinstance(pk, bytes) and len(pk) == 32, "issuer key")
        _struct(isinstance(name, Text) and name.valid, "issuer name")
        _struct(is_uint(asr) and is_uint(fr) and is_uint(un), "issuer ints")
        out.append((pk, name, asr, fr, un))
    _finish(noncanon, end, p)
    _entry(expires >= issued, "expires before issued")
    kids = []
    issuers_out = []
    for pk, name, asr, fr, un in out:
        _entry(1 <= len(name.raw) <= 64, "name length")
        s = name.str()
        _entry(shown_text_ok(s), "name is not shown text (blank, control or invisible)")
        _entry(asr != 0 and asr >> 3 == 0, "assurance bits")
        _entry(un >= fr, "until before from")
        _entry(is_usable_key(pk), "weak issuer key")
        kids.append(kid_of(pk))
        issuers_out.append(Issuer(pk, s, asr, fr, un))
    if status is not None:
        _entry(status != root, "status key is the root key")
        _entry(is_usable_key(status), "weak status key")
        kids.append(kid_of(status))
    _entry(len(set(kids)) == len(kids), "two keys share a kid")
    return TrustList(seq, issued, expires, issuers_out, status)


def open_revocation_list(data: bytes, trust: TrustList, root: bytes) -> RevocationList:
    env = parse_envelope(data)
    by_status = False
    ok = False
    if env.kid == kid_of(root) and env.verify_with(root):
        ok = True
    elif trust.status_key is not None and env.kid == kid_of(trust.status_key) \
            and env.verify_with(trust.status_key):
        ok, by_status = True, True
    if not ok:
        raise Fail("bad-signature", "revocation list not signed by the root or status key")
    p = env.payload
    arr, noncanon, end = _list_payload(p, 5)
    seq, issued, expires, revoked, susp = arr
    _struct(is_uint(seq) and is_uint(issued) and is_uint(expires), "header types")
    _struct(isinstance(revoked, list) and isinstance(susp, list), "lists")
    for r in revoked:
        _struct(isinstance(r, list) and len(r) == 4, "revoked shape")
        _struct(is_uint(r[0]) and is_uint(r[1]) and is_uint(r[2]), "revoked ints")
        _struct(isinstance(r[3], Text) and r[3].valid, "note")
    for s in susp:
        _struct(isinstance(s, list) and len(s) == 3, "suspension shape")
        _struct(isinstance(s[0], bytes) and len(s[0]) == 4, "suspension kid")
        _struct(is_uint(s[1]) and isinstance(s[2], bytes), "suspension types")
    _finish(noncanon, end, p)
    _entry(expires >= issued, "expires before issued")
    if by_status:
        _entry(expires - issued <= 7, "status-signed list valid more than 7 days")
    rev_out = []
    prev = None
    for lid, on, reason, note in revoked:
        _entry(prev is None or lid > prev, "ids not ascending/unique")
        prev = lid
        _entry(reason in REASONS, "unknown reason")
        _entry(len(note.raw) <= 200, "note too long")
        _entry(shown_text_ok(note.str(), may_be_blank=True), "note has control/invisible characters")
        rev_out.append(Revoked(lid, on, reason, note.str()))
    sus_out = []
    prevk = None
    for kid, fr, rec in susp:
        _entry(prevk is None or kid > prevk, "kids not ascending/unique")
        prevk = kid
        _entry(len(rec) % 12 == 0, "recorded length")
        fps = [rec[i:i + 12] for i in range(0, len(rec), 12)]
        _entry(all(a < b for a, b in zip(fps, fps[1:])), "recorded not ascending/unique")
        sus_out.append(Suspension(kid, fr, set(fps)))
    return RevocationList(seq, issued, expires, rev_out, sus_out, by_status)


class ListStore:
    """Keeps the newest valid list of each kind (section 5: only a higher sequence replaces)."""

    def __init__(self, root: bytes):
        self.root = root
        self.trust: Optional[TrustList] = None
        self.revocation: Optional[RevocationList] = None

    def offer_trust(self, data: bytes) -> bool:
        t = open_trust_list(data, self.root)
        if self.trust is None or t.sequence > self.trust.sequence:
            self.trust = t
            return True
        return False

    def offer_revocation(self, data: bytes) -> bool:
        r = open_revocation_list(data, self.trust, self.root)
        if self.revocation is None or r.sequence > self.revocation.sequence:
            self.revocation = r
            return True
        return False


# --------------------------------------------------------------------------- section 6

EPOCH = _dt.date(1970, 1, 1)


def day_number(today) -> int:
    if isinstance(today, int):
        return today
    if isinstance(today, str):
        today = _dt.date.fromisoformat(today)
    if isinstance(today, _dt.datetime):
        today = today.date()
    return (today - EPOCH).days


@dataclass
class Verdict:
    code: str
    link: Optional[str] = None
    claims: Optional[Claims] = None
    issuer: Optional[Issuer] = None
    revoked: Optional[Revoked] = None
    warnings: list = field(default_factory=list)
    trust_age_days: Optional[int] = None
    revocation_age_days: Optional[int] = None


def _as_bytes(x):
    if isinstance(x, str):
        return bytes.fromhex(x)
    return x


def verify_full(text, trust_list, revocation_list, today, root) -> Verdict:
    root = _as_bytes(root)
    if not isinstance(trust_list, TrustList):
        trust_list = open_trust_list(_as_bytes(trust_list), root)
    if revocation_list is not None and not isinstance(revocation_list, RevocationList):
        revocation_list = open_revocation_list(_as_bytes(revocation_list), trust_list, root)
    day = day_number(today)
    v = Verdict("valid")
    v.trust_age_days = day - trust_list.issued
    if day > trust_list.expires:
        v.warnings.append("trust list expired")
    if revocation_list is not None:
        v.revocation_age_days = day - revocation_list.issued
        if day > revocation_list.expires:
            v.warnings.append("revocation list expired")
    try:
        link, digits = parse_text(text)                      # 1
        env = parse_envelope(decode_digits(digits))         # 1, 2
        issuer = next((i for i in trust_list.issuers if i.kid == env.kid), None)
        if issuer is None:                                   # 3
            raise Fail("unknown-issuer")
        if not env.verify_with(issuer.public_key):           # 4
            raise Fail("bad-signature")
        c = decode_claims(env.payload)                       # 5
        if not (issuer.from_day <= c.issued <= issuer.until_day):
            raise Fail("issuer-not-valid")                   # 6
        if not (issuer.assurances >> c.assurance) & 1:
            raise Fail("assurance-not-allowed")              # 7
        if earned_grade(CATALOGUES[c.catalogue], c.statuses) != c.grade:
            raise Fail("grade-mismatch")                     # 8
        if revocation_list is not None:                      # 9
            for s in revocation_list.suspensions:
                if s.kid == env.kid and fingerprint(env.payload) not in s.recorded:
                    raise Fail("issuer-suspended")
    except Fail as e:
        return Verdict(e.code, warnings=v.warnings, trust_age_days=v.trust_age_days,
                       revocation_age_days=v.revocation_age_days)
    v.link, v.claims, v.issuer = link, c, issuer
    r = revocation_list.find(c.label_id) if revocation_list is not None else None
    if r is not None:                                        # 10
        v.code, v.revoked = "revoked", r
    elif c.issued > day:
        v.code = "not-yet-valid"
    elif c.valid_until < day:
        v.code = "expired"
    return v


def verify(text, trust_list, revocation_list, today, root) -> str:
    return verify_full(text, trust_list, revocation_list, today, root).code
