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

Parsing is a strict hand-written CBOR reader that reads one item at a time in the order
docs/wire-format.md gives (sections 3, 4 and 5 "Reading"), because the spec fixes which
error a malformed input gives, which a general-purpose decoder does not report. Ed25519 is
verified in pure Python exactly as section 3 states (ed25519-dalek `verify_strict`); the
`cryptography` library is only used for comparison (`ed25519_verify_library`).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Optional, Union

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
    """The input ends inside an item (docs/wire-format.md section 3, "Reading")."""


class Wrong(Exception):
    """An item of another type than the one expected, a reserved head (AI 28-30), an
    indefinite-length string, text that is not UTF-8, or an integer over the reader's range."""


class Indefinite(Exception):
    """An indefinite-length array or map where a definite one is expected."""


@contextmanager
def _reading(indefinite: str):
    """Section 3, "Reading CBOR": the reader's failures as the spec's codes."""
    try:
        yield
    except Truncated:
        raise Fail("truncated")
    except Wrong as e:
        raise Fail("bad-structure", str(e))
    except Indefinite:
        raise Fail("non-canonical", indefinite)


class _Dec:
    """Reads one item at a time, in order, as section 3 "Reading" describes: an item's type is
    judged by its first byte, then its argument and content are read (input ending: Truncated).
    Heads in a longer form than needed are accepted here; the canonical comparison at the end
    of each structure refuses them."""

    def __init__(self, data: bytes):
        self.d = data
        self.p = 0

    def at_end(self) -> bool:
        return self.p >= len(self.d)

    def peek(self) -> int:
        if self.p >= len(self.d):
            raise Truncated()
        return self.d[self.p]

    def _take(self, n: int) -> bytes:
        if n > len(self.d) - self.p:
            raise Truncated()
        b = self.d[self.p:self.p + n]
        self.p += n
        return b

    def _head(self, major: int, indefinite_ok: bool = False):
        ib = self.peek()
        self.p += 1
        if ib >> 5 != major:
            raise Wrong(f"major type {ib >> 5}, expected {major}")
        ai = ib & 31
        if ai < 24:
            return ai
        if ai <= 27:
            return int.from_bytes(self._take(1 << (ai - 24)), "big")
        if ai == 31 and indefinite_ok:
            return None
        raise Wrong("reserved or indefinite head")

    def uint(self, limit: int = 2 ** 64 - 1) -> int:
        v = self._head(0)
        if v > limit:
            raise Wrong("integer over range")
        return v

    def int64(self) -> int:
        ib = self.peek()
        if ib >> 5 == 1:
            v = -1 - self._head(1)
        else:
            v = self._head(0)
        if not -2 ** 63 <= v < 2 ** 63:
            raise Wrong("integer over the 64-bit signed range")
        return v

    def bytes(self) -> bytes:
        return self._take(self._head(2))

    def text(self) -> str:
        raw = self._take(self._head(3))
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Wrong("text is not UTF-8")

    def array(self) -> int:
        n = self._head(4, indefinite_ok=True)
        if n is None:
            raise Indefinite()
        return n

    def map(self) -> int:
        n = self._head(5, indefinite_ok=True)
        if n is None:
            raise Indefinite()
        return n

    def tag(self) -> int:
        return self._head(6)

    def null_next(self) -> bool:
        """Whether the next item is null (F6); reads it if so."""
        if self.peek() == 0xF6:
            self.p += 1
            return True
        return False


def _enc_head(major: int, n: int) -> bytes:
    """The shortest head (RFC 8949 core deterministic encoding)."""
    if n < 24:
        return bytes([major << 5 | n])
    for ai, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | ai]) + n.to_bytes(size, "big")
    raise ValueError(n)


def enc_uint(n: int) -> bytes:
    return _enc_head(0, n)


def enc_bytes(b: bytes) -> bytes:
    return _enc_head(2, len(b)) + b


def enc_text(t: str) -> bytes:
    raw = t.encode("utf-8")
    return _enc_head(3, len(raw)) + raw


def enc_array(n: int) -> bytes:
    return _enc_head(4, n)


# --------------------------------------------------------------------------- Ed25519
# Section 3, "Signature": ed25519-dalek 2 verify_strict, spelt out.

_P = 2 ** 255 - 19
_L = 2 ** 252 + 27742317777372353535851937790883648493
_D = (-121665 * pow(121666, _P - 2, _P)) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)
_BY = 4 * pow(5, _P - 2, _P) % _P


