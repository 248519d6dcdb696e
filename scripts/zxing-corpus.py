"""zxing-cpp on the same QR photo corpus, for comparison with `qr-corpus`: correct /
wrong / failed, mean and worst time per image, each decoder given the same 8-bit grey pixels."""
import pathlib, sys, time
import zxingcpp
from PIL import Image

corpus = pathlib.Path(sys.argv[1])
correct = wrong = failed = 0
spent = worst = 0.0
folders = {}
for img in sorted(p for p in corpus.rglob('*') if p.suffix in ('.png', '.jpg') and p.with_suffix('.txt').exists()):
    expected = img.with_suffix('.txt').read_text(encoding='utf-8', errors='replace').replace('\r\n', '\n').strip()
    raw = img.with_suffix('.bin').read_bytes() if not expected and img.with_suffix('.bin').exists() else None
    grey = Image.open(img).convert('L')
    t0 = time.perf_counter()
    found = zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormat.QRCode)
    took = time.perf_counter() - t0
    spent += took
    worst = max(worst, took)
    tally = folders.setdefault(str(img.parent.relative_to(corpus)), [0, 0, 0])
    if any(r.text.replace('\r\n', '\n').strip() == expected or (raw is not None and r.bytes == raw) for r in found):
        correct += 1
        tally[0] += 1
    elif found:
        wrong += 1
        tally[1] += 1
    else:
        failed += 1
        tally[2] += 1
n = correct + wrong + failed
if '--folders' in sys.argv:
    for name, (c, w, f) in sorted(folders.items()):
        print(f'{name:32} correct {c:3}  wrong {w:3}  failed {f:3}')
from importlib.metadata import version
print(f'zxing-cpp {version("zxing-cpp")}: correct {correct}, wrong {wrong}, failed {failed} of {n}; {spent * 1000 / n:.1f} ms/image, worst {worst * 1000:.1f} ms')
