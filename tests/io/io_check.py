#!/usr/bin/python3
"""Checks pla's HDF5 layer against h5py/numpy.

Writes fixtures with h5py (float64, float32, int16, uint8, int64, big-endian,
chunked + gzip, odd shapes), has io_copy read each one at every rank count in
PLA_NPROCS and write it back through the output API, and compares the values
exactly with numpy.  Then every error case: the exit code and the one-line
message, and that a failed or aborted output leaves nothing behind.

usage: io_check.py IO_COPY [WORKDIR]
env:   PLA_MPIEXEC (launcher prefix, empty in the single-process build),
       PLA_NPROCS (rank counts, e.g. "1,2,3,4")
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

COPY = os.path.abspath(sys.argv[1])
LAUNCH = os.environ.get("PLA_MPIEXEC", "").split()
NPROCS = [int(x) for x in os.environ.get("PLA_NPROCS", "1").split(",") if x]
WORK = tempfile.mkdtemp(prefix="pla_io_", dir=sys.argv[2] if len(sys.argv) > 2 else None)
FAILED = []
CASES = [0]


def check(ok, what):
    CASES[0] += 1
    if not ok:
        FAILED.append(what)
        print("FAIL", what, flush=True)


def run(nprocs, *args):
    cmd = (LAUNCH + [str(nprocs)] if LAUNCH else []) + [COPY] + [str(a) for a in args]
    p = subprocess.run(cmd, cwd=WORK, capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def path(name):
    return os.path.join(WORK, name)


def leftovers():
    """Temporary files of aborted outputs in WORK."""
    return sorted(os.path.basename(p) for p in glob.glob(path(".*.pla-*.tmp")))


def staging_groups(fname):
    with h5py.File(path(fname), "r") as f:
        return [k for k in f.keys() if k.startswith(".pla-staging-")]


# ---- fixtures ---------------------------------------------------------------

rng = np.random.default_rng(20261123)
FIXTURES = {}  # name -> (array as stored, read dtype, output dtype)


def fixture(name, data, read="float64", out="float64", **kw):
    with h5py.File(path(name + ".h5"), "w") as f:
        f.create_dataset("X", data=data, **kw)
    FIXTURES[name] = (np.asarray(data), read, out)


fixture("f64", rng.standard_normal((57, 23)))
fixture("f32", rng.standard_normal((40, 31)).astype(np.float32), read="float32", out="float32")
fixture("f32_as_f64", rng.standard_normal((33, 9)).astype(np.float32))
fixture("f64_to_f32", rng.standard_normal((21, 34)), read="float32", out="float32")
fixture("int16", rng.integers(-30000, 30000, (33, 17), dtype=np.int16))
fixture("uint8_row", rng.integers(0, 255, (1, 50), dtype=np.uint8))
fixture("int64_col", rng.integers(-2**53, 2**53, (50, 1), dtype=np.int64))
fixture("big_endian", rng.standard_normal((20, 19)).astype(">f8"))
fixture("gzip", rng.standard_normal((200, 70)), chunks=(16, 9), compression="gzip", compression_opts=4,
        shuffle=True)
fixture("chunked_f32", rng.standard_normal((130, 129)).astype(np.float32), read="float32", out="float32",
        chunks=(64, 64))
fixture("one", np.array([[7.5]]))
fixture("empty", np.zeros((0, 5)))


def expected(data, read, out):
    """What an exact round trip must give: numpy's conversions, in order."""
    return np.asarray(data).astype(read).astype(out)


# ---- round trips --------------------------------------------------------------

