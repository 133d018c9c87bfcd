/*
 * Shared helpers of the simulated host's tools (bhyve, bhyvectl, bhyveload,
 * grub-bhyve): where the simulated host lives, nmdm(4) name mapping, small
 * parsers. See native/sim/README.md for the behaviour they implement.
 */
#ifndef BVIRSH_SIMCOMMON_H
#define BVIRSH_SIMCOMMON_H

#include <stddef.h>
#include <stdint.h>
#include "vmmapi.h"

/* Messages name the tool as FreeBSD's err(3) does: by its base name. */
void sim_progname(char **argv);
/* getopt(3)'s complaint in FreeBSD's words, for a tool run with opterr = 0. */
void sim_getopt_error(const char *prog, int opt, const char *optstring);

/* SIMROOT from env BVIRSH_SIM_ROOT; exits (status `code`) with a message if unset. */
const char *sim_root(const char *prog, int code);

/* Map a host tty path given to a tool to what the simulated host serves:
 *   /dev/nmdm<X>A -> SIMROOT/dev/nmdm<X>B  (a unix socket the tool listens on;
 *   /dev/nmdm<X>B -> SIMROOT/dev/nmdm<X>A   the user connects to the other side)
 * Returns 0 and fills buf, or -1 (not an nmdm device). */
int sim_nmdm_socket(const char *dev, char *buf, size_t len);

/* Place guest-memory addresses the simulated guest and loaders write. */
#define SIM_GPA_GUEST_STATUS 0x8000ULL   /* text block written by the sim guest */
#define SIM_GPA_FREEBSD_KERNEL 0x200000ULL /* bhyveload's "kernel" (KERNLOAD) */
#define SIM_GPA_LINUX_KERNEL 0x1000000ULL  /* grub-bhyve's "kernel" */
#define SIM_GPA_HIGHMEM_MARK (4ULL << 30)  /* marker when RAM > 3 GiB */

/* Write `len` bytes at guest-physical `gpa` through the device fd. */
int sim_write_gpa(struct vmctx *ctx, uint64_t gpa, const void *buf, size_t len);

/* Strict unsigned decimal (or 0x hex) number; -1 on junk. */
int sim_parse_ulong(const char *s, unsigned long *out);

#endif

/* bhyveload/grub-bhyve: create the VM or re-initialise an existing one, and
 * set up `memsize` bytes of RAM; exits 1 with the tool's message on failure. */
struct vmctx *sim_loader_open(const char *prog, const char *name, size_t memsize);

/* The "BVIRSH-SIM-GUEST:" knob line at the start of a disk image (or ""). */
void sim_disk_knobs(const char *path, char *buf, size_t len);
