#!/usr/bin/python3
"""End-to-end tests of `pla plot` at every rank count in PLA_NPROCS (see
cli_test.py for the environment).  The inputs are what pla pca writes, made
here from scikit-learn's PCA with the same dataset names; the pictures are
parsed as XML (bars, points, ticks and labels checked against the data) and
rendered with rsvg-convert (Debian's librsvg2-bin, installed by
scripts/setup.sh): a missing rsvg-convert fails the test, it is not skipped.
Usage: plot_test.py scree | scatter | errors
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib

import h5py
import numpy as np

from cli_test import (EXIT_DATA, EXIT_OUTPUT, EXIT_USAGE, MAXNP, NPROCS, Failure, pla, pla_parallel, run_failures,
                      run_group)

SVG = "{http://www.w3.org/2000/svg}"
HERE = os.path.dirname(os.path.abspath(__file__))
DIGITS = os.path.join(HERE, "..", "..", "examples", "data", "digits.h5")
# the first ten colors of apps/plot_svg.c's palette (matplotlib's tab10)
TAB10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
         "#17becf"]


# ---- inputs: what pla pca writes ------------------------------------------------

def load_digits_file():
    with h5py.File(DIGITS, "r") as f:
        return f["X"][()], f["y"][()]


def write_pca(group, x, k, scores=True, dtype=np.float64):
    """pla pca's datasets under an h5py group, from scikit-learn's PCA of x."""
    from sklearn.decomposition import PCA
    p = PCA(n_components=k, svd_solver="full").fit(x)
    for name in ("components", "explained_variance", "explained_variance_ratio", "singular_values", "mean"):
        group[name] = getattr(p, name + "_").astype(dtype)
    group["noise_variance"] = np.array(p.noise_variance_, dtype=dtype)
    if scores:
        group["scores"] = p.transform(x).astype(dtype)
    group.attrs["command"] = f"pla pca -k {k}"
    group.attrs["solver"] = "full"
    group.attrs["input"] = "digits.h5:/X"
    group.attrs["k"] = k
    return p, (p.transform(x) if scores else None)


# ---- reading the pictures -------------------------------------------------------

def parse_svg(path):
    """The root element; checks what every picture must be: SVG 1.1 with
    xmlns, width, height and viewBox."""
    root = ET.parse(path).getroot()
    assert root.tag == SVG + "svg", root.tag
    return root


def svg_header_ok(root):
    w, h = root.get("width"), root.get("height")
    return (root.get("version") == "1.1" and w and h and root.get("viewBox") == f"0 0 {w} {h}"
            and root.find(SVG + "title") is not None)


def group(root, gid):
    for g in root.iter(SVG + "g"):
        if g.get("id") == gid:
            return g
    return None


def texts(elem):
    return ["".join(t.itertext()) for t in elem.iter(SVG + "text")] if elem is not None else []


def frame_of(root):
    """The plotting area: the frame rectangle of the axes group."""
    r = group(root, "axes").find(SVG + "rect")
    x, y, w, h = (float(r.get(a)) for a in ("x", "y", "width", "height"))
    return x, y, w, h


def tick_positions(root):
    """x and y tick labels with their pixel positions: ([(value, px)], [(value, py)])."""
    x0, y0, w, h = frame_of(root)
    xs, ys = [], []
    for t in group(root, "axes").iter(SVG + "text"):
        if t.get("transform"):
            continue  # the rotated y axis label
        try:
            v = float("".join(t.itertext()))
        except ValueError:
            continue  # an axis label
        if t.get("text-anchor") == "middle" and float(t.get("y")) > y0 + h:
            xs.append((v, float(t.get("x"))))
        elif t.get("text-anchor") == "end":
            ys.append((v, float(t.get("y")) - 4))
    return xs, ys


def read_png(path):
    """The pixels of an 8-bit RGB or RGBA PNG (what rsvg-convert writes) as
    an (h, w, channels) uint8 array; plain zlib, no imaging library."""
    with open(path, "rb") as fh:
        data = fh.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    assert depth == 8 and ctype in (2, 6) and interlace == 0, f"unexpected PNG format {ihdr}"
    ch = 4 if ctype == 6 else 3
    raw = zlib.decompress(idat)
    stride = w * ch
    rows, prev = [], bytes(stride)
    for r in range(h):
        f, line = raw[r * (stride + 1)], raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)]
        if f == 0:
            cur = bytes(line)
        elif f == 2:
            cur = bytes((a + b) & 255 for a, b in zip(line, prev))
        else:  # sub, average, paeth: byte by byte, left to right
            cur = bytearray(stride)
            for i in range(stride):
                a = cur[i - ch] if i >= ch else 0
                b = prev[i]
                if f == 1:
                    pred = a
                elif f == 3:
                    pred = (a + b) >> 1
                else:
                    c = prev[i - ch] if i >= ch else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[i] = (line[i] + pred) & 255
            cur = bytes(cur)
        rows.append(cur)
        prev = cur
    return np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(h, w, ch)


def render(svg_path):
    """rsvg-convert's PNG of the picture, as pixels (RGB on white)."""
    exe = shutil.which("rsvg-convert")
    if exe is None:
        raise RuntimeError("rsvg-convert is not installed: install librsvg2-bin (scripts/setup.sh does); "
                           "the rendering checks do not skip")
    png = svg_path[:-4] + ".png"
    proc = subprocess.run([exe, "--background-color=white", "-o", png, svg_path], capture_output=True, text=True,
                          timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"rsvg-convert failed on {svg_path}: {proc.stderr.strip()}")
    px = read_png(png)
    return px[:, :, :3]


