"""The check counter the slurm and signal tests share: a failed check prints
what and why, and the run goes on."""

failures = []
counts = {"passed": 0}


def check(ok, what, detail=""):
    if ok:
        counts["passed"] += 1
    else:
        failures.append(what)
        print(f"FAIL {what}" + (f"\n     {detail}" if detail else ""), flush=True)
    return ok


def summary(name, extra=""):
    """The closing line, and the exit status: 1 on any failure or no check at all."""
    print(f"{name}: {counts['passed']} checks passed, {len(failures)} failed{extra}", flush=True)
    return 1 if failures or counts["passed"] == 0 else 0
