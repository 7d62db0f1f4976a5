#!/usr/bin/python3
"""Writes examples/data/digits.h5: scikit-learn's copy of the UCI handwritten
digits (8x8 images of 1797 digits), the input of the PCA examples
(docs/plot.md):

  /X  (1797, 64) float64  pixel intensities 0..16, one image per row
                          (row-major 8x8: X[i].reshape(8, 8) is the image)
  /y  (1797,)    int64    the digit 0..9 each image shows

The source is the file scikit-learn ships, digits.csv.gz (64 pixel columns and
the label), read from Debian's python3-sklearn.  X must equal
sklearn.datasets.load_digits().data exactly and y its target; the script
checks both.  The datasets are uncompressed and contiguous, so parallel HDF5
reads them directly, and nothing in the file depends on when it was written:
rerunning the script gives the same bytes.

usage: examples/make_digits.py [OUT.h5] [--source digits.csv.gz]
"""
import argparse
import gzip
import hashlib
import os
import sys

import h5py
import numpy as np

SOURCE = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"
HERE = os.path.dirname(os.path.abspath(__file__))


def load(source):
    with gzip.open(source, "rt") as fh:
        data = np.loadtxt(fh, delimiter=",")
    if data.ndim != 2 or data.shape != (1797, 65):
        sys.exit(f"make_digits.py: {source} holds shape {data.shape}, expected (1797, 65)")
    x = np.ascontiguousarray(data[:, :-1], dtype=np.float64)
    y = data[:, -1]
    if not np.array_equal(y, np.round(y)) or y.min() < 0 or y.max() > 9:
        sys.exit(f"make_digits.py: the last column of {source} is not a digit label 0..9")
    return x, y.astype(np.int64)


def check_against_sklearn(x, y):
    """X and y as scikit-learn's load_digits returns them, bit for bit."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        print("make_digits.py: scikit-learn is not installed: X not compared with load_digits()", file=sys.stderr)
        return
    ref = load_digits()
    if not (ref.data.shape == x.shape and np.array_equal(ref.data, x)):
        sys.exit("make_digits.py: X differs from sklearn.datasets.load_digits().data")
    if not np.array_equal(ref.target, y):
        sys.exit("make_digits.py: y differs from sklearn.datasets.load_digits().target")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write(out, x, y, source):
    tmp = f"{out}.tmp-{os.getpid()}"
    try:
        # track_order off and no timestamps: the same input gives the same bytes
        with h5py.File(tmp, "w", libver=("earliest", "v108"), track_order=False) as f:
            f.create_dataset("X", data=x, track_times=False)  # contiguous, uncompressed
            f.create_dataset("y", data=y, track_times=False)
            f["X"].attrs["description"] = "8x8 images of handwritten digits, one per row (row-major), pixels 0..16"
            f["y"].attrs["description"] = "the digit 0..9 shown in each row of X"
            a = f.attrs
            a["title"] = "Optical recognition of handwritten digits (UCI optdigits test set), as in scikit-learn"
            a["description"] = ("1797 images of handwritten digits, 8x8 blocks of counts of on-pixels (0..16) "
                                "from 32x32 bitmaps (NIST preprocessing); X = "
                                "sklearn.datasets.load_digits().data, y = its target")
            a["source"] = ("scikit-learn's sklearn/datasets/data/digits.csv.gz (Debian python3-sklearn), "
                           "converted by examples/make_digits.py")
            a["source_sha256"] = sha256(source)
            a["origin"] = ("UCI Machine Learning Repository: Optical Recognition of Handwritten Digits, "
                           "https://archive.ics.uci.edu/ml/datasets/Optical+Recognition+of+Handwritten+Digits; "
                           "creators E. Alpaydin and C. Kaynak (1998)")
            a["license"] = ("The data: UCI ML Repository dataset by E. Alpaydin and C. Kaynak, which the "
                            "repository distributes under CC BY 4.0 (credit the creators). This copy: as "
                            "packaged in scikit-learn (BSD-3-Clause, Copyright 2007 scikit-learn developers).")
            a["citation"] = ("E. Alpaydin, C. Kaynak. Optical Recognition of Handwritten Digits. "
                             "UCI Machine Learning Repository, 1998.")
            a["shape"] = np.array(x.shape, dtype=np.int64)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?", default=os.path.join(HERE, "data", "digits.h5"))
    ap.add_argument("--source", default=SOURCE)
    args = ap.parse_args()
    x, y = load(args.source)
    check_against_sklearn(x, y)
    write(args.out, x, y, args.source)
    with h5py.File(args.out, "r") as f:  # read back: what a user will get
        ok = np.array_equal(f["X"][()], x) and np.array_equal(f["y"][()], y) and f["X"].chunks is None \
            and f["X"].compression is None and f["X"].dtype == np.float64 and f["y"].dtype == np.int64
    if not ok:
        sys.exit(f"make_digits.py: {args.out} does not read back as written")
    print(f"{args.out}: X {x.shape} float64, y {y.shape} int64 (labels {np.bincount(y).tolist()})")


if __name__ == "__main__":
    main()
