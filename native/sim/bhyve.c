/*
 * bhyve(8) of the simulated host. Checks its command line by bhyve's grammar
 * (amd64, FreeBSD 14/15: every flag sets a config key; -s/-l/-c/-m/-o/-k
 * syntax; exit statuses as bhyverun.c), opens or creates the VM through
 * vmmapi-sim in bhyve's order, then runs a simulated guest until it ends and
 * exits with bhyve's status for the suspend reason: 0 reset, 1 poweroff,
 * 2 halt, 3 triple fault, 4 error. Behaviour and knobs: native/sim/README.md.
 *
 * Single-threaded on purpose: everything (stats, guest timeline, console)
 * advances from one poll() loop, so SIGSTOP freezes the guest and its
 * statistics, and SIGKILL leaves nothing running.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "simcommon.h"

#define EX_USAGE 64
#define EX_OSERR 71

/* ---- configuration tree (flat key=value, as bhyve's nvlist) -------------- */

#define MAXCFG 128
static struct { char *k, *v; } cfg[MAXCFG];
static int ncfg;

static void
set_config(const char *k, const char *v)
{
	for (int i = 0; i < ncfg; i++)
		if (strcmp(cfg[i].k, k) == 0) {
			free(cfg[i].v);
			cfg[i].v = strdup(v);
			return;
		}
	if (ncfg == MAXCFG)
		errx(4, "too many configuration variables");
	cfg[ncfg].k = strdup(k);
	cfg[ncfg].v = strdup(v);
	ncfg++;
}

static const char *
get_config(const char *k)
{
	for (int i = 0; i < ncfg; i++)
		if (strcmp(cfg[i].k, k) == 0)
			return cfg[i].v;
	return NULL;
}

static int
config_true(const char *k)
{
	const char *v = get_config(k);
	return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 ||
	    strcasecmp(v, "yes") == 0 || strcasecmp(v, "on") == 0);
}

static void
usage(int code)
{
	fprintf(stderr,
	    "Usage: bhyve [-AaCDeHhPSuWwxY]\n"
	    "       %*s [-c [[cpus=]numcpus][,sockets=n][,cores=n][,threads=n]]\n"
	    "       %*s [-G port] [-k config_file] [-l lpc] [-m mem] [-o var=value]\n"
	    "       %*s [-p vcpu:hostcpu] [-s pci] [-U uuid] vmname\n"
	    "       -A: create ACPI tables (ignored; always done)\n"
	    "       -a: local apic is in xAPIC mode (deprecated)\n"
	    "       -C: include guest memory in core file\n"
	    "       -c: number of CPUs and/or topology specification\n"
	    "       -D: destroy on power-off\n"
	    "       -e: exit on unhandled I/O access\n"
	    "       -G: start a debug server\n"
	    "       -H: vmexit from the guest on HLT\n"
	    "       -h: help\n"
	    "       -k: key=value flat config file\n"
	    "       -K: PS2 keyboard layout\n"
	    "       -l: LPC device configuration\n"
	    "       -m: memory size\n"
	    "       -o: set config 'var' to 'value'\n"
	    "       -P: vmexit from the guest on pause\n"
	    "       -p: pin 'vcpu' to 'hostcpu'\n"
	    "       -S: guest memory cannot be paged\n"
	    "       -s: <slot,driver,configinfo> PCI slot config\n"
	    "       -U: UUID\n"
	    "       -u: RTC keeps UTC time\n"
	    "       -W: force virtio to use single-vector MSI\n"
	    "       -w: ignore unimplemented MSRs\n"
	    "       -x: local APIC is in x2APIC mode\n"
	    "       -Y: disable MPtable generation\n",
	    5, "", 5, "", 5, "");
	exit(code);
}

/* ---- -c ------------------------------------------------------------------ */

static int
topo_value(const char *s, const char *key)
{
	unsigned long v;
	if (sim_parse_ulong(s, &v) != 0 || v < 1 || v > 65535)
		return -1;
	set_config(key, s);
	return 0;
}

static int
topology_parse(const char *opt)
{
	char *str, *tofree, *cp;
	int ret = 0;

	if (*opt == '\0') {
		set_config("cpus", "1");
		return 0;
	}
	if (isdigit((unsigned char)*opt) && strchr(opt, '=') == NULL && strchr(opt, ',') == NULL)
		return topo_value(opt, "cpus");
	tofree = str = strdup(opt);
	while ((cp = strsep(&str, ",")) != NULL) {
		if (strncmp(cp, "cpus=", 5) == 0)
			ret = topo_value(cp + 5, "cpus");
		else if (strncmp(cp, "sockets=", 8) == 0)
			ret = topo_value(cp + 8, "sockets");
		else if (strncmp(cp, "cores=", 6) == 0)
			ret = topo_value(cp + 6, "cores");
		else if (strncmp(cp, "threads=", 8) == 0)
			ret = topo_value(cp + 8, "threads");
		else if (cp == tofree && isdigit((unsigned char)*cp))
			ret = topo_value(cp, "cpus");
		else
			ret = -1;
		if (ret != 0)
			break;
	}
	free(tofree);
	return ret;
}

/* ---- -s ------------------------------------------------------------------ */

#define MAXSLOTS 256
struct slot { int bus, slot, func; char *emul; char *opts; };
static struct slot slots[MAXSLOTS];
static int nslots;

static const char *const pci_emuls[] = {
	"hostbridge", "amd_hostbridge", "lpc", "ahci", "ahci-hd", "ahci-cd", "nvme",
	"virtio-blk", "virtio-scsi", "virtio-net", "e1000", "virtio-rnd",
	"virtio-console", "virtio-9p", "virtio-input", "passthru", "fbuf", "xhci",
	"hda", "uart", NULL
};

static int
slot_field(const char *s, int max, int *out)
{
	unsigned long v;
	if (sim_parse_ulong(s, &v) != 0 || v > (unsigned long)max)
		return -1;
	*out = (int)v;
	return 0;
}