def round_trips():
    variants = [[], ["--block", "3"], ["--strategy", "panel", "--block", "2"], ["--strategy", "rows", "--block", "2"],
                ["--strategy", "cyclic", "--transfer", "collective", "--band", "100"],
                ["--strategy", "panel", "--transfer", "collective", "--band", "100"]]
    k = 0
    for name, (data, read, out) in sorted(FIXTURES.items()):
        for np_ in NPROCS:
            opts = variants[k % len(variants)]
            k += 1
            target = f"out_{name}_{np_}.h5"
            code, _, err = run(np_, f"{name}.h5", f"{target}:/res", "Y", "--dtype", read, "--out-dtype", out,
                               *opts)
            what = f"round trip {name} at {np_} ranks {' '.join(opts)}"
            if code != 0:
                check(False, f"{what}: exit {code}: {err.strip()}")
                continue
            with h5py.File(path(target), "r") as f:
                got = f["/res/Y"][...]
            want = expected(data, read, out)
            check(got.dtype == np.dtype(out) and got.shape == want.shape and np.array_equal(got, want),
                  f"{what}: values")
            os.remove(path(target))
    check(leftovers() == [], f"no temporary files after the round trips: {leftovers()}")


def extras():
    data = FIXTURES["f64"][0]
    for np_ in NPROCS:
        target = f"extras_{np_}.h5"
        code, out, err = run(np_, "f64.h5", f"{target}:/a/b", "M", "--extras")
        check(code == 0, f"extras at {np_} ranks: exit {code}: {err.strip()}")
        if code != 0:
            continue
        check(out.strip() == f"wrote {target}:/a/b/M", f"target string at {np_} ranks: {out.strip()!r}")
        with h5py.File(path(target), "r") as f:
            g = f["/a/b"]
            check(np.array_equal(g["M"][...], data), "extras: matrix")
            check(np.array_equal(g["vec"][...], np.arange(data.shape[1]) + 0.5), "extras: vector")
            check(g["empty"].shape == (0,), "extras: empty vector")
            check(g["rows"].shape == () and g["rows"][()] == data.shape[0], "extras: scalar")
            check(g.attrs["command"] == "io_copy \u00e9t\u00e9", f"extras: string attribute {g.attrs['command']!r}")
            check(g.attrs["pi"] == 3.25 and g.attrs["rows"] == data.shape[0] + 1, "extras: numeric attributes")
            check(g.attrs["rows"].dtype == np.int64, "extras: int64 attribute")
            check(sorted(f.keys()) == ["a"], f"extras: nothing else in the file: {sorted(f.keys())}")


# ---- input errors -------------------------------------------------------------

def expect_error(np_, args, code, message, what):
    got, _, err = run(np_, *args)
    lines = [l for l in err.splitlines() if l.startswith("pla: error:")]
    ok = got == code and lines == [f"pla: error: {message}"]
    check(ok, f"{what} at {np_} ranks: exit {got} (want {code}), stderr {err.strip()!r}")


