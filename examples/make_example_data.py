#!/usr/bin/python3
"""Writes examples/data/example.h5, the input of scripts/example.sh:
A (300 x 200) and B (200 x 100), float64, standard normal, fixed seed.
The committed file was made with this script; rerun it only to change the data."""
import os
import sys

import h5py
import numpy as np

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "data", "example.h5")
rng = np.random.default_rng(20261123)
with h5py.File(out, "w") as f:
    f.create_dataset("A", data=rng.standard_normal((300, 200)))
    f.create_dataset("B", data=rng.standard_normal((200, 100)))
    f.attrs["description"] = "pla example: C = A @ B with `pla gemm -a example.h5:/A -b example.h5:/B`"
print(out)