static int
pci_parse_slot(const char *opt)
{
	char *str, *cp, *emul, *config, *f[3];
	int n = 0, b = 0, s = 0, fn = 0, bad = 0;

	if (strcmp(opt, "help") == 0) {
		for (int i = 0; pci_emuls[i] != NULL; i++)
			printf("%s\n", pci_emuls[i]);
		exit(0);
	}
	str = strdup(opt);
	emul = config = NULL;
	cp = strchr(str, ',');
	if (cp != NULL) {
		*cp++ = '\0';
		emul = cp;
		cp = strchr(emul, ',');
		if (cp != NULL) {
			*cp++ = '\0';
			config = cp;
		}
	}
	for (char *p = str, *q; n < 3 && (q = strsep(&p, ":")) != NULL; ) {
		f[n++] = q;
		if (p != NULL && n == 3)
			bad = 1;
	}
	if (emul == NULL || *emul == '\0' || bad) {
		fprintf(stderr, "Invalid PCI slot info field \"%s\"\n", opt);
		free(str);
		return -1;
	}
	if ((n == 1 && slot_field(f[0], 31, &s) != 0) ||
	    (n == 2 && (slot_field(f[0], 31, &s) != 0 || slot_field(f[1], 7, &fn) != 0)) ||
	    (n == 3 && (slot_field(f[0], 255, &b) != 0 || slot_field(f[1], 31, &s) != 0 ||
	    slot_field(f[2], 7, &fn) != 0))) {
		fprintf(stderr, "Invalid PCI slot info field \"%s\"\n", opt);
		free(str);
		return -1;
	}
	for (int i = 0; i < nslots; i++)
		if (slots[i].bus == b && slots[i].slot == s && slots[i].func == fn) {
			fprintf(stderr, "pci slot %d:%d:%d already occupied!\n", b, s, fn);
			free(str);
			return -1;
		}
	if (nslots == MAXSLOTS)
		errx(4, "too many PCI slots");
	slots[nslots].bus = b;
	slots[nslots].slot = s;
	slots[nslots].func = fn;
	slots[nslots].emul = strdup(emul);
	slots[nslots].opts = config != NULL ? strdup(config) : NULL;
	nslots++;
	free(str);
	return 0;
}

/* ---- -l ------------------------------------------------------------------ */

static int
lpc_device_parse(const char *opt)
{
	char *str = strdup(opt), *name, *rest, key[64];
	int ret = -1;

	name = str;
	rest = strchr(str, ',');
	if (rest != NULL)
		*rest++ = '\0';
	if (strcmp(name, "help") == 0) {
		printf("bootrom\ncom1\ncom2\ncom3\ncom4\nfwcfg\npc-testdev\ntpm\n");
		exit(0);
	}
	if (strncmp(name, "com", 3) == 0 && name[3] >= '1' && name[3] <= '4' && name[4] == '\0') {
		if (rest != NULL && *rest != '\0') {
			snprintf(key, sizeof(key), "lpc.%s.path", name);
			set_config(key, rest);
			ret = 0;
		}
	} else if (strcmp(name, "bootrom") == 0) {
		if (rest != NULL && *rest != '\0') {
			char *vars = strchr(rest, ',');
			if (vars != NULL)
				*vars++ = '\0';
			set_config("lpc.bootrom", rest);
			if (vars != NULL)
				set_config("lpc.bootvars", vars);
			ret = 0;
		}
	} else if (strcmp(name, "fwcfg") == 0) {
		if (rest != NULL && (strcmp(rest, "bhyve") == 0 || strcmp(rest, "qemu") == 0)) {
			set_config("lpc.fwcfg", rest);
			ret = 0;
		}
	} else if (strcmp(name, "tpm") == 0) {
		if (rest != NULL && (strncmp(rest, "passthru,", 9) == 0 || strncmp(rest, "swtpm,", 6) == 0)) {
			set_config("lpc.tpm.type", rest);
			ret = 0;
		}
	} else if (strcmp(name, "pc-testdev") == 0) {
		if (rest == NULL) {
			set_config("lpc.pc-testdev", "true");
			ret = 0;
		}
	}
	free(str);
	return ret;
}

/* ---- -k / -o ------------------------------------------------------------- */

static int
parse_config_option(const char *opt)
{
	const char *eq = strchr(opt, '=');
	char key[256];
	if (eq == NULL || eq == opt || (size_t)(eq - opt) >= sizeof(key))
		return 0;
	memcpy(key, opt, eq - opt);
	key[eq - opt] = '\0';
	set_config(key, eq + 1);
	return 1;
}

static void
parse_config_file(const char *path)
{
	FILE *fp = fopen(path, "r");
	char line[4096];
	int lineno = 0;
	if (fp == NULL)
		err(4, "Failed to open configuration file %s", path);
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *p = line, *e;
		lineno++;
		if ((e = strchr(p, '#')) != NULL)
			*e = '\0';
		while (isspace((unsigned char)*p))
			p++;
		e = p + strlen(p);
		while (e > p && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (*p == '\0')
			continue;
		if (!parse_config_option(p))
			errx(4, "Invalid line %d in config file %s: \"%s\"", lineno, path, p);
	}
	fclose(fp);
}

/* ---- device initialisation checks (after the VM is open, as bhyve) ------- */

static const char *first_disk; /* the boot disk: where the sim guest reads its knobs */

