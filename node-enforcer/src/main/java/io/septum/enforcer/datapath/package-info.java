/**
 * The datapath: bpf/lxc.bpf.o (module septum-bpf) loaded into the kernel through libbpf and the FFM API.
 *
 * <p>{@link io.septum.enforcer.datapath.Datapath} is the entry point: it loads the programs, reuses or pins the
 * maps, attaches to veths ({@code .tc}) inside network namespaces ({@code .netns}) and reads flow events. The
 * value types in this package are what callers read and write; one class per BPF map lives in {@code .maps},
 * each with its C struct mirrored as a {@code MemoryLayout} whose member names, offsets and sizes are checked
 * against the object's BTF on every open. {@code .libbpf} is the native layer: all downcall handles in
 * {@code Native}, errno captured on every call, failures as {@link io.septum.enforcer.datapath.BpfException}s
 * naming operation, object and errno.
 *
 * <p>What this package must never do: decide policy (that is the control plane's; this package only stores
 * entries), hide a native failure, or run namespace work on a thread that outlives it.
 */
package io.septum.enforcer.datapath;