def _decode_point(b: bytes):
    """Point decoding as section 3 states (curve25519-dalek): y is the low 255 bits taken
    modulo p (y >= p is accepted), x the root of (y^2-1)/(dy^2+1) whose low bit is 0, negated
    when bit 255 is set (x = 0 stays 0). None when there is no root."""
    if len(b) != 32:
        return None
    n = int.from_bytes(b, "little")
    sign = n >> 255
    y = (n & ((1 << 255) - 1)) % _P
    u = (y * y - 1) % _P
    v = (_D * y * y + 1) % _P
    x2 = u * pow(v, _P - 2, _P) % _P
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    if x & 1:
        x = _P - x
    if sign:
        x = (_P - x) % _P
    return (x, y, 1, x * y % _P)


def _add(p1, p2):
    x1, y1, z1, t1 = p1
    x2, y2, z2, t2 = p2
    a = (y1 - x1) * (y2 - x2) % _P
    b = (y1 + x1) * (y2 + x2) % _P
    c = 2 * t1 * t2 * _D % _P
    dd = 2 * z1 * z2 % _P
    e, f, g, h = b - a, dd - c, dd + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


_IDENTITY = (0, 1, 1, 0)


def _mul(k: int, pt):
    q = _IDENTITY
    while k:
        if k & 1:
            q = _add(q, pt)
        pt = _add(pt, pt)
        k >>= 1
    return q


def _encode_point(pt) -> bytes:
    x, y, z, _ = pt
    zi = pow(z, _P - 2, _P)
    x, y = x * zi % _P, y * zi % _P
    return (y | (x & 1) << 255).to_bytes(32, "little")


def _is_identity(pt) -> bool:
    x, y, z, _ = pt
    return x % _P == 0 and (y - z) % _P == 0


_B = _decode_point(_BY.to_bytes(32, "little"))


def _small_order(pt) -> bool:
    return _is_identity(_mul(8, pt))


def is_small_order(b: bytes) -> bool:
    pt = _decode_point(b)
    return pt is not None and _small_order(pt)


def is_point(pub: bytes) -> bool:
    return _decode_point(pub) is not None


def is_usable_key(pub: bytes) -> bool:
    """A 32-byte encoding that decodes to a point (section 3) that is not of small order."""
    pt = _decode_point(pub)
    return pt is not None and not _small_order(pt)


def ed25519_verify_strict(pub: bytes, msg: bytes, sig: bytes) -> bool:
    """Section 3: S < L; R decodes; neither R nor A has small order; R == encode([S]B - [k]A)
    with k = SHA-512(R || A || M) mod L, compared byte for byte (cofactorless)."""
    if len(pub) != 32 or len(sig) != 64:
        return False
    a = _decode_point(pub)
    if a is None:
        return False
    r_bytes, s = sig[:32], int.from_bytes(sig[32:], "little")
    if s >= _L:
        return False
    r = _decode_point(r_bytes)
    if r is None or _small_order(r) or _small_order(a):
        return False
    k = int.from_bytes(hashlib.sha512(r_bytes + pub + msg).digest(), "little") % _L
    return _encode_point(_add(_mul(s, _B), _mul(_L - k, a))) == r_bytes


def ed25519_verify_library(pub: bytes, msg: bytes, sig: bytes) -> bool:
    """The `cryptography` library's verify, for comparison (it is not used for verdicts)."""
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
        return enc_array(4) + enc_text("Signature1") + enc_bytes(self.protected) + enc_bytes(b"") \
            + enc_bytes(self.payload)

    def verify_with(self, pub: bytes) -> bool:
        return kid_of(pub) == self.kid and ed25519_verify_strict(pub, self.sig_structure(), self.signature)


def _parse_protected(prot: bytes) -> bytes:
    """Section 3 step 8: every failure is bad-header, but a wrong alg is wrong-algorithm."""
    h = _Dec(prot)
    try:
        n = h.map()
        k1 = h.uint(255)
        alg = h.int64()
        if k1 != 1:
            raise Fail("bad-header", "first key is not 1")
        if alg != -8:
            raise Fail("wrong-algorithm")
        if n != 2 or h.uint(255) != 4:
            raise Fail("bad-header", "not {1: alg, 4: kid}")
        kid = h.bytes()
    except (Truncated, Wrong, Indefinite) as e:
        raise Fail("bad-header", type(e).__name__)
    if len(kid) != 4 or not h.at_end():
        raise Fail("bad-header", "kid not 4 bytes, or bytes after the map")
    return kid


