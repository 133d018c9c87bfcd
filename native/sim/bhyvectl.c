/*
 * bhyvectl(8) of the simulated host: the user-facing options (and a few
 * developer ones) over vmmapi-sim, with bhyvectl's output formats and error
 * behaviour ("errno = N", exit status = the libvmmapi return value, i.e. 255).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "simcommon.h"

static void
usage(void)
{
	fprintf(stderr,
	    "Usage: bhyvectl --vm=<vmname>\n"
	    "       [--cpu=<vcpu>]\n"
	    "       [--create]\n"
	    "       [--destroy]\n"
	    "       [--get-stats]\n"
	    "       [--inject-nmi]\n"
	    "       [--force-reset]\n"
	    "       [--force-poweroff]\n"
	    "       [--get-active-cpus]\n"
	    "       [--get-cpu-topology]\n"
	    "       [--get-rtc-time]\n"
	    "       [--set-rtc-time=<secs>]\n");
	exit(1);
}

static void
print_cpus(const char *banner, const cpuset_t *cpus)
{
	int n = 0;
	printf("%s:\t", banner);
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, cpus))
			printf("%s%d", n++ ? ", " : "", i);
	if (n == 0)
		printf("<none>");
	printf("\n");
}

int
main(int argc, char **argv)
{
	enum { O_VM = 1000, O_CPU, O_CREATE, O_DESTROY, O_STATS, O_NMI, O_RESET, O_POWEROFF,
	    O_ACTIVE, O_TOPO, O_GETRTC, O_SETRTC };
	static const struct option longopts[] = {
		{ "vm", required_argument, NULL, O_VM },
		{ "cpu", required_argument, NULL, O_CPU },
		{ "create", no_argument, NULL, O_CREATE },
		{ "destroy", no_argument, NULL, O_DESTROY },
		{ "get-stats", no_argument, NULL, O_STATS },
		{ "inject-nmi", no_argument, NULL, O_NMI },
		{ "force-reset", no_argument, NULL, O_RESET },
		{ "force-poweroff", no_argument, NULL, O_POWEROFF },
		{ "get-active-cpus", no_argument, NULL, O_ACTIVE },
		{ "get-cpu-topology", no_argument, NULL, O_TOPO },
		{ "get-rtc-time", no_argument, NULL, O_GETRTC },
		{ "set-rtc-time", required_argument, NULL, O_SETRTC },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const wday[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
	    "Aug", "Sep", "Oct", "Nov", "Dec" };
	const char *vmname = NULL;
	int vcpuid = 0, create = 0, destroy = 0, stats = 0, nmi = 0, reset = 0, poweroff = 0;
	int active = 0, topo = 0, getrtc = 0, setrtc = 0, error = 0, c;
	time_t rtc_secs = 0;
	struct vmctx *ctx;
	struct vcpu *vcpu;

	sim_progname(argv);
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_VM: vmname = optarg; break;
		case O_CPU: vcpuid = atoi(optarg); break;
		case O_CREATE: create = 1; break;
		case O_DESTROY: destroy = 1; break;
		case O_STATS: stats = 1; break;
		case O_NMI: nmi = 1; break;
		case O_RESET: reset = 1; break;
		case O_POWEROFF: poweroff = 1; break;
		case O_ACTIVE: active = 1; break;
		case O_TOPO: topo = 1; break;
		case O_GETRTC: getrtc = 1; break;
		case O_SETRTC: setrtc = 1; rtc_secs = (time_t)strtoul(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (vmname == NULL || optind != argc)
		usage();
	sim_root("bhyvectl", 1);

	ctx = vm_openf(vmname, create ? VMMAPI_OPEN_CREATE : 0);
	if (ctx == NULL) {
		fprintf(stderr, "vm_open: %s could not be opened: %s\n", vmname, strerror(errno));
		exit(1);
	}
	vcpu = vm_vcpu_open(ctx, vcpuid);

	if (!error && setrtc)
		error = vm_rtc_settime(ctx, rtc_secs);
	if (!error && getrtc) {
		time_t t;
		struct tm tm;
		error = vm_rtc_gettime(ctx, &t);
		if (!error) {
			gmtime_r(&t, &tm);
			printf("rtc time %#lx: %s %s %02d %02d:%02d:%02d %d\n", (unsigned long)t,
			    wday[tm.tm_wday], mon[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min,
			    tm.tm_sec, 1900 + tm.tm_year);
		}
	}
	if (!error && active) {
		cpuset_t set;
		error = vm_active_cpus(ctx, &set);
		if (!error)
			print_cpus("active cpus", &set);
	}
	if (!error && topo) {
		uint16_t s, co, th, mx;
		error = vm_get_topology(ctx, &s, &co, &th, &mx);
		if (!error)
			printf("cpu_topology:\tsockets=%hu, cores=%hu, threads=%hu, maxcpus=%hu\n",
			    s, co, th, mx);
	}
	if (!error && stats) {
		int n;
		uint64_t *v = vm_get_stats(vcpu, NULL, &n);
		if (v == NULL) {
			error = -1;
		} else {
			printf("vcpu%d stats:\n", vcpuid);
			for (int i = 0; i < n; i++)
				printf("%-40s\t%ld\n", vm_get_stat_desc(ctx, i), (long)v[i]);
		}
	}
	if (!error && nmi)
		error = vm_inject_nmi(vcpu);
	if (!error && reset)
		error = vm_suspend(ctx, VM_SUSPEND_RESET);
	if (!error && poweroff)
		error = vm_suspend(ctx, VM_SUSPEND_POWEROFF);
	if (error)
		printf("errno = %d\n", errno);
	vm_vcpu_close(vcpu);
	if (!error && destroy)
		vm_destroy(ctx);
	else
		vm_close(ctx);
	exit(error & 0xff);
}