def input_errors():
    with h5py.File(path("data.h5"), "w") as f:
        for n in "ABC":
            f.create_dataset(n, data=np.ones((3, 4)))
        f.create_dataset("v", data=np.arange(5.0))
        f.create_dataset("grp/inner", data=np.ones((2, 2)))
    with h5py.File(path("strings.h5"), "w") as f:
        f.create_dataset("s", data=np.array([["a", "b"], ["c", "d"]], dtype=h5py.string_dtype()))
        f.create_dataset("c", data=np.zeros((2, 2), dtype=[("re", "f8"), ("im", "f8")]))
    with h5py.File(path("none2d.h5"), "w") as f:
        f.create_dataset("v", data=np.arange(5.0))
    with open(path("text.h5"), "w") as f:
        f.write("not hdf5\n")
    m, n = 300, 150
    x = rng.standard_normal((m, n))
    x[250, 7] = np.nan  # 2x2 grid, blocks of 64: only rank 2 holds it
    with h5py.File(path("nan.h5"), "w") as f:
        f.create_dataset("X", data=x)
    y = rng.standard_normal((m, n))
    y[270, 1] = np.nan
    y[250, 70] = np.inf
    y[250, 9] = -np.inf  # the first: lowest row, then lowest column
    y[299, 149] = np.nan
    with h5py.File(path("first.h5"), "w") as f:
        f.create_dataset("X", data=y, chunks=(32, 32), compression="gzip")
    z = np.ones((10, 10))
    z[3, 4] = 1e300
    with h5py.File(path("big.h5"), "w") as f:
        f.create_dataset("X", data=z)
    with h5py.File(path("lzf.h5"), "w") as f:  # h5py's own filter: not in the HDF5 C library
        f.create_dataset("X", data=np.ones((20, 20)), compression="lzf")
    # a damaged compressed chunk in the last rank's rows (chunks of 100 rows)
    with h5py.File(path("corrupt.h5"), "w") as f:
        d = f.create_dataset("X", data=rng.standard_normal((400, 30)), chunks=(100, 30), compression="gzip")
        info = d.id.get_chunk_info_by_coord((300, 0))
    with open(path("corrupt.h5"), "r+b") as f:
        f.seek(info.byte_offset + 2)
        f.write(b"\xff" * 64)

    top = max(NPROCS)
    cases = [
        (["missing.h5", "o.h5", "Y"], 3, "no such file: missing.h5", "missing file"),
        (["data.h5:/Y", "o.h5", "Y"], 3, "file data.h5 has no dataset /Y", "missing dataset"),
        (["data.h5:/v", "o.h5", "Y"], 3, "dataset /v in data.h5 is 1-D; a 2-D matrix is needed", "1-D"),
        (["data.h5:/grp", "o.h5", "Y"], 3,
         "/grp in data.h5 is a group, not a dataset: name a dataset as data.h5:/PATH", "group"),
        (["strings.h5:/s", "o.h5", "Y"], 3, "dataset /s in strings.h5 holds strings; a numeric matrix is needed",
         "strings"),
        (["strings.h5:/c", "o.h5", "Y"], 3,
         "dataset /c in strings.h5 holds compound values; a numeric matrix is needed", "compound"),
        (["data.h5", "o.h5", "Y"], 3,
         "file data.h5 has 4 2-D datasets (/A, /B, /C, /grp/inner): name one as data.h5:/PATH", "ambiguous"),
        (["none2d.h5", "o.h5", "Y"], 3, "file none2d.h5 holds no 2-D dataset", "no 2-D dataset"),
        (["text.h5", "o.h5", "Y"], 3, "file text.h5 is not an HDF5 file", "not HDF5"),
        (["nan.h5", "o.h5", "Y"], 3, "dataset /X in nan.h5 holds NaN at row 250, column 7", "NaN on one rank"),
        (["nan.h5", "o.h5", "Y", "--strategy", "panel"], 3,
         "dataset /X in nan.h5 holds NaN at row 250, column 7", "NaN on one rank, panel"),
        (["first.h5", "o.h5", "Y"], 3, "dataset /X in first.h5 holds -Inf at row 250, column 9", "first bad"),
        (["first.h5", "o.h5", "Y", "--block", "2", "--dtype", "float32"], 3,
         "dataset /X in first.h5 holds -Inf at row 250, column 9", "first bad, block 2"),
        (["first.h5", "o.h5", "Y", "--strategy", "panel", "--band", "5000"], 3,
         "dataset /X in first.h5 holds -Inf at row 250, column 9", "first bad, panel"),
        (["big.h5", "o.h5", "Y", "--dtype", "float32"], 3,
         "dataset /X in big.h5 holds a value beyond the float32 range at row 3, column 4", "float32 overflow"),
        (["lzf.h5", "o.h5", "Y"], 3,
         "dataset /X in lzf.h5 is compressed with filter 32000 (lzf), which this HDF5 library cannot decode",
         "missing filter"),
    ]
    for np_ in sorted({1, top}):
        if np_ not in NPROCS:
            continue
        for args, code, msg, what in cases:
            expect_error(np_, args, code, msg, what)
    for np_ in NPROCS:  # a failed transfer on some ranks only: the same error everywhere, no hang
        got, _, err = run(np_, "corrupt.h5", "o.h5", "Y", "--block", "100")
        lines = [l for l in err.splitlines() if l.startswith("pla: error:")]
        check(got == 3 and len(lines) == 1 and lines[0].startswith("pla: error: cannot read dataset /X in corrupt.h5: "),
              f"damaged chunk at {np_} ranks: exit {got}, {err.strip()!r}")
    check(not os.path.exists(path("o.h5")) and leftovers() == [], "input errors leave no output behind")
    # the same message at every rank count (and for every grid at 4 ranks)
    for np_ in NPROCS:
        expect_error(np_, ["first.h5", "o.h5", "Y", "--block", "5"], 3,
                     "dataset /X in first.h5 holds -Inf at row 250, column 9", "first bad, every rank count")
    if 4 in NPROCS:
        for grid in ["1x4", "4x1", "2x2"]:
            for strategy in ["cyclic", "rows", "panel"]:
                expect_error(4, ["first.h5", "o.h5", "Y", "--grid", grid, "--block", "1", "--strategy", strategy], 3,
                             "dataset /X in first.h5 holds -Inf at row 250, column 9",
                             f"first bad, grid {grid}, {strategy}")


