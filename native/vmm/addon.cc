// vmm.node: node-addon-api binding over libvmmapi (FreeBSD 14+, vCPU-handle
// API) or, elsewhere, over vmmapi-sim (native/vmm/sim), which has the same C
// API. Only src/core/vmm.ts loads this; see it for the typed interface.
//
// Exports:
//   backend: 'freebsd' | 'sim'
//   listVMs(root?) -> Promise<string[]>           names in /dev/vmm (sim: ROOT/dev/vmm)
//   open(name, root?) -> Promise<VmHandle>
//   hostInfo() -> { tscFreq: bigint, maxCpu: number }
//   isLockHeld(path) -> boolean                    flock(2) probe (shared), never blocks
//   lockFileSync(path, timeoutMs) -> fd            flock(2) LOCK_EX held until fd is closed
//   VmHandle: name, statDescriptions(), statsSync(vcpu, out), stats(vcpu),
//     activeCpus(), topology(), injectNmi(vcpu), suspend(how), rtcGet(),
//     rtcSet(secs), readMemory(gpa, len), memoryMap(), destroy(), close()
// Every call that enters the kernel (or the sim's files) except statsSync,
// statDescriptions, hostInfo and isLockHeld runs on the libuv pool and returns
// a promise; those four are a memory read / one short non-blocking syscall.
// Failures are Error objects with errno, code (e.g. 'ENOENT') and syscall, and
// a message naming the call and its subject: "vm_open web1: No such file or directory".

#include <napi.h>
#include <uv.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>
#include <dirent.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#ifdef __FreeBSD__
#include <sys/param.h>
#include <sys/cpuset.h>
#include <sys/sysctl.h>
#include <machine/vmm.h>
#include <vmmapi.h>
#define VMM_DEV_DIR "/dev/vmm"
#else
#include "vmmapi.h"
#endif

#if !defined(VMMAPI_VERSION) || VMMAPI_VERSION < 0200
#error "bvirsh needs libvmmapi's vCPU-handle API (VMMAPI_VERSION 0200, FreeBSD 14 or later)"
#endif

namespace {

Napi::Error SysError(Napi::Env env, int err, const std::string& syscall, const std::string& subject) {
  std::string msg = syscall + (subject.empty() ? "" : " " + subject) + ": " + strerror(err);
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("code", Napi::String::New(env, uv_err_name(-err)));
  e.Set("syscall", Napi::String::New(env, syscall));
  return e;
}

// Where a sim VM lives: the root given by the caller, else env BVIRSH_SIM_ROOT.
// vmmapi-sim keeps the root per thread, so concurrent calls for different
// roots on different pool threads do not interfere.
void UseRoot(const std::string& root, bool given) {
#ifdef VMMAPI_SIM
  vmmapi_sim_set_root(given ? root.c_str() : nullptr);
#else
  (void)root;
  (void)given;
#endif
}

// A promise-returning job: `work` runs on a pool thread and either fills the
// job's result fields or calls Fail(); `done` builds the JS value.
class Job : public Napi::AsyncWorker {
 public:
  using Work = std::function<void(Job&)>;
  using Done = std::function<Napi::Value(Napi::Env, Job&)>;

  Job(Napi::Object keepAlive, Work work, Done done)
      : Napi::AsyncWorker(keepAlive.Env(), "bvirsh:vmm"),
        deferred_(Napi::Promise::Deferred::New(keepAlive.Env())),
        keep_(Napi::Persistent(keepAlive)),
        work_(std::move(work)),
        done_(std::move(done)) {}

  static Napi::Promise Run(Napi::Object keepAlive, Work work, Done done) {
    Job* j = new Job(keepAlive, std::move(work), std::move(done));
    Napi::Promise p = j->deferred_.Promise();
    j->Queue();
    return p;
  }

  void Fail(int err, std::string syscall, std::string subject) {
    err_ = err != 0 ? err : EIO;
    syscall_ = std::move(syscall);
    subject_ = std::move(subject);
  }

  // results
  std::vector<uint64_t> u64;
  std::vector<std::string> strs;
  std::vector<int> ints;
  std::vector<char> bytes;
  int64_t num = 0;
  std::unique_ptr<struct vmctx, void (*)(struct vmctx*)> ctx{nullptr, vm_close};

