#!/usr/bin/python3
"""The h5py reference for pla's I/O benchmark, and its fixtures.

    io_h5py.py make DIR [--rows 100000] [--cols 2000]
        writes DIR/contiguous.h5 and DIR/chunked.h5 (dataset /X, float64,
        standard normal; chunked with h5py's automatic chunk shape, which is
        what a user gets from h5py with chunks=True or compression)
        and DIR/gzip.h5 (the same chunks, gzip level 4) unless they exist
    io_h5py.py read FILE[:/PATH] [--reps 1]
        times numpy = h5py.File(FILE)[PATH][...] (open, read into a new array,
        close) and prints  op=read config=h5py np=1 grid=- seconds=S rep=R;
        then, as h5py-direct, read_direct into an array allocated and
        touched beforehand (h5py's best case, allocation excluded)
    io_h5py.py write FILE[:/PATH] [--reps 1]
        times reading into numpy untimed, then writing a new file with h5py
        (create, write, close) and prints op=write lines
"""
import argparse
import os
import time

import h5py
import numpy as np


def make(d, rows, cols):
    os.makedirs(d, exist_ok=True)
    x = None
    for name, kw in [("contiguous", {}), ("chunked", {"chunks": True}),
                     ("gzip", {"chunks": True, "compression": "gzip", "compression_opts": 4})]:
        fname = os.path.join(d, name + ".h5")
        if os.path.exists(fname):
            continue
        if x is None:
            x = np.random.default_rng(1).standard_normal((rows, cols))
        with h5py.File(fname + ".part", "w") as f:
            ds = f.create_dataset("X", data=x, **kw)
            print(f"{fname}: {ds.shape} {ds.dtype} chunks={ds.chunks} compression={ds.compression}")
        os.rename(fname + ".part", fname)


def split(spec):
    fname, _, p = spec.rpartition(":") if ":" in spec else (spec, "", "X")
    return (fname, p or "X")


def read(spec, reps):
    fname, p = split(spec)
    for r in range(reps):
        t0 = time.perf_counter()
        with h5py.File(fname, "r") as f:
            a = f[p][...]
        t = time.perf_counter() - t0
        print(f"op=read config=h5py np=1 grid=- seconds={t:.4f} rep={r + 1}", flush=True)
        del a
    # h5py's best case for context: into an array allocated and touched
    # beforehand (excluded from the time), as read_direct allows
    with h5py.File(fname, "r") as f:
        a = np.empty(f[p].shape, f[p].dtype)
    a[...] = 0
    for r in range(reps):
        t0 = time.perf_counter()
        with h5py.File(fname, "r") as f:
            f[p].read_direct(a)
        t = time.perf_counter() - t0
        print(f"op=read config=h5py-direct np=1 grid=- seconds={t:.4f} rep={r + 1}", flush=True)


def write(spec, reps):
    fname, p = split(spec)
    with h5py.File(fname, "r") as f:
        a = f[p][...]
    out = os.path.join(os.path.dirname(os.path.abspath(fname)), "io_h5py_out.h5")
    for r in range(reps):
        t0 = time.perf_counter()
        with h5py.File(out, "w") as f:
            f.create_dataset("X", data=a)
        t = time.perf_counter() - t0
        print(f"op=write config=h5py np=1 grid=- seconds={t:.4f} rep={r + 1}", flush=True)
        os.remove(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["make", "read", "write"])
    ap.add_argument("target")
    ap.add_argument("--rows", type=int, default=100000)
    ap.add_argument("--cols", type=int, default=2000)
    ap.add_argument("--reps", type=int, default=1)
    a = ap.parse_args()
    if a.what == "make":
        make(a.target, a.rows, a.cols)
    elif a.what == "read":
        read(a.target, a.reps)
    else:
        write(a.target, a.reps)


if __name__ == "__main__":
    main()