def colors_present(rgb, palette, min_pixels=200):
    """The palette colors found exactly (as opaque fills are) in min_pixels or
    more pixels (a few gray pixels at the edges of text are no point)."""
    flat = rgb.reshape(-1, 3).astype(np.int64)
    codes = (flat[:, 0] << 16) | (flat[:, 1] << 8) | flat[:, 2]
    values, counts = np.unique(codes, return_counts=True)
    seen = dict(zip(values.tolist(), counts.tolist()))
    return [c for c in palette if seen.get(int(c[1:], 16), 0) >= min_pixels]


def nonblank(rgb):
    """Share of pixels that are not white."""
    return float(np.mean(np.any(rgb < 250, axis=2)))


# ---- group: scree ---------------------------------------------------------------

def check_scree(s, label, path, ratio, title=None):
    try:
        root = parse_svg(path)
    except Exception as e:  # noqa: BLE001 - any parse failure is the finding
        s.check(False, f"{label}: the SVG parses", repr(e))
        return None
    k = len(ratio)
    s.check(svg_header_ok(root), f"{label}: SVG 1.1 with xmlns, width, height, viewBox and a title")
    x0, y0, w, h = frame_of(root)
    bottom = y0 + h
    bars = list(group(root, "bars").iter(SVG + "rect"))
    s.check(len(bars) == k, f"{label}: {k} bars", f"{len(bars)} bars")
    heights = np.array([float(b.get("height")) for b in bars])
    tops = np.array([float(b.get("y")) for b in bars])
    centers = np.array([float(b.get("x")) + float(b.get("width")) / 2 for b in bars])
    if len(bars) == k:
        s.check(np.all(np.abs(heights - ratio * h) <= 0.15), f"{label}: bar heights are the ratios times the axis "
                f"height {h}", f"{np.max(np.abs(heights - ratio * h))}")
        s.check(np.all(np.abs(tops + heights - bottom) <= 0.15), f"{label}: bars stand on y = 0")
        gaps = np.diff(centers)
        s.check(k == 1 or (np.all(gaps > 0) and np.ptp(gaps) <= 0.2), f"{label}: bars evenly spaced, in order")
        tips = [b.find(SVG + "title") for b in bars]
        s.check(all(t is not None and t.text.startswith(f"PC{i + 1}: ") for i, t in enumerate(tips)),
                f"{label}: each bar has a tooltip naming its component")
    line = group(root, "cumulative").find(SVG + "polyline")
    pts = np.array([[float(v) for v in p.split(",")] for p in line.get("points").split()])
    cum = np.minimum(np.cumsum(ratio), 1.0)
    s.check(pts.shape == (k, 2) and np.all(np.abs(pts[:, 1] - (bottom - cum * h)) <= 0.15)
            and np.all(np.abs(pts[:, 0] - centers) <= 0.15), f"{label}: the cumulative line through the bar "
            "centers at the cumulative ratios")
    markers = list(group(root, "cumulative").iter(SVG + "circle"))
    s.check(len(markers) == k, f"{label}: {k} markers on the cumulative line")
    xt, yt = tick_positions(root)
    s.check([v for v, _ in yt] == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
            and all(abs(p - (bottom - v * h)) <= 0.15 for v, p in yt), f"{label}: y ticks 0, 0.2, ..., 1 in place",
            f"{yt}")
    s.check(len(xt) >= min(k, 2) and all(float(v).is_integer() and 1 <= v <= k for v, _ in xt)
            and all(abs(p - centers[int(v) - 1]) <= 0.15 for v, p in xt), f"{label}: x ticks at component numbers "
            "under their bars", f"{xt}")
    s.check(k > 25 or [v for v, _ in xt] == list(range(1, k + 1)), f"{label}: every component labeled when k <= 25")
    s.check(max(len(xt), 1) <= 26, f"{label}: at most 26 x tick labels")
    axes_text = texts(group(root, "axes"))
    s.check("principal component" in axes_text and "explained variance ratio" in axes_text,
            f"{label}: axis labels")
    s.check(texts(group(root, "legend")) == ["explained variance ratio", "cumulative"], f"{label}: the legend")
    heading = texts(group(root, "title"))
    s.check(len(heading) == 2 and (title is None or heading[0] == title) and root.find(SVG + "title").text
            == heading[0], f"{label}: title{'' if title is None else ' ' + repr(title)} (also the SVG <title>)",
            f"{heading}")
    s.check(heading and f"{k} component" in heading[-1] and f"{100 * min(cum[-1], 1):.1f}%" in heading[-1],
            f"{label}: the subtitle gives k and the cumulative share", f"{heading}")
    return root


