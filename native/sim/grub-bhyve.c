/*
 * grub-bhyve (sysutils/grub2-bhyve) of the simulated host: its option grammar,
 * a checked device.map, creates or re-initialises the VM, sets up memory and
 * "loads a kernel": a loader record at GPA 0x1000000, then exits 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "simcommon.h"

static void
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "Usage: grub-bhyve [OPTION...] vmname\n"
	    "GRUB emulator.\n\n"
	    "  -c, --cons-dev=cons-dev    a tty(4) device to use for terminal I/O\n"
	    "  -d, --directory=DIR        use GRUB files in the directory DIR\n"
	    "  -e, --evga                 exclude VGA rows/cols from bootinfo\n"
	    "  -g, --grub-cfg=FILE        use alternate grub.cfg\n"
	    "  -H, --hostbase=DIR         host filesystem root dir\n"
	    "  -m, --device-map=FILE      use FILE as the device map\n"
	    "  -M, --memory=MBYTES        guest RAM in MB\n"
	    "  -n, --no-cinsert           don't insert console=ttyS0 for linux\n"
	    "  -r, --root=DEVICE          set root device\n"
	    "  -S, --wire-memory          wire guest memory\n"
	    "  -v, --verbose              print verbose messages\n"
	    "  -?, --help                 give this help list\n");
	exit(code);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cons-dev", required_argument, NULL, 'c' },
		{ "directory", required_argument, NULL, 'd' },
		{ "evga", no_argument, NULL, 'e' },
		{ "grub-cfg", required_argument, NULL, 'g' },
		{ "hostbase", required_argument, NULL, 'H' },
		{ "device-map", required_argument, NULL, 'm' },
		{ "memory", required_argument, NULL, 'M' },
		{ "no-cinsert", no_argument, NULL, 'n' },
		{ "root", required_argument, NULL, 'r' },
		{ "wire-memory", no_argument, NULL, 'S' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *map = NULL, *root = "hd0", *cons = NULL, *cfg = "grub.cfg";
	char rec[4096], knobs[512], first[1024] = "", line[2048], rootdev[64];
	size_t memsize = 256UL << 20;
	struct vmctx *ctx;
	int c, n, found = 0;

	sim_progname(argv);
	while ((c = getopt_long(argc, argv, "c:d:eg:H:m:M:nr:Svh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': cons = optarg; break;
		case 'd': case 'H': case 'e': case 'n': case 'S': case 'v': break;
		case 'g': cfg = optarg; break;
		case 'm': map = optarg; break;
		case 'M':
			if (vm_parse_memsize(optarg, &memsize) != 0) {
				fprintf(stderr, "grub-bhyve: error: invalid memory size `%s'.\n", optarg);
				exit(1);
			}
			break;
		case 'r': root = optarg; break;
		case 'h': usage(0); break;
		default: usage(64);
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "grub-bhyve: error: vmname must be specified.\n");
		exit(64);
	}
	sim_root("grub-bhyve", 1);
	if (cons != NULL && strcmp(cons, "stdio") != 0 && sim_nmdm_socket(cons, rec, sizeof(rec)) != 0) {
		fprintf(stderr, "grub-bhyve: error: cannot open `%s': %s.\n", cons, strerror(ENOENT));
		exit(1);
	}
	/* the root device's disk: "hd0,msdos1" -> "(hd0)" in the device map */
	snprintf(rootdev, sizeof(rootdev), "(%.*s)", (int)strcspn(root, ","), root);
	if (map != NULL) {
		FILE *fp = fopen(map, "r");
		if (fp == NULL) {
			fprintf(stderr, "grub-bhyve: error: cannot open `%s': %s.\n", map, strerror(errno));
			exit(1);
		}
		while (fgets(line, sizeof(line), fp) != NULL) {
			char dev[64], path[1024];
			if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
				continue;
			if (sscanf(line, " %63s %1023s", dev, path) != 2 || dev[0] != '(') {
				fprintf(stderr, "grub-bhyve: error: invalid line format: %s", line);
				exit(1);
			}
			if (access(path, R_OK) != 0) {
				fprintf(stderr, "grub-bhyve: error: cannot open `%s': %s.\n", path, strerror(errno));
				exit(1);
			}
			if (strcmp(dev, rootdev) == 0) {
				snprintf(first, sizeof(first), "%s", path);
				found = 1;
			}
		}
		fclose(fp);
	}
	if (!found && strcmp(root, "host") != 0) {
		fprintf(stderr, "grub-bhyve: error: disk `%s' not found.\n", root);
		exit(1);
	}
	sim_disk_knobs(first[0] ? first : NULL, knobs, sizeof(knobs));
	if (strstr(knobs, "loader=fail") != NULL) {
		fprintf(stderr, "grub-bhyve: error: file `/boot/vmlinuz' not found (loader=fail).\n");
		exit(1);
	}
	ctx = sim_loader_open("grub-bhyve", argv[optind], memsize);
	n = snprintf(rec, sizeof(rec),
	    "BVIRSH-SIM-LOADER grub-bhyve\nroot=%s\ndisk=%s\ncfg=%s\nkernel=/boot/vmlinuz\n",
	    root, first, cfg);
	if (sim_write_gpa(ctx, SIM_GPA_LINUX_KERNEL, rec, (size_t)n + 1) != 0) {
		fprintf(stderr, "grub-bhyve: error: out of memory.\n");
		exit(1);
	}
	vm_close(ctx);
	return 0;
}
