#pragma once
/* SIGTERM and SIGINT: pla stops cleanly.  A Slurm time limit (and
   `--signal=B:TERM@120` forwarded by the batch script), scancel, mpirun
   passing on a Ctrl-C, or kill: each rank removes what it may have left
   behind, rank 0 prints one line ("pla: stopped by SIGTERM: ..."; under
   --json also the summary object with "status": "stopped"), and every rank
   exits at once with pla_err_exit_code(PLA_ERR_INTERRUPTED) (124, the exit
   status of timeout(1)).  No rank waits for another, so none can hang.

   Outputs are staged by src/io/out.c: a new file is written as the hidden
   ".BASE.pla-PID-TOKEN.tmp" next to the target (PID is rank 0's process id)
   and renamed at commit.  The handler, on rank 0, removes every such file of
   this process from the target's directory (opened beforehand) with
   async-signal-safe calls only (getdents64, unlinkat, write, _exit).  Into an
   existing file, datasets are staged in a hidden group of that file; the
   handler cannot touch HDF5, so nothing is removed there (the final names
   are never written before commit). */

/* Not collective.  Installs the handlers for a run of subcommand `command`
   writing to `output` (the -o value, FILE[:/PATH]; NULL or "" when the
   command writes nothing); json: the run prints a JSON summary.  Called
   once options are parsed, before the context is created. */
void cli_signals_watch(const char *command, const char *output, int json);

/* Not collective, async-signal-safe.  The run is over: its output was
   committed or discarded.  A signal from now on no longer stops pla (the
   program is ending with its own status anyway); a second one does. */
void cli_signals_done(void);