 protected:
  void Execute() override { work_(*this); }
  void OnOK() override {
    Napi::Env env = Env();
    if (err_ != 0) {
      deferred_.Reject(SysError(env, err_, syscall_, subject_).Value());
      return;
    }
    deferred_.Resolve(done_ ? done_(env, *this) : env.Undefined());
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference keep_;  // the VmHandle stays alive while we run
  Work work_;
  Done done_;
  int err_ = 0;
  std::string syscall_, subject_;
};

class VmHandle : public Napi::ObjectWrap<VmHandle> {
 public:
  static Napi::FunctionReference ctor;

  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "VmHandle", {
      InstanceAccessor<&VmHandle::GetName>("name"),
      InstanceMethod<&VmHandle::StatDescriptions>("statDescriptions"),
      InstanceMethod<&VmHandle::StatsSync>("statsSync"),
      InstanceMethod<&VmHandle::Stats>("stats"),
      InstanceMethod<&VmHandle::ActiveCpus>("activeCpus"),
      InstanceMethod<&VmHandle::Topology>("topology"),
      InstanceMethod<&VmHandle::InjectNmi>("injectNmi"),
      InstanceMethod<&VmHandle::Suspend>("suspend"),
      InstanceMethod<&VmHandle::RtcGet>("rtcGet"),
      InstanceMethod<&VmHandle::RtcSet>("rtcSet"),
      InstanceMethod<&VmHandle::ReadMemory>("readMemory"),
      InstanceMethod<&VmHandle::MemoryMap>("memoryMap"),
      InstanceMethod<&VmHandle::Destroy>("destroy"),
      InstanceMethod<&VmHandle::Close>("close"),
    });
  }

  explicit VmHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<VmHandle>(info) {
    // Constructed only from open(): the External carries the opened ctx.
    if (info.Length() != 1 || !info[0].IsExternal())
      throw Napi::TypeError::New(info.Env(), "VmHandle cannot be constructed directly; use open()");
    ctx_ = info[0].As<Napi::External<struct vmctx>>().Data();
    name_ = vm_get_name(ctx_);
  }

  ~VmHandle() override { Release(false); }

 private:
  struct vmctx* ctx_ = nullptr;
  std::string name_;
  std::shared_mutex lock_;               // shared: calls on ctx; exclusive: close/destroy
  std::vector<struct vcpu*> vcpus_;      // opened lazily, freed with ctx
  std::vector<std::string> descs_;       // stat descriptions, cached

  void Release(bool destroy) {
    std::unique_lock<std::shared_mutex> g(lock_);
    for (struct vcpu* v : vcpus_)
      if (v != nullptr) vm_vcpu_close(v);
    vcpus_.clear();
    if (ctx_ != nullptr) {
      if (destroy) vm_destroy(ctx_);
      else vm_close(ctx_);
      ctx_ = nullptr;
    }
  }

  // Caller holds lock_ (shared); vcpus_ grows only under a unique lock below.
  struct vcpu* Vcpu(int id) {
    if (id < 0 || id >= (int)vcpus_.size() || vcpus_[id] == nullptr) return nullptr;
    return vcpus_[id];
  }
  int PrepareVcpu(int id) {  // main thread, before queueing work
    if (id < 0 || id > 4095) return EINVAL;
    std::unique_lock<std::shared_mutex> g(lock_);
    if (ctx_ == nullptr) return EBADF;
    if (id >= (int)vcpus_.size()) vcpus_.resize(id + 1, nullptr);
    if (vcpus_[id] == nullptr) {
      vcpus_[id] = vm_vcpu_open(ctx_, id);
      if (vcpus_[id] == nullptr) return errno != 0 ? errno : ENOMEM;
    }
    return 0;
  }

  int ArgVcpu(const Napi::CallbackInfo& info, size_t i) {
    if (info.Length() <= i || !info[i].IsNumber())
      throw Napi::TypeError::New(info.Env(), "vcpu must be a number");
    return info[i].As<Napi::Number>().Int32Value();
  }

  std::string Subject(int vcpu = -1) const {
    return vcpu < 0 ? name_ : name_ + " vcpu " + std::to_string(vcpu);
  }

