package io.parley.localrun;

import io.parley.testsupport.server.Ports;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ports of one local system. {@link #standard()} are the documented ones (docs/design.md);
 * {@link #free()} picks unused ones so tests can run next to a developer's {@code ./parley run}.
 */
public record LocalPorts(int kafka, int kafkaController, int cassandra, int cassandraStorage, int discovery,
                         int gateway, int api, List<Integer> chatNodes, int push) {

    public LocalPorts {
        chatNodes = List.copyOf(chatNodes);
    }

    /** The ports as they were before push-service existed; push-service gets a free port. */
    public LocalPorts(int kafka, int kafkaController, int cassandra, int cassandraStorage, int discovery,
                      int gateway, int api, List<Integer> chatNodes) {
        this(kafka, kafkaController, cassandra, cassandraStorage, discovery, gateway, api, chatNodes, Ports.free(1)[0]);
    }

    public static LocalPorts standard() {
        return new LocalPorts(19092, 19093, 19042, 17000, 8761, 8080, 8091, List.of(8181, 8182), 8093);
    }

    /**
     * The standard ports with {@code count} chat nodes on 8181, 8182, 8183, ... (the scale-out
     * benchmark runs three).
     */
    public LocalPorts withChatNodeCount(int count) {
        if (count < 1 || count > 9) {
            throw new IllegalArgumentException("chat nodes: 1 to 9, not " + count);
        }
        int first = chatNodes.get(0);
        List<Integer> ports = java.util.stream.IntStream.range(0, count).mapToObj(i -> first + i).toList();
        return new LocalPorts(kafka, kafkaController, cassandra, cassandraStorage, discovery, gateway, api, ports, push);
    }

    public static LocalPorts free() {
        int[] p = Ports.free(10);
        return new LocalPorts(p[0], p[1], p[2], p[3], p[4], p[5], p[6], List.of(p[7], p[8]), p[9]);
    }

    /** Every port by what uses it, for "port in use" messages. */
    Map<String, Integer> byOwner() {
        Map<String, Integer> owners = new LinkedHashMap<>();
        owners.put("kafka", kafka);
        owners.put("kafka controller", kafkaController);
        owners.put("cassandra (CQL)", cassandra);
        owners.put("cassandra (storage)", cassandraStorage);
        owners.put("discovery-service", discovery);
        owners.put("gateway", gateway);
        owners.put("api-service", api);
        for (int i = 0; i < chatNodes.size(); i++) {
            owners.put("chat-service node " + (i + 1), chatNodes.get(i));
        }
        owners.put("push-service", push);
        return owners;
    }
}
