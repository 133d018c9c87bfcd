/*
 * bvirsh-monitor: the per-guest supervisor (DESIGN §4).
 *
 * One small detached process per running guest. It
 *   - holds an exclusive flock on RUNDIR/NAME.lock for its whole life
 *     (a held lock means a live supervisor; a second monitor exits 3),
 *   - before every boot runs the plan command (argv after "--"), which prints
 *     the loader argv, the bhyve argv, taps and lifecycle actions as
 *     NUL-separated tokens (format below) built from the *current* definition,
 *   - creates the guest's taps and adds them to their bridges (real host),
 *   - runs the loader (bhyveload / grub-bhyve) when there is one, then bhyve,
 *   - maps bhyve's exit status through on_reboot / on_poweroff / on_crash,
 *     backing off and giving up on a crash loop,
 *   - destroys the kernel VM (bhyvectl --vm=NAME --destroy) and the taps on
 *     every stop, writes RUNDIR/NAME.json atomically, logs to its stdout/stderr
 *     (the driver points both at LOGDIR/NAME.log),
 *   - rotates that log (--log) once it has grown past a limit.
 *
 * Usage:
 *   bvirsh-monitor --name NAME --rundir DIR --bhyvectl PATH [--ifconfig PATH]
 *                  [--sim] [--id N] [--ready-fd FD] [--plan-file F] [--log PATH]
 *                  [--autodestroy PID] -- PLAN_ARGV...
 *   (--plan-file: the first boot's plan tokens, built by the starter; later
 *    boots run PLAN_ARGV. --log: the file stdout/stderr are open on, so the
 *    monitor can rotate it; without it the log is never rotated.
 *    --autodestroy: the guest is destroyed once process PID ends — libvirt's
 *    VIR_DOMAIN_START_AUTODESTROY, the connection being that bvirsh process;
 *    checked every 200 ms, the process's start time guarding against a
 *    reused pid)
 *   bvirsh-monitor --probe-lock PATH     exit 3 if the lock is held, 0 if free
 *
 * Log rotation, once the log has reached BVIRSH_LOG_MAX_BYTES; PATH.1 is the
 * newest old log (PATH.1 → PATH.2 …, BVIRSH_LOG_KEEP kept, older ones removed):
 *   - before every boot (the first one and each reboot / crash restart) PATH is
 *     renamed PATH.1 and a fresh PATH is opened onto stdout/stderr. Between
 *     boots no loader or bhyve holds the old file open, so nothing keeps
 *     writing into a rotated file, and the next tools inherit the new one;
 *   - while bhyve runs (checked every BVIRSH_LOG_CHECK_MS) the file cannot be
 *     renamed away: bhyve writes to it through its own descriptor, so that it
 *     outlives the monitor. It is copied to PATH.1 and truncated in place
 *     (the descriptors are O_APPEND: bhyve's next write lands at the new end);
 *     a line bhyve writes just as the copy ends can be lost.
 * A log that someone else moved away (newsyslog) is reopened at PATH at the
 * next boot (not mid-run: bhyve's descriptor cannot follow).
 *
 * Readiness (to the starter, on --ready-fd, then closed):
 *   "OK <bhyve-pid>\n"      bhyve is running (survived the settle window)
 *   "BUSY\n"                another monitor holds the lock (exit status 3)
 *   "ERR <message>"         the plan, a tap, the loader or bhyve failed (exit 1);
 *                           the message is the tool's own output (tail of the log)
 *
 * Requests (from the driver): write one word to RUNDIR/NAME.req, then SIGUSR1:
 *   shutdown | reboot | destroy | poweroff | reset | suspend | resume
 * (destroy: SIGKILL; poweroff: bhyvectl --force-poweroff, for destroy --graceful)
 * SIGTERM to the monitor itself means "shutdown" (ACPI power button to bhyve).
 *
 * Plan token stream (each token NUL-terminated):
 *   loader N a1..aN     bhyve N a1..aN     tap TAPNAME BRIDGE
 *   on_reboot|on_poweroff|on_crash ACTION  console PATH  vnc PORT
 *   transient PATH      (a transient guest: PATH and the state go when it stops)
 * ACTION is libvirt's: destroy, restart, preserve, rename-restart,
 * coredump-destroy, coredump-restart (preserve/coredump-* act as destroy/restart).
 *
 * Tunables (environment, for tests and the man page):
 *   BVIRSH_MONITOR_SETTLE_MS  how long bhyve must survive to count as started (200)
 *   BVIRSH_CRASH_BACKOFF_MS   first crash-restart delay, doubled each crash (1000)
 *   BVIRSH_CRASH_MAX          consecutive quick crashes before giving up (5)
 *   BVIRSH_CRASH_WINDOW_S     a boot that lasted longer resets the count (60)
 *   BVIRSH_LOG_MAX_BYTES      log size that triggers a rotation (1048576)
 *   BVIRSH_LOG_KEEP           rotated logs kept, PATH.1 newest (3; 0: never rotate)
 *   BVIRSH_LOG_CHECK_MS       how often the size is checked while bhyve runs (60000)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __FreeBSD__
#include <sys/param.h>
#include <sys/sysctl.h>
#include <sys/user.h>
#endif

#define MAX_ARGS 512
#define MAX_TAPS 16
#define MAX_PLAN (256 * 1024)

enum action { ACT_DESTROY, ACT_RESTART };
enum want { WANT_NONE, WANT_STOP, WANT_REBOOT };

struct plan {
	char *buf;                 /* owns every token */
	char *loader[MAX_ARGS + 1];
	char *bhyve[MAX_ARGS + 1];
	char *tap[MAX_TAPS], *bridge[MAX_TAPS];
	int ntaps;
	enum action on_reboot, on_poweroff, on_crash;
	const char *console;
	int vnc_port;              /* the VNC port bhyve's fbuf listens on, -1: none */
};

