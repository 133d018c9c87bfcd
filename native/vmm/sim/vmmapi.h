/*
 * vmmapi-sim: FreeBSD's libvmmapi API (14+/15 vCPU-handle flavour) implemented on
 * plain files, for hosts without /dev/vmm. Function names, argument and return
 * types match <vmmapi.h> for every call bvirsh and the simulated tools use, so
 * native/vmm/addon.cc compiles against either header unchanged.
 *
 * One file per VM: SIMROOT/dev/vmm/NAME (see sim_format.h for the layout). Guest
 * memory is at file offset == guest-physical address, exactly what read(2)/pread(2)
 * on the real /dev/vmm/NAME give; the VM's header and statistics live far above
 * any guest address (sparse file).
 *
 * Sim-only additions are prefixed vmmapi_sim_ and documented at their prototypes.
 */
#ifndef BVIRSH_VMMAPI_SIM_H
#define BVIRSH_VMMAPI_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VMMAPI_VERSION 0200 /* the 14.0+ vCPU-handle API */
#define VMMAPI_SIM 1

/* vm_openf() flags, as in FreeBSD 15 */
#define VMMAPI_OPEN_CREATE 0x01
#define VMMAPI_OPEN_REINIT 0x02

#define VM_MAX_NAMELEN 32 /* 15: names of up to 32 characters */

typedef uint64_t vm_paddr_t;
typedef int64_t vm_ooffset_t;

#define VM_SYSMEM 0 /* the guest RAM segment */
#define VM_MEMMAP_F_WIRED 0x01

enum vm_mmap_style { VM_MMAP_NONE, VM_MMAP_ALL, VM_MMAP_SPARSE };

enum vm_suspend_how {
	VM_SUSPEND_NONE,
	VM_SUSPEND_RESET,
	VM_SUSPEND_POWEROFF,
	VM_SUSPEND_HALT,
	VM_SUSPEND_TRIPLEFAULT,
	VM_SUSPEND_DESTROY,
	VM_SUSPEND_LAST
};

/* A stand-in for FreeBSD's cpuset_t with the macros the addon uses. */
#undef CPU_SETSIZE
#undef CPU_ZERO
#undef CPU_SET
#undef CPU_CLR
#undef CPU_ISSET
#define CPU_SETSIZE 256
typedef struct { uint64_t __bits[CPU_SETSIZE / 64]; } cpuset_t;
#define CPU_ZERO(s) do { for (int __i = 0; __i < CPU_SETSIZE / 64; __i++) (s)->__bits[__i] = 0; } while (0)
#define CPU_SET(n, s) ((s)->__bits[(n) / 64] |= (1ULL << ((n) % 64)))
#define CPU_CLR(n, s) ((s)->__bits[(n) / 64] &= ~(1ULL << ((n) % 64)))
#define CPU_ISSET(n, s) (((s)->__bits[(n) / 64] & (1ULL << ((n) % 64))) != 0)

struct vmctx;
struct vcpu;

int vm_create(const char *name);
struct vmctx *vm_open(const char *name);
struct vmctx *vm_openf(const char *name, int flags);
void vm_close(struct vmctx *ctx);
void vm_destroy(struct vmctx *ctx);
int vm_reinit(struct vmctx *ctx);
const char *vm_get_name(struct vmctx *ctx);
int vm_get_device_fd(struct vmctx *ctx);

struct vcpu *vm_vcpu_open(struct vmctx *ctx, int vcpuid);
void vm_vcpu_close(struct vcpu *vcpu);
int vcpu_id(struct vcpu *vcpu);

int vm_parse_memsize(const char *opt, size_t *memsize);
int vm_setup_memory(struct vmctx *ctx, size_t len, enum vm_mmap_style s);
void *vm_map_gpa(struct vmctx *ctx, vm_paddr_t gaddr, size_t len);
size_t vm_get_lowmem_size(struct vmctx *ctx);
/* The kernel's view, usable from any process: the mapping at or above *gpa;
 * -1/ENOENT past the last one. */
int vm_mmap_getnext(struct vmctx *ctx, vm_paddr_t *gpa, int *segid,
    vm_ooffset_t *segoff, size_t *len, int *prot, int *flags);
/* Segment `ident`: its length (0 if not allocated) and name ("" = RAM). */
int vm_get_memseg(struct vmctx *ctx, int ident, size_t *lenp, char *name,
    size_t namesiz);
