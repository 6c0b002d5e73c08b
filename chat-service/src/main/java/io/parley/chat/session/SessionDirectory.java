package io.parley.chat.session;

import io.parley.chat.config.ChatSettings;
import io.parley.common.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where every live session of the cluster is, kept in memory on every chat node: the one session
 * directory that messages, receipts, typing and presence are routed by (docs/design.md, "Sessions
 * and nodes"). It replaced a {@code user_sessions} read per recipient of every message.
 *
 * <p>Each node publishes its sessions to the compacted topic {@code parley.sessions}: a record
 * keyed {@code s:<sessionId>} when a session is registered, a tombstone when it closes, and a
 * beat keyed {@code i:<instanceId>} every {@code session-refresh-interval} saying that this start
 * of the node is alive. Every node reads the whole topic from the beginning on its own thread (no
 * consumer group) into memory. A session counts as long as its instance was heard within
 * {@code session-ttl} on the reader's own clock, so the sessions of a node killed without a word
 * stop being routed to after the TTL, whatever the clocks of the nodes say. Once a reader has run
 * for a TTL it tombstones what such a dead instance left behind; an instance that was only paused
 * and finds its own records tombstoned publishes them again.
 *
 * <p>Gap-free delivery needs one more step than reading the map: a session is registered (its
 * record acknowledged by the broker) before its client is welcomed and may sync, and the fan-out
 * calls {@link #awaitCurrent} after its messages are stored. That asks the broker for the topic's
 * end offsets and waits until this node has read up to them, so every session registered before
 * the messages were stored is seen: a message is either in the session's sync answer or routed to
 * it live.
 */
@Component
public class SessionDirectory implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SessionDirectory.class);
    private static final String SESSION_KEY = "s:";
    private static final String INSTANCE_KEY = "i:";
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    private static final long REGISTER_TIMEOUT_MILLIS = 10_000;

    /** Value of an {@code s:<sessionId>} record: whose session it is and which start of which node holds it. */
    record Location(long userId, String nodeId, String instanceId) {
    }

    /** Value of an {@code i:<instanceId>} record: a start of a node, alive when the record was written. */
    record InstanceBeat(String nodeId) {
    }

    /** One session as the routing sees it. */
    private record Entry(String sessionId, String nodeId, String instanceId) {
    }

    private final KafkaTemplate<String, Object> kafka;
    private final KafkaProperties kafkaProperties;
    private final JsonMapper json = JsonMapper.builder().build();
    private final String nodeId;
    private final String instanceId;
    private final long ttlNanos;
    private final long beatIntervalNanos;

    private final Map<String, Location> bySession = new ConcurrentHashMap<>();
    /** Per user, an immutable list replaced on every change: readers never see one half-made. */
    private final Map<Long, List<Entry>> byUser = new ConcurrentHashMap<>();
    /** Per instance, when this node last read a record of it ({@link System#nanoTime()}). */
    private final Map<String, Long> heardAt = new ConcurrentHashMap<>();
    /** This node's own registered sessions, to publish again if another node took them for dead. */
    private final Map<String, Long> local = new ConcurrentHashMap<>();
    private final Set<String> reaped = ConcurrentHashMap.newKeySet();

    private final Object progress = new Object();
    /** Next offset to read per partition, as of the end of the last poll; null until assigned. */
    private volatile Map<TopicPartition, Long> positions;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Admin admin;
    private volatile Thread reader;
    private volatile boolean running;
    private long startedAt;
    private long lastBeat;

    SessionDirectory(KafkaTemplate<String, Object> kafka, KafkaProperties kafkaProperties, ChatSettings settings) {
        this.kafka = kafka;
        this.kafkaProperties = kafkaProperties;
        this.nodeId = settings.nodeId();
        this.instanceId = settings.nodeId() + "~" + UUID.randomUUID();
        this.ttlNanos = settings.sessionTtl().toNanos();
        this.beatIntervalNanos = settings.sessionRefreshInterval().toNanos();
    }

    /**
     * Publishes the session and returns once the broker has it: from then on every node's fan-out
     * that stores a message routes it here too. Throws when the broker did not take it in time.
     */
    void register(long userId, String sessionId) throws InterruptedException, ExecutionException, TimeoutException {
        local.put(sessionId, userId);
        try {
            publish(sessionId, userId).get(REGISTER_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            unregister(sessionId);
            throw e;
        }
    }

    /** Removes the session (a tombstone); routing to a session already gone only costs a dropped delivery. */
    CompletableFuture<?> unregister(String sessionId) {
        local.remove(sessionId);
        return kafka.send(Topics.SESSIONS, SESSION_KEY + sessionId, null);
    }

    /**
     * Waits until this node has read every session record the broker had acknowledged when this
     * was called. Call it after storing messages and before routing them.
     */
    public void awaitCurrent(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> assigned;
        synchronized (progress) {
            // Only right after the start: the reader has not assigned its partitions yet.
            while ((assigned = positions) == null) {
                waitForProgress(deadline, "has not started reading " + Topics.SESSIONS);
            }
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        assigned.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((partition, info) -> ends.put(partition, info.offset()));
        synchronized (progress) {
            while (!reached(positions, ends)) {
                waitForProgress(deadline, "is behind " + Topics.SESSIONS + " " + ends);
            }
        }
    }

    /** Waits on {@link #progress} (held by the caller) until the reader's next poll or the deadline. */
    private void waitForProgress(long deadline, String otherwise) throws InterruptedException, TimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new TimeoutException("the session directory " + otherwise);
        }
        TimeUnit.NANOSECONDS.timedWait(progress, left);
    }

    private static boolean reached(Map<TopicPartition, Long> positions, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            Long position = positions.get(end.getKey());
            if (position == null || position < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * For each user (in the given order), the nodes holding their live sessions; empty when they
     * have none. Costs a map lookup per user, nothing proportional to the cluster.
     */
    public Map<Long, Set<String>> nodesOf(Collection<Long> users) {
        long now = System.nanoTime();
        Map<Long, Set<String>> nodesByUser = new LinkedHashMap<>();
        for (long user : new LinkedHashSet<>(users)) {
            Set<String> nodes = new TreeSet<>();
            for (Entry entry : byUser.getOrDefault(user, List.of())) {
                if (live(entry.instanceId(), now)) {
                    nodes.add(entry.nodeId());
                }
            }
            nodesByUser.put(user, nodes);
        }
        return nodesByUser;
    }

    /** The user's live sessions on nodes other than this one, as far as this node has read. */
    public int sessionsElsewhere(long userId) {
        long now = System.nanoTime();
        int count = 0;
        for (Entry entry : byUser.getOrDefault(userId, List.of())) {
            if (!entry.nodeId().equals(nodeId) && live(entry.instanceId(), now)) {
                count++;
            }
        }
        return count;
    }

    /** The users with a session on each node: what one record per node must name. */
    public Map<String, List<Long>> usersByNode(Collection<Long> users) {
        Map<String, List<Long>> byNode = new LinkedHashMap<>();
        nodesOf(users).forEach((user, nodes) ->
                nodes.forEach(node -> byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(user)));
        return byNode;
    }

    private boolean live(String instance, long now) {
        if (instance.equals(instanceId)) {
            return true;
        }
        Long heard = heardAt.get(instance);
        return heard != null && now - heard <= ttlNanos;
    }

    @Override
    public void start() {
        Map<String, Object> config = new HashMap<>(kafkaProperties.buildConsumerProperties());
        config.keySet().removeIf(key -> key.startsWith("spring.json.")
                || key.equals(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG)
                || key.equals(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG)
                || key.equals(ConsumerConfig.GROUP_ID_CONFIG));
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, nodeId + "-session-directory");
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        admin = Admin.create(kafkaProperties.buildAdminProperties());
        // Known to the cluster before any of its sessions are; a failure here fails the start.
        beat().join();
        running = true;
        startedAt = System.nanoTime();
        lastBeat = startedAt;
        reader = new Thread(this::read, "session-directory");
        reader.setDaemon(true);
        reader.start();
        log.info("session directory of instance {} reading {}", instanceId, Topics.SESSIONS);
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        Thread thread = reader;
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Admin offsets = admin;
        if (offsets != null) {
            offsets.close(Duration.ofSeconds(2));
        }
        synchronized (progress) {
            positions = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts before the containers and the web server, stops after them and after the drain. */
    @Override
    public int getPhase() {
        return 0;
    }

    private void read() {
        try {
            List<TopicPartition> partitions = awaitPartitions();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                try {
                    readOnce(partitions);
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // Every fan-out waits for this thread: it must outlive any failure, never end on one.
                    log.error("reading {} failed; trying again in {}", Topics.SESSIONS, RETRY_PAUSE, e);
                    Thread.sleep(RETRY_PAUSE.toMillis());
                }
            }
        } catch (WakeupException e) {
            // stop()
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void readOnce(List<TopicPartition> partitions) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
            apply(record);
        }
        Map<TopicPartition, Long> read = new HashMap<>();
        partitions.forEach(partition -> read.put(partition, consumer.position(partition)));
        synchronized (progress) {
            positions = read;
            progress.notifyAll();
        }
        maintain();
    }

    private List<TopicPartition> awaitPartitions() {
        while (running) {
            List<PartitionInfo> infos = consumer.partitionsFor(Topics.SESSIONS);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            }
            log.info("waiting for topic {}", Topics.SESSIONS);
            consumer.poll(POLL); // nothing assigned: only a wait that wakeup() can end
        }
        throw new WakeupException();
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        String key = record.key();
        try {
            if (key != null && key.startsWith(SESSION_KEY)) {
                String sessionId = key.substring(SESSION_KEY.length());
                if (record.value() == null) {
                    removed(sessionId);
                } else {
                    Location location = json.readValue(record.value(), Location.class);
                    if (location.nodeId() == null || location.instanceId() == null) {
                        log.warn("skipping a record of {} with key {}: no node or instance", Topics.SESSIONS, key);
                        return;
                    }
                    added(sessionId, location);
                }
            } else if (key != null && key.startsWith(INSTANCE_KEY)) {
                String instance = key.substring(INSTANCE_KEY.length());
                if (record.value() == null) {
                    heardAt.remove(instance);
                    reaped.remove(instance);
                    if (instance.equals(instanceId)) {
                        log.warn("this node was taken for dead by another; announcing it again");
                        beat();
                    }
                } else {
                    heardAt.put(instance, System.nanoTime());
                    reaped.remove(instance);
                }
            } else {
                log.warn("skipping a record of {} with key {}", Topics.SESSIONS, key);
            }
        } catch (JacksonException e) {
            log.warn("skipping an unreadable record of {} with key {}: {}", Topics.SESSIONS, key, e.getOriginalMessage());
        }
    }

    private void added(String sessionId, Location location) {
        heardAt.put(location.instanceId(), System.nanoTime());
        Location before = bySession.put(sessionId, location);
        if (before != null && before.userId() != location.userId()) {
            dropEntry(before.userId(), sessionId);
        }
        Entry entry = new Entry(sessionId, location.nodeId(), location.instanceId());
        byUser.compute(location.userId(), (user, entries) -> {
            List<Entry> next = new ArrayList<>(entries == null ? 1 : entries.size() + 1);
            if (entries != null) {
                entries.stream().filter(e -> !e.sessionId().equals(sessionId)).forEach(next::add);
            }
            next.add(entry);
            return List.copyOf(next);
        });
    }

    private void removed(String sessionId) {
        Location before = bySession.remove(sessionId);
        if (before != null) {
            dropEntry(before.userId(), sessionId);
        }
        Long user = local.get(sessionId);
        if (user != null) {
            log.warn("session {} of this node was taken for dead by another; publishing it again", sessionId);
            publish(sessionId, user);
        }
    }

    private void dropEntry(long userId, String sessionId) {
        byUser.computeIfPresent(userId, (user, entries) -> {
            List<Entry> rest = entries.stream().filter(e -> !e.sessionId().equals(sessionId)).toList();
            return rest.isEmpty() ? null : rest;
        });
    }

    /** On the reader thread after every poll: this instance's beat, and clean-up of dead ones. */
    private void maintain() {
        long now = System.nanoTime();
        if (now - lastBeat < beatIntervalNanos) {
            return;
        }
        lastBeat = now;
        beat();
        if (now - startedAt <= ttlNanos) {
            return; // what was read at start-up counts as heard then: wait a TTL before calling anyone dead
        }
        heardAt.forEach((instance, heard) -> {
            if (!live(instance, now) && reaped.add(instance)) {
                log.info("instance {} not heard for {}: removing it from {}", instance,
                        Duration.ofNanos(now - heard), Topics.SESSIONS);
                kafka.send(Topics.SESSIONS, INSTANCE_KEY + instance, null);
            }
        });
        bySession.forEach((sessionId, location) -> {
            if (!live(location.instanceId(), now)) {
                kafka.send(Topics.SESSIONS, SESSION_KEY + sessionId, null);
            }
        });
    }

    private CompletableFuture<?> beat() {
        return kafka.send(Topics.SESSIONS, INSTANCE_KEY + instanceId, new InstanceBeat(nodeId));
    }

    private CompletableFuture<?> publish(String sessionId, long userId) {
        return kafka.send(Topics.SESSIONS, SESSION_KEY + sessionId, new Location(userId, nodeId, instanceId));
    }
}
