package io.septum.identity.endpoints;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.septum.identity.allocation.IdentityEntity;
import io.septum.model.kv.IpcacheRecord;
import io.septum.model.kv.NamedPort;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.LockModeType;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.util.List;
import java.util.Map;

/** A row of the endpoint table: a pod, where it runs, its address, its labels and its identity. */
@Entity
@Table(name = "endpoint")
public class EndpointEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false, updatable = false)
    public String namespace;

    @Column(nullable = false, updatable = false)
    public String pod;

    @Column(nullable = false)
    public String node;

    @Column(nullable = false)
    public String ip;

    /** The pod's labels as given. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, String> labels;

    @Convert(converter = NamedPortsColumn.class)
    @Column(name = "named_ports", nullable = false)
    public List<NamedPort> namedPorts;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "identity_id", nullable = false)
    public IdentityEntity identity;

    /** The endpoint, locked until the transaction ends (its identity row stays unlocked). */
    static Uni<EndpointEntity> findForUpdate(String namespace, String pod) {
        return EndpointEntity.<EndpointEntity>find("namespace = ?1 and pod = ?2", namespace, pod)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** The endpoint with its identity loaded. */
    static Uni<EndpointEntity> findWithIdentity(String namespace, String pod) {
        return EndpointEntity.<EndpointEntity>find("from EndpointEntity e join fetch e.identity where e.namespace = ?1 and e.pod = ?2",
                namespace, pod).firstResult();
    }

    static String prefix(String ip) {
        return ip + "/32";
    }

    IpcacheRecord ipcacheRecord(int identityId) {
        return new IpcacheRecord(prefix(ip), identityId, node, namespace, pod, namedPorts);
    }
}
