# node-gyp build of bvirsh's native parts, run by `npm install` (package.json
# "install": node-gyp rebuild -C native). Outputs land in native/build/Release/.
#
#   vmm.node     the addon (vmm/addon.cc): FreeBSD -> system libvmmapi,
#                elsewhere -> vmmapi-sim (vmm/sim/), same source.
#   vmmapi_sim   static library: libvmmapi's API on files (not on FreeBSD).
#   bhyve bhyvectl bhyveload grub-bhyve
#                the simulated host's tools (sim/), not on FreeBSD, where the
#                real ones exist.
# To add a C executable (e.g. bvirsh-monitor): copy one of the tool targets
# below (see native/README.md).
{
  'target_defaults': {
    'cflags': ['-std=gnu11', '-Wall', '-Wextra', '-Wno-unused-parameter', '-fPIC'],
    'cflags_c': ['-std=gnu11'],
  },
  'targets': [
    {
      # bvirsh-monitor: the per-guest supervisor (monitor/monitor.c), every OS
      'target_name': 'bvirsh-monitor',
      'type': 'executable',
      'sources': ['monitor/monitor.c'],
      'ldflags!': ['-rdynamic'],
    },
    {
      'target_name': 'vmm',
      'sources': ['vmm/addon.cc'],
      'dependencies': ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      'defines': ['NAPI_VERSION=8'],
      'cflags!': ['-std=gnu11'],
      'conditions': [
        ['OS=="freebsd"', {
          'libraries': ['-lvmmapi'],
        }, {
          'include_dirs': ['vmm/sim'],
          'dependencies': ['vmmapi_sim'],
        }],
      ],
    },
  ],
  'conditions': [
    ['OS!="freebsd"', {
      'targets': [
        {
          'target_name': 'vmmapi_sim',
          'type': 'static_library',
          'sources': ['vmm/sim/vmmapi_sim.c'],
          'direct_dependent_settings': {'include_dirs': ['vmm/sim']},
        },
        {
          'target_name': 'simcommon',
          'type': 'static_library',
          'sources': ['sim/simcommon.c'],
          'dependencies': ['vmmapi_sim'],
          'export_dependent_settings': ['vmmapi_sim'],
          'direct_dependent_settings': {'include_dirs': ['sim']},
        },
        {
          'target_name': 'bhyve',
          'type': 'executable',
          'sources': ['sim/bhyve.c'],
          'dependencies': ['simcommon', 'vmmapi_sim'],
          'ldflags!': ['-rdynamic'],
        },
        {
          'target_name': 'bhyvectl',
          'type': 'executable',
          'sources': ['sim/bhyvectl.c'],
          'dependencies': ['simcommon', 'vmmapi_sim'],
          'ldflags!': ['-rdynamic'],
        },
        {
          'target_name': 'bhyveload',
          'type': 'executable',
          'sources': ['sim/bhyveload.c'],
          'dependencies': ['simcommon', 'vmmapi_sim'],
          'ldflags!': ['-rdynamic'],
        },
        {
          'target_name': 'grub-bhyve',
          'type': 'executable',
          'sources': ['sim/grub-bhyve.c'],
          'dependencies': ['simcommon', 'vmmapi_sim'],
          'ldflags!': ['-rdynamic'],
        },
      ],
    }],
  ],
}