def group_scree(s, work):
    x, y = load_digits_file()
    f = os.path.join(work, "pca.h5")
    with h5py.File(f, "w") as h:
        p10, _ = write_pca(h, x, 10)
        p64, _ = write_pca(h.create_group("all"), x, 64, scores=False)
        p3, _ = write_pca(h.create_group("f32/fit"), x, 3, scores=False, dtype=np.float32)
        p1, _ = write_pca(h.create_group("one"), x, 1, scores=False)
    r10 = p10.explained_variance_ratio_
    jobs = [(["plot", f, "-o", os.path.join(work, f"scree{np_}.svg"), "--json"], np_) for np_ in NPROCS]
    title = 'Digits & <friends> "quoted" — ünïcode'
    cases = [("all k=64", f"{f}:/all", p64.explained_variance_ratio_, None),
             ("float32 group", f"{f}:/f32/fit/", p3.explained_variance_ratio_.astype(np.float32).astype(float), None),
             ("one component", f"{f}:/one", p1.explained_variance_ratio_, None),
             ("--title", f, r10, title)]
    for i, (_, src, _, t) in enumerate(cases):
        jobs.append((["plot", src, "-o", os.path.join(work, f"case{i}.svg")] + (["--title", t] if t else []), MAXNP))
    results = pla_parallel(jobs)
    first = None
    for np_, r in zip(NPROCS, results):
        path = os.path.join(work, f"scree{np_}.svg")
        obj = r.json()
        s.check(r.rc == 0 and obj is not None and obj.get("status") == "ok", f"scree np={np_}: exit 0, JSON",
                r.describe())
        if r.rc != 0 or not os.path.exists(path):
            continue
        s.check(obj["parameters"]["kind"] == "scree" and obj["outputs"][0]["path"] == path
                and obj["outputs"][0]["bytes"] == os.path.getsize(path) and obj["results"]["components"] == 10
                and np.allclose(obj["results"]["explained_variance_ratio"], r10, rtol=1e-15, atol=0),
                f"scree np={np_}: JSON names the picture, its size and the ratios", r.describe())
        check_scree(s, f"scree np={np_}", path, r10)
        with open(path, "rb") as fh:
            data = fh.read()
        if first is None:
            first = data
        s.check(data == first, f"scree np={np_}: the same picture as at np={NPROCS[0]}")
        s.check(not [n for n in os.listdir(work) if n.startswith(".")], f"scree np={np_}: no temporary file left")
    for i, ((label, _, ratio, t), r) in enumerate(zip(cases, results[len(NPROCS):])):
        path = os.path.join(work, f"case{i}.svg")
        if s.check(r.rc == 0 and os.path.exists(path), f"scree {label}: exit 0", r.describe()):
            check_scree(s, f"scree {label}", path, ratio, title=t)
    root = parse_svg(os.path.join(work, "case0.svg"))
    xt, _ = tick_positions(root)
    s.check([v for v, _ in xt] == [1, 10, 20, 30, 40, 50, 60], "scree k=64: x ticks 1, 10, ..., 60",
            f"{[v for v, _ in xt]}")

    # rendered: not blank, the bars' blue and the line's orange are there
    rgb = render(os.path.join(work, f"scree{NPROCS[0]}.svg"))
    s.check(rgb.shape[:2] == (500, 760), "scree PNG: 760 x 500 pixels", f"{rgb.shape}")
    s.check(0.03 < nonblank(rgb) < 0.5, "scree PNG: drawn on, not blank", f"{nonblank(rgb):.3f}")
    s.check(colors_present(rgb, TAB10[:2], 50) == TAB10[:2], "scree PNG: bars and cumulative line visible",
            f"{colors_present(rgb, TAB10[:2], 1)}")
    rgb = render(os.path.join(work, "case3.svg"))
    s.check(nonblank(rgb) > 0.03, "scree with an escaped unicode title renders")