static int
block_opts_ok(const char *emul, char *opts, int need_path)
{
	char *cp, *path = strsep(&opts, ",");
	struct stat st;
	if (path == NULL || *path == '\0') {
		if (!need_path)
			return 0;
		fprintf(stderr, "%s: backing device required\n", emul);
		return -1;
	}
	if (strncmp(path, "ram=", 4) != 0 && stat(path, &st) != 0) {
		fprintf(stderr, "Could not open backing file: %s\n", strerror(errno));
		return -1;
	}
	if (first_disk == NULL && strncmp(path, "ram=", 4) != 0)
		first_disk = strdup(path);
	while ((cp = strsep(&opts, ",")) != NULL) {
		unsigned long v;
		if (strcmp(cp, "nocache") == 0 || strcmp(cp, "direct") == 0 ||
		    strcmp(cp, "sync") == 0 || strcmp(cp, "ro") == 0 || strcmp(cp, "nodelete") == 0)
			continue;
		if (strncmp(cp, "sectorsize=", 11) == 0) {
			char *slash = strchr(cp + 11, '/');
			unsigned long l, p = 0;
			if (slash != NULL)
				*slash = '\0';
			if (sim_parse_ulong(cp + 11, &l) != 0 || (slash && sim_parse_ulong(slash + 1, &p) != 0) ||
			    l < 512 || (l & (l - 1)) != 0 || (slash && (p < l || (p & (p - 1)) != 0))) {
				fprintf(stderr, "Invalid sector size \"%s\"\n", cp + 11);
				return -1;
			}
			continue;
		}
		if (strncmp(cp, "bootindex=", 10) == 0 && sim_parse_ulong(cp + 10, &v) == 0)
			continue;
		if (strcmp(emul, "nvme") == 0 && (strncmp(cp, "maxq=", 5) == 0 ||
		    strncmp(cp, "qsz=", 4) == 0 || strncmp(cp, "ioslots=", 8) == 0 ||
		    strncmp(cp, "sectsz=", 7) == 0 || strncmp(cp, "ser=", 4) == 0 ||
		    strncmp(cp, "eui64=", 6) == 0 || strncmp(cp, "dsm=", 4) == 0))
			continue;
		if (strncmp(emul, "ahci", 4) == 0 && (strncmp(cp, "nmrr=", 5) == 0 ||
		    strncmp(cp, "ser=", 4) == 0 || strncmp(cp, "rev=", 4) == 0 ||
		    strncmp(cp, "model=", 6) == 0))
			continue;
		fprintf(stderr, "Invalid device option \"%s\"\n", cp);
		return -1;
	}
	return 0;
}

static int
net_opts_ok(const char *emul, char *opts)
{
	char *cp, *be = strsep(&opts, ",");
	if (be == NULL || *be == '\0') {
		fprintf(stderr, "%s: no backend given\n", emul);
		return -1;
	}
	if (!(strncmp(be, "tap", 3) == 0 || strncmp(be, "vmnet", 5) == 0 ||
	    strcmp(be, "netgraph") == 0 || strncmp(be, "netmap:", 7) == 0 ||
	    strncmp(be, "vale", 4) == 0 || strcmp(be, "slirp") == 0)) {
		fprintf(stderr, "net backend '%s' not found\n", be);
		return -1;
	}
	while ((cp = strsep(&opts, ",")) != NULL) {
		if (strncmp(cp, "mac=", 4) == 0) {
			unsigned a[6];
			char extra;
			if (sscanf(cp + 4, "%2x:%2x:%2x:%2x:%2x:%2x%c", &a[0], &a[1], &a[2], &a[3],
			    &a[4], &a[5], &extra) != 6 || (a[0] & 1)) {
				fprintf(stderr, "Invalid MAC address \"%s\"\n", cp + 4);
				return -1;
			}
		} else if (strcmp(cp, "open") == 0 && strcmp(be, "slirp") == 0) {
			/* slirp: let the guest reach the host's networks (libvirt passes it) */
		} else if (strncmp(cp, "mtu=", 4) != 0 && strncmp(cp, "path=", 5) != 0 &&
		    strncmp(cp, "peerhook=", 9) != 0 && strncmp(cp, "socket=", 7) != 0 &&
		    strncmp(cp, "hook=", 5) != 0 && strncmp(cp, "hostfwd=", 8) != 0 &&
		    strncmp(cp, "bootindex=", 10) != 0) {
			fprintf(stderr, "Invalid device option \"%s\"\n", cp);
			return -1;
		}
	}
	return 0;
}

static int
init_slot(struct slot *sl)
{
	char *opts = sl->opts != NULL ? strdup(sl->opts) : NULL, *o = opts;
	const char *e = sl->emul;
	int known = 0, ret = 0;

	for (int i = 0; pci_emuls[i] != NULL; i++)
		known |= strcmp(pci_emuls[i], e) == 0;
	if (!known) {
		fprintf(stderr, "pci slot %d:%d:%d: unknown device \"%s\"\n", sl->bus, sl->slot, sl->func, e);
		ret = -1;
	} else if (strcmp(e, "lpc") == 0 && sl->bus != 0) {
		fprintf(stderr, "LPC bridge can only be placed on bus 0\n");
		ret = -1;
	} else if (strcmp(e, "virtio-blk") == 0 || strcmp(e, "ahci-hd") == 0 || strcmp(e, "nvme") == 0) {
		ret = block_opts_ok(e, o, 1);
	} else if (strcmp(e, "ahci-cd") == 0) {
		ret = block_opts_ok(e, o, 0);
	} else if (strcmp(e, "ahci") == 0) {
		char *port;
		while (ret == 0 && (port = strsep(&o, ",")) != NULL) {
			/* a port is hd:path[,opts] or cd:path[,opts]; options follow it */
			if (strncmp(port, "hd:", 3) == 0 || strncmp(port, "cd:", 3) == 0) {
				char buf[4096];
				snprintf(buf, sizeof(buf), "%s", port + 3);
				while (o != NULL && strncmp(o, "hd:", 3) != 0 && strncmp(o, "cd:", 3) != 0) {
					char *opt = strsep(&o, ",");
					strncat(buf, ",", sizeof(buf) - strlen(buf) - 1);
					strncat(buf, opt, sizeof(buf) - strlen(buf) - 1);
				}
				ret = block_opts_ok("ahci", buf, port[0] == 'h');
			} else {
				fprintf(stderr, "ahci: invalid port type \"%s\"\n", port);
				ret = -1;
			}
		}
	} else if (strcmp(e, "virtio-net") == 0 || strcmp(e, "e1000") == 0) {
		ret = net_opts_ok(e, o);
	} else if (strcmp(e, "passthru") == 0) {
		if (!config_true("memory.wired")) {
			fprintf(stderr, "passthru requires guest memory to be wired\n");
			ret = -1;
		}
	} else if (strcmp(e, "virtio-rnd") == 0 || strcmp(e, "hostbridge") == 0 ||
	    strcmp(e, "amd_hostbridge") == 0) {
		if (o != NULL && *o != '\0' && strncmp(o, "pcireg.", 7) != 0) {
			fprintf(stderr, "Invalid device option \"%s\"\n", o);
			ret = -1;
		}
	} else if (strcmp(e, "fbuf") == 0) {
		char *cp;
		while (ret == 0 && (cp = strsep(&o, ",")) != NULL) {
			unsigned long v;
			if (strncmp(cp, "w=", 2) == 0 || strncmp(cp, "h=", 2) == 0) {
				unsigned long lo = cp[0] == 'w' ? 640 : 480, hi = cp[0] == 'w' ? 3840 : 2160;
				if (sim_parse_ulong(cp + 2, &v) != 0 || v < lo || v > hi) {
					fprintf(stderr, "fbuf: invalid %s\n", cp[0] == 'w' ? "width" : "height");
					ret = -1;
				}
			} else if (!(strncmp(cp, "rfb=", 4) == 0 || strncmp(cp, "tcp=", 4) == 0 ||
			    strncmp(cp, "vga=", 4) == 0 || strcmp(cp, "wait") == 0 ||
			    strncmp(cp, "password=", 9) == 0)) {
				fprintf(stderr, "Invalid device option \"%s\"\n", cp);
				ret = -1;
			}
		}
	}
	free(opts);
	return ret;
}