  Napi::Value GetName(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), name_); }

  Napi::Value StatDescriptions(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    {
      std::shared_lock<std::shared_mutex> g(lock_);
      if (ctx_ == nullptr) throw SysError(env, EBADF, "vm_get_stat_desc", name_);
      if (descs_.empty()) {
        for (int i = 0;; i++) {
          const char* d = vm_get_stat_desc(ctx_, i);
          if (d == nullptr) break;
          descs_.emplace_back(d);
        }
      }
    }
    Napi::Array a = Napi::Array::New(env, descs_.size());
    for (size_t i = 0; i < descs_.size(); i++) a.Set(i, descs_[i]);
    return a;
  }

  // statsSync(vcpu, out: BigUint64Array) -> number of entries written.
  Napi::Value StatsSync(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    int id = ArgVcpu(info, 0);
    if (info.Length() < 2 || !info[1].IsTypedArray() ||
        info[1].As<Napi::TypedArray>().TypedArrayType() != napi_biguint64_array)
      throw Napi::TypeError::New(env, "statsSync(vcpu, out): out must be a BigUint64Array");
    Napi::BigUint64Array out = info[1].As<Napi::BigUint64Array>();
    for (int attempt = 0; attempt < 2; attempt++) {
      {
        std::shared_lock<std::shared_mutex> g(lock_);
        if (ctx_ == nullptr) throw SysError(env, EBADF, "vm_get_stats", Subject(id));
        if (struct vcpu* vc = Vcpu(id)) {
          int n = 0;
          uint64_t* v = vm_get_stats(vc, nullptr, &n);
          if (v == nullptr) throw SysError(env, errno, "vm_get_stats", Subject(id));
          size_t m = std::min((size_t)n, out.ElementLength());
          memcpy(out.Data(), v, m * sizeof(uint64_t));
          return Napi::Number::New(env, n);
        }
      }
      int e = PrepareVcpu(id);
      if (e != 0) throw SysError(env, e, "vm_get_stats", Subject(id));
    }
    throw SysError(env, EBADF, "vm_get_stats", Subject(id));
  }

  // Runs `fn` on the pool with the ctx held (shared); EBADF after close/destroy.
  Napi::Value Async(const Napi::CallbackInfo& info, const char* syscall, int vcpu,
                    std::function<int(VmHandle*, Job&)> fn, Job::Done done = nullptr) {
    std::string what = syscall, subj = Subject(vcpu);
    if (vcpu >= 0) {
      int e = PrepareVcpu(vcpu);
      if (e != 0) throw SysError(info.Env(), e, what, subj);
    }
    return Job::Run(info.This().As<Napi::Object>(), [this, fn, what, subj](Job& j) {
      std::shared_lock<std::shared_mutex> g(lock_);
      if (ctx_ == nullptr) return j.Fail(EBADF, what, subj);
      errno = 0;
      if (fn(this, j) != 0) j.Fail(errno, what, subj);
    }, done);
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    int id = ArgVcpu(info, 0);
    return Async(info, "vm_get_stats", id, [id](VmHandle* h, Job& j) {
      int n = 0;
      uint64_t* v = vm_get_stats(h->Vcpu(id), nullptr, &n);
      if (v == nullptr) return -1;
      j.u64.assign(v, v + n);
      return 0;
    }, [](Napi::Env env, Job& j) -> Napi::Value {
      Napi::BigUint64Array a = Napi::BigUint64Array::New(env, j.u64.size());
      if (!j.u64.empty()) memcpy(a.Data(), j.u64.data(), j.u64.size() * sizeof(uint64_t));
      return a;
    });
  }

  Napi::Value ActiveCpus(const Napi::CallbackInfo& info) {
    return Async(info, "vm_active_cpus", -1, [](VmHandle* h, Job& j) {
      cpuset_t set;
      CPU_ZERO(&set);
      if (vm_active_cpus(h->ctx_, &set) != 0) return -1;
      for (int i = 0; i < CPU_SETSIZE; i++)
        if (CPU_ISSET(i, &set)) j.ints.push_back(i);
      return 0;
    }, [](Napi::Env env, Job& j) -> Napi::Value {
      Napi::Array a = Napi::Array::New(env, j.ints.size());
      for (size_t i = 0; i < j.ints.size(); i++) a.Set(i, j.ints[i]);
      return a;
    });
  }

  Napi::Value Topology(const Napi::CallbackInfo& info) {
    return Async(info, "vm_get_topology", -1, [](VmHandle* h, Job& j) {
      uint16_t s = 0, c = 0, t = 0, m = 0;
      if (vm_get_topology(h->ctx_, &s, &c, &t, &m) != 0) return -1;
      j.ints = {s, c, t, m};
      return 0;
    }, [](Napi::Env env, Job& j) -> Napi::Value {
      Napi::Object o = Napi::Object::New(env);
      o.Set("sockets", j.ints[0]);
      o.Set("cores", j.ints[1]);
      o.Set("threads", j.ints[2]);
      o.Set("maxcpus", j.ints[3]);
      return o;
    });
  }

  Napi::Value InjectNmi(const Napi::CallbackInfo& info) {
    int id = ArgVcpu(info, 0);
    return Async(info, "vm_inject_nmi", id, [id](VmHandle* h, Job&) {
      return vm_inject_nmi(h->Vcpu(id));
    });
  }

  // suspend(how): enum vm_suspend_how (1 reset, 2 poweroff, 3 halt, 4 triple fault)
  Napi::Value Suspend(const Napi::CallbackInfo& info) {
    if (info.Length() < 1 || !info[0].IsNumber())
      throw Napi::TypeError::New(info.Env(), "suspend(how): how must be a number");
    int how = info[0].As<Napi::Number>().Int32Value();
    return Async(info, "vm_suspend", -1, [how](VmHandle* h, Job&) {
      return vm_suspend(h->ctx_, (enum vm_suspend_how)how);
    });
  }

  Napi::Value RtcGet(const Napi::CallbackInfo& info) {
    return Async(info, "vm_rtc_gettime", -1, [](VmHandle* h, Job& j) {
      time_t t = 0;
      if (vm_rtc_gettime(h->ctx_, &t) != 0) return -1;
      j.num = (int64_t)t;
      return 0;
    }, [](Napi::Env env, Job& j) -> Napi::Value { return Napi::Number::New(env, (double)j.num); });
  }

  Napi::Value RtcSet(const Napi::CallbackInfo& info) {
    if (info.Length() < 1 || !info[0].IsNumber())
      throw Napi::TypeError::New(info.Env(), "rtcSet(secs): secs must be a number");
    int64_t secs = info[0].As<Napi::Number>().Int64Value();
    return Async(info, "vm_rtc_settime", -1, [secs](VmHandle* h, Job&) {
      return vm_rtc_settime(h->ctx_, (time_t)secs);
    });
  }

  // readMemory(gpa: bigint, len) -> Buffer. pread(2) on the VM's device at
  // offset == GPA: what /dev/vmm/NAME's read method gives (vmmdev_rw), and
  // what the sim file's layout reproduces.
  Napi::Value ReadMemory(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsBigInt() || !info[1].IsNumber())
      throw Napi::TypeError::New(env, "readMemory(gpa: bigint, len: number)");
    bool lossless = true;
    uint64_t gpa = info[0].As<Napi::BigInt>().Uint64Value(&lossless);
    int64_t len = info[1].As<Napi::Number>().Int64Value();
    char subj[64];
    snprintf(subj, sizeof subj, "gpa 0x%llx", (unsigned long long)gpa);
    std::string subject = name_ + " " + subj;
    if (!lossless || len < 0 || len > (64 << 20))
      throw SysError(env, EINVAL, "read", subject);
