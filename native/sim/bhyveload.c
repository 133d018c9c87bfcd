/*
 * bhyveload(8) of the simulated host: bhyveload's option grammar
 * (getopt "CSc:d:e:h:l:m:"), creates or re-initialises the VM, sets up its
 * memory and "loads a FreeBSD kernel": it writes a loader record at GPA
 * 0x200000 (KERNLOAD) that the sim bhyve and tests can read, then exits 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "simcommon.h"

static void
usage(void)
{
	fprintf(stderr,
	    "usage: bhyveload [-CS] [-c <console-device>] [-d <disk-path>] [-e <name=value>]\n"
	    "                 [-h <host-path>] [-l <os-loader>] [-m memsize[K|k|M|m|G|g|T|t]]\n"
	    "                 <vmname>\n");
	exit(1);
}

int
main(int argc, char **argv)
{
	char rec[4096], knobs[512];
	const char *disks[8], *host = NULL, *cons = "stdio", *loader = "/boot/userboot.so";
	int ndisks = 0, c, n;
	size_t memsize = 256UL << 20, envlen = 0;
	char env[2048] = "";
	struct vmctx *ctx;
	struct stat st;
	FILE *out;

	sim_progname(argv);
	opterr = 0;
	while ((c = getopt(argc, argv, "CSc:d:e:h:l:m:")) != -1) {
		switch (c) {
		case 'C': case 'S': break;
		case 'c': cons = optarg; break;
		case 'd':
			if (ndisks == (int)(sizeof(disks) / sizeof(disks[0]))) {
				fprintf(stderr, "bhyveload: too many disks\n");
				exit(1);
			}
			if (access(optarg, R_OK) != 0) {
				fprintf(stderr, "bhyveload: Could not open disk %s: %s\n", optarg, strerror(errno));
				exit(1);
			}
			disks[ndisks++] = optarg;
			break;
		case 'e':
			if (strchr(optarg, '=') == NULL)
				usage();
			envlen += (size_t)snprintf(env + envlen, envlen < sizeof(env) ? sizeof(env) - envlen : 0,
			    "env=%s\n", optarg);
			break;
		case 'h': host = optarg; break;
		case 'l': loader = optarg; break;
		case 'm':
			if (vm_parse_memsize(optarg, &memsize) != 0) {
				fprintf(stderr, "bhyveload: Invalid memsize '%s'\n", optarg);
				exit(64);
			}
			break;
		default:
			sim_getopt_error("bhyveload", optopt, "CSc:d:e:h:l:m:");
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();
	sim_root("bhyveload", 1);
	if (host != NULL && (stat(host, &st) != 0 || !S_ISDIR(st.st_mode))) {
		fprintf(stderr, "bhyveload: %s: not a directory\n", host);
		exit(1);
	}
	if (strcmp(cons, "stdio") != 0 && sim_nmdm_socket(cons, rec, sizeof(rec)) != 0) {
		fprintf(stderr, "bhyveload: cannot open console %s: %s\n", cons, strerror(ENOENT));
		exit(1);
	}
	if (ndisks == 0 && host == NULL) {
		fprintf(stderr, "bhyveload: no boot disk (-d) or host path (-h): can't load 'kernel'\n");
		exit(1);
	}
	sim_disk_knobs(ndisks > 0 ? disks[0] : NULL, knobs, sizeof(knobs));
	if (strstr(knobs, "loader=fail") != NULL) {
		fprintf(stderr, "bhyveload: can't load 'kernel' (loader=fail)\n");
		exit(1);
	}

	ctx = sim_loader_open("bhyveload", argv[0], memsize);
	n = snprintf(rec, sizeof(rec),
	    "BVIRSH-SIM-LOADER bhyveload\nloader=%s\nkernel=/boot/kernel/kernel\ndisk=%s\nhost=%s\n%s",
	    loader, ndisks > 0 ? disks[0] : "", host != NULL ? host : "", env);
	if (sim_write_gpa(ctx, SIM_GPA_FREEBSD_KERNEL, rec, (size_t)n + 1) != 0) {
		fprintf(stderr, "bhyveload: cannot load kernel: %s\n", strerror(errno));
		exit(1);
	}
	/* the loader's console output (only stdio is attached to anything here) */
	if (strcmp(cons, "stdio") == 0) {
		out = stdout;
		fprintf(out, "bvirsh-sim userboot: loading /boot/kernel/kernel into \"%s\" (%zu MB)\n",
		    argv[0], memsize >> 20);
		fflush(out);
	}
	vm_close(ctx);
	return 0;
}