/* ---- the simulated guest's knobs ------------------------------------------ */

static struct {
	long boot_ms, shutdown_ms, tick_ms;
	double reboot_after, poweroff_after, halt_after, crash_after;
	int crash_boot, acpi_ignore, acpi_off, nmi_panic;
} knob = { 300, 200, 50, -1, -1, -1, -1, 0, 0, 0, 0 };

static void
apply_knobs(const char *text, const char *where)
{
	char *s = strdup(text), *p = s, *w;
	while ((w = strsep(&p, " \t\r\n")) != NULL) {
		char *v = strchr(w, '=');
		if (*w == '\0')
			continue;
		if (v == NULL) {
			warnx("%s: ignoring guest knob \"%s\" (not key=value)", where, w);
			continue;
		}
		*v++ = '\0';
		if (strcmp(w, "boot-ms") == 0) knob.boot_ms = atol(v);
		else if (strcmp(w, "shutdown-ms") == 0) knob.shutdown_ms = atol(v);
		else if (strcmp(w, "tick-ms") == 0) knob.tick_ms = atol(v) > 0 ? atol(v) : 0; /* 0: busy (stress tests) */
		else if (strcmp(w, "reboot-after") == 0) knob.reboot_after = atof(v);
		else if (strcmp(w, "poweroff-after") == 0) knob.poweroff_after = atof(v);
		else if (strcmp(w, "halt-after") == 0) knob.halt_after = atof(v);
		else if (strcmp(w, "crash-after") == 0) knob.crash_after = atof(v);
		else if (strcmp(w, "publish-delay-us") == 0) vmmapi_sim_publish_delay_us = (unsigned)atol(v);
		else if (strcmp(w, "crash") == 0) knob.crash_boot = strcmp(v, "boot") == 0;
		else if (strcmp(w, "acpi") == 0) {
			knob.acpi_ignore = strcmp(v, "ignore") == 0;
			knob.acpi_off = strcmp(v, "off") == 0;
		} else if (strcmp(w, "nmi") == 0) knob.nmi_panic = strcmp(v, "panic") == 0;
		else warnx("%s: unknown guest knob \"%s\"", where, w);
	}
	free(s);
}

/* The boot disk's first line may read "BVIRSH-SIM-GUEST: key=value ..." */
static void
read_disk_knobs(const char *path)
{
	static const char tag[] = "BVIRSH-SIM-GUEST:";
	char buf[512];
	ssize_t n;
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= (ssize_t)strlen(tag))
		return;
	buf[n] = '\0';
	if (strncmp(buf, tag, strlen(tag)) != 0)
		return;
	buf[strcspn(buf, "\n")] = '\0';
	apply_knobs(buf + strlen(tag), path);
}

/* ---- console (com1) -------------------------------------------------------- */

enum { CON_NONE, CON_STDIO, CON_LISTEN };
static int con_kind, con_lfd = -1, con_cfd = -1, con_in = -1, con_out = -1;
static char con_sock[4096];
static char backlog[8192];  /* output while nobody is attached (like a tty's buffer) */
static size_t backlog_len;

static void
con_raw(const char *s, size_t n)
{
	if (con_out >= 0) {
		while (n > 0) {
			ssize_t w = write(con_out, s, n);
			if (w <= 0)
				break; /* a slow or gone client loses output, as a tty would */
			s += w;
			n -= (size_t)w;
		}
		return;
	}
	if (con_kind == CON_NONE)
		return;
	if (n >= sizeof(backlog)) {
		s += n - sizeof(backlog);
		n = sizeof(backlog);
	}
	if (backlog_len + n > sizeof(backlog)) {
		size_t drop = backlog_len + n - sizeof(backlog);
		memmove(backlog, backlog + drop, backlog_len - drop);
		backlog_len -= drop;
	}
	memcpy(backlog + backlog_len, s, n);
	backlog_len += n;
}