#ifdef VMMAPI_SIM
    if (gpa + (uint64_t)len < gpa || gpa + (uint64_t)len > VMMAPI_SIM_GPA_LIMIT)
      throw SysError(env, EFAULT, "read", subject);
#endif
    return Job::Run(info.This().As<Napi::Object>(), [this, gpa, len, subject](Job& j) {
      std::shared_lock<std::shared_mutex> g(lock_);
      if (ctx_ == nullptr) return j.Fail(EBADF, "read", subject);
      j.bytes.resize((size_t)len);
      size_t got = 0;
      int fd = vm_get_device_fd(ctx_);
      while (got < (size_t)len) {
        ssize_t r = pread(fd, j.bytes.data() + got, (size_t)len - got, (off_t)(gpa + got));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return j.Fail(errno, "read", subject);
        if (r == 0) return j.Fail(EFAULT, "read", subject);
        got += (size_t)r;
      }
    }, [](Napi::Env env, Job& j) -> Napi::Value {
      return Napi::Buffer<char>::Copy(env, j.bytes.data(), j.bytes.size());
    });
  }

  // memoryMap() -> [{gpa, len, segid, segoff, prot, flags, segment}] from the
  // kernel (vm_mmap_getnext + vm_get_memseg; segment "" = guest RAM), usable
  // from a process that did not set the memory up.
  Napi::Value MemoryMap(const Napi::CallbackInfo& info) {
    return Async(info, "vm_mmap_getnext", -1, [](VmHandle* h, Job& j) {
      vm_paddr_t gpa = 0;
      for (;;) {
        int segid = 0, prot = 0, flags = 0;
        vm_ooffset_t segoff = 0;
        size_t len = 0, seglen = 0;
        char name[64] = "";
        if (vm_mmap_getnext(h->ctx_, &gpa, &segid, &segoff, &len, &prot, &flags) != 0) {
          if (errno == ENOENT) return 0;
          return -1;
        }
        if (vm_get_memseg(h->ctx_, segid, &seglen, name, sizeof(name)) != 0) return -1;
        j.u64.insert(j.u64.end(), {(uint64_t)gpa, (uint64_t)len, (uint64_t)segid, (uint64_t)segoff,
                                   (uint64_t)prot, (uint64_t)flags});
        j.strs.emplace_back(name);
        gpa += len;
      }
    }, [](Napi::Env env, Job& j) -> Napi::Value {
      Napi::Array a = Napi::Array::New(env, j.strs.size());
      for (size_t i = 0; i < j.strs.size(); i++) {
        const uint64_t* v = &j.u64[i * 6];
        Napi::Object o = Napi::Object::New(env);
        o.Set("gpa", Napi::BigInt::New(env, v[0]));
        o.Set("len", Napi::BigInt::New(env, v[1]));
        o.Set("segid", Napi::Number::New(env, (double)v[2]));
        o.Set("segoff", Napi::BigInt::New(env, v[3]));
        o.Set("prot", Napi::Number::New(env, (double)v[4]));
        o.Set("flags", Napi::Number::New(env, (double)v[5]));
        o.Set("segment", j.strs[i]);
        a.Set(i, o);
      }
      return a;
    });
  }

  Napi::Value Destroy(const Napi::CallbackInfo& info) {
    std::string subj = name_;
    return Job::Run(info.This().As<Napi::Object>(), [this, subj](Job& j) {
      {
        std::shared_lock<std::shared_mutex> g(lock_);
        if (ctx_ == nullptr) return j.Fail(EBADF, "vm_destroy", subj);
      }
      Release(true);  // vm_destroy returns nothing, as in libvmmapi
    }, nullptr);
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    Release(false);
    return info.Env().Undefined();
  }
};