size_t vm_get_highmem_size(struct vmctx *ctx);

int vm_set_topology(struct vmctx *ctx, uint16_t sockets, uint16_t cores,
    uint16_t threads, uint16_t maxcpus);
int vm_get_topology(struct vmctx *ctx, uint16_t *sockets, uint16_t *cores,
    uint16_t *threads, uint16_t *maxcpus);
int vm_activate_cpu(struct vcpu *vcpu);
int vm_active_cpus(struct vmctx *ctx, cpuset_t *cpus);

int vm_suspend(struct vmctx *ctx, enum vm_suspend_how how);
int vm_inject_nmi(struct vcpu *vcpu);

uint64_t *vm_get_stats(struct vcpu *vcpu, struct timeval *ret_tv, int *ret_entries);
const char *vm_get_stat_desc(struct vmctx *ctx, int index);

int vm_rtc_gettime(struct vmctx *ctx, time_t *secs);
int vm_rtc_settime(struct vmctx *ctx, time_t secs);

/* ---- sim-only ---------------------------------------------------------- */

/* The simulated host's root for calls made on THIS thread (the addon serves
 * many sim roots from one process, one call per worker thread). NULL: use
 * env BVIRSH_SIM_ROOT. The string is copied. */
void vmmapi_sim_set_root(const char *root);
/* The root in effect on this thread, or NULL (errno EINVAL) when none is set. */
const char *vmmapi_sim_root(void);

/* The simulated host's fixed facts: TSC frequency (machdep.tsc_freq) and the
 * vCPU limit per VM (hw.vmm.maxcpu). */
#define VMMAPI_SIM_TSC_FREQ 2000000000ULL
#define VMMAPI_SIM_MAXCPU 16
/* Guest-physical addresses readable through the device fd: below 1 TiB. */
#define VMMAPI_SIM_GPA_LIMIT (1ULL << 40)
void vmmapi_sim_host_info(uint64_t *tsc_freq, int *maxcpu);

/* "Kernel side", used only by the process that runs the VM (the sim bhyve):
 * suspend reason pending on the VM (VM_SUSPEND_NONE when none), or -1 with
 * errno ENXIO when the VM was destroyed underneath (vm_run would fail). */
int vmmapi_sim_suspended(struct vmctx *ctx);
/* Take (and clear) the NMIs pending on a vCPU; returns how many. */
unsigned vmmapi_sim_take_nmis(struct vcpu *vcpu);
/* Publish all vCPUs' counters at once: vals[ncpu][nstats] in the order of
 * vm_get_stat_desc(). Single writer per VM (the process running it). */
int vmmapi_sim_publish_stats(struct vmctx *ctx, int ncpu, const uint64_t *vals);
/* Fault injection for tests: pause this long (microseconds) in the middle of
 * writing each copy of the statistics, so readers race a half-written record. */
extern unsigned vmmapi_sim_publish_delay_us;

/* Statistic indices of the simulated vmm.ko (descriptions in vmmapi_sim.c). */
enum vmmapi_sim_stat {
	SIMSTAT_MIGRATIONS,
	SIMSTAT_EXITS_TOTAL,
	SIMSTAT_EXITS_EXTINT,
	SIMSTAT_EXITS_HLT,
	SIMSTAT_EXITS_CR,
	SIMSTAT_EXITS_RDMSR,
	SIMSTAT_EXITS_WRMSR,
	SIMSTAT_EXITS_MTRAP,
	SIMSTAT_EXITS_PAUSE,
	SIMSTAT_EXITS_INTR_WINDOW,
	SIMSTAT_EXITS_NMI_WINDOW,
	SIMSTAT_EXITS_INOUT,
	SIMSTAT_EXITS_CPUID,
	SIMSTAT_EXITS_NESTED_FAULT,
	SIMSTAT_EXITS_INST_EMUL,
	SIMSTAT_EXITS_UNKNOWN,
	SIMSTAT_EXITS_ASTPENDING,
	SIMSTAT_EXITS_USERSPACE,
	SIMSTAT_EXITS_RENDEZVOUS,
	SIMSTAT_EXITS_EXCEPTION,
	SIMSTAT_NMI_COUNT,
	SIMSTAT_RUNTIME,
	SIMSTAT_RESIDENT,
	SIMSTAT_WIRED,
	SIMSTAT_COUNT
};

#ifdef __cplusplus
}
#endif
#endif