def parse_envelope(data: bytes) -> Envelope:
    d = _Dec(data)
    with _reading("indefinite-length array or map"):
        if d.tag() != 18:                                        # 1
            raise Fail("bad-structure", "not tag 18")
        if d.array() != 4:                                       # 2
            raise Fail("bad-structure", "not an array of 4")
        prot = d.bytes()                                         # 3
        if d.map() != 0:                                         # 4
            raise Fail("bad-structure", "unprotected header not empty")
        payload = d.bytes()                                      # 5
        sig = d.bytes()                                          # 6
    if not d.at_end():                                           # 7
        raise Fail("trailing-data")
    kid = _parse_protected(prot)                                 # 8
    if len(sig) != 64:                                           # 9
        raise Fail("bad-structure", "signature not 64 bytes")
    exact = b"\xd2\x84\x49\xa2\x01\x27\x04\x44" + kid + b"\xa0" + enc_bytes(payload) + b"\x58\x40" + sig
    if data != exact:                                            # 10
        raise Fail("non-canonical")
    return Envelope(prot, kid, payload, sig)


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
    """Section 4: below 10^14, and the GS1 check digit (weights 3, 1, 3, ... from the
    digit left of the check digit) is right."""
    if v >= 10 ** 14:
        return False
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


def _good_string(x: str, lo, hi) -> bool:
    return lo <= len(x.encode("utf-8")) <= hi and shown_text_ok(x)


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


# Section 4, "Reading the claims": item, kind, largest value (enumerations and bit sets).
_U32 = 2 ** 32 - 1
_CLAIM_LIMITS = {8: (1, 3), 9: (0, 2), 10: (0, _U32), 11: (0, _U32), 12: (0, 95759),
                 13: (0, 2), 14: (0, 2), 17: (0, 2)}
_CLAIM_BITS = {15: 3, 16: 8, 18: 2, 19: 4, 20: 5}