# ---- group: scatter ----------------------------------------------------------------

def scatter_points(root):
    """[(fill, [(cx, cy), ...])] per group of points, in drawing order."""
    pts = group(root, "points")
    out = []
    subgroups = pts.findall(SVG + "g")
    for g in (subgroups or [pts]):
        out.append((g.get("fill"), [(float(c.get("cx")), float(c.get("cy"))) for c in g.findall(SVG + "circle")]))
    return out


def check_mapping(s, label, root, x, y):
    """The points (cx, cy) are an increasing affine image of (x, -y) of the
    data, to the 0.05 px rounding, inside the frame, and the tick labels sit
    where the same map puts their values."""
    pts = np.array([p for _, ps in scatter_points(root) for p in ps])
    ax = np.polyfit(x, pts[:, 0], 1)
    ay = np.polyfit(y, pts[:, 1], 1)
    rx = np.abs(np.polyval(ax, x) - pts[:, 0]).max()
    ry = np.abs(np.polyval(ay, y) - pts[:, 1]).max()
    s.check(ax[0] > 0 and ay[0] < 0 and rx <= 0.06 and ry <= 0.06,
            f"{label}: point coordinates are the scores, scaled (x right, y up)", f"{ax} {ay} {rx} {ry}")
    x0, y0, w, h = frame_of(root)
    s.check(np.all((pts[:, 0] >= x0) & (pts[:, 0] <= x0 + w) & (pts[:, 1] >= y0) & (pts[:, 1] <= y0 + h)),
            f"{label}: every point inside the frame")
    xt, yt = tick_positions(root)
    s.check(len(xt) >= 3 and len(yt) >= 3 and all(abs(np.polyval(ax, v) - p) <= 0.15 for v, p in xt)
            and all(abs(np.polyval(ay, v) - p) <= 0.15 for v, p in yt),
            f"{label}: tick labels where their values are", f"{xt} {yt}")
    steps = np.diff([v for v, _ in xt])
    s.check(len(set(np.round(steps, 9))) == 1, f"{label}: evenly spaced x ticks", f"{xt}")