Napi::FunctionReference VmHandle::ctor;

Napi::Value ArgRoot(const Napi::CallbackInfo& info, size_t i, std::string* root, bool* given) {
  *given = info.Length() > i && info[i].IsString();
  if (*given) *root = info[i].As<Napi::String>().Utf8Value();
  return info.Env().Undefined();
}

Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString())
    throw Napi::TypeError::New(env, "open(name, root?): name must be a string");
  std::string name = info[0].As<Napi::String>().Utf8Value(), root;
  bool given;
  ArgRoot(info, 1, &root, &given);
  return Job::Run(Napi::Object::New(env), [name, root, given](Job& j) {
    UseRoot(root, given);
    errno = 0;
#ifdef VMMAPI_OPEN_CREATE
    struct vmctx* c = vm_openf(name.c_str(), 0);  // 15+: open an existing VM only
#else
    struct vmctx* c = vm_open(name.c_str());
#endif
    if (c == nullptr) return j.Fail(errno, "vm_open", name);
    j.ctx.reset(c);
  }, [](Napi::Env env, Job& j) -> Napi::Value {
    struct vmctx* c = j.ctx.release();
    return VmHandle::ctor.New({Napi::External<struct vmctx>::New(env, c)});
  });
}

Napi::Value ListVMs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string root;
  bool given;
  ArgRoot(info, 0, &root, &given);
  return Job::Run(Napi::Object::New(env), [root, given](Job& j) {
#ifdef VMMAPI_SIM
    UseRoot(root, given);
    const char* r = vmmapi_sim_root();
    if (r == nullptr) return j.Fail(EINVAL, "opendir", "(no sim root: pass one or set BVIRSH_SIM_ROOT)");
    std::string dir = std::string(r) + "/dev/vmm";
#else
    std::string dir = VMM_DEV_DIR;
#endif
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) {
      if (errno == ENOENT) return;  // no vmm device directory: no VMs
      return j.Fail(errno, "opendir", dir);
    }
    while (struct dirent* e = readdir(d))
      if (e->d_name[0] != '.') j.strs.emplace_back(e->d_name);
    closedir(d);
    std::sort(j.strs.begin(), j.strs.end());
  }, [](Napi::Env env, Job& j) -> Napi::Value {
    Napi::Array a = Napi::Array::New(env, j.strs.size());
    for (size_t i = 0; i < j.strs.size(); i++) a.Set(i, j.strs[i]);
    return a;
  });
}