static void
con_printf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		con_raw(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static int
tty_backend_open(const char *path)
{
	if (strcmp(path, "stdio") == 0) {
		con_kind = CON_STDIO;
		con_in = STDIN_FILENO;
		con_out = STDOUT_FILENO;
		return 0;
	}
	if (strncmp(path, "tcp=", 4) == 0) {
		char host[256];
		const char *colon = strrchr(path + 4, ':');
		struct addrinfo hints = {0}, *ai;
		int one = 1;
		if (colon == NULL || (size_t)(colon - path - 4) >= sizeof(host))
			return -1;
		memcpy(host, path + 4, colon - path - 4);
		host[colon - path - 4] = '\0';
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
		if (getaddrinfo(host, colon + 1, &hints, &ai) != 0)
			return -1;
		con_lfd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		setsockopt(con_lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (con_lfd < 0 || bind(con_lfd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(con_lfd, 1) != 0) {
			freeaddrinfo(ai);
			return -1;
		}
		freeaddrinfo(ai);
		con_kind = CON_LISTEN;
		return 0;
	}
	if (sim_nmdm_socket(path, con_sock, sizeof(con_sock)) == 0) {
		/* bind under a temporary name and rename once listening, so the node
		 * appears ready: a client never meets a bound but unlistened socket */
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s.%ld", con_sock,
		    (long)getpid()) >= sizeof(sa.sun_path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		unlink(sa.sun_path);
		con_lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (con_lfd < 0 || bind(con_lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
		    listen(con_lfd, 1) != 0 || rename(sa.sun_path, con_sock) != 0) {
			int e = errno;
			unlink(sa.sun_path);
			errno = e;
			return -1;
		}
		con_kind = CON_LISTEN;
		return 0;
	}
	errno = ENOENT; /* other tty devices do not exist on the simulated host */
	return -1;
}

/* ---- the guest ------------------------------------------------------------- */

static struct vmctx *ctx;
static const char *vmname;
static int ncpus, sockets_, cores_, threads_;
static size_t memsize;
static struct vcpu *vcpus[VMMAPI_SIM_MAXCPU];
static uint64_t st[VMMAPI_SIM_MAXCPU][SIMSTAT_COUNT];
static volatile sig_atomic_t power_button;
static int acpi_enabled, booted, shutting_down, nmi_total;
static double now_s, shutdown_at = -1;
static const char *guest_state = "booting";
static enum { LOGIN_OFF, LOGIN_USER, LOGIN_PASS, LOGIN_SHELL } login_state;
static char line[256];
static size_t line_len;
static unsigned boot_no;

static void
write_status(void)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf),
	    "BVIRSH-SIM-GUEST 1\nname=%s\nstate=%s\nacpi=%d\nboot=%u\nnmis=%d\nmemory=%zu\ncpus=%d\n",
	    vmname, guest_state, acpi_enabled, boot_no, nmi_total, memsize, ncpus);
	sim_write_gpa(ctx, SIM_GPA_GUEST_STATUS, buf, (size_t)n + 1);
}

static void
guest_suspend(enum vm_suspend_how how)
{
	/* what the device models do for S5, 0xCF9 resets, halts, triple faults */
	if (vm_suspend(ctx, how) != 0 && errno != EALREADY)
		warn("vm_suspend");
}

static void
on_sigterm(int sig)
{
	(void)sig;
	power_button = 1;
}

static void
enable_acpi(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_sigterm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL); /* the power button, from now on */
	acpi_enabled = 1;
}

static void
prompt(void)
{
	con_printf("root@%s:~ # ", vmname);
}

static void
begin_shutdown(const char *why)
{
	if (shutting_down)
		return;
	shutting_down = 1;
	guest_state = "shutting-down";
	write_status();
	con_printf("\r\n%s\r\nStopping services... done.\r\nAll buffers synced.\r\n", why);
	shutdown_at = now_s + knob.shutdown_ms / 1000.0;
}

static void
run_command(const char *cmd)
{
	if (strcmp(cmd, "poweroff") == 0 || strcmp(cmd, "shutdown -p now") == 0) {
		begin_shutdown("System shutdown.");
		return;
	}
	if (strcmp(cmd, "reboot") == 0 || strcmp(cmd, "shutdown -r now") == 0) {
		con_printf("Rebooting...\r\n");
		guest_suspend(VM_SUSPEND_RESET);
		return;
	}
	if (strcmp(cmd, "halt") == 0) {
		con_printf("The operating system has halted.\r\n");
		guest_suspend(VM_SUSPEND_HALT);
		return;
	}
	if (strcmp(cmd, "exit") == 0 || strcmp(cmd, "logout") == 0) {
		login_state = LOGIN_USER;
		con_printf("\r\nlogin: ");
		return;
	}
	if (strcmp(cmd, "uname") == 0)
		con_printf("bvirsh-sim\r\n");
	else if (*cmd != '\0')
		con_printf("%s: Command not found.\r\n", cmd);
	prompt();
}

static char login_user[64];

static void
con_input(const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = buf[i];
		if (login_state == LOGIN_OFF || shutting_down)
			continue; /* nothing reads the console yet */
		if (c == '\n' && i > 0 && buf[i - 1] == '\r')
			continue;
		if (c == '\r' || c == '\n') {
			line[line_len] = '\0';
			line_len = 0;
			con_printf("\r\n");
			if (login_state == LOGIN_USER) {
				if (line[0] == '\0') {
					con_printf("login: ");
				} else {
					snprintf(login_user, sizeof(login_user), "%.63s", line);
					login_state = LOGIN_PASS;
					con_printf("Password:");
				}
			} else if (login_state == LOGIN_PASS) {
				if (strcmp(login_user, "root") == 0) {
					login_state = LOGIN_SHELL;
					prompt();
				} else {
					login_state = LOGIN_USER;
					con_printf("Login incorrect\r\nlogin: ");
				}
			} else {
				run_command(line);
			}
			continue;
		}
		if (c == 0x7f || c == 0x08) {
			if (line_len > 0) {
				line_len--;
				if (login_state != LOGIN_PASS)
					con_printf("\b \b");
			}
			continue;
		}
		if ((unsigned char)c < 0x20 || line_len + 1 >= sizeof(line))
			continue;
		line[line_len++] = c;
		if (login_state != LOGIN_PASS)
			con_raw(&c, 1); /* echo */
	}
}

/*
 * Read the console client's input (one read, or with `drain` until nothing is
 * left); a hang-up detaches a socket client, or ends stdin input.
 */
static void
con_read(int drain)
{
	char buf[256];

	while (con_in >= 0) {
		ssize_t r = read(con_in, buf, sizeof(buf));
		if (r > 0) {
			con_input(buf, (size_t)r);
			if (drain)
				continue;
			return;
		}
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (con_kind == CON_LISTEN) {
			close(con_cfd);
			con_cfd = con_in = con_out = -1;
		} else {
			con_in = -1; /* stdin closed: output only */
		}
	}
}

/* Boot log: (time as a fraction of boot-ms, text). */
static const struct { int permille; const char *text; } bootlog[] = {
	{ 0, "bvirsh-sim: simulated guest \"%s\" (not a real operating system)\r\n" },
	{ 100, "sim-guest: %zu MB memory, %d vCPU(s) (%d socket(s), %d core(s), %d thread(s))\r\n" },
	{ 400, "sim-guest: mounting root filesystem\r\n" },
	{ 800, "sim-guest: starting services\r\n" },
};
static int bootlog_next;

