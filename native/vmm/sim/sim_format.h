/*
 * On-disk layout of one vmmapi-sim VM file, SIMROOT/dev/vmm/NAME (internal to
 * vmmapi_sim.c; everything else goes through the vmmapi.h API).
 *
 *   [0, SIM_META_OFF)           guest memory, file offset == guest-physical
 *                               address: RAM up to 3 GiB at GPA 0, the rest
 *                               from 4 GiB (amd64 layout). Sparse: pages the
 *                               guest never wrote cost nothing.
 *   [SIM_META_OFF, +META_SIZE)  struct sim_meta (header, control words, stats)
 *
 * Concurrency (one writer process = the sim bhyve, any number of readers =
 * bvirsh, bhyvectl): the metadata page is mmap'd MAP_SHARED by everyone.
 *  - Control words that several processes may change (suspend request, NMI
 *    pending, RTC offset, topology, active vCPUs) are single 32/64-bit words
 *    updated with atomic operations (suspend is a compare-and-swap so that a
 *    second request fails with EALREADY, as VM_SUSPEND does).
 *  - The statistics table is a multi-word record written by exactly one
 *    process, so it is published through a seqlock in "latch" form: two copies,
 *    each with its own sequence counter, written one after the other. A reader
 *    takes whichever copy has an even, unchanged counter. Chosen over fcntl
 *    locks because (a) reads cost no system call (the addon reads stats at
 *    >100k/s), (b) a reader can never stall the guest, and (c) a writer
 *    stopped (SIGSTOP) or killed (SIGKILL) in the middle of an update leaves the
 *    other copy consistent, so readers never block on a dead or frozen writer.
 */
#ifndef BVIRSH_SIM_FORMAT_H
#define BVIRSH_SIM_FORMAT_H

#include <stdint.h>
#include "vmmapi.h"

#define SIM_MAGIC "VMMSIM\0\1"
#define SIM_VERSION 1
#define SIM_META_OFF (1ULL << 40)  /* 1 TiB: above every simulated GPA */
#define SIM_META_SIZE 65536
#define SIM_MAXSTATS 32
#define SIM_DESC_LEN 64
#define SIM_LOWMEM_LIMIT (3ULL << 30)
#define SIM_HIGHMEM_BASE (4ULL << 30)

struct sim_latch {
	uint32_t seq;
	uint32_t pad;
	uint64_t v[VMMAPI_SIM_MAXCPU][SIM_MAXSTATS];
};

struct sim_meta {
	char magic[8];
	uint32_t version;
	uint32_t meta_size;
	char name[VM_MAX_NAMELEN + 8];
	uint64_t tsc_freq;          /* TSC ticks per second of the simulated host */
	uint32_t maxcpus;
	uint32_t nstats;
	/* control words: accessed only with __atomic builtins */
	uint64_t memsize;           /* 0 until vm_setup_memory */
	uint64_t topology;          /* sockets | cores << 16 | threads << 32 */
	int64_t rtc_offset;         /* RTC seconds minus host time(NULL) */
	int32_t suspend_how;        /* enum vm_suspend_how */
	uint32_t destroyed;
	uint64_t active_cpus[CPU_SETSIZE / 64];
	uint32_t nmi_pending[VMMAPI_SIM_MAXCPU]; /* a flag per vCPU, as in vmm.ko */
	char stat_desc[SIM_MAXSTATS][SIM_DESC_LEN];
	struct sim_latch latch[2];
};

_Static_assert(sizeof(struct sim_meta) <= SIM_META_SIZE, "sim_meta too big");

#endif
