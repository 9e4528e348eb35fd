#!/usr/bin/env python3
"""labctl graph --format svg reads on a projector: every text of the drawing
(Graphviz's SVG) is 14 pt or more, inside the viewBox, and overlaps no other text.
A text's box is estimated at 0.55 em per character (Helvetica's average advance
for this mix of digits, lower case and punctuation), from its anchor and baseline.
usage: graph_labels.py LABCTL TOPOLOGY...   exit 0 pass, 1 fail, 77 no Graphviz"""
import re
import shutil
import subprocess
import sys

if not shutil.which("dot"):
    print("SKIP: Graphviz's dot is not installed (scripts/setup)")
    sys.exit(77)

fails = 0
for topo in sys.argv[2:]:
    svg = subprocess.run([sys.argv[1], "graph", topo, "--format", "svg"], check=True,
                         capture_output=True, text=True).stdout
    vb = [float(v) for v in re.search(r'viewBox="([^"]+)"', svg).group(1).split()]
    tr = re.search(r'translate\(([-\d.]+) ([-\d.]+)\)', svg)
    tx, ty = float(tr.group(1)), float(tr.group(2))
    boxes = []
    for m in re.finditer(r'<text text-anchor="(\w+)" x="([-\d.]+)" y="([-\d.]+)"[^>]*'
                         r'font-size="([\d.]+)"[^>]*>([^<]*)</text>', svg):
        anchor, x, y, fs, text = m.group(1), float(m.group(2)), float(m.group(3)), \
            float(m.group(4)), re.sub(r'&[^;]+;', 'x', m.group(5))
        w = 0.55 * fs * len(text)
        x0 = {'start': x, 'middle': x - w / 2, 'end': x - w}[anchor] + tx
        boxes.append((x0, y - 0.8 * fs + ty, x0 + w, y + 0.2 * fs + ty, text, fs))
    if len(boxes) < 10:
        print(f"FAIL: {topo}: only {len(boxes)} texts found in the SVG")
        fails += 1
    for b in boxes:
        if b[5] < 14:
            print(f"FAIL: {topo}: '{b[4]}' is {b[5]} pt (< 14)")
            fails += 1
        if b[0] < vb[0] or b[2] > vb[0] + vb[2] or b[1] < vb[1] or b[3] > vb[1] + vb[3]:
            print(f"FAIL: {topo}: '{b[4]}' leaves the viewBox")
            fails += 1
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                print(f"FAIL: {topo}: '{a[4]}' overlaps '{b[4]}'")
                fails += 1
    print(f"{topo}: {len(boxes)} texts")
sys.exit(1 if fails else 0)
