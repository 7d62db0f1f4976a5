/* SIGTERM and SIGINT (see signals.h).  Everything the handler needs is
   prepared beforehand: the messages, the JSON object, the target's directory
   (an open descriptor) and the prefix of this run's temporary files.  The
   handler itself only calls async-signal-safe functions. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE  /* syscall(SYS_getdents64): reading a directory without malloc */
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif
#include <cjson/cJSON.h>
#include "common.h"
#include "signals.h"

enum { NWATCHED = 2, LINE_CAP = 5400, JSON_CAP = 12000 };
enum { OTHER_RANKS_LINGER_NS = 300 * 1000 * 1000 };  /* see on_signal */
static const int watched[NWATCHED] = { SIGTERM, SIGINT };
static const char *const watched_name[NWATCHED] = { "SIGTERM", "SIGINT" };

/* line/json [signal][complete]: complete = the new target file appeared
   (the commit's rename happened before the signal). */
static struct {
    volatile sig_atomic_t done, late;
    int installed, rank0, json, exit_code;
    int dirfd;          /* the target's directory, or -1 */
    int existed;        /* the target file existed before the run */
    char base[1024];    /* the target's name in its directory */
    char prefix[1100];  /* ".BASE.pla-PID-": this run's temporary files */
    char line[NWATCHED][2][LINE_CAP];
    char json_text[NWATCHED][2][JSON_CAP];
} S = { .dirfd = -1 };

/* ---- async-signal-safe helpers ------------------------------------------ */

static size_t safe_len(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    return n;
}

