/*
 * C test driver for vmmapi-sim, run under -fsanitize=address,undefined by
 * test/native/sanitize.test.ts (not part of the node-gyp build). Exercises the
 * API's edge cases and races one writer thread against reader threads on the
 * statistics seqlock. Prints "ok N" per check; exits non-zero on a failure.
 * Usage: test_vmmapi_sim SIMROOT
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmmapi.h"

static int checks;
#define CHECK(cond) do { \
	if (!(cond)) { fprintf(stderr, "FAIL %s:%d: %s (errno %d)\n", __FILE__, __LINE__, #cond, errno); exit(1); } \
	checks++; \
} while (0)

static struct vmctx *ctx;
static int stop; /* atomic */

static void *
writer(void *arg)
{
	uint64_t vals[2][SIMSTAT_COUNT];
	(void)arg;
	memset(vals, 0, sizeof(vals));
	for (uint64_t n = 1; !__atomic_load_n(&stop, __ATOMIC_ACQUIRE); n++) {
		for (int c = 0; c < 2; c++)
			for (int i = 0; i < SIMSTAT_COUNT; i++)
				vals[c][i] = n * (uint64_t)(i + 1);
		vmmapi_sim_publish_stats(ctx, 2, &vals[0][0]);
	}
	return NULL;
}

static void *
reader(void *arg)
{
	struct vcpu *v = vm_vcpu_open(ctx, (int)(intptr_t)arg);
	long bad = 0;
	for (int k = 0; k < 200000; k++) {
		int n;
		uint64_t *s = vm_get_stats(v, NULL, &n);
		if (s == NULL || n != SIMSTAT_COUNT) {
			bad++;
			continue;
		}
		for (int i = 1; i < n; i++)
			if (s[i] != s[0] * (uint64_t)(i + 1))
				bad++;
	}
	vm_vcpu_close(v);
	return (void *)bad;
}