def encode_claims(c: "Claims") -> bytes:
    """The one canonical encoding of the claims (section 4)."""
    n = len(c.statuses)
    packed = bytearray((n + 3) // 4)
    for i, st in enumerate(c.statuses):
        packed[i // 4] |= st << (2 * (i % 4))
    out = enc_array(21) + enc_uint(c.label_id) + enc_uint(c.catalogue)
    out += enc_text(c.maker) + enc_text(c.product) + enc_text(c.model)
    out += b"\xf6" if c.gtin is None else enc_uint(c.gtin)
    out += b"\xf6" if c.serial is None else enc_text(c.serial)
    out += enc_bytes(bytes(packed))
    for v in (c.grade, c.assurance, c.issued, c.valid_until, c.updates_until, c.update_delivery,
              c.without_cloud, c.repair, c.sensors, c.processing, c.sharing, c.data_rights, c.openness):
        out += enc_uint(v)
    return out


def decode_claims(payload: bytes) -> Claims:
    d = _Dec(payload)
    bad = lambda why: Fail("bad-claim", why)  # noqa: E731
    try:
        n = d.array()                                            # 1
    except Truncated:
        raise Fail("truncated")
    except Wrong:
        raise Fail("bad-structure", "claims are not an array")
    except Indefinite:
        raise Fail("non-canonical", "indefinite-length claims array")
    if n != 21:
        raise Fail("bad-structure", "not an array of 21")
    v = []
    try:                                                         # 2: the items, in order
        v.append(d.uint())                                       # 0 label id
        cat = d.uint()                                           # 1 catalogue
        if cat > 65535:
            raise bad("catalogue over 65535")
        if cat not in CATALOGUES:
            raise Fail("unknown-catalogue")
        v.append(cat)
        kinds = CATALOGUES[cat]
        for _ in range(3):                                       # 2-4 maker, product, model
            v.append(d.text())
        v.append(None if d.null_next() else d.uint())            # 5 GTIN
        v.append(None if d.null_next() else d.text())            # 6 serial
        pr = d.bytes()                                           # 7 principles
        k = len(kinds)
        if len(pr) != (k + 3) // 4:
            raise bad("principles length")
        if k % 4 and pr[-1] >> (2 * (k % 4)):
            raise bad("principles padding")
        v.append([(pr[i // 4] >> (2 * (i % 4))) & 3 for i in range(k)])
        for i in range(8, 21):                                   # 8-20
            x = d.uint()
            if i in _CLAIM_LIMITS:
                lo, hi = _CLAIM_LIMITS[i]
                if not lo <= x <= hi:
                    raise bad(f"claim {i} out of range")
            if i in _CLAIM_BITS and x >> _CLAIM_BITS[i]:
                raise bad(f"claim {i} undefined bits")
            v.append(x)
    except Truncated:
        raise Fail("truncated")
    except (Wrong, Indefinite) as e:
        raise bad(f"claim {len(v)}: {e}")
    if not d.at_end():                                           # 3
        raise Fail("trailing-data")
    c = Claims(*v)
    for text, hi in ((c.maker, 32), (c.product, 32), (c.model, 24)):  # 4: the rules
        if not _good_string(text, 1, hi):
            raise bad("text claim")
    if c.serial is not None and not _good_string(c.serial, 1, 24):
        raise bad("serial")
    if c.gtin is not None and not gtin_check_ok(c.gtin):
        raise bad("gtin")
    if c.valid_until < c.issued:
        raise bad("valid until before issued")
    if encode_claims(c) != payload:                              # 5
        raise Fail("non-canonical")
    return c


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
    recorded: list  # 12-byte fingerprints, in the list's order


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


def _entry(cond, why):
    if not cond:
        raise Fail("bad-entry", why)


def _read_list(payload: bytes, body):
    """Section 5, "Reading a list": the shared head, then `body(d)`, then trailing data.
    Returns (sequence, issued, expires, body's result)."""
    d = _Dec(payload)
    with _reading("indefinite-length array"):
        if d.array() != 5:
            raise Fail("bad-structure", "not an array of 5")
        seq = d.uint()
        issued = d.uint(_U32)
        expires = d.uint(_U32)
        _entry(expires >= issued, "expires before issued")
        out = body(d)
    if not d.at_end():
        raise Fail("trailing-data")
    return seq, issued, expires, out


def _fixed_array(d: _Dec, n: int, what: str):
    if d.array() != n:
        raise Fail("bad-structure", f"{what} is not an array of {n}")


def _read_key(d: _Dec, what: str) -> bytes:
    k = d.bytes()
    _entry(len(k) == 32 and is_point(k), f"{what} is not a 32-byte Ed25519 point")
    return k


def _trust_body(d: _Dec):
    issuers = []
    for _ in range(d.array()):
        _fixed_array(d, 5, "an issuer")
        pk = _read_key(d, "an issuer key")
        name = d.text()
        asr = d.uint(255)
        _entry(asr >> 3 == 0, "unknown assurance bits")
        fr = d.uint(_U32)
        un = d.uint(_U32)
        issuers.append(Issuer(pk, name, asr, fr, un))
    status = None if d.null_next() else _read_key(d, "the status key")
    return issuers, status


def _encode_trust(t: TrustList) -> bytes:
    out = enc_array(5) + enc_uint(t.sequence) + enc_uint(t.issued) + enc_uint(t.expires)
    out += enc_array(len(t.issuers))
    for i in t.issuers:
        out += enc_array(5) + enc_bytes(i.public_key) + enc_text(i.name) + enc_uint(i.assurances)
        out += enc_uint(i.from_day) + enc_uint(i.until_day)
    out += b"\xf6" if t.status_key is None else enc_bytes(t.status_key)
    return out


def open_trust_list(data: bytes, root: bytes) -> TrustList:
    env = parse_envelope(data)                                   # 1
    if not env.verify_with(root):                                # 2
        raise Fail("bad-signature", "trust list not signed by the root key")
    p = env.payload
    seq, issued, expires, (issuers, status) = _read_list(p, _trust_body)  # 3, 4
    t = TrustList(seq, issued, expires, issuers, status)
    if _encode_trust(t) != p:                                    # 5
        raise Fail("non-canonical")
    kids = [i.kid for i in issuers] + ([kid_of(status)] if status is not None else [])
    _entry(len(set(kids)) == len(kids), "two keys share a kid")  # 6: the rules
    for i in issuers:
        _entry(len(i.name.encode("utf-8")) <= 64 and shown_text_ok(i.name), "issuer name")
        _entry(i.assurances != 0 and i.until_day >= i.from_day, "assurances 0 or until before from")
        _entry(not is_small_order(i.public_key), "weak issuer key")
    if status is not None:
        _entry(not is_small_order(status), "weak status key")
        _entry(status != root, "status key is the root key")
    for i in issuers:
        _entry(i.public_key != root, "an issuer key is the root key")
    return t


ROTATION_TAG = "iotmark-root-rotation"


def open_root_rotation(data: bytes, root: bytes) -> bytes:
    """Section 5, "Rotating the root key": the new root key of a statement signed by `root`."""
    env = parse_envelope(data)                                   # 1
    if not env.verify_with(root):                                # 2
        raise Fail("bad-signature", "rotation not signed by the current root key")
    p = env.payload
    d = _Dec(p)
    with _reading("indefinite-length array"):                                                         # 3
        _fixed_array(d, 3, "a root rotation")
        if d.text() != ROTATION_TAG:
            raise Fail("bad-structure", "not a root rotation")
        new = _read_key(d, "the new root key")
        on = d.uint(_U32)
    if not d.at_end():                                           # 4
        raise Fail("trailing-data")
    if enc_array(3) + enc_text(ROTATION_TAG) + enc_bytes(new) + enc_uint(on) != p:  # 5
        raise Fail("non-canonical")
    _entry(new != root, "the rotation names the root itself")   # 6
    _entry(not is_small_order(new), "weak new root key")
    return new


def _revocation_body(d: _Dec):
    revoked = []
    for _ in range(d.array()):
        _fixed_array(d, 4, "a strike-off")
        lid = d.uint()
        on = d.uint(_U32)
        reason = d.uint(255)
        _entry(reason in REASONS, "unknown reason")
        revoked.append(Revoked(lid, on, reason, d.text()))
    susp = []
    for _ in range(d.array()):
        _fixed_array(d, 3, "a suspension")
        kid = d.bytes()
        _entry(len(kid) == 4, "a suspended kid is not 4 bytes")
        fr = d.uint(_U32)
        rec = d.bytes()
        _entry(len(rec) % 12 == 0, "recorded length")
        susp.append(Suspension(kid, fr, [rec[i:i + 12] for i in range(0, len(rec), 12)]))
    return revoked, susp


def _encode_revocation(r: RevocationList) -> bytes:
    out = enc_array(5) + enc_uint(r.sequence) + enc_uint(r.issued) + enc_uint(r.expires)
    out += enc_array(len(r.revoked))
    for x in r.revoked:
        out += enc_array(4) + enc_uint(x.label_id) + enc_uint(x.on) + enc_uint(x.reason) + enc_text(x.note)
    out += enc_array(len(r.suspensions))
    for x in r.suspensions:
        out += enc_array(3) + enc_bytes(x.kid) + enc_uint(x.from_day) + enc_bytes(b"".join(x.recorded))
    return out


def open_revocation_list(data: bytes, trust: TrustList, root: bytes) -> RevocationList:
    env = parse_envelope(data)                                   # 1
    if env.verify_with(root):                                    # 2: root first, then status
        by_status = False
    elif trust.status_key is not None and env.verify_with(trust.status_key):
        by_status = True
    else:
        raise Fail("bad-signature", "revocation list not signed by the root or status key")
    p = env.payload
    seq, issued, expires, (revoked, susp) = _read_list(p, _revocation_body)  # 3, 4
    r = RevocationList(seq, issued, expires, revoked, susp, by_status)
    if _encode_revocation(r) != p:                               # 5
        raise Fail("non-canonical")
    ids = [x.label_id for x in revoked]                          # 6: the rules
    _entry(all(a < b for a, b in zip(ids, ids[1:])), "ids not ascending/unique")
    for x in revoked:
        _entry(len(x.note.encode("utf-8")) <= 200 and shown_text_ok(x.note, may_be_blank=True), "note")
    kids = [x.kid for x in susp]
    _entry(all(a < b for a, b in zip(kids, kids[1:])), "kids not ascending/unique")
    for x in susp:
        _entry(all(a < b for a, b in zip(x.recorded, x.recorded[1:])), "recorded not ascending/unique")
    if by_status:
        _entry(expires - issued <= 7, "status-signed list valid more than 7 days")
    return r


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
                if s.kid == env.kid and fingerprint(env.payload) not in set(s.recorded):
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