static void safe_write(int fd, const char *s)
{
    size_t n = safe_len(s);
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* ".BASE.pla-PID-*.tmp" */
static int is_ours(const char *name)
{
    size_t k = 0, n;
    for (; S.prefix[k] != '\0'; ++k)
        if (name[k] != S.prefix[k])
            return 0;
    n = safe_len(name);
    return n >= k + 4 && name[n - 4] == '.' && name[n - 3] == 't' && name[n - 2] == 'm' && name[n - 1] == 'p';
}

#if defined(__linux__)
/* The kernel's record: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name. */
struct raw_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/* Removes this run's temporary files from the target's directory; returns
   how many were removed. */
static int remove_ours(void)
{
    _Alignas(8) char buf[8192];
    int removed = 0;
    if (S.dirfd < 0 || lseek(S.dirfd, 0, SEEK_SET) < 0)
        return 0;
    for (;;) {
        long n = syscall(SYS_getdents64, S.dirfd, buf, sizeof buf);
        if (n <= 0)
            break;
        for (long off = 0; off < n;) {
            unsigned short reclen;
            memcpy(&reclen, buf + off + offsetof(struct raw_dirent64, d_reclen), sizeof reclen);
            const char *name = buf + off + offsetof(struct raw_dirent64, d_name);
            if (reclen == 0)
                break;
            off += reclen;
            if (is_ours(name) && unlinkat(S.dirfd, name, 0) == 0)
                removed++;
        }
    }
    return removed;
}
#else
/* Elsewhere no directory reader is async-signal-safe: a temporary file of
   an interrupted run stays behind (hidden, never under the final name). */
static int remove_ours(void)
{
    return 0;
}
#endif

static void on_signal(int sig)
{
    int saved = errno;
    if (S.done) {  /* the run is over: let the program end with its own status */
        if (S.late++ == 0) {
            errno = saved;
            return;
        }
        _exit(S.exit_code);
    }
    if (S.rank0) {
        int s = sig == SIGINT ? 1 : 0;
        struct stat st;
        /* twice: removing entries while reading the directory may hide others */
        if (remove_ours() > 0)
            (void)remove_ours();
        int complete = !S.existed && S.dirfd >= 0 && fstatat(S.dirfd, S.base, &st, 0) == 0;
        safe_write(STDERR_FILENO, S.line[s][complete]);
        if (S.json)
            safe_write(STDOUT_FILENO, S.json_text[s][complete]);
    } else {
        /* mpirun (Open MPI 4.1) sends SIGKILL to the whole job as soon as the
           first rank ends after its SIGTERM: the other ranks wait a moment so
           that rank 0 can remove the temporary file and print its line. */
        struct timespec pause = { .tv_sec = 0, .tv_nsec = OTHER_RANKS_LINGER_NS };
        while (nanosleep(&pause, &pause) != 0 && errno == EINTR) {
        }
    }
    _exit(S.exit_code);
}

/* ---- preparation ------------------------------------------------------------ */

static void make_json(char *dst, size_t cap, const char *command, const char *signame, const char *line)
{
    cJSON *o = cJSON_CreateObject();
    char *text = NULL;
    const char *message = strncmp(line, "pla: ", 5) == 0 ? line + 5 : line;
    char trimmed[LINE_CAP];
    snprintf(trimmed, sizeof trimmed, "%s", message);
    trimmed[strcspn(trimmed, "\n")] = '\0';
    if (o != NULL && cJSON_AddStringToObject(o, "command", command) && cJSON_AddStringToObject(o, "status", "stopped") &&
        cJSON_AddStringToObject(o, "signal", signame) && cJSON_AddNumberToObject(o, "exit_code", S.exit_code) &&
        cJSON_AddStringToObject(o, "message", trimmed))
        text = cJSON_PrintUnformatted(o);
    if (text == NULL || snprintf(dst, cap, "%s\n", text) >= (int)cap)
        snprintf(dst, cap, "{\"command\":\"%s\",\"status\":\"stopped\",\"signal\":\"%s\",\"exit_code\":%d}\n",
                 command, signame, S.exit_code);
    cJSON_free(text);
    cJSON_Delete(o);
}

void cli_signals_watch(const char *command, const char *output, int json)
{
    cli_name name;
    cli_msg msg;
    char dir[sizeof name.file];
    struct stat st;
    int have_output = output != NULL && output[0] != '\0' && cli_split_name("-o", output, &name, &msg) == PLA_OK;

    S.rank0 = pla_world_rank() == 0;
    S.json = json;
    S.exit_code = pla_err_exit_code(PLA_ERR_INTERRUPTED);
    S.existed = 0;
    S.prefix[0] = '\0';
    if (S.dirfd >= 0) {  /* a second run in this process: start over */
        close(S.dirfd);
        S.dirfd = -1;
    }
    if (have_output && S.rank0) {
        const char *file = name.file, *slash = strrchr(file, '/');
        const char *base = slash ? slash + 1 : file;
        if (slash == NULL)
            snprintf(dir, sizeof dir, ".");
        else if (slash == file)
            snprintf(dir, sizeof dir, "/");
        else
            snprintf(dir, sizeof dir, "%.*s", (int)(slash - file), file);
        S.existed = stat(file, &st) == 0;
        if (base[0] != '\0' && strlen(base) < sizeof S.base) {
            S.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            snprintf(S.base, sizeof S.base, "%s", base);
            snprintf(S.prefix, sizeof S.prefix, ".%s.pla-%ld-", base, (long)getpid());
        }
    }
    for (int s = 0; s < NWATCHED; ++s) {
        const char *sn = watched_name[s];
        char(*line)[LINE_CAP] = S.line[s];
        if (!have_output) {
            snprintf(line[0], LINE_CAP, "pla: stopped by %s; exit status %d\n", sn, S.exit_code);
            snprintf(line[1], LINE_CAP, "%s", line[0]);
        } else if (S.existed) {
            snprintf(line[0], LINE_CAP, "pla: stopped by %s: no results moved into %s; exit status %d\n", sn,
                     output, S.exit_code);
            snprintf(line[1], LINE_CAP, "%s", line[0]);
        } else {
            snprintf(line[0], LINE_CAP, "pla: stopped by %s: no output written (%s not created); exit status %d\n",
                     sn, name.file, S.exit_code);
            snprintf(line[1], LINE_CAP, "pla: stopped by %s after %s was complete; exit status %d\n", sn, name.file,
                     S.exit_code);
        }
        if (json && S.rank0)
            for (int c = 0; c < 2; ++c)
                make_json(S.json_text[s][c], JSON_CAP, command, sn, line[c]);
    }
    S.late = 0;
    S.done = 0;
    if (!S.installed) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sa.sa_flags = SA_RESTART;  /* matters only after cli_signals_done, when the handler returns */
        sigemptyset(&sa.sa_mask);
        for (int s = 0; s < NWATCHED; ++s)
            sigaddset(&sa.sa_mask, watched[s]);
        for (int s = 0; s < NWATCHED; ++s) {  /* one ignored from the start (nohup, `cmd &`) stays ignored */
            struct sigaction old;
            if (sigaction(watched[s], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
                sigaction(watched[s], &sa, NULL);
        }
        S.installed = 1;
    }
}

void cli_signals_done(void)
{
    S.done = 1;
}
