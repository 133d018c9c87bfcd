/**
 * cpu-models on test:///: what libvirt's test driver answers for virConnectGetCPUModelNames —
 * the model names of libvirt's CPU map per architecture family (as `virsh -c test:///default
 * cpu-models ARCH` prints them with libvirt 9.0), an empty list for the CPU drivers that accept
 * any model (virsh then prints "all CPU models are accepted"), and libvirt's errors otherwise.
 *
 *   testCPUModelNames(arch): string[]
 */
import { VirError } from '../errors';

const X86_MODELS = ('486 pentium pentium2 pentium3 pentiumpro coreduo n270 core2duo qemu32 kvm32 cpu64-rhel5 cpu64-rhel6 qemu64 kvm64 '
  + 'Conroe Penryn Nehalem Nehalem-IBRS Westmere Westmere-IBRS SandyBridge SandyBridge-IBRS IvyBridge IvyBridge-IBRS '
  + 'Haswell-noTSX Haswell-noTSX-IBRS Haswell Haswell-IBRS Broadwell-noTSX Broadwell-noTSX-IBRS Broadwell Broadwell-IBRS '
  + 'Skylake-Client Skylake-Client-IBRS Skylake-Client-noTSX-IBRS Skylake-Server Skylake-Server-IBRS Skylake-Server-noTSX-IBRS '
  + 'Cascadelake-Server Cascadelake-Server-noTSX Icelake-Client Icelake-Client-noTSX Icelake-Server Icelake-Server-noTSX '
  + 'Cooperlake Snowridge athlon phenom Opteron_G1 Opteron_G2 Opteron_G3 Opteron_G4 Opteron_G5 EPYC EPYC-IBPB EPYC-Rome EPYC-Milan Dhyana').split(' ');
const PPC64_MODELS = ['POWER6', 'POWER7', 'POWER8', 'POWER9', 'POWER10', 'POWERPC_e5500', 'POWERPC_e6500'];

/** architectures libvirt knows (virArch names) */
const KNOWN_ARCHES = new Set(('alpha armv6l armv7l armv7b aarch64 cris i686 ia64 lm32 loongarch64 m68k microblaze microblazeel '
  + 'mips mipsel mips64 mips64el openrisc parisc parisc64 ppc ppcle ppc64 ppc64le ppcemb riscv32 riscv64 s390 s390x sh4 sh4eb '
  + 'sparc sparc64 unicore32 x86_64 xtensa xtensaeb').split(' '));

export function testCPUModelNames(arch: string): string[] {
  if (!KNOWN_ARCHES.has(arch)) throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: cannot find architecture ${arch}`);
  if (arch === 'i686' || arch === 'x86_64') return [...X86_MODELS];
  if (arch === 'ppc64' || arch === 'ppc64le') return [...PPC64_MODELS];
  if (['armv6l', 'armv7l', 'armv7b', 'aarch64', 's390', 's390x'].includes(arch)) return [];
  throw new VirError('VIR_ERR_NO_SUPPORT', `this function is not supported by the connection driver: '${arch}' architecture is not supported by CPU driver`);
}