def group_scatter(s, work):
    x, y = load_digits_file()
    f = os.path.join(work, "pca.h5")
    rng = np.random.default_rng(7)
    big_m = 100000
    with h5py.File(f, "w") as h:
        p, scores = write_pca(h, x, 5)
        g = h.create_group("fit")
        write_pca(g, x, 5)
        h["labels/digit"] = y
        h["labels/half"] = (y % 3) * 0.5   # float labels 0, 0.5, 1
        h["labels/col"] = y.reshape(-1, 1)  # (m, 1) is accepted too
        b = h.create_group("big")
        big = rng.standard_normal((big_m, 3)) * [4.0, 2.0, 1.0]
        b["scores"] = big
        b["explained_variance_ratio"] = np.array([0.5, 0.3, 0.1])
        b["lab"] = rng.integers(0, 3, big_m)
    ratio = p.explained_variance_ratio_
    jobs = [(["plot", f, "--scatter", "--labels", f"{DIGITS}:/y", "-o", os.path.join(work, f"sc{np_}.svg"),
              "--json"], np_) for np_ in NPROCS]
    cases = [
        ("no labels", [f, "--scatter"], None, (0, 1)),
        ("--components 3,1", [f, "--scatter", "--components", "3,1", "--labels", f"{f}:/labels/digit"], y, (2, 0)),
        ("bare --labels FILE", [f"{f}:/fit", "--scatter", "--labels", DIGITS], y, (0, 1)),
        ("float labels", [f, "--scatter", "--labels", f"{f}:/labels/half"], (y % 3) * 0.5, (0, 1)),
        ("(m, 1) labels", [f, "--scatter", "--components", "2,5", "--labels", f"{f}:/labels/col"], y, (1, 4)),
    ]
    for i, (_, args, _, _) in enumerate(cases):
        jobs.append((["plot"] + args + ["-o", os.path.join(work, f"case{i}.svg")], MAXNP))
    jobs.append((["plot", f"{f}:/big", "--scatter", "--labels", f"{f}:/big/lab", "-o",
                  os.path.join(work, "big.svg")], MAXNP))
    # and from pla pca itself: the same picture as from scikit-learn's PCA
    real = os.path.join(work, "real_pca.h5")
    rp = pla(["pca", "-i", f"{DIGITS}:/X", "-k", "5", "--scores", "-o", real], MAXNP)
    if s.check(rp.rc == 0, "pla pca -k 5 --scores of the digits", rp.describe()):
        jobs.append((["plot", real, "--scatter", "--labels", f"{DIGITS}:/y", "-o", os.path.join(work, "real.svg")],
                     MAXNP))
    results = pla_parallel(jobs)
    if rp.rc == 0:
        r = results.pop()
        if s.check(r.rc == 0, "plot of pla pca's output: exit 0", r.describe()):
            mine = [(c, np.array(ps)) for c, ps in scatter_points(parse_svg(os.path.join(work, "real.svg")))]
            ref = [(c, np.array(ps)) for c, ps in scatter_points(parse_svg(os.path.join(work, f"sc{NPROCS[0]}.svg")))]
            s.check(len(mine) == len(ref) and all(c1 == c2 and p1.shape == p2.shape and np.abs(p1 - p2).max() <= 0.1
                                                  for (c1, p1), (c2, p2) in zip(mine, ref)),
                    "the scatter of pla pca's scores is the one of scikit-learn's")

    first = None
    for np_, r in zip(NPROCS, results):
        path = os.path.join(work, f"sc{np_}.svg")
        obj = r.json()
        if not s.check(r.rc == 0 and obj is not None and os.path.exists(path), f"scatter np={np_}: exit 0",
                       r.describe()):
            continue
        s.check(obj["parameters"]["kind"] == "scatter" and obj["parameters"]["components"] == [1, 2]
                and obj["results"]["points"] == len(y) and obj["results"]["classes"] == 10
                and obj["results"]["label_values"] == list(range(10)), f"scatter np={np_}: JSON", r.describe())
        root = parse_svg(path)
        s.check(svg_header_ok(root), f"scatter np={np_}: SVG 1.1 header")
        groups = scatter_points(root)
        s.check(sum(len(ps) for _, ps in groups) == len(y), f"scatter np={np_}: {len(y)} points",
                f"{sum(len(ps) for _, ps in groups)}")
        fills = [c for c, _ in groups]
        s.check(sorted(fills) == sorted(TAB10) and len(set(fills)) == 10, f"scatter np={np_}: one color per digit")
        # each color's points are that digit's samples, in data order
        xs, ys = [], []
        for color, ps in groups:
            d = TAB10.index(color) if color in TAB10 else -1
            rows = np.flatnonzero(y == d)
            s.check(len(ps) == len(rows), f"scatter np={np_}: digit {d} has {len(rows)} points", f"{len(ps)}")
            xs.append(scores[rows, 0])
            ys.append(scores[rows, 1])
        check_mapping(s, f"scatter np={np_}", root, np.concatenate(xs), np.concatenate(ys))
        legend = group(root, "legend")
        s.check(texts(legend) == ["y"] + [str(d) for d in range(10)], f"scatter np={np_}: legend titled y, 0..9",
                f"{texts(legend)}")
        s.check([c.get("fill") for c in legend.iter(SVG + "circle")] == TAB10,
                f"scatter np={np_}: legend colors are the points' colors")
        axes_text = texts(group(root, "axes"))
        s.check(f"PC1 ({100 * ratio[0]:.1f}%)" in axes_text and f"PC2 ({100 * ratio[1]:.1f}%)" in axes_text,
                f"scatter np={np_}: axes labeled with the components' shares", f"{axes_text}")
        with open(path, "rb") as fh:
            data = fh.read()
        first = first or data
        s.check(data == first, f"scatter np={np_}: the same picture as at np={NPROCS[0]}")

    for i, ((label, args, labels, (ci, cj)), r) in enumerate(zip(cases, results[len(NPROCS):])):
        path = os.path.join(work, f"case{i}.svg")
        if not s.check(r.rc == 0 and os.path.exists(path), f"scatter {label}: exit 0", r.describe()):
            continue
        root = parse_svg(path)
        groups = scatter_points(root)
        if labels is None:
            s.check(len(groups) == 1 and groups[0][0] == TAB10[0] and len(groups[0][1]) == len(y)
                    and group(root, "legend") is None, f"scatter {label}: one color, no legend")
            check_mapping(s, f"scatter {label}", root, scores[:, ci], scores[:, cj])
            continue
        values = np.unique(labels)
        names = [("%.0f" % v) if float(v).is_integer() else ("%.6g" % v) for v in values]
        legend = group(root, "legend")
        s.check(texts(legend)[1:] == names, f"scatter {label}: legend {names}", f"{texts(legend)}")
        colors = [c.get("fill") for c in legend.iter(SVG + "circle")]
        xs, ys, ok = [], [], True
        for color, ps in groups:
            rows = np.flatnonzero(labels == values[colors.index(color)])
            ok = ok and len(rows) == len(ps)
            xs.append(scores[rows, ci])
            ys.append(scores[rows, cj])
        s.check(ok, f"scatter {label}: each color holds its label's samples")
        check_mapping(s, f"scatter {label}", root, np.concatenate(xs), np.concatenate(ys))
        axes_text = texts(group(root, "axes"))
        s.check(f"PC{ci + 1} ({100 * ratio[ci]:.1f}%)" in axes_text
                and f"PC{cj + 1} ({100 * ratio[cj]:.1f}%)" in axes_text, f"scatter {label}: axis labels",
                f"{axes_text}")

    r = results[-1]
    path = os.path.join(work, "big.svg")
    if s.check(r.rc == 0 and os.path.exists(path), f"scatter of {big_m} points: exit 0", r.describe()):
        size = os.path.getsize(path)
        s.check(size < 45 * big_m, f"scatter of {big_m} points: {size / 1e6:.1f} MB, under 45 bytes a point")
        root = parse_svg(path)
        s.check(sum(len(ps) for _, ps in scatter_points(root)) == big_m, f"scatter of {big_m} points: all drawn")
        with open(path) as fh:
            coords = re.findall(r'c[xy]="(-?[0-9.]+)"', fh.read())
        s.check(all(len(c.partition(".")[2]) <= 1 for c in coords), "coordinates rounded to 0.1 px")

    # rendered: the ten digit colors appear, and the scatter is not blank
    rgb = render(os.path.join(work, f"sc{NPROCS[0]}.svg"))
    s.check(rgb.shape[:2] == (600, 800), "scatter PNG: 800 x 600 pixels", f"{rgb.shape}")
    s.check(0.03 < nonblank(rgb) < 0.6, "scatter PNG: drawn on, not blank", f"{nonblank(rgb):.3f}")
    present = colors_present(rgb, TAB10)
    s.check(present == TAB10, "scatter PNG: ten distinct label colors", f"{present}")
    rgb = render(os.path.join(work, "case0.svg"))
    s.check(colors_present(rgb, TAB10) == TAB10[:1], "scatter PNG without labels: one color",
            f"{colors_present(rgb, TAB10)}")


