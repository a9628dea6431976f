package io.septum.enforcer.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.septum.enforcer.datapath.libbpf.BpfObject;
import io.septum.enforcer.datapath.libbpf.Errno;
import io.septum.enforcer.datapath.libbpf.Native;
import org.junit.jupiter.api.Test;

/** The native layer's failure reporting, without privileges. */
class BpfObjectTest {

    @Test
    void aBrokenObjectFailsWithLibbpfsOwnWords() {
        byte[] notElf = "this is not an ELF file at all, just some bytes".getBytes();

        assertThatThrownBy(() -> BpfObject.open("broken", notElf, null))
                .isInstanceOf(BpfException.class)
                .hasMessageStartingWith("open BPF object (broken): ")
                .hasMessageContaining("libbpf: ");
    }

    @Test
    void errnoNamesComeFromTheCLibrary() {
        assertThat(Errno.describe(Errno.E2BIG)).isEqualTo("E2BIG (Argument list too long)");
        assertThat(Errno.describe(Errno.ENOTSUPP)).startsWith("ENOTSUPP");
        assertThat(Errno.describe(4007)).startsWith("libbpf error 4007 (");
    }

    @Test
    void everyDowncallIsRegisteredOnce() {
        assertThat(Native.DOWNCALLS).extracting(Native.Downcall::symbol).doesNotHaveDuplicates().contains("bpf_map_update_elem", "setns");
        assertThat(Native.DOWNCALLS).allSatisfy(d -> assertThat(d.options()).isNotEmpty());
    }
}