static const char *vm_name, *rundir, *bhyvectl_path, *ifconfig_path = "/sbin/ifconfig";
static int sim_host, ready_fd = -1, dom_id = -1;
static char **plan_argv;
static const char *first_plan;	/* --plan-file: tokens for the first boot */
static const char *log_path;	/* --log: the file stdout/stderr write to */
static char state_path[PATH_MAX], req_path[PATH_MAX];
/* RUNDIR/NAME.booted: the definition the running guest booted with (plan.ts writes it) */
static char booted_path[PATH_MAX];

static int sig_pipe[2] = { -1, -1 };
static pid_t bhyve_pid = -1;
static char bhyve_start[64] = "";
static const char *cur_state = "starting", *cur_reason = "booted";
static int boots, crashes;
static long long started_at;
static const char *taps_json_names[MAX_TAPS];
static int taps_json_n;
static const char *console_path;
static int vnc_port = -1;	/* recorded in the state, so the next guest's plan avoids it */
static char last_exit[64] = "";
static char *transient_def;	/* a transient guest's definition: removed when it stops */
static pid_t owner_pid = -1;	/* --autodestroy PID */
static char owner_start[64];	/* its start time, read at our start */
#define OWNER_CHECK_MS 200

static void logmsg(const char *fmt, ...)
{
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(stderr, "%s bvirsh-monitor[%d]: ", ts, (int)getpid());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

static long env_long(const char *name, long dflt)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return dflt;
	n = strtol(v, &end, 10);
	return (*end == '\0' && n >= 0) ? n : dflt;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- readiness report ---------------------------------------------------- */

static void report(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	if (ready_fd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof buf - 1)
		n = sizeof buf - 1;
	for (int off = 0; off < n;) {
		ssize_t w = write(ready_fd, buf + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += w;
	}
	close(ready_fd);
	ready_fd = -1;
}

/* ---- live state (atomic JSON) ------------------------------------------- */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void write_state(void)
{
	char tmp[PATH_MAX + 16];
	FILE *f;
	int fd;

	snprintf(tmp, sizeof tmp, "%s.tmp.%d", state_path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		logmsg("cannot write %s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	fprintf(f, "{\"name\":");
	json_str(f, vm_name);
	fprintf(f, ",\"id\":%d,\"state\":", dom_id);
	json_str(f, cur_state);
	fprintf(f, ",\"reason\":");
	json_str(f, cur_reason);
	fprintf(f, ",\"monitor_pid\":%d,\"bhyve_pid\":%d,\"bhyve_start\":",
	    (int)getpid(), (int)bhyve_pid);
	json_str(f, bhyve_start);
	fprintf(f, ",\"boots\":%d,\"crashes\":%d,\"started_at\":%lld,\"last_exit\":",
	    boots, crashes, started_at);
	json_str(f, last_exit);
	fprintf(f, ",\"taps\":[");
	for (int i = 0; i < taps_json_n; i++) {
		if (i)
			fputc(',', f);
		json_str(f, taps_json_names[i]);
	}
	fprintf(f, "],\"console\":");
	if (console_path)
		json_str(f, console_path);
	else
		fprintf(f, "null");
	if (vnc_port > 0)
		fprintf(f, ",\"vnc_port\":%d", vnc_port);
	else
		fprintf(f, ",\"vnc_port\":null");
	fprintf(f, "}\n");
	fflush(f);
	fsync(fd);
	fclose(f);
	if (rename(tmp, state_path) != 0) {
		logmsg("cannot rename %s: %s", tmp, strerror(errno));
		unlink(tmp);
	}
}

static void set_state(const char *state, const char *reason)
{
	cur_state = state;
	cur_reason = reason;
	write_state();
}

/* The guest is off for good: a transient guest vanishes with its state. */
static void final_state(const char *reason)
{
	unlink(booted_path); /* nothing runs with it any more */
	if (transient_def != NULL) {
		unlink(transient_def);
		unlink(state_path);
		return;
	}
	set_state("shutoff", reason);
}

/* ---- processes ------------------------------------------------------------ */

/* The start time of a process as the driver reads it back, so a recycled pid
 * is never mistaken for our bhyve. Linux: /proc/PID/stat field 22 (clock ticks
 * since boot). FreeBSD: ki_start seconds (compiled there, untested). */
static void proc_start_time(pid_t pid, char *out, size_t len)
{
	out[0] = '\0';
#ifdef __FreeBSD__
	struct kinfo_proc kp;
	size_t sz = sizeof kp;
	int mib[4] = { CTL_KERN, KERN_PROC, KERN_PROC_PID, (int)pid };

	if (sysctl(mib, 4, &kp, &sz, NULL, 0) == 0 && sz == sizeof kp)
		snprintf(out, len, "%lld", (long long)kp.ki_start.tv_sec);
#else
	char path[64], buf[1024], *p;
	int fd;
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	/* fields after the ")" that ends comm: state is field 3, starttime 22 */
	if ((p = strrchr(buf, ')')) == NULL)
		return;
	p++;
	for (int field = 3; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (p) {
		unsigned long long st = strtoull(p + 1, NULL, 10);
		snprintf(out, len, "%llu", st);
	}
#endif
}

/* --autodestroy: has the process that started the guest ended (or is its pid
 * now someone else's)? */
static int owner_gone(void)
{
	char now[64];

	if (owner_pid <= 0)
		return 0;
	if (kill(owner_pid, 0) != 0 && errno == ESRCH)
		return 1;
	proc_start_time(owner_pid, now, sizeof now);
	return owner_start[0] != '\0' && strcmp(now, owner_start) != 0;
}

/* out_fd: the child's stdout (-1: our stderr, the log; -2: /dev/null for
 * stdout and stderr, for best-effort cleanups whose complaints are noise). */
static pid_t spawn(char *const argv[], int out_fd)
{
	pid_t pid = fork();

	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGUSR1, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		if (out_fd >= 0) {
			dup2(out_fd, STDOUT_FILENO);
			close(out_fd);
		} else if (out_fd == -2) {
			int null = open("/dev/null", O_WRONLY);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		} else {
			dup2(STDERR_FILENO, STDOUT_FILENO);
		}
		execv(argv[0], argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

/* Wait for a helper to finish (signals keep being queued on the self-pipe). */
static int wait_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return st;
}

static int run_tool(char *const argv[], int out_fd)
{
	pid_t pid = spawn(argv, out_fd);
	int st;

	if (pid < 0)
		return -1;
	st = wait_status(pid);
	return (st >= 0 && WIFEXITED(st)) ? WEXITSTATUS(st) : -1;
}

static void describe_status(int st, char *out, size_t len)
{
	if (WIFEXITED(st))
		snprintf(out, len, "exit status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(out, len, "killed by signal %d", WTERMSIG(st));
	else
		snprintf(out, len, "status %d", st);
}

/* The log written since `off` (the failing tool's own words), trimmed to its
 * last lines, for the readiness error. */
static void log_tail_since(off_t off, char *out, size_t len)
{
	struct stat sb;
	off_t start;
	ssize_t n;

	out[0] = '\0';
	if (fstat(STDERR_FILENO, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= off)
		return;
	start = sb.st_size - off > (off_t)len - 1 ? sb.st_size - (off_t)len + 1 : off;
	n = pread(STDERR_FILENO, out, len - 1, start);
	if (n < 0)
		n = 0;
	out[n] = '\0';
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
		out[--n] = '\0';
}

static off_t log_offset(void)
{
	struct stat sb;

	fflush(stderr);
	return (fstat(STDERR_FILENO, &sb) == 0 && S_ISREG(sb.st_mode)) ? sb.st_size : 0;
}

/* ---- log rotation --------------------------------------------------------- */

/* Point stdout and stderr at a fresh open of log_path (mode: the old log's). */
static int reopen_log(mode_t mode)
{
	/* read too: log_tail_since() preads the failing tool's words back */
	int fd = open(log_path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, mode);

	if (fd < 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
	return 0;
}

/* The log as it is now, if rotation is on; -1 when there is nothing to do.
 * *moved: the name no longer leads to our file (someone else rotated it). */
static int log_status(struct stat *ours, int *moved)
{
	struct stat named;

	*moved = 0;
	if (log_path == NULL || env_long("BVIRSH_LOG_KEEP", 3) == 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	if (fstat(STDERR_FILENO, ours) != 0 || !S_ISREG(ours->st_mode))
		return -1;
	if (stat(log_path, &named) != 0 || named.st_dev != ours->st_dev ||
	    named.st_ino != ours->st_ino)
		*moved = 1;
	return 0;
}

static int log_over_limit(const struct stat *ours)
{
	return ours->st_size > 0 &&
	    ours->st_size >= env_long("BVIRSH_LOG_MAX_BYTES", 1024 * 1024);
}

/* PATH.1 → PATH.2 … (dropping what BVIRSH_LOG_KEEP no longer keeps), freeing PATH.1. */
static void shift_rotated(void)
{
	long keep = env_long("BVIRSH_LOG_KEEP", 3);
	char from[PATH_MAX + 24], to[PATH_MAX + 24];

	/* a smaller BVIRSH_LOG_KEEP than before: drop the surplus */
	for (long i = keep + 1;; i++) {
		snprintf(from, sizeof from, "%s.%ld", log_path, i);
		if (unlink(from) != 0)
			break;
	}
	for (long i = keep - 1; i >= 1; i--) {
		snprintf(from, sizeof from, "%s.%ld", log_path, i);
		snprintf(to, sizeof to, "%s.%ld", log_path, i + 1);
		if (rename(from, to) != 0 && errno != ENOENT)
			logmsg("cannot rename %s to %s: %s", from, to, strerror(errno));
	}
}

/* Called between boots only, when no child of ours has the log open (see the
 * header): rename the log away if it has reached the size limit, and reopen. */
static void rotate_log(void)
{
	char to[PATH_MAX + 24];
	struct stat ours;
	int moved;

	if (log_status(&ours, &moved) != 0)
		return;
	if (moved) {
		/* moved away by someone else: write where the admin expects it */
		if (reopen_log(ours.st_mode & 0777) != 0)
			logmsg("cannot reopen %s: %s", log_path, strerror(errno));
		return;
	}
	if (!log_over_limit(&ours))
		return;
	shift_rotated();
	snprintf(to, sizeof to, "%s.1", log_path);
	logmsg("log rotated: continued in %s", log_path);
	if (rename(log_path, to) != 0) {
		logmsg("cannot rename %s to %s: %s", log_path, to, strerror(errno));
		return;
	}
	if (reopen_log(ours.st_mode & 0777) != 0) {
		/* keep writing to the renamed file rather than lose the log */
		logmsg("cannot reopen %s: %s", log_path, strerror(errno));
		return;
	}
	logmsg("log rotated: previous log in %s", to);
}

/* While bhyve runs it holds the log open itself (so that it outlives us), so
 * the file cannot be renamed away: copy it to PATH.1 and truncate it in place
 * (bhyve's descriptor is O_APPEND, so its next write lands at the new end).
 * Output written between the last copied byte and the truncation is lost. */
static void rotate_log_running(void)
{
	char to[PATH_MAX + 24], buf[65536];
	struct stat ours;
	off_t done = 0;
	int moved, fd;

	if (log_status(&ours, &moved) != 0 || moved || !log_over_limit(&ours))
		return;
	shift_rotated();
	snprintf(to, sizeof to, "%s.1", log_path);
	logmsg("log rotated: continued in %s (copied, then emptied: bhyve keeps it open)", log_path);
	fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, ours.st_mode & 0777);
	if (fd < 0) {
		logmsg("cannot create %s: %s", to, strerror(errno));
		return;
	}
	for (;;) {
		ssize_t n = pread(STDERR_FILENO, buf, sizeof buf, done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* at the end, including what bhyve appended meanwhile */
		for (ssize_t w = 0; w < n;) {
			ssize_t k = write(fd, buf + w, n - w);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0) {
				logmsg("cannot write %s: %s", to, strerror(errno));
				close(fd);
				return;	/* the log stays as it is */
			}
			w += k;
		}
		done += n;
	}
	close(fd);
	if (ftruncate(STDERR_FILENO, 0) != 0)
		logmsg("cannot truncate %s: %s", log_path, strerror(errno));
	else
		logmsg("log rotated: previous log in %s", to);
}

static void destroy_vm(void)
{
	char vmarg[128];
	char *argv[] = { (char *)bhyvectl_path, vmarg, "--destroy", NULL };

	snprintf(vmarg, sizeof vmarg, "--vm=%s", vm_name);
	/* fails when there is no such VM: nothing to clean */
	run_tool(argv, -2);
}

/* ---- the plan ------------------------------------------------------------- */

static enum action parse_action(const char *s, enum action dflt)
{
	if (strcmp(s, "destroy") == 0 || strcmp(s, "preserve") == 0 ||
	    strcmp(s, "coredump-destroy") == 0)
		return ACT_DESTROY;
	if (strcmp(s, "restart") == 0 || strcmp(s, "rename-restart") == 0 ||
	    strcmp(s, "coredump-restart") == 0)
		return ACT_RESTART;
	return dflt;
}

/* Runs the plan command; fills *p or returns -1 with err filled. */
static int get_plan(struct plan *p, char *err, size_t errlen)
{
	int pfd[2], st;
	size_t len = 0;
	off_t off = log_offset();
	pid_t pid;
	char *tok, *end;

	memset(p, 0, sizeof *p);
	p->vnc_port = -1;
	p->on_reboot = ACT_RESTART;
	p->on_poweroff = ACT_DESTROY;
	p->on_crash = ACT_DESTROY;
	if ((p->buf = malloc(MAX_PLAN + 1)) == NULL) {
		snprintf(err, errlen, "cannot allocate the plan: %s", strerror(errno));
		return -1;
	}
	if (first_plan != NULL) {
		/* the first boot's plan, already built by the starter: saves a run
		 * of the plan command (node start-up) on the start path */
		int fd = open(first_plan, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, p->buf, MAX_PLAN);
		if (fd >= 0)
			close(fd);
		unlink(first_plan);
		first_plan = NULL;
		if (n > 0) {
			len = (size_t)n;
			goto parse;
		}
	}
	if (pipe(pfd) != 0) {
		snprintf(err, errlen, "cannot run the plan command: %s", strerror(errno));
		return -1;
	}
	fcntl(pfd[0], F_SETFD, FD_CLOEXEC);
	pid = spawn(plan_argv, pfd[1]);
	close(pfd[1]);
	for (;;) {
		ssize_t n = read(pfd[0], p->buf + len, MAX_PLAN - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
		if (len == MAX_PLAN)
			break;
	}
	close(pfd[0]);
	st = pid > 0 ? wait_status(pid) : -1;
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		log_tail_since(off, err, errlen);
		if (err[0] == '\0')
			snprintf(err, errlen, "the boot plan command failed");
		return -1;
	}
parse:
	p->buf[len] = '\0';
	end = p->buf + len;
	for (tok = p->buf; tok < end; tok += strlen(tok) + 1) {
		char **dst = NULL;
		if (strcmp(tok, "loader") == 0)
			dst = p->loader;
		else if (strcmp(tok, "bhyve") == 0)
			dst = p->bhyve;
		if (dst) {
			long n;
			tok += strlen(tok) + 1;
			if (tok >= end || (n = strtol(tok, NULL, 10)) < 1 || n > MAX_ARGS)
				goto bad;
			for (long i = 0; i < n; i++) {
				tok += strlen(tok) + 1;
				if (tok >= end)
					goto bad;
				dst[i] = tok;
			}
			dst[n] = NULL;
			continue;
		}
		char *key = tok;
		tok += strlen(tok) + 1;
		if (tok >= end)
			goto bad;
		if (strcmp(key, "tap") == 0) {
			if (p->ntaps == MAX_TAPS)
				goto bad;
			p->tap[p->ntaps] = tok;
			tok += strlen(tok) + 1;
			if (tok >= end)
				goto bad;
			p->bridge[p->ntaps++] = tok;
		} else if (strcmp(key, "on_reboot") == 0) {
			p->on_reboot = parse_action(tok, ACT_RESTART);
		} else if (strcmp(key, "on_poweroff") == 0) {
			p->on_poweroff = parse_action(tok, ACT_DESTROY);
		} else if (strcmp(key, "on_crash") == 0) {
			p->on_crash = parse_action(tok, ACT_DESTROY);
		} else if (strcmp(key, "console") == 0) {
			p->console = tok;
		} else if (strcmp(key, "vnc") == 0) {
			p->vnc_port = atoi(tok);
		} else if (strcmp(key, "transient") == 0) {
			free(transient_def);
			transient_def = strdup(tok);
		}
	}
	if (p->bhyve[0] == NULL)
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "internal error: malformed boot plan");
	return -1;
}

/* ---- taps ----------------------------------------------------------------- */

static void destroy_taps(struct plan *p)
{
	for (int i = 0; i < p->ntaps; i++) {
		char *argv[] = { (char *)ifconfig_path, p->tap[i], "destroy", NULL };
		if (!sim_host)
			run_tool(argv, -1);
	}
	taps_json_n = 0;
}

static int create_taps(struct plan *p, char *err, size_t errlen)
{
	for (int i = 0; i < p->ntaps; i++) {
		if (!sim_host) {
			char *create[] = { (char *)ifconfig_path, p->tap[i], "create", "up", NULL };
			char *addm[] = { (char *)ifconfig_path, p->bridge[i], "addm", p->tap[i], "up", NULL };
			if (run_tool(create, -1) != 0) {
				snprintf(err, errlen, "cannot create interface %s", p->tap[i]);
				p->ntaps = i;
				destroy_taps(p);
				return -1;
			}
			if (run_tool(addm, -1) != 0) {
				snprintf(err, errlen, "cannot add %s to bridge %s", p->tap[i], p->bridge[i]);
				p->ntaps = i + 1;
				destroy_taps(p);
				return -1;
			}
		}
		taps_json_names[i] = p->tap[i];
	}
	taps_json_n = p->ntaps;
	return 0;
}

/* ---- signals -------------------------------------------------------------- */

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;

	(void)!write(sig_pipe[1], &c, 1);
	errno = saved;
}

static void setup_signals(void)
{
	struct sigaction sa;

	if (pipe(sig_pipe) != 0) {
		logmsg("pipe: %s", strerror(errno));
		exit(1);
	}
	for (int i = 0; i < 2; i++) {
		fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC);
		fcntl(sig_pipe[i], F_SETFL, O_NONBLOCK);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
}

/* Next signal number from the self-pipe, 0 on timeout. timeout_ms < 0: forever. */
static int next_signal(int timeout_ms)
{
	struct pollfd pfd = { .fd = sig_pipe[0], .events = POLLIN };
	unsigned char c;

	for (;;) {
		int r = poll(&pfd, 1, timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		if (read(sig_pipe[0], &c, 1) == 1)
			return c;
	}
}

static const char *read_request(void)
{
	static char word[32];
	int fd = open(req_path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return "";
	n = read(fd, word, sizeof word - 1);
	close(fd);
	unlink(req_path);
	if (n < 0)
		n = 0;
	word[n] = '\0';
	word[strcspn(word, " \t\r\n")] = '\0';
	return word;
}

/* ---- one boot ------------------------------------------------------------- */

/* Outcome of a boot: what the monitor does next. */
enum outcome { OUT_STOP, OUT_REBOOT, OUT_CRASH_RESTART, OUT_FAILED };

static enum outcome boot_once(struct plan *p, const char **stop_reason, char *err, size_t errlen)
{
	enum want want = WANT_NONE;
	const char *want_reason = "shutdown";
	long long boot_started, settle_ms = env_long("BVIRSH_MONITOR_SETTLE_MS", 200);
	long log_check_ms = env_long("BVIRSH_LOG_CHECK_MS", 60000);
	int st = 0, exited = 0;
	int reported = ready_fd < 0;
	off_t off;
	char vmarg[128];

	snprintf(vmarg, sizeof vmarg, "--vm=%s", vm_name);
	if (log_check_ms < 10)
		log_check_ms = 10;	/* never a busy loop */
	if (log_check_ms > INT_MAX)
		log_check_ms = INT_MAX;
	/* a reboot or crash restart (main checked before the first boot); before
	 * get_plan, whose error tail is read back from the new log */
	p->buf = NULL;
	if (owner_gone()) {
		/* between boots (a reboot, a crash restart) the starter went away */
		logmsg("process %d that started %s with --autodestroy has ended", (int)owner_pid, vm_name);
		*stop_reason = "destroyed";
		return OUT_STOP;
	}
	if (boots > 0)
		rotate_log();
	if (get_plan(p, err, errlen) != 0)
		return OUT_FAILED;
	console_path = p->console;
	vnc_port = p->vnc_port;
	/* A VM left behind by a crashed predecessor would make bhyveload reuse it. */
	destroy_vm();
	if (create_taps(p, err, errlen) != 0)
		return OUT_FAILED;

	if (p->loader[0] != NULL) {
		pid_t lp;
		logmsg("running loader: %s", p->loader[0]);
		off = log_offset();
		if ((lp = spawn(p->loader, -1)) < 0) {
			snprintf(err, errlen, "cannot run %s: %s", p->loader[0], strerror(errno));
			destroy_taps(p);
			return OUT_FAILED;
		}
		st = wait_status(lp);
		if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			char how[64], tail[1536];
			describe_status(st, how, sizeof how);
			log_tail_since(off, tail, sizeof tail);
			snprintf(err, errlen, "%s failed (%s)%s%s", p->loader[0], how,
			    tail[0] ? ": " : "", tail);
			destroy_vm();
			destroy_taps(p);
			return OUT_FAILED;
		}
	}

	logmsg("starting %s for %s (boot %d)", p->bhyve[0], vm_name, boots + 1);
	off = log_offset();
	bhyve_pid = spawn(p->bhyve, -1);
	if (bhyve_pid < 0) {
		snprintf(err, errlen, "cannot run %s: %s", p->bhyve[0], strerror(errno));
		bhyve_pid = -1;
		destroy_vm();
		destroy_taps(p);
		return OUT_FAILED;
	}
	proc_start_time(bhyve_pid, bhyve_start, sizeof bhyve_start);
	boots++;
	boot_started = now_ms();
	set_state("running", boots == 1 ? "booted" : (crashes ? "crashed" : "booted"));

	long long next_log_check = now_ms() + log_check_ms;
	while (!exited) {
		long long left = -1;
		int sig;

		if (!reported) {
			left = boot_started + settle_ms - now_ms();
			if (left <= 0) {
				report("OK %d\n", (int)bhyve_pid);
				reported = 1;
				continue;
			}
		} else if (log_path != NULL) {
			/* wake up now and then to check the log's size */
			left = next_log_check - now_ms();
			if (left < 0)
				left = 0;
		}
		if (owner_pid > 0 && (left < 0 || left > OWNER_CHECK_MS))
			left = OWNER_CHECK_MS;
		sig = next_signal((int)left);
		if (want != WANT_STOP && owner_gone()) {
			logmsg("process %d that started %s with --autodestroy has ended: destroying it", (int)owner_pid, vm_name);
			want = WANT_STOP;
			want_reason = "destroyed";
			kill(bhyve_pid, SIGKILL);
		}
		if (sig == SIGCHLD || sig == 0) {
			pid_t r;
			while ((r = waitpid(bhyve_pid, &st, WNOHANG)) < 0 && errno == EINTR)
				;
			if (r == bhyve_pid) {
				exited = 1;
			} else if (sig == 0 && reported && log_path != NULL && now_ms() >= next_log_check) {
				rotate_log_running();
				next_log_check = now_ms() + log_check_ms;
			}
			continue;
		}
		const char *req = sig == SIGTERM ? "shutdown" : read_request();
		logmsg("request: %s", req);
		if (strcmp(req, "shutdown") == 0 || strcmp(req, "reboot") == 0) {
			if (want == WANT_NONE || want == WANT_REBOOT) {
				want = req[0] == 's' ? WANT_STOP : WANT_REBOOT;
				want_reason = "shutdown";
			}
			kill(bhyve_pid, SIGTERM);
			kill(bhyve_pid, SIGCONT);
		} else if (strcmp(req, "destroy") == 0) {
			want = WANT_STOP;
			want_reason = "destroyed";
			kill(bhyve_pid, SIGKILL);
		} else if (strcmp(req, "poweroff") == 0) {
			/* destroy --graceful: vm_suspend(POWEROFF), no SIGKILL */
			char *argv[] = { (char *)bhyvectl_path, vmarg, "--force-poweroff", NULL };
			want = WANT_STOP;
			want_reason = "destroyed";
			kill(bhyve_pid, SIGCONT);
			if (run_tool(argv, -1) != 0)
				logmsg("bhyvectl --force-poweroff failed");
		} else if (strcmp(req, "reset") == 0) {
			char *argv[] = { (char *)bhyvectl_path, vmarg, "--force-reset", NULL };
			kill(bhyve_pid, SIGCONT);
			if (run_tool(argv, -1) != 0)
				logmsg("bhyvectl --force-reset failed");
		} else if (strcmp(req, "suspend") == 0) {
			if (kill(bhyve_pid, SIGSTOP) == 0)
				set_state("paused", "user");
		} else if (strcmp(req, "resume") == 0) {
			if (kill(bhyve_pid, SIGCONT) == 0)
				set_state("running", "unpaused");
		}
	}

	describe_status(st, last_exit, sizeof last_exit);
	logmsg("bhyve %d: %s", (int)bhyve_pid, last_exit);
	bhyve_pid = -1;
	bhyve_start[0] = '\0';
	destroy_vm();
	destroy_taps(p);

	if (!reported) {
		/* died during the settle window: a start failure, with bhyve's words */
		char tail[1536];
		log_tail_since(off, tail, sizeof tail);
		snprintf(err, errlen, "%s: %s%s%s", p->bhyve[0], last_exit, tail[0] ? ": " : "", tail);
		return OUT_FAILED;
	}
	if (want == WANT_STOP) {
		*stop_reason = want_reason;
		return OUT_STOP;
	}
	if (want == WANT_REBOOT)
		return OUT_REBOOT;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		*stop_reason = "shutdown";
		return p->on_reboot == ACT_RESTART ? OUT_REBOOT : OUT_STOP;
	}
	if (WIFEXITED(st) && (WEXITSTATUS(st) == 1 || WEXITSTATUS(st) == 2)) {
		*stop_reason = "shutdown";
		return p->on_poweroff == ACT_RESTART ? OUT_REBOOT : OUT_STOP;
	}
	/* 3 triple fault, 4 error, other status, signal: a crash */
	*stop_reason = "crashed";
	if (p->on_crash != ACT_RESTART)
		return OUT_STOP;
	/* a boot that ran long enough resets the crash-loop count */
	if (now_ms() - boot_started > env_long("BVIRSH_CRASH_WINDOW_S", 60) * 1000)
		crashes = 0;
	crashes++;
	return OUT_CRASH_RESTART;
}

/* ---- main ------------------------------------------------------------------ */

/* --probe-lock PATH: exit 3 when another process holds the lock, 0 when free. */
static int probe_lock(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 0 : 1;
	if (flock(fd, LOCK_SH | LOCK_NB) != 0)
		return errno == EWOULDBLOCK ? 3 : 1;
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: bvirsh-monitor --name NAME --rundir DIR --bhyvectl PATH "
	    "[--ifconfig PATH] [--sim] [--id N] [--ready-fd FD] [--plan-file F] "
	    "[--log PATH] -- PLAN_ARGV...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	char lock_path[PATH_MAX], err[2048];
	int lock_fd, i;
	long crash_max, backoff;

	if (argc == 3 && strcmp(argv[1], "--probe-lock") == 0)
		return probe_lock(argv[2]);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (i + 1 >= argc && strcmp(a, "--sim") != 0)
			usage();
		if (strcmp(a, "--name") == 0)
			vm_name = argv[++i];
		else if (strcmp(a, "--rundir") == 0)
			rundir = argv[++i];
		else if (strcmp(a, "--bhyvectl") == 0)
			bhyvectl_path = argv[++i];
		else if (strcmp(a, "--ifconfig") == 0)
			ifconfig_path = argv[++i];
		else if (strcmp(a, "--ready-fd") == 0)
			ready_fd = atoi(argv[++i]);
		else if (strcmp(a, "--id") == 0)
			dom_id = atoi(argv[++i]);
		else if (strcmp(a, "--plan-file") == 0)
			first_plan = argv[++i];
		else if (strcmp(a, "--log") == 0)
			log_path = argv[++i];
		else if (strcmp(a, "--sim") == 0)
			sim_host = 1;
		else if (strcmp(a, "--autodestroy") == 0)
			owner_pid = (pid_t)atoi(argv[++i]);
		else
			usage();
	}
	if (vm_name == NULL || rundir == NULL || bhyvectl_path == NULL || i >= argc)
		usage();
	plan_argv = &argv[i];
	/* now, while the starter waits for our report: it is surely alive */
	if (owner_pid > 0)
		proc_start_time(owner_pid, owner_start, sizeof owner_start);
	if (ready_fd >= 0)
		fcntl(ready_fd, F_SETFD, FD_CLOEXEC);

	snprintf(lock_path, sizeof lock_path, "%s/%s.lock", rundir, vm_name);
	snprintf(state_path, sizeof state_path, "%s/%s.json", rundir, vm_name);
	snprintf(req_path, sizeof req_path, "%s/%s.req", rundir, vm_name);
	snprintf(booted_path, sizeof booted_path, "%s/%s.booted", rundir, vm_name);

	lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lock_fd < 0) {
		report("ERR cannot open %s: %s", lock_path, strerror(errno));
		return 1;
	}
	/* a probe (--probe-lock, the addon's isLockHeld) holds the lock for a few
	 * microseconds: retry briefly before calling the guest "already running" */
	for (int tries = 0; flock(lock_fd, LOCK_EX | LOCK_NB) != 0; tries++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		if (errno != EWOULDBLOCK || tries == 10)
			break;
		nanosleep(&ts, NULL);
	}
	if (flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
		report(errno == EWOULDBLOCK ? "BUSY\n" : "ERR cannot lock %s", lock_path);
		return 3;
	}
	if (setsid() < 0 && errno != EPERM)
		logmsg("setsid: %s", strerror(errno));
	if (chdir("/") != 0)
		logmsg("chdir /: %s", strerror(errno));
	unlink(req_path); /* a request left by a dead predecessor is not ours */
	setup_signals();
	started_at = (long long)time(NULL);
	crash_max = env_long("BVIRSH_CRASH_MAX", 5);
	backoff = env_long("BVIRSH_CRASH_BACKOFF_MS", 1000);
	rotate_log();	/* a new start begins in the fresh log, not the old one's tail */
	logmsg("supervising %s", vm_name);
	set_state("starting", "booted");

	for (;;) {
		struct plan p;
		const char *reason = "shutdown";
		enum outcome o = boot_once(&p, &reason, err, sizeof err);

		free(p.buf);
		console_path = NULL;
		vnc_port = -1;
		if (o == OUT_FAILED) {
			logmsg("start failed: %s", err);
			if (ready_fd >= 0) {
				report("ERR %s", err);
				final_state("failed");
				return 1;
			}
			final_state("failed");
			return 0;
		}
		if (o == OUT_STOP) {
			logmsg("stopped: %s", reason);
			final_state(reason);
			return 0;
		}
		if (o == OUT_CRASH_RESTART) {
			long delay;
			int sig;
			if (crashes >= crash_max) {
				logmsg("crashed %d times in a row: giving up", crashes);
				final_state("crashed");
				return 0;
			}
			delay = backoff;
			for (int k = 1; k < crashes && delay < 60000; k++)
				delay *= 2;
			if (delay > 60000)
				delay = 60000;
			logmsg("crash %d: restarting in %ld ms", crashes, delay);
			set_state("crashed", "unknown");
			/* a shutdown/destroy request during the back-off ends it; so
			 * does the end of an --autodestroy starter (checked at the next
			 * boot, and every OWNER_CHECK_MS while waiting) */
			long long until = now_ms() + delay;
			for (;;) {
				long long left = until - now_ms();
				if (left <= 0)
					break;
				if (owner_pid > 0 && left > OWNER_CHECK_MS)
					left = OWNER_CHECK_MS;
				sig = next_signal((int)left);
				const char *req = sig == SIGTERM ? "shutdown" : sig == SIGUSR1 ? read_request() : "";
				if (strcmp(req, "shutdown") == 0 || strcmp(req, "destroy") == 0) {
					final_state(req[0] == 's' ? "shutdown" : "destroyed");
					return 0;
				}
				if (owner_gone())
					break;	/* boot_once stops it as destroyed */
			}
		}
	}
}