int
main(int argc, char **argv)
{
	size_t sz;
	uint16_t s, c, t, m;
	time_t rtc;
	cpuset_t set;
	struct vcpu *v0, *v9;
	pthread_t w, r[2];
	void *bad;
	char name33[34];

	if (argc != 2)
		return 2;
	vmmapi_sim_set_root(argv[1]);

	/* memory sizes as bhyve parses them */
	CHECK(vm_parse_memsize("512", &sz) == 0 && sz == 512UL << 20);
	CHECK(vm_parse_memsize("2G", &sz) == 0 && sz == 2UL << 30);
	CHECK(vm_parse_memsize("1048576", &sz) == 0 && sz == 1048576);
	CHECK(vm_parse_memsize("12Q", &sz) != 0);
	CHECK(vm_parse_memsize("", &sz) != 0);

	/* names */
	memset(name33, 'a', 33);
	name33[33] = '\0';
	CHECK(vm_create(name33) == -1 && errno == EINVAL);
	CHECK(vm_create("a/b") == -1 && errno == EINVAL);
	CHECK(vm_open("nosuch") == NULL && errno == ENOENT);
	CHECK(vm_openf("x", 0x80) == NULL && errno == EINVAL);

	CHECK(vm_create("t1") == 0);
	CHECK(vm_create("t1") == -1 && errno == EEXIST);
	ctx = vm_openf("t1", VMMAPI_OPEN_CREATE);
	CHECK(ctx != NULL && strcmp(vm_get_name(ctx), "t1") == 0);

	/* memory: 5 GiB = 3 GiB low + 2 GiB from 4 GiB */
	CHECK(vm_setup_memory(ctx, 5UL << 30, VM_MMAP_ALL) == 0);
	CHECK(vm_get_lowmem_size(ctx) == 3UL << 30 && vm_get_highmem_size(ctx) == 2UL << 30);
	CHECK(vm_setup_memory(ctx, 5UL << 30, VM_MMAP_ALL) == 0);
	CHECK(vm_setup_memory(ctx, 1UL << 30, VM_MMAP_ALL) == -1 && errno == EINVAL);
	{
		vm_paddr_t gpa = 0;
		vm_ooffset_t off;
		int seg, prot, flags;
		size_t len;
		char nm[8] = "x";
		CHECK(vm_mmap_getnext(ctx, &gpa, &seg, &off, &len, &prot, &flags) == 0 && gpa == 0 && len == 3UL << 30);
		gpa += len;
		CHECK(vm_mmap_getnext(ctx, &gpa, &seg, &off, &len, &prot, &flags) == 0 &&
		    gpa == 4UL << 30 && len == 2UL << 30 && off == (vm_ooffset_t)(4UL << 30));
		gpa += len;
		CHECK(vm_mmap_getnext(ctx, &gpa, &seg, &off, &len, &prot, &flags) == -1 && errno == ENOENT);
		CHECK(vm_get_memseg(ctx, VM_SYSMEM, &len, nm, sizeof(nm)) == 0 && len == 6UL << 30 && nm[0] == '\0');
		CHECK(vm_get_memseg(ctx, 1, &len, nm, sizeof(nm)) == 0 && len == 0);
	}
	CHECK(vm_map_gpa(ctx, 0, 4096) != NULL);
	CHECK(vm_map_gpa(ctx, (3UL << 30) + 4096, 16) == NULL); /* the hole */
	CHECK(vm_map_gpa(ctx, (4UL << 30), 16) != NULL);
	CHECK(vm_map_gpa(ctx, (6UL << 30) - 8, 16) == NULL);    /* past the end */
	memcpy(vm_map_gpa(ctx, 4UL << 30, 6), "hello", 6);
	{
		char buf[6];
		CHECK(pread(vm_get_device_fd(ctx), buf, 6, (off_t)(4UL << 30)) == 6 && strcmp(buf, "hello") == 0);
	}

	/* topology, vCPUs */
	CHECK(vm_set_topology(ctx, 2, 2, 1, 0) == 0);
	CHECK(vm_set_topology(ctx, 4, 4, 2, 0) == -1 && errno == EINVAL);
	CHECK(vm_get_topology(ctx, &s, &c, &t, &m) == 0 && s == 2 && c == 2 && t == 1 && m == VMMAPI_SIM_MAXCPU);
	v0 = vm_vcpu_open(ctx, 0);
	v9 = vm_vcpu_open(ctx, 99);
	CHECK(vcpu_id(v0) == 0);
	CHECK(vm_activate_cpu(v0) == 0);
	CHECK(vm_activate_cpu(v0) == -1 && errno == EBUSY);
	CHECK(vm_activate_cpu(v9) == -1 && errno == EINVAL);
	CHECK(vm_active_cpus(ctx, &set) == 0 && CPU_ISSET(0, &set) && !CPU_ISSET(1, &set));
	CHECK(vm_reinit(ctx) == -1 && errno == EBUSY); /* an active, unsuspended vCPU */

	/* NMI is a pending flag */
	CHECK(vm_inject_nmi(v0) == 0 && vm_inject_nmi(v0) == 0);
	CHECK(vmmapi_sim_take_nmis(v0) == 1 && vmmapi_sim_take_nmis(v0) == 0);
	CHECK(vm_inject_nmi(v9) == -1 && errno == EINVAL);

	/* RTC */
	CHECK(vm_rtc_settime(ctx, 1000000000) == 0);
	CHECK(vm_rtc_gettime(ctx, &rtc) == 0 && rtc >= 1000000000 && rtc <= 1000000002);

	/* stats descriptions and the seqlock under a racing writer */
	CHECK(strcmp(vm_get_stat_desc(ctx, SIMSTAT_RUNTIME), "vcpu total runtime") == 0);
	CHECK(vm_get_stat_desc(ctx, SIMSTAT_COUNT) == NULL);
	CHECK(vm_get_stats(v9, NULL, NULL) == NULL && errno == EINVAL);
	pthread_create(&w, NULL, writer, NULL);
	pthread_create(&r[0], NULL, reader, (void *)0);
	pthread_create(&r[1], NULL, reader, (void *)1);
	pthread_join(r[0], &bad);
	CHECK(bad == NULL);
	pthread_join(r[1], &bad);
	CHECK(bad == NULL);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	pthread_join(w, NULL);

	/* suspend, then reinit clears it and the vCPUs */
	CHECK(vm_suspend(ctx, VM_SUSPEND_NONE) == -1 && errno == EINVAL);
	CHECK(vm_suspend(ctx, VM_SUSPEND_HALT) == 0);
	CHECK(vm_suspend(ctx, VM_SUSPEND_RESET) == -1 && errno == EALREADY);
	CHECK(vmmapi_sim_suspended(ctx) == VM_SUSPEND_HALT);
	CHECK(vm_reinit(ctx) == 0 && vmmapi_sim_suspended(ctx) == VM_SUSPEND_NONE);
	CHECK(vm_active_cpus(ctx, &set) == 0 && !CPU_ISSET(0, &set));

	/* destroy: other handles see ENXIO, the node is gone */
	{
		struct vmctx *other = vm_open("t1");
		CHECK(other != NULL);
		vm_vcpu_close(v0);
		vm_vcpu_close(v9);
		vm_destroy(ctx);
		CHECK(vm_rtc_gettime(other, &rtc) == -1 && errno == ENXIO);
		CHECK(vmmapi_sim_suspended(other) == -1 && errno == ENXIO);
		vm_close(other);
		CHECK(vm_open("t1") == NULL && errno == ENOENT);
	}
	vmmapi_sim_set_root(NULL);
	printf("ok %d checks\n", checks);
	return 0;
}
