"""Makes the data-mode fixtures that tests/tests/data_modes.rs scans, with encoders that
nobody here wrote, and prints what zxing-cpp reads from each (its plain text, with GS as
it is, and its AIM symbology identifier): the test's expected values.

    pip install zxing-cpp segno pillow; apt-get install libqrencode4
    python3 tests/data-modes/make.py

GS1 (FNC1 in first position) by zxing-cpp's writer (zint); FNC1 in second position by
libqrencode (QRinput_setFNC1Second, through ctypes), and ECI designators by it too;
structured append by segno (segno.make_sequence), and Hanzi mode (GB/T 18284) by it too.
"""
import ctypes
import os

import segno
import zxingcpp
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
SCALE = 4


def save(name, rows):
    """A module grid (rows of booleans, dark True) as a PNG with a four-module quiet zone."""
    n = len(rows)
    side = (n + 8) * SCALE
    img = Image.new("L", (side, side), 255)
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                img.paste(0, ((x + 4) * SCALE, (y + 4) * SCALE, (x + 5) * SCALE, (y + 5) * SCALE))
    img.save(os.path.join(HERE, name), optimize=True)


def gs1(name, hri):
    code = zxingcpp.create_barcode(hri, zxingcpp.BarcodeFormat.QRCode, gs1=True)
    img = zxingcpp.write_barcode_to_image(code, scale=1, add_quiet_zones=False)
    px = memoryview(img)
    save(name, [[px[y, x] < 128 for x in range(img.shape[1])] for y in range(img.shape[0])])


class QRcode(ctypes.Structure):
    _fields_ = [("version", ctypes.c_int), ("width", ctypes.c_int), ("data", ctypes.POINTER(ctypes.c_ubyte))]


def fnc1_second(name, appid, segments):
    lib = ctypes.CDLL("libqrencode.so.4")
    lib.QRinput_new2.restype = ctypes.c_void_p
    lib.QRcode_encodeInput.restype = ctypes.POINTER(QRcode)
    modes = {"AN": 1, "8": 2}
    inp = ctypes.c_void_p(lib.QRinput_new2(0, 1))  # any version, level M
    assert lib.QRinput_setFNC1Second(inp, ctypes.c_ubyte(appid)) == 0
    for mode, data in segments:
        assert lib.QRinput_append(inp, modes[mode], len(data), data) == 0
    code = lib.QRcode_encodeInput(inp).contents
    w = code.width
    save(name, [[code.data[y * w + x] & 1 == 1 for x in range(w)] for y in range(w)])


def eci(name, number, data):
    """Bytes after an ECI designator, by libqrencode (QRinput_appendECIheader)."""
    lib = ctypes.CDLL("libqrencode.so.4")
    lib.QRinput_new2.restype = ctypes.c_void_p
    lib.QRcode_encodeInput.restype = ctypes.POINTER(QRcode)
    inp = ctypes.c_void_p(lib.QRinput_new2(0, 1))
    assert lib.QRinput_appendECIheader(inp, ctypes.c_uint(number)) == 0
    assert lib.QRinput_append(inp, 2, len(data), data) == 0
    code = lib.QRcode_encodeInput(inp).contents
    w = code.width
    save(name, [[code.data[y * w + x] & 1 == 1 for x in range(w)] for y in range(w)])


def segno_png(name, qr):
    save(name, [[bool(v) for v in row] for row in qr.matrix])


gs1("gs1-numeric-alphanumeric.png", "(01)09521234543213(10)ABC123(21)12345")
gs1("gs1-percent-lowercase.png", "(01)09521234543213(10)AB%C(21)xyz1")
fnc1_second("aim-application-37.png", 37, [("AN", b"AB%CD%%E")])
fnc1_second("aim-application-letter.png", ord("a") + 100, [("8", b"hello%world")])
for i, qr in enumerate(segno.make_sequence("HTTPS://EXAMPLE.ORG/#IM1:0123456789ABCDEFGHIJ", version=1, symbol_count=3)):
    segno_png(f"structured-append-{i + 1}-of-3.png", qr)
eci("eci-2-cp437.png", 2, "Größe 25° ½".encode("cp437"))
eci("eci-899-binary.png", 899, bytes([0x00, 0xFF, 0x10, 0x80]))
segno_png("hanzi-china-mobile.png", segno.make_qr("中国移动", mode="hanzi"))

for name in sorted(os.listdir(HERE)):
    if name.endswith(".png"):
        found = zxingcpp.read_barcodes(Image.open(os.path.join(HERE, name)), text_mode=zxingcpp.TextMode.Plain)
        for b in found:
            print(f"{name}: {b.symbology_identifier} {b.text!r} {b.bytes!r} {b.content_type}")
        if not found:
            print(f"{name}: nothing")