# ---- output staging -------------------------------------------------------------

def output_staging():
    top = max(NPROCS)
    src = FIXTURES["f64"][0]
    other = rng.standard_normal((4, 4))
    with h5py.File(path("existing.h5"), "w") as f:
        f.create_dataset("keep", data=other)
        f.attrs["note"] = "user data"

    def intact(what):
        with h5py.File(path("existing.h5"), "r") as f:
            ok = np.array_equal(f["keep"][...], other) and f.attrs["note"] == "user data"
        check(ok, f"{what}: other datasets intact")
        check(staging_groups("existing.h5") == [], f"{what}: no staging group left")

    # a new dataset in an existing file, under a new group
    code, _, err = run(top, "f64.h5", "existing.h5:/res", "M")
    check(code == 0, f"write into existing file: exit {code}: {err.strip()}")
    with h5py.File(path("existing.h5"), "r") as f:
        check(np.array_equal(f["/res/M"][...], src), "write into existing file: values")
    intact("write into existing file")
    # the same name again: refused before any work, nothing changed
    expect_error(top, ["f64.h5", "existing.h5:/res", "M"], 5,
                 "dataset /res/M exists in existing.h5: use --force to overwrite", "existing dataset")
    intact("refused overwrite")
    # input and output in the same file, and --force replacing a dataset
    code, _, err = run(top, "gzip.h5", "existing.h5:/res", "M", "--force")
    check(code == 0, f"--force: exit {code}: {err.strip()}")
    with h5py.File(path("existing.h5"), "r") as f:
        check(np.array_equal(f["/res/M"][...], FIXTURES["gzip"][0]), "--force: replaced values")
    intact("--force")
    code, _, err = run(top, "existing.h5:/res/M", "existing.h5", "M2")
    check(code == 0, f"read and write the same file: exit {code}: {err.strip()}")
    with h5py.File(path("existing.h5"), "r") as f:
        check(np.array_equal(f["/M2"][...], FIXTURES["gzip"][0]), "same file: values")
    intact("same file")
    # an aborted output in an existing file: no trace but the file's growth
    code, _, err = run(top, "f64.h5", "existing.h5:/res", "aborted", "--abort")
    check(code == 5, f"abort in existing file: exit {code}: {err.strip()}")
    with h5py.File(path("existing.h5"), "r") as f:
        check("aborted" not in f["res"], "abort in existing file: dataset absent")
    intact("abort in existing file")
    # an aborted new file: no file, no temporary
    code, _, err = run(top, "f64.h5", "aborted.h5", "M", "--abort", "--extras")
    check(code == 5 and not os.path.exists(path("aborted.h5")) and leftovers() == [],
          f"abort of a new file leaves nothing: exit {code}, {leftovers()}")
    # a failed run (NaN) with an existing output file: no change
    expect_error(top, ["nan.h5", "existing.h5:/res", "N"], 3,
                 "dataset /X in nan.h5 holds NaN at row 250, column 7", "failed run into existing file")
    with h5py.File(path("existing.h5"), "r") as f:
        check("N" not in f["res"], "failed run: no dataset")
    intact("failed run")
    # output errors
    shutil.copy(path("text.h5"), path("bad.h5"))
    expect_error(top, ["f64.h5", "bad.h5", "M"], 5, "output file bad.h5 exists and is not an HDF5 file",
                 "non-HDF5 output")
    with open(path("bad.h5")) as f:
        check(f.read() == "not hdf5\n", "non-HDF5 output left unchanged")
    expect_error(top, ["f64.h5", "nodir/out.h5", "M"], 5, "cannot write nodir/out.h5: no directory nodir",
                 "missing directory")
    expect_error(top, ["f64.h5", "existing.h5:/res/M/sub", "X"], 5,
                 "cannot use /res/M/sub in existing.h5 as the output group: /res/M is not a group",
                 "group is a dataset")
    expect_error(top, ["f64.h5", "existing.h5:/", "res"], 5,
                 "/res in existing.h5 exists and is not a dataset: pla will not replace it", "name is a group")
    # a directory nobody may write in (a read-only mode for users; /proc for root)
    if os.geteuid() != 0:
        os.makedirs(path("ro"), exist_ok=True)
        os.chmod(path("ro"), 0o555)
        expect_error(top, ["f64.h5", "ro/out.h5", "M"], 5, "cannot write to directory ro: Permission denied",
                     "read-only directory")
        os.chmod(path("ro"), 0o755)
    else:
        got, _, err = run(top, "f64.h5", "/proc/pla_io_check.h5", "M")
        check(got == 5 and "pla: error: cannot write to directory /proc: " in err,
              f"unwritable directory: exit {got}, {err.strip()!r}")
    check(leftovers() == [], f"no temporary files after output errors: {leftovers()}")