static void
boot_progress(void)
{
	while (bootlog_next < (int)(sizeof(bootlog) / sizeof(bootlog[0])) &&
	    now_s * 1000 >= bootlog[bootlog_next].permille * knob.boot_ms / 1000.0) {
		if (bootlog_next == 0)
			con_printf(bootlog[0].text, vmname);
		else if (bootlog_next == 1)
			con_printf(bootlog[1].text, memsize >> 20, ncpus, sockets_, cores_, threads_);
		else
			con_raw(bootlog[bootlog_next].text, strlen(bootlog[bootlog_next].text));
		bootlog_next++;
	}
	if (booted || now_s * 1000 < knob.boot_ms)
		return;
	booted = 1;
	if (knob.crash_boot) {
		con_printf("sim-guest: fatal: triple fault during boot (crash=boot)\r\n");
		guest_suspend(VM_SUSPEND_TRIPLEFAULT);
		return;
	}
	if (!knob.acpi_off) {
		enable_acpi();
		con_printf("sim-guest: ACPI enabled\r\n");
	}
	guest_state = "running";
	write_status();
	con_printf("\r\nbvirsh-sim guest %s (ttyu0)\r\n\r\nlogin: ", vmname);
	login_state = LOGIN_USER;
}

static void
timeline(void)
{
	boot_progress();
	if (knob.reboot_after >= 0 && now_s >= knob.reboot_after) {
		con_printf("\r\nsim-guest: rebooting by itself (reboot-after)\r\nRebooting...\r\n");
		guest_suspend(VM_SUSPEND_RESET);
	}
	if (knob.halt_after >= 0 && now_s >= knob.halt_after) {
		con_printf("\r\nsim-guest: halting by itself (halt-after)\r\n");
		guest_suspend(VM_SUSPEND_HALT);
	}
	if (knob.crash_after >= 0 && now_s >= knob.crash_after) {
		con_printf("\r\nsim-guest: fatal: triple fault (crash-after)\r\n");
		guest_suspend(VM_SUSPEND_TRIPLEFAULT);
	}
	if (knob.poweroff_after >= 0 && now_s >= knob.poweroff_after)
		begin_shutdown("sim-guest: powering off by itself (poweroff-after)");
	if (power_button) {
		power_button = 0;
		if (knob.acpi_ignore)
			con_printf("\r\nsim-guest: power button pressed; ignored (acpi=ignore)\r\n");
		else
			begin_shutdown("sim-guest: power button pressed, shutting down");
	}
	if (shutdown_at >= 0 && now_s >= shutdown_at) {
		con_printf("acpi0: Powering system off\r\n");
		shutdown_at = -1;
		guest_suspend(VM_SUSPEND_POWEROFF);
	}
}

static void
advance_stats(double dt)
{
	double load = booted ? 0.05 : 0.8;
	uint64_t ms = (uint64_t)(dt * 1000) + 1;
	for (int c = 0; c < ncpus; c++) {
		uint64_t *s = st[c];
		unsigned nmi = vmmapi_sim_take_nmis(vcpus[c]);
		if (nmi != 0) {
			s[SIMSTAT_NMI_COUNT] += nmi;
			s[SIMSTAT_EXITS_NMI_WINDOW] += nmi;
			nmi_total += (int)nmi;
			con_printf("\r\nNMI ISA 20, EISA ff\r\n");
			write_status();
			if (knob.nmi_panic) {
				con_printf("panic: NMI indicates hardware failure\r\nRebooting...\r\n");
				guest_suspend(VM_SUSPEND_RESET);
			}
		}
		s[SIMSTAT_RUNTIME] += (uint64_t)(dt * load * (double)VMMAPI_SIM_TSC_FREQ);
		s[SIMSTAT_EXITS_EXTINT] += ms / 4 + 1;
		s[SIMSTAT_EXITS_HLT] += booted ? ms / 2 + 1 : ms / 20;
		s[SIMSTAT_EXITS_INOUT] += booted ? ms / 10 : ms * 3;
		s[SIMSTAT_EXITS_USERSPACE] += booted ? ms / 10 : ms * 3;
		s[SIMSTAT_EXITS_CPUID] += booted ? 0 : ms / 2;
		s[SIMSTAT_EXITS_RDMSR] += booted ? 0 : ms / 5;
		s[SIMSTAT_EXITS_WRMSR] += booted ? ms / 50 : ms / 3;
		s[SIMSTAT_EXITS_NESTED_FAULT] += booted ? ms / 25 : ms * 2;
		s[SIMSTAT_EXITS_INST_EMUL] += booted ? ms / 20 : ms;
		s[SIMSTAT_EXITS_INTR_WINDOW] += ms / 8;
		s[SIMSTAT_EXITS_ASTPENDING] += ms / 50;
		/* the total is the sum of the exit reasons (overlapping counters excluded) */
		s[SIMSTAT_EXITS_TOTAL] = s[SIMSTAT_EXITS_EXTINT] + s[SIMSTAT_EXITS_HLT] +
		    s[SIMSTAT_EXITS_CR] + s[SIMSTAT_EXITS_RDMSR] + s[SIMSTAT_EXITS_WRMSR] +
		    s[SIMSTAT_EXITS_MTRAP] + s[SIMSTAT_EXITS_PAUSE] + s[SIMSTAT_EXITS_INTR_WINDOW] +
		    s[SIMSTAT_EXITS_NMI_WINDOW] + s[SIMSTAT_EXITS_INOUT] + s[SIMSTAT_EXITS_CPUID] +
		    s[SIMSTAT_EXITS_NESTED_FAULT] + s[SIMSTAT_EXITS_INST_EMUL] +
		    s[SIMSTAT_EXITS_UNKNOWN] + s[SIMSTAT_EXITS_EXCEPTION];
	}
	/* vCPU 0 carries the per-VM memory counters; the guest touches its RAM over
	 * time (63% of the way per 2 s of run time) */
	{
		uint64_t res = st[0][SIMSTAT_RESIDENT], goal = memsize;
		double f = dt / 2.0 > 1 ? 1 : dt / 2.0;
		if (res == 0)
			res = goal < (8u << 20) ? goal : (8u << 20);
		res += (uint64_t)((double)(goal - res) * f);
		res &= ~(uint64_t)4095;
		if (res < goal && goal - res < 4096)
			res = goal;
		st[0][SIMSTAT_RESIDENT] = res;
		st[0][SIMSTAT_WIRED] = config_true("memory.wired") ? memsize : 0;
	}
	vmmapi_sim_publish_stats(ctx, ncpus, &st[0][0]);
}

