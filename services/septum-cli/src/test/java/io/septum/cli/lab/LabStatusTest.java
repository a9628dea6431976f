package io.septum.cli.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LabStatusTest {

    @Test
    void nodesAndPodsAreTablesWithOneLinePerObject() throws Exception {
        String text = LabCommand.renderStatus(new ObjectMapper().readTree("""
                {"lab": "septest",
                 "nodes": [
                   {"name": "node-0", "enforcerPid": 41, "enforcerRunning": true, "log": "/run/n0.log",
                    "status": {"applied": {"policies": 7, "identities": 12, "ipcache": 9}, "synced": true,
                               "endpoints": 2, "endpointsReady": 2, "problems": []}},
                   {"name": "node-1", "enforcerPid": 0, "enforcerRunning": false, "log": "/run/n1.log",
                    "status": {"error": "enforcer of node-1 is not reachable"}},
                   {"name": "node-2", "enforcerPid": 43, "enforcerRunning": false, "log": "/run/n2.log",
                    "status": {"error": "enforcer of node-2 is not reachable"}},
                   {"name": "node-3", "enforcerPid": 44, "enforcerRunning": true, "log": "/run/n3.log",
                    "status": {"applied": {"policies": 7, "identities": 12, "ipcache": 9}, "synced": true,
                               "endpoints": 1, "endpointsReady": 0, "problems": ["x/b: policy map full", "x/c: no identity"]}}
                 ],
                 "pods": [
                   {"name": "x/a", "node": "node-0", "ip": "10.244.0.2", "labels": {"pod": "a", "role": "client"},
                    "identity": 256, "state": "ready", "policyEntries": 3},
                   {"name": "x/b", "node": "node-1", "ip": "10.244.1.2", "labels": {}}
                 ]}
                """));
        assertThat(text.lines()).containsExactly(
                "lab septest: 4 node(s), 2 pod(s)",
                "  NODE     ENFORCER               ENDPOINTS  POLICIES  IDENTITIES  IPCACHE   PROBLEMS",
                "  node-0   pid 41 ready           2/2 ready  @7        @12         @9        -",
                "  node-1   stopped                -          -         -           -         -",
                "  node-2   pid 43 DEAD            -          -         -           -         exited; see /run/n2.log",
                "  node-3   pid 44 ready           0/1 ready  @7        @12         @9        x/b: policy map full; x/c: no identity",
                "  POD                      NODE     IP              IDENTITY  STATE     ENTRIES  LABELS",
                "  x/a                      node-0   10.244.0.2      256       ready     3        pod=a,role=client",
                "  x/b                      node-1   10.244.1.2      -         -         -        -");
    }
}