# ---- group: errors ------------------------------------------------------------------

def existing_svg(name):
    def setup(cwd):
        with open(os.path.join(cwd, name), "w") as fh:
            fh.write("<svg xmlns='http://www.w3.org/2000/svg'/>\n")
    return setup


def make_dir(name):
    def setup(cwd):
        os.mkdir(os.path.join(cwd, name))
    return setup


def group_errors(s, work):
    x, y = load_digits_file()
    rng = np.random.default_rng(3)
    with h5py.File(os.path.join(work, "in.h5"), "w") as h:
        p, scores = write_pca(h.create_group("ok"), x, 4)
        write_pca(h.create_group("noscores"), x, 4, scores=False)
        g = h.create_group("nan")
        g["explained_variance_ratio"] = p.explained_variance_ratio_
        bad = scores.copy()
        bad[11, 1] = np.nan
        g["scores"] = bad
        g = h.create_group("nanratio")
        r = p.explained_variance_ratio_.copy()
        r[2] = np.inf
        g["explained_variance_ratio"] = r
        h["bigratio/explained_variance_ratio"] = np.array([0.9, 0.8])
        h["ratio2d/explained_variance_ratio"] = np.ones((2, 2)) * 0.1
        h["labels/short"] = y[:100]
        h["labels/many"] = np.arange(len(y)) % 21
        h["labels/nan"] = np.where(np.arange(len(y)) == 5, np.nan, 1.0)
        h["labels/text"] = np.array([b"a"] * len(y))
        h["other/data"] = rng.standard_normal((5, 5))
    ok = "in.h5:/ok"
    o = ["-o", "bad.svg"]
    cases = [
        Failure("missing file", ["plot", "nofile.h5"] + o, EXIT_DATA, ["no such file", "nofile.h5"], json_too=True),
        Failure("missing group", ["plot", "in.h5:/nope"] + o, EXIT_DATA, ["/nope"]),
        Failure("not a pca output", ["plot", "in.h5:/other"] + o, EXIT_DATA, ["explained_variance_ratio"]),
        Failure("a dataset, not a group", ["plot", "in.h5:/ok/scores"] + o, EXIT_DATA, ["is a dataset"]),
        Failure("pca output elsewhere", ["plot", "in.h5"] + o, EXIT_DATA, ["explained_variance_ratio", "in.h5:/"]),
        Failure("no scores", ["plot", "in.h5:/noscores", "--scatter"] + o, EXIT_DATA,
                ["without --scores", "rerun pla pca with --scores"], json_too=True),
        Failure("NaN in scores", ["plot", "in.h5:/nan", "--scatter"] + o, EXIT_DATA, ["NaN", "row 11", "column 1"]),
        Failure("Inf in ratio", ["plot", "in.h5:/nanratio"] + o, EXIT_DATA, ["Inf", "explained_variance_ratio"]),
        Failure("ratios above 1", ["plot", "in.h5:/bigratio"] + o, EXIT_DATA, ["sums to 1.7"]),
        Failure("2-D ratio", ["plot", "in.h5:/ratio2d"] + o, EXIT_DATA, ["(2, 2)", "vector"]),
        Failure("labels of the wrong length", ["plot", ok, "--scatter", "--labels", "in.h5:/labels/short"] + o,
                EXIT_DATA, ["(100,)", "1797"], json_too=True),
        Failure("too many labels", ["plot", ok, "--scatter", "--labels", "in.h5:/labels/many"] + o, EXIT_DATA,
                ["21 distinct values", "at most 20"]),
        Failure("NaN label", ["plot", ok, "--scatter", "--labels", "in.h5:/labels/nan"] + o, EXIT_DATA,
                ["NaN", "/labels/nan"]),
        Failure("string labels", ["plot", ok, "--scatter", "--labels", "in.h5:/labels/text"] + o, EXIT_DATA,
                ["string"]),
        Failure("missing labels", ["plot", ok, "--scatter", "--labels", "in.h5:/labels/nope"] + o, EXIT_DATA,
                ["/labels/nope"]),
        Failure("several 1-D datasets", ["plot", ok, "--scatter", "--labels", "in.h5"] + o, EXIT_DATA,
                ["1-D datasets", "in.h5:/PATH"]),
        Failure("component out of range", ["plot", ok, "--scatter", "--components", "1,5"] + o, EXIT_DATA,
                ["out of range", "1 <= I, J <= 4"]),
        Failure("component 0", ["plot", ok, "--scatter", "--components", "0,1"] + o, EXIT_USAGE, ["--components"]),
        Failure("same component", ["plot", ok, "--scatter", "--components", "2,2"] + o, EXIT_USAGE, ["different"]),
        Failure("malformed components", ["plot", ok, "--scatter", "--components", "1"] + o, EXIT_USAGE,
                ["I,J"]),
        Failure("--labels without --scatter", ["plot", ok, "--labels", "in.h5:/labels/short"] + o, EXIT_USAGE,
                ["--scatter"]),
        Failure("no output", ["plot", ok], EXIT_USAGE, ["-o"]),
        Failure("no input", ["plot"] + o, EXIT_USAGE, ["FILE"]),
        Failure("two inputs", ["plot", ok, ok] + o, EXIT_USAGE, ["one FILE"]),
        Failure("unknown option", ["plot", ok, "--frob"] + o, EXIT_USAGE, ["--frob"]),
        Failure("existing output", ["plot", ok, "-o", "old.svg"], EXIT_OUTPUT, ["old.svg", "--force"],
                out="old.svg", setup=existing_svg("old.svg"), json_too=True),
        Failure("output in a missing directory", ["plot", ok, "-o", "nodir/x.svg"], EXIT_OUTPUT, ["nodir"]),
        Failure("output is a directory", ["plot", ok, "-o", "adir", "--force"], EXIT_OUTPUT, ["adir", "directory"],
                setup=make_dir("adir")),
        # the output check comes first: a clash costs no reading
        Failure("existing output, bad input", ["plot", "nofile.h5", "-o", "old.svg"], EXIT_OUTPUT, ["--force"],
                out="old.svg", setup=existing_svg("old.svg")),
    ]
    run_failures(s, work, cases)

    # --force replaces an existing picture; without it nothing changed (above)
    cwd = os.path.join(work, "force")
    os.mkdir(cwd)
    existing_svg("old.svg")(cwd)
    r = pla(["plot", os.path.join(work, "in.h5:/ok"), "-o", "old.svg", "--force"], MAXNP, cwd=cwd)
    with open(os.path.join(cwd, "old.svg")) as fh:
        text = fh.read()
    s.check(r.rc == 0 and "<polyline" in text and sorted(os.listdir(cwd)) == ["old.svg"],
            "--force replaces an existing picture, nothing else left", r.describe())

    r = pla(["plot", "--help"], MAXNP)
    s.check(r.rc == 0 and r.out.count("usage:") == 1 and "--scatter" in r.out and "--labels" in r.out
            and "--grid PxQ" in r.out and max(len(l) for l in r.out.splitlines()) <= 80,
            "pla plot --help: once, the options, lines of at most 80 columns", r.describe())


GROUPS = {"scree": group_scree, "scatter": group_scatter, "errors": group_errors}

if __name__ == "__main__":
    sys.exit(run_group("plot", GROUPS, sys.argv))
