/* Shared helpers of the simulated host's tools; see simcommon.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "simcommon.h"

void
sim_progname(char **argv)
{
	char *slash = strrchr(argv[0], '/');
	if (slash != NULL)
		argv[0] = slash + 1;
#ifdef __GLIBC__
	program_invocation_name = argv[0];
#endif
}

void
sim_getopt_error(const char *prog, int opt, const char *optstring)
{
	const char *p = opt != 0 && opt != ':' ? strchr(optstring, opt) : NULL;
	if (p != NULL && p[1] == ':')
		fprintf(stderr, "%s: option requires an argument -- %c\n", prog, opt);
	else
		fprintf(stderr, "%s: illegal option -- %c\n", prog, opt);
}

const char *
sim_root(const char *prog, int code)
{
	const char *r = getenv("BVIRSH_SIM_ROOT");
	if (r == NULL || *r == '\0') {
		fprintf(stderr, "%s: BVIRSH_SIM_ROOT is not set: this is the simulated "
		    "bhyve host's tool and needs the directory of the simulated host\n", prog);
		exit(code);
	}
	vmmapi_sim_set_root(r);
	return r;
}

int
sim_nmdm_socket(const char *dev, char *buf, size_t len)
{
	const char *base = "/dev/nmdm";
	size_t n = strlen(dev), bl = strlen(base);
	char side;

	if (n <= bl + 1 || strncmp(dev, base, bl) != 0)
		return -1;
	side = dev[n - 1];
	if (side != 'A' && side != 'B')
		return -1;
	if (strchr(dev + bl, '/') != NULL)
		return -1;
	if ((size_t)snprintf(buf, len, "%s/dev/nmdm%.*s%c", getenv("BVIRSH_SIM_ROOT"),
	    (int)(n - bl - 1), dev + bl, side == 'A' ? 'B' : 'A') >= len)
		return -1;
	return 0;
}

int
sim_write_gpa(struct vmctx *ctx, uint64_t gpa, const void *buf, size_t len)
{
	void *p = vm_map_gpa(ctx, gpa, len);
	if (p == NULL) {
		errno = EFAULT;
		return -1;
	}
	memcpy(p, buf, len);
	return 0;
}

int
sim_parse_ulong(const char *s, unsigned long *out)
{
	char *end;
	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 0);
	return (errno != 0 || *end != '\0') ? -1 : 0;
}

struct vmctx *
sim_loader_open(const char *prog, const char *name, size_t memsize)
{
	struct vmctx *ctx = vm_openf(name, VMMAPI_OPEN_CREATE | VMMAPI_OPEN_REINIT);
	if (ctx == NULL) {
		fprintf(stderr, "%s: %s: %s\n", prog, errno == EBUSY ? "vm_reinit" : "vm_create",
		    strerror(errno));
		exit(1);
	}
	if (vm_setup_memory(ctx, memsize, VM_MMAP_ALL) != 0) {
		fprintf(stderr, "%s: vm_setup_memory: %s\n", prog, strerror(errno));
		exit(1);
	}
	return ctx;
}

void
sim_disk_knobs(const char *path, char *buf, size_t len)
{
	static const char tag[] = "BVIRSH-SIM-GUEST:";
	char head[512];
	ssize_t n;
	FILE *fp = path != NULL ? fopen(path, "r") : NULL;
	buf[0] = '\0';
	if (fp == NULL)
		return;
	n = (ssize_t)fread(head, 1, sizeof(head) - 1, fp);
	fclose(fp);
	if (n <= 0)
		return;
	head[n] = '\0';
	if (strncmp(head, tag, sizeof(tag) - 1) != 0)
		return;
	head[strcspn(head, "\n")] = '\0';
	snprintf(buf, len, "%s", head + sizeof(tag) - 1);
}