Napi::Value HostInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t tsc = 0;
  int maxcpu = 0;
#ifdef VMMAPI_SIM
  vmmapi_sim_host_info(&tsc, &maxcpu);
#else
  size_t len = sizeof(tsc);
  if (sysctlbyname("machdep.tsc_freq", &tsc, &len, nullptr, 0) != 0)
    throw SysError(env, errno, "sysctl", "machdep.tsc_freq");
  len = sizeof(maxcpu);
  if (sysctlbyname("hw.vmm.maxcpu", &maxcpu, &len, nullptr, 0) != 0)
    throw SysError(env, errno, "sysctl", "hw.vmm.maxcpu (is vmm.ko loaded?)");
#endif
  Napi::Object o = Napi::Object::New(env);
  o.Set("tscFreq", Napi::BigInt::New(env, tsc));
  o.Set("maxCpu", Napi::Number::New(env, maxcpu));
  return o;
}

// isLockHeld(path): is an exclusive flock(2) held on this file (by any open
// file description, including another one in this process)? A missing file
// is "not held".
Napi::Value IsLockHeld(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString())
    throw Napi::TypeError::New(env, "isLockHeld(path): path must be a string");
  std::string path = info[0].As<Napi::String>().Utf8Value();
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Napi::Boolean::New(env, false);
    throw SysError(env, errno, "open", path);
  }
  // A shared probe: only an exclusive holder (a supervisor) blocks it, so probes
  // running at the same moment in other processes never take each other for one.
  bool held = false;
  if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
    flock(fd, LOCK_UN);
  } else if (errno == EWOULDBLOCK) {
    held = true;
  } else {
    int e = errno;
    close(fd);
    throw SysError(env, e, "flock", path);
  }
  close(fd);
  return Napi::Boolean::New(env, held);
}

// lockFileSync(path, timeoutMs) -> fd holding flock(LOCK_EX) on path (created
// 0644 if missing). The lock goes with the fd: close it to unlock; a process
// that dies releases it, so there is never a stale lock to take over. Polls with
// LOCK_NB so a stopped holder costs a timeout (EWOULDBLOCK), not a hang.
Napi::Value LockFileSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsNumber())
    throw Napi::TypeError::New(env, "lockFileSync(path, timeoutMs): path must be a string, timeoutMs a number");
  std::string path = info[0].As<Napi::String>().Utf8Value();
  double timeoutMs = info[1].As<Napi::Number>().DoubleValue();
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw SysError(env, errno, "open", path);
  for (double waited = 0;; waited += 2) {
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) return Napi::Number::New(env, fd);
    int e = errno;
    if (e == EINTR) continue;
    if (e != EWOULDBLOCK || waited >= timeoutMs) {
      close(fd);
      throw SysError(env, e, "flock", path);
    }
    usleep(2000);
  }
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  Napi::Function h = VmHandle::Init(env);
  VmHandle::ctor = Napi::Persistent(h);
  VmHandle::ctor.SuppressDestruct();
#ifdef VMMAPI_SIM
  exports.Set("backend", "sim");
#else
  exports.Set("backend", "freebsd");
#endif
  exports.Set("VmHandle", h);
  exports.Set("open", Napi::Function::New(env, Open, "open"));
  exports.Set("listVMs", Napi::Function::New(env, ListVMs, "listVMs"));
  exports.Set("hostInfo", Napi::Function::New(env, HostInfo, "hostInfo"));
  exports.Set("isLockHeld", Napi::Function::New(env, IsLockHeld, "isLockHeld"));
  exports.Set("lockFileSync", Napi::Function::New(env, LockFileSync, "lockFileSync"));
  return exports;
}

}  // namespace

NODE_API_MODULE(vmm, Init)