static double
mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
finish(int how)
{
	static const int code[] = { [VM_SUSPEND_RESET] = 0, [VM_SUSPEND_POWEROFF] = 1,
	    [VM_SUSPEND_HALT] = 2, [VM_SUSPEND_TRIPLEFAULT] = 3, [VM_SUSPEND_DESTROY] = 4 };
	int status = (how > VM_SUSPEND_NONE && how < VM_SUSPEND_LAST) ? code[how] : 100;
	if (con_sock[0] != '\0')
		unlink(con_sock);
	if (how == VM_SUSPEND_POWEROFF && config_true("destroy_on_poweroff")) {
		vm_destroy(ctx);
		ctx = NULL;
	}
	exit(status);
}

static void
run(void)
{
	double last = mono(), start = last;
	for (;;) {
		struct pollfd pf[3];
		int n = 0, ci = -1, li = -1;
		double t, dt;
		int how;

		if (con_in >= 0) {
			ci = n;
			pf[n].fd = con_in;
			pf[n++].events = POLLIN;
		}
		if (con_lfd >= 0) {
			li = n;
			pf[n].fd = con_lfd;
			pf[n++].events = POLLIN;
		}
		if (poll(pf, n, (int)knob.tick_ms) < 0 && errno != EINTR)
			err(4, "poll");
		if (ci >= 0 && (pf[ci].revents & (POLLIN | POLLHUP | POLLERR)))
			con_read(0);
		if (li >= 0 && (pf[li].revents & POLLIN)) {
			int fd = accept4(con_lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
			/* a --force takeover closes the old client and connects at once: the
			 * old one's hang-up may still sit behind its unread input */
			if (fd >= 0 && con_cfd >= 0)
				con_read(1);
			if (fd >= 0 && con_cfd >= 0) {
				close(fd); /* one client at a time */
			} else if (fd >= 0) {
				con_cfd = con_in = con_out = fd;
				con_raw(backlog, backlog_len);
				backlog_len = 0;
			}
		}
		t = mono();
		dt = t - last;
		last = t;
		/* time the process did not run (SIGSTOP) is time the guest did not run */
		if (dt > (knob.tick_ms > 0 ? 2.0 * knob.tick_ms / 1000.0 : 0.001))
			dt = knob.tick_ms > 0 ? 2.0 * knob.tick_ms / 1000.0 : 0.001;
		now_s += dt;
		(void)start;

		how = vmmapi_sim_suspended(ctx);
		if (how < 0) {
			fprintf(stderr, "vm_run error -1, errno %d\n", ENXIO);
			exit(4);
		}
		if (how != VM_SUSPEND_NONE) {
			vmmapi_sim_publish_stats(ctx, ncpus, &st[0][0]);
			finish(how);
		}
		timeline();
		advance_stats(dt);
	}
}

int
main(int argc, char **argv)
{
	const char *optstr = "+aehuwxACDHIPSWYk:f:o:p:G:c:s:m:n:l:K:U:";
	const char *v, *bootrom;
	unsigned long ul;
	int c;

	sim_progname(argv);
	opterr = 0;
	while ((c = getopt(argc, argv, optstr)) != -1) {
		switch (c) {
		case 'a': set_config("x86.x2apic", "false"); break;
		case 'A': break; /* ACPI tables are always built */
		case 'C': set_config("memory.guest_in_core", "true"); break;
		case 'c':
			if (topology_parse(optarg) != 0)
				errx(EX_USAGE, "invalid cpu topology '%s'", optarg);
			break;
		case 'D': set_config("destroy_on_poweroff", "true"); break;
		case 'e': set_config("x86.strictio", "true"); break;
		case 'f': set_config("fwcfg.file", optarg); break;
		case 'G': set_config("gdb.port", optarg); break;
		case 'H': set_config("x86.vmexit_on_hlt", "true"); break;
		case 'I': break; /* ioapic is always present */
		case 'k': parse_config_file(optarg); break;
		case 'K': set_config("keyboard.layout", optarg); break;
		case 'l':
			if (lpc_device_parse(optarg) != 0)
				errx(EX_USAGE, "invalid lpc device configuration '%s'", optarg);
			break;
		case 'm': set_config("memory.size", optarg); break;
		case 'n': set_config("domains", optarg); break;
		case 'o':
			if (!parse_config_option(optarg))
				errx(EX_USAGE, "invalid configuration option '%s'", optarg);
			break;
		case 'P': set_config("x86.vmexit_on_pause", "true"); break;
		case 'p': {
			unsigned long a, b;
			char *colon = strchr(optarg, ':'), tmp[64];
			if (colon == NULL || (size_t)(colon - optarg) >= sizeof(tmp))
				errx(EX_USAGE, "invalid vcpu pinning configuration '%s'", optarg);
			memcpy(tmp, optarg, colon - optarg);
			tmp[colon - optarg] = '\0';
			if (sim_parse_ulong(tmp, &a) != 0 || sim_parse_ulong(colon + 1, &b) != 0)
				errx(EX_USAGE, "invalid vcpu pinning configuration '%s'", optarg);
			break;
		}
		case 's':
			if (pci_parse_slot(optarg) != 0)
				exit(4);
			break;
		case 'S': set_config("memory.wired", "true"); break;
		case 'u': set_config("rtc.use_localtime", "false"); break;
		case 'U': set_config("uuid", optarg); break;
		case 'W': set_config("virtio_msix", "false"); break;
		case 'w': set_config("x86.strictmsr", "false"); break;
		case 'x': set_config("x86.x2apic", "true"); break;
		case 'Y': set_config("x86.mptable", "false"); break;
		case 'h': usage(0); break;
		default:
			sim_getopt_error("bhyve", optopt, optstr);
			usage(1);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage(1);
	if (argc == 1)
		set_config("name", argv[0]);
	vmname = get_config("name");
	if (vmname == NULL)
		usage(1);
	if (config_true("config.dump")) {
		/* print the configuration tree and stop, as bhyve -o config.dump=1 */
		for (int i = 0; i < ncfg; i++)
			if (strcmp(cfg[i].k, "config.dump") != 0)
				printf("%s=%s\n", cfg[i].k, cfg[i].v);
		for (int i = 0; i < nslots; i++) {
			printf("pci.%d.%d.%d.device=%s\n", slots[i].bus, slots[i].slot, slots[i].func, slots[i].emul);
			if (slots[i].opts != NULL)
				printf("pci.%d.%d.%d.config=%s\n", slots[i].bus, slots[i].slot, slots[i].func, slots[i].opts);
		}
		exit(1);
	}

	sim_root("bhyve", 4);

	/* calc_topology */
	{
		unsigned long cp = 0, s = 1, co = 1, th = 1;
		int have_cpus = (v = get_config("cpus")) != NULL;
		if (have_cpus && (sim_parse_ulong(v, &cp) != 0 || cp < 1 || cp > 65535))
			errx(4, "Invalid cpus value '%s'", v);
		if ((v = get_config("cores")) != NULL && (sim_parse_ulong(v, &co) != 0 || co < 1 || co > 65535))
			errx(4, "Invalid cores value '%s'", v);
		if ((v = get_config("threads")) != NULL && (sim_parse_ulong(v, &th) != 0 || th < 1 || th > 65535))
			errx(4, "Invalid threads value '%s'", v);
		if ((v = get_config("sockets")) != NULL) {
			if (sim_parse_ulong(v, &s) != 0 || s < 1 || s > 65535)
				errx(4, "Invalid sockets value '%s'", v);
		} else if (have_cpus) {
			s = cp / (co * th) > 0 ? cp / (co * th) : 1;
		}
		if (!have_cpus)
			cp = s * co * th;
		if (s * co * th != cp)
			errx(4, "Topology (%lu sockets, %lu cores, %lu threads) does not match %lu vCPUs",
			    s, co, th, cp);
		ncpus = (int)cp;
		sockets_ = (int)s;
		cores_ = (int)co;
		threads_ = (int)th;
	}
	v = get_config("memory.size");
	if (v == NULL)
		v = "256M";
	if (vm_parse_memsize(v, &memsize) != 0)
		errx(EX_USAGE, "invalid memsize '%s'", v);

	/* do_open, FreeBSD 15 style */
	bootrom = get_config("lpc.bootrom") != NULL ? get_config("lpc.bootrom") : get_config("bootrom");
	if (bootrom != NULL) {
		ctx = vm_openf(vmname, VMMAPI_OPEN_REINIT);
		if (ctx == NULL && errno == ENOENT)
			ctx = vm_openf(vmname, VMMAPI_OPEN_CREATE);
		if (ctx == NULL)
			err(4, errno == EBUSY ? "vm_reinit" : "vm_create");
	} else {
		ctx = vm_openf(vmname, 0);
		if (ctx == NULL && errno == ENOENT) {
			fprintf(stderr, "virtual machine cannot be booted\n");
			exit(4);
		}
		if (ctx == NULL)
			err(4, "vm_open");
	}
	if (ncpus > VMMAPI_SIM_MAXCPU) {
		fprintf(stderr, "%d vCPUs requested but only %d available\n", ncpus, VMMAPI_SIM_MAXCPU);
		exit(4);
	}
	if (vm_set_topology(ctx, sockets_, cores_, threads_, 0) != 0)
		err(4, "vm_set_topology");
	if (vm_setup_memory(ctx, memsize, VM_MMAP_ALL) != 0) {
		fprintf(stderr, "Unable to setup memory (%d)\n", errno);
		exit(4);
	}
	if (bootrom != NULL && access(bootrom, R_OK) != 0) {
		fprintf(stderr, "Error opening bootrom \"%s\": %s\n", bootrom, strerror(errno));
		exit(4);
	}
	for (int i = 0; i < nslots; i++)
		if (init_slot(&slots[i]) != 0) {
			errno = EINVAL;
			perror("device emulation initialization error");
			exit(4);
		}
	for (int i = 1; i <= 4; i++) {
		char key[32];
		snprintf(key, sizeof(key), "lpc.com%d.path", i);
		if ((v = get_config(key)) == NULL)
			continue;
		if (i == 1 ? tty_backend_open(v) != 0 :
		    (strcmp(v, "stdio") != 0 && strncmp(v, "tcp=", 4) != 0 &&
		    sim_nmdm_socket(v, (char[4096]){0}, 4096) != 0)) {
			fprintf(stderr, "Unable to initialize backend '%s' for LPC device com%d\n", v, i);
			exit(4);
		}
	}

	/* guest knobs: environment first, the boot disk's first line overrides */
	if ((v = getenv("BVIRSH_SIM_GUEST")) != NULL)
		apply_knobs(v, "BVIRSH_SIM_GUEST");
	if (first_disk != NULL)
		read_disk_knobs(first_disk);

	for (int i = 0; i < ncpus; i++) {
		vcpus[i] = vm_vcpu_open(ctx, i);
		if (vcpus[i] == NULL || vm_activate_cpu(vcpus[i]) != 0)
			errx(EX_OSERR, "could not activate CPU %d", i);
	}
	/* RTC: host local time re-encoded as UTC unless -u (rtc.use_localtime=false) */
	{
		time_t now = time(NULL);
		struct tm tm;
		long off = 0;
		if ((v = get_config("rtc.use_localtime")) == NULL || strcmp(v, "false") != 0) {
			localtime_r(&now, &tm);
			off = tm.tm_gmtoff;
		}
		vm_rtc_settime(ctx, now + off);
	}
	{
		char mark[512];
		uint64_t prev = 0;
		if (vm_map_gpa(ctx, SIM_GPA_GUEST_STATUS, 64) != NULL) {
			char *p = vm_map_gpa(ctx, SIM_GPA_GUEST_STATUS, 64);
			if (sscanf(p, "BVIRSH-SIM-GUEST 1\nname=%*s\nstate=%*s\nacpi=%*d\nboot=%lu", &ul) == 1)
				prev = ul;
		}
		boot_no = (unsigned)prev + 1;
		if (vm_get_highmem_size(ctx) != 0) {
			int n = snprintf(mark, sizeof(mark), "BVIRSH-SIM-HIGHMEM %s\n", vmname);
			sim_write_gpa(ctx, SIM_GPA_HIGHMEM_MARK, mark, (size_t)n + 1);
		}
		write_status(); /* last: tells observers the guest is set up */
	}
	signal(SIGPIPE, SIG_IGN);
	if (con_out == STDOUT_FILENO)
		fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
#ifdef __linux__
	{
		char title[16];
		snprintf(title, sizeof(title), "bhyve: %s", vmname);
		prctl(PR_SET_NAME, title);
	}
#endif
	run();
	return 0;
}
