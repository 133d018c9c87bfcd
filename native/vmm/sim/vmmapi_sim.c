/*
 * vmmapi-sim: libvmmapi's API on one sparse file per VM (layout and the
 * reasoning behind its concurrency scheme: sim_format.h). Errors follow
 * libvmmapi: -1 (or NULL) with errno set to what the kernel would return.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmmapi.h"
#include "sim_format.h"

struct vmctx {
	int fd;
	struct sim_meta *meta;
	char name[VM_MAX_NAMELEN + 1];
	char path[PATH_MAX];
	/* guest memory mapping; only in the process that ran vm_setup_memory */
	char *mem;
	size_t memlen, lowmem, highmem;
};

struct vcpu {
	struct vmctx *ctx;
	int id;
};

/* The simulated vmm.ko's statistics, in registration order (amd64 names). */
static const char *const stat_desc[SIMSTAT_COUNT] = {
	[SIMSTAT_MIGRATIONS] = "vcpu migration across host cpus",
	[SIMSTAT_EXITS_TOTAL] = "total number of vm exits",
	[SIMSTAT_EXITS_EXTINT] = "vm exits due to external interrupt",
	[SIMSTAT_EXITS_HLT] = "number of times hlt was intercepted",
	[SIMSTAT_EXITS_CR] = "number of times %cr access was intercepted",
	[SIMSTAT_EXITS_RDMSR] = "number of times rdmsr was intercepted",
	[SIMSTAT_EXITS_WRMSR] = "number of times wrmsr was intercepted",
	[SIMSTAT_EXITS_MTRAP] = "number of monitor trap exits",
	[SIMSTAT_EXITS_PAUSE] = "number of times pause was intercepted",
	[SIMSTAT_EXITS_INTR_WINDOW] = "vm exits due to interrupt window opening",
	[SIMSTAT_EXITS_NMI_WINDOW] = "vm exits due to nmi window opening",
	[SIMSTAT_EXITS_INOUT] = "number of times in/out was intercepted",
	[SIMSTAT_EXITS_CPUID] = "number of times cpuid was intercepted",
	[SIMSTAT_EXITS_NESTED_FAULT] = "vm exits due to nested page fault",
	[SIMSTAT_EXITS_INST_EMUL] = "vm exits for instruction emulation",
	[SIMSTAT_EXITS_UNKNOWN] = "number of vm exits for unknown reason",
	[SIMSTAT_EXITS_ASTPENDING] = "number of times astpending at exit",
	[SIMSTAT_EXITS_USERSPACE] = "number of vm exits handled in userspace",
	[SIMSTAT_EXITS_RENDEZVOUS] = "number of times rendezvous pending at exit",
	[SIMSTAT_EXITS_EXCEPTION] = "number of vm exits due to exceptions",
	[SIMSTAT_NMI_COUNT] = "number of NMIs delivered to vcpu",
	[SIMSTAT_RUNTIME] = "vcpu total runtime",
	[SIMSTAT_RESIDENT] = "Resident memory",
	[SIMSTAT_WIRED] = "Wired memory",
};

/* ---- the simulated host's root ------------------------------------------ */

static _Thread_local char *thread_root;

void
vmmapi_sim_set_root(const char *root)
{
	free(thread_root);
	thread_root = root != NULL ? strdup(root) : NULL;
}

const char *
vmmapi_sim_root(void)
{
	const char *r = thread_root != NULL ? thread_root : getenv("BVIRSH_SIM_ROOT");
	if (r == NULL || *r == '\0') {
		errno = EINVAL;
		return NULL;
	}
	return r;
}

void
vmmapi_sim_host_info(uint64_t *tsc_freq, int *maxcpu)
{
	if (tsc_freq != NULL)
		*tsc_freq = VMMAPI_SIM_TSC_FREQ;
	if (maxcpu != NULL)
		*maxcpu = VMMAPI_SIM_MAXCPU;
}

/* A name the kernel accepts: 1..VM_MAX_NAMELEN chars, usable as a devfs name. */
static int
name_ok(const char *name)
{
	size_t n = name != NULL ? strlen(name) : 0;
	if (n == 0 || n > VM_MAX_NAMELEN || strchr(name, '/') != NULL ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || name[0] == '.')
		return 0;
	return 1;
}

