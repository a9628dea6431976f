package io.septum.enforcer.datapath.libbpf;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import io.septum.enforcer.datapath.BpfException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Optional;

/** What the kernel says about an existing map (struct bpf_map_info). */
public record MapInfo(int type, int id, int keySize, int valueSize, int maxEntries, int flags) {

    /** The map pinned at {@code pin}, or empty if nothing is pinned there. */
    public static Optional<MapInfo> ofPin(Path pin) {
        try (Arena scratch = Arena.ofConfined()) {
            int fd = Native.bpfObjGet(scratch.allocateFrom(pin.toString()));
            if (fd < 0) {
                int errno = Errno.of(fd);
                if (errno == Errno.ENOENT) {
                    return Optional.empty();
                }
                throw new BpfException("open pinned map", "pin " + pin, errno);
            }
            try {
                MemorySegment info = scratch.allocate(LibbpfStructs.MAP_INFO);
                MemorySegment length = scratch.allocateFrom(CTypes.U32, (int) info.byteSize());
                int rc = Native.bpfObjGetInfoByFd(fd, info, length);
                if (rc < 0) {
                    throw new BpfException("read info of pinned map", "pin " + pin, Errno.of(rc));
                }
                return Optional.of(new MapInfo(field(info, "type"), field(info, "id"), field(info, "key_size"),
                        field(info, "value_size"), field(info, "max_entries"), field(info, "map_flags")));
            } finally {
                Native.close(fd);
            }
        }
    }

    private static int field(MemorySegment info, String name) {
        return info.get(CTypes.U32, LibbpfStructs.MAP_INFO.byteOffset(groupElement(name)));
    }
}