# ---- inspection -----------------------------------------------------------------

def inspection():
    np_ = max(NPROCS)
    code, out, err = run(np_, "--list", "data.h5")
    want = ["/A ndims=2 dims=3x4 type=float64 numeric=1 layout=contiguous chunk= filters=",
            "/B ndims=2 dims=3x4 type=float64 numeric=1 layout=contiguous chunk= filters=",
            "/C ndims=2 dims=3x4 type=float64 numeric=1 layout=contiguous chunk= filters=",
            "/grp/inner ndims=2 dims=2x2 type=float64 numeric=1 layout=contiguous chunk= filters=",
            "/v ndims=1 dims=5 type=float64 numeric=1 layout=contiguous chunk= filters="]
    check(code == 0 and out.splitlines() == want, f"list: {code} {out!r} {err!r}")
    code, out, err = run(np_, "--inspect", "gzip.h5")
    check(code == 0 and out.strip() ==
          "/X ndims=2 dims=200x70 type=float64 numeric=1 layout=chunked chunk=16x9 filters=shuffle,gzip(4)",
          f"inspect gzip: {out!r} {err!r}")
    code, out, err = run(np_, "--inspect", "int16.h5:X")
    check(code == 0 and out.strip() ==
          "/X ndims=2 dims=33x17 type=int16 numeric=1 layout=contiguous chunk= filters=",
          f"inspect int16: {out!r} {err!r}")
    code, out, err = run(np_, "--inspect", "strings.h5:/s")
    check(code == 0 and "type=string numeric=0" in out, f"inspect strings: {out!r}")
    expect_error(np_, ["--inspect", "data.h5:/nope"], 3, "file data.h5 has no dataset /nope", "inspect missing")


try:
    round_trips()
    extras()
    input_errors()
    output_staging()
    inspection()
finally:
    if not FAILED:
        shutil.rmtree(WORK, ignore_errors=True)
print(f"io_check: {CASES[0]} checks at ranks {NPROCS}, {len(FAILED)} failed" +
      ("" if not FAILED else f" (files kept in {WORK})"))
sys.exit(1 if FAILED else 0)