static int
vm_path(const char *name, char *buf, size_t len)
{
	const char *root = vmmapi_sim_root();
	if (root == NULL)
		return -1;
	if ((size_t)snprintf(buf, len, "%s/dev/vmm/%s", root, name) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* mkdir -p SIMROOT/dev/vmm ("loading vmm.ko"); SIMROOT itself must exist. */
static int
ensure_vmm_dir(void)
{
	char p[PATH_MAX];
	const char *root = vmmapi_sim_root();
	struct stat st;
	if (root == NULL)
		return -1;
	if (stat(root, &st) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s/dev", root);
	if (mkdir(p, 0755) != 0 && errno != EEXIST)
		return -1;
	snprintf(p, sizeof(p), "%s/dev/vmm", root);
	if (mkdir(p, 0755) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* ---- stats latch ---------------------------------------------------------- */

unsigned vmmapi_sim_publish_delay_us;

static void
latch_write(struct sim_meta *m, int ncpu, const uint64_t *vals)
{
	for (int k = 0; k < 2; k++) {
		struct sim_latch *l = &m->latch[k];
		uint32_t s = __atomic_load_n(&l->seq, __ATOMIC_RELAXED);
		__atomic_store_n(&l->seq, s + 1, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_RELEASE);
		for (int c = 0; c < VMMAPI_SIM_MAXCPU; c++)
			for (int i = 0; i < SIM_MAXSTATS; i++) {
				uint64_t v = (c < ncpu && i < SIMSTAT_COUNT && vals != NULL) ?
				    vals[c * SIMSTAT_COUNT + i] : 0;
				__atomic_store_n(&l->v[c][i], v, __ATOMIC_RELAXED);
				if (vmmapi_sim_publish_delay_us != 0 && c == 0 && i == SIMSTAT_EXITS_TOTAL)
					usleep(vmmapi_sim_publish_delay_us);
			}
		__atomic_store_n(&l->seq, s + 2, __ATOMIC_RELEASE);
	}
}

static int
latch_read(struct sim_meta *m, int cpu, uint64_t *out, int n)
{
	for (int tries = 0; tries < 10000; tries++) {
		for (int k = 0; k < 2; k++) {
			struct sim_latch *l = &m->latch[k];
			uint32_t s1 = __atomic_load_n(&l->seq, __ATOMIC_ACQUIRE);
			if (s1 & 1)
				continue;
			for (int i = 0; i < n; i++)
				out[i] = __atomic_load_n(&l->v[cpu][i], __ATOMIC_RELAXED);
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			if (__atomic_load_n(&l->seq, __ATOMIC_RELAXED) == s1)
				return 0;
		}
		sched_yield();
	}
	errno = EAGAIN;
	return -1;
}

/* ---- lifecycle ------------------------------------------------------------ */

int
vm_create(const char *name)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	struct sim_meta *m;
	int fd, err;

	if (!name_ok(name)) {
		errno = EINVAL;
		return -1;
	}
	if (ensure_vmm_dir() != 0 || vm_path(name, path, sizeof(path)) != 0)
		return -1;
	if (access(path, F_OK) == 0) {
		errno = EEXIST;
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s/dev/vmm/.%s.XXXXXX", vmmapi_sim_root(), name);
	fd = mkstemp(tmp);
	if (fd < 0)
		return -1;
	if (fchmod(fd, 0600) != 0 || ftruncate(fd, SIM_META_OFF + SIM_META_SIZE) != 0)
		goto fail;
	m = mmap(NULL, SIM_META_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, SIM_META_OFF);
	if (m == MAP_FAILED)
		goto fail;
	m->version = SIM_VERSION;
	m->meta_size = SIM_META_SIZE;
	strncpy(m->name, name, sizeof(m->name) - 1);
	m->tsc_freq = VMMAPI_SIM_TSC_FREQ;
	m->maxcpus = VMMAPI_SIM_MAXCPU;
	m->nstats = SIMSTAT_COUNT;
	m->topology = 1 | (1ULL << 16) | (1ULL << 32);
	for (int i = 0; i < SIMSTAT_COUNT; i++)
		strncpy(m->stat_desc[i], stat_desc[i], SIM_DESC_LEN - 1);
	memcpy(m->magic, SIM_MAGIC, sizeof(m->magic)); /* last: marks it complete */
	munmap(m, SIM_META_SIZE);
	/* link(2) is the atomic "create if absent": EEXIST if another won. */
	if (link(tmp, path) != 0)
		goto fail;
	unlink(tmp);
	close(fd);
	return 0;
fail:
	err = errno;
	unlink(tmp);
	close(fd);
	errno = err;
	return -1;
}

static struct vmctx *
sim_open(const char *name)
{
	struct vmctx *ctx;
	struct stat st;
	int err;

	if (!name_ok(name)) {
		errno = ENOENT; /* no such node in dev/vmm */
		return NULL;
	}
	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return NULL;
	ctx->fd = -1;
	if (vm_path(name, ctx->path, sizeof(ctx->path)) != 0)
		goto fail;
	strcpy(ctx->name, name);
	ctx->fd = open(ctx->path, O_RDWR | O_CLOEXEC);
	if (ctx->fd < 0)
		goto fail;
	if (fstat(ctx->fd, &st) != 0)
		goto fail;
	if ((uint64_t)st.st_size < SIM_META_OFF + SIM_META_SIZE) {
		errno = EINVAL;
		goto fail;
	}
	ctx->meta = mmap(NULL, SIM_META_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
	    ctx->fd, SIM_META_OFF);
	if (ctx->meta == MAP_FAILED) {
		ctx->meta = NULL;
		goto fail;
	}
	if (memcmp(ctx->meta->magic, SIM_MAGIC, 8) != 0 || ctx->meta->version != SIM_VERSION) {
		errno = EINVAL;
		goto fail;
	}
	if (__atomic_load_n(&ctx->meta->destroyed, __ATOMIC_ACQUIRE)) {
		errno = ENOENT;
		goto fail;
	}
	return ctx;
fail:
	err = errno;
	vm_close(ctx);
	errno = err;
	return NULL;
}

struct vmctx *
vm_open(const char *name)
{
	return sim_open(name);
}

struct vmctx *
vm_openf(const char *name, int flags)
{
	struct vmctx *ctx;
	int created = 0;

	if (flags & ~(VMMAPI_OPEN_CREATE | VMMAPI_OPEN_REINIT)) {
		errno = EINVAL;
		return NULL;
	}
	if (flags & VMMAPI_OPEN_CREATE) {
		if (vm_create(name) == 0)
			created = 1;
		else if (errno != EEXIST)
			return NULL;
	}
	ctx = sim_open(name);
	if (ctx != NULL && !created && (flags & VMMAPI_OPEN_REINIT) && vm_reinit(ctx) != 0) {
		int err = errno;
		vm_close(ctx);
		errno = err;
		return NULL;
	}
	return ctx;
}

void
vm_close(struct vmctx *ctx)
{
	if (ctx == NULL)
		return;
	if (ctx->mem != NULL)
		munmap(ctx->mem, ctx->memlen);
	if (ctx->meta != NULL)
		munmap(ctx->meta, SIM_META_SIZE);
	if (ctx->fd >= 0)
		close(ctx->fd);
	free(ctx);
}

void
vm_destroy(struct vmctx *ctx)
{
	struct stat a, b;
	if (ctx == NULL)
		return;
	/* Flag first so a running sim bhyve sees its vm_run fail (exit 4), then
	 * remove the node, unless it was already replaced by a new VM. */
	__atomic_store_n(&ctx->meta->destroyed, 1, __ATOMIC_RELEASE);
	if (fstat(ctx->fd, &a) == 0 && stat(ctx->path, &b) == 0 &&
	    a.st_ino == b.st_ino && a.st_dev == b.st_dev)
		unlink(ctx->path);
	vm_close(ctx);
}

static int
alive(struct vmctx *ctx)
{
	if (__atomic_load_n(&ctx->meta->destroyed, __ATOMIC_ACQUIRE)) {
		errno = ENXIO;
		return 0;
	}
	return 1;
}

int
vm_reinit(struct vmctx *ctx)
{
	struct sim_meta *m = ctx->meta;
	int active = 0;

	if (!alive(ctx))
		return -1;
	for (int i = 0; i < CPU_SETSIZE / 64; i++)
		active |= __atomic_load_n(&m->active_cpus[i], __ATOMIC_ACQUIRE) != 0;
	/* vmm.ko refuses while some vCPU is active but not suspended. */
	if (active && __atomic_load_n(&m->suspend_how, __ATOMIC_ACQUIRE) == VM_SUSPEND_NONE) {
		errno = EBUSY;
		return -1;
	}
	for (int i = 0; i < CPU_SETSIZE / 64; i++)
		__atomic_store_n(&m->active_cpus[i], 0, __ATOMIC_RELEASE);
	for (int i = 0; i < VMMAPI_SIM_MAXCPU; i++)
		__atomic_store_n(&m->nmi_pending[i], 0, __ATOMIC_RELEASE);
	latch_write(m, 0, NULL);
	__atomic_store_n(&m->suspend_how, VM_SUSPEND_NONE, __ATOMIC_RELEASE);
	return 0;
}

const char *
vm_get_name(struct vmctx *ctx)
{
	return ctx->name;
}

int
vm_get_device_fd(struct vmctx *ctx)
{
	return ctx->fd;
}

struct vcpu *
vm_vcpu_open(struct vmctx *ctx, int vcpuid)
{
	struct vcpu *v = malloc(sizeof(*v));
	if (v == NULL)
		return NULL;
	v->ctx = ctx;
	v->id = vcpuid;
	return v;
}

void
vm_vcpu_close(struct vcpu *vcpu)
{
	free(vcpu);
}

int
vcpu_id(struct vcpu *vcpu)
{
	return vcpu->id;
}

static int
vcpu_ok(struct vcpu *vcpu)
{
	if (!alive(vcpu->ctx))
		return 0;
	if (vcpu->id < 0 || vcpu->id >= VMMAPI_SIM_MAXCPU) {
		errno = EINVAL;
		return 0;
	}
	return 1;
}

/* ---- memory --------------------------------------------------------------- */

/* expand_number(3): a number with an optional k/m/g/t/p/e suffix (any case). */
static int
expand_number(const char *s, size_t *out)
{
	char *end;
	unsigned shift = 0;
	uintmax_t v;

	errno = 0;
	if (!isdigit((unsigned char)*s)) {
		errno = EINVAL;
		return -1;
	}
	v = strtoumax(s, &end, 0);
	if (errno != 0)
		return -1;
	switch (tolower((unsigned char)*end)) {
	case '\0': break;
	case 'k': shift = 10; break;
	case 'm': shift = 20; break;
	case 'g': shift = 30; break;
	case 't': shift = 40; break;
	case 'p': shift = 50; break;
	case 'e': shift = 60; break;
	default: errno = EINVAL; return -1;
	}
	if (*end != '\0' && end[1] != '\0' && !(tolower((unsigned char)end[1]) == 'b' && end[2] == '\0')) {
		errno = EINVAL;
		return -1;
	}
	if (shift != 0 && (v >> (64 - shift)) != 0) {
		errno = ERANGE;
		return -1;
	}
	*out = (size_t)(v << shift);
	return 0;
}

int
vm_parse_memsize(const char *opt, size_t *memsize)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(opt, &end, 0);
	if (*opt != '\0' && *end == '\0' && errno == 0 && isdigit((unsigned char)*opt)) {
		/* a bare number below 1 MiB means MiB (backward compatibility) */
		if (v < (1ULL << 20))
			v <<= 20;
		*memsize = (size_t)v;
		return 0;
	}
	return expand_number(opt, memsize);
}

int
vm_setup_memory(struct vmctx *ctx, size_t len, enum vm_mmap_style s)
{
	struct sim_meta *m = ctx->meta;
	size_t low, high, end;
	uint64_t cur;

	if (!alive(ctx))
		return -1;
	if (s != VM_MMAP_ALL || len == 0 || (len & 4095) != 0) {
		errno = EINVAL;
		return -1;
	}
	low = len > SIM_LOWMEM_LIMIT ? SIM_LOWMEM_LIMIT : len;
	high = len - low;
	end = high != 0 ? SIM_HIGHMEM_BASE + high : low;
	if (end > SIM_META_OFF) {
		errno = ENOMEM;
		return -1;
	}
	/* The memory segment exists once; a different size is refused. */
	cur = 0;
	if (!__atomic_compare_exchange_n(&m->memsize, &cur, (uint64_t)len, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) && cur != len) {
		errno = EINVAL;
		return -1;
	}
	if (ctx->mem == NULL) {
		void *p = mmap(NULL, end, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
		    ctx->fd, 0);
		if (p == MAP_FAILED)
			return -1;
		ctx->mem = p;
		ctx->memlen = end;
	}
	ctx->lowmem = low;
	ctx->highmem = high;
	return 0;
}

void *
vm_map_gpa(struct vmctx *ctx, vm_paddr_t gaddr, size_t len)
{
	if (ctx->mem == NULL)
		return NULL;
	if (gaddr < ctx->lowmem && len <= ctx->lowmem - gaddr)
		return ctx->mem + gaddr;
	if (ctx->highmem != 0 && gaddr >= SIM_HIGHMEM_BASE &&
	    gaddr - SIM_HIGHMEM_BASE < ctx->highmem &&
	    len <= ctx->highmem - (gaddr - SIM_HIGHMEM_BASE))
		return ctx->mem + gaddr;
	return NULL;
}

int
vm_mmap_getnext(struct vmctx *ctx, vm_paddr_t *gpa, int *segid,
    vm_ooffset_t *segoff, size_t *len, int *prot, int *flags)
{
	uint64_t size, low, high;
	if (!alive(ctx))
		return -1;
	size = __atomic_load_n(&ctx->meta->memsize, __ATOMIC_ACQUIRE);
	low = size > SIM_LOWMEM_LIMIT ? SIM_LOWMEM_LIMIT : size;
	high = size - low;
	/* RAM is mapped as bhyve's vm_setup_memory does: [0, low) at segment
	 * offset 0 and, above 3 GiB of RAM, [4 GiB, 4 GiB + high) at offset 4 GiB */
	if (size != 0 && *gpa == 0) {
		*len = low;
	} else if (high != 0 && *gpa <= SIM_HIGHMEM_BASE) {
		*gpa = SIM_HIGHMEM_BASE;
		*len = high;
	} else {
		errno = ENOENT;
		return -1;
	}
	*segid = VM_SYSMEM;
	*segoff = (vm_ooffset_t)*gpa;
	*prot = PROT_READ | PROT_WRITE | PROT_EXEC;
	*flags = 0;
	return 0;
}

int
vm_get_memseg(struct vmctx *ctx, int ident, size_t *lenp, char *name, size_t namesiz)
{
	uint64_t size;
	if (!alive(ctx))
		return -1;
	if (ident < 0 || ident >= 8) {
		errno = EINVAL;
		return -1;
	}
	size = __atomic_load_n(&ctx->meta->memsize, __ATOMIC_ACQUIRE);
	*lenp = ident == VM_SYSMEM && size != 0 ?
	    (size > SIM_LOWMEM_LIMIT ? SIM_HIGHMEM_BASE + (size - SIM_LOWMEM_LIMIT) : size) : 0;
	if (name != NULL && namesiz > 0)
		name[0] = '\0';
	return 0;
}

size_t
vm_get_lowmem_size(struct vmctx *ctx)
{
	return ctx->lowmem;
}

size_t
vm_get_highmem_size(struct vmctx *ctx)
{
	return ctx->highmem;
}

/* ---- vCPUs, topology, control --------------------------------------------- */

int
vm_set_topology(struct vmctx *ctx, uint16_t sockets, uint16_t cores,
    uint16_t threads, uint16_t maxcpus)
{
	if (!alive(ctx))
		return -1;
	if (maxcpus != 0 || sockets == 0 || cores == 0 || threads == 0 ||
	    (unsigned)sockets * cores * threads > ctx->meta->maxcpus) {
		errno = EINVAL;
		return -1;
	}
	__atomic_store_n(&ctx->meta->topology,
	    sockets | ((uint64_t)cores << 16) | ((uint64_t)threads << 32), __ATOMIC_RELEASE);
	return 0;
}

int
vm_get_topology(struct vmctx *ctx, uint16_t *sockets, uint16_t *cores,
    uint16_t *threads, uint16_t *maxcpus)
{
	uint64_t t;
	if (!alive(ctx))
		return -1;
	t = __atomic_load_n(&ctx->meta->topology, __ATOMIC_ACQUIRE);
	*sockets = t & 0xffff;
	*cores = (t >> 16) & 0xffff;
	*threads = (t >> 32) & 0xffff;
	*maxcpus = (uint16_t)ctx->meta->maxcpus;
	return 0;
}

int
vm_activate_cpu(struct vcpu *vcpu)
{
	uint64_t bit, old;
	if (!vcpu_ok(vcpu))
		return -1;
	bit = 1ULL << (vcpu->id % 64);
	old = __atomic_fetch_or(&vcpu->ctx->meta->active_cpus[vcpu->id / 64], bit, __ATOMIC_ACQ_REL);
	if (old & bit) {
		errno = EBUSY;
		return -1;
	}
	return 0;
}

int
vm_active_cpus(struct vmctx *ctx, cpuset_t *cpus)
{
	if (!alive(ctx))
		return -1;
	for (int i = 0; i < CPU_SETSIZE / 64; i++)
		cpus->__bits[i] = __atomic_load_n(&ctx->meta->active_cpus[i], __ATOMIC_ACQUIRE);
	return 0;
}

int
vm_suspend(struct vmctx *ctx, enum vm_suspend_how how)
{
	int32_t none = VM_SUSPEND_NONE;
	if (!alive(ctx))
		return -1;
	if (how <= VM_SUSPEND_NONE || how >= VM_SUSPEND_LAST) {
		errno = EINVAL;
		return -1;
	}
	if (!__atomic_compare_exchange_n(&ctx->meta->suspend_how, &none, (int32_t)how, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		errno = EALREADY;
		return -1;
	}
	return 0;
}

int
vm_inject_nmi(struct vcpu *vcpu)
{
	if (!vcpu_ok(vcpu))
		return -1;
	__atomic_store_n(&vcpu->ctx->meta->nmi_pending[vcpu->id], 1, __ATOMIC_RELEASE);
	return 0;
}

/* ---- statistics ----------------------------------------------------------- */

uint64_t *
vm_get_stats(struct vcpu *vcpu, struct timeval *ret_tv, int *ret_entries)
{
	static _Thread_local uint64_t buf[SIM_MAXSTATS];
	int n;

	if (!vcpu_ok(vcpu))
		return NULL;
	n = (int)vcpu->ctx->meta->nstats;
	if (n > SIM_MAXSTATS)
		n = SIM_MAXSTATS;
	if (latch_read(vcpu->ctx->meta, vcpu->id, buf, n) != 0)
		return NULL;
	if (ret_tv != NULL)
		gettimeofday(ret_tv, NULL);
	if (ret_entries != NULL)
		*ret_entries = n;
	return buf;
}

const char *
vm_get_stat_desc(struct vmctx *ctx, int index)
{
	static _Thread_local char buf[SIM_DESC_LEN];
	if (index < 0 || index >= (int)ctx->meta->nstats || index >= SIM_MAXSTATS)
		return NULL;
	memcpy(buf, ctx->meta->stat_desc[index], SIM_DESC_LEN);
	buf[SIM_DESC_LEN - 1] = '\0';
	return buf;
}

/* ---- RTC ------------------------------------------------------------------ */

int
vm_rtc_gettime(struct vmctx *ctx, time_t *secs)
{
	if (!alive(ctx))
		return -1;
	*secs = time(NULL) + (time_t)__atomic_load_n(&ctx->meta->rtc_offset, __ATOMIC_ACQUIRE);
	return 0;
}

int
vm_rtc_settime(struct vmctx *ctx, time_t secs)
{
	if (!alive(ctx))
		return -1;
	__atomic_store_n(&ctx->meta->rtc_offset, (int64_t)(secs - time(NULL)), __ATOMIC_RELEASE);
	return 0;
}

/* ---- kernel side, for the sim bhyve ---------------------------------------- */

int
vmmapi_sim_suspended(struct vmctx *ctx)
{
	if (!alive(ctx))
		return -1;
	return __atomic_load_n(&ctx->meta->suspend_how, __ATOMIC_ACQUIRE);
}

unsigned
vmmapi_sim_take_nmis(struct vcpu *vcpu)
{
	if (!vcpu_ok(vcpu))
		return 0;
	return __atomic_exchange_n(&vcpu->ctx->meta->nmi_pending[vcpu->id], 0, __ATOMIC_ACQ_REL);
}

int
vmmapi_sim_publish_stats(struct vmctx *ctx, int ncpu, const uint64_t *vals)
{
	if (!alive(ctx))
		return -1;
	if (ncpu < 0 || ncpu > VMMAPI_SIM_MAXCPU) {
		errno = EINVAL;
		return -1;
	}
	latch_write(ctx->meta, ncpu, vals);
	return 0;
}
