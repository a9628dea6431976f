package io.septum.enforcer.datapath.libbpf;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.septum.enforcer.datapath.BpfException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A live libbpf {@code struct bpf_object}: opened from an ELF image, configured, loaded, closed. Closing it
 * closes the file descriptors of its maps and programs; pins and tc attachments outlive it, as the kernel
 * keeps what they reference.
 *
 * <p>Not thread-safe before {@link #load()}; afterwards only {@link #close()} changes state.
 */
public final class BpfObject implements AutoCloseable {

    private final String name;
    /** Owns the ELF image and the strings libbpf was given: libbpf keeps pointers into them. */
    private final Arena arena;
    private final MemorySegment object;
    private volatile boolean loaded;
    private volatile boolean closed;

    private BpfObject(String name, Arena arena, MemorySegment object) {
        this.name = name;
        this.arena = arena;
        this.object = object;
    }

    /**
     * Opens (parses, does not load) an object. Maps declared with {@code LIBBPF_PIN_BY_NAME} get pin paths
     * {@code pinRoot/<map name>}; on {@link #load()} libbpf reuses a compatible map pinned there or creates
     * and pins a new one.
     *
     * @param pinRoot directory for pinned maps, or null for libbpf's default (/sys/fs/bpf)
     */
    public static BpfObject open(String name, byte[] elf, Path pinRoot) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment image = arena.allocate(elf.length, 8);
            image.copyFrom(MemorySegment.ofArray(elf));
            MemorySegment opts = arena.allocate(LibbpfStructs.OBJECT_OPEN_OPTS);
            opts.set(JAVA_LONG, offset("sz"), LibbpfStructs.OBJECT_OPEN_OPTS.byteSize());
            opts.set(ADDRESS, offset("object_name"), arena.allocateFrom(name));
            if (pinRoot != null) {
                opts.set(ADDRESS, offset("pin_root_path"), arena.allocateFrom(pinRoot.toString()));
            }
            // A failure's libbpf lines go into the exception; logging them as well would say it twice.
            var opened = LibbpfLog.quietly(() -> Native.bpfObjectOpenMem(image, image.byteSize(), opts));
            if (opened.value().equals(MemorySegment.NULL)) {
                throw new BpfException("open BPF object", name, Errno.of(0), LibbpfLog.appendix(opened.lines()));
            }
            return new BpfObject(name, arena, opened.value());
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private static long offset(String field) {
        return LibbpfStructs.OBJECT_OPEN_OPTS.byteOffset(groupElement(field));
    }

    public String name() {
        return name;
    }

    /** The maps the object declares, in ELF order (internal .data/.rodata maps included, if any). */
    public List<MapDefinition> maps() {
        ensureOpen();
        List<MapDefinition> maps = new ArrayList<>();
        for (MemorySegment map = Native.bpfObjectNextMap(object, MemorySegment.NULL); !map.equals(MemorySegment.NULL);
                map = Native.bpfObjectNextMap(object, map)) {
            maps.add(new MapDefinition(this, map));
        }
        return maps;
    }

    public Optional<MapDefinition> findMap(String mapName) {
        return maps().stream().filter(m -> m.name().equals(mapName)).findFirst();
    }

    public MapDefinition map(String mapName) {
        return findMap(mapName).orElseThrow(
                () -> new BpfException("find map " + mapName, "BPF object " + name, "the object declares no such map"));
    }

    /**
     * Creates or reuses the maps, pins new ones, and loads the programs into the kernel. A verifier rejection
     * carries libbpf's last log lines in the exception message.
     */
    public void load() {
        ensureOpen();
        var result = LibbpfLog.capturing(() -> Native.bpfObjectLoad(object));
        int rc = result.value();
        if (rc < 0) {
            throw new BpfException("load BPF object", name, Errno.of(rc), LibbpfLog.appendix(result.lines()));
        }
        loaded = true;
    }

    /** The file descriptor of a loaded program; owned by this object. */
    public int programFd(String programName) {
        ensureLoaded();
        MemorySegment program;
        try (Arena scratch = Arena.ofConfined()) {
            program = Native.bpfObjectFindProgramByName(object, scratch.allocateFrom(programName));
        }
        if (program.equals(MemorySegment.NULL)) {
            throw new BpfException("find program " + programName, "BPF object " + name, Errno.last());
        }
        int fd = Native.bpfProgramFd(program);
        if (fd < 0) {
            throw new BpfException("get fd of program " + programName, "BPF object " + name, Errno.of(fd));
        }
        return fd;
    }

    /** The kernel's id of a loaded program (what {@code bpftool prog} and tc queries show). */
    public int programId(String programName) {
        int fd = programFd(programName);
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment info = scratch.allocate(LibbpfStructs.PROG_INFO);
            MemorySegment length = scratch.allocateFrom(CTypes.U32, (int) info.byteSize());
            int rc = Native.bpfObjGetInfoByFd(fd, info, length);
            if (rc < 0) {
                throw new BpfException("get info of program " + programName, "fd " + fd, Errno.of(rc));
            }
            return info.get(CTypes.U32, LibbpfStructs.PROG_INFO.byteOffset(groupElement("id")));
        }
    }

    /** The object's BTF, valid while the object is open. */
    public Btf btf() {
        ensureOpen();
        MemorySegment btf = Native.bpfObjectBtf(object);
        if (btf.equals(MemorySegment.NULL)) {
            throw new BpfException("read BTF", "BPF object " + name, "the object carries no BTF (compiled without -g?)");
        }
        return new Btf(btf);
    }

    public boolean isLoaded() {
        return loaded && !closed;
    }

    public boolean isOpen() {
        return !closed;
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("BPF object " + name + " is closed");
        }
    }

    void ensureLoaded() {
        ensureOpen();
        if (!loaded) {
            throw new IllegalStateException("BPF object " + name + " is not loaded");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Native.bpfObjectClose(object);
        arena.close();
    }

    /** One map of the object: its definition before load, its file descriptor after. */
    public static final class MapDefinition {
        private final BpfObject owner;
        private final MemorySegment map;

        MapDefinition(BpfObject owner, MemorySegment map) {
            this.owner = owner;
            this.map = map;
        }

        public String name() {
            owner.ensureOpen();
            return Native.string(Native.bpfMapName(map));
        }

        /** enum bpf_map_type. */
        public int type() {
            owner.ensureOpen();
            return Native.bpfMapType(map);
        }

        public int keySize() {
            owner.ensureOpen();
            return Native.bpfMapKeySize(map);
        }

        public int valueSize() {
            owner.ensureOpen();
            return Native.bpfMapValueSize(map);
        }

        public int maxEntries() {
            owner.ensureOpen();
            return Native.bpfMapMaxEntries(map);
        }

        public int flags() {
            owner.ensureOpen();
            return Native.bpfMapMapFlags(map);
        }

        public int btfKeyTypeId() {
            owner.ensureOpen();
            return Native.bpfMapBtfKeyTypeId(map);
        }

        public int btfValueTypeId() {
            owner.ensureOpen();
            return Native.bpfMapBtfValueTypeId(map);
        }

        /** Where libbpf pins (or found) the map; empty for maps that are not pinned. */
        public Optional<Path> pinPath() {
            owner.ensureOpen();
            return Optional.ofNullable(Native.string(Native.bpfMapPinPath(map))).map(Path::of);
        }

        /** Only before load. */
        public void setMaxEntries(int maxEntries) {
            owner.ensureOpen();
            int rc = Native.bpfMapSetMaxEntries(map, maxEntries);
            if (rc < 0) {
                throw new BpfException("set max_entries of map " + name() + " to " + maxEntries, "BPF object " + owner.name, Errno.of(rc));
            }
        }

        /** The live map; only after load. Its file descriptor belongs to the object. */
        public BpfMap live() {
            owner.ensureLoaded();
            int fd = Native.bpfMapFd(map);
            if (fd < 0) {
                throw new BpfException("get fd of map " + name(), "BPF object " + owner.name, Errno.of(fd));
            }
            return new BpfMap(name(), fd, pinPath().map(p -> "pin " + p).orElse("fd " + fd), type(), keySize(), valueSize(),
                    maxEntries(), owner::isOpen);
        }
    }
}
