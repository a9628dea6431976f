package io.septum.enforcer.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.septum.enforcer.datapath.libbpf.BpfObject;
import io.septum.enforcer.datapath.libbpf.Btf;
import io.septum.enforcer.datapath.libbpf.CTypes;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java mirrors of the BPF structs against what clang produced: the object is opened with libbpf but not
 * loaded, so this needs no privileges.
 */
class LxcObjectLayoutTest {

    private static BpfObject object;

    @BeforeAll
    static void openObject() throws IOException {
        byte[] elf;
        try (InputStream in = Datapath.class.getClassLoader().getResourceAsStream(Datapath.OBJECT_RESOURCE)) {
            assertThat(in).as(Datapath.OBJECT_RESOURCE + " on the class path").isNotNull();
            elf = in.readAllBytes();
        }
        object = BpfObject.open("lxc", elf, null);
    }

    @AfterAll
    static void closeObject() {
        object.close();
    }

    @Test
    void everyMapHasTheKeyAndValueSizeOfItsJavaMirror() {
        Map<String, String> c = new TreeMap<>();
        Map<String, String> java = new TreeMap<>();
        for (BpfObject.MapDefinition map : object.maps()) {
            c.put(map.name(), map.keySize() + "/" + map.valueSize());
        }
        LxcObjectLayout.MAPS.forEach((name, mirror) -> java.put(name, size(mirror.key()) + "/" + size(mirror.value())));

        assertThat(java).as("map name -> key/value size, Java mirrors").isEqualTo(c);
    }

    @Test
    void mirrorsMatchTheBtfMemberByMember() {
        assertThat(LxcObjectLayout.differences(object)).isEmpty();
    }

    @Test
    void flowEventMirrorHasTheSizeTheCodeAssertsAndBtfRecords() {
        Btf.Struct struct = object.btf().struct("flow_event").orElseThrow();

        assertThat(struct.size()).isEqualTo(56); // _Static_assert in maps.h
        assertThat(LxcObjectLayout.OTHER_STRUCTS.getFirst().byteSize()).isEqualTo(56);
    }

    @Test
    void theComparisonCatchesAMemberOutOfPlace() {
        Btf.Struct policyValue = object.btf().struct("policy_value").orElseThrow();
        StructLayout swapped = MemoryLayout.structLayout(
                CTypes.U32.withName("rule_ref"), CTypes.U8.withName("flags"), CTypes.pad("pad", 3)).withName("policy_value");

        assertThat(Btf.compare(swapped, policyValue)).contains(
                "struct policy_value: member 0 is flags @0 size 1 in C, rule_ref @0 size 4 in Java",
                "struct policy_value: C member rule_ref missing in Java");
    }

    private static long size(MemoryLayout layout) {
        return layout == null ? 0 : layout.byteSize();
    }
}
